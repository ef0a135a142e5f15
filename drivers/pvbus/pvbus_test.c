/*
 * The KTAP tests of pvbus, one per step of the boot story:
 *
 *	hv_backend	which backend answers (hvio_select.c)
 *	pvbus_identify	the detection pass; subtests: the hypervisor bit,
 *			the scan of the 256 bases, each interface found,
 *			the VMware backdoor
 *	pvbus_attach	pvbus0 and its children; a subtest per child
 *
 * The host tool build/host/pvbus-replay runs the last two on a dump and
 * prints exactly what the kernel prints for them (tests/replay).
 */

#include "kern.h"
#include "bootinfo.h"
#include "ktap.h"
#include "memmap.h"
#include "pvbusvar.h"

const struct hvio *pvbus_io;		/* set by pvbus_test_backend() */

static void
identify_scan_result(const struct pvbus_softc *sc)
{
	if (sc->sc_hvbit)
		ktap_diag("%d bases read: %d interface%s, %d rejected",
		    sc->sc_nscanned, sc->sc_nhv, sc->sc_nhv == 1 ? "" : "s",
		    sc->sc_nrejected);
	else
		ktap_diag("hypervisor bit clear: only 0x40000000 read: %d "
		    "interface%s", sc->sc_nhv, sc->sc_nhv == 1 ? "" : "s");
	if (sc->sc_nrejected > 0)
		ktap_diag("first rejected: 0x%08x, whose EAX 0x%08x is not a "
		    "leaf of its own block (another leaf's data)",
		    sc->sc_first_rejected, sc->sc_rejected_eax);
	if (sc->sc_ndropped > 0)
		ktap_diag("%d more interfaces than the %d kept", sc->sc_ndropped,
		    PVBUS_HV_MAX);
}

/* An interface passes unless it breaks a promise its signature makes. */
static void
identify_hv_result(const struct pvbus_hv *hv)
{
	const char *broken = NULL;
	char name[16];

	snprintf(name, sizeof(name), "hv_%08x", hv->hv_base);
	if (hv->hv_type != NULL && hv->hv_type->pt_check != NULL)
		broken = hv->hv_type->pt_check(hv);
	if (broken != NULL)
		ktap_diag("0x%08x: %s", hv->hv_base, broken);
	ktap_sub_result(broken != NULL ? KTAP_FAIL : KTAP_PASS, name, NULL);
}

int
pvbus_test_identify(void)
{
	const struct pvbus_softc *sc = &pvbus_softc;
	int i;

	if (pvbus_io == NULL)
		return ktap_skip("no hypervisor backend (see hv_backend)");
	pvbus_identify(pvbus_io);
	pvbus_print_facts();
	if (pvbus_io->io_report != NULL)
		pvbus_io->io_report();
	ktap_sub_begin(3 + sc->sc_nhv);
	ktap_diag("CPUID.1:ECX[31] = %d", sc->sc_hvbit);
	ktap_sub_result(KTAP_PASS, "hypervisor_bit", NULL);
	identify_scan_result(sc);
	ktap_sub_result(KTAP_PASS, "bases_scanned", NULL);
	for (i = 0; i < sc->sc_nhv; i++)
		identify_hv_result(&sc->sc_hv[i]);
	if (sc->sc_backdoor.bd_present)
		ktap_sub_result(KTAP_PASS, "vmware_backdoor", NULL);
	else
		ktap_sub_result(KTAP_SKIP, "vmware_backdoor",
		    "GETVERSION on port 0x5658 got no answer");
	return ktap_sub_end();
}

static uint64_t
mem_available(void)
{
	struct memmap_summary ms;
	char err[BI_MSG_MAX];

	/* A map that was rejected is no measure: 0, and vmt skips. */
	if (bootinfo.bi_error[0] != '\0' ||
	    memmap_check(&bootinfo, 0, 0, &ms, err, sizeof(err)) != 0)
		return 0;
	return ms.ms_avail_bytes;
}

/*
 * Offer every child driver the bus; attach those that match, each as a
 * subtest named after its device ("vmt0").  The driver's attach
 * finishes the "vmt0 at pvbus0" line on success and on failure.
 */
int
pvbus_test_attach(void)
{
	const struct pv_driver *matched[8];
	struct pv_attach_args pva;
	char names[8][16];
	int i, n = 0, error, nfailed = 0;

	if (pvbus_io == NULL)
		return ktap_skip("no hypervisor backend (see hv_backend)");
	if (!pvbus_attach())
		return ktap_skip("no hypervisor interface: no pvbus0");
	memset(&pva, 0, sizeof(pva));
	pva.pva_io = pvbus_io;
	pva.pva_pvbus = &pvbus_softc;
	pva.pva_mem_avail = mem_available();
	for (i = 0; i < pvbus_ndrivers && n < (int)nitems(matched); i++)
		if (pvbus_drivers[i].pd_match(&pva))
			matched[n++] = &pvbus_drivers[i];
	if (n == 0) {
		printf("pvbus: 0 attached, 0 failed\n");
		ktap_diag("no child driver matched");
		return KTAP_PASS;
	}
	ktap_sub_begin(n);
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "%s0", matched[i]->pd_name);
		pva.pva_name = names[i];
		ktap_sub_start(names[i]);
		printf("%s at pvbus0", names[i]);
		if ((error = matched[i]->pd_attach(&pva)) != 0)
			nfailed++;
		ktap_sub_result(error == 0 ? KTAP_PASS : KTAP_FAIL, names[i],
		    error == 0 ? NULL : "attach failed");
	}
	printf("pvbus: %d attached, %d failed\n", n - nfailed, nfailed);
	return ktap_sub_end();
}

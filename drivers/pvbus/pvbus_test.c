/*
 * The KTAP tests of pvbus's middle steps, each calling the bus core and
 * judging what it did:
 *
 *	pvbus_identify	the detection pass (pvbus.c); subtests: the
 *			hypervisor bit, the scan of the 256 bases, each
 *			interface found, the VMware backdoor
 *	pvbus_attach	pvbus0 and its children (pvbus_attach.c); a
 *			subtest per child
 *
 * The host tool build/host/pvbus-replay runs these two on a dump and
 * prints exactly what the kernel prints for them (tests/replay).  The
 * steps before and after, which only a booted kernel has, are
 * pvbus_test_boot.c's.
 */

#include "kern.h"
#include "ktap.h"
#include "pvbusvar.h"
#include "summary.h"

static void
identify_scan_result(const struct pvbus_softc *sc)
{
	if (sc->sc_hvbit)
		ktap_diag("%d bases read: %d interface%s, %d rejected",
		    sc->sc_nscanned, sc->sc_niface,
		    sc->sc_niface == 1 ? "" : "s",
		    sc->sc_nrejected);
	else
		ktap_diag("hypervisor bit clear: only 0x40000000 read: %d "
		    "interface%s", sc->sc_niface,
		    sc->sc_niface == 1 ? "" : "s");
	if (sc->sc_nrejected > 0)
		ktap_diag("first rejected: 0x%08x, whose EAX 0x%08x is not a "
		    "leaf of its own block (another leaf's data)",
		    sc->sc_first_rejected, sc->sc_rejected_eax);
	if (sc->sc_ndropped > 0)
		ktap_diag("%d more interfaces than the %d kept", sc->sc_ndropped,
		    PVBUS_IFACE_MAX);
}

/* An interface passes unless it breaks a promise its signature makes. */
static void
identify_iface_result(const struct pvbus_iface *pi)
{
	const struct pvbus_type *pt = &pvbus_types[pi->pi_vendor];
	const char *broken = NULL;
	char name[16];

	snprintf(name, sizeof(name), "hv_%08x", pi->pi_id.id_base);
	if (pt->pt_check != NULL)
		broken = pt->pt_check(&pi->pi_id);
	if (broken != NULL)
		ktap_diag("0x%08x: %s", pi->pi_id.id_base, broken);
	ktap_sub_result(broken != NULL ? KTAP_FAIL : KTAP_PASS, name, NULL);
}

/*
 * What was found, for the summary at the end (kernel/summary.c): each
 * interface by its vendor's name, and the VMware backdoor when no
 * VMware interface accounts for it, as pvbus0's attach line names it.
 */
static void
pvbus_report_summary(void)
{
	const struct pvbus_softc *sc = &pvbus_softc;
	const struct pvbus_iface *pi;
	const char *name;
	int i;

	summary_identified();
	for (i = 0; i < sc->sc_niface; i++) {
		pi = &sc->sc_iface[i];
		name = pvbus_types[pi->pi_vendor].pt_name;
		summary_hv(name != NULL ? name : "unknown", pi->pi_id.id_base,
		    pi->pi_primary);
	}
	if (sc->sc_backdoor.bd_present && pvbus_find(PVBUS_VMWARE) == NULL)
		summary_hv("VMware backdoor", 0, false);
}

int
pvbus_test_identify(void)
{
	const struct pvbus_softc *sc = &pvbus_softc;
	const struct hvio *io = sc->sc_io;
	int i;

	if (io == NULL)
		return ktap_skip("no hypervisor backend (see hv_backend)");
	pvbus_identify(io);
	pvbus_print_facts();
	pvbus_report_summary();
	if (io->io_report != NULL)
		io->io_report();
	ktap_sub_begin(3 + sc->sc_niface);
	ktap_diag("CPUID.1:ECX[31] = %d", sc->sc_hvbit);
	ktap_sub_result(KTAP_PASS, "hypervisor_bit", NULL);
	identify_scan_result(sc);
	ktap_sub_result(KTAP_PASS, "bases_scanned", NULL);
	for (i = 0; i < sc->sc_niface; i++)
		identify_iface_result(&sc->sc_iface[i]);
	if (sc->sc_backdoor.bd_present)
		ktap_sub_result(KTAP_PASS, "vmware_backdoor", NULL);
	else
		ktap_sub_result(KTAP_SKIP, "vmware_backdoor",
		    "GETVERSION on port 0x5658 got no answer");
	return ktap_sub_end();
}

int
pvbus_test_attach(void)
{
	if (pvbus_softc.sc_io == NULL)
		return ktap_skip("no hypervisor backend (see hv_backend)");
	return pvbus_attach();
}

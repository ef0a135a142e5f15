/*
 * hyperv0: a guest's first conversation with the Hyper-V interface
 * (Hv#1), whoever offers it: Microsoft's hypervisor, KVM's or Xen's
 * emulation of it, or a simulator (hv=sim:hyperv).  Each step is a KTAP
 * subtest, and each is gated on the privilege bit (base+3) that offers
 * it: a step the hypervisor does not offer is a SKIP with the reason.
 *
 *	guest_os_id	write our identity first: until it is non-zero
 *			the hypercall MSR ignores every write
 *			(hyperv.md "Guest OS identity")
 *	hypercall_page	give the hypervisor a page; it writes the code
 *			that enters it (VMCALL on KVM) at offset 0
 *			(hyperv.md "Hypercall page")
 *	hypercall_fast	NotifyLongSpinWait, parameters in registers
 *	hypercall_simple GetPartitionId, through input and output pages
 *	hypercall_invalid an unknown call code and a reserved control
 *			bit: the errors the TLFS names must come back
 *	vp_index	this CPU's index (0 on the boot CPU), read-only
 *	reference_tsc	the TSC page: time in 100 ns units from RDTSC,
 *			a scale and an offset, checked against the MSR
 *	teardown	undo it all, so a later VMCALL reaches its own
 *			hypervisor again (KVM routes every VMCALL to
 *			Hyper-V while the guest OS id is non-zero)
 *
 * This file matches, attaches, runs the steps in that order and prints
 * one facts line, "pvbus: hyperv0 ...".  It does the VP index
 * (hyperv.md "Synthetic MSRs") and teardown (hyperv.md "Guest OS
 * identity", "Hypercall page", "Reference TSC page") itself.  The first
 * five, the hypercall layer (hyperv.md "Guest OS identity", "Hypercall
 * page", "Calling a hypercall", "Status codes", "Call codes and
 * probes"), are in hyperv_hypercall.c; the reference TSC page (the
 * sequence protocol, the 128-bit product, the comparison with
 * TIME_REF_COUNT) in hyperv_tsc.c; the pages both enable, in
 * hyperv_page.c; hypervvar.h holds the softc.  Everything goes through
 * struct hvio.  Sources: docs/reference/hyperv.md (TLFS; Linux
 * arch/x86/hyperv/hv_init.c, include/clocksource/hyperv_timer.h; KVM
 * arch/x86/kvm/hyperv.c).  OpenBSD's hyperv(4) needs SynIC and VMBus
 * and goes on to them; this driver stops at the hypercall layer.
 * docs/hyperv.md walks through the files.
 */

#include "kern.h"
#include "hypervvar.h"
#include "ktap.h"
#include "pmem.h"

static struct hyperv_softc hyperv_softc;

/*
 * Match on the interface id "Hv#1", whatever the vendor signature: the
 * TLFS makes the id the contract (docs/reference/cpuid-detection.md
 * "Several interfaces at once"), and VirtualBox, VMware and KVM
 * (hv-passthrough: "Linux KVM Hv") offer it under their own names.
 * OpenBSD also wants a version other than 0.0; we attach without one
 * and let the privilege bits decide each step.  Never on a replay:
 * CPUID is all it has, and a synthetic MSR there would be a real #GP.
 */
static int
hyperv_match(const struct pv_attach_args *pva)
{
	return (pva->pva_io->io_caps & HVIO_CAP_MSR) != 0 &&
	    pva->pva_hv1 != NULL;
}

/*
 * Step 6 (hyperv.md "Synthetic MSRs"): HV_X64_MSR_VP_INDEX, 0 on the
 * boot CPU.  It is read-only: writing back the same value must raise
 * #GP.
 */
static int
hyperv_vp_index(void *arg)
{
	struct hyperv_softc *sc = arg;
	const struct hvio *io = sc->sc_io;
	uint64_t v;

	if (!hyperv_priv(sc, HV_PRIV_VP_INDEX))
		return ktap_skip("no VP_INDEX privilege (base+3 EAX bit 6)");
	if (io->io_rdmsr(HV_X64_MSR_VP_INDEX, &v) != 0)
		return ktap_fail("HV_X64_MSR_VP_INDEX read raised #GP, though "
		    "base+3 EAX bit 6 offers it");
	sc->sc_vp_index = v;
	printf("%s: VP index %lu\n", sc->sc_name, (unsigned long)v);
	if (v != 0)
		return ktap_fail("the boot CPU's VP index is %lu, not 0",
		    (unsigned long)v);
	if (io->io_wrmsr(HV_X64_MSR_VP_INDEX, v) == 0)
		return ktap_fail("the hypervisor took a write to the "
		    "read-only HV_X64_MSR_VP_INDEX");
	return KTAP_PASS;
}

/*
 * Step 8 (hyperv.md "Guest OS identity", "Hypercall page", "Reference
 * TSC page"): turn the TSC page off, then write 0 to the guest OS id,
 * which must disable the hypercall page with it.  A page the hypervisor
 * may still write is kept, not freed.
 */
static int
hyperv_teardown(void *arg)
{
	struct hyperv_softc *sc = arg;
	const struct hvio *io = sc->sc_io;
	bool tsc_off = !sc->sc_tsc_enabled, hc_off = !sc->sc_hc_enabled;
	uint64_t v;
	int ret = KTAP_PASS;

	if (!sc->sc_os_id_set && !sc->sc_tsc_enabled)
		ret = ktap_skip("nothing was enabled");
	if (!tsc_off &&
	    io->io_rdmsr(HV_X64_MSR_REFERENCE_TSC, &v) == 0 &&
	    io->io_wrmsr(HV_X64_MSR_REFERENCE_TSC, v & ~HV_MSR_ENABLE) == 0 &&
	    io->io_rdmsr(HV_X64_MSR_REFERENCE_TSC, &v) == 0)
		tsc_off = (v & HV_MSR_ENABLE) == 0;
	if (!tsc_off)
		ret = ktap_fail("HV_X64_MSR_REFERENCE_TSC could not be "
		    "disabled");
	if (sc->sc_os_id_set && io->io_wrmsr(HV_X64_MSR_GUEST_OS_ID, 0) != 0)
		ret = ktap_fail("HV_X64_MSR_GUEST_OS_ID write raised #GP");
	if (!hc_off && io->io_rdmsr(HV_X64_MSR_HYPERCALL, &v) == 0)
		hc_off = (v & HV_MSR_ENABLE) == 0;
	if (!hc_off)
		ret = ktap_fail("the hypercall page stayed enabled after the "
		    "guest OS id was cleared");
	if (ret == KTAP_PASS)
		printf("%s: TSC page off, guest OS id 0, hypercall page off\n",
		    sc->sc_name);
	if (tsc_off)
		hyperv_page_free(sc->sc_tsc_page);
	if (hc_off)
		hyperv_page_free(sc->sc_hc_page);
	sc->sc_hc_page = NULL;
	sc->sc_tsc_page = NULL;
	return ret;
}

static const struct ktap_step hyperv_steps[HYPERV_NSTEPS] = {
	[HYPERV_GUEST_OS_ID] =		{ "guest_os_id", hyperv_guest_os_id },
	[HYPERV_HYPERCALL_PAGE] =	{ "hypercall_page",
					    hyperv_hypercall_page },
	[HYPERV_HYPERCALL_FAST] =	{ "hypercall_fast",
					    hyperv_hypercall_fast },
	[HYPERV_HYPERCALL_SIMPLE] =	{ "hypercall_simple",
					    hyperv_hypercall_simple },
	[HYPERV_HYPERCALL_INVALID] =	{ "hypercall_invalid",
					    hyperv_hypercall_invalid },
	[HYPERV_VP_INDEX] =		{ "vp_index", hyperv_vp_index },
	[HYPERV_REFERENCE_TSC] =	{ "reference_tsc",
					    hyperv_reference_tsc },
	[HYPERV_TEARDOWN] =		{ "teardown", hyperv_teardown },
};

static const char *
hyperv_result_word(int result)
{
	return result == KTAP_PASS ? "ok" : result == KTAP_SKIP ? "skip" :
	    "fail";
}

/* "pvbus: hyperv0 base=... guest_os_id=0x... hypercall_page=ok ..." */
static void
hyperv_print_facts(const struct hyperv_softc *sc)
{
	const int *res = sc->sc_result;
	int i;

	printf("pvbus: %s base=0x%08x", sc->sc_name, sc->sc_id->id_base);
	for (i = 0; i < HYPERV_NSTEPS; i++) {
		printf(" %s=", hyperv_steps[i].ks_name);
		if (i == HYPERV_GUEST_OS_ID && res[i] == KTAP_PASS)
			printf("0x%016lx", (unsigned long)HYPERV_OS_ID);
		else if (i == HYPERV_VP_INDEX && res[i] == KTAP_PASS)
			printf("%lu", (unsigned long)sc->sc_vp_index);
		else
			printf("%s", hyperv_result_word(res[i]));
	}
	if (sc->sc_partition_id != NULL)
		printf(" partition_id=%s", sc->sc_partition_id);
	if (res[HYPERV_REFERENCE_TSC] == KTAP_PASS)
		printf(" ref_time=%lu", (unsigned long)sc->sc_ref_time);
	printf("\n");
}

static void
hyperv_init_softc(struct hyperv_softc *sc, const struct pv_attach_args *pva)
{
	const struct ident_hyperv *hy;
	struct cpuid_regs r;

	memset(sc, 0, sizeof(*sc));
	sc->sc_io = pva->pva_io;
	sc->sc_name = pva->pva_name;
	sc->sc_id = pva->pva_hv1;
	hy = &sc->sc_id->id_hyperv;
	if (hy->hy_has_features)
		sc->sc_priv = hy->hy_privileges;
	if (hy->hy_has_recommend) {
		sc->sc_io->io_cpuid(sc->sc_id->id_base + HV_CPUID_RECOMMEND, 0,
		    &r);
		sc->sc_spin_retries = r.ebx;
	}
}

/*
 * Finish "hyperv0 at pvbus0" with the interface and the partition's
 * role, then run each step as a subtest.  EIO if any step failed.
 */
static int
hyperv_attach(const struct pv_attach_args *pva)
{
	struct hyperv_softc *sc = &hyperv_softc;
	const struct ident_hyperv *hy;
	int result;

	hyperv_init_softc(sc, pva);
	hy = &sc->sc_id->id_hyperv;
	printf(": Hv#1 at 0x%08x", sc->sc_id->id_base);
	if (hy->hy_has_version)
		printf(", version %u.%u.%u", hy->hy_major, hy->hy_minor,
		    hy->hy_build);
	if (hy->hy_has_features)
		printf(", %s partition, privileges 0x%016lx\n",
		    ident_hyperv_is_root(hy) ? "root" : "guest",
		    (unsigned long)sc->sc_priv);
	else
		printf(", no privilege leaf (base+3): nothing is offered\n");
	result = ktap_run_steps(hyperv_steps, HYPERV_NSTEPS, sc, sc->sc_result);
	hyperv_print_facts(sc);
	return result == KTAP_FAIL ? EIO : 0;
}

const struct pv_driver hyperv_driver = {
	"hyperv", hyperv_match, hyperv_attach
};

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
 *			(a write: #GP on KVM and VirtualBox, ignored on
 *			Xen; reported, either passes)
 *	reference_tsc	the TSC page: time in 100 ns units from RDTSC,
 *			a scale and an offset, checked against the MSR
 *			within a stated tolerance, the drift reported
 *	teardown	undo it all as Linux's hyperv_cleanup() does, so a
 *			later VMCALL reaches its own hypervisor again (KVM
 *			routes every VMCALL to Hyper-V while the guest OS
 *			id is non-zero)
 *
 * Each step says in its comment which rule of the TLFS it checks;
 * what the TLFS leaves to the implementation (the answer to a VP index
 * write, whether a zero guest OS id disables the page, reserved control
 * bits, the leaves read again after the id, the clocks' drift) is
 * reported, a diagnostic line and a field of the facts line, and fails
 * nothing (docs/hyperv.md "Where implementations differ").  A root
 * partition uses the pages the hypervisor chose; an isolated partition
 * without a paravisor skips what it cannot reach.  Both as Linux does
 * (docs/reference/hyperv.md "Partition roles", "Isolated partitions").
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
 * boot CPU.  The TLFS makes it read-only and says only that it is read
 * with RDMSR; what a write does is the implementation's: KVM and
 * VirtualBox raise #GP, Xen's Viridian ignores it.  The same value is
 * written back, the answer reported, and the index must not change.
 */
static int
hyperv_vp_index(void *arg)
{
	struct hyperv_softc *sc = arg;
	const struct hvio *io = sc->sc_io;
	uint64_t v, again;

	if (sc->sc_isolated != NULL)
		return ktap_skip("%s", sc->sc_isolated);
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
	if (io->io_wrmsr(HV_X64_MSR_VP_INDEX, v) != 0) {
		sc->sc_vp_index_write = "gp";
		printf("%s: writing the read-only VP index raised #GP (as KVM "
		    "and VirtualBox)\n", sc->sc_name);
	} else {
		sc->sc_vp_index_write = "ignored";
		printf("%s: writing the read-only VP index was accepted (as "
		    "Xen's Viridian ignores it)\n", sc->sc_name);
	}
	if (io->io_rdmsr(HV_X64_MSR_VP_INDEX, &again) != 0)
		return ktap_fail("HV_X64_MSR_VP_INDEX read raised #GP after "
		    "the write");
	if (again != v)
		return ktap_fail("the read-only VP index changed from %lu to "
		    "%lu", (unsigned long)v, (unsigned long)again);
	return KTAP_PASS;
}

/*
 * Teardown, part 1: the guest OS id back to 0, as Linux's
 * hyperv_cleanup() does first.  The TLFS says that disables the
 * hypercall page; KVM and VirtualBox do so, Xen's Viridian only stores
 * the id.  Reported as a fact; part 2 clears the page's enable bit
 * itself either way.
 */
static int
hyperv_teardown_os_id(struct hyperv_softc *sc)
{
	const struct hvio *io = sc->sc_io;
	uint64_t v;

	if (!sc->sc_os_id_set)
		return KTAP_PASS;
	if (io->io_wrmsr(HV_X64_MSR_GUEST_OS_ID, 0) != 0)
		return ktap_fail("HV_X64_MSR_GUEST_OS_ID write raised #GP");
	if (!sc->sc_hc_enabled || io->io_rdmsr(HV_X64_MSR_HYPERCALL, &v) != 0)
		return KTAP_PASS;
	sc->sc_os_id_zero = (v & HV_MSR_ENABLE) == 0 ? "disables" : "keeps";
	if ((v & HV_MSR_ENABLE) == 0)
		printf("%s: guest OS id 0: the hypercall page went off with it "
		    "(as the TLFS says)\n", sc->sc_name);
	else
		printf("%s: guest OS id 0: the hypercall page stayed on (as "
		    "Xen's Viridian keeps it)\n", sc->sc_name);
	return KTAP_PASS;
}

/*
 * Step 8 (hyperv.md "Guest OS identity", "Hypercall page", "Reference
 * TSC page"), in the order of Linux's hyperv_cleanup(): the guest OS id
 * to 0, then the hypercall and TSC pages' enable bits cleared, each
 * read, cleared and read back.  The TLFS's rule checked: a cleared
 * enable bit turns a page off, and reads back clear.  A page the
 * hypervisor may still write is kept, not freed; a root's TSC page is
 * the hypervisor's, and never ours to free.
 */
static int
hyperv_teardown(void *arg)
{
	struct hyperv_softc *sc = arg;
	bool hc_off = !sc->sc_hc_enabled, tsc_off = !sc->sc_tsc_enabled;
	int ret = KTAP_PASS;

	if (!sc->sc_os_id_set && hc_off && tsc_off)
		ret = ktap_skip("nothing was enabled");
	if (hyperv_teardown_os_id(sc) == KTAP_FAIL)
		ret = KTAP_FAIL;
	if (!hc_off)
		hc_off = hyperv_page_disable(sc, HV_X64_MSR_HYPERCALL);
	if (!hc_off)
		ret = ktap_fail("the hypercall page stayed enabled after its "
		    "enable bit was cleared");
	if (!tsc_off)
		tsc_off = hyperv_page_disable(sc, HV_X64_MSR_REFERENCE_TSC);
	if (!tsc_off)
		ret = ktap_fail("HV_X64_MSR_REFERENCE_TSC could not be "
		    "disabled");
	if (ret == KTAP_PASS)
		printf("%s: guest OS id 0, hypercall page off, TSC page off\n",
		    sc->sc_name);
	if (tsc_off && !sc->sc_tsc_theirs)
		hyperv_page_free(sc->sc_tsc_page);
	if (hc_off || sc->sc_hc_theirs)
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

static const char *
hyperv_or_dash(const char *s)
{
	return s != NULL ? s : "-";
}

/*
 * The behaviours the TLFS leaves to the implementation, as found
 * (docs/hyperv.md "Where implementations differ"); "-" where the step
 * that finds out did not get that far.
 */
static void
hyperv_print_behaviour(const struct hyperv_softc *sc)
{
	if (!sc->sc_version_after)
		printf(" version_after_os_id=-");
	else if ((sc->sc_build_after | sc->sc_major_after |
	    sc->sc_minor_after) == 0)
		printf(" version_after_os_id=none");
	else
		printf(" version_after_os_id=%u.%u.%u", sc->sc_major_after,
		    sc->sc_minor_after, sc->sc_build_after);
	if (sc->sc_os_id_set && sc->sc_id->id_hyperv.hy_has_recommend)
		printf(" spin_retries=0x%08x", sc->sc_spin_retries);
	else
		printf(" spin_retries=-");
	printf(" reserved_bits=%s vp_index_write=%s",
	    hyperv_or_dash(sc->sc_reserved_bits),
	    hyperv_or_dash(sc->sc_vp_index_write));
	if (sc->sc_has_drift)
		printf(" ref_drift_ppm=%ld", (long)sc->sc_drift_ppm);
	else
		printf(" ref_drift_ppm=-");
	printf(" os_id_zero=%s page_owner=%s",
	    hyperv_or_dash(sc->sc_os_id_zero), !sc->sc_hc_enabled ? "-" :
	    sc->sc_hc_theirs ? "hypervisor" : "guest");
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
	hyperv_print_behaviour(sc);
	printf("\n");
}

/*
 * An isolated partition without a paravisor (SNP or TDX) reaches
 * synthetic MSRs and hypercalls only through the GHCB or the TDX GHCI:
 * Linux writes the guest OS id with hv_ivm_msr_write() and, in a TDX
 * guest, skips the hypercall page (arch/x86/hyperv/hv_init.c
 * hyperv_init()).  This driver speaks neither; a plain RDMSR there is
 * a #VC or #VE it does not handle.  Why, or NULL.
 */
static const char *
hyperv_isolated(const struct ident_hyperv *hy)
{
	switch (ident_hyperv_isolation_type(hy)) {
	case HV_ISOLATION_SNP:
		if (!hy->hy_paravisor)
			return "SNP-isolated without a paravisor: synthetic "
			    "MSRs and hypercalls go through the GHCB (Linux "
			    "hv_ivm_msr_write()), which this driver does not "
			    "speak";
		break;
	case HV_ISOLATION_TDX:
		if (!hy->hy_paravisor)
			return "TDX-isolated without a paravisor: synthetic "
			    "MSRs and hypercalls go through the GHCI (Linux "
			    "skips the hypercall page), which this driver "
			    "does not speak";
		break;
	}
	return NULL;
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
	sc->sc_role = ident_hyperv_role(hy);
	sc->sc_isolated = hyperv_isolated(hy);
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
		    sc->sc_role == HV_ROLE_L1VH ? "L1VH" :
		    ident_hyperv_role_name(sc->sc_role),
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

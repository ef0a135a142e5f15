/*
 * pvclock: the KVM guest side, after OpenBSD's sys/dev/pv/pvclock.c.
 *
 * It matches when CPUID shows a KVM interface (or OpenBSD vmm's, which
 * lays out the same leaves) and the backend can do more than CPUID.  At
 * attach it takes one zeroed page for the structures KVM writes into
 * guest memory, then checks one step per KTAP subtest:
 *
 *	features	what base+1 offers that this driver uses
 *	kvmclock	enable it on the MSR pair the features name, read
 *			the clock twice with the version protocol and a
 *			96-bit product, check it advanced
 *	wall_clock	the wall time at kvmclock 0, written once per WRMSR
 *	steal_time	enable, read the version, disable (and a misaligned
 *			address must be refused)
 *	pv_eoi		enable, read back, disable (likewise)
 *	hypercall	VAPIC_POLL_IRQ with the CPU vendor's instruction,
 *			where no other interface takes VMCALL first
 *
 * Before returning it stops the clock and gives the page back, as a
 * guest must before reboot or kexec (kvm.md "First steps" step 7): the
 * host would go on writing into a page someone else gets next.  A step
 * the interface does not offer is a SKIP; a hypervisor that breaks a
 * rule is a "not ok" naming the rule.  Every wait is bounded.
 *
 * This file matches, attaches, runs the steps, tears down and prints
 * the facts line; pvclock_read.c reads the clocks (kvmclock,
 * wall_clock) and pvclock_pv.c does the rest (steal_time, pv_eoi,
 * hypercall).  pvclockvar.h holds the softc they share.  Sources: Linux
 * Documentation/virt/kvm/x86/cpuid.rst, msr.rst, hypercalls.rst;
 * docs/reference/kvm.md "CPUID leaves", "Feature bits", "MSRs",
 * "pvclock structures", "Hypercalls", "First steps";
 * docs/reference/openbsd-pvbus.md "pvclock driver"; docs/kvm.md.
 */

#include "kern.h"
#include "ktap.h"
#include "kvmreg.h"
#include "pmem.h"
#include "pvclockvar.h"

static struct pvclock_softc pvclock_softc;

/* The bits of base+1 EAX this driver looks at. */
static const struct bit_name pvclock_used[] = {
	{ KVM_FEATURE_CLOCKSOURCE, "CLOCKSOURCE" },
	{ KVM_FEATURE_CLOCKSOURCE2, "CLOCKSOURCE2" },
	{ KVM_FEATURE_STEAL_TIME, "STEAL_TIME" },
	{ KVM_FEATURE_PV_EOI, "PV_EOI" },
	{ KVM_FEATURE_CLOCKSOURCE_STABLE, "CLOCKSOURCE_STABLE_BIT" },
	{ 0, NULL },
};

/* pvbus0 has decoded and printed base+1; say what is used from it. */
static int
pvclock_features(void *arg)
{
	struct pvclock_softc *sc = arg;
	char what[64];
	uint64_t mask = 0;
	size_t i;

	for (i = 0; pvclock_used[i].bn_name != NULL; i++)
		mask |= 1ULL << pvclock_used[i].bn_bit;
	printf("%s: features 0x%08x, hints 0x%08x\n", sc->sc_name,
	    sc->sc_features, sc->sc_id->id_kvm.kv_hints);
	snprintf(what, sizeof(what), "%s: used here:", sc->sc_name);
	print_bits(what, sc->sc_features & mask, pvclock_used);
	return KTAP_PASS;
}

static const struct ktap_step pvclock_steps[] = {
	{ "features", pvclock_features },
	{ "kvmclock", pvclock_kvmclock },
	{ "wall_clock", pvclock_wall_clock },
	{ "steal_time", pvclock_steal_time },
	{ "pv_eoi", pvclock_pv_eoi },
	{ "hypercall", pvclock_hypercall },
};

/* The KVM interface, else OpenBSD vmm's (the same leaves), or NULL. */
static const struct ident *
pvclock_iface(const struct pv_attach_args *pva)
{
	if (pva->pva_iface[PVBUS_KVM] != NULL)
		return pva->pva_iface[PVBUS_KVM];
	return pva->pva_iface[PVBUS_OPENBSD];
}

/*
 * A replay has CPUID only: MSRs would fault on a machine that is not
 * the recorded one, so nothing matches there.
 */
static int
pvclock_match(const struct pv_attach_args *pva)
{
	if ((pva->pva_io->io_caps & HVIO_CAP_MSR) == 0)
		return 0;
	return pvclock_iface(pva) != NULL;
}

/*
 * Stop what may still be written (kvm.md "First steps" step 7), then
 * give the page back, unless the hypervisor refused to stop: then it
 * stays allocated.
 */
static void
pvclock_stop(struct pvclock_softc *sc)
{
	if (sc->sc_clock_on &&
	    sc->sc_io->io_wrmsr(sc->sc_msr_time, 0) == 0) {
		sc->sc_clock_on = false;
		printf("%s: kvmclock stopped (MSR 0x%08x = 0)\n", sc->sc_name,
		    sc->sc_msr_time);
	}
	if (sc->sc_clock_on || sc->sc_page_busy) {
		printf("%s: the hypervisor may still write its page at 0x%lx: "
		    "kept\n", sc->sc_name, (unsigned long)pvclock_pa(sc, 0));
		return;
	}
	page_free(sc->sc_page);
	sc->sc_page = NULL;
}

static void
pvclock_facts(const struct pvclock_softc *sc)
{
	printf("pvbus: %s msr=0x%08x clock=%s stable=%s ns=%lu wall_sec=%u "
	    "steal_time=%s pv_eoi=%s hypercall=%s\n", sc->sc_name,
	    sc->sc_msr_time, sc->sc_clock, sc->sc_stable ? "yes" : "no",
	    (unsigned long)sc->sc_ns, sc->sc_wall_sec, sc->sc_steal,
	    sc->sc_eoi, sc->sc_hypercall);
}

static void
pvclock_init(struct pvclock_softc *sc, const struct pv_attach_args *pva)
{
	memset(sc, 0, sizeof(*sc));
	sc->sc_io = pva->pva_io;
	sc->sc_name = pva->pva_name;
	sc->sc_id = pvclock_iface(pva);
	sc->sc_vmm = pva->pva_iface[PVBUS_KVM] == NULL;
	sc->sc_hv1 = pva->pva_hv1;
	sc->sc_xen = pva->pva_iface[PVBUS_XEN];
	sc->sc_features = sc->sc_id->id_kvm.kv_features;
	sc->sc_clock = sc->sc_steal = sc->sc_eoi = "absent";
	sc->sc_hypercall = "skipped";
	/* msr.rst: test bit 3, then bit 0 (not "flags & 3": kvm.md "MSRs"). */
	if (pvclock_has(sc, KVM_FEATURE_CLOCKSOURCE2)) {
		sc->sc_msr_time = MSR_KVM_SYSTEM_TIME_NEW;
		sc->sc_msr_wall = MSR_KVM_WALL_CLOCK_NEW;
	} else if (pvclock_has(sc, KVM_FEATURE_CLOCKSOURCE)) {
		sc->sc_msr_time = MSR_KVM_SYSTEM_TIME;
		sc->sc_msr_wall = MSR_KVM_WALL_CLOCK;
	}
}

static int
pvclock_attach(const struct pv_attach_args *pva)
{
	struct pvclock_softc *sc = &pvclock_softc;
	int result;

	pvclock_init(sc, pva);
	if ((sc->sc_page = page_alloc()) == NULL) {
		printf(": no page for the clock\n");
		return ENOMEM;
	}
	printf(": %s at 0x%08x, ", sc->sc_vmm ? "OpenBSD vmm" : "KVM",
	    sc->sc_id->id_base);
	if (sc->sc_msr_time != 0)
		printf("kvmclock on MSRs 0x%08x/0x%08x\n", sc->sc_msr_wall,
		    sc->sc_msr_time);
	else
		printf("no kvmclock\n");
	result = ktap_run_steps(pvclock_steps, nitems(pvclock_steps), sc,
	    NULL);
	pvclock_stop(sc);
	pvclock_facts(sc);
	return result == KTAP_FAIL ? EIO : 0;
}

const struct pv_driver pvclock_driver = {
	"pvclock", pvclock_match, pvclock_attach
};

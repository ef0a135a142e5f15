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
 * guest must before reboot or kexec (3.6 step 7): the host would go on
 * writing into a page someone else gets next.  A step the interface
 * does not offer is a SKIP; a hypervisor that breaks a rule is a "not
 * ok" naming the rule.  Every wait is bounded.
 * Sources: Linux Documentation/virt/kvm/x86/cpuid.rst, msr.rst,
 * hypercalls.rst; hypervisor-interfaces.md 3.1-3.7; docs/kvm.md.
 */

#include "kern.h"
#include "ktap.h"
#include "kvmreg.h"
#include "pmem.h"
#include "pvbusvar.h"
#include "x86.h"

#define PVCLOCK_RETRIES		1000000	/* reads of an odd or 0 version */
#define PVCLOCK_WAIT_TICKS	(1ULL << 20)	/* between the readings */
#define PVCLOCK_WAIT_SPINS	100000000L	/* if the TSC stands still */
#define NSEC_PER_SEC		1000000000ULL

/* The page's layout: each structure inside it, aligned as msr.rst asks. */
#define PVCLOCK_OFF_TIME	0	/* pvclock_time_info, 32 bytes */
#define PVCLOCK_OFF_WALL	32	/* pvclock_wall_clock, 4-aligned */
#define PVCLOCK_OFF_STEAL	64	/* kvm_steal_time, 64-aligned */
#define PVCLOCK_OFF_EOI		128	/* the PV EOI word, 4-aligned */

struct pvclock_softc {
	const struct hvio *sc_io;
	const struct pvbus_softc *sc_pvbus;
	const struct pvbus_hv *sc_hv;	/* the KVM interface */
	const char	*sc_name;	/* "pvclock0" */
	bool		sc_vmm;		/* OpenBSD vmm: no wall clock, calls */
	uint32_t	sc_features;	/* base+1 EAX */
	uint32_t	sc_msr_time;	/* 0: no kvmclock */
	uint32_t	sc_msr_wall;
	uint8_t		*sc_page;	/* also its physical address */
	bool		sc_clock_on;	/* SYSTEM_TIME holds the page */
	bool		sc_page_busy;	/* an area could not be turned off */

	/* For the facts line. */
	const char	*sc_clock;	/* "ok" "failed" "absent" */
	bool		sc_stable;
	uint64_t	sc_ns;		/* the second reading */
	uint32_t	sc_wall_sec;
	const char	*sc_steal, *sc_eoi, *sc_hypercall;
};

static struct pvclock_softc pvclock_softc;

/* One reading of kvmclock, with what it was computed from. */
struct pvclock_reading {
	uint64_t	pr_ns;
	uint64_t	pr_tsc;
	uint64_t	pr_tsc_timestamp;
	uint64_t	pr_system_time;
	uint32_t	pr_version;
	uint32_t	pr_mul;
	int8_t		pr_shift;
	uint8_t		pr_flags;
};

static bool
pvclock_has(const struct pvclock_softc *sc, int feature)
{
	return (sc->sc_features & (1U << feature)) != 0;
}

static uint64_t
pvclock_pa(const struct pvclock_softc *sc, size_t off)
{
	return (uint64_t)(uintptr_t)sc->sc_page + off;
}

/*
 * Keep the compiler from moving the reads of the structure across the
 * version reads.  x86 does not reorder loads with loads, so this emits
 * no instruction.  (Linux reads the TSC with LFENCE;RDTSC here; x86.h
 * has no such wrapper yet, and with one vCPU whose clock changes only
 * while it is in the hypervisor the plain RDTSC reads the same.)
 */
static inline void
pvclock_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/*
 * ((delta << shift) * mul) >> 32 (3.4 step 5-6).  delta is 64 bits and
 * mul 32, so the product needs 96: never form it in 64.  Split delta
 * into 32-bit halves; each partial product fits 64 bits:
 *
 *	delta * mul = hi * mul * 2^32 + lo * mul
 *	>> 32       = hi * mul + (lo * mul >> 32)
 *
 * (the low 32 bits of lo * mul are the ones the shift drops).
 */
static uint64_t
pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	uint64_t hi, lo;

	if (shift >= 0)
		delta <<= shift;
	else
		delta >>= -shift;
	hi = delta >> 32;
	lo = delta & 0xffffffff;
	return hi * mul + ((lo * mul) >> 32);
}

/*
 * The version protocol (3.4): read version; if odd, the hypervisor is
 * writing, read again; copy the fields and the TSC; if version changed,
 * start over.  0 means never written: KVM writes the structure before
 * the WRMSR returns.  Bounded: ENXIO if it stayed 0, ETIMEDOUT if it
 * stayed odd or kept changing for PVCLOCK_RETRIES reads.
 */
static int
pvclock_read(volatile const struct pvclock_time_info *ti,
    struct pvclock_reading *pr)
{
	uint64_t delta;
	uint32_t v = 0;
	long i;

	for (i = 0; i < PVCLOCK_RETRIES; i++) {
		if ((v = ti->ti_version) == 0 || (v & 1) != 0) {
			pause();
			continue;
		}
		pvclock_rmb();
		pr->pr_tsc_timestamp = ti->ti_tsc_timestamp;
		pr->pr_system_time = ti->ti_system_time;
		pr->pr_mul = ti->ti_tsc_to_system_mul;
		pr->pr_shift = ti->ti_tsc_shift;
		pr->pr_flags = ti->ti_flags;
		pr->pr_tsc = rdtsc();
		pvclock_rmb();
		if (ti->ti_version != v)
			continue;
		/* A TSC behind the update: OpenBSD counts it as 0. */
		delta = pr->pr_tsc > pr->pr_tsc_timestamp ?
		    pr->pr_tsc - pr->pr_tsc_timestamp : 0;
		pr->pr_ns = pr->pr_system_time +
		    pvclock_scale(delta, pr->pr_mul, pr->pr_shift);
		pr->pr_version = v;
		return 0;
	}
	return v == 0 ? ENXIO : ETIMEDOUT;
}

/* The TSC rate the scale stands for: 10^9 * 2^32 / mul, then the shift. */
static uint64_t
pvclock_tsc_hz(uint32_t mul, int8_t shift)
{
	uint64_t hz;

	if (mul == 0)
		return 0;
	hz = (NSEC_PER_SEC << 32) / mul;
	return shift >= 0 ? hz >> shift : hz << -shift;
}

/* Spin until the TSC has moved by ticks; false if it never does. */
static bool
pvclock_wait(uint64_t ticks)
{
	uint64_t t0 = rdtsc();
	long i;

	for (i = 0; i < PVCLOCK_WAIT_SPINS; i++) {
		if (rdtsc() - t0 >= ticks)
			return true;
		pause();
	}
	return false;
}

/*
 * Date and time from seconds since 1970 (UTC), for people: the days
 * become a Gregorian date by H. Hinnant's civil_from_days algorithm
 * ("chrono-Compatible Low-Level Date Algorithms"), in a year that
 * starts on 1 March so the leap day comes last.
 */
static void
pvclock_date(uint64_t secs, char *buf, size_t len)
{
	uint64_t z = secs / 86400 + 719468, rem = secs % 86400;
	uint64_t era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;
	uint64_t d = doy - (153 * mp + 2) / 5 + 1;
	uint64_t m = mp < 10 ? mp + 3 : mp - 9;
	uint64_t y = yoe + era * 400 + (m <= 2);

	snprintf(buf, len, "%04lu-%02lu-%02lu %02lu:%02lu:%02lu UTC",
	    (unsigned long)y, (unsigned long)m, (unsigned long)d,
	    (unsigned long)(rem / 3600), (unsigned long)(rem / 60 % 60),
	    (unsigned long)(rem % 60));
}

/* The bits of base+1 EAX this driver looks at. */
static const struct pvbus_bit pvclock_used[] = {
	{ KVM_FEATURE_CLOCKSOURCE, "CLOCKSOURCE" },
	{ KVM_FEATURE_CLOCKSOURCE2, "CLOCKSOURCE2" },
	{ KVM_FEATURE_STEAL_TIME, "STEAL_TIME" },
	{ KVM_FEATURE_PV_EOI, "PV_EOI" },
	{ KVM_FEATURE_CLOCKSOURCE_STABLE, "CLOCKSOURCE_STABLE_BIT" },
	{ 0, NULL },
};

/* pvbus0 has decoded and printed base+1; say what is used from it. */
static int
pvclock_features(struct pvclock_softc *sc)
{
	char what[64];
	uint64_t mask = 0;
	size_t i;

	for (i = 0; pvclock_used[i].pb_name != NULL; i++)
		mask |= 1ULL << pvclock_used[i].pb_bit;
	printf("%s: features 0x%08x, hints 0x%08x\n", sc->sc_name,
	    sc->sc_features, sc->sc_hv->hv_kvm.kv_hints);
	snprintf(what, sizeof(what), "%s: used here:", sc->sc_name);
	pvbus_print_bits(what, sc->sc_features & mask, pvclock_used);
	return KTAP_PASS;
}

/* Why a clock the MSR was given was never written, for the KTAP line. */
static int
pvclock_never_written(struct pvclock_softc *sc, uint64_t want)
{
	uint64_t got = 0;

	(void)sc->sc_io->io_rdmsr(sc->sc_msr_time, &got);
	if (got != want) {
		printf("%s: MSR 0x%08x reads back 0x%lx, not the 0x%lx "
		    "written\n", sc->sc_name, sc->sc_msr_time,
		    (unsigned long)got, (unsigned long)want);
		return ktap_fail("kvmclock never written: MSR 0x%08x "
		    "ignored the write", sc->sc_msr_time);
	}
	return ktap_fail("kvmclock never written: version 0 after MSR "
	    "0x%08x took the address", sc->sc_msr_time);
}

static void
pvclock_print_reading(const struct pvclock_softc *sc,
    const struct pvclock_reading *pr)
{
	printf("%s: version %u: tsc_timestamp 0x%lx, system_time %lu ns, "
	    "mul 0x%08x, shift %d (TSC %lu kHz), flags 0x%02x%s\n",
	    sc->sc_name, pr->pr_version, (unsigned long)pr->pr_tsc_timestamp,
	    (unsigned long)pr->pr_system_time, pr->pr_mul, pr->pr_shift,
	    (unsigned long)(pvclock_tsc_hz(pr->pr_mul, pr->pr_shift) / 1000),
	    pr->pr_flags, (pr->pr_flags & PVCLOCK_TSC_STABLE_BIT) != 0 ?
	    " TSC_STABLE" : "");
}

/*
 * The second reading, after a busy wait and a CPUID, which always exits
 * to the hypervisor and so lets it update the structure (the model
 * does; KVM may): the clock must carry on across an update, forward.
 */
static int
pvclock_advance(struct pvclock_softc *sc,
    volatile const struct pvclock_time_info *ti,
    const struct pvclock_reading *r1)
{
	struct pvclock_reading r2;
	struct cpuid_regs cr;

	if (!pvclock_wait(PVCLOCK_WAIT_TICKS))
		return ktap_fail("the TSC did not advance");
	sc->sc_io->io_cpuid(sc->sc_hv->hv_base + KVM_CPUID_FEATURES, 0, &cr);
	if (pvclock_read(ti, &r2) != 0)
		return ktap_fail("pvclock version stayed odd: the hypervisor "
		    "never finished an update");
	printf("%s: %lu ns, then %lu ns %lu TSC ticks later (version %u, "
	    "then %u)\n", sc->sc_name, (unsigned long)r1->pr_ns,
	    (unsigned long)r2.pr_ns, (unsigned long)(r2.pr_tsc - r1->pr_tsc),
	    r1->pr_version, r2.pr_version);
	sc->sc_ns = r2.pr_ns;
	sc->sc_stable = (r2.pr_flags & PVCLOCK_TSC_STABLE_BIT) != 0 &&
	    pvclock_has(sc, KVM_FEATURE_CLOCKSOURCE_STABLE);
	if (r2.pr_ns < r1->pr_ns)
		return ktap_fail("kvmclock went back by %lu ns",
		    (unsigned long)(r1->pr_ns - r2.pr_ns));
	if (r2.pr_ns == r1->pr_ns)
		return ktap_fail("kvmclock did not advance in %lu TSC ticks",
		    (unsigned long)(r2.pr_tsc - r1->pr_tsc));
	return KTAP_PASS;
}

/*
 * kvmclock (3.6 step 4): the page is zeroed, so version 0 until KVM
 * writes; WRMSR(SYSTEM_TIME, pa | 1); read it, wait, read it again.
 */
static int
pvclock_kvmclock(struct pvclock_softc *sc)
{
	volatile const struct pvclock_time_info *ti =
	    (void *)(sc->sc_page + PVCLOCK_OFF_TIME);
	uint64_t want = pvclock_pa(sc, PVCLOCK_OFF_TIME) | KVM_MSR_ENABLED;
	struct pvclock_reading r;
	int error, result;

	if (sc->sc_msr_time == 0) {
		sc->sc_clock = "absent";
		return ktap_skip("no kvmclock: neither CLOCKSOURCE2 nor "
		    "CLOCKSOURCE in base+1 EAX");
	}
	sc->sc_clock = "failed";
	printf("%s: kvmclock at 0x%lx on MSR 0x%08x\n", sc->sc_name,
	    (unsigned long)(want & ~KVM_MSR_ENABLED), sc->sc_msr_time);
	if (sc->sc_io->io_wrmsr(sc->sc_msr_time, want) != 0)
		return ktap_fail("WRMSR 0x%08x raised #GP although the "
		    "feature bit is set", sc->sc_msr_time);
	sc->sc_clock_on = true;
	if ((error = pvclock_read(ti, &r)) == ENXIO)
		return pvclock_never_written(sc, want);
	if (error != 0)
		return ktap_fail("pvclock version stayed odd: the hypervisor "
		    "never finished an update");
	pvclock_print_reading(sc, &r);
	if (r.pr_mul == 0)
		return ktap_fail("tsc_to_system_mul is 0: the clock stands "
		    "still");
	if ((result = pvclock_advance(sc, ti, &r)) == KTAP_PASS)
		sc->sc_clock = "ok";
	return result;
}

/* Wait for an even, non-zero version of the wall clock; bounded. */
static int
pvclock_wall_read(volatile const struct pvclock_wall_clock *wc,
    uint32_t *sec, uint32_t *nsec)
{
	uint32_t v = 0;
	long i;

	for (i = 0; i < PVCLOCK_RETRIES; i++) {
		if ((v = wc->wc_version) == 0 || (v & 1) != 0) {
			pause();
			continue;
		}
		pvclock_rmb();
		*sec = wc->wc_sec;
		*nsec = wc->wc_nsec;
		pvclock_rmb();
		if (wc->wc_version == v)
			return 0;
	}
	return v == 0 ? ENXIO : ETIMEDOUT;
}

/*
 * The wall clock (msr.rst): written once, at the WRMSR, with the wall
 * time at kvmclock 0; now = that + kvmclock.
 */
static int
pvclock_wall_clock(struct pvclock_softc *sc)
{
	volatile const struct pvclock_wall_clock *wc =
	    (void *)(sc->sc_page + PVCLOCK_OFF_WALL);
	uint64_t now;
	uint32_t sec, nsec;
	char date[32];
	int error;

	if (sc->sc_vmm)
		return ktap_skip("OpenBSD vmm has no wall clock MSR");
	if (sc->sc_msr_wall == 0)
		return ktap_skip("no kvmclock: no wall clock MSR either");
	if (sc->sc_io->io_wrmsr(sc->sc_msr_wall,
	    pvclock_pa(sc, PVCLOCK_OFF_WALL)) != 0)
		return ktap_fail("WRMSR 0x%08x raised #GP although the "
		    "feature bit is set", sc->sc_msr_wall);
	if ((error = pvclock_wall_read(wc, &sec, &nsec)) == ENXIO)
		return ktap_fail("pvclock_wall_clock never written: version 0 "
		    "after MSR 0x%08x took the address", sc->sc_msr_wall);
	if (error != 0)
		return ktap_fail("wall clock version stayed odd: the "
		    "hypervisor never finished an update");
	if (nsec >= NSEC_PER_SEC)
		return ktap_fail("wall clock nsec %u is not below 10^9", nsec);
	sc->sc_wall_sec = sec;
	pvclock_date(sec, date, sizeof(date));
	printf("%s: wall clock at kvmclock 0: %u.%09u (%s)\n", sc->sc_name,
	    sec, nsec, date);
	if (strcmp(sc->sc_clock, "ok") == 0) {
		now = sec * NSEC_PER_SEC + nsec + sc->sc_ns;
		pvclock_date(now / NSEC_PER_SEC, date, sizeof(date));
		printf("%s: wall clock now: %lu.%09lu (%s)\n", sc->sc_name,
		    (unsigned long)(now / NSEC_PER_SEC),
		    (unsigned long)(now % NSEC_PER_SEC), date);
	}
	return KTAP_PASS;
}

/*
 * A write the hypervisor must refuse with #GP (reserved bits set).  If
 * it takes it instead, turn the area off again and say so.
 */
static int
pvclock_must_refuse(struct pvclock_softc *sc, uint32_t msr, uint64_t val,
    const char *rule)
{
	if (sc->sc_io->io_wrmsr(msr, val) == 0) {
		(void)sc->sc_io->io_wrmsr(msr, 0);
		return ktap_fail("MSR 0x%08x took 0x%lx: %s", msr,
		    (unsigned long)val, rule);
	}
	return KTAP_PASS;
}

/*
 * Steal time (msr.rst): a 64-byte aligned area | 1; bits 5:1 are
 * reserved.  KVM fills it before the guest runs again, version even.
 */
static int
pvclock_steal_time(struct pvclock_softc *sc)
{
	volatile struct kvm_steal_time *st =
	    (void *)(sc->sc_page + PVCLOCK_OFF_STEAL);
	uint64_t pa = pvclock_pa(sc, PVCLOCK_OFF_STEAL);
	uint32_t v = 0;
	long i;

	sc->sc_steal = "absent";
	if (!pvclock_has(sc, KVM_FEATURE_STEAL_TIME))
		return ktap_skip("STEAL_TIME not offered (base+1 EAX bit 5 "
		    "clear)");
	sc->sc_steal = "failed";
	if (pvclock_must_refuse(sc, MSR_KVM_STEAL_TIME,
	    (pa + 32) | KVM_MSR_ENABLED, "bits 5:1 are reserved") != KTAP_PASS)
		return KTAP_FAIL;
	if (sc->sc_io->io_wrmsr(MSR_KVM_STEAL_TIME, pa | KVM_MSR_ENABLED) != 0)
		return ktap_fail("WRMSR 0x%08x raised #GP although STEAL_TIME "
		    "is offered", MSR_KVM_STEAL_TIME);
	for (i = 0; i < PVCLOCK_RETRIES; i++) {
		if ((v = st->st_version) != 0 && (v & 1) == 0)
			break;
		pause();
	}
	printf("%s: steal time at 0x%lx: version %u, steal %lu ns, "
	    "preempted %u\n", sc->sc_name, (unsigned long)pa, v,
	    (unsigned long)st->st_steal, st->st_preempted);
	if (sc->sc_io->io_wrmsr(MSR_KVM_STEAL_TIME, 0) != 0)
		sc->sc_page_busy = true;	/* it may go on writing */
	if (v == 0)
		return ktap_fail("steal time never written: version 0 after "
		    "MSR 0x%08x took the address", MSR_KVM_STEAL_TIME);
	if (v & 1)
		return ktap_fail("steal time version stayed odd");
	sc->sc_steal = "available";
	return KTAP_PASS;
}

/*
 * PV EOI (msr.rst): a 4-byte aligned word | 1; bit 1 is reserved.  KVM
 * writes the word only when it injects an interrupt, and this kernel
 * takes none, so: enable, read back, disable.
 */
static int
pvclock_pv_eoi(struct pvclock_softc *sc)
{
	uint64_t want = pvclock_pa(sc, PVCLOCK_OFF_EOI) | KVM_MSR_ENABLED;
	uint64_t got = 0;

	sc->sc_eoi = "absent";
	if (!pvclock_has(sc, KVM_FEATURE_PV_EOI))
		return ktap_skip("PV_EOI not offered (base+1 EAX bit 6 clear)");
	sc->sc_eoi = "failed";
	if (pvclock_must_refuse(sc, MSR_KVM_PV_EOI_EN,
	    want | KVM_PV_EOI_RESERVED_MASK, "bit 1 is reserved") != KTAP_PASS)
		return KTAP_FAIL;
	if (sc->sc_io->io_wrmsr(MSR_KVM_PV_EOI_EN, want) != 0 ||
	    sc->sc_io->io_rdmsr(MSR_KVM_PV_EOI_EN, &got) != 0)
		return ktap_fail("MSR 0x%08x raised #GP although PV_EOI is "
		    "offered", MSR_KVM_PV_EOI_EN);
	if (sc->sc_io->io_wrmsr(MSR_KVM_PV_EOI_EN, 0) != 0)
		sc->sc_page_busy = true;
	printf("%s: PV EOI word at 0x%lx: enabled, reads back 0x%lx, "
	    "disabled\n", sc->sc_name, (unsigned long)(want - 1),
	    (unsigned long)got);
	if (got != want)
		return ktap_fail("MSR 0x%08x reads back 0x%lx, not 0x%lx",
		    MSR_KVM_PV_EOI_EN, (unsigned long)got,
		    (unsigned long)want);
	sc->sc_eoi = "available";
	return KTAP_PASS;
}

static const char *
pvclock_kvm_errname(int64_t v)
{
	switch (v) {
	case 0:			return "success";
	case -KVM_ENOSYS:	return "-KVM_ENOSYS";
	case -KVM_EFAULT:	return "-KVM_EFAULT";
	case -KVM_EINVAL:	return "-KVM_EINVAL";
	case -KVM_E2BIG:	return "-KVM_E2BIG";
	case -KVM_EPERM:	return "-KVM_EPERM";
	case -KVM_EOPNOTSUPP:	return "-KVM_EOPNOTSUPP";
	default:		return "not a KVM status";
	}
}

/*
 * Is VMCALL ours?  KVM sends it to its Hyper-V handler once the guest
 * OS id is non-zero in a VM with Hyper-V emulation, and to Xen's once
 * Xen hypercalls are on (3.5, kvm_hv_hypercall_enabled()).  The guest
 * OS id is the whole partition's and may be written at any time (by
 * hyperv0 just before us, by firmware, by a kernel before a kexec), so
 * the only answer that cannot be wrong later is: not with either
 * interface present.  NULL if safe, else the reason.
 */
static const char *
pvclock_hypercall_unsafe(const struct pvclock_softc *sc, char *buf,
    size_t len)
{
	const struct pvbus_hv *hv;
	int i;

	if (sc->sc_vmm)
		return "OpenBSD vmm has no KVM hypercalls";
	for (i = 0; i < sc->sc_pvbus->sc_nhv; i++) {
		hv = &sc->sc_pvbus->sc_hv[i];
		if (hv == sc->sc_hv)
			continue;
		if (hv->hv_hv1) {
			snprintf(buf, len, "a Hyper-V interface at 0x%08x: "
			    "once a guest OS id is set, KVM sends every "
			    "VMCALL to its Hyper-V handler", hv->hv_base);
			return buf;
		}
		if (hv->hv_type != NULL &&
		    strcmp(hv->hv_type->pt_id, "xen") == 0) {
			snprintf(buf, len, "a Xen interface at 0x%08x: KVM "
			    "sends VMCALL to its Xen handler", hv->hv_base);
			return buf;
		}
	}
	return NULL;
}

/* AMD and Hygon take VMMCALL; Intel (and the rest) VMCALL.  Leaf 0. */
static bool
pvclock_cpu_amd(const struct hvio *io, char vendor[13])
{
	struct cpuid_regs r;

	io->io_cpuid(0, 0, &r);
	memcpy(vendor, &r.ebx, 4);	/* EBX, EDX, ECX: leaf 0's order */
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
	return strcmp(vendor, "AuthenticAMD") == 0 ||
	    strcmp(vendor, "HygonGenuine") == 0;
}

/*
 * One call: number nr, the arguments RBX RCX RDX RSI set to values the
 * call ignores, so that "nothing else is changed" can be checked too.
 */
static int
pvclock_call(struct pvclock_softc *sc, bool vmmcall, uint64_t nr,
    int64_t *ret)
{
	struct vm_regs r;

	memset(&r, 0, sizeof(r));
	r.vr_rax = nr;
	r.vr_rbx = 0xb0b0b0b0, r.vr_rcx = 0xc0c0c0c0;
	r.vr_rdx = 0xd0d0d0d0, r.vr_rsi = 0x51515151;
	if (sc->sc_io->io_hypercall(&r, vmmcall) != 0)
		return EFAULT;
	*ret = (int64_t)r.vr_rax;
	if (r.vr_rbx != 0xb0b0b0b0 || r.vr_rcx != 0xc0c0c0c0 ||
	    r.vr_rdx != 0xd0d0d0d0 || r.vr_rsi != 0x51515151)
		return EIO;
	return 0;
}

/*
 * VAPIC_POLL_IRQ (nr 1) must return 0, an unassigned number (0)
 * -KVM_ENOSYS (hypercalls.rst; 3.5).
 */
static int
pvclock_hypercall(struct pvclock_softc *sc)
{
	char buf[128], vendor[13];
	const char *why, *insn;
	bool vmmcall;
	int64_t ret = 0, ret0 = 0;
	int error;

	sc->sc_hypercall = "skipped";
	if ((why = pvclock_hypercall_unsafe(sc, buf, sizeof(buf))) != NULL)
		return ktap_skip("%s", why);
	sc->sc_hypercall = "failed";
	vmmcall = pvclock_cpu_amd(sc->sc_io, vendor);
	insn = vmmcall ? "VMMCALL" : "VMCALL";
	error = pvclock_call(sc, vmmcall, KVM_HC_VAPIC_POLL_IRQ, &ret);
	if (error == EFAULT)
		return ktap_fail("%s faulted on a %s CPU: no hypervisor "
		    "took the call", insn, vendor);
	printf("%s: %s (%s): VAPIC_POLL_IRQ returned %ld (%s)", sc->sc_name,
	    insn, vendor, (long)ret, pvclock_kvm_errname(ret));
	if (error == 0 && ret == 0 &&
	    (error = pvclock_call(sc, vmmcall, 0, &ret0)) == 0)
		printf(", hypercall 0 returned %ld (%s)", (long)ret0,
		    pvclock_kvm_errname(ret0));
	printf("\n");
	if (error == EIO)
		return ktap_fail("%s changed RBX, RCX, RDX or RSI", insn);
	if (ret != 0)
		return ktap_fail("VAPIC_POLL_IRQ returned %ld (%s), not 0",
		    (long)ret, pvclock_kvm_errname(ret));
	if (error != 0)
		return ktap_fail("%s of hypercall 0 faulted", insn);
	if (ret0 != -KVM_ENOSYS)
		return ktap_fail("hypercall 0 returned %ld, not -KVM_ENOSYS",
		    (long)ret0);
	sc->sc_hypercall = "ok";
	return KTAP_PASS;
}

static const struct {
	const char	*name;
	int		(*fn)(struct pvclock_softc *);
} pvclock_steps[] = {
	{ "features", pvclock_features },
	{ "kvmclock", pvclock_kvmclock },
	{ "wall_clock", pvclock_wall_clock },
	{ "steal_time", pvclock_steal_time },
	{ "pv_eoi", pvclock_pv_eoi },
	{ "hypercall", pvclock_hypercall },
};

/* The KVM interface (or OpenBSD vmm's, the same leaves), or NULL. */
static const struct pvbus_hv *
pvclock_find(const struct pvbus_softc *pv, bool *vmm)
{
	const struct pvbus_hv *hv, *found = NULL;
	int i;

	for (i = 0; i < pv->sc_nhv; i++) {
		hv = &pv->sc_hv[i];
		if (hv->hv_type == NULL)
			continue;
		if (strcmp(hv->hv_type->pt_id, "kvm") == 0) {
			*vmm = false;
			return hv;
		}
		if (found == NULL && strcmp(hv->hv_type->pt_id, "openbsd") == 0)
			found = hv;
	}
	*vmm = found != NULL;
	return found;
}

/*
 * A replay has CPUID only: MSRs would fault on a machine that is not
 * the recorded one, so nothing matches there.
 */
int
pvclock_match(const struct pv_attach_args *pva)
{
	bool vmm;

	if (pva->pva_io->io_cpuid_only)
		return 0;
	return pvclock_find(pva->pva_pvbus, &vmm) != NULL;
}

/*
 * Stop what may still be written (3.6 step 7), then give the page back,
 * unless the hypervisor refused to stop: then it stays allocated.
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
	bool vmm;

	memset(sc, 0, sizeof(*sc));
	sc->sc_io = pva->pva_io;
	sc->sc_pvbus = pva->pva_pvbus;
	sc->sc_name = pva->pva_name;
	sc->sc_hv = pvclock_find(pva->pva_pvbus, &vmm);
	sc->sc_vmm = vmm;
	sc->sc_features = sc->sc_hv->hv_kvm.kv_features;
	sc->sc_clock = sc->sc_steal = sc->sc_eoi = "absent";
	sc->sc_hypercall = "skipped";
	/* msr.rst: test bit 3, then bit 0 (not "flags & 3": 3.3). */
	if (pvclock_has(sc, KVM_FEATURE_CLOCKSOURCE2)) {
		sc->sc_msr_time = MSR_KVM_SYSTEM_TIME_NEW;
		sc->sc_msr_wall = MSR_KVM_WALL_CLOCK_NEW;
	} else if (pvclock_has(sc, KVM_FEATURE_CLOCKSOURCE)) {
		sc->sc_msr_time = MSR_KVM_SYSTEM_TIME;
		sc->sc_msr_wall = MSR_KVM_WALL_CLOCK;
	}
}

int
pvclock_attach(const struct pv_attach_args *pva)
{
	struct pvclock_softc *sc = &pvclock_softc;
	size_t i;
	int result, nfailed = 0;

	pvclock_init(sc, pva);
	if ((sc->sc_page = page_alloc()) == NULL) {
		printf(": no page for the clock\n");
		return ENOMEM;
	}
	printf(": %s at 0x%08x, ", sc->sc_vmm ? "OpenBSD vmm" : "KVM",
	    sc->sc_hv->hv_base);
	if (sc->sc_msr_time != 0)
		printf("kvmclock on MSRs 0x%08x/0x%08x\n", sc->sc_msr_wall,
		    sc->sc_msr_time);
	else
		printf("no kvmclock\n");
	ktap_sub_begin((int)nitems(pvclock_steps));
	for (i = 0; i < nitems(pvclock_steps); i++) {
		ktap_sub_start(pvclock_steps[i].name);
		result = pvclock_steps[i].fn(sc);
		ktap_sub_result(result, pvclock_steps[i].name, NULL);
		nfailed += result == KTAP_FAIL;
	}
	pvclock_stop(sc);
	pvclock_facts(sc);
	return ktap_sub_end() == KTAP_FAIL || nfailed > 0 ? EIO : 0;
}

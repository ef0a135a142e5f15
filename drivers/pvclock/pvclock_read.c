/*
 * pvclock0's clocks: reading the structures KVM writes into guest
 * memory, in two of the steps pvclock.c runs.
 *
 *	kvmclock	WRMSR(SYSTEM_TIME, pa | 1), then two readings with
 *			the version protocol and the 96-bit product, a
 *			busy wait and a CPUID apart: the clock must advance
 *	wall_clock	WRMSR(WALL_CLOCK, pa): the wall time at kvmclock 0,
 *			written once, at the WRMSR
 *
 * Every read is bounded: a version that stays 0 or odd, or keeps
 * changing, ends the step with a "not ok" after PVCLOCK_RETRIES reads.
 * Sources: Linux Documentation/virt/kvm/x86/msr.rst
 * (MSR_KVM_SYSTEM_TIME_NEW, MSR_KVM_WALL_CLOCK_NEW),
 * arch/x86/include/asm/pvclock-abi.h; docs/reference/kvm.md "MSRs",
 * "pvclock structures", "First steps" step 4; docs/kvm.md.
 */

#include "kern.h"
#include "ktap.h"
#include "kvmreg.h"
#include "pvclockvar.h"
#include "x86.h"

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
 * ((delta << shift) * mul) >> 32 (kvm.md "Reading the clock" step
 * 5-6).  delta is 64 bits and mul 32, so the product needs 96: never
 * form it in 64.  Split delta into 32-bit halves; each partial product
 * fits 64 bits:
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
 * The version protocol (kvm.md "Reading the clock"): read version; if
 * odd, the hypervisor is writing, read again; copy the fields and the
 * TSC; if version changed, start over.  0 means never written: KVM
 * writes the structure before the WRMSR returns.  Bounded: ENXIO if it
 * stayed 0, ETIMEDOUT if it stayed odd or kept changing for
 * PVCLOCK_RETRIES reads.
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
	sc->sc_io->io_cpuid(sc->sc_id->id_base + KVM_CPUID_FEATURES, 0, &cr);
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
 * kvmclock (kvm.md "First steps" step 4): the page is zeroed, so
 * version 0 until KVM writes; WRMSR(SYSTEM_TIME, pa | 1); read it,
 * wait, read it again.
 */
int
pvclock_kvmclock(void *arg)
{
	struct pvclock_softc *sc = arg;
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
int
pvclock_wall_clock(void *arg)
{
	struct pvclock_softc *sc = arg;
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

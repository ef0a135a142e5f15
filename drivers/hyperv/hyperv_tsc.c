/*
 * hyperv0's step 7, the reference TSC page (docs/reference/hyperv.md
 * "Reference TSC page"; Linux include/clocksource/hyperv_timer.h): the
 * page enabled through its MSR, then time read from it with the
 * sequence protocol and the 128-bit product, and checked against the
 * TIME_REF_COUNT MSR.  Only RDTSC is used directly; everything else
 * goes through struct hvio.
 */

#include "kern.h"
#include "hypervvar.h"
#include "ktap.h"
#include "pmem.h"
#include "x86.h"		/* rdtsc(): the TSC is architectural */

#define HYPERV_POISON_TSC	0xff	/* sequence 0xFFFFFFFF, never valid */
#define HYPERV_TSC_TRIES	1000	/* sequence changes before giving up */
#define HYPERV_TIME_SLACK	100	/* 10 us between page and MSR */
/*
 * The two clocks may also drift apart by this fraction of the time
 * they have counted (1/100: 1%).  The TLFS wants both in 100 ns units
 * and monotonic, and says no more about how closely they agree.
 * VirtualBox divides the TSC by its rate truncated to whole ticks per
 * 100 ns for the MSR (GIMAllHv.cpp gimHvGetTimeRefCount()) but builds
 * the page from the rate in kHz: for a TSC of at least 1 GHz (100
 * ticks per 100 ns) the truncation costs less than 1%, 0.118% at
 * 2.893421 GHz.  More than that no implementation is known to do.
 */
#define HYPERV_DRIFT_DIVISOR	100
#define HYPERV_PPM		1000000

/*
 * Reference time from the TSC page (hyperv.md "Reference TSC page",
 * Linux hv_read_tsc_page_tsc): read the sequence, then scale, offset
 * and the TSC, and start again if the sequence changed meanwhile.
 * Sequence 0 means the page is not valid now (ENXIO: use
 * TIME_REF_COUNT).  The product is 128 bits.
 */
static int
hyperv_tsc_read(const struct hv_reference_tsc_page *p, uint64_t *t)
{
	uint64_t scale, tsc;
	int64_t offset;
	uint32_t seq;
	int i;

	for (i = 0; i < HYPERV_TSC_TRIES; i++) {
		seq = __atomic_load_n(&p->tsc_sequence, __ATOMIC_ACQUIRE);
		if (seq == HV_TSC_SEQUENCE_INVALID)
			return ENXIO;
		scale = __atomic_load_n(&p->tsc_scale, __ATOMIC_RELAXED);
		offset = __atomic_load_n(&p->tsc_offset, __ATOMIC_RELAXED);
		tsc = rdtsc();
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&p->tsc_sequence, __ATOMIC_RELAXED) ==
		    seq) {
			*t = (uint64_t)(((unsigned __int128)tsc * scale) >>
			    64) + (uint64_t)offset;
			return 0;
		}
	}
	return ETIMEDOUT;
}

/*
 * mag units out of t, in parts per million.  No 128-bit divide in a
 * freestanding kernel: the exact product while it fits in 64 bits, the
 * divisor scaled down past that.
 */
static int64_t
hyperv_ppm(uint64_t mag, uint64_t t)
{
	if (t == 0)
		return 0;
	if (mag < UINT64_MAX / HYPERV_PPM)
		return (int64_t)(mag * HYPERV_PPM / t);
	return (int64_t)(mag / (t / HYPERV_PPM + 1));
}

/*
 * How far TIME_REF_COUNT runs ahead of the page, at least, in parts per
 * million of the time the page has counted: by what the MSR read before
 * the page (r1) is already past it, or the MSR read after it (r2) is
 * still short of it; 0 when the page lies between the two reads, which
 * is all that reads a few microseconds apart can tell.  The time
 * between the reads makes it a lower bound: VirtualBox's 1184 ppm reads
 * as about 700 a tenth of a second after power-on under TCG, as 1184
 * after a minute.
 */
static int64_t
hyperv_drift_ppm(uint64_t r1, uint64_t t, uint64_t r2)
{
	if (r1 > t)
		return hyperv_ppm(r1 - t, t);
	if (t > r2)
		return -hyperv_ppm(t - r2, t);
	return 0;
}

/*
 * TIME_REF_COUNT, read on both sides of a page read, must bracket it
 * within the slack and the drift allowed (HYPERV_DRIFT_DIVISOR); the
 * drift found is reported either way.
 */
static int
hyperv_tsc_vs_msr(struct hyperv_softc *sc)
{
	const struct hvio *io = sc->sc_io;
	uint64_t r1, r2, t, tol;

	if (!hyperv_priv(sc, HV_PRIV_TIME_REF_COUNT)) {
		ktap_diag("no TIME_REF_COUNT privilege: page not compared");
		return KTAP_PASS;
	}
	if (io->io_rdmsr(HV_X64_MSR_TIME_REF_COUNT, &r1) != 0 ||
	    hyperv_tsc_read(sc->sc_tsc_page, &t) != 0 ||
	    io->io_rdmsr(HV_X64_MSR_TIME_REF_COUNT, &r2) != 0)
		return ktap_fail("TIME_REF_COUNT or the TSC page failed on "
		    "the second read");
	printf("%s: TIME_REF_COUNT %lu, page %lu, TIME_REF_COUNT %lu\n",
	    sc->sc_name, (unsigned long)r1, (unsigned long)t,
	    (unsigned long)r2);
	if (r2 < r1)
		return ktap_fail("TIME_REF_COUNT went backwards");
	sc->sc_has_drift = true;
	sc->sc_drift_ppm = hyperv_drift_ppm(r1, t, r2);
	if (sc->sc_drift_ppm == 0)
		printf("%s: TIME_REF_COUNT and the TSC page agree (the page "
		    "lies between the two reads)\n", sc->sc_name);
	else
		printf("%s: TIME_REF_COUNT runs at least %ld ppm %s the TSC page "
		    "(after %lu units)\n", sc->sc_name,
		    (long)(sc->sc_drift_ppm < 0 ? -sc->sc_drift_ppm :
		    sc->sc_drift_ppm), sc->sc_drift_ppm < 0 ? "behind" :
		    "ahead of", (unsigned long)t);
	tol = HYPERV_TIME_SLACK + t / HYPERV_DRIFT_DIVISOR;
	if (t + tol < r1 || t > r2 + tol)
		return ktap_fail("TSC page time %lu is outside "
		    "TIME_REF_COUNT's %lu..%lu by more than %lu units (10 us "
		    "and 1%%)", (unsigned long)t, (unsigned long)r1,
		    (unsigned long)r2, (unsigned long)tol);
	return KTAP_PASS;
}

/*
 * Where the page is not valid, time comes from the MSR (hyperv.md
 * "Reference TSC page").
 */
static void
hyperv_ref_count(struct hyperv_softc *sc)
{
	const struct hvio *io = sc->sc_io;
	uint64_t r1, r2;

	if (hyperv_priv(sc, HV_PRIV_TIME_REF_COUNT) &&
	    io->io_rdmsr(HV_X64_MSR_TIME_REF_COUNT, &r1) == 0 &&
	    io->io_rdmsr(HV_X64_MSR_TIME_REF_COUNT, &r2) == 0)
		ktap_diag("TIME_REF_COUNT instead: %lu then %lu (100 ns)",
		    (unsigned long)r1, (unsigned long)r2);
}

/* Two reads from the page, in 100 ns units, must not go backwards. */
static int
hyperv_tsc_check(struct hyperv_softc *sc)
{
	const struct hv_reference_tsc_page *p = sc->sc_tsc_page;
	uint64_t t1, t2;
	int error;

	if (hyperv_page_poisoned((const uint8_t *)p, HYPERV_POISON_TSC))
		return ktap_fail("the hypervisor enabled the reference TSC "
		    "page but did not fill it");
	if ((error = hyperv_tsc_read(p, &t1)) == ENXIO) {
		hyperv_ref_count(sc);
		return ktap_skip("the hypervisor marked the TSC page invalid "
		    "(sequence 0): use TIME_REF_COUNT");
	}
	if (error != 0 || hyperv_tsc_read(p, &t2) != 0)
		return ktap_fail("the TSC page's sequence never held still "
		    "over %d reads", HYPERV_TSC_TRIES);
	printf("%s: reference TSC page: sequence %u, scale 0x%016lx, "
	    "offset %ld; time %lu then %lu (100 ns)\n", sc->sc_name,
	    p->tsc_sequence, (unsigned long)p->tsc_scale, (long)p->tsc_offset,
	    (unsigned long)t1, (unsigned long)t2);
	sc->sc_ref_time = t2;
	if (t2 < t1)
		return ktap_fail("TSC page time went backwards: %lu then %lu",
		    (unsigned long)t1, (unsigned long)t2);
	return hyperv_tsc_vs_msr(sc);
}

/*
 * A root partition reads the page the hypervisor chose (hyperv.md
 * "Partition roles"; Linux hv_remap_tsc_clocksource()): only the enable
 * bit is written.  0, or the step's result.
 */
static int
hyperv_reference_tsc_root(struct hyperv_softc *sc)
{
	uint64_t back;

	if (hyperv_page_enable(sc, HV_X64_MSR_REFERENCE_TSC, NULL, &back) != 0)
		return ktap_fail("HV_X64_MSR_REFERENCE_TSC access raised #GP");
	if ((back & HV_MSR_ENABLE) == 0)
		return ktap_fail("the hypervisor ignored "
		    "HV_X64_MSR_REFERENCE_TSC: enable bit reads back 0");
	sc->sc_tsc_enabled = true;
	sc->sc_tsc_theirs = true;
	printf("%s: HV_X64_MSR_REFERENCE_TSC 0x%016lx: the hypervisor's page "
	    "(root partition)\n", sc->sc_name, (unsigned long)back);
	if ((sc->sc_tsc_page = hyperv_page_theirs(back)) == NULL)
		return ktap_skip("the hypervisor's TSC page at 0x%lx is outside "
		    "the 4 GiB this kernel maps",
		    (unsigned long)(back & HV_MSR_PAGE_MASK));
	return 0;
}

/*
 * Step 7 (hyperv.md "Reference TSC page"): the TLFS's rules, that the
 * enable bit sticks, that the page then holds a valid sequence (or 0,
 * "use the MSR"), and that the time it gives counts 100 ns units
 * forward, as TIME_REF_COUNT does: enable the page, then read time
 * from it and compare.
 */
int
hyperv_reference_tsc(void *arg)
{
	struct hyperv_softc *sc = arg;
	uint64_t back;
	int error;

	if (sc->sc_isolated != NULL)
		return ktap_skip("%s", sc->sc_isolated);
	if (!hyperv_priv(sc, HV_PRIV_REFERENCE_TSC))
		return ktap_skip("no REFERENCE_TSC privilege (base+3 EAX "
		    "bit 9)");
	if (sc->sc_role == HV_ROLE_ROOT) {
		if ((error = hyperv_reference_tsc_root(sc)) != 0)
			return error;
		return hyperv_tsc_check(sc);
	}
	if ((sc->sc_tsc_page = page_alloc()) == NULL)
		return ktap_fail("no free page for the reference TSC page");
	memset(sc->sc_tsc_page, HYPERV_POISON_TSC, PAGE_SIZE);
	if (hyperv_page_enable(sc, HV_X64_MSR_REFERENCE_TSC, sc->sc_tsc_page,
	    &back) != 0)
		return ktap_fail("HV_X64_MSR_REFERENCE_TSC access raised #GP");
	if ((back & HV_MSR_ENABLE) == 0)
		return ktap_fail("the hypervisor ignored "
		    "HV_X64_MSR_REFERENCE_TSC: enable bit reads back 0");
	sc->sc_tsc_enabled = true;
	return hyperv_tsc_check(sc);
}

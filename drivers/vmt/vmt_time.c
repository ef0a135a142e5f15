/*
 * The guest clock against the host's (OpenBSD vmt's time-delta sensor,
 * open-vm-tools' timeSync plugin).  This kernel keeps no time of its
 * own, so the guest clock is the host time of the last sync plus the
 * TSC since, at the rate GETHZ (or CPUID's timing leaf) gave.  The
 * first GETTIMEFULL sets it, as firmware sets an RTC; every TCLO poll
 * is a tick that reads GETTIMEFULL again and notes guest minus host.
 *
 * Time_Synchronize, which OpenBSD answers "ERROR Unknown command", sets
 * the guest clock from the host's and answers "OK ", as open-vm-tools
 * timeSync.c does: the issue asks for time sync from the host clock,
 * and the host only sends it when it wants that done.
 *
 * Sources: OpenBSD sys/dev/pv/vmt.c rev 1.32 (vmt_tick), open-vm-tools
 * services/plugins/timeSync/timeSync.c; docs/reference/openbsd-pvbus.md
 * "vmt TCLO commands", docs/reference/vmware.md "Host time";
 * openbsd-pvbus.md "vmt timers".
 */

#include "kern.h"
#include "ktap.h"
#include "vmtvar.h"
#include "x86.h"		/* rdtsc() */

/* The guest clock at TSC value tsc, in microseconds. */
static uint64_t
vmt_clock_us(const struct vmt_softc *sc, uint64_t tsc)
{
	uint64_t d = tsc > sc->sc_clock_tsc ? tsc - sc->sc_clock_tsc : 0;
	uint64_t hz = sc->sc_tsc_hz;

	return sc->sc_clock_us + d / hz * 1000000 + d % hz * 1000000 / hz;
}

static void
vmt_clock_set(struct vmt_softc *sc, uint64_t host_us, uint64_t tsc)
{
	sc->sc_clock_us = host_us;
	sc->sc_clock_tsc = tsc;
	sc->sc_clock_set = true;
}

/*
 * One tick: GETTIMEFULL, and guest minus host (OpenBSD's time-delta
 * sensor).  The first answer sets the guest clock, as firmware sets an
 * RTC; without a TSC rate there is no guest clock to compare.
 */
void
vmt_tick(struct vmt_softc *sc)
{
	uint64_t host, tsc;
	int64_t d;

	if (vmt_gettimefull(sc, &host, &tsc) != 0) {
		sc->sc_nticks_failed++;
		return;
	}
	sc->sc_nticks++;
	if (!sc->sc_clock_set || sc->sc_tsc_hz == 0) {
		vmt_clock_set(sc, host, tsc);
		return;
	}
	d = (int64_t)(vmt_clock_us(sc, tsc) - host);
	sc->sc_delta_us = d;
	if ((d < 0 ? -d : d) > sc->sc_delta_max_us)
		sc->sc_delta_max_us = d < 0 ? -d : d;
}

/*
 * Time_Synchronize <0|1>: set the guest clock to the host's.  With 0 a
 * guest clock ahead of the host is left alone (no backward step, as
 * timeSync.c's allowBackwardSync).
 */
int
vmt_timesync(struct vmt_softc *sc, int arg)
{
	uint64_t host, tsc;
	int64_t d;

	if (vmt_gettimefull(sc, &host, &tsc) != 0) {
		printf("%s: Time_Synchronize: GETTIMEFULL unsupported\n",
		    sc->sc_name);
		return VMT_NOT_DONE;
	}
	d = sc->sc_clock_set && sc->sc_tsc_hz != 0 ?
	    (int64_t)(vmt_clock_us(sc, tsc) - host) : 0;
	sc->sc_delta_us = d;
	if (d > 0 && arg == 0) {
		printf("%s: guest clock %+ld us ahead of the host; "
		    "Time_Synchronize 0 allows no step back\n", sc->sc_name,
		    (long)d);
		return VMT_DONE;
	}
	vmt_clock_set(sc, host, tsc);
	sc->sc_nsyncs++;
	printf("%s: time synchronized to the host: %lu.%06u s, guest was "
	    "%+ld us off\n", sc->sc_name, (unsigned long)(host / 1000000),
	    (unsigned)(host % 1000000), (long)d);
	return VMT_DONE;
}

/* What the ticks said: the guest clock against the host's. */
int
vmt_step_time(void *arg)
{
	struct vmt_softc *sc = arg;

	if (sc->sc_nticks == 0)
		return ktap_skip("GETTIMEFULL unsupported");
	if (sc->sc_tsc_hz == 0)
		return ktap_skip("TSC rate unknown: no guest clock to compare");
	if (sc->sc_nticks < 2)
		return ktap_skip("no poll ticks to compare the clocks on");
	if (sc->sc_nticks_failed > 0)
		ktap_diag("GETTIMEFULL refused on %d of %d ticks",
		    sc->sc_nticks_failed, sc->sc_nticks + sc->sc_nticks_failed);
	printf("%s: guest-host time delta %+ld us after %d ticks (largest "
	    "%ld us), %d syncs\n", sc->sc_name, (long)sc->sc_delta_us,
	    sc->sc_nticks, (long)sc->sc_delta_max_us, sc->sc_nsyncs);
	return KTAP_PASS;
}

/* GETTIMEFULL as a step: its first answer sets the guest clock. */
int
vmt_step_gettimefull(void *arg)
{
	struct vmt_softc *sc = arg;
	uint64_t us, tsc;

	if (vmt_gettimefull(sc, &us, &tsc) != 0)
		return ktap_skip("GETTIMEFULL unsupported");
	printf("%s: host time %lu.%06u s (GETTIMEFULL)\n", sc->sc_name,
	    (unsigned long)(us / 1000000), (unsigned)(us % 1000000));
	vmt_tick(sc);
	return KTAP_PASS;
}

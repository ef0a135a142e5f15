/*
 * pvclock0, the KVM guest driver, in three files: pvclock.c matches,
 * attaches, runs the steps and tears down; pvclock_read.c reads the
 * structures KVM writes (kvmclock and the wall clock); pvclock_pv.c does
 * steal time, PV EOI and the hypercall.  This is the state they share.
 */
#ifndef _DRIVERS_PVCLOCK_PVCLOCKVAR_H_
#define _DRIVERS_PVCLOCK_PVCLOCKVAR_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"
#include "pvbusvar.h"

#define PVCLOCK_RETRIES		1000000	/* reads of an odd or 0 version */
#define PVCLOCK_WAIT_TICKS	(1ULL << 20)	/* between the readings */
#define PVCLOCK_WAIT_SPINS	100000000L	/* if the TSC stands still */
#define NSEC_PER_SEC		1000000000ULL
#define PVCLOCK_REASON_MAX	120	/* pvclock.hypercall=skip:REASON */

/* The page's layout: each structure inside it, aligned as msr.rst asks. */
#define PVCLOCK_OFF_TIME	0	/* pvclock_time_info, 32 bytes */
#define PVCLOCK_OFF_WALL	32	/* pvclock_wall_clock, 4-aligned */
#define PVCLOCK_OFF_STEAL	64	/* kvm_steal_time, 64-aligned */
#define PVCLOCK_OFF_EOI		128	/* the PV EOI word, 4-aligned */

struct pvclock_softc {
	const struct hvio *sc_io;
	const struct ident *sc_id;	/* the KVM interface */
	const struct ident *sc_hv1;	/* a Hyper-V interface, or NULL */
	const struct ident *sc_xen;	/* a Xen interface, or NULL */
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

static inline bool
pvclock_has(const struct pvclock_softc *sc, int feature)
{
	return (sc->sc_features & (1U << feature)) != 0;
}

static inline uint64_t
pvclock_pa(const struct pvclock_softc *sc, size_t off)
{
	return (uint64_t)(uintptr_t)sc->sc_page + off;
}

/* The steps after "features", in the order pvclock.c runs them. */
int	pvclock_kvmclock(void *sc);	/* pvclock_read.c */
int	pvclock_wall_clock(void *sc);
int	pvclock_steal_time(void *sc);	/* pvclock_pv.c */
int	pvclock_pv_eoi(void *sc);
int	pvclock_hypercall(void *sc);

/*
 * pvclock.hypercall=run or skip:REASON, checked in cmdline_parsed
 * (kernel/cmdline_keys.c lists it); pvclock_hypercall() reads it.
 */
cmdline_check_fn pvclock_check_hypercall;

#endif

/*
 * vmt(4): the VMware Tools driver, a child of pvbus.  vmt.c attaches it
 * and runs its steps; vmt_backdoor.c asks the backdoor about the
 * machine; vmt_info.c does the RPCI steps (tools version, capabilities,
 * guest info, the key-value interface); vmt_tclo.c runs the TCLO loop
 * and the host's commands; vmt_time.c keeps the guest clock against the
 * host's; vmt_facts.c prints the facts line.  This is the state they
 * share.
 */
#ifndef _DRIVERS_VMT_VMTVAR_H_
#define _DRIVERS_VMT_VMTVAR_H_

#include <stdbool.h>
#include <stdint.h>

#include "vm_rpc.h"
#include "vmt_reply.h"

/* What the host said to the first RPC open. */
enum vmt_rpc_state {
	VMT_RPC_UNTRIED,
	VMT_RPC_OK,
	VMT_RPC_NONE,		/* not offered: QEMU's vmport */
	VMT_RPC_FAILED,		/* offered, but the open was refused */
};

/* Channel failures vmt recovers from by reopening, per boot. */
#define VMT_REOPEN_MAX	3

struct vmt_softc {
	const struct hvio *sc_io;
	const char	*sc_name;	/* "vmt0" */
	/*
	 * The way to the backdoor (vmt.c): the I/O port, or the VMCALL or
	 * VMMCALL CPUID offers; sc_via_unanswered the instruction CPUID
	 * offered that did not answer, or HVIO_BACKDOOR_PORT if none.
	 */
	enum hvio_backdoor_via sc_via;
	enum hvio_backdoor_via sc_via_unanswered;
	char		sc_via_why[48];	/* and how it did not */
	uint64_t	sc_mem_avail;	/* memory map, bytes */
	const struct fw_uuid *sc_fw_uuid;	/* SMBIOS's, or NULL */
	uint64_t	sc_tsc_hz;	/* GETHZ or the timing leaf, or 0 */

	enum vmt_rpc_state sc_rpc;
	const char	*sc_rpc_why;	/* why RPC steps are skipped */
	int		sc_nreopen;	/* reopens and RPCI retries so far */
	int		sc_nrpci;	/* RPCI exchanges, retries included */
	int		sc_nrpci_failed;	/* broken exchanges */
	int		sc_nrpci_refused;	/* answered "0 ..." */
	int		sc_nrpci_lost;	/* broken, and not tried again */
	bool		sc_rpc_error;	/* an RPCI was lost since the TCLO */
					/* channel opened (OpenBSD's) */
	uint32_t	sc_tools_version;	/* accepted by the host, or 0 */

	/* TCLO (vmt_tclo.c). */
	struct vm_rpc	sc_tclo;
	bool		sc_tclo_ping;	/* last poll empty: send "" first */
	bool		sc_reply_pending;
	const char	*sc_reply;	/* the reply the next poll sends */
	int		sc_npolls;
	int		sc_ncmds;	/* commands received */
	int		sc_nunknown;	/* answered "ERROR ..." */
	int		sc_ntclo_failed;	/* channel failures */

	/*
	 * The guest clock: host time at the last sync plus the TSC since,
	 * and what each tick's GETTIMEFULL said of it.
	 */
	bool		sc_clock_set;
	uint64_t	sc_clock_us;	/* host time then, microseconds */
	uint64_t	sc_clock_tsc;
	int		sc_nticks;	/* GETTIMEFULL answered */
	int		sc_nticks_failed;
	int64_t		sc_delta_us;	/* guest - host at the last tick */
	int64_t		sc_delta_max_us;	/* largest |delta| seen */
	int		sc_nsyncs;	/* Time_Synchronize done */
};

/*
 * vmt_backdoor.c: the plain backdoor commands, the first steps; a TSC
 * rate the guest clock can run on; GETTIMEFULL (0, or ENXIO refused).
 */
#define VMT_TSC_HZ_MIN	1000000ULL		/* 1 MHz */
#define VMT_TSC_HZ_MAX	1000000000000ULL	/* 1 THz */
int	vmt_uuid(void *sc);
int	vmt_memsize(void *sc);
int	vmt_gethz(void *sc);
int	vmt_getmhz(void *sc);
int	vmt_gettime(void *sc);
bool	vmt_tsc_hz_plausible(uint64_t hz);
int	vmt_gettimefull(struct vmt_softc *sc, uint64_t *us, uint64_t *tsc);

/* vmt_facts.c: "pvbus: vmt0 rpc=ok ...". */
void	vmt_print_facts(const struct vmt_softc *sc);

/*
 * vmt_info.c: the RPC steps (KTAP subtests of vmt0), and RPCI with
 * vmt's bookkeeping: vmt_rpci() logs a failed exchange and tries once
 * more if the reopen budget allows.  0, EINVAL (the host refused:
 * reply has its text), or the channel's error.
 */
int	vmt_rpci(struct vmt_softc *sc, char *reply, size_t replylen,
	    const char *fmt, ...) __printflike(4, 5);
bool	vmt_reopen_allowed(const struct vmt_softc *sc);
int	vmt_step_rpci_open(void *sc);
int	vmt_step_tools_version(void *sc);
int	vmt_step_capabilities(void *sc);
int	vmt_step_guest_info(void *sc);
int	vmt_step_guest_ip(void *sc);
int	vmt_step_info_get(void *sc);
int	vmt_update_guest_info(struct vmt_softc *sc);
int	vmt_update_uptime(struct vmt_softc *sc);

/*
 * A TCLO handler does what the host asked and says whether it was done;
 * the reply follows from that (vmt_cmd_reply()).  VMT_NO_REPLY: the
 * handler closed the channel instead.
 */
#define VMT_NOT_DONE	0
#define VMT_DONE	1
#define VMT_NO_REPLY	2

/*
 * vmt_tclo.c.  The loop's bounds: polls per boot, and TSC time for the
 * whole loop; a host still talking when one is reached fails the step.
 */
#define VMT_TCLO_POLLS_MAX	100000
#define VMT_TCLO_TIME_MAX_US	10000000	/* 10 s */
extern int	vmt_tclo_polls_max;
extern uint64_t	vmt_tclo_time_max_us;
int	vmt_step_tclo(void *sc);

/*
 * vmt_time.c: the guest clock, its ticks, Time_Synchronize <arg>; the
 * steps gettimefull (which sets the clock) and time_delta.
 */
void	vmt_tick(struct vmt_softc *sc);
int	vmt_timesync(struct vmt_softc *sc, int arg);
int	vmt_step_gettimefull(void *sc);
int	vmt_step_time(void *sc);

#endif

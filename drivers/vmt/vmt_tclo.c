/*
 * TCLO: the host's commands to the guest.
 *
 * The guest keeps one TCLO channel open and polls it (OpenBSD's
 * vmt_tclo_tick(), once a second there).  A poll sends the reply to
 * the previous command, or an empty message if the previous poll found
 * nothing (open-vm-tools rpcin.c: "the only way to signal the existence
 * of this guest application"), then asks RECVSIZE whether a command
 * waits, receives it, acknowledges it, and dispatches it: the whole
 * message is compared exactly with OpenBSD's table (vmt_reply.c), and
 * anything else gets "ERROR Unknown command".  Polling is also the
 * heartbeat: VMware shows the tools as running while the guest polls.
 *
 * This kernel has no timer interrupts, so the loop runs inside the
 * attach and must end by itself.  It ends well when the host falls
 * quiet (VMT_TCLO_IDLE_POLLS empty polls in a row, with a short
 * TSC-timed wait after each), and OS_Halt and OS_Reboot end it too:
 * their "OK " is sent at once, then pvbus_shutdown() or pvbus_reboot()
 * never return.  Two bounds of ours keep a host that never stops
 * talking from holding the boot for ever: vmt_tclo_polls_max polls
 * (VMT_TCLO_POLLS_MAX, far more commands than any host sends at boot)
 * and vmt_tclo_time_max_us of TSC time (VMT_TCLO_TIME_MAX_US).  Reaching
 * either with the host not yet quiet fails the tclo step, naming the
 * bound: vmt did not answer everything the host had to say, and a
 * script cut short must never read as "ok".  They are variables so
 * that a unit test can lower them.
 *
 * A channel that fails part way (a send refused, a status without
 * SUCCESS, a command over our limit) is closed with one line saying
 * why, and reopened at the next poll, which then sends "OK ATR toolbox"
 * as OpenBSD does; at most VMT_REOPEN_MAX reopens per boot.
 *
 * Each poll is also a tick of the guest clock, and Time_Synchronize is
 * answered there (vmt_time.c).
 *
 * Sources: OpenBSD sys/dev/pv/vmt.c rev 1.32 (vmt_tclo_tick and the
 * handlers); open-vm-tools lib/rpcIn/rpcin.c;
 * docs/reference/vmware.md "RPCI and TCLO", "Host time";
 * docs/reference/openbsd-pvbus.md "vmt TCLO commands", "vmt timers".
 */

#include "kern.h"
#include "ktap.h"
#include "pvbusvar.h"
#include "vmtreg.h"
#include "vmtvar.h"
#include "x86.h"		/* rdtsc(), pause() */

#define VMT_TCLO_IDLE_POLLS	5	/* empty polls in a row that end it */
#define VMT_TCLO_WAIT_US	10000	/* after an empty poll */
#define VMT_TSC_HZ_GUESS	1000000000ULL	/* for waits, if unknown */
#define VMT_WAIT_SPINS		(1L << 22)	/* a TSC that stands still */

int		vmt_tclo_polls_max = VMT_TCLO_POLLS_MAX;
uint64_t	vmt_tclo_time_max_us = VMT_TCLO_TIME_MAX_US;

enum vmt_poll {
	VMT_POLL_IDLE,		/* nothing waited */
	VMT_POLL_CMD,		/* a command, handled */
	VMT_POLL_FAILED,	/* the channel failed: closed, reopen next */
	VMT_POLL_DEAD,		/* closed, and no reopen left */
	VMT_POLL_POLLS_MAX,	/* stopped: our poll bound, host not quiet */
	VMT_POLL_TIME_MAX,	/* stopped: our time bound, host not quiet */
};

static char	vmt_tclo_in[VM_RPC_BUFLEN];
static char	vmt_tclo_log[128];	/* the command, fit for the log */

/* Spin about us microseconds on the TSC, and never for ever. */
static void
vmt_wait_us(const struct vmt_softc *sc, uint64_t us)
{
	uint64_t hz = sc->sc_tsc_hz != 0 ? sc->sc_tsc_hz : VMT_TSC_HZ_GUESS;
	uint64_t ticks = hz / 1000000 * us, t0 = rdtsc();
	long i;

	for (i = 0; i < VMT_WAIT_SPINS && rdtsc() - t0 < ticks; i++)
		pause();
}

/* The reply the next poll sends (a constant of vmtreg.h). */
static void
vmt_tclo_answer(struct vmt_softc *sc, const char *reply)
{
	sc->sc_reply = reply;
	sc->sc_reply_pending = true;
	if (strncmp(reply, VM_TCLO_ERROR, sizeof(VM_TCLO_ERROR) - 1) == 0)
		sc->sc_nunknown++;
}

/* Close a failed channel, saying why; the next poll reopens it. */
static void
vmt_tclo_failed(struct vmt_softc *sc, const char *what)
{
	sc->sc_ntclo_failed++;
	printf("%s: TCLO %s failed (%s); %s\n", sc->sc_name, what,
	    sc->sc_tclo.rpc_err, vmt_reopen_allowed(sc) ? "reopening" :
	    "giving up");
	(void)vm_rpc_close(&sc->sc_tclo);
	sc->sc_reply_pending = false;
}

/* Send the pending reply now. */
static int
vmt_tclo_flush(struct vmt_softc *sc)
{
	if (!sc->sc_reply_pending)
		return 0;
	sc->sc_reply_pending = false;
	if (vm_rpc_send_str(&sc->sc_tclo, sc->sc_reply) != 0) {
		vmt_tclo_failed(sc, "reply");
		return EIO;
	}
	return 0;
}

/* tools.os.statechange.status 1 <state>: the host's request is done. */
static void
vmt_statechange(struct vmt_softc *sc, int state)
{
	char msg[64];

	if (vmt_msg_statechange(msg, sizeof(msg), true, state) == 0)
		(void)vmt_rpci(sc, NULL, 0, "%s", msg);
}

/*
 * "reset": after an RPCI failure OpenBSD closes the channel and lets the
 * next tick reopen it (that sends the reset reply); else it answers.
 */
static int
vmt_tclo_reset(struct vmt_softc *sc, int arg __unused)
{
	if (sc->sc_rpc_error && vmt_reopen_allowed(sc)) {
		printf("%s: TCLO reset after an RPCI failure; reopening\n",
		    sc->sc_name);
		(void)vm_rpc_close(&sc->sc_tclo);
		return VMT_NO_REPLY;
	}
	return VMT_DONE;
}

static int
vmt_tclo_nothing(struct vmt_softc *sc __unused, int arg __unused)
{
	return VMT_DONE;	/* ping; or unknown: the reply says so */
}

static int
vmt_tclo_capreg(struct vmt_softc *sc, int arg __unused)
{
	(void)vmt_rpci(sc, NULL, 0, "%s", VM_RPCI_CAP_UNIFIED);
	(void)vmt_rpci(sc, NULL, 0, "%s", VM_RPCI_CAP_STATECHANGE);
	if (vmt_rpci(sc, NULL, 0, VM_RPCI_SET_VERSION,
	    VM_VERSION_UNMANAGED) == 0)
		sc->sc_tools_version = VM_VERSION_UNMANAGED;
	(void)vmt_update_uptime(sc);
	return VMT_DONE;
}

/*
 * OS_Halt and OS_Reboot: the state change, "OK " sent before going
 * (OpenBSD's vmt_do_shutdown()), the facts, and no return.
 */
static __noreturn void
vmt_tclo_final(struct vmt_softc *sc, enum vmt_tclo_cmd cmd, int state)
{
	vmt_statechange(sc, state);
	vmt_tclo_answer(sc, vmt_cmd_reply(cmd, true));
	printf("%s: TCLO \"%s\" -> \"%s\"\n", sc->sc_name, vmt_tclo_log,
	    sc->sc_reply);
	(void)vmt_tclo_flush(sc);
	vmt_print_facts(sc);
	if (state == VM_STATE_CHANGE_HALT)
		pvbus_shutdown(sc->sc_name);
	pvbus_reboot(sc->sc_name);
}

static int
vmt_tclo_halt(struct vmt_softc *sc, int arg __unused)
{
	vmt_tclo_final(sc, VMT_TCLO_HALT, VM_STATE_CHANGE_HALT);
}

static int
vmt_tclo_reboot(struct vmt_softc *sc, int arg __unused)
{
	vmt_tclo_final(sc, VMT_TCLO_REBOOT, VM_STATE_CHANGE_REBOOT);
}

static int
vmt_tclo_poweron(struct vmt_softc *sc, int arg __unused)
{
	vmt_statechange(sc, VM_STATE_CHANGE_POWERON);
	return VMT_DONE;
}

/* OpenBSD also reseeds its random pool from GETTIMEFULL here. */
static int
vmt_tclo_resume(struct vmt_softc *sc, int arg __unused)
{
	printf("%s: VMware guest resuming from suspended state\n",
	    sc->sc_name);
	(void)vmt_update_guest_info(sc);
	vmt_tick(sc);
	vmt_statechange(sc, VM_STATE_CHANGE_RESUME);
	return VMT_DONE;
}

static int
vmt_tclo_suspend(struct vmt_softc *sc, int arg __unused)
{
	printf("%s: VMware guest entering suspended state\n", sc->sc_name);
	vmt_statechange(sc, VM_STATE_CHANGE_SUSPEND);
	return VMT_DONE;
}

/* OpenBSD would info-set guestinfo.ip; there is no address to send. */
static int
vmt_tclo_broadcastip(struct vmt_softc *sc __unused, int arg __unused)
{
	return VMT_NOT_DONE;
}

static int (*const vmt_tclo_handlers[VMT_TCLO_NCMDS])(struct vmt_softc *,
    int) = {
	[VMT_TCLO_UNKNOWN] = vmt_tclo_nothing,
	[VMT_TCLO_RESET] = vmt_tclo_reset,
	[VMT_TCLO_PING] = vmt_tclo_nothing,
	[VMT_TCLO_CAPREG] = vmt_tclo_capreg,
	[VMT_TCLO_HALT] = vmt_tclo_halt,
	[VMT_TCLO_REBOOT] = vmt_tclo_reboot,
	[VMT_TCLO_POWERON] = vmt_tclo_poweron,
	[VMT_TCLO_RESUME] = vmt_tclo_resume,
	[VMT_TCLO_SUSPEND] = vmt_tclo_suspend,
	[VMT_TCLO_BROADCASTIP] = vmt_tclo_broadcastip,
	[VMT_TCLO_SET_OPTION] = vmt_tclo_nothing,
	[VMT_TCLO_TIMESYNC] = vmt_timesync,	/* vmt_time.c */
	[VMT_TCLO_TIMESYNC_BADARG] = vmt_tclo_nothing,
};

/* Handle one command; its reply goes out with the next poll. */
static void
vmt_tclo_dispatch(struct vmt_softc *sc, const char *buf, uint32_t len)
{
	enum vmt_tclo_cmd cmd;
	int arg, done;

	sc->sc_ncmds++;
	vmt_printable(vmt_tclo_log, sizeof(vmt_tclo_log), buf, len);
	cmd = vmt_cmd_parse(buf, len, &arg);
	if ((done = vmt_tclo_handlers[cmd](sc, arg)) == VMT_NO_REPLY) {
		printf("%s: TCLO \"%s\" -> (channel reset)\n", sc->sc_name,
		    vmt_tclo_log);
		return;
	}
	vmt_tclo_answer(sc, vmt_cmd_reply(cmd, done == VMT_DONE));
	printf("%s: TCLO \"%s\" -> \"%s\"\n", sc->sc_name, vmt_tclo_log,
	    sc->sc_reply);
}

/* Reopen after a failure; the first thing sent is the reset reply. */
static int
vmt_tclo_reopen(struct vmt_softc *sc)
{
	if (!vmt_reopen_allowed(sc))
		return ENOSPC;
	sc->sc_nreopen++;
	if (vm_rpc_open(&sc->sc_tclo, VM_RPC_PROTO_TCLO) != 0) {
		printf("%s: unable to reopen TCLO channel (%s)\n",
		    sc->sc_name, sc->sc_tclo.rpc_err);
		return EIO;
	}
	printf("%s: TCLO channel %u reopened\n", sc->sc_name,
	    sc->sc_tclo.rpc_channel);
	vmt_tclo_answer(sc, vmt_cmd_reply(VMT_TCLO_RESET, true));
	sc->sc_rpc_error = false;
	return 0;
}

static enum vmt_poll
vmt_tclo_poll(struct vmt_softc *sc)
{
	uint32_t n;
	int error;

	if (!sc->sc_tclo.rpc_open && (error = vmt_tclo_reopen(sc)) != 0)
		return error == ENOSPC ? VMT_POLL_DEAD : VMT_POLL_FAILED;
	sc->sc_npolls++;
	if (sc->sc_reply_pending) {
		if (vmt_tclo_flush(sc) != 0)
			return VMT_POLL_FAILED;
	} else if (sc->sc_tclo_ping &&
	    vm_rpc_send(&sc->sc_tclo, NULL, 0) != 0) {
		vmt_tclo_failed(sc, "send");
		return VMT_POLL_FAILED;
	}
	if (vm_rpc_recv(&sc->sc_tclo, vmt_tclo_in, sizeof(vmt_tclo_in),
	    &n) != 0) {
		vmt_tclo_failed(sc, "receive");
		return VMT_POLL_FAILED;
	}
	sc->sc_tclo_ping = n == 0;
	if (n == 0)
		return VMT_POLL_IDLE;
	vmt_tclo_dispatch(sc, vmt_tclo_in, n);
	return VMT_POLL_CMD;
}

/*
 * Poll until the host falls quiet (VMT_POLL_IDLE), the channel is dead
 * (VMT_POLL_DEAD), or one of our bounds stops it first
 * (VMT_POLL_POLLS_MAX, VMT_POLL_TIME_MAX).
 */
static enum vmt_poll
vmt_tclo_loop(struct vmt_softc *sc)
{
	uint64_t hz = sc->sc_tsc_hz != 0 ? sc->sc_tsc_hz : VMT_TSC_HZ_GUESS;
	uint64_t t0 = rdtsc(), tmax = hz / 1000000 * vmt_tclo_time_max_us;
	enum vmt_poll p = VMT_POLL_IDLE;
	int i, idle = 0;

	for (i = 0; idle < VMT_TCLO_IDLE_POLLS; i++) {
		if (i == vmt_tclo_polls_max) {
			p = VMT_POLL_POLLS_MAX;
			break;
		}
		if (rdtsc() - t0 >= tmax) {
			p = VMT_POLL_TIME_MAX;
			break;
		}
		vmt_tick(sc);
		if ((p = vmt_tclo_poll(sc)) == VMT_POLL_DEAD)
			return p;
		idle = p == VMT_POLL_CMD ? 0 : idle + 1;
		if (p != VMT_POLL_CMD)
			vmt_wait_us(sc, VMT_TCLO_WAIT_US);
	}
	if (p == VMT_POLL_POLLS_MAX || p == VMT_POLL_TIME_MAX)
		printf("%s: TCLO: the host was not quiet when vmt's %s limit "
		    "was reached; polling stops\n", sc->sc_name,
		    p == VMT_POLL_POLLS_MAX ? "poll" : "time");
	if (sc->sc_tclo.rpc_open)
		(void)vmt_tclo_flush(sc);
	return p;
}

int
vmt_step_tclo(void *arg)
{
	struct vmt_softc *sc = arg;
	int lost = sc->sc_nrpci_lost;
	enum vmt_poll p;

	if (sc->sc_rpc != VMT_RPC_OK)
		return ktap_skip("%s", sc->sc_rpc_why);
	while (vm_rpc_open(&sc->sc_tclo, VM_RPC_PROTO_TCLO) != 0) {
		printf("%s: failed to open backdoor RPC channel (TCLO "
		    "protocol): %s; %s\n", sc->sc_name, sc->sc_tclo.rpc_err,
		    vmt_reopen_allowed(sc) ? "reopening" : "giving up");
		if (!vmt_reopen_allowed(sc))
			return ktap_fail("failed to open the TCLO channel");
		sc->sc_nreopen++;
	}
	printf("%s: TCLO channel %u open\n", sc->sc_name,
	    sc->sc_tclo.rpc_channel);
	sc->sc_tclo_ping = true;
	sc->sc_rpc_error = false;
	p = vmt_tclo_loop(sc);
	(void)vm_rpc_close(&sc->sc_tclo);
	printf("%s: TCLO: %d commands in %d polls, %d answered ERROR, %d "
	    "channel failures, %d reopens\n", sc->sc_name, sc->sc_ncmds,
	    sc->sc_npolls, sc->sc_nunknown, sc->sc_ntclo_failed,
	    sc->sc_nreopen);
	if (p == VMT_POLL_DEAD)
		return ktap_fail("the TCLO channel failed and no reopen was "
		    "left (%d used)", sc->sc_nreopen);
	if (p == VMT_POLL_POLLS_MAX)
		return ktap_fail("the host was still sending after %d polls, "
		    "vmt's limit per boot: the rest went unanswered",
		    sc->sc_npolls);
	if (p == VMT_POLL_TIME_MAX)
		return ktap_fail("the host was not quiet after %lu ms, vmt's "
		    "time limit for TCLO: the rest went unanswered",
		    (unsigned long)(vmt_tclo_time_max_us / 1000));
	if (sc->sc_nrpci_lost > lost)
		return ktap_fail("%d RPCI messages of TCLO handlers did not "
		    "get through", sc->sc_nrpci_lost - lost);
	if (sc->sc_ntclo_failed > 0)
		ktap_diag("recovered from %d TCLO channel failures by "
		    "reopening", sc->sc_ntclo_failed);
	return KTAP_PASS;
}

/*
 * vmt's RPCI steps: is there an RPC channel at all, then what the guest
 * tells the host about itself (tools version, capabilities, guest
 * info), and the key-value interface on guestinfo variables that pvbus
 * offers the rest of the kernel (OpenBSD's vmt_kvop, for hostctl(8)).
 * Every message is one RPCI exchange on a channel of its own
 * (vm_rpci()); the host answers "1 ..." or "0 reason".
 *
 * A host refusal ("0 ...") is an answer: the step says what was
 * refused.  A broken exchange (no SUCCESS, a reply too long, a channel
 * closed under us) is logged on one line with its reason and tried once
 * more on a new channel while the boot's reopen budget lasts
 * (VMT_REOPEN_MAX); an exchange that never got through fails its step.
 * Sources: OpenBSD sys/dev/pv/vmt.c rev 1.32 (vmt_attach, vmt_kvop,
 * vmt_update_guest_info, vmt_tclo_capreg);
 * docs/reference/openbsd-pvbus.md "vmt TCLO commands", "vmt probe and
 * attach", "Key-value interface"; docs/reference/vmware.md "RPCI
 * messages".
 */

#include "kern.h"
#include "ktap.h"
#include "pvbusvar.h"
#include "vmtreg.h"
#include "vmtvar.h"
#include "x86.h"		/* rdtsc(): the uptime */

/*
 * What the guest calls itself.  The OS name (key 6) must be one the
 * host knows, or it is refused: OpenBSD sends "FreeBSD" for that reason
 * and so do we, since the host has no name for this kernel and FreeBSD
 * is the one non-Linux, non-Windows name a host is known to take from
 * an open-source vmt.  The full name (key 5) is free text and says what
 * this really is.  The host name is a constant: the kernel has no
 * hostname and the command line is not the guest's to publish.
 */
#define VMT_HOSTNAME		"pvbus-testbed"
#define VMT_OS_NAME		"FreeBSD"
#define VMT_OS_NAME_FULL	"pvbus testbed x86_64"

/* The guestinfo keys the steps use: ours, and one the host may set. */
#define VMT_KEY_STATE		"guestinfo.pvbus.state"
#define VMT_STATE_ATTACHED	"attached"
#define VMT_KEY_HOST		"guestinfo.testbed"

static char	vmt_msg[VM_RPC_BUFLEN];		/* one RPCI message */
static char	vmt_in[VM_RPC_BUFLEN];		/* and its reply */

bool
vmt_reopen_allowed(const struct vmt_softc *sc)
{
	return sc->sc_nreopen < VMT_REOPEN_MAX;
}

/* Host text for the log: quoted by the caller, never a raw line. */
static const char *
vmt_safe(const char *s)
{
	static char buf[128];

	vmt_printable(buf, sizeof(buf), s, strlen(s));
	return buf;
}

/*
 * One RPCI exchange, done again on a new channel if it broke, while the
 * boot's reopen budget lasts.  EINVAL (a refusal) is the host's answer,
 * not a broken channel, and is not tried again.
 */
static int
vmt_rpci_send(struct vmt_softc *sc, char *reply, size_t replylen,
    const char *msg, size_t len)
{
	struct vm_rpc rpc = { .rpc_io = sc->sc_io,
	    .rpc_via = sc->sc_via };
	bool again;
	int error, try;

	for (try = 0;; try++) {
		sc->sc_nrpci++;
		error = vm_rpci_msg(&rpc, reply, replylen, msg, len);
		if (error == 0 || error == EINVAL)
			break;
		sc->sc_nrpci_failed++;
		again = vmt_reopen_allowed(sc);
		printf("%s: RPCI \"%.60s\" failed (%s); %s\n", sc->sc_name,
		    msg, rpc.rpc_err, again ? "reopening" : "giving up");
		if (!again) {
			sc->sc_nrpci_lost++;
			sc->sc_rpc_error = true;
			break;
		}
		sc->sc_nreopen++;
	}
	if (error != 0 && error != EINVAL)
		return error;
	if (try > 0)
		ktap_diag("RPCI \"%.50s\" went through on a new channel", msg);
	if (error == EINVAL)
		sc->sc_nrpci_refused++;
	return error;
}

int
vmt_rpci(struct vmt_softc *sc, char *reply, size_t replylen,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(vmt_msg, sizeof(vmt_msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(vmt_msg))
		return ERANGE;
	return vmt_rpci_send(sc, reply, replylen, vmt_msg, (size_t)n);
}

/*
 * The key-value interface: KVWRITE is "info-set <key> <value>", KVREAD
 * "info-get <key>" with the value after "1 " copied out.  EINVAL: a key
 * or value we will not send, or the host refused (a KVREAD then has the
 * host's reason in value); ERANGE: it does not fit; EIO: no exchange.
 * Unlike OpenBSD, which sends its whole 4096-byte buffer with the NUL
 * padding, the message is sent at its length.
 */
static int
vmt_kvop(void *arg, int op, const char *key, char *value, size_t valuelen)
{
	struct vmt_softc *sc = arg;
	size_t n;
	int error;

	if (op == PVBUS_KVWRITE)
		error = vmt_msg_info_set(vmt_msg, sizeof(vmt_msg), key, value);
	else
		error = vmt_msg_info_get(vmt_msg, sizeof(vmt_msg), key);
	if (error != 0)
		return error;
	error = vmt_rpci_send(sc, vmt_in, sizeof(vmt_in), vmt_msg,
	    strlen(vmt_msg));
	if (op == PVBUS_KVWRITE || (error != 0 && error != EINVAL))
		return error;
	n = strlen(vmt_in);
	if (n + 1 > valuelen) {
		value[0] = '\0';
		return error != 0 ? error : ERANGE;
	}
	memcpy(value, vmt_in, n + 1);
	return error;
}

/*
 * Open an RPCI channel and close it again: does the host offer RPC at
 * all?  QEMU's vmport does not implement command 30 (EAX comes back all
 * ones): every RPC step is then skipped, which is not a failure.  A
 * host that implements it and refuses is one.
 */
int
vmt_step_rpci_open(void *arg)
{
	struct vmt_softc *sc = arg;
	struct vm_rpc rpc = { .rpc_io = sc->sc_io,
	    .rpc_via = sc->sc_via };
	bool again;
	int error;

	while ((error = vm_rpc_open(&rpc, VM_RPC_PROTO_RPCI)) == EIO) {
		again = vmt_reopen_allowed(sc);
		printf("%s: failed to open backdoor RPC channel (RPCI "
		    "protocol): %s; %s\n", sc->sc_name, rpc.rpc_err,
		    again ? "reopening" : "giving up");
		if (!again)
			break;
		sc->sc_nreopen++;
	}
	if (error == ENXIO) {
		sc->sc_rpc = VMT_RPC_NONE;
		sc->sc_rpc_why = "RPC channel not offered by this host";
		printf("%s: %s (%s)\n", sc->sc_name, sc->sc_rpc_why,
		    rpc.rpc_err);
		return ktap_skip("%s", sc->sc_rpc_why);
	}
	if (error != 0) {
		sc->sc_rpc = VMT_RPC_FAILED;
		sc->sc_rpc_why = "the host refused to open an RPC channel";
		return ktap_fail("%s", sc->sc_rpc_why);
	}
	printf("%s: RPC channel offered: RPCI channel %u, cookies 0x%08x "
	    "0x%08x\n", sc->sc_name, rpc.rpc_channel, rpc.rpc_cookie1,
	    rpc.rpc_cookie2);
	if (vm_rpc_close(&rpc) != 0)
		printf("%s: RPCI close refused (%s)\n", sc->sc_name,
		    rpc.rpc_err);
	sc->sc_rpc = VMT_RPC_OK;
	pvbus_kvop_register(sc->sc_name, vmt_kvop, sc);
	return KTAP_PASS;
}

/* The verdict on a step's RPCI that did not get "1 ". */
static int
vmt_rpci_verdict(struct vmt_softc *sc, int error, const char *what,
    const char *reply)
{
	if (error == 0)
		return KTAP_PASS;
	if (error == EINVAL) {
		printf("%s: the host refused %s: \"%s\"\n", sc->sc_name, what,
		    vmt_safe(reply));
		return ktap_fail("the host refused %s", what);
	}
	return ktap_fail("%s did not get through (see above)", what);
}

/* tools.set.version 2147483647: "unmanaged", not a VMware Tools ISO. */
int
vmt_step_tools_version(void *arg)
{
	struct vmt_softc *sc = arg;
	char reply[128];
	int error;

	if (sc->sc_rpc != VMT_RPC_OK)
		return ktap_skip("%s", sc->sc_rpc_why);
	error = vmt_rpci(sc, reply, sizeof(reply), VM_RPCI_SET_VERSION,
	    VM_VERSION_UNMANAGED);
	if (error != 0)
		return vmt_rpci_verdict(sc, error, "tools.set.version",
		    reply);
	sc->sc_tools_version = VM_VERSION_UNMANAGED;
	printf("%s: tools version %u (unmanaged) accepted\n", sc->sc_name,
	    sc->sc_tools_version);
	return KTAP_PASS;
}

/*
 * The capabilities OpenBSD announces: the HGFS server at attach, the
 * unified loop and state changes on Capabilities_Register (the trailing
 * space of the last is required).  We announce all three at once; a
 * refusal of the last two is only noted, as OpenBSD only notes it.
 */
int
vmt_step_capabilities(void *arg)
{
	struct vmt_softc *sc = arg;
	static const char *const caps[] = { VM_RPCI_CAP_HGFS,
	    VM_RPCI_CAP_UNIFIED, VM_RPCI_CAP_STATECHANGE };
	char reply[128];
	size_t i;
	int error;

	if (sc->sc_rpc != VMT_RPC_OK)
		return ktap_skip("%s", sc->sc_rpc_why);
	for (i = 0; i < nitems(caps); i++) {
		error = vmt_rpci(sc, reply, sizeof(reply), "%s", caps[i]);
		if (error == EINVAL && i > 0) {
			ktap_diag("the host refused \"%s\": \"%s\"", caps[i],
			    vmt_safe(reply));
			continue;
		}
		if (error != 0) {
			if (i == 0)
				printf("%s: failed to set HGFS server "
				    "capability\n", sc->sc_name);
			return vmt_rpci_verdict(sc, error, caps[i], reply);
		}
	}
	printf("%s: capabilities sent: hgfs_server, unified_loop, "
	    "statechange\n", sc->sc_name);
	return KTAP_PASS;
}

/* SetGuestInfo with one key: 0, EINVAL (refused, said why) or EIO. */
static int
vmt_guestinfo(struct vmt_softc *sc, int key, const char *value)
{
	char reply[128];
	int error;

	if ((error = vmt_msg_guestinfo(vmt_msg, sizeof(vmt_msg), key,
	    value)) != 0)
		return error;
	error = vmt_rpci_send(sc, reply, sizeof(reply), vmt_msg,
	    strlen(vmt_msg));
	if (error == EINVAL)
		printf("%s: the host refused SetGuestInfo %d \"%s\": \"%s\"\n",
		    sc->sc_name, key, value, vmt_safe(reply));
	return error;
}

/*
 * Host name and OS names, as OpenBSD's vmt_update_guest_info(): all
 * three are sent whatever happens to one; the first error is returned.
 */
int
vmt_update_guest_info(struct vmt_softc *sc)
{
	static const struct {
		int		key;
		const char	*value;
	} info[] = {
		{ VM_GUEST_INFO_DNS_NAME, VMT_HOSTNAME },
		{ VM_GUEST_INFO_OS_NAME_FULL, VMT_OS_NAME_FULL },
		{ VM_GUEST_INFO_OS_NAME, VMT_OS_NAME },
	};
	size_t i;
	int error, first = 0;

	for (i = 0; i < nitems(info); i++)
		if ((error = vmt_guestinfo(sc, info[i].key,
		    info[i].value)) != 0 && first == 0)
			first = error;
	return first;
}

/*
 * Uptime in hundredths of a second: the TSC counts from the reset of
 * this (virtual) CPU, which is the boot.  Nothing is sent if the TSC
 * rate is unknown.
 */
int
vmt_update_uptime(struct vmt_softc *sc)
{
	char cs[24];

	if (sc->sc_tsc_hz == 0)
		return 0;
	snprintf(cs, sizeof(cs), "%lu",
	    (unsigned long)(rdtsc() / (sc->sc_tsc_hz / 100)));
	return vmt_guestinfo(sc, VM_GUEST_INFO_UPTIME, cs);
}

/*
 * What OpenBSD's first tick tells the host, and one guestinfo variable
 * of ours through the key-value interface, which info_get reads back.
 */
int
vmt_step_guest_info(void *arg)
{
	struct vmt_softc *sc = arg;
	char state[] = VMT_STATE_ATTACHED;
	int error;

	if (sc->sc_rpc != VMT_RPC_OK)
		return ktap_skip("%s", sc->sc_rpc_why);
	if ((error = vmt_update_guest_info(sc)) != 0 ||
	    (error = vmt_update_uptime(sc)) != 0)
		return ktap_fail("SetGuestInfo %s", error == EINVAL ?
		    "refused" : "did not get through (see above)");
	printf("%s: guest info: host name \"%s\", OS \"%s\" (\"%s\")\n",
	    sc->sc_name, VMT_HOSTNAME, VMT_OS_NAME, VMT_OS_NAME_FULL);
	if ((error = pvbus_kvop(PVBUS_KVWRITE, VMT_KEY_STATE, state,
	    sizeof(state))) != 0)
		return ktap_fail("info-set %s %s", VMT_KEY_STATE, error ==
		    EINVAL ? "refused" : "did not get through (see above)");
	printf("%s: %s = \"%s\" (info-set)\n", sc->sc_name, VMT_KEY_STATE,
	    state);
	return KTAP_PASS;
}

/* The IP-address record needs an address, and this kernel has no NIC. */
int
vmt_step_guest_ip(void *arg)
{
	struct vmt_softc *sc = arg;

	if (sc->sc_rpc != VMT_RPC_OK)
		return ktap_skip("%s", sc->sc_rpc_why);
	return ktap_skip("no network interface: no IP address to report");
}

/*
 * Read a key the host may have set, then ours back through pvbus_kvop()
 * (it must say what guest_info wrote), then ours into a buffer too
 * small for it (it must say ERANGE, not overflow).
 */
int
vmt_step_info_get(void *arg)
{
	struct vmt_softc *sc = arg;
	char value[128], tiny[4];
	int error;

	if (sc->sc_rpc != VMT_RPC_OK)
		return ktap_skip("%s", sc->sc_rpc_why);
	error = pvbus_kvop(PVBUS_KVREAD, VMT_KEY_HOST, value, sizeof(value));
	if (error == 0)
		printf("%s: %s = \"%s\" (info-get)\n", sc->sc_name,
		    VMT_KEY_HOST, vmt_safe(value));
	else if (error == EINVAL)
		printf("%s: %s is not set: \"%s\"\n", sc->sc_name,
		    VMT_KEY_HOST, vmt_safe(value));
	else
		return ktap_fail("info-get %s did not get through",
		    VMT_KEY_HOST);
	error = pvbus_kvop(PVBUS_KVREAD, VMT_KEY_STATE, value, sizeof(value));
	if (error != 0 || strcmp(value, VMT_STATE_ATTACHED) != 0)
		return ktap_fail("info-get %s gave \"%s\" (error %d), not "
		    "the \"%s\" info-set wrote", VMT_KEY_STATE,
		    vmt_safe(value), error, VMT_STATE_ATTACHED);
	if ((error = pvbus_kvop(PVBUS_KVREAD, VMT_KEY_STATE, tiny,
	    sizeof(tiny))) != ERANGE)
		return ktap_fail("info-get into a %zu-byte buffer gave error "
		    "%d, not ERANGE", sizeof(tiny), error);
	printf("%s: %s read back as \"%s\"; too small a buffer gets "
	    "ERANGE\n", sc->sc_name, VMT_KEY_STATE, value);
	return KTAP_PASS;
}

/*
 * The VMware RPC message channel, guest side: backdoor command 30 and
 * its sub-commands (vmtreg.h), as open-vm-tools lib/message/message.c
 * and OpenBSD sys/dev/pv/vmt.c speak it; docs/reference/vmware.md
 * "High-bandwidth transfer", vmware.md "RPC channel".
 *
 * A channel is opened for one protocol and the host gives back a
 * channel number and two cookies, which go with every later call on it.
 * A message goes out as its size (SENDSIZE), then its bytes: in one
 * REP OUTSB on port 0x5659 when SENDSIZE's status has the HB bit, else
 * four at a time in EBX (SENDPAYLOAD).  A message comes in the same way
 * backwards: RECVSIZE says whether one waits and how long it is, REP
 * INSB or RECVPAYLOAD fetch it, and RECVSTATUS acknowledges it.
 *
 * Every answer's status is checked: SUCCESS must be set and CLOSED,
 * UNSENT, POWEROFF and TIMEOUT must not be.  CPT without SUCCESS means
 * a checkpoint (a snapshot or a vMotion) cut the message short, and the
 * whole message is done again, as open-vm-tools does ("goto retry"), at
 * most VM_RPC_CPT_RETRIES times.  Every length is bounded by
 * VM_RPC_BUFLEN before a byte moves, and every loop by that length, so
 * whatever the host says, nothing overflows and nothing spins.
 */

#include "kern.h"
#include "vm_rpc.h"
#include "vmtreg.h"
#include "vmwarereg.h"

/* Bits that make an answer a failure even with SUCCESS set. */
#define VM_RPC_STATUS_ERRORS	(VM_RPC_STATUS_CLOSED | \
    VM_RPC_STATUS_UNSENT | VM_RPC_STATUS_POWEROFF | VM_RPC_STATUS_TIMEOUT)

static const char *const vm_rpc_status_names[] = {
	"SUCCESS", "DORECV", "CLOSED", "UNSENT", "CPT", "POWEROFF",
	"TIMEOUT", "HB",
};

const char *
vm_rpc_status_str(uint16_t status, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < nitems(vm_rpc_status_names); i++)
		if (status & (1U << i))
			n += snprintf(buf + (n < len ? n : len), n < len ?
			    len - n : 0, "%s%s", n > 0 ? "|" : "",
			    vm_rpc_status_names[i]);
	if ((status & 0xff00) != 0)
		n += snprintf(buf + (n < len ? n : len), n < len ? len - n : 0,
		    "%s0x%04x", n > 0 ? "|" : "", status & 0xff00);
	if (n == 0)
		snprintf(buf, len, "none");
	return buf;
}

static void
vm_rpc_fail(struct vm_rpc *rpc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rpc->rpc_err, sizeof(rpc->rpc_err), fmt, ap);
	va_end(ap);
}

/*
 * One command-30 call on the low-bandwidth port: the sub-command in
 * ECX 31:16, the channel in EDX 31:16, the cookies in ESI and EDI (on
 * every call but OPEN, which gets them).  EIO if the IN faulted.
 */
static int
vm_rpc_cmd(struct vm_rpc *rpc, int sub, uint32_t ebx, struct vm_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->vr_rax = VM_MAGIC;
	r->vr_rbx = ebx;
	r->vr_rcx = (uint32_t)sub << VM_RPC_SUB_SHIFT | VM_CMD_RPC;
	r->vr_rdx = (uint32_t)rpc->rpc_channel << VM_RPC_CHANNEL_SHIFT |
	    VM_PORT_CMD;
	r->vr_rsi = rpc->rpc_cookie1;
	r->vr_rdi = rpc->rpc_cookie2;
	rpc->rpc_cpt = false;
	if (hvio_backdoor(rpc->rpc_io, rpc->rpc_via, r) != 0) {
		vm_rpc_fail(rpc, "the backdoor %s faulted",
		    rpc->rpc_via == HVIO_BACKDOOR_PORT ? "IN" :
		    hvio_backdoor_via_name[rpc->rpc_via]);
		return EIO;
	}
	rpc->rpc_status = (uint16_t)((uint32_t)r->vr_rcx >>
	    VM_RPC_STATUS_SHIFT);
	return 0;
}

/*
 * The verdict on a status: 0, or EIO with the step and the bits in
 * rpc_err (and rpc_cpt set if a checkpoint asks for the message
 * again).
 */
static int
vm_rpc_check(struct vm_rpc *rpc, const char *step, uint32_t at,
    uint16_t status)
{
	char bits[64], where[24] = "";

	rpc->rpc_status = status;
	if ((status & VM_RPC_STATUS_SUCCESS) != 0 &&
	    (status & VM_RPC_STATUS_ERRORS) == 0)
		return 0;
	if ((status & VM_RPC_STATUS_SUCCESS) == 0 &&
	    (status & VM_RPC_STATUS_CPT) != 0)
		rpc->rpc_cpt = true;
	if (at != UINT32_MAX)
		snprintf(where, sizeof(where), " at byte %u", at);
	vm_rpc_fail(rpc, "%s%s: status 0x%04x (%s%s)", step, where, status,
	    (status & VM_RPC_STATUS_SUCCESS) == 0 ? "no SUCCESS: " : "",
	    vm_rpc_status_str(status, bits, sizeof(bits)));
	return EIO;
}

static int
vm_rpc_call(struct vm_rpc *rpc, int sub, uint32_t ebx, struct vm_regs *r,
    const char *step, uint32_t at)
{
	if (vm_rpc_cmd(rpc, sub, ebx, r) != 0)
		return EIO;
	return vm_rpc_check(rpc, step, at, rpc->rpc_status);
}

/* Forget the channel: ids and cookies 0 mean "closed" (as OpenBSD). */
static void
vm_rpc_forget(struct vm_rpc *rpc)
{
	rpc->rpc_channel = 0;
	rpc->rpc_cookie1 = rpc->rpc_cookie2 = 0;
	rpc->rpc_open = false;
	rpc->rpc_recv_hb = false;
}

/*
 * OPEN: EBX = the protocol with the cookie flag.  Back come the status,
 * the channel in EDX 31:16 and the cookies in ESI and EDI.  QEMU's
 * vmport leaves ECX alone (no status) and sets EAX to all ones.
 */
int
vm_rpc_open(struct vm_rpc *rpc, uint32_t proto)
{
	struct vm_regs r;
	int try, error;

	vm_rpc_forget(rpc);
	rpc->rpc_err[0] = '\0';
	rpc->rpc_ncpt = 0;
	for (try = 0; try <= VM_RPC_CPT_RETRIES; try++) {
		if (vm_rpc_cmd(rpc, VM_RPC_OPEN, proto | VM_RPC_FLAG_COOKIE,
		    &r) != 0)
			return ENXIO;
		if ((uint32_t)r.vr_rax == VM_UNSUPPORTED &&
		    (rpc->rpc_status & VM_RPC_STATUS_SUCCESS) == 0) {
			vm_rpc_fail(rpc, "OPEN: command 30 not implemented "
			    "(EAX 0x%08x)", (uint32_t)r.vr_rax);
			return ENXIO;
		}
		error = vm_rpc_check(rpc, "OPEN", UINT32_MAX, rpc->rpc_status);
		if (error == 0 || !rpc->rpc_cpt)
			break;
		rpc->rpc_ncpt++;
	}
	if (error != 0)
		return EIO;
	rpc->rpc_channel = (uint16_t)((uint32_t)r.vr_rdx >>
	    VM_RPC_CHANNEL_SHIFT);
	if (rpc->rpc_channel >= VM_RPC_MAX_CHANNEL) {
		vm_rpc_fail(rpc, "OPEN: channel %u out of range",
		    rpc->rpc_channel);
		vm_rpc_forget(rpc);
		return EIO;
	}
	rpc->rpc_cookie1 = (uint32_t)r.vr_rsi;
	rpc->rpc_cookie2 = (uint32_t)r.vr_rdi;
	rpc->rpc_open = true;
	return 0;
}

/* CLOSE: only SUCCESS is asked for (CLOSED is the point of it). */
int
vm_rpc_close(struct vm_rpc *rpc)
{
	struct vm_regs r;
	int error = 0;

	if (!rpc->rpc_open)
		return 0;
	if (vm_rpc_cmd(rpc, VM_RPC_CLOSE, 0, &r) != 0)
		error = EIO;
	else if ((rpc->rpc_status & VM_RPC_STATUS_SUCCESS) == 0)
		error = vm_rpc_check(rpc, "CLOSE", UINT32_MAX,
		    rpc->rpc_status);
	vm_rpc_forget(rpc);
	return error;
}

/*
 * The whole payload in one string instruction on the high-bandwidth
 * port (docs/reference/vmware.md "High-bandwidth transfer"), or one
 * VMCALL/VMMCALL with the HB flag.  Sending is REP OUTSB from ESI, with
 * the cookies in EBP (high) and EDI (low); receiving is REP INSB into
 * EDI, with the cookies in ESI (high) and EBP (low).
 */
static int
vm_rpc_hb(struct vm_rpc *rpc, void *buf, uint32_t len, bool out)
{
	struct vm_regs r;

	memset(&r, 0, sizeof(r));
	r.vr_rax = VM_MAGIC;
	r.vr_rbx = VM_HB_ENH_DATA;
	r.vr_rcx = len;
	r.vr_rdx = (uint32_t)rpc->rpc_channel << VM_RPC_CHANNEL_SHIFT |
	    VM_PORT_RPC;
	if (out) {
		r.vr_rsi = (uintptr_t)buf;
		r.vr_rdi = rpc->rpc_cookie2;
		r.vr_rbp = rpc->rpc_cookie1;
	} else {
		r.vr_rsi = rpc->rpc_cookie1;
		r.vr_rdi = (uintptr_t)buf;
		r.vr_rbp = rpc->rpc_cookie2;
	}
	rpc->rpc_cpt = false;
	if (hvio_backdoor_hb(rpc->rpc_io, rpc->rpc_via, &r, out) != 0) {
		if (rpc->rpc_via == HVIO_BACKDOOR_PORT)
			vm_rpc_fail(rpc, out ? "REP OUTSB faulted" :
			    "REP INSB faulted");
		else
			vm_rpc_fail(rpc, "%s (HB %s) faulted",
			    hvio_backdoor_via_name[rpc->rpc_via],
			    out ? "send" : "receive");
		return EIO;
	}
	return vm_rpc_check(rpc, out ? "HB send" : "HB receive", UINT32_MAX,
	    (uint16_t)((uint32_t)r.vr_rbx >> VM_RPC_STATUS_SHIFT));
}

/*
 * Four bytes per SENDPAYLOAD, little-endian; the last word is padded
 * with zeros, never read past the end of buf.
 */
static int
vm_rpc_send_lb(struct vm_rpc *rpc, const uint8_t *buf, uint32_t len)
{
	struct vm_regs r;
	uint32_t off, w, i;

	for (off = 0; off < len; off += 4) {
		for (w = 0, i = 0; i < 4 && off + i < len; i++)
			w |= (uint32_t)buf[off + i] << (8 * i);
		if (vm_rpc_call(rpc, VM_RPC_SENDPAYLOAD, w, &r, "SENDPAYLOAD",
		    off) != 0)
			return EIO;
	}
	return 0;
}

static int
vm_rpc_send_once(struct vm_rpc *rpc, const uint8_t *buf, uint32_t len)
{
	struct vm_regs r;

	if (vm_rpc_call(rpc, VM_RPC_SENDSIZE, len, &r, "SENDSIZE",
	    UINT32_MAX) != 0)
		return EIO;
	if (len == 0)
		return 0;
	if ((rpc->rpc_status & VM_RPC_STATUS_HB) != 0)
		return vm_rpc_hb(rpc, (void *)(uintptr_t)buf, len, true);
	return vm_rpc_send_lb(rpc, buf, len);
}

int
vm_rpc_send(struct vm_rpc *rpc, const void *buf, uint32_t len)
{
	int try, error;

	if (!rpc->rpc_open) {
		vm_rpc_fail(rpc, "send: channel not open");
		return EIO;
	}
	if (len >= VM_RPC_BUFLEN) {
		vm_rpc_fail(rpc, "send: %u bytes, over our %d-byte limit",
		    len, VM_RPC_BUFLEN - 1);
		return ERANGE;
	}
	for (try = 0;; try++) {
		error = vm_rpc_send_once(rpc, buf, len);
		if (error == 0 || !rpc->rpc_cpt || try == VM_RPC_CPT_RETRIES)
			return error;
		rpc->rpc_ncpt++;
	}
}

int
vm_rpc_send_str(struct vm_rpc *rpc, const char *s)
{
	return vm_rpc_send(rpc, s, (uint32_t)strnlen(s, VM_RPC_BUFLEN));
}

/*
 * RECVSIZE: DORECV says a message waits; then EBX is its length and
 * EDX 31:16 must say SENDSIZE (message.c calls anything else a protocol
 * error).  *dataid = that type, or 0 when nothing waits.
 */
int
vm_rpc_get_length(struct vm_rpc *rpc, uint32_t *len, uint16_t *dataid)
{
	struct vm_regs r;
	uint16_t type;

	*len = 0;
	*dataid = 0;
	if (!rpc->rpc_open) {
		vm_rpc_fail(rpc, "receive: channel not open");
		return EIO;
	}
	if (vm_rpc_call(rpc, VM_RPC_RECVSIZE, 0, &r, "RECVSIZE",
	    UINT32_MAX) != 0)
		return EIO;
	if ((rpc->rpc_status & VM_RPC_STATUS_DORECV) == 0)
		return 0;
	type = (uint16_t)((uint32_t)r.vr_rdx >> VM_RPC_CHANNEL_SHIFT);
	if (type != VM_RPC_TYPE_SENDSIZE) {
		vm_rpc_fail(rpc, "RECVSIZE: message type %u, not SENDSIZE",
		    type);
		return EIO;
	}
	rpc->rpc_recv_hb = (rpc->rpc_status & VM_RPC_STATUS_HB) != 0;
	*len = (uint32_t)r.vr_rbx;
	*dataid = type;
	if (*len >= VM_RPC_BUFLEN) {
		vm_rpc_fail(rpc, "RECVSIZE: a %u-byte message, over our "
		    "%d-byte limit", *len, VM_RPC_BUFLEN - 1);
		return ERANGE;
	}
	return 0;
}

/*
 * RECVPAYLOAD, EBX = SUCCESS (the previous piece arrived): four bytes
 * come back in EBX, EDX 31:16 = SENDPAYLOAD.  Only len bytes are kept.
 */
static int
vm_rpc_get_lb(struct vm_rpc *rpc, char *buf, uint32_t len)
{
	struct vm_regs r;
	uint32_t off, i;
	uint16_t type;

	for (off = 0; off < len; off += 4) {
		if (vm_rpc_call(rpc, VM_RPC_RECVPAYLOAD, VM_RPC_STATUS_SUCCESS,
		    &r, "RECVPAYLOAD", off) != 0)
			return EIO;
		type = (uint16_t)((uint32_t)r.vr_rdx >> VM_RPC_CHANNEL_SHIFT);
		if (type != VM_RPC_TYPE_SENDPAYLOAD) {
			vm_rpc_fail(rpc, "RECVPAYLOAD at byte %u: message "
			    "type %u, not SENDPAYLOAD", off, type);
			return EIO;
		}
		for (i = 0; i < 4 && off + i < len; i++)
			buf[off + i] = (char)((uint32_t)r.vr_rbx >> (8 * i));
	}
	return 0;
}

int
vm_rpc_get_data(struct vm_rpc *rpc, char *buf, uint32_t len)
{
	int error;

	if (len >= VM_RPC_BUFLEN) {
		vm_rpc_fail(rpc, "receive: %u bytes, over our %d-byte limit",
		    len, VM_RPC_BUFLEN - 1);
		return ERANGE;
	}
	error = len == 0 ? 0 : rpc->rpc_recv_hb ?
	    vm_rpc_hb(rpc, buf, len, false) :
	    vm_rpc_get_lb(rpc, buf, len);
	buf[error == 0 ? len : 0] = '\0';
	return error;
}

int
vm_rpc_get_status(struct vm_rpc *rpc, bool ok)
{
	struct vm_regs r;

	return vm_rpc_call(rpc, VM_RPC_RECVSTATUS,
	    ok ? VM_RPC_STATUS_SUCCESS : 0, &r, "RECVSTATUS", UINT32_MAX);
}

static int
vm_rpc_recv_once(struct vm_rpc *rpc, char *buf, size_t buflen,
    uint32_t *len)
{
	uint16_t dataid;
	uint32_t n;
	int error;

	if ((error = vm_rpc_get_length(rpc, &n, &dataid)) != 0)
		return error;
	if (dataid == 0)
		return 0;
	if (n >= buflen) {
		vm_rpc_fail(rpc, "RECVSIZE: a %u-byte message, over the "
		    "%zu-byte buffer", n, buflen - 1);
		return ERANGE;
	}
	if ((error = vm_rpc_get_data(rpc, buf, n)) != 0 ||
	    (error = vm_rpc_get_status(rpc, true)) != 0)
		return error;
	*len = n;
	return 0;
}

int
vm_rpc_recv(struct vm_rpc *rpc, char *buf, size_t buflen, uint32_t *len)
{
	int try, error;

	for (try = 0;; try++) {
		*len = 0;
		buf[0] = '\0';
		error = vm_rpc_recv_once(rpc, buf, buflen, len);
		if (error == 0 || !rpc->rpc_cpt || try == VM_RPC_CPT_RETRIES)
			return error;
		rpc->rpc_ncpt++;
	}
}

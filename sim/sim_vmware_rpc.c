/*
 * The simulated VMware host's RPC message channel
 * (docs/reference/vmware.md "High-bandwidth transfer", "RPC channel";
 * open-vm-tools guest_msg_def.h, message.c; OpenBSD vmt.c as the guest
 * it must serve): channels, cookies, the status bits, the 4-byte calls
 * of command 30 on port 0x5658 and the HB transfers on 0x5659, the size
 * limits, and the faults injected at this level.  What travels over it,
 * the RPCI answers and the TCLO script, is sim_vmware_host.c; the
 * backdoor, sim_vmware.c; the record, sim_vmware_record.c.
 *
 * The RPC channel (vmware.md "RPC channel"): up to SIM_VMW_NCHAN
 * channels (VMware allows 128), ids from 0, a pair of cookies each when
 * the guest asks for them (the COOKIE flag on OPEN).  Every call after
 * OPEN names its channel in EDX 31:16 and its cookies (ESI high and EDI
 * low on port 0x5658; on 0x5659 EBP high and EDI low out, ESI high and
 * EBP low in); a closed channel answers CLOSED, a wrong cookie a status
 * of 0.  Replies put the status in ECX 31:16 with ECX 15:0 zero, OPEN
 * the id in EDX 31:16 with EDX 15:0 zero, as OpenBSD's vmt demands, and
 * the statuses are the ones iPXE (src/include/ipxe/guestrpc.h)
 * requires, exactly, of a real VMware host: 0x0001 for OPEN,
 * SENDPAYLOAD, RECVPAYLOAD, RECVSTATUS and CLOSE, 0x0081 (SUCCESS|HB)
 * for SENDSIZE, 0x0083 (SUCCESS|DORECV|HB) for a RECVSIZE with a
 * message waiting.  Both paths work: the 4-byte calls, and HB on port
 * 0x5659.  A message to the host may be up to 64 KiB
 * (VM_RPC_MAX_IN_SIZE); the host keeps its first SIM_VMW_KEEP bytes,
 * which is all any command it knows needs.  The model never
 * checkpoints, powers off or times out, so CPT, POWEROFF and TIMEOUT
 * never appear.  The numbers are spec/vmtreg.h's, the header the guest
 * uses too: one protocol, one copy of it.  The unit test
 * (tests/unit/test_sim_vmware.c) spells them out again from
 * docs/reference/vmware.md, so a wrong one cannot hide behind the
 * sharing.
 */

#include "kern.h"
#include "simvar.h"
#include "sim_vmwarevar.h"
#include "vmtreg.h"
#include "vmwarereg.h"

/* ------------------------------------------------------------------ */
/* The channel: open, send, receive, close (vmware.md "RPC channel"). */

static uint32_t
sim_vmw_cookie(struct sim_vmware *sv)
{
	uint32_t x = sv->sv_rand;

	do {				/* xorshift32 */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	} while (x == 0);
	return sv->sv_rand = x;
}

static void
sim_vmw_status(struct vm_regs *r, uint32_t status)
{
	r->vr_rcx = status << VM_RPC_STATUS_SHIFT;
}

static void
sim_vmw_open(struct sim_vmware *sv, struct vm_regs *r)
{
	uint32_t ebx = (uint32_t)r->vr_rbx;
	uint32_t proto = ebx & ~VM_RPC_FLAG_COOKIE;
	struct sim_vmw_chan *ch;
	int id;

	sim_vmw_status(r, 0);
	if (proto != VM_RPC_PROTO_RPCI && proto != VM_RPC_PROTO_TCLO)
		return;
	if (sim_vmw_take(sv, SIM_FAULT_RPC_OPEN_REFUSED)) {
		sim_vmw_note(sv, EV_FAULT, "rpc-open-refused: OPEN %s refused",
		    proto == VM_RPC_PROTO_TCLO ? "TCLO" : "RPCI");
		return;
	}
	for (id = 0; id < SIM_VMW_NCHAN && sv->sv_chan[id].ch_open; id++)
		;
	if (id == SIM_VMW_NCHAN) {
		sim_vmw_note(sv, EV_NOTE, "OPEN refused: all %d channels are "
		    "open", SIM_VMW_NCHAN);
		return;
	}
	ch = &sv->sv_chan[id];
	memset(ch, 0, sizeof(*ch));
	ch->ch_open = true;
	ch->ch_tclo = proto == VM_RPC_PROTO_TCLO;
	if (ebx & VM_RPC_FLAG_COOKIE) {
		ch->ch_cookie_hi = sim_vmw_cookie(sv);
		ch->ch_cookie_lo = sim_vmw_cookie(sv);
	}
	if (ch->ch_tclo) {
		sim_vmw_tclo_give_up(sv);
		sv->sv_tclo_chan = id;
	}
	sim_vmw_status(r, VM_RPC_STATUS_SUCCESS);
	r->vr_rdx = (uint32_t)id << VM_RPC_CHANNEL_SHIFT;
	r->vr_rsi = ch->ch_cookie_hi;
	r->vr_rdi = ch->ch_cookie_lo;
}

/*
 * The channel a call names (EDX 31:16) if its cookies match, else NULL
 * with the status to answer: CLOSED for no such channel, 0 for a
 * cookie that is not its own.
 */
static struct sim_vmw_chan *
sim_vmw_chan(struct sim_vmware *sv, const struct vm_regs *r, uint32_t hi,
    uint32_t lo, uint32_t *status)
{
	uint32_t id = (uint32_t)r->vr_rdx >> VM_RPC_CHANNEL_SHIFT;
	struct sim_vmw_chan *ch;

	*status = VM_RPC_STATUS_CLOSED;
	if (id >= SIM_VMW_NCHAN || !sv->sv_chan[id].ch_open)
		return NULL;
	ch = &sv->sv_chan[id];
	*status = 0;
	if (ch->ch_cookie_hi != hi || ch->ch_cookie_lo != lo)
		return NULL;
	return ch;
}

/* The message is complete: RPCI asks, TCLO answers. */
static void
sim_vmw_received(struct sim_vmware *sv, struct sim_vmw_chan *ch)
{
	ch->ch_sending = false;
	if (ch->ch_tclo)
		sim_vmw_tclo_reply(sv, ch);
	else
		sim_vmw_rpci(sv, ch);
}

/* rpc-send-fails: does [from, from + n) carry the byte that fails? */
static bool
sim_vmw_send_fails(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    uint32_t n)
{
	uint32_t from = ch->ch_in_got, at = sim.sm_failbyte;

	if (at < from || at - from >= n ||
	    !sim_vmw_take(sv, SIM_FAULT_RPC_SEND_FAILS))
		return false;
	ch->ch_sending = false;
	sim_vmw_note(sv, EV_FAULT, "rpc-send-fails: a %u-byte %s message "
	    "failed at byte %u; the host dropped it", ch->ch_in_len,
	    ch->ch_tclo ? "TCLO" : "RPCI", at);
	return true;
}

/* n bytes of the guest's message arrive; the host keeps the first ones. */
static void
sim_vmw_take_bytes(struct sim_vmw_chan *ch, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++, ch->ch_in_got++)
		if (ch->ch_in_got < SIM_VMW_KEEP)
			ch->ch_in[ch->ch_in_got] = (char)p[i];
}

static uint32_t
sim_vmw_sendsize(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    uint32_t len)
{
	ch->ch_sending = false;
	if (len > VM_RPC_MAX_IN_SIZE) {
		sim_vmw_note(sv, EV_NOTE, "SENDSIZE %u refused: over the "
		    "host's %u bytes", len, VM_RPC_MAX_IN_SIZE);
		return 0;
	}
	ch->ch_in_len = len;
	ch->ch_in_got = 0;
	ch->ch_sending = true;
	if (len == 0)
		sim_vmw_received(sv, ch);
	return VM_RPC_STATUS_SUCCESS | VM_RPC_STATUS_HB;
}

/* SENDPAYLOAD: the next 4 bytes in EBX, the last ones padded. */
static uint32_t
sim_vmw_sendpayload(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    uint32_t ebx)
{
	uint8_t b[4] = { ebx, ebx >> 8, ebx >> 16, ebx >> 24 };
	uint32_t n;

	if (!ch->ch_sending)
		return 0;
	n = ch->ch_in_len - ch->ch_in_got < 4 ? ch->ch_in_len -
	    ch->ch_in_got : 4;
	if (sim_vmw_send_fails(sv, ch, n))
		return 0;
	sim_vmw_take_bytes(ch, b, n);
	if (ch->ch_in_got == ch->ch_in_len)
		sim_vmw_received(sv, ch);
	return VM_RPC_STATUS_SUCCESS;
}

/* RECVSIZE: DORECV and the length if a message waits. */
static uint32_t
sim_vmw_recvsize(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    struct vm_regs *r)
{
	uint32_t status = VM_RPC_STATUS_SUCCESS | VM_RPC_STATUS_HB;

	if (ch->ch_tclo)
		sim_vmw_tclo_poll(sv, ch);
	r->vr_rbx = 0;
	if (!ch->ch_out_ready)
		return status;
	r->vr_rbx = ch->ch_out_len;
	r->vr_rdx = (uint32_t)VM_RPC_TYPE_SENDSIZE << VM_RPC_CHANNEL_SHIFT;
	ch->ch_out_pos = 0;
	if (!ch->ch_tclo && sim_vmw_take(sv, SIM_FAULT_RPC_NO_SUCCESS)) {
		sim_vmw_note(sv, EV_FAULT, "rpc-no-success: RECVSIZE for rpci "
		    "%d answered DORECV|HB without SUCCESS", sv->sv_nrpci);
		ch->ch_out_sized = false;
		return VM_RPC_STATUS_DORECV | VM_RPC_STATUS_HB;
	}
	ch->ch_out_sized = true;
	return status | VM_RPC_STATUS_DORECV;
}

/* RECVPAYLOAD: the next 4 bytes in EBX, zeros past the end. */
static uint32_t
sim_vmw_recvpayload(struct sim_vmw_chan *ch, struct vm_regs *r)
{
	uint32_t i, w = 0;

	if (!ch->ch_out_sized || ch->ch_out_pos >= ch->ch_out_len)
		return 0;
	for (i = 0; i < 4; i++)
		w |= (uint32_t)sim_vmw_out_byte(ch, ch->ch_out_pos + i) <<
		    8 * i;
	ch->ch_out_pos += ch->ch_out_len - ch->ch_out_pos < 4 ?
	    ch->ch_out_len - ch->ch_out_pos : 4;
	r->vr_rbx = w;
	r->vr_rdx = (uint32_t)VM_RPC_TYPE_SENDPAYLOAD <<
	    VM_RPC_CHANNEL_SHIFT;
	return VM_RPC_STATUS_SUCCESS;
}

/* RECVSTATUS: EBX 1 the guest took the message, 0 it refused it. */
static uint32_t
sim_vmw_recvstatus(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    uint32_t ebx)
{
	bool ok = (ebx & VM_RPC_STATUS_SUCCESS) != 0;
	int e = ch->ch_event;

	if (!ch->ch_out_sized)
		return 0;
	ch->ch_out_ready = ch->ch_out_sized = false;
	if (ch->ch_tclo)
		sim_vmw_tclo_ack(sv, ok);
	else if (e >= 0)
		sv->sv_events[e].ev_state = ok ? ST_DONE : ST_REJECTED;
	return VM_RPC_STATUS_SUCCESS;
}

static void
sim_vmw_close(struct sim_vmware *sv, struct sim_vmw_chan *ch)
{
	if (ch - sv->sv_chan == sv->sv_tclo_chan) {
		sim_vmw_tclo_give_up(sv);
		sv->sv_tclo_chan = -1;
	}
	memset(ch, 0, sizeof(*ch));
}

/*
 * rpc-wrong-cookie: when the guest polls the TCLO channel after it has
 * answered a command, the channel goes stale, as after the VM was
 * restored elsewhere: the host gives it new cookies, so the guest's no
 * longer match, and only a new channel gets it talking again.
 */
static void
sim_vmw_stale(struct sim_vmware *sv, int id)
{
	struct sim_vmw_chan *ch = &sv->sv_chan[id];

	if (id != sv->sv_tclo_chan || sv->sv_nanswered == 0 ||
	    !sim_vmw_take(sv, SIM_FAULT_RPC_WRONG_COOKIE))
		return;
	ch->ch_cookie_hi = ~ch->ch_cookie_hi;
	ch->ch_cookie_lo = ~ch->ch_cookie_lo;
	sim_vmw_note(sv, EV_FAULT, "rpc-wrong-cookie: TCLO channel %d has "
	    "new cookies; the guest's are stale", id);
}

/* Command 30: the sub-command in ECX 31:16. */
void
sim_vmw_rpc(struct sim_vmware *sv, struct vm_regs *r)
{
	uint32_t sub = (uint32_t)r->vr_rcx >> VM_RPC_SUB_SHIFT, status;
	struct sim_vmw_chan *ch;

	if (sub == VM_RPC_OPEN) {
		sim_vmw_open(sv, r);
		return;
	}
	if (sub == VM_RPC_RECVSIZE && sv->sv_tclo_chan >= 0 &&
	    (uint32_t)r->vr_rdx >> VM_RPC_CHANNEL_SHIFT ==
	    (uint32_t)sv->sv_tclo_chan)
		sim_vmw_stale(sv, sv->sv_tclo_chan);
	if ((ch = sim_vmw_chan(sv, r, (uint32_t)r->vr_rsi,
	    (uint32_t)r->vr_rdi, &status)) == NULL) {
		sim_vmw_status(r, status);
		return;
	}
	switch (sub) {
	case VM_RPC_SENDSIZE:
		status = sim_vmw_sendsize(sv, ch, (uint32_t)r->vr_rbx);
		break;
	case VM_RPC_SENDPAYLOAD:
		status = sim_vmw_sendpayload(sv, ch, (uint32_t)r->vr_rbx);
		break;
	case VM_RPC_RECVSIZE:
		status = sim_vmw_recvsize(sv, ch, r);
		break;
	case VM_RPC_RECVPAYLOAD:
		status = sim_vmw_recvpayload(ch, r);
		break;
	case VM_RPC_RECVSTATUS:
		status = sim_vmw_recvstatus(sv, ch, (uint32_t)r->vr_rbx);
		break;
	case VM_RPC_CLOSE:
		sim_vmw_close(sv, ch);
		status = VM_RPC_STATUS_SUCCESS;
		break;
	default:
		status = 0;
		break;
	}
	sim_vmw_status(r, status);
}

/* ------------------------------------------------------------------ */
/* HB: the high-bandwidth port, 0x5659 (vmware.md "High-bandwidth transfer"). */

/* REP OUTSB from ESI: the payload of the message SENDSIZE announced. */
static uint32_t
sim_vmw_hb_out(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    struct vm_regs *r, uint32_t n)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)r->vr_rsi;
	uint32_t upto;

	if (!ch->ch_sending || n > ch->ch_in_len - ch->ch_in_got)
		return 0;
	upto = sim.sm_failbyte - ch->ch_in_got;
	if (sim_vmw_send_fails(sv, ch, n)) {
		sim_vmw_take_bytes(ch, p, upto);
		return 0;
	}
	sim_vmw_take_bytes(ch, p, n);
	if (ch->ch_in_got == ch->ch_in_len)
		sim_vmw_received(sv, ch);
	return VM_RPC_STATUS_SUCCESS;
}

/* REP INSB to EDI: bytes of the message RECVSIZE announced. */
static uint32_t
sim_vmw_hb_in(struct sim_vmw_chan *ch, struct vm_regs *r, uint32_t n)
{
	uint8_t *p = (uint8_t *)(uintptr_t)r->vr_rdi;
	uint32_t i;

	if (!ch->ch_out_sized || n > ch->ch_out_len - ch->ch_out_pos)
		return 0;
	for (i = 0; i < n; i++)
		p[i] = sim_vmw_out_byte(ch, ch->ch_out_pos + i);
	ch->ch_out_pos += n;
	return VM_RPC_STATUS_SUCCESS;
}

/*
 * REP OUTSB (out) or REP INSB on port 0x5659 (vmware.md "High-bandwidth
 * transfer"): EBX 15:0 the HB command (0, a message), ECX bytes, the
 * channel in EDX 31:16; the status comes back in EBX 31:16.  The string
 * instruction completes whatever the status: RCX 0, RSI or RDI moved
 * on.
 */
void
sim_vmw_hb(struct sim_vmware *sv, struct vm_regs *r, bool out)
{
	struct sim_vmw_chan *ch;
	uint32_t n = (uint32_t)r->vr_rcx, status;
	bool cmd_ok = (r->vr_rbx & 0xffff) == VM_HB_CMD_MESSAGE &&
	    r->vr_rcx == n;

	ch = out ? sim_vmw_chan(sv, r, (uint32_t)r->vr_rbp,
	    (uint32_t)r->vr_rdi, &status) : sim_vmw_chan(sv, r,
	    (uint32_t)r->vr_rsi, (uint32_t)r->vr_rbp, &status);
	if (ch != NULL && !cmd_ok)
		status = 0;		/* another HB command, or 4 GiB */
	else if (ch != NULL)
		status = out ? sim_vmw_hb_out(sv, ch, r, n) :
		    sim_vmw_hb_in(ch, r, n);
	r->vr_rbx = status << VM_RPC_STATUS_SHIFT;
	if (out)
		r->vr_rsi += n;
	else
		r->vr_rdi += n;
	r->vr_rcx = 0;
}

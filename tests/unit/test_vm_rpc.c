/*
 * Unit tests of drivers/vmt/vm_rpc.c, the RPC message channel, against
 * a fake VMware host written here: it answers command 30 on port 0x5658
 * and REP OUTSB/INSB on 0x5659 as docs/reference/vmware.md
 * "High-bandwidth transfer" and vmware.md "RPC channel" say, checks the
 * channel and both cookies on every call, keeps the message the guest
 * sent byte by byte, and records every call so the tests can assert the
 * exact framing.  Faults are injected per call: "the Nth call answers
 * this status".
 */

#include "check.h"
#include "hvio.h"
#include "kern.h"
#include "vm_rpc.h"
#include "vmtreg.h"
#include "vmwarereg.h"

#define FAKE_CALLS_MAX	2048
#define FAKE_CHANNEL	3
#define FAKE_COOKIE1	0x11223344
#define FAKE_COOKIE2	0x55667788

/* One call as the host saw it. */
struct fake_call {
	int		fc_sub;		/* VM_RPC_*, or -1/-2: HB out/in */
	uint32_t	fc_ebx;
	uint32_t	fc_ecx;		/* HB: the byte count */
};

static struct fake_host {
	bool		fh_qemu;	/* no command 30: EAX all ones */
	bool		fh_hb;		/* offer the high-bandwidth port */
	bool		fh_open;
	uint32_t	fh_cookie1, fh_cookie2;	/* what the host expects */
	uint32_t	fh_in_size, fh_in_got;	/* the guest's message */
	uint8_t		fh_in[8192];
	uint32_t	fh_pad;		/* bytes past the end, OR-ed */
	bool		fh_out_ready;	/* a reply waits */
	uint32_t	fh_out_len;	/* what RECVSIZE says */
	uint32_t	fh_out_pos;
	char		fh_out[8192];
	uint16_t	fh_recv_type;	/* RECVSIZE's EDX 31:16 */
	int		fh_fail_call;	/* this call (1-based) ... */
	int		fh_fail_every;	/* ... or every one from it on */
	uint16_t	fh_fail_status;	/* ... answers this status */
	int		fh_ncalls;
	struct fake_call fh_calls[FAKE_CALLS_MAX];
	uint32_t	fh_ack;		/* RECVSTATUS's EBX */
	const char	*fh_reply;	/* RPCI reply to a complete message */
} fh;

static void
fake_reset(bool hb)
{
	memset(&fh, 0, sizeof(fh));
	fh.fh_hb = hb;
	fh.fh_recv_type = VM_RPC_TYPE_SENDSIZE;
	fh.fh_ack = 0xdead;
}

/* The host's answer to a message once it is complete. */
static void
fake_message_done(void)
{
	if (fh.fh_reply == NULL)
		return;
	fh.fh_out_len = (uint32_t)strlen(fh.fh_reply);
	memcpy(fh.fh_out, fh.fh_reply, fh.fh_out_len);
	fh.fh_out_pos = 0;
	fh.fh_out_ready = true;
}

static void
fake_record(int sub, uint32_t ebx, uint32_t ecx)
{
	if (fh.fh_ncalls < FAKE_CALLS_MAX) {
		fh.fh_calls[fh.fh_ncalls].fc_sub = sub;
		fh.fh_calls[fh.fh_ncalls].fc_ebx = ebx;
		fh.fh_calls[fh.fh_ncalls].fc_ecx = ecx;
	}
	fh.fh_ncalls++;
}

/* An injected status for this call, or -1. */
static int
fake_fault(void)
{
	if (fh.fh_fail_call != 0 && (fh.fh_ncalls == fh.fh_fail_call ||
	    (fh.fh_fail_every && fh.fh_ncalls >= fh.fh_fail_call)))
		return fh.fh_fail_status;
	return -1;
}

static bool
fake_cookies_ok(uint32_t c1, uint32_t c2, uint16_t channel)
{
	return fh.fh_open && channel == FAKE_CHANNEL &&
	    c1 == fh.fh_cookie1 && c2 == fh.fh_cookie2;
}

static uint16_t
fake_open(struct vm_regs *r)
{
	CHECK_EQ_HEX((uint32_t)r->vr_rbx & VM_RPC_FLAG_COOKIE,
	    VM_RPC_FLAG_COOKIE);
	fh.fh_open = true;
	fh.fh_cookie1 = FAKE_COOKIE1;
	fh.fh_cookie2 = FAKE_COOKIE2;
	r->vr_rdx = (uint32_t)FAKE_CHANNEL << 16;
	r->vr_rsi = FAKE_COOKIE1;
	r->vr_rdi = FAKE_COOKIE2;
	return VM_RPC_STATUS_SUCCESS;
}

static uint16_t
fake_sendpayload(uint32_t w)
{
	int i;

	for (i = 0; i < 4; i++, w >>= 8) {
		if (fh.fh_in_got < fh.fh_in_size)
			fh.fh_in[fh.fh_in_got++] = (uint8_t)w;
		else
			fh.fh_pad |= w & 0xff;
	}
	if (fh.fh_in_got == fh.fh_in_size)
		fake_message_done();
	return VM_RPC_STATUS_SUCCESS;
}

static uint16_t
fake_recvsize(struct vm_regs *r)
{
	if (!fh.fh_out_ready)
		return VM_RPC_STATUS_SUCCESS;
	fh.fh_out_pos = 0;		/* a receive starts (again) here */
	r->vr_rbx = fh.fh_out_len;
	r->vr_rdx = (uint32_t)fh.fh_recv_type << 16;
	return VM_RPC_STATUS_SUCCESS | VM_RPC_STATUS_DORECV |
	    (fh.fh_hb ? VM_RPC_STATUS_HB : 0);
}

/* Four more bytes of the reply; past its end, 'X' for ever. */
static uint16_t
fake_recvpayload(struct vm_regs *r)
{
	uint32_t w = 0;
	int i;

	CHECK_EQ_HEX((uint32_t)r->vr_rbx, VM_RPC_STATUS_SUCCESS);
	for (i = 0; i < 4; i++, fh.fh_out_pos++)
		w |= (uint32_t)(uint8_t)(fh.fh_out_pos < sizeof(fh.fh_out) ?
		    fh.fh_out[fh.fh_out_pos] : 'X') << (8 * i);
	r->vr_rbx = w;
	r->vr_rdx = (uint32_t)VM_RPC_TYPE_SENDPAYLOAD << 16;
	return VM_RPC_STATUS_SUCCESS;
}

static uint16_t
fake_rpc(struct vm_regs *r, int sub)
{
	if (sub == VM_RPC_OPEN)
		return fake_open(r);
	if (!fake_cookies_ok((uint32_t)r->vr_rsi, (uint32_t)r->vr_rdi,
	    (uint16_t)((uint32_t)r->vr_rdx >> 16)))
		return 0;		/* VMware: no SUCCESS */
	switch (sub) {
	case VM_RPC_SENDSIZE:
		fh.fh_in_size = (uint32_t)r->vr_rbx;
		fh.fh_in_got = 0;
		if (fh.fh_in_size == 0)
			fake_message_done();
		return VM_RPC_STATUS_SUCCESS |
		    (fh.fh_hb ? VM_RPC_STATUS_HB : 0);
	case VM_RPC_SENDPAYLOAD:
		return fake_sendpayload((uint32_t)r->vr_rbx);
	case VM_RPC_RECVSIZE:
		return fake_recvsize(r);
	case VM_RPC_RECVPAYLOAD:
		return fake_recvpayload(r);
	case VM_RPC_RECVSTATUS:
		fh.fh_ack = (uint32_t)r->vr_rbx;
		fh.fh_out_ready = false;
		return VM_RPC_STATUS_SUCCESS;
	case VM_RPC_CLOSE:
		fh.fh_open = false;
		return VM_RPC_STATUS_SUCCESS;
	}
	return 0;
}

static int
fake_backdoor(struct vm_regs *r)
{
	int sub = (int)((uint32_t)r->vr_rcx >> 16), fault;
	uint16_t status;

	CHECK_EQ_HEX((uint32_t)r->vr_rax, VM_MAGIC);
	CHECK_EQ_HEX((uint16_t)r->vr_rdx, VM_PORT_CMD);
	CHECK_EQ_HEX((uint16_t)r->vr_rcx, VM_CMD_RPC);
	fake_record(sub, (uint32_t)r->vr_rbx, 0);
	if (fh.fh_qemu) {
		r->vr_rax = VM_UNSUPPORTED;	/* ECX left alone */
		return 0;
	}
	status = fake_rpc(r, sub);
	if ((fault = fake_fault()) != -1)
		status = (uint16_t)fault;
	r->vr_rcx = (uint32_t)status << 16;
	return 0;
}

/* REP OUTSB (out) or INSB: the cookies move to EBP and EDI or ESI. */
static int
fake_backdoor_hb(struct vm_regs *r, bool out)
{
	uint32_t n = (uint32_t)r->vr_rcx, c1, c2;
	uint16_t status = VM_RPC_STATUS_SUCCESS;
	int fault;

	CHECK_EQ_HEX((uint32_t)r->vr_rax, VM_MAGIC);
	CHECK_EQ_HEX((uint16_t)r->vr_rdx, VM_PORT_RPC);
	CHECK_EQ_HEX((uint32_t)r->vr_rbx, VM_HB_ENH_DATA);
	fake_record(out ? -1 : -2, (uint32_t)r->vr_rbx, n);
	c1 = (uint32_t)(out ? r->vr_rbp : r->vr_rsi);
	c2 = (uint32_t)(out ? r->vr_rdi : r->vr_rbp);
	if (!fh.fh_hb || !fake_cookies_ok(c1, c2,
	    (uint16_t)((uint32_t)r->vr_rdx >> 16)))
		status = 0;
	else if (out) {
		CHECK(n == fh.fh_in_size && n <= sizeof(fh.fh_in));
		memcpy(fh.fh_in, (const void *)(uintptr_t)r->vr_rsi, n);
		fh.fh_in_got = n;
		fake_message_done();
	} else {
		CHECK(n == fh.fh_out_len && n <= sizeof(fh.fh_out));
		memcpy((void *)(uintptr_t)r->vr_rdi, fh.fh_out, n);
	}
	if ((fault = fake_fault()) != -1)
		status = (uint16_t)fault;
	r->vr_rbx = (uint32_t)status << 16;
	return 0;
}

static const struct hvio fake_io = {
	.io_name = "fake",
	.io_backdoor = fake_backdoor,
	.io_backdoor_hb = fake_backdoor_hb,
};

static int
count_sub(int sub)
{
	int i, n = 0;

	for (i = 0; i < fh.fh_ncalls && i < FAKE_CALLS_MAX; i++)
		n += fh.fh_calls[i].fc_sub == sub;
	return n;
}

/* An open channel on the fake host, HB offered or not. */
static void
setup(struct vm_rpc *rpc, bool hb)
{
	fake_reset(hb);
	memset(rpc, 0, sizeof(*rpc));
	rpc->rpc_io = &fake_io;
	CHECK_EQ_INT(vm_rpc_open(rpc, VM_RPC_PROTO_TCLO), 0);
	fh.fh_ncalls = 0;
}

static void
test_open_gets_channel_and_cookies(void)
{
	struct vm_rpc rpc = { .rpc_io = &fake_io };

	fake_reset(false);
	CHECK_EQ_INT(vm_rpc_open(&rpc, VM_RPC_PROTO_RPCI), 0);
	CHECK_EQ_INT(fh.fh_ncalls, 1);
	CHECK_EQ_HEX(fh.fh_calls[0].fc_ebx, 0xc9435052); /* RPCI|COOKIE */
	CHECK(rpc.rpc_open);
	CHECK_EQ_INT(rpc.rpc_channel, FAKE_CHANNEL);
	CHECK_EQ_HEX(rpc.rpc_cookie1, FAKE_COOKIE1);
	CHECK_EQ_HEX(rpc.rpc_cookie2, FAKE_COOKIE2);
}

static void
test_open_without_command_30_is_enxio(void)
{
	struct vm_rpc rpc = { .rpc_io = &fake_io };

	fake_reset(false);
	fh.fh_qemu = true;
	CHECK_EQ_INT(vm_rpc_open(&rpc, VM_RPC_PROTO_RPCI), ENXIO);
	CHECK(!rpc.rpc_open);
	CHECK_CONTAINS(rpc.rpc_err, "command 30 not implemented");
	CHECK_EQ_INT(fh.fh_ncalls, 1);
}

static void
test_open_refused_is_eio(void)
{
	struct vm_rpc rpc = { .rpc_io = &fake_io };

	fake_reset(false);
	fh.fh_fail_call = 1;
	fh.fh_fail_status = 0;
	CHECK_EQ_INT(vm_rpc_open(&rpc, VM_RPC_PROTO_TCLO), EIO);
	CHECK(!rpc.rpc_open);
	CHECK_STR(rpc.rpc_err, "OPEN: status 0x0000 (no SUCCESS: none)");
}

/* "abcdefg": SENDSIZE 7, then 0x64636261 and 0x00676665. */
static void
test_send_four_bytes_at_a_time_zero_padded(void)
{
	struct vm_rpc rpc;
	char *msg = malloc(7);		/* ASan: not a byte more is read */

	setup(&rpc, false);
	memcpy(msg, "abcdefg", 7);
	CHECK_EQ_INT(vm_rpc_send(&rpc, msg, 7), 0);
	CHECK_EQ_INT(fh.fh_ncalls, 3);
	CHECK_EQ_INT(fh.fh_calls[0].fc_sub, VM_RPC_SENDSIZE);
	CHECK_EQ_INT(fh.fh_calls[0].fc_ebx, 7);
	CHECK_EQ_INT(fh.fh_calls[1].fc_sub, VM_RPC_SENDPAYLOAD);
	CHECK_EQ_HEX(fh.fh_calls[1].fc_ebx, 0x64636261);
	CHECK_EQ_HEX(fh.fh_calls[2].fc_ebx, 0x00676665);
	CHECK_EQ_INT(fh.fh_in_got, 7);
	CHECK(memcmp(fh.fh_in, "abcdefg", 7) == 0);
	CHECK_EQ_INT(fh.fh_pad, 0);
	free(msg);
}

static void
test_send_exact_multiple_of_four(void)
{
	struct vm_rpc rpc;

	setup(&rpc, false);
	CHECK_EQ_INT(vm_rpc_send_str(&rpc, "OK A"), 0);
	CHECK_EQ_INT(count_sub(VM_RPC_SENDPAYLOAD), 1);
	CHECK_EQ_HEX(fh.fh_calls[1].fc_ebx, 0x41204b4f);
}

static void
test_send_empty_is_sendsize_zero_alone(void)
{
	struct vm_rpc rpc;

	setup(&rpc, true);
	CHECK_EQ_INT(vm_rpc_send(&rpc, NULL, 0), 0);
	CHECK_EQ_INT(fh.fh_ncalls, 1);
	CHECK_EQ_INT(fh.fh_calls[0].fc_sub, VM_RPC_SENDSIZE);
	CHECK_EQ_INT(fh.fh_calls[0].fc_ebx, 0);
}

static void
test_send_high_bandwidth_when_offered(void)
{
	struct vm_rpc rpc;
	char msg[300];

	setup(&rpc, true);
	memset(msg, 'm', sizeof(msg));
	CHECK_EQ_INT(vm_rpc_send(&rpc, msg, sizeof(msg)), 0);
	CHECK_EQ_INT(fh.fh_ncalls, 2);
	CHECK_EQ_INT(fh.fh_calls[1].fc_sub, -1);
	CHECK_EQ_INT(fh.fh_calls[1].fc_ecx, sizeof(msg));
	CHECK_EQ_INT(count_sub(VM_RPC_SENDPAYLOAD), 0);
	CHECK(memcmp(fh.fh_in, msg, sizeof(msg)) == 0);
}

static void
test_send_over_our_limit_refused_unsent(void)
{
	static char big[VM_RPC_BUFLEN];
	struct vm_rpc rpc;

	setup(&rpc, false);
	CHECK_EQ_INT(vm_rpc_send(&rpc, big, sizeof(big)), ERANGE);
	CHECK_EQ_INT(fh.fh_ncalls, 0);
	CHECK_EQ_INT(vm_rpc_send(&rpc, big, sizeof(big) - 1), 0);
	CHECK_EQ_INT(count_sub(VM_RPC_SENDPAYLOAD), VM_RPC_BUFLEN / 4);
}

/* The fault at byte N: the third SENDPAYLOAD carries bytes 8-11. */
static void
test_send_failing_at_byte_n_names_it(void)
{
	struct vm_rpc rpc;

	setup(&rpc, false);
	fh.fh_fail_call = 4;
	fh.fh_fail_status = 0;
	CHECK_EQ_INT(vm_rpc_send_str(&rpc, "0123456789abcdef"), EIO);
	CHECK_EQ_INT(fh.fh_ncalls, 4);
	CHECK_STR(rpc.rpc_err,
	    "SENDPAYLOAD at byte 8: status 0x0000 (no SUCCESS: none)");
}

static void
test_every_error_bit_fails_even_with_success(void)
{
	static const uint16_t bits[] = { VM_RPC_STATUS_CLOSED,
	    VM_RPC_STATUS_UNSENT, VM_RPC_STATUS_POWEROFF,
	    VM_RPC_STATUS_TIMEOUT };
	struct vm_rpc rpc;
	size_t i;

	for (i = 0; i < nitems(bits); i++) {
		setup(&rpc, false);
		fh.fh_fail_call = 1;
		fh.fh_fail_status = VM_RPC_STATUS_SUCCESS | bits[i];
		CHECK_EQ_INT(vm_rpc_send_str(&rpc, "ping"), EIO);
		CHECK_EQ_INT(fh.fh_ncalls, 1);
		CHECK_CONTAINS(rpc.rpc_err, "SENDSIZE: status");
	}
	CHECK_STR(rpc.rpc_err, "SENDSIZE: status 0x0041 (SUCCESS|TIMEOUT)");
}

/* A checkpoint mid-message: the whole message again, from SENDSIZE. */
static void
test_checkpoint_resends_whole_message(void)
{
	struct vm_rpc rpc;

	setup(&rpc, false);
	fh.fh_fail_call = 3;
	fh.fh_fail_status = VM_RPC_STATUS_CPT;
	CHECK_EQ_INT(vm_rpc_send_str(&rpc, "abcdefgh"), 0);
	CHECK_EQ_INT(count_sub(VM_RPC_SENDSIZE), 2);
	CHECK_EQ_INT(fh.fh_ncalls, 6);
	CHECK_EQ_INT(rpc.rpc_ncpt, 1);
	CHECK_EQ_INT(fh.fh_in_got, 8);
	CHECK(memcmp(fh.fh_in, "abcdefgh", 8) == 0);
}

static void
test_checkpoint_for_ever_gives_up(void)
{
	struct vm_rpc rpc;

	setup(&rpc, true);
	fh.fh_fail_call = 1;
	fh.fh_fail_every = 1;
	fh.fh_fail_status = VM_RPC_STATUS_CPT;
	CHECK_EQ_INT(vm_rpc_send_str(&rpc, "ping"), EIO);
	CHECK_EQ_INT(fh.fh_ncalls, VM_RPC_CPT_RETRIES + 1);
	CHECK_CONTAINS(rpc.rpc_err, "CPT");
	fh.fh_ncalls = 0;
	fh.fh_fail_call = 1;
	CHECK_EQ_INT(vm_rpc_open(&rpc, VM_RPC_PROTO_RPCI), EIO);
	CHECK_EQ_INT(fh.fh_ncalls, VM_RPC_CPT_RETRIES + 1);
}

static void
test_checkpoint_mid_receive_restarts_from_recvsize(void)
{
	struct vm_rpc rpc;
	char buf[64];
	uint32_t n;

	setup(&rpc, false);
	fh.fh_reply = "1 twelve byte";
	fake_message_done();
	fh.fh_fail_call = 3;		/* RECVSIZE, RECVPAYLOAD, here */
	fh.fh_fail_status = VM_RPC_STATUS_CPT;
	CHECK_EQ_INT(vm_rpc_recv(&rpc, buf, sizeof(buf), &n), 0);
	CHECK_EQ_INT(n, 13);
	CHECK_STR(buf, "1 twelve byte");
	CHECK_EQ_INT(count_sub(VM_RPC_RECVSIZE), 2);
	CHECK_EQ_INT(count_sub(VM_RPC_RECVPAYLOAD), 2 + 4);
	CHECK_EQ_INT(count_sub(VM_RPC_RECVSTATUS), 1);
	CHECK_EQ_INT(rpc.rpc_ncpt, 1);
}

static void
test_wrong_cookie_is_refused(void)
{
	struct vm_rpc rpc;

	setup(&rpc, false);
	fh.fh_cookie2 ^= 1;		/* the host expects other cookies */
	CHECK_EQ_INT(vm_rpc_send_str(&rpc, "ping"), EIO);
	CHECK_STR(rpc.rpc_err, "SENDSIZE: status 0x0000 (no SUCCESS: none)");
	setup(&rpc, true);
	CHECK_EQ_INT(vm_rpc_send_str(&rpc, "x"), 0);	/* HB cookies right */
	fh.fh_cookie1 ^= 1;
	fh.fh_ncalls = 0;
	CHECK_EQ_INT(vm_rpc_send_str(&rpc, "x"), EIO);
}

static void
test_receive_four_bytes_at_a_time(void)
{
	struct vm_rpc rpc;
	char buf[16];
	uint32_t n;

	setup(&rpc, false);
	fh.fh_reply = "1 hello";
	fake_message_done();
	memset(buf, 'z', sizeof(buf));
	CHECK_EQ_INT(vm_rpc_recv(&rpc, buf, sizeof(buf), &n), 0);
	CHECK_EQ_INT(n, 7);
	CHECK_STR(buf, "1 hello");
	CHECK_EQ_INT(buf[8], 'z');	/* nothing written past len + NUL */
	CHECK_EQ_INT(count_sub(VM_RPC_RECVPAYLOAD), 2);
	CHECK_EQ_INT(fh.fh_calls[fh.fh_ncalls - 1].fc_sub,
	    VM_RPC_RECVSTATUS);
	CHECK_EQ_HEX(fh.fh_ack, VM_RPC_STATUS_SUCCESS);
}

static void
test_receive_high_bandwidth(void)
{
	struct vm_rpc rpc;
	char buf[64];
	uint32_t n;

	setup(&rpc, true);
	fh.fh_reply = "OS_Halt";
	fake_message_done();
	CHECK_EQ_INT(vm_rpc_recv(&rpc, buf, sizeof(buf), &n), 0);
	CHECK_EQ_INT(n, 7);
	CHECK_STR(buf, "OS_Halt");
	CHECK_EQ_INT(fh.fh_ncalls, 3);		/* RECVSIZE, INSB, STATUS */
	CHECK_EQ_INT(fh.fh_calls[1].fc_sub, -2);
}

static void
test_receive_nothing_waiting(void)
{
	struct vm_rpc rpc;
	char buf[8];
	uint32_t n = 99;

	setup(&rpc, false);
	CHECK_EQ_INT(vm_rpc_recv(&rpc, buf, sizeof(buf), &n), 0);
	CHECK_EQ_INT(n, 0);
	CHECK_STR(buf, "");
	CHECK_EQ_INT(fh.fh_ncalls, 1);
}

static void
test_receive_wrong_message_type_is_protocol_error(void)
{
	struct vm_rpc rpc;
	char buf[16];
	uint32_t n;

	setup(&rpc, false);
	fh.fh_reply = "ping";
	fake_message_done();
	fh.fh_recv_type = VM_RPC_TYPE_SENDPAYLOAD;
	CHECK_EQ_INT(vm_rpc_recv(&rpc, buf, sizeof(buf), &n), EIO);
	CHECK_CONTAINS(rpc.rpc_err, "not SENDSIZE");
}

/* Over the limit: refused at RECVSIZE, before a byte is read. */
static void
test_overlong_reply_refused_unread(void)
{
	static char buf[VM_RPC_BUFLEN];
	struct vm_rpc rpc;
	uint32_t n;

	setup(&rpc, false);
	fh.fh_reply = "1 ";
	fake_message_done();
	fh.fh_out_len = VM_RPC_BUFLEN;
	CHECK_EQ_INT(vm_rpc_recv(&rpc, buf, sizeof(buf), &n), ERANGE);
	CHECK_EQ_INT(fh.fh_ncalls, 1);
	CHECK_STR(rpc.rpc_err,
	    "RECVSIZE: a 4096-byte message, over our 4095-byte limit");
	setup(&rpc, false);
	fh.fh_reply = "1 0123456789";
	fake_message_done();
	CHECK_EQ_INT(vm_rpc_recv(&rpc, buf, 8, &n), ERANGE);
	CHECK_EQ_INT(count_sub(VM_RPC_RECVPAYLOAD), 0);
}

/*
 * A reply that never ends: RECVSIZE claims 4 GiB, or the payload goes
 * on past its length.  Neither is read further than the length allows.
 */
static void
test_endless_reply_is_cut_off(void)
{
	static char buf[VM_RPC_BUFLEN];
	struct vm_rpc rpc;
	uint32_t n;

	setup(&rpc, false);
	fake_message_done();
	fh.fh_out_ready = true;
	fh.fh_out_len = 0xffffffff;
	CHECK_EQ_INT(vm_rpc_recv(&rpc, buf, sizeof(buf), &n), ERANGE);
	CHECK_EQ_INT(fh.fh_ncalls, 1);
	setup(&rpc, false);
	fh.fh_out_ready = true;
	fh.fh_out_len = VM_RPC_BUFLEN - 1;	/* then 'X' for ever */
	CHECK_EQ_INT(vm_rpc_recv(&rpc, buf, sizeof(buf), &n), 0);
	CHECK_EQ_INT(n, VM_RPC_BUFLEN - 1);
	CHECK_EQ_INT(count_sub(VM_RPC_RECVPAYLOAD), VM_RPC_BUFLEN / 4);
	CHECK_EQ_INT(buf[VM_RPC_BUFLEN - 1], '\0');
}

static void
test_close_forgets_the_channel(void)
{
	struct vm_rpc rpc;

	setup(&rpc, false);
	CHECK_EQ_INT(vm_rpc_close(&rpc), 0);
	CHECK(!rpc.rpc_open && !fh.fh_open);
	CHECK_EQ_INT(rpc.rpc_channel, 0);
	CHECK_EQ_INT(rpc.rpc_cookie1 | rpc.rpc_cookie2, 0);
	CHECK_EQ_INT(fh.fh_calls[0].fc_sub, VM_RPC_CLOSE);
	CHECK_EQ_INT(vm_rpc_close(&rpc), 0);
	CHECK_EQ_INT(fh.fh_ncalls, 1);
	CHECK_EQ_INT(vm_rpc_send_str(&rpc, "x"), EIO);
	CHECK_EQ_INT(fh.fh_ncalls, 1);
	setup(&rpc, false);
	fh.fh_fail_call = 1;
	fh.fh_fail_status = 0;
	CHECK_EQ_INT(vm_rpc_close(&rpc), EIO);
	CHECK(!rpc.rpc_open);
}

static void
test_rpci_exchange_in_order(void)
{
	static const int order[] = { VM_RPC_OPEN, VM_RPC_SENDSIZE,
	    VM_RPC_SENDPAYLOAD, VM_RPC_SENDPAYLOAD, VM_RPC_RECVSIZE,
	    VM_RPC_RECVPAYLOAD, VM_RPC_RECVPAYLOAD, VM_RPC_RECVSTATUS,
	    VM_RPC_CLOSE };
	struct vm_rpc rpc = { .rpc_io = &fake_io };
	char reply[16];
	size_t i;

	fake_reset(false);
	fh.fh_reply = "1 yes";
	CHECK_EQ_INT(vm_rpci(&rpc, reply, sizeof(reply), "ping %d", 42), 0);
	CHECK_STR(reply, "yes");
	CHECK(memcmp(fh.fh_in, "ping 42", 7) == 0);
	CHECK_EQ_INT(fh.fh_ncalls, nitems(order));
	for (i = 0; i < nitems(order); i++)
		CHECK_EQ_INT(fh.fh_calls[i].fc_sub, order[i]);
	CHECK(!fh.fh_open && !rpc.rpc_open);
}

static void
test_rpci_refusal_and_garbage(void)
{
	struct vm_rpc rpc = { .rpc_io = &fake_io };
	char reply[8];

	fake_reset(true);
	fh.fh_reply = "0 No value found";
	CHECK_EQ_INT(vm_rpci(&rpc, reply, sizeof(reply), "info-get x"),
	    EINVAL);
	CHECK_STR(reply, "No valu");		/* cut to the buffer */
	fh.fh_reply = "OK ";
	CHECK_EQ_INT(vm_rpci(&rpc, reply, sizeof(reply), "x"), EIO);
	CHECK_CONTAINS(rpc.rpc_err, "malformed");
	CHECK(!fh.fh_open);
	fh.fh_reply = NULL;
	CHECK_EQ_INT(vm_rpci(&rpc, NULL, 0, "x"), EIO);
	CHECK_CONTAINS(rpc.rpc_err, "empty");
	CHECK(!fh.fh_open);
}

static void
test_rpci_broken_exchange_still_closes(void)
{
	struct vm_rpc rpc = { .rpc_io = &fake_io };

	fake_reset(false);
	fh.fh_reply = "1 ";
	fh.fh_fail_call = 3;		/* OPEN, SENDSIZE, SENDPAYLOAD */
	fh.fh_fail_status = VM_RPC_STATUS_SUCCESS | VM_RPC_STATUS_UNSENT;
	CHECK_EQ_INT(vm_rpci(&rpc, NULL, 0, "tools.set.version %u", 1U), EIO);
	CHECK_EQ_INT(fh.fh_calls[fh.fh_ncalls - 1].fc_sub, VM_RPC_CLOSE);
	CHECK(!fh.fh_open);
	CHECK_CONTAINS(rpc.rpc_err, "SENDPAYLOAD at byte 0");
}

/* The reason kept is the first failure's, not the close's after it. */
static void
test_rpci_keeps_first_failure_over_close(void)
{
	static char longreply[5000];
	struct vm_rpc rpc = { .rpc_io = &fake_io };

	fake_reset(false);
	memset(longreply, '1', sizeof(longreply) - 1);
	fh.fh_reply = longreply;
	fh.fh_fail_call = 5;		/* OPEN, SENDSIZE, PAYLOAD, RECVSIZE */
	fh.fh_fail_status = 0;
	CHECK_EQ_INT(vm_rpci(&rpc, NULL, 0, "x"), ERANGE);
	CHECK_EQ_INT(fh.fh_ncalls, 5);
	CHECK_EQ_INT(fh.fh_calls[4].fc_sub, VM_RPC_CLOSE);
	CHECK_STR(rpc.rpc_err,
	    "RECVSIZE: a 4999-byte message, over our 4095-byte limit");
	CHECK(!rpc.rpc_open);
}

static void
test_rpci_message_too_long_is_not_sent(void)
{
	static char big[VM_RPC_BUFLEN + 1];
	struct vm_rpc rpc = { .rpc_io = &fake_io };

	fake_reset(false);
	memset(big, 'b', VM_RPC_BUFLEN);
	CHECK_EQ_INT(vm_rpci(&rpc, NULL, 0, "%s", big), ERANGE);
	CHECK_EQ_INT(fh.fh_ncalls, 0);
}

static void
test_status_names(void)
{
	char buf[64];

	CHECK_STR(vm_rpc_status_str(0, buf, sizeof(buf)), "none");
	CHECK_STR(vm_rpc_status_str(0x0083, buf, sizeof(buf)),
	    "SUCCESS|DORECV|HB");
	CHECK_STR(vm_rpc_status_str(0x8010, buf, sizeof(buf)), "CPT|0x8000");
	CHECK_STR(vm_rpc_status_str(0x00ff, buf, 12), "SUCCESS|DOR");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_open_gets_channel_and_cookies),
	CHECK_TEST(test_open_without_command_30_is_enxio),
	CHECK_TEST(test_open_refused_is_eio),
	CHECK_TEST(test_send_four_bytes_at_a_time_zero_padded),
	CHECK_TEST(test_send_exact_multiple_of_four),
	CHECK_TEST(test_send_empty_is_sendsize_zero_alone),
	CHECK_TEST(test_send_high_bandwidth_when_offered),
	CHECK_TEST(test_send_over_our_limit_refused_unsent),
	CHECK_TEST(test_send_failing_at_byte_n_names_it),
	CHECK_TEST(test_every_error_bit_fails_even_with_success),
	CHECK_TEST(test_checkpoint_resends_whole_message),
	CHECK_TEST(test_checkpoint_for_ever_gives_up),
	CHECK_TEST(test_checkpoint_mid_receive_restarts_from_recvsize),
	CHECK_TEST(test_wrong_cookie_is_refused),
	CHECK_TEST(test_receive_four_bytes_at_a_time),
	CHECK_TEST(test_receive_high_bandwidth),
	CHECK_TEST(test_receive_nothing_waiting),
	CHECK_TEST(test_receive_wrong_message_type_is_protocol_error),
	CHECK_TEST(test_overlong_reply_refused_unread),
	CHECK_TEST(test_endless_reply_is_cut_off),
	CHECK_TEST(test_close_forgets_the_channel),
	CHECK_TEST(test_rpci_exchange_in_order),
	CHECK_TEST(test_rpci_refusal_and_garbage),
	CHECK_TEST(test_rpci_broken_exchange_still_closes),
	CHECK_TEST(test_rpci_keeps_first_failure_over_close),
	CHECK_TEST(test_rpci_message_too_long_is_not_sent),
	CHECK_TEST(test_status_names),
};

int
main(void)
{
	return check_main("test_vm_rpc", tests, nitems(tests));
}

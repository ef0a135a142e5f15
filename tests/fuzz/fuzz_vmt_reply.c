/*
 * libFuzzer target for what vmt reads from a VMware host
 * (drivers/vmt/vmt_reply.c, drivers/vmt/vm_rpc.c).  Every input is used
 * twice:
 *
 * - as a message: an RPCI reply for vmt_rpci_parse(), a TCLO command
 *   for vmt_cmd_parse(), bytes for the log (vmt_printable()) and, cut
 *   at its NULs, a guestinfo key and value for the message builders.
 *   Each result is checked against what vmt_reply.h promises;
 * - as a hostile host: the bytes are the registers a fake backdoor
 *   hands back, call after call (zeros once they run out), while
 *   vm_rpci() does a whole RPCI exchange.  It must end within a bound
 *   of calls, never write past its buffers (ASan), and leave a
 *   NUL-terminated reply.
 *
 * A broken promise is abort(), which libFuzzer saves as a reproducer:
 *
 *	build/fuzz/fuzz_vmt_reply build/fuzz/crash-<sha1>
 *
 * Built by tests/fuzz/fuzz.mk ("make fuzz").
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "errno.h"
#include "hvio.h"
#include "vm_rpc.h"
#include "vmt_reply.h"
#include "vmtreg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bound on backdoor calls of one vm_rpci(): see the framing. */
#define FUZZ_CALLS_MAX	(4 * (3 + 2 * (VM_RPC_BUFLEN / 4 + 2)) + 8)

static void
fail(const char *why)
{
	fprintf(stderr, "fuzz_vmt_reply: %s\n", why);
	abort();
}

static void
check_rpci(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *text;
	size_t len;
	int r = vmt_rpci_parse(buf, size, &text, &len);
	bool well = size >= 2 && buf[1] == ' ' &&
	    (buf[0] == '0' || buf[0] == '1');

	if (!well && (r != EIO || len != 0 || *text != '\0'))
		fail("a malformed RPCI reply was taken");
	if (well && (r != (buf[0] == '1' ? 0 : EINVAL) || text != buf + 2 ||
	    len != size - 2))
		fail("a well-formed RPCI reply was misread");
}

/* The exact commands, by the text the host must send for each. */
static const char *const exact[VMT_TCLO_NCMDS] = {
	[VMT_TCLO_RESET] = VM_TCLO_RESET, [VMT_TCLO_PING] = VM_TCLO_PING,
	[VMT_TCLO_CAPREG] = VM_TCLO_CAPREG, [VMT_TCLO_HALT] = VM_TCLO_HALT,
	[VMT_TCLO_REBOOT] = VM_TCLO_REBOOT,
	[VMT_TCLO_POWERON] = VM_TCLO_POWERON,
	[VMT_TCLO_RESUME] = VM_TCLO_RESUME,
	[VMT_TCLO_SUSPEND] = VM_TCLO_SUSPEND,
	[VMT_TCLO_BROADCASTIP] = VM_TCLO_BROADCASTIP,
};

static void
check_tclo(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *reply;
	enum vmt_tclo_cmd cmd;
	int arg;

	cmd = vmt_cmd_parse(buf, size, &arg);
	if ((int)cmd < 0 || cmd >= VMT_TCLO_NCMDS)
		fail("command out of range");
	if (exact[cmd] != NULL && (strlen(exact[cmd]) != size ||
	    memcmp(exact[cmd], buf, size) != 0))
		fail("a command matched that is not its exact text");
	if (cmd == VMT_TCLO_TIMESYNC && (size != 18 ||
	    memcmp(buf, "Time_Synchronize ", 17) != 0 || arg != buf[17] - '0'))
		fail("Time_Synchronize misread");
	if (cmd != VMT_TCLO_TIMESYNC && arg != -1)
		fail("an argument for a command that takes none");
	if (cmd == VMT_TCLO_UNKNOWN && size == 4 && memcmp(buf, "ping", 4) ==
	    0)
		fail("ping not recognised");
	reply = vmt_cmd_reply(cmd, (size & 1) != 0);
	if (strncmp(reply, "OK ", 3) != 0 && strncmp(reply, "ERROR ", 6) != 0)
		fail("a reply neither OK nor ERROR");
	if (vmt_cmd_name(cmd) == NULL)
		fail("a command without a name");
}

static void
check_printable(const uint8_t *data, size_t size)
{
	static const size_t lens[] = { 1, 2, 4, 5, 8, 64, 4096 };
	char out[4096 + 16];
	size_t i, j, n;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(out, '#', sizeof(out));
		n = vmt_printable(out, lens[i], (const char *)data, size);
		if (n >= lens[i] || out[n] != '\0' || strlen(out) != n)
			fail("vmt_printable: length or NUL wrong");
		if (out[lens[i]] != '#')
			fail("vmt_printable wrote past its buffer");
		for (j = 0; j < n; j++)
			if (out[j] < ' ' || out[j] > '~')
				fail("vmt_printable let control bytes out");
	}
}

static void
check_builders(const uint8_t *data, size_t size)
{
	char key[300], value[300], buf[64];
	size_t k = 0, v = 0, i = 0;
	int r;

	while (i < size && data[i] != 0 && k < sizeof(key) - 1)
		key[k++] = (char)data[i++];
	key[k] = '\0';
	for (i++; i < size && data[i] != 0 && v < sizeof(value) - 1; i++)
		value[v++] = (char)data[i];
	value[v] = '\0';
	r = vmt_msg_info_set(buf, sizeof(buf), key, value);
	if (r == 0 && (strncmp(buf, "info-set ", 9) != 0 ||
	    !vmt_key_valid(key) || strlen(buf) != 10 + k + v))
		fail("info-set built wrong");
	if (r != 0 && (buf[0] != '\0' || (r != EINVAL && r != ERANGE)))
		fail("info-set failed untidily");
	r = vmt_msg_info_get(buf, sizeof(buf), key);
	if (r == 0 && strcmp(buf + 9, key) != 0)
		fail("info-get built wrong");
	if (vmt_key_valid(key) && (k == 0 || memchr(key, ' ', k) != NULL))
		fail("an empty key or one with a space was valid");
	r = vmt_msg_guestinfo(buf, sizeof(buf), 7, value);
	if (r == 0 && strncmp(buf, "SetGuestInfo  7 ", 16) != 0)
		fail("SetGuestInfo built wrong");
	if (vmt_strlcpy_n(key, 8, (const char *)data, size) != size ||
	    strlen(key) > 7)
		fail("vmt_strlcpy_n");
}

/* The hostile host: registers from the input, zeros after its end. */
static const uint8_t *host_data;
static size_t	host_left;
static int	host_calls;

static uint32_t
host_word(void)
{
	uint32_t w = 0;
	int i;

	for (i = 0; i < 4 && host_left > 0; i++, host_left--)
		w |= (uint32_t)*host_data++ << (8 * i);
	return w;
}

static int
host_backdoor(struct vm_regs *r)
{
	host_calls++;
	r->vr_rax = host_word();
	r->vr_rbx = host_word();
	r->vr_rcx = host_word();
	r->vr_rdx = host_word();
	r->vr_rsi = host_word();
	r->vr_rdi = host_word();
	return 0;
}

static int
host_backdoor_hb(struct vm_regs *r, bool out)
{
	uint8_t *p = (uint8_t *)(uintptr_t)r->vr_rdi;
	uint64_t i;

	host_calls++;
	if (!out)		/* what REP INSB does: exactly RCX bytes */
		for (i = 0; i < r->vr_rcx; i++)
			p[i] = host_left > 0 ? (host_left--, *host_data++) : 0;
	r->vr_rbx = host_word();
	return 0;
}

static const struct hvio host_io = {
	.io_name = "fuzz",
	.io_backdoor = host_backdoor,
	.io_backdoor_hb = host_backdoor_hb,
};

static void
check_hostile_host(const uint8_t *data, size_t size)
{
	struct vm_rpc rpc = { .rpc_io = &host_io };
	char reply[64];
	int r;

	host_data = data;
	host_left = size;
	host_calls = 0;
	memset(reply, '#', sizeof(reply));
	r = vm_rpci(&rpc, reply, sizeof(reply), "info-get %s",
	    "guestinfo.fuzz");
	if (r != 0 && r != EINVAL && r != EIO && r != ENXIO && r != ERANGE)
		fail("vm_rpci: an error outside its contract");
	if (memchr(reply, '\0', sizeof(reply)) == NULL)
		fail("vm_rpci left the reply unterminated");
	if (host_calls > FUZZ_CALLS_MAX)
		fail("vm_rpci made more backdoor calls than its bound");
	if (rpc.rpc_open)
		fail("vm_rpci left its channel open");
	if (memchr(rpc.rpc_err, '\0', sizeof(rpc.rpc_err)) == NULL)
		fail("rpc_err unterminated");
	if (r != 0 && r != EINVAL && rpc.rpc_err[0] == '\0')
		fail("vm_rpci failed without saying why");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_rpci(data, size);
	check_tclo(data, size);
	check_printable(data, size);
	check_builders(data, size);
	check_hostile_host(data, size);
	return 0;
}

/*
 * The text of the GuestRPC protocols (docs/reference/vmware.md "RPCI
 * and TCLO", "RPCI messages"; docs/reference/openbsd-pvbus.md "vmt TCLO
 * commands"): RPCI replies start "1 " (done) or "0 " (refused), as
 * open-vm-tools rpcout.c checks them; TCLO commands are compared whole
 * and exactly with OpenBSD vmt.c's table, and answered "OK ..." or
 * "ERROR ...".  Pure functions on (pointer, length): host-tested
 * (test_vmt_reply.c) and fuzzed (fuzz_vmt_reply.c).
 */

#include "kern.h"
#include "vmt_reply.h"
#include "vmtreg.h"

int
vmt_rpci_parse(const char *buf, size_t len, const char **text,
    size_t *textlen)
{
	*text = "";
	*textlen = 0;
	if (len < VM_RPCI_REPLY_PREFIX_LEN || buf[1] != ' ' ||
	    (buf[0] != '1' && buf[0] != '0'))
		return EIO;
	*text = buf + VM_RPCI_REPLY_PREFIX_LEN;
	*textlen = len - VM_RPCI_REPLY_PREFIX_LEN;
	return buf[0] == '1' ? 0 : EINVAL;
}

/* The commands that take no argument, whole and exact. */
static const struct {
	const char		*tc_str;
	enum vmt_tclo_cmd	tc_cmd;
} vmt_tclo_table[] = {
	{ VM_TCLO_RESET,	VMT_TCLO_RESET },
	{ VM_TCLO_PING,		VMT_TCLO_PING },
	{ VM_TCLO_CAPREG,	VMT_TCLO_CAPREG },
	{ VM_TCLO_HALT,		VMT_TCLO_HALT },
	{ VM_TCLO_REBOOT,	VMT_TCLO_REBOOT },
	{ VM_TCLO_POWERON,	VMT_TCLO_POWERON },
	{ VM_TCLO_RESUME,	VMT_TCLO_RESUME },
	{ VM_TCLO_SUSPEND,	VMT_TCLO_SUSPEND },
	{ VM_TCLO_BROADCASTIP,	VMT_TCLO_BROADCASTIP },
};

static const char *const vmt_cmd_names[VMT_TCLO_NCMDS] = {
	[VMT_TCLO_UNKNOWN] = "unknown",
	[VMT_TCLO_RESET] = "reset",
	[VMT_TCLO_PING] = "ping",
	[VMT_TCLO_CAPREG] = "Capabilities_Register",
	[VMT_TCLO_HALT] = "OS_Halt",
	[VMT_TCLO_REBOOT] = "OS_Reboot",
	[VMT_TCLO_POWERON] = "OS_PowerOn",
	[VMT_TCLO_RESUME] = "OS_Resume",
	[VMT_TCLO_SUSPEND] = "OS_Suspend",
	[VMT_TCLO_BROADCASTIP] = "Set_Option broadcastIP",
	[VMT_TCLO_SET_OPTION] = "Set_Option",
	[VMT_TCLO_TIMESYNC] = "Time_Synchronize",
	[VMT_TCLO_TIMESYNC_BADARG] = "Time_Synchronize",
};

/* The len bytes at buf are exactly the string s. */
static bool
vmt_equal(const char *buf, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(buf, s, len) == 0;
}

static bool
vmt_prefix(const char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && memcmp(buf, s, n) == 0;
}

/*
 * "Time_Synchronize" alone, or followed by a space and the argument:
 * open-vm-tools reads one number, 1 meaning a backward step is allowed.
 */
static enum vmt_tclo_cmd
vmt_tclo_timesync(const char *buf, size_t len, int *arg)
{
	size_t n = strlen(VM_TCLO_TIMESYNC);

	if (len == n)
		return VMT_TCLO_TIMESYNC_BADARG;
	if (buf[n] != ' ')
		return VMT_TCLO_UNKNOWN;
	if (len == n + 2 && (buf[n + 1] == '0' || buf[n + 1] == '1')) {
		*arg = buf[n + 1] - '0';
		return VMT_TCLO_TIMESYNC;
	}
	return VMT_TCLO_TIMESYNC_BADARG;
}

enum vmt_tclo_cmd
vmt_cmd_parse(const char *buf, size_t len, int *arg)
{
	size_t i;

	*arg = -1;
	for (i = 0; i < nitems(vmt_tclo_table); i++)
		if (vmt_equal(buf, len, vmt_tclo_table[i].tc_str))
			return vmt_tclo_table[i].tc_cmd;
	if (vmt_prefix(buf, len, VM_TCLO_SET_OPTION))
		return VMT_TCLO_SET_OPTION;
	if (vmt_prefix(buf, len, VM_TCLO_TIMESYNC))
		return vmt_tclo_timesync(buf, len, arg);
	return VMT_TCLO_UNKNOWN;
}

const char *
vmt_cmd_name(enum vmt_tclo_cmd cmd)
{
	if ((int)cmd < 0 || cmd >= VMT_TCLO_NCMDS)
		return "unknown";
	return vmt_cmd_names[cmd];
}

/* snprintf's verdict: ERANGE, and an empty buffer, if it was cut. */
static int
vmt_fits(char *buf, size_t buflen, int n)
{
	if (n >= 0 && (size_t)n < buflen)
		return 0;
	if (buflen > 0)
		buf[0] = '\0';
	return ERANGE;
}

/* A key or value we will not send: EINVAL, and an empty buffer. */
static int
vmt_refuse(char *buf, size_t buflen)
{
	if (buflen > 0)
		buf[0] = '\0';
	return EINVAL;
}

const char *
vmt_cmd_reply(enum vmt_tclo_cmd cmd, bool done)
{
	switch (cmd) {
	case VMT_TCLO_RESET:
		return VM_TCLO_REPLY_RESET;
	case VMT_TCLO_PING:
	case VMT_TCLO_CAPREG:
	case VMT_TCLO_HALT:
	case VMT_TCLO_REBOOT:
	case VMT_TCLO_POWERON:
	case VMT_TCLO_RESUME:
	case VMT_TCLO_SUSPEND:
		return VM_TCLO_OK;
	case VMT_TCLO_BROADCASTIP:
		return done ? VM_TCLO_OK : VM_TCLO_REPLY_NO_IP;
	case VMT_TCLO_TIMESYNC:
		return done ? VM_TCLO_OK : VM_TCLO_REPLY_SYNC_FAIL;
	case VMT_TCLO_TIMESYNC_BADARG:
		return VM_TCLO_REPLY_SYNC_ARGS;
	default:
		return VM_TCLO_REPLY_UNKNOWN;
	}
}

bool
vmt_key_valid(const char *key)
{
	size_t i;

	for (i = 0; key[i] != '\0'; i++)
		if (i == VMT_KEY_MAX || key[i] <= ' ' || key[i] > '~')
			return false;
	return i > 0;
}

bool
vmt_value_valid(const char *value)
{
	size_t i;

	for (i = 0; value[i] != '\0'; i++)
		if (value[i] < ' ' || value[i] > '~')
			return false;
	return true;
}

int
vmt_msg_guestinfo(char *buf, size_t buflen, int key, const char *value)
{
	if (!vmt_value_valid(value))
		return vmt_refuse(buf, buflen);
	return vmt_fits(buf, buflen, snprintf(buf, buflen, VM_RPCI_GUESTINFO,
	    key, value));
}

int
vmt_msg_info_set(char *buf, size_t buflen, const char *key,
    const char *value)
{
	if (!vmt_key_valid(key) || !vmt_value_valid(value))
		return vmt_refuse(buf, buflen);
	return vmt_fits(buf, buflen, snprintf(buf, buflen, VM_RPCI_INFO_SET,
	    key, value));
}

int
vmt_msg_info_get(char *buf, size_t buflen, const char *key)
{
	if (!vmt_key_valid(key))
		return vmt_refuse(buf, buflen);
	return vmt_fits(buf, buflen, snprintf(buf, buflen, VM_RPCI_INFO_GET,
	    key));
}

int
vmt_msg_statechange(char *buf, size_t buflen, bool ok, int state)
{
	return vmt_fits(buf, buflen, snprintf(buf, buflen,
	    VM_RPCI_STATECHANGE, ok ? 1 : 0, state));
}

/* Is claimed at least avail, and at most the slack beyond it? */
static bool
vmt_mem_fits(uint64_t claimed, uint64_t avail)
{
	uint64_t slack = avail / 8;

	if (slack < VMT_MEM_SLACK_MIN)
		slack = VMT_MEM_SLACK_MIN;
	if (slack > VMT_MEM_SLACK_MAX)
		slack = VMT_MEM_SLACK_MAX;
	return claimed >= avail && claimed - avail <= slack;
}

enum vmt_mem_unit
vmt_memsize_judge(uint32_t eax, uint64_t avail, uint64_t *bytes)
{
	const uint64_t wrap = 1ULL << 32;
	uint64_t x;

	*bytes = 0;
	if (vmt_mem_fits((uint64_t)eax << 20, avail)) {
		*bytes = (uint64_t)eax << 20;
		return VMT_MEM_MB;
	}
	if (vmt_mem_fits(eax, avail)) {
		*bytes = eax;
		return VMT_MEM_BYTES;
	}
	/* The smallest byte count >= avail whose low 32 bits are EAX. */
	x = (avail & ~(wrap - 1)) | eax;
	if (x < avail) {
		if (x > UINT64_MAX - wrap)
			return VMT_MEM_WRONG;
		x += wrap;
	}
	if (x == eax || eax % (1U << 20) != 0 || !vmt_mem_fits(x, avail))
		return VMT_MEM_WRONG;
	*bytes = x;
	return VMT_MEM_BYTES_LOW32;
}

size_t
vmt_strlcpy_n(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t n;

	if (dstlen == 0)
		return srclen;
	n = srclen < dstlen - 1 ? srclen : dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return srclen;
}


size_t
vmt_printable(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	char e[4];
	size_t i, n, len = 0, total = 0, room, dots;

	if (dstlen == 0)
		return 0;
	for (i = 0; i < srclen; i++)
		total += esc_at(e, src + i, srclen - i);
	room = dstlen - 1;
	/* Cut: keep room for "..." if there is room for it at all. */
	dots = total > room && room >= 3 ? 3 : 0;
	for (i = 0; i < srclen; i++) {
		n = esc_at(e, src + i, srclen - i);
		if (len + n + dots > room)
			break;
		memcpy(dst + len, e, n);
		len += n;
	}
	if (i < srclen && dots > 0) {
		memcpy(dst + len, "...", 3);
		len += 3;
	}
	dst[len] = '\0';
	return len;
}

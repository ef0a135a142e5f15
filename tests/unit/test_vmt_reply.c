/*
 * Unit tests of drivers/vmt/vmt_reply.c: RPCI replies, TCLO command
 * matching and replies, the RPCI message formats, and the bounded
 * string helpers.  Inputs are given as (bytes, length) the way they
 * come off the channel, NULs and all.
 */

#include "check.h"
#include "kern.h"
#include "vmt_reply.h"
#include "vmtreg.h"

#define S(lit)	(lit), (sizeof(lit) - 1)	/* bytes and length */

static void
test_rpci_one_space_is_success_and_stripped(void)
{
	const char *text;
	size_t len;

	CHECK_EQ_INT(vmt_rpci_parse(S("1 value here"), &text, &len), 0);
	CHECK_EQ_INT(len, 10);
	CHECK(memcmp(text, "value here", 10) == 0);
	CHECK_EQ_INT(vmt_rpci_parse(S("1 "), &text, &len), 0);
	CHECK_EQ_INT(len, 0);
}

static void
test_rpci_zero_space_is_refusal_with_reason(void)
{
	const char *text;
	size_t len;

	CHECK_EQ_INT(vmt_rpci_parse(S("0 No value found"), &text, &len),
	    EINVAL);
	CHECK_EQ_INT(len, 14);
	CHECK(memcmp(text, "No value found", 14) == 0);
}

static void
test_rpci_malformed_replies_are_eio(void)
{
	static const struct {
		const char	*buf;
		size_t		len;
	} bad[] = {
		{ "", 0 }, { "1", 1 }, { "0", 1 }, { "1x", 2 }, { "2 x", 3 },
		{ " 1", 2 }, { "OK ", 3 }, { "10", 2 }, { "\0 ", 2 },
	};
	const char *text;
	size_t i, len;

	for (i = 0; i < nitems(bad); i++) {
		CHECK_EQ_INT(vmt_rpci_parse(bad[i].buf, bad[i].len, &text,
		    &len), EIO);
		CHECK_EQ_INT(len, 0);
		CHECK_STR(text, "");
	}
}

static void
test_tclo_every_command_matches_exactly(void)
{
	static const struct {
		const char		*s;
		enum vmt_tclo_cmd	cmd;
	} t[] = {
		{ "reset", VMT_TCLO_RESET },
		{ "ping", VMT_TCLO_PING },
		{ "Capabilities_Register", VMT_TCLO_CAPREG },
		{ "OS_Halt", VMT_TCLO_HALT },
		{ "OS_Reboot", VMT_TCLO_REBOOT },
		{ "OS_PowerOn", VMT_TCLO_POWERON },
		{ "OS_Resume", VMT_TCLO_RESUME },
		{ "OS_Suspend", VMT_TCLO_SUSPEND },
		{ "Set_Option broadcastIP 1", VMT_TCLO_BROADCASTIP },
	};
	size_t i;
	int arg;

	for (i = 0; i < nitems(t); i++) {
		CHECK_EQ_INT(vmt_cmd_parse(t[i].s, strlen(t[i].s), &arg),
		    t[i].cmd);
		CHECK_EQ_INT(arg, -1);
	}
}

/* OpenBSD's strcmp: a trailing space, newline or NUL is another word. */
static void
test_tclo_near_misses_are_unknown(void)
{
	static const struct {
		const char	*buf;
		size_t		len;
	} t[] = {
		{ S("ping ") }, { S("ping\n") }, { S("ping\0") }, { S("Ping") },
		{ S("pin") }, { S("") }, { S("OS_Halt1") }, { S(" reset") },
		{ S("os_halt") }, { S("Time_SynchronizeX") },
		{ S("Set_Option") }, { S("Capabilities_Register\r\n") },
	};
	size_t i;
	int arg;

	for (i = 0; i < nitems(t); i++)
		CHECK_EQ_INT(vmt_cmd_parse(t[i].buf, t[i].len, &arg),
		    VMT_TCLO_UNKNOWN);
}

static void
test_tclo_set_option_other_than_broadcastip(void)
{
	int arg;

	CHECK_EQ_INT(vmt_cmd_parse(S("Set_Option synctime 1"), &arg),
	    VMT_TCLO_SET_OPTION);
	CHECK_EQ_INT(vmt_cmd_parse(S("Set_Option broadcastIP 0"), &arg),
	    VMT_TCLO_SET_OPTION);
	CHECK_EQ_INT(vmt_cmd_parse(S("Set_Option broadcastIP 1 "), &arg),
	    VMT_TCLO_SET_OPTION);
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_SET_OPTION, true),
	    "ERROR Unknown command");
}

static void
test_tclo_time_synchronize_takes_zero_or_one(void)
{
	int arg;

	CHECK_EQ_INT(vmt_cmd_parse(S("Time_Synchronize 0"), &arg),
	    VMT_TCLO_TIMESYNC);
	CHECK_EQ_INT(arg, 0);
	CHECK_EQ_INT(vmt_cmd_parse(S("Time_Synchronize 1"), &arg),
	    VMT_TCLO_TIMESYNC);
	CHECK_EQ_INT(arg, 1);
	CHECK_EQ_INT(vmt_cmd_parse(S("Time_Synchronize"), &arg),
	    VMT_TCLO_TIMESYNC_BADARG);
	CHECK_EQ_INT(vmt_cmd_parse(S("Time_Synchronize "), &arg),
	    VMT_TCLO_TIMESYNC_BADARG);
	CHECK_EQ_INT(vmt_cmd_parse(S("Time_Synchronize 2"), &arg),
	    VMT_TCLO_TIMESYNC_BADARG);
	CHECK_EQ_INT(vmt_cmd_parse(S("Time_Synchronize 10"), &arg),
	    VMT_TCLO_TIMESYNC_BADARG);
	CHECK_EQ_INT(arg, -1);
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_TIMESYNC_BADARG, true),
	    "ERROR Unable to tokenize TimeSync RPC data");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_TIMESYNC, true), "OK ");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_TIMESYNC, false),
	    "ERROR Unable to sync time");
}

static void
test_tclo_replies_are_the_prescribed_ones(void)
{
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_RESET, true), "OK ATR toolbox");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_PING, true), "OK ");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_CAPREG, true), "OK ");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_HALT, true), "OK ");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_REBOOT, true), "OK ");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_POWERON, true), "OK ");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_RESUME, true), "OK ");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_SUSPEND, true), "OK ");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_BROADCASTIP, false),
	    "ERROR Unable to find guest IP address");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_BROADCASTIP, true), "OK ");
	CHECK_STR(vmt_cmd_reply(VMT_TCLO_UNKNOWN, true),
	    "ERROR Unknown command");
	CHECK_STR(vmt_cmd_reply((enum vmt_tclo_cmd)99, true),
	    "ERROR Unknown command");
	CHECK_STR(vmt_cmd_name(VMT_TCLO_CAPREG), "Capabilities_Register");
	CHECK_STR(vmt_cmd_name((enum vmt_tclo_cmd)-1), "unknown");
}

static void
test_msg_setguestinfo_has_two_spaces(void)
{
	char buf[64];

	CHECK_EQ_INT(vmt_msg_guestinfo(buf, sizeof(buf), 6, "FreeBSD"), 0);
	CHECK_STR(buf, "SetGuestInfo  6 FreeBSD");
	CHECK_EQ_INT(vmt_msg_guestinfo(buf, sizeof(buf), 5, "a b c"), 0);
	CHECK_STR(buf, "SetGuestInfo  5 a b c");
	CHECK_EQ_INT(vmt_msg_guestinfo(buf, sizeof(buf), 1, "x\ny"), EINVAL);
	CHECK_STR(buf, "");
}

static void
test_msg_info_set_get_and_statechange(void)
{
	char buf[64];

	CHECK_EQ_INT(vmt_msg_info_set(buf, sizeof(buf), "guestinfo.ip",
	    "10.0.0.2"), 0);
	CHECK_STR(buf, "info-set guestinfo.ip 10.0.0.2");
	CHECK_EQ_INT(vmt_msg_info_set(buf, sizeof(buf), "guestinfo.k", ""),
	    0);
	CHECK_STR(buf, "info-set guestinfo.k ");
	CHECK_EQ_INT(vmt_msg_info_get(buf, sizeof(buf), "guestinfo.testbed"),
	    0);
	CHECK_STR(buf, "info-get guestinfo.testbed");
	CHECK_EQ_INT(vmt_msg_statechange(buf, sizeof(buf), true, 1), 0);
	CHECK_STR(buf, "tools.os.statechange.status 1 1");
	CHECK_EQ_INT(vmt_msg_statechange(buf, sizeof(buf), false, 5), 0);
	CHECK_STR(buf, "tools.os.statechange.status 0 5");
}

static void
test_msg_bad_keys_refused(void)
{
	char buf[64], longkey[VMT_KEY_MAX + 2];

	CHECK_EQ_INT(vmt_msg_info_get(buf, sizeof(buf), ""), EINVAL);
	CHECK_EQ_INT(vmt_msg_info_get(buf, sizeof(buf), "a b"), EINVAL);
	CHECK_EQ_INT(vmt_msg_info_get(buf, sizeof(buf), "a\tb"), EINVAL);
	CHECK_EQ_INT(vmt_msg_info_set(buf, sizeof(buf), "k", "v\r"), EINVAL);
	CHECK_EQ_INT(vmt_msg_info_set(buf, sizeof(buf), "k\x7f", "v"),
	    EINVAL);
	CHECK_STR(buf, "");
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	CHECK(!vmt_key_valid(longkey));
	longkey[VMT_KEY_MAX] = '\0';
	CHECK(vmt_key_valid(longkey));
}

static void
test_msg_too_long_is_erange_and_empty(void)
{
	char buf[32];

	CHECK_EQ_INT(vmt_msg_info_set(buf, 16, "guestinfo.key",
	    "value"), ERANGE);
	CHECK_STR(buf, "");
	CHECK_EQ_INT(vmt_msg_info_get(buf, 15, "guestinfo.abc"), ERANGE);
	CHECK_EQ_INT(vmt_msg_info_get(buf, 23, "guestinfo.abc"), 0);
	CHECK_EQ_INT(vmt_msg_info_get(buf, 22, "guestinfo.abc"), ERANGE);
}

static void
test_strlcpy_n_cuts_and_terminates(void)
{
	char buf[4];

	memset(buf, 'z', sizeof(buf));
	CHECK_EQ_INT(vmt_strlcpy_n(buf, sizeof(buf), "abcdef", 6), 6);
	CHECK_STR(buf, "abc");
	CHECK_EQ_INT(vmt_strlcpy_n(buf, sizeof(buf), "ab", 2), 2);
	CHECK_STR(buf, "ab");
	CHECK_EQ_INT(vmt_strlcpy_n(buf, 0, "ab", 2), 2);
	CHECK_STR(buf, "ab");
}

static void
test_printable_escapes_host_bytes(void)
{
	char buf[64];

	CHECK_EQ_INT(vmt_printable(buf, sizeof(buf), S("ping")), 4);
	CHECK_STR(buf, "ping");
	vmt_printable(buf, sizeof(buf), S("a\nok 1 x\"\\\0\xff"));
	CHECK_STR(buf, "a\\x0aok 1 x\\\"\\\\\\0\\xff");
	CHECK(strchr(buf, '\n') == NULL);
}

static void
test_printable_cuts_with_dots_within_bounds(void)
{
	char buf[8];

	CHECK_EQ_INT(vmt_printable(buf, sizeof(buf), S("abcdefghij")), 7);
	CHECK_STR(buf, "abcd...");
	CHECK_EQ_INT(vmt_printable(buf, sizeof(buf), S("abcdefg")), 7);
	CHECK_STR(buf, "abcdefg");
	CHECK_EQ_INT(vmt_printable(buf, sizeof(buf), S("\x01\x02\x03")), 7);
	CHECK_STR(buf, "\\x01...");
	CHECK_EQ_INT(vmt_printable(buf, 3, S("abcdef")), 2);
	CHECK_STR(buf, "ab");
	CHECK_EQ_INT(vmt_printable(buf, 1, S("abc")), 0);
	CHECK_STR(buf, "");
}

/*
 * GETMEMSIZE (vmt_memsize_judge): a healthy VM of any size agrees,
 * whether the host says MB (VMware) or bytes cut to 32 bits (QEMU);
 * the memory maps are the ones measured under QEMU 7.2: SeaBIOS leaves
 * 517 KiB out of the map, OVMF 6600 KiB.
 */
#define MIB	(1ULL << 20)
#define KIB	(1ULL << 10)

static void
test_memsize_healthy_vms_agree(void)
{
	static const uint64_t sizes_mb[] = { 128, 2048, 3072, 4095, 4096,
	    4097, 6144, 8192, 12288, 16384, 65536, 1048576 };
	static const uint64_t gaps[] = { 517 * KIB, 6600 * KIB };
	uint64_t ram, avail, got;
	size_t i, j;

	for (i = 0; i < nitems(sizes_mb); i++)
		for (j = 0; j < nitems(gaps); j++) {
			ram = sizes_mb[i] * MIB;
			avail = ram - gaps[j];
			/* VMware: MB. */
			CHECK_EQ_INT(vmt_memsize_judge((uint32_t)sizes_mb[i],
			    avail, &got), VMT_MEM_MB);
			CHECK_EQ_HEX(got, ram);
			/* QEMU: bytes, through a uint32_t. */
			CHECK_EQ_INT(vmt_memsize_judge((uint32_t)ram, avail,
			    &got), ram < (1ULL << 32) ? VMT_MEM_BYTES :
			    VMT_MEM_BYTES_LOW32);
			CHECK_EQ_HEX(got, ram);
		}
}

/* A wrong answer is caught at every size, MB or bytes. */
static void
test_memsize_wrong_answers_refused(void)
{
	static const uint64_t sizes_mb[] = { 128, 1024, 4096, 4097, 8192,
	    16384, 65536 };
	uint64_t ram, avail, got, wrong[6];
	size_t i, j;

	for (i = 0; i < nitems(sizes_mb); i++) {
		ram = sizes_mb[i] * MIB;
		avail = ram - 517 * KIB;
		wrong[0] = ram / MIB / 2;		/* half, in MB */
		wrong[1] = ram / MIB + 1024;		/* 1 GiB more, MB */
		wrong[2] = (ram + 1024 * MIB) & 0xffffffff;	/* bytes */
		wrong[3] = (ram - 256 * MIB) & 0xffffffff;	/* too little */
		wrong[4] = (ram + 2048 * MIB) & 0xffffffff;	/* 2 GiB off */
		wrong[5] = 0x12345678;			/* nothing at all */
		for (j = 0; j < nitems(wrong); j++) {
			got = 1;
			CHECK_EQ_INT(vmt_memsize_judge((uint32_t)wrong[j],
			    avail, &got), VMT_MEM_WRONG);
			CHECK_EQ_HEX(got, 0);
		}
	}
	/* Under 4 GiB a byte count never wraps: 0 is not 4 GiB there. */
	CHECK_EQ_INT(vmt_memsize_judge(0, 128 * MIB, &got), VMT_MEM_WRONG);
	CHECK_EQ_INT(vmt_memsize_judge(0, 3072 * MIB, &got), VMT_MEM_WRONG);
	/* The slack: an eighth, at least 64 MiB, at most 512 MiB. */
	CHECK_EQ_INT(vmt_memsize_judge(128 + 64, 128 * MIB, &got),
	    VMT_MEM_MB);
	CHECK_EQ_INT(vmt_memsize_judge(128 + 65, 128 * MIB, &got),
	    VMT_MEM_WRONG);
	CHECK_EQ_INT(vmt_memsize_judge(2048 + 256, 2048 * MIB, &got),
	    VMT_MEM_MB);
	CHECK_EQ_INT(vmt_memsize_judge(2048 + 257, 2048 * MIB, &got),
	    VMT_MEM_WRONG);
	CHECK_EQ_INT(vmt_memsize_judge(65536 + 512, 65536 * MIB, &got),
	    VMT_MEM_MB);
	CHECK_EQ_INT(vmt_memsize_judge(65536 + 513, 65536 * MIB, &got),
	    VMT_MEM_WRONG);
	CHECK_EQ_INT(vmt_memsize_judge(511 * MIB, 0xffffffffffffff00ULL,
	    &got), VMT_MEM_WRONG);		/* no overflow at the top */
}

static const struct check_test tests[] = {
	CHECK_TEST(test_rpci_one_space_is_success_and_stripped),
	CHECK_TEST(test_rpci_zero_space_is_refusal_with_reason),
	CHECK_TEST(test_rpci_malformed_replies_are_eio),
	CHECK_TEST(test_tclo_every_command_matches_exactly),
	CHECK_TEST(test_tclo_near_misses_are_unknown),
	CHECK_TEST(test_tclo_set_option_other_than_broadcastip),
	CHECK_TEST(test_tclo_time_synchronize_takes_zero_or_one),
	CHECK_TEST(test_tclo_replies_are_the_prescribed_ones),
	CHECK_TEST(test_msg_setguestinfo_has_two_spaces),
	CHECK_TEST(test_msg_info_set_get_and_statechange),
	CHECK_TEST(test_msg_bad_keys_refused),
	CHECK_TEST(test_msg_too_long_is_erange_and_empty),
	CHECK_TEST(test_strlcpy_n_cuts_and_terminates),
	CHECK_TEST(test_printable_escapes_host_bytes),
	CHECK_TEST(test_printable_cuts_with_dots_within_bounds),
	CHECK_TEST(test_memsize_healthy_vms_agree),
	CHECK_TEST(test_memsize_wrong_answers_refused),
};

int
main(void)
{
	return check_main("test_vmt_reply", tests, nitems(tests));
}

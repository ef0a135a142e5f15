/*
 * cmdline_parse() and its lookups (kernel/cmdline.c) on the command
 * lines GRUB and QEMU write: the kernel path first, words with spaces
 * in double quotes, backslashes before quotes and backslashes; lines up
 * to the 4095-byte limit and past it; control bytes.  Then the checks
 * cmdline_parsed runs: cmdline_check()'s own rules, cmdline_uint(), and
 * the simulators' sim.fault= and sim.failbyte= (sim/sim_options.c,
 * linked with the models stubbed out: sim_stubs.c).
 */

#include "check.h"
#include "kern.h"
#include "cmdline.h"
#include "simvar.h"

static struct cmdline cl;

static void
test_words_and_flags(void)
{
	CHECK_EQ_INT(cmdline_parse("/boot/kernel.elf hv=sim:kvm fault=gp quiet",
	    &cl), 0);
	CHECK_STR(cl.cl_error, "");
	CHECK_EQ_INT(cl.cl_nwords, 4);
	CHECK_STR(cl.cl_words[0].cw_key, "/boot/kernel.elf");
	CHECK(!cl.cl_words[0].cw_has_value);
	CHECK_STR(cl.cl_words[0].cw_value, "");
	CHECK_STR(cl.cl_words[1].cw_key, "hv");
	CHECK(cl.cl_words[1].cw_has_value);
	CHECK_STR(cmdline_get(&cl, "hv"), "sim:kvm");
	CHECK_STR(cmdline_get(&cl, "fault"), "gp");
	CHECK_STR(cmdline_get(&cl, "quiet"), "");
	CHECK(cmdline_has(&cl, "quiet"));
	CHECK(cmdline_has(&cl, "/boot/kernel.elf"));
	CHECK(cmdline_get(&cl, "nope") == NULL);
	CHECK(!cmdline_has(&cl, "qui"));
	CHECK(!cmdline_has(&cl, "quiet2"));
}

/* Quotes group spaces wherever they start, and are removed (next_arg()). */
static void
test_quotes_group_spaces(void)
{
	CHECK_EQ_INT(cmdline_parse("key=\"a b\" \"msg=hello  world\" z", &cl),
	    0);
	CHECK_EQ_INT(cl.cl_nwords, 3);
	CHECK_STR(cmdline_get(&cl, "key"), "a b");
	CHECK_STR(cmdline_get(&cl, "msg"), "hello  world");
	CHECK(cmdline_has(&cl, "z"));
	CHECK_EQ_INT(cmdline_parse("a\"b c\"d=e\"f\"g \"\"x", &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, 2);
	CHECK_STR(cmdline_get(&cl, "ab cd"), "efg");
	CHECK_STR(cl.cl_words[1].cw_key, "x");
	CHECK_EQ_INT(cmdline_parse("k=\"\"", &cl), 0);	/* empty value */
	CHECK(cl.cl_words[0].cw_has_value);
	CHECK_STR(cmdline_get(&cl, "k"), "");
}

/*
 * What GRUB writes for the menu entry argument  msg=say "hi" it's  :
 * the word quoted, and a backslash before each " ' and \.
 */
static void
test_backslash_escapes(void)
{
	CHECK_EQ_INT(cmdline_parse("\"msg=say \\\"hi\\\" it\\'s\" "
	    "path=C:\\\\dir a=b\\c t=\\", &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, 4);
	CHECK_STR(cmdline_get(&cl, "msg"), "say \"hi\" it's");
	CHECK_STR(cmdline_get(&cl, "path"), "C:\\dir");
	CHECK_STR(cmdline_get(&cl, "a"), "b\\c");	/* not an escape */
	CHECK_STR(cmdline_get(&cl, "t"), "\\");		/* at the end */
	CHECK_EQ_INT(cmdline_parse("q=\\\"not quoted x", &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, 3);
	CHECK_STR(cmdline_get(&cl, "q"), "\"not");
}

/* The key ends at the first '='; the rest, '=' and all, is the value. */
static void
test_value_keeps_later_equals(void)
{
	CHECK_EQ_INT(cmdline_parse("a=b=c e= f", &cl), 0);
	CHECK_STR(cmdline_get(&cl, "a"), "b=c");
	CHECK(cl.cl_words[1].cw_has_value);
	CHECK_STR(cmdline_get(&cl, "e"), "");
	CHECK(!cl.cl_words[2].cw_has_value);
}

static void
test_last_duplicate_wins(void)
{
	CHECK_EQ_INT(cmdline_parse("hv=kvm x=1 hv=sim:xen", &cl), 0);
	CHECK_STR(cmdline_get(&cl, "hv"), "sim:xen");
	CHECK_EQ_INT(cmdline_parse("x=1 x", &cl), 0);
	CHECK_STR(cmdline_get(&cl, "x"), "");		/* the bare flag */
	CHECK_EQ_INT(cmdline_parse("x x=2", &cl), 0);
	CHECK_STR(cmdline_get(&cl, "x"), "2");
}

static void
test_empty_and_blank_lines(void)
{
	CHECK_EQ_INT(cmdline_parse("", &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, 0);
	CHECK(cmdline_get(&cl, "") == NULL);
	CHECK_EQ_INT(cmdline_parse(" \t\n ", &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, 0);
	CHECK_EQ_INT(cmdline_parse(NULL, &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, 0);
	CHECK_STR(cl.cl_error, "");
}

static void
test_spaces_and_tabs_separate(void)
{
	CHECK_EQ_INT(cmdline_parse("  a=1 \t\tb=2\n c\r\n", &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, 3);
	CHECK_STR(cmdline_get(&cl, "a"), "1");
	CHECK_STR(cmdline_get(&cl, "b"), "2");
	CHECK_STR(cl.cl_words[2].cw_key, "c");
}

/* An error keeps the words before it; the rest is not looked at. */
static void
test_unterminated_quote_keeps_earlier_words(void)
{
	CHECK_EQ_INT(cmdline_parse("one two=\"oops three=3", &cl), EINVAL);
	CHECK_EQ_INT(cl.cl_nwords, 1);
	CHECK(cmdline_has(&cl, "one"));
	CHECK(cmdline_get(&cl, "two") == NULL);
	CHECK(cmdline_get(&cl, "three") == NULL);
	CHECK_STR(cl.cl_error,
	    "cmdline: word 2 at offset 4 has an unterminated quote");
}

static void
test_empty_key_is_einval(void)
{
	CHECK_EQ_INT(cmdline_parse("a=1 =value b=2", &cl), EINVAL);
	CHECK_EQ_INT(cl.cl_nwords, 1);
	CHECK_STR(cmdline_get(&cl, "a"), "1");
	CHECK(cmdline_get(&cl, "b") == NULL);
	CHECK(cmdline_get(&cl, "") == NULL);
	CHECK_STR(cl.cl_error, "cmdline: word 2 at offset 4 has an empty key");
	CHECK_EQ_INT(cmdline_parse("\"\"", &cl), EINVAL);
	CHECK_EQ_INT(cmdline_parse("=", &cl), EINVAL);
	CHECK_EQ_INT(cl.cl_nwords, 0);
}

/*
 * The longest line the kernel takes, 4095 bytes, holds at most 2048
 * words ("a a ... a"), and every one of them is kept.
 */
static void
test_longest_line_keeps_every_word(void)
{
	static char line[CMDLINE_MAX + 8];
	int i, nbad = 0;

	for (i = 0; i < CMDLINE_MAX - 1; i++)
		line[i] = i % 2 == 0 ? 'a' + (i / 2) % 26 : ' ';
	line[CMDLINE_MAX - 1] = '\0';
	CHECK_EQ_INT(strlen(line), 4095);
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	CHECK_STR(cl.cl_error, "");
	CHECK_EQ_INT(cl.cl_nwords, 2048);
	for (i = 0; i < cl.cl_nwords; i++)
		if (cl.cl_words[i].cw_key[0] != 'a' + i % 26 ||
		    cl.cl_words[i].cw_key[1] != '\0')
			nbad++;
	CHECK_EQ_INT(nbad, 0);
	memset(line, 'k', CMDLINE_MAX - 1);	/* one word of 4095 */
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, 1);
	CHECK_EQ_INT(strlen(cl.cl_words[0].cw_key), 4095);
	memcpy(line + 2000, "=v", 2);		/* key, '=', value */
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	CHECK_EQ_INT(strlen(cl.cl_words[0].cw_key), 2000);
	CHECK_EQ_INT(strlen(cl.cl_words[0].cw_value), 4095 - 2001);
}

/* Past 1023 bytes (the old limit) a key is read like any other. */
static void
test_key_far_into_the_line_is_read(void)
{
	static char line[CMDLINE_MAX];
	size_t n;

	n = (size_t)snprintf(line, sizeof(line), "hv=native");
	memset(line + n, ' ', 3000);
	snprintf(line + n + 3000, sizeof(line) - n - 3000, "fault=gp x=\"%s\"",
	    "a b");
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, 3);
	CHECK_STR(cmdline_get(&cl, "fault"), "gp");
	CHECK_STR(cmdline_get(&cl, "x"), "a b");
}

/* 4096 bytes or more: refused whole, with no word kept. */
static void
test_overlong_line_is_e2big(void)
{
	static char line[CMDLINE_MAX + 100];

	memset(line, 'a', sizeof(line) - 1);
	line[CMDLINE_MAX] = '\0';		/* exactly 4096 */
	line[5] = ' ';
	CHECK_EQ_INT(cmdline_parse(line, &cl), E2BIG);
	CHECK_EQ_INT(cl.cl_nwords, 0);
	CHECK(cmdline_get(&cl, "aaaaa") == NULL);
	CHECK_STR(cl.cl_error,
	    "cmdline: longer than the 4095 bytes the kernel accepts");
	line[CMDLINE_MAX] = 'a';		/* no NUL for 4199 bytes */
	CHECK_EQ_INT(cmdline_parse(line, &cl), E2BIG);
}

/*
 * Control bytes other than the four separators stay in the word; quoted,
 * a newline does too.  Nothing the parser says quotes the line, and what
 * the kernel prints of a word ("%pE") is one printable line.
 */
static void
test_control_bytes_stay_in_words(void)
{
	char out[128];

	CHECK_EQ_INT(cmdline_parse("a=\x1b[2J\a b=\"x\ny\"\tc=\x7f\x01", &cl),
	    0);
	CHECK_EQ_INT(cl.cl_nwords, 3);
	CHECK_STR(cmdline_get(&cl, "a"), "\x1b[2J\a");
	CHECK_STR(cmdline_get(&cl, "b"), "x\ny");
	CHECK_STR(cmdline_get(&cl, "c"), "\x7f\x01");
	kern_snprintf(out, sizeof(out), "# %pE=\"%pE\"", cl.cl_words[1].cw_key,
	    cl.cl_words[1].cw_value);
	CHECK_STR(out, "# b=\"x\\x0ay\"");
	kern_snprintf(out, sizeof(out), "%pE", cmdline_get(&cl, "a"));
	CHECK_STR(out, "\\x1b[2J\\x07");
	CHECK_EQ_INT(cmdline_parse("ok \"\x1b\n", &cl), EINVAL);
	CHECK_STR(cl.cl_error,
	    "cmdline: word 2 at offset 3 has an unterminated quote");
}

/* ------------------------------------------------------------------ */
/* Numbers: cmdline_uint(), the one parser for them. */

static void
test_uint_takes_plain_decimals_only(void)
{
	static const char *const bad[] = { "", "abc", "-5", "+5", " 5", "5 ",
	    "0x10", "65536", "99999999999999999999", "4294967296", "1e3",
	    "12a", "\x1b" };
	char err[CMDLINE_MSG_MAX];
	uint32_t v = 77;
	size_t i;
	int nbad = 0;

	CHECK_EQ_INT(cmdline_uint("k", "0", 65535, &v, err, sizeof(err)), 0);
	CHECK_EQ_INT(v, 0);
	CHECK_EQ_INT(cmdline_uint("k", "65535", 65535, &v, err, sizeof(err)),
	    0);
	CHECK_EQ_INT(v, 65535);
	CHECK_EQ_INT(cmdline_uint("k", "007", 65535, &v, err, sizeof(err)), 0);
	CHECK_EQ_INT(v, 7);
	CHECK_EQ_INT(cmdline_uint("k", "4294967295", UINT32_MAX, &v, err,
	    sizeof(err)), 0);
	CHECK_EQ_HEX(v, 0xffffffff);
	for (i = 0; i < nitems(bad); i++) {
		v = 77;
		if (cmdline_uint("sim.failbyte", bad[i], 65535, &v, err,
		    sizeof(err)) != ERANGE || v != 77)
			nbad++;
	}
	CHECK_EQ_INT(nbad, 0);
	CHECK_EQ_INT(cmdline_uint("sim.failbyte", "-5", 65535, &v, err,
	    sizeof(err)), ERANGE);
	CHECK_STR(err, "sim.failbyte=-5: want a decimal number from 0 to "
	    "65535");
	CHECK_EQ_INT(cmdline_uint("k", "1\x1b", 9, &v, err, sizeof(err)),
	    ERANGE);
	CHECK_STR(err, "k=1\\x1b: want a decimal number from 0 to 9");
}

/* ------------------------------------------------------------------ */
/* cmdline_check(): the rules every key follows. */

struct seen {
	int	s_n;
	int	s_unknown;
	int	s_word[8];
	char	s_msg[8][CMDLINE_MSG_MAX];
};

static struct seen seen;

static void
record(void *arg, int word, bool unknown, const char *msg)
{
	struct seen *s = arg;

	if (s->s_n < 8) {
		s->s_word[s->s_n] = word;
		snprintf(s->s_msg[s->s_n], sizeof(s->s_msg[0]), "%s", msg);
	}
	s->s_n++;
	s->s_unknown += unknown;
}

/* A check that wants "yes"; "quiet" fails without a sentence. */
static int
check_yes(const char *value, const struct cmdline *c __unused,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	if (strcmp(value, "yes") == 0)
		return 0;
	if (strcmp(value, "quiet") != 0)
		kern_snprintf(err, errlen, "k=%pE: want yes", value);
	return EINVAL;
}

static const struct cmdline_key keys[] = {
	{ "k", "test_cmdline.c", check_yes },
	{ "other", "test_cmdline.c", check_yes },
	{ NULL, NULL, NULL },
};

static int
check_line(const char *line)
{
	memset(&seen, 0, sizeof(seen));
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	return cmdline_check(&cl, keys, NULL, record, &seen);
}

/* Every byte of every sentence printable: no line can start a report. */
static bool
seen_printable(void)
{
	const char *p;
	int i;

	for (i = 0; i < seen.s_n && i < 8; i++)
		for (p = seen.s_msg[i]; *p != '\0'; p++)
			if (*p < 0x20 || *p > 0x7e)
				return false;
	return true;
}

static void
test_check_accepts_good_lines(void)
{
	CHECK_EQ_INT(check_line("k=yes other=yes"), 0);
	CHECK_EQ_INT(check_line(""), 0);
	CHECK_EQ_INT(check_line("/boot/kernel.elf k=yes"), 0);
	CHECK(cmdline_is_image(&cl, 0));
	CHECK(!cmdline_is_image(&cl, 1));
	CHECK_EQ_INT(seen.s_n, 0);
}

static void
test_check_unknown_and_misplaced_keys(void)
{
	CHECK_EQ_INT(check_line("k=yes faul=gp /x \x1b[31m=1"), 3);
	CHECK_EQ_INT(seen.s_unknown, 3);
	CHECK_STR(seen.s_msg[0], "unknown key \"faul\"");
	CHECK_EQ_INT(seen.s_word[0], 1);
	CHECK_STR(seen.s_msg[1], "unknown key \"/x\"");	/* not word 0 */
	CHECK_STR(seen.s_msg[2], "unknown key \"\\x1b[31m\"");
	CHECK(seen_printable());
	CHECK_EQ_INT(check_line("/x=1"), 1);		/* a path has no '=' */
	CHECK_EQ_INT(seen.s_unknown, 1);
}

static void
test_check_each_key_once_with_a_value(void)
{
	CHECK_EQ_INT(check_line("k=yes other=yes k=no k"), 1);
	CHECK_STR(seen.s_msg[0], "k= is given 3 times (words 1 and 3 and "
	    "more): say it once");
	CHECK_EQ_INT(seen.s_word[0], 0);
	CHECK_EQ_INT(seen.s_unknown, 0);
	CHECK_EQ_INT(check_line("other k=yes other=yes"), 1);
	CHECK_STR(seen.s_msg[0], "other= is given 2 times (words 1 and 3): "
	    "say it once");
	CHECK_EQ_INT(check_line("other"), 1);
	CHECK_STR(seen.s_msg[0], "other without a value: write other=VALUE");
}

static void
test_check_runs_the_key_check(void)
{
	CHECK_EQ_INT(check_line("k=no other=\"\x07\n\""), 2);
	CHECK_STR(seen.s_msg[0], "k=no: want yes");
	CHECK_STR(seen.s_msg[1], "k=\\x07\\x0a: want yes");
	CHECK(seen_printable());
	CHECK_EQ_INT(check_line("k=quiet"), 1);		/* no sentence given */
	CHECK_STR(seen.s_msg[0], "k=quiet: refused by test_cmdline.c");
	CHECK_EQ_INT(check_line("k=\"a\x1b\""), 1);
	CHECK(seen_printable());
}

/* The words left after cmdline_prune(), as "key=value key ..." */
static const char *
left(void)
{
	static char buf[256];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < cl.cl_nwords && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s%s%s",
		    i > 0 ? " " : "", cl.cl_words[i].cw_key,
		    cl.cl_words[i].cw_has_value ? "=" : "",
		    cl.cl_words[i].cw_value);
	return buf;
}

static int
prune_line(const char *line, const struct cmdline_key *k)
{
	memset(&seen, 0, sizeof(seen));
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	return cmdline_prune(&cl, k, NULL, record, &seen);
}

/* A word with a problem is forgotten; the others stay, in order. */
static void
test_prune_forgets_only_bad_words(void)
{
	CHECK_EQ_INT(prune_line("/boot/k k=yes faul=gp other=no x", keys), 3);
	CHECK_STR(left(), "/boot/k k=yes");
	CHECK_EQ_INT(seen.s_unknown, 2);
	CHECK_STR(seen.s_msg[1], "k=no: want yes");	/* check_yes's words */
	CHECK_EQ_INT(cmdline_check(&cl, keys, NULL, record, &seen), 0);
	CHECK_EQ_INT(prune_line("k=yes other=yes k=yes", keys), 1);
	CHECK_STR(left(), "other=yes");		/* every k= goes */
	CHECK_EQ_INT(prune_line("a a b", keys), 3);	/* each unknown word */
	CHECK_STR(left(), "");
	CHECK_EQ_INT(prune_line("k=yes other=yes", keys), 0);
	CHECK_STR(left(), "k=yes other=yes");
	CHECK_EQ_INT(seen.s_n, 0);
}

/* ------------------------------------------------------------------ */
/* The simulators' options (sim/sim_options.c). */

/* hv=: a model sim_models.c knows, or native. */
static int
check_hv(const char *value, const struct cmdline *c __unused,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	if (strcmp(value, "native") == 0)
		return 0;
	if (strncmp(value, "sim:", 4) != 0)
		return EINVAL;
	return sim_check_model(value + 4, err, errlen);
}

static const struct cmdline_key sim_keys[] = {
	{ "hv", "test_cmdline.c", check_yes },		/* not checked here */
	{ "profile", "test_cmdline.c", check_yes },
	{ "sim.fault", "sim/sim_options.c", sim_check_fault },
	{ "sim.failbyte", "sim/sim_options.c", sim_check_failbyte },
	{ NULL, NULL, NULL },
};

/* The sentence about word 'word' of line, or "" if it has none. */
static const char *
sim_problem(const char *line, int word)
{
	int i;

	memset(&seen, 0, sizeof(seen));
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	(void)cmdline_check(&cl, sim_keys, NULL, record, &seen);
	CHECK(seen_printable());
	for (i = 0; i < seen.s_n && i < 8; i++)
		if (seen.s_word[i] == word)
			return seen.s_msg[i];
	return "";
}

static void
test_sim_fault_needs_a_simulator(void)
{
	CHECK_STR(sim_problem("sim.fault=status-error", 0),
	    "sim.fault= needs hv=sim:<model>; hv= is not given (native)");
	CHECK_STR(sim_problem("hv=replay sim.fault=status-error", 1),
	    "sim.fault= needs hv=sim:<model>, not hv=replay");
	CHECK_STR(sim_problem("hv=\x1b sim.fault=status-error", 1),
	    "sim.fault= needs hv=sim:<model>, not hv=\\x1b");
	/* A model that does not exist is hv='s problem, not sim.fault's. */
	CHECK_STR(sim_problem("hv=sim:nosuch sim.fault=status-error", 1), "");
}

/* Each fault belongs to the models that inject it. */
static void
test_sim_fault_must_belong_to_the_model(void)
{
	static const struct {
		const char	*model;
		const char	*fault;
		bool		 ok;
	} cases[] = {
		{ "hyperv", "rpc-open-refused", false },
		{ "hyperv", "clock-odd-version", true },
		{ "hyperv", "garbage-cpuid", true },
		{ "xen", "clock-odd-version", false },
		{ "xen", "page-not-filled", true },
		{ "kvm", "status-error", true },
		{ "kvm", "rpc-no-success", false },
		{ "kvm+hyperv", "clock-odd-version", true },
		{ "xen+viridian", "clock-odd-version", true },
		{ "xen+viridian", "rpc-wrong-cookie", false },
		{ "vmware", "rpc-open-refused", true },
		{ "vmware", "rpc-endless-reply", true },
		{ "vmware", "garbage-cpuid", true },
		{ "vmware", "status-error", false },
		{ "vmware", "hypercall-msr-ignored", false },
	};
	char line[128];
	const char *p;
	size_t i;
	int nbad = 0;

	for (i = 0; i < nitems(cases); i++) {
		snprintf(line, sizeof(line), "hv=sim:%s sim.fault=%s",
		    cases[i].model, cases[i].fault);
		p = sim_problem(line, 1);
		if ((p[0] == '\0') != cases[i].ok) {
			printf("# %s: \"%s\"\n", line, p);
			nbad++;
		}
	}
	CHECK_EQ_INT(nbad, 0);
	CHECK_STR(sim_problem("hv=sim:hyperv sim.fault=status-error,"
	    "rpc-open-refused", 1), "sim.fault=rpc-open-refused does nothing "
	    "under sim:hyperv, whose faults are hypercall-msr-ignored, "
	    "page-not-filled, status-error, clock-odd-version or "
	    "garbage-cpuid");
}

static void
test_sim_fault_lists_are_strict(void)
{
	CHECK_STR(sim_problem("hv=sim:kvm sim.fault=", 1),
	    "sim.fault= names no fault");
	CHECK_STR(sim_problem("hv=sim:kvm sim.fault=status-error,", 1),
	    "sim.fault: the list ends with ','");
	CHECK_CONTAINS(sim_problem("hv=sim:kvm sim.fault=a,,b", 1),
	    "sim.fault: \"a\" is not a fault");
	CHECK_CONTAINS(sim_problem("hv=sim:kvm sim.fault=status-error,,"
	    "page-not-filled", 1), "sim.fault: \"\" is not a fault");
	CHECK_STR(sim_problem("hv=sim:kvm sim.fault=status-error,"
	    "status-error", 1), "sim.fault: \"status-error\" is named twice");
	CHECK_CONTAINS(sim_problem("hv=sim:kvm sim.fault=\"\x1b[0m\"", 1),
	    "sim.fault: \"\\x1b[0m\" is not a fault");
	CHECK_STR(sim_problem("hv=sim:kvm sim.fault=status-error,"
	    "page-not-filled", 1), "");
}

/* sim_backend.c answers CPUID from the dump when there is a profile. */
static void
test_sim_fault_garbage_cpuid_needs_no_profile(void)
{
	CHECK_STR(sim_problem("hv=sim:xen profile=yes "
	    "sim.fault=garbage-cpuid", 2), "sim.fault=garbage-cpuid does "
	    "nothing with profile=: CPUID then comes from the recorded dump");
	CHECK_STR(sim_problem("hv=sim:xen profile=yes sim.fault=status-error",
	    2), "");
}

static void
test_sim_failbyte_rules(void)
{
	static const char need[] = "hv=sim:vmware sim.fault=rpc-send-fails";
	char line[160];

	snprintf(line, sizeof(line), "%s sim.failbyte=12", need);
	CHECK_STR(sim_problem(line, 2), "");
	snprintf(line, sizeof(line), "%s sim.failbyte=65535", need);
	CHECK_STR(sim_problem(line, 2), "");
	snprintf(line, sizeof(line), "%s sim.failbyte=abc", need);
	CHECK_STR(sim_problem(line, 2),
	    "sim.failbyte=abc: want a decimal number from 0 to 65535");
	snprintf(line, sizeof(line), "%s sim.failbyte=-5", need);
	CHECK_CONTAINS(sim_problem(line, 2), "sim.failbyte=-5: want");
	snprintf(line, sizeof(line), "%s sim.failbyte=99999999999999999999",
	    need);
	CHECK_CONTAINS(sim_problem(line, 2), "want a decimal number");
	snprintf(line, sizeof(line), "%s sim.failbyte=65536", need);
	CHECK_CONTAINS(sim_problem(line, 2), "want a decimal number");
	CHECK_STR(sim_problem("hv=sim:vmware sim.fault=rpc-open-refused "
	    "sim.failbyte=12", 2), "sim.failbyte=12 does nothing without "
	    "the VMware host (hv=sim:vmware or sim:vmware+hyperv) and "
	    "sim.fault=rpc-send-fails");
	CHECK_CONTAINS(sim_problem("hv=sim:vmware sim.failbyte=12", 1),
	    "does nothing without");
	CHECK_CONTAINS(sim_problem("hv=sim:kvm sim.fault=status-error "
	    "sim.failbyte=12", 2), "does nothing without");
}

/*
 * What needed a forgotten word goes in the next pass: sim:nosuch is
 * refused, then sim.fault= has no simulator; sim.failbyte= never had
 * sim:vmware.
 */
static void
test_prune_follows_what_needed_a_forgotten_word(void)
{
	static const struct cmdline_key k[] = {
		{ "hv", "test", check_hv },
		{ "sim.fault", "sim_options.c", sim_check_fault },
		{ "sim.failbyte", "sim_options.c", sim_check_failbyte },
		{ NULL, NULL, NULL },
	};

	CHECK_EQ_INT(prune_line("hv=sim:nosuch sim.fault=status-error "
	    "sim.failbyte=3", k), 3);
	CHECK_STR(seen.s_msg[0], "hv=sim:nosuch: want sim:hyperv, sim:xen, "
	    "sim:kvm, sim:kvm+hyperv, sim:xen+viridian, sim:vmware, "
	    "sim:vmware-vmcall, sim:virtualbox, sim:vmware+hyperv or "
	    "sim:kvm-xen");
	CHECK_STR(seen.s_msg[1], "sim.failbyte=3 does nothing without "
	    "the VMware host (hv=sim:vmware or sim:vmware+hyperv) and "
	    "sim.fault=rpc-send-fails");
	CHECK_EQ_INT(seen.s_word[2], 0);	/* the next pass: word 1 of 1 */
	CHECK_STR(seen.s_msg[2], "sim.fault= needs hv=sim:<model>; hv= is "
	    "not given (native)");
	CHECK_STR(left(), "");
	CHECK(seen_printable());
	/* Within a pass the checks see the line as given: the last hv=. */
	CHECK_EQ_INT(prune_line("hv=sim:kvm sim.fault=status-error "
	    "hv=native", k), 2);
	CHECK_STR(seen.s_msg[0], "hv= is given 2 times (words 1 and 3): say "
	    "it once");
	CHECK_STR(seen.s_msg[1], "sim.fault= needs hv=sim:<model>, not "
	    "hv=native");
	CHECK_STR(left(), "");
	CHECK_EQ_INT(prune_line("hv=sim:vmware sim.fault=rpc-send-fails "
	    "sim.failbyte=3", k), 0);
	CHECK_EQ_INT(cl.cl_nwords, 3);
}

static void
test_sim_models_by_name(void)
{
	char err[CMDLINE_MSG_MAX];

	CHECK_EQ_INT(sim_check_model("kvm+hyperv", err, sizeof(err)), 0);
	CHECK_EQ_INT(sim_check_model("KVM", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "hv=sim:KVM: want sim:hyperv, sim:xen, sim:kvm, "
	    "sim:kvm+hyperv, sim:xen+viridian, sim:vmware, sim:vmware-vmcall, "
	    "sim:virtualbox, sim:vmware+hyperv or sim:kvm-xen");
	CHECK_EQ_INT(sim_check_model("\r\n", err, sizeof(err)), EINVAL);
	CHECK_CONTAINS(err, "hv=sim:\\x0d\\x0a: want");
	CHECK_EQ_INT(sim_setup_model("nosuch", 0, err, sizeof(err)), EINVAL);
	CHECK_CONTAINS(err, "hv=sim:nosuch: want sim:hyperv");
	CHECK_EQ_INT(sim_setup_model("xen+viridian", 0, err, sizeof(err)), 0);
	CHECK_EQ_INT(sim.sm_niface, 2);
}

/* A new parse forgets the old one, error included. */
static void
test_reparse_starts_clean(void)
{
	CHECK_EQ_INT(cmdline_parse("a=\"", &cl), EINVAL);
	CHECK_EQ_INT(cmdline_parse("b", &cl), 0);
	CHECK_STR(cl.cl_error, "");
	CHECK_EQ_INT(cl.cl_nwords, 1);
	CHECK(!cmdline_has(&cl, "a"));
}

static void
test_global_instance(void)
{
	CHECK_EQ_INT(cmdline_parse("hv=sim:vmware", &cmdline), 0);
	CHECK_STR(cmdline_get(&cmdline, "hv"), "sim:vmware");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_words_and_flags),
	CHECK_TEST(test_quotes_group_spaces),
	CHECK_TEST(test_backslash_escapes),
	CHECK_TEST(test_value_keeps_later_equals),
	CHECK_TEST(test_last_duplicate_wins),
	CHECK_TEST(test_empty_and_blank_lines),
	CHECK_TEST(test_spaces_and_tabs_separate),
	CHECK_TEST(test_unterminated_quote_keeps_earlier_words),
	CHECK_TEST(test_empty_key_is_einval),
	CHECK_TEST(test_longest_line_keeps_every_word),
	CHECK_TEST(test_key_far_into_the_line_is_read),
	CHECK_TEST(test_overlong_line_is_e2big),
	CHECK_TEST(test_control_bytes_stay_in_words),
	CHECK_TEST(test_uint_takes_plain_decimals_only),
	CHECK_TEST(test_check_accepts_good_lines),
	CHECK_TEST(test_check_unknown_and_misplaced_keys),
	CHECK_TEST(test_check_each_key_once_with_a_value),
	CHECK_TEST(test_check_runs_the_key_check),
	CHECK_TEST(test_prune_forgets_only_bad_words),
	CHECK_TEST(test_sim_fault_needs_a_simulator),
	CHECK_TEST(test_sim_fault_must_belong_to_the_model),
	CHECK_TEST(test_sim_fault_lists_are_strict),
	CHECK_TEST(test_sim_fault_garbage_cpuid_needs_no_profile),
	CHECK_TEST(test_sim_failbyte_rules),
	CHECK_TEST(test_prune_follows_what_needed_a_forgotten_word),
	CHECK_TEST(test_sim_models_by_name),
	CHECK_TEST(test_reparse_starts_clean),
	CHECK_TEST(test_global_instance),
};

int
main(void)
{
	return check_main("test_cmdline", tests, nitems(tests));
}

/*
 * cmdline_parse() and its lookups (kernel/cmdline.c) on the command
 * lines GRUB and QEMU write: the kernel path first, words with spaces
 * in double quotes, backslashes before quotes and backslashes.
 */

#include "check.h"
#include "kern.h"
#include "cmdline.h"

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

/* 32 words fit, the 33rd is E2BIG; trailing blanks are not a word. */
static void
test_33_words_is_e2big(void)
{
	char line[400];
	size_t len = 0;
	int i;

	for (i = 0; i < 32; i++)
		len += snprintf(line + len, sizeof(line) - len, "w%d=%d ", i,
		    i);
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	CHECK_EQ_INT(cl.cl_nwords, CMDLINE_WORDS_MAX);
	snprintf(line + len, sizeof(line) - len, "w32=32");
	CHECK_EQ_INT(cmdline_parse(line, &cl), E2BIG);
	CHECK_EQ_INT(cl.cl_nwords, CMDLINE_WORDS_MAX);
	CHECK_STR(cmdline_get(&cl, "w0"), "0");
	CHECK_STR(cmdline_get(&cl, "w31"), "31");
	CHECK(cmdline_get(&cl, "w32") == NULL);
	CHECK_CONTAINS(cl.cl_error, "more than 32 words");
}

/* cl_buf holds 1024 bytes: a 1023-byte word and its NUL, no more. */
static void
test_overlong_is_enospc(void)
{
	static char line[1200];

	memset(line, 'k', 1023);
	line[1023] = '\0';
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	CHECK_EQ_INT(strlen(cl.cl_words[0].cw_key), 1023);
	line[1023] = 'k';
	line[1024] = '\0';
	CHECK_EQ_INT(cmdline_parse(line, &cl), ENOSPC);
	CHECK_EQ_INT(cl.cl_nwords, 0);
	memcpy(line, "first ", 6);
	memset(line + 6, 'k', 1100);
	line[1106] = '\0';
	CHECK_EQ_INT(cmdline_parse(line, &cl), ENOSPC);
	CHECK_EQ_INT(cl.cl_nwords, 1);
	CHECK(cmdline_has(&cl, "first"));
	CHECK_STR(cl.cl_error,
	    "cmdline: word 2 at offset 6 does not fit in 1024 bytes");
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
	CHECK_TEST(test_33_words_is_e2big),
	CHECK_TEST(test_overlong_is_enospc),
	CHECK_TEST(test_reparse_starts_clean),
	CHECK_TEST(test_global_instance),
};

int
main(void)
{
	return check_main("test_cmdline", tests, nitems(tests));
}

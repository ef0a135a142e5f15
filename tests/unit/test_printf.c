/*
 * kernel/printf.c against the host C library.  For every conversion the
 * kernel supports (C11 7.21.6.1: d i u o x X c s p %), crossed with the
 * flags, widths and precisions, kern_snprintf() must produce the same
 * bytes and return the same length as the host's snprintf().  Cases
 * where C leaves the result to the implementation (%p of NULL, %s of
 * NULL) or undefined ('#' with d, '0' with s) are checked separately
 * or left out.
 */

#include <limits.h>

#include "check.h"
#include "kern.h"

static char kbuf[512], hbuf[512];

/* The host's, through a va_list so the compiler does not fold it. */
static int
host_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
host_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Format once with each and compare; 'fmt' is not a literal (the tables
 * build it), so the caller guarantees the argument types.
 */
static bool
same_v(const char *file, int line, const char *fmt, va_list ap)
{
	va_list aq;
	int kn, hn;

	va_copy(aq, ap);
	kn = kern_vsnprintf(kbuf, sizeof(kbuf), fmt, ap);
	hn = vsnprintf(hbuf, sizeof(hbuf), fmt, aq);
	va_end(aq);
	return check_result(file, line, kn == hn && strcmp(kbuf, hbuf) == 0,
	    "format \"%s\": kernel \"%s\" (%d), host \"%s\" (%d)", fmt, kbuf,
	    kn, hbuf, hn);
}

static bool
same_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = same_v(file, line, fmt, ap);
	va_end(ap);
	return ok;
}

/* With a literal format, so the compiler checks the arguments too. */
#define SAME(...)	same_fmt(__FILE__, __LINE__, __VA_ARGS__)
static bool same_fmt(const char *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static bool
same_fmt(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = same_v(file, line, fmt, ap);
	va_end(ap);
	return ok;
}

/* Every flag set worth trying; "-0" and "+ " test which one wins. */
static const char *const flags[] = {
	"", "-", "+", " ", "#", "0", "-0", "+0", " 0", "-+", "+ ", "#0",
	"-#", "#-0", "+-0 ",
};
static const char *const widths[] = { "", "1", "2", "6", "24" };
static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".22" };

/*
 * Build "%<flags><width><prec><len><conv>" for every combination C
 * defines for this conversion, and call f with each.  '#' is defined
 * only for o x X (and our p); '0' and precision not for c.
 */
static int
each_format(const char *len, char conv, void (*f)(const char *))
{
	char fmt[32];
	size_t i, j, k;
	int n = 0;

	for (i = 0; i < nitems(flags); i++) {
		if (strchr(flags[i], '#') != NULL &&
		    strchr("oxX", conv) == NULL)
			continue;
		if (strchr(flags[i], '0') != NULL && conv == 'c')
			continue;
		for (j = 0; j < nitems(widths); j++)
			for (k = 0; k < nitems(precs); k++) {
				if (conv == 'c' && precs[k][0] != '\0')
					continue;
				snprintf(fmt, sizeof(fmt), "%%%s%s%s%s%c",
				    flags[i], widths[j], precs[k], len, conv);
				f(fmt);
				n++;
			}
	}
	return n;
}

static const int ints[] = { 0, 1, -1, 7, 8, 42, -42, 255, 4096, 123456,
    -123456, INT_MAX, INT_MIN, INT_MIN + 1 };

static void
one_int(const char *fmt)
{
	size_t i;

	for (i = 0; i < nitems(ints); i++)
		same_at(__FILE__, __LINE__, fmt, ints[i]);
}

static void
one_uint(const char *fmt)
{
	size_t i;

	for (i = 0; i < nitems(ints); i++)
		same_at(__FILE__, __LINE__, fmt, (unsigned)ints[i]);
}

/*
 * Every flag, width and precision for one length modifier, with signed
 * values for d i and unsigned ones for u o x X.
 */
static void
each_length(const char *len, void (*sgn)(const char *),
    void (*uns)(const char *))
{
	const char *conv;

	for (conv = "diuoxX"; *conv != '\0'; conv++)
		CHECK(each_format(len, *conv, strchr("di", *conv) != NULL ?
		    sgn : uns) > 100);
}

static void
test_int_conversions_match_libc(void)
{
	each_length("", one_int, one_uint);
}

static const long long llongs[] = { 0, 1, -1, 4294967296LL, -4294967296LL,
    LLONG_MAX, LLONG_MIN, LLONG_MIN + 1, 0x123456789abcdefLL };

static void
one_llong(const char *fmt)
{
	size_t i;

	for (i = 0; i < nitems(llongs); i++)
		same_at(__FILE__, __LINE__, fmt, llongs[i]);
}

static void
one_ullong(const char *fmt)
{
	size_t i;

	for (i = 0; i < nitems(llongs); i++)
		same_at(__FILE__, __LINE__, fmt, (unsigned long long)llongs[i]);
}

static void
one_long(const char *fmt)
{
	size_t i;

	for (i = 0; i < nitems(llongs); i++)
		same_at(__FILE__, __LINE__, fmt, (long)llongs[i]);
}

static void
one_ulong(const char *fmt)
{
	size_t i;

	for (i = 0; i < nitems(llongs); i++)
		same_at(__FILE__, __LINE__, fmt, (unsigned long)llongs[i]);
}

/* 64-bit conversions, including ULLONG_MAX and LLONG_MIN. */
static void
test_long_conversions_match_libc(void)
{
	each_length("ll", one_llong, one_ullong);
	each_length("l", one_long, one_ulong);
}

/*
 * hh and h convert the int argument to char or short first (7.21.6.1p7),
 * so out-of-range ints are the point.  clang's -Wformat objects to an
 * int there, so these go through same_at(), which it does not check.
 */
static void
test_short_lengths_match_libc(void)
{
	same_at(__FILE__, __LINE__, "%hhd %hhd %hhd %hhd", 127, 128, 200,
	    -129);
	same_at(__FILE__, __LINE__, "%hhu %hhu %hhx %hho", 255, 256, 0x1ff,
	    -1);
	same_at(__FILE__, __LINE__, "%hd %hd %hd", 32767, 32768, 70000);
	same_at(__FILE__, __LINE__, "%hu %hx %#hX %ho", 65535, 0x12345, -1,
	    65536 + 8);
	same_at(__FILE__, __LINE__, "%05hhd|%-5hd|%+hd", -3, -300, 300);
	each_length("hh", one_int, one_uint);
	each_length("h", one_int, one_uint);
}

/* j z t: intmax_t, size_t, ptrdiff_t. */
static void
test_j_z_t_lengths_match_libc(void)
{
	SAME("%jd %jd %jd", (intmax_t)0, INTMAX_MAX, INTMAX_MIN);
	SAME("%ju %jx %#jo", UINTMAX_MAX, UINTMAX_MAX, (uintmax_t)8);
	SAME("%zu %zx %zu", (size_t)0, SIZE_MAX, sizeof(long double));
	SAME("%zd %zd", (long)-5, (long)LONG_MAX);
	SAME("%td %td %tx", PTRDIFF_MIN, PTRDIFF_MAX, (ptrdiff_t)-1);
	SAME("%tu %to", (ptrdiff_t)12, (ptrdiff_t)-8);
	SAME("%20jd|%-20zu|%020td", INTMAX_MIN, SIZE_MAX, PTRDIFF_MIN);
	/* All three are long-sized here (LP64), so long values serve. */
	each_length("j", one_long, one_ulong);
	each_length("z", one_long, one_ulong);
	each_length("t", one_long, one_ulong);
}

/* '*' takes the width or precision from an int; negative has meaning. */
static void
test_star_width_and_precision_match_libc(void)
{
	SAME("[%*d]", 6, 42);
	SAME("[%*d]", -6, 42);		/* a '-' flag and width 6 */
	SAME("[%-*d]", -6, 42);
	SAME("[%*d]", 0, 42);
	SAME("[%.*d]", 4, 42);
	SAME("[%.*d]", -1, 42);		/* as if no precision */
	SAME("[%.*d]", 0, 0);
	/* Precision gone, so '0' counts; gcc cannot know, and warns. */
	same_at(__FILE__, __LINE__, "[%0*.*d]", 8, -3, -42);
	SAME("[%*.*x]", 10, 6, 0xbeefu);
	SAME("[%-*.*s]", 8, 3, "abcdef");
	SAME("[%*s|%*c]", -5, "ab", 3, 'z');
	SAME("[%.*s]", -1, "whole");
}

static const char *const strs[] = { "", "a", "hello", "hello, world",
    "tab\there" };

static void
one_str(const char *fmt)
{
	size_t i;

	for (i = 0; i < nitems(strs); i++)
		same_at(__FILE__, __LINE__, fmt, strs[i]);
}

static void
one_char(const char *fmt)
{
	static const int chars[] = { 'a', ' ', '~', 0x7f, 0xe9 };
	size_t i;

	for (i = 0; i < nitems(chars); i++)
		same_at(__FILE__, __LINE__, fmt, chars[i]);
}

/* '0' with s is undefined, so only the "-" flag with widths, precisions. */
static void
test_strings_and_chars_match_libc(void)
{
	char fmt[32];
	size_t j, k;

	for (j = 0; j < nitems(widths); j++)
		for (k = 0; k < nitems(precs); k++) {
			snprintf(fmt, sizeof(fmt), "%%%s%ss", widths[j],
			    precs[k]);
			one_str(fmt);
			snprintf(fmt, sizeof(fmt), "%%-%s%ss", widths[j],
			    precs[k]);
			one_str(fmt);
		}
	CHECK(each_format("", 'c', one_char) > 20);
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("%.3s|", "abc\0def");
}

/* %p of a real pointer is "0x" and lower-case hex in both. */
static void
test_pointers_match_libc(void)
{
	int local;
	static int global;

	SAME("%p", (void *)&local);
	SAME("%p", (void *)&global);
	SAME("%p", (void *)(uintptr_t)0x1000);
	SAME("[%24p]", (void *)&local);
	SAME("[%-24p]", (void *)&global);
	SAME("%p", (void *)UINTPTR_MAX);
}

static void
test_plain_text_and_percent_match_libc(void)
{
	SAME("%s", "");
	SAME("no conversions at all");
	SAME("%%");
	SAME("100%% of %d", 3);
	SAME("%s=%d, %s=0x%x, %c%%", "a", -1, "b", 255u, 'z');
	SAME("%d%d%d%d%d%d%d%d", 1, 2, 3, 4, 5, 6, 7, 8);
	SAME("%lld %s %llu %c", LLONG_MIN, "mixed", ULLONG_MAX, 'q');
}

/*
 * The corner cases C spells out: a zero with precision 0 prints no
 * digits, but "%#o" still prints its '0' and "%+.0d" its sign; "%#x"
 * of zero has no "0x".
 */
static void
test_zero_corner_cases(void)
{
	CHECK_EQ_INT(kern_snprintf(kbuf, sizeof(kbuf), "[%.0d]", 0), 2);
	CHECK_STR(kbuf, "[]");
	kern_snprintf(kbuf, sizeof(kbuf), "[%#.0o|%#o|%#x|%#.0x|%+.0d|%5.0u]",
	    0u, 0u, 0u, 0u, 0, 0u);
	CHECK_STR(kbuf, "[0|0|0||+|     ]");
	kern_snprintf(kbuf, sizeof(kbuf), "[%#o|%#.3o|%#x|%#X|%#06x]", 8u, 8u,
	    255u, 255u, 255u);
	CHECK_STR(kbuf, "[010|010|0xff|0XFF|0x00ff]");
	kern_snprintf(kbuf, sizeof(kbuf), "[%d|%i|%lld]", INT_MIN, INT_MAX,
	    LLONG_MIN);
	CHECK_STR(kbuf, "[-2147483648|2147483647|-9223372036854775808]");
}

/* Implementation-defined: ours prints "(null)" and "0". */
static void
test_null_string_and_pointer(void)
{
	const char *volatile null = NULL;	/* hidden from gcc's check */

	CHECK_EQ_INT(kern_snprintf(kbuf, sizeof(kbuf), "%s", null), 6);
	CHECK_STR(kbuf, "(null)");
	kern_snprintf(kbuf, sizeof(kbuf), "[%8s|%-8s|%.3s]", null, null, null);
	CHECK_STR(kbuf, "[  (null)|(null)  |(nu]");
	kern_snprintf(kbuf, sizeof(kbuf), "%p", (void *)NULL);
	CHECK_STR(kbuf, "0");
}

/* %c of 0 writes a NUL byte and counts it, as the host's does. */
static void
test_char_nul_is_written_and_counted(void)
{
	char kb[8], hb[8];

	memset(kb, '#', sizeof(kb));
	memset(hb, '#', sizeof(hb));
	CHECK_EQ_INT(kern_snprintf(kb, sizeof(kb), "a%cb", 0), 3);
	CHECK_EQ_INT(host_snprintf(hb, sizeof(hb), "a%cb", 0), 3);
	CHECK(memcmp(kb, "a\0b\0####", sizeof(kb)) == 0);
	CHECK(memcmp(kb, hb, sizeof(kb)) == 0);
}

/*
 * Not C's business: a conversion printf.c does not know, or a '%' at
 * the very end, is printed as written.  The format is hidden from the
 * compiler, which would rightly warn.
 */
static void
test_unknown_conversion_is_shown(void)
{
	const char *volatile fmt;

	fmt = "[%y|%w]";
	CHECK_EQ_INT(kern_snprintf(kbuf, sizeof(kbuf), fmt, 0), 7);
	CHECK_STR(kbuf, "[%y|%w]");
	fmt = "100%";
	CHECK_EQ_INT(kern_snprintf(kbuf, sizeof(kbuf), fmt, 0), 4);
	CHECK_STR(kbuf, "100%");
}

/* A shared check for one buffer size: same result, nothing past 'size'. */
static void
check_truncated(size_t size, const char *want, int wantlen, int got,
    const char *buf)
{
	size_t i;

	CHECK_EQ_INT(got, wantlen);
	if (size > 0) {
		CHECK_EQ_INT(strlen(buf), size - 1 < (size_t)wantlen ?
		    size - 1 : (size_t)wantlen);
		CHECK(strncmp(buf, want, strlen(buf)) == 0);
	}
	for (i = size; i < 64; i++)
		if (!CHECK_EQ_INT(buf[i], '#'))
			break;
}

/*
 * C11 7.21.6.5: at most size - 1 bytes and a NUL are written, nothing
 * at all for size 0 (buf may then be NULL), and the return value is the
 * length the whole output would have had.
 */
static void
test_truncation_and_return_value(void)
{
	const char *want = "abc-42-0x2a-xyz";
	int wantlen = (int)strlen(want), got, hgot;
	char buf[64], hb[64];
	size_t size;

	for (size = 0; size <= (size_t)wantlen + 2; size++) {
		memset(buf, '#', sizeof(buf));
		memset(hb, '#', sizeof(hb));
		got = kern_snprintf(buf, size, "abc%d-%#x-%s", -42, 42u, "xyz");
		hgot = host_snprintf(hb, size, "abc%d-%#x-%s", -42, 42u, "xyz");
		check_truncated(size, want, wantlen, got, buf);
		CHECK(got == hgot && memcmp(buf, hb, sizeof(buf)) == 0);
	}
	CHECK_EQ_INT(kern_snprintf(NULL, 0, "%s%d", "twelve", 123456), 12);
	CHECK_EQ_INT(fake_cons_len, 0);		/* counted, not printed */
	CHECK_EQ_INT(kern_snprintf(NULL, 0, "%s", ""), 0);
	memset(buf, '#', sizeof(buf));
	CHECK_EQ_INT(kern_snprintf(buf, 1, "%s", "x"), 1);
	CHECK_EQ_INT(buf[0], '\0');
	CHECK_EQ_INT(buf[1], '#');
}

static int
call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kern_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* The va_list entry point, and a result longer than any buffer. */
static void
test_vsnprintf_long_output(void)
{
	char small[8];

	CHECK_EQ_INT(call_vsnprintf(small, sizeof(small), "%300d|%s", 1,
	    "tail"), 305);
	CHECK_STR(small, "       ");
	CHECK_EQ_INT(call_vsnprintf(kbuf, sizeof(kbuf), "%-300d|", 7), 301);
	CHECK_EQ_INT(kbuf[0], '7');
	CHECK_EQ_INT(kbuf[299], ' ');
	CHECK_EQ_INT(kbuf[300], '|');
}

/* printf() goes to cons_putc() a byte at a time; the fake records it. */
static void
test_printf_goes_to_console(void)
{
	CHECK_EQ_INT(kern_printf("vmt%d at %s: %#x\n", 0, "pvbus0", 6u), 20);
	CHECK_STR(fake_cons_buf, "vmt0 at pvbus0: 0x6\n");
	CHECK_EQ_INT(fake_cons_len, 20);
}

/*
 * "%pE": outside text escaped so that it cannot end a line, close a
 * quote or put a '#' where a KTAP reader looks for a directive.
 */
static void
test_escaped_string(void)
{
	char buf[128];

	CHECK_EQ_INT(kern_snprintf(buf, sizeof(buf), "[%pE]", "plain text"),
	    12);
	CHECK_STR(buf, "[plain text]");
	kern_snprintf(buf, sizeof(buf), "%pE", "a\nok 4 fake\r\x1b[2J");
	CHECK_STR(buf, "a\\x0aok 4 fake\\x0d\\x1b[2J");
	kern_snprintf(buf, sizeof(buf), "%pE", "x\" vendor=xen \\ # SKIP y");
	CHECK_STR(buf, "x\\\" vendor=xen \\\\ \\x23 SKIP y");
	kern_snprintf(buf, sizeof(buf), "%pE", "\x7f\x80\xff~ ");
	CHECK_STR(buf, "\\x7f\\x80\\xff~ ");
	/* A width is the byte count, NULs included, as in Linux. */
	kern_snprintf(buf, sizeof(buf), "%*pE|", 12, "KVMKVMKVM\0\0\0");
	CHECK_STR(buf, "KVMKVMKVM\\0\\0\\0|");
	kern_snprintf(buf, sizeof(buf), "%*pE|", 0, "unseen");
	CHECK_STR(buf, "|");
	kern_snprintf(buf, sizeof(buf), "%pE", (const char *)NULL);
	CHECK_STR(buf, "(null)");
	/* The E is part of the conversion; a plain %p is unchanged. */
	kern_snprintf(buf, sizeof(buf), "%p", (void *)0x10);
	CHECK_STR(buf, "0x10");
	CHECK_EQ_INT(kern_snprintf(buf, 4, "%pE", "\n\n"), 8);
	CHECK_STR(buf, "\\x0");
	/* The phrases at which kunit.py stops reading are broken. */
	kern_snprintf(buf, sizeof(buf), "%pE", "x reboot: System halted");
	CHECK_STR(buf, "x \\x72eboot: System halted");
	kern_snprintf(buf, sizeof(buf), "%pE|%pE", "List of all partitions:",
	    "Kernel panic - not syncing: VFS: x");
	CHECK_STR(buf, "\\x4cist of all partitions:|"
	    "\\x4bernel panic - not syncing: VFS: x");
	kern_snprintf(buf, sizeof(buf), "%*pE|%pE", 20, "reboot: System halted",
	    "reboot: System halte");
	CHECK_STR(buf, "reboot: System halte|reboot: System halte");
}

/*
 * On the console "%s" never sends a control byte, whatever the string
 * holds; into a buffer it copies bytes as they are (snprintf builds
 * protocol messages too).
 */
static void
test_console_string_has_no_control_bytes(void)
{
	char buf[32];

	kern_printf("[%s]\n", "fault=gp\nok 4 fake\x1b\a");
	CHECK_STR(fake_cons_buf, "[fault=gp\\x0aok 4 fake\\x1b\\x07]\n");
	fake_cons_reset();
	kern_printf("[%-6s|%3s|%.2s]", "\t", "\x80", "\r\r\r");
	CHECK_STR(fake_cons_buf, "[\\x09  |\\x80|\\x0d\\x0d]");
	kern_snprintf(buf, sizeof(buf), "%s", "a\nb");
	CHECK_STR(buf, "a\nb");
}

/*
 * The fakes other tests lean on: panic() prints its message and leaves
 * through kexit(KEXIT_PANIC), which returns to the test that armed it.
 */
static void
test_fake_panic_returns_through_kexit(void)
{
	jmp_buf jb;

	fake_kexit_jmp = &jb;
	if (setjmp(jb) == 0) {
		panic("trap_init: %d vectors", 256);
		CHECK(!"panic returned");
	}
	CHECK_EQ_INT(fake_kexit_status, KEXIT_PANIC);
	CHECK_CONTAINS(fake_cons_buf, "trap_init: 256 vectors");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_int_conversions_match_libc),
	CHECK_TEST(test_long_conversions_match_libc),
	CHECK_TEST(test_short_lengths_match_libc),
	CHECK_TEST(test_j_z_t_lengths_match_libc),
	CHECK_TEST(test_star_width_and_precision_match_libc),
	CHECK_TEST(test_strings_and_chars_match_libc),
	CHECK_TEST(test_pointers_match_libc),
	CHECK_TEST(test_plain_text_and_percent_match_libc),
	CHECK_TEST(test_zero_corner_cases),
	CHECK_TEST(test_null_string_and_pointer),
	CHECK_TEST(test_char_nul_is_written_and_counted),
	CHECK_TEST(test_unknown_conversion_is_shown),
	CHECK_TEST(test_truncation_and_return_value),
	CHECK_TEST(test_vsnprintf_long_output),
	CHECK_TEST(test_printf_goes_to_console),
	CHECK_TEST(test_escaped_string),
	CHECK_TEST(test_console_string_has_no_control_bytes),
	CHECK_TEST(test_fake_panic_returns_through_kexit),
};

int
main(void)
{
	return check_main("test_printf", tests, nitems(tests));
}

/*
 * A small harness for the host unit tests.  A test is a function that
 * makes CHECKs; a failed CHECK prints file:line, the expression and the
 * values, and the test goes on so one run shows every failure.  Each
 * test_<module>.c lists its tests in a table and ends main() with
 * check_main(), which prints one line per test:
 *
 *	ok - test_cmdline_quoted_value
 *	not ok - test_cmdline_last_duplicate_wins
 *	# test_cmdline: 14 tests, 71 checks, 1 failed
 *
 * and returns non-zero if any test failed or made no check at all.
 * tests/unit/run.sh reads the last line.  Everything here is static
 * but the two counters, which are the binary's: a CHECK in a helper the
 * test links (sim_host.c) counts with the test file's own.
 */
#ifndef _TESTS_UNIT_CHECK_H_
#define _TESTS_UNIT_CHECK_H_

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The kernel's printf family.  unit.mk compiles kernel sources with
 * -Dprintf=kern_printf and so on, so these are the kernel's own, next to
 * (not instead of) the C library's printf that the tests print with.
 */
int	kern_printf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
int	kern_vprintf(const char *fmt, va_list ap);
int	kern_snprintf(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	kern_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* fake_cons.c: what the kernel prints, and where kexit() goes. */
#define FAKE_CONS_MAX	8192
extern char	fake_cons_buf[FAKE_CONS_MAX];	/* NUL-terminated */
extern size_t	fake_cons_len;
void	fake_cons_reset(void);
extern jmp_buf	*fake_kexit_jmp;	/* kexit() longjmps here, or aborts */
extern int	fake_kexit_status;	/* its argument */

struct check_test {
	const char	*ct_name;
	void		(*ct_func)(void);
};
#define CHECK_TEST(f)	{ #f, f }

#define CHECK_SHOW_MAX	20	/* failures shown per test, then counted */

/* Weak: every file that includes this defines them, the link keeps one. */
__attribute__((weak)) int check_nchecks;	/* made by this binary */
__attribute__((weak)) int check_nfailed;	/* failed in the running test */

static inline bool check_result(const char *, int, bool, const char *, ...)
    __attribute__((format(printf, 4, 5)));

/* Count one check; say where and why it failed, the first few times. */
static inline bool
check_result(const char *file, int line, bool ok, const char *fmt, ...)
{
	va_list ap;

	check_nchecks++;
	if (ok)
		return true;
	if (check_nfailed++ < CHECK_SHOW_MAX) {
		printf("# %s:%d: ", file, line);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	return false;
}

static inline bool
check_true(const char *file, int line, const char *expr, bool ok)
{
	return check_result(file, line, ok, "CHECK(%s) failed", expr);
}

static inline bool
check_eq_int(const char *file, int line, const char *ea, const char *eb,
    long long a, long long b)
{
	return check_result(file, line, a == b,
	    "CHECK_EQ_INT(%s, %s) failed: %lld != %lld", ea, eb, a, b);
}

static inline bool
check_eq_hex(const char *file, int line, const char *ea, const char *eb,
    unsigned long long a, unsigned long long b)
{
	return check_result(file, line, a == b,
	    "CHECK_EQ_HEX(%s, %s) failed: 0x%llx != 0x%llx", ea, eb, a, b);
}

static inline bool
check_str(const char *file, int line, const char *ea, const char *eb,
    const char *a, const char *b)
{
	return check_result(file, line, a != NULL && b != NULL &&
	    strcmp(a, b) == 0, "CHECK_STR(%s, %s) failed: \"%s\" != \"%s\"",
	    ea, eb, a != NULL ? a : "(NULL)", b != NULL ? b : "(NULL)");
}

static inline bool
check_contains(const char *file, int line, const char *ea, const char *eb,
    const char *hay, const char *needle)
{
	return check_result(file, line, hay != NULL && needle != NULL &&
	    strstr(hay, needle) != NULL,
	    "CHECK_CONTAINS(%s, %s) failed: \"%s\" lacks \"%s\"", ea, eb,
	    hay != NULL ? hay : "(NULL)", needle != NULL ? needle : "(NULL)");
}

#define CHECK(c)		check_true(__FILE__, __LINE__, #c, (c))
#define CHECK_EQ_INT(a, b)	check_eq_int(__FILE__, __LINE__, #a, #b, \
				    (long long)(a), (long long)(b))
#define CHECK_EQ_HEX(a, b)	check_eq_hex(__FILE__, __LINE__, #a, #b, \
				    (unsigned long long)(a), \
				    (unsigned long long)(b))
#define CHECK_STR(a, b)		check_str(__FILE__, __LINE__, #a, #b, (a), (b))
#define CHECK_CONTAINS(h, n)	check_contains(__FILE__, __LINE__, #h, #n, \
				    (h), (n))

/*
 * Run every test in order.  Output is unbuffered so that a sanitizer
 * report, which ends the process at once, comes after the lines of the
 * tests that ran before it.
 */
static inline int
check_main(const char *prog, const struct check_test *tests, size_t ntests)
{
	size_t i;
	int before, nbad = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (i = 0; i < ntests; i++) {
		check_nfailed = 0;
		before = check_nchecks;
		fake_cons_reset();
		tests[i].ct_func();
		if (check_nchecks == before) {
			printf("# %s made no check\n", tests[i].ct_name);
			check_nfailed++;
		}
		if (check_nfailed > CHECK_SHOW_MAX)
			printf("# %d more failed checks not shown\n",
			    check_nfailed - CHECK_SHOW_MAX);
		printf("%sok - %s\n", check_nfailed ? "not " : "",
		    tests[i].ct_name);
		nbad += check_nfailed != 0;
	}
	printf("# %s: %zu tests, %d checks, %d failed\n", prog, ntests,
	    check_nchecks, nbad);
	return nbad != 0;
}

#endif

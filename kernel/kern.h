/*
 * What every part of the kernel may call: formatted output, panic, the
 * mem and str functions, and the exit path.  Nothing here touches
 * hardware directly, so the files that include only this header can be
 * compiled for the host and unit-tested there.
 */
#ifndef _KERNEL_KERN_H_
#define _KERNEL_KERN_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errno.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define roundup(x, y)	((((x) + ((y) - 1)) / (y)) * (y))
/* __printf__, as unit tests rename printf (see tests/unit/unit.mk). */
#define __printflike(f, a)	__attribute__((format(__printf__, f, a)))
#define __noreturn	__attribute__((noreturn))
#define __unused	__attribute__((unused))

/*
 * Exit statuses written to QEMU's isa-debug-exit port (kexit()).  QEMU
 * exits with (status << 1) | 1, given in the second column; see README
 * "Exit codes".  Success is not 0 because QEMU itself exits 1 when it
 * cannot start, which would then read as a pass (blog_os chose 0x10 for
 * the same reason).  Keep every value below 64: QEMU's code is 8 bits.
 */
#define KEXIT_PASS	0x10	/* 33: every test passed or was skipped */
#define KEXIT_FAIL	0x11	/* 35: at least one test failed */
#define KEXIT_CRASH	0x12	/* 37: a CPU exception nobody expected */
#define KEXIT_BOOTERR	0x13	/* 39: this CPU cannot run us (boot.asm) */
#define KEXIT_PANIC	0x14	/* 41: the kernel reached a "can't happen" */
#define KEXIT_HALT	0x15	/* 43: the host asked us to power off */

/* printf.c: the formatter needs no hardware; output goes to cons_putc. */
int	printf(const char *fmt, ...) __printflike(1, 2);
int	vprintf(const char *fmt, va_list ap);
int	snprintf(char *buf, size_t size, const char *fmt, ...)
	    __printflike(3, 4);
int	vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* format.c: the formatter itself, sending each byte to out. */
int	vformat(void (*out)(int), const char *fmt, va_list ap);
void	panic(const char *fmt, ...) __printflike(1, 2) __noreturn;

/*
 * One line: what, then the name of each bit set in v (a table ended by
 * a NULL name), "bitN" for one the table does not name, "none" for 0.
 */
struct bit_name {
	int		bn_bit;
	const char	*bn_name;
};
void	print_bits(const char *what, uint64_t v, const struct bit_name *names);
/*
 * One byte as "%pE" prints it (1, 2 or 4 characters, no NUL): alone,
 * or at s with left bytes from s on, which also breaks the phrases that
 * stop Linux's kunit.py.
 */
size_t	esc_byte(char out[4], unsigned char c);
size_t	esc_at(char out[4], const char *s, size_t left);

/* console.c (or a test's recording fake): where printf's bytes go. */
void	cons_putc(int c);

/* exit.c: print nothing more, tell the host, stop the CPU. */
struct bootinfo;
struct cmdline;
void	kexit(int status) __noreturn;
int	kexit_check(const char *value, const struct cmdline *cl,
	    const struct bootinfo *bi, char *err, size_t errlen);	/* exit= */
void	kexit_at(void (*fn)(void));
void	kexit_report_with(void (*fn)(int status, bool halted));	/* run at kexit() and kreboot() */
void	kreboot(void) __noreturn;	/* reset the machine */

/* string.c, or the host C library in unit tests. */
void	*memcpy(void *dst, const void *src, size_t n);
void	*memmove(void *dst, const void *src, size_t n);
void	*memset(void *dst, int c, size_t n);
int	memcmp(const void *a, const void *b, size_t n);
size_t	strlen(const char *s);
size_t	strnlen(const char *s, size_t max);
int	strcmp(const char *a, const char *b);
int	strncmp(const char *a, const char *b, size_t n);
char	*strchr(const char *s, int c);

#endif

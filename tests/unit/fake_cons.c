/*
 * The layer below printf.c for the host unit tests: a console that
 * records every byte, and an exit path that returns to the test.  The
 * kernel's own console.c and exit.c touch ports, so they are not linked;
 * check.h declares what is here.
 */

#include "kern.h"
#include "check.h"

char	fake_cons_buf[FAKE_CONS_MAX];
size_t	fake_cons_len;
jmp_buf	*fake_kexit_jmp;
int	fake_kexit_status = -1;

/* Keeps the first FAKE_CONS_MAX - 1 bytes; a test never prints more. */
void
cons_putc(int c)
{
	if (fake_cons_len < sizeof(fake_cons_buf) - 1)
		fake_cons_buf[fake_cons_len++] = (char)c;
	fake_cons_buf[fake_cons_len] = '\0';
}

void
fake_cons_reset(void)
{
	fake_cons_len = 0;
	fake_cons_buf[0] = '\0';
	fake_kexit_jmp = NULL;
	fake_kexit_status = -1;
}

/*
 * A test that expects the kernel to stop sets fake_kexit_jmp first;
 * anything else reaching kexit() is a bug the run must not survive.
 */
void
kexit(int status)
{
	fake_kexit_status = status;
	if (fake_kexit_jmp != NULL)
		longjmp(*fake_kexit_jmp, 1);
	fprintf(stderr, "fake kexit(0x%x) with no test expecting it\n",
	    status);
	abort();
}

/*
 * The kernel's panic() lives in exit.c, next to port I/O, so tests get
 * this one: like it, it prints "# panic: ..." and leaves through kexit().
 * Weak, so a test that does link a real one gets that instead.
 */
__attribute__((weak)) void
panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; i < sizeof("# panic: ") - 1; i++)
		cons_putc("# panic: "[i]);
	for (i = 0; msg[i] != '\0'; i++)
		cons_putc(msg[i]);
	cons_putc('\n');
	kexit(KEXIT_PANIC);
}

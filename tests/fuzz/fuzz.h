/*
 * What every libFuzzer target here shares; included once by each.  The
 * kernel's console goes nowhere (kernel/printf.c prints through
 * cons_putc()), and fuzz_printable() is the test the targets hold the
 * kernel's messages to: a NUL within max bytes, and only printable
 * ASCII before it (what %pE and the console's guard promise).
 */

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

void	cons_putc(int c);

void
cons_putc(int c)
{
	(void)c;
}

static inline bool
fuzz_printable(const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max);
	const char *p;

	if (nul == NULL)
		return false;
	for (p = s; p < nul; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

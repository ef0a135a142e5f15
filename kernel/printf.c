/*
 * printf() to the console: the formatter (format.c) with the console's
 * putc as its output, and print_bits() for the bit-by-bit decoders.
 */

#include "kern.h"

int
vprintf(const char *fmt, va_list ap)
{
	return vformat(cons_putc, fmt, ap);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void
print_bits(const char *what, uint64_t v, const struct bit_name *names)
{
	const struct bit_name *b;
	uint64_t named = 0;
	int bit;

	printf("%s", what);
	for (b = names; b->bn_name != NULL; b++) {
		if (v & (1ULL << b->bn_bit))
			printf(" %s", b->bn_name);
		named |= 1ULL << b->bn_bit;
	}
	for (bit = 0; bit < 64; bit++)
		if ((v & ~named) & (1ULL << bit))
			printf(" bit%d", bit);
	if (v == 0)
		printf(" none");
	printf("\n");
}

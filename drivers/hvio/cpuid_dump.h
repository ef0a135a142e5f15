/*
 * Recorded CPUID dumps, replayed in place of the CPUID instruction.
 *
 * Text format (the one of tests/cpuid-dumps):
 * '#' starts a comment line; every other non-blank line is
 *
 *	LEAF SUBLEAF EAX EBX ECX EDX
 *
 * six 0x-prefixed hexadecimal numbers separated by blanks.  A leaf that
 * does not use subleaves is written with SUBLEAF 0.
 */
#ifndef _DRIVERS_HVIO_CPUID_DUMP_H_
#define _DRIVERS_HVIO_CPUID_DUMP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuid.h"

#define CPUID_DUMP_ROWS_MAX	1024
#define CPUID_DUMP_LINE_MAX	256	/* a longer row is an error */

struct cpuid_row {
	uint32_t	cr_leaf;
	uint32_t	cr_subleaf;
	struct cpuid_regs cr_regs;
};

struct cpuid_dump {
	int		cd_nrows;
	struct cpuid_row cd_rows[CPUID_DUMP_ROWS_MAX];	/* sorted */
	char		cd_vendor[13];	/* leaf 0 EBX,EDX,ECX; "" if none */
	uint32_t	cd_max_basic;	/* leaf 0 EAX; 0 if no leaf 0 */
	int		cd_nsynth;	/* answers cpuid_dump_answer() made up */
	int		cd_errline;	/* 1-based line of the error, or 0 */
	char		cd_error[160];	/* "" or one sentence */
};

/*
 * Parse len bytes of text (not NUL-terminated; may end without a
 * newline).  Returns 0, or EINVAL with cd_errline and cd_error set:
 * an overlong line, a field that is not 0x-hex or too large, a missing
 * or extra field, a duplicate (leaf, subleaf), a NUL or non-ASCII byte
 * (a binary file), no rows at all.  E2BIG if there are more than
 * CPUID_DUMP_ROWS_MAX rows.  Never reads outside [text, text + len).
 */
int	cpuid_dump_parse(const char *text, size_t len, struct cpuid_dump *d);

/* The recorded row, or ENOENT. */
int	cpuid_dump_lookup(const struct cpuid_dump *d, uint32_t leaf,
	    uint32_t subleaf, struct cpuid_regs *out);

/*
 * What the recorded CPU would have answered for (leaf, subleaf), as the
 * CPUID instruction must always answer something:
 *  - the recorded row;
 *  - for a leaf recorded only with subleaf 0 (a leaf that ignores ECX),
 *    that row;
 *  - otherwise the vendor's out-of-range answer: on GenuineIntel the
 *    data of the highest basic leaf (leaf 0 EAX; SDM Vol. 2A CPUID), on
 *    every other vendor zeros (AMD's behaviour).
 * Returns true if the answer was made up (then cd_nsynth counts it).
 */
bool	cpuid_dump_answer(struct cpuid_dump *d, uint32_t leaf,
	    uint32_t subleaf, struct cpuid_regs *out);

#endif

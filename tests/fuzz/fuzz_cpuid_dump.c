/*
 * libFuzzer target for cpuid_dump_parse() and the answers of a replayed
 * CPU (drivers/hvio/cpuid_dump.c).  libFuzzer hands us each input in a
 * buffer of exactly its size, so ASan reports any read past the end;
 * cpuid_dump_parse() must never need a NUL there.
 *
 * After every parse the invariants below must hold, and a dump that
 * parsed must answer, for every row and its neighbours, what a plain
 * linear search says the rules of cpuid_dump.h give.  A broken
 * invariant is a crash (abort()), which libFuzzer saves as a reproducer:
 *
 *	build/fuzz/fuzz_cpuid_dump build/fuzz/crash-<sha1>
 *
 * Built by tests/fuzz/fuzz.mk ("make fuzz") with clang
 * -fsanitize=fuzzer,address,undefined; kernel sources see the same
 * printf renames as in the unit tests (tests/unit/unit.mk).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "errno.h"
#include "cpuid_dump.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cpuid_dump dump;

static void
fail(const char *why)
{
	fprintf(stderr, "fuzz_cpuid_dump: %s (cd_error \"%.*s\")\n", why,
	    (int)sizeof(dump.cd_error), dump.cd_error);
	abort();
}

static bool
regs_eq(const struct cpuid_regs *a, const struct cpuid_regs *b)
{
	return a->eax == b->eax && a->ebx == b->ebx && a->ecx == b->ecx &&
	    a->edx == b->edx;
}

/* cpuid_dump_answer() by linear search, straight from cpuid_dump.h. */
static bool
model_answer(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	const struct cpuid_row *only = NULL;
	int i, nleaf = 0;

	for (i = 0; i < dump.cd_nrows; i++) {
		if (dump.cd_rows[i].cr_leaf != leaf)
			continue;
		if (dump.cd_rows[i].cr_subleaf == subleaf) {
			*out = dump.cd_rows[i].cr_regs;
			return false;
		}
		nleaf++;
		only = &dump.cd_rows[i];
	}
	if (nleaf == 1 && only->cr_subleaf == 0) {
		*out = only->cr_regs;
		return false;
	}
	memset(out, 0, sizeof(*out));
	if (strcmp(dump.cd_vendor, "GenuineIntel") == 0)
		for (i = 0; i < dump.cd_nrows; i++)
			if (dump.cd_rows[i].cr_leaf == dump.cd_max_basic &&
			    dump.cd_rows[i].cr_subleaf == 0)
				*out = dump.cd_rows[i].cr_regs;
	return true;
}

/* What must hold after any parse, good or bad. */
static void
check_invariants(int error)
{
	const char *nul = memchr(dump.cd_error, '\0', sizeof(dump.cd_error));
	const char *p;
	int i;

	if (nul == NULL)
		fail("cd_error is not NUL-terminated within its buffer");
	for (p = dump.cd_error; p < nul; p++)
		if (*p < 0x20 || *p > 0x7e)
			fail("cd_error is not one printable line");
	if (memchr(dump.cd_vendor, '\0', sizeof(dump.cd_vendor)) == NULL)
		fail("cd_vendor is not NUL-terminated");
	if (dump.cd_nrows < 0 || dump.cd_nrows > CPUID_DUMP_ROWS_MAX)
		fail("cd_nrows is out of range");
	for (i = 1; i < dump.cd_nrows; i++)
		if (dump.cd_rows[i - 1].cr_leaf > dump.cd_rows[i].cr_leaf ||
		    (dump.cd_rows[i - 1].cr_leaf == dump.cd_rows[i].cr_leaf &&
		    dump.cd_rows[i - 1].cr_subleaf >=
		    dump.cd_rows[i].cr_subleaf))
			fail("rows are not sorted and unique");
	if (dump.cd_nsynth != 0)
		fail("a fresh parse has made-up answers");
	if (error == 0) {
		if (dump.cd_error[0] != '\0' || dump.cd_errline != 0 ||
		    dump.cd_nrows == 0)
			fail("success, but with an error or no rows");
		return;
	}
	if (error != EINVAL && error != E2BIG)
		fail("an error that is neither EINVAL nor E2BIG");
	if (dump.cd_error[0] == '\0' || dump.cd_nrows != 0 ||
	    dump.cd_errline < 0 || dump.cd_vendor[0] != '\0')
		fail("an error without a message, or with rows kept");
	if (dump.cd_errline > 0 && strncmp(dump.cd_error, "line ", 5) != 0)
		fail("an error on a line that does not say \"line N: \"");
}

/* One question: the answer, the lookup and the model must agree. */
static void
ask(uint32_t leaf, uint32_t subleaf, int *nsynth)
{
	struct cpuid_regs got, want, r;
	bool made_up;
	int found;

	made_up = cpuid_dump_answer(&dump, leaf, subleaf, &got);
	found = cpuid_dump_lookup(&dump, leaf, subleaf, &r);
	*nsynth += made_up;
	if (made_up != model_answer(leaf, subleaf, &want) ||
	    !regs_eq(&got, &want))
		fail("cpuid_dump_answer() disagrees with the model");
	if (found != 0 && found != ENOENT)
		fail("cpuid_dump_lookup() returned neither 0 nor ENOENT");
	if (found == 0 && (made_up || !regs_eq(&r, &got)))
		fail("cpuid_dump_lookup() disagrees with cpuid_dump_answer()");
	if (dump.cd_nsynth != *nsynth)
		fail("cd_nsynth does not count the made-up answers");
}

static void
ask_around(void)
{
	static const uint32_t leaves[] = { 0, 1, 4, 0xb, 0xd, 0x20000000,
	    0x40000000, 0x40000001, 0x40000100, 0x80000000, 0x80000001,
	    0x80860000, 0xc0000000, 0xffffffff };
	const struct cpuid_row *r;
	size_t k;
	int i, nsynth = 0;

	for (k = 0; k < sizeof(leaves) / sizeof(leaves[0]); k++) {
		ask(leaves[k], 0, &nsynth);
		ask(leaves[k], 1, &nsynth);
	}
	ask(dump.cd_max_basic, 0, &nsynth);
	ask(dump.cd_max_basic + 1, 0, &nsynth);
	for (i = 0; i < dump.cd_nrows; i++) {
		r = &dump.cd_rows[i];
		ask(r->cr_leaf, r->cr_subleaf, &nsynth);
		ask(r->cr_leaf, r->cr_subleaf + 1, &nsynth);
		ask(r->cr_leaf, r->cr_subleaf - 1, &nsynth);
		ask(r->cr_leaf + 1, 0, &nsynth);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int error;

	error = cpuid_dump_parse((const char *)data, size, &dump);
	check_invariants(error);
	if (error == 0)
		ask_around();
	return 0;
}

/*
 * The stack protector's run-time half.  GCC (-fstack-protector-strong
 * -mstack-protector-guard=global) gives every function with a local
 * array or a local whose address is taken a canary: a copy of
 * __stack_chk_guard stored below the saved frame pointer and return
 * address on entry, and compared on the way out.  An overflow of a local
 * buffer that reaches the return address overwrites the canary first,
 * and the function calls __stack_chk_fail() instead of returning.
 *
 * The canary must be one an attacker cannot know, so it is chosen at
 * boot.  RDRAND where the CPU has it (CPUID.1:ECX[30], Intel SDM Vol. 2B
 * RDRAND): it may have no number ready (CF = 0), and Intel's "Digital
 * Random Number Generator (DRNG) Software Implementation Guide" (5.2.1)
 * says to retry up to 10 times before taking that as a failure.  Some
 * CPUs have answered the same number every time with CF = 1 (Linux
 * arch/x86/kernel/cpu/rdrand.c compares several samples for that
 * reason); two equal answers in a row are taken as such a failure.
 * Without a working RDRAND, the TSC: which cycle the boot reached this
 * point at is not secret, but it differs from boot to boot, and it is
 * put through a mixing function so that no bit of it shows directly.
 */

#include "kern.h"
#include "specialreg.h"
#include "ssp.h"
#include "x86.h"

#define RDRAND_RETRIES	10	/* Intel DRNG guide 5.2.1 */

/*
 * A fixed value until ssp_init(): only the functions that run before
 * it, and have returned by then, ever check it.
 */
uintptr_t	__stack_chk_guard = 0x2f8a9e1c5d3b7064ULL;
uintptr_t	ssp_smashed_at;

static const char *ssp_from = "the built-in constant (ssp_init not run)";

void	__stack_chk_fail(void) __noreturn;

/* One RDRAND answer, after up to RDRAND_RETRIES tries. */
static bool __attribute__((no_stack_protector))
rdrand_retry(uint64_t *v)
{
	int i;

	for (i = 0; i < RDRAND_RETRIES; i++)
		if (rdrand(v))
			return true;
	return false;
}

/*
 * The finaliser of SplitMix64 (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014): every input bit
 * changes about half the output bits.
 */
static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * No canary here: this function changes the value its own canary check
 * would compare against.
 */
void __attribute__((no_stack_protector))
ssp_init(void)
{
	struct cpuid_regs r;
	uint64_t a, b;

	cpuid(1, 0, &r);
	if ((r.ecx & CPUID_1_ECX_RDRAND) == 0)
		ssp_from = "TSC (this CPU has no RDRAND)";
	else if (!rdrand_retry(&a) || !rdrand_retry(&b))
		ssp_from = "TSC (RDRAND had no number after 10 tries)";
	else if (a == b)
		ssp_from = "TSC (RDRAND answered the same number twice)";
	else {
		__stack_chk_guard = a;
		ssp_from = "RDRAND";
		return;
	}
	__stack_chk_guard = mix64(rdtsc() ^ __stack_chk_guard);
}

const char *
ssp_source(void)
{
	return ssp_from;
}

/*
 * Called by a function whose canary no longer matches, in place of its
 * return.  Its return address lies inside that function.  The UD2 takes
 * us into trap() with every register as it was; seeing ssp_smashed_at
 * set, trap() reports the stack protector's crash (T_SSP) and names the
 * function.  The frames below are as trustworthy as the stack around
 * the smashed buffer, so the report reads them with care.
 */
void __attribute__((no_stack_protector))
__stack_chk_fail(void)
{
	ssp_smashed_at = (uintptr_t)__builtin_return_address(0);
	for (;;)
		ud2();
}

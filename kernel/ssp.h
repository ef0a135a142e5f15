/*
 * The stack protector (-fstack-protector-strong): the canary every
 * protected function puts between its locals and its return address,
 * chosen once at boot, and what happens when one is found overwritten.
 */
#ifndef _KERNEL_SSP_H_
#define _KERNEL_SSP_H_

#include <stdint.h>

/*
 * Choose the canary: from RDRAND where CPUID.1:ECX[30] says the CPU has
 * it and it answers, else from the TSC.  Called by kmain() before any
 * protected function it calls has a frame that outlives the call (kmain
 * itself never returns, so it never checks a canary).
 */
void	ssp_init(void);

/* "RDRAND" or "TSC (no RDRAND)" and the like: where the canary came from. */
const char *ssp_source(void);

/*
 * Where the canary check that failed was: the return address of the
 * call to __stack_chk_fail(), inside the function whose canary was
 * overwritten; 0 until then.  trap() reads it for the T_SSP report.
 */
extern uintptr_t ssp_smashed_at;

#endif

/*
 * The kernel's tests of itself: each checks one boot step kmain() has
 * already taken and explains what it found in KTAP diagnostics.
 */
#ifndef _KERNEL_SELFTEST_H_
#define _KERNEL_SELFTEST_H_

#include "cmdline.h"

int	selftest_bootinfo(void);
int	selftest_memmap(void);
int	selftest_cmdline(void);		/* selftest_cmdline.c */
int	selftest_exceptions(void);
int	selftest_fault(void);

/* fault=: one of the faults selftest_fault() can raise. */
cmdline_check_fn selftest_check_fault;

/* Keys the kernel understands on its command line (cmdline_keys.c). */
extern const struct cmdline_key cmdline_keys[];

#endif

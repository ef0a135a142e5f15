/*
 * The kernel's tests of itself: each checks one boot step kmain() has
 * already taken and explains what it found in KTAP diagnostics.
 */
#ifndef _KERNEL_SELFTEST_H_
#define _KERNEL_SELFTEST_H_

int	selftest_bootinfo(void);
int	selftest_memmap(void);
int	selftest_cmdline(void);
int	selftest_exceptions(void);
int	selftest_fault(void);

/* Keys the kernel understands on its command line, with their checks. */
struct cmdline_key;
extern const struct cmdline_key cmdline_keys[];

#endif

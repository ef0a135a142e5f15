/*
 * The summary: what a person wants from the report at a glance, when it
 * ends.  kexit() shows it twice: as a panel over the top of the screen,
 * in colour (green for a pass, red for a failure, a crash or a panic,
 * amber for a halt the host asked for), and on the serial port as
 * "# summary: ..." comment lines after the totals, which prove and
 * kunit.py read past:
 *
 *	# summary: PASS: every test passed or was skipped (8 passed, 0 failed, 1 skipped)
 *	# summary: hypervisors: KVM at 0x40000000 (primary)
 *	# summary: children: vmt0 attached
 *	# summary: failed: none
 *
 * The verdict, the counts and the failed tests come from the KTAP
 * writer (ktap.c); the hypervisors and the children from the bus, which
 * reports them here as it finds them.  Until it does (summary_
 * identified() not called), the panel has no hypervisor or children
 * line, rather than a wrong "none".
 */
#ifndef _KERNEL_SUMMARY_H_
#define _KERNEL_SUMMARY_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SUMMARY_HV_MAX		8
#define SUMMARY_CHILD_MAX	8
#define SUMMARY_LINES_MAX	8
#define SUMMARY_LINE_MAX	256

/*
 * From the bus (drivers/pvbus), in this order: the detection pass has
 * run (from now on no summary_hv() means no hypervisor); each interface
 * found, by the name the kernel gives its type ("KVM", "Hyper-V";
 * never text a host chose), its CPUID base (0 for the VMware backdoor)
 * and whether it is the primary one; each child, once its attach has
 * returned.  Names longer than the summary keeps are cut.
 */
void	summary_identified(void);
void	summary_hv(const char *name, uint32_t base, bool primary);
void	summary_child(const char *name, bool attached);

/*
 * The summary of a run ending with status (KEXIT_*): one line each,
 * without the "# summary: " the serial port gets.  backend: the hv=
 * value from the command line, or NULL.  Returns how many.  Exposed
 * for the unit tests; kexit() calls summary_show().
 */
int	summary_lines(int status, const char *backend,
	    char lines[][SUMMARY_LINE_MAX], int max);
uint8_t	summary_attr(int status);	/* the panel's colours */

/*
 * The panel, through draw (the console's cons_panel()), with a last
 * line for the exit (halted: exit=halt, so the machine stops here for a
 * person to read it); then the lines on the serial port.  This file
 * calls nothing but the KTAP writer and printf, so whatever links the
 * bus (the host tool pvbus-replay too) can link it.
 */
typedef void	summary_draw_fn(const char *const *lines, int nlines,
		    uint8_t attr);
void	summary_show(int status, bool halted, const char *backend,
	    summary_draw_fn *draw);

/* Forget what the bus said (the unit tests run several). */
void	summary_reset(void);

#endif

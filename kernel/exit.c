/*
 * How a boot ends.  kexit() has the summary shown (kmain() names who
 * shows it: summary.c, a panel on the screen and "# summary:" lines on
 * the serial port), writes the status
 * to QEMU's isa-debug-exit port (qemu/qemu hw/misc/debugexit.c: QEMU
 * exits with (status << 1) | 1) and then halts with interrupts off.  On
 * VMware, Hyper-V or hardware nothing listens at port 0xf4, so the
 * machine simply stops with the report on the screen and the serial
 * port, where the host can read it and power the VM off.  exit=halt on
 * the command line does the same under QEMU: the port is not written,
 * so the window keeps the report for a person, or a screenshot.
 */

#include "kern.h"
#include "cmdline.h"
#include "x86.h"

#define DEBUG_EXIT_PORT	0xf4	/* -device isa-debug-exit,iobase=0xf4 */

static const char *
kexit_name(int status)
{
	switch (status) {
	case KEXIT_PASS:	return "pass";
	case KEXIT_FAIL:	return "fail";
	case KEXIT_CRASH:	return "crash";
	case KEXIT_BOOTERR:	return "this CPU cannot run the kernel";
	case KEXIT_PANIC:	return "panic";
	case KEXIT_HALT:	return "halt requested by the host";
	default:		return "unknown";
	}
}

static void	(*kexit_reporter)(int status, bool halted);

/* Who shows the summary at the end (kmain(): summary.c's panel). */
void
kexit_report_with(void (*fn)(int status, bool halted))
{
	kexit_reporter = fn;
}

#define KEXIT_HOOKS_MAX	4
static void	(*kexit_hooks[KEXIT_HOOKS_MAX])(void);
static int	kexit_nhooks;

/* Something to print at the very end, such as a simulator's record. */
void
kexit_at(void (*fn)(void))
{
	if (kexit_nhooks < KEXIT_HOOKS_MAX)
		kexit_hooks[kexit_nhooks++] = fn;
}

static void
kexit_run_hooks(void)
{
	void (*fn)(void);

	while (kexit_nhooks > 0) {
		fn = kexit_hooks[--kexit_nhooks];	/* each runs once */
		fn();
	}
}

/*
 * exit=halt: the one value (cmdline_parsed checks it with this).  The
 * key is read at the very end, from the words the check left.
 */
int
kexit_check(const char *value, const struct cmdline *cl __unused,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	if (strcmp(value, "halt") == 0)
		return 0;
	snprintf(err, errlen, "exit=%pE: the one value is halt (stop with "
	    "the report on the screen, not through QEMU's exit port)", value);
	return EINVAL;
}

static bool
kexit_halt_here(void)
{
	const char *v = cmdline_get(&cmdline, "exit");

	return v != NULL && strcmp(v, "halt") == 0;
}

/*
 * The summary once: a panic or a crash while it is shown comes back
 * here and must not show it again.  The screen has the panel before
 * the last serial line, so a host that waits for that line finds the
 * screen complete.
 */
void
kexit(int status)
{
	static int exiting;
	bool halt = kexit_halt_here();

	kexit_run_hooks();
	if (exiting++ == 0 && kexit_reporter != NULL)
		kexit_reporter(status, halt);
	if (halt) {
		printf("# exit status 0x%02x (%s), halted without QEMU's exit "
		    "port (exit=halt)\n", status, kexit_name(status));
	} else {
		printf("# exit status 0x%02x (%s), QEMU exit code %d\n",
		    status, kexit_name(status), (status << 1) | 1);
		outl(DEBUG_EXIT_PORT, (uint32_t)status);
		/* Still here: no exit device (a real host, or QEMU without one). */
		printf("# halted: nothing at port 0x%x ended the machine (under "
		    "QEMU: -device isa-debug-exit,iobase=0xf4,iosize=0x04)\n",
		    DEBUG_EXIT_PORT);
	}
	for (;;) {
		cli();
		hlt();
	}
}

/*
 * Reset the machine: the reset control register of the PIIX/ICH chipsets
 * (port 0xCF9: 0x02 then 0x06, a hard reset; Intel ICH datasheets), then
 * the keyboard controller's pulse-reset command (0xFE to port 0x64),
 * then a triple fault, which resets every PC.  QEMU started with
 * -no-reboot exits instead (with status 0).
 */
void
kreboot(void)
{
	static const struct region_descriptor no_idt = { 0, 0 };

	kexit_run_hooks();
	printf("# rebooting\n");
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
	outb(0x64, 0xfe);
	cli();
	lidt(&no_idt);
	__builtin_trap();	/* #UD with no IDT: a triple fault */
}

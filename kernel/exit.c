/*
 * How a boot ends.  kexit() writes the status to QEMU's isa-debug-exit
 * port (qemu/qemu hw/misc/debugexit.c: QEMU exits with (status << 1) | 1)
 * and then halts with interrupts off.  On VMware, Hyper-V or hardware
 * nothing listens at port 0xf4, so the machine simply stops with the
 * report on the screen and the serial port, where the host can read it
 * and power the VM off.
 */

#include "kern.h"
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

void
kexit(int status)
{
	kexit_run_hooks();
	printf("# exit status 0x%02x (%s), QEMU exit code %d\n", status,
	    kexit_name(status), (status << 1) | 1);
	outl(DEBUG_EXIT_PORT, (uint32_t)status);
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

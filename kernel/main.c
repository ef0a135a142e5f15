/*
 * kmain(): the boot story, one step per line.  Read this file first.
 *
 * boot/boot.asm has switched to long mode and calls us with the magic it
 * was entered with and the address of the loader's boot information
 * (multiboot2 from GRUB, or a PVH start info from QEMU -kernel or Xen).
 * We bring up the console and exception handling, read the boot
 * information, print what machine this is, then run the KTAP plan
 * below, which checks each step, and exit with its verdict.
 */

#include "kern.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "console.h"
#include "ktap.h"
#include "mainbus.h"
#include "pmap.h"
#include "pvbusvar.h"
#include "selftest.h"
#include "ssp.h"
#include "summary.h"
#include "trap.h"

void	kmain(uint32_t magic, uint32_t info_pa);

/*
 * The KTAP plan: one test per boot step, in the order they happen.  The
 * first four check what kmain() did before the plan; the pvbus ones take
 * the steps, each by calling the bus (drivers/pvbus/pvbus_test*.c,
 * pvbus_fw.c): choose the backend, find the hypervisors, hold what the
 * firmware's ACPI and SMBIOS tables say against CPUID, attach pvbus0 and
 * its children (hyperv0, xen0, pvclock0, vmt0), each child's own steps
 * being its subtests, then check that no child touched an MSR unpromised
 * and that the machine is what the command line's expect.* keys say.
 */
static const struct ktest boot_tests[] = {
	{ "boot_info_parsed",	  selftest_bootinfo },	/* tags well-formed */
	{ "memory_map_sane",	  selftest_memmap },	/* then pmem has it */
	{ "cmdline_parsed",	  selftest_cmdline },	/* known keys only */
	{ "exceptions_catchable", selftest_exceptions },/* #UD #GP #PF */
	{ "hv_backend",		  pvbus_test_backend },	/* native/replay/sim */
	{ "pvbus_identify",	  pvbus_test_identify },/* CPUID 0x4000xx00 */
	{ "firmware_identify",	  pvbus_fw_test },	/* ACPI, SMBIOS */
	{ "pvbus_attach",	  pvbus_test_attach },	/* pvbus0, children */
	{ "no_msr_faults",	  pvbus_test_msr },	/* no MSR unpromised */
	{ "environment_expected", pvbus_test_expect },	/* the expect.* keys */
	{ "deliberate_fault",	  selftest_fault },	/* fault=ud|gp|pf|de */
};

/* At the end, whatever ends the boot: the summary, panel and lines. */
static void
show_summary(int status, bool halted)
{
	summary_show(status, halted, cmdline_get(&cmdline, "hv"), cons_panel);
}

void
kmain(uint32_t magic, uint32_t info_pa)
{
	cons_init();		/* COM1 first, so every later step can talk */
	kexit_report_with(show_summary);	/* the verdict, at a glance */
	trap_init();		/* a fault prints registers, not a reboot */
	ssp_init();		/* a secret canary: RDRAND or the TSC */
	bootinfo_init(magic, info_pa, &bootinfo);	/* one struct, two paths */
	pmap_init();		/* no page 0 (W^X since boot.asm): faults */
	cmdline_parse(bootinfo.bi_cmdline, &cmdline);	/* key=value words */
	mainbus_attach(&bootinfo);	/* dmesg: loader, memory, cpu0 */
	cons_attach_screen(&bootinfo);	/* EGA text or a framebuffer */
	ktap_begin(boot_tests, nitems(boot_tests));
	ktap_run_all();		/* each step above checked, in order */
	kexit(ktap_end());	/* totals, then the QEMU exit port */
}

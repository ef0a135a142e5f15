/*
 * vmt0 (drivers/vmt/) end to end against the simulated VMware host
 * (sim/sim_vmware*.c), as the kernel runs them under
 * hv=sim:vmware: the detection pass finds the backdoor, vmt_attach()
 * runs every step as a KTAP subtest, and the TCLO loop plays the host's
 * script.  What is checked is what a boot would show: the console's
 * lines, the exit status, and the host's record (sim_finish()).
 *
 * The point is the cases a short boot case cannot reach: scripts of
 * thousands of commands, played whole; the loop's own bounds, lowered
 * here (vmt_tclo_polls_max, vmt_tclo_time_max_us), failing the step
 * instead of passing a script cut short; a command too long for the
 * guest; GETHZ and GETMEMSIZE answers that are impossible, or that
 * QEMU gives (its byte count cut to 32 bits).
 *
 * The guest's RDTSC is trapped and reads the model's clock, a counter
 * that moves 1000 ticks (1 us) a read (sim_host_trap_rdtsc()), so no
 * result depends on the host's TSC, uptime or load.  The time bound is
 * tested at 0, which has run out before the first poll.  The console keeps FAKE_CONS_MAX bytes,
 * so every backdoor call trims it to its last lines (cons_trim()).
 */

#include "check.h"
#include "kern.h"
#include "bootinfo.h"
#include "ktap.h"
#include "multiboot2.h"
#include "pvbusvar.h"
#include "simvar.h"
#include "sim_host.h"
#include "vmtvar.h"

#define HZ		1000000000ULL	/* the model's TSC, as the kernel's */
#define MIB		(1ULL << 20)
#define REBOOTED	0x7e		/* kexit() status of our kreboot() */

static struct hvio io;
static const char *model_name = "vmware";	/* or "vmware-vmcall" */
static bool	model_amd;		/* the CPU the model sees: VMMCALL */
static bool	insn_faults;		/* VMCALL/VMMCALL: a #UD, always */
static int	nport, ninsn;		/* backdoor calls, by which way */
static long	memsize_answer = -1;	/* GETMEMSIZE's EAX, if >= 0 */
static uint64_t	model_hz = HZ;		/* the TSC rate the model states */
static uint64_t	mem_avail;

/* pvbus_reboot() ends in kreboot(): leave the test as kexit() does. */
void
kreboot(void)
{
	kexit(REBOOTED);
}

/*
 * Keep the console's last lines: a long script prints more than the
 * fake console holds.  Between two backdoor calls vmt prints whole
 * lines, and far fewer than half the buffer.
 */
static void
cons_trim(void)
{
	size_t cut;
	char *nl;

	if (fake_cons_len < FAKE_CONS_MAX / 2)
		return;
	cut = fake_cons_len - FAKE_CONS_MAX / 4;
	if ((nl = memchr(fake_cons_buf + cut, '\n', fake_cons_len - cut)) ==
	    NULL)
		return;
	cut = (size_t)(nl + 1 - fake_cons_buf);
	memmove(fake_cons_buf, fake_cons_buf + cut, fake_cons_len - cut + 1);
	fake_cons_len -= cut;
}

/* The model's backdoor, and QEMU's GETMEMSIZE when a test asks for it. */
static int
test_backdoor(struct vm_regs *r)
{
	nport++;
	cons_trim();
	if (memsize_answer >= 0 && (r->vr_rcx & 0xffff) == 20 &&
	    (uint32_t)r->vr_rax == 0x564d5868) {
		r->vr_rax = (uint32_t)memsize_answer;
		return 0;
	}
	return sim_backdoor(r);
}

static int
test_backdoor_hb(struct vm_regs *r, bool out)
{
	nport++;
	cons_trim();
	return sim_backdoor_hb(r, out);
}

/* VMCALL and VMMCALL: the model's, or a #UD whatever CPUID says. */
static int
test_hypercall(struct vm_regs *r, bool vmmcall)
{
	ninsn++;
	cons_trim();
	return insn_faults ? EFAULT : sim_hypercall(r, vmmcall);
}

/* A machine with ram bytes, as SeaBIOS maps it (517 KiB not listed). */
static void
memory_map(uint64_t ram)
{
	memset(&bootinfo, 0, sizeof(bootinfo));
	bootinfo.bi_nmmap = 3;
	bootinfo.bi_mmap[0] = (struct bi_mmap){ 0, 0x9fc00,
	    MB2_MEMORY_AVAILABLE };
	bootinfo.bi_mmap[1] = (struct bi_mmap){ 0x9fc00, 0x60400,
	    MB2_MEMORY_RESERVED };
	bootinfo.bi_mmap[2] = (struct bi_mmap){ 0x100000,
	    ram - 0x100000 - 0x20000, MB2_MEMORY_AVAILABLE };
	mem_avail = 0x9fc00 + ram - 0x100000 - 0x20000;
}

extern const struct pv_driver vmt_driver;	/* as pvconf.c declares it */

static int
run_vmt0(void)
{
	struct pv_attach_args pva;

	if (!pvbus_print_tree())
		return ktap_fail("no pvbus0");
	pvbus_child_args(&pva, mem_avail);
	pva.pva_name = "vmt0";
	kern_printf("vmt0 at pvbus0");
	return vmt_driver.pd_attach(&pva) == 0 ? KTAP_PASS : KTAP_FAIL;
}

static const struct ktest plan[] = {
	{ "pvbus_attach", run_vmt0 },
};

/*
 * One boot of a 128 MB machine under hv=sim:vmware with this script (a
 * vmt.script= value): the exit status (KEXIT_PASS, KEXIT_FAIL,
 * KEXIT_HALT, REBOOTED), with the console's last lines in
 * fake_cons_buf.
 */
static int
boot_with(const char *script, uint64_t ram)
{
	char err[160];
	jmp_buf jb;
	volatile int status;
	int i;

	memory_map(ram);
	sim_host_reset(SIM_HOST_STUB_HYPERV);
	sim_host_tsc_now = 1ULL << 20;	/* a TSC that booted a moment ago */
	sim_host_tsc_step = 1000;	/* 1 us a read at 1 GHz */
	sim_host_tsc_offset = 0;
	CHECK(sim_host_trap_rdtsc(true));
	CHECK_EQ_INT(sim_setup_model(model_name, 0, err, sizeof(err)), 0);
	sim.sm_amd = model_amd;
	sim.sm_tsc_hz = model_hz;
	sim.sm_script = script;
	sim.sm_failbyte = 8;
	for (i = 0; i < SIM_NVRAM_SIZE; i++)
		sim_nvram_write(i, 0);		/* a fresh QEMU */
	io = sim_host_io;
	io.io_name = "sim:vmware";
	io.io_backdoor = test_backdoor;
	io.io_backdoor_hb = test_backdoor_hb;
	io.io_hypercall = test_hypercall;
	nport = ninsn = 0;
	fake_cons_reset();
	pvbus_identify(&io);
	if (setjmp(jb) == 0) {
		fake_kexit_jmp = &jb;
		ktap_begin(plan, nitems(plan));
		ktap_run_all();
		status = ktap_end();
	} else
		status = fake_kexit_status;
	fake_kexit_jmp = NULL;
	sim_host_trap_rdtsc(false);
	return status;
}

static int
boot(const char *script)
{
	return boot_with(script, 128 * MIB);
}

/* What the host recorded, as the kernel prints it at exit. */
static char record_buf[FAKE_CONS_MAX];

static const char *
record(void)
{
	size_t len = fake_cons_len;

	memcpy(record_buf, fake_cons_buf, len + 1);
	fake_cons_len = 0;
	fake_cons_buf[0] = '\0';
	sim_finish();
	snprintf(record_buf, sizeof(record_buf), "%s", fake_cons_buf);
	return record_buf;
}

/*
 * n commands, the last one given: "cmd1;cmd2;...;last" if numbered,
 * else "cmd;cmd;...;last".
 */
static char *
script_of(int n, const char *cmd, bool numbered, const char *last)
{
	char *s = malloc((size_t)n * (strlen(cmd) + 12) + strlen(last) + 1);
	size_t at = 0;
	int i;

	for (i = 1; i < n; i++)
		at += numbered ? (size_t)sprintf(s + at, "%s%d;", cmd, i) :
		    (size_t)sprintf(s + at, "%s;", cmd);
	sprintf(s + at, "%s", last);
	return s;
}

/* ------------------------------------------------------------------ */

static void
test_short_script_played_to_the_halt(void)
{
	CHECK_EQ_HEX(boot("ping;Capabilities_Register;Set_Option "
	    "broadcastIP 1;Time_Synchronize 1;unknown_cmd;OS_Halt"),
	    KEXIT_HALT);
	CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO \"unknown_cmd\" -> "
	    "\"ERROR Unknown command\"\n");
	CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO \"OS_Halt\" -> \"OK \"\n");
	CHECK_CONTAINS(fake_cons_buf, "tclo_commands=6 tclo_errors=2 ");
	CHECK_CONTAINS(fake_cons_buf, "Shutting down in response to request "
	    "from vmt0 host\n");
	CHECK_CONTAINS(record(), "vmware-sim: boot 1 of a 6-command TCLO "
	    "script from the command line: started at command 1, played 6, "
	    "0 left\n");
}

/* 1,000 commands then OS_Halt: all played, the halt obeyed (not 256). */
static void
test_long_script_played_whole(void)
{
	char *s = script_of(1000, "Set_Option x ", true, "OS_Halt");

	CHECK_EQ_HEX(boot(s), KEXIT_HALT);
	CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO \"Set_Option x 999\" -> "
	    "\"ERROR Unknown command\"\nvmt0: TCLO \"OS_Halt\" -> \"OK \"\n");
	CHECK_CONTAINS(fake_cons_buf, "polls=1000 tclo_commands=1000 "
	    "tclo_errors=999 ");
	CHECK_CONTAINS(record(), "played 1000, 0 left\n");
	free(s);
}

/* Without a halt the loop ends when the host falls quiet: ok. */
static void
test_long_script_then_quiet_passes(void)
{
	char *s = script_of(3000, "ping", false, "ping");

	CHECK_EQ_HEX(boot(s), KEXIT_PASS);
	CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO: 3000 commands in 3005 "
	    "polls, 0 answered ERROR, 0 channel failures, 0 reopens\n"
	    "  ok 13 tclo\n");
	CHECK_CONTAINS(record(), "played 3000, 0 left\n");
	free(s);
}

/* The poll bound, reached with the host still talking: not ok. */
static void
test_poll_bound_fails_the_step(void)
{
	char *s = script_of(1000, "ping", false, "OS_Halt");

	vmt_tclo_polls_max = 300;
	CHECK_EQ_HEX(boot(s), KEXIT_FAIL);
	vmt_tclo_polls_max = VMT_TCLO_POLLS_MAX;
	CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO: the host was not quiet "
	    "when vmt's poll limit was reached; polling stops\n");
	CHECK_CONTAINS(fake_cons_buf, "  not ok 13 tclo # the host was "
	    "still sending after 300 polls, vmt's limit per boot: the rest "
	    "went unanswered\n");
	CHECK_CONTAINS(fake_cons_buf, "not ok 1 pvbus_attach\n");
	CHECK_CONTAINS(record(), "played 300, 700 left\n");
	free(s);
}

/* The time bound, run out (0 here) before the host fell quiet. */
static void
test_time_bound_fails_the_step(void)
{
	vmt_tclo_time_max_us = 0;
	CHECK_EQ_HEX(boot("ping;OS_Halt"), KEXIT_FAIL);
	vmt_tclo_time_max_us = VMT_TCLO_TIME_MAX_US;
	CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO: the host was not quiet "
	    "when vmt's time limit was reached; polling stops\n");
	CHECK_CONTAINS(fake_cons_buf, "  not ok 13 tclo # the host was not "
	    "quiet after 0 ms, vmt's time limit for TCLO: the rest went "
	    "unanswered\n");
	CHECK_CONTAINS(record(), "played 0, 2 left\n");
}

/*
 * A command longer than vmt takes (VM_RPC_BUFLEN): refused before a
 * byte is read, the channel reopened while the budget lasts, then the
 * step fails; the host offers it again each time, and nothing hangs.
 */
static void
test_overlong_command_fails_cleanly(void)
{
	char *s = malloc(5000 + 16);

	memset(s, 'x', 5000);
	strcpy(s + 5000, ";OS_Halt");
	CHECK_EQ_HEX(boot(s), KEXIT_FAIL);
	CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO receive failed (RECVSIZE: "
	    "a 5000-byte message, over our 4095-byte limit); reopening\n");
	CHECK_CONTAINS(fake_cons_buf, "  not ok 13 tclo # the TCLO channel "
	    "failed and no reopen was left (3 used)\n");
	CHECK_CONTAINS(record(), "played 0, 2 left\n");
	CHECK_CONTAINS(record_buf, "...\" (5000 bytes) <- (never received)\n");
	free(s);
}

/*
 * GETHZ of 50 Hz (which made the uptime divide by zero) or of 2 THz:
 * gethz fails naming it, the rate is not used, and the rest runs.
 */
static void
test_impossible_tsc_rate_not_used(void)
{
	static const uint64_t bad[] = { 50, 999999, 2000000000000ULL };
	char want[160];
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		model_hz = bad[i];
		CHECK_EQ_HEX(boot("ping"), KEXIT_FAIL);
		model_hz = HZ;
		snprintf(want, sizeof(want), "  not ok 3 gethz # GETHZ says "
		    "the TSC runs at %llu Hz, outside 1000000 Hz..1000000000000 "
		    "Hz: not used\n", (unsigned long long)bad[i]);
		CHECK_CONTAINS(fake_cons_buf, want);
		CHECK_CONTAINS(fake_cons_buf, "vmt0: the CPUID timing leaf's "
		    "TSC rate");
		CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO \"ping\" -> \"OK \"\n"
		    );
		CHECK_CONTAINS(fake_cons_buf, "  ok 13 tclo\n");
		CHECK_CONTAINS(fake_cons_buf, "  ok 14 time_delta # SKIP TSC "
		    "rate unknown");
	}
}

/*
 * GETMEMSIZE as QEMU answers it, bytes through a uint32_t: at 8 GiB
 * that is 0, and it must pass; a wrong answer must not.  The model's
 * own answer, in MB, passes at 8 GiB too.
 */
static void
test_memsize_qemu_and_vmware(void)
{
	CHECK_EQ_HEX(boot_with("OS_Halt", 8192 * MIB), KEXIT_HALT);
	CHECK_CONTAINS(fake_cons_buf, "vmt0: memory 8192 MB (answered in MB, "
	    "as VMware does); memory map 8191 MB\n  ok 2 memsize\n");

	memsize_answer = 0;
	CHECK_EQ_HEX(boot_with("OS_Halt", 8192 * MIB), KEXIT_HALT);
	CHECK_CONTAINS(fake_cons_buf, "vmt0: memory 8192 MB (answered in "
	    "bytes, as QEMU does, modulo 4 GiB: EAX 0x00000000); memory map "
	    "8191 MB\n  ok 2 memsize\n");

	memsize_answer = 4096;			/* half, in MB */
	CHECK_EQ_HEX(boot_with("ping", 8192 * MIB), KEXIT_FAIL);
	CHECK_CONTAINS(fake_cons_buf, "vmt0: memory size 0x00001000 agrees "
	    "with the memory map's 8191 MB neither as MB nor as bytes (nor "
	    "as their low 32 bits)\n  not ok 2 memsize # GETMEMSIZE "
	    "disagrees with the memory map\n");
	memsize_answer = -1;
}

/*
 * The backdoor by VMCALL where CPUID 0x40000010 ECX bit 1 offers it
 * (sim:vmware-vmcall on an Intel CPU): after the bus's probe on the
 * port, every call of vmt0 (commands, RPC, HB transfers) goes by
 * VMCALL, and the line and the facts say so.
 */
static void
test_backdoor_by_vmcall_when_offered(void)
{
	model_name = "vmware-vmcall";
	CHECK_EQ_HEX(boot("ping;OS_Halt"), KEXIT_HALT);
	CHECK_CONTAINS(fake_cons_buf, "vmt0: backdoor by VMCALL, as CPUID "
	    "0x40000010 ECX offers\n");
	CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO \"ping\" -> \"OK \"\n");
	CHECK_CONTAINS(fake_cons_buf, " backdoor=vmcall\n");
	CHECK_EQ_INT(nport, 1);			/* the bus's GETVERSION */
	CHECK(ninsn > 50);
	CHECK_CONTAINS(record(), "vmware-sim: backdoor calls answered: 1 by "
	    "the I/O ports, ");
	CHECK_CONTAINS(record_buf, " by VMCALL\n");
	CHECK_CONTAINS(record_buf, "vmware-sim: tclo 1 \"ping\" <- \"OK \"\n");

	model_amd = true;			/* bit 0: VMMCALL */
	CHECK_EQ_HEX(boot("ping;OS_Halt"), KEXIT_HALT);
	CHECK_CONTAINS(fake_cons_buf, "vmt0: backdoor by VMMCALL, as CPUID "
	    "0x40000010 ECX offers\n");
	CHECK_CONTAINS(fake_cons_buf, " backdoor=vmmcall\n");
	CHECK_EQ_INT(nport, 1);
	model_amd = false;
	model_name = "vmware";
}

/*
 * Offered, but the instruction is a #UD: the I/O port serves, and the
 * offer that did not answer is named; the boot passes over the port.
 */
static void
test_backdoor_falls_back_to_the_port(void)
{
	model_name = "vmware-vmcall";
	insn_faults = true;
	CHECK_EQ_HEX(boot("ping;OS_Halt"), KEXIT_HALT);
	insn_faults = false;
	model_name = "vmware";
	CHECK_CONTAINS(fake_cons_buf, "vmt0 at pvbus0: backdoor version 6\n"
	    "vmt0: VMCALL, offered by CPUID 0x40000010 ECX, got no answer to "
	    "GETVERSION (it faulted)\nvmt0: backdoor by I/O port 0x5658\n");
	CHECK_CONTAINS(fake_cons_buf, "vmt0: TCLO \"ping\" -> \"OK \"\n");
	CHECK_CONTAINS(fake_cons_buf, " backdoor=port "
	    "backdoor_unanswered=vmcall\n");
	CHECK_EQ_INT(ninsn, 1);			/* tried once */
	CHECK(nport > 50);
}

/* Not offered (plain sim:vmware, as every recorded VMware dump): port. */
static void
test_backdoor_by_port_when_not_offered(void)
{
	CHECK_EQ_HEX(boot("ping;OS_Halt"), KEXIT_HALT);
	CHECK_CONTAINS(fake_cons_buf, "vmt0 at pvbus0: backdoor version 6\n"
	    "vmt0: backdoor by I/O port 0x5658\n");
	CHECK_CONTAINS(fake_cons_buf, " backdoor=port\n");
	CHECK_EQ_INT(ninsn, 0);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_short_script_played_to_the_halt),
	CHECK_TEST(test_long_script_played_whole),
	CHECK_TEST(test_long_script_then_quiet_passes),
	CHECK_TEST(test_poll_bound_fails_the_step),
	CHECK_TEST(test_time_bound_fails_the_step),
	CHECK_TEST(test_overlong_command_fails_cleanly),
	CHECK_TEST(test_impossible_tsc_rate_not_used),
	CHECK_TEST(test_memsize_qemu_and_vmware),
	CHECK_TEST(test_backdoor_by_vmcall_when_offered),
	CHECK_TEST(test_backdoor_falls_back_to_the_port),
	CHECK_TEST(test_backdoor_by_port_when_not_offered),
};

int
main(void)
{
	return check_main("test_vmt", tests, nitems(tests));
}

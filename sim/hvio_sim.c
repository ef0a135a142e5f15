/*
 * The simulator backend (hv=sim:<model>): struct hvio for the models of
 * sim.c, in the kernel.  CPUID leaves in the hypervisor range come from
 * the model (or, with profile=, from a recorded dump, so real leaves and
 * modelled behaviour combine); other leaves are the real CPU's, with the
 * hypervisor bit set.  MSRs, VMCALL/VMMCALL and the VMware backdoor
 * ports go to the model.  The simulated VM exit, INT 0xF0 from a
 * hypercall page the model wrote, arrives through trap() and is handed
 * to the model with the registers of the trap frame.
 */

#include "kern.h"
#include "cpuid_dump.h"
#include "hvio.h"
#include "pvbusreg.h"
#include "simvar.h"
#include "trap.h"
#include "x86.h"

/* The TSC rate the simulated clocks assume (QEMU TCG has no real one). */
#define SIM_TSC_HZ	1000000000ULL

static struct cpuid_dump *sim_profile;
static char	sim_ioname[32];
static char	sim_faultnames[96];

/*
 * The CMOS RTC's NVRAM (index port 0x70, data 0x71; bit 7 of the index
 * masks NMI).  Bytes 0x70-0x77 are in the general-purpose area that
 * neither SeaBIOS nor OVMF uses, and QEMU keeps them across a reset.
 */
#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define CMOS_SIM_BASE	0x70

uint64_t
sim_rdtsc(void)
{
	return rdtsc();
}

uint8_t
sim_nvram_read(int i)
{
	outb(CMOS_INDEX, 0x80 | (CMOS_SIM_BASE + i));
	return inb(CMOS_DATA);
}

void
sim_nvram_write(int i, uint8_t v)
{
	outb(CMOS_INDEX, 0x80 | (CMOS_SIM_BASE + i));
	outb(CMOS_DATA, v);
}

static void
simio_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	if (sim_profile != NULL) {
		(void)cpuid_dump_answer(sim_profile, leaf, subleaf, out);
		return;
	}
	if (sim_cpuid(leaf, subleaf, out))
		return;
	cpuid(leaf, subleaf, out);
	if (leaf == 1)
		out->ecx |= CPUID_1_ECX_HYPERVISOR;
}

/* The trap frame's registers in, the model's answer out. */
static bool
simio_trap(struct trapframe *tf)
{
	struct vm_regs r = {
		tf->tf_rax, tf->tf_rbx, tf->tf_rcx, tf->tf_rdx,
		tf->tf_rsi, tf->tf_rdi, tf->tf_rbp,
		tf->tf_r8, tf->tf_r9, tf->tf_r10, tf->tf_r11,
	};

	if (sim_exit(&r, tf->tf_rip - SIM_EXIT_LEN) == ENOENT)
		return false;
	tf->tf_rax = r.vr_rax, tf->tf_rbx = r.vr_rbx;
	tf->tf_rcx = r.vr_rcx, tf->tf_rdx = r.vr_rdx;
	tf->tf_rsi = r.vr_rsi, tf->tf_rdi = r.vr_rdi, tf->tf_rbp = r.vr_rbp;
	tf->tf_r8 = r.vr_r8, tf->tf_r9 = r.vr_r9;
	tf->tf_r10 = r.vr_r10, tf->tf_r11 = r.vr_r11;
	return true;
}

/* One facts line, so a log can never pass for a real hypervisor's. */
static void
simio_report(void)
{
	printf("pvbus: sim model=%s faults=%s profile=%s\n", sim_ioname + 4,
	    sim_faultnames[0] != '\0' ? sim_faultnames : "none",
	    sim_profile != NULL ? "yes" : "no");
}

static const struct hvio hvio_sim = {
	.io_name = sim_ioname,
	.io_detail = "",
	.io_caps = HVIO_CAP_MSR | HVIO_CAP_HYPERCALL,
	.io_exit = &sim_exit_insn,
	.io_cpuid = simio_cpuid,
	.io_rdmsr = sim_rdmsr,
	.io_wrmsr = sim_wrmsr,
	.io_backdoor = sim_backdoor,
	.io_backdoor_hb = sim_backdoor_hb,
	.io_hypercall = sim_hypercall,
	.io_report = simio_report,
};

/* AMD's VMMCALL or Intel's VMCALL, by the vendor CPUID shows the guest. */
static bool
sim_cpu_is_amd(void)
{
	struct cpuid_regs r;

	simio_cpuid(0, 0, &r);
	return (r.ebx == 0x68747541 && r.edx == 0x69746e65 &&
	    r.ecx == 0x444d4163) ||		/* "AuthenticAMD" */
	    (r.ebx == 0x6f677948 && r.edx == 0x6e65476e &&
	    r.ecx == 0x656e6975);		/* "HygonGenuine" */
}

const struct hvio *
hvio_sim_open(const char *name, const char *faults, struct cpuid_dump *profile,
    char *err, size_t errlen)
{
	uint32_t bits;

	if (sim_parse_faults(faults, &bits, err, errlen) != 0 ||
	    sim_setup(name, bits, err, errlen) != 0)
		return NULL;
	snprintf(sim_ioname, sizeof(sim_ioname), "sim:%s", name);
	snprintf(sim_faultnames, sizeof(sim_faultnames), "%s", faults);
	sim_profile = profile;
	sim.sm_amd = sim_cpu_is_amd();
	sim.sm_tsc_hz = SIM_TSC_HZ;
	trap_set_simexit(simio_trap);
	kexit_at(sim_finish);
	return &hvio_sim;
}

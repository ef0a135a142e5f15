/*
 * The simulator backend (hv=sim:<model>): struct hvio for the models of
 * sim.c, in the kernel, and its row of hvio's backend table
 * (drivers/hvio/hvio_backends.c), through which the kernel reaches it.
 * CPUID leaves in the hypervisor range come from the model (or, with
 * profile=, from a recorded dump, so real leaves and modelled behaviour
 * combine); other leaves are the real CPU's, with the hypervisor bit
 * set.  MSRs, VMCALL/VMMCALL and the VMware backdoor ports go to the
 * model.  The simulated VM exit, INT 0xF0 from a hypercall page the
 * model wrote, arrives through trap() and is handed to the model with
 * the registers of the trap frame.  The options the model takes from
 * the command line (sim.fault=, profile=, sim.failbyte=, vmt.script=)
 * are read here; sim_options.c checks them.
 */

#include "kern.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "cpuid_dump.h"
#include "hvio.h"
#include "pvbusreg.h"
#include "sim_vmwarevar.h"	/* sim_vmw_script_check() */
#include "simvar.h"
#include "trap.h"
#include "x86.h"

/* The TSC rate the simulated clocks assume (QEMU TCG has no real one). */
#define SIM_TSC_HZ	1000000000ULL

static struct cpuid_dump *sim_profile;
static char	sim_ioname[32];
static char	sim_faultnames[96];

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

static const struct hvio sim_hvio = {
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

/*
 * Set up model "name" (sim_models.c lists them) with these faults ("a,b" or ""), CPUID
 * from a dump if one is given.  NULL with a sentence in err otherwise.
 */
static const struct hvio *
sim_backend_open(const char *name, const char *faults,
    struct cpuid_dump *profile, char *err, size_t errlen)
{
	uint32_t bits;

	if (sim_parse_faults(faults, &bits, err, errlen) != 0 ||
	    sim_setup_model(name, bits, err, errlen) != 0)
		return NULL;
	snprintf(sim_ioname, sizeof(sim_ioname), "sim:%s", name);
	snprintf(sim_faultnames, sizeof(sim_faultnames), "%s", faults);
	sim_profile = profile;
	sim.sm_amd = sim_cpu_is_amd();
	sim.sm_tsc_hz = SIM_TSC_HZ;
	trap_set_simexit(simio_trap);
	kexit_at(sim_finish);
	return &sim_hvio;
}

/*
 * profile=NAME: the module whose string (without directories) is NAME,
 * parsed as a dump for the simulator's CPUID.
 */
static struct cpuid_dump *
sim_backend_profile(const char *name, const struct bootinfo *bi, char *err,
    size_t errlen)
{
	static struct cpuid_dump profile;
	const struct bi_module *m;

	if ((m = bootinfo_module(bi, name)) == NULL) {
		hvio_module_missing("profile=", name, bi, err, errlen);
		return NULL;
	}
	if (!hvio_module_ok(bi, m, err, errlen))
		return NULL;
	if (cpuid_dump_parse((const char *)(uintptr_t)m->mod_start,
	    (size_t)(m->mod_end - m->mod_start), &profile) != 0) {
		snprintf(err, errlen, "profile \"%pE\": %s", name,
		    profile.cd_error);
		return NULL;
	}
	return &profile;
}

/*
 * hv=sim:<model>, with the model's options from the command line: the
 * faults, the profile, the byte a send fails at, the TCLO script.
 */
static const struct hvio *
sim_backend_select(const char *model, const struct cmdline *cl,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	const char *faults = cmdline_get(cl, "sim.fault");
	const char *name = cmdline_get(cl, "profile");
	const char *failbyte = cmdline_get(cl, "sim.failbyte");
	struct cpuid_dump *profile = NULL;
	const struct hvio *io;
	uint32_t at = SIM_FAILBYTE_DEFAULT;

	if (failbyte != NULL && cmdline_uint("sim.failbyte", failbyte,
	    SIM_FAILBYTE_MAX, &at, err, errlen) != 0)
		return NULL;
	if (name != NULL &&
	    (profile = sim_backend_profile(name, bi, err, errlen)) == NULL)
		return NULL;
	if ((io = sim_backend_open(model, faults != NULL ? faults : "", profile,
	    err, errlen)) == NULL)
		return NULL;
	sim.sm_script = cmdline_get(cl, "vmt.script");
	if (sim_vmw_script_check(sim.sm_script, err, errlen) != 0)
		return NULL;
	sim.sm_failbyte = at;
	return io;
}

static int
sim_backend_check(const char *model, const struct bootinfo *bi __unused,
    char *err, size_t errlen)
{
	return sim_check_model(model, err, errlen);
}

const struct hvio_backend sim_backend = {
	"sim:", "sim:<model>", sim_backend_select, sim_backend_check
};

/* profile=NAME: a dump for the simulator's CPUID, so a simulator there. */
int
sim_backend_check_profile(const char *value, const struct cmdline *cl,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	const char *hv = cmdline_get(cl, "hv");

	if (hv == NULL || strncmp(hv, "sim:", 4) != 0) {
		snprintf(err, errlen, "profile=%pE does nothing without "
		    "hv=sim:<model>", value);
		return EINVAL;
	}
	if (bootinfo_module(bi, value) == NULL) {
		hvio_module_missing("profile=", value, bi, err, errlen);
		return EINVAL;
	}
	return 0;
}

/*
 * vmt.script="cmd;cmd" or @NAME, played by sim_vmware_host.c, which
 * also judges the module (sim_vmw_script_check()).
 */
int
sim_backend_check_script(const char *value, const struct cmdline *cl,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	if (!sim_has_vmware_host(cmdline_get(cl, "hv"))) {
		snprintf(err, errlen, "vmt.script= does nothing without the "
		    "VMware host (hv=sim:vmware or sim:vmware+hyperv plays it)");
		return EINVAL;
	}
	if (value[0] == '\0') {
		snprintf(err, errlen, "vmt.script= is empty");
		return EINVAL;
	}
	if (value[0] == '@' && bootinfo_module(bi, value + 1) == NULL) {
		hvio_module_missing("vmt.script=@", value + 1, bi, err, errlen);
		return EINVAL;
	}
	return sim_vmw_script_check(value, err, errlen);	/* @NAME */
}

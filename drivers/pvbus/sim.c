/*
 * The simulated hypervisors' common part: which interfaces a model has
 * and where, the faults asked for, and the dispatch of CPUID, MSRs,
 * exits and hypercalls to the interfaces (simvar.h says how a model is
 * built).  No hardware: unit-tested on the host; hvio_sim.c puts it
 * behind struct hvio in the kernel.
 *
 * Layouts follow real configurations (hypervisor-interfaces.md 1.5): a
 * hypervisor that emulates another puts the borrowed interface at
 * 0x40000000 and its own at 0x40000100.  KVM with Hyper-V emulation:
 * Hyper-V at 0x40000000, KVM at 0x40000100.  Xen with Viridian: Hyper-V
 * at 0x40000000, Xen at 0x40000100, its hypercall MSR moved from
 * 0x40000000 (which Viridian takes for the guest OS id) to 0x40000200
 * (xen/arch/x86/cpuid.c, msr.c).
 */

#include "kern.h"
#include "simvar.h"

#define SIM_HV_FIRST		0x40000000
#define SIM_HV_LAST		0x4000ffff
#define XEN_MSR_PLAIN		0x40000000	/* base+2 EBX without Viridian */
#define XEN_MSR_VIRIDIAN	0x40000200	/* with it */

struct sim sim;

static const struct {
	const char	*fn_name;
	uint32_t	fn_bit;
} sim_fault_names[] = {
	{ "hypercall-msr-ignored",	SIM_FAULT_HYPERCALL_MSR_IGNORED },
	{ "page-not-filled",		SIM_FAULT_PAGE_NOT_FILLED },
	{ "status-error",		SIM_FAULT_STATUS_ERROR },
	{ "clock-odd-version",		SIM_FAULT_CLOCK_ODD_VERSION },
	{ "garbage-cpuid",		SIM_FAULT_GARBAGE_CPUID },
	{ "rpc-open-refused",		SIM_FAULT_RPC_OPEN_REFUSED },
	{ "rpc-send-fails",		SIM_FAULT_RPC_SEND_FAILS },
	{ "rpc-reply-too-long",		SIM_FAULT_RPC_REPLY_TOO_LONG },
	{ "rpc-wrong-cookie",		SIM_FAULT_RPC_WRONG_COOKIE },
	{ "rpc-no-success",		SIM_FAULT_RPC_NO_SUCCESS },
	{ "rpc-endless-reply",		SIM_FAULT_RPC_ENDLESS_REPLY },
};

int
sim_parse_faults(const char *s, uint32_t *faults, char *err, size_t errlen)
{
	const char *end;
	size_t i, len;

	*faults = 0;
	for (; *s != '\0'; s = *end == ',' ? end + 1 : end) {
		for (end = s; *end != '\0' && *end != ','; end++)
			;
		len = (size_t)(end - s);
		for (i = 0; i < nitems(sim_fault_names); i++)
			if (strlen(sim_fault_names[i].fn_name) == len &&
			    strncmp(s, sim_fault_names[i].fn_name, len) == 0)
				break;
		if (i == nitems(sim_fault_names)) {
			snprintf(err, errlen, "sim.fault: \"%*pE\" is not a "
			    "fault the simulators know (README: Simulated "
			    "hypervisors)", (int)len, s);
			return EINVAL;
		}
		*faults |= sim_fault_names[i].fn_bit;
	}
	return 0;
}

/* Build the interfaces of model "name"; EINVAL if there is no such one. */
int
sim_setup(const char *name, uint32_t faults, char *err, size_t errlen)
{
	struct sim_iface *si = sim.sm_iface;

	memset(&sim, 0, sizeof(sim));
	sim.sm_faults = faults;
	if (strcmp(name, "hyperv") == 0) {
		sim_hyperv_init(&si[0], 0x40000000);
		sim.sm_niface = 1;
	} else if (strcmp(name, "xen") == 0) {
		sim_xen_init(&si[0], 0x40000000, XEN_MSR_PLAIN);
		sim.sm_niface = 1;
	} else if (strcmp(name, "kvm") == 0) {
		sim_kvm_init(&si[0], 0x40000000);
		sim.sm_niface = 1;
	} else if (strcmp(name, "kvm+hyperv") == 0) {
		sim_hyperv_init(&si[0], 0x40000000);
		sim_kvm_init(&si[1], 0x40000100);
		sim.sm_niface = 2;
	} else if (strcmp(name, "vmware") == 0) {
		sim_vmware_init(&si[0], 0x40000000);
		sim.sm_niface = 1;
	} else if (strcmp(name, "xen+viridian") == 0) {
		sim_hyperv_init(&si[0], 0x40000000);
		sim_xen_init(&si[1], 0x40000100, XEN_MSR_VIRIDIAN);
		sim.sm_niface = 2;
	} else {
		snprintf(err, errlen, "hv=sim:%pE: want sim:hyperv, sim:xen, "
		    "sim:kvm, sim:kvm+hyperv, sim:xen+viridian or sim:vmware",
		    name);
		return EINVAL;
	}
	return 0;
}

/*
 * A hypervisor leaf: the interface whose block holds it answers, with
 * the garbage-cpuid fault making each base claim a max leaf outside its
 * block, as an Intel CPU's repeated basic leaf would.  Anything else in
 * the range answers zeros, as Xen and AMD do.  Returns false for a leaf
 * outside the hypervisor range: the CPU's own to answer.
 */
bool
sim_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	struct sim_iface *si;
	int i;

	if (leaf < SIM_HV_FIRST || leaf > SIM_HV_LAST)
		return false;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < sim.sm_niface; i++) {
		si = &sim.sm_iface[i];
		if (leaf < si->si_base || leaf > si->si_base + 0xff)
			continue;
		if (!si->si_cpuid(si, leaf, subleaf, out))
			memset(out, 0, sizeof(*out));
		if (leaf == si->si_base && sim_fault(SIM_FAULT_GARBAGE_CPUID))
			out->eax = 0x0000001f;
		break;
	}
	return true;
}

/* The first interface that owns the MSR answers; none is a #GP. */
int
sim_rdmsr(uint32_t msr, uint64_t *val)
{
	struct sim_iface *si;
	int i, error;

	for (i = 0; i < sim.sm_niface; i++) {
		si = &sim.sm_iface[i];
		if (si->si_rdmsr != NULL &&
		    (error = si->si_rdmsr(si, msr, val)) != ENOENT)
			return error;
	}
	return EFAULT;
}

int
sim_wrmsr(uint32_t msr, uint64_t val)
{
	struct sim_iface *si;
	int i, error;

	for (i = 0; i < sim.sm_niface; i++) {
		si = &sim.sm_iface[i];
		if (si->si_wrmsr != NULL &&
		    (error = si->si_wrmsr(si, msr, val)) != ENOENT)
			return error;
	}
	return EFAULT;
}

/* An INT 0xF0 at rip: ENOENT if no interface wrote a page there. */
int
sim_exit(struct vm_regs *r, uintptr_t rip)
{
	struct sim_iface *si;
	int i, error;

	for (i = 0; i < sim.sm_niface; i++) {
		si = &sim.sm_iface[i];
		if (si->si_exit != NULL &&
		    (error = si->si_exit(si, r, rip)) != ENOENT)
			return error;
	}
	return ENOENT;
}

/*
 * VMCALL/VMMCALL: asked in interface order, so with Hyper-V at
 * 0x40000000 its handler sees the call first (KVM routes every VMCALL to
 * Hyper-V once its hypercalls are enabled: kvm_hv_hypercall_enabled()).
 * Nobody taking it is a #UD.
 */
int
sim_hypercall(struct vm_regs *r, bool vmmcall)
{
	struct sim_iface *si;
	int i, error;

	for (i = 0; i < sim.sm_niface; i++) {
		si = &sim.sm_iface[i];
		if (si->si_hypercall != NULL &&
		    (error = si->si_hypercall(si, r, vmmcall)) != ENOENT)
			return error;
	}
	return EFAULT;
}

/* The backdoor ports: the first interface that has them; else no device. */
int
sim_backdoor(struct vm_regs *r)
{
	struct sim_iface *si;
	int i, error;

	for (i = 0; i < sim.sm_niface; i++) {
		si = &sim.sm_iface[i];
		if (si->si_backdoor != NULL &&
		    (error = si->si_backdoor(si, r)) != ENOENT)
			return error;
	}
	return hvio_no_backdoor(r);
}

int
sim_backdoor_hb(struct vm_regs *r, bool out)
{
	struct sim_iface *si;
	int i, error;

	for (i = 0; i < sim.sm_niface; i++) {
		si = &sim.sm_iface[i];
		if (si->si_backdoor_hb != NULL &&
		    (error = si->si_backdoor_hb(si, r, out)) != ENOENT)
			return error;
	}
	return hvio_no_backdoor_hb(r, out);
}

/* What each interface has to say at the end of the boot. */
void
sim_finish(void)
{
	int i;

	for (i = 0; i < sim.sm_niface; i++)
		if (sim.sm_iface[i].si_finish != NULL)
			sim.sm_iface[i].si_finish(&sim.sm_iface[i]);
}

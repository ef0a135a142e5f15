/*
 * The simulated hypervisors' common part: the state of the model that
 * runs, the faults asked for, and the dispatch of CPUID, MSRs, exits,
 * hypercalls and the backdoor ports to its interfaces, each through
 * the function pointers its model's init filled in (simvar.h says how
 * a model is built).  It names no model: sim_models.c lists them, and
 * sim_backend.c puts the whole behind struct hvio in the kernel.  No
 * hardware: unit-tested on the host.
 */

#include "kern.h"
#include "simvar.h"

#define SIM_HV_FIRST		0x40000000
#define SIM_HV_LAST		0x4000ffff

struct sim sim;

const struct hvio_exit sim_exit_insn = {
	.ex_insn = { SIM_EXIT_INSN & 0xff, SIM_EXIT_INSN >> 8 },
	.ex_page_name = "INT 0xF0, the simulator's exit",
	.ex_stub_name = "int 0xf0; nop (the simulator's VM exit)",
};

/* Build the interfaces of model m, with these faults to inject. */
void
sim_setup(const struct sim_model *m, uint32_t faults)
{
	memset(&sim, 0, sizeof(sim));
	sim.sm_faults = faults;
	m->m_init(sim.sm_iface);
	sim.sm_niface = m->m_niface;
}

/*
 * A hypervisor leaf: the first interface whose block holds it and that
 * answers it, with the garbage-cpuid fault making each base claim a max
 * leaf outside its block, as an Intel CPU's repeated basic leaf would.
 * Two interfaces may share a block (VMware's own leaves and its Hv#1
 * ones, sim:vmware+hyperv): the first answers the leaves it has and
 * leaves the others to the next.  Anything else in the range answers
 * zeros, as Xen and AMD do.  Returns false for a leaf outside the
 * hypervisor range: the CPU's own to answer.
 */
bool
sim_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	struct sim_iface *si;
	int i;

	if (leaf < SIM_HV_FIRST || leaf > SIM_HV_LAST)
		return false;
	for (i = 0; i < sim.sm_niface; i++) {
		si = &sim.sm_iface[i];
		memset(out, 0, sizeof(*out));
		if (leaf < si->si_base || leaf > si->si_base + 0xff ||
		    !si->si_cpuid(si, leaf, subleaf, out))
			continue;
		if (leaf == si->si_base && sim_fault(SIM_FAULT_GARBAGE_CPUID))
			out->eax = 0x0000001f;
		return true;
	}
	memset(out, 0, sizeof(*out));
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

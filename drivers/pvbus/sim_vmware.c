/* PLACEHOLDER, replaced by the VMware host model: answers nothing. */

#include "kern.h"
#include "simvar.h"

static bool
sim_vmware_cpuid(struct sim_iface *si __unused, uint32_t leaf __unused,
    uint32_t subleaf __unused, struct cpuid_regs *out __unused)
{
	return false;
}

void
sim_vmware_init(struct sim_iface *si, uint32_t base)
{
	memset(si, 0, sizeof(*si));
	si->si_name = "vmware";
	si->si_base = base;
	si->si_cpuid = sim_vmware_cpuid;
}

/* PLACEHOLDER, replaced by the xen model: an interface that answers nothing. */

#include "kern.h"
#include "simvar.h"

static bool
sim_xen_cpuid(struct sim_iface *si __unused, uint32_t leaf __unused,
    uint32_t subleaf __unused, struct cpuid_regs *out __unused)
{
	return false;
}

void
sim_xen_init(struct sim_iface *si, uint32_t base, uint32_t msr)
{
	(void)msr;
	memset(si, 0, sizeof(*si));
	si->si_name = "xen";
	si->si_base = base;
	si->si_cpuid = sim_xen_cpuid;
}

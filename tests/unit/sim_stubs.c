/*
 * The models a test does not link: sim_models.c names all four, so a
 * test of one model, or of the command line's checks, links these in
 * place of the others.  They are weak: a test that links a model gets
 * the real one.  Set up, a stand-in's interface answers no leaf, and
 * its name says what it is ("stub:kvm").
 */

#include "kern.h"
#include "simvar.h"

#define SIM_STUB	__attribute__((weak))

static bool
stub_cpuid(struct sim_iface *si __unused, uint32_t leaf __unused,
    uint32_t subleaf __unused, struct cpuid_regs *out __unused)
{
	return false;
}

static void
stub_init(struct sim_iface *si, const char *name, uint32_t base)
{
	memset(si, 0, sizeof(*si));
	si->si_name = name;
	si->si_base = base;
	si->si_cpuid = stub_cpuid;
}

SIM_STUB void
sim_hyperv_init(struct sim_iface *si, uint32_t base,
    enum sim_hv_persona_id persona __unused)
{
	stub_init(si, "stub:hyperv", base);
}

SIM_STUB void
sim_xen_init(struct sim_iface *si, uint32_t base, uint32_t msr __unused,
    enum sim_xen_persona_id persona __unused)
{
	stub_init(si, "stub:xen", base);
}

SIM_STUB void
sim_kvm_init(struct sim_iface *si, uint32_t base)
{
	stub_init(si, "stub:kvm", base);
}

SIM_STUB void
sim_vmware_init(struct sim_iface *si, uint32_t base)
{
	stub_init(si, "stub:vmware", base);
}

SIM_STUB void
sim_vmware_vmcall_init(struct sim_iface *si, uint32_t base)
{
	stub_init(si, "stub:vmware-vmcall", base);
}

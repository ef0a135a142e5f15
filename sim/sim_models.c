/*
 * The configuration table of the simulated hypervisors: each model
 * hv=sim:<name> may name, the interfaces it has and where, the real
 * implementation each interface plays (its personality), and the faults
 * it can inject.  Like drivers/pvbus/pvconf.c for the bus, this is the
 * one file that names the models (their init functions); the common
 * part, sim.c, only calls what an init filled in.
 *
 * Layouts follow real configurations (docs/reference/cpuid-detection.md
 * "Several interfaces at once"): a hypervisor that emulates another
 * puts the borrowed interface at 0x40000000 and its own at 0x40000100.
 * KVM with Hyper-V emulation: Hyper-V at 0x40000000, KVM at
 * 0x40000100.  Xen with Viridian: Hyper-V at 0x40000000, Xen at
 * 0x40000100, its hypercall MSR moved from 0x40000000 (which Viridian
 * takes for the guest OS id) to 0x40000200 (xen/arch/x86/cpuid.c,
 * msr.c).  VirtualBox offers Hv#1 under its own signature and nothing
 * else (GIMHv.cpp gimR3HvInit()).  VMware offers Hv#1 in its own block
 * at 0x40000000 (tests/cpuid-dumps/vmware-hv1-i7-6700k-1.txt), beside
 * the backdoor: two interfaces of one block, the Hyper-V one answering
 * leaves 1 to 0xF and the VMware one the rest (sim.c sim_cpuid()).
 * QEMU's Xen emulation puts Xen alone at 0x40000000, with no KVM leaves
 * (QEMU target/i386/kvm/kvm.c kvm_arch_init_vcpu()).
 */

#include "kern.h"
#include "simvar.h"

#define XEN_MSR_PLAIN		0x40000000	/* base+2 EBX without Viridian */
#define XEN_MSR_VIRIDIAN	0x40000200	/* with it */

/*
 * The faults each interface can inject, by the file that injects them.
 * garbage-cpuid is sim_cpuid()'s below, so every model has it.  A fault
 * a model lacks would change nothing, and sim.fault= naming one fails
 * cmdline_parsed (sim_check_fault()).
 */
#define SIM_FAULTS_HYPERV	/* sim_hyperv.c */			\
	(SIM_FAULT_HYPERCALL_MSR_IGNORED | SIM_FAULT_PAGE_NOT_FILLED |	\
	SIM_FAULT_STATUS_ERROR | SIM_FAULT_CLOCK_ODD_VERSION |		\
	SIM_FAULT_GARBAGE_CPUID)
#define SIM_FAULTS_XEN		/* sim_xen.c: it has no clock */	\
	(SIM_FAULT_HYPERCALL_MSR_IGNORED | SIM_FAULT_PAGE_NOT_FILLED |	\
	SIM_FAULT_STATUS_ERROR | SIM_FAULT_GARBAGE_CPUID)
#define SIM_FAULTS_KVM		/* sim_kvm.c */				\
	(SIM_FAULT_HYPERCALL_MSR_IGNORED | SIM_FAULT_PAGE_NOT_FILLED |	\
	SIM_FAULT_STATUS_ERROR | SIM_FAULT_CLOCK_ODD_VERSION |		\
	SIM_FAULT_GARBAGE_CPUID)
#define SIM_FAULTS_VMWARE	/* sim_vmware_rpc.c, sim_vmware_host.c */ \
	(SIM_FAULT_RPC_OPEN_REFUSED | SIM_FAULT_RPC_SEND_FAILS |	\
	SIM_FAULT_RPC_REPLY_TOO_LONG | SIM_FAULT_RPC_WRONG_COOKIE |	\
	SIM_FAULT_RPC_NO_SUCCESS | SIM_FAULT_RPC_ENDLESS_REPLY |	\
	SIM_FAULT_GARBAGE_CPUID)

static void
sim_init_hyperv(struct sim_iface *si)
{
	sim_hyperv_init(&si[0], 0x40000000, SIM_HV_WINDOWS);
}

static void
sim_init_xen(struct sim_iface *si)
{
	sim_xen_init(&si[0], 0x40000000, XEN_MSR_PLAIN, SIM_XEN_NATIVE);
}

static void
sim_init_kvm(struct sim_iface *si)
{
	sim_kvm_init(&si[0], 0x40000000);
}

static void
sim_init_kvm_hyperv(struct sim_iface *si)
{
	sim_hyperv_init(&si[0], 0x40000000, SIM_HV_KVM);
	sim_kvm_init(&si[1], 0x40000100);
}

static void
sim_init_xen_viridian(struct sim_iface *si)
{
	sim_hyperv_init(&si[0], 0x40000000, SIM_HV_XEN);
	sim_xen_init(&si[1], 0x40000100, XEN_MSR_VIRIDIAN, SIM_XEN_NATIVE);
}

static void
sim_init_vmware(struct sim_iface *si)
{
	sim_vmware_init(&si[0], 0x40000000);
}

static void
sim_init_vmware_vmcall(struct sim_iface *si)
{
	sim_vmware_vmcall_init(&si[0], 0x40000000);
}

static void
sim_init_virtualbox(struct sim_iface *si)
{
	sim_hyperv_init(&si[0], 0x40000000, SIM_HV_VBOX);
}

/* Hv#1 first: it answers leaves 1 to 0xF of the shared block. */
static void
sim_init_vmware_hyperv(struct sim_iface *si)
{
	sim_hyperv_init(&si[0], 0x40000000, SIM_HV_VMWARE);
	sim_vmware_init(&si[1], 0x40000000);
}

static void
sim_init_kvm_xen(struct sim_iface *si)
{
	sim_xen_init(&si[0], 0x40000000, XEN_MSR_PLAIN, SIM_XEN_KVM);
}

/*
 * The models, as hv=sim:<name> names them.  A model's faults are those
 * of its interfaces; the VMware host's (rpc-*) also make vmt.script=
 * and sim.failbyte= apply (m_vmware_host).
 */
static const struct sim_model sim_models[] = {
	{ "hyperv",	  1, sim_init_hyperv,	    SIM_FAULTS_HYPERV, false },
	{ "xen",	  1, sim_init_xen,	    SIM_FAULTS_XEN, false },
	{ "kvm",	  1, sim_init_kvm,	    SIM_FAULTS_KVM, false },
	{ "kvm+hyperv",	  2, sim_init_kvm_hyperv,
	    SIM_FAULTS_HYPERV | SIM_FAULTS_KVM, false },
	{ "xen+viridian", 2, sim_init_xen_viridian,
	    SIM_FAULTS_HYPERV | SIM_FAULTS_XEN, false },
	{ "vmware",	  1, sim_init_vmware,	    SIM_FAULTS_VMWARE, true },
	{ "vmware-vmcall", 1, sim_init_vmware_vmcall, SIM_FAULTS_VMWARE, true },
	{ "virtualbox",	  1, sim_init_virtualbox,   SIM_FAULTS_HYPERV, false },
	{ "vmware+hyperv", 2, sim_init_vmware_hyperv,
	    SIM_FAULTS_HYPERV | SIM_FAULTS_VMWARE, true },
	{ "kvm-xen",	  1, sim_init_kvm_xen,	    SIM_FAULTS_XEN, false },
};

const struct sim_model *
sim_model_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(sim_models); i++)
		if (strcmp(name, sim_models[i].m_name) == 0)
			return &sim_models[i];
	return NULL;
}

/* hv= names a model with the VMware host (hv may be NULL). */
bool
sim_has_vmware_host(const char *hv)
{
	const struct sim_model *m;

	if (hv == NULL || strncmp(hv, "sim:", 4) != 0)
		return false;
	return (m = sim_model_find(hv + 4)) != NULL && m->m_vmware_host;
}

/*
 * Append the names of a list to err at *np, "a, b or c", each with
 * prefix; *np counts what snprintf() would have written, so stop when
 * it is past the end.
 */
void
sim_list(char *err, size_t errlen, size_t *np, const char *prefix,
    const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n && *np < errlen; i++)
		*np += (size_t)snprintf(err + *np, errlen - *np, "%s%s%s",
		    i == 0 ? "" : i + 1 == n ? " or " : ", ", prefix, names[i]);
}

int
sim_check_model(const char *name, char *err, size_t errlen)
{
	const char *names[nitems(sim_models)];
	size_t i, n;

	if (sim_model_find(name) != NULL)
		return 0;
	for (i = 0; i < nitems(sim_models); i++)
		names[i] = sim_models[i].m_name;
	n = (size_t)snprintf(err, errlen, "hv=sim:%pE: want ", name);
	sim_list(err, errlen, &n, "sim:", names, nitems(sim_models));
	return EINVAL;
}

/* Build model "name"; EINVAL naming the models if there is no such one. */
int
sim_setup_model(const char *name, uint32_t faults, char *err, size_t errlen)
{
	if (sim_check_model(name, err, errlen) != 0)
		return EINVAL;
	sim_setup(sim_model_find(name), faults);
	return 0;
}

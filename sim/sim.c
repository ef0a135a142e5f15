/*
 * The simulated hypervisors' common part: which interfaces a model has
 * and where, the faults asked for, and the dispatch of CPUID, MSRs,
 * exits and hypercalls to the interfaces (simvar.h says how a model is
 * built).  No hardware: unit-tested on the host; hvio_sim.c puts it
 * behind struct hvio in the kernel.
 *
 * Layouts follow real configurations (docs/reference/cpuid-detection.md
 * "Several interfaces at once"): a hypervisor that emulates another
 * puts the borrowed interface at 0x40000000 and its own at 0x40000100.
 * KVM with Hyper-V emulation: Hyper-V at 0x40000000, KVM at
 * 0x40000100.  Xen with Viridian: Hyper-V at 0x40000000, Xen at
 * 0x40000100, its hypercall MSR moved from 0x40000000 (which Viridian
 * takes for the guest OS id) to 0x40000200 (xen/arch/x86/cpuid.c,
 * msr.c).
 */

#include "kern.h"
#include "cmdline.h"
#include "simvar.h"

#define SIM_HV_FIRST		0x40000000
#define SIM_HV_LAST		0x4000ffff
#define XEN_MSR_PLAIN		0x40000000	/* base+2 EBX without Viridian */
#define XEN_MSR_VIRIDIAN	0x40000200	/* with it */

struct sim sim;

const struct hvio_exit sim_exit_insn = {
	.ex_insn = { SIM_EXIT_INSN & 0xff, SIM_EXIT_INSN >> 8 },
	.ex_page_name = "INT 0xF0, the simulator's exit",
	.ex_stub_name = "int 0xf0; nop (the simulator's VM exit)",
};

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
	sim_hyperv_init(&si[0], 0x40000000);
}

static void
sim_init_xen(struct sim_iface *si)
{
	sim_xen_init(&si[0], 0x40000000, XEN_MSR_PLAIN);
}

static void
sim_init_kvm(struct sim_iface *si)
{
	sim_kvm_init(&si[0], 0x40000000);
}

static void
sim_init_kvm_hyperv(struct sim_iface *si)
{
	sim_hyperv_init(&si[0], 0x40000000);
	sim_kvm_init(&si[1], 0x40000100);
}

static void
sim_init_xen_viridian(struct sim_iface *si)
{
	sim_hyperv_init(&si[0], 0x40000000);
	sim_xen_init(&si[1], 0x40000100, XEN_MSR_VIRIDIAN);
}

static void
sim_init_vmware(struct sim_iface *si)
{
	sim_vmware_init(&si[0], 0x40000000);
}

/* The models, as hv=sim:<name> names them. */
static const struct sim_model {
	const char	*m_name;
	int		 m_niface;
	void		(*m_init)(struct sim_iface *);
	uint32_t	 m_faults;	/* SIM_FAULT_* it can inject */
} sim_models[] = {
	{ "hyperv",	  1, sim_init_hyperv,	    SIM_FAULTS_HYPERV },
	{ "xen",	  1, sim_init_xen,	    SIM_FAULTS_XEN },
	{ "kvm",	  1, sim_init_kvm,	    SIM_FAULTS_KVM },
	{ "kvm+hyperv",	  2, sim_init_kvm_hyperv,
	    SIM_FAULTS_HYPERV | SIM_FAULTS_KVM },
	{ "xen+viridian", 2, sim_init_xen_viridian,
	    SIM_FAULTS_HYPERV | SIM_FAULTS_XEN },
	{ "vmware",	  1, sim_init_vmware,	    SIM_FAULTS_VMWARE },
};

static const struct sim_model *
sim_model_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(sim_models); i++)
		if (strcmp(name, sim_models[i].m_name) == 0)
			return &sim_models[i];
	return NULL;
}

/*
 * Append the names of a list to err at *np, "a, b or c", each with
 * prefix; *np counts what snprintf() would have written, so stop when
 * it is past the end.
 */
static void
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
		if ((*faults & sim_fault_names[i].fn_bit) != 0) {
			snprintf(err, errlen, "sim.fault: \"%s\" is named "
			    "twice", sim_fault_names[i].fn_name);
			return EINVAL;
		}
		*faults |= sim_fault_names[i].fn_bit;
		if (*end == ',' && end[1] == '\0') {
			snprintf(err, errlen, "sim.fault: the list ends with "
			    "','");
			return EINVAL;
		}
	}
	return 0;
}

/*
 * Does hv= ask for a simulator?  If not, err says that what needs one.
 * *mp is its model, or NULL when hv= names none (its own check says).
 */
static bool
sim_need_sim(const char *what, const struct cmdline *cl,
    const struct sim_model **mp, char *err, size_t errlen)
{
	const char *hv = cmdline_get(cl, "hv");

	*mp = NULL;
	if (hv == NULL) {
		snprintf(err, errlen, "%s needs hv=sim:<model>; hv= is not "
		    "given (native)", what);
		return false;
	}
	if (strncmp(hv, "sim:", 4) != 0) {
		snprintf(err, errlen, "%s needs hv=sim:<model>, not hv=%pE",
		    what, hv);
		return false;
	}
	*mp = sim_model_find(hv + 4);
	return true;
}

int
sim_check_fault(const char *value, const struct cmdline *cl,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	const char *names[nitems(sim_fault_names)];
	const struct sim_model *m;
	uint32_t bits;
	size_t i, j, k, n;

	if (value[0] == '\0') {
		snprintf(err, errlen, "sim.fault= names no fault");
		return EINVAL;
	}
	if (sim_parse_faults(value, &bits, err, errlen) != 0)
		return EINVAL;
	if (!sim_need_sim("sim.fault=", cl, &m, err, errlen))
		return EINVAL;
	if (m == NULL)
		return 0;	/* hv=sim:<no such model> is hv='s problem */
	for (i = 0; i < nitems(sim_fault_names); i++) {
		if ((bits & sim_fault_names[i].fn_bit & ~m->m_faults) == 0)
			continue;
		for (j = k = 0; j < nitems(sim_fault_names); j++)
			if (m->m_faults & sim_fault_names[j].fn_bit)
				names[k++] = sim_fault_names[j].fn_name;
		n = (size_t)snprintf(err, errlen, "sim.fault=%s does nothing "
		    "under sim:%s, whose faults are ",
		    sim_fault_names[i].fn_name, m->m_name);
		sim_list(err, errlen, &n, "", names, k);
		return EINVAL;
	}
	/* hvio_sim.c: with profile=, CPUID comes from the dump instead. */
	if ((bits & SIM_FAULT_GARBAGE_CPUID) != 0 &&
	    cmdline_get(cl, "profile") != NULL) {
		snprintf(err, errlen, "sim.fault=garbage-cpuid does nothing "
		    "with profile=: CPUID then comes from the recorded dump");
		return EINVAL;
	}
	return 0;
}

int
sim_check_failbyte(const char *value, const struct cmdline *cl,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	const char *faults = cmdline_get(cl, "sim.fault"), *hv;
	uint32_t v, bits;

	if (cmdline_uint("sim.failbyte", value, SIM_FAILBYTE_MAX, &v, err,
	    errlen) != 0)
		return ERANGE;
	hv = cmdline_get(cl, "hv");
	if (hv == NULL || strcmp(hv, "sim:vmware") != 0 || faults == NULL ||
	    sim_parse_faults(faults, &bits, err, errlen) != 0 ||
	    (bits & SIM_FAULT_RPC_SEND_FAILS) == 0) {
		snprintf(err, errlen, "sim.failbyte=%pE does nothing without "
		    "hv=sim:vmware and sim.fault=rpc-send-fails", value);
		return EINVAL;
	}
	return 0;
}

/* Build the interfaces of model "name"; EINVAL if there is no such one. */
int
sim_setup(const char *name, uint32_t faults, char *err, size_t errlen)
{
	const struct sim_model *m;

	if (sim_check_model(name, err, errlen) != 0)
		return EINVAL;
	m = sim_model_find(name);
	memset(&sim, 0, sizeof(sim));
	sim.sm_faults = faults;
	m->m_init(sim.sm_iface);
	sim.sm_niface = m->m_niface;
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

/*
 * The native backend: the real instructions, on whatever machine this
 * is.  CPUID and the MSRs go through kernel/x86.h (architectural); the
 * guest-only instructions, the VMware backdoor's IN and REP INSB/OUTSB
 * and VMCALL/VMMCALL, are in hvio_native_asm.asm.  Every one that may
 * fault is covered by an exception fixup, so a machine without the
 * hypervisor in question answers EFAULT instead of crashing.
 */

#include "kern.h"
#include "hvio.h"
#include "x86.h"

/* hvio_native_asm.asm */
void	hvio_native_bdoor_in(struct vm_regs *);
void	hvio_native_bdoor_outsb(struct vm_regs *);
void	hvio_native_bdoor_insb(struct vm_regs *);
void	hvio_native_vmcall(struct vm_regs *);
void	hvio_native_vmmcall(struct vm_regs *);

/*
 * Every MSR access through this backend; how many raised #GP unasked;
 * and how many of the writes a step asked to be refused were.
 */
static unsigned	native_msr_reads, native_msr_writes, native_msr_faults;
static unsigned	native_msr_refusals;

static void
native_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	cpuid(leaf, subleaf, out);
}

static int
native_rdmsr(uint32_t msr, uint64_t *val)
{
	int error = rdmsr_safe(msr, val);

	native_msr_reads++;
	native_msr_faults += error != 0;
	return error;
}

static int
native_wrmsr(uint32_t msr, uint64_t val)
{
	int error = wrmsr_safe(msr, val);

	native_msr_writes++;
	native_msr_faults += error != 0;
	return error;
}

/*
 * A write the caller asked to be refused (hvio_wrmsr_refusal()): its
 * #GP is the answer it checks, counted apart from the faults.  A value
 * taken instead is an ordinary write, which the caller reports.
 */
static int
native_wrmsr_refusal(uint32_t msr, uint64_t val)
{
	int error = wrmsr_safe(msr, val);

	native_msr_writes++;
	native_msr_refusals += error != 0;
	return error;
}

void
hvio_native_msr_stats(unsigned *reads, unsigned *writes, unsigned *faults,
    unsigned *refusals)
{
	*reads = native_msr_reads;
	*writes = native_msr_writes;
	*faults = native_msr_faults;
	*refusals = native_msr_refusals;
}

/* Run one of the assembly routines; EFAULT if its instruction faulted. */
static int
native_call(void (*fn)(struct vm_regs *), struct vm_regs *r)
{
	trap_fixup_vector = TRAP_NONE;
	fn(r);
	return trap_fixup_vector == TRAP_NONE ? 0 : EFAULT;
}

static int
native_backdoor(struct vm_regs *r)
{
	return native_call(hvio_native_bdoor_in, r);
}

static int
native_backdoor_hb(struct vm_regs *r, bool out)
{
	return native_call(out ? hvio_native_bdoor_outsb :
	    hvio_native_bdoor_insb, r);
}

static int
native_hypercall(struct vm_regs *r, bool vmmcall)
{
	return native_call(vmmcall ? hvio_native_vmmcall : hvio_native_vmcall,
	    r);
}

const struct hvio hvio_native = {
	.io_name = "native",
	.io_detail = "",
	.io_caps = HVIO_CAP_MSR | HVIO_CAP_HYPERCALL,
	.io_cpuid = native_cpuid,
	.io_rdmsr = native_rdmsr,
	.io_wrmsr = native_wrmsr,
	.io_wrmsr_refusal = native_wrmsr_refusal,
	.io_backdoor = native_backdoor,
	.io_backdoor_hb = native_backdoor_hb,
	.io_hypercall = native_hypercall,
	.io_report = NULL,
};

static const struct hvio *
hvio_native_open(const char *arg __unused, const struct cmdline *cl __unused,
    const struct bootinfo *bi __unused, char *err __unused,
    size_t errlen __unused)
{
	return &hvio_native;
}

/* hv=native, and no hv= at all. */
const struct hvio_backend hvio_native_backend = {
	"native", "native", hvio_native_open, NULL
};

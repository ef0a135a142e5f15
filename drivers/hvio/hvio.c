/*
 * What every backend shares: the write a step expects to be refused,
 * and what a backend without MSRs, backdoor or hypercalls answers: what
 * the real instructions do on a machine where nothing is behind them (a
 * missing MSR is a #GP, the IN of an unused port reads all ones, VMCALL
 * without a hypervisor is a #UD).
 */

#include "kern.h"
#include "hvio.h"
#include "vmwarereg.h"

int
hvio_wrmsr_refusal(const struct hvio *io, uint32_t msr, uint64_t val)
{
	if (io->io_wrmsr_refusal != NULL)
		return io->io_wrmsr_refusal(msr, val);
	return io->io_wrmsr(msr, val);
}

int
hvio_no_msr_read(uint32_t msr __unused, uint64_t *val __unused)
{
	return EFAULT;
}

int
hvio_no_msr_write(uint32_t msr __unused, uint64_t val __unused)
{
	return EFAULT;
}

int
hvio_no_backdoor(struct vm_regs *r)
{
	r->vr_rax = VM_UNSUPPORTED;
	return 0;
}

int
hvio_no_backdoor_hb(struct vm_regs *r __unused, bool out __unused)
{
	return 0;
}

int
hvio_no_hypercall(struct vm_regs *r __unused, bool vmmcall __unused)
{
	return EFAULT;
}

/*
 * What every backend shares: the write a step expects to be refused,
 * the VMware backdoor by the way the host offers, and what a backend without MSRs, backdoor or hypercalls answers: what
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

const char *const hvio_backdoor_via_name[] = {
	[HVIO_BACKDOOR_PORT] = "I/O port",
	[HVIO_BACKDOOR_VMCALL] = "VMCALL",
	[HVIO_BACKDOOR_VMMCALL] = "VMMCALL",
};

const char *const hvio_backdoor_via_id[] = {
	[HVIO_BACKDOOR_PORT] = "port",
	[HVIO_BACKDOOR_VMCALL] = "vmcall",
	[HVIO_BACKDOOR_VMMCALL] = "vmmcall",
};

/*
 * By an instruction: the flags where the port was, the channel in EDX
 * 31:16 kept, the other registers as the I/O form has them
 * (open-vm-tools backdoor.c Backdoor(), BackdoorHb()).
 */
static int
hvio_backdoor_call(const struct hvio *io, enum hvio_backdoor_via via,
    struct vm_regs *r, uint16_t flags)
{
	r->vr_rdx = (r->vr_rdx & ~0xffffULL) | flags;
	return io->io_hypercall(r, via == HVIO_BACKDOOR_VMMCALL);
}

int
hvio_backdoor(const struct hvio *io, enum hvio_backdoor_via via,
    struct vm_regs *r)
{
	if (via == HVIO_BACKDOOR_PORT)
		return io->io_backdoor(r);
	return hvio_backdoor_call(io, via, r, 0);
}

int
hvio_backdoor_hb(const struct hvio *io, enum hvio_backdoor_via via,
    struct vm_regs *r, bool out)
{
	if (via == HVIO_BACKDOOR_PORT)
		return io->io_backdoor_hb(r, out);
	return hvio_backdoor_call(io, via, r,
	    VM_BDOOR_FLAG_HB | (out ? VM_BDOOR_FLAG_WRITE : 0));
}

int
hvio_backdoor_getversion(const struct hvio *io, enum hvio_backdoor_via via,
    struct vm_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->vr_rax = VM_MAGIC;
	r->vr_rbx = ~(uint32_t)VM_MAGIC;
	r->vr_rcx = VM_CMD_GET_VERSION | 0xffff0000;
	r->vr_rdx = VM_PORT_CMD;
	return hvio_backdoor(io, via, r);
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

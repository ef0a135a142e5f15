/*
 * VMware's CPUID block: the signature and, at base+0x10, the TSC and
 * APIC bus frequencies in kHz (open-vm-tools calls the fields _HZ, but
 * FreeBSD's tsc_freq_vmware() and QEMU both use kHz) and which
 * instruction reaches the backdoor besides the I/O port.  QEMU with KVM
 * puts the same leaf in KVM's block (vmware-cpuid-freq), so the
 * signature table lists this decoder for KVM's block too.  The backdoor
 * itself is pvbus_probe_backdoor()'s and vmt's business.  Source:
 * docs/reference/vmware.md "CPUID leaves";
 * docs/reference/cpuid-detection.md "Several interfaces at once".
 */

#include "kern.h"
#include "identvar.h"
#include "vmwarereg.h"

static void
ident_vmware_decode(const struct hvio *io, struct ident *id)
{
	struct cpuid_regs r;

	if (id->id_maxleaf < id->id_base + VMWARE_CPUID_TIMING)
		return;
	io->io_cpuid(id->id_base + VMWARE_CPUID_TIMING, 0, &r);
	id->id_timing.tm_valid = true;
	id->id_timing.tm_tsc_khz = r.eax;
	id->id_timing.tm_bus_khz = r.ebx;
	id->id_timing.tm_flags = r.ecx;
}

static void
ident_vmware_print(const struct ident *id)
{
	const struct ident_timing *tm = &id->id_timing;

	if (!tm->tm_valid)
		return;
	printf("pvbus0: 0x%08x: timing leaf: TSC %u kHz, APIC bus %u kHz%s%s\n",
	    id->id_base + VMWARE_CPUID_TIMING, tm->tm_tsc_khz, tm->tm_bus_khz,
	    tm->tm_flags & VMWARE_TIMING_VMCALL ? ", backdoor by VMCALL" : "",
	    tm->tm_flags & VMWARE_TIMING_VMMCALL ? ", backdoor by VMMCALL" :
	    "");
}

static void
ident_vmware_facts(const struct ident *id)
{
	if (id->id_timing.tm_valid)
		printf(" tsc_khz=%u bus_khz=%u", id->id_timing.tm_tsc_khz,
		    id->id_timing.tm_bus_khz);
}

const struct ident_ops ident_vmware_ops = {
	.op_decode = ident_vmware_decode,
	.op_print = ident_vmware_print,
	.op_facts = ident_vmware_facts,
};

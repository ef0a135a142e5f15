/*
 * VMware's CPUID block: the signature and, at base+0x10, the TSC and
 * APIC bus frequencies in kHz (open-vm-tools calls the fields _HZ, but
 * FreeBSD's tsc_freq_vmware() and QEMU both use kHz) and which
 * instruction reaches the backdoor besides the I/O port.  QEMU with KVM
 * puts the same leaf in KVM's block (vmware-cpuid-freq), so
 * kvm_decode() calls here too.  The backdoor itself is
 * pvbus_probe_backdoor()'s and vmt's business.  Source:
 * docs/reference/vmware.md "CPUID leaves";
 * docs/reference/cpuid-detection.md "Several interfaces at once".
 */

#include "kern.h"
#include "pvbusvar.h"
#include "vmwarereg.h"

void
vmware_decode(const struct hvio *io, struct pvbus_hv *hv)
{
	struct cpuid_regs r;

	if (hv->hv_maxleaf < hv->hv_base + VMWARE_CPUID_TIMING)
		return;
	io->io_cpuid(hv->hv_base + VMWARE_CPUID_TIMING, 0, &r);
	hv->hv_freq.fq_valid = true;
	hv->hv_freq.fq_tsc_khz = r.eax;
	hv->hv_freq.fq_bus_khz = r.ebx;
	hv->hv_freq.fq_flags = r.ecx;
}

void
vmware_print(const struct pvbus_hv *hv)
{
	const struct pvbus_freq *fq = &hv->hv_freq;

	if (!fq->fq_valid)
		return;
	printf("pvbus0: 0x%08x: timing leaf: TSC %u kHz, APIC bus %u kHz%s%s\n",
	    hv->hv_base + VMWARE_CPUID_TIMING, fq->fq_tsc_khz, fq->fq_bus_khz,
	    fq->fq_flags & VMWARE_TIMING_VMCALL ? ", backdoor by VMCALL" : "",
	    fq->fq_flags & VMWARE_TIMING_VMMCALL ? ", backdoor by VMMCALL" :
	    "");
}

void
vmware_facts(const struct pvbus_hv *hv)
{
	if (hv->hv_freq.fq_valid)
		printf(" tsc_khz=%u bus_khz=%u", hv->hv_freq.fq_tsc_khz,
		    hv->hv_freq.fq_bus_khz);
}

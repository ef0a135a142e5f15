/*
 * KVM's CPUID block: base+1 EAX is a feature bitmap (there is no
 * version leaf), EDX holds hints.  QEMU may add the VMware timing leaf
 * at base+0x10 when KVM sits at 0x40000000 (vmware-cpuid-freq): the
 * signature table gives KVM's block ident_vmware.c's decoder too.
 * OpenBSD's vmm uses the same layout under its own signature.  Source:
 * Linux Documentation/virt/kvm/x86/cpuid.rst; docs/reference/kvm.md
 * "CPUID leaves", "Feature bits"; docs/reference/cpuid-detection.md
 * "Several interfaces at once".
 */

#include "kern.h"
#include "kvmreg.h"
#include "identvar.h"

static const struct bit_name kvm_features[] = {
	{ KVM_FEATURE_CLOCKSOURCE, "CLOCKSOURCE" },
	{ KVM_FEATURE_NOP_IO_DELAY, "NOP_IO_DELAY" },
	{ KVM_FEATURE_MMU_OP, "MMU_OP" },
	{ KVM_FEATURE_CLOCKSOURCE2, "CLOCKSOURCE2" },
	{ KVM_FEATURE_ASYNC_PF, "ASYNC_PF" },
	{ KVM_FEATURE_STEAL_TIME, "STEAL_TIME" },
	{ KVM_FEATURE_PV_EOI, "PV_EOI" },
	{ KVM_FEATURE_PV_UNHALT, "PV_UNHALT" },
	{ KVM_FEATURE_PV_TLB_FLUSH, "PV_TLB_FLUSH" },
	{ KVM_FEATURE_ASYNC_PF_VMEXIT, "ASYNC_PF_VMEXIT" },
	{ KVM_FEATURE_PV_SEND_IPI, "PV_SEND_IPI" },
	{ KVM_FEATURE_POLL_CONTROL, "POLL_CONTROL" },
	{ KVM_FEATURE_PV_SCHED_YIELD, "PV_SCHED_YIELD" },
	{ KVM_FEATURE_ASYNC_PF_INT, "ASYNC_PF_INT" },
	{ KVM_FEATURE_MSI_EXT_DEST_ID, "MSI_EXT_DEST_ID" },
	{ KVM_FEATURE_HC_MAP_GPA_RANGE, "HC_MAP_GPA_RANGE" },
	{ KVM_FEATURE_MIGRATION_CONTROL, "MIGRATION_CONTROL" },
	{ KVM_FEATURE_CLOCKSOURCE_STABLE, "CLOCKSOURCE_STABLE_BIT" },
	{ 0, NULL },
};

static const struct bit_name kvm_hints[] = {
	{ KVM_HINTS_REALTIME, "REALTIME" },
	{ 0, NULL },
};

static void
ident_kvm_decode(const struct hvio *io, struct ident *id)
{
	struct cpuid_regs r;

	if (id->id_maxleaf >= id->id_base + KVM_CPUID_FEATURES) {
		io->io_cpuid(id->id_base + KVM_CPUID_FEATURES, 0, &r);
		id->id_kvm.kv_features = r.eax;
		id->id_kvm.kv_hints = r.edx;
	}
}

static void
ident_kvm_print(const struct ident *id)
{
	print_bits("pvbus0: features:", id->id_kvm.kv_features,
	    kvm_features);
	print_bits("pvbus0: hints:", id->id_kvm.kv_hints, kvm_hints);
}

static void
ident_kvm_facts(const struct ident *id)
{
	printf(" features=0x%08x hints=0x%08x", id->id_kvm.kv_features,
	    id->id_kvm.kv_hints);
}

const struct ident_ops ident_kvm_ops = {
	.op_decode = ident_kvm_decode,
	.op_print = ident_kvm_print,
	.op_facts = ident_kvm_facts,
};

/*
 * The Hyper-V interface: what CPUID says before any MSR is touched.
 *
 * Any vendor may offer it (Microsoft, VirtualBox, VMware, KVM, Xen's
 * Viridian): base+1 EAX = "Hv#1" is the test, the signature at the base
 * only says who is offering.  We read the version leaf (base+2), the
 * privilege and feature masks (base+3), the recommendations (base+4)
 * and, where the block reaches it, the isolation leaf (base+0xC).  Three
 * privileges tell the root partition (a Windows host running on the
 * hypervisor) and an L1VH partition from a guest, as Linux tells them.
 * Source: TLFS chapter 2 "Feature and Interface Discovery"; Linux
 * include/hyperv/hvgdk_mini.h, drivers/hv/hv_common.c;
 * docs/reference/hyperv.md "CPUID leaves", "Privilege and feature
 * bits", "Partition roles".
 */

#include "kern.h"
#include "hypervreg.h"
#include "identvar.h"

/*
 * base+3 EAX and EBX as one 64-bit privilege mask (hyperv.md "Privilege
 * and feature bits").
 */
static const struct bit_name hyperv_privileges[] = {
	{ 0, "VP_RUNTIME" }, { 1, "TIME_REF_COUNT" }, { 2, "SYNIC" },
	{ 3, "SYNTIMER" }, { 4, "APIC_ACCESS" }, { 5, "HYPERCALL" },
	{ 6, "VP_INDEX" }, { 7, "RESET" }, { 8, "STATS" },
	{ 9, "REFERENCE_TSC" }, { 10, "GUEST_IDLE" }, { 11, "FREQUENCY" },
	{ 12, "DEBUG" }, { 13, "REENLIGHTENMENT" }, { 15, "TSC_INVARIANT" },
	{ 32, "CreatePartitions" }, { 33, "AccessPartitionId" },
	{ 34, "AccessMemoryPool" }, { 35, "AdjustMessageBuffers" },
	{ 36, "PostMessages" }, { 37, "SignalEvents" }, { 38, "CreatePort" },
	{ 39, "ConnectPort" }, { 40, "AccessStats" }, { 43, "Debugging" },
	{ 44, "CpuManagement" }, { 45, "ConfigureProfiler" },
	{ 46, "EnableExpandedStackwalking" }, { 47, "ExtendedGvaRanges" },
	{ 48, "AccessVSM" }, { 49, "AccessVpRegisters" },
	{ 51, "FastHypercallOutput" }, { 52, "EnableExtendedHypercalls" },
	{ 53, "StartVirtualProcessor" }, { 54, "Isolation" },
	{ 0, NULL },
};

/* base+3 EDX (hyperv.md "Privilege and feature bits"). */
static const struct bit_name hyperv_features[] = {
	{ 0, "MWAIT" }, { 1, "GUEST_DEBUGGING" }, { 2, "PERF_MONITOR" },
	{ 3, "CPU_DYNAMIC_PARTITIONING" }, { 4, "XMM_HYPERCALL_INPUT" },
	{ 5, "GUEST_IDLE_STATE" }, { 6, "HYPERVISOR_SLEEP_STATE" },
	{ 7, "NUMA_DISTANCE_QUERY" }, { 8, "TIMER_FREQUENCY_MSRS" },
	{ 9, "SYNTHETIC_MCE" }, { 10, "GUEST_CRASH_MSRS" },
	{ 11, "DEBUG_MSRS" }, { 12, "NPIEP1" }, { 13, "DISABLE_HYPERVISOR" },
	{ 14, "EXT_GVA_RANGES_FLUSH" }, { 15, "XMM_HYPERCALL_OUTPUT" },
	{ 16, "SVM_FEATURES" }, { 17, "SINT_POLLING" },
	{ 18, "HYPERCALL_MSR_LOCK" }, { 19, "DIRECT_SYNTHETIC_TIMERS" },
	{ 0, NULL },
};

/* base+4 EAX (hyperv.md "Privilege and feature bits"). */
static const struct bit_name hyperv_recommendations[] = {
	{ 0, "AS_SWITCH_HYPERCALL" }, { 1, "LOCAL_FLUSH_HYPERCALL" },
	{ 2, "REMOTE_FLUSH_HYPERCALL" }, { 3, "APIC_MSRS" },
	{ 4, "RESET_MSR" }, { 5, "RELAXED_TIMING" }, { 6, "DMA_REMAPPING" },
	{ 7, "INTERRUPT_REMAPPING" }, { 8, "X2APIC_MSRS" },
	{ 9, "DEPRECATE_AUTOEOI" }, { 10, "CLUSTER_IPI" },
	{ 11, "EX_PROCESSOR_MASKS" }, { 12, "NESTED" },
	{ 14, "ENLIGHTENED_VMCS" }, { 18, "NO_NONARCH_CORESHARING" },
	{ 21, "MMIO_HYPERCALLS" },
	{ 0, NULL },
};

static bool
ident_hyperv_leaf(const struct hvio *io, const struct ident *id,
    uint32_t n, struct cpuid_regs *r)
{
	if (id->id_maxleaf < id->id_base + n)
		return false;
	io->io_cpuid(id->id_base + n, 0, r);
	return true;
}

static void
ident_hyperv_decode(const struct hvio *io, struct ident *id)
{
	struct ident_hyperv *hy = &id->id_hyperv;
	struct cpuid_regs r;

	if (ident_hyperv_leaf(io, id, HV_CPUID_VERSION, &r) &&
	    (r.eax | r.ebx | r.ecx | r.edx) != 0) {
		hy->hy_has_version = true;
		hy->hy_build = r.eax;
		hy->hy_major = (uint16_t)(r.ebx >> HV_VERSION_MAJOR_SHIFT);
		hy->hy_minor = (uint16_t)(r.ebx & HV_VERSION_MINOR_MASK);
		hy->hy_sp = r.ecx;
		hy->hy_branch = (uint8_t)(r.edx >> HV_SERVICE_BRANCH_SHIFT);
		hy->hy_number = r.edx & HV_SERVICE_NUMBER_MASK;
	}
	if (ident_hyperv_leaf(io, id, HV_CPUID_FEATURES, &r)) {
		hy->hy_has_features = true;
		hy->hy_privileges = (uint64_t)r.ebx << 32 | r.eax;
		hy->hy_power = r.ecx;
		hy->hy_features = r.edx;
	}
	if (ident_hyperv_leaf(io, id, HV_CPUID_RECOMMEND, &r)) {
		hy->hy_has_recommend = true;
		hy->hy_recommend = r.eax;
	}
	if (ident_hyperv_leaf(io, id, HV_CPUID_ISOLATION, &r)) {
		hy->hy_has_isolation = true;
		hy->hy_isolation = r.ebx & HV_ISOLATION_TYPE_MASK;
		hy->hy_paravisor = (r.eax & HV_ISOLATION_PARAVISOR) != 0;
	}
}

static bool
ident_hyperv_priv(const struct ident_hyperv *hy, int bit)
{
	return hy->hy_has_features && (hy->hy_privileges >> bit & 1) != 0;
}

/*
 * hv_identify_partition_type() (hyperv.md "Partition roles"): a
 * partition that may create partitions and is not isolated is a parent;
 * CpuManagement makes it the root, without it it is an L1VH partition.
 * The Isolation test is Linux's guard against a hypervisor that would
 * make a confidential guest act as the root.
 */
enum hv_role
ident_hyperv_role(const struct ident_hyperv *hy)
{
	if (!ident_hyperv_priv(hy, HV_PRIV_CREATE_PARTITIONS) ||
	    ident_hyperv_priv(hy, HV_PRIV_ISOLATION))
		return HV_ROLE_GUEST;
	return ident_hyperv_priv(hy, HV_PRIV_CPU_MANAGEMENT) ? HV_ROLE_ROOT :
	    HV_ROLE_L1VH;
}

const char *
ident_hyperv_role_name(enum hv_role role)
{
	switch (role) {
	case HV_ROLE_ROOT:	return "root";
	case HV_ROLE_L1VH:	return "l1vh";
	default:		return "guest";
	}
}

uint32_t
ident_hyperv_isolation_type(const struct ident_hyperv *hy)
{
	if (!hy->hy_has_isolation || !ident_hyperv_priv(hy, HV_PRIV_ISOLATION))
		return HV_ISOLATION_NONE;
	return hy->hy_isolation;
}

const char *
ident_hyperv_isolation(uint32_t type)
{
	switch (type) {
	case HV_ISOLATION_NONE:	return "none";
	case HV_ISOLATION_VBS:	return "vbs";
	case HV_ISOLATION_SNP:	return "snp";
	case HV_ISOLATION_TDX:	return "tdx";
	default:		return NULL;
	}
}

static void
ident_hyperv_print(const struct ident *id)
{
	const struct ident_hyperv *hy = &id->id_hyperv;
	const char *iso;

	printf("pvbus0: 0x%08x: Hyper-V interface (Hv#1)", id->id_base);
	if (hy->hy_has_version)
		printf(", version %u.%u build %u SP%u (branch %u, number %u)",
		    hy->hy_major, hy->hy_minor, hy->hy_build, hy->hy_sp,
		    hy->hy_branch, hy->hy_number);
	else
		printf(", no version (base+2 %s)", id->id_maxleaf >=
		    id->id_base + HV_CPUID_VERSION ? "all zero" : "absent");
	if (hy->hy_has_features)
		printf(", %s partition", ident_hyperv_role(hy) == HV_ROLE_L1VH ?
		    "L1VH" : ident_hyperv_role_name(ident_hyperv_role(hy)));
	if (hy->hy_has_isolation) {
		iso = ident_hyperv_isolation(hy->hy_isolation);
		printf(", isolation %s%s", iso != NULL ? iso : "unknown",
		    hy->hy_paravisor ? " with paravisor" : "");
	}
	printf("\n");
	if (hy->hy_has_features) {
		print_bits("pvbus0: privileges:", hy->hy_privileges,
		    hyperv_privileges);
		print_bits("pvbus0: features:", hy->hy_features,
		    hyperv_features);
	}
	if (hy->hy_has_recommend)
		print_bits("pvbus0: recommendations:", hy->hy_recommend,
		    hyperv_recommendations);
}

/* The fields of the facts line (docs/output.md "Machine-readable facts"). */
static void
ident_hyperv_facts(const struct ident *id)
{
	const struct ident_hyperv *hy = &id->id_hyperv;
	const char *iso;

	printf(" iface=Hv#1");
	if (hy->hy_has_version)
		printf(" version=%u.%u.%u sp=%u branch=%u number=%u",
		    hy->hy_major, hy->hy_minor, hy->hy_build, hy->hy_sp,
		    hy->hy_branch, hy->hy_number);
	if (hy->hy_has_features)
		printf(" role=%s privileges=0x%016lx",
		    ident_hyperv_role_name(ident_hyperv_role(hy)),
		    (unsigned long)hy->hy_privileges);
	if (hy->hy_has_isolation) {
		iso = ident_hyperv_isolation(hy->hy_isolation);
		if (iso != NULL)
			printf(" isolation=%s", iso);
		else
			printf(" isolation=type%u", hy->hy_isolation);
	}
}

/*
 * A "Microsoft Hv" signature makes promises Linux relies on
 * (arch/x86/kernel/cpu/mshyperv.c): the Hv#1 interface, and a block
 * reaching at least base+5.
 */
const char *
ident_hyperv_check(const struct ident *id)
{
	if (!id->id_hv1)
		return "\"Microsoft Hv\" without the Hv#1 interface at base+1";
	if (id->id_maxleaf < id->id_base + HV_CPUID_MIN_MAXLEAF)
		return "\"Microsoft Hv\" with a block shorter than base+5";
	return NULL;
}

const struct ident_ops ident_hyperv_ops = {
	.op_decode = ident_hyperv_decode,
	.op_print = ident_hyperv_print,
	.op_facts = ident_hyperv_facts,
};

/*
 * The personalities of the Hyper-V model: one row per real
 * implementation of the Hv#1 interface, each value cited to the source
 * that shows it (docs/reference/hyperv.md "Implementations" holds the
 * facts; docs/hyperv.md "Where implementations differ" compares them).
 * Where an implementation's behaviour is not public (VMware), the row
 * follows the TLFS and says so.  sim_hyperv.c plays whichever row
 * sim_models.c names.
 */

#include "kern.h"
#include "hypervreg.h"
#include "sim_hypervvar.h"
#include "simvar.h"

#define PRIV(b)		(1ULL << (b))
/* TIME_REF_COUNT, HYPERCALL, VP_INDEX, REFERENCE_TSC: 0x262. */
#define PRIV_CLOCKS	(PRIV(HV_PRIV_TIME_REF_COUNT) | \
	PRIV(HV_PRIV_HYPERCALL) | PRIV(HV_PRIV_VP_INDEX) | \
	PRIV(HV_PRIV_REFERENCE_TSC))
#define PRIV_APIC	4		/* EOI, ICR, TPR MSRs (not modelled) */
#define PRIV_RESET	7		/* HV_X64_MSR_RESET (not modelled) */
#define PRIV_EXT_HYPERCALLS 52		/* EnableExtendedHypercalls */
#define REC_RELAXED	0x20		/* base+4 EAX bit 5 */

const struct sim_hv_persona sim_hyperv_personas[SIM_HV_NPERSONAS] = {
	/*
	 * Hyper-V itself, a guest partition of Windows Server 2022, as
	 * the TLFS describes it.  CPUID as the recorded Azure guest
	 * (tests/cpuid-dumps/hyperv-azure-f72sv2-1.txt: max leaf 0xA,
	 * 10.0.20348, 0xfff spin retries), less the privileges of MSRs
	 * the model does not have.  Behaviour: the TLFS's rules
	 * (hyperv.md "Guest OS identity", "Hypercall page", "Calling a
	 * hypercall", "Call codes and probes"); where the TLFS is silent
	 * (a direct VMCALL), KVM's.
	 */
	[SIM_HV_WINDOWS] = {
		.hp_name = "Windows Server 2022 (the TLFS)",
		.hp_signature = "Microsoft Hv",
		.hp_maxleaf = 0xa,
		.hp_lastleaf = 0xa,
		.hp_version = SIM_HV_VERSION_FIXED,
		.hp_build = 20348,
		.hp_major_minor = 0x000a0000,
		.hp_privileges = PRIV_CLOCKS,
		.hp_recommend = REC_RELAXED,
		.hp_spin_retries = 0x00000fff,
		.hp_limits = { 1, 1 },
		.hp_hc_needs_os_id = true,
		.hp_os_id_zero_disables = true,
		.hp_vp_index_write_gp = true,
		.hp_page_fill = -1,
		.hp_rsvd_checked = true,
		.hp_spin_implemented = true,
		.hp_spin_input_checked = true,
		.hp_partition_id = true,
		.hp_direct = SIM_HV_DIRECT_OS_ID,
		.hp_clock = SIM_HV_CLOCK_EXACT,
	},
	/*
	 * KVM's emulation (Linux arch/x86/kvm/hyperv.c) as QEMU sets it up
	 * for "-cpu host,hv-relaxed,hv-vpindex,hv-time,hv-spinlocks=0x1fff,
	 * hv-enforce-cpuid" (QEMU target/i386/kvm/kvm.c
	 * hyperv_fill_cpuids(): max leaf 0x40000005 without eVMCS,
	 * HYPERCALL always, CPU_DYNAMIC_PARTITIONING in EDX; version 10.0
	 * build 14393, kvm_get_hv_cpuid()).  kvm_hv_set_msr_pw(): the
	 * hypercall MSR write is dropped while the id is 0, a zero id
	 * clears the enable bit, only VMCALL; RET goes into the page;
	 * kvm_hv_set_msr(): VP_INDEX is #GP to the guest;
	 * kvm_hv_hypercall(): the access check (hv_check_hypercall_access:
	 * NotifyLongSpinWait needs a retry count), reserved bits, the
	 * rep/header check of NotifyLongSpinWait, no GetPartitionId;
	 * get_time_ref_counter(): the MSR from the page's scale;
	 * kvm_hv_hypercall_enabled(): VMCALL is Hyper-V's while the id
	 * is set.
	 */
	[SIM_HV_KVM] = {
		.hp_name = "KVM (arch/x86/kvm/hyperv.c)",
		.hp_signature = "Microsoft Hv",
		.hp_maxleaf = 0x5,
		.hp_lastleaf = 0x5,
		.hp_version = SIM_HV_VERSION_FIXED,
		.hp_build = 14393,
		.hp_major_minor = 0x000a0000,
		.hp_privileges = PRIV_CLOCKS,
		.hp_features = 1U << 3,		/* CPU_DYNAMIC_PARTITIONING */
		.hp_recommend = REC_RELAXED,
		.hp_spin_retries = 0x00001fff,
		.hp_hc_needs_os_id = true,
		.hp_os_id_zero_disables = true,
		.hp_vp_index_write_gp = true,
		.hp_page_fill = -1,
		.hp_rsvd_checked = true,
		.hp_spin_implemented = true,
		.hp_spin_input_checked = true,
		.hp_spin_needs_retries = true,
		.hp_partition_id = false,
		.hp_direct = SIM_HV_DIRECT_OS_ID,
		.hp_clock = SIM_HV_CLOCK_EXACT,
	},
	/*
	 * Xen's Viridian (xen/arch/x86/hvm/viridian/viridian.c, time.c),
	 * with the enlightenment groups base, freq, time_ref_count and
	 * reference_tsc.  cpuid_viridian_leaves(): max leaf 0x40000006;
	 * base+2 zero until a guest OS id is set, then 6.0 build 0x1772;
	 * base+3 AccessIntrCtrlRegs, AccessHypercallMsrs, AccessVpIndex,
	 * AccessFrequencyRegs and the two clocks; base+4 zero until the
	 * id's OS field is at least 4, then RELAX_TIMER_INT and 2047
	 * retries (on a host with APIC register virtualisation); base+6
	 * APIC overlay, MSR bitmaps, nested paging.
	 * guest_wrmsr_viridian(): the guest OS id is only stored (a zero
	 * id keeps the page), the hypercall MSR is taken whatever the id,
	 * a VP_INDEX write is ignored; enable_hypercall_page(): OR EAX,
	 * 0x80000000; VMCALL; RET, then INT3 to the end of the page;
	 * viridian_hypercall(): no reserved-bit check, NotifyLongSpinWait
	 * yields and succeeds without looking at its input, no
	 * GetPartitionId; time.c update_reference_tsc(), trc_val(): both
	 * clocks from ((10000 << 32) / tsc_khz) << 32; hvm_hypercall()
	 * (xen/arch/x86/hvm/hypercall.c): a VMCALL with EAX bit 31 is
	 * Viridian's.
	 */
	[SIM_HV_XEN] = {
		.hp_name = "Xen's Viridian (xen/arch/x86/hvm/viridian/)",
		.hp_signature = "Microsoft Hv",
		.hp_maxleaf = 0x6,
		.hp_lastleaf = 0x6,
		.hp_version = SIM_HV_VERSION_AFTER_OS_ID,
		.hp_build = 0x1772,
		.hp_major_minor = 0x00060000,
		.hp_privileges = PRIV_CLOCKS | PRIV(PRIV_APIC) |
		    PRIV(HV_PRIV_FREQUENCY),
		.hp_recommend_when = SIM_HV_RECOMMEND_OS_ID_4,
		.hp_recommend = REC_RELAXED,
		.hp_spin_retries = 2047,
		.hp_hwfeatures = 0xb,
		.hp_hc_needs_os_id = false,
		.hp_os_id_zero_disables = false,
		.hp_vp_index_write_gp = false,
		.hp_or_eax_stub = true,
		.hp_page_fill = 0xcc,
		.hp_rsvd_checked = false,
		.hp_spin_implemented = true,
		.hp_spin_input_checked = false,
		.hp_partition_id = false,
		.hp_direct = SIM_HV_DIRECT_EAX31,
		.hp_clock = SIM_HV_CLOCK_KHZ,
	},
	/*
	 * VirtualBox's Hyper-V provider (src/VBox/VMM/VMMR3/GIMHv.cpp,
	 * VMMAll/GIMAllHv.cpp).  gimR3HvInit(): "VBoxVBoxVBox", max leaf
	 * 0x40000006, base+2 "MBZ until MSR_GIM_HV_GUEST_OS_ID is set",
	 * base+3 0xaf2 / EnableExtendedHypercalls / TIMER_FREQ and
	 * GUEST_CRASH in EDX, base+4 0x130 and 0xffffffff (never notify);
	 * gimR3HvInitCompleted(): base+6 nested paging, MSR bitmaps (the
	 * recorded tests/cpuid-dumps/virtualbox-hv-win7guest-i7-4700hq-1.txt
	 * agrees).  gimHvWriteMsr(): a guest OS id fills base+2 from its
	 * fields, a zero id disables the page, the hypercall MSR keeps all
	 * but the enable bit while the id is 0, VP_INDEX and
	 * TIME_REF_COUNT are read-only (#GP); gimR3HvEnableHypercallPage():
	 * the whole page, zeros, then VMCALL; RET; gimHvHypercall():
	 * reserved bits are INVALID_HYPERCALL_INPUT, NotifyLongSpinWait and
	 * GetPartitionId are not implemented; gimHvGetTimeRefCount(): TSC
	 * ticks / (TSC Hz / 10^7), truncated; gimR3HvEnableTscPage(): the
	 * kHz scale; gimHvAreHypercallsEnabled(): a VMCALL is a hypercall
	 * only while the id is set.  The host TSC runs at 2.893421 GHz,
	 * not a whole number of ticks per 100 ns, so that the truncation
	 * shows (0.118%).
	 */
	[SIM_HV_VBOX] = {
		.hp_name = "VirtualBox (GIMHv.cpp, GIMAllHv.cpp)",
		.hp_signature = "VBoxVBoxVBox",
		.hp_maxleaf = 0x6,
		.hp_lastleaf = 0x6,
		.hp_version = SIM_HV_VERSION_FROM_OS_ID,
		.hp_privileges = PRIV_CLOCKS | PRIV(PRIV_APIC) |
		    PRIV(PRIV_RESET) | PRIV(HV_PRIV_FREQUENCY) |
		    PRIV(PRIV_EXT_HYPERCALLS),
		.hp_features = 0x500,
		.hp_recommend = 0x130,
		.hp_spin_retries = HV_SPIN_NEVER_NOTIFY,
		.hp_hwfeatures = 0xa,
		.hp_hc_needs_os_id = true,
		.hp_hc_keeps_rest = true,
		.hp_os_id_zero_disables = true,
		.hp_vp_index_write_gp = true,
		.hp_page_fill = 0x00,
		.hp_rsvd_checked = true,
		.hp_spin_implemented = false,
		.hp_partition_id = false,
		.hp_direct = SIM_HV_DIRECT_OS_ID,
		.hp_clock = SIM_HV_CLOCK_TRUNCATED,
		.hp_tsc_hz = 2893421000ULL,
	},
	/*
	 * VMware's Hv#1 interface beside its own block: CPUID leaves 1 to
	 * 0xF as the recorded VMware guest has them
	 * (tests/cpuid-dumps/vmware-hv1-i7-6700k-1.txt: no version,
	 * privileges 0xa72, EDX 0x508, RELAXED_TIMING, no retry count,
	 * base+5 EAX 0xffffffff); base and the timing leaf 0x10 are the
	 * VMware model's (sim_vmware.c).  VMware's implementation is not
	 * public: everything else follows the TLFS, as sim:hyperv, and a
	 * direct VMCALL is left to the VMware model.
	 */
	[SIM_HV_VMWARE] = {
		.hp_name = "VMware (not public: the TLFS)",
		.hp_signature = NULL,
		.hp_maxleaf = 0x10,
		.hp_lastleaf = 0xf,
		.hp_version = SIM_HV_VERSION_FIXED,	/* all zero */
		.hp_privileges = PRIV_CLOCKS | PRIV(PRIV_APIC) |
		    PRIV(HV_PRIV_FREQUENCY),
		.hp_features = 0x508,
		.hp_recommend = REC_RELAXED,
		.hp_spin_retries = 0,
		.hp_limits = { 0xffffffff, 0 },
		.hp_hc_needs_os_id = true,
		.hp_os_id_zero_disables = true,
		.hp_vp_index_write_gp = true,
		.hp_page_fill = -1,
		.hp_rsvd_checked = true,
		.hp_spin_implemented = true,
		.hp_spin_input_checked = true,
		.hp_partition_id = true,
		.hp_direct = SIM_HV_DIRECT_NONE,
		.hp_clock = SIM_HV_CLOCK_EXACT,
	},
};

/*
 * The Hyper-V interface ("Hv#1" at base+1), whoever offers it: its
 * CPUID leaves, synthetic MSRs, hypercalls and clock page.  Source:
 * Microsoft Hypervisor Top-Level Functional Specification (TLFS), as
 * transcribed in Linux include/hyperv/hvgdk_mini.h; bit names also from
 * microsoft/openvmm hvdef and open-vm-tools x86cpuid.h.  See
 * docs/reference/hyperv.md: leaves and privileges (hyperv.md "CPUID
 * leaves", "Privilege and feature bits"), synthetic MSRs (hyperv.md
 * "Synthetic MSRs"), the guest OS identity (hyperv.md "Guest OS
 * identity"), the hypercall page and calls (hyperv.md "Hypercall page",
 * "Calling a hypercall", "Status codes", "Call codes and probes"), the
 * reference TSC page (hyperv.md "Reference TSC page").
 */
#ifndef _SPEC_HYPERVREG_H_
#define _SPEC_HYPERVREG_H_

#include <stdint.h>

#define HV_CPUID_INTERFACE	1	/* base+1: "Hv#1" (pvbusreg.h) */
#define HV_CPUID_VERSION	2	/* base+2: build, major.minor, SP */
#define HV_CPUID_FEATURES	3	/* base+3: privileges, features */
#define HV_CPUID_RECOMMEND	4	/* base+4: recommendations */
#define HV_CPUID_LIMITS		5	/* base+5: VPs, LPs, vectors */
#define HV_CPUID_ISOLATION	0xc	/* base+0xC: isolation config */

/* Linux rejects a Microsoft hypervisor whose max leaf is below this. */
#define HV_CPUID_MIN_MAXLEAF	5

/* base+2 */
#define HV_VERSION_MAJOR_SHIFT	16		/* EBX 31:16 */
#define HV_VERSION_MINOR_MASK	0xffff		/* EBX 15:0 */
#define HV_SERVICE_BRANCH_SHIFT	24		/* EDX 31:24 */
#define HV_SERVICE_NUMBER_MASK	0x00ffffff	/* EDX 23:0 */

/*
 * base+3 EBX:EAX as one 64-bit privilege mask: bit numbers (hyperv.md
 * "Privilege and feature bits").  A synthetic MSR whose bit is clear
 * raises #GP (hyperv.md "Synthetic MSRs").
 */
#define HV_PRIV_TIME_REF_COUNT		1	/* MSR 0x40000020 */
#define HV_PRIV_HYPERCALL		5	/* MSRs 0x40000000 and 01 */
#define HV_PRIV_VP_INDEX		6	/* MSR 0x40000002 */
#define HV_PRIV_REFERENCE_TSC		9	/* MSR 0x40000021 */
#define HV_PRIV_FREQUENCY		11	/* MSRs 0x40000022 and 23 */
/*
 * base+3 EBX, privilege bits 63:32.  Linux decides the partition's role
 * from three of them (drivers/hv/hv_common.c
 * hv_identify_partition_type(); hyperv.md "Partition roles"):
 * CreatePartitions without Isolation is a parent, the root with
 * CpuManagement, an L1VH partition without it.
 */
#define HV_PRIV_CREATE_PARTITIONS	32
#define HV_PRIV_ACCESS_PARTITION_ID	33	/* HvCallGetPartitionId */
#define HV_PRIV_CPU_MANAGEMENT		44
#define HV_PRIV_ISOLATION		54	/* base+0xC is meaningful */

/* base+4 EBX: spinlock retries before NotifyLongSpinWait. */
#define HV_SPIN_NEVER_NOTIFY	0xffffffff

/* Synthetic MSRs (hyperv.md "Synthetic MSRs"). */
#define HV_X64_MSR_GUEST_OS_ID		0x40000000
#define HV_X64_MSR_HYPERCALL		0x40000001
#define HV_X64_MSR_VP_INDEX		0x40000002
#define HV_X64_MSR_TIME_REF_COUNT	0x40000020	/* 100 ns units */
#define HV_X64_MSR_REFERENCE_TSC	0x40000021
#define HV_X64_MSR_TSC_FREQUENCY	0x40000022	/* Hz, read-only */
#define HV_X64_MSR_APIC_FREQUENCY	0x40000023	/* Hz, read-only */
/* The range Xen gives Viridian (xen/arch/x86/msr.c); Xen's own follows. */
#define HV_X64_MSR_FIRST		0x40000000
#define HV_X64_MSR_LAST			0x400001ff

/*
 * Guest OS identity, open-source layout (hyperv.md "Guest OS
 * identity"): non-zero before the hypercall page may be enabled.
 */
#define HV_GUEST_OS_OPENSOURCE		(1ULL << 63)
#define HV_GUEST_OS_TYPE_SHIFT		56		/* 62:56 */
#define HV_GUEST_OS_TYPE_MASK		0x7f
#define  HV_GUEST_OS_TYPE_UNDEFINED	 0
#define  HV_GUEST_OS_TYPE_LINUX		 1
#define  HV_GUEST_OS_TYPE_FREEBSD	 2
#define  HV_GUEST_OS_TYPE_XEN		 3
#define  HV_GUEST_OS_TYPE_ILLUMOS	 4
#define HV_GUEST_OS_ID_SHIFT		48		/* 55:48 */
#define HV_GUEST_OS_ID_MASK		0xff
#define HV_GUEST_OS_VERSION_SHIFT	16		/* 47:16 */
#define HV_GUEST_OS_VERSION_MASK	0xffffffffULL
#define HV_GUEST_OS_BUILD_MASK		0xffff		/* 15:0 */

/*
 * HV_X64_MSR_HYPERCALL and HV_X64_MSR_REFERENCE_TSC share a layout
 * (hyperv.md "Hypercall page", "Reference TSC page"): bit 0 enable,
 * 11:1 kept as read (bit 1 of the hypercall MSR is "locked" where
 * base+3 EDX bit 18 offers it), 63:12 the page.
 */
#define HV_MSR_ENABLE		0x1ULL
#define HV_HYPERCALL_LOCKED	0x2ULL
#define HV_MSR_KEEP_MASK	0xffeULL		/* 11:1 */
#define HV_MSR_PAGE_MASK	0xfffffffffffff000ULL	/* 63:12 */

/* Hypercall input value, RCX (hyperv.md "Calling a hypercall"). */
#define HV_HYPERCALL_CODE_MASK		0xffffULL	/* 15:0 */
#define HV_HYPERCALL_FAST		(1ULL << 16)
#define HV_HYPERCALL_VARHEAD_SHIFT	17		/* 26:17, in 8 bytes */
#define HV_HYPERCALL_VARHEAD_MASK	0x3ffULL
#define HV_HYPERCALL_NESTED		(1ULL << 31)	/* KVM: reserved */
#define HV_HYPERCALL_REP_COUNT_SHIFT	32		/* 43:32 */
#define HV_HYPERCALL_REP_START_SHIFT	48		/* 59:48 */
#define HV_HYPERCALL_REP_MASK		0xfffULL
/*
 * 31:27, 47:44, 63:60: KVM's mask, bit 31 included (hyperv.md "Calling
 * a hypercall").
 */
#define HV_HYPERCALL_RSVD_MASK		0xf000f000f8000000ULL
/* Probe 2 of hyperv.md "Call codes and probes". */
#define HV_HYPERCALL_RSVD_PROBE		(1ULL << 27)

/* Hypercall result value, RAX (hyperv.md "Calling a hypercall"). */
#define HV_RESULT_STATUS_MASK		0xffffULL	/* 15:0 */
#define HV_RESULT_REPS_SHIFT		32		/* 43:32, completed */
#define HV_RESULT_REPS_MASK		0xfffULL

/*
 * Input and output blocks: 8-byte aligned, within one page (hyperv.md
 * "Calling a hypercall").
 */
#define HV_HYPERCALL_ALIGN		8

/* Status codes, result 15:0 (hyperv.md "Status codes"). */
#define HV_STATUS_SUCCESS			0x0000
#define HV_STATUS_INVALID_HYPERCALL_CODE	0x0002
#define HV_STATUS_INVALID_HYPERCALL_INPUT	0x0003
#define HV_STATUS_INVALID_ALIGNMENT		0x0004
#define HV_STATUS_INVALID_PARAMETER		0x0005
#define HV_STATUS_ACCESS_DENIED			0x0006
#define HV_STATUS_INVALID_PARTITION_STATE	0x0007
#define HV_STATUS_OPERATION_DENIED		0x0008

/* Call codes (hyperv.md "Call codes and probes"). */
#define HVCALL_NOTIFY_LONG_SPIN_WAIT	0x0008	/* input: u64 spin count */
#define HVCALL_GET_PARTITION_ID		0x0046	/* output: u64 partition id */
/* No such call: probe 1 of hyperv.md "Call codes and probes". */
#define HVCALL_PROBE_INVALID		0xffff

/*
 * The reference TSC page (hyperv.md "Reference TSC page"): time in 100
 * ns units is ((TSC * tsc_scale) >> 64) + tsc_offset, a 128-bit
 * product, valid while tsc_sequence is the same before and after the
 * read and is not 0.
 */
struct hv_reference_tsc_page {
	uint32_t	tsc_sequence;	/* @0; 0: invalid, use TIME_REF_COUNT */
	uint32_t	tsc_reserved1;	/* @4 */
	uint64_t	tsc_scale;	/* @8: 64.64 fixed point */
	int64_t		tsc_offset;	/* @16; the rest of the page reserved */
};
_Static_assert(sizeof(struct hv_reference_tsc_page) == 24,
    "the TSC page layout of 4.9 has no padding");

#define HV_TSC_SEQUENCE_INVALID	0
#define HV_TSC_SEQUENCE_OLD_INVALID 0xffffffff	/* TLFS <= 4.0b; never valid */
#define HV_REF_TIME_HZ		10000000ULL	/* 100 ns units, 10 MHz */

/* base+0xC */
#define HV_ISOLATION_PARAVISOR	0x1		/* EAX bit 0 */
#define HV_ISOLATION_TYPE_MASK	0xf		/* EBX 3:0 */
#define HV_ISOLATION_NONE	0
#define HV_ISOLATION_VBS	1
#define HV_ISOLATION_SNP	2
#define HV_ISOLATION_TDX	3

#endif

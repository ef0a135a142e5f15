/*
 * KVM's CPUID block (at 0x40000000, or 0x40000100 behind Hyper-V
 * emulation).  Source: Linux Documentation/virt/kvm/x86/cpuid.rst and
 * include/uapi/asm/kvm_para.h; docs/reference/kvm.md "CPUID leaves",
 * "Feature bits".
 *
 * Then what a guest does with it: the MSRs (msr.rst; kvm.md "MSRs"),
 * the pvclock structures the hypervisor writes into guest memory
 * (msr.rst, arch/x86/include/asm/pvclock-abi.h; kvm.md "pvclock
 * structures"), and the hypercalls (hypercalls.rst,
 * include/uapi/linux/kvm_para.h; kvm.md "Hypercalls").
 */
#ifndef _SPEC_KVMREG_H_
#define _SPEC_KVMREG_H_

#include <stdint.h>

#define KVM_CPUID_FEATURES	1	/* base+1: EAX features, EDX hints */
#define KVM_CPUID_TIMING	0x10	/* base+0x10, from QEMU's */
					/* vmware-cpuid-freq (Q-kvm) */

/* base+1 EAX */
#define KVM_FEATURE_CLOCKSOURCE		0
#define KVM_FEATURE_NOP_IO_DELAY	1
#define KVM_FEATURE_MMU_OP		2
#define KVM_FEATURE_CLOCKSOURCE2	3
#define KVM_FEATURE_ASYNC_PF		4
#define KVM_FEATURE_STEAL_TIME		5
#define KVM_FEATURE_PV_EOI		6
#define KVM_FEATURE_PV_UNHALT		7
#define KVM_FEATURE_PV_TLB_FLUSH	9
#define KVM_FEATURE_ASYNC_PF_VMEXIT	10
#define KVM_FEATURE_PV_SEND_IPI		11
#define KVM_FEATURE_POLL_CONTROL	12
#define KVM_FEATURE_PV_SCHED_YIELD	13
#define KVM_FEATURE_ASYNC_PF_INT	14
#define KVM_FEATURE_MSI_EXT_DEST_ID	15
#define KVM_FEATURE_HC_MAP_GPA_RANGE	16
#define KVM_FEATURE_MIGRATION_CONTROL	17
#define KVM_FEATURE_CLOCKSOURCE_STABLE	24

/* base+1 EDX */
#define KVM_HINTS_REALTIME		0

/*
 * MSRs (msr.rst; kvm.md "MSRs").  Each exists only when its feature bit is set:
 * KVM with KVM_CAP_ENFORCE_PV_FEATURE_CPUID raises #GP otherwise
 * (arch/x86/kvm/x86.c, guest_pv_has()).  The old pair 0x11/0x12 needs
 * CLOCKSOURCE, the new pair CLOCKSOURCE2.
 */
#define MSR_KVM_WALL_CLOCK		0x00000011	/* old; CLOCKSOURCE */
#define MSR_KVM_SYSTEM_TIME		0x00000012	/* old; CLOCKSOURCE */
#define MSR_KVM_FIRST			0x4b564d00	/* "KVM\0": KVM's */
#define MSR_KVM_LAST			0x4b564dff	/* reserved range */
#define MSR_KVM_WALL_CLOCK_NEW		0x4b564d00	/* GPA; filled at the */
							/* write, only then */
#define MSR_KVM_SYSTEM_TIME_NEW		0x4b564d01	/* GPA | enable */
#define MSR_KVM_ASYNC_PF_EN		0x4b564d02	/* ASYNC_PF */
#define MSR_KVM_STEAL_TIME		0x4b564d03	/* STEAL_TIME */
#define MSR_KVM_PV_EOI_EN		0x4b564d04	/* PV_EOI */
#define MSR_KVM_POLL_CONTROL		0x4b564d05	/* POLL_CONTROL */
#define MSR_KVM_ASYNC_PF_INT		0x4b564d06	/* ASYNC_PF_INT */
#define MSR_KVM_ASYNC_PF_ACK		0x4b564d07	/* ASYNC_PF_INT */
#define MSR_KVM_MIGRATION_CONTROL	0x4b564d08	/* MIGRATION_CONTROL */

/* Bit 0 of SYSTEM_TIME, STEAL_TIME and PV_EOI_EN: the area is in use. */
#define KVM_MSR_ENABLED			0x1ULL

/*
 * STEAL_TIME: a 64-byte aligned GPA; bits 5:1 are reserved and a write
 * with any of them set is a #GP (KVM_STEAL_RESERVED_MASK in
 * arch/x86/include/uapi/asm/kvm_para.h).
 */
#define KVM_STEAL_ALIGNMENT_BITS	5
#define KVM_STEAL_RESERVED_MASK		0x3eULL		/* bits 5:1 */
#define KVM_STEAL_VALID_MASK		(~0ULL << 6)	/* the address */

/*
 * PV_EOI_EN: a 4-byte aligned GPA; bit 1 is reserved, and a write with
 * it set is a #GP (kvm_lapic_set_pv_eoi(): !IS_ALIGNED(addr, 4)).
 */
#define KVM_PV_EOI_RESERVED_MASK	0x2ULL

/*
 * pvclock_vcpu_time_info (msr.rst; pvclock-abi.h), the same as Xen's
 * vcpu_time_info: 32 bytes the hypervisor keeps up to date.  version is
 * odd while it writes; the guest reads version, the rest, version
 * again.  ns = system_time + ((TSC - tsc_timestamp) << shift) * mul >>
 * 32, with a negative shift meaning a right shift.  It must not cross a
 * page: KVM maps it through a gfn-to-pfn cache that refuses the range,
 * and then never writes it although the WRMSR succeeded (kvm.md
 * "Placement").
 */
struct pvclock_time_info {
	uint32_t	ti_version;
	uint32_t	ti_pad0;
	uint64_t	ti_tsc_timestamp;	/* guest TSC at the update */
	uint64_t	ti_system_time;		/* ns at that TSC */
	uint32_t	ti_tsc_to_system_mul;	/* 32.32 fixed point */
	int8_t		ti_tsc_shift;
	uint8_t		ti_flags;
	uint8_t		ti_pad[2];
} __attribute__((packed));

#define PVCLOCK_TSC_STABLE_BIT		0x01	/* with CLOCKSOURCE_STABLE */
#define PVCLOCK_GUEST_STOPPED		0x02	/* paused by the host */

/*
 * pvclock_wall_clock: the wall time at system_time 0, written when the
 * guest writes WALL_CLOCK and not again until the next write.  sec is
 * 32 bits (KVM: "overflow in 2106 guest time").
 */
struct pvclock_wall_clock {
	uint32_t	wc_version;
	uint32_t	wc_sec;
	uint32_t	wc_nsec;
} __attribute__((packed));

/* kvm_steal_time (msr.rst): 64 bytes, same version protocol. */
struct kvm_steal_time {
	uint64_t	st_steal;	/* ns this vCPU was runnable, not run */
	uint32_t	st_version;
	uint32_t	st_flags;
	uint8_t		st_preempted;
	uint8_t		st_pad8[3];
	uint32_t	st_pad[11];
} __attribute__((packed));

/*
 * Hypercalls (hypercalls.rst; kvm.md "Hypercalls"): VMCALL on Intel,
 * VMMCALL on AMD.  RAX the number, RBX RCX RDX RSI the arguments, RAX
 * the result; nothing else is changed.  Errors are negative.
 */
#define KVM_HC_VAPIC_POLL_IRQ		1	/* returns 0: the safe probe */
#define KVM_HC_MMU_OP			2	/* gone */
#define KVM_HC_FEATURES			3	/* PowerPC */
#define KVM_HC_PPC_MAP_MAGIC_PAGE	4	/* PowerPC */
#define KVM_HC_KICK_CPU			5	/* PV_UNHALT */
#define KVM_HC_CLOCK_PAIRING		9
#define KVM_HC_SEND_IPI			10	/* PV_SEND_IPI */
#define KVM_HC_SCHED_YIELD		11	/* PV_SCHED_YIELD */
#define KVM_HC_MAP_GPA_RANGE		12	/* HC_MAP_GPA_RANGE */

/* Errors, negated in RAX (include/uapi/linux/kvm_para.h). */
#define KVM_ENOSYS			1000	/* no such call */
#define KVM_EFAULT			14
#define KVM_EINVAL			22
#define KVM_E2BIG			7
#define KVM_EPERM			1	/* called from CPL > 0 */
#define KVM_EOPNOTSUPP			95

#endif

/*
 * KVM's CPUID block (at 0x40000000, or 0x40000100 behind Hyper-V
 * emulation).  Source: Linux Documentation/virt/kvm/x86/cpuid.rst and
 * include/uapi/asm/kvm_para.h; hypervisor-interfaces.md 3.1, 3.2.
 */
#ifndef _DRIVERS_PVBUS_KVMREG_H_
#define _DRIVERS_PVBUS_KVMREG_H_

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

#endif

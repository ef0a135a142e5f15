/*
 * Where hypervisors describe themselves in CPUID.
 * Sources: Intel SDM Vol. 2A, CPUID (leaf 1 ECX bit 31; leaves
 * 0x40000000-0x4FFFFFFF are reserved for software); the base convention
 * of Linux (arch/x86/include/asm/cpuid/api.h), FreeBSD (identcpu.c) and
 * OpenBSD (sys/dev/pv/pvreg.h): bases 0x40000000 + k * 0x100, k < 256.
 * docs/reference/cpuid-detection.md.
 */
#ifndef _SPEC_PVBUSREG_H_
#define _SPEC_PVBUSREG_H_

#define CPUID_HV_BASE_FIRST	0x40000000	/* the first base */
#define CPUID_HV_BASE_LAST	0x4000ff00	/* the last base */
#define CPUID_HV_BASE_STEP	0x100		/* one block per base */
#define CPUID_HV_NBASES		256

/*
 * At each base: EAX = the block's highest leaf, EBX ECX EDX = a 12-byte
 * signature, in that register order (leaf 0's vendor string is EBX EDX
 * ECX; do not mix them up).
 */
#define CPUID_HV_SIG_LEN	12

/* Leaf 1 ECX bit 31: set by hypervisors, clear on hardware. */
#define CPUID_1_ECX_HYPERVISOR	0x80000000

/*
 * base+1 EAX of a Hyper-V-compatible interface, whoever the vendor is
 * (Microsoft, VirtualBox, VMware, KVM, Xen's Viridian): "Hv#1".
 * Source: TLFS, Linux include/hyperv/hvgdk_mini.h.
 */
#define HV_INTERFACE_HV1	0x31237648

#endif

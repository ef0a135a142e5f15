/*
 * The Hyper-V interface as CPUID shows it ("Hv#1" at base+1), whoever
 * offers it.  Source: Microsoft Hypervisor Top-Level Functional
 * Specification (TLFS), as transcribed in Linux include/hyperv/
 * hvgdk_mini.h; bit names also from microsoft/openvmm hvdef and
 * open-vm-tools x86cpuid.h.  See hypervisor-interfaces.md 4.1, 4.2.
 */
#ifndef _DRIVERS_PVBUS_HYPERVREG_H_
#define _DRIVERS_PVBUS_HYPERVREG_H_

#define HV_CPUID_VERSION	2	/* base+2: build, major.minor, SP */
#define HV_CPUID_FEATURES	3	/* base+3: privileges, features */
#define HV_CPUID_RECOMMEND	4	/* base+4: recommendations */
#define HV_CPUID_ISOLATION	0xc	/* base+0xC: isolation config */

/* Linux rejects a Microsoft hypervisor whose max leaf is below this. */
#define HV_CPUID_MIN_MAXLEAF	5

/* base+2 */
#define HV_VERSION_MAJOR_SHIFT	16		/* EBX 31:16 */
#define HV_VERSION_MINOR_MASK	0xffff		/* EBX 15:0 */
#define HV_SERVICE_BRANCH_SHIFT	24		/* EDX 31:24 */
#define HV_SERVICE_NUMBER_MASK	0x00ffffff	/* EDX 23:0 */

/* base+3 EBX bit 0 (privilege bit 32): the root partition has it. */
#define HV_PRIV_CREATE_PARTITIONS	32

/* base+0xC */
#define HV_ISOLATION_PARAVISOR	0x1		/* EAX bit 0 */
#define HV_ISOLATION_TYPE_MASK	0xf		/* EBX 3:0 */
#define HV_ISOLATION_NONE	0
#define HV_ISOLATION_VBS	1
#define HV_ISOLATION_SNP	2
#define HV_ISOLATION_TDX	3

#endif

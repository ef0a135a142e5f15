/*
 * Xen's CPUID block (xen/include/public/arch-x86/cpuid.h, which numbers
 * the leaves 1..6 for base+0..base+5).  With Viridian (Hyper-V
 * emulation) on, Xen moves to 0x40000100 and its hypercall MSR to
 * 0x40000200.  hypervisor-interfaces.md 5.1.
 */
#ifndef _DRIVERS_PVBUS_XENREG_H_
#define _DRIVERS_PVBUS_XENREG_H_

#define XEN_CPUID_VERSION	1	/* EAX 31:16 major, 15:0 minor */
#define XEN_CPUID_HYPERCALL	2	/* EAX pages, EBX MSR index */
#define XEN_CPUID_MIN_MAXLEAF	2	/* Linux wants base+2 */

#define XEN_VERSION_MAJOR_SHIFT	16
#define XEN_VERSION_MINOR_MASK	0xffff

#endif

/*
 * Xen's CPUID block (xen/include/public/arch-x86/cpuid.h, which numbers
 * the leaves 1..6 for base+0..base+5).  With Viridian (Hyper-V
 * emulation) on, Xen moves to 0x40000100 and its hypercall MSR to
 * 0x40000200.  docs/reference/xen.md "CPUID leaves".
 *
 * Then what a guest does with it: the hypercall page (xen.md "Hypercall
 * page"), the calling convention and its errno values (xen.md "Calling
 * convention"), the hypercall numbers (xen.md "Hypercall numbers") and
 * xen_version (xen.md "xen_version").  Sources:
 * xen/include/public/{xen.h,version.h, features.h,errno.h},
 * xen/arch/x86/{msr.c,domain.c},
 * xen/arch/x86/hvm/{vmx/vmx.c,svm/svm.c,hypercall.c},
 * xen/common/kernel.c.
 */
#ifndef _SPEC_XENREG_H_
#define _SPEC_XENREG_H_

#include <stdint.h>

#define XEN_CPUID_VERSION	1	/* EAX 31:16 major, 15:0 minor */
#define XEN_CPUID_HYPERCALL	2	/* EAX pages, EBX MSR index */
#define XEN_CPUID_MIN_MAXLEAF	2	/* Linux wants base+2 */
#define XEN_CPUID_TIME		3	/* TSC mode and rate (subleaf 0) */
#define XEN_CPUID_HVM		4	/* HVM features (subleaf 0) */
#define XEN_CPUID_PV		5	/* PV: max subleaf, address width */
#define XEN_CPUID_MAX_LIMIT	5	/* base EAX - base: 2..5 */

#define XEN_VERSION_MAJOR_SHIFT	16
#define XEN_VERSION_MINOR_MASK	0xffff

/* base+4 EAX (HVM leaf, subleaf 0). */
#define XEN_HVM_CPUID_IOMMU_MAPPINGS	(1U << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT	(1U << 3)	/* EBX = vCPU id */
#define XEN_HVM_CPUID_DOMID_PRESENT	(1U << 4)	/* ECX = domain id */
#define XEN_HVM_CPUID_UPCALL_VECTOR	(1U << 6)

/*
 * xen.md "Hypercall page": the hypercall MSR (base+2 EBX).  Xen owns
 * the MSRs from it up to XEN_MSR_LAST; only the first one exists, the
 * others #GP.  Without Viridian that is 0x40000000..0x400002ff; with it
 * 0x40000000..0x400001ff are Viridian's (the guest OS id, the Hyper-V
 * hypercall MSR) and Xen's range starts at 0x40000200
 * (xen/arch/x86/msr.c).
 */
#define XEN_MSR_PLAIN		0x40000000	/* base+2 EBX, no Viridian */
#define XEN_MSR_VIRIDIAN	0x40000200	/* with it */
#define XEN_MSR_LAST		0x400002ff
#define XEN_VIRIDIAN_MSR_LAST	0x400001ff	/* Viridian's, when on */

/*
 * The value written: the page's guest physical address, OR the index of
 * the page in its low 12 bits.  base+2 EAX says how many pages there
 * are: always 1, so the index must be 0 (else #GP).  RDMSR reads 0.
 */
#define XEN_HYPERCALL_PAGES		1
#define XEN_HYPERCALL_INDEX_MASK	0xfffULL

/*
 * What Xen writes into the page (hvm_init_hypercall_page: memset, then
 * vmx_init_hypercall_page or svm_init_hypercall_page): INT3 everywhere,
 * then one 32-byte stub per hypercall number, "mov eax, n; vmcall; ret"
 * (vmmcall on AMD), except the PV-only iret, which is ud2.
 */
#define XEN_HYPERCALL_STUB_SIZE	32
#define XEN_HYPERCALL_NSTUBS	128		/* 4096 / 32 */
#define XEN_PAGE_FILL		0xcc		/* INT3 */
#define XEN_STUB_MOV_EAX	0xb8		/* then the number, 4 bytes */
#define XEN_STUB_MOV_LEN	5
#define XEN_STUB_RET		0xc3
#define XEN_STUB_UD2_0		0x0f		/* ud2 = 0f 0b */
#define XEN_STUB_UD2_1		0x0b
#define XEN_STUB_VMCALL		"\x0f\x01\xc1"	/* Intel */
#define XEN_STUB_VMMCALL	"\x0f\x01\xd9"	/* AMD */
#define XEN_STUB_CALL_LEN	3

/*
 * xen.md "Hypercall numbers": hypercall numbers
 * (xen/include/public/xen.h __HYPERVISOR_*).
 */
#define XEN_HYPERCALL_MEMORY_OP		12
#define XEN_HYPERCALL_XEN_VERSION	17
#define XEN_HYPERCALL_CONSOLE_IO	18
#define XEN_HYPERCALL_GRANT_TABLE_OP	20
#define XEN_HYPERCALL_IRET		23	/* PV only: ud2 for HVM */
#define XEN_HYPERCALL_VCPU_OP		24
#define XEN_HYPERCALL_SCHED_OP		29
#define XEN_HYPERCALL_EVENT_CHANNEL_OP	32
#define XEN_HYPERCALL_HVM_OP		34

/*
 * xen.md "Calling convention": arguments in RDI, RSI, RDX, R10, R8; the
 * result in RAX.  A debug build of Xen overwrites the argument
 * registers a call used with this value once it returns
 * (hvm/hypercall.c, unless the result is -ENOSYS).
 */
#define XEN_DEBUG_CLOBBER	0xdeadbeefdeadf00dULL

/*
 * xen.md "Calling convention": a failed call returns -errno, in Linux's
 * numbering (errno.h).
 */
#define XEN_EPERM		1
#define XEN_EFAULT		14
#define XEN_EINVAL		22
#define XEN_ENOSYS		38

/* xen.md "xen_version": xen_version sub-ops (RDI) and their buffers (RSI). */
#define XENVER_VERSION		0	/* no buffer: major << 16 | minor */
#define XENVER_EXTRAVERSION	1	/* char[16], NUL-terminated */
#define XENVER_GET_FEATURES	6	/* struct xen_feature_info */
#define XENVER_PAGESIZE		7	/* no buffer (NULL, else -EINVAL) */
#define XEN_EXTRAVERSION_LEN	16

struct xen_feature_info {
	uint32_t	submap_idx;	/* in: which 32 bits */
	uint32_t	submap;		/* out: XENFEAT_* bits */
} __attribute__((packed));

/* XENVER_get_features, submap 0 (xen/include/public/features.h). */
#define XENFEAT_WRITABLE_PAGE_TABLES		0
#define XENFEAT_WRITABLE_DESCRIPTOR_TABLES	1
#define XENFEAT_AUTO_TRANSLATED_PHYSMAP		2
#define XENFEAT_SUPERVISOR_MODE_KERNEL		3
#define XENFEAT_PAE_PGDIR_ABOVE_4GB		4
#define XENFEAT_MMU_PT_UPDATE_PRESERVE_AD	5
#define XENFEAT_HIGHMEM_ASSIST			6
#define XENFEAT_GNTTAB_MAP_AVAIL_BITS		7
#define XENFEAT_HVM_CALLBACK_VECTOR		8
#define XENFEAT_HVM_SAFE_PVCLOCK		9
#define XENFEAT_HVM_PIRQS			10
#define XENFEAT_DOM0				11
#define XENFEAT_GRANT_MAP_IDENTITY		12
#define XENFEAT_MEMORY_OP_VNODE_SUPPORTED	13
#define XENFEAT_ARM_SMCCC_SUPPORTED		14
#define XENFEAT_LINUX_RSDP_UNRESTRICTED		15
#define XENFEAT_NOT_DIRECT_MAPPED		16
#define XENFEAT_DIRECT_MAPPED			17
#define XENFEAT_RUNSTATE_PHYS_AREA		18
#define XENFEAT_VCPU_TIME_PHYS_AREA		19
#define XENFEAT_DM_MSIX_ALL_WRITES		20

#endif

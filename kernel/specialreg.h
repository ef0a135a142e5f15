/*
 * Architectural registers and CPUID bits the kernel uses.
 * Source: Intel SDM Vol. 3A chapter 2 (CR0, CR4, EFER), Vol. 2A CPUID
 * (leaf 1, leaf 0x80000001), Vol. 3A Table 6-1 (exception vectors).
 */
#ifndef _KERNEL_SPECIALREG_H_
#define _KERNEL_SPECIALREG_H_

#define CR0_PE		0x00000001	/* protected mode */
#define CR0_WP		0x00010000	/* write protect in ring 0 */
#define CR0_PG		0x80000000	/* paging */
#define CR4_PAE		0x00000020

/* Page-table entry bits (SDM Vol. 3A Tables 4-15 to 4-20). */
#define PG_P		0x001ULL	/* present */
#define PG_RW		0x002ULL	/* writable */
#define PG_PS		0x080ULL	/* a 2 MiB page, in a PD entry */
#define PG_NX		0x8000000000000000ULL	/* no fetch */
#define PG_FRAME	0x000ffffffffff000ULL	/* next table or page */

#define MSR_EFER	0xc0000080
#define  EFER_LME	0x00000100	/* long mode enable */
#define  EFER_NXE	0x00000800	/* no-execute pages */

/* CPUID leaf 1 */
#define CPUID_1_ECX_RDRAND	0x40000000	/* bit 30: RDRAND */
#define CPUID_1_ECX_HYPERVISOR	0x80000000	/* bit 31: running in a VM */

/* CPUID leaf 0x80000001 EDX */
#define CPUID_EXT_EDX_NX	0x00100000
#define CPUID_EXT_EDX_LM	0x20000000

/* Page-fault error code bits (SDM Vol. 3A 4.7). */
#define PGEX_P		0x01	/* 0: page not present; 1: protection */
#define PGEX_W		0x02	/* write access */
#define PGEX_U		0x04	/* from user mode */
#define PGEX_RSVD	0x08	/* reserved bit set in a paging entry */
#define PGEX_I		0x10	/* instruction fetch */

/* Exception vectors (SDM Vol. 3A Table 6-1). */
#define T_DE		0	/* divide error */
#define T_DB		1
#define T_NMI		2
#define T_BP		3
#define T_UD		6	/* invalid opcode */
#define T_DF		8	/* double fault */
#define T_GP		13	/* general protection */
#define T_PF		14	/* page fault */
#define T_NVECTORS	32	/* vectors reserved for exceptions */

/* Segment selectors of our GDT (trap.c). */
#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_TSS		0x18

#endif

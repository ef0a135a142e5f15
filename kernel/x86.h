/*
 * Every inline-assembly wrapper for an architectural instruction lives
 * here, so a reader finds all the places the kernel talks to the CPU in
 * one file.  Guest-only instructions (VMCALL, the VMware backdoor) are
 * not architectural and live in drivers/hvio/hvio_native.c.
 * Source: Intel SDM Vol. 2 (instruction reference).
 *
 * The *_safe forms may fault on purpose.  Each puts the address of the
 * instruction that may fault and the address to continue at into the
 * .extable section; when the CPU raises an exception there, trap()
 * finds the entry, records the vector in trap_fixup_vector and resumes
 * at the second address (like Linux's _ASM_EXTABLE).  An MSR that does
 * not exist is then an EFAULT return, not a crash.  call_safe() is the
 * one fixup keyed differently: see there.
 */
#ifndef _KERNEL_X86_H_
#define _KERNEL_X86_H_

#include <stdbool.h>
#include <stdint.h>

#include "cpuid.h"
#include "errno.h"

/*
 * The vector the last *_safe instruction raised, or TRAP_NONE, and the
 * error code the CPU pushed with it (0 for vectors without one).
 */
#define TRAP_NONE	(-1)
extern volatile int trap_fixup_vector;
extern volatile uint64_t trap_fixup_err;

#define EXTABLE_ENTRY(insn, resume)				\
	".pushsection .extable, \"a\"\n"			\
	".balign 8\n"						\
	".quad " insn ", " resume "\n"				\
	".popsection\n"

/* CPUID: the four registers for leaf (EAX) and subleaf (ECX). */
static inline void
cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	__asm volatile("cpuid"
	    : "=a" (r->eax), "=b" (r->ebx), "=c" (r->ecx), "=d" (r->edx)
	    : "a" (leaf), "c" (subleaf));
}

/* RDMSR: EDX:EAX <- MSR[ECX].  #GP if the MSR does not exist. */
static inline uint64_t
rdmsr(uint32_t msr)
{
	uint32_t hi, lo;

	__asm volatile("rdmsr" : "=d" (hi), "=a" (lo) : "c" (msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void
wrmsr(uint32_t msr, uint64_t val)
{
	__asm volatile("wrmsr"
	    : : "c" (msr), "a" ((uint32_t)val), "d" ((uint32_t)(val >> 32)));
}

/* RDMSR that returns EFAULT instead of crashing on #GP. */
static inline int
rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t hi = 0, lo = 0;

	trap_fixup_vector = TRAP_NONE;
	__asm volatile("1: rdmsr\n2:\n" EXTABLE_ENTRY("1b", "2b")
	    : "+d" (hi), "+a" (lo) : "c" (msr) : "memory");
	if (trap_fixup_vector != TRAP_NONE)
		return EFAULT;
	*val = (uint64_t)hi << 32 | lo;
	return 0;
}

static inline int
wrmsr_safe(uint32_t msr, uint64_t val)
{
	trap_fixup_vector = TRAP_NONE;
	__asm volatile("1: wrmsr\n2:\n" EXTABLE_ENTRY("1b", "2b")
	    : : "c" (msr), "a" ((uint32_t)val), "d" ((uint32_t)(val >> 32))
	    : "memory");
	return trap_fixup_vector == TRAP_NONE ? 0 : EFAULT;
}

/*
 * Read 8 bytes at addr, or return the vector the CPU raised (#PF for an
 * unmapped page, #GP for a non-canonical address); TRAP_NONE if none.
 */
static inline int
load_safe(uintptr_t addr, uint64_t *val)
{
	uint64_t v = 0;

	trap_fixup_vector = TRAP_NONE;
	__asm volatile("1: movq (%1), %0\n2:\n" EXTABLE_ENTRY("1b", "2b")
	    : "+r" (v) : "r" (addr) : "memory");
	*val = v;
	return trap_fixup_vector;
}

/*
 * Write 8 bytes at addr, or return the vector the CPU raised (#PF for a
 * read-only page); TRAP_NONE if the write happened.
 */
static inline int
store_safe(uintptr_t addr, uint64_t val)
{
	trap_fixup_vector = TRAP_NONE;
	__asm volatile("1: movq %1, (%0)\n2:\n" EXTABLE_ENTRY("1b", "2b")
	    : : "r" (addr), "r" (val) : "memory");
	return trap_fixup_vector;
}

/*
 * CALL target, which must hold a RET (0xc3) and nothing else that runs,
 * or return the vector the CPU raised (#PF for a page it may not
 * execute); TRAP_NONE if the RET ran.  When a fetch faults, RIP is the
 * target, which no .extable entry can name in advance; so the entry
 * names the return address instead, and trap() knows it: on a #PF for
 * an instruction fetch whose return address on the stack has an entry,
 * it pops that address, as the RET would have, and resumes at the
 * entry's second address.  Both ways end at the same place with the
 * same stack (there is no red zone to spoil: -mno-red-zone).
 */
static inline int
call_safe(uintptr_t target)
{
	trap_fixup_vector = TRAP_NONE;
	__asm volatile("call *%0\n1:\n" EXTABLE_ENTRY("1b", "1b")
	    : : "r" (target) : "memory");
	return trap_fixup_vector;
}

/* UD2: always #UD.  Returns the vector that was caught (T_UD). */
static inline int
ud2_safe(void)
{
	trap_fixup_vector = TRAP_NONE;
	__asm volatile("1: ud2\n2:\n" EXTABLE_ENTRY("1b", "2b") : : : "memory");
	return trap_fixup_vector;
}

/* Deliberate faults for fault=: each raises its exception, uncaught. */
static inline void
ud2(void)
{
	__asm volatile("ud2");
}

static inline uint64_t
load(uintptr_t addr)
{
	uint64_t v;

	__asm volatile("movq (%1), %0" : "=r" (v) : "r" (addr) : "memory");
	return v;
}

static inline void
store(uintptr_t addr, uint64_t val)
{
	__asm volatile("movq %1, (%0)" : : "r" (addr), "r" (val) : "memory");
}

/* DIV: EDX:EAX / divisor; #DE when the divisor is 0. */
static inline uint32_t
divl(uint32_t dividend, uint32_t divisor)
{
	uint32_t q, r;

	__asm volatile("divl %4"
	    : "=a" (q), "=d" (r) : "a" (dividend), "d" (0), "rm" (divisor));
	return q;
}

static inline uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm volatile("inb %1, %0" : "=a" (v) : "Nd" (port));
	return v;
}

static inline void
outb(uint16_t port, uint8_t v)
{
	__asm volatile("outb %0, %1" : : "a" (v), "Nd" (port));
}

static inline uint32_t
inl(uint16_t port)
{
	uint32_t v;

	__asm volatile("inl %1, %0" : "=a" (v) : "Nd" (port));
	return v;
}

static inline void
outl(uint16_t port, uint32_t v)
{
	__asm volatile("outl %0, %1" : : "a" (v), "Nd" (port));
}

static inline void
cli(void)
{
	__asm volatile("cli" : : : "memory");
}

static inline void
hlt(void)
{
	__asm volatile("hlt" : : : "memory");
}

static inline void
pause(void)
{
	__asm volatile("pause");
}

/* INVLPG: forget the TLB entry for the page holding va. */
static inline void
invlpg(uintptr_t va)
{
	__asm volatile("invlpg (%0)" : : "r" (va) : "memory");
}

/* Write CR3 again: every non-global TLB entry goes (SDM Vol. 3A 4.10.4.1). */
static inline void
lcr3(uint64_t cr3)
{
	__asm volatile("mov %0, %%cr3" : : "r" (cr3) : "memory");
}

/*
 * RDRAND: a 64-bit random number, and whether there was one (CF = 1);
 * CF = 0 means the generator had none ready, and the caller may retry.
 * #UD where CPUID.1:ECX[30] is 0.
 */
static inline bool
rdrand(uint64_t *v)
{
	uint8_t ok;

	__asm volatile("rdrand %0; setc %1" : "=r" (*v), "=qm" (ok) : : "cc");
	return ok != 0;
}

static inline uint64_t
rdtsc(void)
{
	uint32_t hi, lo;

	__asm volatile("rdtsc" : "=d" (hi), "=a" (lo));
	return (uint64_t)hi << 32 | lo;
}

#define DEFINE_RCR(name, reg)					\
static inline uint64_t						\
name(void)							\
{								\
	uint64_t v;						\
								\
	__asm volatile("mov %%" reg ", %0" : "=r" (v));		\
	return v;						\
}
DEFINE_RCR(rcr0, "cr0")
DEFINE_RCR(rcr2, "cr2")
DEFINE_RCR(rcr3, "cr3")
DEFINE_RCR(rcr4, "cr4")
#undef DEFINE_RCR

struct region_descriptor {
	uint16_t	rd_limit;
	uint64_t	rd_base;
} __attribute__((packed));

static inline void
lgdt(const struct region_descriptor *rd)
{
	__asm volatile("lgdt %0" : : "m" (*rd));
}

static inline void
lidt(const struct region_descriptor *rd)
{
	__asm volatile("lidt %0" : : "m" (*rd));
}

static inline void
ltr(uint16_t sel)
{
	__asm volatile("ltr %0" : : "r" (sel));
}

/*
 * After lgdt: reload the data segments, then CS through a far return
 * (there is no far jump to an immediate selector in 64-bit mode).
 */
static inline void
reload_segments(uint16_t code, uint16_t data)
{
	__asm volatile(
	    "movw %w1, %%ds\n"
	    "movw %w1, %%es\n"
	    "movw %w1, %%ss\n"
	    "pushq %q0\n"
	    "leaq 1f(%%rip), %%rax\n"
	    "pushq %%rax\n"
	    "lretq\n"
	    "1:\n"
	    : : "r" ((uint64_t)code), "r" ((uint64_t)data) : "rax", "memory");
}

static inline uint64_t
read_rbp(void)
{
	uint64_t v;

	__asm volatile("movq %%rbp, %0" : "=r" (v));
	return v;
}

#endif

/*
 * Exceptions: the frame trapasm.asm builds, and what trap.c offers.
 */
#ifndef _KERNEL_TRAP_H_
#define _KERNEL_TRAP_H_

#include <stdbool.h>
#include <stdint.h>

/*
 * What is on the stack when trap() runs, lowest address first: the
 * general registers trap_common pushed, the vector and error code the
 * per-vector stub pushed (0 where the CPU gives none), then the frame the
 * CPU pushed (SDM Vol. 3A 6.14.2, "64-Bit Mode Stack Frame").
 */
struct trapframe {
	uint64_t	tf_r15, tf_r14, tf_r13, tf_r12;
	uint64_t	tf_r11, tf_r10, tf_r9, tf_r8;
	uint64_t	tf_rbp, tf_rdi, tf_rsi, tf_rdx;
	uint64_t	tf_rcx, tf_rbx, tf_rax;
	uint64_t	tf_vector;
	uint64_t	tf_err;
	uint64_t	tf_rip, tf_cs, tf_rflags, tf_rsp, tf_ss;
};

/* An .extable entry: see kernel/x86.h. */
struct extable_entry {
	uint64_t	ex_insn;	/* the instruction that may fault */
	uint64_t	ex_resume;	/* where to go on if it does */
};

/*
 * INT 0xF0 is the simulated hypervisors' VM exit: the hypercall pages
 * sim_backend.c writes execute it where a real page has VMCALL.  Not an
 * exception; the handler reads and writes the frame's registers, and
 * returns false for an INT 0xF0 no simulator wrote (then it is a crash).
 */
#define T_SIMEXIT	0xf0

/*
 * Not a vector of its own: the #UD of __stack_chk_fail()'s UD2, which
 * trap() reports as the stack protector's (kernel/ssp.c) under this
 * number.  A UD2 rather than an INT n: a software interrupt is what
 * nested KVM has been seen to fail to emulate, and an exception it
 * delivers like any other.  Always a crash.
 */
#define T_SSP		0xf1

void	trap_init(void);
void	trap_set_simexit(bool (*handler)(struct trapframe *));
void	trap(struct trapframe *tf);		/* from trapasm.asm */
const char *trap_name(int vector);		/* "#GP" */
const char *trap_description(int vector);	/* "general protection" */

#endif

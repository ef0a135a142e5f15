; trapasm.asm: the first instructions of every exception.
;
; The CPU pushes SS, RSP, RFLAGS, CS, RIP and, for some vectors, an error
; code (Intel SDM Vol. 3A 6.14, Table 6-1 says which).  Each stub below
; makes the frame uniform by pushing a zero where the CPU gave no error
; code, then the vector; trap_common saves the general registers, in the
; order of struct trapframe (kernel/trap.h), and calls trap(frame).  If
; trap() returns (an expected fault with an .extable fixup), the
; registers, possibly changed, are restored and IRETQ resumes.

bits 64
section .text

extern trap

%macro TRAP_NOERR 1
trap_vec%1:
	push	qword 0
	push	qword %1
	jmp	trap_common
%endmacro

%macro TRAP_ERR 1
trap_vec%1:
	push	qword %1
	jmp	trap_common
%endmacro

; Vectors with an error code: 8 #DF, 10 #TS, 11 #NP, 12 #SS, 13 #GP,
; 14 #PF, 17 #AC, 21 #CP, 29 #VC, 30 #SX.
%assign v 0
%rep 32
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	TRAP_ERR v
%else
	TRAP_NOERR v
%endif
%assign v v + 1
%endrep

; One more vector, taken with INT 0xF0 by the simulated hypervisors'
; hypercall pages: their "VM exit" (sim/sim_backend.c).
global trap_stub_simexit
trap_stub_simexit:
	TRAP_NOERR 240

; The CPU aligned RSP to 16 bytes before its pushes in 64-bit mode; with
; its 5 words, our 2 and the 15 below (22 words in all) it is still
; aligned when we call trap(), as the SysV ABI requires.
trap_common:
	push	rax
	push	rbx
	push	rcx
	push	rdx
	push	rsi
	push	rdi
	push	rbp
	push	r8
	push	r9
	push	r10
	push	r11
	push	r12
	push	r13
	push	r14
	push	r15
	mov	rdi, rsp
	cld
	call	trap
	pop	r15
	pop	r14
	pop	r13
	pop	r12
	pop	r11
	pop	r10
	pop	r9
	pop	r8
	pop	rbp
	pop	rdi
	pop	rsi
	pop	rdx
	pop	rcx
	pop	rbx
	pop	rax
	add	rsp, 16			; vector and error code
	iretq

section .rodata
global trap_stubs
align 8
trap_stubs:
%assign v 0
%rep 32
	dq	trap_vec %+ v
%assign v v + 1
%endrep

; No executable stack (GNU ld warns about objects without this note).
section .note.GNU-stack noalloc noexec nowrite progbits

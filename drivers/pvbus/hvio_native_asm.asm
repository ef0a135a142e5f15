; hvio_native_asm.asm: the guest-only instructions, each with every
; general register loaded from and stored back to a struct vm_regs.
;
; The VMware backdoor and the hypercall instructions take arguments in
; up to seven registers, RBP included, and may change all of them
; (open-vm-tools backdoor_types.h; hypervisor-interfaces.md 6.2, 6.5).
; Inline assembly cannot hand RBP to an instruction while the compiler
; keeps its frame pointer there, so these few lines are assembly.
; hvio_native.c wraps them and reads trap_fixup_vector: each instruction
; has an .extable entry, so a #GP (port not allowed) or #UD (no
; hypervisor behind VMCALL) resumes at the store and becomes EFAULT.
;
; struct vm_regs (hvio.h): rax rbx rcx rdx rsi rdi rbp, 8 bytes each.

bits 64
section .extable progbits alloc noexec nowrite align=8
section .text

%define R_RAX	0
%define R_RBX	8
%define R_RCX	16
%define R_RDX	24
%define R_RSI	32
%define R_RDI	40
%define R_RBP	48

; One routine per instruction: %1 the name, %2.. the instruction.
%macro VMREGS_CALL 2+
global %1
%1:
	push	rbx
	push	rbp
	push	rdi			; the struct, for after the call
	mov	rax, [rdi + R_RAX]
	mov	rbx, [rdi + R_RBX]
	mov	rcx, [rdi + R_RCX]
	mov	rdx, [rdi + R_RDX]
	mov	rsi, [rdi + R_RSI]
	mov	rbp, [rdi + R_RBP]
	mov	rdi, [rdi + R_RDI]
	cld
%%insn:	%2
%%resume:
	xchg	rdi, [rsp]		; rdi = the struct; the result saved
	mov	[rdi + R_RAX], rax
	mov	[rdi + R_RBX], rbx
	mov	[rdi + R_RCX], rcx
	mov	[rdi + R_RDX], rdx
	mov	[rdi + R_RSI], rsi
	mov	[rdi + R_RBP], rbp
	pop	rax
	mov	[rdi + R_RDI], rax
	pop	rbp
	pop	rbx
	ret
section .extable
	dq	%%insn, %%resume
section .text
%endmacro

VMREGS_CALL hvio_native_bdoor_in, in eax, dx
VMREGS_CALL hvio_native_bdoor_outsb, rep outsb
VMREGS_CALL hvio_native_bdoor_insb, rep insb
VMREGS_CALL hvio_native_vmcall, vmcall
VMREGS_CALL hvio_native_vmmcall, vmmcall

section .note.GNU-stack noalloc noexec nowrite progbits

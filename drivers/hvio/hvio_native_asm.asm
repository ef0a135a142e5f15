; hvio_native_asm.asm: the guest-only instructions, each with every
; general register loaded from and stored back to a struct vm_regs.
;
; The VMware backdoor and the hypercall instructions take arguments in
; up to seven registers, RBP included, and may change all of them
; (open-vm-tools backdoor_types.h; docs/reference/vmware.md "Backdoor
; I/O port", "High-bandwidth transfer").  Inline assembly cannot hand
; RBP to an instruction while the compiler keeps its frame pointer
; there, so these few lines are assembly.  hvio_native.c wraps them and
; reads trap_fixup_vector: each instruction has an .extable entry, so a
; #GP (port not allowed) or #UD (no hypervisor behind VMCALL) resumes at
; the store and becomes EFAULT.
;
; struct vm_regs (hvio.h): rax rbx rcx rdx rsi rdi rbp r8 r9 r10 r11,
; 8 bytes each.

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
%define R_R8	56
%define R_R9	64
%define R_R10	72
%define R_R11	80

; Load every register of the struct at RDI, RDI itself last.
%macro VMREGS_LOAD 0
	mov	rax, [rdi + R_RAX]
	mov	rbx, [rdi + R_RBX]
	mov	rcx, [rdi + R_RCX]
	mov	rdx, [rdi + R_RDX]
	mov	rsi, [rdi + R_RSI]
	mov	rbp, [rdi + R_RBP]
	mov	r8, [rdi + R_R8]
	mov	r9, [rdi + R_R9]
	mov	r10, [rdi + R_R10]
	mov	r11, [rdi + R_R11]
	mov	rdi, [rdi + R_RDI]
%endmacro

; Store them back into the struct at RDI, all but RDI itself, whose
; value after the instruction the caller keeps on the stack.
%macro VMREGS_STORE 0
	mov	[rdi + R_RAX], rax
	mov	[rdi + R_RBX], rbx
	mov	[rdi + R_RCX], rcx
	mov	[rdi + R_RDX], rdx
	mov	[rdi + R_RSI], rsi
	mov	[rdi + R_RBP], rbp
	mov	[rdi + R_R8], r8
	mov	[rdi + R_R9], r9
	mov	[rdi + R_R10], r10
	mov	[rdi + R_R11], r11
%endmacro

; Entry and exit around a call: RBX, RBP and R12-R15 belong to the
; caller (SysV ABI) and are saved; the struct pointer goes on the stack
; for after the call.  VMREGS_EXIT expects the stack as VMREGS_ENTER
; left it, and stores the registers the call left, RDI included.
%macro VMREGS_ENTER 0
	push	rbx
	push	rbp
	push	r12
	push	r13
	push	r14
	push	r15
	push	rdi			; the struct
%endmacro

%macro VMREGS_EXIT 0
	xchg	rdi, [rsp]		; rdi = the struct; the result saved
	VMREGS_STORE
	pop	rax
	mov	[rdi + R_RDI], rax
	pop	r15
	pop	r14
	pop	r13
	pop	r12
	pop	rbp
	pop	rbx
	ret
%endmacro

; One routine per instruction: %1 the name, %2.. the instruction.
%macro VMREGS_CALL 2+
global %1
%1:
	VMREGS_ENTER
	VMREGS_LOAD
	cld
%%insn:	%2
%%resume:
	VMREGS_EXIT
section .extable
	dq	%%insn, %%resume
section .text
%endmacro

VMREGS_CALL hvio_native_bdoor_in, in eax, dx
VMREGS_CALL hvio_native_bdoor_outsb, rep outsb
VMREGS_CALL hvio_native_bdoor_insb, rep insb
VMREGS_CALL hvio_native_vmcall, vmcall
VMREGS_CALL hvio_native_vmmcall, vmmcall

; hvio_call_page(struct vm_regs *r, uintptr_t entry): CALL the entry,
; which the hypervisor wrote, with the struct's registers.  No fixup: a
; fault inside the page is a crash to report, not an answer.
global hvio_call_page
hvio_call_page:
	VMREGS_ENTER
	push	rsi			; the entry, called through [rsp]
	VMREGS_LOAD
	cld
	call	[rsp]
	add	rsp, 8
	VMREGS_EXIT

section .note.GNU-stack noalloc noexec nowrite progbits

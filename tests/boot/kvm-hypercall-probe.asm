; kvm-hypercall-probe.asm: does a VMCALL from a KVM guest come back on
; this host?  tests/boot/matrix.py boots this (PVH, -accel kvm) for cases
; that say "requires: kvm-hypercall", and skips them if it does not.
;
; Why: nested under another hypervisor, KVM may take a guest's VMCALL as
; a #UD, "fix" the instruction in guest memory (emulator_fix_hypercall)
; and restart it, for ever.  The testbed's kernel maps its code read-only
; and reports that as a failed hypercall; this probe has no paging, so
; the loop shows as a timeout.  KVM_HC_VAPIC_POLL_IRQ (1) returns 0
; (Linux Documentation/virt/kvm/x86/hypercalls.rst).  The probe uses
; VMCALL and must run on an Intel host; on AMD it uses VMMCALL.
;
; Exit status (QEMU isa-debug-exit): 0x10 the call returned 0, 0x11 it
; returned something else.  Build: nasm -f elf32; ld -m elf_i386 -T
; tools/bench/floor.ld.

bits 32

section .note.Xen note alloc noexec nowrite align=4
	dd	4, 4, 18		; "Xen", 4-byte entry, PHYS32_ENTRY
	db	"Xen", 0
	dd	probe_entry

section .text
global probe_entry
probe_entry:
	mov	eax, 0
	cpuid
	cmp	ebx, 0x68747541		; "Auth": AuthenticAMD
	mov	eax, 1			; KVM_HC_VAPIC_POLL_IRQ
	xor	ebx, ebx
	xor	ecx, ecx
	xor	edx, edx
	xor	esi, esi
	je	.amd
	vmcall
	jmp	.done
.amd:	vmmcall
.done:	test	eax, eax
	mov	eax, 0x10
	jz	.exit
	mov	eax, 0x11
.exit:	mov	dx, 0xf4
	out	dx, eax
.halt:	cli
	hlt
	jmp	.halt

section .note.GNU-stack noalloc noexec nowrite progbits

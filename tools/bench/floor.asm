; floor.asm: the smallest kernel the benchmark can boot on each path.
;
; It carries a multiboot2 header (for GRUB) and a PVH note (for QEMU
; -kernel), writes one line to COM1 and leaves through QEMU's exit port
; with the pass status, all in 32-bit protected mode.  Booting it costs
; what the firmware, the loader and QEMU cost and nothing more, so
; tools/bench.py divides the real kernel's time by this one's.
;
; Build: nasm -f elf32 floor.asm; ld -m elf_i386 -T floor.ld
;        (tools/bench.py does it).

bits 32

section .multiboot2 progbits alloc noexec nowrite align=8
hdr:	dd	0xe85250d6, 0, hdr_end - hdr
	dd	(0x100000000 - (0xe85250d6 + (hdr_end - hdr))) & 0xffffffff
	dw	0, 0
	dd	8
hdr_end:

section .note.Xen note alloc noexec nowrite align=4
	dd	4, 4, 18		; "Xen", 4-byte entry, PHYS32_ENTRY
	db	"Xen", 0
	dd	floor_entry

section .text
global floor_entry
floor_entry:
	mov	esi, msg
.next:	lodsb
	test	al, al
	jz	.exit
	mov	dx, 0x3f8
	out	dx, al
	jmp	.next
.exit:	mov	dx, 0xf4
	mov	eax, 0x10		; KEXIT_PASS
	out	dx, eax
.halt:	cli
	hlt
	jmp	.halt

section .rodata
msg:	db	13, 10, "floor: booted", 13, 10, 0

section .note.GNU-stack noalloc noexec nowrite progbits

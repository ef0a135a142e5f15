; boot.asm: from the loader's 32-bit handoff to kmain() in long mode.
;
; One ELF64 image is entered two ways:
;  - GRUB reads the multiboot2 header below and jumps to mb2_entry with
;    EAX = 0x36d76289 and EBX = the boot information (Multiboot2
;    Specification 2.0, 3.3 "I386 machine state");
;  - QEMU -kernel (and Xen) find the PVH ELF note and jump to pvh_entry
;    with EBX = the hvm_start_info (Xen docs/misc/pvh.pandoc).
; Both arrive in 32-bit protected mode with paging off and no usable
; stack.  We zero .bss, check that the CPU has long mode, build page
; tables that map the first 4 GiB 1:1, enable long mode (Intel SDM Vol.
; 3A, 10.8.5 "Initializing IA-32e Mode") and call kmain(magic, info).
; kmain tells the two paths apart by the magic.
;
; The page tables give each page the rights of what it holds, from the
; first 64-bit instruction on (SDM Vol. 3A 4.6): the kernel's code is
; read-only and executable; everything else is not executable (where the
; CPU has the NX bit): its read-only data and symbol table read-only,
; its data, .bss and stacks writable, and all other memory (RAM, MMIO)
; writable.  Nothing is both writable and executable.  Below each stack
; is a guard page that is never mapped, so an overflow is a #PF, not
; silent corruption.  (Page 0 is mapped at first, because QEMU's PVH
; option ROM leaves part of the start info there; kmain unmaps it once
; the boot information is copied.  kernel/pmap.c changes single pages
; later: hypercall pages become executable and read-only.)

%define MB2_HEADER_MAGIC	0xe85250d6	; Multiboot2 spec 3.1.1
%define MB2_ARCH_I386		0		; 32-bit protected mode entry
%define MB2_BOOTLOADER_MAGIC	0x36d76289	; in EAX from GRUB (3.3)
%define MB2_HTAG_END		0
%define MB2_HTAG_INFO_REQUEST	1
%define MB2_HTAG_FRAMEBUFFER	5
%define MB2_HTAG_MODULE_ALIGN	6
%define MB2_HTAG_OPTIONAL	1		; flags: a loader may ignore it

%define PVH_BOOT_MAGIC		0x336ec578	; hvm_start_info.magic (Xen)
%define XEN_ELFNOTE_PHYS32_ENTRY 18		; xen/include/public/elfnote.h

%define COM1			0x3f8		; 16550: THR at +0, LSR at +5
%define COM_LSR_TXRDY		0x20
%define DEBUG_EXIT_PORT		0xf4		; QEMU isa-debug-exit
%define KEXIT_BOOTERR		0x13		; kernel/kern.h

%define CR0_PE			(1 << 0)
%define CR0_WP			(1 << 16)
%define CR0_PG			(1 << 31)
%define CR4_PAE			(1 << 5)
%define MSR_EFER		0xc0000080
%define EFER_LME		(1 << 8)
%define EFER_NXE		(1 << 11)
%define CPUID_EXT_LM		(1 << 29)	; CPUID 0x80000001 EDX
%define CPUID_EXT_NX		(1 << 20)

%define PG_P			(1 << 0)
%define PG_RW			(1 << 1)
%define PG_PS			(1 << 7)	; a 2 MiB page in a PD entry
%define PG_NX_HI		(1 << 31)	; bit 63, in the high dword

%define SEL_KCODE		0x08		; boot_gdt below
%define SEL_KDATA		0x10

extern kmain
extern __bss_start, __bss_end			; linker.ld
extern __kernel_start, __text_end, __rodata_end, __data_end, __kernel_end

; ----------------------------------------------------------------------
; The multiboot2 header: first in the image (linker.ld), 8-byte aligned,
; within the first 32 KiB of the file.
section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd	MB2_HEADER_MAGIC
	dd	MB2_ARCH_I386
	dd	mb2_header_end - mb2_header
	dd	(0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + \
		    (mb2_header_end - mb2_header))) & 0xffffffff

	; The tags we want.  Marked optional: GRUB gives every tag it has
	; whether asked or not, and only uses this list to refuse a kernel
	; that asks for one it cannot give; a non-optional request would
	; make a lesser loader refuse us instead of letting kmain() report
	; what is missing.
	align	8
.info_request:
	dw	MB2_HTAG_INFO_REQUEST, MB2_HTAG_OPTIONAL
	dd	.info_request_end - .info_request
	dd	1		; command line
	dd	2		; boot loader name
	dd	3		; modules
	dd	4		; basic memory information
	dd	6		; memory map
	dd	8		; framebuffer: EGA text or RGB (3.6.12)
	dd	12		; EFI 64-bit system table
	dd	14		; ACPI old RSDP
	dd	15		; ACPI new RSDP
.info_request_end:

	; A graphics framebuffer, please (3.1.10): without this tag GRUB
	; sets no video mode, and a UEFI machine, which has no text mode,
	; gives the kernel no screen at all.  With it, GRUB 2.06's
	; multiboot2 command (grub-core/loader/multiboot.c,
	; grub_multiboot_set_console()) sets gfxpayload to
	; "1024x768x32,1024x768,auto": our size if the firmware has it,
	; else what it has.  1024x768 is the default screen of Hyper-V
	; Generation 2 and VMware VMs, 128x48 characters.  Optional: the
	; kernel takes EGA text, or no screen, as well.  On BIOS, grub.cfg
	; asks for EGA text after the multiboot2 command (tools/mkiso.sh).
	align	8
	dw	MB2_HTAG_FRAMEBUFFER, MB2_HTAG_OPTIONAL
	dd	20
	dd	1024		; width in pixels
	dd	768		; height
	dd	32		; bits per pixel

	; Page-align modules, so a CPUID dump given as a module can later
	; be reserved by whole pages.
	align	8
	dw	MB2_HTAG_MODULE_ALIGN, 0
	dd	8

	align	8
	dw	MB2_HTAG_END, 0
	dd	8
mb2_header_end:

; ----------------------------------------------------------------------
; The PVH note.  QEMU steps through notes by the PT_NOTE segment's
; p_align rather than by 4 as the ELF rule says, so this section must
; stay 4-byte aligned (then the two agree); see docs/reference/qemu.md
; "PVH loader" and docs/reference/boot-paths.md "PVH ELF note".  The
; descriptor is 8 bytes because QEMU reads a size_t from an ELF64 file;
; Xen accepts 4 or 8.
section .note.Xen note alloc noexec nowrite align=4
	dd	4			; namesz: "Xen\0"
	dd	8			; descsz
	dd	XEN_ELFNOTE_PHYS32_ENTRY
	db	"Xen", 0
	dq	pvh_entry

; ----------------------------------------------------------------------
section .text.boot progbits alloc exec nowrite align=16
bits 32

global mb2_entry
mb2_entry:
	cli
	cld
	cmp	eax, MB2_BOOTLOADER_MAGIC
	je	.magic_ok
	xor	ebx, ebx		; EBX means nothing without the magic;
.magic_ok:				; kmain reports the magic it got
	mov	[boot_magic], eax
	mov	[boot_info], ebx
	jmp	start32

global pvh_entry
pvh_entry:
	cli
	cld
	mov	dword [boot_magic], PVH_BOOT_MAGIC
	mov	[boot_info], ebx
	jmp	start32

start32:
	lgdt	[boot_gdt_desc]
	mov	ax, SEL_KDATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	fs, ax
	mov	gs, ax
	; Loaders zero .bss (GRUB and QEMU both do), but the specs do not
	; promise it.  Nothing is on the stack yet, and the stack is here.
	mov	edi, __bss_start
	mov	ecx, __bss_end
	sub	ecx, edi
	shr	ecx, 2
	xor	eax, eax
	rep stosd
	mov	esp, boot_stack_top

	call	check_long_mode
	call	build_page_tables
	call	enable_long_mode
	jmp	SEL_KCODE:start64

; Long mode needs CPUID leaf 0x80000001 EDX bit 29.  Without it there is
; nothing we can run: say so on COM1 and exit.
check_long_mode:
	mov	eax, 0x80000000
	cpuid
	cmp	eax, 0x80000001
	jb	.no_long_mode
	mov	eax, 0x80000001
	cpuid
	test	edx, CPUID_EXT_LM
	jz	.no_long_mode
	test	edx, CPUID_EXT_NX	; without NX, bit 63 of an entry is
	jz	.no_nx			; reserved: it must stay 0 (4.5)
	mov	dword [boot_nx_hi], PG_NX_HI
.no_nx:	ret
.no_long_mode:
	mov	esi, msg_no_long_mode
	jmp	boot_fail32

; PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages
; covering 0..4 GiB, writable and not executable, except the first
; 2 MiB, which go through a page table of 4 KiB pages: the kernel lies
; there (linker.ld asserts it), and its pages need rights of their own.
; NX is only set where the CPU has it (boot_nx_hi is 0 otherwise).
; Upper-level entries grant everything; the leaf entries decide.
build_page_tables:
	mov	eax, boot_pdpt
	or	eax, PG_P | PG_RW
	mov	[boot_pml4], eax

	mov	edi, boot_pdpt
	mov	eax, boot_pd
	or	eax, PG_P | PG_RW
	mov	ecx, 4
.pdpt:	mov	[edi], eax
	add	edi, 8
	add	eax, 4096
	loop	.pdpt

	mov	edi, boot_pd		; 2048 entries, 8 bytes each
	mov	eax, PG_P | PG_RW | PG_PS
	mov	edx, [boot_nx_hi]	; the high half: NX, no address bits
	mov	ecx, 2048		; below 4 GiB
.pd:	mov	[edi], eax
	mov	[edi + 4], edx
	add	edi, 8
	add	eax, 0x200000
	loop	.pd

	mov	eax, boot_pt
	or	eax, PG_P | PG_RW
	mov	[boot_pd], eax		; the first 2 MiB: 4 KiB pages
	mov	dword [boot_pd + 4], 0	; (NX here would cover all 512)
	mov	edi, boot_pt
	xor	ebx, ebx		; the page's address
.pt:	call	page_rights
	or	eax, ebx
	mov	[edi], eax
	mov	[edi + 4], edx
	add	edi, 8
	add	ebx, 0x1000
	cmp	ebx, 0x200000
	jb	.pt

	mov	eax, boot_stack_guard	; the guard pages: never mapped
	call	page_unmap
	mov	eax, df_stack_guard
	call	page_unmap
	ret

; The rights of the 4 KiB page at EBX, as a page-table entry's flags:
; EAX the low half, EDX the high half (NX).  Page 0 and the low memory
; below the kernel stay writable: QEMU's PVH start info is there.
page_rights:
	mov	eax, PG_P
	mov	edx, [boot_nx_hi]
	cmp	ebx, __kernel_start
	jb	.rw
	cmp	ebx, __text_end
	jb	.code
	cmp	ebx, __rodata_end
	jb	.ro			; .note.Xen, .rodata, .extable
	cmp	ebx, __data_end
	jb	.rw			; .data, .bss, stacks, page tables
	cmp	ebx, __kernel_end
	jb	.ro			; .ksyms
.rw:	or	eax, PG_RW
.ro:	ret
.code:	xor	edx, edx		; executable, read-only
	ret

; Clear the entry of boot_pt for the page at EAX (below 2 MiB).
page_unmap:
	shr	eax, 12
	mov	dword [boot_pt + eax * 8], 0
	mov	dword [boot_pt + eax * 8 + 4], 0
	ret

; CR4.PAE, CR3, EFER.LME (and NXE where the CPU has it), then CR0.PG:
; the order SDM Vol. 3A 10.8.5 gives.  The jump to a 64-bit code
; segment that follows completes the switch.
enable_long_mode:
	mov	eax, cr4
	or	eax, CR4_PAE
	mov	cr4, eax
	mov	eax, boot_pml4
	mov	cr3, eax
	mov	ecx, MSR_EFER
	rdmsr
	or	eax, EFER_LME
	cmp	dword [boot_nx_hi], 0
	je	.no_nx
	or	eax, EFER_NXE
.no_nx:	wrmsr
	mov	eax, cr0
	or	eax, CR0_PG | CR0_PE | CR0_WP
	mov	cr0, eax
	ret

; Print ESI (NUL-terminated) on COM1 and leave through the QEMU exit
; port; elsewhere, halt.  The transmit wait is bounded: a machine with
; no COM1 reads 0xff from every port and must not hang us.
boot_fail32:
.next:	lodsb
	test	al, al
	jz	.done
	mov	bl, al
	mov	ecx, 100000
	mov	dx, COM1 + 5
.wait:	in	al, dx
	test	al, COM_LSR_TXRDY
	jnz	.send
	loop	.wait
.send:	mov	dx, COM1
	mov	al, bl
	out	dx, al
	jmp	.next
.done:	mov	dx, DEBUG_EXIT_PORT
	mov	eax, KEXIT_BOOTERR
	out	dx, eax
.halt:	cli
	hlt
	jmp	.halt

bits 64
start64:
	mov	ax, SEL_KDATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	xor	eax, eax
	mov	fs, ax
	mov	gs, ax
	mov	rsp, boot_stack_top
	xor	ebp, ebp		; the end of every backtrace
	mov	edi, [boot_magic]	; kmain(magic, info): zero-extended
	mov	esi, [boot_info]
	call	kmain
.halt:	cli				; kmain does not return
	hlt
	jmp	.halt

; ----------------------------------------------------------------------
section .rodata
msg_no_long_mode:
	db	13, 10, "boot: this CPU has no long mode (CPUID 0x80000001 EDX.LM = 0); "
	db	"pvbus needs an x86_64 CPU", 13, 10, 0

; The boot GDT: what the far jump to 64-bit code needs.  trap_init()
; replaces it with one that also holds a TSS.  It is read-only from the
; moment paging is on, so each descriptor has its accessed bit set
; already: loading a descriptor whose bit is clear makes the CPU write
; it (SDM Vol. 3A 3.4.5.1), and that write to a read-only page would be
; a #PF with no IDT yet, so a triple fault (QEMU TCG does not check it;
; KVM on real hardware does).
align 8
boot_gdt:
	dq	0
	dq	0x00af9b000000ffff	; SEL_KCODE: 64-bit code, DPL 0
	dq	0x00cf93000000ffff	; SEL_KDATA: flat data, writable
boot_gdt_end:
boot_gdt_desc:
	dw	boot_gdt_end - boot_gdt - 1
	dd	boot_gdt

section .data
boot_magic:	dd	0		; .data, not .bss: written before
boot_info:	dd	0		; .bss is cleared
boot_nx_hi:	dd	0		; PG_NX_HI if the CPU has NX

; Page tables and stacks: .bss, so writable and never executable.  Each
; stack has an unmapped guard page below it.  The #DF stack is IST1's
; (kernel/trap.c), so a double fault from a full boot stack has a stack
; of its own to be reported on.
section .bss nobits alloc noexec write align=4096
global boot_pml4, boot_pd, boot_pt
global boot_stack_guard, boot_stack, boot_stack_top
global df_stack_guard, df_stack, df_stack_top
boot_pml4:	resb	4096
boot_pdpt:	resb	4096
boot_pd:	resb	4 * 4096
boot_pt:	resb	4096
boot_stack_guard: resb	4096		; never mapped: overflow is a #PF
boot_stack:	resb	16384
boot_stack_top:
df_stack_guard:	resb	4096		; never mapped
df_stack:	resb	8192
df_stack_top:

; No executable stack (GNU ld warns about objects without this note).
section .note.GNU-stack noalloc noexec nowrite progbits

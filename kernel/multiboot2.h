/*
 * Multiboot2 as the kernel sees it after GRUB jumps to it.
 * Source: "Multiboot2 Specification version 2.0", sections 3.1 (header),
 * 3.3 (machine state) and 3.6 (boot information format); numbers also in
 * GNU GRUB include/multiboot2.h.
 *
 * The boot information is a u32 total size, a u32 reserved word, then
 * tags.  Every tag starts on an 8-byte boundary with a u32 type and a u32
 * size (header included, padding excluded); a tag of type 0 and size 8
 * ends the list.
 */
#ifndef _KERNEL_MULTIBOOT2_H_
#define _KERNEL_MULTIBOOT2_H_

#include <stdint.h>

#define MB2_HEADER_MAGIC	0xe85250d6	/* in our header (3.1.1) */
#define MB2_BOOTLOADER_MAGIC	0x36d76289	/* in EAX at entry (3.3) */
#define MB2_TAG_ALIGN		8		/* tags and the info itself */

/* Boot information tag types (3.6). */
#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1	/* NUL-terminated string */
#define MB2_TAG_LOADER_NAME	2	/* NUL-terminated string */
#define MB2_TAG_MODULE		3	/* start, end, NUL-terminated string */
#define MB2_TAG_BASIC_MEMINFO	4	/* KiB below 1 MiB, KiB above */
#define MB2_TAG_BOOTDEV		5
#define MB2_TAG_MMAP		6	/* entry size, version, entries */
#define MB2_TAG_VBE		7
#define MB2_TAG_FRAMEBUFFER	8
#define MB2_TAG_ELF_SECTIONS	9
#define MB2_TAG_APM		10
#define MB2_TAG_EFI32		11	/* EFI system table, 32-bit */
#define MB2_TAG_EFI64		12	/* EFI system table, 64-bit */
#define MB2_TAG_SMBIOS		13
#define MB2_TAG_ACPI_OLD	14	/* copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW	15	/* copy of the ACPI 2.0+ RSDP (XSDP) */
#define MB2_TAG_NETWORK		16
#define MB2_TAG_EFI_MMAP	17
#define MB2_TAG_EFI_BS		18	/* boot services not terminated */
#define MB2_TAG_EFI32_IH	19
#define MB2_TAG_EFI64_IH	20
#define MB2_TAG_LOAD_BASE_ADDR	21

struct mb2_info_header {
	uint32_t	total_size;
	uint32_t	reserved;
};

struct mb2_tag {
	uint32_t	type;
	uint32_t	size;
};

struct mb2_tag_string {		/* CMDLINE, LOADER_NAME */
	uint32_t	type;
	uint32_t	size;
	char		string[];
};

struct mb2_tag_module {
	uint32_t	type;
	uint32_t	size;
	uint32_t	mod_start;	/* physical, first byte */
	uint32_t	mod_end;	/* physical, one past the last byte */
	char		string[];	/* the module's command line */
};

struct mb2_tag_basic_meminfo {
	uint32_t	type;
	uint32_t	size;
	uint32_t	mem_lower;	/* KiB */
	uint32_t	mem_upper;	/* KiB */
};

struct mb2_tag_mmap {
	uint32_t	type;
	uint32_t	size;
	uint32_t	entry_size;	/* a multiple of 8, at least 24 */
	uint32_t	entry_version;	/* 0 */
	/* entries follow */
};

struct mb2_mmap_entry {
	uint64_t	base_addr;
	uint64_t	length;
	uint32_t	type;		/* MB2_MEMORY_* */
	uint32_t	reserved;
};

#define MB2_MEMORY_AVAILABLE		1
#define MB2_MEMORY_RESERVED		2
#define MB2_MEMORY_ACPI_RECLAIMABLE	3
#define MB2_MEMORY_NVS			4
#define MB2_MEMORY_BADRAM		5

struct mb2_tag_framebuffer {	/* the common part (3.6.12) */
	uint32_t	type;
	uint32_t	size;
	uint64_t	framebuffer_addr;
	uint32_t	framebuffer_pitch;
	uint32_t	framebuffer_width;
	uint32_t	framebuffer_height;
	uint8_t		framebuffer_bpp;
	uint8_t		framebuffer_type;	/* MB2_FB_TYPE_* */
	uint16_t	reserved;
} __attribute__((packed));

#define MB2_FB_TYPE_INDEXED	0
#define MB2_FB_TYPE_RGB		1
#define MB2_FB_TYPE_EGA_TEXT	2	/* width x height characters */

/*
 * Type RGB's color_info (3.6.12): each colour's field position (its
 * lowest bit) and mask size in bits.  It follows the common part at
 * offset 32, after GRUB's u16 reserved (GNU GRUB include/multiboot2.h,
 * struct multiboot_tag_framebuffer), whatever the spec's drawing says.
 */
struct mb2_fb_rgb {
	uint8_t		red_field_position;
	uint8_t		red_mask_size;
	uint8_t		green_field_position;
	uint8_t		green_mask_size;
	uint8_t		blue_field_position;
	uint8_t		blue_mask_size;
};

struct mb2_tag_efi32 {
	uint32_t	type;
	uint32_t	size;
	uint32_t	pointer;	/* EFI system table, physical */
} __attribute__((packed));

struct mb2_tag_efi64 {
	uint32_t	type;
	uint32_t	size;
	uint64_t	pointer;	/* EFI system table, physical */
} __attribute__((packed));

/* ACPI RSDP lengths: 20 bytes for revision 0, 36 for revision 2. */
#define ACPI_RSDP_V1_LEN	20
#define ACPI_RSDP_V2_LEN	36
#define ACPI_RSDP_SIG		"RSD PTR "

/* Header tags we put in boot/boot.asm (3.1.3 onwards). */
#define MB2_HTAG_END		0
#define MB2_HTAG_INFO_REQUEST	1
#define MB2_HTAG_FRAMEBUFFER	5	/* a preferred mode (3.1.10) */
#define MB2_HTAG_MODULE_ALIGN	6

#endif

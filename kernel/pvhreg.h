/*
 * The PVH start of day structure: what Xen, and QEMU's -kernel for an
 * ELF with a PVH note, pass in EBX when they enter the kernel at its
 * 32-bit PVH entry point.  Everything is little-endian.  Nothing is ever
 * loaded at physical address 0, so an address of 0 means "not present".
 * Source: Xen, xen/include/public/arch-x86/hvm/start_info.h (layout) and
 * docs/misc/pvh.pandoc (entry state); the note is in
 * xen/include/public/elfnote.h.  Xen keeps all of it below 4 GiB.
 */
#ifndef _KERNEL_PVHREG_H_
#define _KERNEL_PVHREG_H_

#include <stdint.h>

/* An ELF note, owner "Xen", of this type offers a PVH entry point. */
#define XEN_ELFNOTE_PHYS32_ENTRY	18	/* desc: 32-bit entry address */

/* "xEn3" with the 0x80 bit of the 'E' set. */
#define XEN_HVM_START_MAGIC_VALUE	0x336ec578

struct hvm_start_info {
	uint32_t	magic;		/* XEN_HVM_START_MAGIC_VALUE */
	uint32_t	version;	/* later versions only add fields */
	uint32_t	flags;		/* SIF_* of xen.h; none used here */
	uint32_t	nr_modules;
	uint64_t	modlist_paddr;	/* hvm_modlist_entry[nr_modules] */
	uint64_t	cmdline_paddr;	/* NUL-terminated ASCII */
	uint64_t	rsdp_paddr;	/* the ACPI RSDP */
	/* Version 1 and later only: version 0 ends here. */
	uint64_t	memmap_paddr;	/* hvm_memmap_table_entry[] */
	uint32_t	memmap_entries;	/* 0: no map given */
	uint32_t	reserved;	/* must be 0 */
};

#define HVM_START_INFO_V0_SIZE	40	/* offset of memmap_paddr */
#define HVM_START_INFO_V1_SIZE	56

struct hvm_modlist_entry {	/* 32 bytes */
	uint64_t	paddr;		/* first byte of the module */
	uint64_t	size;		/* bytes */
	uint64_t	cmdline_paddr;	/* the module's own command line */
	uint64_t	reserved;
};

struct hvm_memmap_table_entry {	/* 24 bytes, laid out like E820 */
	uint64_t	addr;
	uint64_t	size;		/* bytes */
	uint32_t	type;		/* XEN_HVM_MEMMAP_TYPE_* */
	uint32_t	reserved;	/* must be 0 */
};

/* Types 1 to 5 mean what the multiboot2 MB2_MEMORY_* of equal value do. */
#define XEN_HVM_MEMMAP_TYPE_RAM		1
#define XEN_HVM_MEMMAP_TYPE_RESERVED	2
#define XEN_HVM_MEMMAP_TYPE_ACPI	3
#define XEN_HVM_MEMMAP_TYPE_NVS		4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE	5
#define XEN_HVM_MEMMAP_TYPE_DISABLED	6
#define XEN_HVM_MEMMAP_TYPE_PMEM	7

#endif

/*
 * The one description of how we were booted that the rest of the kernel
 * reads.  Both boot paths end here: GRUB's multiboot2 information is
 * walked by mb2_parse(); a PVH start info (QEMU -kernel, Xen) is first
 * rewritten as multiboot2 tags by pvh_to_mb2() and then walked by the
 * same code.  Everything is copied into fixed arrays, so nothing later
 * points into memory the loader owns.
 */
#ifndef _KERNEL_BOOTINFO_H_
#define _KERNEL_BOOTINFO_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BI_CMDLINE_MAX		4096	/* bytes, NUL included (CMDLINE_MAX) */
#define BI_LOADER_MAX		64
#define BI_MODULES_MAX		16
#define BI_MODSTR_MAX		128	/* a module's own command line */
#define BI_MMAP_MAX		128
#define BI_MSG_MAX		160	/* an error or warning sentence */

/*
 * The largest boot information we accept.  GRUB's is a few KiB even with
 * an EFI memory map of hundreds of entries; a larger total_size is a
 * corrupt header, not a big machine.
 */
#define MB2_INFO_MAX		(1024 * 1024)

struct bi_module {
	uint64_t	mod_start;	/* physical, first byte */
	uint64_t	mod_end;	/* physical, one past the end */
	char		mod_string[BI_MODSTR_MAX];
};

struct bi_mmap {
	uint64_t	mm_base;
	uint64_t	mm_length;
	uint32_t	mm_type;	/* MB2_MEMORY_* */
};

struct bi_framebuffer {
	uint64_t	fb_addr;
	uint32_t	fb_pitch;	/* bytes per line */
	uint32_t	fb_width;	/* pixels, or characters for text */
	uint32_t	fb_height;
	uint8_t		fb_bpp;
	uint8_t		fb_type;	/* MB2_FB_TYPE_* */
	/*
	 * Type RGB: where each colour's field lies in a pixel, as bit
	 * position and width (a 32-bit BGRX pixel has red at 16, 8 bits).
	 * fb_has_rgb is false if the tag was too short to hold them.
	 */
	bool		fb_has_rgb;
	uint8_t		fb_red_pos, fb_red_size;
	uint8_t		fb_green_pos, fb_green_size;
	uint8_t		fb_blue_pos, fb_blue_size;
};

struct bootinfo {
	const char	*bi_path;	/* "multiboot2" or "pvh" */
	uint64_t	bi_info_pa;	/* the loader's info block, so the */
	uint32_t	bi_info_size;	/* page allocator never hands it out */
	uint32_t	bi_ntags;	/* tags walked, end tag included */

	bool		bi_has_cmdline;
	uint32_t	bi_cmdline_len;	/* as the loader gave it; if it is */
	char		bi_cmdline[BI_CMDLINE_MAX];	/* longer, cut here */
	char		bi_loader[BI_LOADER_MAX];	/* "" if not given */

	int		bi_nmodules;
	struct bi_module bi_modules[BI_MODULES_MAX];

	int		bi_nmmap;
	struct bi_mmap	bi_mmap[BI_MMAP_MAX];

	bool		bi_has_meminfo;
	uint32_t	bi_mem_lower;	/* KiB below 1 MiB */
	uint32_t	bi_mem_upper;	/* KiB above 1 MiB */

	int		bi_rsdp_len;	/* 0, ACPI_RSDP_V1_LEN or _V2_LEN */
	uint8_t		bi_rsdp[36];	/* a copy, as multiboot2 gives it */

	uint64_t	bi_efi_systab;	/* 0 if not booted from UEFI (the */
					/* 64-bit tag's, else the 32-bit) */

	bool		bi_has_fb;
	struct bi_framebuffer bi_fb;

	/* Set by the parsers; "" when there is nothing to say. */
	char		bi_error[BI_MSG_MAX];	/* why the info was rejected */
	char		bi_warning[BI_MSG_MAX];	/* kept, but something dropped */
};

/*
 * multiboot2.c: walk the boot information at 'info', of which 'avail'
 * bytes are known to be readable.  Returns 0, or EINVAL with bi_error
 * saying which tag at which offset broke which rule.  Overflowing our own
 * arrays (too many modules, a long module string) is not an error: the
 * rest is dropped and bi_warning says so.  A command line longer than
 * BI_CMDLINE_MAX - 1 is cut too, with its length in bi_cmdline_len:
 * the test cmdline_parsed refuses it, since every word matters there.
 */
int	mb2_parse(const void *info, size_t avail, struct bootinfo *bi);

/*
 * pvh.c: rewrite the PVH start info at 'si' as multiboot2 boot
 * information in buf (bufsize bytes), so mb2_parse() can read it.
 * Pointers inside the start info are physical addresses, used directly
 * (the kernel maps memory 1:1); each must be non-zero and end below
 * 'maxpa'.  Returns 0 and the length in *lenp, or EINVAL / ENOSPC with
 * a sentence in err.
 */
int	pvh_to_mb2(const void *si, uint64_t maxpa, void *buf, size_t bufsize,
	    size_t *lenp, char *err, size_t errlen);

/* bootinfo.c: pick the parser by the magic the entry code passed on. */
int	bootinfo_init(uint32_t magic, uint64_t info_pa, struct bootinfo *bi);

/*
 * The first module whose string, without its directories, is name
 * (GRUB's module2 line gives the path, mkiso.sh the file's base name),
 * or NULL.  profile=NAME and vmt.script=@NAME name modules this way.
 */
const struct bi_module *bootinfo_module(const struct bootinfo *bi,
	    const char *name);

/*
 * How we were booted, in the words of the command line's expect.boot=
 * (docs/cmdline.md): "pvh" for the PVH path, "uefi" for multiboot2 with
 * an EFI system table, "bios" for multiboot2 without one, "unknown"
 * for an entry with neither magic.
 */
const char *bootinfo_boot_kind(const struct bootinfo *bi);

extern struct bootinfo bootinfo;

#endif

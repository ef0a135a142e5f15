/*
 * Walk the multiboot2 boot information and copy what the kernel needs
 * into struct bootinfo.
 * Source: "Multiboot2 Specification version 2.0", section 3.6 (boot
 * information format); the layouts are in multiboot2.h.
 *
 * The block comes from the loader and is trusted no further than its own
 * total_size and the 'avail' bytes the caller knows are readable.  Each
 * read is checked against both before it is made, and every tag we use
 * is checked for its least size and for inner consistency, so a corrupt
 * block ends as one sentence in bi_error, never as a fault.  The unit
 * tests feed it truncated and random blocks to hold it to that.
 */

#include "kern.h"
#include "bootinfo.h"
#include "multiboot2.h"

/* The tag under the cursor, and what was counted on the way. */
struct mb2_walk {
	const uint8_t	*w_info;	/* the block, 8-byte aligned */
	uint32_t	 w_total;	/* its total_size, already checked */
	uint32_t	 w_off;		/* where the current tag starts */
	uint32_t	 w_type;
	uint32_t	 w_size;	/* header included, padding excluded */
	uint32_t	 w_seen;	/* bit n: a tag of type n was parsed */
	int		 w_nmodules;	/* module tags seen, kept or not */
	int		 w_nmmap;	/* memory map entries seen */
	struct bootinfo	*w_bi;
};

struct mb2_tagtype {
	const char	*tt_name;
	int		(*tt_parse)(struct mb2_walk *);	/* NULL: skipped */
	uint32_t	 tt_minsize;	/* the least size, header included */
	bool		 tt_once;	/* a second one is an error */
};

static int	mb2_cmdline(struct mb2_walk *);
static int	mb2_loader_name(struct mb2_walk *);
static int	mb2_module(struct mb2_walk *);
static int	mb2_meminfo(struct mb2_walk *);
static int	mb2_mmap(struct mb2_walk *);
static int	mb2_framebuffer(struct mb2_walk *);
static int	mb2_efi32(struct mb2_walk *);
static int	mb2_efi64(struct mb2_walk *);
static int	mb2_acpi(struct mb2_walk *);

/*
 * Indexed by tag type (3.6): the name for messages, the parser, the
 * least size (header included) and whether there may be only one.
 * Types we do not read are only named: a short one harms nobody, so
 * their sizes are not checked.  The spec draws the framebuffer's
 * reserved field as a u8 and GRUB as a u16; we read neither, so the
 * least size stops before it.
 */
static const struct mb2_tagtype mb2_tagtypes[] = {
	[MB2_TAG_END]		= { "end", NULL, 8, false },
	[MB2_TAG_CMDLINE]	= { "cmdline", mb2_cmdline, 8 + 1, true },
	[MB2_TAG_LOADER_NAME]	= { "loader name", mb2_loader_name, 8 + 1,
				    true },
	[MB2_TAG_MODULE]	= { "module", mb2_module, 16 + 1, false },
	[MB2_TAG_BASIC_MEMINFO]	= { "basic meminfo", mb2_meminfo,
				    sizeof(struct mb2_tag_basic_meminfo),
				    false },
	[MB2_TAG_BOOTDEV]	= { "bootdev", NULL, 0, false },
	[MB2_TAG_MMAP]		= { "mmap", mb2_mmap,
				    sizeof(struct mb2_tag_mmap), false },
	[MB2_TAG_VBE]		= { "vbe", NULL, 0, false },
	[MB2_TAG_FRAMEBUFFER]	= { "framebuffer", mb2_framebuffer,
				    offsetof(struct mb2_tag_framebuffer,
				    reserved), false },
	[MB2_TAG_ELF_SECTIONS]	= { "elf sections", NULL, 0, false },
	[MB2_TAG_APM]		= { "apm", NULL, 0, false },
	[MB2_TAG_EFI32]		= { "efi32", mb2_efi32,
				    sizeof(struct mb2_tag_efi32), false },
	[MB2_TAG_EFI64]		= { "efi64", mb2_efi64,
				    sizeof(struct mb2_tag_efi64), false },
	[MB2_TAG_SMBIOS]	= { "smbios", NULL, 0, false },
	[MB2_TAG_ACPI_OLD]	= { "acpi old", mb2_acpi,
				    8 + ACPI_RSDP_V1_LEN, false },
	[MB2_TAG_ACPI_NEW]	= { "acpi new", mb2_acpi,
				    8 + ACPI_RSDP_V2_LEN, false },
	[MB2_TAG_NETWORK]	= { "network", NULL, 0, false },
	[MB2_TAG_EFI_MMAP]	= { "efi mmap", NULL, 0, false },
	[MB2_TAG_EFI_BS]	= { "efi bs", NULL, 0, false },
	[MB2_TAG_EFI32_IH]	= { "efi32 ih", NULL, 0, false },
	[MB2_TAG_EFI64_IH]	= { "efi64 ih", NULL, 0, false },
	[MB2_TAG_LOAD_BASE_ADDR] = { "load base addr", NULL, 0, false },
};

static const struct mb2_tagtype *
mb2_tagtype(uint32_t type)
{
	if (type >= nitems(mb2_tagtypes))
		return NULL;
	return &mb2_tagtypes[type];
}

static const void *
mb2_tag_ptr(const struct mb2_walk *w)
{
	return w->w_info + w->w_off;
}

static int	mb2_error(struct bootinfo *, const char *, ...)
		    __printflike(2, 3);
static int	mb2_tag_error(struct mb2_walk *, const char *, ...)
		    __printflike(2, 3);
static void	mb2_warn(struct bootinfo *, const char *, ...)
		    __printflike(2, 3);

/* Reject the block: the sentence goes to bi_error. */
static int
mb2_error(struct bootinfo *bi, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(bi->bi_error, sizeof(bi->bi_error), fmt, ap);
	va_end(ap);
	return EINVAL;
}

/* Reject the block because of the current tag, which the sentence names. */
static int
mb2_tag_error(struct mb2_walk *w, const char *fmt, ...)
{
	struct bootinfo *bi = w->w_bi;
	const struct mb2_tagtype *tt = mb2_tagtype(w->w_type);
	va_list ap;
	int n;

	n = snprintf(bi->bi_error, sizeof(bi->bi_error),
	    "multiboot2: tag %u (%s) at offset 0x%x ", w->w_type,
	    tt != NULL ? tt->tt_name : "unknown", w->w_off);
	if (n < 0 || (size_t)n >= sizeof(bi->bi_error))
		return EINVAL;
	va_start(ap, fmt);
	vsnprintf(bi->bi_error + n, sizeof(bi->bi_error) - n, fmt, ap);
	va_end(ap);
	return EINVAL;
}

/*
 * Keep the block but say what was dropped.  There is room for one
 * sentence: the first is kept, since it is the one to fix first.
 */
static void
mb2_warn(struct bootinfo *bi, const char *fmt, ...)
{
	va_list ap;

	if (bi->bi_warning[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(bi->bi_warning, sizeof(bi->bi_warning), fmt, ap);
	va_end(ap);
}

/* Copy len bytes and a NUL, cutting to fit; false if it was cut. */
static bool
mb2_copy(char *dst, size_t dstsize, const char *src, size_t len)
{
	bool whole = len < dstsize;

	if (!whole)
		len = dstsize - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return whole;
}

/*
 * The string that starts 'skip' bytes into the current tag must end
 * with a NUL inside the tag: the spec calls each one "zero-terminated"
 * (3.6.5 command line, 3.6.6 modules, 3.6.9 loader name).  The caller
 * checked that the tag is longer than 'skip'.
 */
static int
mb2_tag_string(struct mb2_walk *w, uint32_t skip, const char **sp,
    size_t *lenp)
{
	size_t max = w->w_size - skip;

	*sp = (const char *)mb2_tag_ptr(w) + skip;
	*lenp = strnlen(*sp, max);
	if (*lenp == max)
		return mb2_tag_error(w, "has size 0x%x but its string has "
		    "no NUL before the end of the tag", w->w_size);
	return 0;
}

/* LOADER_NAME: one string, kept whole or cut to fit. */
static int
mb2_string_copy(struct mb2_walk *w, char *dst, size_t dstsize,
    const char *what)
{
	const char *s;
	size_t len;
	int error;

	if ((error = mb2_tag_string(w, sizeof(struct mb2_tag), &s,
	    &len)) != 0)
		return error;
	if (!mb2_copy(dst, dstsize, s, len))
		mb2_warn(w->w_bi, "multiboot2: %s of %zu bytes cut to %zu",
		    what, len, dstsize - 1);
	return 0;
}

/*
 * CMDLINE: cut to fit like the others, but the length the loader gave
 * is kept, for cmdline_parsed refuses a line it could not read whole.
 * The tag lies inside total_size (<= MB2_INFO_MAX), so it fits 32 bits.
 */
static int
mb2_cmdline(struct mb2_walk *w)
{
	struct bootinfo *bi = w->w_bi;
	const char *s;
	size_t len;
	int error;

	if ((error = mb2_tag_string(w, sizeof(struct mb2_tag), &s,
	    &len)) != 0)
		return error;
	bi->bi_has_cmdline = true;
	bi->bi_cmdline_len = (uint32_t)len;
	(void)mb2_copy(bi->bi_cmdline, sizeof(bi->bi_cmdline), s, len);
	return 0;
}

static int
mb2_loader_name(struct mb2_walk *w)
{
	struct bootinfo *bi = w->w_bi;

	return mb2_string_copy(w, bi->bi_loader, sizeof(bi->bi_loader),
	    "loader name");
}

/*
 * 3.6.6: the module's start and end; GRUB makes mod_end one past the
 * last byte (start + size), so an empty module has start == end.
 */
static int
mb2_module(struct mb2_walk *w)
{
	const struct mb2_tag_module *mt = mb2_tag_ptr(w);
	struct bootinfo *bi = w->w_bi;
	struct bi_module *m;
	const char *s;
	size_t len;
	int error;

	if (mt->mod_start > mt->mod_end)
		return mb2_tag_error(w, "has mod_start 0x%x after mod_end 0x%x",
		    mt->mod_start, mt->mod_end);
	if ((error = mb2_tag_string(w, offsetof(struct mb2_tag_module,
	    string), &s, &len)) != 0)
		return error;
	if (w->w_nmodules++ >= BI_MODULES_MAX)
		return 0;	/* counted; mb2_parse() warns */
	m = &bi->bi_modules[bi->bi_nmodules++];
	m->mod_start = mt->mod_start;
	m->mod_end = mt->mod_end;
	if (!mb2_copy(m->mod_string, sizeof(m->mod_string), s, len))
		mb2_warn(bi, "multiboot2: module %d's string of %zu bytes cut "
		    "to %zu", bi->bi_nmodules - 1, len,
		    sizeof(m->mod_string) - 1);
	return 0;
}

static int
mb2_meminfo(struct mb2_walk *w)
{
	const struct mb2_tag_basic_meminfo *mt = mb2_tag_ptr(w);
	struct bootinfo *bi = w->w_bi;

	bi->bi_has_meminfo = true;
	bi->bi_mem_lower = mt->mem_lower;
	bi->bi_mem_upper = mt->mem_upper;
	return 0;
}

/*
 * 3.6.8: the entries follow the 16-byte header, entry_size bytes apart.
 * entry_size is "guaranteed to be a multiple of 8" and a later version
 * may grow it, so we step by it and read only the fields we know.  The
 * size must hold a whole number of entries: GRUB writes exactly that.
 */
static int
mb2_mmap(struct mb2_walk *w)
{
	const struct mb2_tag_mmap *mt = mb2_tag_ptr(w);
	const struct mb2_mmap_entry *e;
	struct bootinfo *bi = w->w_bi;
	uint32_t esize = mt->entry_size, room = w->w_size - sizeof(*mt);
	const uint8_t *p = (const uint8_t *)(mt + 1);

	if (esize < sizeof(*e) || esize % MB2_TAG_ALIGN != 0)
		return mb2_tag_error(w, "has entry_size 0x%x, not a multiple "
		    "of 8 of at least 0x%zx", esize, sizeof(*e));
	if (room % esize != 0)
		return mb2_tag_error(w, "has size 0x%x, not 16 plus whole "
		    "entries of 0x%x bytes", w->w_size, esize);
	for (; room > 0; p += esize, room -= esize) {
		if (w->w_nmmap++ >= BI_MMAP_MAX)
			continue;	/* counted; mb2_parse() warns */
		e = (const struct mb2_mmap_entry *)p;
		bi->bi_mmap[bi->bi_nmmap].mm_base = e->base_addr;
		bi->bi_mmap[bi->bi_nmmap].mm_length = e->length;
		bi->bi_mmap[bi->bi_nmmap].mm_type = e->type;
		bi->bi_nmmap++;
	}
	return 0;
}

/*
 * 3.6.12: the common part, and for an RGB framebuffer where each
 * colour lies in a pixel.  A tag too short for those is kept without
 * them (fb_has_rgb false): the console then says why it does not draw,
 * and the rest of the boot information stands.  Whether the values
 * make sense is the console's question (fbcons_check()).
 */
static int
mb2_framebuffer(struct mb2_walk *w)
{
	const struct mb2_tag_framebuffer *ft = mb2_tag_ptr(w);
	const struct mb2_fb_rgb *rgb = (const struct mb2_fb_rgb *)(ft + 1);
	struct bi_framebuffer *fb = &w->w_bi->bi_fb;

	w->w_bi->bi_has_fb = true;
	memset(fb, 0, sizeof(*fb));
	fb->fb_addr = ft->framebuffer_addr;
	fb->fb_pitch = ft->framebuffer_pitch;
	fb->fb_width = ft->framebuffer_width;
	fb->fb_height = ft->framebuffer_height;
	fb->fb_bpp = ft->framebuffer_bpp;
	fb->fb_type = ft->framebuffer_type;
	if (fb->fb_type != MB2_FB_TYPE_RGB ||
	    w->w_size < sizeof(*ft) + sizeof(*rgb))
		return 0;
	fb->fb_has_rgb = true;
	fb->fb_red_pos = rgb->red_field_position;
	fb->fb_red_size = rgb->red_mask_size;
	fb->fb_green_pos = rgb->green_field_position;
	fb->fb_green_size = rgb->green_mask_size;
	fb->fb_blue_pos = rgb->blue_field_position;
	fb->fb_blue_size = rgb->blue_mask_size;
	return 0;
}

/*
 * The EFI system table, which GRUB passes when UEFI started it: the
 * 64-bit tag from 64-bit firmware, the 32-bit one from 32-bit firmware
 * (multiboot2 specification, "EFI 32-bit system table pointer" and
 * "EFI 64-bit system table pointer").  Either means a UEFI boot.
 */
static int
mb2_efi32(struct mb2_walk *w)
{
	const struct mb2_tag_efi32 *et = mb2_tag_ptr(w);

	if (w->w_bi->bi_efi_systab == 0)
		w->w_bi->bi_efi_systab = et->pointer;
	return 0;
}

static int
mb2_efi64(struct mb2_walk *w)
{
	const struct mb2_tag_efi64 *et = mb2_tag_ptr(w);

	w->w_bi->bi_efi_systab = et->pointer;
	return 0;
}

/*
 * 3.6.16 and 3.6.17: a copy of the RSDP, which starts with its 8-byte
 * signature.  GRUB may give both; the ACPI 2.0 copy wins whichever
 * comes first, since it also carries the XSDT address.
 */
static int
mb2_acpi(struct mb2_walk *w)
{
	const uint8_t *rsdp = (const uint8_t *)mb2_tag_ptr(w) +
	    sizeof(struct mb2_tag);
	struct bootinfo *bi = w->w_bi;
	int len;

	if (memcmp(rsdp, ACPI_RSDP_SIG, 8) != 0)
		return mb2_tag_error(w, "does not start with the RSDP "
		    "signature \"%s\"", ACPI_RSDP_SIG);
	len = w->w_type == MB2_TAG_ACPI_NEW ? ACPI_RSDP_V2_LEN :
	    ACPI_RSDP_V1_LEN;
	if (len < bi->bi_rsdp_len)
		return 0;
	memcpy(bi->bi_rsdp, rsdp, len);
	bi->bi_rsdp_len = len;
	return 0;
}

/*
 * The fixed part (3.6.1): the block must be 8-byte aligned and hold at
 * least its header and an end tag, inside what the caller can read.
 */
static int
mb2_check_header(const void *info, size_t avail, struct bootinfo *bi)
{
	const struct mb2_info_header *hdr = info;
	uint32_t total;

	if (info == NULL)
		return mb2_error(bi, "multiboot2: no boot information (NULL)");
	if ((uintptr_t)info % MB2_TAG_ALIGN != 0)
		return mb2_error(bi, "multiboot2: boot information at %p is "
		    "not 8-byte aligned", info);
	if (avail < 16)
		return mb2_error(bi, "multiboot2: only %zu bytes readable, "
		    "less than a header and an end tag (16)", avail);
	total = hdr->total_size;
	bi->bi_info_pa = (uintptr_t)info;	/* memory is mapped 1:1 */
	bi->bi_info_size = total;
	if (total < 16)
		return mb2_error(bi, "multiboot2: total_size 0x%x is less "
		    "than a header and an end tag (0x10)", total);
	if (total > MB2_INFO_MAX)
		return mb2_error(bi, "multiboot2: total_size 0x%x is more "
		    "than the 0x%x we accept", total, MB2_INFO_MAX);
	if (total > avail)
		return mb2_error(bi, "multiboot2: total_size 0x%x is past the "
		    "0x%zx bytes readable", total, avail);
	return 0;
}

/*
 * Read the header of the tag at w_off and check that the whole tag lies
 * inside total_size.  w_off is a multiple of 8 and at most total_size
 * + 7 (<= 1 MiB + 7), so none of the sums below can wrap.
 */
static int
mb2_read_tag(struct mb2_walk *w)
{
	const struct mb2_tag *tag;

	if (w->w_off > w->w_total || w->w_total - w->w_off < sizeof(*tag))
		return mb2_error(w->w_bi, "multiboot2: the tags stop at "
		    "offset 0x%x with no end tag (type 0) inside total_size "
		    "0x%x", w->w_off, w->w_total);
	tag = mb2_tag_ptr(w);
	w->w_type = tag->type;
	w->w_size = tag->size;
	if (w->w_size < sizeof(*tag))
		return mb2_tag_error(w, "has size 0x%x, less than its own "
		    "8-byte header", w->w_size);
	if (w->w_size > w->w_total - w->w_off)
		return mb2_tag_error(w, "has size 0x%x, past the end of the "
		    "info (total_size 0x%x)", w->w_size, w->w_total);
	if (w->w_type == MB2_TAG_END && w->w_size != sizeof(*tag))
		return mb2_tag_error(w, "has size 0x%x; an end tag has size "
		    "8", w->w_size);
	return 0;
}

/* Check the current tag against its type's rules, then copy it. */
static int
mb2_parse_tag(struct mb2_walk *w)
{
	const struct mb2_tagtype *tt = mb2_tagtype(w->w_type);

	if (tt == NULL || tt->tt_parse == NULL)
		return 0;	/* unknown or unused: counted, skipped */
	if (w->w_size < tt->tt_minsize)
		return mb2_tag_error(w, "has size 0x%x, less than the 0x%x "
		    "this type needs", w->w_size, tt->tt_minsize);
	if (tt->tt_once && (w->w_seen & (1u << w->w_type)) != 0)
		return mb2_tag_error(w, "is a duplicate: there may be only "
		    "one");
	w->w_seen |= 1u << w->w_type;
	return tt->tt_parse(w);
}

int
mb2_parse(const void *info, size_t avail, struct bootinfo *bi)
{
	struct mb2_walk w;
	int error;

	memset(bi, 0, sizeof(*bi));
	bi->bi_path = "multiboot2";
	if ((error = mb2_check_header(info, avail, bi)) != 0)
		return error;
	memset(&w, 0, sizeof(w));
	w.w_info = info;
	w.w_total = bi->bi_info_size;
	w.w_bi = bi;
	for (w.w_off = sizeof(struct mb2_info_header);;
	    w.w_off += roundup(w.w_size, MB2_TAG_ALIGN)) {
		if ((error = mb2_read_tag(&w)) != 0)
			return error;
		bi->bi_ntags++;
		if (w.w_type == MB2_TAG_END)
			break;
		if ((error = mb2_parse_tag(&w)) != 0)
			return error;
	}
	if (w.w_nmodules > BI_MODULES_MAX)
		mb2_warn(bi, "multiboot2: %d modules given, only the first %d "
		    "kept", w.w_nmodules, BI_MODULES_MAX);
	if (w.w_nmmap > BI_MMAP_MAX)
		mb2_warn(bi, "multiboot2: %d memory map entries given, only "
		    "the first %d kept", w.w_nmmap, BI_MMAP_MAX);
	return 0;
}

/*
 * The PVH boot path.  Xen, and QEMU's -kernel, enter at the address in
 * our PVH ELF note with EBX pointing at a struct hvm_start_info.  Rather
 * than teach the kernel two boot formats, pvh_to_mb2() rewrites the start
 * info as multiboot2 boot information, which mb2_parse() then walks like
 * GRUB's.
 * Source: Xen, xen/include/public/arch-x86/hvm/start_info.h and
 * docs/misc/pvh.pandoc (layout in pvhreg.h); the output follows the
 * "Multiboot2 Specification version 2.0", section 3.6.
 *
 * The start info is checked before anything it points to is read:
 * every address used must be non-zero and its whole range must end at
 * or below 'maxpa', counts are bounded, and strings must end within a
 * bounded scan.  The output is counted even when it no longer fits, so
 * ENOSPC can say how much room was needed.
 */

#include "kern.h"
#include "bootinfo.h"
#include "multiboot2.h"
#include "pvhreg.h"

_Static_assert(sizeof(struct hvm_start_info) == HVM_START_INFO_V1_SIZE,
    "hvm_start_info layout");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist entry");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry");

#define PVH_MODULES_MAX		64	/* more is a corrupt nr_modules */
#define PVH_MEMMAP_MAX		1024	/* E820 maps hold tens of entries */

/*
 * How far a string is read looking for its NUL.  Four times what the
 * kernel keeps of a command line (BI_CMDLINE_MAX), so that an overlong
 * line still arrives whole and cmdline_parsed can say how long it was;
 * text without a NUL in this many bytes is not a command line.
 */
#define PVH_STRING_MAX		(BI_CMDLINE_MAX * 4)	/* NUL included */

/*
 * QEMU's PVH option ROM (QEMU 7.2, pc-bios/optionrom/pvh_main.c) keeps
 * the start info and a 4096-byte command-line buffer in its own data,
 * which is linked at address 0 (pvh.S, flat.lds), and copies as many
 * bytes as fw_cfg's FW_CFG_CMDLINE_SIZE says: strlen + 1 of -append,
 * set by x86_load_linux() in hw/i386/x86.c with no upper bound.  A
 * longer line runs over whatever follows the buffer.  Under QEMU 7.2
 * the start info lies 4128 bytes after the buffer's start (measured:
 * the line at 0x11c0, the start info at 0x21e0), so a line of 4096 to
 * 4127 bytes arrives whole but too long, and one of 4128 or more
 * leaves text where the start info's magic belongs.  When the magic is
 * wrong, pvh_overrun() looks for that: text in the PVH_TEXT_BEFORE
 * bytes before the start info, and text (or its NUL) at its start.
 */
#define PVH_TEXT_BEFORE		16

/* ACPI 6.5, 5.2.5.3: the RSDP's revision byte; 2 and up have 36 bytes. */
#define ACPI_RSDP_REVISION	15

struct pvh_conv {
	uint64_t	 pc_maxpa;	/* every range must end at or below */
	uint8_t		*pc_buf;	/* the multiboot2 output */
	size_t		 pc_size;
	size_t		 pc_len;	/* bytes produced, kept or not */
	size_t		 pc_tag;	/* where the open tag starts */
	char		*pc_err;
	size_t		 pc_errlen;
};

static int	pvh_error(struct pvh_conv *, int, const char *, ...)
		    __printflike(3, 4);

static int
pvh_error(struct pvh_conv *c, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->pc_err, c->pc_errlen, fmt, ap);
	va_end(ap);
	return error;
}

/* The kernel maps memory 1:1, so a physical address is a pointer. */
static const void *
pvh_ptr(uint64_t pa)
{
	return (const void *)(uintptr_t)pa;
}

/* Append bytes to the output, or only count them once it is full. */
static void
pvh_put(struct pvh_conv *c, const void *p, size_t n)
{
	if (n > 0 && c->pc_len <= c->pc_size && n <= c->pc_size - c->pc_len)
		memcpy(c->pc_buf + c->pc_len, p, n);
	c->pc_len += n;
}

static void
pvh_put32(struct pvh_conv *c, uint32_t v)
{
	pvh_put(c, &v, sizeof(v));	/* x86 is little-endian, as is mb2 */
}

static void
pvh_put64(struct pvh_conv *c, uint64_t v)
{
	pvh_put(c, &v, sizeof(v));
}

/* Tags start on 8-byte boundaries; the padding is zero. */
static void
pvh_align(struct pvh_conv *c)
{
	static const uint8_t zero[MB2_TAG_ALIGN];

	pvh_put(c, zero, roundup(c->pc_len, MB2_TAG_ALIGN) - c->pc_len);
}

static void
pvh_tag_begin(struct pvh_conv *c, uint32_t type)
{
	pvh_align(c);
	c->pc_tag = c->pc_len;
	pvh_put32(c, type);
	pvh_put32(c, 0);	/* the size, once known */
}

/*
 * A tag's size counts its header but not the padding after it, which
 * the next pvh_tag_begin() adds.
 */
static void
pvh_tag_end(struct pvh_conv *c)
{
	uint32_t size = (uint32_t)(c->pc_len - c->pc_tag);

	if (c->pc_len <= c->pc_size)
		memcpy(c->pc_buf + c->pc_tag + 4, &size, sizeof(size));
}

/* CMDLINE, LOADER_NAME: the string and its NUL. */
static void
pvh_tag_string(struct pvh_conv *c, uint32_t type, const char *s, size_t len)
{
	pvh_tag_begin(c, type);
	pvh_put(c, s, len);
	pvh_put(c, "", 1);
	pvh_tag_end(c);
}

/* The range [pa, pa + len) must start above 0 and end at or below maxpa. */
static int
pvh_check_range(struct pvh_conv *c, const char *what, uint64_t pa,
    uint64_t len)
{
	if (pa == 0)
		return pvh_error(c, EINVAL, "pvh: %s has address 0", what);
	if (len > c->pc_maxpa || pa > c->pc_maxpa - len)
		return pvh_error(c, EINVAL, "pvh: %s at 0x%llx, 0x%llx bytes, "
		    "ends past 0x%llx", what, (unsigned long long)pa,
		    (unsigned long long)len, (unsigned long long)c->pc_maxpa);
	return 0;
}

/* A NUL-terminated string of at most PVH_STRING_MAX bytes, NUL included. */
static int
pvh_string(struct pvh_conv *c, const char *what, uint64_t pa,
    const char **sp, size_t *lenp)
{
	uint64_t max = PVH_STRING_MAX;
	int error;

	if ((error = pvh_check_range(c, what, pa, 1)) != 0)
		return error;
	if (c->pc_maxpa - pa < max)
		max = c->pc_maxpa - pa;		/* never read past maxpa */
	*sp = pvh_ptr(pa);
	*lenp = strnlen(*sp, max);
	if (*lenp == max)
		return pvh_error(c, EINVAL, "pvh: %s at 0x%llx has no NUL in "
		    "its first %llu bytes", what, (unsigned long long)pa,
		    (unsigned long long)max);
	return 0;
}

/* Every byte printable ASCII, as in a command line. */
static bool
pvh_is_text(const uint8_t *p, size_t n)
{
	for (; n > 0; n--, p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

/*
 * Does it look as though a command line ran over the start info at si?
 * The caller has checked [si, si + 40) against maxpa; the bytes before
 * si are read only if si lies above them (memory is mapped from 1).
 */
static bool
pvh_overrun(const void *si)
{
	const uint8_t *p = si;

	if ((uintptr_t)si <= PVH_TEXT_BEFORE)
		return false;
	return pvh_is_text(p - PVH_TEXT_BEFORE, PVH_TEXT_BEFORE) &&
	    (p[0] == '\0' || pvh_is_text(p, 1));
}

/*
 * Copy the start info, reading the version 1 fields only if the version
 * says they are there; in the copy they are then zero for version 0.
 */
static int
pvh_read_start_info(struct pvh_conv *c, const void *si,
    struct hvm_start_info *hsi)
{
	int error;

	memset(hsi, 0, sizeof(*hsi));
	if ((error = pvh_check_range(c, "start info", (uintptr_t)si,
	    HVM_START_INFO_V0_SIZE)) != 0)
		return error;
	memcpy(hsi, si, HVM_START_INFO_V0_SIZE);
	if (hsi->magic != XEN_HVM_START_MAGIC_VALUE && pvh_overrun(si))
		return pvh_error(c, EINVAL, "pvh: the start info holds text "
		    "(magic 0x%x): a command line longer than the loader's "
		    "buffer overwrote it", hsi->magic);
	if (hsi->magic != XEN_HVM_START_MAGIC_VALUE)
		return pvh_error(c, EINVAL, "pvh: start info magic is 0x%x, "
		    "not 0x%x", hsi->magic, XEN_HVM_START_MAGIC_VALUE);
	if (hsi->version == 0)
		return 0;
	if ((error = pvh_check_range(c, "start info", (uintptr_t)si,
	    HVM_START_INFO_V1_SIZE)) != 0)
		return error;
	memcpy(hsi, si, HVM_START_INFO_V1_SIZE);
	return 0;
}

/*
 * Always a CMDLINE tag, empty if there is no command line.  The whole
 * string goes in, however long: mb2_parse() keeps what fits and its
 * length, and cmdline_parsed refuses a line that was too long.
 */
static int
pvh_cmdline(struct pvh_conv *c, const struct hvm_start_info *hsi)
{
	const char *s = "";
	size_t len = 0;
	int error;

	if (hsi->cmdline_paddr != 0 && (error = pvh_string(c, "command line",
	    hsi->cmdline_paddr, &s, &len)) != 0)
		return error;
	pvh_tag_string(c, MB2_TAG_CMDLINE, s, len);
	return 0;
}

/* One MODULE tag; multiboot2 holds the addresses in 32 bits (3.6.6). */
static int
pvh_module(struct pvh_conv *c, uint32_t i, const struct hvm_modlist_entry *me)
{
	const char *s = "";
	size_t len = 0;
	char what[40];
	int error;

	snprintf(what, sizeof(what), "module %u", i);
	if ((error = pvh_check_range(c, what, me->paddr, me->size)) != 0)
		return error;
	if (me->paddr + me->size > UINT32_MAX)
		return pvh_error(c, EINVAL, "pvh: module %u at 0x%llx, 0x%llx "
		    "bytes, ends above 4 GiB, past multiboot2's 32-bit "
		    "mod_end", i, (unsigned long long)me->paddr,
		    (unsigned long long)me->size);
	snprintf(what, sizeof(what), "module %u's command line", i);
	if (me->cmdline_paddr != 0 && (error = pvh_string(c, what,
	    me->cmdline_paddr, &s, &len)) != 0)
		return error;
	pvh_tag_begin(c, MB2_TAG_MODULE);
	pvh_put32(c, (uint32_t)me->paddr);
	pvh_put32(c, (uint32_t)(me->paddr + me->size));
	pvh_put(c, s, len);
	pvh_put(c, "", 1);
	pvh_tag_end(c);
	return 0;
}

static int
pvh_modules(struct pvh_conv *c, const struct hvm_start_info *hsi)
{
	struct hvm_modlist_entry me;
	const uint8_t *list;
	uint32_t i;
	int error;

	if (hsi->nr_modules == 0)
		return 0;
	if (hsi->nr_modules > PVH_MODULES_MAX)
		return pvh_error(c, EINVAL, "pvh: nr_modules is %u, more than "
		    "the %d we accept", hsi->nr_modules, PVH_MODULES_MAX);
	if ((error = pvh_check_range(c, "module list", hsi->modlist_paddr,
	    (uint64_t)hsi->nr_modules * sizeof(me))) != 0)
		return error;
	list = pvh_ptr(hsi->modlist_paddr);
	for (i = 0; i < hsi->nr_modules; i++) {
		memcpy(&me, list + i * sizeof(me), sizeof(me));
		if ((error = pvh_module(c, i, &me)) != 0)
			return error;
	}
	return 0;
}

/*
 * The PVH map is an E820 map and so is multiboot2's (3.6.8): entries go
 * across unchanged.  PVH types 6 and 7 have no multiboot2 name; they
 * stay as they are, and like every type but 1 they are not RAM to use.
 */
static int
pvh_memmap(struct pvh_conv *c, const struct hvm_start_info *hsi)
{
	struct hvm_memmap_table_entry e;
	const uint8_t *map;
	uint32_t i, n = hsi->memmap_entries;
	int error;

	if (hsi->version < 1 || n == 0)
		return 0;
	if (n > PVH_MEMMAP_MAX)
		return pvh_error(c, EINVAL, "pvh: memmap_entries is %u, more "
		    "than the %d we accept", n, PVH_MEMMAP_MAX);
	if ((error = pvh_check_range(c, "memory map", hsi->memmap_paddr,
	    (uint64_t)n * sizeof(e))) != 0)
		return error;
	map = pvh_ptr(hsi->memmap_paddr);
	pvh_tag_begin(c, MB2_TAG_MMAP);
	pvh_put32(c, sizeof(struct mb2_mmap_entry));	/* entry_size */
	pvh_put32(c, 0);				/* entry_version */
	for (i = 0; i < n; i++) {
		memcpy(&e, map + i * sizeof(e), sizeof(e));
		pvh_put64(c, e.addr);
		pvh_put64(c, e.size);
		pvh_put32(c, e.type);
		pvh_put32(c, 0);
	}
	pvh_tag_end(c);
	return 0;
}

/*
 * A copy of the RSDP as ACPI_NEW (revision 2 and up, 36 bytes) or
 * ACPI_OLD (20 bytes).  Something without the signature is not an RSDP:
 * it is left out, and the kernel goes on without ACPI.
 */
static int
pvh_rsdp(struct pvh_conv *c, const struct hvm_start_info *hsi)
{
	const uint8_t *rsdp = pvh_ptr(hsi->rsdp_paddr);
	size_t len = ACPI_RSDP_V1_LEN;
	int error;

	if (hsi->rsdp_paddr == 0)
		return 0;
	if ((error = pvh_check_range(c, "RSDP", hsi->rsdp_paddr, len)) != 0)
		return error;
	if (memcmp(rsdp, ACPI_RSDP_SIG, 8) != 0)
		return 0;
	if (rsdp[ACPI_RSDP_REVISION] >= 2) {
		len = ACPI_RSDP_V2_LEN;
		if ((error = pvh_check_range(c, "RSDP", hsi->rsdp_paddr,
		    len)) != 0)
			return error;
	}
	pvh_tag_begin(c, len == ACPI_RSDP_V2_LEN ? MB2_TAG_ACPI_NEW :
	    MB2_TAG_ACPI_OLD);
	pvh_put(c, rsdp, len);
	pvh_tag_end(c);
	return 0;
}

/*
 * The end tag, 8 bytes at an 8-byte boundary, so the total is a multiple
 * of 8 too; then total_size into the header, if it all fitted.
 */
static int
pvh_finish(struct pvh_conv *c, size_t *lenp)
{
	uint32_t total;

	pvh_tag_begin(c, MB2_TAG_END);
	pvh_tag_end(c);
	if (c->pc_len > c->pc_size)
		return pvh_error(c, ENOSPC, "pvh: the boot information needs "
		    "%zu bytes, the buffer has %zu", c->pc_len, c->pc_size);
	total = (uint32_t)c->pc_len;
	memcpy(c->pc_buf, &total, sizeof(total));
	*lenp = c->pc_len;
	return 0;
}

int
pvh_to_mb2(const void *si, uint64_t maxpa, void *buf, size_t bufsize,
    size_t *lenp, char *err, size_t errlen)
{
	struct pvh_conv c = { maxpa, buf, bufsize, 0, 0, err, errlen };
	struct hvm_start_info hsi;
	int error;

	*lenp = 0;
	if (errlen > 0)
		err[0] = '\0';
	if ((error = pvh_read_start_info(&c, si, &hsi)) != 0)
		return error;
	if ((uintptr_t)buf % MB2_TAG_ALIGN != 0)
		return pvh_error(&c, EINVAL, "pvh: output buffer at %p is not "
		    "8-byte aligned", buf);
	pvh_put32(&c, 0);	/* total_size, written by pvh_finish() */
	pvh_put32(&c, 0);	/* reserved */
	pvh_tag_string(&c, MB2_TAG_LOADER_NAME, "PVH", 3);
	if ((error = pvh_cmdline(&c, &hsi)) != 0 ||
	    (error = pvh_modules(&c, &hsi)) != 0 ||
	    (error = pvh_memmap(&c, &hsi)) != 0 ||
	    (error = pvh_rsdp(&c, &hsi)) != 0)
		return error;
	return pvh_finish(&c, lenp);
}

/*
 * Is the memory map believable?  The map is what the page allocator will
 * hand out later, so a map that wraps past 2^64, lists the same RAM
 * twice, or does not contain the kernel we are running in, is rejected
 * here with a sentence rather than trusted.  Region types are the
 * multiboot2 ones (Multiboot2 Specification 3.6.8), which PVH's match.
 *
 * An entry of length 0 describes no memory at all, whatever its type or
 * base: it is counted and otherwise ignored, as Linux ignores one when
 * it sorts the E820 map (arch/x86/kernel/e820.c, e820__update_table():
 * "omitting empty memory regions").  QEMU's microvm machine gives one
 * (type 0 at address 0) at the end of its PVH map.
 */

#include "kern.h"
#include "bootinfo.h"
#include "memmap.h"
#include "multiboot2.h"

const char *
memmap_type_name(uint32_t type)
{
	switch (type) {
	case MB2_MEMORY_AVAILABLE:		return "available";
	case MB2_MEMORY_RESERVED:		return "reserved";
	case MB2_MEMORY_ACPI_RECLAIMABLE:	return "ACPI";
	case MB2_MEMORY_NVS:			return "ACPI NVS";
	case MB2_MEMORY_BADRAM:			return "bad RAM";
	default:				return NULL;
	}
}

static bool
overlaps(const struct bi_mmap *a, const struct bi_mmap *b)
{
	return a->mm_base < b->mm_base + b->mm_length &&
	    b->mm_base < a->mm_base + a->mm_length;
}

/*
 * Two available regions may touch but must not share a byte.  An empty
 * one has no byte to share (overlaps() would call it inside the other).
 */
static int
check_overlap(const struct bootinfo *bi, char *err, size_t errlen)
{
	const struct bi_mmap *a, *b;
	int i, j;

	for (i = 0; i < bi->bi_nmmap; i++) {
		a = &bi->bi_mmap[i];
		for (j = i + 1; j < bi->bi_nmmap; j++) {
			b = &bi->bi_mmap[j];
			if (a->mm_type != MB2_MEMORY_AVAILABLE ||
			    b->mm_type != MB2_MEMORY_AVAILABLE ||
			    a->mm_length == 0 || b->mm_length == 0 ||
			    !overlaps(a, b))
				continue;
			snprintf(err, errlen, "memory map: available regions "
			    "%d (0x%lx+0x%lx) and %d (0x%lx+0x%lx) overlap",
			    i, a->mm_base, a->mm_length, j, b->mm_base,
			    b->mm_length);
			return EINVAL;
		}
	}
	return 0;
}

static int
check_entries(const struct bootinfo *bi, struct memmap_summary *ms,
    char *err, size_t errlen)
{
	const struct bi_mmap *m;
	int i;

	for (i = 0; i < bi->bi_nmmap; i++) {
		m = &bi->bi_mmap[i];
		if (m->mm_length == 0) {
			ms->ms_nempty++;
			continue;
		}
		if (m->mm_base + m->mm_length < m->mm_base) {
			snprintf(err, errlen, "memory map: region %d "
			    "(0x%lx+0x%lx) is past 2^64", i, m->mm_base,
			    m->mm_length);
			return EINVAL;
		}
		if (m->mm_type != MB2_MEMORY_AVAILABLE)
			continue;
		ms->ms_navail++;
		ms->ms_avail_bytes += m->mm_length;
		if (m->mm_base + m->mm_length > ms->ms_top)
			ms->ms_top = m->mm_base + m->mm_length;
	}
	return 0;
}

/* The available region holding addr, or NULL. */
static const struct bi_mmap *
avail_region(const struct bootinfo *bi, uint64_t addr)
{
	const struct bi_mmap *m;

	for (m = bi->bi_mmap; m < bi->bi_mmap + bi->bi_nmmap; m++)
		if (m->mm_type == MB2_MEMORY_AVAILABLE && m->mm_base <= addr &&
		    addr < m->mm_base + m->mm_length)
			return m;
	return NULL;
}

/*
 * Is [start, end) all available RAM?  The regions may split it (a map
 * may list RAM in pieces that touch), so follow it piece by piece.
 */
static bool
covered(const struct bootinfo *bi, uint64_t start, uint64_t end)
{
	const struct bi_mmap *m;

	for (; start < end; start = m->mm_base + m->mm_length)
		if ((m = avail_region(bi, start)) == NULL)
			return false;
	return true;
}

int
memmap_check(const struct bootinfo *bi, uint64_t kstart, uint64_t kend,
    struct memmap_summary *ms, char *err, size_t errlen)
{
	int error;

	memset(ms, 0, sizeof(*ms));
	ms->ms_nregions = bi->bi_nmmap;
	if (bi->bi_nmmap == 0) {
		snprintf(err, errlen, "memory map: the loader gave none");
		return EINVAL;
	}
	if ((error = check_entries(bi, ms, err, errlen)) != 0 ||
	    (error = check_overlap(bi, err, errlen)) != 0)
		return error;
	if (covered(bi, kstart, kend))
		return 0;
	snprintf(err, errlen, "memory map: the kernel at 0x%lx-0x%lx is not "
	    "all in available memory", kstart, kend);
	return EINVAL;
}

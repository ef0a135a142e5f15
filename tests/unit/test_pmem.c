/*
 * pmem_init(), pmem_alloc() and pmem_free() (kernel/pmem.c) on the maps a
 * loader gives.  The main oracle is drain(): it takes every page pmem
 * has and checks each one against the map and the holes directly, with
 * no rounding of its own, so a rounding mistake in pmem shows up as a
 * page that touches a hole or leaves the RAM it came from.
 */

#include "check.h"
#include "kern.h"
#include "bootinfo.h"
#include "multiboot2.h"
#include "pmem.h"

#define AVAIL		MB2_MEMORY_AVAILABLE
#define RESERVED	MB2_MEMORY_RESERVED
#define MiB		0x100000ULL
#define GiB		0x40000000ULL
#define PAGES_4G	(PMEM_HIGH / PAGE_SIZE)

/* kernel/pmem.c: frees refused.  Not in pmem.h; only tests read it. */
extern int	pmem_nbadfree;

/* QEMU -m 128M, SeaBIOS: low RAM, BIOS areas, RAM to 128 MiB less 128K. */
static const struct bi_mmap qemu_map[] = {
	{ 0x0,		0x9fc00,	AVAIL },
	{ 0x9fc00,	0x400,		RESERVED },
	{ 0xf0000,	0x10000,	RESERVED },
	{ 0x100000,	0x7ee0000,	AVAIL },
	{ 0x7fe0000,	0x20000,	RESERVED },
	{ 0xfffc0000,	0x40000,	RESERVED },
};

/*
 * The kernel ends at 1.2 MiB, mid-page; module 0 ends past a page
 * boundary, module 1 starts mid-page; the info block is one page's
 * middle.  Pages taken: 0x34 + 0x11 + 1 + 1.
 */
#define QEMU_KSTART	0x100000ULL
#define QEMU_KEND	0x133333ULL
#define QEMU_NFREE	(0x7ee0 - 0x34 - 0x11 - 1 - 1)

static struct bootinfo bi;
static char err[BI_MSG_MAX];
static uint64_t kstart, kend;
static uint8_t seen[PAGES_4G / 8];	/* drain(): pages handed out */

/* Load n entries into bi, with no modules and no info block. */
static void
set_map(const struct bi_mmap *m, int n)
{
	memset(&bi, 0, sizeof(bi));
	if (n > 0)
		memcpy(bi.bi_mmap, m, n * sizeof(*m));
	bi.bi_nmmap = n;
	snprintf(err, sizeof(err), "(untouched)");
}

static void
add_module(uint64_t start, uint64_t end)
{
	bi.bi_modules[bi.bi_nmodules].mod_start = start;
	bi.bi_modules[bi.bi_nmodules].mod_end = end;
	bi.bi_nmodules++;
}

static int
init(uint64_t ks, uint64_t ke)
{
	kstart = ks;
	kend = ke;
	return pmem_init(&bi, ks, ke, err, sizeof(err));
}

static void
set_qemu(void)
{
	set_map(qemu_map, nitems(qemu_map));
	add_module(0x140000, 0x150123);
	add_module(0x200800, 0x201000);
	bi.bi_info_pa = 0x151010;
	bi.bi_info_size = 0x900;
}

static bool
touches(uint64_t pa, uint64_t start, uint64_t end)
{
	return start < end && pa < end && start < pa + PAGE_SIZE;
}

/* Does [pa, pa + PAGE_SIZE) touch anything pmem must keep? */
static bool
in_hole(uint64_t pa)
{
	const struct bi_mmap *m;
	int i;

	if (touches(pa, kstart, kend) || touches(pa, bi.bi_info_pa,
	    bi.bi_info_pa + bi.bi_info_size))
		return true;
	for (i = 0; i < bi.bi_nmodules; i++)
		if (touches(pa, bi.bi_modules[i].mod_start,
		    bi.bi_modules[i].mod_end))
			return true;
	for (m = bi.bi_mmap; m < bi.bi_mmap + bi.bi_nmmap; m++)
		if (m->mm_type != AVAIL &&
		    touches(pa, m->mm_base, m->mm_base + m->mm_length))
			return true;
	return false;
}

/* Is all of [pa, pa + PAGE_SIZE) inside one available entry? */
static bool
in_ram(uint64_t pa)
{
	const struct bi_mmap *m;

	for (m = bi.bi_mmap; m < bi.bi_mmap + bi.bi_nmmap; m++)
		if (m->mm_type == AVAIL && m->mm_base <= pa &&
		    pa + PAGE_SIZE <= m->mm_base + m->mm_length)
			return true;
	return false;
}

static bool
was_seen(uint64_t pa)
{
	return pa < PMEM_HIGH && (seen[pa / PAGE_SIZE / 8] >>
	    (pa / PAGE_SIZE % 8) & 1);
}

/*
 * Allocate until pmem_alloc() says 0; check every page and that the
 * count is what pmem_nfree() promised.  Returns the count; seen[] says
 * which pages came out.
 */
static uint64_t
drain(void)
{
	uint64_t pa, n = 0, before = pmem_nfree();
	int nalign = 0, nrange = 0, ndup = 0, nhole = 0, nram = 0;

	memset(seen, 0, sizeof(seen));
	while (n <= PAGES_4G && (pa = pmem_alloc()) != 0) {
		n++;
		nalign += pa % PAGE_SIZE != 0;
		if (pa < PMEM_LOW || pa >= PMEM_HIGH) {
			nrange++;
			continue;
		}
		ndup += was_seen(pa);
		seen[pa / PAGE_SIZE / 8] |= 1 << (pa / PAGE_SIZE % 8);
		nhole += in_hole(pa);
		nram += !in_ram(pa);
	}
	CHECK_EQ_INT(nalign, 0);
	CHECK_EQ_INT(nrange, 0);	/* below 1 MiB or at/above 4 GiB */
	CHECK_EQ_INT(ndup, 0);
	CHECK_EQ_INT(nhole, 0);		/* kernel, module, info, reserved */
	CHECK_EQ_INT(nram, 0);		/* not wholly inside available RAM */
	CHECK_EQ_INT(n, before);
	CHECK_EQ_HEX(pmem_alloc(), 0);	/* and it stays empty */
	CHECK_EQ_INT(pmem_nfree(), 0);
	CHECK_EQ_INT(pmem_nranges(), 0);
	return n;
}

static void
test_qemu_map_keeps_out_of_holes(void)
{
	set_qemu();
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	CHECK_STR(err, "(untouched)");		/* no sentence on success */
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE);
	CHECK_EQ_INT(pmem_nranges(), 3);	/* split by module 0, 1 */
	CHECK_EQ_INT(drain(), QEMU_NFREE);
	CHECK(!was_seen(0x133000));		/* the kernel's last page */
	CHECK(was_seen(0x134000));
	CHECK(!was_seen(0x150000));		/* module 0's last page */
	CHECK(!was_seen(0x151000));		/* the info block's page */
	CHECK(was_seen(0x152000));
	CHECK(!was_seen(0x200000));		/* module 1's only page */
	CHECK(was_seen(0x7fdf000));		/* the last page of RAM */
	CHECK(!was_seen(0x7fe0000));
}

/*
 * Empty entries (QEMU's microvm ends its map with one, type 0 at 0)
 * give no page and take none away, whatever their type.
 */
static void
test_empty_entries_change_nothing(void)
{
	struct bi_mmap m[nitems(qemu_map) + 4];

	memcpy(m, qemu_map, sizeof(qemu_map));
	m[6] = (struct bi_mmap){ 0x0, 0x0, 0 };
	m[7] = (struct bi_mmap){ 0x200000, 0x0, RESERVED };	/* inside RAM */
	m[8] = (struct bi_mmap){ 0x9000000, 0x0, AVAIL };	/* past it */
	m[9] = (struct bi_mmap){ 0xfffffffffffff000, 0x0, AVAIL };
	set_qemu();
	memcpy(bi.bi_mmap, m, sizeof(m));
	bi.bi_nmmap = nitems(m);
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE);
	CHECK_EQ_INT(pmem_nranges(), 3);
	CHECK_EQ_INT(drain(), QEMU_NFREE);
}

/* Lowest first, across holes, even from a map listed backwards. */
static void
test_lowest_first(void)
{
	struct bi_mmap rev[nitems(qemu_map)];
	uint64_t pa, prev = 0;
	size_t i;
	int nback = 0;

	for (i = 0; i < nitems(qemu_map); i++)
		rev[i] = qemu_map[nitems(qemu_map) - 1 - i];
	set_qemu();
	memcpy(bi.bi_mmap, rev, sizeof(rev));
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	CHECK_EQ_HEX(pmem_alloc(), 0x134000);
	CHECK_EQ_HEX(pmem_alloc(), 0x135000);
	while ((pa = pmem_alloc()) != 0) {
		nback += pa <= prev;
		prev = pa;
	}
	CHECK_EQ_INT(nback, 0);
	CHECK_EQ_HEX(prev, 0x7fdf000);
}

static void
test_small_map_exhausts(void)
{
	static const struct bi_mmap m[] = {
		{ 0x100000,	0x8000,		AVAIL },
	};
	uint64_t pa;

	set_map(m, nitems(m));
	CHECK_EQ_INT(init(0x200000, 0x280000), 0);	/* not in the map */
	CHECK_EQ_INT(pmem_nfree(), 8);
	CHECK_EQ_INT(pmem_nranges(), 1);
	CHECK_EQ_INT(drain(), 8);
	for (pa = 0x100000; pa < 0x108000; pa += PAGE_SIZE)
		CHECK(was_seen(pa));

	/* One page back, and it is the only one there is. */
	pmem_free(0x103000);
	CHECK_EQ_INT(pmem_nfree(), 1);
	CHECK_EQ_HEX(pmem_alloc(), 0x103000);
	CHECK_EQ_HEX(pmem_alloc(), 0);
}

/* RAM at and above 4 GiB is not mapped, so it is not handed out. */
static void
test_ram_above_4g_clipped(void)
{
	static const struct bi_mmap m[] = {
		{ 0x100000,	0x100000,	AVAIL },
		{ 0xfff00000,	0x200000,	AVAIL },	/* to 4G+1M */
		{ 0x100000000,	0x80000000,	AVAIL },
		{ 0x180000000,	0xffffffffULL << 32, AVAIL },	/* wraps */
		{ 0xfffffffffffff001ULL, 0xfff, AVAIL },	/* rounds up */
	};

	set_map(m, nitems(m));
	CHECK_EQ_INT(init(0x100000, 0x180000), 0);
	CHECK_EQ_INT(pmem_nfree(), 0x80 + 0x100);
	CHECK_EQ_INT(pmem_nranges(), 2);
	CHECK_EQ_INT(drain(), 0x80 + 0x100);
	CHECK(was_seen(0xfffff000));		/* the last page below 4 GiB */

	/* Nothing below: the error, not a page past 4 GiB. */
	set_map(m + 2, 3);
	CHECK_EQ_INT(init(0x100000, 0x180000), EINVAL);
	CHECK_EQ_HEX(pmem_alloc(), 0);
}

/* A region's partial pages at either end are not RAM we can use. */
static void
test_unaligned_edges_rounded_inward(void)
{
	static const struct bi_mmap m[] = {
		{ 0x200800,	0x2000,		AVAIL },	/* 1 page */
		{ 0x300001,	0xfff,		AVAIL },	/* none */
		{ 0x400000,	0x1fff,		AVAIL },	/* 1 page */
		{ 0x500fff,	0x2002,		AVAIL },	/* 2 pages */
		{ 0xff800,	0x1800,		AVAIL },	/* 1 page */
	};

	set_map(m, nitems(m));
	CHECK_EQ_INT(init(0x1000000, 0x1080000), 0);
	CHECK_EQ_INT(pmem_nfree(), 5);
	CHECK_EQ_HEX(pmem_alloc(), 0x100000);
	CHECK_EQ_HEX(pmem_alloc(), 0x201000);
	CHECK_EQ_HEX(pmem_alloc(), 0x400000);
	CHECK_EQ_HEX(pmem_alloc(), 0x501000);
	CHECK_EQ_HEX(pmem_alloc(), 0x502000);
	CHECK_EQ_HEX(pmem_alloc(), 0);
}

/* A hole that touches a page's byte takes the whole page. */
static void
test_holes_rounded_outward(void)
{
	static const struct bi_mmap m[] = {
		{ 0x100000,	0x10000,	AVAIL },	/* 16 pages */
	};

	set_map(m, nitems(m));
	add_module(0x104000, 0x105001);		/* 0x104000, 0x105000 */
	add_module(0x108fff, 0x109000);		/* 0x108000 */
	add_module(0x10d000, 0x10d000);		/* empty: takes nothing */
	bi.bi_info_pa = 0x10a800;		/* 0x10a000 */
	bi.bi_info_size = 0x10;
	CHECK_EQ_INT(init(0x100000, 0x100001), 0);	/* 0x100000 */
	CHECK_EQ_INT(pmem_nfree(), 16 - 1 - 2 - 1 - 1);
	CHECK_EQ_INT(drain(), 11);
	CHECK(!was_seen(0x100000));
	CHECK(was_seen(0x101000));
	CHECK(!was_seen(0x104000));
	CHECK(!was_seen(0x105000));
	CHECK(was_seen(0x106000));
	CHECK(!was_seen(0x108000));
	CHECK(was_seen(0x109000));
	CHECK(!was_seen(0x10a000));
	CHECK(was_seen(0x10d000));

	/* An info block of size 0 (none given) takes no page either. */
	bi.bi_info_size = 0;
	bi.bi_modules[2].mod_start = bi.bi_modules[2].mod_end = 0x10d800;
	CHECK_EQ_INT(init(0x100000, 0x100001), 0);
	CHECK_EQ_INT(pmem_nfree(), 12);
}

static void
test_free_then_alloc_returns_it(void)
{
	uint64_t a, b, c;

	set_qemu();
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	a = pmem_alloc();
	b = pmem_alloc();
	c = pmem_alloc();
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE - 3);
	pmem_free(a);
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE - 2);
	CHECK_EQ_HEX(pmem_alloc(), a);
	pmem_free(b);			/* last in, first out */
	pmem_free(c);
	CHECK_EQ_HEX(pmem_alloc(), c);
	CHECK_EQ_HEX(pmem_alloc(), b);
	CHECK_EQ_HEX(pmem_alloc(), 0x137000);	/* then untouched memory */
	CHECK_EQ_INT(pmem_nbadfree, 0);
}

static void
test_double_free_ignored(void)
{
	uint64_t a, b;

	set_qemu();
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	a = pmem_alloc();
	b = pmem_alloc();
	pmem_free(a);
	pmem_free(a);
	CHECK_EQ_INT(pmem_nbadfree, 1);
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE - 1);
	CHECK_EQ_HEX(pmem_alloc(), a);
	CHECK(pmem_alloc() != a);		/* a is out once, not twice */

	/* Allocated again, it may be freed again. */
	pmem_free(a);
	CHECK_EQ_INT(pmem_nbadfree, 1);
	pmem_free(b);
	pmem_free(b);
	pmem_free(a);
	CHECK_EQ_INT(pmem_nbadfree, 3);
	CHECK_EQ_INT(drain(), QEMU_NFREE - 1);
}

static void
test_bad_free_ignored(void)
{
	static const uint64_t bad[] = {
		0x0,			/* below 1 MiB: never ours */
		0x1000,
		0x9f000,		/* low RAM, but below 1 MiB */
		0x100000,		/* the kernel */
		0x133000,		/* its rounded-up last page */
		0x140000,		/* module 0 */
		0x151000,		/* the info block */
		0x135000,		/* ours, but not handed out yet */
		0x7fe0000,		/* reserved */
		0x100000000,		/* 4 GiB */
		0xfffffffffffff000ULL,
		0x134001,		/* inside an allocated page */
		0x134800,
		UINT64_MAX,
	};
	uint64_t a;
	size_t i;

	set_qemu();
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	a = pmem_alloc();
	CHECK_EQ_HEX(a, 0x134000);
	for (i = 0; i < nitems(bad); i++)
		pmem_free(bad[i]);
	CHECK_EQ_INT(pmem_nbadfree, (int)nitems(bad));
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE - 1);
	CHECK_EQ_HEX(pmem_alloc(), 0x135000);
	pmem_free(a);				/* the real one is taken */
	CHECK_EQ_INT(pmem_nbadfree, (int)nitems(bad));
	CHECK_EQ_INT(drain(), QEMU_NFREE - 1);
}

/*
 * More frees than the stack holds: the rest go back into the ranges
 * (here they merge into a few), and every page still comes out once.
 */
static void
test_stack_overflow_goes_back_to_ranges(void)
{
	uint64_t pa[200];
	size_t i;
	int nsame = 0;

	set_qemu();
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	for (i = 0; i < nitems(pa); i++)
		pa[i] = pmem_alloc();
	for (i = 0; i < nitems(pa); i++)
		pmem_free(pa[i]);
	CHECK_EQ_INT(pmem_nbadfree, 0);
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE);
	CHECK_EQ_INT(pmem_nranges(), 2);	/* pa[64..199] rejoined them */
	for (i = 0; i < 64; i++)		/* the stack, last first */
		nsame += pmem_alloc() == pa[63 - i];
	CHECK_EQ_INT(nsame, 64);
	CHECK_EQ_HEX(pmem_alloc(), pa[64]);	/* then the lowest */
	CHECK_EQ_INT(drain(), QEMU_NFREE - 65);
}

/*
 * Stack and range table both full, and a freed page that touches no
 * range: it is dropped.  It is never handed out, and freeing it again
 * later (when there is room) brings it back.
 */
static void
test_full_tables_drop_a_page(void)
{
	uint64_t pa[200];
	size_t i;

	set_qemu();
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	for (i = 0; i < nitems(pa); i++)
		pa[i] = pmem_alloc();
	CHECK_EQ_INT(pmem_nranges(), 1);
	for (i = 0; i < 128; i += 2)		/* the stack: 64 pages */
		pmem_free(pa[i]);
	for (i = 1; i < 127; i += 2)		/* 63 one-page ranges */
		pmem_free(pa[i]);
	CHECK_EQ_INT(pmem_nranges(), PMEM_RANGES_MAX);
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE - 200 + 127);
	pmem_free(pa[127]);			/* no room, no neighbour */
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE - 200 + 127);
	pmem_free(pa[127]);			/* still "allocated" */
	CHECK_EQ_INT(pmem_nbadfree, 0);
	CHECK_EQ_INT(drain(), QEMU_NFREE - 200 + 127);
	CHECK(!was_seen(pa[127]));
	pmem_free(pa[127]);
	CHECK_EQ_HEX(pmem_alloc(), pa[127]);
}

/*
 * The map is not checked here (memmap_check() is), so pmem must cope on
 * its own with RAM listed twice: each page still comes out once.
 */
static void
test_overlapping_available_no_duplicates(void)
{
	static const struct bi_mmap m[] = {
		{ 0x100000,	0x10000,	AVAIL },
		{ 0x108000,	0x10000,	AVAIL },	/* overlaps */
		{ 0x100000,	0x10000,	AVAIL },	/* again */
		{ 0x102000,	0x1000,		AVAIL },	/* inside */
		{ 0x118000,	0x8000,		AVAIL },	/* touches */
		{ 0x130800,	0x1000,		AVAIL },	/* no page */
		{ 0x130000,	0x2000,		AVAIL },	/* covers it */
	};

	set_map(m, nitems(m));
	CHECK_EQ_INT(init(0x200000, 0x280000), 0);
	CHECK_EQ_INT(pmem_nfree(), 32 + 2);
	CHECK_EQ_INT(pmem_nranges(), 2);
	CHECK_EQ_INT(drain(), 34);

	/* A hole inside the doubly listed part is cut from both. */
	set_map(m, nitems(m));
	add_module(0x10a000, 0x10c000);
	CHECK_EQ_INT(init(0x200000, 0x280000), 0);
	CHECK_EQ_INT(pmem_nfree(), 34 - 2);
	CHECK_EQ_INT(drain(), 32);
	CHECK(!was_seen(0x10a000));
	CHECK(!was_seen(0x10b000));
}

/* memmap_check() allows a reserved area over RAM; pmem honours it. */
static void
test_reserved_over_ram_is_cut(void)
{
	static const struct bi_mmap m[] = {
		{ 0x100000,	0x100000,	AVAIL },
		{ 0x140000,	0x800,		RESERVED },
		{ 0x1ff000,	0x10000,	MB2_MEMORY_NVS },
		{ 0x0,		0x110001,	MB2_MEMORY_BADRAM },
	};

	set_map(m, nitems(m));
	CHECK_EQ_INT(init(0x300000, 0x380000), 0);
	CHECK_EQ_INT(pmem_nfree(), 0x100 - 1 - 1 - 0x11);
	CHECK_EQ_INT(drain(), 0x100 - 0x13);
	CHECK(!was_seen(0x140000));
	CHECK(!was_seen(0x1ff000));
	CHECK(!was_seen(0x110000));
	CHECK(was_seen(0x111000));
}

static void
test_no_map(void)
{
	set_qemu();
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	set_map(NULL, 0);
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), EINVAL);
	CHECK_STR(err, "pmem: no memory map");
	CHECK_EQ_INT(pmem_nfree(), 0);		/* the old pages are gone */
	CHECK_EQ_INT(pmem_nranges(), 0);
	CHECK_EQ_HEX(pmem_alloc(), 0);
	pmem_free(0x134000);			/* nothing is ours now */
	CHECK_EQ_INT(pmem_nfree(), 0);

	bi.bi_nmmap = -1;
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), EINVAL);
	CHECK_STR(err, "pmem: no memory map");
}

/* A map is given, but the holes and the window leave no page. */
static void
test_nothing_free(void)
{
	static const struct bi_mmap reserved[] = {
		{ 0x0,		0x9fc00,	RESERVED },
		{ 0x100000,	0x7ee0000,	MB2_MEMORY_ACPI_RECLAIMABLE },
	};
	static const struct bi_mmap low_high[] = {
		{ 0x0,		0x9fc00,	AVAIL },	/* < 1 MiB */
		{ 0x100000000,	0x80000000,	AVAIL },	/* >= 4 GiB */
		{ 0x100800,	0xfff,		AVAIL },	/* no page */
	};
	static const struct bi_mmap kernel_only[] = {
		{ 0x100000,	0x80000,	AVAIL },
	};

	set_map(reserved, nitems(reserved));
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), EINVAL);
	CHECK_STR(err, "pmem: no free page between 1 MiB and 4 GiB");
	CHECK_EQ_HEX(pmem_alloc(), 0);

	set_map(low_high, nitems(low_high));
	CHECK_EQ_INT(init(0x200000, 0x280000), EINVAL);
	CHECK_STR(err, "pmem: no free page between 1 MiB and 4 GiB");

	/* The kernel and a module take it all, to a byte of each end. */
	set_map(kernel_only, nitems(kernel_only));
	add_module(0x140000, 0x17f001);
	CHECK_EQ_INT(init(0x100fff, 0x140000), EINVAL);
	CHECK_STR(err, "pmem: no free page between 1 MiB and 4 GiB");
	CHECK_EQ_INT(pmem_nfree(), 0);
}

/*
 * More pieces than PMEM_RANGES_MAX: the largest are kept, the rest left
 * out, and nothing is written past the table (ASan would say).  Entry i
 * is (i % 5 + 1) pages, apart from its neighbours.
 */
static void
test_too_many_pieces_keeps_largest(void)
{
	int count[6] = { 0 }, i, size, left;
	uint64_t want = 0;

	memset(&bi, 0, sizeof(bi));
	for (i = 0; i < BI_MMAP_MAX; i++) {
		bi.bi_mmap[i].mm_base = 0x1000000 + (uint64_t)i * 0x10000;
		bi.bi_mmap[i].mm_length = (i % 5 + 1) * PAGE_SIZE;
		bi.bi_mmap[i].mm_type = AVAIL;
		count[i % 5 + 1]++;
	}
	bi.bi_nmmap = BI_MMAP_MAX;
	for (size = 5, left = PMEM_RANGES_MAX; size > 0 && left > 0; size--) {
		want += (uint64_t)size * (count[size] < left ? count[size] :
		    left);
		left -= count[size];
	}
	CHECK_EQ_INT(init(0x100000, 0x180000), 0);
	CHECK_EQ_INT(pmem_nranges(), PMEM_RANGES_MAX);
	CHECK_EQ_INT(pmem_nfree(), want);
	CHECK_EQ_INT(drain(), want);
	CHECK(was_seen(0x1000000 + 4 * 0x10000));	/* 5 pages: kept */
	CHECK(!was_seen(0x1000000));			/* 1 page: left out */

	/* A count past the array is not read past it. */
	bi.bi_nmmap = BI_MMAP_MAX + 100;
	bi.bi_nmodules = BI_MODULES_MAX + 100;
	CHECK_EQ_INT(init(0x100000, 0x180000), 0);
	CHECK_EQ_INT(pmem_nfree(), want);

	/*
	 * A module in the middle of each of 16 five-page pieces: the table
	 * is full, so of the two ends each cut leaves, one is dropped (2
	 * pages) besides the page cut out.
	 */
	bi.bi_nmmap = BI_MMAP_MAX;
	bi.bi_nmodules = 0;
	for (i = 0; i < BI_MODULES_MAX; i++)
		add_module(0x1000000 + (uint64_t)(5 * i + 4) * 0x10000 +
		    2 * PAGE_SIZE, 0x1000000 + (uint64_t)(5 * i + 4) *
		    0x10000 + 3 * PAGE_SIZE);
	CHECK_EQ_INT(init(0x100000, 0x180000), 0);
	CHECK_EQ_INT(pmem_nranges(), PMEM_RANGES_MAX);
	CHECK_EQ_INT(pmem_nfree(), want - BI_MODULES_MAX * 3);
	CHECK_EQ_INT(drain(), want - BI_MODULES_MAX * 3);
}

/* pmem_init() again starts over: every page free, no bad frees. */
static void
test_init_resets(void)
{
	set_qemu();
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	(void)pmem_alloc();
	pmem_free(pmem_alloc());
	pmem_free(0x1000);
	CHECK_EQ_INT(pmem_nbadfree, 1);
	CHECK_EQ_INT(init(QEMU_KSTART, QEMU_KEND), 0);
	CHECK_EQ_INT(pmem_nbadfree, 0);
	CHECK_EQ_INT(pmem_nfree(), QEMU_NFREE);
	CHECK_EQ_HEX(pmem_alloc(), 0x134000);
	CHECK_EQ_INT(drain(), QEMU_NFREE - 1);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_qemu_map_keeps_out_of_holes),
	CHECK_TEST(test_empty_entries_change_nothing),
	CHECK_TEST(test_lowest_first),
	CHECK_TEST(test_small_map_exhausts),
	CHECK_TEST(test_ram_above_4g_clipped),
	CHECK_TEST(test_unaligned_edges_rounded_inward),
	CHECK_TEST(test_holes_rounded_outward),
	CHECK_TEST(test_free_then_alloc_returns_it),
	CHECK_TEST(test_double_free_ignored),
	CHECK_TEST(test_bad_free_ignored),
	CHECK_TEST(test_stack_overflow_goes_back_to_ranges),
	CHECK_TEST(test_full_tables_drop_a_page),
	CHECK_TEST(test_overlapping_available_no_duplicates),
	CHECK_TEST(test_reserved_over_ram_is_cut),
	CHECK_TEST(test_no_map),
	CHECK_TEST(test_nothing_free),
	CHECK_TEST(test_too_many_pieces_keeps_largest),
	CHECK_TEST(test_init_resets),
};

int
main(void)
{
	return check_main("test_pmem", tests, nitems(tests));
}

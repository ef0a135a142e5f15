/*
 * The physical page allocator's bookkeeping: lists of page ranges, never
 * the pages themselves, so it runs on the host under the sanitizers.
 * pmem_init() takes the available RAM of the loader's memory map (type 1,
 * Multiboot2 Specification version 2.0, 3.6.8; PVH's E820 types match),
 * keeps [PMEM_LOW, PMEM_HIGH) of it in whole pages, and cuts out the
 * kernel, the boot modules, the boot information and any other entry
 * that lies over RAM.  What is left is handed out one page at a time,
 * lowest first.  At most PMEM_RANGES_MAX ranges are kept: with more
 * pieces than that the smallest are left out, which costs a few pages
 * and is not an error.
 *
 * Three tables:
 * - pmem_orig: the free ranges as pmem_init() left them.  A page outside
 *   them was never ours, and freeing it is refused.
 * - pmem_ranges: what is still free, sorted by address, disjoint, with
 *   no two ranges touching.
 * - pmem_stack: pages given back, handed out again first (last in, first
 *   out), so a driver that frees and allocates gets the same page.  When
 *   it is full a freed page goes back into pmem_ranges; if that is full
 *   too and the page touches no range, the page is dropped: it stays
 *   "allocated" until someone frees it again.  Never handing a page out
 *   twice matters more than never losing one.
 */

#include "kern.h"
#include "bootinfo.h"
#include "multiboot2.h"
#include "pmem.h"

#define PMEM_STACK_MAX	64

#define page_trunc(x)	((x) & ~(uint64_t)(PAGE_SIZE - 1))
#define page_round(x)	page_trunc((x) + PAGE_SIZE - 1)

struct pmem_range {
	uint64_t	pr_start;	/* first byte, page-aligned */
	uint64_t	pr_end;		/* one past the last, page-aligned */
};

struct pmem_list {
	int		pl_n;
	struct pmem_range pl_r[PMEM_RANGES_MAX];
};

static struct pmem_list pmem_orig;
static struct pmem_list pmem_ranges;
static uint64_t	pmem_stack[PMEM_STACK_MAX];
static int	pmem_nstack;

/* Frees refused: double, misaligned, or never ours.  For the tests. */
int	pmem_nbadfree;

static uint64_t
min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void
list_remove(struct pmem_list *l, int i)
{
	memmove(&l->pl_r[i], &l->pl_r[i + 1],
	    (l->pl_n - i - 1) * sizeof(l->pl_r[0]));
	l->pl_n--;
}

/* The smallest range's index; l is not empty. */
static int
list_smallest(const struct pmem_list *l)
{
	int i, min = 0;

	for (i = 1; i < l->pl_n; i++)
		if (l->pl_r[i].pr_end - l->pl_r[i].pr_start <
		    l->pl_r[min].pr_end - l->pl_r[min].pr_start)
			min = i;
	return min;
}

/*
 * Add [start, end) to l.  Ranges it overlaps or touches are merged into
 * it first, so a page is never listed twice however the pieces come.
 * If l is full, the smaller of the new range and l's smallest is
 * dropped.  Returns false if the new range was the one dropped.
 */
static bool
list_insert(struct pmem_list *l, uint64_t start, uint64_t end)
{
	int i;

	for (i = 0; i < l->pl_n; ) {
		if (l->pl_r[i].pr_start <= end && start <= l->pl_r[i].pr_end) {
			if (l->pl_r[i].pr_start < start)
				start = l->pl_r[i].pr_start;
			if (l->pl_r[i].pr_end > end)
				end = l->pl_r[i].pr_end;
			list_remove(l, i);
		} else
			i++;
	}
	if (l->pl_n == PMEM_RANGES_MAX) {
		i = list_smallest(l);
		if (l->pl_r[i].pr_end - l->pl_r[i].pr_start >= end - start)
			return false;
		list_remove(l, i);
	}
	for (i = l->pl_n; i > 0 && l->pl_r[i - 1].pr_start > start; i--)
		l->pl_r[i] = l->pl_r[i - 1];
	l->pl_r[i] = (struct pmem_range){ start, end };
	l->pl_n++;
	return true;
}

static bool
list_contains(const struct pmem_list *l, uint64_t pa)
{
	int i;

	for (i = 0; i < l->pl_n; i++)
		if (l->pl_r[i].pr_start <= pa && pa < l->pl_r[i].pr_end)
			return true;
	return false;
}

/* The index of a range sharing a byte with [start, end), or -1. */
static int
list_overlap(const struct pmem_list *l, uint64_t start, uint64_t end)
{
	int i;

	for (i = 0; i < l->pl_n; i++)
		if (l->pl_r[i].pr_start < end && start < l->pl_r[i].pr_end)
			return i;
	return -1;
}

/*
 * Take [start, end), rounded outward to pages, out of l.  A range that
 * straddles it is removed and its two ends put back, which may drop the
 * smallest range if l was full.  Only the part below PMEM_HIGH matters,
 * and clipping there first keeps the rounding from wrapping past 2^64.
 */
static void
list_cut(struct pmem_list *l, uint64_t start, uint64_t end)
{
	struct pmem_range r;
	int i;

	end = min64(end, PMEM_HIGH);
	if (start >= end)
		return;		/* an empty hole takes no page */
	end = page_round(end);
	start = page_trunc(start);
	while ((i = list_overlap(l, start, end)) != -1) {
		r = l->pl_r[i];
		list_remove(l, i);
		if (r.pr_start < start)
			(void)list_insert(l, r.pr_start, start);
		if (end < r.pr_end)
			(void)list_insert(l, end, r.pr_end);
	}
}

/* The end of a map entry, or 2^64 - 1 if it would wrap past 2^64. */
static uint64_t
entry_end(const struct bi_mmap *m)
{
	if (m->mm_base + m->mm_length < m->mm_base)
		return UINT64_MAX;
	return m->mm_base + m->mm_length;
}

/*
 * The whole pages of an available entry in [PMEM_LOW, PMEM_HIGH).  Both
 * ends are clipped before rounding, so neither can wrap.
 */
static void
entry_add(const struct bi_mmap *m)
{
	uint64_t start, end;

	start = m->mm_base > PMEM_LOW ? m->mm_base : PMEM_LOW;
	end = min64(entry_end(m), PMEM_HIGH);
	if (start >= end)
		return;
	start = page_round(start);
	end = page_trunc(end);
	if (start < end)
		(void)list_insert(&pmem_orig, start, end);
}

/*
 * Cut out what we run in and what the loader left us.  Other entry
 * types come out too: firmware may list a reserved area inside RAM
 * (memmap_check() allows it), and then the reserved entry wins.
 */
static void
holes_cut(const struct bootinfo *bi, uint64_t kstart, uint64_t kend,
    int nmmap)
{
	const struct bi_module *mod;
	int i;

	list_cut(&pmem_orig, kstart, kend);
	for (i = 0; i < bi->bi_nmodules && i < BI_MODULES_MAX; i++) {
		mod = &bi->bi_modules[i];
		list_cut(&pmem_orig, mod->mod_start, mod->mod_end);
	}
	if (bi->bi_info_pa < PMEM_HIGH)	/* so the sum cannot wrap */
		list_cut(&pmem_orig, bi->bi_info_pa,
		    bi->bi_info_pa + bi->bi_info_size);
	for (i = 0; i < nmmap; i++)
		if (bi->bi_mmap[i].mm_type != MB2_MEMORY_AVAILABLE)
			list_cut(&pmem_orig, bi->bi_mmap[i].mm_base,
			    entry_end(&bi->bi_mmap[i]));
}

int
pmem_init(const struct bootinfo *bi, uint64_t kstart, uint64_t kend,
    char *err, size_t errlen)
{
	int i, nmmap;

	memset(&pmem_orig, 0, sizeof(pmem_orig));
	memset(&pmem_ranges, 0, sizeof(pmem_ranges));
	pmem_nstack = 0;
	pmem_nbadfree = 0;
	if (bi->bi_nmmap <= 0) {
		snprintf(err, errlen, "pmem: no memory map");
		return EINVAL;
	}
	nmmap = bi->bi_nmmap < BI_MMAP_MAX ? bi->bi_nmmap : BI_MMAP_MAX;
	for (i = 0; i < nmmap; i++)
		if (bi->bi_mmap[i].mm_type == MB2_MEMORY_AVAILABLE)
			entry_add(&bi->bi_mmap[i]);
	holes_cut(bi, kstart, kend, nmmap);
	if (pmem_orig.pl_n == 0) {
		snprintf(err, errlen, "pmem: no free page between 1 MiB and "
		    "4 GiB");
		return EINVAL;
	}
	pmem_ranges = pmem_orig;
	return 0;
}

uint64_t
pmem_alloc(void)
{
	struct pmem_range *r = &pmem_ranges.pl_r[0];
	uint64_t pa;

	if (pmem_nstack > 0)
		return pmem_stack[--pmem_nstack];
	if (pmem_ranges.pl_n == 0)
		return 0;		/* PMEM_LOW > 0: never a page */
	pa = r->pr_start;
	r->pr_start += PAGE_SIZE;
	if (r->pr_start == r->pr_end)
		list_remove(&pmem_ranges, 0);
	return pa;
}

/* Is pa a page pmem handed out and nobody has given back? */
static bool
pmem_is_allocated(uint64_t pa)
{
	int i;

	if (pa != page_trunc(pa) || !list_contains(&pmem_orig, pa) ||
	    list_contains(&pmem_ranges, pa))
		return false;
	for (i = 0; i < pmem_nstack; i++)
		if (pmem_stack[i] == pa)
			return false;
	return true;
}

/*
 * A bad free is ignored rather than a panic: the page stays where it
 * is, which is safe, and pmem_nbadfree counts it.
 */
void
pmem_free(uint64_t pa)
{
	if (!pmem_is_allocated(pa)) {
		pmem_nbadfree++;
		return;
	}
	if (pmem_nstack < PMEM_STACK_MAX)
		pmem_stack[pmem_nstack++] = pa;
	else
		(void)list_insert(&pmem_ranges, pa, pa + PAGE_SIZE);
}

uint64_t
pmem_nfree(void)
{
	uint64_t n = pmem_nstack;
	int i;

	for (i = 0; i < pmem_ranges.pl_n; i++)
		n += (pmem_ranges.pl_r[i].pr_end -
		    pmem_ranges.pl_r[i].pr_start) / PAGE_SIZE;
	return n;
}

int
pmem_nranges(void)
{
	return pmem_ranges.pl_n;
}

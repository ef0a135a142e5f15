/*
 * Physical pages for the drivers: hypercall pages, clock pages.  Built
 * from the loader's memory map, it never hands out the kernel, the boot
 * modules, the boot information, anything below 1 MiB or above the
 * 4 GiB the kernel maps.  Pure bookkeeping (host-tested); page_alloc()
 * in pmap.c adds the zeroing.
 */
#ifndef _KERNEL_PMEM_H_
#define _KERNEL_PMEM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE	4096
#define PMEM_LOW	0x100000ULL	/* below: BIOS, real-mode leftovers */
#define PMEM_HIGH	0x100000000ULL	/* above: not mapped */
#define PMEM_RANGES_MAX	64

struct bootinfo;

/*
 * Take the available regions of bi's memory map, clipped to
 * [PMEM_LOW, PMEM_HIGH) and to whole pages, minus [kstart, kend), every
 * boot module and the boot information block.  Returns 0, or EINVAL
 * with a sentence in err (no memory map; nothing left).
 */
int	pmem_init(const struct bootinfo *bi, uint64_t kstart, uint64_t kend,
	    char *err, size_t errlen);

/* One page's physical address, lowest first; 0 when none is left. */
uint64_t pmem_alloc(void);

/* Give a page back (it is handed out again before untouched memory). */
void	pmem_free(uint64_t pa);

/* Frees refused: misaligned, never ours, or already free. */
extern int pmem_nbadfree;

/* Pages still free, and how many ranges they are in. */
uint64_t pmem_nfree(void);
int	pmem_nranges(void);

/*
 * pmap.c (kernel) or the unit test: a zeroed page, as a pointer that is
 * also its physical address (the kernel maps memory 1:1); NULL if none.
 * It is writable and never executable, unless it is given to
 * page_exec(): a hypercall page, which the hypervisor has filled with
 * code, becomes executable and read-only (what names it in crash
 * reports: "Xen hypercall page").  0, or EINVAL for a page page_alloc()
 * did not give, ENOSPC when too many pages are executable already,
 * ENOMEM when no page is left for the page table it needs.
 * page_free() makes the page writable and not executable again.
 */
void	*page_alloc(void);
void	page_free(void *page);
int	page_exec(void *page, const char *what);

/*
 * pmap.c (kernel) or the unit test: the page at physical address pa is
 * one the kernel's 1:1 map lets it read (the first 4 GiB less page 0):
 * a page a hypervisor chose, which page_alloc() did not give.
 */
bool	page_mapped(uint64_t pa);

#endif

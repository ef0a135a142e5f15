/*
 * Page 0 stays mapped through the first steps of the boot because QEMU's
 * PVH option ROM leaves the start info's memory map there (seen at
 * 0x5a8).  Once bootinfo_init() has copied everything the loader gave,
 * nothing may read it any more, and a NULL pointer should fault instead
 * of reading the real-mode interrupt table.
 * Source for the paging structures: Intel SDM Vol. 3A 4.5 (4-level
 * paging); INVLPG drops the stale translation (4.10.4.1).
 */

#include "kern.h"
#include "pmap.h"
#include "pmem.h"
#include "x86.h"

extern uint64_t boot_pt[512];	/* boot.asm: 4 KiB pages of 0..2 MiB */

void
pmap_init(void)
{
	boot_pt[0] = 0;
	invlpg(0);
}

/*
 * A zeroed page from pmem: its physical address is also a pointer, as
 * the kernel maps the first 4 GiB 1:1 and pmem hands out only those.
 */
void *
page_alloc(void)
{
	uint64_t pa = pmem_alloc();

	if (pa == 0)
		return NULL;
	memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	return (void *)(uintptr_t)pa;
}

void
page_free(void *page)
{
	pmem_free((uintptr_t)page);
}

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
extern char __kernel_start[], __text_end[];	/* linker.ld */

#define PG_RW		0x2	/* writable (SDM Vol. 3A Table 4-19) */

/*
 * Page 0 goes, and the kernel's code and read-only data become read-only
 * (boot.asm set CR0.WP, so that holds in ring 0 too): a stray write, or
 * a hypervisor "fixing" an instruction in guest memory as KVM does with
 * a VMCALL it dislikes, is then a #PF the kernel reports instead of
 * code changed behind its back.
 */
void
pmap_init(void)
{
	uintptr_t va;

	boot_pt[0] = 0;
	invlpg(0);
	for (va = (uintptr_t)__kernel_start; va < (uintptr_t)__text_end;
	    va += PAGE_SIZE) {
		boot_pt[va / PAGE_SIZE] &= ~(uint64_t)PG_RW;
		invlpg(va);
	}
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

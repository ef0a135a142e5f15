/*
 * boot/boot.asm maps the first 4 GiB 1:1 with rights per page (linker.ld
 * lays the image out for it): the kernel's code read-only and
 * executable, its read-only data read-only, everything else writable,
 * and all but the code not executable where the CPU has NX.  This file
 * changes that map in three ways only:
 *
 * - pmap_init() unmaps page 0.  It stays mapped through the first steps
 *   of the boot because QEMU's PVH option ROM leaves the start info's
 *   memory map there (seen at 0x5a8); once bootinfo_init() has copied
 *   everything, a NULL pointer should fault instead of reading the
 *   real-mode interrupt table.
 * - page_exec() makes one page from page_alloc() executable and
 *   read-only: a hypercall page, which the hypervisor (or a simulated
 *   one) has filled with code the kernel calls.  That is the only
 *   memory outside the kernel's code that may be executed, each page
 *   asked for by name.  A page inside a 2 MiB mapping gets a page table
 *   of its own first.
 * - page_free() makes such a page writable and not executable again
 *   before pmem hands it out.
 *
 * Sources: Intel SDM Vol. 3A 4.5 (4-level paging, the entry formats in
 * Tables 4-15 to 4-20), 4.6 (access rights: with CR0.WP a read-only
 * page is read-only in ring 0 too; NX needs EFER.NXE, and without it
 * bit 63 is reserved), 4.10.4 (INVLPG and MOV to CR3 drop stale
 * translations).
 */

#include "kern.h"
#include "bootinfo.h"
#include "ksyms.h"
#include "multiboot2.h"
#include "pmap.h"
#include "pmem.h"
#include "specialreg.h"
#include "x86.h"

#define PMAP_EXEC_MAX	8	/* hypercall pages: one per interface */
#define PT_ENTRIES	512
#define LARGE_PAGE	0x200000ULL

extern uint64_t boot_pt[PT_ENTRIES];	/* boot.asm: the first 2 MiB */
extern char boot_stack_guard[], boot_stack[], boot_stack_top[];
extern char df_stack_guard[], df_stack[], df_stack_top[];
extern char __kernel_start[], __text_end[], __rodata_end[];
extern char __bss_start[], __data_end[], __kernel_end[];	/* linker.ld */

static bool	pmap_nx;
static struct {
	uintptr_t	 x_va;		/* 0: a free slot */
	const char	*x_what;
} pmap_exec[PMAP_EXEC_MAX];

void
pmap_init(void)
{
	boot_pt[0] = 0;
	invlpg(0);
	pmap_nx = (rdmsr(MSR_EFER) & EFER_NXE) != 0;
}

bool
pmap_has_nx(void)
{
	return pmap_nx;
}

static uint64_t *
pmap_table(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PG_FRAME);
}

/*
 * The entry that maps va at the last level: a PT entry, or the PD entry
 * of a 2 MiB page (*large true).  It may be not present.  NULL if a
 * level above it is missing, as for everything past 4 GiB.
 */
static uint64_t *
pmap_entry(uintptr_t va, bool *large)
{
	uint64_t *t = pmap_table(rcr3()), e;

	*large = false;
	if (va >> 47 != 0)		/* not in the lower canonical half */
		return NULL;
	e = t[(va >> 39) & 511];
	if ((e & PG_P) == 0)
		return NULL;
	e = pmap_table(e)[(va >> 30) & 511];
	if ((e & PG_P) == 0 || (e & PG_PS) != 0)	/* no 1 GiB pages */
		return NULL;
	t = &pmap_table(e)[(va >> 21) & 511];
	if ((*t & PG_P) == 0 || (*t & PG_PS) != 0) {
		*large = true;
		return t;
	}
	return &pmap_table(*t)[(va >> 12) & 511];
}

/*
 * Replace the 2 MiB page of *pde with a page table of 512 4 KiB pages
 * with the same rights.  The PD entry itself then grants everything: NX
 * there would forbid execution in all 512 pages below it.
 */
static int
pmap_split(uint64_t *pde)
{
	uint64_t *pt, base, rights;
	int i;

	if ((pt = page_alloc()) == NULL)
		return ENOMEM;
	base = *pde & PG_FRAME & ~(LARGE_PAGE - 1);
	rights = *pde & (PG_P | PG_RW | PG_NX);
	for (i = 0; i < PT_ENTRIES; i++)
		pt[i] = (base + (uint64_t)i * PAGE_SIZE) | rights;
	*pde = (uintptr_t)pt | PG_P | PG_RW;
	lcr3(rcr3());
	return 0;
}

static int
pmap_exec_slot(uintptr_t va)
{
	int i;

	for (i = 0; i < PMAP_EXEC_MAX; i++)
		if (pmap_exec[i].x_va == va)
			return i;
	return -1;
}

/*
 * Only a page of the heap: page-aligned, inside what pmem hands out, and
 * not the kernel's own.  Anything else is refused, not made executable.
 */
int
page_exec(void *page, const char *what)
{
	uintptr_t va = (uintptr_t)page;
	uint64_t *pte;
	bool large;
	int i, error;

	if (va % PAGE_SIZE != 0 || va < PMEM_LOW || va >= PMEM_HIGH ||
	    (va >= (uintptr_t)__kernel_start && va < (uintptr_t)__kernel_end))
		return EINVAL;
	if ((i = pmap_exec_slot(va)) == -1 && (i = pmap_exec_slot(0)) == -1)
		return ENOSPC;
	if ((pte = pmap_entry(va, &large)) == NULL || (*pte & PG_P) == 0)
		return EINVAL;
	if (large) {
		if ((error = pmap_split(pte)) != 0)
			return error;
		pte = pmap_entry(va, &large);
	}
	*pte &= ~(PG_RW | PG_NX);
	invlpg(va);
	pmap_exec[i].x_va = va;
	pmap_exec[i].x_what = what;
	return 0;
}

/*
 * A zeroed page from pmem: its physical address is also a pointer, as
 * the kernel maps the first 4 GiB 1:1 and pmem hands out only those.
 * It is writable and not executable, as all memory outside the kernel's
 * code is until page_exec().
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
	uintptr_t va = (uintptr_t)page;
	uint64_t *pte;
	bool large;
	int i;

	if (va != 0 && (i = pmap_exec_slot(va)) != -1) {
		if ((pte = pmap_entry(va, &large)) != NULL)
			*pte |= PG_RW | (pmap_nx ? PG_NX : 0);
		invlpg(va);
		pmap_exec[i].x_va = 0;
	}
	pmem_free(va);
}

bool
page_mapped(uint64_t pa)
{
	return pa >= PAGE_SIZE && pa < PMEM_HIGH;
}

const char *
pmap_exec_name(uintptr_t va, uintptr_t *off)
{
	int i;

	if ((i = pmap_exec_slot(va & ~(uintptr_t)(PAGE_SIZE - 1))) == -1 ||
	    va < PAGE_SIZE)
		return NULL;
	*off = va % PAGE_SIZE;
	return pmap_exec[i].x_what;
}

const char *
pmap_guard(uintptr_t va)
{
	if (va - (uintptr_t)boot_stack_guard < PAGE_SIZE)
		return "boot stack";
	if (va - (uintptr_t)df_stack_guard < PAGE_SIZE)
		return "#DF stack";
	return NULL;
}

/* The kernel's part va lies in, or NULL. */
static const char *
pmap_image_part(uintptr_t va)
{
	if (va < (uintptr_t)__kernel_start || va >= (uintptr_t)__kernel_end)
		return NULL;
	if (va < (uintptr_t)__text_end)
		return "the kernel's code (.text)";
	if (va < (uintptr_t)__rodata_end)
		return "the kernel's read-only data (.rodata)";
	if (va - (uintptr_t)boot_stack < (uintptr_t)(boot_stack_top -
	    boot_stack))
		return "the boot stack";
	if (va - (uintptr_t)df_stack < (uintptr_t)(df_stack_top - df_stack))
		return "the #DF stack";
	if (va < (uintptr_t)__bss_start)
		return "the kernel's data (.data)";
	if (va < (uintptr_t)__data_end)
		return "the kernel's .bss";
	return "the kernel's symbol table (.ksyms)";
}

/* Outside the image: what the loader's memory map says is there. */
static void
pmap_describe_other(uintptr_t va, char *buf, size_t len)
{
	const struct bi_mmap *m;
	int i;

	for (i = 0; i < bootinfo.bi_nmmap && i < BI_MMAP_MAX; i++) {
		m = &bootinfo.bi_mmap[i];
		if (va - m->mm_base < m->mm_length) {
			snprintf(buf, len, "page 0x%lx, %s outside the kernel",
			    (unsigned long)(va & ~(uintptr_t)(PAGE_SIZE - 1)),
			    m->mm_type == MB2_MEMORY_AVAILABLE ? "RAM" :
			    "reserved memory");
			return;
		}
	}
	snprintf(buf, len, "page 0x%lx, in no region of the memory map "
	    "(MMIO, or nothing)",
	    (unsigned long)(va & ~(uintptr_t)(PAGE_SIZE - 1)));
}

/* ", mapped r-x" and so on, from the entry that maps va. */
static void
pmap_describe_rights(uintptr_t va, char *buf, size_t len)
{
	uint64_t *pte;
	bool large;

	if ((pte = pmap_entry(va, &large)) == NULL || (*pte & PG_P) == 0) {
		snprintf(buf, len, ", not mapped");
		return;
	}
	/* Without EFER.NXE every present page can be executed. */
	snprintf(buf, len, ", mapped r%c%c%s", *pte & PG_RW ? 'w' : '-',
	    pmap_nx && (*pte & PG_NX) != 0 ? '-' : 'x',
	    large ? " (a 2 MiB page)" : "");
}

void
pmap_describe(uintptr_t va, char *buf, size_t len)
{
	const char *what, *name;
	uintptr_t off;
	size_t n;
	int i;

	if (va >> 47 != 0 && va >> 47 != 0x1ffff)
		what = "a non-canonical address";
	else if (va >= PMEM_HIGH)
		what = "above the 4 GiB the kernel maps";
	else if (va < PAGE_SIZE)
		what = "page 0 (a NULL pointer?)";
	else if ((what = pmap_guard(va)) != NULL) {
		snprintf(buf, len, "the guard page below the %s", what);
		what = NULL;
	} else if ((i = pmap_exec_slot(va & ~(uintptr_t)(PAGE_SIZE - 1))) !=
	    -1) {
		snprintf(buf, len, "the %s at 0x%lx", pmap_exec[i].x_what,
		    (unsigned long)pmap_exec[i].x_va);
		what = NULL;
	} else if ((what = pmap_image_part(va)) == NULL)
		pmap_describe_other(va, buf, len);
	if (what != NULL)
		snprintf(buf, len, "%s", what);
	n = strlen(buf);
	if ((name = ksym_lookup(va, &off)) != NULL && n < len)
		n += snprintf(buf + n, len - n, ", %s+0x%lx", name,
		    (unsigned long)off);
	if (n < len)
		pmap_describe_rights(va, buf + n, len - n);
}

/*
 * The kernel's page tables: boot/boot.asm builds them (the first 4 GiB
 * mapped 1:1, each page with the rights of what it holds, nothing both
 * writable and executable); pmap.c takes page 0 away, gives single heap
 * pages the right to be executed (page_exec(), pmem.h), and tells a crash
 * report what an address is.
 */
#ifndef _KERNEL_PMAP_H_
#define _KERNEL_PMAP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Unmap page 0, so that from now on a NULL dereference is a #PF, and
 * note whether the CPU enforces NX (boot.asm set EFER.NXE if it could).
 */
void	pmap_init(void);

/* EFER.NXE is set: pages marked NX cannot be executed. */
bool	pmap_has_nx(void);

/*
 * What va is, in words, for a crash report: the part of the kernel and
 * the symbol, a stack or its guard page, a hypercall page, page 0, RAM
 * or not; then how the page is mapped ("rw-", "r-x", "not mapped").
 */
void	pmap_describe(uintptr_t va, char *buf, size_t len);

/*
 * The name page_exec() was given for the page holding va ("Xen hypercall
 * page"), and va's offset in it; NULL if va is in no such page.
 */
const char *pmap_exec_name(uintptr_t va, uintptr_t *off);

/*
 * The stack whose guard page va is in ("boot stack", "#DF stack"), or
 * NULL if it is in none.
 */
const char *pmap_guard(uintptr_t va);

#endif

/*
 * The kernel's page tables: boot/boot.asm builds them (the first 4 GiB
 * mapped 1:1); pmap.c only takes pages away.
 */
#ifndef _KERNEL_PMAP_H_
#define _KERNEL_PMAP_H_

/*
 * Unmap page 0, so that from now on a NULL dereference is a #PF, and make
 * the kernel's code read-only.
 */
void	pmap_init(void);

#endif

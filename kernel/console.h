/*
 * The console devices: COM1 (console.c) and the VGA text screen (vga.c).
 * printf() reaches both through cons_putc() in kern.h.
 */
#ifndef _KERNEL_CONSOLE_H_
#define _KERNEL_CONSOLE_H_

#include <stdbool.h>

struct bootinfo;

void	cons_init(void);
bool	cons_has_serial(void);	/* COM1 found and not stuck */

/* Use the EGA text screen the loader described, if it did. */
void	vga_init(const struct bootinfo *bi);
void	vga_putc(int c);

#endif

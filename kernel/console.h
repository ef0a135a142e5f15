/*
 * The console: COM1 (console.c), which carries the report, and the
 * screen (screen.c), which shows it to a person: EGA text (vga.c) or a
 * framebuffer (fbcons.c), whichever the loader left.  printf() reaches
 * both through cons_putc() in kern.h.
 */
#ifndef _KERNEL_CONSOLE_H_
#define _KERNEL_CONSOLE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bootinfo;
struct bi_framebuffer;

void	cons_init(void);
bool	cons_has_serial(void);	/* COM1 found and not stuck */

/*
 * Show the report on the screen the loader described, if it can be
 * drawn on: it then shows what was printed so far, and says what it is
 * ("vga0 at mainbus0: ..." or "fb0 at mainbus0: ...").  A screen that
 * cannot be drawn on safely gets one "# screen: ..." line saying why.
 */
void	cons_attach_screen(const struct bootinfo *bi);	/* cons_screen.c */

/* The lines kept before: onto the screen (show) or dropped. */
void	cons_early_flush(bool show);

/*
 * The summary panel over the screen's top rows (screen.h, scr_panel());
 * from then on only the serial port gets text.
 */
void	cons_panel(const char *const *lines, int nlines, uint8_t attr);

/* vga.c: the EGA text screen; as fbcons_check() and fbcons_start(). */
int	vga_check(const struct bootinfo *bi, char *why, size_t whylen);
void	vga_start(const struct bi_framebuffer *fb, void *base, char *desc,
	    size_t desclen);

#endif

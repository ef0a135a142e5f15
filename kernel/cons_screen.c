/*
 * Attaching the screen to the console, once the boot information is
 * read: EGA text (vga.c) or a framebuffer (fbcons.c), whichever the
 * loader described and its checks accept, then the lines printed so far
 * shown on it and its "vga0/fb0 at mainbus0" line.  Kept apart from
 * console.c, which printf() writes through, because this file prints.
 */

#include "kern.h"
#include "bootinfo.h"
#include "console.h"
#include "fbcons.h"
#include "multiboot2.h"

/*
 * The screen memory is used at its physical address: the kernel maps
 * the first 4 GiB 1:1 (boot/boot.asm), and the checks keep the screen
 * below that and off RAM.
 */
void
cons_attach_screen(const struct bootinfo *bi)
{
	const struct bi_framebuffer *fb = &bi->bi_fb;
	void *base = (void *)(uintptr_t)fb->fb_addr;
	char why[BI_MSG_MAX], desc[160];
	bool text = fb->fb_type == MB2_FB_TYPE_EGA_TEXT;

	if (!bi->bi_has_fb) {
		cons_early_flush(false);
		return;
	}
	if ((text ? vga_check(bi, why, sizeof(why)) :
	    fbcons_check(bi, why, sizeof(why))) != 0) {
		cons_early_flush(false);
		printf("# screen: the %s is not used: %s\n", text ?
		    "EGA text screen" : "framebuffer", why);
		return;
	}
	if (text)
		vga_start(fb, base, desc, sizeof(desc));
	else
		fbcons_start(fb, base, desc, sizeof(desc));
	cons_early_flush(true);
	printf("%s\n", desc);
}


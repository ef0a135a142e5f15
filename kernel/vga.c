/*
 * The EGA text screen, so a person watching a VMware or Hyper-V Gen1
 * window sees the same report as the serial port.  Used when the loader
 * says the screen is in EGA text mode (multiboot2 framebuffer tag of
 * type 2, Multiboot2 Specification 2.0, 3.6.12; GRUB on BIOS gives it
 * unless told to set a graphics mode).  UEFI machines have no text
 * mode: fbcons.c draws there.  A PVH boot describes no screen at all.
 *
 * Each cell is a character byte and an attribute byte (IBM VGA
 * Technical Reference, "Alphanumeric Modes"), the very format of the
 * screen grid (screen.h), so drawing a cell is one 16-bit store.  The
 * grid draws only cells that change: the screen memory, slow under
 * emulation, is only written.  Scrolling moves one line at a time, as
 * a text screen always has.
 */

#include "kern.h"
#include "bootinfo.h"
#include "console.h"
#include "fbcons.h"
#include "multiboot2.h"
#include "screen.h"
#include "x86.h"

/*
 * The CRT controller's index and data ports (colour mode), and its
 * Cursor Start register, whose bit 5 turns the blinking cursor off
 * (IBM VGA Technical Reference, "CRT Controller Registers", index 0Ah).
 * The report has no cursor; GRUB leaves it wherever it last wrote.
 */
#define VGA_CRTC_INDEX		0x3d4
#define VGA_CRTC_DATA		0x3d5
#define VGA_CRTC_CURSOR_START	0x0a
#define VGA_CURSOR_OFF		0x20

static volatile uint16_t *vga_mem;
static unsigned	vga_stride;	/* cells per line */

int
vga_check(const struct bootinfo *bi, char *why, size_t whylen)
{
	const struct bi_framebuffer *fb = &bi->bi_fb;

	if (fb->fb_width == 0 || fb->fb_height == 0 ||
	    fb->fb_width > SCR_COLS_MAX || fb->fb_height > SCR_ROWS_MAX) {
		snprintf(why, whylen, "%ux%u characters is no text screen (at "
		    "most %ux%u)", fb->fb_width, fb->fb_height, SCR_COLS_MAX,
		    SCR_ROWS_MAX);
		return EINVAL;
	}
	if (fb->fb_pitch / 2 < fb->fb_width || fb->fb_pitch % 2 != 0) {
		snprintf(why, whylen, "its pitch of %u bytes does not hold a "
		    "line of %u two-byte cells", fb->fb_pitch, fb->fb_width);
		return EINVAL;
	}
	return fb_memory_check(bi, fb->fb_addr,
	    (uint64_t)fb->fb_pitch * fb->fb_height, why, whylen);
}

static void
vga_draw(unsigned col, unsigned row, uint16_t cell)
{
	vga_mem[row * vga_stride + col] = cell;
}

void
vga_start(const struct bi_framebuffer *fb, void *base, char *desc,
    size_t desclen)
{
	unsigned col, row;

	vga_mem = base;
	vga_stride = fb->fb_pitch / 2;
	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_START);
	outb(VGA_CRTC_DATA, VGA_CURSOR_OFF);
	for (row = 0; row < fb->fb_height; row++)
		for (col = 0; col < fb->fb_width; col++)
			vga_draw(col, row, SCR_CELL(' ', SCR_ATTR_TEXT));
	scr_attach(fb->fb_width, fb->fb_height, 1, vga_draw);
	snprintf(desc, desclen, "vga0 at mainbus0: EGA text %ux%u at 0x%lx",
	    fb->fb_width, fb->fb_height, (unsigned long)fb->fb_addr);
}

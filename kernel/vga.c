/*
 * The VGA text screen, so a person watching a VMware or Hyper-V Gen1
 * window sees the same report as the serial port.  Used only when the
 * loader says the screen is in EGA text mode (multiboot2 framebuffer tag
 * of type 2; GRUB on BIOS gives it): UEFI machines have no text mode,
 * and a PVH boot gives no framebuffer description at all.
 *
 * Each cell is a character byte and an attribute byte (IBM VGA Technical
 * Reference, "Alphanumeric Modes").  Scrolling copies a RAM shadow, so
 * the screen memory, which is slow under emulation, is only written.
 */

#include "kern.h"
#include "bootinfo.h"
#include "console.h"
#include "multiboot2.h"

#define VGA_ATTR	0x07	/* light grey on black */
#define VGA_MAXCELLS	(132 * 60)

static volatile uint16_t *vga_mem;
static uint16_t	vga_shadow[VGA_MAXCELLS];
static unsigned	vga_cols, vga_rows, vga_col, vga_row;

static void
vga_sync(void)
{
	unsigned i;

	for (i = 0; i < vga_cols * vga_rows; i++)
		vga_mem[i] = vga_shadow[i];
}

static void
vga_clear_row(unsigned row)
{
	unsigned i;

	for (i = 0; i < vga_cols; i++)
		vga_shadow[row * vga_cols + i] = VGA_ATTR << 8 | ' ';
}

void
vga_init(const struct bootinfo *bi)
{
	const struct bi_framebuffer *fb = &bi->bi_fb;
	unsigned row;

	if (!bi->bi_has_fb || fb->fb_type != MB2_FB_TYPE_EGA_TEXT ||
	    fb->fb_width == 0 || fb->fb_height == 0 ||
	    fb->fb_width * fb->fb_height > VGA_MAXCELLS ||
	    fb->fb_addr < 0x1000 || fb->fb_addr >= 0x100000000)
		return;
	vga_cols = fb->fb_width;
	vga_rows = fb->fb_height;
	vga_col = vga_row = 0;
	for (row = 0; row < vga_rows; row++)
		vga_clear_row(row);
	vga_mem = (volatile uint16_t *)(uintptr_t)fb->fb_addr;
	vga_sync();
}

static void
vga_newline(void)
{
	vga_col = 0;
	if (++vga_row < vga_rows)
		return;
	memmove(vga_shadow, vga_shadow + vga_cols,
	    (vga_rows - 1) * vga_cols * sizeof(vga_shadow[0]));
	vga_row = vga_rows - 1;
	vga_clear_row(vga_row);
	vga_sync();
}

void
vga_putc(int c)
{
	unsigned cell;

	if (vga_mem == NULL || c == '\r')
		return;
	if (c == '\n') {
		vga_newline();
		return;
	}
	if (vga_col == vga_cols)
		vga_newline();
	cell = vga_row * vga_cols + vga_col++;
	vga_shadow[cell] = VGA_ATTR << 8 | (uint8_t)c;
	vga_mem[cell] = vga_shadow[cell];
}

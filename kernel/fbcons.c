/*
 * The framebuffer console: the report on a UEFI machine's screen
 * (Hyper-V Generation 2, VMware EFI, OVMF), which has no text mode, and
 * on a BIOS machine where GRUB set a VESA graphics mode.
 *
 * GRUB describes the framebuffer in the multiboot2 framebuffer tag
 * (Multiboot2 Specification 2.0, 3.6.12): its address, pitch (bytes
 * per line), width and height in pixels, bits per pixel, and for type 1
 * (RGB) where each colour's field lies in a pixel.  That covers every
 * usual format: 32 bits BGRX (what OVMF gives: UEFI GOP's
 * PixelBlueGreenRedReserved8BitPerColor) and RGBX, 24 bits, and 16 (or
 * 15) bits 5:6:5, as VESA BIOSes offer.  Each cell of the screen grid (screen.c)
 * is drawn as a glyph of the console font (font.h) in two colours of the
 * VGA palette, so a framebuffer shows what the EGA text screen shows.
 * On a screen 1920 pixels wide or more each font pixel is drawn 2x2, so
 * the text stays readable.
 *
 * Framebuffer memory is only written: the grid keeps what is on the
 * screen, and a cell is drawn only when it changes.  A framebuffer that
 * cannot be drawn on safely is refused (fbcons_check()), and the report
 * goes on over the serial port.
 */

#include "kern.h"
#include "bootinfo.h"
#include "fbcons.h"
#include "font.h"
#include "multiboot2.h"
#include "screen.h"

#define FB_4GIB		0x100000000ULL

/*
 * The default VGA palette: the 16 CGA colours, 0xAA for "on" and 0x55
 * for "bright" (IBM VGA Technical Reference, the DAC's power-on values),
 * with brown for dark yellow.
 */
const uint32_t fb_vga_palette[16] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa,
	0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
	0x555555, 0x5555ff, 0x55ff55, 0x55ffff,
	0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

typedef void	fb_row_fn(volatile uint8_t *, uint8_t, uint32_t, uint32_t);

static struct {
	volatile uint8_t *fc_base;
	uint32_t	fc_pitch;
	unsigned	fc_bytes;	/* per pixel: 2, 3 or 4 */
	unsigned	fc_scale;	/* each font pixel is scale x scale */
	fb_row_fn	*fc_row;
	uint32_t	fc_pal[16];	/* the palette as pixel values */
} fc;

static unsigned
fb_bytes(uint8_t bpp)
{
	switch (bpp) {
	case 15:
	case 16:	return 2;
	case 24:	return 3;
	case 32:	return 4;
	default:	return 0;
	}
}

int
fb_memory_check(const struct bootinfo *bi, uint64_t addr, uint64_t len,
    char *why, size_t whylen)
{
	const struct bi_mmap *m;
	uint64_t end;
	int i;

	if (addr == 0) {
		snprintf(why, whylen, "it is at address 0");
		return EINVAL;
	}
	if (addr >= FB_4GIB || len > FB_4GIB - addr) {
		snprintf(why, whylen, "0x%lx, %lu bytes, does not end below "
		    "4 GiB, all the kernel maps", (unsigned long)addr,
		    (unsigned long)len);
		return EINVAL;
	}
	if (bi->bi_nmmap == 0) {
		snprintf(why, whylen, "there is no memory map to tell RAM "
		    "from screen memory");
		return EINVAL;
	}
	end = addr + len;
	for (i = 0; i < bi->bi_nmmap; i++) {
		m = &bi->bi_mmap[i];
		if (m->mm_type != MB2_MEMORY_AVAILABLE &&
		    m->mm_type != MB2_MEMORY_ACPI_RECLAIMABLE &&
		    m->mm_type != MB2_MEMORY_NVS)
			continue;
		if (addr >= m->mm_base ? addr - m->mm_base >= m->mm_length :
		    m->mm_base >= end)
			continue;	/* no overlap (no sum can wrap) */
		snprintf(why, whylen, "0x%lx-0x%lx overlaps %s at "
		    "0x%lx-0x%lx (memory map entry %d), which drawing would "
		    "overwrite", (unsigned long)addr, (unsigned long)end - 1,
		    m->mm_type == MB2_MEMORY_AVAILABLE ? "RAM" : "ACPI memory",
		    (unsigned long)m->mm_base,
		    (unsigned long)(m->mm_base + m->mm_length - 1), i);
		return EINVAL;
	}
	return 0;
}

/* A colour field: 1 to 8 bits (more are drawn as 8), inside the pixel. */
static int
fb_field_check(const char *name, uint8_t pos, uint8_t size, uint8_t bpp,
    char *why, size_t whylen)
{
	if (size == 0 || size > 8) {
		snprintf(why, whylen, "its %s field is %u bits wide; the "
		    "console draws 1 to 8", name, size);
		return EINVAL;
	}
	if (pos + size > bpp) {
		snprintf(why, whylen, "its %s field, bits %u-%u, does not fit "
		    "in a %u-bit pixel", name, pos, pos + size - 1, bpp);
		return EINVAL;
	}
	return 0;
}

static uint32_t
fb_mask(uint8_t pos, uint8_t size)
{
	return ((1u << size) - 1) << pos;
}

static int
fb_fields_check(const struct bi_framebuffer *fb, char *why, size_t whylen)
{
	uint32_t r, g, b;

	if (fb_field_check("red", fb->fb_red_pos, fb->fb_red_size,
	    fb->fb_bpp, why, whylen) != 0 ||
	    fb_field_check("green", fb->fb_green_pos, fb->fb_green_size,
	    fb->fb_bpp, why, whylen) != 0 ||
	    fb_field_check("blue", fb->fb_blue_pos, fb->fb_blue_size,
	    fb->fb_bpp, why, whylen) != 0)
		return EINVAL;
	r = fb_mask(fb->fb_red_pos, fb->fb_red_size);
	g = fb_mask(fb->fb_green_pos, fb->fb_green_size);
	b = fb_mask(fb->fb_blue_pos, fb->fb_blue_size);
	if ((r & g) != 0 || (r & b) != 0 || (g & b) != 0) {
		snprintf(why, whylen, "its colour fields overlap (red %u:%u, "
		    "green %u:%u, blue %u:%u)", fb->fb_red_pos,
		    fb->fb_red_size, fb->fb_green_pos, fb->fb_green_size,
		    fb->fb_blue_pos, fb->fb_blue_size);
		return EINVAL;
	}
	return 0;
}

int
fbcons_check(const struct bootinfo *bi, char *why, size_t whylen)
{
	const struct bi_framebuffer *fb = &bi->bi_fb;
	unsigned bytes = fb_bytes(fb->fb_bpp);

	if (fb->fb_type == MB2_FB_TYPE_INDEXED) {
		snprintf(why, whylen, "it has indexed colour (a palette), "
		    "which the console does not draw");
		return EINVAL;
	}
	if (fb->fb_type != MB2_FB_TYPE_RGB) {
		snprintf(why, whylen, "its type %u is none that multiboot2 "
		    "defines", fb->fb_type);
		return EINVAL;
	}
	if (!fb->fb_has_rgb) {
		snprintf(why, whylen, "its tag is too short to say where red, "
		    "green and blue lie in a pixel");
		return EINVAL;
	}
	if (bytes == 0) {
		snprintf(why, whylen, "it has %u bits per pixel; the console "
		    "draws 15, 16, 24 or 32", fb->fb_bpp);
		return EINVAL;
	}
	if (fb->fb_width < FONT_WIDTH || fb->fb_height < FONT_HEIGHT ||
	    fb->fb_width > FB_DIM_MAX || fb->fb_height > FB_DIM_MAX) {
		snprintf(why, whylen, "%ux%u pixels is no screen (from %ux%u, "
		    "one character, to %ux%u)", fb->fb_width, fb->fb_height,
		    FONT_WIDTH, FONT_HEIGHT, FB_DIM_MAX, FB_DIM_MAX);
		return EINVAL;
	}
	if (fb->fb_pitch / bytes < fb->fb_width) {
		snprintf(why, whylen, "its pitch of %u bytes is less than a "
		    "line of %u pixels of %u bytes", fb->fb_pitch,
		    fb->fb_width, bytes);
		return EINVAL;
	}
	if (fb_fields_check(fb, why, whylen) != 0)
		return EINVAL;
	if (fb->fb_addr == 0) {
		/* Seen: GRUB on OVMF's virtio-gpu, whose GOP only blits. */
		snprintf(why, whylen, "it is at address 0: the firmware gave "
		    "GRUB no linear framebuffer");
		return EINVAL;
	}
	return fb_memory_check(bi, fb->fb_addr,
	    (uint64_t)fb->fb_pitch * fb->fb_height, why, whylen);
}

/* The top bits of an 8-bit colour, placed in their field. */
static uint32_t
fb_channel(uint32_t v8, uint8_t pos, uint8_t size)
{
	return (v8 >> (8 - size)) << pos;
}

uint32_t
fbcons_pixel(const struct bi_framebuffer *fb, uint32_t rgb)
{
	return fb_channel((rgb >> 16) & 0xff, fb->fb_red_pos,
	    fb->fb_red_size) |
	    fb_channel((rgb >> 8) & 0xff, fb->fb_green_pos,
	    fb->fb_green_size) |
	    fb_channel(rgb & 0xff, fb->fb_blue_pos, fb->fb_blue_size);
}

/*
 * One row of a glyph: 8 font pixels, each scale pixels wide, from bit 7
 * of bits on.  One function per pixel size, so the loop has no switch.
 */
static void
fb_row32(volatile uint8_t *p, uint8_t bits, uint32_t fg, uint32_t bg)
{
	volatile uint32_t *q = (volatile uint32_t *)p;
	unsigned x, i;
	uint32_t v;

	for (x = 0; x < FONT_WIDTH; x++) {
		v = bits & (0x80 >> x) ? fg : bg;
		for (i = 0; i < fc.fc_scale; i++)
			*q++ = v;
	}
}

static void
fb_row16(volatile uint8_t *p, uint8_t bits, uint32_t fg, uint32_t bg)
{
	volatile uint16_t *q = (volatile uint16_t *)p;
	unsigned x, i;
	uint16_t v;

	for (x = 0; x < FONT_WIDTH; x++) {
		v = (uint16_t)(bits & (0x80 >> x) ? fg : bg);
		for (i = 0; i < fc.fc_scale; i++)
			*q++ = v;
	}
}

static void
fb_row24(volatile uint8_t *p, uint8_t bits, uint32_t fg, uint32_t bg)
{
	unsigned x, i;
	uint32_t v;

	for (x = 0; x < FONT_WIDTH; x++) {
		v = bits & (0x80 >> x) ? fg : bg;
		for (i = 0; i < fc.fc_scale; i++) {
			*p++ = (uint8_t)v;	/* little-endian, as fields */
			*p++ = (uint8_t)(v >> 8);
			*p++ = (uint8_t)(v >> 16);
		}
	}
}

/* The background is 3 bits, as in EGA text, where bit 7 blinks. */
static void
fbcons_draw(unsigned col, unsigned row, uint16_t cell)
{
	const uint8_t *glyph = font_glyph((unsigned char)cell);
	uint32_t fg = fc.fc_pal[(cell >> 8) & 0xf];
	uint32_t bg = fc.fc_pal[(cell >> 12) & 0x7];
	unsigned s = fc.fc_scale, y, i;
	volatile uint8_t *line = fc.fc_base +
	    (size_t)row * FONT_HEIGHT * s * fc.fc_pitch +
	    (size_t)col * FONT_WIDTH * s * fc.fc_bytes;

	for (y = 0; y < FONT_HEIGHT; y++)
		for (i = 0; i < s; i++, line += fc.fc_pitch)
			fc.fc_row(line, glyph[y], fg, bg);
}

/* "BGRX", "RGB565" and the like, or the fields' positions and sizes. */
static void
fb_format_name(const struct bi_framebuffer *fb, char *buf, size_t len)
{
	uint8_t r = fb->fb_red_pos, g = fb->fb_green_pos, b = fb->fb_blue_pos;
	bool eights = fb->fb_red_size == 8 && fb->fb_green_size == 8 &&
	    fb->fb_blue_size == 8;
	const char *x = fb->fb_bpp == 32 ? "X" : "";

	if (eights && b == 0 && g == 8 && r == 16)
		snprintf(buf, len, "BGR%s", x);
	else if (eights && r == 0 && g == 8 && b == 16)
		snprintf(buf, len, "RGB%s", x);
	else if (fb->fb_bpp == 16 && r == 11 && fb->fb_red_size == 5 &&
	    g == 5 && fb->fb_green_size == 6 && b == 0 &&
	    fb->fb_blue_size == 5)
		snprintf(buf, len, "RGB565");
	else
		snprintf(buf, len, "red %u:%u green %u:%u blue %u:%u", r,
		    fb->fb_red_size, g, fb->fb_green_size, b,
		    fb->fb_blue_size);
}

void
fbcons_start(const struct bi_framebuffer *fb, void *base, char *desc,
    size_t desclen)
{
	unsigned cols, rows, y, i;
	volatile uint8_t *line;
	char format[48];

	memset(&fc, 0, sizeof(fc));
	fc.fc_base = base;
	fc.fc_pitch = fb->fb_pitch;
	fc.fc_bytes = fb_bytes(fb->fb_bpp);
	fc.fc_scale = fb->fb_width >= FB_WIDE ? 2 : 1;
	fc.fc_row = fc.fc_bytes == 4 ? fb_row32 : fc.fc_bytes == 3 ?
	    fb_row24 : fb_row16;
	for (i = 0; i < nitems(fc.fc_pal); i++)
		fc.fc_pal[i] = fbcons_pixel(fb, fb_vga_palette[i]);
	/* Black (0 in every format) everywhere: cells start out blank. */
	for (y = 0, line = fc.fc_base; y < fb->fb_height; y++,
	    line += fc.fc_pitch) {
		for (i = 0; i + 4 <= fb->fb_width * fc.fc_bytes; i += 4)
			*(volatile uint32_t *)(line + i) = 0;
		for (; i < fb->fb_width * fc.fc_bytes; i++)
			line[i] = 0;
	}
	cols = fb->fb_width / (FONT_WIDTH * fc.fc_scale);
	rows = fb->fb_height / (FONT_HEIGHT * fc.fc_scale);
	cols = cols > SCR_COLS_MAX ? SCR_COLS_MAX : cols;
	rows = rows > SCR_ROWS_MAX ? SCR_ROWS_MAX : rows;
	scr_attach(cols, rows, rows / 3, fbcons_draw);
	fb_format_name(fb, format, sizeof(format));
	snprintf(desc, desclen, "fb0 at mainbus0: %ux%u at 0x%lx, %u bpp %s, "
	    "%ux%u text in %s%s", fb->fb_width, fb->fb_height,
	    (unsigned long)fb->fb_addr, fb->fb_bpp, format, cols, rows,
	    font_name, fc.fc_scale > 1 ? " at 2x" : "");
}

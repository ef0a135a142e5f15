/*
 * The console font: GNU Unifont at 16 pixels, from GRUB's unicode.pf2
 * (Debian grub-common), converted at build time by tools/mkfont.py into
 * $(BUILD)/kernel/font.c.  One 8x16 cell per printable ASCII character;
 * any other byte is drawn as the font's U+FFFD, so it never shows as
 * a blank.
 */
#ifndef _KERNEL_FONT_H_
#define _KERNEL_FONT_H_

#include <stdint.h>

#define FONT_WIDTH	8	/* pixels; bit 7 of a row is the leftmost */
#define FONT_HEIGHT	16
#define FONT_FIRST	0x20
#define FONT_LAST	0x7e
#define FONT_NGLYPHS	(FONT_LAST - FONT_FIRST + 1)

extern const char	font_name[];	/* "Unifont Regular 16" */
extern const uint8_t	font_glyphs[FONT_NGLYPHS][FONT_HEIGHT];
extern const uint8_t	font_placeholder[FONT_HEIGHT];

/* The rows of byte c's glyph. */
static inline const uint8_t *
font_glyph(unsigned char c)
{
	if (c < FONT_FIRST || c > FONT_LAST)
		return font_placeholder;
	return font_glyphs[c - FONT_FIRST];
}

#endif

/*
 * The framebuffer console (fbcons.c): the screen's cells drawn with the
 * console font into a linear RGB framebuffer, as GRUB sets one up
 * through UEFI GOP or the VESA BIOS, and the checks that decide whether
 * a framebuffer the loader describes may be drawn on at all.
 */
#ifndef _KERNEL_FBCONS_H_
#define _KERNEL_FBCONS_H_

#include <stddef.h>
#include <stdint.h>

struct bootinfo;
struct bi_framebuffer;

#define FB_DIM_MAX	16384	/* pixels; more is not a screen */
#define FB_WIDE		1920	/* from this width on, glyphs are 2x */

/*
 * May the screen memory addr..addr+len-1 be written?  It must lie below
 * 4 GiB (the kernel maps that much, 1:1), and there must be a memory
 * map, in which it overlaps no RAM or ACPI memory, which the kernel or
 * the firmware keeps data in.  Returns 0, or EINVAL with the reason in
 * why.
 */
int	fb_memory_check(const struct bootinfo *bi, uint64_t addr,
	    uint64_t len, char *why, size_t whylen);

/*
 * Is bi's framebuffer one the console can draw on: RGB, 15, 16, 24 or
 * 32 bits per pixel, fields that fit, a pitch that holds a line, at
 * least one character cell, and memory fb_memory_check() accepts?
 * Returns 0, or EINVAL with one sentence in why.
 */
int	fbcons_check(const struct bootinfo *bi, char *why, size_t whylen);

/*
 * Draw the screen on fb (checked) at base, its memory: the kernel
 * passes fb_addr, mapped 1:1; the unit tests memory of their own.
 * Clears it, attaches the screen grid, and writes a dmesg-style
 * description of what it drew ("fb0 at mainbus0: ...") into desc.
 */
void	fbcons_start(const struct bi_framebuffer *fb, void *base, char *desc,
	    size_t desclen);

/* 0xRRGGBB as a pixel value of fb's format. */
uint32_t fbcons_pixel(const struct bi_framebuffer *fb, uint32_t rgb);

/* The 16-colour VGA palette as 0xRRGGBB, which both consoles show. */
extern const uint32_t fb_vga_palette[16];

#endif

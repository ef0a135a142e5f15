/*
 * The screen: what a person watching the VM's window reads.  The
 * console (console.c) writes the report into a grid of character
 * cells here; a backend draws the cells on what the loader left us:
 * the EGA text screen (vga.c) or a linear RGB framebuffer (fbcons.c).
 *
 * A cell is a character byte and a VGA attribute byte, as in EGA text
 * memory (IBM VGA Technical Reference, "Alphanumeric Modes"): the
 * foreground colour in bits 3:0, the background in bits 6:4, both from
 * the 16-colour VGA palette.  The grid keeps two copies of the screen:
 * what it should show (the last rows of the report, from a ring of
 * rows) and what the backend last drew.  Only cells that differ are
 * drawn, so the backend's memory is only ever written, never read
 * (reads from a framebuffer are slow on real hardware), and a scroll
 * costs one draw per changed cell.
 *
 * Scrolling jumps: when the text reaches the bottom, the view moves up
 * by `jump' rows at once (one for EGA text, a quarter of the screen on
 * a framebuffer, where a redraw is dear).  At the end the summary
 * panel (scr_panel()) is laid over the top rows, the view settles so
 * that the last line of the report is on the bottom row, and the
 * screen is left alone from then on.
 */
#ifndef _KERNEL_SCREEN_H_
#define _KERNEL_SCREEN_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCR_COLS_MAX	256
#define SCR_ROWS_MAX	96

/* VGA palette indices (IBM VGA Technical Reference, the default DAC). */
#define SCR_BLACK	0x0
#define SCR_GREEN	0x2
#define SCR_RED		0x4
#define SCR_BROWN	0x6	/* dark yellow: the amber of a halt */
#define SCR_LIGHTGREY	0x7
#define SCR_WHITE	0xf
#define SCR_ATTR(fg, bg)	((uint8_t)((bg) << 4 | (fg)))
#define SCR_ATTR_TEXT	SCR_ATTR(SCR_LIGHTGREY, SCR_BLACK)
#define SCR_CELL(c, attr)	((uint16_t)((attr) << 8 | (uint8_t)(c)))

/* Draw one cell at (col, row); called only for cells that changed. */
typedef void	scr_draw_fn(unsigned col, unsigned row, uint16_t cell);

/*
 * Start drawing on a cols x rows screen (each at least 1, cut to the
 * maxima) whose every cell now shows a blank SCR_ATTR_TEXT cell.
 * Text written before this is not shown; the console replays it.
 */
void	scr_attach(unsigned cols, unsigned rows, unsigned jump,
	    scr_draw_fn *draw);
bool	scr_attached(void);
void	scr_size(unsigned *cols, unsigned *rows);

/* One byte of the report: '\n' ends a line, '\r' is ignored. */
void	scr_putc(int c);

/*
 * Lay nlines lines of text (cut at the screen's width) over the top
 * rows in attr, the view settled on the end of the report; the screen
 * takes no more text after this.  Text is drawn as written: the caller
 * escapes what came from outside.  At most half the rows are used.
 */
void	scr_panel(const char *const *lines, int nlines, uint8_t attr);

/* The cell a test reads back at (col, row) of what was drawn. */
uint16_t scr_drawn(unsigned col, unsigned row);

/* Forget everything (the unit tests use one screen after another). */
void	scr_detach(void);

#endif

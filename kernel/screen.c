/*
 * The grid of character cells behind the screen (see screen.h).
 *
 * Rows are counted from the first one written: s_row is the row being
 * written, s_top the row shown on the screen's top line.  The ring
 * keeps the last rows + 1 of them, enough to show the screenful that
 * ends with the last full line when the view settles at the end.  Every
 * draw goes through scr_put(), which skips a cell the screen already
 * shows.
 *
 * Nothing here touches hardware: the backend's draw function does, and
 * the unit tests give it one that records.
 */

#include "kern.h"
#include "screen.h"

#define SCR_BLANK	SCR_CELL(' ', SCR_ATTR_TEXT)
#define SCR_TAB		8
#define SCR_RING	(SCR_ROWS_MAX + 1)

static struct {
	scr_draw_fn	*s_draw;	/* NULL: no screen (yet) */
	unsigned	 s_cols, s_rows, s_jump;
	uint64_t	 s_row;		/* the row being written */
	unsigned	 s_col;		/* its next column; s_cols: full */
	uint64_t	 s_top;		/* the row on the screen's top line */
	int		 s_npanel;	/* panel rows laid over the top */
	bool		 s_frozen;	/* the panel is up: no more text */
	bool		 s_busy;	/* drawing; a fault now must not recurse */
} scr;

static uint16_t	scr_ring[SCR_RING][SCR_COLS_MAX];
static uint16_t	scr_shown[SCR_ROWS_MAX][SCR_COLS_MAX];	/* as drawn */
static uint16_t	scr_panelrows[SCR_ROWS_MAX / 2][SCR_COLS_MAX];

static uint16_t *
scr_ring_row(uint64_t r)
{
	return scr_ring[r % (scr.s_rows + 1)];
}

static void
scr_fill(uint16_t *row, uint16_t cell)
{
	unsigned i;

	for (i = 0; i < scr.s_cols; i++)
		row[i] = cell;
}

/* What belongs on screen row y, column col. */
static uint16_t
scr_want(unsigned col, unsigned y)
{
	uint64_t r = scr.s_top + y;

	if ((int)y < scr.s_npanel)
		return scr_panelrows[y][col];
	if (r > scr.s_row)
		return SCR_BLANK;
	return scr_ring_row(r)[col];
}

static void
scr_put(unsigned col, unsigned y, uint16_t cell)
{
	if (scr_shown[y][col] == cell)
		return;
	scr_shown[y][col] = cell;
	scr.s_draw(col, y, cell);
}

static void
scr_redraw(void)
{
	unsigned col, y;

	for (y = 0; y < scr.s_rows; y++)
		for (col = 0; col < scr.s_cols; col++)
			scr_put(col, y, scr_want(col, y));
}

void
scr_attach(unsigned cols, unsigned rows, unsigned jump, scr_draw_fn *draw)
{
	unsigned y;

	memset(&scr, 0, sizeof(scr));
	scr.s_cols = cols < 1 ? 1 : cols > SCR_COLS_MAX ? SCR_COLS_MAX : cols;
	scr.s_rows = rows < 1 ? 1 : rows > SCR_ROWS_MAX ? SCR_ROWS_MAX : rows;
	scr.s_jump = jump < 1 ? 1 : jump > scr.s_rows ? scr.s_rows : jump;
	for (y = 0; y < scr.s_rows; y++)
		scr_fill(scr_shown[y], SCR_BLANK);
	scr_fill(scr_ring_row(0), SCR_BLANK);
	scr.s_draw = draw;
}

bool
scr_attached(void)
{
	return scr.s_draw != NULL;
}

void
scr_size(unsigned *cols, unsigned *rows)
{
	*cols = scr.s_draw != NULL ? scr.s_cols : 0;
	*rows = scr.s_draw != NULL ? scr.s_rows : 0;
}

void
scr_detach(void)
{
	memset(&scr, 0, sizeof(scr));
}

/*
 * The next row.  Past the bottom, the view jumps by s_jump rows and
 * every cell that now shows something else is drawn again.
 */
static void
scr_newline(void)
{
	scr.s_col = 0;
	scr.s_row++;
	scr_fill(scr_ring_row(scr.s_row), SCR_BLANK);
	if (scr.s_row < scr.s_top + scr.s_rows)
		return;
	scr.s_top += scr.s_jump;
	scr_redraw();
}

static void
scr_char(int c)
{
	uint16_t *row;

	if (scr.s_col == scr.s_cols)
		scr_newline();		/* a long line wraps */
	row = scr_ring_row(scr.s_row);
	row[scr.s_col] = SCR_CELL(c, SCR_ATTR_TEXT);
	scr_put(scr.s_col, (unsigned)(scr.s_row - scr.s_top), row[scr.s_col]);
	scr.s_col++;
}

void
scr_putc(int c)
{
	if (scr.s_draw == NULL || scr.s_frozen || scr.s_busy)
		return;
	scr.s_busy = true;
	if (c == '\n')
		scr_newline();
	else if (c == '\t') {
		do
			scr_char(' ');
		while (scr.s_col % SCR_TAB != 0 && scr.s_col < scr.s_cols);
	} else if (c != '\r')
		scr_char(c);
	scr.s_busy = false;
}

/*
 * One panel line into rows from *n on, after a space, wrapped at the
 * width with the rest indented.
 */
static void
scr_panel_line(const char *s, int *n, int max, uint8_t attr)
{
	unsigned col, indent = 1;

	do {
		scr_fill(scr_panelrows[*n], SCR_CELL(' ', attr));
		for (col = indent; col < scr.s_cols && *s != '\0'; col++)
			scr_panelrows[*n][col] = SCR_CELL(*s++, attr);
		(*n)++;
		indent = scr.s_cols > 8 ? 3 : 1;
	} while (*s != '\0' && *n < max);
}

void
scr_panel(const char *const *lines, int nlines, uint8_t attr)
{
	uint64_t last;
	int i, n = 0, max;

	if (scr.s_draw == NULL || scr.s_frozen || scr.s_busy)
		return;
	scr.s_busy = true;
	max = scr.s_rows / 2 > 0 ? (int)scr.s_rows / 2 : 1;
	for (i = 0; i < nlines && n < max; i++)
		scr_panel_line(lines[i], &n, max, attr);
	scr.s_npanel = n;
	/* The last line with text on the bottom row, if there are enough. */
	last = scr.s_row;
	if (scr.s_col == 0 && last > 0)
		last--;
	scr.s_top = last + 1 >= scr.s_rows ? last + 1 - scr.s_rows : 0;
	scr_redraw();
	scr.s_frozen = true;
	scr.s_busy = false;
}

uint16_t
scr_drawn(unsigned col, unsigned row)
{
	if (scr.s_draw == NULL || col >= scr.s_cols || row >= scr.s_rows)
		return 0;
	return scr_shown[row][col];
}

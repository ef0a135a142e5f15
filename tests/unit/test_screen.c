/*
 * The screen (kernel/screen.c, fbcons.c) and the summary (summary.c)
 * on the host.  The framebuffer console draws into memory of the
 * test's own, with the font tools/mkfont.py made for the kernel, and
 * every pixel is compared with the glyph bitmap it must show; the
 * grid's draws are recorded, to hold it to drawing only what changed;
 * the summary's lines are built from real KTAP runs.  The multiboot2
 * framebuffer tag is parsed as GRUB writes it (GNU GRUB
 * include/multiboot2.h: colour info after a u16 reserved).
 */

#include "check.h"
#include "kern.h"
#include "bootinfo.h"
#include "fbcons.h"
#include "font.h"
#include "ktap.h"
#include "multiboot2.h"
#include "screen.h"
#include "summary.h"

static void
puts_scr(const char *s)
{
	while (*s != '\0')
		scr_putc(*s++);
}

/* ------------------------------------------------------------------ */
/* The multiboot2 framebuffer tag. */

struct fbtag {
	struct mb2_tag_framebuffer ft;
	struct mb2_fb_rgb rgb;
	uint8_t		pad[2];
} __attribute__((packed));

/* A boot information block with one framebuffer tag of tagsize bytes. */
static int
parse_fb(const struct fbtag *t, uint32_t tagsize, struct bootinfo *bi)
{
	uint64_t words[16];
	uint8_t *p = (uint8_t *)words;
	uint32_t end[2] = { MB2_TAG_END, 8 };
	uint32_t total = 8 + ((tagsize + 7) & ~7u) + 8;

	memset(words, 0, sizeof(words));
	memcpy(p, &total, 4);
	memcpy(p + 8, t, sizeof(*t));
	memcpy(p + 8 + 4, &tagsize, 4);
	memcpy(p + total - 8, end, 8);
	return mb2_parse(p, total, bi);
}

static struct fbtag
ovmf_tag(void)
{
	struct fbtag t;

	memset(&t, 0, sizeof(t));
	t.ft.type = MB2_TAG_FRAMEBUFFER;
	t.ft.framebuffer_addr = 0xc0000000;
	t.ft.framebuffer_pitch = 4096;
	t.ft.framebuffer_width = 1024;
	t.ft.framebuffer_height = 768;
	t.ft.framebuffer_bpp = 32;
	t.ft.framebuffer_type = MB2_FB_TYPE_RGB;
	t.rgb.red_field_position = 16;
	t.rgb.red_mask_size = 8;
	t.rgb.green_field_position = 8;
	t.rgb.green_mask_size = 8;
	t.rgb.blue_field_position = 0;
	t.rgb.blue_mask_size = 8;
	return t;
}

static void
test_mb2_fb_rgb(void)
{
	struct fbtag t = ovmf_tag();
	static struct bootinfo bi;

	CHECK_EQ_INT(parse_fb(&t, 38, &bi), 0);
	CHECK(bi.bi_has_fb);
	CHECK(bi.bi_fb.fb_has_rgb);
	CHECK_EQ_HEX(bi.bi_fb.fb_addr, 0xc0000000);
	CHECK_EQ_INT(bi.bi_fb.fb_width, 1024);
	CHECK_EQ_INT(bi.bi_fb.fb_red_pos, 16);
	CHECK_EQ_INT(bi.bi_fb.fb_green_pos, 8);
	CHECK_EQ_INT(bi.bi_fb.fb_blue_size, 8);
	/* 32 bytes: the common part only, kept, without colours. */
	CHECK_EQ_INT(parse_fb(&t, 32, &bi), 0);
	CHECK(bi.bi_has_fb);
	CHECK(!bi.bi_fb.fb_has_rgb);
	CHECK_EQ_INT(bi.bi_fb.fb_red_pos, 0);
	/* EGA text carries no colour fields. */
	t.ft.framebuffer_type = MB2_FB_TYPE_EGA_TEXT;
	CHECK_EQ_INT(parse_fb(&t, 38, &bi), 0);
	CHECK(!bi.bi_fb.fb_has_rgb);
}

/* ------------------------------------------------------------------ */
/* fbcons_check(): what may be drawn on. */

static struct bootinfo check_bi;

static void
ovmf_bi(void)
{
	struct fbtag t = ovmf_tag();

	CHECK_EQ_INT(parse_fb(&t, 38, &check_bi), 0);
	check_bi.bi_nmmap = 2;
	check_bi.bi_mmap[0] = (struct bi_mmap){ 0, 0x7f00000,
	    MB2_MEMORY_AVAILABLE };
	check_bi.bi_mmap[1] = (struct bi_mmap){ 0xb0000000, 0x10000000,
	    MB2_MEMORY_RESERVED };
}

/* Refused, with a reason that holds 'want'. */
static void
refused(const char *want)
{
	char why[BI_MSG_MAX] = "";

	CHECK_EQ_INT(fbcons_check(&check_bi, why, sizeof(why)), EINVAL);
	CHECK_CONTAINS(why, want);
}

static void
test_fbcons_check(void)
{
	char why[BI_MSG_MAX] = "";

	ovmf_bi();
	CHECK_EQ_INT(fbcons_check(&check_bi, why, sizeof(why)), 0);
	/* A reserved region may hold a framebuffer (stolen memory). */
	check_bi.bi_mmap[1].mm_base = 0xc0100000;
	CHECK_EQ_INT(fbcons_check(&check_bi, why, sizeof(why)), 0);

	ovmf_bi();
	check_bi.bi_fb.fb_type = MB2_FB_TYPE_INDEXED;
	refused("indexed colour");
	ovmf_bi();
	check_bi.bi_fb.fb_type = 7;
	refused("type 7");
	ovmf_bi();
	check_bi.bi_fb.fb_has_rgb = false;
	refused("too short");
	ovmf_bi();
	check_bi.bi_fb.fb_bpp = 8;
	refused("8 bits per pixel");
	ovmf_bi();
	check_bi.bi_fb.fb_width = 7;
	refused("7x768 pixels is no screen");
	ovmf_bi();
	check_bi.bi_fb.fb_height = 20000;
	refused("1024x20000");
	ovmf_bi();
	check_bi.bi_fb.fb_pitch = 4095;
	refused("pitch of 4095 bytes");
	ovmf_bi();
	check_bi.bi_fb.fb_red_size = 9;
	refused("red field is 9 bits");
	ovmf_bi();
	check_bi.bi_fb.fb_blue_size = 0;
	refused("blue field is 0 bits");
	ovmf_bi();
	check_bi.bi_fb.fb_red_pos = 28;
	refused("red field, bits 28-35");
	ovmf_bi();
	check_bi.bi_fb.fb_green_pos = 12;
	refused("overlap");
	ovmf_bi();
	check_bi.bi_fb.fb_addr = 0;
	refused("address 0");
	ovmf_bi();
	check_bi.bi_fb.fb_addr = 0x100000000ULL;
	refused("below 4 GiB");
	ovmf_bi();
	check_bi.bi_fb.fb_addr = 0xffe00000;	/* 3 MiB: crosses 4 GiB */
	refused("below 4 GiB");
	ovmf_bi();
	check_bi.bi_fb.fb_addr = 0xffffffffffff0000ULL;
	refused("below 4 GiB");
	ovmf_bi();
	check_bi.bi_fb.fb_addr = 0x7e00000;	/* ends in RAM's last MiB */
	refused("overlaps RAM at 0x0-0x7efffff (memory map entry 0)");
	ovmf_bi();
	check_bi.bi_nmmap = 0;
	refused("no memory map");
	ovmf_bi();
	check_bi.bi_mmap[1] = (struct bi_mmap){ 0xc0200000, 0x1000,
	    MB2_MEMORY_NVS };
	refused("overlaps ACPI memory at 0xc0200000-0xc0200fff");
	ovmf_bi();
	check_bi.bi_mmap[1] = (struct bi_mmap){ 0xbff00000, 0x100000,
	    MB2_MEMORY_ACPI_RECLAIMABLE };	/* ends where it starts */
	CHECK_EQ_INT(fbcons_check(&check_bi, why, sizeof(why)), 0);
	check_bi.bi_mmap[1].mm_length = 0x100001;
	refused("overlaps ACPI memory");
}

static void
test_fbcons_pixel(void)
{
	struct bi_framebuffer fb;

	memset(&fb, 0, sizeof(fb));
	fb.fb_bpp = 32;
	fb.fb_red_pos = 16, fb.fb_red_size = 8;
	fb.fb_green_pos = 8, fb.fb_green_size = 8;
	fb.fb_blue_pos = 0, fb.fb_blue_size = 8;		/* BGRX */
	CHECK_EQ_HEX(fbcons_pixel(&fb, 0xaa5500), 0xaa5500);
	fb.fb_red_pos = 0, fb.fb_blue_pos = 16;			/* RGBX */
	CHECK_EQ_HEX(fbcons_pixel(&fb, 0xaa5500), 0x0055aa);
	fb.fb_bpp = 16;
	fb.fb_red_pos = 11, fb.fb_red_size = 5;
	fb.fb_green_pos = 5, fb.fb_green_size = 6;
	fb.fb_blue_pos = 0, fb.fb_blue_size = 5;		/* 565 */
	CHECK_EQ_HEX(fbcons_pixel(&fb, 0xffffff), 0xffff);
	CHECK_EQ_HEX(fbcons_pixel(&fb, 0xaa5500), 0xaaa0);
	CHECK_EQ_HEX(fbcons_pixel(&fb, 0x00aa00), 0x0540);
}

/* ------------------------------------------------------------------ */
/* Drawing: every pixel of a cell against its glyph. */

static uint8_t	fbmem[(1920 * 4 + 12) * 64];	/* the widest test screen */

static struct bi_framebuffer
mem_fb(uint32_t width, uint32_t height, uint8_t bpp)
{
	struct bi_framebuffer fb;
	unsigned bytes = bpp == 32 ? 4 : bpp == 24 ? 3 : 2;

	memset(&fb, 0, sizeof(fb));
	fb.fb_type = MB2_FB_TYPE_RGB;
	fb.fb_width = width;
	fb.fb_height = height;
	fb.fb_bpp = bpp;
	fb.fb_pitch = width * bytes + 12;	/* a pitch wider than a line */
	fb.fb_has_rgb = true;
	if (bpp == 16) {
		fb.fb_red_pos = 11, fb.fb_red_size = 5;
		fb.fb_green_pos = 5, fb.fb_green_size = 6;
		fb.fb_blue_pos = 0, fb.fb_blue_size = 5;
	} else {
		fb.fb_red_pos = 16, fb.fb_red_size = 8;
		fb.fb_green_pos = 8, fb.fb_green_size = 8;
		fb.fb_blue_pos = 0, fb.fb_blue_size = 8;
	}
	return fb;
}

static uint32_t
pixel_at(const struct bi_framebuffer *fb, unsigned x, unsigned y)
{
	unsigned bytes = fb->fb_bpp == 32 ? 4 : fb->fb_bpp == 24 ? 3 : 2;
	const uint8_t *p = fbmem + (size_t)y * fb->fb_pitch + x * bytes;
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < bytes; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Cell (col, row) shows glyph c in fg on bg, at scale s: count misses. */
static int
cell_misses(const struct bi_framebuffer *fb, unsigned col, unsigned row,
    unsigned char c, uint32_t fg, uint32_t bg, unsigned s)
{
	const uint8_t *g = font_glyph(c);
	unsigned x, y;
	int bad = 0;
	uint32_t want;

	for (y = 0; y < FONT_HEIGHT * s; y++)
		for (x = 0; x < FONT_WIDTH * s; x++) {
			want = g[y / s] & (0x80 >> (x / s)) ? fg : bg;
			want = fbcons_pixel(fb, want);
			if (pixel_at(fb, col * FONT_WIDTH * s + x,
			    row * FONT_HEIGHT * s + y) != want)
				bad++;
		}
	return bad;
}

static void
draw_and_check(uint8_t bpp)
{
	struct bi_framebuffer fb = mem_fb(100, 40, bpp);
	unsigned cols, rows;
	char desc[160];
	size_t i;

	memset(fbmem, 0x5a, sizeof(fbmem));
	fbcons_start(&fb, fbmem, desc, sizeof(desc));
	scr_size(&cols, &rows);
	CHECK_EQ_INT(cols, 12);		/* 100 / 8 */
	CHECK_EQ_INT(rows, 2);		/* 40 / 16 */
	CHECK_CONTAINS(desc, "12x2 text in Unifont");
	/* Cleared: the margins too, the pitch's padding left alone. */
	CHECK_EQ_HEX(pixel_at(&fb, 99, 39), 0);
	CHECK_EQ_HEX(fbmem[fb.fb_pitch - 1], 0x5a);
	puts_scr("A#g");
	scr_putc(0x01);		/* not in the font: the placeholder */
	CHECK_EQ_INT(cell_misses(&fb, 0, 0, 'A', 0xaaaaaa, 0, 1), 0);
	CHECK_EQ_INT(cell_misses(&fb, 1, 0, '#', 0xaaaaaa, 0, 1), 0);
	CHECK_EQ_INT(cell_misses(&fb, 2, 0, 'g', 0xaaaaaa, 0, 1), 0);
	CHECK_EQ_INT(cell_misses(&fb, 3, 0, 0xff, 0xaaaaaa, 0, 1), 0);
	CHECK(font_glyph(0x01) == font_placeholder);
	/* The glyphs differ from each other and from a blank. */
	CHECK(cell_misses(&fb, 0, 0, 'B', 0xaaaaaa, 0, 1) > 0);
	CHECK(cell_misses(&fb, 3, 0, ' ', 0xaaaaaa, 0, 1) > 0);
	for (i = 0; i < FONT_HEIGHT; i++)
		if (font_placeholder[i] != 0)
			break;
	CHECK(i < FONT_HEIGHT);
	scr_detach();
}

static void
test_fbcons_draw(void)
{
	draw_and_check(32);
	draw_and_check(24);
	draw_and_check(16);
}

/* From 1920 pixels wide on, each font pixel is 2x2. */
static void
test_fbcons_wide(void)
{
	struct bi_framebuffer fb = mem_fb(1920, 64, 32);
	unsigned cols, rows;
	char desc[160];

	fbcons_start(&fb, fbmem, desc, sizeof(desc));
	scr_size(&cols, &rows);
	CHECK_EQ_INT(cols, 120);
	CHECK_EQ_INT(rows, 2);
	CHECK_CONTAINS(desc, "at 2x");
	puts_scr("\nxW");
	CHECK_EQ_INT(cell_misses(&fb, 0, 1, 'x', 0xaaaaaa, 0, 2), 0);
	CHECK_EQ_INT(cell_misses(&fb, 1, 1, 'W', 0xaaaaaa, 0, 2), 0);
	scr_detach();
}

/* ------------------------------------------------------------------ */
/* The grid: what is drawn, and when. */

static int	ndraws;
static uint16_t	seen[8][10];	/* a 10x8 screen as the backend has it */

static void
record_draw(unsigned col, unsigned row, uint16_t cell)
{
	ndraws++;
	seen[row][col] = cell;
}

/* Row y of the screen as text, trailing blanks cut. */
static const char *
row_text(unsigned y)
{
	static char buf[16];
	int i, end = 0;

	for (i = 0; i < 10; i++) {
		buf[i] = (char)(seen[y][i] & 0xff);
		if (buf[i] != ' ')
			end = i + 1;
	}
	buf[end] = '\0';
	return buf;
}

static void
grid_start(unsigned jump)
{
	unsigned x, y;

	for (y = 0; y < 8; y++)
		for (x = 0; x < 10; x++)
			seen[y][x] = SCR_CELL(' ', SCR_ATTR_TEXT);
	ndraws = 0;
	scr_attach(10, 8, jump, record_draw);
}

static void
test_grid_draws_changes_only(void)
{
	char line[32];
	int i, before;

	grid_start(3);
	puts_scr("ab\ncd\r\n");
	CHECK_EQ_INT(ndraws, 4);	/* four characters, nothing else */
	CHECK_STR(row_text(0), "ab");
	CHECK_STR(row_text(1), "cd");
	puts_scr("0123456789XY\n");	/* wraps */
	CHECK_STR(row_text(2), "0123456789");
	CHECK_STR(row_text(3), "XY");
	for (i = 4; i < 8; i++) {
		snprintf(line, sizeof(line), "line%d\n", i);
		puts_scr(line);
	}
	/*
	 * Rows 0-7 held ab cd 0123456789 XY line4-7; the next row is
	 * past the bottom, so the view jumped by 3: XY is on top, and the
	 * cursor on row 5.
	 */
	CHECK_STR(row_text(0), "XY");
	CHECK_STR(row_text(3), "line6");
	CHECK_STR(row_text(4), "line7");
	CHECK_STR(row_text(5), "");
	before = ndraws;
	puts_scr("z");
	CHECK_EQ_INT(ndraws, before + 1);
	CHECK_STR(row_text(5), "z");
	for (i = 0; i < 8; i++)
		CHECK_EQ_HEX(scr_drawn(0, i), seen[i][0]);
	scr_detach();
}

/* The panel covers the top; the report's end is on the bottom row. */
static void
test_grid_panel_settles(void)
{
	const char *panel[] = { "PASS", "a line longer than the screen" };
	char line[32];
	int i;

	grid_start(4);
	for (i = 0; i < 11; i++) {
		snprintf(line, sizeof(line), "l%d\n", i);
		puts_scr(line);
	}
	/* The one jump (by 4) left l4-l10 on top and the cursor below. */
	CHECK_STR(row_text(0), "l4");
	CHECK_STR(row_text(6), "l10");
	CHECK_STR(row_text(7), "");
	scr_panel(panel, 2, SCR_ATTR(SCR_WHITE, SCR_GREEN));
	CHECK_STR(row_text(0), " PASS");
	CHECK_STR(row_text(1), " a line lo");
	CHECK_STR(row_text(2), "   nger th");
	CHECK_STR(row_text(3), "   an the");	/* and no more */
	CHECK_STR(row_text(4), "l7");		/* at most half the rows */
	CHECK_STR(row_text(7), "l10");
	CHECK_EQ_HEX(seen[0][9], SCR_CELL(' ', SCR_ATTR(SCR_WHITE,
	    SCR_GREEN)));
	/* The screen is left alone from now on. */
	i = ndraws;
	puts_scr("more\n");
	CHECK_EQ_INT(ndraws, i);
	scr_detach();
}

/* Nothing is shown, and nothing breaks, without a screen. */
static void
test_grid_detached(void)
{
	const char *panel[] = { "x" };

	scr_detach();
	CHECK(!scr_attached());
	puts_scr("text\n");
	scr_panel(panel, 1, SCR_ATTR_TEXT);
	CHECK_EQ_INT(scr_drawn(0, 0), 0);
}

/* ------------------------------------------------------------------ */
/* The summary, from a real KTAP run. */

static int
t_pass(void)
{
	return KTAP_PASS;
}

static int
t_sub_fail(void)
{
	ktap_sub_begin(2);
	ktap_sub_start("vmt0");
	ktap_sub_begin(1);
	ktap_sub_result(KTAP_FAIL, "memsize", "wrong");
	ktap_sub_result(ktap_sub_end(), "vmt0", NULL);
	ktap_sub_result(KTAP_PASS, "other0", NULL);
	return ktap_sub_end();
}

static int
t_skip(void)
{
	return ktap_skip("no reason");
}

static const struct ktest plan[] = {
	{ "first", t_pass },
	{ "pvbus_attach", t_sub_fail },
	{ "last", t_skip },
};

static void
test_summary_fail(void)
{
	static char lines[SUMMARY_LINES_MAX][SUMMARY_LINE_MAX];
	int n;

	summary_reset();
	ktap_begin(plan, 3);
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	n = summary_lines(KEXIT_FAIL, NULL, lines, SUMMARY_LINES_MAX);
	CHECK_EQ_INT(n, 3);
	CHECK_STR(lines[0], "FAIL: 1 test failed");
	CHECK_STR(lines[1], "tests: 1 passed, 1 failed, 1 skipped");
	CHECK_STR(lines[2], "failed: pvbus_attach/vmt0/memsize");
	CHECK_EQ_HEX(summary_attr(KEXIT_FAIL), SCR_ATTR(SCR_WHITE, SCR_RED));
	CHECK_EQ_HEX(summary_attr(KEXIT_PASS), SCR_ATTR(SCR_WHITE,
	    SCR_GREEN));
	CHECK_EQ_HEX(summary_attr(KEXIT_HALT), SCR_ATTR(SCR_WHITE,
	    SCR_BROWN));
}

static void
test_summary_bus(void)
{
	static char lines[SUMMARY_LINES_MAX][SUMMARY_LINE_MAX];
	int n;

	summary_reset();
	ktap_begin(plan, 1);
	ktap_run_all();
	summary_identified();
	n = summary_lines(KEXIT_PASS, "native", lines, SUMMARY_LINES_MAX);
	CHECK_EQ_INT(n, 5);
	CHECK_STR(lines[0], "PASS: every test passed or was skipped");
	CHECK_STR(lines[2], "hypervisors: none found");
	CHECK_STR(lines[3], "children: none attached");
	summary_hv("Hyper-V", 0x40000000, false);
	summary_hv("KVM", 0x40000100, true);
	summary_hv("VMware backdoor", 0, false);
	summary_child("hyperv0", true);
	summary_child("pvclock0", false);
	n = summary_lines(KEXIT_PASS, "native", lines, SUMMARY_LINES_MAX);
	CHECK_STR(lines[2], "hypervisors: Hyper-V at 0x40000000, KVM at "
	    "0x40000100 (primary), VMware backdoor");
	CHECK_STR(lines[3], "children: hyperv0 attached, pvclock0 failed "
	    "to attach");
	CHECK_STR(lines[4], "failed: none");
	/* A simulated or replayed hypervisor says so. */
	n = summary_lines(KEXIT_HALT, "sim:vmware", lines, SUMMARY_LINES_MAX);
	CHECK_EQ_INT(n, 6);
	CHECK_STR(lines[0], "HALT: the host asked the guest to power off, "
	    "and no test had failed");	/* no ktap_stop(): no place */
	CHECK_STR(lines[4], "backend: hv=sim:vmware, a simulated "
	    "hypervisor, not this machine's");
	n = summary_lines(KEXIT_PASS, "re\"play", lines, SUMMARY_LINES_MAX);
	CHECK_STR(lines[4], "backend: hv=re\\\"play, a simulated "
	    "hypervisor, not this machine's");	/* escaped, as %pE */
}

static jmp_buf	kexit_jmp;

static int
t_crash(void)
{
	ktap_sub_begin(1);
	ktap_sub_start("inner");
	ktap_crash("#GP at 0x1234");	/* what the trap handler does */
	kexit(KEXIT_CRASH);
}

static const struct ktest crash_plan[] = {
	{ "boot", t_pass },
	{ "deliberate_fault", t_crash },
	{ "after", t_pass },
};

/* A crash: the summary's lines, then the panel over a full screen. */
static void
test_summary_crash(void)
{
	static char lines[SUMMARY_LINES_MAX][SUMMARY_LINE_MAX];
	char line[32];
	int i, n;

	summary_reset();
	grid_start(2);
	for (i = 0; i < 12; i++) {
		snprintf(line, sizeof(line), "r%d\n", i);
		puts_scr(line);
	}
	ktap_begin(crash_plan, 3);
	fake_kexit_jmp = &kexit_jmp;
	if (setjmp(kexit_jmp) == 0)
		ktap_run_all();
	fake_kexit_jmp = NULL;
	CHECK_EQ_INT(fake_kexit_status, KEXIT_CRASH);
	n = summary_lines(KEXIT_CRASH, NULL, lines, SUMMARY_LINES_MAX);
	CHECK_EQ_INT(n, 3);
	CHECK_STR(lines[0], "CRASH: #GP at 0x1234 in deliberate_fault/inner");
	CHECK_STR(lines[1], "tests: 1 passed, 1 failed, 1 skipped");
	CHECK_STR(lines[2], "failed: deliberate_fault/inner (crashed)");
	fake_cons_reset();
	summary_show(KEXIT_CRASH, true, NULL, scr_panel);
	CHECK_CONTAINS(fake_cons_buf, "# summary: CRASH: #GP at 0x1234 in "
	    "deliberate_fault/inner\n# summary: tests: 1 passed, 1 failed, "
	    "1 skipped\n# summary: failed: deliberate_fault/inner "
	    "(crashed)\n");
	/* The panel: red, four rows at most on an 8-row screen. */
	CHECK_STR(row_text(0), " pvbus tes");
	CHECK_EQ_HEX(seen[0][0], SCR_CELL(' ', SCR_ATTR(SCR_WHITE,
	    SCR_RED)));
	CHECK_EQ_HEX(seen[1][3], SCR_CELL('t', SCR_ATTR(SCR_WHITE,
	    SCR_RED)));	/* "   tbed: C": wrapped and indented */
	CHECK_STR(row_text(4), "r8");
	CHECK_STR(row_text(7), "r11");
	scr_detach();
}

static int
t_host_halt(void)
{
	ktap_sub_begin(2);
	ktap_sub_start("vmt0");
	ktap_sub_begin(3);
	ktap_sub_result(KTAP_PASS, "bios_uuid", NULL);
	ktap_sub_start("tclo");
	/* What pvbus_shutdown() does when vmt0's host says OS_Halt. */
	kexit(ktap_stop("the host asked the guest to power off") > 0 ?
	    KEXIT_FAIL : KEXIT_HALT);
}

static const struct ktest halt_plan[] = {
	{ "first", t_pass },
	{ "pvbus_attach", t_host_halt },
	{ "last", t_pass },
};

/* A halt the host asked for names where it came. */
static void
test_summary_halt(void)
{
	static char lines[SUMMARY_LINES_MAX][SUMMARY_LINE_MAX];

	summary_reset();
	ktap_begin(halt_plan, 3);
	fake_kexit_jmp = &kexit_jmp;
	if (setjmp(kexit_jmp) == 0)
		ktap_run_all();
	fake_kexit_jmp = NULL;
	CHECK_EQ_INT(fake_kexit_status, KEXIT_HALT);
	CHECK_EQ_INT(summary_lines(KEXIT_HALT, NULL, lines,
	    SUMMARY_LINES_MAX), 3);
	CHECK_STR(lines[0], "HALT: the host asked the guest to power off in "
	    "pvbus_attach/vmt0/tclo, and no test had failed");
	CHECK_STR(lines[1], "tests: 1 passed, 0 failed, 2 skipped");
	CHECK_STR(lines[2], "failed: none");
	CHECK_EQ_INT(summary_lines(KEXIT_FAIL, NULL, lines,
	    SUMMARY_LINES_MAX), 3);
	CHECK_STR(lines[0], "FAIL: 0 tests failed, then the host stopped the "
	    "run in pvbus_attach/vmt0/tclo");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_mb2_fb_rgb),
	CHECK_TEST(test_fbcons_check),
	CHECK_TEST(test_fbcons_pixel),
	CHECK_TEST(test_fbcons_draw),
	CHECK_TEST(test_fbcons_wide),
	CHECK_TEST(test_grid_draws_changes_only),
	CHECK_TEST(test_grid_panel_settles),
	CHECK_TEST(test_grid_detached),
	CHECK_TEST(test_summary_fail),
	CHECK_TEST(test_summary_bus),
	CHECK_TEST(test_summary_crash),
	CHECK_TEST(test_summary_halt),
};

int
main(void)
{
	return check_main("test_screen", tests, nitems(tests));
}

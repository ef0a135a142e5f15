/*
 * mb2_parse() (kernel/multiboot2.c) on boot information built here, tag
 * by tag, as the Multiboot2 specification (section 3.6) lays it out.
 * Every block is parsed from a malloc'ed copy of exactly the size the
 * parser is told it may read, so AddressSanitizer stops the run if the
 * parser reads a single byte past it.  Malformed blocks must come back
 * as EINVAL with a bi_error naming the tag type and offset; overflowing
 * our own arrays is a warning.
 */

#include "check.h"
#include "kern.h"
#include "bootinfo.h"
#include "multiboot2.h"

/* A block under construction: 8-aligned, total_size set by mbi_end(). */
struct mbi {
	uint64_t	m_words[8192];	/* 64 KiB */
	size_t		m_len;
};

static struct mbi mbi;
static struct bootinfo bi;

static uint8_t *
mbi_bytes(struct mbi *m)
{
	return (uint8_t *)m->m_words;
}

static void
mbi_init(struct mbi *m)
{
	memset(m, 0, sizeof(*m));
	m->m_len = sizeof(struct mb2_info_header);
}

static void
mbi_put(struct mbi *m, const void *p, size_t n)
{
	if (m->m_len + n > sizeof(m->m_words))
		abort();	/* a test asked for too much */
	memcpy(mbi_bytes(m) + m->m_len, p, n);
	m->m_len += n;
}

/*
 * A tag at the next 8-byte boundary whose size field says 'size' and
 * whose body is 'body'; the two need not agree.  Returns its offset.
 */
static size_t
mbi_tag(struct mbi *m, uint32_t type, uint32_t size, const void *body,
    size_t bodylen)
{
	struct mb2_tag tag = { type, size };
	size_t off;

	m->m_len = (m->m_len + 7) & ~(size_t)7;
	off = m->m_len;
	mbi_put(m, &tag, sizeof(tag));
	if (bodylen > 0)
		mbi_put(m, body, bodylen);
	return off;
}

static size_t
mbi_string(struct mbi *m, uint32_t type, const char *s)
{
	return mbi_tag(m, type, 8 + strlen(s) + 1, s, strlen(s) + 1);
}

static size_t
mbi_module(struct mbi *m, uint32_t start, uint32_t end, const char *s)
{
	uint8_t body[512];
	size_t n = strlen(s) + 1;

	memcpy(body, &start, 4);
	memcpy(body + 4, &end, 4);
	memcpy(body + 8, s, n);
	return mbi_tag(m, MB2_TAG_MODULE, 16 + n, body, 8 + n);
}

/* A memory map of n entries entry_size bytes apart (24 is GRUB's). */
static size_t
mbi_mmap(struct mbi *m, uint32_t entry_size, const struct mb2_mmap_entry *e,
    size_t n)
{
	uint8_t body[8 + 256 * 32] = { 0 };
	size_t i;

	memcpy(body, &entry_size, 4);
	for (i = 0; i < n; i++)
		memcpy(body + 8 + i * entry_size, &e[i], sizeof(e[i]));
	return mbi_tag(m, MB2_TAG_MMAP, 16 + n * entry_size, body,
	    8 + n * entry_size);
}

static void
mbi_set_total(struct mbi *m, uint32_t total)
{
	memcpy(mbi_bytes(m), &total, 4);
}

static size_t
mbi_end(struct mbi *m)
{
	size_t off = mbi_tag(m, MB2_TAG_END, 8, NULL, 0);

	mbi_set_total(m, (uint32_t)m->m_len);
	return off;
}

/* Parse a copy of the first 'avail' bytes, in a buffer of that size. */
static int
parse_avail(struct mbi *m, size_t avail)
{
	uint8_t *p = malloc(avail > 0 ? avail : 1);
	int error;

	memcpy(p, mbi_bytes(m), avail < m->m_len ? avail : m->m_len);
	error = mb2_parse(p, avail, &bi);
	free(p);
	return error;
}

static int
parse(struct mbi *m)
{
	return parse_avail(m, m->m_len);
}

/* EINVAL, and bi_error names the tag and its offset, then the rule. */
#define CHECK_TAG_ERROR(err, type, off, rule) \
	check_tag_error(__FILE__, __LINE__, (err), (type), (off), (rule))

static void
check_tag_error(const char *file, int line, int error, uint32_t type,
    size_t off, const char *rule)
{
	char want[64];

	check_eq_int(file, line, "error", "EINVAL", error, EINVAL);
	snprintf(want, sizeof(want), "multiboot2: tag %u (", type);
	check_contains(file, line, "bi_error", "tag", bi.bi_error, want);
	snprintf(want, sizeof(want), ") at offset 0x%zx ", off);
	check_contains(file, line, "bi_error", "offset", bi.bi_error, want);
	check_contains(file, line, "bi_error", "rule", bi.bi_error, rule);
}

static const struct mb2_mmap_entry grub_mmap[] = {
	{ 0x0,		0x9fc00,	MB2_MEMORY_AVAILABLE, 0 },
	{ 0x9fc00,	0x400,		MB2_MEMORY_RESERVED, 0 },
	{ 0xf0000,	0x10000,	MB2_MEMORY_RESERVED, 0 },
	{ 0x100000,	0x7ee0000,	MB2_MEMORY_AVAILABLE, 0 },
	{ 0x7fe0000,	0x20000,	MB2_MEMORY_ACPI_RECLAIMABLE, 0 },
	{ 0xfffc0000,	0x40000,	MB2_MEMORY_RESERVED, 0 },
	{ 0x100000000,	0x40000000,	MB2_MEMORY_AVAILABLE, 0 },
};

/* An ACPI 2.0 RSDP (XSDP): signature, revision 2 at byte 15, 36 bytes. */
static void
make_xsdp(uint8_t *x)
{
	size_t i;

	for (i = 0; i < ACPI_RSDP_V2_LEN; i++)
		x[i] = (uint8_t)(0x40 + i);
	memcpy(x, ACPI_RSDP_SIG, 8);
	x[15] = 2;
}

/*
 * What GRUB 2 gives on BIOS with a text console (and, for the test, the
 * EFI system table too): offsets of the module tags go to 'mods'.
 */
static void
build_grub_like(struct mbi *m, size_t mods[2])
{
	struct mb2_tag_basic_meminfo mem = { 0, 0, 639, 523264 };
	struct mb2_tag_framebuffer fb = { 0, 0, 0xb8000, 160, 80, 25, 16,
	    MB2_FB_TYPE_EGA_TEXT, 0 };
	uint64_t systab = 0x7f9e018;
	uint8_t xsdp[ACPI_RSDP_V2_LEN], junk[12] = { 1, 2, 3 };

	mbi_init(m);
	make_xsdp(xsdp);
	mbi_string(m, MB2_TAG_CMDLINE, "/boot/kernel.elf fault=gp");
	mbi_string(m, MB2_TAG_LOADER_NAME, "GRUB 2.06-13+deb12u1");
	mods[0] = mbi_module(m, 0x200000, 0x201000, "initrd");
	mods[1] = mbi_module(m, 0x300000, 0x300800, "/boot/mod2 arg=1");
	mbi_tag(m, MB2_TAG_BASIC_MEMINFO, sizeof(mem), &mem.mem_lower, 8);
	mbi_mmap(m, 24, grub_mmap, nitems(grub_mmap));
	mbi_tag(m, 0x1234, 8 + sizeof(junk), junk, sizeof(junk));
	mbi_tag(m, MB2_TAG_FRAMEBUFFER, sizeof(fb), (uint8_t *)&fb + 8,
	    sizeof(fb) - 8);
	mbi_tag(m, MB2_TAG_EFI64, 16, &systab, 8);
	mbi_tag(m, MB2_TAG_ACPI_NEW, 8 + sizeof(xsdp), xsdp, sizeof(xsdp));
	mbi_end(m);
}

static void
test_grub_like_info_parses(void)
{
	uint8_t xsdp[ACPI_RSDP_V2_LEN];
	size_t mods[2];
	int i;

	build_grub_like(&mbi, mods);
	make_xsdp(xsdp);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_STR(bi.bi_error, "");
	CHECK_STR(bi.bi_warning, "");
	CHECK_STR(bi.bi_path, "multiboot2");
	CHECK_EQ_INT(bi.bi_info_size, mbi.m_len);
	CHECK_EQ_INT(bi.bi_ntags, 11);	/* the unknown one and end too */
	CHECK(bi.bi_has_cmdline);
	CHECK_STR(bi.bi_cmdline, "/boot/kernel.elf fault=gp");
	CHECK_STR(bi.bi_loader, "GRUB 2.06-13+deb12u1");
	CHECK_EQ_INT(bi.bi_nmodules, 2);
	CHECK_EQ_HEX(bi.bi_modules[0].mod_start, 0x200000);
	CHECK_EQ_HEX(bi.bi_modules[0].mod_end, 0x201000);
	CHECK_STR(bi.bi_modules[0].mod_string, "initrd");
	CHECK_EQ_HEX(bi.bi_modules[1].mod_start, 0x300000);
	CHECK_EQ_HEX(bi.bi_modules[1].mod_end, 0x300800);
	CHECK_STR(bi.bi_modules[1].mod_string, "/boot/mod2 arg=1");
	CHECK(bi.bi_has_meminfo);
	CHECK_EQ_INT(bi.bi_mem_lower, 639);
	CHECK_EQ_INT(bi.bi_mem_upper, 523264);
	CHECK_EQ_INT(bi.bi_nmmap, nitems(grub_mmap));
	for (i = 0; i < bi.bi_nmmap && i < (int)nitems(grub_mmap); i++) {
		CHECK_EQ_HEX(bi.bi_mmap[i].mm_base, grub_mmap[i].base_addr);
		CHECK_EQ_HEX(bi.bi_mmap[i].mm_length, grub_mmap[i].length);
		CHECK_EQ_INT(bi.bi_mmap[i].mm_type, grub_mmap[i].type);
	}
	CHECK(bi.bi_has_fb);
	CHECK_EQ_HEX(bi.bi_fb.fb_addr, 0xb8000);
	CHECK_EQ_INT(bi.bi_fb.fb_pitch, 160);
	CHECK_EQ_INT(bi.bi_fb.fb_width, 80);
	CHECK_EQ_INT(bi.bi_fb.fb_height, 25);
	CHECK_EQ_INT(bi.bi_fb.fb_bpp, 16);
	CHECK_EQ_INT(bi.bi_fb.fb_type, MB2_FB_TYPE_EGA_TEXT);
	CHECK_EQ_HEX(bi.bi_efi_systab, 0x7f9e018);
	CHECK_EQ_INT(bi.bi_rsdp_len, ACPI_RSDP_V2_LEN);
	CHECK(memcmp(bi.bi_rsdp, xsdp, sizeof(xsdp)) == 0);
}

/*
 * The EFI system table: from the 32-bit tag when the firmware is 32-bit
 * UEFI, from the 64-bit one otherwise; the 64-bit tag wins whichever
 * comes first (multiboot2 specification, "EFI 32-bit system table
 * pointer", "EFI 64-bit system table pointer": 12 and 16 bytes).
 */
static void
test_efi_system_table_tags(void)
{
	uint64_t systab64 = 0x7f9e018;
	uint32_t systab32 = 0x3e5f018;
	size_t off;

	mbi_init(&mbi);
	mbi_tag(&mbi, MB2_TAG_EFI32, 12, &systab32, 4);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_HEX(bi.bi_efi_systab, 0x3e5f018);

	mbi_init(&mbi);
	mbi_tag(&mbi, MB2_TAG_EFI32, 12, &systab32, 4);
	mbi_tag(&mbi, MB2_TAG_EFI64, 16, &systab64, 8);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_HEX(bi.bi_efi_systab, 0x7f9e018);

	mbi_init(&mbi);
	mbi_tag(&mbi, MB2_TAG_EFI64, 16, &systab64, 8);
	mbi_tag(&mbi, MB2_TAG_EFI32, 12, &systab32, 4);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_HEX(bi.bi_efi_systab, 0x7f9e018);

	mbi_init(&mbi);
	off = mbi_tag(&mbi, MB2_TAG_EFI32, 8, NULL, 0);
	mbi_end(&mbi);
	CHECK_TAG_ERROR(parse(&mbi), MB2_TAG_EFI32, off, "has size 0x8, less "
	    "than the 0xc this type needs");
}

/* The least there can be: a header and an end tag. */
static void
test_minimal_info_parses_empty(void)
{
	mbi_init(&mbi);
	mbi_end(&mbi);
	CHECK_EQ_INT(mbi.m_len, 16);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_INT(bi.bi_ntags, 1);
	CHECK(!bi.bi_has_cmdline);
	CHECK_STR(bi.bi_cmdline, "");
	CHECK_STR(bi.bi_loader, "");
	CHECK_EQ_INT(bi.bi_nmodules, 0);
	CHECK_EQ_INT(bi.bi_nmmap, 0);
	CHECK_EQ_INT(bi.bi_rsdp_len, 0);
	CHECK(!bi.bi_has_fb && !bi.bi_has_meminfo);
}

/* A tag's size excludes its padding; the next starts 8-aligned. */
static void
test_odd_sizes_are_padded_to_8(void)
{
	mbi_init(&mbi);
	CHECK_EQ_INT(mbi_string(&mbi, MB2_TAG_CMDLINE, "ab"), 8);  /* 11 */
	CHECK_EQ_INT(mbi_string(&mbi, MB2_TAG_LOADER_NAME, "x"), 24);
	CHECK_EQ_INT(mbi_end(&mbi), 40);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_STR(bi.bi_cmdline, "ab");
	CHECK_STR(bi.bi_loader, "x");
	CHECK_EQ_INT(bi.bi_ntags, 3);
}

/* Parsing starts from a clean slate, even after a rejected block. */
static void
test_parse_clears_previous_result(void)
{
	size_t mods[2];

	build_grub_like(&mbi, mods);
	CHECK_EQ_INT(parse(&mbi), 0);
	mbi_init(&mbi);
	mbi_tag(&mbi, MB2_TAG_CMDLINE, 4, NULL, 0);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), EINVAL);
	CHECK(!bi.bi_has_cmdline);
	CHECK_EQ_INT(bi.bi_nmodules, 0);
	mbi_init(&mbi);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_STR(bi.bi_error, "");
}

/* GRUB may give both RSDP copies; the 2.0 one wins in either order. */
static void
test_acpi_new_wins_over_old(void)
{
	uint8_t xsdp[ACPI_RSDP_V2_LEN];
	int order;

	make_xsdp(xsdp);
	for (order = 0; order < 2; order++) {
		mbi_init(&mbi);
		if (order == 0)
			mbi_tag(&mbi, MB2_TAG_ACPI_OLD, 28, xsdp, 20);
		mbi_tag(&mbi, MB2_TAG_ACPI_NEW, 44, xsdp, 36);
		if (order == 1)
			mbi_tag(&mbi, MB2_TAG_ACPI_OLD, 28, xsdp, 20);
		mbi_end(&mbi);
		CHECK_EQ_INT(parse(&mbi), 0);
		CHECK_EQ_INT(bi.bi_rsdp_len, ACPI_RSDP_V2_LEN);
	}
	mbi_init(&mbi);
	mbi_tag(&mbi, MB2_TAG_ACPI_OLD, 28, xsdp, 20);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_INT(bi.bi_rsdp_len, ACPI_RSDP_V1_LEN);
	CHECK(memcmp(bi.bi_rsdp, xsdp, ACPI_RSDP_V1_LEN) == 0);
}

static void
test_17_modules_keep_16_and_warn(void)
{
	char name[16];
	int i;

	mbi_init(&mbi);
	for (i = 0; i < 17; i++) {
		snprintf(name, sizeof(name), "mod%d", i);
		mbi_module(&mbi, 0x100000 * (i + 1), 0x100000 * (i + 1) + 16,
		    name);
	}
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_INT(bi.bi_nmodules, BI_MODULES_MAX);
	CHECK_STR(bi.bi_modules[15].mod_string, "mod15");
	CHECK_STR(bi.bi_warning,
	    "multiboot2: 17 modules given, only the first 16 kept");
	CHECK_STR(bi.bi_error, "");
}

static void
test_130_mmap_entries_keep_128_and_warn(void)
{
	struct mb2_mmap_entry e[130];
	int i;

	for (i = 0; i < 130; i++)
		e[i] = (struct mb2_mmap_entry){ i * 0x1000ULL, 0x1000, 1, 0 };
	mbi_init(&mbi);
	mbi_mmap(&mbi, 24, e, 100);	/* two tags: they add up */
	mbi_mmap(&mbi, 24, e + 100, 30);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_INT(bi.bi_nmmap, BI_MMAP_MAX);
	CHECK_EQ_HEX(bi.bi_mmap[127].mm_base, 127 * 0x1000);
	CHECK_CONTAINS(bi.bi_warning, "130 memory map entries");
}

/* A larger entry_size (a later version) is stepped over, not misread. */
static void
test_mmap_wider_entries_are_stepped(void)
{
	mbi_init(&mbi);
	mbi_mmap(&mbi, 32, grub_mmap, 3);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_INT(bi.bi_nmmap, 3);
	CHECK_EQ_HEX(bi.bi_mmap[2].mm_base, grub_mmap[2].base_addr);
	CHECK_EQ_INT(bi.bi_mmap[2].mm_type, grub_mmap[2].type);
}

/*
 * A module string too long for us is cut with a warning.  A command line
 * is cut too, but without one: its length is kept, and cmdline_parsed
 * refuses the line (kernel/selftest.c).
 */
static void
test_long_strings_are_cut_with_warning(void)
{
	static char s[5000];

	memset(s, 'c', sizeof(s) - 1);
	mbi_init(&mbi);
	mbi_string(&mbi, MB2_TAG_CMDLINE, s);
	mbi_module(&mbi, 0x1000, 0x2000, s + sizeof(s) - 300);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_INT(strlen(bi.bi_cmdline), BI_CMDLINE_MAX - 1);
	CHECK_EQ_INT(bi.bi_cmdline_len, 4999);
	CHECK_EQ_INT(strlen(bi.bi_modules[0].mod_string), BI_MODSTR_MAX - 1);
	CHECK_STR(bi.bi_warning,
	    "multiboot2: module 0's string of 299 bytes cut to 127");
}

/* The longest command line the kernel takes arrives whole. */
static void
test_cmdline_of_4095_bytes_is_whole(void)
{
	static char s[BI_CMDLINE_MAX];

	memset(s, 'c', sizeof(s) - 1);
	memcpy(s + sizeof(s) - 9, "fault=gp", 8);
	mbi_init(&mbi);
	mbi_string(&mbi, MB2_TAG_CMDLINE, s);
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK_EQ_INT(bi.bi_cmdline_len, 4095);
	CHECK_STR(bi.bi_cmdline, s);
	CHECK_STR(bi.bi_warning, "");
	mbi_init(&mbi);
	mbi_string(&mbi, MB2_TAG_CMDLINE, "");
	mbi_end(&mbi);
	CHECK_EQ_INT(parse(&mbi), 0);
	CHECK(bi.bi_has_cmdline);
	CHECK_EQ_INT(bi.bi_cmdline_len, 0);
}

static void
test_reject_null_misaligned_and_short_info(void)
{
	uint8_t *p;

	CHECK_EQ_INT(mb2_parse(NULL, 64, &bi), EINVAL);
	CHECK_CONTAINS(bi.bi_error, "NULL");
	mbi_init(&mbi);
	mbi_end(&mbi);
	p = malloc(mbi.m_len + 4);
	memcpy(p + 4, mbi_bytes(&mbi), mbi.m_len);
	CHECK_EQ_INT(mb2_parse(p + 4, mbi.m_len, &bi), EINVAL);
	CHECK_CONTAINS(bi.bi_error, "not 8-byte aligned");
	free(p);
	CHECK_EQ_INT(parse_avail(&mbi, 15), EINVAL);
	CHECK_CONTAINS(bi.bi_error, "only 15 bytes readable");
	CHECK_STR(bi.bi_path, "multiboot2");
}

static void
test_reject_bad_total_size(void)
{
	static const uint32_t bad[] = { 0, 8, 15, MB2_INFO_MAX + 8,
	    0x80000000, 0xfffffff8, 0xffffffff };
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		mbi_init(&mbi);
		mbi_end(&mbi);
		mbi_set_total(&mbi, bad[i]);
		CHECK_EQ_INT(parse(&mbi), EINVAL);
		CHECK_CONTAINS(bi.bi_error, "multiboot2: total_size 0x");
		CHECK_EQ_INT(bi.bi_info_size, bad[i]);
	}
	/* total_size says 0x40, but only 0x38 bytes are there to read. */
	mbi_init(&mbi);
	mbi_string(&mbi, MB2_TAG_CMDLINE, "0123456789abcdefghijklmnopqrstu");
	mbi_end(&mbi);
	CHECK_EQ_INT(mbi.m_len, 0x38);
	mbi_set_total(&mbi, 0x40);
	CHECK_EQ_INT(parse(&mbi), EINVAL);
	CHECK_STR(bi.bi_error,
	    "multiboot2: total_size 0x40 is past the 0x38 bytes readable");
}

/*
 * MB2_INFO_MAX is the limit even when that much is readable: a block
 * of exactly that size passes, one 8 bytes larger does not.
 */
static void
test_total_size_limit(void)
{
	uint32_t *p = calloc(1, MB2_INFO_MAX + 8);

	p[0] = MB2_INFO_MAX;		/* total_size */
	p[2] = MB2_TAG_END;		/* at offset 8, size 8 */
	p[3] = 8;
	CHECK_EQ_INT(mb2_parse(p, MB2_INFO_MAX + 8, &bi), 0);
	CHECK_EQ_INT(bi.bi_info_size, MB2_INFO_MAX);
	p[0] = MB2_INFO_MAX + 8;
	CHECK_EQ_INT(mb2_parse(p, MB2_INFO_MAX + 8, &bi), EINVAL);
	CHECK_STR(bi.bi_error, "multiboot2: total_size 0x100008 is more than "
	    "the 0x100000 we accept");
	free(p);
}

/* The example sentence, word for word. */
static void
test_reject_module_past_end_exact_message(void)
{
	size_t off;

	mbi_init(&mbi);
	mbi_string(&mbi, MB2_TAG_CMDLINE,
	    "console=com1 hv=sim:kvm fault=gp loglevel=7 x=abcdef");
	CHECK_EQ_INT(mbi.m_len, 0x45);
	off = mbi_module(&mbi, 0x1000, 0x2000, "m");
	CHECK_EQ_INT(off, 0x48);
	memcpy(mbi_bytes(&mbi) + off + 4, &(uint32_t){ 0x100 }, 4);
	mbi.m_len = 0x80;
	mbi_set_total(&mbi, 0x80);
	CHECK_EQ_INT(parse(&mbi), EINVAL);
	CHECK_STR(bi.bi_error, "multiboot2: tag 3 (module) at offset 0x48 "
	    "has size 0x100, past the end of the info (total_size 0x80)");
}

/* total_size cuts the block short: the last tag no longer fits. */
static void
test_reject_total_smaller_than_tags(void)
{
	size_t off;

	mbi_init(&mbi);
	mbi_string(&mbi, MB2_TAG_CMDLINE, "a");
	off = mbi_string(&mbi, MB2_TAG_LOADER_NAME, "GRUB");
	mbi_end(&mbi);
	mbi_set_total(&mbi, (uint32_t)off + 8);
	CHECK_TAG_ERROR(parse(&mbi), MB2_TAG_LOADER_NAME, off,
	    "past the end of the info");
	mbi_set_total(&mbi, (uint32_t)off);	/* the end tag is left out */
	CHECK_EQ_INT(parse(&mbi), EINVAL);
	CHECK_CONTAINS(bi.bi_error, "no end tag");
}

static void
test_reject_zero_and_short_tag_size(void)
{
	static const uint32_t bad[] = { 0, 1, 4, 7 };
	size_t i, off;

	for (i = 0; i < nitems(bad); i++) {
		mbi_init(&mbi);
		mbi_string(&mbi, MB2_TAG_CMDLINE, "ok");
		off = mbi_tag(&mbi, MB2_TAG_MODULE, bad[i], NULL, 0);
		mbi_end(&mbi);
		CHECK_TAG_ERROR(parse(&mbi), MB2_TAG_MODULE, off,
		    "less than its own 8-byte header");
	}
}

/* Sizes that wrap a 32-bit offset when added or rounded up. */
static void
test_reject_huge_tag_size(void)
{
	static const uint32_t bad[] = { 0xfffffff8, 0xfffffff9, 0xffffffff,
	    0x80000000, MB2_INFO_MAX };
	size_t i, off;
	char want[64];

	for (i = 0; i < nitems(bad); i++) {
		mbi_init(&mbi);
		off = mbi_tag(&mbi, 0x77, bad[i], NULL, 0);
		mbi_end(&mbi);
		snprintf(want, sizeof(want), "has size 0x%x, past the end",
		    bad[i]);
		CHECK_TAG_ERROR(parse(&mbi), 0x77, off, want);
		CHECK_CONTAINS(bi.bi_error, "(unknown)");
	}
}

static void
test_reject_missing_end_tag(void)
{
	mbi_init(&mbi);
	mbi_string(&mbi, MB2_TAG_CMDLINE, "no end");
	mbi_set_total(&mbi, (uint32_t)mbi.m_len);
	CHECK_EQ_INT(parse(&mbi), EINVAL);
	CHECK_STR(bi.bi_error, "multiboot2: the tags stop at offset 0x18 "
	    "with no end tag (type 0) inside total_size 0x17");
	/* Four bytes of room left: not enough for any tag header. */
	mbi.m_len = 0x1c;
	mbi_set_total(&mbi, 0x1c);
	CHECK_EQ_INT(parse(&mbi), EINVAL);
	CHECK_CONTAINS(bi.bi_error, "no end tag (type 0) inside total_size");
}

static void
test_reject_end_tag_of_wrong_size(void)
{
	uint8_t pad[8] = { 0 };
	size_t off;

	mbi_init(&mbi);
	off = mbi_tag(&mbi, MB2_TAG_END, 16, pad, sizeof(pad));
	mbi_set_total(&mbi, (uint32_t)mbi.m_len);
	CHECK_TAG_ERROR(parse(&mbi), MB2_TAG_END, off, "an end tag has size 8");
}

static void
test_reject_bad_mmap_entry_size(void)
{
	static const uint32_t bad[] = { 0, 8, 20, 23, 28, 33 };
	size_t i, off;

	for (i = 0; i < nitems(bad); i++) {
		mbi_init(&mbi);
		off = mbi_mmap(&mbi, bad[i], grub_mmap, bad[i] >= 24 ? 2 : 0);
		mbi_end(&mbi);
		CHECK_TAG_ERROR(parse(&mbi), MB2_TAG_MMAP, off,
		    "entry_size");
	}
	/* Right entry size, but the last entry is cut short. */
	mbi_init(&mbi);
	off = mbi_mmap(&mbi, 24, grub_mmap, 2);
	memcpy(mbi_bytes(&mbi) + off + 4, &(uint32_t){ 16 + 24 + 16 }, 4);
	mbi_end(&mbi);
	CHECK_TAG_ERROR(parse(&mbi), MB2_TAG_MMAP, off, "whole entries");
	CHECK_EQ_INT(bi.bi_nmmap, 0);
}

/* Every string tag must end with a NUL inside its own size. */
static void
test_reject_string_without_nul(void)
{
	static const uint32_t types[] = { MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME,
	    MB2_TAG_MODULE };
	uint8_t body[24];
	size_t i, off;

	memset(body, 'x', sizeof(body));
	for (i = 0; i < nitems(types); i++) {
		mbi_init(&mbi);
		off = mbi_tag(&mbi, types[i], 8 + sizeof(body), body,
		    sizeof(body));
		mbi_end(&mbi);
		CHECK_TAG_ERROR(parse(&mbi), types[i], off, "no NUL");
	}
}

static void
test_reject_module_start_after_end(void)
{
	size_t off;

	mbi_init(&mbi);
	mbi_module(&mbi, 0x2000, 0x2000, "empty is fine");
	off = mbi_module(&mbi, 0x3001, 0x3000, "backwards");
	mbi_end(&mbi);
	CHECK_TAG_ERROR(parse(&mbi), MB2_TAG_MODULE, off,
	    "mod_start 0x3001 after mod_end 0x3000");
}

static void
test_reject_duplicate_cmdline_and_loader(void)
{
	static const uint32_t types[] = { MB2_TAG_CMDLINE,
	    MB2_TAG_LOADER_NAME };
	size_t i, off;

	for (i = 0; i < nitems(types); i++) {
		mbi_init(&mbi);
		mbi_string(&mbi, types[i], "first");
		mbi_string(&mbi, MB2_TAG_BASIC_MEMINFO + 100, "between");
		off = mbi_string(&mbi, types[i], "second");
		mbi_end(&mbi);
		CHECK_TAG_ERROR(parse(&mbi), types[i], off, "duplicate");
	}
}

/* Each tag we read, one byte shorter than the least it can be. */
static void
test_reject_tags_below_their_least_size(void)
{
	static const struct { uint32_t type, size; } bad[] = {
		{ MB2_TAG_CMDLINE, 8 },
		{ MB2_TAG_LOADER_NAME, 8 },
		{ MB2_TAG_MODULE, 16 },
		{ MB2_TAG_BASIC_MEMINFO, 15 },
		{ MB2_TAG_MMAP, 15 },
		{ MB2_TAG_FRAMEBUFFER, 29 },
		{ MB2_TAG_EFI64, 15 },
		{ MB2_TAG_ACPI_OLD, 8 + ACPI_RSDP_V1_LEN - 1 },
		{ MB2_TAG_ACPI_NEW, 8 + ACPI_RSDP_V2_LEN - 1 },
		{ MB2_TAG_ACPI_NEW, 8 + ACPI_RSDP_V1_LEN },
	};
	uint8_t xsdp[ACPI_RSDP_V2_LEN];
	size_t i, off;

	make_xsdp(xsdp);
	for (i = 0; i < nitems(bad); i++) {
		mbi_init(&mbi);
		off = mbi_tag(&mbi, bad[i].type, bad[i].size, xsdp,
		    bad[i].size - 8);
		mbi_end(&mbi);
		CHECK_TAG_ERROR(parse(&mbi), bad[i].type, off,
		    "this type needs");
	}
}

static void
test_reject_acpi_without_signature(void)
{
	uint8_t xsdp[ACPI_RSDP_V2_LEN];
	size_t off;

	make_xsdp(xsdp);
	xsdp[7] = '_';
	mbi_init(&mbi);
	off = mbi_tag(&mbi, MB2_TAG_ACPI_OLD, 28, xsdp, 20);
	mbi_end(&mbi);
	CHECK_TAG_ERROR(parse(&mbi), MB2_TAG_ACPI_OLD, off, "RSD PTR ");
	CHECK_EQ_INT(bi.bi_rsdp_len, 0);
}

/* xorshift64*: the same sequence every run, so a failure repeats. */
static uint64_t fuzz_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
fuzz_rand(void)
{
	fuzz_state ^= fuzz_state >> 12;
	fuzz_state ^= fuzz_state << 25;
	fuzz_state ^= fuzz_state >> 27;
	return (uint32_t)((fuzz_state * 0x2545f4914f6cdd1dULL) >> 32);
}

/* What any outcome must look like: EINVAL with a sentence, or sane data. */
static bool
fuzz_outcome_ok(int error)
{
	if (error == EINVAL)
		return strncmp(bi.bi_error, "multiboot2: ", 12) == 0 &&
		    strnlen(bi.bi_error, BI_MSG_MAX) < BI_MSG_MAX;
	return error == 0 && bi.bi_error[0] == '\0' &&
	    bi.bi_nmodules >= 0 && bi.bi_nmodules <= BI_MODULES_MAX &&
	    bi.bi_nmmap >= 0 && bi.bi_nmmap <= BI_MMAP_MAX &&
	    (bi.bi_rsdp_len == 0 || bi.bi_rsdp_len == ACPI_RSDP_V1_LEN ||
	    bi.bi_rsdp_len == ACPI_RSDP_V2_LEN) &&
	    strnlen(bi.bi_cmdline, BI_CMDLINE_MAX) < BI_CMDLINE_MAX &&
	    strnlen(bi.bi_loader, BI_LOADER_MAX) < BI_LOADER_MAX &&
	    bi.bi_ntags >= 1;
}

/* Overwrite a random aligned word with a value a parser may trip on. */
static void
fuzz_mutate(uint8_t *p, size_t len)
{
	static const uint32_t nasty[] = { 0, 1, 7, 8, 9, 16, 17, 23, 24, 28,
	    0x7fffffff, 0x80000000, 0xfffffff8, 0xfffffffc, 0xffffffff };
	uint32_t v, at;

	if (fuzz_rand() % 2) {
		v = fuzz_rand() % 3 ? nasty[fuzz_rand() % nitems(nasty)] :
		    fuzz_rand() % (uint32_t)(len + 16);
		at = (fuzz_rand() % (uint32_t)(len / 4)) * 4;
		memcpy(p + at, &v, 4);
	} else
		p[fuzz_rand() % len] = (uint8_t)fuzz_rand();
}

/*
 * Mutate the GRUB-like block a few words at a time and give some runs
 * less to read than total_size claims.  ASan checks the bounds; the
 * outcome must be a clean accept or a clean EINVAL.
 */
static void
test_fuzz_mutated_blocks(void)
{
	size_t mods[2], len, avail;
	int i, k, nbad = 0, naccept = 0, nreject = 0, error;
	uint8_t *p;

	build_grub_like(&mbi, mods);
	len = mbi.m_len;
	for (i = 0; i < 20000; i++) {
		avail = i % 8 == 0 ? fuzz_rand() % (len + 1) : len;
		p = malloc(avail > 0 ? avail : 1);
		memcpy(p, mbi_bytes(&mbi), avail);
		for (k = 1 + fuzz_rand() % 4; k > 0 && avail >= 4; k--)
			fuzz_mutate(p, avail);
		error = mb2_parse(p, avail, &bi);
		free(p);
		if (!fuzz_outcome_ok(error) && nbad++ == 0)
			printf("# iteration %d: error %d, \"%s\"\n", i, error,
			    bi.bi_error);
		if (error == 0)
			naccept++;
		else
			nreject++;
	}
	CHECK_EQ_INT(nbad, 0);
	CHECK(naccept > 1000 && nreject > 1000);	/* both paths ran */
}

/* Random tag headers at aligned offsets over random bytes. */
static void
test_fuzz_random_tag_lists(void)
{
	int i, nbad = 0, error;
	size_t len, off;
	uint32_t hdr[2];
	uint8_t *p;

	for (i = 0; i < 20000; i++) {
		len = 16 + fuzz_rand() % 256;
		p = malloc(len);
		for (off = 0; off < len; off++)
			p[off] = (uint8_t)fuzz_rand();
		hdr[0] = fuzz_rand() % 4 ? (uint32_t)len : fuzz_rand();
		memcpy(p, hdr, 4);
		for (off = 8; off + 8 <= len;
		    off += 8 * (1 + fuzz_rand() % 4)) {
			hdr[0] = fuzz_rand() % 24;
			hdr[1] = fuzz_rand() % 3 ? fuzz_rand() % 64 :
			    fuzz_rand();
			memcpy(p + off, hdr, 8);
		}
		error = mb2_parse(p, len, &bi);
		free(p);
		if (!fuzz_outcome_ok(error) && nbad++ == 0)
			printf("# iteration %d: error %d, \"%s\"\n", i, error,
			    bi.bi_error);
	}
	CHECK_EQ_INT(nbad, 0);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_grub_like_info_parses),
	CHECK_TEST(test_minimal_info_parses_empty),
	CHECK_TEST(test_efi_system_table_tags),
	CHECK_TEST(test_odd_sizes_are_padded_to_8),
	CHECK_TEST(test_parse_clears_previous_result),
	CHECK_TEST(test_acpi_new_wins_over_old),
	CHECK_TEST(test_17_modules_keep_16_and_warn),
	CHECK_TEST(test_130_mmap_entries_keep_128_and_warn),
	CHECK_TEST(test_mmap_wider_entries_are_stepped),
	CHECK_TEST(test_long_strings_are_cut_with_warning),
	CHECK_TEST(test_cmdline_of_4095_bytes_is_whole),
	CHECK_TEST(test_reject_null_misaligned_and_short_info),
	CHECK_TEST(test_reject_bad_total_size),
	CHECK_TEST(test_total_size_limit),
	CHECK_TEST(test_reject_module_past_end_exact_message),
	CHECK_TEST(test_reject_total_smaller_than_tags),
	CHECK_TEST(test_reject_zero_and_short_tag_size),
	CHECK_TEST(test_reject_huge_tag_size),
	CHECK_TEST(test_reject_missing_end_tag),
	CHECK_TEST(test_reject_end_tag_of_wrong_size),
	CHECK_TEST(test_reject_bad_mmap_entry_size),
	CHECK_TEST(test_reject_string_without_nul),
	CHECK_TEST(test_reject_module_start_after_end),
	CHECK_TEST(test_reject_duplicate_cmdline_and_loader),
	CHECK_TEST(test_reject_tags_below_their_least_size),
	CHECK_TEST(test_reject_acpi_without_signature),
	CHECK_TEST(test_fuzz_mutated_blocks),
	CHECK_TEST(test_fuzz_random_tag_lists),
};

int
main(void)
{
	return check_main("test_multiboot2", tests, nitems(tests));
}

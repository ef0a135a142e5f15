/*
 * pvh_to_mb2() (kernel/pvh.c): a PVH start info, laid out as Xen's
 * start_info.h has it, must come out as multiboot2 boot information that
 * mb2_parse() reads back to the same command line, modules, memory map
 * and RSDP.  The "physical addresses" in these start infos are host heap
 * pointers (maxpa is UINT64_MAX unless a test lowers it), each block
 * malloc'ed at its exact size so ASan catches any read past it.
 */

#include "check.h"
#include "kern.h"
#include "bootinfo.h"
#include "multiboot2.h"
#include "pvhreg.h"

#define PA(p)	((uint64_t)(uintptr_t)(p))

/*
 * One allocation; the command line last, so maxpa can cut into it.
 * pvh_to_mb2() may read the 16 bytes before a start info whose magic is
 * wrong (pvh_overrun()): a_before is there, as memory is in the kernel.
 */
struct arena {
	char				a_before[16];
	struct hvm_start_info		a_si;
	struct hvm_modlist_entry	a_mods[2];
	struct hvm_memmap_table_entry	a_map[4];
	uint8_t				a_rsdp[ACPI_RSDP_V2_LEN];
	char				a_modstr[16];
	char				a_cmdline[32];
};

static const struct hvm_memmap_table_entry good_map[4] = {
	{ 0x0,		0x9fc00,	XEN_HVM_MEMMAP_TYPE_RAM, 0 },
	{ 0xf0000,	0x10000,	XEN_HVM_MEMMAP_TYPE_RESERVED, 0 },
	{ 0x100000,	0x7ee0000,	XEN_HVM_MEMMAP_TYPE_RAM, 0 },
	{ 0x200000000,	0x10000000,	XEN_HVM_MEMMAP_TYPE_PMEM, 0 },
};

static uint64_t out[8192];	/* 64 KiB, 8-aligned */
static size_t outlen;
static char err[160];
static struct bootinfo bi;

static void
make_rsdp(uint8_t *r, int revision, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		r[i] = (uint8_t)(0x20 + i);
	memcpy(r, ACPI_RSDP_SIG, 8);
	r[15] = (uint8_t)revision;
}

/* What QEMU's PVH option ROM gives, plus a second module. */
static struct arena *
arena_new(void)
{
	struct arena *a = calloc(1, sizeof(*a));

	a->a_si.magic = XEN_HVM_START_MAGIC_VALUE;
	a->a_si.version = 1;
	a->a_si.nr_modules = 2;
	a->a_si.modlist_paddr = PA(a->a_mods);
	a->a_si.cmdline_paddr = PA(a->a_cmdline);
	a->a_si.rsdp_paddr = PA(a->a_rsdp);
	a->a_si.memmap_paddr = PA(a->a_map);
	a->a_si.memmap_entries = 4;
	a->a_mods[0] = (struct hvm_modlist_entry){ 0x200000, 0x1000,
	    PA(a->a_modstr), 0 };
	a->a_mods[1] = (struct hvm_modlist_entry){ 0x300000, 0x10, 0, 0 };
	memcpy(a->a_map, good_map, sizeof(good_map));
	make_rsdp(a->a_rsdp, 2, sizeof(a->a_rsdp));
	strcpy(a->a_modstr, "initrd");
	strcpy(a->a_cmdline, "console=com1 fault=gp");
	return a;
}

static int
convert_max(const void *si, uint64_t maxpa)
{
	memset(err, 'X', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	return pvh_to_mb2(si, maxpa, out, sizeof(out), &outlen, err,
	    sizeof(err));
}

static int
convert(const void *si)
{
	return convert_max(si, UINT64_MAX);
}

/* Convert, then parse the result from an exact-size copy. */
static int
convert_and_parse(const void *si)
{
	uint8_t *p;
	int error;

	if ((error = convert(si)) != 0)
		return error;
	p = malloc(outlen);
	memcpy(p, out, outlen);
	error = mb2_parse(p, outlen, &bi);
	free(p);
	return error;
}

static void
test_good_start_info_round_trips(void)
{
	struct arena *a = arena_new();
	int i;

	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_STR(err, "");
	CHECK_STR(bi.bi_error, "");
	CHECK_STR(bi.bi_warning, "");
	CHECK_EQ_INT(outlen % 8, 0);
	CHECK_EQ_INT(*(uint32_t *)out, outlen);		/* total_size */
	/* Loader name, cmdline, 2 modules, mmap, ACPI, end. */
	CHECK_EQ_INT(bi.bi_ntags, 7);
	CHECK_STR(bi.bi_loader, "PVH");
	CHECK(bi.bi_has_cmdline);
	CHECK_STR(bi.bi_cmdline, "console=com1 fault=gp");
	CHECK_EQ_INT(bi.bi_nmodules, 2);
	CHECK_EQ_HEX(bi.bi_modules[0].mod_start, 0x200000);
	CHECK_EQ_HEX(bi.bi_modules[0].mod_end, 0x201000);
	CHECK_STR(bi.bi_modules[0].mod_string, "initrd");
	CHECK_EQ_HEX(bi.bi_modules[1].mod_start, 0x300000);
	CHECK_EQ_HEX(bi.bi_modules[1].mod_end, 0x300010);
	CHECK_STR(bi.bi_modules[1].mod_string, "");
	CHECK_EQ_INT(bi.bi_nmmap, 4);
	for (i = 0; i < 4 && i < bi.bi_nmmap; i++) {
		CHECK_EQ_HEX(bi.bi_mmap[i].mm_base, good_map[i].addr);
		CHECK_EQ_HEX(bi.bi_mmap[i].mm_length, good_map[i].size);
		CHECK_EQ_INT(bi.bi_mmap[i].mm_type, good_map[i].type);
	}
	CHECK_EQ_INT(bi.bi_rsdp_len, ACPI_RSDP_V2_LEN);
	CHECK(memcmp(bi.bi_rsdp, a->a_rsdp, ACPI_RSDP_V2_LEN) == 0);
	free(a);
}

/* Revision 0 is ACPI 1.0: 20 bytes, and only 20 may be read. */
static void
test_rsdp_revision_0_gives_acpi_old(void)
{
	struct arena *a = arena_new();
	uint8_t *rsdp = malloc(ACPI_RSDP_V1_LEN);

	make_rsdp(rsdp, 0, ACPI_RSDP_V1_LEN);
	a->a_si.rsdp_paddr = PA(rsdp);
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_EQ_INT(bi.bi_rsdp_len, ACPI_RSDP_V1_LEN);
	CHECK(memcmp(bi.bi_rsdp, rsdp, ACPI_RSDP_V1_LEN) == 0);
	free(rsdp);
	free(a);
}

static void
test_rsdp_without_signature_is_left_out(void)
{
	struct arena *a = arena_new();

	a->a_rsdp[0] = 'r';
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_EQ_INT(bi.bi_rsdp_len, 0);
	CHECK_EQ_INT(bi.bi_ntags, 6);
	a->a_si.rsdp_paddr = 0;			/* absent */
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_EQ_INT(bi.bi_rsdp_len, 0);
	free(a);
}

static void
test_reject_bad_magic(void)
{
	struct arena *a = arena_new();

	a->a_si.magic = 0x336ec579;
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_STR(err, "pvh: start info magic is 0x336ec579, not 0x336ec578");
	CHECK_EQ_INT(outlen, 0);
	CHECK_EQ_INT(pvh_to_mb2(&a->a_si, UINT64_MAX, out, sizeof(out),
	    &outlen, NULL, 0), EINVAL);		/* no room for a message */
	CHECK_EQ_INT(convert(NULL), EINVAL);
	CHECK_STR(err, "pvh: start info has address 0");
	free(a);
}

/*
 * Version 0 ends before memmap_paddr: the 40 bytes are all that may be
 * read, and memmap fields that happen to follow are not looked at.
 */
static void
test_version_0_has_no_memory_map(void)
{
	struct arena *a = arena_new();
	struct hvm_start_info *v0 = malloc(HVM_START_INFO_V0_SIZE);

	a->a_si.version = 0;
	memcpy(v0, &a->a_si, HVM_START_INFO_V0_SIZE);
	CHECK_EQ_INT(convert_and_parse(v0), 0);
	CHECK_EQ_INT(bi.bi_nmmap, 0);
	CHECK_EQ_INT(bi.bi_nmodules, 2);
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);	/* fields set, unread */
	CHECK_EQ_INT(bi.bi_nmmap, 0);
	a->a_si.version = 2;		/* later versions only add fields */
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_EQ_INT(bi.bi_nmmap, 4);
	free(v0);
	free(a);
}

static void
test_no_cmdline_gives_empty_cmdline(void)
{
	struct arena *a = arena_new();

	a->a_si.cmdline_paddr = 0;
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK(bi.bi_has_cmdline);
	CHECK_STR(bi.bi_cmdline, "");
	free(a);
}

/* 64 modules are accepted (mb2_parse keeps 16), 65 are not. */
static void
test_module_count_is_bounded(void)
{
	struct arena *a = arena_new();
	struct hvm_modlist_entry *list = calloc(65, sizeof(*list));
	int i;

	for (i = 0; i < 65; i++)
		list[i] = (struct hvm_modlist_entry){ 0x1000000 + i * 0x1000,
		    0x1000, 0, 0 };
	a->a_si.modlist_paddr = PA(list);
	a->a_si.nr_modules = 64;
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_EQ_INT(bi.bi_nmodules, BI_MODULES_MAX);
	CHECK_CONTAINS(bi.bi_warning, "64 modules given");
	a->a_si.nr_modules = 65;
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_STR(err, "pvh: nr_modules is 65, more than the 64 we accept");
	a->a_si.nr_modules = 0xffffffff;
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	free(list);
	free(a);
}

static void
test_memmap_count_is_bounded(void)
{
	struct arena *a = arena_new();

	a->a_si.memmap_entries = 1025;
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_CONTAINS(err, "memmap_entries is 1025");
	free(a);
}

static void
test_reject_zero_addresses(void)
{
	struct arena *a = arena_new();

	a->a_si.modlist_paddr = 0;
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_STR(err, "pvh: module list has address 0");
	a->a_si.modlist_paddr = PA(a->a_mods);
	a->a_mods[1].paddr = 0;
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_STR(err, "pvh: module 1 has address 0");
	a->a_mods[1].paddr = 0x300000;
	a->a_si.memmap_paddr = 0;
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_STR(err, "pvh: memory map has address 0");
	free(a);
}

/* Nothing that ends past maxpa is used, and nothing past it is read. */
static void
test_reject_ranges_past_maxpa(void)
{
	struct arena *a = arena_new();

	CHECK_EQ_INT(convert_max(&a->a_si, PA(a->a_cmdline) + 4), EINVAL);
	CHECK_CONTAINS(err, "command line at 0x");
	CHECK_CONTAINS(err, "has no NUL in its first 4 bytes");
	a->a_si.cmdline_paddr = 0;		/* or it would fail first */
	CHECK_EQ_INT(convert_max(&a->a_si, PA(&a->a_mods[1]) + 31), EINVAL);
	CHECK_CONTAINS(err, "pvh: module list at 0x");
	CHECK_CONTAINS(err, ", 0x40 bytes, ends past 0x");
	CHECK_EQ_INT(convert_max(&a->a_si, PA(a) + 55), EINVAL);
	CHECK_CONTAINS(err, "pvh: start info at 0x");
	a->a_mods[0].paddr = UINT64_MAX - 0xf;	/* paddr + size wraps */
	a->a_mods[0].size = 0x100;
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_STR(err, "pvh: module 0 at 0xfffffffffffffff0, 0x100 bytes, "
	    "ends past 0xffffffffffffffff");
	free(a);
}

/* mod_start and mod_end are u32, mod_end one past the last byte. */
static void
test_reject_module_above_4gib(void)
{
	struct arena *a = arena_new();

	a->a_mods[1] = (struct hvm_modlist_entry){ 0xffffe000, 0x1000, 0, 0 };
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_EQ_HEX(bi.bi_modules[1].mod_end, 0xfffff000);
	a->a_mods[1].paddr = 0xfffff000;	/* ends at exactly 4 GiB */
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_CONTAINS(err, "pvh: module 1 at 0xfffff000");
	CHECK_CONTAINS(err, "above 4 GiB");
	a->a_mods[1].paddr = 0x100000000;
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	free(a);
}

/*
 * A command line is read up to PVH_STRING_MAX (16 KiB) for its NUL and
 * goes across whole: mb2_parse() keeps 4095 bytes and the length.
 */
static void
test_cmdline_scan_is_bounded(void)
{
	struct arena *a = arena_new();
	char *s = malloc(20000);

	memset(s, 'a', 20000);		/* no NUL anywhere */
	a->a_si.cmdline_paddr = PA(s);
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_CONTAINS(err, "has no NUL in its first 16384 bytes");
	s[4095] = '\0';			/* the longest we take */
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_EQ_INT(strlen(bi.bi_cmdline), BI_CMDLINE_MAX - 1);
	CHECK_EQ_INT(bi.bi_cmdline_len, 4095);
	CHECK_STR(bi.bi_warning, "");
	s[4095] = 'a';
	s[4100] = '\0';			/* QEMU: whole, but too long */
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_EQ_INT(strlen(bi.bi_cmdline), BI_CMDLINE_MAX - 1);
	CHECK_EQ_INT(bi.bi_cmdline_len, 4100);
	s[4100] = 'a';
	s[16383] = '\0';			/* the longest read at all */
	CHECK_EQ_INT(convert_and_parse(&a->a_si), 0);
	CHECK_EQ_INT(bi.bi_cmdline_len, 16383);
	a->a_si.cmdline_paddr = 0;
	a->a_mods[0].cmdline_paddr = PA(s);
	s[16383] = 'a';
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_CONTAINS(err, "module 0's command line at 0x");
	free(s);
	free(a);
}

/*
 * QEMU's PVH ROM copies an overlong command line over its own start
 * info.  Text where the magic belongs, after text, is named as that;
 * anything else is a plain wrong magic.
 */
static void
test_start_info_overwritten_by_text(void)
{
	struct arena *a = arena_new();
	uint8_t *si = (uint8_t *)&a->a_si;

	memset(a->a_before, 'a', sizeof(a->a_before));
	memset(si, 'a', 40);
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_STR(err, "pvh: the start info holds text (magic 0x61616161): a "
	    "command line longer than the loader's buffer overwrote it");
	a->a_si.magic = XEN_HVM_START_MAGIC_VALUE;	/* the line's NUL */
	si[0] = '\0';
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_CONTAINS(err, "(magic 0x336ec500): a command line longer");
	si[0] = 0x01;					/* not text */
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_STR(err, "pvh: start info magic is 0x336ec501, not 0x336ec578");
	si[0] = 'a';
	a->a_before[3] = '\n';				/* not all text */
	CHECK_EQ_INT(convert(&a->a_si), EINVAL);
	CHECK_STR(err, "pvh: start info magic is 0x336ec561, not 0x336ec578");
	a->a_before[3] = 'a';
	a->a_si.magic = XEN_HVM_START_MAGIC_VALUE;	/* text, good magic */
	a->a_si.version = 1;				/* text addresses */
	CHECK_EQ_INT(convert_max(&a->a_si, PA(a) + sizeof(*a)), EINVAL);
	CHECK_CONTAINS(err, "ends past");
	free(a);
}

/* bootinfo_module(): by the module string's last path component. */
static void
test_module_by_name(void)
{
	static struct bootinfo mb;

	memset(&mb, 0, sizeof(mb));
	mb.bi_nmodules = 3;
	strcpy(mb.bi_modules[0].mod_string, "/boot/modules/a.txt");
	strcpy(mb.bi_modules[1].mod_string, "b.tclo");
	strcpy(mb.bi_modules[2].mod_string, "dir/");
	CHECK(bootinfo_module(&mb, "a.txt") == &mb.bi_modules[0]);
	CHECK(bootinfo_module(&mb, "b.tclo") == &mb.bi_modules[1]);
	CHECK(bootinfo_module(&mb, "") == &mb.bi_modules[2]);
	CHECK(bootinfo_module(&mb, "modules/a.txt") == NULL);
	CHECK(bootinfo_module(&mb, "a") == NULL);
	mb.bi_nmodules = 1;
	CHECK(bootinfo_module(&mb, "b.tclo") == NULL);
}

/* bootinfo_boot_kind(): the boot path, and for multiboot2 the firmware. */
static void
test_boot_kind(void)
{
	static struct bootinfo kb;

	memset(&kb, 0, sizeof(kb));
	CHECK_STR(bootinfo_boot_kind(&kb), "unknown");
	kb.bi_path = "pvh";
	CHECK_STR(bootinfo_boot_kind(&kb), "pvh");
	kb.bi_path = "multiboot2";
	CHECK_STR(bootinfo_boot_kind(&kb), "bios");
	kb.bi_efi_systab = 0x7f9e018;
	CHECK_STR(bootinfo_boot_kind(&kb), "uefi");
	kb.bi_path = "unknown";
	CHECK_STR(bootinfo_boot_kind(&kb), "unknown");
	/* What bootinfo_init() makes of each magic. */
	CHECK(bootinfo_init(0x12345678, 0x1000, &kb) != 0);
	CHECK_STR(bootinfo_boot_kind(&kb), "unknown");
}

/*
 * ENOSPC for every buffer one byte or more too small, each allocated at
 * its size so a write past it stops the run; the exact size works.
 */
static void
test_small_buffer_gives_enospc(void)
{
	struct arena *a = arena_new();
	char want[80];
	size_t need, size, len;
	uint8_t *buf;
	int nbad = 0;

	CHECK_EQ_INT(convert(&a->a_si), 0);
	need = outlen;
	snprintf(want, sizeof(want), "pvh: the boot information needs %zu "
	    "bytes", need);
	for (size = 0; size <= need; size++) {
		buf = malloc(size > 0 ? size : 1);
		len = 12345;
		if (pvh_to_mb2(&a->a_si, UINT64_MAX, buf, size, &len, err,
		    sizeof(err)) != (size < need ? ENOSPC : 0) ||
		    len != (size < need ? 0 : need) ||
		    (size < need && strstr(err, want) == NULL))
			nbad++;
		free(buf);
	}
	CHECK_EQ_INT(nbad, 0);
	CHECK_STR(err, "");
	free(a);
}

static void
test_reject_misaligned_output(void)
{
	struct arena *a = arena_new();

	CHECK_EQ_INT(pvh_to_mb2(&a->a_si, UINT64_MAX, (uint8_t *)out + 4,
	    sizeof(out) - 4, &outlen, err, sizeof(err)), EINVAL);
	CHECK_CONTAINS(err, "not 8-byte aligned");
	free(a);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_good_start_info_round_trips),
	CHECK_TEST(test_boot_kind),
	CHECK_TEST(test_rsdp_revision_0_gives_acpi_old),
	CHECK_TEST(test_rsdp_without_signature_is_left_out),
	CHECK_TEST(test_reject_bad_magic),
	CHECK_TEST(test_version_0_has_no_memory_map),
	CHECK_TEST(test_no_cmdline_gives_empty_cmdline),
	CHECK_TEST(test_module_count_is_bounded),
	CHECK_TEST(test_memmap_count_is_bounded),
	CHECK_TEST(test_reject_zero_addresses),
	CHECK_TEST(test_reject_ranges_past_maxpa),
	CHECK_TEST(test_reject_module_above_4gib),
	CHECK_TEST(test_cmdline_scan_is_bounded),
	CHECK_TEST(test_start_info_overwritten_by_text),
	CHECK_TEST(test_module_by_name),
	CHECK_TEST(test_small_buffer_gives_enospc),
	CHECK_TEST(test_reject_misaligned_output),
};

int
main(void)
{
	return check_main("test_pvh", tests, nitems(tests));
}

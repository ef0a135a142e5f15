/*
 * One boot information, two boot paths.  boot.asm passes on the magic
 * it entered with: GRUB's multiboot2 magic with the info address, or the
 * PVH start info's magic (for QEMU -kernel and Xen).  A PVH start info
 * is first rewritten as multiboot2 tags, so a single parser, and a
 * single set of checks, covers both.
 */

#include "kern.h"
#include "bootinfo.h"
#include "multiboot2.h"
#include "pvhreg.h"

/*
 * boot.asm maps the first 4 GiB 1:1, page 0 included until pmap_init().
 * A NULL pointer is still refused.
 */
#define MAPPED_LOW	0x1ULL
#define MAPPED_HIGH	0x100000000ULL

struct bootinfo bootinfo;

/*
 * The start info rewritten as multiboot2: room for a command line as
 * long as pvh.c reads one (PVH_STRING_MAX), so an overlong one arrives
 * whole and cmdline_parsed can say how long it was, and 16 KiB for the
 * memory map (680 entries) and the rest.
 */
static uint8_t	pvh_mb2[16384 + 16384] __attribute__((aligned(MB2_TAG_ALIGN)));

static int
bootinfo_mb2(uint64_t info_pa, struct bootinfo *bi)
{
	int error;

	bi->bi_path = "multiboot2";
	if (info_pa < MAPPED_LOW || info_pa >= MAPPED_HIGH - 16) {
		snprintf(bi->bi_error, sizeof(bi->bi_error),
		    "multiboot2: boot information at 0x%lx is outside the "
		    "mapped 1..4 GiB", info_pa);
		return EINVAL;
	}
	error = mb2_parse((const void *)(uintptr_t)info_pa,
	    (size_t)(MAPPED_HIGH - info_pa), bi);
	bi->bi_info_pa = info_pa;
	return error;
}

static int
bootinfo_pvh(uint64_t si_pa, struct bootinfo *bi)
{
	size_t len;
	int error;

	bi->bi_path = "pvh";
	if (si_pa < MAPPED_LOW || si_pa >= MAPPED_HIGH - 64) {
		snprintf(bi->bi_error, sizeof(bi->bi_error),
		    "pvh: start info at 0x%lx is outside the mapped "
		    "1..4 GiB", si_pa);
		return EINVAL;
	}
	if ((error = pvh_to_mb2((const void *)(uintptr_t)si_pa, MAPPED_HIGH,
	    pvh_mb2, sizeof(pvh_mb2), &len, bi->bi_error,
	    sizeof(bi->bi_error))) != 0)
		return error;
	error = mb2_parse(pvh_mb2, len, bi);
	bi->bi_path = "pvh";
	bi->bi_info_pa = si_pa;
	return error;
}

int
bootinfo_init(uint32_t magic, uint64_t info_pa, struct bootinfo *bi)
{
	memset(bi, 0, sizeof(*bi));
	switch (magic) {
	case MB2_BOOTLOADER_MAGIC:
		return bootinfo_mb2(info_pa, bi);
	case XEN_HVM_START_MAGIC_VALUE:
		return bootinfo_pvh(info_pa, bi);
	default:
		bi->bi_path = "unknown";
		snprintf(bi->bi_error, sizeof(bi->bi_error),
		    "boot: entered with magic 0x%08x, neither multiboot2 "
		    "(0x%08x) nor PVH", magic, MB2_BOOTLOADER_MAGIC);
		return EINVAL;
	}
}

const struct bi_module *
bootinfo_module(const struct bootinfo *bi, const char *name)
{
	const struct bi_module *m;
	const char *base, *p;

	for (m = bi->bi_modules; m < bi->bi_modules + bi->bi_nmodules; m++) {
		for (base = p = m->mod_string; *p != '\0'; p++)
			if (*p == '/')
				base = p + 1;
		if (strcmp(base, name) == 0)
			return m;
	}
	return NULL;
}

const char *
bootinfo_boot_kind(const struct bootinfo *bi)
{
	if (bi->bi_path != NULL && strcmp(bi->bi_path, "pvh") == 0)
		return "pvh";
	if (bi->bi_path == NULL || strcmp(bi->bi_path, "multiboot2") != 0)
		return "unknown";
	return bi->bi_efi_systab != 0 ? "uefi" : "bios";
}

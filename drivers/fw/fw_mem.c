/*
 * Which physical memory the firmware parsers may read, in the kernel.
 *
 * boot/boot.asm maps the first 4 GiB 1:1 and pmap_init() takes page 0
 * away, so any address below 4 GiB but page 0 could be dereferenced.
 * That is not a reason to: a table address comes from the firmware and
 * may point anywhere, into device memory whose reads have side effects
 * (an IOAPIC, a framebuffer, a PCI BAR) or past the end of RAM.  So a
 * range is read only where the loader's memory map says the firmware
 * keeps things (ACPI 6.5, 15.1: its tables live in AddressRangeACPI,
 * AddressRangeNVS or AddressRangeReserved memory; UEFI runtime data
 * arrives from GRUB as reserved), or in the BIOS area 0xE0000-0xFFFFF,
 * where both specifications put the entry points (ACPI 5.2.5.1, SMBIOS
 * 5.2.1).  RAM the map calls available is read too, since reading RAM
 * has no side effects, but the caller is told, and says so: a table
 * there may be overwritten by anyone who believes the map.  Everything
 * else is refused with the reason: above 4 GiB (not mapped, and not
 * mapped here for one table: the report says it was not read), in a
 * hole of the map, in page 0, or longer than FW_MEM_MAX.
 * docs/reference/firmware.md "Where the tables lie".
 */

#include "kern.h"
#include "bootinfo.h"
#include "fwvar.h"
#include "multiboot2.h"
#include "pmem.h"

#define FW_BIOS_AREA_START	0xe0000ULL
#define FW_BIOS_AREA_END	0x100000ULL

/* The entry of the map holding byte pa, or NULL. */
static const struct bi_mmap *
fw_mem_entry(const struct bootinfo *bi, uint64_t pa)
{
	const struct bi_mmap *e;

	for (e = bi->bi_mmap; e < bi->bi_mmap + bi->bi_nmmap; e++)
		if (e->mm_length > 0 && pa >= e->mm_base &&
		    pa - e->mm_base < e->mm_length)
			return e;
	return NULL;
}

/*
 * Walk [pa, end) entry by entry.  Each step moves to the end of the
 * entry holding the current byte, so the walk takes at most as many
 * steps as the map has entries; overlapping entries only shorten it.
 */
static enum fw_mem_where
fw_mem_judge(const struct bootinfo *bi, uint64_t pa, uint64_t end)
{
	const struct bi_mmap *e;
	enum fw_mem_where where = FW_MEM_OK;
	uint64_t at = pa, eend;
	int steps;

	for (steps = 0; at < end && steps <= bi->bi_nmmap; steps++) {
		if ((e = fw_mem_entry(bi, at)) == NULL)
			return FW_MEM_HOLE;
		switch (e->mm_type) {
		case MB2_MEMORY_RESERVED:
		case MB2_MEMORY_ACPI_RECLAIMABLE:
		case MB2_MEMORY_NVS:
			break;
		case MB2_MEMORY_AVAILABLE:
			where = FW_MEM_RAM;
			break;
		default:
			return FW_MEM_HOLE;	/* bad RAM, or unknown */
		}
		eend = e->mm_base + e->mm_length;
		at = eend < e->mm_base ? end : eend;	/* wraps: to the end */
	}
	return at >= end ? where : FW_MEM_HOLE;
}

/*
 * The range is judged before its length is: a table whose length runs
 * past the end of the firmware's memory is the firmware's mistake, one
 * longer than FW_MEM_MAX inside it only more than we read.
 */
static const void *
fw_mem_boot_map(const struct fw_mem *m, uint64_t pa, uint64_t len,
    enum fw_mem_where *where)
{
	const struct bootinfo *bi = m->fm_arg;
	uint64_t end = len > UINT64_MAX - pa ? UINT64_MAX : pa + len;

	if (pa < PAGE_SIZE)
		*where = FW_MEM_PAGE0;
	else if (pa >= PMEM_HIGH)
		*where = FW_MEM_HIGH;
	else if (pa >= FW_BIOS_AREA_START && end <= FW_BIOS_AREA_END)
		*where = FW_MEM_OK;
	else if (bi->bi_nmmap == 0 || bi->bi_error[0] != '\0')
		*where = FW_MEM_NOMAP;
	else {
		*where = fw_mem_judge(bi, pa, end < PMEM_HIGH ? end :
		    PMEM_HIGH);
		if ((*where == FW_MEM_OK || *where == FW_MEM_RAM) &&
		    end > PMEM_HIGH)
			*where = FW_MEM_HIGH;
	}
	if ((*where == FW_MEM_OK || *where == FW_MEM_RAM) && len > FW_MEM_MAX)
		*where = FW_MEM_TOOBIG;
	if (*where != FW_MEM_OK && *where != FW_MEM_RAM)
		return NULL;
	return (const void *)(uintptr_t)pa;	/* memory is mapped 1:1 */
}

const struct fw_mem fw_mem_boot = { fw_mem_boot_map, &bootinfo };

/*
 * What the two firmware fuzzers (fuzz_acpi.c, fuzz_smbios.c) share
 * besides fuzz.h: guest memory as one buffer standing for the physical
 * addresses [base, base + mem_len), given out as drivers/fw/fw_mem.c
 * gives out real memory: nothing at or above 4 GiB (not mapped), nothing
 * outside what is there (a hole in the map), nothing longer than
 * FW_MEM_MAX.  Included once by each target.
 */

#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "fwvar.h"

static const void *
fuzz_fw_window(const uint8_t *mem, size_t mem_len, uint64_t base,
    uint64_t pa, uint64_t len, enum fw_mem_where *where)
{
	if (pa >= 0x100000000ULL) {
		*where = FW_MEM_HIGH;
		return NULL;
	}
	if (pa < base || pa - base > mem_len ||
	    len > mem_len - (pa - base)) {
		*where = FW_MEM_HOLE;
		return NULL;
	}
	if (len > FW_MEM_MAX) {
		*where = FW_MEM_TOOBIG;
		return NULL;
	}
	*where = FW_MEM_OK;
	return mem + (pa - base);
}

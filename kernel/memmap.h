/*
 * Checks on the memory map the loader gave (bootinfo.bi_mmap).  No
 * hardware: unit-tested on the host.
 */
#ifndef _KERNEL_MEMMAP_H_
#define _KERNEL_MEMMAP_H_

#include <stddef.h>
#include <stdint.h>

struct bootinfo;

struct memmap_summary {
	int		ms_nregions;	/* entries in the map */
	int		ms_navail;	/* of which available RAM */
	int		ms_nempty;	/* of length 0: ignored */
	uint64_t	ms_avail_bytes;	/* sum of available lengths */
	uint64_t	ms_top;		/* end of the highest available byte */
};

/*
 * Check that the map makes sense for a machine that is running us:
 * entries do not wrap around, available regions do not overlap, and
 * [kstart, kend) lies in available regions.  Entries of length 0 are
 * counted in ms_nempty and otherwise ignored.
 * Returns 0, or EINVAL with one sentence in err about the first problem.
 */
int	memmap_check(const struct bootinfo *bi, uint64_t kstart, uint64_t kend,
	    struct memmap_summary *ms, char *err, size_t errlen);

/* "available", "reserved", ...; NULL for a type the spec does not name. */
const char *memmap_type_name(uint32_t type);

#endif

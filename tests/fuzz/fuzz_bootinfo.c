/*
 * libFuzzer target for the boot information: mb2_parse()
 * (kernel/multiboot2.c), pvh_to_mb2() (kernel/pvh.c), then the memory
 * map's checks (kernel/memmap.c) and the page allocator built on them
 * (kernel/pmem.c).  The first byte of an input picks the path:
 *
 * - even: the rest is a multiboot2 block, as GRUB would leave it, in a
 *   buffer of exactly its size (ASan reports any read past it); with
 *   bit 1 set, total_size is first made the block's size, so the
 *   fuzzer need not find that word by itself.
 * - odd: the rest is guest memory for a PVH start info.  It is copied
 *   to a fixed address below 4 GiB (ARENA_PA, as QEMU puts things low)
 *   and maxpa is where it ends (rounded up to 8 bytes): everything from
 *   there on is poisoned for ASan, then an unmapped page, so reading a
 *   byte past maxpa is a report.  The start info is at ARENA_PA + 16.
 *   Its addresses, and those of the module list, are taken as offsets
 *   into the input (arena_addr()), so they point into it, or past
 *   maxpa to be refused; an input whose address fields do not come out
 *   that way is skipped, since the kernel's contract is that all memory
 *   below maxpa is mapped.  Whatever pvh_to_mb2() writes,
 *   mb2_parse() must accept, with the same command line, modules and
 *   map.
 *
 * After a successful parse, every string must be NUL-terminated,
 * counts in range, and the command line's length as given; then
 * memmap_check() and pmem_init() run on the map, and the first pages
 * pmem hands out must lie in available RAM and outside every hole.
 * Every message must be one printable line.  A broken promise is
 * abort(), which libFuzzer saves as a reproducer:
 *
 *	build/fuzz/fuzz_bootinfo build/fuzz/crash-<sha1>
 *
 * Built by tests/fuzz/fuzz.mk ("make fuzz").
 */

#define _DEFAULT_SOURCE		/* MAP_FIXED_NOREPLACE, MAP_ANONYMOUS */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sanitizer/asan_interface.h>

#include "fuzz.h"
#include "errno.h"
#include "bootinfo.h"
#include "memmap.h"
#include "multiboot2.h"
#include "pmem.h"
#include "pvhreg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

#define ARENA_PA	0x10000000ULL	/* 256 MiB: below ASan's shadow */
#define ARENA_SIZE	0x10000ULL	/* 64 KiB, more than an input */
#define ARENA_SLACK	0x100		/* offsets this far past maxpa */
#define GUARD		0x1000
#define SI_OFF		16		/* room for pvh_overrun()'s look */
#define KSTART		0x100000ULL	/* a kernel, for the map checks */
#define KEND		0x180000ULL
#define PAGES_TAKEN	64		/* pages drawn from pmem per input */

static void
fail(const char *why, const struct bootinfo *bi)
{
	fprintf(stderr, "fuzz_bootinfo: %s (bi_error \"%.*s\")\n", why,
	    BI_MSG_MAX, bi != NULL ? bi->bi_error : "");
	abort();
}

static uint8_t	*arena;		/* ARENA_PA, mapped 1:1 */
static uint64_t	 mem_end;	/* maxpa: where the input ends, rounded */
static uint64_t	 out[(16384 + 16384) / 8];	/* as bootinfo.c's */
static struct bootinfo bi, bi2;
static char	 err[BI_MSG_MAX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	void *p;

	(void)argc, (void)argv;
	p = mmap((void *)(uintptr_t)(ARENA_PA - GUARD), ARENA_SIZE + 2 * GUARD,
	    PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
	    0);
	if (p != (void *)(uintptr_t)(ARENA_PA - GUARD) ||
	    mprotect((void *)(uintptr_t)ARENA_PA, ARENA_SIZE,
	    PROT_READ | PROT_WRITE) != 0) {
		perror("fuzz_bootinfo: mmap at ARENA_PA");
		exit(1);
	}
	arena = (uint8_t *)(uintptr_t)ARENA_PA;
	return 0;
}

/* ------------------------------------------------------------------ */
/* What any parse must leave. */

static void
check_parsed(const struct bootinfo *b, int error)
{
	int i;

	if (!fuzz_printable(b->bi_error, sizeof(b->bi_error)) ||
	    !fuzz_printable(b->bi_warning, sizeof(b->bi_warning)))
		fail("bi_error or bi_warning not one printable line", b);
	if (error != 0) {
		if (error != EINVAL || b->bi_error[0] == '\0')
			fail("an error that is not EINVAL with a sentence", b);
		return;
	}
	if (b->bi_error[0] != '\0')
		fail("success with an error sentence", b);
	if (b->bi_ntags < 1 || b->bi_nmodules < 0 ||
	    b->bi_nmodules > BI_MODULES_MAX || b->bi_nmmap < 0 ||
	    b->bi_nmmap > BI_MMAP_MAX)
		fail("a count out of range", b);
	if (memchr(b->bi_cmdline, '\0', sizeof(b->bi_cmdline)) == NULL ||
	    memchr(b->bi_loader, '\0', sizeof(b->bi_loader)) == NULL)
		fail("the command line or loader name unterminated", b);
	if (strlen(b->bi_cmdline) != (b->bi_cmdline_len < BI_CMDLINE_MAX ?
	    b->bi_cmdline_len : BI_CMDLINE_MAX - 1))
		fail("the command line kept is not what its length says", b);
	if (!b->bi_has_cmdline && b->bi_cmdline_len != 0)
		fail("a command line length with no command line", b);
	for (i = 0; i < b->bi_nmodules; i++)
		if (memchr(b->bi_modules[i].mod_string, '\0',
		    BI_MODSTR_MAX) == NULL ||
		    b->bi_modules[i].mod_start > b->bi_modules[i].mod_end)
			fail("a module unterminated or ending before it starts",
			    b);
	if (b->bi_rsdp_len != 0 && b->bi_rsdp_len != ACPI_RSDP_V1_LEN &&
	    b->bi_rsdp_len != ACPI_RSDP_V2_LEN)
		fail("an RSDP of a length ACPI does not have", b);
}

/* ------------------------------------------------------------------ */
/* The map, then pages from it. */

static bool
touches(uint64_t pa, uint64_t start, uint64_t end)
{
	return start < end && pa < end && start < pa + PAGE_SIZE;
}

/* The available entry holding byte pa, or NULL. */
static const struct bi_mmap *
avail_at(const struct bootinfo *b, uint64_t pa)
{
	const struct bi_mmap *m;

	for (m = b->bi_mmap; m < b->bi_mmap + b->bi_nmmap; m++)
		if (m->mm_type == MB2_MEMORY_AVAILABLE && m->mm_base <= pa &&
		    pa - m->mm_base < m->mm_length)
			return m;
	return NULL;
}

/*
 * May the page at pa be handed out?  Every byte of it in available RAM
 * (entries may touch, so piece by piece), none in a hole: the kernel,
 * a module, the boot information, or an entry of another type.
 */
static bool
page_ok(const struct bootinfo *b, uint64_t pa)
{
	const struct bi_mmap *m;
	uint64_t at, end;
	int i;

	if (pa % PAGE_SIZE != 0 || pa < PMEM_LOW || pa >= PMEM_HIGH ||
	    touches(pa, KSTART, KEND) || touches(pa, b->bi_info_pa,
	    b->bi_info_pa + b->bi_info_size))
		return false;
	for (i = 0; i < b->bi_nmodules; i++)
		if (touches(pa, b->bi_modules[i].mod_start,
		    b->bi_modules[i].mod_end))
			return false;
	for (m = b->bi_mmap; m < b->bi_mmap + b->bi_nmmap; m++) {
		end = m->mm_base + m->mm_length < m->mm_base ? UINT64_MAX :
		    m->mm_base + m->mm_length;
		if (m->mm_type != MB2_MEMORY_AVAILABLE &&
		    touches(pa, m->mm_base, end))
			return false;
	}
	for (at = pa; at < pa + PAGE_SIZE; at = m->mm_base + m->mm_length)
		if ((m = avail_at(b, at)) == NULL)
			return false;
	return true;
}

static void
check_map(const struct bootinfo *b)
{
	struct memmap_summary ms;
	uint64_t pa, nfree;
	int i;

	memset(err, 0, sizeof(err));
	if (memmap_check(b, KSTART, KEND, &ms, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || !fuzz_printable(err, sizeof(err)))
			fail("memmap_check() failed without one printable "
			    "sentence", b);
		return;
	}
	if (ms.ms_nregions != b->bi_nmmap || ms.ms_nempty < 0 ||
	    ms.ms_nempty + ms.ms_navail > ms.ms_nregions)
		fail("memmap_check()'s counts do not add up", b);
	memset(err, 0, sizeof(err));
	if (pmem_init(b, KSTART, KEND, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || !fuzz_printable(err, sizeof(err)))
			fail("pmem_init() failed without one printable "
			    "sentence", b);
		return;
	}
	nfree = pmem_nfree();
	for (i = 0; i < PAGES_TAKEN && (pa = pmem_alloc()) != 0; i++)
		if (!page_ok(b, pa))
			fail("pmem handed out a page outside RAM or in a hole",
			    b);
	if (pmem_nfree() + (uint64_t)i != nfree)
		fail("pmem_nfree() does not count what was taken", b);
}

/* ------------------------------------------------------------------ */
/* The multiboot2 path. */

static void
fuzz_mb2(const uint8_t *data, size_t size, bool fix_total)
{
	uint8_t *p = malloc(size > 0 ? size : 1);
	uint32_t total = (uint32_t)size;
	int error;

	memcpy(p, data, size);
	if (fix_total && size >= 4)
		memcpy(p, &total, 4);
	error = mb2_parse(p, size, &bi);
	check_parsed(&bi, error);
	if (error == 0)
		check_map(&bi);
	free(p);
}

/* ------------------------------------------------------------------ */
/* The PVH path. */

/*
 * An input's address, for a range of len bytes, by its top two bits: 0
 * stays 0 (absent); 00 and 01, an offset from the arena's start; 10,
 * the range ending at maxpa, moved by -4 to +3 bytes (the low 3 bits),
 * so that a range ending at maxpa, or one byte past it, is as easy to
 * hit as any; 11, the value as it is (far past maxpa, to be refused).
 */
static uint64_t
arena_addr(uint64_t v, uint64_t len)
{
	if (v == 0 || v >> 62 == 3)
		return v;
	if (v >> 62 == 2)
		return mem_end - len + (v & 7) - 4;
	return ARENA_PA + v % (mem_end - ARENA_PA + ARENA_SLACK);
}

static bool
addr_ok(uint64_t v)
{
	return v == 0 || v >> 62 == 3 || (v >= ARENA_PA &&
	    v < mem_end + ARENA_SLACK);
}

static bool
inside(uint64_t pa, uint64_t len)
{
	return pa >= ARENA_PA && len <= mem_end - ARENA_PA &&
	    pa - ARENA_PA <= mem_end - ARENA_PA - len;
}

static uint64_t
get64(uint64_t pa)
{
	uint64_t v;

	memcpy(&v, arena + (pa - ARENA_PA), 8);
	return v;
}

static void
put64(uint64_t pa, uint64_t v)
{
	memcpy(arena + (pa - ARENA_PA), &v, 8);
}

#define SI_FIELD(f)	(ARENA_PA + SI_OFF + offsetof(struct hvm_start_info, f))
#define ME_FIELD(e, f)	((e) + offsetof(struct hvm_modlist_entry, f))

/* The module list that pvh.c would read, or 0 if it reads none. */
static uint64_t
modlist(uint32_t *np)
{
	struct hvm_start_info si;

	memcpy(&si, arena + SI_OFF, sizeof(si));
	*np = si.nr_modules;
	if (si.nr_modules == 0 || si.nr_modules > 64 ||	/* pvh.c */
	    !inside(si.modlist_paddr, (uint64_t)si.nr_modules * 32))
		return 0;
	return si.modlist_paddr;
}

/*
 * Make the addresses offsets into the input (arena_addr()), then check
 * that every one pvh.c will follow came out so: where fields overlap, a
 * later write may have changed an earlier one.  Module addresses are
 * made so too, though only their command lines are read.
 */
static bool
arena_fix(void)
{
	struct hvm_start_info si;
	uint64_t list, e, mlen;
	uint32_t i, n;

	memcpy(&si, arena + SI_OFF, sizeof(si));
	put64(SI_FIELD(modlist_paddr), arena_addr(si.modlist_paddr,
	    (uint64_t)si.nr_modules * 32));
	put64(SI_FIELD(cmdline_paddr), arena_addr(si.cmdline_paddr, 1));
	put64(SI_FIELD(rsdp_paddr), arena_addr(si.rsdp_paddr,
	    ACPI_RSDP_V1_LEN));
	put64(SI_FIELD(memmap_paddr), arena_addr(si.memmap_paddr,
	    (uint64_t)si.memmap_entries * 24));
	if ((list = modlist(&n)) != 0)
		for (i = 0, e = list; i < n; i++, e += 32) {
			mlen = get64(ME_FIELD(e, size));
			put64(ME_FIELD(e, paddr), arena_addr(get64(ME_FIELD(e,
			    paddr)), mlen));
			put64(ME_FIELD(e, cmdline_paddr),
			    arena_addr(get64(ME_FIELD(e, cmdline_paddr)), 1));
		}
	memcpy(&si, arena + SI_OFF, sizeof(si));
	if (!addr_ok(si.modlist_paddr) || !addr_ok(si.cmdline_paddr) ||
	    !addr_ok(si.rsdp_paddr) || !addr_ok(si.memmap_paddr))
		return false;
	if ((list = modlist(&n)) != 0)
		for (i = 0, e = list; i < n; i++, e += 32)
			if (!addr_ok(get64(ME_FIELD(e, cmdline_paddr))))
				return false;
	return true;
}

/* pvh_to_mb2()'s output, parsed, must say what the start info said. */
static void
check_pvh_result(const struct hvm_start_info *si)
{
	size_t len;

	if (si->cmdline_paddr == 0) {
		if (bi2.bi_cmdline_len != 0 || bi2.bi_cmdline[0] != '\0')
			fail("a command line from nowhere", &bi2);
	} else {
		len = strlen((const char *)(uintptr_t)si->cmdline_paddr);
		if (bi2.bi_cmdline_len != len || strncmp(bi2.bi_cmdline,
		    (const char *)(uintptr_t)si->cmdline_paddr,
		    BI_CMDLINE_MAX - 1) != 0)
			fail("the command line changed on the way", &bi2);
	}
	if ((uint32_t)bi2.bi_nmodules != (si->nr_modules < BI_MODULES_MAX ?
	    si->nr_modules : BI_MODULES_MAX))
		fail("modules lost on the way", &bi2);
	if ((uint32_t)bi2.bi_nmmap != (si->version == 0 ? 0 :
	    si->memmap_entries < BI_MMAP_MAX ? si->memmap_entries :
	    BI_MMAP_MAX))
		fail("memory map entries lost on the way", &bi2);
	if (strcmp(bi2.bi_loader, "PVH") != 0)
		fail("the loader is not \"PVH\"", &bi2);
}

static void
fuzz_pvh(const uint8_t *data, size_t size)
{
	struct hvm_start_info si;
	size_t len = 12345, n = size < ARENA_SIZE ? size : ARENA_SIZE;
	uint8_t *copy;
	int error;

	mem_end = ARENA_PA + ((n + 7) & ~(size_t)7);
	ASAN_UNPOISON_MEMORY_REGION(arena, ARENA_SIZE);
	memset(arena, 0, ARENA_SIZE);
	memcpy(arena, data, n);
	if (!arena_fix())
		return;		/* addresses the contract rules out */
	memcpy(&si, arena + SI_OFF, sizeof(si));
	ASAN_POISON_MEMORY_REGION(arena + (mem_end - ARENA_PA),
	    ARENA_PA + ARENA_SIZE - mem_end);
	memset(err, 0, sizeof(err));
	error = pvh_to_mb2(arena + SI_OFF, mem_end, out, sizeof(out), &len,
	    err, sizeof(err));
	if (!fuzz_printable(err, sizeof(err)))
		fail("pvh_to_mb2()'s sentence is not one printable line", NULL);
	if (error != 0) {
		if ((error != EINVAL && error != ENOSPC) || err[0] == '\0' ||
		    len != 0)
			fail("pvh_to_mb2() failed untidily", NULL);
		return;
	}
	if (err[0] != '\0' || len % MB2_TAG_ALIGN != 0 || len > sizeof(out) ||
	    len < 16)
		fail("pvh_to_mb2() succeeded untidily", NULL);
	copy = malloc(len);
	memcpy(copy, out, len);
	error = mb2_parse(copy, len, &bi2);
	free(copy);
	check_parsed(&bi2, error);
	if (error != 0)
		fail("mb2_parse() refused what pvh_to_mb2() wrote", &bi2);
	check_pvh_result(&si);
	check_map(&bi2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_pvh(data + 1, size - 1);
	else
		fuzz_mb2(data + 1, size - 1, (data[0] & 2) != 0);
	return 0;
}

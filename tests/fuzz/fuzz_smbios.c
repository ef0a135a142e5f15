/*
 * libFuzzer target for the SMBIOS reader: smbios_scan() and
 * smbios_parse() (drivers/fw/smbios.c), the entry points, the walk over
 * the structures and their strings; then the verdict (fw_verdict.c),
 * the lines that say it (fw.c) and the UUID comparison vmt makes.
 *
 * An input's first byte is flags, the rest guest memory from
 * SCAN_BASE (0xF0000, where a BIOS puts the entry point): the 64 KiB
 * of the BIOS area, zeros after the input, or more if the input is
 * longer; everything past that is poisoned for ASan, so it reports a
 * read past what struct fw_mem gave.  (One static buffer, cleared only
 * where the last input wrote: a fresh 64 KiB per input would cost most
 * of the run.)  So that the fuzzer need not find a table address and
 * checksums by chance, the flags ask this harness to fix up the entry
 * point the scan found: bit 0, point its table just after it and give
 * it the rest of the input as length (2.1) or maximum (3.0); bit 1,
 * make its checksums hold.  The structures themselves are left as
 * they come: that is what is fuzzed.
 *
 * What must hold: the walk ends (bounded by the table and by
 * SMBIOS_STRUCTS_MAX), strings are kept within SMBIOS_STR_MAX, counts
 * stay in range, the log is printable.  A broken promise is abort().
 *
 * Built by tests/fuzz/fuzz.mk ("make fuzz").
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>

#include "fuzz_fw.h"
#include "fwvar.h"
#include "smbiosreg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCAN_BASE	0xf0000ULL
#define AREA		0x10000		/* 0xF0000-0xFFFFF */
#define MAX_INPUT	(AREA + 0x10000)	/* run.sh gives 8 KiB */

static uint8_t	 area[MAX_INPUT];
static uint8_t	*mem = area;
static size_t	 mem_len;
static size_t	 size_in;	/* of which the input */

static void
fail(const char *why)
{
	fprintf(stderr, "fuzz_smbios: %s\n", why);
	abort();
}

static const void *
fuzz_map(const struct fw_mem *m, uint64_t pa, uint64_t len,
    enum fw_mem_where *where)
{
	(void)m;
	return fuzz_fw_window(mem, mem_len, SCAN_BASE, pa, len, where);
}

static const struct fw_mem fuzz_mem = { fuzz_map, NULL };

static void
fix_sum(uint8_t *p, size_t at, size_t len)
{
	p[at] = 0;
	p[at] = (uint8_t)-fw_sum(p, len);
}

/* Bit 0: the table follows the entry point; bit 1: checksums hold. */
static void
fix_entry_point(uint64_t pa, uint8_t flags)
{
	size_t off = (size_t)(pa - SCAN_BASE), table;
	uint64_t tpa;
	uint32_t n32;
	uint16_t n16;

	if (off >= size_in)
		return;
	if (memcmp(mem + off, SMBIOS3_ANCHOR, 5) == 0 &&
	    size_in - off >= SMBIOS3_EPS_SIZE) {
		table = off + SMBIOS3_EPS_SIZE;
		tpa = SCAN_BASE + table;
		n32 = (uint32_t)(mem_len - table);
		if (n32 > size_in - table)
			n32 = (uint32_t)(size_in - table);
		if (flags & 1) {
			memcpy(mem + off + 12, &n32, 4);
			memcpy(mem + off + 16, &tpa, 8);
		}
		if (flags & 2) {
			mem[off + 6] = SMBIOS3_EPS_SIZE;
			fix_sum(mem + off, 5, SMBIOS3_EPS_SIZE);
		}
	} else if (size_in - off >= SMBIOS2_EPS_SIZE) {
		table = off + SMBIOS2_EPS_SIZE;
		n32 = (uint32_t)(SCAN_BASE + table);
		n16 = (uint16_t)(size_in - table > 0xffff ? 0xffff :
		    size_in - table);
		if (flags & 1) {
			memcpy(mem + off + 0x16, &n16, 2);
			memcpy(mem + off + 0x18, &n32, 4);
		}
		if (flags & 2) {
			mem[off + 5] = SMBIOS2_EPS_SIZE;
			memcpy(mem + off + 0x10, SMBIOS2_DMI_ANCHOR, 5);
			fix_sum(mem + off + 0x10, 5, 0x0f);
			fix_sum(mem + off, 4, SMBIOS2_EPS_SIZE);
		}
	}
}

static void
check_str(const struct smbios_str *s)
{
	if (s->ss_len > SMBIOS_STR_MAX || (!s->ss_set && s->ss_len != 0))
		fail("a string out of its bounds");
	if (memchr(s->ss_s, '\0', s->ss_len) != NULL)
		fail("a string holding a NUL");
}

static void
check_smbios(const struct smbios_info *si)
{
	const struct fw_log *log = &si->si_log;
	int i;

	if (si->si_nstructs < 0 || si->si_nstructs > SMBIOS_STRUCTS_MAX ||
	    si->si_noem < 0 || log->fl_nkept > FW_LOG_MAX)
		fail("a count out of range");
	if (!si->si_eps_ok && si->si_nstructs != 0)
		fail("structures walked behind a broken entry point");
	check_str(&si->si_bios_vendor), check_str(&si->si_bios_version);
	check_str(&si->si_bios_date), check_str(&si->si_sys_vendor);
	check_str(&si->si_product), check_str(&si->si_sys_version);
	check_str(&si->si_serial), check_str(&si->si_sku);
	check_str(&si->si_family), check_str(&si->si_board_vendor);
	check_str(&si->si_board_product), check_str(&si->si_chassis_vendor);
	check_str(&si->si_chassis_asset);
	for (i = 0; i < si->si_noem && i < SMBIOS_OEM_MAX; i++)
		check_str(&si->si_oem[i]);
	for (i = 0; i < log->fl_nkept; i++)
		if (!fuzz_printable(log->fl_msg[i], FW_MSG_MAX))
			fail("a log sentence without its NUL, or with a "
			    "control byte");
}

static struct fw_softc sc;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_uuid fu;
	uint64_t pa;
	char uuid[37];
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	if (size - 1 > MAX_INPUT)
		return 0;
	ASAN_UNPOISON_MEMORY_REGION(area, sizeof(area));
	memset(area, 0, size_in);	/* what the last input wrote */
	size_in = size - 1;
	memcpy(area, data + 1, size_in);
	mem_len = size_in > AREA ? size_in : AREA;
	ASAN_POISON_MEMORY_REGION(area + mem_len, sizeof(area) - mem_len);

	memset(&sc, 0, sizeof(sc));
	sc.sc_acpi_from = "none";
	sc.sc_smbios_from = "fuzz";
	pa = smbios_scan(&fuzz_mem);
	if (pa == 0)
		pa = SCAN_BASE;
	else if (flags & 3)
		fix_entry_point(pa, flags);
	smbios_parse(&fuzz_mem, pa, &sc.sc_smbios);
	check_smbios(&sc.sc_smbios);
	fw_verdict(&sc.sc_acpi, &sc.sc_smbios, &sc.sc_verdict);
	if (sc.sc_verdict.fv_vendor == NULL)
		fail("no verdict");
	fw_print_attach(&sc);
	fw_print_smbios(&sc);
	if (sc.sc_smbios.si_has_uuid) {
		smbios_uuid_text(sc.sc_smbios.si_uuid, uuid);
		memcpy(fu.fu_text, sc.sc_smbios.si_uuid, 16);
		memcpy(fu.fu_raw, sc.sc_smbios.si_uuid_raw, 16);
		fu.fu_present = true;
		if (smbios_uuid_match(&fu, sc.sc_smbios.si_uuid) !=
		    FW_UUID_MATCH)
			fail("a UUID that does not match itself");
	}
	return 0;
}

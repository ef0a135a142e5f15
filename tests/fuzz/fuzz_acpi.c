/*
 * libFuzzer target for the ACPI reader: acpi_parse() (drivers/fw/acpi.c)
 * from an RSDP through the root table to every table, the FADT's fields,
 * the DSDT's device ids; then the verdict (fw_verdict.c) and the lines
 * that say it all (fw.c), as the kernel runs them.
 *
 * An input is the RSDP (its first 36 bytes, or 20 when the first byte
 * of the input is odd) followed by guest memory: the rest of the input
 * stands for physical memory from MEM_BASE on, in a buffer of exactly
 * its size, so ASan reports a read past what struct fw_mem gave.  The
 * map gives nothing below MEM_BASE and nothing past the input; every
 * address the tables hold is physical, so the seeds
 * (tests/fuzz/mkseeds.py) lay out tables at MEM_BASE + offset.
 *
 * What must hold, whatever the bytes: the counts stay in their bounds,
 * a table called good has the length and the checksum a good table
 * has, the log is one printable line per sentence, and nothing hangs
 * (the root table's entries are bounded, loops are cut).  A broken
 * promise is abort(), which libFuzzer saves as a reproducer:
 *
 *	build/fuzz/fuzz_acpi build/fuzz/crash-<sha1>
 *
 * Built by tests/fuzz/fuzz.mk ("make fuzz").
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpireg.h"
#include "fuzz_fw.h"
#include "fwvar.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_BASE	0x1000ULL

static const uint8_t	*mem;		/* the guest memory */
static size_t		 mem_len;

static void
fail(const char *why)
{
	fprintf(stderr, "fuzz_acpi: %s\n", why);
	abort();
}

static const void *
fuzz_map(const struct fw_mem *m, uint64_t pa, uint64_t len,
    enum fw_mem_where *where)
{
	(void)m;
	return fuzz_fw_window(mem, mem_len, MEM_BASE, pa, len, where);
}

static const struct fw_mem fuzz_mem = { fuzz_map, NULL };

static void
check_log(const struct fw_log *log)
{
	int i;

	if (log->fl_nkept < 0 || log->fl_nkept > FW_LOG_MAX ||
	    log->fl_nkept > log->fl_nproblems + log->fl_nnotes)
		fail("log counts out of range");
	for (i = 0; i < log->fl_nkept; i++)
		if (!fuzz_printable(log->fl_msg[i], FW_MSG_MAX))
			fail("a log sentence without its NUL, or with a "
			    "control byte");
}

/* A good table: all of it readable, long enough, summing to 0. */
static void
check_table(const struct acpi_table *t)
{
	enum fw_mem_where where;
	const uint8_t *p;

	if (t->at_status != ACPI_TABLE_OK)
		return;
	if (t->at_length < ACPI_HEADER_SIZE)
		fail("a good table shorter than its header");
	if ((p = fuzz_map(&fuzz_mem, t->at_pa, t->at_length, &where)) == NULL)
		fail("a good table outside the memory given");
	if (memcmp(t->at_sig, ACPI_SIG_FACS, 4) != 0 &&
	    fw_sum(p, t->at_length) != 0)
		fail("a good table whose checksum does not hold");
	if (memcmp(p, t->at_sig, 4) != 0)
		fail("a table's signature is not what memory holds");
}

static void
check_acpi(const struct acpi_info *ai)
{
	int i;

	check_log(&ai->ai_log);
	if (ai->ai_ntables < 0 || ai->ai_ntables > ACPI_TABLES_MAX ||
	    ai->ai_nids < 0 || ai->ai_nids > ACPI_IDS_MAX ||
	    ai->ai_ndropped < 0 || ai->ai_nentries < 0)
		fail("a count out of range");
	if (ai->ai_ntables + ai->ai_ndropped > ACPI_ENTRIES_MAX + 1)
		fail("more tables read than entries allowed");
	if (!ai->ai_rsdp_ok && ai->ai_ntables != 0)
		fail("tables read behind a broken RSDP");
	for (i = 0; i < ai->ai_ntables; i++)
		check_table(&ai->ai_tables[i]);
	for (i = 0; i < ai->ai_nids; i++)
		if (acpi_id_vendor(ai->ai_ids[i]) == NULL)
			fail("a DSDT id that names nobody");
}

static struct fw_softc sc;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cpuids[] = { NULL, "kvm", "tcg", "hyperv",
	    "vmware", "xen", "unknown" };
	size_t rlen;
	uint8_t *copy;
	struct fw_cross fc;
	char sentence[200];
	size_t i;

	if (size < 1)
		return 0;
	rlen = (data[0] & 1) ? ACPI_RSDP_V1_SIZE : ACPI_RSDP_V2_SIZE;
	data++, size--;
	if (size < rlen)
		return 0;
	mem_len = size - rlen;
	copy = malloc(size > 0 ? size : 1);
	memcpy(copy, data, size);
	mem = copy + rlen;

	memset(&sc, 0, sizeof(sc));
	sc.sc_acpi_from = "fuzz";
	sc.sc_smbios_from = "none";
	acpi_parse(&fuzz_mem, copy, rlen, &sc.sc_acpi);
	check_acpi(&sc.sc_acpi);
	fw_verdict(&sc.sc_acpi, &sc.sc_smbios, &sc.sc_verdict);
	if (sc.sc_verdict.fv_vendor == NULL)
		fail("no verdict");
	for (i = 0; i < sizeof(cpuids) / sizeof(cpuids[0]); i++) {
		fw_cross_check(&sc.sc_verdict, cpuids[i], i % 2 == 0, &fc);
		fw_cross_sentence(&sc.sc_verdict, cpuids[i], "X", &fc,
		    sentence, sizeof(sentence));
	}
	fw_print_attach(&sc);
	fw_print_acpi(&sc);
	free(copy);
	return 0;
}

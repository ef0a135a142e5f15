/*
 * The firmware tables' readers (drivers/fw/) on the host: acpi.c,
 * smbios.c, fw_efi.c and fw.c over a made-up physical memory, fw_mem.c
 * over made-up memory maps, and fw_verdict.c's verdicts and
 * cross-checks.  The memory is a buffer standing for physical
 * [0, MEM_SIZE); struct fw_mem gives a pointer only inside it, past
 * page 0, below 4 GiB, as the kernel's does, so a parser that reads
 * past what it was given is an ASan report.  Every hostile table the
 * issue names is here once: bad checksums, lengths past the end of
 * memory or of the table, root tables pointing back at themselves,
 * strings without a terminator, a zero-length structure.
 */

#include "check.h"
#include "kern.h"
#include "acpireg.h"
#include "bootinfo.h"
#include "efireg.h"
#include "fwvar.h"
#include "multiboot2.h"
#include "smbiosreg.h"

#define MEM_SIZE	(2 * 1024 * 1024)	/* physical [0, 2 MiB) */
#define HIGH_PA		0x100000000ULL

static uint8_t *mem;		/* MEM_SIZE bytes, allocated exactly */

static const void *
fake_map(const struct fw_mem *m, uint64_t pa, uint64_t len,
    enum fw_mem_where *where)
{
	(void)m;
	if (pa < 4096)
		*where = FW_MEM_PAGE0;
	else if (pa >= HIGH_PA)
		*where = FW_MEM_HIGH;
	else if (len > FW_MEM_MAX && pa + len <= MEM_SIZE)
		*where = FW_MEM_TOOBIG;
	else if (pa >= MEM_SIZE || len > MEM_SIZE - pa)
		*where = FW_MEM_HOLE;
	else {
		*where = FW_MEM_OK;
		return mem + pa;
	}
	return NULL;
}

static const struct fw_mem fake_mem = { fake_map, NULL };

static void
mem_reset(void)
{
	if (mem == NULL)
		mem = malloc(MEM_SIZE);
	memset(mem, 0, MEM_SIZE);
}

static void
put32(uint64_t pa, uint32_t v)
{
	memcpy(mem + pa, &v, 4);
}

static void
put64(uint64_t pa, uint64_t v)
{
	memcpy(mem + pa, &v, 8);
}

/* Make the len bytes at pa sum to 0 by their byte at pa + at. */
static void
fix_sum(uint64_t pa, size_t at, size_t len)
{
	mem[pa + at] = 0;
	mem[pa + at] = (uint8_t)-fw_sum(mem + pa, len);
}

/* ------------------------------------------------------------------ */
/* ACPI tables in the fake memory */

static void
acpi_hdr(uint64_t pa, const char *sig, uint32_t len, uint8_t rev,
    const char *oemid)
{
	struct acpi_header h;

	memset(&h, 0, sizeof(h));
	memcpy(h.ah_signature, sig, 4);
	h.ah_length = len;
	h.ah_revision = rev;
	memcpy(h.ah_oemid, oemid, 6);
	memcpy(h.ah_oem_table_id, "TESTTBL ", 8);
	memcpy(h.ah_creator_id, "TEST", 4);
	memcpy(mem + pa, &h, sizeof(h));
}

/* A finished table: header, then its checksum. */
static void
acpi_table(uint64_t pa, const char *sig, uint32_t len, uint8_t rev)
{
	acpi_hdr(pa, sig, len, rev, "FWTEST");
	fix_sum(pa, 9, len);
}

static uint8_t rsdp[ACPI_RSDP_V2_SIZE];

static void
make_rsdp(uint8_t rev, uint32_t rsdt, uint64_t xsdt, const char *oemid)
{
	struct acpi_rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.rsdp_signature, ACPI_RSDP_SIGNATURE, 8);
	memcpy(r.rsdp_oemid, oemid, 6);
	r.rsdp_revision = rev;
	r.rsdp_rsdt = rsdt;
	r.rsdp_length = ACPI_RSDP_V2_SIZE;
	r.rsdp_xsdt = xsdt;
	memcpy(rsdp, &r, sizeof(r));
	rsdp[8] = (uint8_t)-fw_sum(rsdp, ACPI_RSDP_V1_SIZE);
	rsdp[32] = (uint8_t)-fw_sum(rsdp, ACPI_RSDP_V2_SIZE);
}

/* A root table at pa listing n addresses of esize bytes. */
static void
make_root(uint64_t pa, const char *sig, const uint64_t *e, int n, int esize)
{
	int i;

	acpi_hdr(pa, sig, 36 + esize * n, 1, "FWTEST");
	for (i = 0; i < n; i++) {
		if (esize == 8)
			put64(pa + 36 + 8 * i, e[i]);
		else
			put32(pa + 36 + 4 * i, (uint32_t)e[i]);
	}
	fix_sum(pa, 9, 36 + esize * n);
}

#define FADT_PA		0x10000
#define DSDT_PA		0x11000
#define WAET_PA		0x12000
#define RSDT_PA		0x13000
#define XSDT_PA		0x14000
#define OEM_PA		0x15000

static struct acpi_info ai;

static bool
log_has(const struct fw_log *log, const char *needle)
{
	int i;

	for (i = 0; i < log->fl_nkept; i++)
		if (strstr(log->fl_msg[i], needle) != NULL)
			return true;
	return false;
}

/*
 * An ACPI 6 platform: a 276-byte FADT naming "MsHyperV", a DSDT whose
 * AML names _HID "MSFT1000", a WAET.
 */
static void
make_platform(void)
{
	static const uint8_t aml[] = { 0x08, '_', 'H', 'I', 'D', 0x0d,
	    'M', 'S', 'F', 'T', '1', '0', '0', '0', 0 };

	mem_reset();
	acpi_hdr(DSDT_PA, "DSDT", 36 + sizeof(aml), 2, "FWTEST");
	memcpy(mem + DSDT_PA + 36, aml, sizeof(aml));
	fix_sum(DSDT_PA, 9, 36 + sizeof(aml));
	acpi_hdr(FADT_PA, "FACP", FADT_V6_SIZE, 6, "FWTEST");
	put32(FADT_PA + FADT_DSDT, DSDT_PA);
	put64(FADT_PA + FADT_X_DSDT, DSDT_PA);
	put32(FADT_PA + FADT_FLAGS, FADT_F_HW_REDUCED | FADT_F_WBINVD);
	mem[FADT_PA + FADT_MINOR_VERSION] = 4;
	memcpy(mem + FADT_PA + FADT_HYPERVISOR_ID, "MsHyperV", 8);
	fix_sum(FADT_PA, 9, FADT_V6_SIZE);
	acpi_hdr(WAET_PA, "WAET", 40, 1, "FWTEST");
	put32(WAET_PA + WAET_DEVICE_FLAGS, WAET_F_PM_TIMER_GOOD);
	fix_sum(WAET_PA, 9, 40);
}

static void
test_acpi_good_xsdt(void)
{
	uint64_t e[] = { FADT_PA, WAET_PA };

	make_platform();
	make_root(RSDT_PA, "RSDT", e, 2, 4);
	make_root(XSDT_PA, "XSDT", e, 2, 8);
	make_rsdp(2, RSDT_PA, XSDT_PA, "FWTEST");
	acpi_parse(&fake_mem, rsdp, sizeof(rsdp), &ai);
	CHECK(ai.ai_found && ai.ai_rsdp_ok && ai.ai_xsdt);
	CHECK_EQ_INT(ai.ai_revision, 2);
	CHECK_EQ_INT(ai.ai_nentries, 2);
	CHECK_EQ_INT(ai.ai_ntables, 3);		/* FACP, DSDT, WAET */
	CHECK(memcmp(ai.ai_tables[1].at_sig, "DSDT", 4) == 0 &&
	    ai.ai_tables[1].at_from_fadt);
	CHECK_EQ_INT(ai.ai_log.fl_nproblems, 0);
	CHECK_EQ_INT(ai.ai_nbroken + ai.ai_nunread, 0);
	CHECK(ai.ai_has_fadt);
	CHECK_EQ_INT(ai.ai_fadt_revision, 6);
	CHECK_EQ_INT(ai.ai_fadt_minor, 4);
	CHECK_EQ_HEX(ai.ai_fadt_flags, FADT_F_HW_REDUCED | FADT_F_WBINVD);
	CHECK(ai.ai_has_hvid && memcmp(ai.ai_hvid, "MsHyperV", 8) == 0);
	CHECK(ai.ai_has_waet);
	CHECK_EQ_HEX(ai.ai_waet_flags, WAET_F_PM_TIMER_GOOD);
	CHECK_EQ_INT(ai.ai_nids, 1);
	CHECK_STR(ai.ai_ids[0], "MSFT1000");
	CHECK_STR(acpi_id_vendor("MSFT1000"), "hyperv");
	CHECK(acpi_id_vendor("NOSUCH00") == NULL);
}

static void
test_acpi_rsdp_checksums(void)
{
	uint64_t e[] = { FADT_PA };

	make_platform();
	make_root(RSDT_PA, "RSDT", e, 1, 4);
	make_rsdp(0, RSDT_PA, 0, "FWTEST");
	rsdp[8] ^= 1;
	acpi_parse(&fake_mem, rsdp, ACPI_RSDP_V1_SIZE, &ai);
	CHECK(ai.ai_found && !ai.ai_rsdp_ok);
	CHECK(log_has(&ai.ai_log, "RSDP: checksum"));
	CHECK_EQ_INT(ai.ai_ntables, 0);

	/* A bad extended checksum: the RSDT is used instead. */
	make_root(XSDT_PA, "XSDT", e, 1, 8);
	make_rsdp(2, RSDT_PA, XSDT_PA, "FWTEST");
	rsdp[32] ^= 1;
	acpi_parse(&fake_mem, rsdp, sizeof(rsdp), &ai);
	CHECK(ai.ai_rsdp_ok && !ai.ai_xsdt);
	CHECK(log_has(&ai.ai_log, "extended checksum"));
	CHECK_EQ_INT(ai.ai_log.fl_nproblems, 1);
	CHECK_EQ_INT(ai.ai_ntables, 2);

	/* Not an RSDP at all. */
	memset(rsdp, 'x', sizeof(rsdp));
	acpi_parse(&fake_mem, rsdp, sizeof(rsdp), &ai);
	CHECK(!ai.ai_rsdp_ok && log_has(&ai.ai_log, "no \"RSD PTR \""));
}

static void
test_acpi_xsdt_loops(void)
{
	uint64_t e[] = { FADT_PA, XSDT_PA, FADT_PA, RSDT_PA, 0 };

	make_platform();
	make_root(RSDT_PA, "RSDT", e, 1, 4);
	make_root(XSDT_PA, "XSDT", e, 5, 8);
	make_rsdp(2, RSDT_PA, XSDT_PA, "FWTEST");
	acpi_parse(&fake_mem, rsdp, sizeof(rsdp), &ai);
	CHECK(ai.ai_xsdt);
	CHECK_EQ_INT(ai.ai_nentries, 5);
	CHECK(log_has(&ai.ai_log, "XSDT entry 1 points back at the XSDT"));
	CHECK(log_has(&ai.ai_log, "XSDT entry 2 repeats entry 0"));
	CHECK(log_has(&ai.ai_log, "XSDT entry 3 points back at the RSDT"));
	CHECK(log_has(&ai.ai_log, "XSDT entry 4 is 0, an empty slot"));
	/* The repeat and the empty slot are notes. */
	CHECK_EQ_INT(ai.ai_log.fl_nproblems, 2);
	CHECK_EQ_INT(ai.ai_nbroken, 2);
	CHECK_EQ_INT(ai.ai_ntables, 2);		/* FACP and its DSDT once */

	/* The FADT's DSDT pointing back at the FADT. */
	put64(FADT_PA + FADT_X_DSDT, FADT_PA);
	fix_sum(FADT_PA, 9, FADT_V6_SIZE);
	make_root(XSDT_PA, "XSDT", e, 1, 8);
	make_rsdp(2, RSDT_PA, XSDT_PA, "FWTEST");
	acpi_parse(&fake_mem, rsdp, sizeof(rsdp), &ai);
	CHECK(log_has(&ai.ai_log, "points back at the FADT"));
	CHECK_EQ_INT(ai.ai_nids, 0);
}

static void
test_acpi_bad_tables(void)
{
	uint64_t e[] = { FADT_PA, OEM_PA, OEM_PA + 0x100, OEM_PA + 0x200,
	    MEM_SIZE - 16, HIGH_PA + 0x1000, 0x10 };

	make_platform();
	acpi_table(OEM_PA, "OEMA", 40, 1);
	mem[OEM_PA + 20] += 0x5a;		/* checksum now off */
	acpi_hdr(OEM_PA + 0x100, "OEMB", 20, 1, "FWTEST");	/* too short */
	acpi_hdr(OEM_PA + 0x200, "OEMC", MEM_SIZE, 1, "FWTEST"); /* too long */
	memcpy(mem + MEM_SIZE - 16, "OEMD", 4);	/* header past the end */
	make_root(XSDT_PA, "XSDT", e, 7, 8);
	make_rsdp(2, 0, XSDT_PA, "FWTEST");
	acpi_parse(&fake_mem, rsdp, sizeof(rsdp), &ai);
	CHECK(log_has(&ai.ai_log, "(OEMA)"));
	CHECK(log_has(&ai.ai_log, "off by 0x5a"));
	CHECK(log_has(&ai.ai_log, "length 20, less than its 36-byte header"));
	CHECK(log_has(&ai.ai_log, "(OEMC)"));
	CHECK(log_has(&ai.ai_log, "XSDT entry 4 at 0x1ffff0: not read"));
	CHECK(log_has(&ai.ai_log, "above the 4 GiB"));
	CHECK(log_has(&ai.ai_log, "in page 0"));
	/* Above 4 GiB is ours, not the firmware's: a note, unread. */
	CHECK_EQ_INT(ai.ai_log.fl_nproblems, 5);
	CHECK_EQ_INT(ai.ai_log.fl_nnotes, 1);
	CHECK_EQ_INT(ai.ai_nunread, 1);
	CHECK_EQ_INT(ai.ai_nbroken, 5);
}

/* An unusable XSDT: the RSDT is read instead, and that is said. */
static void
test_acpi_xsdt_fallback(void)
{
	uint64_t e[] = { FADT_PA };

	make_platform();
	make_root(RSDT_PA, "RSDT", e, 1, 4);
	make_root(XSDT_PA, "XSDT", e, 1, 8);
	mem[XSDT_PA + 36] ^= 1;
	make_rsdp(2, RSDT_PA, XSDT_PA, "FWTEST");
	acpi_parse(&fake_mem, rsdp, sizeof(rsdp), &ai);
	CHECK(!ai.ai_xsdt);
	CHECK_EQ_HEX(ai.ai_root.at_pa, RSDT_PA);
	CHECK(log_has(&ai.ai_log, "the RSDT at 0x13000 is used instead"));
	CHECK_EQ_INT(ai.ai_ntables, 2);
	CHECK_EQ_INT(ai.ai_nbroken, 1);		/* the XSDT */

	/* A root table with a wrong signature. */
	make_rsdp(0, DSDT_PA, 0, "FWTEST");
	acpi_parse(&fake_mem, rsdp, ACPI_RSDP_V1_SIZE, &ai);
	CHECK(log_has(&ai.ai_log, "signature \"DSDT\", not \"RSDT\""));
	CHECK_EQ_INT(ai.ai_ntables, 0);
}

/* More entries than are read, more tables than are kept: bounded. */
static void
test_acpi_many_entries(void)
{
	static uint64_t e[ACPI_ENTRIES_MAX + 10];
	int i;

	make_platform();
	for (i = 0; i < (int)nitems(e); i++) {
		e[i] = OEM_PA + 64 * (uint64_t)i;
		acpi_table(e[i], "SSDT", 40, 1);
	}
	make_root(XSDT_PA, "XSDT", e, nitems(e), 8);
	make_rsdp(2, 0, XSDT_PA, "FWTEST");
	acpi_parse(&fake_mem, rsdp, sizeof(rsdp), &ai);
	CHECK_EQ_INT(ai.ai_nentries, ACPI_ENTRIES_MAX + 10);
	CHECK_EQ_INT(ai.ai_ntables, ACPI_TABLES_MAX);
	CHECK_EQ_INT(ai.ai_ntables + ai.ai_ndropped, ACPI_ENTRIES_MAX);
	CHECK_EQ_INT(ai.ai_log.fl_nproblems, 0);
	CHECK(log_has(&ai.ai_log, "only the first 256 read"));
}

static void
test_acpi_scan(void)
{
	mem_reset();
	CHECK_EQ_HEX(acpi_scan_rsdp(&fake_mem), 0);
	make_rsdp(0, RSDT_PA, 0, "FWTEST");
	memcpy(mem + 0xf5a30, rsdp, ACPI_RSDP_V1_SIZE);	/* bad: unaligned */
	memcpy(mem + 0xf5a40, rsdp, ACPI_RSDP_V1_SIZE);
	mem[0xf5a48] ^= 1;				/* bad: checksum */
	CHECK_EQ_HEX(acpi_scan_rsdp(&fake_mem), 0);
	memcpy(mem + 0xfffe0, rsdp, ACPI_RSDP_V1_SIZE);
	CHECK_EQ_HEX(acpi_scan_rsdp(&fake_mem), 0xfffe0);
}

/* ------------------------------------------------------------------ */
/* SMBIOS */

#define EPS_PA		0xf0010
#define TABLE_PA	0x20000

static struct smbios_info si;
static size_t tlen;

/* Append a structure: header, formatted bytes, strings, final NUL. */
static void
sm_add(uint8_t type, const uint8_t *fmt, uint8_t fmtlen, const char *const *s,
    int ns)
{
	uint8_t *p = mem + TABLE_PA + tlen;
	int i;

	p[0] = type;
	p[1] = 4 + fmtlen;
	p[2] = (uint8_t)tlen, p[3] = 0;
	if (fmtlen > 0)
		memcpy(p + 4, fmt, fmtlen);
	tlen += 4 + fmtlen;
	for (i = 0; i < ns; i++) {
		memcpy(mem + TABLE_PA + tlen, s[i], strlen(s[i]) + 1);
		tlen += strlen(s[i]) + 1;
	}
	if (ns == 0)
		mem[TABLE_PA + tlen++] = 0;
	mem[TABLE_PA + tlen++] = 0;
}

static void
sm_eps2(uint8_t major, uint8_t minor, uint16_t nstructs)
{
	struct smbios2_eps e;

	memset(&e, 0, sizeof(e));
	memcpy(e.se_anchor, SMBIOS2_ANCHOR, 4);
	e.se_length = SMBIOS2_EPS_SIZE;
	e.se_major = major, e.se_minor = minor;
	memcpy(e.se_dmi_anchor, SMBIOS2_DMI_ANCHOR, 5);
	e.se_table_length = (uint16_t)tlen;
	e.se_table_address = TABLE_PA;
	e.se_nstructs = nstructs;
	memcpy(mem + EPS_PA, &e, sizeof(e));
	fix_sum(EPS_PA + 0x10, 5, 0x0f);
	fix_sum(EPS_PA, 4, SMBIOS2_EPS_SIZE);
}

static void
sm_eps3(uint32_t max)
{
	struct smbios3_eps e;

	memset(&e, 0, sizeof(e));
	memcpy(e.s3_anchor, SMBIOS3_ANCHOR, 5);
	e.s3_length = SMBIOS3_EPS_SIZE;
	e.s3_major = 3, e.s3_minor = 2;
	e.s3_revision = 1;
	e.s3_table_max = max;
	e.s3_table_address = TABLE_PA;
	memcpy(mem + EPS_PA, &e, sizeof(e));
	fix_sum(EPS_PA, 5, SMBIOS3_EPS_SIZE);
}

/* Types 0, 1, 2, 3 and 11 as a Hyper-V generation 2 VM has them. */
static void
sm_hyperv_table(void)
{
	static const char *const t0[] = { "Microsoft Corporation",
	    "Hyper-V UEFI Release v4.0", "12/17/2019" };
	static const char *const t1[] = { "Microsoft Corporation",
	    "Virtual Machine", "Hyper-V UEFI Release v4.0",
	    "3135-4298-3414-7021-8716-7514-85", "None", "Virtual Machine" };
	static const char *const t2[] = { "Microsoft Corporation",
	    "Virtual Machine" };
	static const char *const t3[] = { "Microsoft Corporation",
	    "7783-7084-3265-9085-8269-3286-77" };
	static const char *const t11[] = { "one", "two #\n" };
	uint8_t f0[20] = { 1, 2, 0, 0, 3, 0 }, f1[23] = { 1, 2, 3, 4 };
	uint8_t f2[4] = { 1, 2 }, f3[5] = { 1, 3, 0, 0, 2 }, f11[1] = { 2 };
	static const uint8_t uuid[16] = { 0x79, 0x05, 0x8a, 0xf7, 0xf5, 0x5b,
	    0xe9, 0x4d, 0xa5, 0xc7, 0xb5, 0xad, 0x20, 0x23, 0x44, 0x9b };

	f0[15] = SMBIOS0_EXT2_VM;		/* offset 0x13 */
	memcpy(f1 + 4, uuid, 16);
	f1[21] = 5, f1[22] = 6;			/* SKU, family */
	mem_reset();
	tlen = 0;
	sm_add(SMBIOS_TYPE_BIOS, f0, sizeof(f0), t0, 3);
	sm_add(SMBIOS_TYPE_SYSTEM, f1, sizeof(f1), t1, 6);
	sm_add(SMBIOS_TYPE_BASEBOARD, f2, sizeof(f2), t2, 2);
	sm_add(SMBIOS_TYPE_CHASSIS, f3, sizeof(f3), t3, 2);
	sm_add(SMBIOS_TYPE_OEM_STRINGS, f11, sizeof(f11), t11, 2);
	sm_add(SMBIOS_TYPE_END, NULL, 0, NULL, 0);
}

static bool
str_is(const struct smbios_str *s, const char *text)
{
	return s->ss_set && s->ss_len == strlen(text) &&
	    memcmp(s->ss_s, text, s->ss_len) == 0;
}

static void
test_smbios_hyperv(void)
{
	char uuid[37];

	sm_hyperv_table();
	sm_eps2(3, 1, 6);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(si.si_eps_ok && !si.si_v3);
	CHECK_EQ_INT(si.si_nstructs, 6);
	CHECK(si.si_end);
	CHECK_EQ_INT(si.si_log.fl_nproblems + si.si_log.fl_nnotes, 0);
	CHECK(str_is(&si.si_bios_vendor, "Microsoft Corporation"));
	CHECK(str_is(&si.si_bios_date, "12/17/2019"));
	CHECK(si.si_has_vm_bit && si.si_vm_bit);
	CHECK(str_is(&si.si_product, "Virtual Machine"));
	CHECK(str_is(&si.si_serial, "3135-4298-3414-7021-8716-7514-85"));
	CHECK(str_is(&si.si_sku, "None"));
	CHECK(str_is(&si.si_family, "Virtual Machine"));
	CHECK(str_is(&si.si_board_product, "Virtual Machine"));
	CHECK(str_is(&si.si_chassis_asset,
	    "7783-7084-3265-9085-8269-3286-77"));
	CHECK_EQ_INT(si.si_chassis_type, 3);
	CHECK_EQ_INT(si.si_noem, 2);
	CHECK(str_is(&si.si_oem[1], "two #\n"));
	/* 2.6 and later: the first three fields are little-endian. */
	CHECK(si.si_has_uuid);
	smbios_uuid_text(si.si_uuid, uuid);
	CHECK_STR(uuid, "f78a0579-5bf5-4de9-a5c7-b5ad2023449b");

	/* Before 2.6, as stored. */
	sm_eps2(2, 5, 6);
	smbios_parse(&fake_mem, EPS_PA, &si);
	smbios_uuid_text(si.si_uuid, uuid);
	CHECK_STR(uuid, "79058af7-f55b-e94d-a5c7-b5ad2023449b");
}

static void
test_smbios_v3_and_counts(void)
{
	sm_hyperv_table();
	sm_eps3((uint32_t)tlen + 100);	/* a maximum, not the length */
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(si.si_eps_ok && si.si_v3);
	CHECK_EQ_INT(si.si_major, 3);
	CHECK_EQ_INT(si.si_nstructs, 6);
	CHECK(si.si_end);

	/* 2.x: the count stops the walk; 0 stops nothing. */
	sm_eps2(2, 8, 2);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK_EQ_INT(si.si_nstructs, 2);
	CHECK(!si.si_has_board);
	sm_eps2(2, 8, 0);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK_EQ_INT(si.si_nstructs, 6);
	sm_eps2(2, 8, 9);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK_EQ_INT(si.si_nstructs, 6);	/* type 127 ends it */
}

static void
test_smbios_bad_entry_points(void)
{
	sm_hyperv_table();
	sm_eps2(2, 8, 6);
	mem[EPS_PA + 4] ^= 1;
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(!si.si_eps_ok && log_has(&si.si_log, "checksum"));
	sm_eps2(2, 8, 6);
	mem[EPS_PA + 0x18] ^= 1;		/* inside the _DMI_ part */
	fix_sum(EPS_PA, 4, SMBIOS2_EPS_SIZE);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(!si.si_eps_ok && log_has(&si.si_log, "\"_DMI_\""));
	sm_eps3((uint32_t)tlen);
	mem[EPS_PA + 6] = 0x20;
	fix_sum(EPS_PA, 5, SMBIOS3_EPS_SIZE);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(!si.si_eps_ok && log_has(&si.si_log, "length 0x20"));
	memset(mem + EPS_PA, 'x', 32);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(log_has(&si.si_log, "neither anchor"));
	/* A table past the end of memory, and one of 0 bytes. */
	sm_eps3(0x1000);
	put64(EPS_PA + 16, MEM_SIZE - 0x100);
	fix_sum(EPS_PA, 5, SMBIOS3_EPS_SIZE);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(si.si_eps_ok && log_has(&si.si_log, "lies outside"));
	sm_eps3(SMBIOS_TABLE_MAX + 1);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(si.si_eps_ok && log_has(&si.si_log, "only the first"));
	CHECK_EQ_INT(si.si_nstructs, 6);
	sm_eps3(0);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(log_has(&si.si_log, "0 bytes"));
	smbios_parse(&fake_mem, HIGH_PA, &si);
	CHECK(log_has(&si.si_log, "above the 4 GiB"));
}

static void
test_smbios_hostile_structures(void)
{
	static const char *const s[] = { "QEMU" };
	uint8_t f[4] = { 1 };

	/* A zero-length structure: the walk stops there, says so. */
	mem_reset();
	tlen = 0;
	sm_add(SMBIOS_TYPE_SYSTEM, f, sizeof(f), s, 1);
	mem[TABLE_PA + tlen] = 2, mem[TABLE_PA + tlen + 1] = 0;
	tlen += 8;
	sm_add(SMBIOS_TYPE_END, NULL, 0, NULL, 0);
	sm_eps2(2, 8, 3);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK_EQ_INT(si.si_nstructs, 1);
	CHECK(str_is(&si.si_sys_vendor, "QEMU"));
	CHECK(log_has(&si.si_log, "length 0, less than its 4-byte header"));
	CHECK(!si.si_end);

	/* Strings that run to the end of the table. */
	mem_reset();
	tlen = 0;
	sm_add(SMBIOS_TYPE_SYSTEM, f, sizeof(f), s, 1);
	mem[TABLE_PA + tlen] = 11, mem[TABLE_PA + tlen + 1] = 5;
	mem[TABLE_PA + tlen + 4] = 1;
	memcpy(mem + TABLE_PA + tlen + 5, "no end", 6);
	tlen += 11;
	mem[TABLE_PA + tlen] = 'x';	/* and nothing after it is read */
	sm_eps2(2, 8, 2);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(log_has(&si.si_log, "no terminating double NUL"));
	CHECK_EQ_INT(si.si_nstructs, 1);

	/* A formatted area past the end; a header cut by the end. */
	mem_reset();
	tlen = 0;
	sm_add(SMBIOS_TYPE_SYSTEM, f, sizeof(f), s, 1);
	mem[TABLE_PA + tlen] = 3, mem[TABLE_PA + tlen + 1] = 200;
	tlen += 8;
	sm_eps2(2, 8, 2);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(log_has(&si.si_log, "length 200 runs past the table's end"));
	tlen -= 6;
	sm_eps2(2, 8, 2);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(log_has(&si.si_log, "inside its header"));
}

static void
test_smbios_strings(void)
{
	char longer[SMBIOS_STR_MAX + 20];
	const char *s[] = { longer, "short" };
	uint8_t f[23] = { 1, 9, 2 };	/* string 9 does not exist */

	memset(longer, 'L', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	mem_reset();
	tlen = 0;
	sm_add(SMBIOS_TYPE_SYSTEM, f, 3, s, 2);	/* shorter than 2.1's */
	sm_add(SMBIOS_TYPE_END, NULL, 0, NULL, 0);
	sm_eps2(2, 0, 2);
	smbios_parse(&fake_mem, EPS_PA, &si);
	CHECK(si.si_sys_vendor.ss_set && si.si_sys_vendor.ss_cut);
	CHECK_EQ_INT(si.si_sys_vendor.ss_len, SMBIOS_STR_MAX);
	CHECK(!si.si_product.ss_set);
	CHECK(log_has(&si.si_log, "string 9 asked for, but it has 2"));
	CHECK_EQ_INT(si.si_log.fl_nproblems, 0);
	CHECK(str_is(&si.si_sys_version, "short"));
	CHECK(!si.si_serial.ss_set && !si.si_has_uuid);
}

static void
test_smbios_scan(void)
{
	mem_reset();
	CHECK_EQ_HEX(smbios_scan(&fake_mem), 0);
	memcpy(mem + 0xf1000, "_SM_", 4);
	CHECK_EQ_HEX(smbios_scan(&fake_mem), 0xf1000);
	memcpy(mem + 0xf8000, "_SM3_", 5);
	CHECK_EQ_HEX(smbios_scan(&fake_mem), 0xf8000);	/* 3.0 first */
	memcpy(mem + 0xf9008, "_SM3_", 5);		/* unaligned */
	memset(mem + 0xf8000, 0, 5);
	CHECK_EQ_HEX(smbios_scan(&fake_mem), 0xf1000);
}

static void
test_smbios_uuid_match(void)
{
	struct fw_uuid fu;
	uint8_t b[16];
	int i;

	for (i = 0; i < 16; i++)
		fu.fu_raw[i] = (uint8_t)i, b[i] = (uint8_t)i;
	memcpy(fu.fu_text, fu.fu_raw, 16);
	fu.fu_text[0] = 3, fu.fu_text[3] = 0;
	CHECK_EQ_INT(smbios_uuid_match(&fu, b), FW_UUID_MATCH_RAW);
	memcpy(b, fu.fu_text, 16);
	CHECK_EQ_INT(smbios_uuid_match(&fu, b), FW_UUID_MATCH);
	b[15] ^= 1;
	CHECK_EQ_INT(smbios_uuid_match(&fu, b), FW_UUID_DIFFER);
}

/* ------------------------------------------------------------------ */
/* EFI */

#define SYSTAB_PA	0x30000
#define CONFIG_PA	0x30100
#define VENDOR_PA	0x30080

static struct fw_efi fe;

static void
make_systab(uint64_t nconfig)
{
	static const uint8_t acpi20[16] = EFI_ACPI_20_TABLE_GUID;
	static const uint8_t smbios3[16] = EFI_SMBIOS3_TABLE_GUID;
	static const uint8_t other[16] = { 1, 2, 3 };
	struct efi_system_table st;
	struct efi_config_table ct[3];
	const char *v = "EDK II\x80";
	int i;

	memset(&st, 0, sizeof(st));
	st.st_signature = EFI_SYSTEM_TABLE_SIGNATURE;
	st.st_revision = (2 << 16) | 70;
	st.st_header_size = EFI_SYSTEM_TABLE_SIZE;
	st.st_firmware_vendor = VENDOR_PA;
	st.st_firmware_revision = 0x10000;
	st.st_nconfig = nconfig;
	st.st_config = CONFIG_PA;
	memcpy(mem + SYSTAB_PA, &st, sizeof(st));
	for (i = 0; v[i] != '\0'; i++)
		mem[VENDOR_PA + 2 * i] = (uint8_t)v[i];
	memcpy(ct[0].ct_guid, other, 16);
	ct[0].ct_table = 0x1234;
	memcpy(ct[1].ct_guid, acpi20, 16);
	ct[1].ct_table = 0x40000;
	memcpy(ct[2].ct_guid, smbios3, 16);
	ct[2].ct_table = 0x41000;
	memcpy(mem + CONFIG_PA, ct, sizeof(ct));
}

static void
test_efi(void)
{
	mem_reset();
	make_systab(3);
	fw_efi_read(&fake_mem, SYSTAB_PA, &fe);
	CHECK(fe.fe_found);
	CHECK_EQ_HEX(fe.fe_revision, (2 << 16) | 70);
	CHECK_STR(fe.fe_vendor, "EDK II?");
	CHECK_EQ_HEX(fe.fe_acpi20, 0x40000);
	CHECK_EQ_HEX(fe.fe_smbios3, 0x41000);
	CHECK_EQ_HEX(fe.fe_acpi10 | fe.fe_smbios, 0);
	CHECK_EQ_INT(fe.fe_log.fl_nproblems, 0);

	/* A count no firmware has: bounded, and a problem. */
	mem_reset();
	make_systab(1ULL << 40);
	fw_efi_read(&fake_mem, SYSTAB_PA, &fe);
	CHECK(log_has(&fe.fe_log, "more than the 256 read"));
	CHECK_EQ_HEX(fe.fe_acpi20, 0x40000);

	mem_reset();
	make_systab(3);
	mem[SYSTAB_PA] ^= 1;
	fw_efi_read(&fake_mem, SYSTAB_PA, &fe);
	CHECK(!fe.fe_found && log_has(&fe.fe_log, "not \"IBI SYST\""));
	fw_efi_read(&fake_mem, MEM_SIZE - 8, &fe);
	CHECK(!fe.fe_found && log_has(&fe.fe_log, "not read"));
}

/* ------------------------------------------------------------------ */
/* The verdict and the cross-check */

static struct fw_verdict fv;
static struct fw_cross fc;

static void
set_str(struct smbios_str *s, const char *text)
{
	memset(s, 0, sizeof(*s));
	s->ss_set = true;
	s->ss_len = (uint8_t)strlen(text);
	memcpy(s->ss_s, text, s->ss_len);
}

/* Nothing read: then one source at a time. */
static void
clear_sources(void)
{
	memset(&ai, 0, sizeof(ai));
	memset(&si, 0, sizeof(si));
}

static void
test_verdict_smbios(void)
{
	clear_sources();
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "absent");
	si.si_found = true;
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "none");

	set_str(&si.si_sys_vendor, "QEMU");
	set_str(&si.si_product, "Standard PC (i440FX + PIIX, 1996)");
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "qemu");
	CHECK_STR(fv.fv_by, "smbios.sys_vendor");
	CHECK_STR(fv.fv_name, "QEMU");

	set_str(&si.si_product, "VMware Virtual Platform");
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "vmware");
	CHECK_STR(fv.fv_by, "smbios.product");

	clear_sources();
	set_str(&si.si_sys_vendor, "Microsoft Corporation");
	set_str(&si.si_product, "Virtual Machine");
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "hyperv");
	set_str(&si.si_product, "Surface Go 2");	/* real hardware */
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "absent");
	si.si_found = true;
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "none");
	set_str(&si.si_sys_version, "Hyper-V UEFI Release v4.0");
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "hyperv");
	CHECK_STR(fv.fv_by, "smbios.sys_version");
	set_str(&si.si_chassis_asset, "7783-7084-3265-9085-8269-3286-77");
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_platform, "Azure");

	clear_sources();
	set_str(&si.si_bios_vendor, "Xen");
	set_str(&si.si_bios_version, "4.2.amazon");
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "xen");
	CHECK_STR(fv.fv_platform, "Amazon EC2");

	/* EC2: a VM with the VM bit set, bare metal with it clear. */
	clear_sources();
	set_str(&si.si_sys_vendor, "Amazon EC2");
	si.si_has_vm_bit = si.si_vm_bit = true;
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "amazon");
	CHECK_STR(fv.fv_platform, "Amazon EC2");
	si.si_vm_bit = false;
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "none");
	CHECK_STR(fv.fv_platform, "Amazon EC2");
}

static void
test_verdict_acpi(void)
{
	clear_sources();
	ai.ai_found = ai.ai_rsdp_ok = true;
	memcpy(ai.ai_oemid, "BOCHS ", 6);
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "qemu");
	CHECK_STR(fv.fv_by, "acpi.oemid");

	memcpy(ai.ai_oemid, "ALASKA", 6);
	ai.ai_ntables = 1;
	memcpy(ai.ai_tables[0].at_oemid, "ALASKA", 6);
	memcpy(ai.ai_tables[0].at_creator, "VBOX", 4);
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "vbox");
	ai.ai_tables[0].at_status = ACPI_TABLE_BROKEN;	/* not believed */
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "none");

	ai.ai_nids = 1;
	ai.ai_ids[0] = "VMBus";
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "hyperv");
	CHECK_STR(fv.fv_by, "acpi.dsdt_id");

	/* The FADT's own word is taken first, even over SMBIOS. */
	set_str(&si.si_sys_vendor, "QEMU");
	ai.ai_has_hvid = true;
	memcpy(ai.ai_hvid, "CLOUDHYP", 8);
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "cloudhv");
	CHECK_STR(fv.fv_smbios, "qemu");
	CHECK_STR(fv.fv_acpi, "hyperv");
	/* Firecracker's own value (src/vmm/src/acpi/mod.rs). */
	memcpy(ai.ai_hvid, "FIRECKVM", 8);
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "firecracker");
	CHECK_STR(fv.fv_by, "acpi.fadt_hypervisor");
	memcpy(ai.ai_hvid, "NEWHYPER", 8);
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "qemu");
	CHECK_STR(fv.fv_fadt, "unknown");

	/* Nameless signs of a VM. */
	clear_sources();
	si.si_found = true;
	si.si_has_vm_bit = si.si_vm_bit = true;
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_vendor, "unknown");
	CHECK_STR(fv.fv_by, "smbios.vm_bit");
	si.si_vm_bit = false;
	ai.ai_has_waet = true;
	fw_verdict(&ai, &si, &fv);
	CHECK_STR(fv.fv_by, "acpi.waet");
}

/* The firmware says vendor; CPUID says cpuid, with its hypervisor bit. */
static enum fw_relation
cross(const char *vendor, const char *acpi, const char *cpuid, bool hvbit)
{
	memset(&fv, 0, sizeof(fv));
	fv.fv_vendor = vendor;
	fv.fv_smbios = vendor;
	fv.fv_acpi = acpi;
	fv.fv_name = fw_vendor_name(vendor);
	fw_cross_check(&fv, cpuid, hvbit, &fc);
	return fc.fc_rel;
}

static void
test_cross_check(void)
{
	char buf[200];

	CHECK_EQ_INT(cross("qemu", "qemu", "tcg", true), FW_REL_AGREE);
	CHECK_EQ_INT(cross("qemu", "qemu", "kvm", true), FW_REL_AGREE);
	CHECK_EQ_INT(cross("hyperv", "hyperv", "hyperv", true), FW_REL_AGREE);
	CHECK_EQ_INT(cross("firecracker", NULL, "kvm", true), FW_REL_AGREE);
	CHECK_EQ_INT(cross("qemu", "qemu", "hyperv", true), FW_REL_DIFFER);
	CHECK_STR(fc.fc_why, "emulated");
	CHECK_EQ_INT(cross("vbox", NULL, "kvm", true), FW_REL_DIFFER);
	CHECK_STR(fc.fc_why, "emulated");
	CHECK_EQ_INT(cross("amazon", NULL, "kvm", true), FW_REL_DIFFER);
	CHECK_STR(fc.fc_why, "cloud");
	CHECK_EQ_INT(cross("vmware", "qemu", "tcg", true), FW_REL_DIFFER);
	CHECK_STR(fc.fc_why, "smbios_set");
	CHECK_EQ_INT(cross("vmware", NULL, "xen", true), FW_REL_DIFFER);
	CHECK_STR(fc.fc_why, "nested");
	fw_cross_sentence(&fv, "xen", "Xen", &fc, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "CPUID says Xen, firmware says VMware");
	CHECK_EQ_INT(cross("qemu", "qemu", NULL, true), FW_REL_HIDDEN);
	fw_cross_sentence(&fv, NULL, NULL, &fc, buf, sizeof(buf));
	CHECK_STR(buf, "hypervisor hidden from CPUID: firmware says QEMU");
	CHECK_EQ_INT(cross("qemu", "qemu", "tcg", false), FW_REL_HIDDEN);
	fw_cross_sentence(&fv, "tcg", "QEMU TCG", &fc, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "0x40000000 still says QEMU TCG");
	CHECK_EQ_INT(cross("unknown", NULL, NULL, true), FW_REL_HIDDEN);
	CHECK_EQ_INT(cross("unknown", NULL, "kvm", true), FW_REL_UNNAMED);
	CHECK_EQ_INT(cross("none", NULL, "xen", true), FW_REL_CPUID_ONLY);
	CHECK_EQ_INT(cross("none", NULL, "xen", false), FW_REL_CPUID_ONLY);
	CHECK_EQ_INT(cross("none", NULL, NULL, false), FW_REL_BARE);
	CHECK_EQ_INT(cross("absent", NULL, "kvm", true), FW_REL_NO_TABLES);
	CHECK_STR(fw_relation_name(FW_REL_CPUID_ONLY), "cpuid_only");
	CHECK_STR(fw_vendor_name("vbox"), "VirtualBox");
	CHECK_STR(fw_vendor_name("made-up"), "made-up");
}

/* ------------------------------------------------------------------ */
/* fw.c: finding the tables on each path, and saying them */

static struct fw_softc sc;
static struct bootinfo bi;

static void
test_identify_paths(void)
{
	uint64_t e[] = { FADT_PA };

	/* BIOS: the loader's RSDP copy, the F segment's SMBIOS. */
	sm_hyperv_table();
	sm_eps2(2, 8, 6);
	acpi_table(FADT_PA, "FACP", 116, 1);
	make_root(RSDT_PA, "RSDT", e, 1, 4);
	make_rsdp(0, RSDT_PA, 0, "BOCHS ");
	memset(&bi, 0, sizeof(bi));
	bi.bi_path = "multiboot2";
	memcpy(bi.bi_rsdp, rsdp, ACPI_RSDP_V1_SIZE);
	bi.bi_rsdp_len = ACPI_RSDP_V1_SIZE;
	fw_identify(&fake_mem, &bi, &sc);
	CHECK_STR(sc.sc_acpi_from, "multiboot2");
	CHECK_STR(sc.sc_smbios_from, "scan");
	CHECK(sc.sc_acpi.ai_rsdp_ok && sc.sc_smbios.si_eps_ok);
	CHECK_STR(sc.sc_verdict.fv_vendor, "hyperv");
	CHECK_STR(sc.sc_verdict.fv_acpi, "qemu");

	/* No RSDP from the loader: the BIOS area is searched. */
	memcpy(mem + 0xe0000, rsdp, ACPI_RSDP_V1_SIZE);
	bi.bi_rsdp_len = 0;
	fw_identify(&fake_mem, &bi, &sc);
	CHECK_STR(sc.sc_acpi_from, "scan");
	CHECK(sc.sc_acpi.ai_rsdp_ok);

	/* UEFI: both from the configuration table, no search. */
	sm_hyperv_table();
	make_systab(3);
	memcpy(mem + 0x40000, rsdp, ACPI_RSDP_V1_SIZE);
	acpi_table(FADT_PA, "FACP", 116, 1);
	make_root(RSDT_PA, "RSDT", e, 1, 4);
	sm_eps3((uint32_t)tlen);
	memmove(mem + 0x41000, mem + EPS_PA, SMBIOS3_EPS_SIZE);
	memset(mem + EPS_PA, 0, SMBIOS3_EPS_SIZE);
	bi.bi_efi_systab = SYSTAB_PA;
	fw_identify(&fake_mem, &bi, &sc);
	CHECK_STR(sc.sc_acpi_from, "efi");
	CHECK_STR(sc.sc_smbios_from, "efi");
	CHECK(sc.sc_smbios.si_v3 && sc.sc_smbios.si_eps_ok);
	CHECK_EQ_INT(sc.sc_acpi.ai_ntables, 1);

	/* Nothing anywhere. */
	mem_reset();
	memset(&bi, 0, sizeof(bi));
	fw_identify(&fake_mem, &bi, &sc);
	CHECK_STR(sc.sc_acpi_from, "none");
	CHECK_STR(sc.sc_smbios_from, "none");
	CHECK_STR(sc.sc_verdict.fv_vendor, "absent");
}

/* What the tables say reaches the console escaped, one line each. */
static void
test_print_escapes(void)
{
	sm_hyperv_table();
	sm_eps2(2, 8, 6);
	memset(&bi, 0, sizeof(bi));
	fw_identify(&fake_mem, &bi, &sc);
	fake_cons_reset();
	fw_print_attach(&sc);
	fw_print_acpi(&sc);
	fw_print_smbios(&sc);
	CHECK_CONTAINS(fake_cons_buf, "bios0 at mainbus0: SMBIOS rev. 2.8 @ "
	    "0x20000 (6 entries)\n");
	CHECK_CONTAINS(fake_cons_buf, "pvbus: acpi from=none rsdp=none\n");
	CHECK_CONTAINS(fake_cons_buf, "bios0: oem string 2 \"two \\x23\\x0a\"");
	CHECK_CONTAINS(fake_cons_buf, " chassis_asset=\"7783-7084-3265-9085-"
	    "8269-3286-77\" oem_strings=2\n");
	CHECK_CONTAINS(fake_cons_buf, "uuid=f78a0579-5bf5-4de9-a5c7-"
	    "b5ad2023449b");
	CHECK(strstr(fake_cons_buf, "#") == NULL);
}

/* ------------------------------------------------------------------ */
/* fw_mem.c: the kernel's rule, over the loader's memory map */

struct bootinfo bootinfo;	/* fw_mem_boot's */

/* QEMU -m 128M under SeaBIOS, as GRUB passes the map on. */
static const struct bi_mmap qemu_map[] = {
	{ 0x0,		0x9fc00,	MB2_MEMORY_AVAILABLE },
	{ 0x9fc00,	0x400,		MB2_MEMORY_RESERVED },
	{ 0xf0000,	0x10000,	MB2_MEMORY_RESERVED },
	{ 0x100000,	0x7ee0000,	MB2_MEMORY_AVAILABLE },
	{ 0x7fe0000,	0x10000,	MB2_MEMORY_RESERVED },
	{ 0x7ff0000,	0x10000,	MB2_MEMORY_ACPI_RECLAIMABLE },
	{ 0xfffc0000,	0x40000,	MB2_MEMORY_RESERVED },
	{ 0x100000000,	0x1000,		MB2_MEMORY_RESERVED },
	{ 0xfec00000,	0x1000,		MB2_MEMORY_BADRAM },
};

static enum fw_mem_where
where(uint64_t pa, uint64_t len)
{
	enum fw_mem_where w = (enum fw_mem_where)-1;
	const void *p = fw_mem_boot.fm_map(&fw_mem_boot, pa, len, &w);

	CHECK((p != NULL) == (w == FW_MEM_OK || w == FW_MEM_RAM));
	CHECK(p == NULL || p == (const void *)(uintptr_t)pa);
	return w;
}

static void
test_mem_rule(void)
{
	memset(&bootinfo, 0, sizeof(bootinfo));
	/* No map: the BIOS area only. */
	CHECK_EQ_INT(where(0xf5a10, 31), FW_MEM_OK);
	CHECK_EQ_INT(where(0xe0000, 0x20000), FW_MEM_OK);
	CHECK_EQ_INT(where(0xffff0, 0x20), FW_MEM_NOMAP);
	CHECK_EQ_INT(where(0x7fe1000, 36), FW_MEM_NOMAP);
	CHECK_EQ_INT(where(0x10, 20), FW_MEM_PAGE0);

	memcpy(bootinfo.bi_mmap, qemu_map, sizeof(qemu_map));
	bootinfo.bi_nmmap = nitems(qemu_map);
	CHECK_EQ_INT(where(0x7fe1000, 36), FW_MEM_OK);
	CHECK_EQ_INT(where(0x7fef000, 0x2000), FW_MEM_OK);	/* two entries */
	CHECK_EQ_INT(where(0x7ffff00, 0x100), FW_MEM_OK);	/* to the end */
	CHECK_EQ_INT(where(0x7ffff00, 0x101), FW_MEM_HOLE);	/* one past */
	CHECK_EQ_INT(where(0x7fdf000, 0x2000), FW_MEM_RAM);	/* RAM too */
	CHECK_EQ_INT(where(0x200000, 36), FW_MEM_RAM);
	CHECK_EQ_INT(where(0xb0000000, 36), FW_MEM_HOLE);
	CHECK_EQ_INT(where(0xfec00000, 4), FW_MEM_HOLE);	/* bad RAM */
	CHECK_EQ_INT(where(0x7fe0000, 0x7ff00000), FW_MEM_HOLE);
	CHECK_EQ_INT(where(0xfffff000, 0x2000), FW_MEM_HIGH);	/* crosses 4G */
	CHECK_EQ_INT(where(0x100000000, 36), FW_MEM_HIGH);
	CHECK_EQ_INT(where(0x7fe0000, UINT64_MAX), FW_MEM_HOLE);	/* wraps */
	CHECK_EQ_INT(where(0x200000, 2 * FW_MEM_MAX), FW_MEM_TOOBIG);
	/* A rejected boot information is no map to trust. */
	snprintf(bootinfo.bi_error, sizeof(bootinfo.bi_error), "bad");
	CHECK_EQ_INT(where(0x7fe1000, 36), FW_MEM_NOMAP);
	CHECK_STR(fw_where_name(FW_MEM_HIGH), "above the 4 GiB the kernel maps");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_acpi_good_xsdt),
	CHECK_TEST(test_acpi_rsdp_checksums),
	CHECK_TEST(test_acpi_xsdt_loops),
	CHECK_TEST(test_acpi_bad_tables),
	CHECK_TEST(test_acpi_xsdt_fallback),
	CHECK_TEST(test_acpi_many_entries),
	CHECK_TEST(test_acpi_scan),
	CHECK_TEST(test_smbios_hyperv),
	CHECK_TEST(test_smbios_v3_and_counts),
	CHECK_TEST(test_smbios_bad_entry_points),
	CHECK_TEST(test_smbios_hostile_structures),
	CHECK_TEST(test_smbios_strings),
	CHECK_TEST(test_smbios_scan),
	CHECK_TEST(test_smbios_uuid_match),
	CHECK_TEST(test_efi),
	CHECK_TEST(test_verdict_smbios),
	CHECK_TEST(test_verdict_acpi),
	CHECK_TEST(test_cross_check),
	CHECK_TEST(test_identify_paths),
	CHECK_TEST(test_print_escapes),
	CHECK_TEST(test_mem_rule),
};

int
main(void)
{
	int rc = check_main("test_fw", tests, nitems(tests));

	free(mem);
	return rc;
}

/*
 * The firmware's tables on every boot path, found and read, and said.
 *
 * Where they are (docs/reference/firmware.md "Finding the tables"):
 *
 *	ACPI	the RSDP the loader copied into the boot information (GRUB's
 *		multiboot2 ACPI tags, old or new; PVH's rsdp_paddr, which
 *		pvh.c turns into the same tag); else the EFI configuration
 *		table's ACPI 2.0 or 1.0 entry; else, on a BIOS machine, a
 *		search of 0xE0000-0xFFFFF.
 *	SMBIOS	the EFI configuration table's SMBIOS 3.0 or 2.1 entry on
 *		UEFI; the 0xF0000-0xFFFFF search on BIOS and PVH.
 *
 * fw_identify() reads everything first and prints nothing; the print
 * functions then say it, so the bus's KTAP test can put each source's
 * lines with its subtest.  Strings from the tables are printed with
 * "%pE" (fwvar.h).
 */

#include "kern.h"
#include "acpireg.h"
#include "bootinfo.h"
#include "fwvar.h"

struct fw_softc fw_softc;

/*
 * The RSDP at pa (from the EFI configuration table or the search),
 * mapped: 36 bytes, or the 20 of ACPI 1.0 at the end of a region; NULL
 * if neither can be read.
 */
static const uint8_t *
fw_map_rsdp(const struct fw_mem *m, uint64_t pa, size_t *len)
{
	enum fw_mem_where where;
	const uint8_t *p;

	*len = ACPI_RSDP_V2_SIZE;
	if ((p = m->fm_map(m, pa, *len, &where)) != NULL)
		return p;
	*len = ACPI_RSDP_V1_SIZE;
	return m->fm_map(m, pa, *len, &where);
}

static void
fw_find_acpi(const struct fw_mem *m, const struct bootinfo *bi,
    struct fw_softc *sc)
{
	const struct fw_efi *fe = &sc->sc_efi;
	const uint8_t *p;
	uint64_t pa;
	size_t len;

	sc->sc_acpi_from = "none";
	if (bi->bi_rsdp_len > 0) {
		sc->sc_acpi_from = bi->bi_path;
		acpi_parse(m, bi->bi_rsdp, (size_t)bi->bi_rsdp_len,
		    &sc->sc_acpi);
		return;
	}
	if (fe->fe_found) {
		pa = fe->fe_acpi20 != 0 ? fe->fe_acpi20 : fe->fe_acpi10;
		if (pa == 0)
			return;
		sc->sc_acpi_from = "efi";
		if ((p = fw_map_rsdp(m, pa, &len)) == NULL) {
			sc->sc_acpi.ai_found = true;
			fw_problem(&sc->sc_acpi.ai_log, "RSDP at 0x%llx from the "
			    "EFI configuration table: not read",
			    (unsigned long long)pa);
			return;
		}
		acpi_parse(m, p, len, &sc->sc_acpi);
		return;
	}
	if ((pa = acpi_scan_rsdp(m)) == 0 ||
	    (p = fw_map_rsdp(m, pa, &len)) == NULL)
		return;
	sc->sc_acpi_from = "scan";
	acpi_parse(m, p, len, &sc->sc_acpi);
}

static void
fw_find_smbios(const struct fw_mem *m, struct fw_softc *sc)
{
	const struct fw_efi *fe = &sc->sc_efi;
	uint64_t pa;

	sc->sc_smbios_from = "none";
	if (fe->fe_found)
		pa = fe->fe_smbios3 != 0 ? fe->fe_smbios3 : fe->fe_smbios;
	else
		pa = smbios_scan(m);
	if (pa == 0)
		return;
	sc->sc_smbios_from = fe->fe_found ? "efi" : "scan";
	smbios_parse(m, pa, &sc->sc_smbios);
}

void
fw_identify(const struct fw_mem *m, const struct bootinfo *bi,
    struct fw_softc *sc)
{
	memset(sc, 0, sizeof(*sc));
	if (bi->bi_efi_systab != 0)
		fw_efi_read(m, bi->bi_efi_systab, &sc->sc_efi);
	fw_find_acpi(m, bi, sc);
	fw_find_smbios(m, sc);
	fw_verdict(&sc->sc_acpi, &sc->sc_smbios, &sc->sc_verdict);
}

/* ------------------------------------------------------------------ */
/* For people: OpenBSD's dmesg has bios0, efi0 and acpi0 so. */

void
fw_print_attach(const struct fw_softc *sc)
{
	const struct smbios_info *si = &sc->sc_smbios;
	const struct fw_efi *fe = &sc->sc_efi;

	if (si->si_eps_ok)
		printf("bios0 at mainbus0: SMBIOS rev. %u.%u @ 0x%llx (%d "
		    "entries)\n", si->si_major, si->si_minor,
		    (unsigned long long)si->si_table_pa, si->si_nstructs);
	else
		printf("bios0 at mainbus0: %s\n", si->si_found ?
		    "SMBIOS entry point unusable" : "no SMBIOS");
	if (fe->fe_found)
		printf("efi0 at bios0: UEFI %u.%u, \"%pE\" rev 0x%x, %llu "
		    "configuration tables\n", fe->fe_revision >> 16,
		    fe->fe_revision & 0xffff, fe->fe_vendor,
		    fe->fe_vendor_revision, (unsigned long long)fe->fe_nconfig);
}

static const char *
fw_table_status(const struct acpi_table *t)
{
	if (t->at_status == ACPI_TABLE_BROKEN)
		return ", broken: skipped";
	if (t->at_status == ACPI_TABLE_UNREAD)
		return ", not read";
	return t->at_in_ram ? ", in available RAM" : "";
}

static void
fw_print_table(const struct acpi_table *t)
{
	if (t->at_sig[0] == '\0') {
		printf("acpi0: ? at 0x%llx%s\n", (unsigned long long)t->at_pa,
		    fw_table_status(t));
		return;
	}
	printf("acpi0: %4pE at 0x%llx, %u bytes, rev %u, \"%6pE\" \"%8pE\" "
	    "0x%x, creator \"%4pE\" 0x%x%s\n", t->at_sig,
	    (unsigned long long)t->at_pa, t->at_length, t->at_revision,
	    t->at_oemid, t->at_oem_table_id, t->at_oem_revision,
	    t->at_creator, t->at_creator_revision, fw_table_status(t));
}

static void
fw_acpi_facts(const struct fw_softc *sc)
{
	const struct acpi_info *ai = &sc->sc_acpi;
	const char *sep = "";
	int i;

	printf("pvbus: acpi from=%s", sc->sc_acpi_from);
	if (!ai->ai_rsdp_ok) {
		printf(" rsdp=%s\n", ai->ai_found ? "broken" : "none");
		return;
	}
	printf(" revision=%u oem=\"%6pE\" root=%s entries=%d tables=%d "
	    "broken=%d unread=%d in_ram=%d sigs=\"", ai->ai_revision,
	    ai->ai_oemid, ai->ai_xsdt ? "xsdt" : "rsdt", ai->ai_nentries,
	    ai->ai_ntables + ai->ai_ndropped, ai->ai_nbroken, ai->ai_nunread,
	    ai->ai_nram);
	for (i = 0; i < ai->ai_ntables; i++, sep = ",")
		if (ai->ai_tables[i].at_sig[0] != '\0')
			printf("%s%4pE", sep, ai->ai_tables[i].at_sig);
	printf("\"");
	if (ai->ai_has_fadt)
		printf(" fadt_revision=%u.%u fadt_flags=0x%08x",
		    ai->ai_fadt_revision, ai->ai_fadt_minor, ai->ai_fadt_flags);
	if (ai->ai_has_hvid)
		printf(" fadt_hypervisor=\"%8pE\"", ai->ai_hvid);
	if (ai->ai_has_waet)
		printf(" waet=0x%08x", ai->ai_waet_flags);
	if (ai->ai_nids > 0) {
		printf(" ids=");
		for (i = 0; i < ai->ai_nids; i++)
			printf("%s%s", i > 0 ? "," : "", ai->ai_ids[i]);
	}
	printf("\n");
}

void
fw_print_acpi(const struct fw_softc *sc)
{
	const struct acpi_info *ai = &sc->sc_acpi;
	int i;

	if (ai->ai_rsdp_ok) {
		printf("acpi0 at bios0: RSDP rev %u \"%6pE\" from %s, ",
		    ai->ai_revision, ai->ai_oemid, sc->sc_acpi_from);
		if (ai->ai_root.at_status == ACPI_TABLE_OK)
			printf("%s at 0x%llx, %d entries\n", ai->ai_xsdt ?
			    "XSDT" : "RSDT",
			    (unsigned long long)ai->ai_root.at_pa,
			    ai->ai_nentries);
		else
			printf("no usable root table\n");
		for (i = 0; i < ai->ai_ntables; i++)
			fw_print_table(&ai->ai_tables[i]);
		if (ai->ai_ndropped > 0)
			printf("acpi0: %d more tables not listed\n",
			    ai->ai_ndropped);
		if (ai->ai_has_hvid)
			printf("acpi0: FADT names the hypervisor \"%8pE\"\n",
			    ai->ai_hvid);
		for (i = 0; i < ai->ai_nids; i++)
			printf("acpi0: the DSDT names \"%s\"\n", ai->ai_ids[i]);
	}
	fw_acpi_facts(sc);
}

/* ------------------------------------------------------------------ */
/* SMBIOS */

/* " key=\"value\"", for a string the table has. */
static void
fw_str_fact(const char *key, const struct smbios_str *s)
{
	if (s->ss_set)
		printf(" %s=\"%*pE\"", key, (int)s->ss_len, s->ss_s);
}

static void
fw_smbios_facts(const struct fw_softc *sc)
{
	const struct smbios_info *si = &sc->sc_smbios;
	char uuid[37];

	printf("pvbus: smbios from=%s", sc->sc_smbios_from);
	if (!si->si_eps_ok) {
		printf(" entry=%s\n", si->si_found ? "broken" : "none");
		return;
	}
	printf(" entry=%s version=%u.%u structures=%d problems=%d",
	    si->si_v3 ? "3.0" : "2.1", si->si_major, si->si_minor,
	    si->si_nstructs, si->si_log.fl_nproblems);
	fw_str_fact("bios_vendor", &si->si_bios_vendor);
	fw_str_fact("bios_version", &si->si_bios_version);
	fw_str_fact("bios_date", &si->si_bios_date);
	if (si->si_has_vm_bit)
		printf(" vm_bit=%d", si->si_vm_bit);
	fw_str_fact("sys_vendor", &si->si_sys_vendor);
	fw_str_fact("product", &si->si_product);
	fw_str_fact("sys_version", &si->si_sys_version);
	fw_str_fact("serial", &si->si_serial);
	if (si->si_has_uuid) {
		smbios_uuid_text(si->si_uuid, uuid);
		printf(" uuid=%s", uuid);
	}
	fw_str_fact("sku", &si->si_sku);
	fw_str_fact("family", &si->si_family);
	fw_str_fact("board_vendor", &si->si_board_vendor);
	fw_str_fact("board_product", &si->si_board_product);
	fw_str_fact("chassis_vendor", &si->si_chassis_vendor);
	if (si->si_has_chassis)
		printf(" chassis_type=%u", si->si_chassis_type);
	fw_str_fact("chassis_asset", &si->si_chassis_asset);
	if (si->si_noem > 0)
		printf(" oem_strings=%d", si->si_noem);
	printf("\n");
}

/* "\"QEMU\"", or "-" when the table has no such string. */
static void
fw_str(const struct smbios_str *s)
{
	if (s->ss_set)
		printf("\"%*pE\"%s", (int)s->ss_len, s->ss_s,
		    s->ss_cut ? "..." : "");
	else
		printf("-");
}

void
fw_print_smbios(const struct fw_softc *sc)
{
	const struct smbios_info *si = &sc->sc_smbios;
	char uuid[37];
	int i;

	if (si->si_has_bios) {
		printf("bios0: vendor ");
		fw_str(&si->si_bios_vendor);
		printf(" version ");
		fw_str(&si->si_bios_version);
		printf(" date ");
		fw_str(&si->si_bios_date);
		printf("%s\n", si->si_vm_bit ? ", a virtual machine" : "");
	}
	if (si->si_has_system) {
		printf("bios0: ");
		fw_str(&si->si_sys_vendor);
		printf(" ");
		fw_str(&si->si_product);
		printf(" version ");
		fw_str(&si->si_sys_version);
		printf(" serial ");
		fw_str(&si->si_serial);
		printf("\n");
	}
	if (si->si_has_uuid) {
		smbios_uuid_text(si->si_uuid, uuid);
		printf("bios0: uuid %s\n", uuid);
	}
	if (si->si_has_board) {
		printf("bios0: board ");
		fw_str(&si->si_board_vendor);
		printf(" ");
		fw_str(&si->si_board_product);
		printf("\n");
	}
	if (si->si_has_chassis) {
		printf("bios0: chassis ");
		fw_str(&si->si_chassis_vendor);
		printf(" type %u\n", si->si_chassis_type);
	}
	for (i = 0; i < si->si_noem && i < SMBIOS_OEM_MAX; i++) {
		printf("bios0: oem string %d ", i + 1);
		fw_str(&si->si_oem[i]);
		printf("\n");
	}
	fw_smbios_facts(sc);
}

/*
 * The EFI system table, whose address GRUB gives on UEFI (the
 * multiboot2 EFI64 tag), and its configuration table: where the
 * firmware put the ACPI RSDP and the SMBIOS entry points.  The vendor
 * string is kept too ("EDK II" for OVMF): it names the firmware's
 * maker.  Sources: UEFI Specification 2.10, 4.3 and 4.6 (efireg.h);
 * docs/reference/firmware.md "The EFI configuration table".
 *
 * The table is hostile like any other: its signature must be there and
 * its header size must cover the fields read; the configuration table
 * is read for at most FW_EFI_CONFIG_MAX entries, and the vendor string
 * for at most as many UCS-2 characters as fe_vendor holds, through
 * struct fw_mem.  The CRC32 is not checked: it needs a table of 1 KiB,
 * and nothing here depends on fields it would protect better than the
 * signature and the checks that follow do.
 */

#include "kern.h"
#include "efireg.h"
#include "fwvar.h"

_Static_assert(sizeof(struct efi_system_table) == EFI_SYSTEM_TABLE_SIZE,
    "efi system table");
_Static_assert(sizeof(struct efi_config_table) == 24, "efi config table");

static const uint8_t efi_guid_acpi20[16] = EFI_ACPI_20_TABLE_GUID;
static const uint8_t efi_guid_acpi10[16] = EFI_ACPI_TABLE_GUID;
static const uint8_t efi_guid_smbios3[16] = EFI_SMBIOS3_TABLE_GUID;
static const uint8_t efi_guid_smbios[16] = EFI_SMBIOS_TABLE_GUID;

/*
 * The vendor string, UCS-2: characters above 0x7e become '?', as only
 * ASCII is printed; it stops at its NUL, at the end of fe_vendor, or at
 * memory fw_mem will not give.
 */
static void
fw_efi_vendor(const struct fw_mem *m, uint64_t pa, struct fw_efi *fe)
{
	enum fw_mem_where where;
	const uint8_t *p;
	size_t i, n = sizeof(fe->fe_vendor) - 1;
	uint16_t c;

	if (pa == 0 || (p = m->fm_map(m, pa, 2 * n, &where)) == NULL) {
		/* Perhaps shorter, at the end of a region: one by one. */
		for (i = 0; pa != 0 && i < n; i++) {
			if ((p = m->fm_map(m, pa + 2 * i, 2, &where)) == NULL)
				break;
			memcpy(&c, p, 2);
			if (c == 0)
				break;
			fe->fe_vendor[i] = c >= 0x20 && c <= 0x7e ? (char)c :
			    '?';
		}
		return;
	}
	for (i = 0; i < n; i++) {
		memcpy(&c, p + 2 * i, 2);
		if (c == 0)
			break;
		fe->fe_vendor[i] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
}

static void
fw_efi_config(const struct fw_mem *m, const struct efi_system_table *st,
    struct fw_efi *fe)
{
	struct efi_config_table ct;
	enum fw_mem_where where;
	const uint8_t *p;
	uint64_t i, n = st->st_nconfig;

	if (n > FW_EFI_CONFIG_MAX) {
		fw_problem(&fe->fe_log, "EFI configuration table: %llu "
		    "entries, more than the %d read", (unsigned long long)n,
		    FW_EFI_CONFIG_MAX);
		n = FW_EFI_CONFIG_MAX;
	}
	if (n == 0)
		return;
	if ((p = m->fm_map(m, st->st_config, n * sizeof(ct), &where)) ==
	    NULL) {
		fw_problem(&fe->fe_log, "EFI configuration table at 0x%llx "
		    "(%llu entries): not read: %s",
		    (unsigned long long)st->st_config, (unsigned long long)n,
		    fw_where_name(where));
		return;
	}
	for (i = 0; i < n; i++) {
		memcpy(&ct, p + i * sizeof(ct), sizeof(ct));
		if (memcmp(ct.ct_guid, efi_guid_acpi20, 16) == 0)
			fe->fe_acpi20 = ct.ct_table;
		else if (memcmp(ct.ct_guid, efi_guid_acpi10, 16) == 0)
			fe->fe_acpi10 = ct.ct_table;
		else if (memcmp(ct.ct_guid, efi_guid_smbios3, 16) == 0)
			fe->fe_smbios3 = ct.ct_table;
		else if (memcmp(ct.ct_guid, efi_guid_smbios, 16) == 0)
			fe->fe_smbios = ct.ct_table;
	}
}

void
fw_efi_read(const struct fw_mem *m, uint64_t systab, struct fw_efi *fe)
{
	struct efi_system_table st;
	enum fw_mem_where where;
	const void *p;

	memset(fe, 0, sizeof(*fe));
	if ((p = m->fm_map(m, systab, sizeof(st), &where)) == NULL) {
		fw_problem(&fe->fe_log, "EFI system table at 0x%llx: not read: "
		    "%s", (unsigned long long)systab, fw_where_name(where));
		return;
	}
	memcpy(&st, p, sizeof(st));
	if (st.st_signature != EFI_SYSTEM_TABLE_SIGNATURE) {
		fw_problem(&fe->fe_log, "EFI system table at 0x%llx: "
		    "signature 0x%016llx, not \"IBI SYST\"",
		    (unsigned long long)systab,
		    (unsigned long long)st.st_signature);
		return;
	}
	if (st.st_header_size < EFI_SYSTEM_TABLE_SIZE) {
		fw_problem(&fe->fe_log, "EFI system table: header size %u, "
		    "too small for the configuration table's fields",
		    st.st_header_size);
		return;
	}
	fe->fe_found = true;
	fe->fe_revision = st.st_revision;
	fe->fe_vendor_revision = st.st_firmware_revision;
	fe->fe_nconfig = st.st_nconfig;
	fw_efi_vendor(m, st.st_firmware_vendor, fe);
	fw_efi_config(m, &st, fe);
}

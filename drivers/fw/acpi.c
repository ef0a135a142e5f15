/*
 * ACPI, read and not run: the RSDP, the root table (XSDT, or RSDT for
 * ACPI 1.0 and when the XSDT cannot be used), every table it lists with
 * its identity, the FADT's flags and its Hypervisor Vendor Identity
 * (ACPI 6.0), the WAET, and the DSDT searched for the device ids that
 * name a platform.  No AML is interpreted: the ids are found as bytes,
 * which is all "Name (_HID, "MSFT1000")" leaves in the table.
 * Sources: ACPI Specification 6.5, 5.2.5 to 5.2.9 (acpireg.h);
 * docs/reference/firmware.md "ACPI tables", "The FADT",
 * "Device ids in the DSDT".
 *
 * Every table is hostile.  A table is read only through struct fw_mem,
 * first its header, then the length the header states, which must be
 * at least a header and at most ACPI_TABLE_MAX; its checksum must hold
 * before anything in it is believed.  The root table's entries are
 * bounded (ACPI_ENTRIES_MAX), and an entry that points at the root
 * table, at the other root table or at a table already listed is a
 * loop, reported and skipped.  Each problem is one sentence in the
 * log, and the table is skipped; nothing stops the rest.
 */

#include "kern.h"
#include "acpireg.h"
#include "fwvar.h"

/*
 * Device ids a DSDT names platforms by, as string bytes: Hyper-V's VMBus
 * (Linux drivers/hv/vmbus_drv.c vmbus_acpi_device_ids[]; Microsoft
 * mu_msvm MsvmPkg/AcpiTables/Dsdt.asl, _HID "MSFT1000", _CID "VMBus"),
 * QEMU's fw_cfg device (QEMU hw/nvram/fw_cfg-acpi.c, "QEMU0002") and
 * VMware's mouse ("VMW0003", third-party: VMAware vmaware.hpp).
 * docs/reference/firmware.md "Device ids in the DSDT".
 */
static const struct {
	const char	*di_id;
	const char	*di_vendor;
} acpi_dsdt_ids[] = {
	{ "VMBUS",	"hyperv" },
	{ "VMBus",	"hyperv" },
	{ "MSFT1000",	"hyperv" },
	{ "QEMU0002",	"qemu" },
	{ "VMW0003",	"vmware" },
};

_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_SIZE, "rsdp");
_Static_assert(sizeof(struct acpi_header) == ACPI_HEADER_SIZE, "header");

/* Copy a table's identity out of its header. */
static void
acpi_identity(struct acpi_table *t, uint64_t pa, const struct acpi_header *h)
{
	memset(t, 0, sizeof(*t));
	t->at_pa = pa;
	memcpy(t->at_sig, h->ah_signature, sizeof(t->at_sig));
	memcpy(t->at_oemid, h->ah_oemid, sizeof(t->at_oemid));
	memcpy(t->at_oem_table_id, h->ah_oem_table_id,
	    sizeof(t->at_oem_table_id));
	memcpy(t->at_creator, h->ah_creator_id, sizeof(t->at_creator));
	t->at_revision = h->ah_revision;
	t->at_oem_revision = h->ah_oem_revision;
	t->at_creator_revision = h->ah_creator_revision;
	t->at_length = h->ah_length;
}

/*
 * Memory left unread for a reason of ours, not the firmware's fault:
 * above the 4 GiB mapped, no memory map to check, longer than we read.
 */
static bool
acpi_ours(enum fw_mem_where where)
{
	return where == FW_MEM_HIGH || where == FW_MEM_NOMAP ||
	    where == FW_MEM_TOOBIG;
}

/*
 * Map the table at pa: its header, then its stated length.  what names
 * it in sentences ("XSDT entry 3"); want, if not NULL, is the signature
 * it must have.  Returns the whole table, or NULL with t's status set
 * and the reason logged.  t gets the identity whenever the header was
 * readable.
 */
static const uint8_t *
acpi_map_table(const struct fw_mem *m, uint64_t pa, const char *what,
    const char *want, struct acpi_info *ai, struct acpi_table *t)
{
	const struct acpi_header *h;
	enum fw_mem_where where;
	const uint8_t *p;
	uint8_t sum;

	memset(t, 0, sizeof(*t));
	t->at_pa = pa;
	t->at_status = ACPI_TABLE_UNREAD;
	if ((h = m->fm_map(m, pa, ACPI_HEADER_SIZE, &where)) == NULL) {
		if (acpi_ours(where)) {
			fw_note(&ai->ai_log, "%s at 0x%llx: not read: %s", what,
			    (unsigned long long)pa, fw_where_name(where));
			return NULL;
		}
		t->at_status = ACPI_TABLE_BROKEN;
		fw_problem(&ai->ai_log, "%s at 0x%llx: not read: %s", what,
		    (unsigned long long)pa, fw_where_name(where));
		return NULL;
	}
	acpi_identity(t, pa, h);
	t->at_status = ACPI_TABLE_BROKEN;
	if (want != NULL && memcmp(h->ah_signature, want, 4) != 0) {
		fw_problem(&ai->ai_log, "%s at 0x%llx: signature \"%4pE\", "
		    "not \"%s\"", what, (unsigned long long)pa,
		    h->ah_signature, want);
		return NULL;
	}
	if (h->ah_length < ACPI_HEADER_SIZE) {
		fw_problem(&ai->ai_log, "%s (%4pE) at 0x%llx: length %u, less "
		    "than its 36-byte header", what, h->ah_signature,
		    (unsigned long long)pa, h->ah_length);
		return NULL;
	}
	if ((p = m->fm_map(m, pa, h->ah_length, &where)) == NULL) {
		if (acpi_ours(where)) {
			t->at_status = ACPI_TABLE_UNREAD;
			fw_note(&ai->ai_log, "%s (%4pE) at 0x%llx: %u bytes not "
			    "read: %s", what, h->ah_signature,
			    (unsigned long long)pa, h->ah_length,
			    fw_where_name(where));
			return NULL;
		}
		fw_problem(&ai->ai_log, "%s (%4pE) at 0x%llx: length %u runs "
		    "%s", what, h->ah_signature, (unsigned long long)pa,
		    h->ah_length, fw_where_name(where));
		return NULL;
	}
	t->at_in_ram = where == FW_MEM_RAM;
	/* The FACS has no checksum in its header (5.2.10). */
	if (memcmp(h->ah_signature, ACPI_SIG_FACS, 4) != 0 &&
	    (sum = fw_sum(p, h->ah_length)) != 0) {
		fw_problem(&ai->ai_log, "%s (%4pE) at 0x%llx: checksum 0x%02x "
		    "off by 0x%02x (%u bytes)", what, h->ah_signature,
		    (unsigned long long)pa, h->ah_checksum, sum, h->ah_length);
		return NULL;
	}
	t->at_status = ACPI_TABLE_OK;
	return p;
}

static void
acpi_count(struct acpi_info *ai, const struct acpi_table *t)
{
	if (t->at_status == ACPI_TABLE_BROKEN)
		ai->ai_nbroken++;
	else if (t->at_status == ACPI_TABLE_UNREAD)
		ai->ai_nunread++;
	if (t->at_in_ram)
		ai->ai_nram++;
}

static void
acpi_keep(struct acpi_info *ai, const struct acpi_table *t)
{
	acpi_count(ai, t);
	if (ai->ai_ntables < ACPI_TABLES_MAX)
		ai->ai_tables[ai->ai_ntables++] = *t;
	else
		ai->ai_ndropped++;
}

static uint32_t
acpi_u32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t
acpi_u64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

/* The device ids of acpi_dsdt_ids[] in the DSDT's bytes. */
static void
acpi_search_dsdt(struct acpi_info *ai, const uint8_t *p, uint32_t len)
{
	size_t i, n;
	uint32_t at;

	for (i = 0; i < nitems(acpi_dsdt_ids); i++) {
		n = strlen(acpi_dsdt_ids[i].di_id);
		for (at = 0; at + n <= len; at++)
			if (p[at] == (uint8_t)acpi_dsdt_ids[i].di_id[0] &&
			    memcmp(p + at, acpi_dsdt_ids[i].di_id, n) == 0)
				break;
		if (at + n <= len && ai->ai_nids < ACPI_IDS_MAX)
			ai->ai_ids[ai->ai_nids++] = acpi_dsdt_ids[i].di_id;
	}
}

/* The vendor acpi_dsdt_ids[] gives an id, or NULL. */
const char *
acpi_id_vendor(const char *id)
{
	size_t i;

	for (i = 0; i < nitems(acpi_dsdt_ids); i++)
		if (strcmp(acpi_dsdt_ids[i].di_id, id) == 0)
			return acpi_dsdt_ids[i].di_vendor;
	return NULL;
}

/*
 * The DSDT, from the FADT: X_DSDT when the table reaches it and it is
 * not 0 (5.2.9: then DSDT is to be ignored), else DSDT.
 */
static void
acpi_dsdt(const struct fw_mem *m, struct acpi_info *ai, const uint8_t *fadt,
    uint32_t len, uint64_t fadt_pa)
{
	struct acpi_table t;
	const uint8_t *p;
	uint64_t pa = 0;
	size_t i;

	if (len >= FADT_X_DSDT + 8)
		pa = acpi_u64(fadt, FADT_X_DSDT);
	if (pa == 0 && len >= FADT_DSDT + 4)
		pa = acpi_u32(fadt, FADT_DSDT);
	if (pa == 0)
		return;		/* a hardware-reduced FADT may have none */
	if (pa == fadt_pa || pa == ai->ai_root.at_pa) {
		fw_problem(&ai->ai_log, "FADT's DSDT address 0x%llx points "
		    "back at the %s: skipped", (unsigned long long)pa,
		    pa == fadt_pa ? "FADT" : ai->ai_xsdt ? "XSDT" : "RSDT");
		ai->ai_nbroken++;
		return;
	}
	for (i = 0; i < (size_t)ai->ai_ntables; i++)
		if (ai->ai_tables[i].at_pa == pa) {
			fw_problem(&ai->ai_log, "FADT's DSDT address 0x%llx is "
			    "the %4pE listed in the root table: skipped",
			    (unsigned long long)pa, ai->ai_tables[i].at_sig);
			ai->ai_nbroken++;
			return;
		}
	p = acpi_map_table(m, pa, "FADT's DSDT", ACPI_SIG_DSDT, ai, &t);
	t.at_from_fadt = true;
	acpi_keep(ai, &t);
	if (p != NULL)
		acpi_search_dsdt(ai, p, t.at_length);
}

/* 5.2.9: the fields read, each only if the table reaches it. */
static void
acpi_fadt(const struct fw_mem *m, struct acpi_info *ai, const uint8_t *p,
    const struct acpi_table *t)
{
	static const char zero[8];

	if (ai->ai_has_fadt) {
		fw_problem(&ai->ai_log, "a second FACP at 0x%llx: ignored",
		    (unsigned long long)t->at_pa);
		return;
	}
	ai->ai_has_fadt = true;
	ai->ai_fadt_revision = t->at_revision;
	if (t->at_length >= FADT_FLAGS + 4)
		ai->ai_fadt_flags = acpi_u32(p, FADT_FLAGS);
	if (t->at_length > FADT_MINOR_VERSION)
		ai->ai_fadt_minor = p[FADT_MINOR_VERSION];
	if (t->at_length >= FADT_HYPERVISOR_ID + 8 &&
	    memcmp(p + FADT_HYPERVISOR_ID, zero, 8) != 0) {
		ai->ai_has_hvid = true;
		memcpy(ai->ai_hvid, p + FADT_HYPERVISOR_ID, 8);
	}
	acpi_dsdt(m, ai, p, t->at_length, t->at_pa);
}

static void
acpi_waet(struct acpi_info *ai, const uint8_t *p, const struct acpi_table *t)
{
	ai->ai_has_waet = true;
	if (t->at_length >= WAET_DEVICE_FLAGS + 4)
		ai->ai_waet_flags = acpi_u32(p, WAET_DEVICE_FLAGS);
}

/*
 * Is entry i's address a loop: the root table, the other root table,
 * or an entry before it?  Then it is skipped.  Pointing back at a root
 * table breaks a rule (ACPI 6.5 5.2.7, 5.2.8: the entries point at the
 * *other* description headers); listing a table twice breaks none, so
 * it is a note, and the table is read once.
 */
static bool
acpi_loop(struct acpi_info *ai, const uint8_t *root, int i, uint64_t pa,
    uint64_t other_root)
{
	int j, esize = ai->ai_xsdt ? 8 : 4;
	const char *name = ai->ai_xsdt ? "XSDT" : "RSDT";
	uint64_t prev;

	if (pa == ai->ai_root.at_pa || (other_root != 0 && pa == other_root)) {
		fw_problem(&ai->ai_log, "%s entry %d points back at the %s "
		    "(0x%llx): skipped", name, i, pa == ai->ai_root.at_pa ?
		    name : ai->ai_xsdt ? "RSDT" : "XSDT",
		    (unsigned long long)pa);
		ai->ai_nbroken++;
		return true;
	}
	for (j = 0; j < i; j++) {
		prev = esize == 8 ? acpi_u64(root, ACPI_HEADER_SIZE + 8 * j) :
		    acpi_u32(root, ACPI_HEADER_SIZE + 4 * j);
		if (prev == pa) {
			fw_note(&ai->ai_log, "%s entry %d repeats entry %d "
			    "(0x%llx): skipped", name, i, j,
			    (unsigned long long)pa);
			return true;
		}
	}
	return false;
}

/* Every table the root lists, in order. */
static void
acpi_entries(const struct fw_mem *m, struct acpi_info *ai,
    const uint8_t *root, uint64_t other_root)
{
	int i, n, esize = ai->ai_xsdt ? 8 : 4;
	uint32_t body = ai->ai_root.at_length - ACPI_HEADER_SIZE;
	struct acpi_table t;
	const uint8_t *p;
	char what[16];
	uint64_t pa;

	if (body % esize != 0)
		fw_problem(&ai->ai_log, "%s length %u leaves %u bytes after "
		    "its %u entries of %d bytes", ai->ai_xsdt ? "XSDT" : "RSDT",
		    ai->ai_root.at_length, body % esize, body / esize, esize);
	n = (int)(body / esize);
	ai->ai_nentries = n;
	if (n > ACPI_ENTRIES_MAX) {
		fw_note(&ai->ai_log, "%d entries: only the first %d read", n,
		    ACPI_ENTRIES_MAX);
		n = ACPI_ENTRIES_MAX;
	}
	for (i = 0; i < n; i++) {
		pa = esize == 8 ? acpi_u64(root, ACPI_HEADER_SIZE + 8 * i) :
		    acpi_u32(root, ACPI_HEADER_SIZE + 4 * i);
		snprintf(what, sizeof(what), "%s entry %d", ai->ai_xsdt ?
		    "XSDT" : "RSDT", i);
		/*
		 * An empty slot, not a broken rule: edk2's AcpiTableDxe
		 * keeps entry 0 for the FADT and leaves it 0 when none is
		 * installed (OVMF under QEMU's acpi=off), and ACPICA skips
		 * null entries (Linux drivers/acpi/acpica/tbutils.c,
		 * acpi_tb_parse_root_table()).
		 */
		if (pa == 0) {
			fw_note(&ai->ai_log, "%s is 0, an empty slot: skipped",
			    what);
			continue;
		}
		if (acpi_loop(ai, root, i, pa, other_root))
			continue;
		p = acpi_map_table(m, pa, what, NULL, ai, &t);
		acpi_keep(ai, &t);
		if (p == NULL)
			continue;
		if (memcmp(t.at_sig, ACPI_SIG_FADT, 4) == 0)
			acpi_fadt(m, ai, p, &t);
		else if (memcmp(t.at_sig, ACPI_SIG_WAET, 4) == 0)
			acpi_waet(ai, p, &t);
	}
}

/*
 * 5.2.5.3: the RSDP's signature and checksums.  Returns the root table
 * to use (XSDT if revision 2's checksum holds and it gives one), with
 * *other the other root's address, or 0 after logging why none.
 */
static uint64_t
acpi_rsdp(struct acpi_info *ai, const uint8_t *p, size_t len, bool *xsdt,
    uint64_t *other)
{
	struct acpi_rsdp r;
	uint8_t sum;

	*xsdt = false;
	*other = 0;
	if (len < ACPI_RSDP_V1_SIZE || memcmp(p, ACPI_RSDP_SIGNATURE, 8) != 0) {
		fw_problem(&ai->ai_log, "RSDP: no \"%s\" signature in its %zu "
		    "bytes", ACPI_RSDP_SIGNATURE, len);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	memcpy(&r, p, len < sizeof(r) ? len : sizeof(r));
	ai->ai_revision = r.rsdp_revision;
	memcpy(ai->ai_oemid, r.rsdp_oemid, sizeof(ai->ai_oemid));
	if ((sum = fw_sum(p, ACPI_RSDP_V1_SIZE)) != 0) {
		fw_problem(&ai->ai_log, "RSDP: checksum 0x%02x off by 0x%02x "
		    "over its first 20 bytes", r.rsdp_checksum, sum);
		return 0;
	}
	ai->ai_rsdp_ok = true;
	if (r.rsdp_revision < 2)
		return r.rsdp_rsdt;
	if (len < ACPI_RSDP_V2_SIZE) {
		fw_note(&ai->ai_log, "RSDP: revision %u, but only %zu bytes "
		    "given: the RSDT is used", r.rsdp_revision, len);
		return r.rsdp_rsdt;
	}
	if (r.rsdp_length < ACPI_RSDP_V2_SIZE) {
		fw_problem(&ai->ai_log, "RSDP: revision %u with length %u, "
		    "less than 36: the RSDT is used", r.rsdp_revision,
		    r.rsdp_length);
		return r.rsdp_rsdt;
	}
	if (r.rsdp_length > len)
		fw_note(&ai->ai_log, "RSDP: length %u, but only %zu bytes "
		    "given: the extended checksum is not checked",
		    r.rsdp_length, len);
	else if ((sum = fw_sum(p, r.rsdp_length)) != 0) {
		fw_problem(&ai->ai_log, "RSDP: extended checksum 0x%02x off "
		    "by 0x%02x: the RSDT is used", r.rsdp_ext_checksum, sum);
		return r.rsdp_rsdt;
	}
	if (r.rsdp_xsdt == 0)
		return r.rsdp_rsdt;
	*xsdt = true;
	*other = r.rsdp_rsdt;
	return r.rsdp_xsdt;
}

void
acpi_parse(const struct fw_mem *m, const uint8_t *rsdp, size_t rsdp_len,
    struct acpi_info *ai)
{
	const uint8_t *root;
	uint64_t pa, other;
	bool xsdt;

	memset(ai, 0, sizeof(*ai));
	ai->ai_found = true;
	pa = acpi_rsdp(ai, rsdp, rsdp_len, &xsdt, &other);
	if (!ai->ai_rsdp_ok)
		return;
	ai->ai_xsdt = xsdt;
	if (pa == 0) {
		fw_problem(&ai->ai_log, "RSDP: no root table (RSDT address "
		    "0)");
		return;
	}
	root = acpi_map_table(m, pa, "root table",
	    xsdt ? ACPI_SIG_XSDT : ACPI_SIG_RSDT, ai, &ai->ai_root);
	if (root == NULL && xsdt && other != 0) {
		/* 5.2.5.3: the RSDT is for ACPI 1.0 readers; use it. */
		acpi_count(ai, &ai->ai_root);
		fw_note(&ai->ai_log, "the RSDT at 0x%llx is used instead",
		    (unsigned long long)other);
		ai->ai_xsdt = false;
		pa = other;
		other = 0;
		root = acpi_map_table(m, pa, "root table", ACPI_SIG_RSDT, ai,
		    &ai->ai_root);
	}
	if (root == NULL) {
		acpi_count(ai, &ai->ai_root);
		return;
	}
	acpi_count(ai, &ai->ai_root);
	acpi_entries(m, ai, root, other);
}

/*
 * 5.2.5.1: the RSDP on a 16-byte boundary in 0xE0000-0xFFFFF, with its
 * signature and a good checksum over the first 20 bytes.  (The EBDA's
 * first KiB is not searched: its segment is in page 0, which is not
 * mapped, and the loaders this kernel knows give the RSDP anyway.)
 */
uint64_t
acpi_scan_rsdp(const struct fw_mem *m)
{
	enum fw_mem_where where;
	const uint8_t *area, *p;
	uint64_t off, len = ACPI_RSDP_SCAN_END - ACPI_RSDP_SCAN_START;

	if ((area = m->fm_map(m, ACPI_RSDP_SCAN_START, len, &where)) == NULL)
		return 0;
	for (off = 0; off + ACPI_RSDP_V1_SIZE <= len; off += ACPI_RSDP_ALIGN) {
		p = area + off;
		if (memcmp(p, ACPI_RSDP_SIGNATURE, 8) == 0 &&
		    fw_sum(p, ACPI_RSDP_V1_SIZE) == 0)
			return ACPI_RSDP_SCAN_START + off;
	}
	return 0;
}

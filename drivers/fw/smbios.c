/*
 * SMBIOS, read: the entry point (2.1 "_SM_" with its intermediate
 * "_DMI_" anchor, or 3.0 "_SM3_"), then the structure table, walked
 * structure by structure, keeping the strings of types 0 (BIOS), 1
 * (system, with its UUID), 2 (baseboard), 3 (chassis) and 11 (OEM
 * strings).  Sources: DMTF DSP0134 3.6.0 (smbiosreg.h);
 * docs/reference/firmware.md "SMBIOS entry points", "SMBIOS structures",
 * "The system UUID".
 *
 * Every byte is hostile.  The entry point's checksums must hold before
 * its table address is believed; the table is read only through struct
 * fw_mem and only as long as the entry point says (SMBIOS_TABLE_MAX at
 * most).  Each structure's formatted length must be at least its
 * header and end inside the table, and its strings must end with the
 * double NUL inside the table; a structure that breaks either ends the
 * walk, since the next one's place is then unknown.  The walk stops at
 * type 127, at the count a 2.x entry point gives, at the table's end
 * or after SMBIOS_STRUCTS_MAX structures, whichever comes first.
 * Strings are kept as bytes with their length (a string may hold any
 * byte but NUL) and cut at SMBIOS_STR_MAX.
 */

#include "kern.h"
#include "fwvar.h"
#include "smbiosreg.h"

_Static_assert(sizeof(struct smbios2_eps) == SMBIOS2_EPS_SIZE, "eps 2.1");
_Static_assert(sizeof(struct smbios3_eps) == SMBIOS3_EPS_SIZE, "eps 3.0");

/* The structure being read: where it is, and where its strings are. */
struct smbios_walk {
	const uint8_t	*sw_p;		/* the structure */
	uint8_t		 sw_type;
	uint8_t		 sw_len;	/* formatted area */
	const uint8_t	*sw_strings;	/* the first string */
	size_t		 sw_strings_len;	/* up to the double NUL */
	int		 sw_index;	/* which structure, from 0 */
	struct smbios_info *sw_si;
};

/*
 * String n (1-based) of the structure into s; index 0 leaves s unset.
 * An index past the last string is the table's mistake, and noted.
 */
static void
smbios_string(struct smbios_walk *w, uint8_t n, struct smbios_str *s)
{
	const uint8_t *p = w->sw_strings, *end = p + w->sw_strings_len;
	size_t len;
	uint8_t i;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return;
	for (i = 1; p < end; i++) {
		len = strnlen((const char *)p, (size_t)(end - p));
		if (i == n) {
			s->ss_set = true;
			s->ss_cut = len > SMBIOS_STR_MAX;
			s->ss_len = (uint8_t)(s->ss_cut ? SMBIOS_STR_MAX : len);
			memcpy(s->ss_s, p, s->ss_len);
			return;
		}
		p += len + 1;
	}
	fw_note(&w->sw_si->si_log, "structure %d (type %u): string %u asked "
	    "for, but it has %u", w->sw_index, w->sw_type, n, i - 1);
}

/* The string whose index is at offset off, if the structure reaches it. */
static void
smbios_field(struct smbios_walk *w, uint8_t off, struct smbios_str *s)
{
	if (off < w->sw_len)
		smbios_string(w, w->sw_p[off], s);
	else
		memset(s, 0, sizeof(*s));
}

/*
 * 7.2.1: from SMBIOS 2.6 on, the first three fields of the UUID are
 * little-endian; before, the byte order was not defined, and dmidecode
 * and Linux read it as stored.
 */
static void
smbios_uuid(struct smbios_info *si, const uint8_t *raw)
{
	static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
	    8, 9, 10, 11, 12, 13, 14, 15 };
	bool le = si->si_major > 2 || (si->si_major == 2 && si->si_minor >= 6);
	int i;

	si->si_has_uuid = true;
	memcpy(si->si_uuid_raw, raw, 16);
	for (i = 0; i < 16; i++)
		si->si_uuid[i] = raw[le ? order[i] : i];
}

static void
smbios_type0(struct smbios_walk *w)
{
	struct smbios_info *si = w->sw_si;

	if (si->si_has_bios)
		return;		/* the first of each type counts */
	si->si_has_bios = true;
	smbios_field(w, SMBIOS0_VENDOR, &si->si_bios_vendor);
	smbios_field(w, SMBIOS0_VERSION, &si->si_bios_version);
	smbios_field(w, SMBIOS0_DATE, &si->si_bios_date);
	if (w->sw_len > SMBIOS0_EXT2) {
		si->si_has_vm_bit = true;
		si->si_vm_bit = (w->sw_p[SMBIOS0_EXT2] & SMBIOS0_EXT2_VM) != 0;
	}
}

static void
smbios_type1(struct smbios_walk *w)
{
	struct smbios_info *si = w->sw_si;

	if (si->si_has_system)
		return;
	si->si_has_system = true;
	smbios_field(w, SMBIOS1_MANUFACTURER, &si->si_sys_vendor);
	smbios_field(w, SMBIOS1_PRODUCT, &si->si_product);
	smbios_field(w, SMBIOS1_VERSION, &si->si_sys_version);
	smbios_field(w, SMBIOS1_SERIAL, &si->si_serial);
	smbios_field(w, SMBIOS1_SKU, &si->si_sku);
	smbios_field(w, SMBIOS1_FAMILY, &si->si_family);
	if (w->sw_len >= SMBIOS1_UUID + 16)
		smbios_uuid(si, w->sw_p + SMBIOS1_UUID);
}

static void
smbios_type2(struct smbios_walk *w)
{
	struct smbios_info *si = w->sw_si;

	if (si->si_has_board)
		return;
	si->si_has_board = true;
	smbios_field(w, SMBIOS2_MANUFACTURER, &si->si_board_vendor);
	smbios_field(w, SMBIOS2_PRODUCT, &si->si_board_product);
}

static void
smbios_type3(struct smbios_walk *w)
{
	struct smbios_info *si = w->sw_si;

	if (si->si_has_chassis)
		return;
	si->si_has_chassis = true;
	smbios_field(w, SMBIOS3_MANUFACTURER, &si->si_chassis_vendor);
	smbios_field(w, SMBIOS3_ASSET_TAG, &si->si_chassis_asset);
	if (w->sw_len > SMBIOS3_TYPE)
		si->si_chassis_type = w->sw_p[SMBIOS3_TYPE] & 0x7f;
}

/* 7.12: every type 11 structure's strings, the first few kept. */
static void
smbios_type11(struct smbios_walk *w)
{
	struct smbios_info *si = w->sw_si;
	uint8_t i, n;

	if (w->sw_len <= SMBIOS11_COUNT)
		return;
	n = w->sw_p[SMBIOS11_COUNT];
	for (i = 1; i <= n && i != 0; i++, si->si_noem++)
		if (si->si_noem < SMBIOS_OEM_MAX)
			smbios_string(w, i, &si->si_oem[si->si_noem]);
}

/*
 * The structure at off: its header, its strings' end.  Returns the
 * offset of the next one, or 0 after logging why the walk must stop.
 */
static size_t
smbios_structure(struct smbios_walk *w, const uint8_t *table, size_t len,
    size_t off)
{
	struct smbios_info *si = w->sw_si;
	size_t at;

	if (len - off < SMBIOS_HEADER_SIZE) {
		fw_problem(&si->si_log, "structure %d at offset 0x%zx: the "
		    "table ends %zu bytes in, inside its header", w->sw_index,
		    off, len - off);
		return 0;
	}
	w->sw_p = table + off;
	w->sw_type = w->sw_p[0];
	w->sw_len = w->sw_p[1];
	if (w->sw_len < SMBIOS_HEADER_SIZE) {
		fw_problem(&si->si_log, "structure %d (type %u) at offset "
		    "0x%zx: length %u, less than its 4-byte header: the rest "
		    "cannot be walked", w->sw_index, w->sw_type, off,
		    w->sw_len);
		return 0;
	}
	if (w->sw_len > len - off) {
		fw_problem(&si->si_log, "structure %d (type %u) at offset "
		    "0x%zx: length %u runs past the table's end (0x%zx)",
		    w->sw_index, w->sw_type, off, w->sw_len, len);
		return 0;
	}
	/* 6.1.3: the strings end at the first two NULs in a row. */
	for (at = off + w->sw_len; at + 1 < len; at++)
		if (table[at] == 0 && table[at + 1] == 0)
			break;
	if (at + 1 >= len) {
		fw_problem(&si->si_log, "structure %d (type %u) at offset "
		    "0x%zx: its strings have no terminating double NUL before "
		    "the table's end (0x%zx)", w->sw_index, w->sw_type, off,
		    len);
		return 0;
	}
	w->sw_strings = table + off + w->sw_len;
	w->sw_strings_len = at - (off + w->sw_len);
	return at + 2;
}

/* Every structure, in order, until a rule above stops the walk. */
static void
smbios_walk(struct smbios_info *si, const uint8_t *table, size_t len)
{
	struct smbios_walk w;
	size_t off = 0, next;
	int limit = SMBIOS_STRUCTS_MAX;

	/* A count of 0 limits nothing (Linux dmi_decode_table()). */
	if (!si->si_v3 && si->si_nstructs_eps > 0 &&
	    si->si_nstructs_eps < limit)
		limit = si->si_nstructs_eps;
	memset(&w, 0, sizeof(w));
	w.sw_si = si;
	for (; si->si_nstructs < limit && off < len; off = next) {
		w.sw_index = si->si_nstructs;
		if ((next = smbios_structure(&w, table, len, off)) == 0)
			return;
		si->si_nstructs++;
		switch (w.sw_type) {
		case SMBIOS_TYPE_BIOS:		smbios_type0(&w); break;
		case SMBIOS_TYPE_SYSTEM:	smbios_type1(&w); break;
		case SMBIOS_TYPE_BASEBOARD:	smbios_type2(&w); break;
		case SMBIOS_TYPE_CHASSIS:	smbios_type3(&w); break;
		case SMBIOS_TYPE_OEM_STRINGS:	smbios_type11(&w); break;
		case SMBIOS_TYPE_END:		si->si_end = true; return;
		}
	}
	if (!si->si_v3 && si->si_nstructs < si->si_nstructs_eps)
		fw_note(&si->si_log, "the entry point says %d structures, the "
		    "table's %u bytes hold %d", si->si_nstructs_eps,
		    si->si_table_len, si->si_nstructs);
}

/* 5.2.1: the 2.1 entry point, mapped for its stated length. */
static bool
smbios2_eps(const struct fw_mem *m, struct smbios_info *si)
{
	struct smbios2_eps e;
	enum fw_mem_where where;
	const uint8_t *p;
	uint8_t sum;

	if ((p = m->fm_map(m, si->si_eps_pa, SMBIOS2_EPS_SIZE, &where)) ==
	    NULL) {
		fw_problem(&si->si_log, "the 2.1 entry point at 0x%llx: not "
		    "read: %s", (unsigned long long)si->si_eps_pa,
		    fw_where_name(where));
		return false;
	}
	memcpy(&e, p, sizeof(e));
	si->si_major = e.se_major, si->si_minor = e.se_minor;
	/* 0x1e: SMBIOS 2.1 as first published (dmidecode accepts it). */
	if (e.se_length < 0x1e || e.se_length > SMBIOS2_EPS_SIZE) {
		fw_problem(&si->si_log, "the 2.1 entry point: length 0x%x, not "
		    "0x1f", e.se_length);
		return false;
	}
	if ((sum = fw_sum(p, e.se_length)) != 0) {
		fw_problem(&si->si_log, "the 2.1 entry point: checksum 0x%02x "
		    "off by 0x%02x", e.se_checksum, sum);
		return false;
	}
	if (memcmp(e.se_dmi_anchor, SMBIOS2_DMI_ANCHOR, 5) != 0 ||
	    (sum = fw_sum(p + 0x10, 0x0f)) != 0) {
		fw_problem(&si->si_log, "the 2.1 entry point: the \"_DMI_\" "
		    "part's anchor or checksum is wrong");
		return false;
	}
	si->si_table_pa = e.se_table_address;
	si->si_table_len = e.se_table_length;
	si->si_nstructs_eps = e.se_nstructs;
	return true;
}

/* 5.2.2: the 3.0 entry point. */
static bool
smbios3_eps(const struct fw_mem *m, struct smbios_info *si)
{
	struct smbios3_eps e;
	enum fw_mem_where where;
	const uint8_t *p;
	uint8_t sum;

	if ((p = m->fm_map(m, si->si_eps_pa, SMBIOS3_EPS_SIZE, &where)) ==
	    NULL) {
		fw_problem(&si->si_log, "the 3.0 entry point at 0x%llx: not "
		    "read: %s", (unsigned long long)si->si_eps_pa,
		    fw_where_name(where));
		return false;
	}
	memcpy(&e, p, sizeof(e));
	si->si_major = e.s3_major, si->si_minor = e.s3_minor;
	if (e.s3_length != SMBIOS3_EPS_SIZE) {
		fw_problem(&si->si_log, "the 3.0 entry point: length 0x%x, not "
		    "0x18", e.s3_length);
		return false;
	}
	if ((sum = fw_sum(p, SMBIOS3_EPS_SIZE)) != 0) {
		fw_problem(&si->si_log, "the 3.0 entry point: checksum 0x%02x "
		    "off by 0x%02x", e.s3_checksum, sum);
		return false;
	}
	si->si_table_pa = e.s3_table_address;
	si->si_table_len = e.s3_table_max;
	if (si->si_table_len > SMBIOS_TABLE_MAX) {
		fw_note(&si->si_log, "the table's maximum size 0x%x: only the "
		    "first 0x%x bytes read", si->si_table_len,
		    SMBIOS_TABLE_MAX);
		si->si_table_len = SMBIOS_TABLE_MAX;
	}
	return true;
}

void
smbios_parse(const struct fw_mem *m, uint64_t eps_pa, struct smbios_info *si)
{
	enum fw_mem_where where;
	const uint8_t *p;
	bool ok;

	memset(si, 0, sizeof(*si));
	si->si_found = true;
	si->si_eps_pa = eps_pa;
	if ((p = m->fm_map(m, eps_pa, 5, &where)) == NULL) {
		fw_problem(&si->si_log, "the entry point at 0x%llx: not read: "
		    "%s", (unsigned long long)eps_pa, fw_where_name(where));
		return;
	}
	si->si_v3 = memcmp(p, SMBIOS3_ANCHOR, 5) == 0;
	if (!si->si_v3 && memcmp(p, SMBIOS2_ANCHOR, 4) != 0) {
		fw_problem(&si->si_log, "the entry point at 0x%llx has neither "
		    "anchor, \"_SM_\" nor \"_SM3_\"", (unsigned long long)eps_pa);
		return;
	}
	ok = si->si_v3 ? smbios3_eps(m, si) : smbios2_eps(m, si);
	if (!ok)
		return;
	si->si_eps_ok = true;
	if (si->si_table_len == 0) {
		fw_problem(&si->si_log, "the entry point gives a table of 0 "
		    "bytes");
		return;
	}
	if ((p = m->fm_map(m, si->si_table_pa, si->si_table_len, &where)) ==
	    NULL) {
		if (where == FW_MEM_HIGH || where == FW_MEM_NOMAP)
			fw_note(&si->si_log, "the table at 0x%llx (%u bytes): "
			    "not read: %s", (unsigned long long)si->si_table_pa,
			    si->si_table_len, fw_where_name(where));
		else
			fw_problem(&si->si_log, "the table at 0x%llx (%u "
			    "bytes) lies %s", (unsigned long long)
			    si->si_table_pa, si->si_table_len,
			    fw_where_name(where));
		return;
	}
	si->si_in_ram = where == FW_MEM_RAM;
	smbios_walk(si, p, si->si_table_len);
}

/*
 * 5.2.1, 5.2.2: an anchor on a 16-byte boundary in 0xF0000-0xFFFFF.
 * Linux's dmi_scan_machine() prefers the 3.0 entry point when both are
 * there, and so do we; the checksums are smbios_parse()'s to judge.
 */
uint64_t
smbios_scan(const struct fw_mem *m)
{
	enum fw_mem_where where;
	const uint8_t *area;
	uint64_t off, found = 0, len = SMBIOS_SCAN_END - SMBIOS_SCAN_START;

	if ((area = m->fm_map(m, SMBIOS_SCAN_START, len, &where)) == NULL)
		return 0;
	for (off = 0; off + SMBIOS3_EPS_SIZE <= len; off += SMBIOS_ALIGN) {
		if (memcmp(area + off, SMBIOS3_ANCHOR, 5) == 0)
			return SMBIOS_SCAN_START + off;
		if (found == 0 && memcmp(area + off, SMBIOS2_ANCHOR, 4) == 0)
			found = SMBIOS_SCAN_START + off;
	}
	return found;
}

void
smbios_uuid_text(const uint8_t u[16], char buf[37])
{
	snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

enum fw_uuid_match
smbios_uuid_match(const struct fw_uuid *fu, const uint8_t text[16])
{
	if (memcmp(fu->fu_text, text, 16) == 0)
		return FW_UUID_MATCH;
	if (memcmp(fu->fu_raw, text, 16) == 0)
		return FW_UUID_MATCH_RAW;
	return FW_UUID_DIFFER;
}

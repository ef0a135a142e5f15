/*
 * The firmware tables as a second witness: what ACPI and SMBIOS say
 * about the platform, read from physical memory the firmware left
 * behind, and the verdict that follows from them alone.  The bus
 * compares that verdict with CPUID's (drivers/pvbus/pvbus_fw.c).
 *
 *	fw_mem.c	which physical memory may be read, and how
 *	fw_log.c	the problems found, sentence by sentence
 *	acpi.c		the RSDP, RSDT/XSDT, FADT, WAET and the DSDT's bytes
 *	smbios.c	the entry points and structures 0, 1, 2, 3 and 11
 *	fw_efi.c	the EFI system table's configuration table
 *	fw_verdict.c	who the firmware says made the machine, and how
 *			that compares with a CPUID vendor
 *	fw.c		finds the tables on each boot path, reads them,
 *			prints what they say
 *
 * Everything in the tables is hostile input: the parsers read only
 * inside lengths they have checked, through struct fw_mem, which
 * refuses memory the kernel must not touch; every loop is bounded;
 * strings are kept with their lengths and printed escaped.  The
 * parsers need no hardware: the unit tests and fuzzers run them on
 * the host over a buffer.  docs/firmware.md walks through it;
 * docs/reference/firmware.md has the facts and their sources.
 */
#ifndef _DRIVERS_FW_FWVAR_H_
#define _DRIVERS_FW_FWVAR_H_

#include "kern.h"

/*
 * Where a range of physical memory lies, and so whether it is read.
 * The kernel maps the first 4 GiB 1:1 (boot/boot.asm) but page 0; only
 * memory the loader's map gives the firmware, or the BIOS area, is
 * read without a word, RAM the map calls available is read and said.
 */
enum fw_mem_where {
	FW_MEM_OK,		/* reserved, ACPI or NVS, or the BIOS area */
	FW_MEM_RAM,		/* available RAM: read, and noted */
	FW_MEM_HIGH,		/* above the 4 GiB mapped: not read */
	FW_MEM_HOLE,		/* in no region of the map, or a bad one */
	FW_MEM_NOMAP,		/* no memory map to check against */
	FW_MEM_PAGE0,		/* page 0, unmapped since pmap_init() */
	FW_MEM_TOOBIG,		/* longer than FW_MEM_MAX */
};

#define FW_MEM_MAX	(1024 * 1024)	/* the most read in one piece */

/*
 * A way to reach physical memory: fm_map() returns a pointer to
 * [pa, pa + len) and where it lies (FW_MEM_OK or FW_MEM_RAM), or NULL
 * and why not.  fm_arg is the implementation's.
 */
struct fw_mem {
	const void	*(*fm_map)(const struct fw_mem *m, uint64_t pa,
			    uint64_t len, enum fw_mem_where *where);
	const void	*fm_arg;
};

/* "above the 4 GiB the kernel maps" ...: why a range was not read. */
const char *fw_where_name(enum fw_mem_where where);

/* fw_mem.c: the kernel's, over the loader's memory map in bootinfo. */
extern const struct fw_mem fw_mem_boot;

/*
 * What went wrong in a table, one sentence each.  A problem is a rule
 * of the specification broken (a checksum, a length, a loop), which
 * fails the source's test; a note is something left unread for a
 * reason of ours (above 4 GiB) or worth saying (RAM the map calls
 * available), which does not.  The first FW_LOG_MAX of each are kept.
 */
#define FW_LOG_MAX	8
#define FW_MSG_MAX	160
struct fw_log {
	int	fl_nproblems;
	int	fl_nnotes;
	int	fl_nkept;
	bool	fl_problem[FW_LOG_MAX];
	char	fl_msg[FW_LOG_MAX][FW_MSG_MAX];
};

void	fw_problem(struct fw_log *log, const char *fmt, ...) __printflike(2, 3);
void	fw_note(struct fw_log *log, const char *fmt, ...) __printflike(2, 3);

/*
 * The sum of len bytes modulo 256: 0 for a table whose checksum holds,
 * as every checksum in ACPI and SMBIOS is defined.
 */
uint8_t	fw_sum(const void *p, size_t len);

/* ------------------------------------------------------------------ */
/* ACPI (acpi.c) */

#define ACPI_ENTRIES_MAX	256	/* root table entries read */
#define ACPI_TABLES_MAX		48	/* of which kept, DSDT included */
#define ACPI_TABLE_MAX		FW_MEM_MAX	/* longer: not read */

enum acpi_status {
	ACPI_TABLE_OK,
	ACPI_TABLE_BROKEN,	/* checksum, length, signature, a loop */
	ACPI_TABLE_UNREAD,	/* where it lies, or its length, says not */
};

struct acpi_table {
	char		at_sig[4];
	char		at_oemid[6];
	char		at_oem_table_id[8];
	char		at_creator[4];
	uint8_t		at_revision;
	uint32_t	at_oem_revision;
	uint32_t	at_creator_revision;
	uint32_t	at_length;
	uint64_t	at_pa;
	enum acpi_status at_status;
	bool		at_in_ram;	/* read from available RAM */
	bool		at_from_fadt;	/* the DSDT: not in the root table */
};

/* Device ids found in the DSDT's bytes (acpi.c acpi_dsdt_ids[]). */
#define ACPI_IDS_MAX	8

struct acpi_info {
	bool		ai_found;	/* an RSDP was given or found */
	bool		ai_rsdp_ok;	/* its signature and checksum hold */
	uint8_t		ai_revision;
	char		ai_oemid[6];
	bool		ai_xsdt;	/* the root table is the XSDT */
	struct acpi_table ai_root;	/* RSDT or XSDT */
	int		ai_nentries;	/* its entries, read or not */
	int		ai_ntables;	/* kept in ai_tables */
	int		ai_ndropped;	/* read but not kept */
	struct acpi_table ai_tables[ACPI_TABLES_MAX];
	int		ai_nbroken;	/* tables broken, root included */
	int		ai_nunread;
	int		ai_nram;

	/* The FADT (5.2.9), if one was read. */
	bool		ai_has_fadt;
	uint8_t		ai_fadt_revision;
	uint8_t		ai_fadt_minor;	/* 0 if the table stops before */
	uint32_t	ai_fadt_flags;
	bool		ai_has_hvid;	/* the ACPI 6.0 field, not all 0 */
	char		ai_hvid[8];
	/* WAET, if present: its flags. */
	bool		ai_has_waet;
	uint32_t	ai_waet_flags;
	/* The DSDT's device ids found by searching its bytes. */
	int		ai_nids;
	const char	*ai_ids[ACPI_IDS_MAX];
	struct fw_log	ai_log;
};

/*
 * Read the tables from an RSDP (rsdp_len bytes: a copy, or mapped).
 * Never fails: what broke is in ai_log and the counts.
 */
void	acpi_parse(const struct fw_mem *m, const uint8_t *rsdp,
	    size_t rsdp_len, struct acpi_info *ai);

/* The vendor a DSDT device id names ("MSFT1000": "hyperv"), or NULL. */
const char *acpi_id_vendor(const char *id);

/* Look for the RSDP in the BIOS area (5.2.5.1); 0 if none. */
uint64_t acpi_scan_rsdp(const struct fw_mem *m);

/* ------------------------------------------------------------------ */
/* SMBIOS (smbios.c) */

#define SMBIOS_STR_MAX		64	/* bytes kept of a string */
#define SMBIOS_OEM_MAX		8	/* type 11 strings kept */
#define SMBIOS_TABLE_MAX	FW_MEM_MAX
#define SMBIOS_STRUCTS_MAX	4096	/* structures walked at most */

/* A string as the table has it: any bytes but NUL, perhaps cut. */
struct smbios_str {
	bool		ss_set;		/* a non-zero index that resolved */
	bool		ss_cut;		/* longer than SMBIOS_STR_MAX */
	uint8_t		ss_len;
	char		ss_s[SMBIOS_STR_MAX];
};

struct smbios_info {
	bool		si_found;	/* an entry point was given or found */
	bool		si_eps_ok;	/* it holds together */
	bool		si_v3;		/* "_SM3_" rather than "_SM_" */
	uint64_t	si_eps_pa;
	uint8_t		si_major, si_minor;
	uint64_t	si_table_pa;
	uint32_t	si_table_len;	/* as read: 2.x its length, 3.x max */
	int		si_nstructs_eps;	/* what a 2.x entry point says */
	int		si_nstructs;	/* walked */
	bool		si_end;		/* type 127 reached */
	bool		si_in_ram;

	bool		si_has_bios;	/* type 0 */
	struct smbios_str si_bios_vendor, si_bios_version, si_bios_date;
	bool		si_has_vm_bit;	/* the type is long enough for it */
	bool		si_vm_bit;	/* "describes a virtual machine" */

	bool		si_has_system;	/* type 1 */
	struct smbios_str si_sys_vendor, si_product, si_sys_version,
			si_serial, si_sku, si_family;
	bool		si_has_uuid;
	uint8_t		si_uuid_raw[16];	/* as stored */
	uint8_t		si_uuid[16];	/* in text order (2.6 and later) */

	bool		si_has_board;	/* type 2 */
	struct smbios_str si_board_vendor, si_board_product;

	bool		si_has_chassis;	/* type 3 */
	struct smbios_str si_chassis_vendor, si_chassis_asset;
	uint8_t		si_chassis_type;

	int		si_noem;	/* type 11 strings, all counted */
	struct smbios_str si_oem[SMBIOS_OEM_MAX];

	struct fw_log	si_log;
};

/*
 * Read the structures from the entry point at eps_pa (2.1 or 3.0, by
 * its anchor).  Never fails: what broke is in si_log.
 */
void	smbios_parse(const struct fw_mem *m, uint64_t eps_pa,
	    struct smbios_info *si);

/* Look for an entry point in 0xF0000-0xFFFFF, 3.0 first; 0 if none. */
uint64_t smbios_scan(const struct fw_mem *m);

/* "00000000-0000-..." from 16 bytes in text order; buf of 37. */
void	smbios_uuid_text(const uint8_t uuid[16], char buf[37]);

/* ------------------------------------------------------------------ */
/* The EFI configuration table (fw_efi.c) */

struct fw_efi {
	bool		fe_found;	/* a system table with its signature */
	uint32_t	fe_revision;
	char		fe_vendor[32];	/* the UCS-2 vendor, as ASCII */
	uint32_t	fe_vendor_revision;
	uint64_t	fe_nconfig;
	uint64_t	fe_acpi20, fe_acpi10;	/* physical, 0 if absent */
	uint64_t	fe_smbios3, fe_smbios;
	struct fw_log	fe_log;
};

#define FW_EFI_CONFIG_MAX	256	/* configuration entries read */

void	fw_efi_read(const struct fw_mem *m, uint64_t systab,
	    struct fw_efi *fe);

/* ------------------------------------------------------------------ */
/* The verdict (fw_verdict.c) */

/*
 * Who the firmware says made the machine, in the vocabulary of the
 * CPUID facts' vendor= where there is one ("hyperv", "vmware", "xen",
 * "vbox", "kvm", "bhyve", "parallels", "apple"), and words of its own
 * for what CPUID has no signature of: "qemu" (QEMU's firmware and
 * tables, the same under TCG and KVM), "bochs", "firecracker",
 * "cloudhv", "amazon", "google".  "unknown": signs of a virtual
 * machine (the SMBIOS VM bit, a WAET) but no name; "none": tables read,
 * no sign of one; "absent": no tables at all.
 */
struct fw_verdict {
	const char	*fv_vendor;
	const char	*fv_name;	/* "QEMU", "VMware": for people */
	const char	*fv_by;		/* the signal that decided */
	const char	*fv_smbios;	/* each source's own vendor id, */
	const char	*fv_acpi;	/* or NULL if it names none */
	const char	*fv_fadt;
	const char	*fv_platform;	/* "Azure", "Amazon EC2" ... or NULL */
	bool		fv_vm_bit;	/* SMBIOS type 0 says a VM */
	bool		fv_waet;	/* ACPI has a WAET */
};

void	fw_verdict(const struct acpi_info *ai, const struct smbios_info *si,
	    struct fw_verdict *fv);

/* The vendor's name for people, from its id ("qemu" -> "QEMU"). */
const char *fw_vendor_name(const char *id);

/*
 * The firmware's verdict against CPUID's primary vendor (the facts'
 * vendor= id, or NULL when CPUID names no hypervisor) and its
 * hypervisor bit (CPUID.1:ECX[31]).
 */
enum fw_relation {
	FW_REL_UNCHECKED,	/* CPUID is not this machine's */
	FW_REL_AGREE,		/* both name the same maker */
	FW_REL_DIFFER,		/* both name one, not the same */
	FW_REL_HIDDEN,		/* firmware says a VM, CPUID names none */
				/* or has its hypervisor bit clear */
	FW_REL_UNNAMED,		/* CPUID names one, firmware a nameless VM */
	FW_REL_CPUID_ONLY,	/* CPUID names one, firmware none */
	FW_REL_BARE,		/* neither names a hypervisor */
	FW_REL_NO_TABLES,	/* no ACPI, no SMBIOS */
};

struct fw_cross {
	enum fw_relation fc_rel;
	/*
	 * For FW_REL_DIFFER, what it usually means: "emulated" (the
	 * firmware's maker offers the CPUID vendor's interface),
	 * "cloud" (a cloud's own firmware on its hypervisor),
	 * "smbios_set" (ACPI agrees with CPUID, SMBIOS does not: strings
	 * set by the host), "nested" (anything else: a nested
	 * hypervisor, or firmware made to look like another).
	 */
	const char	*fc_why;
};

void	fw_cross_check(const struct fw_verdict *fv, const char *cpuid,
	    bool hvbit, struct fw_cross *fc);
const char *fw_relation_name(enum fw_relation rel);
/* One sentence for people: "CPUID and firmware agree: QEMU". */
void	fw_cross_sentence(const struct fw_verdict *fv, const char *cpuid,
	    const char *cpuid_name, const struct fw_cross *fc, char *buf,
	    size_t len);

/* ------------------------------------------------------------------ */
/* All of it (fw.c) */

struct bootinfo;
struct fw_softc {
	const char	*sc_acpi_from;	/* "multiboot2", "pvh", "efi", */
	const char	*sc_smbios_from;	/* "scan", or "none" */
	struct fw_efi	sc_efi;
	struct acpi_info sc_acpi;
	struct smbios_info sc_smbios;
	struct fw_verdict sc_verdict;
};

extern struct fw_softc fw_softc;

/* Find and read the tables on this boot path; no output. */
void	fw_identify(const struct fw_mem *m, const struct bootinfo *bi,
	    struct fw_softc *sc);

/*
 * The lines that say what was read: "bios0 at mainbus0", the EFI line;
 * then those of ACPI (acpi0 and its tables, the "pvbus: acpi" facts)
 * and those of SMBIOS ("bios0: ...", the "pvbus: smbios" facts).
 */
void	fw_print_attach(const struct fw_softc *sc);
void	fw_print_acpi(const struct fw_softc *sc);
void	fw_print_smbios(const struct fw_softc *sc);

/* The UUID from SMBIOS type 1, for vmt's GETBIOSUUID to compare. */
struct fw_uuid {
	bool		fu_present;	/* type 1 had one, not all ones */
	uint8_t		fu_text[16];	/* in text order, as printed */
	uint8_t		fu_raw[16];	/* as the table stores it */
};

/*
 * smbios.c: a UUID in text order (as VMware's GETBIOSUUID gives it)
 * against SMBIOS's: FW_UUID_MATCH in the order SMBIOS 2.6 defines,
 * FW_UUID_MATCH_RAW only as the table stores it (a firmware that
 * writes the UUID big-endian while claiming 2.6 or later), else
 * FW_UUID_DIFFER.
 */
enum fw_uuid_match {
	FW_UUID_DIFFER,
	FW_UUID_MATCH,
	FW_UUID_MATCH_RAW,
};
enum fw_uuid_match smbios_uuid_match(const struct fw_uuid *fu,
	    const uint8_t text[16]);

#endif

/*
 * The ACPI tables the firmware leaves in memory, as far as a guest that
 * only reads them needs: the Root System Description Pointer, the common
 * header of every description table, the root tables (RSDT, XSDT) and
 * the few fields of the FADT and the WAET this kernel looks at.  All
 * little-endian.  Sources: ACPI Specification 6.5, 5.2.5 (RSDP), 5.2.6
 * (the description header), 5.2.7 (RSDT), 5.2.8 (XSDT), 5.2.9 (FADT,
 * with the Hypervisor Vendor Identity field added in ACPI 6.0);
 * Microsoft, "Windows ACPI Emulated Devices Table" (WAET);
 * docs/reference/firmware.md "ACPI tables", "The FADT",
 * "WAET".
 */
#ifndef _SPEC_ACPIREG_H_
#define _SPEC_ACPIREG_H_

#include <stdint.h>

/*
 * 5.2.5.3: the RSDP.  Revision 0 (ACPI 1.0) has the first 20 bytes,
 * their checksum making them sum to 0; revision 2 and later add a
 * length, the XSDT's address and a checksum over all 36 bytes.
 */
#define ACPI_RSDP_SIGNATURE	"RSD PTR "
#define ACPI_RSDP_V1_SIZE	20
#define ACPI_RSDP_V2_SIZE	36

struct acpi_rsdp {
	char		rsdp_signature[8];
	uint8_t		rsdp_checksum;		/* bytes 0-19 sum to 0 */
	char		rsdp_oemid[6];
	uint8_t		rsdp_revision;		/* 0: ACPI 1.0; 2: 2.0 and up */
	uint32_t	rsdp_rsdt;		/* physical */
	/* Revision 2 and later. */
	uint32_t	rsdp_length;		/* the whole RSDP, 36 */
	uint64_t	rsdp_xsdt;		/* physical */
	uint8_t		rsdp_ext_checksum;	/* all bytes sum to 0 */
	uint8_t		rsdp_reserved[3];
} __attribute__((packed));

/*
 * 5.2.5.1: on a BIOS machine the RSDP lies on a 16-byte boundary in the
 * first KiB of the EBDA or in 0xE0000-0xFFFFF.
 */
#define ACPI_RSDP_SCAN_START	0xe0000
#define ACPI_RSDP_SCAN_END	0x100000
#define ACPI_RSDP_ALIGN		16

/* 5.2.6: every description table starts so; the checksum covers all. */
struct acpi_header {
	char		ah_signature[4];
	uint32_t	ah_length;		/* header included */
	uint8_t		ah_revision;
	uint8_t		ah_checksum;
	char		ah_oemid[6];
	char		ah_oem_table_id[8];
	uint32_t	ah_oem_revision;
	char		ah_creator_id[4];
	uint32_t	ah_creator_revision;
} __attribute__((packed));

#define ACPI_HEADER_SIZE	36

/* 5.2.7, 5.2.8: after the header, 32-bit or 64-bit table addresses. */
#define ACPI_SIG_RSDT		"RSDT"
#define ACPI_SIG_XSDT		"XSDT"
#define ACPI_SIG_FADT		"FACP"
#define ACPI_SIG_DSDT		"DSDT"
#define ACPI_SIG_FACS		"FACS"	/* no header checksum (5.2.10) */
#define ACPI_SIG_WAET		"WAET"

/*
 * 5.2.9, Table 5.9: byte offsets of the FADT fields read here.  A field
 * exists only if the table's length reaches past it: an ACPI 1.0 FADT
 * is 116 bytes, 2.0 adds the 64-bit addresses, 6.0 the hypervisor's
 * identity (276 bytes).
 */
#define FADT_DSDT		40	/* u32: the DSDT, physical */
#define FADT_FLAGS		112	/* u32: fixed feature flags */
#define FADT_MINOR_VERSION	131	/* u8, ACPI 5.1 and later */
#define FADT_X_DSDT		140	/* u64: the DSDT, if not 0 */
#define FADT_HYPERVISOR_ID	268	/* 8 bytes: who the hypervisor is */
#define FADT_V6_SIZE		276

/* FADT flags (Table 5.10) named in the facts. */
#define FADT_F_WBINVD		0x00000001
#define FADT_F_RESET_REG_SUP	0x00000400
#define FADT_F_HW_REDUCED	0x00100000	/* HW_REDUCED_ACPI, 5.0 */

/*
 * WAET: one u32 after the header.  Bit 0: the RTC needs no workaround
 * (reads of it are good); bit 1: one read of the ACPI PM timer is good.
 */
#define WAET_DEVICE_FLAGS	36
#define WAET_F_RTC_GOOD		0x1
#define WAET_F_PM_TIMER_GOOD	0x2

#endif

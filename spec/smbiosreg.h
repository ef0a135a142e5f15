/*
 * SMBIOS as the firmware leaves it in memory: the two entry points and
 * the structures this kernel reads (BIOS, system, baseboard, chassis,
 * OEM strings).  All little-endian.  Source: DMTF DSP0134, "System
 * Management BIOS (SMBIOS) Reference Specification" 3.6.0: 5.2.1 (the
 * 32-bit entry point, SMBIOS 2.1), 5.2.2 (the 64-bit one, SMBIOS 3.0),
 * 6.1.2 and 6.1.3 (structures and their strings), 7.1 (type 0), 7.2
 * (type 1, and 7.2.1 for the UUID's byte order since 2.6), 7.3 (type
 * 2), 7.4 (type 3), 7.12 (type 11), 7.45 (type 127);
 * docs/reference/firmware.md "SMBIOS entry points",
 * "SMBIOS structures", "The system UUID".
 */
#ifndef _SPEC_SMBIOSREG_H_
#define _SPEC_SMBIOSREG_H_

#include <stdint.h>

/*
 * 5.2.1: "_SM_", its length (0x1f) in byte 5, the version, then at 0x10
 * the intermediate anchor "_DMI_" whose checksum covers bytes 0x10-0x1e.
 * The checksum of the whole entry point covers its stated length.
 */
#define SMBIOS2_ANCHOR		"_SM_"
#define SMBIOS2_DMI_ANCHOR	"_DMI_"
#define SMBIOS2_EPS_SIZE	0x1f

struct smbios2_eps {
	char		se_anchor[4];		/* "_SM_" */
	uint8_t		se_checksum;
	uint8_t		se_length;		/* 0x1f (0x1e in 2.1 errata) */
	uint8_t		se_major;
	uint8_t		se_minor;
	uint16_t	se_max_struct;		/* largest structure */
	uint8_t		se_revision;		/* entry point revision */
	uint8_t		se_formatted[5];
	char		se_dmi_anchor[5];	/* "_DMI_" */
	uint8_t		se_dmi_checksum;	/* bytes 0x10-0x1e */
	uint16_t	se_table_length;	/* bytes */
	uint32_t	se_table_address;	/* physical, 32 bits */
	uint16_t	se_nstructs;
	uint8_t		se_bcd_revision;
} __attribute__((packed));

/*
 * 5.2.2: "_SM3_", its length (0x18) in byte 6, the version, and a 64-bit
 * table address with the table's maximum size; no structure count: the
 * end-of-table structure (type 127) ends it.
 */
#define SMBIOS3_ANCHOR		"_SM3_"
#define SMBIOS3_EPS_SIZE	0x18

struct smbios3_eps {
	char		s3_anchor[5];		/* "_SM3_" */
	uint8_t		s3_checksum;
	uint8_t		s3_length;		/* 0x18 */
	uint8_t		s3_major;
	uint8_t		s3_minor;
	uint8_t		s3_docrev;
	uint8_t		s3_revision;		/* entry point revision, 1 */
	uint8_t		s3_reserved;
	uint32_t	s3_table_max;		/* the table's maximum size */
	uint64_t	s3_table_address;	/* physical */
} __attribute__((packed));

/*
 * 5.2.1, 5.2.2: on a BIOS machine either entry point lies on a 16-byte
 * boundary in 0xF0000-0xFFFFF; on UEFI the configuration table has it.
 */
#define SMBIOS_SCAN_START	0xf0000
#define SMBIOS_SCAN_END		0x100000
#define SMBIOS_ALIGN		16

/*
 * 6.1.2: a structure is a 4-byte header, the formatted area (length
 * bytes, header included), then its strings, each ended by a NUL, and
 * one more NUL after the last (two NULs if it has none).  A string
 * field is a 1-based index into them; 0 means no string.
 */
struct smbios_header {
	uint8_t		sh_type;
	uint8_t		sh_length;		/* formatted area, >= 4 */
	uint16_t	sh_handle;
} __attribute__((packed));

#define SMBIOS_HEADER_SIZE	4

#define SMBIOS_TYPE_BIOS	0
#define SMBIOS_TYPE_SYSTEM	1
#define SMBIOS_TYPE_BASEBOARD	2
#define SMBIOS_TYPE_CHASSIS	3
#define SMBIOS_TYPE_OEM_STRINGS	11
#define SMBIOS_TYPE_END		127

/* 7.1, type 0 (BIOS Information): string fields and the VM bit. */
#define SMBIOS0_VENDOR		0x04
#define SMBIOS0_VERSION		0x05
#define SMBIOS0_DATE		0x08
#define SMBIOS0_EXT2		0x13	/* 2.4: characteristics ext. byte 2 */
#define SMBIOS0_EXT2_VM		0x10	/* bit 4: "a virtual machine" */

/* 7.2, type 1 (System Information). */
#define SMBIOS1_MANUFACTURER	0x04
#define SMBIOS1_PRODUCT		0x05
#define SMBIOS1_VERSION		0x06
#define SMBIOS1_SERIAL		0x07
#define SMBIOS1_UUID		0x08	/* 16 bytes, 2.1 and later */
#define SMBIOS1_SKU		0x19	/* 2.4 and later */
#define SMBIOS1_FAMILY		0x1a	/* 2.4 and later */

/* 7.3, type 2 (Baseboard Information). */
#define SMBIOS2_MANUFACTURER	0x04
#define SMBIOS2_PRODUCT		0x05

/* 7.4, type 3 (System Enclosure or Chassis). */
#define SMBIOS3_MANUFACTURER	0x04
#define SMBIOS3_TYPE		0x05	/* bits 6:0 the type, 7 a lock */
#define SMBIOS3_VERSION		0x06
#define SMBIOS3_SERIAL		0x07
#define SMBIOS3_ASSET_TAG	0x08

/* 7.12, type 11 (OEM Strings): the count of strings. */
#define SMBIOS11_COUNT		0x04

#endif

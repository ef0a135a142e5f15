/*
 * What a 64-bit OS finds of UEFI after the loader has called
 * ExitBootServices(): the EFI system table, whose address GRUB passes
 * in the multiboot2 EFI64 tag, and its configuration table, an array of
 * (GUID, pointer) pairs through which the firmware hands over its ACPI
 * and SMBIOS tables.  Pointers are physical: GRUB does not call
 * SetVirtualAddressMap().  Sources: UEFI Specification 2.10, 4.2 (the
 * table header), 4.3 (EFI_SYSTEM_TABLE), 4.6 (EFI_CONFIGURATION_TABLE
 * and its industry-standard GUIDs); the same values in edk2
 * MdePkg/Include/Uefi/UefiSpec.h, Guid/Acpi.h, Guid/SmBios.h;
 * docs/reference/firmware.md "The EFI configuration table".
 */
#ifndef _SPEC_EFIREG_H_
#define _SPEC_EFIREG_H_

#include <stdint.h>

#define EFI_SYSTEM_TABLE_SIGNATURE	0x5453595320494249ULL	/* "IBI SYST" */

/* 4.3, for x64 (UINTN and pointers are 8 bytes). */
struct efi_system_table {
	uint64_t	st_signature;
	uint32_t	st_revision;		/* major << 16 | minor */
	uint32_t	st_header_size;
	uint32_t	st_crc32;
	uint32_t	st_reserved;
	uint64_t	st_firmware_vendor;	/* UCS-2, NUL-terminated */
	uint32_t	st_firmware_revision;
	uint32_t	st_pad;
	uint64_t	st_console_in_handle;
	uint64_t	st_con_in;
	uint64_t	st_console_out_handle;
	uint64_t	st_con_out;
	uint64_t	st_standard_error_handle;
	uint64_t	st_std_err;
	uint64_t	st_runtime_services;
	uint64_t	st_boot_services;
	uint64_t	st_nconfig;		/* NumberOfTableEntries */
	uint64_t	st_config;		/* EFI_CONFIGURATION_TABLE[] */
} __attribute__((packed));

#define EFI_SYSTEM_TABLE_SIZE	120

/* 4.6: one entry of the configuration table, 24 bytes. */
struct efi_config_table {
	uint8_t		ct_guid[16];		/* EFI_GUID, as stored */
	uint64_t	ct_table;		/* physical */
} __attribute__((packed));

/*
 * 4.6.1: the GUIDs, written as EFI_GUID is stored: a u32, two u16 (all
 * little-endian), then 8 bytes as they are.
 */
#define EFI_ACPI_20_TABLE_GUID	/* 8868e871-e4f1-11d3-bc22-0080c73c8881 */ \
	{ 0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11, \
	  0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 }
#define EFI_ACPI_TABLE_GUID	/* eb9d2d30-2d88-11d3-9a16-0090273fc14d */ \
	{ 0x30, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11, \
	  0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d }
#define EFI_SMBIOS_TABLE_GUID	/* eb9d2d31-2d88-11d3-9a16-0090273fc14d */ \
	{ 0x31, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11, \
	  0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d }
#define EFI_SMBIOS3_TABLE_GUID	/* f2fd1544-9794-4a2c-992e-e5bbcf20e394 */ \
	{ 0x44, 0x15, 0xfd, 0xf2, 0x94, 0x97, 0x2c, 0x4a, \
	  0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94 }

#endif

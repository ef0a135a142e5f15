#!/usr/bin/env python3
"""Write the hostile firmware tables of tests/hostile/fw-*.case, and two
sets that are not hostile, for tests/boot/cases/fw-acpi-*.case: a
Firecracker microVM's ACPI tables, and a DSDT with Hyper-V's VMBus.

    python3 tests/hostile/fw/mkfw.py     # from the top of the tree

The files are checked in next to this script; it says how each was made
and writes them again.  They reach the guest through the real firmware,
SeaBIOS, over QEMU's fw_cfg, so the kernel finds them where it finds any
firmware's tables:

ACPI   With -no-acpi QEMU builds no tables, and SeaBIOS runs whatever
       "etc/table-loader" it finds instead (SeaBIOS src/fw/paravirt.c
       qemu_platform_setup(), src/fw/romfile_loader.c): a list of
       128-byte commands that allocate the files "etc/acpi/rsdp" (in the
       F segment) and "etc/acpi/tables" (high memory), patch pointers
       between them and compute checksums (QEMU
       hw/acpi/bios-linker-loader.c writes the same format).  A table
       whose checksum the script does not ask for keeps the wrong one we
       give it; a pointer may point anywhere, the root table itself
       included.  Each set is NAME.rsdp, NAME.tables and NAME.loader:

           -no-acpi -fw_cfg name=etc/table-loader,file=.../NAME.loader
                    -fw_cfg name=etc/acpi/rsdp,file=.../NAME.rsdp
                    -fw_cfg name=etc/acpi/tables,file=.../NAME.tables

SMBIOS With a machine type old enough for QEMU's legacy SMBIOS
       interface (pc-i440fx-2.0: QEMU hw/i386/pc_piix.c sets
       smbios_legacy_mode), QEMU offers no "etc/smbios/" files, and
       SeaBIOS copies the table and entry point it finds there instead
       (src/fw/biostables.c smbios_romfile_setup()), fixing only the
       entry point's address, counts and checksums, and adding a type 0
       if there is none.  Each set is NAME.anchor (a 2.1 entry point)
       and NAME.smbios (the structures):

           -M pc-i440fx-2.0 -fw_cfg name=etc/smbios/smbios-anchor,file=...
                            -fw_cfg name=etc/smbios/smbios-tables,file=...

Layouts: ACPI 6.5 5.2.5-5.2.9 (spec/acpireg.h), DSP0134 5.2.1 and 6.1
(spec/smbiosreg.h).  What each set must make the kernel say is in its
case file.
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- ACPI

FILESZ = 56
ALLOCATE, ADD_POINTER, ADD_CHECKSUM = 1, 2, 3
ZONE_HIGH, ZONE_FSEG = 1, 2
RSDP_FILE, TABLES_FILE = b"etc/acpi/rsdp", b"etc/acpi/tables"


def name(n):
    return n + b"\0" * (FILESZ - len(n))


def cmd(command, body):
    e = struct.pack("<I", command) + body
    return e + b"\0" * (128 - len(e))


def allocate(f, align, zone):
    return cmd(ALLOCATE, name(f) + struct.pack("<IB", align, zone))


def pointer(dest, src, offset, size):
    return cmd(ADD_POINTER, name(dest) + name(src) +
               struct.pack("<IB", offset, size))


def checksum(f, offset, start, length):
    return cmd(ADD_CHECKSUM, name(f) + struct.pack("<III", offset, start,
                                                    length))


def header(sig, length, rev=1, oemid=b"FWTEST", table_id=b"HOSTILE ",
           creator=b"MKFW"):
    """5.2.6: 36 bytes, checksum 0 (the loader computes it, or not)."""
    return (sig + struct.pack("<IBB", length, rev, 0) + oemid +
            table_id + struct.pack("<I", 1) + creator +
            struct.pack("<I", 1))


class Tables:
    """The tables file being laid out, and the loader's commands."""

    def __init__(self):
        self.data = bytearray()
        self.cmds = [allocate(RSDP_FILE, 16, ZONE_FSEG),
                     allocate(TABLES_FILE, 64, ZONE_HIGH)]

    def add(self, blob, good_checksum=True, length=None):
        """Append a table at a 16-byte boundary; returns its offset."""
        self.data += b"\0" * (-len(self.data) % 16)
        off = len(self.data)
        self.data += blob
        if good_checksum:
            self.cmds.append(checksum(TABLES_FILE, off + 9, off,
                                      length or len(blob)))
        return off

    def ptr(self, at, target, size):
        """The field at 'at' gets the address of table offset 'target'."""
        self.data[at:at + size] = target.to_bytes(size, "little")
        self.cmds.append(pointer(TABLES_FILE, TABLES_FILE, at, size))


def bad(blob, sum_to=0x5a):
    """A table whose bytes sum to sum_to, not 0: its checksum is wrong."""
    b = bytearray(blob)
    b[9] = (sum_to - sum(b)) & 0xff
    return bytes(b)


def dsdt(aml=b""):
    return header(b"DSDT", 36 + len(aml), 2) + aml


def fadt(t, dsdt_off):
    """An ACPI 1.0 FADT, 116 bytes, whose DSDT field points at dsdt_off."""
    blob = bytearray(header(b"FACP", 116, 1) + b"\0" * 80)
    off = t.add(bytes(blob), good_checksum=False)
    t.ptr(off + 40, dsdt_off, 4)
    t.cmds.append(checksum(TABLES_FILE, off + 9, off, 116))
    return off


def root(t, sig, entries, esize):
    """An RSDT (esize 4) or XSDT (8); entries are table offsets, or the
    string "self" for the root table's own address."""
    n = len(entries)
    blob = bytearray(header(sig, 36 + esize * n) + b"\0" * (esize * n))
    off = t.add(bytes(blob), good_checksum=False)
    for i, e in enumerate(entries):
        t.ptr(off + 36 + esize * i, off if e == "self" else e, esize)
    t.cmds.append(checksum(TABLES_FILE, off + 9, off, 36 + esize * n))
    return off


def rsdp(t, rsdt_off, xsdt_off=None):
    """Revision 0 (20 bytes), or 2 (36) when there is an XSDT."""
    rev = 2 if xsdt_off is not None else 0
    r = bytearray(b"RSD PTR " + b"\0" + b"FWTEST" + bytes([rev]) +
                  struct.pack("<I", rsdt_off))
    if rev == 2:
        r += struct.pack("<IQB3x", 36, xsdt_off, 0)
    t.cmds.append(pointer(RSDP_FILE, TABLES_FILE, 16, 4))
    if rev == 2:
        t.cmds.append(pointer(RSDP_FILE, TABLES_FILE, 24, 8))
    t.cmds.append(checksum(RSDP_FILE, 8, 0, 20))
    if rev == 2:
        t.cmds.append(checksum(RSDP_FILE, 32, 0, 36))
    return bytes(r)


def write_acpi(set_name, t, r):
    for ext, data in (("rsdp", r), ("tables", bytes(t.data)),
                      ("loader", b"".join(t.cmds))):
        with open(os.path.join(HERE, "%s.%s" % (set_name, ext)), "wb") as f:
            f.write(data)


def acpi_checksum():
    """RSDT -> FADT (good), OEMB (checksum wrong by 0x5a)."""
    t = Tables()
    d = t.add(dsdt())
    f = fadt(t, d)
    b = t.add(bad(header(b"OEMB", 40) + b"\0" * 4), good_checksum=False)
    r = root(t, b"RSDT", [f, b], 4)
    write_acpi("acpi-checksum", t, rsdp(t, r))


def acpi_xsdt_loop():
    """RSDP rev 2 -> XSDT: FADT, the XSDT itself, the FADT again."""
    t = Tables()
    d = t.add(dsdt())
    f = fadt(t, d)
    rs = root(t, b"RSDT", [f], 4)
    x = root(t, b"XSDT", [f, "self", f], 8)
    write_acpi("acpi-xsdt-loop", t, rsdp(t, rs, x))


def acpi_lengths():
    """RSDT -> FADT, OEML (length 0x7ff00000: past the end of memory),
    OEMS (length 20: shorter than its own header)."""
    t = Tables()
    d = t.add(dsdt())
    f = fadt(t, d)
    big = t.add(header(b"OEML", 0x7ff00000) + b"\0" * 4, good_checksum=False)
    short = t.add(header(b"OEMS", 20), good_checksum=True, length=36)
    r = root(t, b"RSDT", [f, big, short], 4)
    write_acpi("acpi-lengths", t, rsdp(t, r))


def acpi_firecracker():
    """Not hostile: the tables a Firecracker microVM gets, so that the
    FADT's Hypervisor Vendor Identity is read on a real boot.  Source,
    firecracker-microvm/firecracker: src/vmm/src/acpi/mod.rs (OEM id
    "FIRECK", table ids "FCVMDSDT", "FCVMFADT", "FCVMMADT", "FCMVXSDT",
    HYPERVISOR_VENDOR_ID "FIRECKVM", the flags HW_REDUCED_ACPI,
    PWR_BUTTON and SLP_BUTTON, an XSDT of the FADT and the MADT);
    src/acpi-tables/src/lib.rs (creator "FCAT" 0x20240119);
    src/acpi-tables/src/fadt.rs (the FADT: revision 6, minor 5, 276
    bytes, only X_DSDT set).  The DSDT and MADT bodies are left empty
    (their AML and interrupt controllers are not read here)."""
    fc = dict(oemid=b"FIRECK", creator=b"FCAT")
    crev = struct.pack("<I", 0x20240119)

    def hdr(sig, length, rev, table_id):
        h = bytearray(header(sig, length, rev, table_id=table_id, **fc))
        h[24:28] = struct.pack("<I", 0)          # OEM_REVISION 0
        h[32:36] = crev
        return bytes(h)

    t = Tables()
    d = t.add(hdr(b"DSDT", 36, 2, b"FCVMDSDT"))
    blob = bytearray(hdr(b"FACP", 276, 6, b"FCVMFADT") + b"\0" * 240)
    blob[112:116] = struct.pack("<I", 1 << 20 | 1 << 4 | 1 << 5)
    blob[131] = 5                                 # FADT minor version
    blob[268:276] = b"FIRECKVM"
    f = t.add(bytes(blob), good_checksum=False)
    t.ptr(f + 140, d, 8)                          # X_DSDT
    t.cmds.append(checksum(TABLES_FILE, f + 9, f, 276))
    m = t.add(hdr(b"APIC", 44, 6, b"FCVMMADT") +
              struct.pack("<II", 0xfee00000, 0))
    n = 2
    x = t.add(hdr(b"XSDT", 36 + 8 * n, 1, b"FCMVXSDT") + b"\0" * 8 * n,
              good_checksum=False)
    t.ptr(x + 36, f, 8)
    t.ptr(x + 44, m, 8)
    t.cmds.append(checksum(TABLES_FILE, x + 9, x, 36 + 8 * n))
    # The RSDP: revision 2, OEM "FIRECK", no RSDT (acpi_tables rsdp.rs).
    r = bytearray(b"RSD PTR " + b"\0" + b"FIRECK" + bytes([2]) +
                  struct.pack("<I", 0) + struct.pack("<IQB3x", 36, x, 0))
    t.cmds.append(pointer(RSDP_FILE, TABLES_FILE, 24, 8))
    t.cmds.append(checksum(RSDP_FILE, 8, 0, 20))
    t.cmds.append(checksum(RSDP_FILE, 32, 0, 36))
    write_acpi("acpi-firecracker", t, bytes(r))


def aml_name_string(name, value):
    """Name(NAME, "value"): NameOp, the NameSeg, a String (ACPI 6.5
    20.2.5.1, 20.2.3)."""
    return b"\x08" + name + b"\x0d" + value + b"\0"


def aml_device(name, body):
    """Device(NAME) {body}: ExtOpPrefix DeviceOp, a PkgLength (one byte
    below 64, else two; 20.2.4) counting itself, the NameSeg, body."""
    n = 4 + len(body)
    if n + 1 < 64:
        pkg = bytes([n + 1])
    else:
        n += 2
        pkg = bytes([0x40 | (n & 0x0f), n >> 4])
    return b"\x5b\x82" + pkg + name + body


def acpi_vmbus_dsdt():
    """Not hostile: a DSDT holding Hyper-V's VMBus device as Hyper-V's
    own DSDT declares it (Microsoft mu_msvm MsvmPkg/AcpiTables/Dsdt.asl:
    Device(\\_SB.VMOD.VMBS) with _DDN "VMBUS", _HID "MSFT1000", _CID
    "VMBus"), under neutral OEM ids, so that only the byte search of the
    DSDT can name Hyper-V."""
    vmbs = aml_device(b"VMBS", aml_name_string(b"_DDN", b"VMBUS") +
                      aml_name_string(b"_HID", b"MSFT1000") +
                      aml_name_string(b"_CID", b"VMBus"))
    t = Tables()
    d = t.add(dsdt(vmbs))
    f = fadt(t, d)
    r = root(t, b"RSDT", [f], 4)
    write_acpi("acpi-vmbus-dsdt", t, rsdp(t, r))


# -------------------------------------------------------------- SMBIOS


def structure(stype, handle, formatted, strings):
    """6.1.2: header, formatted area, strings, and the final NUL."""
    body = struct.pack("<BBH", stype, 4 + len(formatted), handle) + formatted
    if not strings:
        return body + b"\0\0"
    return body + b"".join(s + b"\0" for s in strings) + b"\0"


def anchor(table_len, nstructs):
    """A 2.1 entry point; SeaBIOS fills in the address and checksums."""
    return (b"_SM_" + struct.pack("<BBBBHB5s", 0, 0x1f, 2, 8, 0x100, 0,
                                  b"\0" * 5) +
            b"_DMI_" + struct.pack("<BHIHB", 0, table_len, 0, nstructs,
                                   0x28))


def system(vendor=b"QEMU", product=b"Standard PC (i440FX + PIIX, 1996)"):
    """A type 1 with a UUID, as QEMU builds one (hw/smbios/smbios.c)."""
    fmt = bytes([1, 2, 0, 0]) + bytes(range(16)) + bytes([6, 0, 0])
    return structure(1, 0x100, fmt, [vendor, product])


def end():
    return structure(127, 0x7f00, b"", [])


def write_smbios(set_name, table, nstructs):
    with open(os.path.join(HERE, set_name + ".anchor"), "wb") as f:
        f.write(anchor(len(table), nstructs))
    with open(os.path.join(HERE, set_name + ".smbios"), "wb") as f:
        f.write(table)


def smbios_zero_length():
    """A system structure, then one whose length byte is 0."""
    table = system() + struct.pack("<BBH", 2, 0, 0x200) + b"Evil\0\0" + end()
    write_smbios("smbios-zero-length", table, 3)


def smbios_unterminated():
    """A system structure, then OEM strings that run to the table's end
    without the double NUL."""
    table = system() + struct.pack("<BBHB", 11, 5, 0xb00, 1) + b"no end here"
    write_smbios("smbios-unterminated", table, 2)


def smbios_past_end():
    """A system structure, then one that claims 200 formatted bytes."""
    table = system() + struct.pack("<BBH", 3, 200, 0x300) + b"\0" * 8
    write_smbios("smbios-past-end", table, 2)


if __name__ == "__main__":
    acpi_checksum()
    acpi_xsdt_loop()
    acpi_lengths()
    acpi_firecracker()
    acpi_vmbus_dsdt()
    smbios_zero_length()
    smbios_unterminated()
    smbios_past_end()

#!/usr/bin/env python3
"""Write the seed corpora of fuzz_cmdline, fuzz_bootinfo, fuzz_acpi and
fuzz_smbios.

    python3 tests/fuzz/mkseeds.py     # from the top of the tree

The seeds are checked in (tests/fuzz/corpus/cmdline/, .../bootinfo/);
this script says how each was made and writes them again.  The layouts
follow kernel/multiboot2.h and kernel/pvhreg.h; what the two targets do
with the first byte of a bootinfo input is in tests/fuzz/fuzz_bootinfo.c
(even: a multiboot2 block, bit 1: total_size fixed up; odd: PVH guest
memory with the start info at offset 16, addresses as offsets).
"""

import os
import struct

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    d = os.path.join(TOP, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("latin-1")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- cmdline

CMDLINES = {
    "grub-path-first": '/boot/kernel.elf hv=sim:kvm "msg=a \\"b\\"" quiet',
    "quoted-word": 'a=1 flag key="two words"',
    "grub-escapes": '"msg=say \\"hi\\" it\\\'s" path=C:\\\\dir a=b\\c t=\\',
    "vmware-send-fails": 'hv=sim:vmware sim.fault=rpc-send-fails '
                         'sim.failbyte=12 vmt.script="ping;OS_Halt"',
    "options-wrong": "hv=sim:hyperv sim.fault=rpc-open-refused "
                     "profile=nothere sim.failbyte=-5 fault=gp fault=ud",
    "garbage-with-profile": "hv=sim:xen profile=x "
                            "sim.fault=garbage-cpuid,status-error "
                            "echo=x mute=1 n=1000",
    "control-bytes": 'fault="\x1b[2J\x07" n=007\tn=99999999999999999999\r\n'
                     'c=\x7f\x01',
    "unterminated": 'one two="oops three=3',
    "empty-key": "a=1 =value b=2",
    "longest": "hv=native" + " " * (4095 - 17) + "fault=ud",
    "one-too-long": "hv=native" + " " * (4096 - 17) + "fault=ud",
    "many-words": " ".join("w%d=%d" % (i, i) for i in range(600))[:4095],
}

for name, text in CMDLINES.items():
    write("cmdline", name, text)

# --------------------------------------------------------------- bootinfo


def tag(ttype, body):
    t = struct.pack("<II", ttype, 8 + len(body)) + body
    return t + b"\0" * (-len(t) % 8)


def mb2(tags):
    body = b"".join(tags) + tag(0, b"")
    return struct.pack("<II", 8 + len(body), 0) + body


def rsdp(revision):
    r = bytearray(b"RSD PTR " + bytes(range(0x28, 0x28 + 28)))
    r[9:15] = b"BOCHS "
    r[15] = revision
    return bytes(r[:36 if revision >= 2 else 20])


QEMU_E820 = [(0x0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
             (0x100000, 0x7ee0000, 1), (0x7fe0000, 0x20000, 2),
             (0xfffc0000, 0x40000, 2)]
MICROVM_E820 = [(0x0, 0x9fc00, 1), (0x9fc00, 0x400, 2),
                (0xd0000, 0x20000, 4), (0xf0000, 0x10000, 2),
                (0x100000, 0x7f00000, 1), (0x0, 0x0, 0)]


def mmap_tag(entries):
    body = struct.pack("<II", 24, 0)
    for base, length, typ in entries:
        body += struct.pack("<QQII", base, length, typ, 0)
    return tag(6, body)


GRUB = mb2([
    tag(1, b"hv=sim:vmware vmt.script=@x.tclo\0"),
    tag(2, b"GRUB 2.06-13+deb12u2\0"),
    tag(3, struct.pack("<II", 0x200000, 0x201000) + b"x.tclo\0"),
    tag(4, struct.pack("<II", 639, 130944)),
    mmap_tag(QEMU_E820),
    tag(8, struct.pack("<QIIIBBH", 0xb8000, 160, 80, 25, 16, 2, 0)),
    tag(14, rsdp(0)),
    tag(15, rsdp(2)),
    tag(12, struct.pack("<Q", 0x7f9e018)),
])
write("bootinfo", "mb2-grub-bios", b"\x00" + GRUB)
write("bootinfo", "mb2-grub-fix-total", b"\x02" + struct.pack("<I", 0)
      + GRUB[4:])
write("bootinfo", "mb2-microvm-map", b"\x02" + mb2([
    tag(1, b"\0"), mmap_tag(MICROVM_E820)]))
write("bootinfo", "mb2-long-cmdline", b"\x02" + mb2([
    tag(1, b"a" * 5000 + b"\0"), mmap_tag(QEMU_E820)]))


def pvh(cmdline, entries, version=1, nmod=2, before=b"\0" * 16,
        si_bytes=None):
    """Guest memory: 16 bytes, the start info at 16, then its pointees,
    each address an offset into this memory (fuzz_bootinfo.c)."""
    mem = bytearray(1024 + len(cmdline) + 1)
    mem[0:16] = before
    modlist, memmap, rs, modstr, cmd = 128, 256, 768, 900, 1024
    si = struct.pack("<IIIIQQQQII", 0x336ec578, version, 0, nmod,
                     modlist if nmod else 0, cmd, rs, memmap,
                     len(entries), 0)
    mem[16:16 + len(si)] = si if si_bytes is None else si_bytes
    for i in range(nmod):
        mem[modlist + 32 * i:modlist + 32 * i + 32] = struct.pack(
            "<QQQQ", 0x300 + 0x40 * i, 0x40, modstr if i == 0 else 0, 0)
    for i, (base, length, typ) in enumerate(entries):
        mem[memmap + 24 * i:memmap + 24 * i + 24] = struct.pack(
            "<QQII", base, length, typ, 0)
    mem[rs:rs + 36] = rsdp(2)
    mem[modstr:modstr + 7] = b"x.tclo\0"
    mem[cmd:cmd + len(cmdline)] = cmdline
    return b"\x01" + bytes(mem)


write("bootinfo", "pvh-qemu-q35", pvh(b"hv=sim:vmware vmt.script=@x.tclo",
                                      QEMU_E820))
write("bootinfo", "pvh-microvm", pvh(b"", MICROVM_E820, nmod=0))
write("bootinfo", "pvh-version-0", pvh(b"fault=gp", QEMU_E820, version=0))
write("bootinfo", "pvh-cmdline-4100", pvh(b"hv=native" + b" " * 4083
                                          + b"fault=ud", QEMU_E820))
write("bootinfo", "pvh-overrun", pvh(b"", QEMU_E820, before=b"a" * 16,
                                     si_bytes=b"a" * 56))

# ------------------------------------------------------------ acpi/smbios
#
# fuzz_acpi: byte 0 odd for a 20-byte RSDP; then the RSDP; then guest
# memory from 0x1000 on, the tables at 0x1000 + offset (fuzz_acpi.c).
# fuzz_smbios: byte 0 flags (bit 0: the harness points the entry point
# at the table after it, bit 1: fixes its checksums); then memory from
# 0xF0000 on, the entry point first (fuzz_smbios.c).


def acpi_header(sig, length, rev=1, oemid=b"BOCHS ", creator=b"BXPC"):
    return (sig + struct.pack("<IBB", length, rev, 0) + oemid +
            b"BXPC    " + struct.pack("<I", 1) + creator +
            struct.pack("<I", 1))


def summed(blob, at=9):
    b = bytearray(blob)
    b[at] = 0
    b[at] = -sum(b) & 0xff
    return bytes(b)


def acpi_seed(xsdt, loop=False, hvid=b"\0" * 8):
    """RSDP, then DSDT at 0x1000, FADT at 0x1100, WAET at 0x1300, the
    root table at 0x1400 (addresses 0x1000 + offset)."""
    base = 0x1000
    aml = b"\x08_HID\x0dMSFT1000\x00"
    dsdt = summed(acpi_header(b"DSDT", 36 + len(aml), 2) + aml)
    fadt = bytearray(acpi_header(b"FACP", 276, 6) + b"\0" * 240)
    fadt[40:44] = struct.pack("<I", base)
    fadt[112:116] = struct.pack("<I", 0x84a5)
    fadt[140:148] = struct.pack("<Q", base)
    fadt[268:276] = hvid
    fadt = summed(bytes(fadt))
    waet = summed(acpi_header(b"WAET", 40) + struct.pack("<I", 2))
    entries = [base + 0x100, base + 0x300]
    if loop:
        entries += [base + 0x400, base + 0x100]
    esize = 8 if xsdt else 4
    root = acpi_header(b"XSDT" if xsdt else b"RSDT",
                       36 + esize * len(entries))
    root += b"".join(struct.pack("<Q" if xsdt else "<I", e)
                     for e in entries)
    root = summed(root)
    mem = bytearray(0x600)
    for off, blob in ((0, dsdt), (0x100, fadt), (0x300, waet),
                      (0x400, root)):
        mem[off:off + len(blob)] = blob
    r = bytearray(b"RSD PTR \0BOCHS " + bytes([2 if xsdt else 0]) +
                  struct.pack("<IIQ", 0 if xsdt else base + 0x400, 36,
                              base + 0x400 if xsdt else 0) + b"\0" * 4)
    r[8] = -sum(r[:20]) & 0xff
    r[32] = -sum(r[:36]) & 0xff
    if xsdt:
        return b"\x00" + bytes(r) + bytes(mem)
    return b"\x01" + bytes(r[:20]) + bytes(mem)


write("acpi", "qemu-rsdt", acpi_seed(False))
write("acpi", "acpi6-xsdt-hyperv", acpi_seed(True, hvid=b"MsHyperV"))
write("acpi", "xsdt-loop", acpi_seed(True, loop=True))


def sm_struct(stype, formatted, strings):
    body = struct.pack("<BBH", stype, 4 + len(formatted), 0) + formatted
    if not strings:
        return body + b"\0\0"
    return body + b"".join(s + b"\0" for s in strings) + b"\0"


SMBIOS_TABLE = b"".join([
    sm_struct(0, bytes([1, 2, 0, 0, 3, 0]) + b"\0" * 9 + b"\x10" + b"\0" * 4,
              [b"SeaBIOS", b"1.16.2-debian-1.16.2-1", b"04/01/2014"]),
    sm_struct(1, bytes([1, 2, 3, 4]) + bytes(range(16)) + bytes([6, 5, 6]),
              [b"VMware, Inc.", b"VMware Virtual Platform", b"None",
               b"VMware-42 17 4c 3e ec 05 e3 23-fd 4b 7d 0e 7e 9b bc d0",
               b"sku", b"family"]),
    sm_struct(2, bytes([1, 2, 0, 0, 0]), [b"Oracle Corporation",
                                           b"VirtualBox"]),
    sm_struct(3, bytes([1, 1, 0, 0, 2]), [b"QEMU",
                                          b"7783-7084-3265-9085-8269-3286-77"]),
    sm_struct(11, bytes([2]), [b"vboxVer_6.1.18", b"vboxRev_142142"]),
    sm_struct(127, b"", []),
])

# Checksums and addresses are the harness's to fix (flags 3).
write("smbios", "v21-fixed", b"\x03" + b"_SM_" + b"\0" * 12 + b"_DMI_" +
      b"\0" * 10 + SMBIOS_TABLE)
write("smbios", "v30-fixed", b"\x03" + b"_SM3_" + b"\0" * 19 + SMBIOS_TABLE)
write("smbios", "v30-zero-length", b"\x03" + b"_SM3_" + b"\0" * 19 +
      SMBIOS_TABLE[:60] + b"\x02\x00\x00\x00" + SMBIOS_TABLE[60:])

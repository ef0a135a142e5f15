#!/usr/bin/env python3
"""make bench: how long a whole boot takes, against the floor.

For the BIOS ISO path (GRUB under SeaBIOS, -M pc), the PVH path (QEMU
-kernel, -M q35) and the UEFI ISO path (GRUB under OVMF, -M q35 with
QEMU's standard VGA, where the kernel draws its report into GRUB's
framebuffer) this times QEMU from process start to its exit with the
kernel's verdict, for build/kernel.elf and for the floor image
(tools/bench/floor.asm: one serial line, then the exit port), which it
builds here and boots the same way.  It prints the median of N runs for
each and the ratio.  The target is a ratio of 1.2 or less on each path.
A UEFI boot takes 4-5 s under TCG, mostly OVMF; --no-uefi leaves that
path out.  It also
prints the size of the kernel's ISO against its budget of 5 MB, and of
the kernel's loaded image (code, read-only data with the symbol table,
data and .bss).  These are measurements, so they are a benchmark, not
a test: nothing here fails on a slow machine.

Usage: tools/bench.py [-n RUNS] [--no-uefi]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build", "bench")
KERNEL = os.path.join(ROOT, "build", "kernel.elf")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
OVMF = ["-drive", "if=pflash,format=raw,unit=0,readonly=on,"
        "file=/usr/share/OVMF/OVMF_CODE_4M.fd",
        "-drive", "if=pflash,format=raw,unit=1,snapshot=on,"
        "file=/usr/share/OVMF/OVMF_VARS_4M.fd"]
PASS_EXIT = 33          # KEXIT_PASS 0x10 through isa-debug-exit
ISO_BUDGET = 5 * 1000 * 1000


def run(cmd):
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def build_floor():
    os.makedirs(BUILD, exist_ok=True)
    obj = os.path.join(BUILD, "floor.o")
    elf = os.path.join(BUILD, "floor.elf")
    run(["nasm", "-f", "elf32", "tools/bench/floor.asm", "-o", obj])
    run(["ld", "-m", "elf_i386", "-z", "max-page-size=0x1000",
         "-T", "tools/bench/floor.ld", "-o", elf, obj])
    return elf


def build_iso(elf, name):
    iso = os.path.join(BUILD, name + ".iso")
    run(["tools/mkiso.sh", iso, elf, ""])
    return iso


def boot_once(args):
    cmd = [QEMU, "-display", "none", "-no-reboot", "-monitor", "none",
           "-serial", "null", "-m", "128M",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + args
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=60)
    except subprocess.TimeoutExpired:
        sys.exit("bench: %s did not exit within 60 s" % " ".join(args))
    elapsed = time.monotonic() - t0
    if proc.returncode != PASS_EXIT:
        sys.exit("bench: %s exited %d, not %d (pass): %s" % (
            " ".join(args), proc.returncode, PASS_EXIT,
            proc.stderr.decode(errors="replace").strip()[:200]))
    return elapsed


def print_sizes(kernel_iso):
    """The ISO against its budget, and the image's loaded segments."""
    size = os.path.getsize(kernel_iso)
    print("ISO %s: %d bytes (%.2f MB; budget 5 MB)%s" % (
        os.path.relpath(kernel_iso, ROOT), size, size / 1e6,
        "" if size <= ISO_BUDGET else "  (over budget)"))
    out = subprocess.run(["readelf", "-lW", KERNEL], capture_output=True,
                         text=True).stdout
    segs = []
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            flags = "".join(x for x in f[6:-1])
            segs.append("%s %d KiB" % (flags, int(f[5], 16) // 1024))
    if segs:
        print("kernel image: " + ", ".join(segs))


def median_times(kargs, fargs, runs):
    """Boot the kernel and the floor in turn, so that a load that comes
    and goes on the machine lands on both alike."""
    boot_once(kargs)    # warm the page cache; not counted
    boot_once(fargs)
    k, f = [], []
    for _ in range(runs):
        k.append(boot_once(kargs))
        f.append(boot_once(fargs))
    return statistics.median(k), statistics.median(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--runs", type=int, default=11)
    ap.add_argument("--no-uefi", dest="uefi", action="store_false",
                    help="leave out the UEFI ISO path (OVMF, ~5 s a boot)")
    ap.add_argument("--uefi", action="store_true",
                    help="the UEFI path too (the default; kept for old "
                    "scripts)")
    ap.set_defaults(uefi=True)
    opts = ap.parse_args()
    if not os.path.exists(KERNEL):
        sys.exit("bench: build/kernel.elf missing; run make first")

    floor = build_floor()
    floor_iso = build_iso(floor, "floor")
    kernel_iso = build_iso(KERNEL, "kernel")
    paths = [
        ("BIOS ISO (-M pc)", ["-M", "pc", "-cdrom", kernel_iso],
         ["-M", "pc", "-cdrom", floor_iso]),
        ("PVH -kernel (-M q35)", ["-M", "q35", "-kernel", KERNEL],
         ["-M", "q35", "-kernel", floor]),
    ]
    if opts.uefi:
        paths.append(("UEFI ISO (q35, OVMF)",
                      ["-M", "q35", "-cdrom", kernel_iso] + OVMF,
                      ["-M", "q35", "-cdrom", floor_iso] + OVMF))

    print_sizes(kernel_iso)
    print("median of %d boots, QEMU start to exit, TCG" % opts.runs)
    print("%-22s %10s %10s %7s" % ("path", "kernel", "floor", "ratio"))
    for name, kargs, fargs in paths:
        k, f = median_times(kargs, fargs, opts.runs)
        print("%-22s %9.3fs %9.3fs %6.2fx%s" % (
            name, k, f, k / f, "" if k / f <= 1.2 else "  (target 1.2x)"))


if __name__ == "__main__":
    main()

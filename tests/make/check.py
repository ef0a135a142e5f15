#!/usr/bin/env python3
"""
The make stage of `make test`: what the Makefile promises about its own
output and its targets (docs/install.md, "Other targets").  Everything
is built in a scratch directory, BUILD=build/make-test, so build/ is not
disturbed.

    python3 tests/make/check.py [-v] [-k NAME] [--keep]

  quiet    `make clean && make iso` prints one short line per step
           ("  CC      kernel/main.c"), none longer than 100 characters,
           one CC or AS line for each object it leaves, and GEN, LD and
           ISO lines for the font, the links and the image
  silent   `make -s` prints nothing while it rebuilds
  verbose  `make V=1` prints the full commands (gcc on kernel/main.c,
           nasm on boot/boot.asm, the font generator, the link, the ISO
           builder) and no short line; the link line is the long one
  host     the host unit tests' and the fuzz targets' objects print
           HOSTCC, HOSTLD, FUZZCC and FUZZLD lines
  iso      `make iso CMDLINE=... MODULES=...`: a command line full of
           GRUB syntax (; } $ ' # and quotes) and two modules reach
           build/pvbus-custom.iso's grub.cfg exactly as
           `tools/mkiso.sh -n` writes them for the same arguments;
           build/pvbus.iso is left alone; the same arguments again
           build nothing, other ones build again, ISO= names the file,
           and a line mkiso.sh refuses fails with its reason and leaves
           no ISO
  debug    `make debug GDB_ARGS="-batch -ex 'break kmain' -ex continue
           -ex bt"` stops in kmain(), entered from the PVH path, and no
           QEMU is left afterwards; a breakpoint on a function the boot
           never calls is not reported hit (the check can fail), and
           that boot's serial log has the command line it was given

One PASS or FAIL line per check, then "N passed, N failed"; exit 1 if
any failed.  Python 3 standard library only.
"""

import argparse
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRATCH = "build/make-test"
LINE_MAX = 100
SHORT = re.compile(r"^  ([A-Z]+) +(\S+)$")
# A hostile command line for GRUB script: each of ; } $ ' # and a
# double-quoted value with a space.
HOSTILE = ("hv=sim:vmware vmt.script=\"ping;OS_Halt\" a=b$c 'd' e=}# "
           "f=\"g h\"")
MODULES = "tests/cpuid-dumps/kvm-qemu-i7-8650u-1.txt=dump README.md"


class Stage:
    def __init__(self, verbose):
        self.verbose = verbose
        self.passed = self.failed = 0

    def result(self, ok, name, detail=()):
        print("%s  %s" % ("PASS" if ok else "FAIL", name))
        for d in detail if not ok or self.verbose else ():
            print("      " + d)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def make(*args, timeout=600):
    """make in the repository with the scratch BUILD: (status, output).
    MAKEFLAGS and V from outside are dropped: the output is what a
    person typing the command would see."""
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "V", "CMDLINE",
              "MODULES", "ISO", "GDB_ARGS", "PROFILE"):
        env.pop(k, None)
    p = subprocess.run(["make", "--no-print-directory", "BUILD=" + SCRATCH]
                       + list(args), cwd=REPO, env=env, timeout=timeout,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace")
    return p.returncode, p.stdout


def scratch(*parts):
    return os.path.join(REPO, SCRATCH, *parts)


def grub_cfg(iso):
    """/boot/grub/grub.cfg of an ISO, through xorriso; None if absent."""
    out = scratch("grub.cfg")
    if os.path.exists(out):
        os.unlink(out)
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", iso, "-extract",
                    "/boot/grub/grub.cfg", out], capture_output=True,
                   timeout=120)
    if not os.path.exists(out):
        return None
    with open(out) as f:
        return f.read()


def mkiso_n(cmdline, modules):
    p = subprocess.run(["tools/mkiso.sh", "-n", "x.iso", SCRATCH +
                        "/kernel.elf", cmdline] + modules.split(),
                       cwd=REPO, capture_output=True, text=True, timeout=60)
    return p.stdout


def long_lines(out):
    return ["%d characters: %s..." % (len(l), l[:60])
            for l in out.splitlines() if len(l) > LINE_MAX]


def check_quiet(st):
    rc, out = make("clean")
    if rc != 0:
        st.result(False, "quiet: make clean", out.splitlines()[-5:])
        return False
    t0 = time.time()
    rc, out = make("-j2", "iso")
    lines = out.splitlines()
    bad = long_lines(out)
    odd = [l for l in lines if not SHORT.match(l)]
    kinds = [SHORT.match(l).groups() for l in lines if SHORT.match(l)]
    objs = glob.glob(scratch("**", "*.o"), recursive=True)
    ncomp = sum(1 for k, _ in kinds if k in ("CC", "AS"))
    want = [("GEN", SCRATCH + "/kernel/font.c"),
            ("LD", SCRATCH + "/kernel.pass1.elf"),
            ("LD", SCRATCH + "/kernel.elf"), ("ISO", SCRATCH + "/pvbus.iso"),
            ("CC", "kernel/main.c"), ("AS", "boot/boot.asm")]
    missing = ["no line %-7s %s" % w for w in want if w not in kinds]
    detail = ["exit status %d" % rc] if rc else []
    detail += bad + ["not a short line: %r" % l for l in odd[:5]] + missing
    if ncomp != len(objs):
        detail.append("%d CC/AS lines for %d objects" % (ncomp, len(objs)))
    st.result(rc == 0 and not detail, "quiet: make clean && make iso: "
              "%d lines, the longest %d characters (at most %d), a CC or "
              "AS line per object (%d) (%.0f s)" % (
                  len(lines), max((len(l) for l in lines), default=0),
                  LINE_MAX, len(objs), time.time() - t0),
              detail or lines[:3] + ["..."] + lines[-3:])
    return rc == 0


def check_silent(st):
    rc, out = make("-s", "-W", "kernel/main.c", "iso")
    st.result(rc == 0 and out == "", "silent: make -s rebuilding "
              "kernel/main.c and the ISO prints nothing",
              ["exit status %d" % rc] + out.splitlines()[:5])


def check_verbose(st):
    rc, out = make("V=1", "-W", "kernel/main.c", "-W", "boot/boot.asm",
                   "-W", "tools/mkfont.py", "iso")
    lines = out.splitlines()
    want = {
        "gcc on kernel/main.c": r"^gcc .*-c kernel/main\.c -o "
                                + re.escape(SCRATCH) + r"/kernel/main\.o$",
        "nasm on boot/boot.asm": r"^nasm .* boot/boot\.asm -o ",
        "the font generator": r"^python3 tools/mkfont\.py ",
        "the link": r"^ld .*-o " + re.escape(SCRATCH) + r"/kernel\.elf\.tmp ",
        "the ISO builder": r"^.*tools/mkiso\.sh " + re.escape(SCRATCH)
                           + r"/pvbus\.iso ",
    }
    detail = ["exit status %d" % rc] if rc else []
    detail += ["no command line for %s" % k for k, rx in want.items()
               if not any(re.search(rx, l) for l in lines)]
    detail += ["a short line under V=1: %r" % l for l in lines
               if SHORT.match(l)]
    link = [l for l in lines if l.startswith("ld ")]
    longest = max((len(l) for l in link), default=0)
    if longest <= LINE_MAX:
        detail.append("the link line is %d characters: not the full "
                      "command" % longest)
    st.result(not detail, "verbose: make V=1 prints the full commands "
              "(the link line: %d characters)" % longest, detail)


def check_host(st):
    rc, out = make("-j2", SCRATCH + "/host/test_printf",
                   SCRATCH + "/fuzz/fuzz_cpuid_dump")
    lines = out.splitlines()
    kinds = {SHORT.match(l).group(1) for l in lines if SHORT.match(l)}
    detail = ["exit status %d" % rc] if rc else []
    detail += ["no %s line" % k for k in ("HOSTCC", "HOSTLD", "FUZZCC",
                                          "FUZZLD") if k not in kinds]
    detail += long_lines(out)
    detail += ["not a short line: %r" % l for l in lines
               if not SHORT.match(l)][:5]
    st.result(not detail, "host: unit and fuzz objects print HOSTCC, "
              "HOSTLD, FUZZCC, FUZZLD", detail or lines)


def check_iso(st):
    plain = scratch("pvbus.iso")
    custom = scratch("pvbus-custom.iso")
    before = os.stat(plain).st_mtime_ns if os.path.exists(plain) else None

    rc, out = make("iso")
    st.result(rc == 0 and out == "" and before is not None and
              os.stat(plain).st_mtime_ns == before,
              "iso: plain make iso again builds nothing",
              ["exit status %d" % rc] + out.splitlines()[:5])

    rc, out = make("iso", "CMDLINE=" + HOSTILE, "MODULES=" + MODULES)
    cfg = grub_cfg(custom) if rc == 0 else None
    want = mkiso_n(HOSTILE, MODULES)
    detail = ["exit status %d" % rc] + out.splitlines()[-5:] if rc else []
    if rc == 0 and cfg != want:
        detail += ["grub.cfg differs from tools/mkiso.sh -n's:"] + [
            "  got  %r" % l for l in (cfg or "(none)").splitlines()
            if "multiboot2" in l or "module2" in l] + [
            "  want %r" % l for l in want.splitlines()
            if "multiboot2" in l or "module2" in l]
    if before is not None and os.stat(plain).st_mtime_ns != before:
        detail.append("build/pvbus.iso was rebuilt")
    st.result(not detail, "iso: CMDLINE with ; } $ ' # and quotes, and two "
              "MODULES, reach pvbus-custom.iso's grub.cfg as mkiso.sh "
              "writes them", detail or [l for l in (cfg or "").splitlines()
                                        if "module2" in l or "multiboot2"
                                        in l])

    rc, out = make("iso", "CMDLINE=" + HOSTILE, "MODULES=" + MODULES)
    st.result(rc == 0 and "ISO" not in out, "iso: the same arguments "
              "again build nothing", ["exit status %d" % rc] +
              out.splitlines()[:5])

    rc, out = make("iso", "CMDLINE=fault=gp", "MODULES=" + MODULES)
    cfg = grub_cfg(custom) if rc == 0 else ""
    st.result(rc == 0 and re.search(r"^  ISO +" + re.escape(SCRATCH), out,
                                    re.M) is not None and
              "multiboot2 /boot/kernel.elf 'fault=gp'\n" in (cfg or ""),
              "iso: another CMDLINE builds again, with the new line",
              ["exit status %d" % rc] + out.splitlines()[:5])

    named = SCRATCH + "/named.iso"
    rc, out = make("iso", "CMDLINE=fault=ud", "ISO=" + named)
    cfg = grub_cfg(os.path.join(REPO, named)) if rc == 0 else ""
    st.result(rc == 0 and "'fault=ud'" in (cfg or ""), "iso: ISO= names "
              "the file", ["exit status %d" % rc] + out.splitlines()[:5])

    rc, out = make("iso", "CMDLINE=a \"b")
    st.result(rc != 0 and "mkiso: refusing the command line" in out and
              not os.path.exists(custom), "iso: a refused command line "
              "fails with mkiso.sh's reason and leaves no ISO",
              ["exit status %d" % rc] + out.splitlines()[:5] +
              (["%s is still there" % custom] if os.path.exists(custom)
               else []))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def check_debug(st):
    port = free_port()
    log = SCRATCH + "/debug.log"
    rc, out = make("debug", "GDB_PORT=%d" % port, "DEBUG_LOG=" + log,
                   "GDB_ARGS=-batch -ex 'break kmain' -ex continue -ex bt",
                   timeout=60)
    # 0x336ec578: XEN_HVM_START_MAGIC_VALUE (Xen's
    # include/public/arch-x86/hvm/start_info.h), so the PVH entry.
    hit = re.search(r"^Breakpoint 1, kmain \(magic=862897528, info_pa=\d+\) "
                    r"at kernel/main\.c:\d+$", out, re.M)
    bt = re.search(r"^#0  kmain \(", out, re.M)
    left = port_open(port) or os.path.exists(os.path.join(REPO, log + ".pid"))
    detail = ["exit status %d" % rc] if rc else []
    detail += [] if hit else ["no \"Breakpoint 1, kmain (magic=862897528"
                              ", ...)\" line"]
    detail += [] if bt else ["no backtrace from kmain"]
    detail += ["QEMU is still running (port %d answers, or the pid file "
               "is there)" % port] if left else []
    st.result(not detail, "debug: make debug GDB_ARGS=\"-batch -ex 'break "
              "kmain' -ex continue -ex bt\" stops in kmain, from PVH",
              detail + out.splitlines()[-8:] if detail else
              [l for l in out.splitlines() if "kmain" in l])

    # The control: a function the boot never calls.  The kernel runs to
    # its end, QEMU exits, gdb sees the connection close.
    port = free_port()
    rc, out = make("debug", "GDB_PORT=%d" % port, "DEBUG_LOG=" + log,
                   "CMDLINE=fault=ud",
                   "GDB_ARGS=-batch -ex 'break panic' -ex continue",
                   timeout=60)
    try:
        with open(os.path.join(REPO, log), errors="replace") as f:
            serial = f.read()
    except OSError:
        serial = ""
    never = not re.search(r"^Breakpoint 1, panic", out, re.M)
    st.result(never and 'command line "fault=ud"' in serial and
              "# CRASH #UD" in serial and not port_open(port),
              "debug: control: break panic is never hit, the boot ends, and "
              "its serial log has CMDLINE=fault=ud",
              out.splitlines()[-6:] + ["serial log: %d bytes" % len(serial)])


CHECKS = [("quiet", check_quiet), ("silent", check_silent),
          ("verbose", check_verbose), ("host", check_host),
          ("iso", check_iso), ("debug", check_debug)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-k", metavar="NAME", help="only the checks whose "
                    "name contains NAME (quiet always runs: it builds)")
    ap.add_argument("--keep", action="store_true",
                    help="keep " + SCRATCH + " afterwards")
    args = ap.parse_args(argv)
    st = Stage(args.verbose)
    for name, fn in CHECKS:
        if name != "quiet" and args.k and args.k not in name:
            continue
        try:
            built = fn(st)
        except subprocess.TimeoutExpired as e:
            st.result(False, "%s: timed out after %s s: %s" % (
                name, e.timeout, " ".join(map(str, e.cmd))[:80]))
            built = None
        if name == "quiet" and built is False:
            print("(the other checks need the build)")
            break
    if not args.keep:
        shutil.rmtree(os.path.join(REPO, SCRATCH), ignore_errors=True)
    print("%d passed, %d failed" % (st.passed, st.failed))
    return 1 if st.failed else 0


if __name__ == "__main__":
    sys.exit(main())

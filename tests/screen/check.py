#!/usr/bin/env python3
"""tests/screen/check.py: what a person sees, checked (`make test`'s
screen stage).

Each case boots build/kernel.elf from a GRUB ISO with exit=halt on the
command line, so that the kernel stops with its report and summary panel
on the screen instead of ending QEMU.  QEMU runs with a QMP socket; once
the serial log has its last line (`# exit status ...`, printed after the
panel is drawn) the case takes a screendump and reads the screen back:

  - a framebuffer (UEFI GOP, or VESA on BIOS) cell by cell, matching each
    cell against the glyphs of the kernel's own font (tools/mkfont.py),
    so the text is read exactly and anything that is no glyph in two
    colours reads as garbage;
  - EGA text from QEMU's VGA memory (the monitor's xp at 0xb8000), and
    the screendump is checked to draw exactly those cells.

The screen must then hold, row for row, what the serial log says it
must (screen.py, expected()): the summary panel over the top rows in
the verdict's colour (green pass, red failure or crash, amber halt
requested by the host), white on it, and under it the end of the report
in light grey on black.  Each case also checks the verdict and the
failed tests the summary names, and for a crash that the registers and
the test's name are on screen.  The hypervisor and children lines are
checked against the `pvbus:` facts once the bus reports to the summary
(the marker: a `# summary: hypervisors:` line); until then the case
says they were not checked.

Last, the reader itself is shown to fail: a blank screen, a garbled one
(shifted by a pixel), one wrong character, a panel in the wrong colour,
and an EGA screen whose memory says other than the screendump shows.

Usage: tests/screen/check.py [-j N] [-k SUBSTRING] [-v] [--png]
                             [--docs] [--keep]
Ends with "N passed, N failed" (", N skipped" if any); exit status 1 if
anything failed.  Logs, screendumps and PNGs: build/screen/.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import screen as S

REPO = S.REPO
BUILD = os.path.join(REPO, "build", "screen")
KERNEL = os.path.join(REPO, "build", "kernel.elf")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
TIMEOUT = 90            # seconds to the last serial line; UEFI takes ~5


class Case:
    def __init__(self, name, boot, cmdline="", verdict="PASS",
                 failed="none", screen="fb", qemu=(), gfx=None,
                 crash=False, docs=None):
        self.name = name
        self.boot = boot                # "uefi" or "bios"
        self.cmdline = "exit=halt" + (" " + cmdline if cmdline else "")
        self.verdict = verdict          # the summary's first word
        self.failed = failed            # its "failed:" line, after "failed: "
        self.screen = screen            # "fb", "ega", or "refused"
        self.qemu = list(qemu)
        self.gfx = gfx                  # GFXPAYLOAD for tools/mkiso.sh
        self.crash = crash              # the registers must be on screen
        self.docs = docs                # docs/screenshots/ name, --docs


HALT = "hv=sim:vmware vmt.script=OS_Halt"
CASES = [
    # OVMF with QEMU's standard VGA: GOP at 1024x768, BGRX.
    Case("uefi-std-pass", "uefi", docs="uefi-pass.png"),
    Case("uefi-std-fail", "uefi", "nosuchkey=1", verdict="FAIL",
         failed="cmdline_parsed"),
    Case("uefi-std-crash", "uefi", "fault=gp", verdict="CRASH",
         failed="deliberate_fault (crashed)", crash=True,
         docs="uefi-crash.png"),
    Case("uefi-std-halt", "uefi", HALT, verdict="HALT"),
    # OVMF drives bochs-display (QemuVideoDxe) with a linear framebuffer.
    Case("uefi-bochs-pass", "uefi", qemu=["-vga", "none", "-device",
                                          "bochs-display"]),
    # 1920 pixels wide: every font pixel 2x2.
    Case("uefi-wide-crash", "uefi", "fault=ud", verdict="CRASH",
         failed="deliberate_fault (crashed)", crash=True,
         gfx="1920x1080x32"),
    # OVMF's virtio-gpu GOP only blits: GRUB passes address 0, the
    # kernel says why it does not draw, and the report goes on.
    Case("uefi-virtio-refused", "uefi", screen="refused",
         qemu=["-vga", "none", "-device", "virtio-gpu-pci"]),
    # BIOS: EGA text, as GRUB leaves it by default.
    Case("bios-text-pass", "bios", screen="ega"),
    Case("bios-text-fail", "bios", "nosuchkey=1", verdict="FAIL",
         failed="cmdline_parsed", screen="ega"),
    Case("bios-text-crash", "bios", "fault=gp", verdict="CRASH",
         failed="deliberate_fault (crashed)", screen="ega", crash=True),
    Case("bios-text-halt", "bios", HALT, verdict="HALT", screen="ega"),
    # BIOS with a VESA mode, when asked for (grub.cfg's gfxpayload).
    Case("bios-vbe-halt", "bios", HALT, verdict="HALT", gfx="1024x768x32"),
]


class Result:
    def __init__(self, case):
        self.case = case
        self.status = "FAIL"
        self.summary = ""
        self.details = []
        self.elapsed = 0.0
        self.image = None       # the screendump (screen.Image)
        self.cells = None       # EGA: the cells read from memory
        self.want = None        # the expected rows
        self.lines = None


def missing(case):
    if not shutil.which(QEMU):
        return QEMU + " not installed (Debian: qemu-system-x86)"
    if not shutil.which("grub-mkrescue"):
        return "grub-mkrescue not installed (Debian: grub-common)"
    if case.boot == "uefi":
        for f in (OVMF_CODE, OVMF_VARS):
            if not os.path.exists(f):
                return "%s not found (Debian: ovmf)" % f
    return None


def build_iso(case):
    iso = os.path.join(BUILD, case.name + ".iso")
    env = dict(os.environ)
    env.pop("GFXPAYLOAD", None)
    if case.gfx:
        env["GFXPAYLOAD"] = case.gfx
    p = subprocess.run(["sh", os.path.join(REPO, "tools", "mkiso.sh"), iso,
                        KERNEL, case.cmdline], env=env, capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise S.ScreenError("mkiso failed: %s" % p.stderr.strip())
    return iso


def qemu_argv(case, iso, log, sock):
    argv = [QEMU, "-display", "none", "-no-reboot", "-monitor", "none",
            "-parallel", "none", "-serial", "file:" + log, "-m", "128M",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-qmp", "unix:%s,server=on,wait=off" % sock, "-cdrom", iso]
    if case.boot == "uefi":
        argv += ["-M", "q35",
                 "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" +
                 OVMF_CODE,
                 "-drive", "if=pflash,format=raw,unit=1,snapshot=on,file=" +
                 OVMF_VARS]
    else:
        argv += ["-M", "pc"]
    return argv + case.qemu


def wait_for_end(proc, log):
    """The last serial line, or why it never came."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            with open(log, "rb") as f:
                if b"# exit status " in f.read():
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            raise S.ScreenError("QEMU exited %d before the report ended" %
                                proc.returncode)
        time.sleep(0.1)
    raise S.ScreenError("no '# exit status' line within %d s" % TIMEOUT)


def boot(case, r):
    """Boot, wait, take the screen; QEMU is always stopped."""
    iso = build_iso(case)
    log = os.path.join(BUILD, case.name + ".log")
    ppm = os.path.join(BUILD, case.name + ".ppm")
    sock = os.path.join(BUILD, case.name + ".qmp")
    for f in (log, ppm, sock):
        if os.path.exists(f):
            os.unlink(f)
    with open(os.path.join(BUILD, case.name + ".stderr"), "w") as err:
        proc = subprocess.Popen(qemu_argv(case, iso, log, sock),
                                stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
    qmp = None
    try:
        qmp = S.Qmp(sock)
        wait_for_end(proc, log)
        qmp.cmd("screendump", filename=ppm)
        r.lines = S.log_lines(log)
        m = [re.search(r"vga0 at mainbus0: EGA text (\d+)x(\d+) at "
                       r"(0x[0-9a-f]+)", l) for l in r.lines]
        m = [x for x in m if x]
        if case.screen == "ega" and m:
            r.cells = S.read_ega(qmp, int(m[0].group(1)),
                                 int(m[0].group(2)), int(m[0].group(3), 16))
        qmp.cmd("quit")
        proc.wait(timeout=30)
    finally:
        if qmp is not None:
            qmp.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    r.image = S.read_ppm(ppm)


def check_summary(case, r, summary):
    if not summary:
        raise S.ScreenError("no '# summary:' lines after the totals")
    verdict = summary[0].split(":", 1)[0]
    if verdict != case.verdict:
        raise S.ScreenError("the summary says %r, expected %s" % (
            summary[0], case.verdict))
    failed = [l for l in summary if l.startswith("failed: ")]
    if failed != ["failed: " + case.failed]:
        raise S.ScreenError("the summary's failed line is %r, expected "
                            "'failed: %s'" % (failed, case.failed))


def check_bus(lines, summary):
    """The hypervisors and children lines against the pvbus facts, once
    the bus reports them (else None: not checked)."""
    hv = [l for l in summary if l.startswith("hypervisors: ")]
    if not hv:
        return None
    hv = hv[0]
    for l in lines:
        m = re.match(r"pvbus: hv base=(0x[0-9a-f]{8}) .* primary=(yes|no)$",
                     l)
        if not m:
            continue
        want = "at %s%s" % (m.group(1), " (primary)" if m.group(2) == "yes"
                            else "")
        if want not in hv or (m.group(2) == "no" and
                              "at %s (primary)" % m.group(1) in hv):
            raise S.ScreenError("%r lacks %r (%s)" % (hv, want, l))
    # The backdoor is an entry of its own when no VMware CPUID signature
    # accounts for it, as on the "pvbus0 at mainbus0" line.
    if any(l.startswith("pvbus: backdoor ") and "vmware_cpuid=no" in l
           for l in lines) != ("VMware backdoor" in hv):
        raise S.ScreenError("%r and the pvbus: backdoor line disagree" % hv)
    children = [l for l in summary if l.startswith("children: ")]
    counts = [re.match(r"pvbus: (\d+) attached, (\d+) failed", l)
              for l in lines]
    counts = [c for c in counts if c]
    if counts and children:
        n = children[0].count(" attached") - \
            children[0].count("none attached")
        if n != int(counts[-1].group(1)):
            raise S.ScreenError("%r names %d attached, the bus %s" % (
                children[0], n, counts[-1].group(0)))
    return "hypervisors and children match the pvbus facts"


def decode(case, r):
    """The screen as rows of cells, and its size in cells."""
    if case.screen == "ega":
        if r.cells is None:
            raise S.ScreenError("no 'vga0 at mainbus0: EGA text' line")
        return S.check_ega(r.image, r.cells)
    m = [re.search(r"fb0 at mainbus0: (\d+)x(\d+) at 0x[0-9a-f]+, \d+ bpp "
                   r".*, (\d+)x(\d+) text", l) for l in r.lines]
    m = [x for x in m if x]
    if not m:
        raise S.ScreenError("no 'fb0 at mainbus0' line")
    w, h, cols, rows = (int(x) for x in m[0].groups())
    if (w, h) != (r.image.width, r.image.height):
        raise S.ScreenError("the kernel drew %dx%d, the screendump is "
                            "%dx%d" % (w, h, r.image.width, r.image.height))
    gcols, grows, scale = S.fb_geometry(w, h)
    if (gcols, grows) != (cols, rows):
        raise S.ScreenError("the kernel has %dx%d cells, %dx%d expected" % (
            cols, rows, gcols, grows))
    return S.decode_fb(r.image, cols, rows, scale)


def check_case(case, r):
    summary, _ = S.summary_of(r.lines)
    check_summary(case, r, summary)
    notes = []
    if case.screen == "refused":
        why = [l for l in r.lines if l.startswith(
            "# screen: the framebuffer is not used: ")]
        if not why:
            raise S.ScreenError("no '# screen: the framebuffer is not "
                                "used' line")
        return "%s; %s" % (summary[0], why[0][2:])
    screen = decode(case, r)
    rows, cols = len(screen), len(screen[0])
    r.want = S.expected(r.lines, cols, rows)
    S.compare(screen, r.want, case.verdict)
    if case.crash:
        text = S.text_of(screen)
        for want in ("# CRASH ", "# rip 0x", "# rax 0x", "# r13 0x",
                     "not ok "):
            if not any(t.lstrip().startswith(want) for t in text):
                raise S.ScreenError("the crash report's %r line is not on "
                                    "the screen" % want)
        notes.append("registers on screen")
    bus = check_bus(r.lines, summary)
    notes.append(bus if bus else "hypervisors and children not checked: "
                 "the bus does not report to the summary yet")
    return "%s; %dx%d %s text as the log says; %s" % (
        summary[0], cols, rows, "EGA" if case.screen == "ega" else
        "framebuffer", "; ".join(notes))


def run(case, opts):
    r = Result(case)
    t0 = time.monotonic()
    why = missing(case)
    if why:
        r.status, r.summary = "SKIP", why
        return r
    try:
        boot(case, r)
        r.summary = check_case(case, r)
        r.status = "PASS"
    except (S.ScreenError, OSError, subprocess.SubprocessError) as e:
        r.summary = str(e)
    r.elapsed = time.monotonic() - t0
    if r.image is not None and (opts.png or r.status == "FAIL"):
        S.write_png(r.image, os.path.join(BUILD, case.name + ".png"))
    if r.image is not None and opts.docs and case.docs and \
            r.status == "PASS":
        d = os.path.join(REPO, "docs", "screenshots")
        os.makedirs(d, exist_ok=True)
        S.write_png(r.image, os.path.join(d, case.docs))
    return r


# ---------------------------------------------------------------------
# The reader must fail on a broken screen.

def must_fail(name, fn):
    try:
        fn()
    except S.ScreenError as e:
        return ("PASS", "%s: the check fails: %s" % (name, e))
    return ("FAIL", "%s: the check passed a broken screen" % name)


def selftests(results):
    out = []
    fb = next((r for r in results if r.status == "PASS" and
               r.case.screen == "fb" and r.case.name.startswith("uefi")),
              None)
    if fb is not None:
        img, verdict = fb.image, fb.case.verdict
        cols, rows, scale = S.fb_geometry(img.width, img.height)

        def check(image):
            S.compare(S.decode_fb(image, cols, rows, scale), fb.want,
                      verdict)
        check(img)      # the untouched screen passes, or this is moot
        blank = S.Image(img.width, img.height, bytes(len(img.data)))
        out.append(must_fail("blank framebuffer", lambda: check(blank)))
        shifted = S.Image(img.width, img.height,
                          b"\0\0\0" + bytes(img.data[:-3]))
        out.append(must_fail("framebuffer shifted by a pixel",
                             lambda: check(shifted)))
        wrong = S.Image(img.width, img.height, img.data)
        wrong.data[:] = S.render_fb(
            [[("X" if (y, x) == (rows - 1, 0) else c, fg, bg)
              for x, (c, fg, bg) in enumerate(line)]
             for y, line in enumerate(S.decode_fb(img, cols, rows, scale))],
            img.width, img.height, scale).data
        out.append(must_fail("one wrong character", lambda: check(wrong)))
        recoloured = S.Image(img.width, img.height, img.data)
        c = S.VERDICT_COLOUR[verdict]
        recoloured.data[:] = bytes(recoloured.data).replace(
            c.to_bytes(3, "big"), S.PALETTE[1].to_bytes(3, "big"))
        out.append(must_fail("panel blue instead of %s" %
                             S.COLOUR_NAME[c], lambda: check(recoloured)))
    ega = next((r for r in results if r.status == "PASS" and
                r.case.screen == "ega"), None)
    if ega is not None:
        blank_cells = [[(" ", 7, 0)] * len(ega.cells[0])] * len(ega.cells)
        out.append(must_fail("blank EGA screen", lambda: S.check_ega(
            S.Image(ega.image.width, ega.image.height,
                    bytes(len(ega.image.data))), ega.cells)))
        out.append(must_fail("EGA memory blank, screendump full",
                             lambda: S.check_ega(ega.image, blank_cells)))
        swapped = [list(line) for line in ega.cells]
        y = len(swapped) - 1
        x = next(i for i, c in enumerate(swapped[y]) if c[0] != " ")
        swapped[y][x] = ("Q" if swapped[y][x][0] != "Q" else "R",) + \
            swapped[y][x][1:]
        out.append(must_fail("EGA memory and screendump differ in a cell",
                             lambda: S.compare(S.check_ega(ega.image,
                                                           swapped),
                                               ega.want,
                                               ega.case.verdict)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-k", dest="pattern", default="",
                    help="only the cases whose name holds this")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--png", action="store_true",
                    help="write build/screen/CASE.png for every case")
    ap.add_argument("--docs", action="store_true",
                    help="write docs/screenshots/ from the passing cases")
    opts = ap.parse_args()
    if not os.path.exists(KERNEL):
        sys.exit("screen: build/kernel.elf missing; run make first")
    os.makedirs(BUILD, exist_ok=True)
    cases = [c for c in CASES if opts.pattern in c.name]
    npass = nfail = nskip = 0
    results = []
    with concurrent.futures.ThreadPoolExecutor(max(1, opts.jobs)) as pool:
        for r in pool.map(lambda c: run(c, opts), cases):
            results.append(r)
            print("%-4s  %-20s %6s  %s" % (
                r.status, r.case.name, "-" if r.status == "SKIP" else
                "%.1fs" % r.elapsed, r.summary), flush=True)
            if r.status == "FAIL":
                print("      log: %s" % os.path.relpath(os.path.join(
                    BUILD, r.case.name + ".log"), REPO))
            npass += r.status == "PASS"
            nfail += r.status == "FAIL"
            nskip += r.status == "SKIP"
    for status, msg in selftests(results):
        print("%-4s  %-20s %6s  %s" % (status, "selftest", "-", msg))
        npass += status == "PASS"
        nfail += status == "FAIL"
    print("%d passed, %d failed%s" % (npass, nfail, ", %d skipped" % nskip
                                      if nskip else ""))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())

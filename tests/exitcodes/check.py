#!/usr/bin/env python3
"""
The exitcodes stage of `make test`: every row of the exit-code table
(README.md, "Exit codes"; tests/boot/harness/exitcodes.py) must come out
of tools/pvbus-run, the command users run instead of `make run` when the
code matters, and its last line must name the verdict and the code.

    python3 tests/exitcodes/check.py [-v] [-k NAME]

Real boots of the ISO under QEMU (SeaBIOS), through the documented
command, wherever QEMU can be made to end that way:

    pass      no command line
    fail      CMDLINE=bogus=1 (cmdline_parsed fails on an unknown key)
    crash     CMDLINE=fault=gp
    booterr   -- -cpu qemu32 (a CPU without long mode: boot.asm says so)
    halt      CMDLINE='hv=sim:vmware vmt.script="ping;OS_Halt"' (the
              simulated VMware host asks for a power-off)
    noreport  CMDLINE=fault=triple (QEMU exits 0 under -no-reboot)
    timeout   CMDLINE=fault=hang RUN_TIMEOUT=3
    error     CMDLINE='vmt.script="abc' (tools/mkiso.sh refuses an
              unterminated quote), PROFILE= a missing file, a bad option

Faked, because no input makes QEMU end that way here:

    panic     a fake QEMU that prints a panicking report and exits 41:
              the kernel's panic() guards states no command line reaches
    error     QEMU=/bin/false (a QEMU that cannot start exits 1) and a
              QEMU binary that does not exist
    mapping   a fake QEMU exiting with each code QEMU can give (33 to 43,
              0, 1, 2 and an unknown status 45) maps to its row

Each real boot's serial output must also give the same code through
exitcodes.code_from_log() (what the VMware and Hyper-V scripts do on
hosts without an exit port), where the log alone can tell: not for a
timeout or a reset under -no-reboot, which leave no line behind.  The
real boots also write the serial output with --log, and
tools/pvbus-verdict must find the code in that file (for the timeout,
7: the log ends before the boot did).  And
`make run CMDLINE=bogus=1` must exit 2 (make's code for any failure)
while saying "exit code 1" in words.  And a PVH boot under a QEMU
without the exit device (as on VMware or Hyper-V) must end its log with
"# halted: nothing at port 0xf4 ended the machine ..." after the exit
status line, which still gives code 0 through code_from_log().

One line per row (PASS or FAIL), then "N passed, N failed"; exit 1 if a
row failed.  Python 3 standard library only.
"""

import argparse
import dataclasses
import os
import re
import stat
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "boot"))
from harness.exitcodes import EXIT_CODES, code_from_log  # noqa: E402

RUN = os.path.join(REPO, "tools", "pvbus-run")
VERDICT = os.path.join(REPO, "tools", "pvbus-verdict")
WORK = os.path.join(REPO, "build", "test-inputs", "exitcodes")
LAST_LINE_RE = re.compile(r"^pvbus-run: (\w+)\b.*, exit code (\d+)")

PANIC_REPORT = r"""pvbus testbed: booted via multiboot2 by "fake QEMU"
KTAP version 1
1..1
# running boot_info_parsed
# panic: fake: a state the code cannot reach
not ok 1 boot_info_parsed # crashed: panic
0 passed, 1 failed, 0 skipped
# exit status 0x14 (panic), QEMU exit code 41
"""

FAKE_PANIC = """#!/bin/sh
# A QEMU whose kernel panics: the report on the serial port (stdio),
# then the exit code of status 0x14.
cat "$(dirname "$0")/qemu-panic.report"
exit 41
"""

FAKE_EXIT = """#!/bin/sh
# A QEMU that exits with $FAKE_QEMU_EXIT and prints nothing.
exit "${FAKE_QEMU_EXIT:?}"
"""


@dataclasses.dataclass
class Row:
    name: str
    code: int                   # the table's code
    args: list                  # tools/pvbus-run's arguments
    env: dict = dataclasses.field(default_factory=dict)
    real: bool = True           # a real boot (else a fake QEMU)
    evidence: str = ""          # a regex the serial output must match
    from_log: bool = False      # code_from_log() must give the code too
    verdict_tool: bool = False  # and tools/pvbus-verdict on RUN_LOG
    timeout: int = 120


def rows():
    fake_panic = os.path.join(WORK, "qemu-panic")
    fake_exit = os.path.join(WORK, "qemu-exit")
    out = [
        Row("pass", 0, [], evidence=r"(?m)^# exit status 0x10 ",
            from_log=True, verdict_tool=True),
        Row("fail", 1, ["CMDLINE=bogus=1"],
            evidence=r"(?m)^not ok \d+ cmdline_parsed", from_log=True,
            verdict_tool=True),
        Row("crash", 2, ["--cmdline", "fault=gp"],
            evidence=r"(?m)^not ok \d+ deliberate_fault # crashed: #GP",
            from_log=True, verdict_tool=True),
        Row("booterr", 3, ["--", "-cpu", "qemu32"],
            evidence=r"boot: this CPU has no long mode", from_log=True,
            verdict_tool=True),
        Row("panic", 4, ["QEMU=" + fake_panic], real=False,
            evidence=r"(?m)^# panic: ", from_log=True),
        Row("halt", 5, ['CMDLINE=hv=sim:vmware vmt.script="ping;OS_Halt"'],
            evidence=r"(?m)^Shutting down in response to request from "
            r"vmt0 host", from_log=True, verdict_tool=True),
        Row("noreport", 6, [], env={"CMDLINE": "fault=triple"},
            evidence=r"(?m)^# raising a triple fault"),
        Row("timeout", 7, ["CMDLINE=fault=hang", "RUN_TIMEOUT=3"],
            evidence=r"(?m)^# raising a hang", timeout=60,
            verdict_tool=True),
        Row("error-mkiso", 8, ['CMDLINE=vmt.script="abc']),
        Row("error-profile", 8, ["--profile", "no/such/dump.txt"]),
        Row("error-option", 8, ["--no-such-option"]),
        Row("error-qemu-false", 8, ["--qemu", "/bin/false"], real=False),
        Row("error-qemu-missing", 8, ["QEMU=" + os.path.join(
            WORK, "no-such-qemu")], real=False),
    ]
    for qemu_rc in (33, 35, 37, 39, 41, 43, 0, 1, 2, 45):
        e = next((e for e in EXIT_CODES if e.qemu == qemu_rc), None)
        out.append(Row("mapping-qemu-exit-%d" % qemu_rc,
                       e.code if e else 8, ["--qemu", fake_exit],
                       env={"FAKE_QEMU_EXIT": str(qemu_rc)}, real=False))
    return out


def write_fakes():
    os.makedirs(WORK, exist_ok=True)
    for name, text in (("qemu-panic", FAKE_PANIC), ("qemu-exit", FAKE_EXIT),
                       ("qemu-panic.report", PANIC_REPORT)):
        path = os.path.join(WORK, name)
        with open(path, "w") as f:
            f.write(text)
        if name.startswith("qemu"):
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR |
                     stat.S_IXGRP | stat.S_IXOTH)


def run(argv, env, timeout):
    e = dict(os.environ)
    for k in ("CMDLINE", "PROFILE", "QEMU", "RUN_TIMEOUT", "RUN_LOG",
              "KERNEL", "MAKELEVEL", "MAKEFLAGS", "MFLAGS"):
        e.pop(k, None)
    e.update(env)
    try:
        p = subprocess.run(argv, cwd=REPO, env=e, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", "killed after %ds" % timeout
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def check_row(row):
    """Messages for what is wrong with one row; empty if it holds."""
    runlog = os.path.join(WORK, row.name + ".log")
    if os.path.exists(runlog):
        os.unlink(runlog)
    extra = ["--log", runlog] if row.verdict_tool else []
    rc, out, err = run([RUN] + extra + row.args, row.env, row.timeout)
    if rc is None:
        return [err]
    msgs = []
    want = EXIT_CODES[row.code]
    if rc != row.code:
        msgs.append("exit %d, the table says %d (%s)" % (
            rc, row.code, want.verdict))
    last = [l for l in err.splitlines() if l.startswith("pvbus-run: ")]
    words = [l for l in last if LAST_LINE_RE.match(l)]
    if not words:
        msgs.append("no line 'pvbus-run: VERDICT ..., exit code N' on "
                    "stderr: %r" % err.strip()[-200:])
    else:
        m = LAST_LINE_RE.match(words[-1])
        if (m.group(1), int(m.group(2))) != (want.verdict, row.code):
            msgs.append("last line says %s, exit code %s; the table: %s, "
                        "%d" % (m.group(1), m.group(2), want.verdict,
                                row.code))
    if row.evidence and not re.search(row.evidence, out):
        msgs.append("serial output lacks %s" % row.evidence)
    if row.from_log:
        got = code_from_log(out.splitlines())
        if got is None or got[0] != row.code:
            msgs.append("exitcodes.code_from_log() on the serial output: "
                        "%s, not %d" % (got, row.code))
    if row.verdict_tool:
        vrc, vout, verr = run([VERDICT, runlog], {}, 30)
        if vrc != row.code:
            msgs.append("tools/pvbus-verdict on the --log file exited %s, "
                        "not %d: %s" % (vrc, row.code, vout.strip()))
    return msgs


def check_make_run():
    """make run: exit 2 whatever the code, the code said in words."""
    rc, out, err = run(["make", "--no-print-directory", "run",
                        "CMDLINE=bogus=1"], {}, 120)
    msgs = []
    if rc != 2:
        msgs.append("make run CMDLINE=bogus=1 exited %s, not 2" % rc)
    if not re.search(r"(?m)^pvbus-run: fail: .*, exit code 1 ", err):
        msgs.append("make run did not say 'fail ..., exit code 1': %r"
                    % err.strip()[-300:])
    if "make reports every failure as exit status 2" not in err:
        msgs.append("make run did not say that make turns the code into 2")
    return msgs


def check_no_exit_port():
    """A QEMU without the exit device, as on VMware or Hyper-V: the
    kernel's "# exit status" line still gives the code through
    code_from_log(), and a last line says nothing ended the machine."""
    log = os.path.join(WORK, "no-exit-port.log")
    if os.path.exists(log):
        os.unlink(log)
    kernel = os.path.join(REPO, "build", "kernel.elf")
    p = subprocess.Popen([os.environ.get("QEMU", "qemu-system-x86_64"),
                          "-M", "q35", "-m", "128M", "-display", "none",
                          "-no-reboot", "-monitor", "none", "-serial",
                          "file:" + log, "-kernel", kernel],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    lines = []
    try:
        for _ in range(600):            # up to 60 s, for a slow runner
            if p.poll() is not None:
                break
            if os.path.exists(log):
                with open(log, "rb") as f:
                    lines = f.read().decode("utf-8", "replace").splitlines()
            if any(l.startswith("# halted: ") for l in lines):
                break
            time.sleep(0.1)
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
    msgs = []
    if p.returncode not in (-9, None) and not lines:
        msgs.append("QEMU ended by itself (%s): %s" % (
            p.returncode, p.stderr.read().decode("utf-8", "replace")[-200:]))
    if not lines or not re.match(r"^# halted: nothing at port 0xf4 ended "
                                 r"the machine", lines[-1]):
        msgs.append("the last serial line is not '# halted: nothing at "
                    "port 0xf4 ...': %r" % (lines[-1:] or "no output"))
    got = code_from_log(lines)
    if got is None or got[0] != 0:
        msgs.append("exitcodes.code_from_log() without an exit port: %s, "
                    "not 0" % (got,))
    return msgs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-k", dest="pattern", default="",
                    help="only rows whose name contains this")
    args = ap.parse_args()
    write_fakes()
    todo = [(r.name, r.real, lambda r=r: check_row(r)) for r in rows()]
    todo.append(("make-run", True, check_make_run))
    todo.append(("no-exit-port", True, check_no_exit_port))
    passed = failed = 0
    width = max(len(n) for n, _, _ in todo)
    for name, real, fn in todo:
        if args.pattern not in name:
            continue
        msgs = fn()
        print("%s  %-*s  %s" % ("FAIL" if msgs else "PASS", width, name,
                                msgs[0] if msgs else
                                "real QEMU" if real else "fake QEMU"))
        for m in msgs[1:]:
            print("      " + m)
        sys.stdout.flush()
        passed += not msgs
        failed += bool(msgs)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

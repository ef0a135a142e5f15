"""
What the harness's tests share: serial logs as the kernel writes them
(a pass, a failure, a crash, a crash in a subtest), forged streams that
fool prove or kunit.py, and a fake QEMU with a fake tools/mkiso.sh that
play the logs back.  No tests of its own; tests/boot/test_matrix.py
runs the test_*.py modules beside it.
"""

import contextlib
import io
import os
import shutil
import tempfile
import textwrap
import unittest

from . import cli, ktap


def log(text):
    """A serial log as the kernel writes it: CRLF line ends."""
    return ktap.split_log(
        textwrap.dedent(text).lstrip("\n").replace("\n", "\r\n").encode())


PASS_LOG = """
    SeaBIOS (version 1.16.2)
    Booting from DVD/CD...

    KTAP version 1
    1..6
    mainbus0 at root
    # running boot_info_parsed
    ok 1 boot_info_parsed
    # running memory_map_sane
    ok 2 memory_map_sane
    # running cmdline_parsed
    # cmdline: key="two words"
    ok 3 cmdline_parsed
    # running exceptions_catchable
    ok 4 exceptions_catchable
    # running pvbus
      KTAP version 1
      # Subtest: pvbus
      1..2
      ok 1 hvbit
      ok 2 bases # SKIP no hypervisor bit
    ok 5 pvbus
    # running deliberate_fault
    ok 6 deliberate_fault # SKIP no fault= on the command line
    5 passed, 0 failed, 1 skipped
    """

FAIL_LOG = PASS_LOG.replace(
    "ok 3 cmdline_parsed", "# cmdline: expected 3 words, got 2\n"
    "    not ok 3 cmdline_parsed").replace(
    "5 passed, 0 failed", "4 passed, 1 failed")

CRASH_LOG = """
    KTAP version 1
    1..3
    # running boot_info_parsed
    ok 1 boot_info_parsed
    # running deliberate_fault
    # CRASH #GP (general protection) error 0x0 in deliberate_fault
    # rip 0x0000000000102345 rflags 0x10046
    # rax 0x0 rbx 0x0 rcx 0x0 rdx 0x0
    not ok 2 deliberate_fault # crashed: #GP at 0x102345
    ok 3 pvbus # SKIP not run: crashed in deliberate_fault
    1 passed, 1 failed, 1 skipped
    """

NESTED_CRASH_LOG = """
    KTAP version 1
    1..2
    ok 1 boot_info_parsed
    # running pvbus
      KTAP version 1
      # Subtest: pvbus
      1..3
      ok 1 hvbit
      # running hypercall
      # CRASH #UD (invalid opcode) error 0x0 in pvbus
      # rip 0x104000
      not ok 2 hypercall # crashed: #UD at 0x104000
    not ok 2 pvbus # crashed: #UD at 0x104000
    1 passed, 1 failed, 0 skipped
    """


CASE = """
    # a comment
    boot: pvh
    machine: pc
    cmdline: a=1 flag key="two words"
    qemu: -smp 2 -cpu max
    qemu: -accel tcg
    verdict: crash
    crashed: deliberate_fault

    expect: ^KTAP version 1
    absent: ^not ok \\d+ boot_info_parsed
    expect: ^not ok \\d+ deliberate_fault # crashed: #GP
    """


# test_matrix.py --no-prove / --no-kunit: leave that reader out of the
# tests that run the real programs (test_readers.ReadersTest: they fail,
# not skip, when a reader is missing and was not left out).
NO_READER = set()


def forge(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


# User text that reached the log raw, one way per stream: each must fail
# the harness, whatever prove or kunit.py make of it.  With each, what
# the two readers do (checked against the real programs below): True =
# the reader passes it.
DIAG = '# cmdline: key="two words"'
FORGED = {
    # A result line of its own, numbered as the next one.
    "forged-ok": (forge(PASS_LOG, DIAG, '# cmdline: "a\n    ok 3 fake'),
                  False, True,
                  "line 14: result numbered 3, expected 4"),
    # TAP takes "ok" without a number as a test too.
    "forged-ok-no-number": (forge(PASS_LOG, DIAG,
                                  '# cmdline: "a\n    ok fake'),
                            False, True, "line 13: prove reads a test "
                            "result the harness does not: 'ok fake'"),
    # kunit.py reads " # SKIP" anywhere in a result line as a skip.
    "skip-in-reason": (forge(FAIL_LOG, "not ok 3 cmdline_parsed",
                             'not ok 3 cmdline_parsed # key "x # SKIP y"'),
                       False, True, "line 14: kunit.py reads a skip in "),
    "skip-directive-on-not-ok": (forge(FAIL_LOG, "not ok 3 cmdline_parsed",
                                       "not ok 3 cmdline_parsed # SKIP y"),
                                 False, True, "line 14: prove reads a SKIP "
                                 "directive in "),
    # prove passes a failed test with a TODO directive.
    "todo": (forge(FAIL_LOG, "not ok 3 cmdline_parsed",
                   "not ok 3 cmdline_parsed # TODO y"),
             True, False, "line 14: prove reads a TODO directive in "),
    "bail-out": (forge(PASS_LOG, DIAG, '# cmdline: "a\n    Bail out! x'),
                 False, True, "line 13: 'Bail out!' stops prove: "),
    "bail-out-indented": (forge(PASS_LOG, DIAG,
                                '# cmdline: "a\n        Bail out! x'),
                          False, True, "line 13: 'Bail out!' stops prove"),
    # kunit.py stops at a line holding this, wherever it is in the line.
    "reboot-halted": (forge(PASS_LOG, DIAG,
                            '# cmdline: "a\n    reboot: System halted'),
                      True, False, "line 13: kunit.py stops reading here"),
    "reboot-halted-in-text": (forge(PASS_LOG, DIAG,
                                    '# cmdline: "reboot: System halted"'),
                              True, False, "line 12: kunit.py stops "
                              "reading here"),
    "second-plan": (forge(PASS_LOG, DIAG, '# cmdline: "a\n    1..2'),
                    False, True, "line 13: a second plan"),
    # TAP before the report: prove reads the whole log.
    "tap-before-report": (forge(PASS_LOG, "Booting from DVD/CD...",
                                "Booting\n    1..1\n    ok 1 forged"),
                          False, True, "line 3, before the report: prove "
                          "reads it as TAP: '1..1'"),
    # kunit.py starts a nested test at any "# Subtest:" line.
    "subtest-header": (forge(PASS_LOG, DIAG, "# Subtest: evil"),
                       True, False, "line 12: kunit.py reads a subtest "
                       "header where no nested document starts"),
    # Python's text reading splits at a lone carriage return: kunit.py
    # sees a forged result line that prove and the harness do not.
    "carriage-return": (forge(PASS_LOG, DIAG, '# cmdline: "a\rok 3 x"'),
                        True, True, "line 12: a carriage return inside "
                        "the line"),
    "second-totals": (forge(PASS_LOG, DIAG,
                            "# x\n    5 passed, 0 failed, 1 skipped"),
                      True, True, "line 26: a second totals line (the "
                      "first is line 13)"),
}


FAKE_QEMU = r'''#!/usr/bin/env python3
# Pretends to be qemu-system-x86_64: writes the log named by the command
# line's word "mode=NAME" to the -serial file, then exits as the kernel
# would.  The harness's KVM VMCALL probe gets exit 35: "the call returned
# something else".  Each command line is appended to cmdlines.
import sys, time
args = sys.argv[1:]
if args[args.index("-kernel") + 1 if "-kernel" in args else 0].endswith(
        "kvm-hypercall-probe"):
    sys.exit(35)
serial = args[args.index("-serial") + 1]
if "-append" in args:
    cmdline = args[args.index("-append") + 1]
else:                           # the fake mkiso's "ISO" is the cmdline
    cmdline = open(args[args.index("-cdrom") + 1]).read()
with open("%(dir)s/cmdlines", "a") as f:
    f.write(cmdline + "\n")
mode = [w for w in cmdline.split() if w.startswith("mode=")][0][5:]
text = open("%(dir)s/" + mode + ".log").read()
if serial.startswith("file:"):
    with open(serial[5:], "w") as f:
        f.write(text)
if mode == "hang":
    time.sleep(60)
sys.exit({"pass": 33, "crash": 37, "hang": 0}[mode])
'''


FAKE_MKISO = """#!/bin/sh
printf '%%s' "$3" > "$1"
echo "$3" >> %(dir)s/mkiso.calls
"""


def run_cli(build, qemu, jobs, extra, mkiso=None):
    """matrix.py's command line on the cases in build/cases, without
    prove or kunit.py: (exit code, the lines it printed)."""
    argv = ["--cases", os.path.join(build, "cases"), "--build", build,
            "--qemu", qemu]
    if mkiso is not None:
        argv += ["--mkiso", mkiso]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = cli.main(argv + ["--no-prove", "--no-kunit", "-j", str(jobs)] +
                      list(extra))
    return rc, out.getvalue().splitlines()


class FakeQemuTest(unittest.TestCase):
    """A directory with a fake QEMU, a fake tools/mkiso.sh, the logs the
    fake QEMU plays back and a few cases, for the tests that run the
    harness end to end (test_runner, test_cli).  No tests of its own."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="matrix-test-")
        d = self.dir
        hang = "\n".join(log(PASS_LOG)[:12])
        for mode, text in (("pass", "\n".join(log(PASS_LOG))),
                           ("crash", "\n".join(log(CRASH_LOG))),
                           ("hang", hang)):
            with open(os.path.join(d, mode + ".log"), "w") as f:
                f.write(text)
        self.qemu = os.path.join(d, "qemu")
        with open(self.qemu, "w") as f:
            f.write(FAKE_QEMU % {"dir": d})
        os.chmod(self.qemu, 0o755)
        self.mkiso = os.path.join(d, "mkiso")
        with open(self.mkiso, "w") as f:
            f.write(FAKE_MKISO % {"dir": d})
        os.chmod(self.mkiso, 0o755)
        open(os.path.join(d, "kernel.elf"), "w").close()
        os.mkdir(os.path.join(d, "cases"))
        for name, text in (
                ("a-pass", "boot: pvh\ncmdline: mode=pass\n"
                 "expect: ^ok \\d+ cmdline_parsed\n"),
                ("b-crash", "boot: pvh\ncmdline: mode=crash\n"
                 "verdict: crash\ncrashed: deliberate_fault\n"),
                ("c-hang", "boot: pvh\ncmdline: mode=hang\ntimeout: 1\n"),
                ("d-wrong", "boot: pvh\ncmdline: mode=crash\n"),
                ("e-kvm", "boot: pvh\nrequires: kvm\ncmdline: mode=pass\n"
                 "qemu: -accel kvm\n"),
                ("iso-1", "boot: bios\ncmdline: mode=pass\n"),
                ("iso-2", "boot: bios\nmachine: pc\ncmdline: mode=pass\n"),
                ("iso-3", "boot: bios\ncmdline: mode=crash\n"
                 "verdict: crash\n")):
            with open(os.path.join(d, "cases", name + ".case"), "w") as f:
                f.write(text)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_matrix(self, *extra):
        return run_cli(self.dir, self.qemu, 4, extra, mkiso=self.mkiso)

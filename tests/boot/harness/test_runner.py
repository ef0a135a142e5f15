"""
Tests of runner.py: cases end to end with a fake QEMU and a fake
tools/mkiso.sh (testlib.FakeQemuTest): verdicts, the timeout kill, the
failure lines, one ISO per command line; the logs' boots stored one
KTAP document each, as tools/ktap-split stores them.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

from . import cases, paths, qemu, runner
from .testlib import FakeQemuTest


class RunnerTest(FakeQemuTest):
    """The runner end to end, with a fake QEMU: parallel runs, the
    timeout kill, the case lines and the closing count."""

    def test_run(self):
        rc, out = self.run_matrix("-k", "[a-e]-*")
        by = {l.split()[1]: l for l in out if l[:4] in ("PASS", "FAIL",
                                                        "SKIP")}
        self.assertEqual(rc, 1)
        self.assertRegex(by["a-pass"], r"^PASS  a-pass .* pass: 5 ok, "
                         r"1 skipped$")
        self.assertRegex(by["b-crash"], r"^PASS .* crash: #GP in "
                         r"deliberate_fault at 0x102345")
        self.assertRegex(by["c-hang"], r"^FAIL  c-hang .*expected pass, "
                         r"got timeout in cmdline_parsed$")
        self.assertRegex(by["d-wrong"], r"^FAIL .* expected pass, got "
                         r"crash: #GP in deliberate_fault")
        self.assertIn("log: ", out[out.index(by["d-wrong"]) + 1])
        self.assertTrue(by["e-kvm"].startswith(("PASS", "SKIP")))
        skipped = by["e-kvm"].startswith("SKIP")
        if not skipped:
            # /dev/kvm opened and the (fake) VMCALL probe failed: the case
            # ran with the key that skips the one step, not skipped whole.
            with open(os.path.join(self.dir, "cmdlines")) as f:
                self.assertIn('mode=pass pvclock.hypercall="skip:the '
                              'VMCALL probe ended with QEMU exit 35"',
                              f.read().split("\n"))
        self.assertEqual(out[-1], "%d passed, 2 failed%s" % (
            3 - skipped, ", 1 skipped" if skipped else ""))
        logs = os.path.join(self.dir, "test-logs")
        self.assertTrue(os.path.exists(os.path.join(logs, "c-hang.log")))
        self.assertTrue(os.path.exists(os.path.join(logs,
                                                    "c-hang.stderr")))

    def test_one_iso_per_command_line(self):
        why = qemu.Host("qemu-system-x86_64", self.dir).missing(
            cases.parse_case("boot: bios\n", "x"))
        if why:
            self.skipTest(why)
        rc, out = self.run_matrix("-k", "iso")
        self.assertEqual((rc, out[-1]), (0, "3 passed, 0 failed"))
        with open(os.path.join(self.dir, "mkiso.calls")) as f:
            self.assertEqual(sorted(f.read().split()),
                             ["mode=crash", "mode=pass"])


class StoreBootsTest(unittest.TestCase):
    """One KTAP document per boot beside the log, and tools/ktap-split
    writing the same files from the same code."""

    LOG = (b"SeaBIOS\r\nKTAP version 1\r\n1..1\r\nok 1 a\r\n"
           b"1 passed, 0 failed, 0 skipped\r\n# rebooting\r\n"
           b"pvbus testbed: booted\r\nKTAP version 1\r\n1..1\r\nok 1 a\r\n"
           b"1 passed, 0 failed, 0 skipped\r\n# rebooting\r\n"
           b"pvbus testbed: booted\r\nKTAP version 1\r\n1..1\r\n"
           b"not ok 1 a\r\n0 passed, 1 failed, 0 skipped\r\n")

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="store-boots-")
        self.log = os.path.join(self.dir, "x.log")
        with open(self.log, "wb") as f:
            f.write(self.LOG)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def test_one_file_per_boot(self):
        paths = runner.store_boots(self.log, self.LOG, 3)
        self.assertEqual([os.path.basename(p) for p in paths],
                         ["x.boot%d.ktap" % k for k in (1, 2, 3)])
        pieces = [self.read(p) for p in paths]
        self.assertEqual(b"".join(pieces), self.LOG)
        self.assertTrue(pieces[2].startswith(b"pvbus testbed: booted\r\n"
                                             b"KTAP version 1"))
        # One boot: the whole log is one document; stale pieces go.
        paths = runner.store_boots(self.log, self.LOG, 1)
        self.assertEqual([self.read(p) for p in paths], [self.LOG])
        self.assertEqual(sorted(os.listdir(self.dir)),
                         ["x.boot1.ktap", "x.log"])

    def test_ktap_split_tool_is_the_same_code(self):
        out = os.path.join(self.dir, "out")
        p = subprocess.run([os.path.join(paths.REPO, "tools", "ktap-split"),
                            self.log, out], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(), [os.path.join(
            out, "x.boot%d.ktap" % k) for k in (1, 2, 3)])
        ours = runner.store_boots(self.log, self.LOG, 3)
        for mine, theirs in zip(p.stdout.split(), ours):
            self.assertEqual(self.read(mine), self.read(theirs))

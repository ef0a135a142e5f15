"""
Tests of runner.py: cases end to end with a fake QEMU and a fake
tools/mkiso.sh (testlib.FakeQemuTest): verdicts, the timeout kill, the
failure lines, one ISO per command line.
"""

import os

from . import cases, qemu
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

"""
Tests of exitcodes.py: the table agrees with the classifier's exit
codes (verdict.py), and code_from_log() finds each code in a log as a
host without an exit port must (the kernel's status line, boot.asm's
no-long-mode line, a reset nobody asked for, a reboot the host asked
for).
"""

import unittest

from . import exitcodes, verdict
from .testlib import CRASH_LOG, PASS_LOG, log


class TableTest(unittest.TestCase):

    def test_codes_are_0_to_8_in_order(self):
        self.assertEqual([e.code for e in exitcodes.EXIT_CODES],
                         list(range(9)))

    def test_qemu_exit_is_status_times_two_plus_one(self):
        for e in exitcodes.EXIT_CODES:
            if e.status is not None:
                self.assertEqual(e.qemu, (e.status << 1) | 1, e)

    def test_agrees_with_the_classifier(self):
        for qemu_rc, name in verdict.EXIT_VERDICTS.items():
            e = next(e for e in exitcodes.EXIT_CODES if e.qemu == qemu_rc)
            self.assertEqual(e.verdict, name)
        for e in exitcodes.EXIT_CODES:
            self.assertIn(e.verdict, verdict.VERDICTS)
        # classify() calls a triple fault after the report began
        # "reset"; QEMU exits 0 either way, so the code is noreport's.
        self.assertEqual(exitcodes.code_for("reset"), 6)
        self.assertEqual(exitcodes.code_for("timeout"), 7)


# The pieces of a log, each indented as testlib.log() expects and
# ending where the next starts.
BOOTED = """
    pvbus testbed: booted via multiboot2 by "GRUB 2.06"
    """


def status(n, name):
    return "# exit status 0x%02x (%s), QEMU exit code %d\n    " % (
        n, name, (n << 1) | 1)


class CodeFromLogTest(unittest.TestCase):

    def test_status_line(self):
        lines = log(BOOTED + PASS_LOG + status(0x10, "pass"))
        self.assertEqual(exitcodes.code_from_log(lines)[:2], (0, "pass"))
        lines = log(CRASH_LOG + status(0x12, "crash"))
        self.assertEqual(exitcodes.code_from_log(lines)[:2], (2, "crash"))

    def test_unknown_status_is_an_error(self):
        lines = log(status(0x17, "unknown"))
        self.assertEqual(exitcodes.code_from_log(lines)[0], 8)

    def test_still_running(self):
        self.assertIsNone(exitcodes.code_from_log(log(BOOTED + PASS_LOG)))
        self.assertIsNone(exitcodes.code_from_log([]))

    def test_no_long_mode(self):
        lines = ["", "boot: this CPU has no long mode (CPUID 0x80000001 "
                 "EDX.LM = 0); pvbus needs an x86_64 CPU"]
        self.assertEqual(exitcodes.code_from_log(lines)[:2], (3, "booterr"))

    def test_reset_nobody_asked_for(self):
        lines = log(BOOTED + "# running deliberate_fault\n    " + BOOTED)
        self.assertEqual(exitcodes.code_from_log(lines)[:2],
                         (6, "noreport"))

    def test_reboot_the_host_asked_for(self):
        first = BOOTED + "Rebooting in response to request from vmt0 " \
            "host\n    # rebooting\n    "
        lines = log(first + BOOTED + status(0x15, "halt requested by "
                                            "the host"))
        self.assertEqual(exitcodes.code_from_log(lines)[:2], (5, "halt"))
        # Booting a third time after one requested reboot is a reset.
        lines = log(first + BOOTED + BOOTED)
        self.assertEqual(exitcodes.code_from_log(lines)[0], 6)


if __name__ == "__main__":
    unittest.main()

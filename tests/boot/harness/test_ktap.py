"""
Tests of ktap.py: the structure checks (through classify(), which
reports them), the lines prove or kunit.py would read differently
(reader_hazards()), what makes a stream pass, and a log of several
boots.
"""

import unittest

from . import cases, ktap, verdict
from .testlib import (CRASH_LOG, FAIL_LOG, FORGED, NESTED_CRASH_LOG, PASS_LOG,
                      forge, log)


class StructureTest(unittest.TestCase):
    """The rules every KTAP stream keeps (plan first, numbering from 1,
    plans met, parents agree, totals agree), seen through classify()."""

    def test_truncated_stream_misses_plan(self):
        lines = log(PASS_LOG)
        cut = lines.index("ok 3 cmdline_parsed") + 1
        o = verdict.classify(lines[:cut], 33)
        self.assertEqual(o.verdict, "pass")
        self.assertIn("plan not met: 3 of 6 results", o.problems)
        self.assertTrue(any("no totals" in p for p in o.problems))

    def test_totals_must_agree(self):
        o = verdict.classify(log(PASS_LOG.replace("5 passed", "6 passed")),
                             33)
        self.assertTrue(any("totals say 6 passed" in p for p in o.problems))

    def test_plan_after_results_and_bad_numbering(self):
        text = """
            KTAP version 1
            ok 1 a
            1..3
            ok 3 b
            ok 4 c
            2 passed, 0 failed, 0 skipped
            """
        o = verdict.classify(log(text), 33)
        self.assertIn("line 2: result before the plan", o.problems)
        self.assertIn("line 3: plan after the first result", o.problems)
        self.assertIn("line 4: result numbered 3, expected 2", o.problems)

    def test_parent_ok_with_failed_subtest(self):
        text = PASS_LOG.replace("  ok 1 hvbit", "  not ok 1 hvbit")
        o = verdict.classify(log(text), 33)
        self.assertTrue(any("pvbus is ok but a subtest failed" in p
                            for p in o.problems))

    def test_subtest_plan_not_met(self):
        text = PASS_LOG.replace("  1..2", "  1..3")
        o = verdict.classify(log(text), 33)
        self.assertIn("plan not met in subtests of pvbus: 2 of 3 results",
                      o.problems)


class HazardTest(unittest.TestCase):
    """The harness's classifier fails every forged stream, with the
    line that makes it differ, and passes none of them."""

    def test_forged_streams_fail_the_harness(self):
        for name, (text, _, _, why) in FORGED.items():
            with self.subTest(name):
                lines = log(text)
                status = 35 if "not ok" in text else 33
                o = verdict.classify(lines, status)
                self.assertTrue(any(p.startswith(why) for p in o.problems),
                                o.problems)
                self.assertEqual(ktap.stream_passes(lines)[0], False)
                c = cases.parse_case("boot: pvh\nverdict: pass|fail\n",
                                     "c")
                self.assertTrue(verdict.judge(c, o, lines))

    def test_real_streams_have_no_hazards(self):
        for text, status in ((PASS_LOG, 33), (FAIL_LOG, 35),
                             (CRASH_LOG, 37), (NESTED_CRASH_LOG, 37)):
            lines = log(text)
            self.assertEqual(ktap.reader_hazards(
                lines, ktap.parse_ktap(lines)), [])
        self.assertEqual(ktap.stream_passes(log(PASS_LOG)),
                         (True, (5, 0, 1, 25)))
        self.assertFalse(ktap.stream_passes(log(FAIL_LOG))[0])

    def test_kunit_start_before_the_report(self):
        lines = log(forge(PASS_LOG, "Booting from DVD/CD...",
                          "cpu0: model TAP version 13"))
        self.assertIn("line 2, before the report: kunit.py starts reading "
                      "here: 'cpu0: model TAP version 13'",
                      verdict.classify(lines, 33).problems)

    def test_status_only_verdicts_still_see_hazards(self):
        lines = log(FORGED["bail-out"][0])
        cut = lines[:lines.index("Bail out! x") + 1]
        o = verdict.classify(cut, 0, timed_out=True)
        self.assertIn("line 13: 'Bail out!' stops prove: 'Bail out! x'",
                      o.problems)


class BootsTest(unittest.TestCase):
    """A log of several boots ("boots:"), one report each."""

    LOG = ["SeaBIOS", "KTAP version 1", "1..1", "ok 1 a", "Rebooting",
           "SeaBIOS", "KTAP version 1", "1..1", "not ok 1 a"]

    def test_last_boot_is_classified_and_the_count_checked(self):
        lines, msgs = ktap.last_boot(self.LOG, 2)
        self.assertEqual(lines, ["KTAP version 1", "1..1", "not ok 1 a"])
        self.assertEqual(msgs, [])
        lines, msgs = ktap.last_boot(self.LOG, 3)
        self.assertEqual(msgs, ["expected 3 boots (KTAP documents), saw 2"])
        self.assertEqual(ktap.last_boot(self.LOG, 1), (self.LOG, []))

    def test_split_boots(self):
        data = b"SeaBIOS\r\nKTAP version 1\r\n1..1\r\nok 1 a\r\n" \
            b"1 passed, 0 failed, 0 skipped\r\n# rebooting\r\nSeaBIOS" \
            b"\r\npvbus testbed: booted\r\nKTAP version 1\r\n1..1\r\n" \
            b"  KTAP version 1\r\nok 1 a\r\n"
        a, b = ktap.split_boots(data)
        self.assertEqual(a + b, data)
        # Each boot's piece holds all its output: the second boot's
        # firmware lines are its own, not the first boot's.
        self.assertTrue(a.startswith(b"SeaBIOS") and a.endswith(
            b"# rebooting\r\n"))
        self.assertTrue(b.startswith(b"SeaBIOS\r\npvbus testbed: booted"
                                     b"\r\nKTAP version 1\r\n1..1"))
        # A reset nobody announced: cut at the kernel's first line.
        data2 = data.replace(b"# rebooting\r\n", b"")
        a, b = ktap.split_boots(data2)
        self.assertTrue(b.startswith(b"pvbus testbed: booted\r\nKTAP"))
        # Not even that: at the KTAP line.
        a, b = ktap.split_boots(data2.replace(b"pvbus testbed: booted\r\n",
                                              b""))
        self.assertTrue(b.startswith(b"KTAP version 1\r\n1..1"))
        self.assertTrue(a.endswith(b"SeaBIOS\r\n"))
        self.assertEqual(ktap.split_boots(b"x\n"), [b"x\n"])

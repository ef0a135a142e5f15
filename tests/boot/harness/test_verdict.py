"""
Tests of verdict.py: synthetic serial logs and QEMU exit codes through
classify() (the verdict and its detail line), judge() (what the case did
not expect), match_lines(), and the facts lines.
"""

import re
import textwrap
import unittest

from . import cases, verdict
from .testlib import CASE, CRASH_LOG, FAIL_LOG, NESTED_CRASH_LOG, PASS_LOG, log


class ClassifyTest(unittest.TestCase):

    def test_pass(self):
        o = verdict.classify(log(PASS_LOG), 33)
        self.assertEqual(o.verdict, "pass")
        self.assertEqual(o.problems, [])
        self.assertEqual(o.detail, "pass: 5 ok, 1 skipped")

    def test_fail_names_failed_tests(self):
        o = verdict.classify(log(FAIL_LOG), 35)
        self.assertEqual(o.verdict, "fail")
        self.assertEqual(o.problems, [])
        self.assertEqual(o.failed, ["cmdline_parsed"])
        self.assertIn("1 failed (cmdline_parsed)", o.detail)

    def test_crash_names_test_vector_and_rip(self):
        o = verdict.classify(log(CRASH_LOG), 37)
        self.assertEqual(o.verdict, "crash")
        self.assertEqual(o.problems, [])
        self.assertIn("deliberate_fault", o.crashed)
        self.assertEqual((o.vector, o.rip), ("#GP", "0x102345"))
        self.assertEqual(o.detail,
                         "crash: #GP in deliberate_fault at 0x102345")

    def test_crash_in_subtest_names_both(self):
        o = verdict.classify(log(NESTED_CRASH_LOG), 37)
        self.assertEqual(o.verdict, "crash")
        # The crash cut the subtests short: 2 of 3 is no plan violation.
        self.assertEqual(o.problems, [])
        self.assertEqual(o.crashed, ["pvbus", "hypercall",
                                     "pvbus/hypercall"])
        self.assertIn("#UD in pvbus > hypercall", o.detail)

    def test_crash_status_without_crashed_line(self):
        o = verdict.classify(log(PASS_LOG), 37)
        self.assertEqual(o.verdict, "crash")
        self.assertTrue(any("no '# crashed:'" in p for p in o.problems))

    def test_crash_before_the_plan(self):
        text = """
            # CRASH #PF (page fault), error 0x0, in no test
            # page fault: not-present page on read at cr2 0x5a8
            # rip 0x0000000000101c60 cs 0x08 rflags 0x00000046
            # crashed before the KTAP plan: #PF at 0x101c60
            """
        o = verdict.classify(log(text), 37)
        self.assertEqual((o.verdict, o.problems), ("crash", []))
        self.assertEqual((o.vector, o.rip), ("#PF", "0x101c60"))
        self.assertEqual(o.detail, "crash: #PF before the KTAP report at "
                         "0x101c60")
        c = cases.parse_case("boot: pvh\nverdict: crash\n"
                             "crashed: deliberate_fault\n", "c")
        self.assertEqual(verdict.judge(c, o, log(text)),
                         ["expected a crash in deliberate_fault, got one "
                          "in no test"])

    def test_pass_status_with_not_ok_is_inconsistent(self):
        o = verdict.classify(log(FAIL_LOG), 33)
        self.assertTrue(any("exit status pass but" in p and
                            "cmdline_parsed" in p for p in o.problems))

    def test_fail_status_without_not_ok_is_inconsistent(self):
        o = verdict.classify(log(PASS_LOG), 35)
        self.assertTrue(any("no test is 'not ok'" in p
                            for p in o.problems))

    def test_timeout_names_running_test(self):
        lines = log(PASS_LOG)
        cut = lines.index("# running cmdline_parsed") + 1
        o = verdict.classify(lines[:cut], 0, timed_out=True)
        self.assertEqual(o.verdict, "timeout")
        self.assertEqual(o.running, "cmdline_parsed")
        self.assertEqual(o.detail, "timeout in cmdline_parsed")
        self.assertEqual(o.problems, [])   # incomplete is no problem here

    def test_timeout_in_subtest(self):
        lines = log(PASS_LOG.replace("  ok 2 bases",
                                     "  # running bases\n      ok 2 bases"))
        cut = lines.index("  # running bases") + 1
        o = verdict.classify(lines[:cut], 0, timed_out=True)
        self.assertEqual(o.detail, "timeout in pvbus > bases")

    def test_timeout_between_tests_and_before_report(self):
        lines = log(PASS_LOG)
        cut = lines.index("ok 2 memory_map_sane") + 1
        o = verdict.classify(lines[:cut], 0, timed_out=True)
        self.assertEqual(o.detail, "timeout after ok 2 memory_map_sane")
        o = verdict.classify(["SeaBIOS"], 0, timed_out=True)
        self.assertEqual(o.detail, "timeout before the KTAP report")

    def test_noreport_exit_0_is_reset(self):
        o = verdict.classify(log("SeaBIOS (version 1.16.2)\n"), 0)
        self.assertEqual(o.verdict, "noreport")
        self.assertIn("reset or triple fault", o.detail)

    def test_noreport_exit_1_shows_stderr(self):
        err = ("qemu-system-x86_64: warning: host doesn't support x\n"
               "qemu-system-x86_64: -kernel build/kernel.elf: Error "
               "loading uncompressed kernel without PVH ELF Note\n")
        o = verdict.classify([], 1, stderr=err)
        self.assertEqual(o.verdict, "noreport")
        self.assertIn("QEMU could not start: qemu-system-x86_64: -kernel",
                      o.detail)

    def test_reset_after_report_began(self):
        lines = log(PASS_LOG)
        cut = lines.index("# running exceptions_catchable") + 1
        o = verdict.classify(lines[:cut], 0)
        self.assertEqual(o.verdict, "reset")
        self.assertIn("in exceptions_catchable", o.detail)

    def test_panic_halt_booterr_and_odd_codes(self):
        lines = log(PASS_LOG)
        cut = lines.index("# running cmdline_parsed") + 1
        o = verdict.classify(lines[:cut] + ["panic: cmdline: no words"], 41)
        self.assertEqual(o.verdict, "panic")
        self.assertEqual(o.detail,
                         "panic in cmdline_parsed: cmdline: no words")
        o = verdict.classify(["# panic: bootinfo: no magic"], 41)
        self.assertEqual(o.detail, "panic: bootinfo: no magic")
        self.assertEqual(verdict.classify([], 43).verdict, "halt")
        self.assertEqual(verdict.classify([], 39).verdict, "booterr")
        o = verdict.classify([], 45)
        self.assertEqual((o.verdict, o.detail),
                         ("error", "error: QEMU exit 45 = unknown status "
                          "0x16"))
        self.assertIn("signal 9", verdict.classify([], -9).detail)

    def test_pass_status_without_report(self):
        o = verdict.classify(log("SeaBIOS\n"), 33)
        self.assertTrue(any("no 'KTAP version 1'" in p for p in o.problems))

    def test_serial_none_judges_status_only(self):
        o = verdict.classify([], 33, serial=False)
        self.assertEqual((o.verdict, o.problems), ("pass", []))
        self.assertEqual(verdict.classify([], 0, serial=False).verdict,
                         "noreport")

    def test_noise_before_version_on_its_line(self):
        # The harness still finds the report, but kunit.py would cut as
        # many characters from every later line: that is a problem.
        lines = log(PASS_LOG)
        i = lines.index("KTAP version 1")
        lines[i] = "\x1b[0mBdsDxe: starting Boot0001KTAP version 1"
        o = verdict.classify(lines, 33)
        self.assertEqual(o.verdict, "pass")
        self.assertEqual(o.problems, [
            "line 4: 29 characters before 'KTAP version 1': kunit.py cuts "
            "as many from every later line"])


class JudgeTest(unittest.TestCase):

    def case(self, text):
        return cases.parse_case(textwrap.dedent(text), "t")

    def test_crash_case_passes(self):
        c = self.case(CASE.replace("crash: #GP", "crashed: #GP"))
        lines = log(CRASH_LOG)
        self.assertEqual(verdict.judge(c, verdict.classify(lines, 37),
                                       lines), [])

    def test_verdict_mismatch_comes_first(self):
        c = self.case("boot: bios\nexpect: ^ok \\d+ cmdline_parsed\n")
        lines = log(PASS_LOG)
        lines = lines[:lines.index("# running cmdline_parsed") + 1]
        msgs = verdict.judge(c, verdict.classify(lines, 0, timed_out=True),
                             lines)
        self.assertEqual(msgs[0],
                         "expected pass, got timeout in cmdline_parsed")
        self.assertIn("no line matches expect: ^ok \\d+ cmdline_parsed",
                      msgs[1])

    def test_expect_order_is_strict(self):
        lines = ["a", "b", "a"]
        exp = [("expect", r, re.compile(r), 0) for r in
               ("^b", "^a", "^a")]
        msgs = verdict.match_lines(exp, lines)
        self.assertEqual(len(msgs), 1)
        self.assertIn("after log line 3 ('a')", msgs[0])
        self.assertEqual(verdict.match_lines(exp[:2], lines), [])

    def test_only_first_missing_expect_reported(self):
        exp = [("expect", r, re.compile(r), 0) for r in "xyz"]
        self.assertEqual(len(verdict.match_lines(exp, ["q"])), 1)

    def test_absent(self):
        c = self.case("boot: pvh\nverdict: fail\nabsent: ^not ok\n")
        lines = log(FAIL_LOG)
        msgs = verdict.judge(c, verdict.classify(lines, 35), lines)
        self.assertEqual(len(msgs), 1)
        self.assertIn("matches absent: ^not ok", msgs[0])

    def test_wrong_crashed_test_and_failed_set(self):
        c = self.case("boot: pvh\nverdict: crash\ncrashed: other\n")
        lines = log(CRASH_LOG)
        msgs = verdict.judge(c, verdict.classify(lines, 37), lines)
        self.assertEqual(msgs, ["expected a crash in other, got one in "
                                "deliberate_fault"])
        c = self.case("boot: pvh\nverdict: fail\nfailed: memory_map_sane\n")
        lines = log(FAIL_LOG)
        msgs = verdict.judge(c, verdict.classify(lines, 35), lines)
        self.assertEqual(msgs, ["expected failed tests memory_map_sane, "
                                "got cmdline_parsed"])

    def test_ktap_problems_fail_any_case(self):
        c = self.case("boot: pvh\n")
        lines = log(PASS_LOG)
        lines = lines[:lines.index("ok 3 cmdline_parsed") + 1]
        msgs = verdict.judge(c, verdict.classify(lines, 33), lines)
        self.assertIn("KTAP: plan not met: 3 of 6 results", msgs)


class FactsTest(unittest.TestCase):

    def test_good_lines(self):
        good = ['pvbus: hv base=0x40000000 sig="KVMKVMKVM\\0\\0\\0" '
                'vendor=kvm primary=yes',
                'pvbus: replay profile="x\\" vendor=xen rows=999 ok 1" '
                'rows=63 vendor=GenuineIntel',
                "pvbus: backend error: replay a b: line 4: field 3",
                "pvbus: 1 attached, 0 failed", "pvbus: none hvbit=0",
                "pvbus: no hypervisor found (hypervisor bit set, ...)",
                "not a facts line = x x"]
        self.assertEqual(verdict.check_facts(good), [])

    def test_spoofed_header(self):
        msgs = verdict.check_facts([
            'pvbus: replay profile="x" vendor=xen rows=999 ok 1" rows=63'])
        self.assertIn("a space outside quotes", msgs[0])
        msgs = verdict.check_facts([
            'pvbus: replay profile="x" vendor=xen rows=999 rows=63 '
            'vendor=GenuineIntel'])
        self.assertIn("line 1 gives rows, vendor more than once", msgs[0])

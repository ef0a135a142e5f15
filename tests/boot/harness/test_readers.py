"""
Tests of readers.py: compare_readers() with made-up readings, the
parsing of kunit.py's output, and the real prove and kunit.py on real
and forged streams (a reader that is missing fails these, unless
tests/boot/test_matrix.py --no-prove or --no-kunit leaves it out).
"""

import os
import tempfile
import unittest

from . import ktap, paths, readers
from .testlib import (CRASH_LOG, FAIL_LOG, FORGED, NESTED_CRASH_LOG, NO_READER,
                      PASS_LOG, log)


def reading(reader, passed, counts, notes=()):
    return readers.Reading(reader, passed, counts, list(notes))


class CompareReadersTest(unittest.TestCase):
    """compare_readers() with made-up readings: what counts as the same
    verdict and the same counts."""

    def test_agreement(self):
        lines = log(PASS_LOG)
        self.assertEqual(readers.compare_readers(lines, [
            reading("prove", True, (5, 0, 1)),
            reading("kunit.py", True, (5, 0, 1))]), [])
        self.assertEqual(readers.compare_readers(log(FAIL_LOG), [
            reading("kunit.py", False, (4, 1, 1), ["x: missing"])]), [])

    def test_verdict_and_counts(self):
        lines = log(PASS_LOG)
        self.assertEqual(readers.compare_readers(lines, [
            reading("kunit.py", False, (4, 1, 1), ["main: oops"])], "x: "),
            ["x: kunit.py fails the report, the harness passes it: "
             "main: oops",
             "x: kunit.py counts 4 passed, 1 failed, 1 skipped; the "
             "totals line (log line 25) says 5 passed, 0 failed, 1 "
             "skipped"])
        self.assertEqual(readers.compare_readers(lines, [
            reading("prove", True, (5, 0, 1), ["1 TODO directive"])]),
            ["prove passes the report but says: 1 TODO directive"])
        self.assertEqual(readers.compare_readers(lines, [
            reading("prove", True, None)]), [
            "prove counts nothing; the totals line (log line 25) says 5 "
            "passed, 0 failed, 1 skipped"])
        broken = readers.Reading("kunit.py", False, error="exit 1: KeyError")
        self.assertEqual(readers.compare_readers(log(FAIL_LOG), [broken]),
                         ["kunit.py could not read the report: exit 1: "
                          "KeyError"])

    def test_no_totals_no_counts(self):
        lines = log(PASS_LOG)
        cut = lines[:lines.index("ok 3 cmdline_parsed") + 1]
        self.assertEqual(readers.compare_readers(cut, [
            reading("prove", False, (3, 0, 0))]), [])
        self.assertEqual(readers.compare_readers(cut, [
            reading("kunit.py", True, (3, 0, 0))]),
            ["kunit.py passes the report, the harness fails it"])


KUNIT_OUT = """\
[10:00:00] ============================================================
[10:00:00] [PASSED] boot_info_parsed
[10:00:00] [ERROR] Test: main: Expected test number 2 but found 3
[10:00:00] =============== pvbus_identify (2 subtests) ================
[10:00:00] [PASSED] hypervisor_bit
[10:00:00] ======== vmt0  ========
[10:00:00] [FAILED] inner
[10:00:00] ============== [FAILED] vmt0 ==============
[10:00:00] ================= [FAILED] pvbus_identify ==================
[10:00:00] # raising #GP on purpose
[10:00:00] [CRASHED] deliberate_fault
[10:00:00] [SKIPPED] no_msr_faults
[10:00:00] ============================================================
[10:00:00] Testing complete. Ran 5 tests: passed: 2, failed: 1
"""


class KunitOutputTest(unittest.TestCase):

    def test_top_level_statuses(self):
        top, errors = readers.kunit_top_level(KUNIT_OUT)
        self.assertEqual(top, [("PASSED", "boot_info_parsed"),
                               ("FAILED", "pvbus_identify"),
                               ("CRASHED", "deliberate_fault"),
                               ("SKIPPED", "no_msr_faults")])
        self.assertEqual(errors, ["main: Expected test number 2 but "
                                  "found 3"])


class ReadersTest(unittest.TestCase):
    """The real prove and kunit.py on real and forged streams.  A reader
    that is missing fails these tests (test_matrix.py --no-prove or
    --no-kunit leaves it out)."""

    @classmethod
    def setUpClass(cls):
        cls.readers = readers.Readers(os.path.join(paths.REPO, "build"),
                                      "prove" not in NO_READER,
                                      "kunit" not in NO_READER)

    def read(self, text):
        if self.readers.missing:
            self.fail("; ".join(self.readers.missing))
        with tempfile.NamedTemporaryFile("wb", suffix=".log") as f:
            f.write("\r\n".join(log(text)).encode() + b"\r\n")
            f.flush()
            return self.readers.read(f.name)

    def test_real_streams_agree_with_the_totals(self):
        for text in (PASS_LOG, FAIL_LOG, CRASH_LOG, NESTED_CRASH_LOG):
            rds = self.read(text)
            self.assertEqual(readers.compare_readers(log(text), rds), [])
            totals = ktap.parse_ktap(log(text)).totals[:3]
            for rd in rds:
                self.assertEqual(rd.counts, totals, rd)

    def test_truncated_stream_fails_everywhere(self):
        text = PASS_LOG.split("# running cmdline_parsed")[0]
        rds = self.read(text)
        self.assertTrue(rds and not any(rd.passed for rd in rds))
        self.assertEqual(readers.compare_readers(log(text), rds), [])

    def test_forged_streams(self):
        """Each forged stream: the harness fails it; the readers do what
        the table says (one of them is fooled each time); and the
        harness reports that a reader disagrees with it."""
        for name, (text, prove, kunit, _) in FORGED.items():
            with self.subTest(name):
                rds = {rd.reader: rd for rd in self.read(text)}
                if "prove" in rds:
                    self.assertEqual(rds["prove"].passed, prove)
                if "kunit.py" in rds:
                    self.assertEqual(rds["kunit.py"].passed, kunit)
                msgs = readers.compare_readers(log(text), rds.values())
                if any(rd.passed for rd in rds.values()):
                    self.assertTrue(any("the harness fails it" in m
                                        for m in msgs), msgs)

    def test_missing_reader_is_named(self):
        r = readers.Readers("/nonexistent", prove=False, kunit=True,
                            kunit_py="/nonexistent/kunit.py")
        self.assertEqual(r.missing, ["kunit.py: /nonexistent/kunit.py not "
                                     "found; --no-kunit runs without it"])
        self.assertEqual(readers.Readers("/x", False, False).missing, [])

#!/usr/bin/env python3
"""
Self-test of the boot-matrix harness (the package tests/boot/harness):
each module's tests are harness/test_<module>.py.  Synthetic serial
logs and QEMU exit codes go through the KTAP reader, the classifier and
the judge; the real prove and kunit.py read real and forged streams;
and a fake QEMU and fake tools go through the whole runner.  No real
QEMU, no kernel.

    python3 tests/boot/test_matrix.py [-v] [--summary] [--no-prove]
                                      [--no-kunit] [--results DIR]
                                      [TEST ...]

TEST names one module's tests (test_ktap), a class in it
(test_ktap.HazardTest) or one test (test_ktap.HazardTest.
test_real_streams_have_no_hazards); unittest's other options (-k, -f)
work too.  --summary ends with the line "N passed, N failed" that
tests/run.sh adds up.  --no-prove and --no-kunit leave that reader out
of the tests that run the real programs (they fail, not skip, when a
reader is missing and was not left out).  --results DIR writes
DIR/junit.xml and DIR/results.json (harness/results.py): one suite,
"harness", with a test case per test.
"""

import sys
import time
import unittest

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
from harness import results, testlib  # noqa: E402
from harness import (test_cases, test_cli, test_compare_host,  # noqa: E402
                     test_exitcodes, test_ktap, test_qemu, test_readers,
                     test_results, test_runner, test_shard, test_tools,
                     test_verdict)

# In the harness's reading order (harness/__init__.py).
TEST_MODULES = (test_cases, test_ktap, test_verdict, test_exitcodes,
                test_readers, test_compare_host, test_qemu, test_tools,
                test_runner, test_results, test_shard, test_cli)


def load_tests(loader, standard_tests, pattern):
    """All the modules' tests, when no TEST is named."""
    suite = unittest.TestSuite()
    for m in TEST_MODULES:
        suite.addTests(loader.loadTestsFromModule(m))
    return suite


class Recording(unittest.TextTestResult):
    """unittest's text result, which also keeps each test's outcome
    for --results."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = []
        self.t0 = 0.0

    def startTest(self, test):
        self.t0 = time.monotonic()
        super().startTest(test)

    def _keep(self, test, status, message="", text=""):
        module, _, name = test.id().rpartition(".")
        self.cases.append(results.Testcase(
            name, module, status,
            message, "unittest" if status in ("failed", "error") else "",
            text, round(time.monotonic() - self.t0, 3)))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._keep(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        text = self.failures[-1][1]
        self._keep(test, "failed", text.strip().splitlines()[-1], text)

    def addError(self, test, err):
        super().addError(test, err)
        text = self.errors[-1][1]
        self._keep(test, "error", text.strip().splitlines()[-1], text)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._keep(test, "skipped", reason)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._keep(test, "failed", "unexpected success")


class RecordingRunner(unittest.TextTestRunner):
    """unittest's text runner with Recording results (a class, so that
    unittest.main() still hands it -v, -f and the rest)."""
    resultclass = Recording


def main():
    """unittest's own command line, plus --summary: end with the line
    "N passed, N failed" that tests/run.sh adds up; and --results DIR."""
    summary = "--summary" in sys.argv
    for flag in ("--no-prove", "--no-kunit"):
        if flag in sys.argv:
            testlib.NO_READER.add(flag[len("--no-"):])
    outdir = None
    argv = []
    it = iter(sys.argv)
    for a in it:
        if a == "--results":
            outdir = next(it, None)
            if outdir is None:
                sys.exit("test_matrix.py: --results needs a directory")
        elif a not in ("--summary", "--no-prove", "--no-kunit"):
            argv.append(a)
    t0 = time.monotonic()
    prog = unittest.main(argv=argv, exit=False, testRunner=RecordingRunner)
    r = prog.result
    bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
    if outdir:
        results.write(outdir, [results.Suite(
            "harness", "harness", r.cases, round(time.monotonic() - t0, 3),
            "PASS" if r.wasSuccessful() else "FAIL", {"stage": "harness"})])
    if summary:
        print("%d passed, %d failed" % (
            r.testsRun - bad - len(r.skipped), bad))
    sys.exit(0 if r.wasSuccessful() else 1)


if __name__ == "__main__":
    main()

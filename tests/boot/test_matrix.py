#!/usr/bin/env python3
"""
Self-test of the boot-matrix harness (the package tests/boot/harness):
each module's tests are harness/test_<module>.py.  Synthetic serial
logs and QEMU exit codes go through the KTAP reader, the classifier and
the judge; the real prove and kunit.py read real and forged streams;
and a fake QEMU and fake tools go through the whole runner.  No real
QEMU, no kernel.

    python3 tests/boot/test_matrix.py [-v] [--summary] [--no-prove]
                                      [--no-kunit] [TEST ...]

TEST names one module's tests (test_ktap), a class in it
(test_ktap.HazardTest) or one test (test_ktap.HazardTest.
test_real_streams_have_no_hazards); unittest's other options (-k, -f)
work too.  --summary ends with the line "N passed, N failed" that
tests/run.sh adds up.  --no-prove and --no-kunit leave that reader out
of the tests that run the real programs (they fail, not skip, when a
reader is missing and was not left out).
"""

import sys
import unittest

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
from harness import testlib  # noqa: E402
from harness import (test_cases, test_cli, test_compare_host,  # noqa: E402
                     test_exitcodes, test_ktap, test_qemu, test_readers,
                     test_runner, test_tools, test_verdict)

# In the harness's reading order (harness/__init__.py).
TEST_MODULES = (test_cases, test_ktap, test_verdict, test_exitcodes,
                test_readers, test_compare_host, test_qemu, test_tools,
                test_runner, test_cli)


def load_tests(loader, standard_tests, pattern):
    """All the modules' tests, when no TEST is named."""
    suite = unittest.TestSuite()
    for m in TEST_MODULES:
        suite.addTests(loader.loadTestsFromModule(m))
    return suite


def main():
    """unittest's own command line, plus --summary: end with the line
    "N passed, N failed" that tests/run.sh adds up."""
    summary = "--summary" in sys.argv
    for flag in ("--no-prove", "--no-kunit"):
        if flag in sys.argv:
            testlib.NO_READER.add(flag[len("--no-"):])
    argv = [a for a in sys.argv if a not in ("--summary", "--no-prove",
                                             "--no-kunit")]
    prog = unittest.main(argv=argv, exit=False)
    r = prog.result
    bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
    if summary:
        print("%d passed, %d failed" % (
            r.testsRun - bad - len(r.skipped), bad))
    sys.exit(0 if r.wasSuccessful() else 1)


if __name__ == "__main__":
    main()

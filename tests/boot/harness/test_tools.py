"""
Tests of tools.py: tool: cases through the runner, with a fake
build/host/pvbus-replay.
"""

import contextlib
import io
import os
import shutil
import tempfile
import unittest

from . import cli, testlib


FAKE_TOOL = r"""#!/bin/sh
# Pretends to be build/host/pvbus-replay: "pass" prints a passing KTAP
# report, "todo" a report prove passes and the harness does not,
# "hang" sleeps, anything else is refused with exit 2.
case $1 in
pass|todo) printf 'KTAP version 1\n1..2\nok 1 a\n' ;;
esac
case $1 in
pass) printf 'ok 2 b\n2 passed, 0 failed, 0 skipped\n'; exit 0 ;;
todo) printf 'not ok 2 b # TODO x\n1 passed, 1 failed, 0 skipped\n'
      exit 1 ;;
hang) sleep 30 ;;
*) echo "pvbus-replay: $1: No such file or directory" >&2; exit 2 ;;
esac
"""


class ToolRunnerTest(unittest.TestCase):
    """tool: cases through the runner, with a fake pvbus-replay."""

    def setUp(self):
        self.dir = d = tempfile.mkdtemp(prefix="matrix-test-")
        os.makedirs(os.path.join(d, "host"))
        os.mkdir(os.path.join(d, "cases"))
        open(os.path.join(d, "kernel.elf"), "w").close()
        tool = os.path.join(d, "host", "pvbus-replay")
        with open(tool, "w") as f:
            f.write(FAKE_TOOL)
        os.chmod(tool, 0o755)
        for name, text in (
                ("t-pass", "tool: replay\nargs: pass\n"),
                ("t-refused", "tool: replay\nargs: @gone\nexit: 2\n"
                 "input: gone \"x\"\nexpect: ^pvbus-replay: .*/gone: No "
                 "such file\n"),
                ("t-wrong-exit", "tool: replay\nargs: nothere\n"),
                ("t-todo", "tool: replay\nargs: todo\nexit: 1\n"),
                ("t-hang", "tool: replay\nargs: hang\ntimeout: 1\n")):
            with open(os.path.join(d, "cases", name + ".case"), "w") as f:
                f.write(text)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_matrix(self, *extra):
        return testlib.run_cli(self.dir, "true", 3, extra)

    def test_run(self):
        rc, out = self.run_matrix()
        by = {l.split()[1]: i for i, l in enumerate(out)
              if l[:4] in ("PASS", "FAIL")}
        self.assertEqual((rc, out[-1]), (1, "2 passed, 3 failed"))
        self.assertRegex(out[by["t-pass"]], r"^PASS .* exit 0: 2 passed")
        self.assertRegex(out[by["t-refused"]], r"^PASS .* exit 2: "
                         r"pvbus-replay: .*test-inputs/t-refused/gone: No")
        self.assertRegex(out[by["t-wrong-exit"]], r"^FAIL .* expected exit "
                         r"0, got exit 2: pvbus-replay: nothere")
        self.assertRegex(out[by["t-todo"]], r"^FAIL .* KTAP: line 4: prove "
                         r"reads a TODO directive")
        self.assertRegex(out[by["t-hang"]], r"^FAIL .* pvbus-replay hung: "
                         r"killed after 1s")

    def test_missing_reader_fails_unless_left_out(self):
        rc, out = self.run_matrix("-k", "t-pass", "--kunit",
                                  "/nonexistent/kunit.py")
        # --no-kunit came first on the command line; --kunit does not
        # undo it.  Without --no-kunit the missing reader fails the case:
        self.assertEqual(rc, 0)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = cli.main(["--cases", os.path.join(self.dir, "cases"),
                           "--build", self.dir, "--qemu", "true",
                           "--no-prove", "--kunit",
                           "/nonexistent/kunit.py", "-k", "t-pass"])
        out = out.getvalue().splitlines()
        self.assertEqual(rc, 1)
        self.assertRegex(out[0], r"^FAIL  t-pass .* kunit.py: "
                         r"/nonexistent/kunit.py not found; --no-kunit "
                         r"runs without it$")

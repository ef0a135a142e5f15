"""
Tests of cli.py: -k selects cases by substring or glob, --list prints
them without running any.
"""

from .testlib import FakeQemuTest


class CliTest(FakeQemuTest):

    def test_select_and_list(self):
        rc, out = self.run_matrix("-k", "pass", "-k", "b-*")
        self.assertEqual((rc, out[-1]), (0, "2 passed, 0 failed"))
        rc, out = self.run_matrix("--list", "-k", "hang")
        self.assertEqual(rc, 0)
        self.assertEqual(len(out), 1)
        self.assertTrue(out[0].startswith("c-hang"))

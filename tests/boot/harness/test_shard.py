"""
Tests of shard.py and --shard: the shards of K/N are disjoint, their
union is the matrix, and they are balanced by recorded duration within
the longest case (LPT's bound) on the real case lists and the committed
durations; unknown cases get their boot path's default; refresh() keeps
what the results lack.
"""

import contextlib
import io
import os
import unittest

from . import cases, cli, shard
from .paths import REPO
from .results import Suite

CASE_DIRS = {"boot": os.path.join(REPO, "tests", "boot", "cases"),
             "hostile": os.path.join(REPO, "tests", "hostile")}
# The balance the committed durations must give the real matrix in 4
# shards: the heaviest shard within this much of the mean (1.003 for the
# boot cases and 1.006 for the hostile ones with the durations recorded
# when this test was written).
TOLERANCE = 1.05


class AssignTest(unittest.TestCase):

    def test_real_matrix_in_four(self):
        d = shard.Durations.load()
        for stage, directory in CASE_DIRS.items():
            all_cases = cases.load_cases(directory)
            weight = lambda c: d.of(stage, c)    # noqa: E731
            parts = shard.assign(all_cases, 4, weight)
            names = [c.name for p in parts for c in p]
            self.assertEqual(len(names), len(set(names)), stage)
            self.assertEqual(sorted(names), sorted(c.name
                                                   for c in all_cases))
            loads = [sum(weight(c) for c in p) for p in parts]
            longest = max(weight(c) for c in all_cases)
            self.assertLessEqual(max(loads) - min(loads), longest + 1e-9,
                                 (stage, loads))
            mean = sum(loads) / 4
            self.assertLessEqual(max(loads), mean * TOLERANCE + 1e-9,
                                 (stage, loads))

    def test_head_start_and_bound(self):
        cs = [cases.Case(name="c%02d" % i, boot="pvh") for i in range(20)]
        w = {c.name: float(i % 7 + 1) for i, c in enumerate(cs)}
        parts = shard.assign(cs, 3, lambda c: w[c.name], head=10.0)
        loads = [sum(w[c.name] for c in p) for p in parts]
        loads[0] += 10.0
        self.assertLessEqual(max(loads) - min(loads), 7.0)
        self.assertLess(len(parts[0]), len(parts[1]))
        # Each shard keeps the given order; one shard is everything.
        self.assertEqual(shard.assign(cs, 1, lambda c: w[c.name]), [cs])

    def test_defaults_by_boot_path(self):
        d = shard.Durations({"defaults": {"uefi": 7.0}, "boot": {"a": 2.5}})
        self.assertEqual(d.of("boot", cases.Case(name="a", boot="uefi")),
                         2.5)
        self.assertEqual(d.of("boot", cases.Case(name="b", boot="uefi")),
                         7.0)
        self.assertEqual(d.of("boot", cases.Case(name="b", boot="bios")),
                         shard.FALLBACK["bios"])
        self.assertEqual(d.of("boot", cases.Case(name="t", tool="replay")),
                         shard.FALLBACK["tool"])

    def test_parse(self):
        self.assertEqual(shard.parse_shard("2/4"), (2, 4))
        for bad in ("0/4", "5/4", "4", "a/b", "", None):
            with self.assertRaises(ValueError):
                shard.parse_shard(bad)

    def test_refresh(self):
        old = shard.Durations({"boot": {"gone": 1.0, "a": 9.0},
                               "stages": {"fuzz": 100.0}})
        suites = [Suite("a", "boot", time=2.04, status="PASS",
                        properties={"boot": "pvh"}),
                  Suite("b", "boot", time=4.0, status="FAIL",
                        properties={"boot": "pvh"}),
                  Suite("k", "boot", time=None, status="SKIP"),
                  Suite("unit", "unit", time=30.0, status="PASS")]
        new = shard.refresh(suites, old)
        self.assertEqual(new.data["boot"], {"a": 2.0, "b": 4.0,
                                            "gone": 1.0})
        self.assertEqual(new.data["stages"], {"fuzz": 100.0, "unit": 30.0})
        self.assertEqual(new.data["defaults"]["pvh"], 3.0)
        self.assertEqual(new.stages(), 130.0)
        self.assertEqual(new.stages(["unit"]), 30.0)


class ShardCliTest(unittest.TestCase):
    """matrix.py --list --shard K/4 on the real case files: each case in
    exactly one of the four."""

    def listed(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(
                err):
            rc = cli.main(["--list"] + list(argv))
        self.assertEqual(rc, 0, err.getvalue())
        return [l.split()[0] for l in out.getvalue().splitlines()]

    def test_shards_cover_the_matrix_once(self):
        for directory in CASE_DIRS.values():
            whole = self.listed("--cases", directory)
            parts = [self.listed("--cases", directory, "--shard",
                                 "%d/4" % k) for k in range(1, 5)]
            flat = [n for p in parts for n in p]
            self.assertEqual(len(flat), len(set(flat)))
            self.assertEqual(sorted(flat), sorted(whole))
            self.assertTrue(all(parts))


if __name__ == "__main__":
    unittest.main()

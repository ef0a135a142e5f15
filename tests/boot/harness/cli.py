"""
The boot matrix's command line (tests/boot/matrix.py): read the case
files, pick the ones asked for, run them several at a time, print one
line per case as it finishes and "N passed, N failed" at the end.

    python3 tests/boot/matrix.py [-j N] [-k PATTERN] [--list] [-v]
                                 [--cases DIR] [--no-prove] [--no-kunit]
                                 [--kunit PATH/kunit.py] [--build DIR]
                                 [--qemu BIN] [--results DIR] [--stage NAME]
                                 [--no-results] [--shard K/N]
                                 [--shard-head SECONDS|stages]

Reads the *.case files of --cases (default tests/boot/cases); each case
is run by runner.Runner.  At the end it writes DIR/junit.xml and
DIR/results.json (results.py; default BUILD/test-results), a test suite
per case.  --shard K/N runs the K-th of N disjoint parts of the
selection, balanced by tests/boot/durations.json (shard.py).  The exit
status is 1 if a case failed, 2 if nothing could run (no case matches,
no QEMU, no kernel).
"""

import argparse
import concurrent.futures
import fnmatch
import os
import re
import shlex
import shutil
import sys

from . import results, shard
from .cases import CASES_DIR, load_cases
from .paths import REPO, show
from .runner import Runner

BOOT_ORDER = {"uefi": 0, "pvh": 1, "bios": 2}   # slowest first


def select(cases, patterns):
    if not patterns:
        return cases
    def hit(name, pat):
        if any(c in pat for c in "*?["):
            return fnmatch.fnmatchcase(name, pat)
        return pat in name
    return [c for c in cases if any(hit(c.name, p) for p in patterns)]


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Boot the testbed kernel under QEMU, one run per "
        "tests/boot/cases/*.case, and judge each from its exit code and "
        "its KTAP serial log.")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="cases run at once (default: CPUs, %(default)s)")
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    metavar="PATTERN", help="only cases whose name "
                    "contains PATTERN (or matches it as a glob); repeatable")
    ap.add_argument("--list", action="store_true",
                    help="list the selected cases and exit")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the serial log of failing cases")
    ap.add_argument("--cases", default=CASES_DIR, metavar="DIR",
                    help="the directory of *.case files (default: "
                    "tests/boot/cases; tests/hostile for the hostile-input "
                    "suite)")
    ap.add_argument("--build", default="build",
                    help="build directory, relative to the repository "
                    "(default: %(default)s)")
    ap.add_argument("--qemu", default=os.environ.get(
        "QEMU", "qemu-system-x86_64"), help="QEMU binary (default: $QEMU "
        "or %(default)s)")
    ap.add_argument("--mkiso", default=os.path.join("tools", "mkiso.sh"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--no-prove", action="store_true",
                    help="do not read the reports with prove (a missing "
                    "prove otherwise fails every case with a report)")
    ap.add_argument("--no-kunit", action="store_true",
                    help="do not read the reports with kunit.py (a missing "
                    "kunit.py otherwise fails every case with a report)")
    ap.add_argument("--kunit", metavar="KUNIT_PY", help="this kunit.py "
                    "instead of the one extracted from "
                    "/usr/src/linux-source-6.1.tar.xz into BUILD/kunit/")
    ap.add_argument("--results", metavar="DIR", help="write junit.xml and "
                    "results.json there (default: BUILD/test-results)")
    ap.add_argument("--no-results", action="store_true",
                    help="write no results files")
    ap.add_argument("--stage", help="the stage the suites belong to, in "
                    "the results files (default: the --cases directory's "
                    "name; 'boot' for tests/boot/cases)")
    ap.add_argument("--shard", metavar="K/N", help="only the K-th of N "
                    "disjoint shards of the selected cases, balanced by "
                    "their recorded durations (tests/boot/durations.json)")
    ap.add_argument("--shard-head", default="0", metavar="SECONDS",
                    help="work shard 1 has besides its cases: seconds, or "
                    "stages of `make test` by name (deps,unit,...), for "
                    "their recorded time (tests/run.sh runs the stages "
                    "that are not the matrix on shard 1 only)")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        ap.error("-j must be at least 1")
    if args.shard:
        try:
            args.shard = shard.parse_shard(args.shard)
        except ValueError as e:
            ap.error(str(e))
    try:
        args.shard_head = float(args.shard_head)
    except ValueError:
        if not re.fullmatch(r"[\w-]+(,[\w-]+)*", args.shard_head):
            ap.error("--shard-head: seconds, or stage names joined by ','"
                     ", not %r" % args.shard_head)
        args.shard_head = args.shard_head.split(",")
    return args


def pick_shard(args, cases):
    """(the cases of --shard K/N, a line saying which), in the given
    order."""
    k, n = args.shard
    stage = args.stage or stage_name(args.cases)
    d = shard.Durations.load()
    head = d.stages(args.shard_head) if isinstance(args.shard_head, list) \
        else args.shard_head
    parts = shard.assign(cases, n, lambda c: d.of(stage, c), head)
    mine = parts[k - 1]
    return mine, "shard %d/%d: %d of %d cases, about %.0f s of %.0f s " \
        "recorded%s" % (k, n, len(mine), len(cases), sum(
            d.of(stage, c) for c in mine), sum(d.of(stage, c)
                                              for c in cases),
            ", after %.0f s of other stages" % head if head and k == 1
            else "")


def stage_name(cases_dir):
    """tests/boot/cases -> boot, tests/hostile -> hostile."""
    d = os.path.normpath(cases_dir)
    name = os.path.basename(d)
    return os.path.basename(os.path.dirname(d)) if name == "cases" \
        else name


def write_results(args, runner, done):
    """junit.xml and results.json for the cases that ran (done: [(case,
    status, secs, headline, more lines)]); returns the line to print."""
    stage = args.stage or stage_name(args.cases)
    suites = [results.boot_suite(case, stage, status, secs, head, more,
                                 runner.details.get(case.name))
              for case, status, secs, head, more in sorted(
                  done, key=lambda d: d[0].name)]
    directory = args.results or os.path.join(REPO, args.build,
                                             "test-results")
    xml_path, _ = results.write(directory, suites)
    t = results.totals(suites)
    return "results: %s (%d suites, %d tests, %d failures, %d skipped)" % (
        show(xml_path), t["suites"], t["tests"], t["failures"],
        t["skipped"])


def list_cases(cases):
    width = max((len(c.name) for c in cases), default=0)
    for c in cases:
        if c.error:
            print("%-*s  (broken: %s)" % (width, c.name, c.error))
            continue
        if c.tool:
            print("%-*s  tool %-9s exit %-7s %4gs  %s" % (
                width, c.name, c.tool, c.exit, c.timeout, " ".join(
                    shlex.quote(a) for a in c.args) if c.tool == "replay"
                else "cmdline=%s" % ascii(c.cmdline)))
            continue
        extra = " ".join(c.qemu)
        print("%-*s  %-4s %-4s %-8s %4gs  %s%s" % (
            width, c.name, c.boot, c.machine, c.verdict, c.timeout,
            "cmdline=%s" % (shlex.quote(c.cmdline) if c.cmdline.isascii()
                            and c.cmdline.isprintable()
                            else ascii(c.cmdline)) if c.cmdline else "",
            "  " + extra if extra else ""))


def main(argv=None):
    args = parse_args(argv)
    if not os.path.isdir(args.cases):       # relative to the repository
        args.cases = os.path.join(REPO, args.cases)
    cases = select(load_cases(args.cases), args.patterns)
    if not cases:
        print("no case matches %s" % " ".join(args.patterns),
              file=sys.stderr)
        return 2
    if args.shard:
        cases, said = pick_shard(args, cases)
        print(said, file=sys.stderr if args.list else sys.stdout)
        if not cases and not args.list:
            if not args.no_results:
                print(write_results(args, None, []))
            print("0 passed, 0 failed")
            return 0
    if args.list:
        list_cases(cases)
        return 0
    if not shutil.which(args.qemu):
        print("%s not found" % args.qemu, file=sys.stderr)
        return 2
    kernel = os.path.join(REPO, args.build, "kernel.elf")
    if not os.path.exists(kernel):
        print("%s missing: build the kernel first (make)" % show(kernel),
              file=sys.stderr)
        return 2
    runner = Runner(args)
    cases.sort(key=lambda c: (BOOT_ORDER.get(c.boot, 3), c.name))
    width = max(len(c.name) for c in cases)
    tally = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    done = []

    def report(case, fut):
        try:
            status, secs, head, more = fut.result()
        except Exception as e:      # a harness bug: fail the case, go on
            status, secs, head, more = "FAIL", None, "harness error: %r" \
                % e, []
        t = "-" if secs is None else ("%.2fs" % secs if secs < 10
                                      else "%.1fs" % secs)
        with runner.lock:
            tally[status] += 1
            done.append((case, status, secs, head, more))
            print("%-4s  %-*s  %6s  %s" % (status, width, case.name, t,
                                           head))
            for m in more:
                print("      " + m)
            sys.stdout.flush()

    pool = concurrent.futures.ThreadPoolExecutor(args.jobs)
    try:
        futs = {pool.submit(runner.run_case, c): c for c in cases}
        for fut in concurrent.futures.as_completed(futs):
            report(futs[fut], fut)
    except KeyboardInterrupt:
        runner.procs.kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        runner.isos.shutdown()
    if not args.no_results:
        try:
            print(write_results(args, runner, done))
        except OSError as e:
            print("results: could not write them: %s" % e)
            tally["FAIL"] += 1
    line = "%d passed, %d failed" % (tally["PASS"], tally["FAIL"])
    if tally["SKIP"]:
        line += ", %d skipped" % tally["SKIP"]
    print(line)
    return 1 if tally["FAIL"] else 0

"""
The boot matrix's command line (tests/boot/matrix.py): read the case
files, pick the ones asked for, run them several at a time, print one
line per case as it finishes and "N passed, N failed" at the end.

    python3 tests/boot/matrix.py [-j N] [-k PATTERN] [--list] [-v]
                                 [--cases DIR] [--no-prove] [--no-kunit]
                                 [--kunit PATH/kunit.py] [--build DIR]
                                 [--qemu BIN]

Reads the *.case files of --cases (default tests/boot/cases); each case
is run by runner.Runner.  The exit status is 1 if a case failed, 2 if
nothing could run (no case matches, no QEMU, no kernel).
"""

import argparse
import concurrent.futures
import fnmatch
import os
import shlex
import shutil
import sys

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
    args = ap.parse_args(argv)
    if args.jobs < 1:
        ap.error("-j must be at least 1")
    return args


def list_cases(cases):
    width = max(len(c.name) for c in cases)
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
    line = "%d passed, %d failed" % (tally["PASS"], tally["FAIL"])
    if tally["SKIP"]:
        line += ", %d skipped" % tally["SKIP"]
    print(line)
    return 1 if tally["FAIL"] else 0

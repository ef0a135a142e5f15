#!/usr/bin/env python3
"""
The split stage of `make test`, after the boot matrix: a log of several
boots is one KTAP document per boot, and tools/ktap-split cuts any
captured log as the harness cuts its own.  For each case that reboots
on purpose (sim-vmware-reboot: two boots; reboot-three-boots in
tests/hostile: three), from the logs the matrix left in build/test-logs/:

  - tools/ktap-split LOG DIR writes the same files, byte for byte, as
    the harness stored (build/test-logs/CASE.bootN.ktap), one per boot
    as the case's "boots:" says, and joined they are the log;
  - each document passes prove (`prove --exec cat`) and kunit.py
    (`kunit.py parse`), with the counts of its totals line;
  - the whole log does not: prove fails it ("More than one plan"), and
    kunit.py reads only the first boot, so with the last boot's first
    result turned into "not ok" it still passes the whole log, while
    the last document, so edited, fails with both.

    python3 tests/ktap-split/check.py [--build DIR] [--present] [CASE ...]

One line per check (PASS or FAIL), then "N passed, N failed"; exit 1 if
a check failed.  A missing log fails (run the boot matrix first), but
with --present a case without a log is left out: tests/run.sh passes it
when it runs one shard of the matrix (SHARD=K/N), which may not hold
the case.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
sys.path.insert(0, os.path.join(REPO, "tests", "boot"))
from harness.cases import load_cases  # noqa: E402
from harness.ktap import split_log, stream_passes  # noqa: E402
from harness.readers import Readers, compare_readers  # noqa: E402

SPLIT = os.path.join(REPO, "tools", "ktap-split")
CASES = {"sim-vmware-reboot": "tests/boot/cases",
         "reboot-three-boots": "tests/hostile"}


def check_case(name, logs, readers, tmp, present=False):
    """(what, messages) for each check of one case."""
    case = next(c for c in load_cases(os.path.join(REPO, CASES[name]))
                if c.name == name)
    log = os.path.join(logs, name + ".log")
    if not os.path.exists(log):
        if present:
            print("      %s: no log in this run, left out" % name)
            return []
        return [("%s: split" % name, ["%s missing: run the boot matrix "
                                      "first" % log])]
    with open(log, "rb") as f:
        data = f.read()
    out = []
    # The tool against the harness's own pieces.
    outdir = os.path.join(tmp, name)
    p = subprocess.run([SPLIT, log, outdir], capture_output=True,
                       text=True, timeout=60)
    mine = p.stdout.split()
    msgs = [] if p.returncode == 0 else ["tools/ktap-split exited %d: %s"
                                         % (p.returncode, p.stderr.strip())]
    if len(mine) != case.boots:
        msgs.append("%d documents, the case has %d boots" % (
            len(mine), case.boots))
    pieces = []
    for k, path in enumerate(mine, 1):
        ours = os.path.join(logs, "%s.boot%d.ktap" % (name, k))
        with open(path, "rb") as f:
            piece = f.read()
        pieces.append(piece)
        if not os.path.exists(ours):
            msgs.append("the harness left no %s" % ours)
            continue
        with open(ours, "rb") as f:
            if f.read() != piece:
                msgs.append("%s differs from the harness's %s" % (
                    path, ours))
    if b"".join(pieces) != data:
        msgs.append("the documents joined are not the log")
    out.append(("%s: tools/ktap-split = the harness's %d documents" % (
        name, case.boots), msgs))
    # Each document passes both readers, with its totals line's counts.
    for k, path in enumerate(mine, 1):
        with open(path, "rb") as f:
            lines = split_log(f.read())
        passes, totals = stream_passes(lines)
        msgs = [] if passes and totals else ["the harness fails it"]
        readings = readers.read(path)
        msgs += compare_readers(lines, readings)
        msgs += ["%s fails it" % r.reader for r in readings if not r.passed]
        out.append(("%s: boot %d passes prove and kunit.py" % (name, k),
                    msgs))
    # The whole log: prove fails it; kunit.py reads the first boot only.
    last = os.path.join(tmp, name + ".last-fails.ktap")
    whole = os.path.join(tmp, name + ".last-fails.log")
    edited, n = re.subn(rb"(?m)^ok 1 ", b"not ok 1 ", pieces[-1], count=1)
    with open(last, "wb") as f:
        f.write(edited)
    with open(whole, "wb") as f:
        f.write(b"".join(pieces[:-1]) + edited)
    msgs = [] if n else ["no 'ok 1' in the last boot to edit"]
    said = {r.reader: r.passed for r in readers.read(log)}
    if said.get("prove"):
        msgs.append("prove passes the whole log of %d boots" % case.boots)
    said_whole = {r.reader: r.passed for r in readers.read(whole)}
    said_last = {r.reader: r.passed for r in readers.read(last)}
    if not said_whole.get("kunit.py"):
        msgs.append("kunit.py fails the whole log with the last boot "
                    "failing: it reads past the first boot now (drop "
                    "this check)")
    if any(said_last.values()):
        msgs.append("a reader passes the failing last boot: %s" % said_last)
    out.append(("%s: the whole log fools prove and kunit.py" % name, msgs))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--present", action="store_true", help="leave out "
                    "a case whose log is missing")
    ap.add_argument("cases", nargs="*", default=sorted(CASES))
    args = ap.parse_args()
    build = os.path.join(REPO, args.build)
    readers = Readers(build)
    passed = failed = 0
    if readers.missing:
        for m in readers.missing:
            print("FAIL  " + m)
        print("0 passed, %d failed" % len(readers.missing))
        return 1
    with tempfile.TemporaryDirectory(prefix="ktap-split-") as tmp:
        for name in args.cases:
            if name not in CASES:
                print("FAIL  %s: not a case that reboots (%s)" % (
                    name, ", ".join(sorted(CASES))))
                failed += 1
                continue
            for what, msgs in check_case(name, os.path.join(
                    build, "test-logs"), readers, tmp, args.present):
                print("%s  %s" % ("FAIL" if msgs else "PASS", what))
                for m in msgs:
                    print("      " + m)
                passed += not msgs
                failed += bool(msgs)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

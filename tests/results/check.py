#!/usr/bin/env python3
"""
The results stage of `make test`, after the boot matrix and the hostile
inputs: the results files the harness wrote for them
(build/test-results/stages/{boot,hostile}/junit.xml and results.json)
are what a dashboard needs.

  - junit.xml keeps the structural rules of the JUnit schema CI systems
    read (Jenkins xUnit's junit-10.xsd; tests/boot/harness/results.py
    validate_junit() says which), and results.json holds the same
    suites, test cases and statuses;
  - every case that ran is a suite, and every KTAP result line of its
    serial log (each boot's, at every depth: counted here with a plain
    regular expression, not the harness's reader) is a test case, every
    "# SKIP reason" a skipped one with that reason;
  - the failures agree with the verdict: a case that ended in pass or
    halt has no failed KTAP test, and one that crashed, timed out,
    reset, panicked or failed has a failed test case naming the test
    (its crashed:, running: or failed: tests where the case says), of
    the type crash, timeout or reset; fault-hang, fault-triple and at
    least one crash case must be there (not with --present, which
    tests/run.sh passes for one shard of the matrix).

    python3 tests/results/check.py [--present] [DIR ...]

DIR defaults to build/test-results/stages/boot and .../hostile.  One
line per check (PASS or FAIL), then "N passed, N failed".
"""

import argparse
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
sys.path.insert(0, os.path.join(REPO, "tests", "boot"))
from harness import results  # noqa: E402
from harness.cases import load_cases  # noqa: E402

CASE_DIRS = {"boot": "tests/boot/cases", "hostile": "tests/hostile"}
MUST = ("fault-hang", "fault-triple")
RESULT_LINE_RE = re.compile(rb"(?m)^ *(?:not )?ok \d+\b.*$")
SKIP_RE = re.compile(rb"^ *ok \d+ [^#]*# SKIP ?(.*?)\r?$")
FAILED_VERDICTS = ("fail", "crash", "timeout", "reset", "panic")
SYNTHETIC = ("expected_verdict",)


def synthetic(c):
    """Test cases the harness adds: its judgement, a boot with no
    report ("boot", or "boot2.boot" in a log of several boots: not a
    subtest that happens to be called boot, as environment_expected's
    is), and a running test's failure (no result line of its own)."""
    return c.name in SYNTHETIC or \
        re.fullmatch(r"(boot\d+\.)?boot", c.name) is not None or \
        c.type in ("timeout", "reset", "panic", "error", "noreport",
                   "booterr")


def check_suite(s, case):
    """Messages for one suite against its stored logs and its case."""
    msgs = []
    pieces = [v for k, v in sorted(s.properties.items())
              if re.fullmatch(r"boot\d+", k)]
    want = []
    skips = []
    for p in pieces:
        with open(os.path.join(REPO, p), "rb") as f:
            data = f.read()
        lines = RESULT_LINE_RE.findall(data)
        want.append(len(lines))
        skips += [m.group(1).decode("utf-8", "replace")
                  for m in map(SKIP_RE.match, lines) if m]
    real = [c for c in s.cases if not synthetic(c)]
    if pieces and len(real) != sum(want):
        msgs.append("%d KTAP result lines in %s, %d test cases" % (
            sum(want), ", ".join(pieces), len(real)))
    got_skips = [c.message for c in real if c.status == "skipped"]
    if pieces and sorted(got_skips) != sorted(
            results.xml_text(x) for x in skips):
        msgs.append("skips %s, the log's # SKIP reasons %s" % (
            got_skips[:3], skips[:3]))
    v = s.properties.get("verdict", "")
    failed = [c for c in s.cases if c.status == "failed" and
              c.name != "expected_verdict"]
    if v in ("pass", "halt") and failed:
        msgs.append("verdict %s, but failed test cases: %s" % (
            v, [c.name for c in failed]))
    if v in FAILED_VERDICTS and not failed:
        msgs.append("verdict %s, but no failed test case" % v)
    names = {c.name.split(".", 1)[-1] if re.match(r"boot\d+\.", c.name)
             else c.name: c for c in failed}
    if case is not None and v == "crash" and case.crashed:
        hit = [c for n, c in names.items() if n == case.crashed or
               n.endswith("." + case.crashed)]
        if not any(c.type == "crash" for c in hit):
            msgs.append("no failure of type crash named %s" % case.crashed)
    if case is not None and v in ("timeout", "reset", "panic") and \
            case.running:
        hit = [c for n, c in names.items() if n == case.running or
               n.endswith("." + case.running)]
        if not any(c.type == v for c in hit):
            msgs.append("no failure of type %s named %s" % (v,
                                                             case.running))
    if case is not None and v == "fail" and case.failed:
        top = {n for n, c in names.items() if "." not in n}
        if not set(case.failed) <= top:
            msgs.append("failed tests %s, the case says %s" % (
                sorted(top), case.failed))
    return msgs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--present", action="store_true")
    ap.add_argument("dirs", nargs="*", default=[
        os.path.join(REPO, "build", "test-results", "stages", d)
        for d in ("boot", "hostile")])
    args = ap.parse_args()
    passed = failed = 0

    def say(ok, what, msgs=()):
        nonlocal passed, failed
        print("%s  %s" % ("PASS" if ok else "FAIL", what))
        for m in list(msgs)[:8]:
            print("      " + m)
        passed += ok
        failed += not ok

    seen = {}
    for d in args.dirs:
        xml_path = os.path.join(d, "junit.xml")
        json_path = os.path.join(d, "results.json")
        if not os.path.exists(xml_path):
            say(args.present, "%s: no junit.xml" % d)
            continue
        p = subprocess.run([os.path.join(REPO, "tools", "test-results"),
                            "check", xml_path, json_path],
                           capture_output=True, text=True, timeout=120)
        say(p.returncode == 0, "%s: the JUnit schema's rules, and "
            "results.json the same" % os.path.relpath(d, REPO),
            p.stdout.splitlines())
        suites = results.read(json_path)
        stage = suites[0].stage if suites else ""
        cases = {c.name: c for c in load_cases(os.path.join(
            REPO, CASE_DIRS[stage]))} if stage in CASE_DIRS else {}
        bad = []
        for s in suites:
            seen[s.name] = s
            msgs = check_suite(s, cases.get(s.name))
            bad += ["%s: %s" % (s.name, m) for m in msgs]
        say(not bad, "%s: %d suites: test cases for every KTAP result, "
            "skips with reasons, failures that agree with the verdict" % (
                os.path.relpath(d, REPO), len(suites)), bad)
    for name in MUST:
        s = seen.get(name)
        if s is None:
            say(args.present, "%s: not in the results%s" % (
                name, " (--present: another shard has it)"
                if args.present else ""))
            continue
        f = [c for c in s.cases if c.status == "failed" and
             c.name == "deliberate_fault"]
        say(bool(f) and f[0].type in ("timeout", "reset"),
            "%s: deliberate_fault is a failure (%s)" % (
                name, f[0].type if f else "none"))
    crashes = [s for s in seen.values() if s.properties.get("verdict") ==
               "crash"]
    if not crashes:
        say(args.present, "no crash case in the results")
    else:
        bad = [s.name for s in crashes if not any(
            c.status == "failed" and c.type == "crash" for c in s.cases)]
        say(not bad, "%d crash cases, each with a failed test case of type "
            "crash" % len(crashes), bad)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""
The boot matrix: boot the testbed kernel under QEMU once per case file in
tests/boot/cases/*.case, several at a time, and judge each run from two
things only: the code QEMU exits with and the KTAP report on the serial
log.  The case file format is in tests/boot/README.md; the KTAP dialect,
the exit codes and the boot paths in ../shared/reference/testbeds.md
sections 1, 2 and 5-7.

    python3 tests/boot/matrix.py [-j N] [-k PATTERN] [--list] [-v]

Per case it keeps build/test-logs/<case>.log (COM1) and <case>.stderr
(QEMU's), prints one line when the case finishes and ends with
"N passed, N failed".  Python 3 standard library only.

Reading order: parse_case() (what a case says), parse_ktap() (what the
kernel said), classify() (what happened), judge() (was that expected),
then run_case() and main() (how QEMU is started).
"""

import argparse
import concurrent.futures
import dataclasses
import fcntl
import fnmatch
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CASES_DIR = os.path.join(REPO, "tests", "boot", "cases")

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

# QEMU's exit code for each status the kernel writes to isa-debug-exit
# (kernel/kern.h KEXIT_*): QEMU exits with (status << 1) | 1.
EXIT_VERDICTS = {
    33: "pass",         # 0x10 every test passed or was skipped
    35: "fail",         # 0x11 at least one test failed
    37: "crash",        # 0x12 unexpected CPU exception
    39: "booterr",      # 0x13 the CPU cannot run the kernel (no long mode)
    41: "panic",        # 0x14 a "can't happen" was reached
    43: "halt",         # 0x15 the host asked the guest to power off
}

# Everything classify() can answer.  Besides the kernel's own statuses:
# timeout (the host killed QEMU), noreport (QEMU ended before any KTAP
# version line: exit 0 is a reset or triple fault under -no-reboot, exit 1
# is QEMU failing to start), reset (exit 0 after the report began) and
# error (anything else: a signal, an unknown code).
VERDICTS = set(EXIT_VERDICTS.values()) | {
    "timeout", "noreport", "reset", "error"}

# Statuses after which the KTAP report must be complete: plan met, totals.
COMPLETE_VERDICTS = ("pass", "fail", "crash")

DEFAULT_TIMEOUT = {"pvh": 15.0, "bios": 20.0, "uefi": 60.0}


# ---------------------------------------------------------------- cases

class CaseError(Exception):
    pass


@dataclasses.dataclass
class Case:
    name: str
    boot: str = ""                  # bios, uefi or pvh
    machine: str = "q35"
    memory: str = "128M"
    qemu: list = dataclasses.field(default_factory=list)
    cmdline: str = ""
    modules: list = dataclasses.field(default_factory=list)
    serial: bool = True             # False: -serial none, status only
    timeout: float = 0.0
    verdict: str = "pass"
    crashed: str = ""               # crash: the test named "# crashed:"
    failed: list = dataclasses.field(default_factory=list)
    running: str = ""               # timeout, reset, panic: running test
    requires: list = dataclasses.field(default_factory=list)
    boots: int = 1                  # >1: the guest reboots; no -no-reboot
    # (kind, regex text, compiled, line number): kind "expect" or "absent"
    lines: list = dataclasses.field(default_factory=list)
    compare_host: bool = False      # pvbus blocks == pvbus-replay's
    error: str = ""                 # the case file itself is wrong

    @property
    def uses_iso(self):
        return self.boot in ("bios", "uefi")


CASE_KEYS = ("boot", "machine", "memory", "qemu", "cmdline", "module",
             "serial", "timeout", "verdict", "crashed", "failed",
             "running", "requires", "compare-host", "boots", "expect",
             "absent")
REQUIREMENTS = ("kvm", "kvm-hyperv", "kvm-hypercall", "ovmf")
QEMU_MIN_RE = re.compile(r"^qemu>=(\d+)\.(\d+)$")     # requires: qemu>=8.0


def parse_case(text, name):
    """Read one case file: "key: value" lines, "#" comments, blank lines.

    Raises CaseError naming the line of the first mistake.
    """
    case = Case(name=name)
    seen = set()
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        value = value.strip()
        if not sep or key not in CASE_KEYS:
            raise CaseError("line %d: expected one of %s, then ':'"
                            % (lineno, ", ".join(CASE_KEYS)))
        repeatable = key in ("qemu", "module", "expect", "absent",
                             "requires")
        if key in seen and not repeatable:
            raise CaseError("line %d: '%s' given twice" % (lineno, key))
        seen.add(key)
        try:
            _case_set(case, key, value, lineno)
        except (ValueError, re.error) as e:
            raise CaseError("line %d: %s: %s" % (lineno, key, e))
    _case_check(case)
    return case


def _case_set(case, key, value, lineno):
    if key == "boot":
        if value not in DEFAULT_TIMEOUT:
            raise ValueError("one of bios, uefi, pvh")
        case.boot = value
    elif key == "boots":
        if not value.isdigit() or not 1 <= int(value) <= 9:
            raise ValueError("a number of boots, 1 to 9")
        case.boots = int(value)
    elif key == "machine":
        case.machine = value
    elif key == "memory":
        case.memory = value
    elif key == "qemu":
        case.qemu += shlex.split(value)
    elif key == "cmdline":
        case.cmdline = value            # as written, quotes included
    elif key == "module":
        case.modules.append(value)
    elif key == "serial":
        if value not in ("file", "none"):
            raise ValueError("file or none")
        case.serial = value == "file"
    elif key == "timeout":
        case.timeout = float(value)
        if case.timeout <= 0:
            raise ValueError("must be positive")
    elif key == "verdict":
        if value not in VERDICTS:
            raise ValueError("one of " + ", ".join(sorted(VERDICTS)))
        case.verdict = value
    elif key == "crashed":
        case.crashed = value
    elif key == "failed":
        case.failed = value.split()
    elif key == "running":
        case.running = value
    elif key == "requires":
        for word in value.split():
            if word not in REQUIREMENTS and not QEMU_MIN_RE.match(word):
                raise ValueError("one of " + ", ".join(REQUIREMENTS) +
                                 " or qemu>=MAJOR.MINOR")
            case.requires.append(word)
    elif key == "compare-host":
        if value not in ("yes", "no"):
            raise ValueError("yes or no")
        case.compare_host = value == "yes"
    elif key in ("expect", "absent"):
        case.lines.append((key, value, re.compile(value), lineno))


def _case_check(case):
    if not case.boot:
        raise CaseError("no 'boot:' line")
    if not case.timeout:
        case.timeout = DEFAULT_TIMEOUT[case.boot]
    if case.boot == "uefi" and "ovmf" not in case.requires:
        case.requires.append("ovmf")
    if case.boot == "pvh" and len(case.modules) > 1:
        raise CaseError("PVH (-initrd) loads one module only")
    if not case.serial and case.lines:
        raise CaseError("'serial: none' leaves no lines to expect")
    if case.crashed and case.verdict != "crash":
        raise CaseError("'crashed:' needs 'verdict: crash'")
    if case.failed and case.verdict != "fail":
        raise CaseError("'failed:' needs 'verdict: fail'")
    if case.compare_host:
        if not case.modules:
            raise CaseError("'compare-host:' needs a 'module:' (the dump)")
        if "hv=replay" not in cmdline_words(case.cmdline):
            raise CaseError("'compare-host:' needs hv=replay on the "
                            "'cmdline:'")
        if not case.serial:
            raise CaseError("'compare-host:' needs the serial log")


def cmdline_words(cmdline):
    """The words of a kernel command line, quotes removed as the kernel
    removes them (near enough for finding hv=replay)."""
    try:
        return shlex.split(cmdline)
    except ValueError:              # an unbalanced quote
        return cmdline.split()


def load_cases(directory):
    cases = []
    for fn in sorted(os.listdir(directory)):
        if not fn.endswith(".case"):
            continue
        name = fn[:-len(".case")]
        if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
            case = Case(name=name, error="case names are [A-Za-z0-9._-]")
        else:
            with open(os.path.join(directory, fn), encoding="utf-8") as f:
                text = f.read()
            try:
                case = parse_case(text, name)
            except CaseError as e:
                case = Case(name=name, error="%s.case %s" % (name, e))
        cases.append(case)
    return cases


# ----------------------------------------------------------------- KTAP

RESULT_RE = re.compile(r"(not ok|ok) (\d+)(?: ([^#]*?))?\s*(?:# ?(.*))?$")
PLAN_RE = re.compile(r"1\.\.(\d+)\s*$")
TOTALS_RE = re.compile(r"(\d+) passed, (\d+) failed, (\d+) skipped\s*$")
CRASHED_RE = re.compile(r"crashed:\s*(\S+)(?:.*?\bat\s+(0x[0-9a-fA-F]+))?")
RIP_RE = re.compile(r"#\s*rip[ :=]+(0x[0-9a-fA-F]+)", re.I)
PANIC_RE = re.compile(r"(?:# ?)?panic: (.*)")


@dataclasses.dataclass
class Result:
    ok: bool
    num: int
    name: str
    directive: str          # after " # ": "SKIP why", "crashed: ..."
    lineno: int             # 1-based line in the log
    child: object = None    # the nested Doc closed by this result

    @property
    def skipped(self):
        return self.ok and self.directive.upper().startswith("SKIP")

    @property
    def crashed(self):
        return self.directive.startswith("crashed")


@dataclasses.dataclass
class Doc:
    """One KTAP document: the top level, or a nested one (subtests)."""
    indent: int
    lineno: int
    plan: int = None
    subtest: str = ""
    results: list = dataclasses.field(default_factory=list)
    running: str = None     # "# running X" not yet followed by a result


@dataclasses.dataclass
class Report:
    top: Doc = None         # None: no "KTAP version 1" line at all
    totals: tuple = None    # (passed, failed, skipped, lineno)
    problems: list = dataclasses.field(default_factory=list)
    running: list = dataclasses.field(default_factory=list)
    rip: str = ""           # from a "# rip 0x..." diagnostic
    panic: str = ""

    def results(self):
        return self.top.results if self.top else []


def split_log(data):
    """Bytes or text of a serial log to lines without their line ends."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    return [l.rstrip("\r") for l in data.split("\n")]


def parse_ktap(lines):
    """Follow the KTAP documents in a serial log; note what breaks the
    rules that hold whatever the exit status (plan before results,
    results numbered from 1)."""
    rep = Report()
    start = next((i for i, l in enumerate(lines)
                  if l.rstrip().endswith("KTAP version 1")), None)
    if start is None:
        return rep
    rep.top = Doc(indent=0, lineno=start + 1)
    stack = [rep.top]
    for i in range(start + 1, len(lines)):
        line = lines[i].rstrip()
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        _ktap_line(rep, stack, body, indent, i + 1)
    rep.running = [d.running for d in stack if d.running]
    return rep


def _ktap_line(rep, stack, body, indent, lineno):
    doc = stack[-1]
    if body == "KTAP version 1":
        if indent > doc.indent:
            stack.append(Doc(indent=indent, lineno=lineno))
        else:
            rep.problems.append("line %d: a second KTAP version line "
                                "at this depth" % lineno)
        return
    if body.startswith("#") and not PANIC_RE.match(body):
        _ktap_diag(rep, stack, body, indent)
        return
    m = PLAN_RE.match(body)
    if m and indent == doc.indent:
        if doc.plan is not None:
            rep.problems.append("line %d: a second plan" % lineno)
        elif doc.results:
            rep.problems.append("line %d: plan after the first result"
                                % lineno)
        doc.plan = int(m.group(1))
        return
    m = RESULT_RE.match(body)
    if m:
        _ktap_result(rep, stack, m, indent, lineno)
        return
    m = TOTALS_RE.match(body)
    if m and indent == 0:
        rep.totals = tuple(int(x) for x in m.groups()) + (lineno,)
        return
    m = PANIC_RE.match(body)
    if m and not rep.panic:
        rep.panic = m.group(1).strip()


def _ktap_diag(rep, stack, body, indent):
    text = body.lstrip("#").strip()
    doc = stack[-1]
    if indent == doc.indent and text.startswith("running "):
        doc.running = text[len("running "):].strip()
    elif indent == doc.indent and text.startswith("Subtest:"):
        doc.subtest = text[len("Subtest:"):].strip()
    m = RIP_RE.match(body)
    if m and not rep.rip:
        rep.rip = "0x%x" % int(m.group(1), 16)


def _ktap_result(rep, stack, m, indent, lineno):
    child = None
    while len(stack) > 1 and stack[-1].indent > indent:
        child = stack.pop()     # the last one popped is the direct child
    doc = stack[-1]
    if doc.indent != indent:
        rep.problems.append("line %d: result at indentation %d outside "
                            "any KTAP document" % (lineno, indent))
        return
    r = Result(ok=m.group(1) == "ok", num=int(m.group(2)),
               name=(m.group(3) or "").strip(),
               directive=(m.group(4) or "").strip(), lineno=lineno,
               child=child)
    want = len(doc.results) + 1
    if doc.plan is None and not doc.results:
        rep.problems.append("line %d: result before the plan" % lineno)
    if r.num != want:
        rep.problems.append("line %d: result numbered %d, expected %d"
                            % (lineno, r.num, want))
    doc.results.append(r)
    doc.running = None


def check_complete(rep):
    """The rules for a report that ended by itself: every plan met (but
    a crashed test's subtests stop early), parents agree with their
    subtests, the totals line agrees with the results."""
    problems = []
    _check_doc(rep.top, "", problems)
    res = rep.results()
    counts = (sum(r.ok and not r.skipped for r in res),
              sum(not r.ok for r in res), sum(r.skipped for r in res))
    if rep.totals is None:
        problems.append("no totals line 'N passed, N failed, N skipped'")
    elif rep.totals[:3] != counts:
        problems.append("line %d: totals say %d passed, %d failed, %d "
                        "skipped; the results %d, %d, %d"
                        % (rep.totals[3:] + rep.totals[:3] + counts))
    return problems


def _check_doc(doc, where, problems):
    if doc.plan is None:
        problems.append("no plan%s" % where)
    elif len(doc.results) != doc.plan:
        problems.append("plan not met%s: %d of %d results"
                        % (where, len(doc.results), doc.plan))
    for r in doc.results:
        c = r.child
        if c is None:
            continue
        inner = " in subtests of %s" % r.name
        if c.subtest and c.subtest != r.name:
            problems.append("line %d: '# Subtest: %s' closed by result "
                            "'%s'" % (r.lineno, c.subtest, r.name))
        if r.crashed:
            continue            # the crash cut the subtests short
        _check_doc(c, inner, problems)
        if r.ok and any(not s.ok for s in c.results):
            problems.append("line %d: %s is ok but a subtest failed"
                            % (r.lineno, r.name))


# ------------------------------------------------------------- verdicts

@dataclasses.dataclass
class Outcome:
    verdict: str
    detail: str = ""        # the human summary, verdict first
    problems: list = dataclasses.field(default_factory=list)
    failed: list = dataclasses.field(default_factory=list)
    crashed: list = dataclasses.field(default_factory=list)  # names
    vector: str = ""
    rip: str = ""
    running: str = ""       # "test" or "test > subtest", or ""
    report: Report = None


def first_stderr_line(stderr):
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    for l in lines:
        if "warning:" not in l:
            return l
    return lines[0] if lines else "(nothing on stderr)"


def last_boot(lines, boots):
    """A case that reboots on purpose ("boots: N") logs N KTAP documents,
    one per boot.  Returns the lines of the last boot, from its "KTAP
    version 1" on, for classify(), and a message if the count is not N.
    The case's expect: lines are still matched over the whole log, so
    they can follow the conversation across the reset."""
    starts = [i for i, l in enumerate(lines) if l == "KTAP version 1"]
    if boots == 1:
        return lines, []
    msgs = []
    if len(starts) != boots:
        msgs.append("expected %d boots (KTAP documents), saw %d"
                    % (boots, len(starts)))
    return (lines[starts[-1]:] if starts else lines), msgs


def classify(lines, rc, timed_out=False, stderr="", serial=True):
    """What happened in one run: a verdict from QEMU's exit code (or the
    timeout), checked against and completed from the KTAP report.

    lines: the serial log as split_log() gives it; rc: QEMU's exit code
    (negative: killed by that signal); serial: False for -serial none,
    where only the exit code is judged.
    """
    if timed_out:
        verdict = "timeout"
    elif rc in EXIT_VERDICTS:
        verdict = EXIT_VERDICTS[rc]
    elif rc in (0, 1):
        verdict = "noreport"    # may become "reset" below
    else:
        verdict = "error"
    o = Outcome(verdict=verdict)
    if not serial:
        o.detail = _status_only_detail(o.verdict, rc, stderr)
        return o
    rep = o.report = parse_ktap(lines)
    o.problems += rep.problems
    o.running = " > ".join(rep.running)
    if rep.top is not None and verdict == "noreport":
        # Exit 0 after "KTAP version 1": a reset mid-run.  Exit 1 after
        # it: the guest wrote status 0, which the kernel never does.
        o.verdict = "reset" if rc == 0 else "error"
    if o.verdict == "panic" and not rep.panic:     # before the report?
        rep.panic = next((m.group(1).strip() for m in map(
            PANIC_RE.match, lines) if m), "")
    if o.verdict == "crash" and rep.top is None:
        _crash_before_report(o, lines)
    elif o.verdict in COMPLETE_VERDICTS:
        if rep.top is None:
            o.problems.append("exit status %s but no 'KTAP version 1' "
                              "line" % o.verdict)
        else:
            o.problems += check_complete(rep)
    _DETAIL[o.verdict](o, rep, rc, stderr)
    return o


def _crash_before_report(o, lines):
    """Exit 0x12 with no KTAP report: the kernel crashed before its plan.
    Its "# CRASH #XX ..." and "# rip" lines still say what and where."""
    for l in lines:
        m = re.match(r"# CRASH (\S+)", l)
        if m and not o.vector:
            o.vector = m.group(1)
        m = RIP_RE.match(l)
        if m and not o.rip:
            o.rip = "0x%x" % int(m.group(1), 16)
    if not o.vector:
        o.problems.append("exit status crash but no 'KTAP version 1' "
                          "line and no '# CRASH' line")
    o.detail = "crash: %s before the KTAP report%s" % (
        o.vector or "?", " at " + o.rip if o.rip else "")


def _status_only_detail(verdict, rc, stderr):
    if verdict == "timeout":
        return "timeout (serial not captured)"
    if rc == 1:
        return "noreport: QEMU could not start: " + first_stderr_line(
            stderr)
    if verdict in ("noreport", "error"):
        return "%s: QEMU exit %d (serial not captured)" % (verdict, rc)
    return "%s: exit %d (serial not captured)" % (verdict, rc)


def _counts(res):
    ok = sum(r.ok and not r.skipped for r in res)
    skipped = sum(r.skipped for r in res)
    failed = [r.name for r in res if not r.ok]
    return ok, failed, skipped


def _detail_pass(o, rep, rc, stderr):
    ok, failed, skipped = _counts(rep.results())
    for r in rep.results():
        if not r.ok:
            o.problems.append("exit status pass but line %d: not ok %d %s"
                              % (r.lineno, r.num, r.name))
    o.detail = "pass: %d ok, %d skipped" % (ok, skipped)


def _detail_fail(o, rep, rc, stderr):
    ok, failed, skipped = _counts(rep.results())
    o.failed = failed
    if not failed and rep.top is not None:
        o.problems.append("exit status fail but no test is 'not ok'")
    o.detail = "fail: %d ok, %d failed (%s), %d skipped" % (
        ok, len(failed), ", ".join(failed), skipped)


def _detail_crash(o, rep, rc, stderr):
    if rep.top is None:
        return                  # _crash_before_report() said it all
    top = [r for r in rep.results() if r.crashed]
    if not top:
        o.problems.append("exit status crash but no '# crashed:' result")
        o.detail = "crash%s" % (" in " + o.running if o.running else "")
        return
    # The innermost crashed subtest carries the same "# crashed:" text.
    path, r = [top[0].name], top[0]
    while r.child is not None:
        inner = [s for s in r.child.results if s.crashed]
        if not inner:
            break
        r = inner[0]
        path.append(r.name)
    o.crashed = [path[0], path[-1], "/".join(path)]
    m = CRASHED_RE.search(r.directive)
    if m:
        o.vector, o.rip = m.group(1), m.group(2) or rep.rip
    o.detail = "crash: %s in %s%s" % (
        o.vector or "?", " > ".join(path), " at " + o.rip if o.rip else "")


def _detail_timeout(o, rep, rc, stderr):
    res = rep.results()
    if rep.top is None:
        o.detail = "timeout before the KTAP report"
    elif o.running:
        o.detail = "timeout in " + o.running
    elif rep.totals is not None:
        o.detail = "timeout after the totals line (no exit status)"
    elif res:
        o.detail = "timeout after %s %d %s" % (
            "ok" if res[-1].ok else "not ok", res[-1].num, res[-1].name)
    else:
        o.detail = "timeout before the first test"


def _detail_noreport(o, rep, rc, stderr):
    if rc == 1:
        o.detail = "noreport: QEMU could not start: " + \
            first_stderr_line(stderr)
    else:
        o.detail = "noreport: QEMU exit 0 (reset or triple fault) " \
            "before the KTAP report"


def _detail_reset(o, rep, rc, stderr):
    o.detail = "reset: QEMU exit 0 (reset or triple fault) %s" % (
        "in " + o.running if o.running else "outside any test")


def _detail_panic(o, rep, rc, stderr):
    where = " in " + o.running if o.running else ""
    o.detail = "panic%s%s" % (where, ": " + rep.panic if rep.panic else "")


def _detail_booterr(o, rep, rc, stderr):
    o.detail = "booterr: the CPU cannot run the kernel (no long mode)"


def _detail_halt(o, rep, rc, stderr):
    o.detail = "halt: the host asked the guest to power off"


def _detail_error(o, rep, rc, stderr):
    if rc < 0:
        o.detail = "error: QEMU killed by signal %d" % -rc
    elif rc & 1:
        o.detail = "error: QEMU exit %d = unknown status 0x%x" % (
            rc, rc >> 1)
    elif rc == 1:
        o.detail = "error: QEMU exit 1 (status 0?) after the report " \
            "began; stderr: " + first_stderr_line(stderr)
    else:
        o.detail = "error: QEMU exit %d: %s" % (
            rc, first_stderr_line(stderr))


_DETAIL = {"pass": _detail_pass, "fail": _detail_fail,
           "crash": _detail_crash, "timeout": _detail_timeout,
           "noreport": _detail_noreport, "reset": _detail_reset,
           "panic": _detail_panic, "booterr": _detail_booterr,
           "halt": _detail_halt, "error": _detail_error}


def judge(case, o, lines):
    """Everything about this run that the case did not expect, most
    important first; empty if the case passed."""
    msgs = []
    if o.verdict != case.verdict:
        msgs.append("expected %s, got %s" % (case.verdict, o.detail))
    else:
        if case.crashed and case.crashed not in o.crashed:
            msgs.append("expected a crash in %s, got one in %s"
                        % (case.crashed, o.crashed[-1] if o.crashed
                           else "no test"))
        if case.failed and sorted(case.failed) != sorted(o.failed):
            msgs.append("expected failed tests %s, got %s"
                        % (" ".join(case.failed),
                           " ".join(o.failed) or "none"))
        if case.running and case.running not in o.running.split(" > "):
            msgs.append("expected %s while running %s, got %s"
                        % (o.verdict, case.running,
                           o.running or "no running test"))
    msgs += ["KTAP: " + p for p in o.problems]
    if case.serial:
        msgs += match_lines(case.lines, lines)
    return msgs


def match_lines(expectations, lines):
    """Each "expect" regex must match a line after the one the previous
    "expect" matched; an "absent" regex must match no line of the log.
    Only the first missing "expect" is reported: the rest would follow
    from it."""
    msgs = []
    pos, last = 0, None         # search from lines[pos]; last match
    missing = False
    for kind, text, rx, lineno in expectations:
        if kind == "absent":
            hit = next((i for i, l in enumerate(lines) if rx.search(l)),
                       None)
            if hit is not None:
                msgs.append("log line %d matches absent: %s  (%r)"
                            % (hit + 1, text, lines[hit]))
            continue
        if missing:
            continue
        hit = next((i for i in range(pos, len(lines))
                    if rx.search(lines[i])), None)
        if hit is None:
            after = " after log line %d (%r)" % (last + 1, lines[last]) \
                if last is not None else ""
            msgs.append("no line matches expect: %s%s" % (text, after))
            missing = True
        else:
            pos, last = hit + 1, hit
    return msgs


# --------------------------------------------------------- compare-host

# The tests whose output build/host/pvbus-replay reproduces on the host
# (tools/pvbus-replay.c): a case with "compare-host: yes" requires the
# kernel's blocks for them to equal the tool's, line for line.
HOST_TESTS = ("pvbus_identify", "pvbus_attach")


def ktap_block(lines, name):
    """The lines a top-level test printed: those after "# running NAME"
    up to its top-level result, then that result with its number
    replaced by N (the kernel's plan has more tests than the tool's).
    Returns (first line's index in lines, block), or None if the test
    did not run or has no result."""
    start = next((i for i, l in enumerate(lines)
                  if l.rstrip() == "# running " + name), None)
    if start is None:
        return None
    for i in range(start + 1, len(lines)):
        m = RESULT_RE.match(lines[i].rstrip())
        if m and (m.group(3) or "").strip() == name:
            result = re.sub(r"^(not ok|ok) \d+ ", r"\1 N ",
                            lines[i].rstrip())
            return start + 1, [l.rstrip() for l in lines[start + 1:i]] \
                + [result]
    return None


def compare_blocks(kernel, host, names=HOST_TESTS):
    """Messages for the first difference between the kernel's log and
    the host tool's output in each test's block; [] if they agree."""
    msgs = []
    for name in names:
        k, h = ktap_block(kernel, name), ktap_block(host, name)
        if k is None or h is None:
            msgs.append("compare-host: %s has no %s block (no '# running "
                        "%s' followed by its result)" % (
                            "the kernel's log" if k is None else
                            "pvbus-replay's output", name, name))
            continue
        (kstart, kb), (hstart, hb) = k, h
        for i in range(max(len(kb), len(hb))):
            kl = kb[i] if i < len(kb) else None
            hl = hb[i] if i < len(hb) else None
            if kl == hl:
                continue
            msgs.append("compare-host: %s differs at its line %d: kernel "
                        "%s, pvbus-replay %s" % (
                            name, i + 1,
                            "%r (log line %d)" % (kl, kstart + i + 1)
                            if kl is not None else "(block ended)",
                            "%r" % hl if hl is not None
                            else "(block ended)"))
            break
    return msgs


def module_name(case):
    """The name the kernel's replay backend gives module 0: the module's
    string without directories (drivers/pvbus/hvio_replay.c).  An ISO
    module's string is what tools/mkiso.sh writes after module2: the
    text after '=' in "FILE=STRING", else the file's base name.  QEMU's
    PVH loader passes -initrd with no command line; the kernel then
    takes the name from the dump's first line, "# file: NAME"."""
    m = case.modules[0]
    if not case.uses_iso:
        try:
            with open(os.path.join(REPO, m), "rb") as f:
                first = f.readline().decode("ascii", "replace")
        except OSError:
            return ""
        if not first.startswith("# file: "):
            return ""
        return first[len("# file: "):].rstrip("\r\n")[:63]
    string = m.split("=", 1)[1] if "=" in m else os.path.basename(m)
    return string.rsplit("/", 1)[-1][:63]


def rename_profile(lines, old, new):
    """The tool names the dump after its path; the kernel after its
    module string.  Rewrite the two places the name appears, as
    hvio_replay.c and pvbus_tree.c print them: 'profile="NAME"' in the
    replay facts line and the ' [replay: NAME]' tag (' [replay]' when
    the name is empty)."""
    tag_new = " [replay: %s]" % new if new else " [replay]"
    return [l.replace('profile="%s"' % old, 'profile="%s"' % new)
             .replace(" [replay: %s]" % old, tag_new) for l in lines]


def host_replay(tool, case):
    """(lines the host tool printed for the case's dump, renamed as the
    kernel names it, or None; why not)."""
    if not os.path.exists(tool):
        return None, "compare-host: %s missing (make host-tools)" % \
            show(tool)
    dump = case.modules[0].split("=", 1)[0] if case.uses_iso \
        else case.modules[0]
    try:
        p = subprocess.run([tool, dump], cwd=REPO, capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "compare-host: %s: %s" % (show(tool), e)
    if p.returncode not in (0, 1):      # 2: unreadable dump
        return None, "compare-host: %s %s exited %d: %s" % (
            show(tool), dump, p.returncode,
            first_stderr_line(p.stderr.decode("utf-8", "replace")))
    lines = split_log(p.stdout)
    name = module_name(case)
    host = os.path.basename(dump)
    return (rename_profile(lines, host, name) if name != host else lines,
            None)


def compare_host(tool, case, lines):
    """The compare-host messages for one run's serial log."""
    host, why = host_replay(tool, case)
    if host is None:
        return [why]
    return compare_blocks(lines, host)


# ------------------------------------------------------------ the runs

def show(path):
    """A path for messages: relative to the repository if inside it."""
    path = os.path.abspath(os.path.join(REPO, path))
    return os.path.relpath(path, REPO) if path.startswith(REPO + "/") \
        else path


class Runner:
    """Starts QEMU for cases, builds the ISOs they need (once per run per
    command line and modules), symbolizes RIPs, asks prove for a second
    opinion."""

    def __init__(self, args):
        self.args = args
        self.build = os.path.join(REPO, args.build)
        self.kernel = os.path.join(self.build, "kernel.elf")
        self.logs = os.path.join(self.build, "test-logs")
        self.isos = os.path.join(self.build, "test-isos")
        self.mkiso = os.path.join(REPO, args.mkiso)
        self.iso_pool = concurrent.futures.ThreadPoolExecutor(args.jobs)
        self.iso_futures = {}
        self.lock = threading.Lock()
        self.probe_lock = threading.Lock()
        self.procs = set()          # live QEMUs, killed on ^C
        self.prove = shutil.which("prove") if not args.no_prove else None
        self.addr2line = shutil.which("addr2line")
        self.replay_tool = os.path.join(self.build, "host", "pvbus-replay")
        os.makedirs(self.logs, exist_ok=True)

    def qemu_version(self):
        """(major, minor) of the QEMU binary, read once; (0, 0) if unknown."""
        if not hasattr(self, "_qemu_version"):
            self._qemu_version = (0, 0)
            try:
                out = subprocess.run([self.args.qemu, "--version"],
                                     capture_output=True, timeout=30).stdout
                m = re.search(rb"version (\d+)\.(\d+)", out)
                if m:
                    self._qemu_version = (int(m.group(1)), int(m.group(2)))
            except (OSError, subprocess.TimeoutExpired):
                pass
        return self._qemu_version

    def kvm_hypercall_works(self):
        """Boot tests/boot/kvm-hypercall-probe.asm under KVM once: None if
        its VMCALL comes back, else why not (see the probe's comment).
        Cases run in threads: the first builds and boots, the rest wait."""
        with self.probe_lock:
            return self._kvm_hypercall_probe()

    def _kvm_hypercall_probe(self):
        if hasattr(self, "_kvm_hypercall"):
            return self._kvm_hypercall
        probe = os.path.join(self.build, "kvm-hypercall-probe")
        self._kvm_hypercall = "the VMCALL probe could not be built"
        try:
            subprocess.run(["nasm", "-f", "elf32", "-o", probe + ".o",
                            os.path.join(REPO, "tests", "boot",
                                         "kvm-hypercall-probe.asm")],
                           check=True, capture_output=True, timeout=60)
            subprocess.run(["ld", "-m", "elf_i386", "-z",
                            "max-page-size=0x1000", "-T",
                            os.path.join(REPO, "tools", "bench", "floor.ld"),
                            "-o", probe, probe + ".o"],
                           check=True, capture_output=True, timeout=60)
            p = subprocess.run([self.args.qemu, "-accel", "kvm", "-M", "q35",
                                "-cpu", "host", "-m", "32M", "-display",
                                "none", "-no-reboot", "-monitor", "none",
                                "-serial", "none", "-device",
                                "isa-debug-exit,iobase=0xf4,iosize=0x04",
                                "-kernel", probe], capture_output=True,
                               timeout=10)
        except (OSError, subprocess.CalledProcessError):
            return self._kvm_hypercall
        except subprocess.TimeoutExpired:
            self._kvm_hypercall = ("a VMCALL from a KVM guest never returns "
                                   "on this host (nested KVM?)")
            return self._kvm_hypercall
        self._kvm_hypercall = None if p.returncode == 33 else (
            "the VMCALL probe ended with QEMU exit %d" % p.returncode)
        return self._kvm_hypercall

    # What a case needs from the host; a missing one makes it a SKIP.
    def missing(self, case):
        for word in case.requires:
            m = QEMU_MIN_RE.match(word)
            if m and self.qemu_version() < (int(m.group(1)), int(m.group(2))):
                return "needs QEMU %s.%s or newer, have %d.%d" % (
                    m.group(1), m.group(2), *self.qemu_version())
        if "ovmf" in case.requires:
            for f in (OVMF_CODE, OVMF_VARS):
                if not os.path.exists(f):
                    return "%s not found (Debian: ovmf)" % f
        kvms = ("kvm", "kvm-hyperv", "kvm-hypercall")
        if any(k in case.requires for k in kvms):
            try:
                fd = os.open("/dev/kvm", os.O_RDWR)
            except OSError as e:
                return "/dev/kvm not usable (%s)" % e.strerror
            try:
                # KVM_CHECK_EXTENSION (_IO(0xAE, 0x03)) for KVM_CAP_HYPERV
                # (44): a nested or stripped host may lack the emulation.
                if "kvm-hyperv" in case.requires and \
                        fcntl.ioctl(fd, 0xAE03, 44) == 0:
                    return "KVM without Hyper-V emulation (KVM_CAP_HYPERV 0)"
            finally:
                os.close(fd)
            if "kvm-hypercall" in case.requires:
                why = self.kvm_hypercall_works()
                if why is not None:
                    return why
        if case.uses_iso:
            for tool in ("grub-mkrescue", "xorriso"):
                if not shutil.which(tool):
                    return tool + " not installed"
            plat = "i386-pc" if case.boot == "bios" else "x86_64-efi"
            if not os.path.isdir("/usr/lib/grub/" + plat):
                return "/usr/lib/grub/%s missing (GRUB for %s)" % (
                    plat, case.boot)
        return None

    def iso_for(self, case):
        """A future for the ISO with this case's command line baked in."""
        key = "\0".join([case.cmdline] + case.modules)
        digest = hashlib.sha1(key.encode()).hexdigest()[:12]
        with self.lock:
            if digest not in self.iso_futures:
                self.iso_futures[digest] = self.iso_pool.submit(
                    self._build_iso, digest, case.cmdline, case.modules)
            return self.iso_futures[digest]

    def _build_iso(self, digest, cmdline, modules):
        """Returns (path relative to REPO, None) or (None, why not)."""
        if not os.path.exists(self.mkiso):
            return None, show(self.mkiso) + " missing"
        os.makedirs(self.isos, exist_ok=True)
        iso = os.path.join(self.isos, digest + ".iso")
        log = os.path.join(self.isos, digest + ".log")
        if os.path.exists(iso):
            os.unlink(iso)
        cmd = [self.mkiso, iso, os.path.relpath(self.kernel, REPO),
               cmdline] + modules
        if not os.access(self.mkiso, os.X_OK):
            cmd.insert(0, "bash")
        with open(log, "wb") as out:
            try:
                rc = subprocess.call(cmd, cwd=REPO, stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=out, timeout=300)
            except subprocess.TimeoutExpired:
                rc = "timeout"
        if rc != 0 or not os.path.exists(iso):
            with open(log, encoding="utf-8", errors="replace") as f:
                said = [l.strip() for l in f if l.strip()] or [""]
            # The first error of the tools below, else mkiso's last word.
            why = next((l for l in said if re.search(
                r"error|MISHAP|SORRY|FAILURE|FATAL", l)), said[-1])
            return None, "%s failed (%s): %s (%s)" % (
                show(self.mkiso), rc, why, show(log))
        return os.path.relpath(iso, REPO), None

    def qemu_argv(self, case, iso, log):
        # A case that reboots on purpose lets the reset happen; any other
        # reset (a triple fault) must end QEMU, not loop.
        reboot = [] if case.boots > 1 else ["-no-reboot"]
        argv = [self.args.qemu, "-M", case.machine, "-m", case.memory,
                "-display", "none"] + reboot + ["-monitor", "none",
                "-parallel", "none",
                "-serial", "file:" + log if case.serial else "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if case.boot == "uefi":
            argv += ["-drive", "if=pflash,format=raw,unit=0,readonly=on,"
                     "file=" + OVMF_CODE,
                     "-drive", "if=pflash,format=raw,unit=1,snapshot=on,"
                     "file=" + OVMF_VARS]
        if case.uses_iso:
            argv += ["-cdrom", iso]
        else:
            argv += ["-kernel", os.path.relpath(self.kernel, REPO)]
            if case.cmdline:
                argv += ["-append", case.cmdline]
            if case.modules:
                argv += ["-initrd", case.modules[0]]
        return argv + case.qemu

    def run_qemu(self, argv, timeout, errpath):
        """Returns (exit code, timed out?, seconds)."""
        with open(errpath, "wb") as err:
            t0 = time.monotonic()
            p = subprocess.Popen(argv, cwd=REPO, stdin=subprocess.DEVNULL,
                                 stdout=err, stderr=err,
                                 start_new_session=True)
            with self.lock:
                self.procs.add(p)
            timed_out = False
            try:
                rc = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                rc = self.kill(p)
            finally:
                with self.lock:
                    self.procs.discard(p)
            return rc, timed_out, time.monotonic() - t0

    @staticmethod
    def kill(p):
        """SIGTERM to QEMU's process group (it flushes and exits 0), then
        SIGKILL if it has not gone after 3 s."""
        for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 10)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                return p.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        return p.wait()

    def kill_all(self):
        with self.lock:
            procs = list(self.procs)
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def symbolize(self, rip):
        """'function (file:line)' for a RIP in build/kernel.elf, then
        ' in caller (file:line)' for each function it was inlined into;
        '' if addr2line is missing or knows nothing."""
        if not self.addr2line or not rip:
            return ""
        try:
            out = subprocess.run([self.addr2line, "-f", "-i", "-e",
                                  self.kernel, rip], capture_output=True,
                                 text=True, timeout=10).stdout.split("\n")
        except (OSError, subprocess.TimeoutExpired):
            return ""
        frames = []
        for func, where in zip(out[0::2], out[1::2]):
            if func.startswith("??"):
                break
            path, _, lineno = where.split(" (discriminator")[0] \
                .rpartition(":")
            if path.startswith("??"):
                frames.append(func)
            else:
                frames.append("%s (%s:%s)" % (func, show(path), lineno))
        return " in ".join(frames)

    def prove_disagrees(self, logpath, ours):
        """Run Perl's prove on the log; a message if it does not agree
        that the run passed (ours) or failed (not ours), else None."""
        try:
            p = subprocess.run([self.prove, "--exec", "cat", logpath],
                               cwd=REPO, capture_output=True, text=True,
                               timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            return "prove could not run: %s" % e
        if (p.returncode == 0) == ours:
            return None
        why = [l.strip() for l in p.stdout.splitlines()
               if l.strip() and not l.startswith(("All tests", "Files="))]
        return "prove %s but the harness says %s: %s" % (
            "passes" if p.returncode == 0 else "fails",
            "pass" if ours else "fail", " / ".join(why[-3:]))

    def run_case(self, case):
        """Returns (status PASS/FAIL/SKIP, seconds, headline, more lines)."""
        if case.error:
            return "FAIL", None, "case file: " + case.error, []
        why = self.missing(case)
        if why:
            return "SKIP", None, why, []
        log = os.path.join(self.logs, case.name + ".log")
        errpath = os.path.join(self.logs, case.name + ".stderr")
        iso = None
        if case.uses_iso:
            iso, why = self.iso_for(case).result()
            if iso is None:
                return "FAIL", None, why, []
        if os.path.exists(log):
            os.unlink(log)
        argv = self.qemu_argv(case, iso, os.path.relpath(log, REPO))
        rc, timed_out, secs = self.run_qemu(argv, case.timeout, errpath)
        lines = []
        if case.serial and os.path.exists(log):
            with open(log, "rb") as f:
                lines = split_log(f.read())
        all_lines = lines
        with open(errpath, encoding="utf-8", errors="replace") as f:
            stderr = f.read()
        lines, boot_msgs = last_boot(lines, case.boots)
        o = classify(lines, rc, timed_out, stderr, case.serial)
        if o.rip:
            sym = self.symbolize(o.rip)
            o.detail += " = " + sym if sym else ""
        msgs = boot_msgs + judge(case, o, all_lines)
        if case.compare_host:
            msgs += compare_host(self.replay_tool, case, lines)
        if self.prove and case.serial and case.verdict == "pass":
            ours = o.verdict == "pass" and not o.problems
            disagree = self.prove_disagrees(os.path.relpath(log, REPO),
                                            ours)
            if disagree:
                msgs.append(disagree)
        if not msgs:
            return "PASS", secs, o.detail, []
        if o.verdict == case.verdict:
            head, more = o.detail, msgs
        else:
            head, more = msgs[0], msgs[1:]
        more = more[:4]
        more.append("log: %s  (QEMU exit %s%s; stderr %s)" % (
            show(log) if case.serial else "none", rc,
            ", killed at timeout" if timed_out else "", show(errpath)))
        if self.args.verbose:
            more += self.verbose_log(lines, stderr)
        return "FAIL", secs, head, more

    @staticmethod
    def verbose_log(lines, stderr):
        ansi = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]")
        out = ["| " + ansi.sub("", l).replace("\x1b", "^[") for l in lines]
        out += ["stderr| " + l for l in stderr.splitlines()]
        return out


# ------------------------------------------------------------------ main

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
    ap.add_argument("--cases", default=CASES_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--build", default="build",
                    help="build directory, relative to the repository "
                    "(default: %(default)s)")
    ap.add_argument("--qemu", default=os.environ.get(
        "QEMU", "qemu-system-x86_64"), help="QEMU binary (default: $QEMU "
        "or %(default)s)")
    ap.add_argument("--mkiso", default=os.path.join("tools", "mkiso.sh"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--no-prove", action="store_true",
                    help="do not cross-check passing logs with prove")
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
        extra = " ".join(c.qemu)
        print("%-*s  %-4s %-4s %-8s %4gs  %s%s" % (
            width, c.name, c.boot, c.machine, c.verdict, c.timeout,
            "cmdline=%s" % shlex.quote(c.cmdline) if c.cmdline else "",
            "  " + extra if extra else ""))


def main(argv=None):
    args = parse_args(argv)
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
        runner.kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        runner.iso_pool.shutdown(wait=True, cancel_futures=True)
    line = "%d passed, %d failed" % (tally["PASS"], tally["FAIL"])
    if tally["SKIP"]:
        line += ", %d skipped" % tally["SKIP"]
    print(line)
    return 1 if tally["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())

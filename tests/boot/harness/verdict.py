"""
The verdict of one run, and whether the case expected it.  Reads the
serial log's lines (split by ktap.split_log()), QEMU's exit code and
standard error; runs nothing.

    classify()      what happened: a verdict from QEMU's exit code (the
                    kernel's status through isa-debug-exit, kernel/kern.h
                    KEXIT_*; docs/reference/ktap.md, "Exit codes through
                    QEMU") or the timeout, checked against and completed
                    from the KTAP report: the failed tests, the crashed
                    test with its vector and RIP, the test that was
                    running
    judge()         everything the case did not expect, most important
                    first: the verdict, crashed:, failed:, running:, the
                    KTAP problems, expect: and absent: lines, the facts
    match_lines()   the expect: and absent: lines against a log (also
                    tests/replay/check.py's .expect files)
    check_facts()   "pvbus: " lines a machine must read back as key=value
    check_bytes()   absent-byte: bytes that reached the log raw

The verdicts and what each means: tests/boot/README.md, "Case file
format".
"""

import dataclasses
import re

from .ktap import (CRASHED_RE, PANIC_RE, RIP_RE, Report, check_complete,
                   parse_ktap, reader_hazards)

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
    o.problems += rep.problems + reader_hazards(lines, rep)
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
    if o.verdict not in case.verdicts:
        msgs.append("expected %s, got %s" % (
            " or ".join(case.verdicts), o.detail))
    else:
        if case.crashed and o.verdict == "crash" and \
                case.crashed not in o.crashed:
            msgs.append("expected a crash in %s, got one in %s"
                        % (case.crashed, o.crashed[-1] if o.crashed
                           else "no test"))
        if case.failed and o.verdict == "fail" and \
                sorted(case.failed) != sorted(o.failed):
            msgs.append("expected failed tests %s, got %s"
                        % (" ".join(case.failed),
                           " ".join(o.failed) or "none"))
        if case.running and case.running not in o.running.split(" > "):
            msgs.append("expected %s while running %s, got %s"
                        % (o.verdict, case.running,
                           o.running or "no running test"))
    msgs += ["KTAP: " + p for p in o.problems]
    if case.serial:
        msgs += match_lines(case.lines, lines, o.verdict)
        msgs += check_facts(lines)
    return msgs


def match_lines(expectations, lines, verdict=""):
    """Each "expect" regex must match a line after the one the previous
    "expect" matched; an "absent" regex must match no line of the log.
    A line limited to a verdict ("expect: [fail] ...") counts only when
    the run ended with it.  Only the first missing "expect" is
    reported: the rest would follow from it."""
    msgs = []
    pos, last = 0, None         # search from lines[pos]; last match
    missing = False
    for kind, text, rx, lineno, *when in expectations:
        if when and when[0] and when[0] != verdict:
            continue
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


# The machine-readable lines (docs/output.md "Machine-readable facts"): after
# "pvbus: " a word, then key=value fields, each value either without
# spaces or quotes, or in double quotes with \" and \\ escaped; no key
# twice.  Three lines are prose: the backend error, the attach count and
# "no hypervisor found (...)" (drivers/pvbus/pvbus_tree.c).
FACTS_RE = re.compile(r'pvbus: [a-z][a-z0-9_]*'
                      r'((?: [a-z_][a-z0-9_]*=(?:"(?:[^"\\]|\\.)*"|'
                      r'[^\s"]*))*)$')
FACTS_FIELD_RE = re.compile(r' ([a-z_][a-z0-9_]*)=')
FACTS_PROSE_RE = re.compile(r"pvbus: (backend error: |\d+ attached, "
                            r"\d+ failed$|no hypervisor found \()")


def check_facts(lines):
    """Messages for "pvbus: " lines a machine could not read back as
    key=value fields, or that give a key twice (a spoofed dump header,
    say)."""
    msgs = []
    for i, line in enumerate(lines):
        if not line.startswith("pvbus: ") or FACTS_PROSE_RE.match(line):
            continue
        m = FACTS_RE.match(line)
        if m is None:
            msgs.append("facts: line %d is not 'pvbus: WORD key=value "
                        "...' (a space outside quotes?): %r"
                        % (i + 1, line))
            continue
        # Keys outside quoted values only: blank the quoted ones first.
        fields = re.sub(r'"(?:[^"\\]|\\.)*"', '""', m.group(1))
        keys = FACTS_FIELD_RE.findall(fields)
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            msgs.append("facts: line %d gives %s more than once: %r"
                        % (i + 1, ", ".join(dup), line))
    return msgs


def check_bytes(data, forbidden, what="log"):
    """Messages for bytes that must not appear raw in data: the kernel's
    part of a serial log (from its first line "pvbus testbed:" on, since
    firmware and GRUB before it draw with escape sequences), or all of
    a tool's output."""
    start = max(data.find(b"pvbus testbed:"), 0) if what == "log" else 0
    msgs = []
    for b in forbidden:
        at = data.find(bytes([b]), start)
        if at >= 0:
            msgs.append("%s holds byte 0x%02x raw (%s line %d): %r" % (
                what, b, what, data.count(b"\n", 0, at) + 1,
                data[max(start, at - 30):at + 10]))
    return msgs

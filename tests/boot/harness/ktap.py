"""
The KTAP reader: follow the KTAP report in a serial log (or a tool's
output) and check the rules the stream must keep, whatever the exit
status.  Reads lines of text only; runs nothing.

The dialect is the one docs/reference/ktap.md describes ("The dialect
both parsers accept"): "KTAP version 1", the plan "1..N" before the
first result, "ok N name" / "not ok N name # directive" numbered from
1, nested documents indented by two spaces, the kernel's "# running X"
before each test and a closing "P passed, F failed, S skipped" line.

    split_log()       bytes or text of a log -> lines without line ends
    parse_ktap()      lines -> Report: the documents, results, totals,
                      the test still running, problems (plan first,
                      numbering from 1, one plan and totals line)
    check_complete()  the rules for a report that ended by itself: plans
                      met, parents agree with subtests, totals agree
    reader_hazards()  lines prove or kunit.py would read differently from
                      parse_ktap() (docs/reference/ktap.md, "Where prove
                      and kunit.py differ", "kunit.py parse details")
    stream_passes()   does the harness pass this stream
    split_boots(), last_boot()
                      a log of several boots ("boots:"), one report each
                      (split_boots() is tools/ktap-split's too)
"""

import dataclasses
import re

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
        if rep.totals is not None:
            rep.problems.append("line %d: a second totals line (the first "
                                "is line %d)" % (lineno, rep.totals[3]))
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


# What the two other readers of the report do with a line, as far as it
# can make them see a different stream from parse_ktap()'s.  Perl's
# prove (TAP::Parser::Grammar, TAP version 12/13) reads only lines that
# start in column 0, from the first line of the log: a test is "ok" or
# "not ok" (the number may be missing), its directive is the first
# unescaped '#' followed by SKIP or TODO, a plan is "1..N", and
# "Bail out!" (after any spaces) stops the whole run.  Linux's kunit.py
# (tools/testing/kunit/kunit_parser.py, 6.1) reads the log as Python
# text, where a lone carriage return ends a line too.  It starts at the
# first line that ends in "KTAP version N" or "TAP version N" and cuts
# from every later line as many characters as stood before "KTAP
# version"; it stops at a line containing "reboot: System halted" (or
# two other kernel messages); it reads any result line containing
# " # SKIP" as a skip, "not ok" or not; and any line "# Subtest: NAME"
# starts a nested test for it.
TAP_TEST_RE = re.compile(r"(not )?ok\b")
TAP_PLAN_RE = re.compile(r"1\.\.\d+")
TAP_BAIL_RE = re.compile(r"\s*Bail out!")
TAP_DIRECTIVE_RE = re.compile(r"(not )?ok\b\s*(?:\d+)?\s*"
                              r"[^\\#]*(?:\\.[^\\#]*)*#\s*((?i:SKIP|TODO))\b")
KUNIT_START_RE = re.compile(r"\s*K?TAP version ([0-9]+)$")
KUNIT_END_RE = re.compile(r"\s*(List of all partitions:|Kernel panic - "
                          r"not syncing: VFS:|reboot: System halted)")
KUNIT_RESULT_RE = re.compile(r"^\s*(ok|not ok) ([0-9]+) (- )?([^#]*)"
                             r"( # .*)?$")
KUNIT_SKIP_RE = re.compile(r"^\s*(ok|not ok) ([0-9]+) (- )?(.*) # SKIP(.*)$")
KUNIT_HEADER_RE = re.compile(r"^\s*# Subtest: (.*)$")


def reader_hazards(lines, rep):
    """Lines that prove or kunit.py would read otherwise than
    parse_ktap() did: each one is a problem, so the harness can never
    call a stream a pass that one of them would not (forged results, a
    "Bail out!", user text with " # SKIP" or "# TODO" in it, a line that
    ends kunit.py's reading early)."""
    problems = []
    start = rep.top.lineno - 1 if rep.top is not None else len(lines)
    kstart = next((i for i, l in enumerate(lines)
                   if KUNIT_START_RE.search(l.rstrip())), None)
    if rep.top is not None and lines[start].rstrip() != "KTAP version 1":
        problems.append("line %d: %d characters before 'KTAP version 1': "
                        "kunit.py cuts as many from every later line"
                        % (start + 1, lines[start].rstrip().rindex(
                            "KTAP version 1")))
    if kstart is not None and kstart < start:
        problems.append("line %d, before the report: kunit.py starts "
                        "reading here: %r" % (kstart + 1, lines[kstart]))
    for i, line in enumerate(lines):
        line = line.rstrip()
        if "\r" in line and i > start:
            problems.append("line %d: a carriage return inside the line: "
                            "kunit.py reads it as two lines: %r"
                            % (i + 1, line))
        if TAP_BAIL_RE.match(line):
            problems.append("line %d: 'Bail out!' stops prove: %r"
                            % (i + 1, line))
            continue
        if i < start:
            if TAP_TEST_RE.match(line) or TAP_PLAN_RE.match(line):
                problems.append("line %d, before the report: prove reads "
                                "it as TAP: %r" % (i + 1, line))
            continue
        if i > start and KUNIT_END_RE.search(line):
            problems.append("line %d: kunit.py stops reading here: %r"
                            % (i + 1, line))
        if KUNIT_HEADER_RE.match(line) and \
                lines[i - 1].strip() != "KTAP version 1":
            problems.append("line %d: kunit.py reads a subtest header "
                            "where no nested document starts: %r"
                            % (i + 1, line))
        body = line.lstrip(" ")
        m = RESULT_RE.match(body)
        if m is None:
            if TAP_TEST_RE.match(line):
                problems.append("line %d: prove reads a test result the "
                                "harness does not: %r" % (i + 1, line))
            continue
        ok = m.group(1) == "ok"
        directive = (m.group(4) or "").strip()
        real_skip = ok and directive.upper().startswith("SKIP")
        if KUNIT_SKIP_RE.match(line) and not real_skip:
            problems.append("line %d: kunit.py reads a skip in %r"
                            % (i + 1, line))
        elif not KUNIT_RESULT_RE.match(line) and \
                not KUNIT_SKIP_RE.match(line):
            problems.append("line %d: kunit.py does not read it as a "
                            "result: %r" % (i + 1, line))
        d = TAP_DIRECTIVE_RE.match(line)
        if d and (d.group(2).upper() == "TODO" or not real_skip):
            problems.append("line %d: prove reads a %s directive in %r"
                            % (i + 1, d.group(2).upper(), line))
    return problems


def stream_passes(lines):
    """(does the harness pass this report stream, its totals line or
    None): a pass is a KTAP document, complete, without a problem or a
    hazard for the other readers, whose top-level results are all ok."""
    rep = parse_ktap(lines)
    if rep.top is None:
        return False, None
    bad = rep.problems or reader_hazards(lines, rep) or \
        check_complete(rep) or any(not r.ok for r in rep.results())
    return not bad, rep.totals


def split_boots(data):
    """The raw bytes of a serial log, one piece per boot, each holding
    that boot's whole output: firmware, loader, the kernel's opening
    lines and its KTAP document.  A boot starts a KTAP document ("KTAP
    version 1" in column 0); the piece before it ends with the line
    "# rebooting" that the kernel prints before it resets the machine
    (kernel/exit.c kreboot()), or, after a reset nobody announced, at
    the new boot's first line "pvbus testbed: ...", or else at the KTAP
    line itself.  Joined again, the pieces are the log."""
    starts = [m.start() for m in re.finditer(rb"(?m)^KTAP version 1\r?$",
                                             data)]
    cuts = [0]
    for prev, start in zip(starts, starts[1:]):
        between = data[prev:start]
        marks = [m.end() for m in re.finditer(rb"(?m)^# rebooting\r?\n",
                                              between)]
        if not marks:
            marks = [m.start() for m in re.finditer(
                rb"(?m)^pvbus testbed: ", between)]
        cuts.append(prev + marks[-1] if marks else start)
    cuts.append(len(data))
    return [data[a:b] for a, b in zip(cuts, cuts[1:])]


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

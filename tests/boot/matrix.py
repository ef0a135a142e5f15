#!/usr/bin/env python3
"""
The boot matrix: boot the testbed kernel under QEMU once per case file in
tests/boot/cases/*.case (or another directory: --cases tests/hostile),
several at a time, and judge each run from two things only: the code
QEMU exits with and the KTAP report on the serial log.  The case file
format, the KTAP dialect and the exit codes are in tests/boot/README.md
and README.md.  A case may instead run tools/mkiso.sh or
build/host/pvbus-replay ("tool:") and judge its exit status and output.
Every report is also read by prove and kunit.py, which must agree.

    python3 tests/boot/matrix.py [-j N] [-k PATTERN] [--list] [-v]
                                 [--cases DIR] [--no-prove] [--no-kunit]

Per case it keeps build/test-logs/<case>.log (COM1, or the tool's
stdout) and <case>.stderr, prints one line when the case finishes and
ends with "N passed, N failed".  Python 3 standard library only.

Reading order: parse_case() (what a case says), parse_ktap() (what the
kernel said), reader_hazards() (what prove and kunit.py would read
differently), classify() (what happened), judge() (was that expected),
compare_readers() (do prove and kunit.py agree), then run_case() and
main() (how QEMU and the tools are started).
"""

import argparse
import concurrent.futures
import dataclasses
import fcntl
import fnmatch
import hashlib
import os
import random
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
    tool: str = ""                  # instead of a boot: mkiso or replay
    machine: str = "q35"
    memory: str = "128M"
    qemu: list = dataclasses.field(default_factory=list)
    # The command line as a str; bytes outside ASCII, from
    # cmdline-escaped: or cmdline-gen:, are kept as surrogate escapes so
    # that subprocess hands QEMU (or mkiso) the raw bytes.
    cmdline: str = ""
    modules: list = dataclasses.field(default_factory=list)
    inputs: list = dataclasses.field(default_factory=list)  # (name, spec)
    args: list = dataclasses.field(default_factory=list)    # tool: argv
    exit: object = None             # tool: an int, or "nonzero"
    serial: bool = True             # False: -serial none, status only
    timeout: float = 0.0
    verdict: str = "pass"           # as written: "pass" or "crash|fail"
    verdicts: tuple = ("pass",)     # the alternatives, any one will do
    crashed: str = ""               # crash: the test named "# crashed:"
    failed: list = dataclasses.field(default_factory=list)
    running: str = ""               # timeout, reset, panic: running test
    requires: list = dataclasses.field(default_factory=list)
    boots: int = 1                  # >1: the guest reboots; no -no-reboot
    # (kind, regex text, compiled, line number, verdict or ""): kind
    # "expect" or "absent"; a verdict limits the line to runs that end so
    lines: list = dataclasses.field(default_factory=list)
    absent_bytes: bytes = b""       # bytes that must not reach the log
    compare_host: bool = False      # pvbus blocks == pvbus-replay's
    error: str = ""                 # the case file itself is wrong

    @property
    def uses_iso(self):
        return self.boot in ("bios", "uefi")


CASE_KEYS = ("boot", "tool", "machine", "memory", "qemu", "cmdline",
             "cmdline-escaped", "cmdline-gen", "module", "input", "args",
             "exit", "serial", "timeout", "verdict", "crashed", "failed",
             "running", "requires", "compare-host", "boots", "expect",
             "absent", "absent-byte")
REPEATABLE = ("qemu", "module", "input", "expect", "absent", "absent-byte",
              "requires")
CMDLINE_KEYS = ("cmdline", "cmdline-escaped", "cmdline-gen")
REQUIREMENTS = ("kvm", "kvm-hyperv", "kvm-hypercall", "ovmf")
QEMU_MIN_RE = re.compile(r"^qemu>=(\d+)\.(\d+)$")     # requires: qemu>=8.0
TOOLS = ("mkiso", "replay")
TOOL_TIMEOUT = {"mkiso": 120.0, "replay": 20.0}
# Keys that only mean something for a boot.
BOOT_ONLY = ("machine", "memory", "qemu", "serial", "verdict", "crashed",
             "failed", "running", "requires", "compare-host", "boots")
INPUT_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*$")
WHEN_RE = re.compile(r"^\[(\w+)\]\s+(.*)$")         # expect: [fail] REGEX


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
        if key in seen and key not in REPEATABLE:
            raise CaseError("line %d: '%s' given twice" % (lineno, key))
        if key in CMDLINE_KEYS and seen & set(CMDLINE_KEYS):
            raise CaseError("line %d: only one of %s" % (
                lineno, ", ".join(CMDLINE_KEYS)))
        seen.add(key)
        try:
            _case_set(case, key, value, lineno)
        except (ValueError, re.error) as e:
            raise CaseError("line %d: %s: %s" % (lineno, key, e))
    _case_check(case, seen)
    return case


def _case_set(case, key, value, lineno):
    if key == "boot":
        if value not in DEFAULT_TIMEOUT:
            raise ValueError("one of bios, uefi, pvh")
        case.boot = value
    elif key == "tool":
        if value not in TOOLS:
            raise ValueError("one of " + ", ".join(TOOLS))
        case.tool = value
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
    elif key == "cmdline-escaped":
        raw = unescape(value)
        if b"\0" in raw:
            raise ValueError("a command line cannot hold a NUL byte")
        case.cmdline = raw.decode("utf-8", "surrogateescape")
    elif key == "cmdline-gen":
        raw = gen_bytes(value)
        if b"\0" in raw:
            raise ValueError("a command line cannot hold a NUL byte")
        case.cmdline = raw.decode("utf-8", "surrogateescape")
    elif key == "module":
        case.modules.append(value)
    elif key == "input":
        m = re.match(r'"((?:[^"\\]|\\.)+)"(?:\s|$)', value)
        if m:                   # a file name with spaces, quotes, escapes
            iname, spec = m.group(1), value[m.end():]
            fname = unescape(iname)
            if b"/" in fname or b"\0" in fname or fname in (b".", b".."):
                raise ValueError("a file name: no '/', no NUL")
        else:
            iname, _, spec = value.partition(" ")
            if not INPUT_NAME_RE.match(iname):
                raise ValueError("'NAME PIECES': a NAME of [A-Za-z0-9._-], "
                                 "or any in double quotes")
        if any(iname == n for n, _ in case.inputs):
            raise ValueError("input %s given twice" % iname)
        gen_bytes(spec, check_only=True)
        case.inputs.append((iname, spec.strip()))
    elif key == "args":
        case.args = shlex.split(value)
    elif key == "exit":
        if value == "nonzero":
            case.exit = value
        elif value.isdigit() and int(value) < 256:
            case.exit = int(value)
        else:
            raise ValueError("an exit status 0-255, or nonzero")
    elif key == "serial":
        if value not in ("file", "none"):
            raise ValueError("file or none")
        case.serial = value == "file"
    elif key == "timeout":
        case.timeout = float(value)
        if case.timeout <= 0:
            raise ValueError("must be positive")
    elif key == "verdict":
        alts = tuple(v.strip() for v in value.split("|"))
        for v in alts:
            if v not in VERDICTS:
                raise ValueError("one of " + ", ".join(sorted(VERDICTS)) +
                                 ", or several joined by '|'")
        case.verdict, case.verdicts = "|".join(alts), alts
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
        when = ""
        m = WHEN_RE.match(value)
        if m and m.group(1) in VERDICTS:
            when, value = m.group(1), m.group(2)
        case.lines.append((key, value, re.compile(value), lineno, when))
    elif key == "absent-byte":
        for word in value.split():
            b = unescape(word)
            if len(b) != 1:
                raise ValueError("one byte per word, e.g. \\e \\a \\x9b")
            case.absent_bytes += b


def _case_check(case, seen):
    if case.tool:
        _tool_check(case, seen)
        return
    if not case.boot:
        raise CaseError("no 'boot:' line (or 'tool:')")
    for key in ("args", "exit"):
        if key in seen:
            raise CaseError("'%s:' is for 'tool:' cases" % key)
    if not case.timeout:
        case.timeout = DEFAULT_TIMEOUT[case.boot]
    if case.boot == "uefi" and "ovmf" not in case.requires:
        case.requires.append("ovmf")
    if case.boot == "pvh" and len(case.modules) > 1:
        raise CaseError("PVH (-initrd) loads one module only")
    if not case.serial and (case.lines or case.absent_bytes):
        raise CaseError("'serial: none' leaves no lines to expect")
    if case.crashed and "crash" not in case.verdicts:
        raise CaseError("'crashed:' needs 'verdict: crash'")
    if case.failed and "fail" not in case.verdicts:
        raise CaseError("'failed:' needs 'verdict: fail'")
    for kind, text, rx, lineno, when in case.lines:
        if when and when not in case.verdicts:
            raise CaseError("line %d: [%s] is not a verdict of this case"
                            % (lineno, when))
    _inputs_check(case)
    if case.compare_host:
        if not case.modules:
            raise CaseError("'compare-host:' needs a 'module:' (the dump)")
        if "hv=replay" not in cmdline_words(case.cmdline):
            raise CaseError("'compare-host:' needs hv=replay on the "
                            "'cmdline:'")
        if not case.serial:
            raise CaseError("'compare-host:' needs the serial log")


def _tool_check(case, seen):
    if case.boot:
        raise CaseError("'tool:' and 'boot:' exclude each other")
    bad = [k for k in BOOT_ONLY if k in seen]
    if bad:
        raise CaseError("'%s:' is for boot cases, not 'tool:'" % bad[0])
    if case.tool == "replay":
        if "args" not in seen:
            raise CaseError("'tool: replay' needs 'args:' (may be empty)")
        if case.modules or seen & set(CMDLINE_KEYS):
            raise CaseError("'tool: replay' takes 'args:', not a command "
                            "line or modules")
    elif "args" in seen:
        raise CaseError("'tool: mkiso' takes 'cmdline:' and 'module:', "
                        "not 'args:'")
    if case.exit is None:
        case.exit = 0
    if not case.timeout:
        case.timeout = TOOL_TIMEOUT[case.tool]
    for kind, text, rx, lineno, when in case.lines:
        if when:
            raise CaseError("line %d: [%s]: a tool case has no verdict"
                            % (lineno, when))
    _inputs_check(case)


def input_key(name):
    """How @NAME finds its input: line: by the bytes of the file name,
    escapes read (a name in quotes in input: may hold any byte)."""
    try:
        return unescape(name)
    except ValueError:
        return name.encode("utf-8", "surrogateescape")


def _inputs_check(case):
    """Each @NAME in module: and args: names an input: line."""
    names = {input_key(n) for n, _ in case.inputs}
    refs = [m.split("=", 1)[0] for m in case.modules] + case.args
    for ref in refs:
        if ref.startswith("@") and input_key(ref[1:]) not in names:
            raise CaseError("%s: no 'input: %s ...' line" % (ref, ref[1:]))


# ----------------------------------------------------- generated inputs

_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "e": b"\x1b", "a": b"\x07",
            "0": b"\0", "\\": b"\\", '"': b'"', "'": b"'"}


def unescape(text):
    """Bytes from text with C-like escapes: \\n \\r \\t \\e (ESC) \\a (BEL)
    \\0 \\\\ \\" \\' and \\xNN; any other character is its UTF-8."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
        elif nxt == "x" and re.match(r"[0-9a-fA-F]{2}$", text[i + 2:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            raise ValueError("unknown escape \\%s (known: \\n \\r \\t \\e "
                             "\\a \\0 \\\\ \\\" \\' \\xNN)" % nxt)
    return bytes(out)


# The pieces of an input: or cmdline-gen: line, concatenated:
#   "text"            the bytes of text, escapes as unescape() reads them
#   N*"text"          text N times
#   pad(N,"text")     text repeated until the bytes so far are N long
#                     (the last copy cut short)
#   random(N,SEED)    N bytes from a generator seeded with SEED (the same
#                     bytes on every run)
#   file(PATH)        a file of the repository
_PIECE_RE = re.compile(r"""\s*(?:
      (?:(?P<n>\d+)\*)?"(?P<text>(?:[^"\\]|\\.)*)"
    | pad\(\s*(?P<pad>\d+)\s*,\s*"(?P<ptext>(?:[^"\\]|\\.)+)"\s*\)
    | random\(\s*(?P<rand>\d+)\s*,\s*(?P<seed>\d+)\s*\)
    | file\((?P<file>[^)]+)\)
    )""", re.X)
GEN_MAX = 64 << 20


def gen_bytes(spec, check_only=False):
    """The bytes an input: or cmdline-gen: line describes (see above);
    ValueError naming the column of a mistake.  check_only: only check
    the syntax (when the case file is read)."""
    out = bytearray()
    pos = 0
    spec = spec.rstrip()
    while pos < len(spec):
        m = _PIECE_RE.match(spec, pos)
        if not m or m.end() == pos:
            col = len(spec) - len(spec[pos:].lstrip()) + 1
            raise ValueError("column %d: expected \"text\", N*\"text\", "
                             "pad(N,\"text\"), random(N,SEED) or file(PATH)"
                             % col)
        pos = m.end()
        if m.group("text") is not None:
            piece = unescape(m.group("text"))
            n = int(m.group("n") or 1)
            if len(piece) * n > GEN_MAX:
                raise ValueError("more than %d bytes" % GEN_MAX)
            if not check_only:
                out += piece * n
        elif m.group("pad") is not None:
            piece, size = unescape(m.group("ptext")), int(m.group("pad"))
            if size > GEN_MAX:
                raise ValueError("more than %d bytes" % GEN_MAX)
            if not check_only and len(out) < size:
                need = size - len(out)
                out += (piece * (need // len(piece) + 1))[:need]
        elif m.group("rand") is not None:
            size = int(m.group("rand"))
            if size > GEN_MAX:
                raise ValueError("more than %d bytes" % GEN_MAX)
            if not check_only:
                out += random.Random(int(m.group("seed"))).randbytes(size)
        elif not check_only:
            with open(os.path.join(REPO, m.group("file").strip()),
                      "rb") as f:
                out += f.read()
    return bytes(out)


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


# The machine-readable lines (README "Machine-readable facts"): after
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


# ----------------------------------------------------- the other readers

# Every report stream is also read by the two programs CI people feed it
# to, and they must agree with the harness (README "Feeding the report to
# prove and kunit.py"):
#
# - Perl's prove (`prove --exec cat LOG`): its exit status is its
#   verdict.  Its counts come from TAP::Parser, the module prove runs,
#   over the top-level (column 0) results: passed = "ok" without a SKIP
#   directive, failed = "not ok", skipped = "ok ... # SKIP"; TODO
#   directives, parse errors and "Bail out!" are noted.
# - Linux's kunit.py (`kunit.py parse LOG`, 6.1): its exit status is its
#   verdict.  Its counts are the statuses it prints for the top-level
#   tests (those outside any "==== name (N subtests) ====" block):
#   [PASSED] = passed, [SKIPPED] = skipped, [FAILED] [CRASHED] and
#   [NO TESTS RUN] = failed; its "[ERROR] Test: ..." lines are noted.
#
# "Same counts" means both triples equal the kernel's totals line
# "N passed, N failed, N skipped"; "same verdict" means each reader
# passes the stream exactly when the harness does (compare_readers()).

KUNIT_TARBALL = "/usr/src/linux-source-6.1.tar.xz"   # linux-source-6.1
KUNIT_MEMBER = "linux-source-6.1/tools/testing/kunit"


def find_kunit(build):
    """(path of kunit.py, None) or (None, why not).  kunit.py comes from
    Debian's linux-source-6.1, extracted once into BUILD/kunit/ (about
    9 s; again whenever it is missing).  It must sit in a tree whose
    path holds tools/testing/kunit, so the member keeps its path."""
    top = os.path.join(build, "kunit")
    kpy = os.path.join(top, KUNIT_MEMBER, "kunit.py")
    if os.path.exists(kpy):
        return kpy, None
    if not os.path.exists(KUNIT_TARBALL):
        return None, "%s missing (Debian package linux-source-6.1)" % \
            KUNIT_TARBALL
    os.makedirs(build, exist_ok=True)
    with open(os.path.join(build, "kunit.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)    # one extraction at a time
        if os.path.exists(kpy):
            return kpy, None
        tmp = "%s.tmp.%d" % (top, os.getpid())
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        try:
            p = subprocess.run(["tar", "-xJf", KUNIT_TARBALL, "-C", tmp,
                                KUNIT_MEMBER], capture_output=True,
                               text=True, timeout=600)
            why = p.stderr.strip().splitlines()[-1:] if p.returncode else []
        except (OSError, subprocess.TimeoutExpired) as e:
            why = [str(e)]
        if why or not os.path.exists(os.path.join(tmp, KUNIT_MEMBER,
                                                  "kunit.py")):
            shutil.rmtree(tmp, ignore_errors=True)
            return None, "could not extract %s from %s: %s" % (
                KUNIT_MEMBER, KUNIT_TARBALL, " ".join(why) or "no kunit.py")
        shutil.rmtree(top, ignore_errors=True)
        os.rename(tmp, top)
    return kpy, None


@dataclasses.dataclass
class Reading:
    reader: str             # "prove" or "kunit.py"
    passed: bool            # the reader's verdict: exit status 0
    counts: tuple = None    # (passed, failed, skipped), top level
    notes: list = dataclasses.field(default_factory=list)
    error: str = ""         # the reader itself failed: it read nothing


# Counts with the module prove runs; "cat" as prove --exec cat does.
TAP_COUNT_PL = r"""
use strict; use warnings; use TAP::Parser;
my $p = TAP::Parser->new({ exec => ['cat', $ARGV[0]] });
my ($pass, $fail, $skip, $todo, $bail) = (0, 0, 0, 0, 0);
while (my $r = $p->next) {
    if ($r->is_bailout) { $bail++; next; }
    next unless $r->is_test;
    if (!$r->is_actual_ok) { $fail++; }
    elsif ($r->has_skip) { $skip++; }
    else { $pass++; }
    $todo++ if $r->has_todo;
}
print "counts $pass $fail $skip $todo $bail\n";
print "error $_\n" for $p->parse_errors;
"""

KUNIT_STATUS = r"\[(PASSED|FAILED|SKIPPED|CRASHED|NO TESTS RUN)\]"
KUNIT_OUT_TS_RE = re.compile(r"^\[\d\d:\d\d:\d\d\] ")
KUNIT_OUT_RESULT_RE = re.compile(r"^%s ?(.*)$" % KUNIT_STATUS)
KUNIT_OUT_FOOTER_RE = re.compile(r"^=+ %s (.*?) =+$" % KUNIT_STATUS)
KUNIT_OUT_HEADER_RE = re.compile(r"^=+ (?!\[)(.*?) ?=+$")
KUNIT_OUT_ERROR_RE = re.compile(r"^\[ERROR\] Test: (.*)$")
KUNIT_FAILED = ("FAILED", "CRASHED", "NO TESTS RUN")


def kunit_top_level(stdout):
    """([(status, name)] of the top-level tests, [error texts]) from what
    `kunit.py parse` printed."""
    depth, top, errors = 0, [], []
    for line in stdout.splitlines():
        line = KUNIT_OUT_TS_RE.sub("", line, count=1).rstrip()
        if not line or re.fullmatch(r"=+", line):
            continue
        m = KUNIT_OUT_ERROR_RE.match(line)
        if m:
            errors.append(m.group(1))
            continue
        m = KUNIT_OUT_FOOTER_RE.match(line)
        if m:
            depth -= 1
            if depth == 0:
                top.append((m.group(1), m.group(2)))
            continue
        if KUNIT_OUT_HEADER_RE.match(line):
            depth += 1
            continue
        m = KUNIT_OUT_RESULT_RE.match(line)
        if m and depth == 0:
            top.append((m.group(1), m.group(2)))
    return top, errors


class Readers:
    """prove and kunit.py, found once.  A reader that is asked for
    (the default) but missing makes every stream fail with the reason;
    --no-prove and --no-kunit leave one out on purpose."""

    def __init__(self, build, prove=True, kunit=True, kunit_py=None):
        self.prove = self.perl = self.kunit = None
        self.missing = []
        if prove:
            self.prove = shutil.which("prove")
            self.perl = shutil.which("perl")
            if not self.prove or not self.perl:
                self.prove = None
                self.missing.append("prove not found (Debian package "
                                    "perl); --no-prove runs without it")
        if kunit:
            if kunit_py:
                self.kunit, why = (kunit_py, None) if os.path.exists(
                    kunit_py) else (None, kunit_py + " not found")
            else:
                self.kunit, why = find_kunit(build)
            if self.kunit is None:
                self.missing.append("kunit.py: %s; --no-kunit runs "
                                    "without it" % why)

    def read(self, path):
        """The readings of the log at path (made absolute: kunit.py
        needs that)."""
        path = os.path.abspath(path)
        out = []
        if self.prove:
            out.append(self.read_prove(path))
        if self.kunit:
            out.append(self.read_kunit(path))
        return out

    def read_prove(self, path):
        try:
            p = subprocess.run([self.prove, "--exec", "cat", path],
                               capture_output=True, text=True,
                               errors="replace", timeout=60,
                               stdin=subprocess.DEVNULL)
            c = subprocess.run([self.perl, "-e", TAP_COUNT_PL, path],
                               capture_output=True, text=True,
                               errors="replace", timeout=60,
                               stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as e:
            return Reading("prove", False, error="could not run: %s" % e)
        rd = Reading("prove", p.returncode == 0)
        for line in c.stdout.splitlines():
            if line.startswith("counts "):
                n = [int(x) for x in line.split()[1:]]
                rd.counts = tuple(n[:3])
                if n[3]:
                    rd.notes.append("%d TODO directive%s" % (
                        n[3], "s" if n[3] > 1 else ""))
                if n[4]:
                    rd.notes.append("Bail out!")
            elif line.startswith("error "):
                rd.notes.append(line[len("error "):])
        if rd.counts is None:
            rd.error = "TAP::Parser gave no counts: %s" % (
                c.stderr.strip().splitlines() or ["?"])[-1]
        return rd

    def read_kunit(self, path):
        try:
            p = subprocess.run([sys.executable, self.kunit, "parse", path],
                               capture_output=True, text=True,
                               errors="replace", timeout=60,
                               stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as e:
            return Reading("kunit.py", False,
                           error="could not run: %s" % e)
        top, errors = kunit_top_level(p.stdout)
        rd = Reading("kunit.py", p.returncode == 0, (
            sum(s == "PASSED" for s, _ in top),
            sum(s in KUNIT_FAILED for s, _ in top),
            sum(s == "SKIPPED" for s, _ in top)), errors)
        if p.returncode not in (0, 1) or "Traceback" in p.stderr:
            rd.error = "exit %d: %s" % (p.returncode, (
                p.stderr.strip().splitlines() or ["?"])[-1])
        return rd


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


def compare_readers(lines, readings, where=""):
    """Messages for each reader that does not give the stream the
    harness's verdict, or whose counts differ from the totals line."""
    ours, totals = stream_passes(lines)
    msgs = []
    for rd in readings:
        said = "; ".join(rd.notes[:3])
        if rd.error:
            msgs.append("%s%s could not read the report: %s" % (
                where, rd.reader, rd.error))
            continue
        if rd.passed != ours:
            msgs.append("%s%s %s the report, the harness %s it%s" % (
                where, rd.reader, "passes" if rd.passed else "fails",
                "passes" if ours else "fails", ": " + said if said else ""))
        elif ours and rd.notes:
            msgs.append("%s%s passes the report but says: %s" % (
                where, rd.reader, said))
        if totals is None:
            continue
        if rd.counts != totals[:3]:
            msgs.append("%s%s counts %s; the totals line (log line %d) "
                        "says %d passed, %d failed, %d skipped" % (
                            where, rd.reader, "%d passed, %d failed, %d "
                            "skipped" % rd.counts if rd.counts else
                            "nothing", totals[3], *totals[:3]))
    return msgs


def split_boots(data):
    """The raw bytes of a serial log, one piece per boot: a new piece
    starts at each line "KTAP version 1" in column 0 after the first."""
    starts = [m.start() for m in re.finditer(rb"(?m)^KTAP version 1\r?$",
                                             data)]
    cuts = [0] + starts[1:] + [len(data)]
    return [data[a:b] for a, b in zip(cuts, cuts[1:])]



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
        self.inputs = os.path.join(self.build, "test-inputs")
        self.readers = Readers(self.build, not args.no_prove,
                               not args.no_kunit, args.kunit)
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
        if case.uses_iso or case.tool == "mkiso":
            for tool in ("grub-mkrescue", "xorriso"):
                if not shutil.which(tool):
                    return tool + " not installed"
            plat = "x86_64-efi" if case.boot == "uefi" else "i386-pc"
            if not os.path.isdir("/usr/lib/grub/" + plat):
                return "/usr/lib/grub/%s missing (GRUB for %s)" % (
                    plat, case.boot)
        return None

    def iso_for(self, case):
        """A future for the ISO with this case's command line baked in."""
        key = "\0".join([case.cmdline] + case.modules)
        digest = hashlib.sha1(key.encode("utf-8", "surrogateescape")
                              ).hexdigest()[:12]
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
        # {logs} and {case} in qemu: options (a second serial port's
        # file, say): the log directory and the case's name.
        logs = os.path.relpath(self.logs, REPO)
        return argv + [a.replace("{logs}", logs).replace("{case}", case.name)
                       for a in case.qemu]

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

    def make_inputs(self, case):
        """Write the case's input: files into BUILD/test-inputs/<case>/
        (emptied first); returns {input_key(NAME): path relative to the
        repository}."""
        paths = {}
        if not case.inputs:
            return paths
        d = os.path.join(self.inputs, case.name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for name, spec in case.inputs:
            fname = unescape(name).decode("utf-8", "surrogateescape")
            path = os.path.join(d, fname)
            with open(path, "wb") as f:
                f.write(gen_bytes(spec))
            paths[input_key(name)] = os.path.relpath(path, REPO)
        return paths

    @staticmethod
    def resolve(case, paths):
        """The case with @NAME in module: and args: replaced by the path
        of that input (a module's string stays NAME unless given)."""
        def one(ref):
            return paths[input_key(ref[1:])] if ref.startswith("@") else ref
        mods = []
        for m in case.modules:
            file, eq, string = m.partition("=")
            mods.append(one(file) + eq + string)
        return dataclasses.replace(case, modules=mods,
                                   args=[one(a) for a in case.args])

    def run_case(self, case):
        """Returns (status PASS/FAIL/SKIP, seconds, headline, more lines)."""
        if case.error:
            return "FAIL", None, "case file: " + case.error, []
        why = self.missing(case)
        if why:
            return "SKIP", None, why, []
        try:
            case = self.resolve(case, self.make_inputs(case))
        except (OSError, ValueError) as e:
            return "FAIL", None, "input: %s" % e, []
        if case.tool:
            return self.run_tool_case(case)
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
        data = b""
        if case.serial and os.path.exists(log):
            with open(log, "rb") as f:
                data = f.read()
        lines = all_lines = split_log(data) if data else []
        with open(errpath, encoding="utf-8", errors="replace") as f:
            stderr = f.read()
        lines, boot_msgs = last_boot(lines, case.boots)
        o = classify(lines, rc, timed_out, stderr, case.serial)
        if o.rip:
            sym = self.symbolize(o.rip)
            o.detail += " = " + sym if sym else ""
        msgs = boot_msgs + judge(case, o, all_lines)
        if case.serial:
            msgs += check_bytes(data, case.absent_bytes)
        if case.compare_host:
            msgs += compare_host(self.replay_tool, case, lines)
        if case.serial and os.path.exists(log):
            msgs += self.check_readers(log, data, case.boots)
        if not msgs:
            return "PASS", secs, o.detail, []
        if o.verdict in case.verdicts:
            head, more = o.detail, msgs
        else:
            head, more = msgs[0], msgs[1:]
        more = more[:6]
        more.append("log: %s  (QEMU exit %s%s; stderr %s)" % (
            show(log) if case.serial else "none", rc,
            ", killed at timeout" if timed_out else "", show(errpath)))
        if self.args.verbose:
            more += self.verbose_log(lines, stderr)
        return "FAIL", secs, head, more

    def check_readers(self, log, data, boots):
        """prove and kunit.py on the log, one boot at a time (a boot
        that reboots on purpose ends its own report): messages where
        they disagree with the harness, and, for the boots before the
        last (which classify() does not see), the harness's own."""
        if self.readers.missing:
            return list(self.readers.missing)
        pieces = split_boots(data) if boots > 1 else [data]
        msgs = []
        for k, piece in enumerate(pieces):
            path, where = log, ""
            if len(pieces) > 1:
                path = "%s.boot%d" % (log[:-len(".log")], k + 1)
                with open(path, "wb") as f:
                    f.write(piece)
                where = "boot %d: " % (k + 1)
            lines = split_log(piece)
            if len(pieces) > 1 and k < len(pieces) - 1:
                rep = parse_ktap(lines)
                msgs += [where + "KTAP: " + p for p in rep.problems +
                         reader_hazards(lines, rep) +
                         (check_complete(rep) if rep.top else [])]
            msgs += compare_readers(lines, self.readers.read(path), where)
        return msgs

    def run_tool_case(self, case):
        """A case that runs tools/mkiso.sh or build/host/pvbus-replay
        instead of booting: its exit status, its output against the
        expect:/absent: lines (stdout's lines, then stderr's), and any
        KTAP report it prints, read as a boot's would be."""
        out = os.path.join(self.logs, case.name + ".log")
        errpath = os.path.join(self.logs, case.name + ".stderr")
        iso = None
        if case.tool == "replay":
            if not os.path.exists(self.replay_tool):
                return "FAIL", None, "%s missing (make host-tools)" % \
                    show(self.replay_tool), []
            argv = [self.replay_tool] + case.args
        else:
            os.makedirs(self.isos, exist_ok=True)
            iso = os.path.join(self.isos, case.name + ".iso")
            argv = [self.mkiso, os.path.relpath(iso, REPO),
                    os.path.relpath(self.kernel, REPO), case.cmdline] + \
                case.modules
            if not os.access(self.mkiso, os.X_OK):
                argv.insert(0, "sh")
        with open(out, "wb") as so, open(errpath, "wb") as se:
            t0 = time.monotonic()
            p = subprocess.Popen(argv, cwd=REPO, stdin=subprocess.DEVNULL,
                                 stdout=so, stderr=se,
                                 start_new_session=True)
            with self.lock:
                self.procs.add(p)
            timed_out = False
            try:
                rc = p.wait(timeout=case.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                rc = self.kill(p)
            finally:
                with self.lock:
                    self.procs.discard(p)
            secs = time.monotonic() - t0
        if iso and os.path.exists(iso):
            os.unlink(iso)
        with open(out, "rb") as f:
            stdout = f.read()
        with open(errpath, "rb") as f:
            stderr = f.read()
        olines, elines = split_log(stdout), split_log(stderr)
        said = next((l for l in elines if l.strip()), None) or next(
            (l for l in reversed(olines) if l.strip()), "")
        detail = "exit %s: %s" % (rc, said.strip()[:160])
        msgs = []
        if timed_out:
            msgs.append("%s hung: killed after %gs" % (
                os.path.basename(self.replay_tool if case.tool == "replay"
                                 else self.mkiso), case.timeout))
        elif case.exit == "nonzero" and rc == 0:
            msgs.append("expected a non-zero exit status, got 0")
        elif case.exit != "nonzero" and rc != case.exit:
            msgs.append("expected exit %d, got %s" % (case.exit, detail))
        for l in elines:
            if re.search(r"AddressSanitizer|runtime error:", l):
                msgs.append("sanitizer: " + l.strip())
                break
        msgs += match_lines(case.lines, olines + elines)
        msgs += check_bytes(stdout + stderr, case.absent_bytes, "output")
        msgs += check_facts(olines)
        if any(l == "KTAP version 1" for l in olines) and not timed_out:
            rep = parse_ktap(olines)
            msgs += ["KTAP: " + p for p in rep.problems +
                     reader_hazards(olines, rep) + check_complete(rep)]
            passes, _ = stream_passes(olines)
            if passes != (rc == 0):
                msgs.append("exit %s but the report %s" % (
                    rc, "passes" if passes else "fails"))
            if self.readers.missing:
                msgs += self.readers.missing
            else:
                msgs += compare_readers(olines, self.readers.read(out))
        if not msgs:
            return "PASS", secs, detail, []
        more = msgs[1:7] + ["output: %s  stderr: %s" % (show(out),
                                                       show(errpath))]
        if self.args.verbose:
            more += ["| " + l for l in olines] + \
                ["stderr| " + l for l in elines]
        return "FAIL", secs, msgs[0], more

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
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # matrix.py ... | head
    sys.exit(main())

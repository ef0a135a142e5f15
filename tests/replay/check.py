#!/usr/bin/env python3
"""
The replay stage of `make test`: run build/host/pvbus-replay on every
recorded CPUID dump in tests/cpuid-dumps/*.txt and hold its report to
tests/replay/<dump>.expect, then feed it malformed dumps and check that
it refuses them cleanly.

    python3 tests/replay/check.py [-v] [--build DIR] [--tool PATH]
    python3 tests/replay/check.py --cross     # which .expect passes where

For each dump (a dump without a .expect file fails):
  - the tool must exit 0;
  - its KTAP must be well formed and complete (the boot matrix's own
    checks, ktap.parse_ktap() and ktap.check_complete() of the harness
    in tests/boot/harness/);
  - the .expect lines must hold.  The syntax is the boot cases' (see
    tests/boot/README.md): "expect: REGEX" must match a line after the
    line the previous expect matched, "absent: REGEX" must match no line,
    "#" starts a comment line.  Matching is verdict.match_lines().

Then each malformed input (BAD_INPUTS) is a case of its own: the tool
must exit 2 with no KTAP report, and say why, naming the real cause, in
one line on standard output ("pvbus: backend error: replay NAME: line
N: ...", as the kernel prints it) and on standard error: a directory, a
path that does not exist, a file that cannot be read, an empty one, one
over the 1 MiB limit, a binary one, then the parser's problems.  A dump
that merely lacks its final newline must be read in full and pass.

Then hostile "# file:" headers (HEADERS): with --name '' the tool names
the dump by its header, as the kernel does for a PVH -initrd.  Whatever
the header holds (quotes, "key=value" text, "# SKIP", control bytes,
bytes that are not ASCII, 300 characters), every "pvbus:" facts line
must still split into key=value words on its spaces, with no key twice
and no space or unescaped quote inside a value; no output byte may be a
control character; the KTAP results must be the plain dump's; and the
name must read back, unescaped, as the header's text.

Last, docs/pvbus-vs-openbsd.md's table must be what
tools/openbsd_pvbus.py --write would make of the dumps and of the tool's
current output.

Output: one line per case (PASS or FAIL, then the first thing wrong),
then "N passed, N failed"; the exit status is 1 if anything failed.
Python 3 standard library only.
"""

import argparse
import dataclasses
import glob
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# The boot-matrix harness is the package tests/boot/harness (its
# __init__.py); openbsd_pvbus is tools/openbsd_pvbus.py.
sys.path.insert(0, os.path.join(REPO, "tests", "boot"))
sys.path.insert(0, os.path.join(REPO, "tools"))
from harness import ktap, verdict  # noqa: E402
from harness.paths import show  # noqa: E402
import openbsd_pvbus  # noqa: E402

DUMPS_DIR = os.path.join(REPO, "tests", "cpuid-dumps")
EXPECT_DIR = HERE
TOOL_TIMEOUT = 30       # seconds; a run takes a few milliseconds


class ExpectError(Exception):
    pass


def parse_expect(text):
    """The lines of a .expect file as verdict.match_lines() takes them:
    (kind, regex text, compiled, line number).  Raises ExpectError
    naming the line of the first mistake."""
    out = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, sep, value = line.partition(":")
        kind = kind.strip().lower()
        value = value.strip()
        if not sep or kind not in ("expect", "absent"):
            raise ExpectError("line %d: expected 'expect:' or 'absent:'"
                              % lineno)
        if not value:
            raise ExpectError("line %d: empty regex" % lineno)
        try:
            out.append((kind, value, re.compile(value), lineno))
        except re.error as e:
            raise ExpectError("line %d: %s: %s" % (lineno, kind, e))
    if not any(k == "expect" for k, *_ in out):
        raise ExpectError("no 'expect:' line")
    return out


def load_expect(path):
    with open(path, encoding="utf-8") as f:
        return parse_expect(f.read())


@dataclasses.dataclass
class Run:
    rc: int
    lines: list             # standard output, split as a serial log
    stderr: str
    raw: bytes = b""        # standard output as it came


def run_tool(tool, path, name=None):
    """The tool on one dump (as module string NAME if given); rc -1 if
    it could not run or timed out."""
    argv = [tool, path] if name is None else [tool, "--name", name, path]
    try:
        p = subprocess.run(argv, cwd=REPO, capture_output=True,
                           timeout=TOOL_TIMEOUT, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Run(-1, [], str(e))
    return Run(p.returncode, ktap.split_log(p.stdout),
               p.stderr.decode("utf-8", "replace"), p.stdout)


def first_line(text):
    """The line of standard error that says most: a sanitizer's summary
    (it also explains a changed exit status), else the first line."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    return next((l for l in lines if l.startswith("SUMMARY: ")),
                lines[0] if lines else "(nothing)")


def judge_dump(run, expectations):
    """Everything wrong with one dump's report, most important first."""
    msgs = []
    if run.rc != 0:
        msgs.append("exit status %d, expected 0 (stderr: %s)"
                    % (run.rc, first_line(run.stderr)))
    rep = ktap.parse_ktap(run.lines)
    if rep.top is None:
        msgs.append("no 'KTAP version 1' line")
    else:
        msgs += ["KTAP: " + p for p in rep.problems +
                 ktap.check_complete(rep)]
        msgs += ["line %d: not ok %d %s" % (r.lineno, r.num, r.name)
                 for r in rep.results() if not r.ok]
    msgs += verdict.match_lines(expectations, run.lines)
    return msgs


def check_dump(tool, dump, expect_path, verbose=False):
    """(passed?, headline, more lines) for one dump."""
    if not os.path.exists(expect_path):
        return False, "no %s" % show(expect_path), []
    try:
        expectations = load_expect(expect_path)
    except (OSError, ExpectError) as e:
        return False, "%s: %s" % (show(expect_path), e), []
    run = run_tool(tool, dump)
    msgs = judge_dump(run, expectations)
    if not msgs:
        n = sum(k == "expect" for k, *_ in expectations)
        return True, "%d expect, %d absent" % (
            n, len(expectations) - n), []
    more = msgs[1:4]
    if verbose:
        more += ["| " + l for l in run.lines]
        more += ["stderr| " + l for l in run.stderr.splitlines()]
    return False, msgs[0], more


# ------------------------------------------------------ malformed dumps

ROW0 = b"0x00000000 0x00000000 0x0000000d 0x756e6547 0x6c65746e 0x49656e69"
ROW1 = b"0x00000001 0x00000000 0x000306c3 0x00100800 0xfffafbff 0xbfebfbff"
KVM = b"0x40000000 0x00000000 0x40000001 0x4b4d564b 0x564b4d56 0x0000004d"


DIRECTORY = object()        # Bad.data: make a directory of that name
UNREADABLE = object()       # Bad.data: a file the tool cannot read


@dataclasses.dataclass
class Bad:
    name: str               # the file's name, which the error quotes
    data: object            # bytes; a path in the tree (str); None: the
                            # file does not exist; DIRECTORY; UNREADABLE
    error: str = ""         # regex for what follows "replay NAME: "
    rc: int = 2
    expect: str = ""        # rc 0: a regex one stdout line must match


BAD_INPUTS = [
    Bad("a-directory", DIRECTORY, r"is a directory, not a CPUID dump$"),
    Bad("unreadable.txt", UNREADABLE,
        r"(cannot open it: Permission denied|read failed after 0 bytes: "
        r"Input/output error)$"),
    Bad("empty.txt", b"", r"the file is empty \(0 bytes\)$"),
    Bad("too-big.txt", (ROW0 + b"\n") * (1024 * 1024 // len(ROW0) + 1),
        r"the file is over the 1 MiB \(1048576-byte\) limit of a dump$"),
    Bad("comments.txt", b"# file: comments.txt\n# nothing else\n\n",
        r"no rows: the dump is empty or holds only comments"),
    Bad("binary.bin", bytes(range(256)),
        r"line 1: byte 0x00 at column 1 is not ASCII text"),
    Bad("bad-hex.txt", os.path.join("tests", "replay", "bad",
                                    "bad-hex.txt"),
        r'line 8: field 4 \(EBX\) "0x4b4d564k" is not a 0x-prefixed hex '
        r'number$'),
    Bad("duplicate.txt", b"\n".join([ROW0, ROW1, ROW1]) + b"\n",
        r"line 3: leaf 0x00000001 subleaf 0x00000000 is already on an "
        r"earlier line$"),
    Bad("overlong.txt", ROW0 + b"\n" + ROW1 + b" " * 300 + b"\n",
        r"line 2: the row is \d+ bytes long, more than "
        r"CPUID_DUMP_LINE_MAX \(256\)$"),
    # The last row has no "\n": it must still count (the KVM base).
    Bad("no-newline.txt", b"\n".join([ROW0, ROW1, KVM]), rc=0,
        expect=r'^pvbus: hv base=0x40000000 sig="KVMKVMKVM\\0\\0\\0" '
        r'vendor=kvm\b'),
    Bad("nonexistent.txt", None),
]


def judge_bad(bad, run):
    """Everything wrong with the tool's answer to one malformed input."""
    out = [l for l in run.lines if l.strip()]
    ktap = any(l.rstrip().endswith("KTAP version 1") for l in out)
    if bad.rc == 0:
        msgs = [] if run.rc == 0 else [
            "exit status %d, expected 0 (stderr: %s)"
            % (run.rc, first_line(run.stderr))]
        if not any(re.search(bad.expect, l) for l in out):
            msgs.append("no line matches %s" % bad.expect)
        return msgs
    msgs = []
    if run.rc != bad.rc:
        msgs.append("exit status %d, expected %d (stderr: %s)"
                    % (run.rc, bad.rc, first_line(run.stderr)))
    if ktap:
        msgs.append("it printed a KTAP report for a dump it cannot read")
    error = bad.error
    if bad.data is None:
        error = r"cannot open it: No such file or directory$"
    # A file that cannot be had is named by its path, a parse error by
    # the file's name, as the kernel names a module.
    want = r"^pvbus: backend error: replay (?:\S*/)?%s: %s" % (
        re.escape(bad.name), error)
    if not any(re.search(want, l) for l in out):
        msgs.append("no stdout line matches %s (stdout: %s)"
                    % (want, out[0] if out else "nothing"))
    if not re.search(r"replay (?:\S*/)?%s: %s" % (re.escape(bad.name),
                                                  error.rstrip("$")),
                     run.stderr):
        msgs.append("stderr does not give the reason: %s"
                    % first_line(run.stderr))
    return msgs


def unreadable(path):
    """A file the tool cannot read: mode 000 for anyone but root; as
    root, which reads any mode, /proc/self/mem, which opens and then
    fails to read at offset 0 (EIO)."""
    if os.geteuid() == 0 and os.path.exists("/proc/self/mem"):
        return "/proc/self/mem"
    with open(path, "wb") as f:
        f.write(ROW0 + b"\n")
    os.chmod(path, 0)
    return path


def check_bad(tool, bad, tmp):
    path = os.path.join(tmp, bad.name)
    if isinstance(bad.data, str):           # a file in the tree
        path = os.path.join(REPO, bad.data)
    elif bad.data is DIRECTORY:
        os.mkdir(path)
    elif bad.data is UNREADABLE:
        path = unreadable(path)
    elif bad.data is not None:
        with open(path, "wb") as f:
            f.write(bad.data)
    run = run_tool(tool, path)
    if bad.data is UNREADABLE and path == "/proc/self/mem":
        bad = dataclasses.replace(bad, name="mem")
    msgs = judge_bad(bad, run)
    if not msgs:
        if bad.rc == 0:
            return True, "read to the end: exit 0", []
        said = next((l for l in run.lines if "backend error" in l),
                    first_line(run.stderr))
        return True, "exit %d: %s" % (run.rc, said), []
    return False, msgs[0], msgs[1:4]


# ----------------------------------------------- hostile "# file:" headers

# The dump the headers are put on, and what it reports under its name.
HEADER_DUMP = os.path.join(DUMPS_DIR, "kvm-qemu-i7-8650u-1.txt")

# (case, the header's bytes after "# file: ", the exit status).  The
# parser refuses a byte over 0x7f on any line, the header's too: the
# error line then quotes the name, escaped.
HEADERS = [
    ("quote-and-keys", b'x" vendor=xen rows=999 ok 1', 0),
    ("skip-directive", b"bad # SKIP not a failure", 0),
    ("control-bytes", b"ctl\x01\x1b[31mred\ttab\x7fdel\\x", 0),
    ("not-ascii", b"caf\xc3\xa9 \xff", 2),
    ("long", b"n" * 150 + b" " + b'"' * 150, 0),
    ("empty", b"", 0),
]

# A facts word: key=value, or key="..." with escapes and no raw space.
FACT_WORD = re.compile(r'^[a-z_]+=(?:"(?:[^"\\ ]|\\.)*"|[^" ]*)$')


def unescape(text):
    """A value as "%pE" (and replay_name_set()) wrote it, as bytes."""
    out, i = bytearray(), 0
    while i < len(text):
        c = text[i]
        if c == "\\" and text[i + 1:i + 2] == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        elif c == "\\" and text[i + 1:i + 2] == "0":
            out.append(0)
            i += 2
        elif c == "\\":
            out += text[i + 1].encode()
            i += 2
        else:
            out += c.encode()
            i += 1
    return bytes(out)


def judge_facts(lines):
    """What is wrong with the "pvbus:" facts lines of one run."""
    msgs = []
    for l in lines:
        if not l.startswith("pvbus: ") or "backend error" in l:
            continue
        words = l.split(" ")[2:]            # after "pvbus:" and the kind
        keys = [w.split("=", 1)[0] for w in words if "=" in w]
        bad = [w for w in words if "=" in w and not FACT_WORD.match(w)]
        if bad:
            msgs.append("a facts word is not key=value without a space "
                        "or a raw quote in it: %r in %r" % (bad[0], l))
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            msgs.append("key %s twice in %r" % (dup[0], l))
    return msgs


def check_header(tool, case, header, rc, tmp):
    """(passed?, headline, more) for one hostile header."""
    with open(HEADER_DUMP, "rb") as f:
        body = f.read().split(b"\n", 1)[1]
    path = os.path.join(tmp, "header-%s.txt" % case)
    with open(path, "wb") as f:
        f.write(b"# file: " + header + b"\n" + body)
    run = run_tool(tool, path, name="")
    plain = run_tool(tool, HEADER_DUMP)
    msgs = []
    if run.rc != rc:
        msgs.append("exit status %d, expected %d (stderr: %s)"
                    % (run.rc, rc, first_line(run.stderr)))
    ctl = sorted({b for b in run.raw if b < 0x20 and b != 0x0a or
                  b >= 0x7f})
    if ctl:
        msgs.append("stdout holds byte 0x%02x" % ctl[0])
    msgs += judge_facts(run.lines)
    if rc == 0:
        rep = ktap.parse_ktap(run.lines)
        msgs += ["KTAP: " + p for p in rep.problems +
                 ktap.check_complete(rep)] if rep.top else \
            ["no 'KTAP version 1' line"]
        mine = [l for l in run.lines if ktap.RESULT_RE.match(l.strip())]
        theirs = [l for l in plain.lines
                  if ktap.RESULT_RE.match(l.strip())]
        if mine != theirs:
            msgs.append("KTAP results differ from the plain dump's: %r"
                        % next((a for a, b in zip(mine, theirs) if a != b),
                               mine[len(theirs):] or theirs[len(mine):]))
        m = next((re.search(r'profile="((?:[^"\\]|\\.)*)"', l)
                  for l in run.lines if l.startswith("pvbus: replay ")),
                 None)
        name = unescape(m.group(1)) if m else None
        if name is None or not header.startswith(name) or \
                len(m.group(1)) > 63 or \
                (name != header and len(m.group(1)) < 60):
            msgs.append("profile=%s does not read back as the header %r "
                        "(cut at 63 characters)" % (
                            m.group(0) if m else "(none)", header))
    else:
        want = r"^pvbus: backend error: replay \S+: line 1: byte 0x"
        if not any(re.search(want, l) for l in run.lines):
            msgs.append("no stdout line matches %s" % want)
    if msgs:
        return False, msgs[0], msgs[1:4]
    said = next((l for l in run.lines if l.startswith("pvbus: replay ") or
                 "backend error" in l), "")
    return True, "exit %d: %s" % (run.rc, said[:70]), []


def check_no_name(tool, tmp):
    """A module with no name and no header: 'module 0 (no name)' in an
    error, profile="" and [replay] in a report."""
    path = os.path.join(tmp, "no-name.txt")
    with open(path, "wb") as f:
        f.write(b"zz\n")
    run = run_tool(tool, path, name="")
    want = ('pvbus: backend error: replay module 0 (no name): line 1: '
            'field 1 (LEAF) "zz" is not a 0x-prefixed hex number')
    if run.rc != 2 or want not in run.lines:
        return False, "no %r (exit %d, stdout: %s)" % (
            want, run.rc, run.lines[0] if run.lines else "nothing"), []
    with open(HEADER_DUMP, "rb") as f:
        body = f.read().split(b"\n", 1)[1]
    with open(path, "wb") as f:
        f.write(body)
    run = run_tool(tool, path, name="")
    if run.rc != 0 or not any(l.startswith('pvbus: replay profile="" ')
                              for l in run.lines) or \
            not any(l.endswith(" [replay]") for l in run.lines):
        return False, "a good dump with no name: exit %d, no " \
            "profile=\"\" or [replay]" % run.rc, []
    return True, "module 0 (no name); profile=\"\" and [replay]", []


# ------------------------------------------------- the OpenBSD table

def check_doc(tool):
    """Is docs/pvbus-vs-openbsd.md's generated table current?"""
    doc = show(openbsd_pvbus.DOC)
    try:
        have = openbsd_pvbus.doc_region()
        want = openbsd_pvbus.table_markdown(tool)
    except (OSError, RuntimeError, openbsd_pvbus.DumpError) as e:
        return False, "%s: %s" % (doc, e), []
    if have is None:
        return False, "%s has no generated table" % doc, []
    if have == want:
        return True, "table current (%d rows)" % (
            len(want.splitlines()) - 2), []
    hl, wl = have.splitlines(), want.splitlines()
    i = next((i for i in range(max(len(hl), len(wl)))
              if (hl[i:i + 1] or [None]) != (wl[i:i + 1] or [None])), 0)
    return False, "table out of date: run python3 tools/openbsd_pvbus.py " \
        "--write", ["doc:  %s" % (hl[i] if i < len(hl) else "(end)"),
                    "now:  %s" % (wl[i] if i < len(wl) else "(end)")]


# ----------------------------------------------------------------- main

def dumps():
    return sorted(glob.glob(os.path.join(DUMPS_DIR, "*.txt")))


def expect_for(dump):
    name = os.path.splitext(os.path.basename(dump))[0]
    return os.path.join(EXPECT_DIR, name + ".expect")


def cross(tool):
    """Each .expect against every dump's report: a diagnostic that shows
    the expectations can fail.  Only the diagonal may pass."""
    runs = {d: run_tool(tool, d) for d in dumps()}
    names = [os.path.splitext(os.path.basename(d))[0] for d in runs]
    bad = 0
    for d, name in zip(runs, names):
        exp = load_expect(expect_for(d))
        passes = [n for d2, n in zip(runs, names)
                  if not judge_dump(runs[d2], exp)]
        wrong = [n for n in passes if n != name]
        bad += bool(wrong) or name not in passes
        print("%-45s passes on: %s" % (name, " ".join(passes) or "none"))
    print("%d expectation files pass somewhere other than their own dump "
          "(or not on it)" % bad)
    return 1 if bad else 0


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Run build/host/pvbus-replay on every "
        "tests/cpuid-dumps/*.txt and check tests/replay/*.expect; then "
        "check that malformed dumps are refused cleanly.")
    ap.add_argument("--build", default="build",
                    help="build directory, relative to the repository "
                    "(default: %(default)s)")
    ap.add_argument("--tool", help="the replay tool (default: "
                    "BUILD/host/pvbus-replay)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the tool's output for failing dumps")
    ap.add_argument("--cross", action="store_true",
                    help="run every .expect against every dump and list "
                    "where each passes (a diagnostic)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    tool = args.tool or os.path.join(REPO, args.build, "host",
                                     "pvbus-replay")
    tool = os.path.abspath(tool)
    if not os.access(tool, os.X_OK):
        print("FAIL  %s missing: build it with `make host-tools`"
              % show(tool))
        print("0 passed, 1 failed")
        return 1
    if args.cross:
        return cross(tool)
    results = []
    for d in dumps():
        results.append((os.path.basename(d),)
                       + check_dump(tool, d, expect_for(d), args.verbose))
    for e in sorted(glob.glob(os.path.join(EXPECT_DIR, "*.expect"))):
        name = os.path.splitext(os.path.basename(e))[0]
        if not os.path.exists(os.path.join(DUMPS_DIR, name + ".txt")):
            results.append((os.path.basename(e), False,
                            "no tests/cpuid-dumps/%s.txt for it" % name,
                            []))
    with tempfile.TemporaryDirectory(prefix="pvbus-replay-") as tmp:
        for bad in BAD_INPUTS:
            results.append(("malformed: " + bad.name,)
                           + check_bad(tool, bad, tmp))
        for case, header, rc in HEADERS:
            results.append(("header: " + case,)
                           + check_header(tool, case, header, rc, tmp))
        results.append(("header: none, no name",) + check_no_name(tool,
                                                                 tmp))
    results.append(("docs/pvbus-vs-openbsd.md",) + check_doc(tool))
    width = max(len(r[0]) for r in results)
    passed = failed = 0
    for name, ok, head, more in results:
        print("%-4s  %-*s  %s" % ("PASS" if ok else "FAIL", width, name,
                                  head))
        for m in more:
            print("      " + m)
        passed += ok
        failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""
The other readers: every report stream is also read by the two programs
CI people feed it to, Perl's prove and Linux's kunit.py, and they must
agree with the harness (tests/boot/README.md, "The other readers";
docs/reference/ktap.md, "Where prove and kunit.py differ").

    Readers           finds prove and kunit.py once, runs them on a log
    find_kunit()      extracts kunit.py from Debian's linux-source-6.1
                      (/usr/src/linux-source-6.1.tar.xz) into BUILD/kunit/
    kunit_top_level() the top-level statuses in kunit.py's output
    compare_readers() where a reader's verdict or counts differ from the
                      harness's (ktap.stream_passes() and the totals line)

Reads the log files it is given, runs prove, perl (TAP::Parser, for the
counts), kunit.py and tar.
"""

import dataclasses
import fcntl
import os
import re
import shutil
import subprocess
import sys

from .ktap import stream_passes

# Every report stream is also read by the two programs CI people feed it
# to, and they must agree with the harness (tests/boot/README.md, "The
# other readers"):
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

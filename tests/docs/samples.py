"""
The samples of kernel output in README.md and docs/*.md, and how each is
held to a real run (docs/testing.md, "Samples in the docs").

A sample is a fenced code block with one or more markers directly above
it, one configuration each, whose outputs are read one after the other:

    <!-- sample: boot=pvh cmdline="hv=sim:xen" -->
    <!-- sample: case=fault-gp -->
    <!-- sample: matrix=fault-gp -->

A block that shows output but cannot come from a run here carries

    <!-- not-checked: hypothetical: what a real VMware host answers -->

This module reads the markers and blocks (find_blocks()), masks the
volatile parts of a line (mask()) and finds a sample's lines in the real
output (match_block()).  It boots nothing: check_samples.py does.
"""

import difflib
import hashlib
import re
import shlex

# What a marker may say.  case=NAME and matrix=NAME name a case of the
# boot matrix (tests/boot/cases, then tests/hostile): the first stands
# for its serial log, the second for the matrix's own result line for
# it.  Otherwise the words are keys of a case file (tests/boot/README.md,
# "Case file format") that say what to boot; some may repeat.
BOOT_KEYS = ("boot", "machine", "memory", "qemu", "cmdline",
             "cmdline-escaped", "module", "input", "serial", "timeout",
             "boots", "requires")
REPEATED = ("qemu", "module", "input", "requires")
# Any ending will do: the boot matrix judges runs, a sample only reads
# the log.
ANY_VERDICT = "pass|fail|crash|booterr|panic|halt|timeout|noreport|reset"
CASE_NAME_RE = re.compile(r"[A-Za-z0-9._-]+")

MARKER_RE = re.compile(r"^\s*<!--\s*(sample|not-checked):(.*?)-->\s*$")
OPEN_FENCE_RE = re.compile(r"^( *)(`{3,}|~{3,})\s*([^`\s]*)")
ELISION = "..."

# A line that reads as the kernel's output or the boot matrix's: a block
# that holds one must be a sample or say why it is not checked.
OUTPUT_RE = re.compile(
    r"^\s*(?:(?:not )?ok \d+\b|KTAP version \d|1\.\.\d+\s*$"
    r"|# (?:running |exit status |CRASH |Subtest: )"
    r"|pvbus[0-9]*[: ]|[a-z]+[0-9]+ at [a-z]+[0-9]|[a-z]+[0-9]+: "
    r"|vmware-sim: |\d+ passed, \d+ failed|pvbus testbed: "
    r"|(?:PASS|FAIL|SKIP)  +\S+  )")


class MarkerError(ValueError):
    pass


class Source:
    """One configuration a sample comes from.  kind is "log" (the serial
    log of the run called name) or "matrix" (the matrix's result line
    for it); case_text is the case file to boot, or None for a case of
    the boot matrix, booted as it is."""

    def __init__(self, kind, name, case_text, spec):
        self.kind, self.name, self.case_text, self.spec = \
            kind, name, case_text, spec

    def __repr__(self):
        return "Source(%s, %s)" % (self.kind, self.name)


def parse_marker(text):
    """The Source that a sample: marker's text describes."""
    spec = " ".join(text.split())
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise MarkerError("cannot split %r: %s" % (spec, e))
    if not words:
        raise MarkerError("an empty sample: marker")
    pairs = []
    for w in words:
        key, sep, value = w.partition("=")
        if not sep:
            raise MarkerError("%r is not key=value" % w)
        pairs.append((key, value))
    if pairs[0][0] in ("case", "matrix"):
        if len(pairs) != 1 or not CASE_NAME_RE.fullmatch(pairs[0][1]):
            raise MarkerError("%s= takes one case name and nothing else"
                              % pairs[0][0])
        kind = "log" if pairs[0][0] == "case" else "matrix"
        return Source(kind, pairs[0][1], None, spec)
    seen = set()
    lines = []
    for key, value in pairs:
        if key not in BOOT_KEYS:
            raise MarkerError("unknown key %r (case=, matrix=, or %s)"
                              % (key, ", ".join(BOOT_KEYS)))
        if key in seen and key not in REPEATED:
            raise MarkerError("%s= given twice" % key)
        if "\n" in value or "\r" in value:
            raise MarkerError("%s= holds a line break" % key)
        seen.add(key)
        lines.append("%s: %s" % (key, value))
    if "boot" not in seen:
        raise MarkerError("boot= is missing (bios, uefi or pvh)")
    lines.append("verdict: " + ANY_VERDICT)
    body = "\n".join(lines) + "\n"
    name = "docs-" + hashlib.sha1(body.encode()).hexdigest()[:10]
    return Source("log", name, "# A docs sample: %s\n%s" % (spec, body),
                  spec)


class Block:
    """A fenced code block: where it starts, its lines (line number,
    text without the fence's indentation), and its markers."""

    def __init__(self, path, start, info, indent):
        self.path, self.start, self.info, self.indent = \
            path, start, info, indent
        self.lines = []             # (line number, text)
        self.sources = []           # Source, in the markers' order
        self.not_checked = None     # the reason, for a not-checked block
        self.errors = []

    @property
    def where(self):
        return "%s:%d" % (self.path, self.start)

    def looks_like_output(self):
        return any(OUTPUT_RE.match(t) for _, t in self.lines)


def _closes(line, fence):
    s = line.strip()
    return len(s) >= len(fence) and s == s[0] * len(s) and s[0] == fence[0]


def find_blocks(path, text):
    """Every fenced code block of a Markdown text with its markers, and
    the problems with markers that stand above no block."""
    blocks, problems = [], []
    pending = []                # (line number, kind, text)
    block = fence = None
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if block is not None:
            if _closes(line, fence):
                blocks.append(block)
                block = None
                continue
            cut = len(line) - len(line.lstrip(" "))
            block.lines.append((n, line[min(cut, block.indent):]))
            continue
        m = MARKER_RE.match(line)
        if m:
            pending.append((n, m.group(1), m.group(2).strip()))
            continue
        m = OPEN_FENCE_RE.match(line)
        if m:
            fence = m.group(2)
            block = Block(path, n, m.group(3), len(m.group(1)))
            _attach(block, pending)
            pending = []
            continue
        if pending and line.strip():
            problems += _stray(path, pending)
            pending = []
    problems += _stray(path, pending)
    if block is not None:
        problems.append("%s: the code block is never closed" % block.where)
    return blocks, problems


def _attach(block, markers):
    kinds = {kind for _, kind, _ in markers}
    for n, kind, text in markers:
        if kind == "not-checked":
            if not text:
                block.errors.append("%s:%d: not-checked: needs a reason"
                                    % (block.path, n))
            block.not_checked = text or "?"
            continue
        try:
            block.sources.append(parse_marker(text))
        except MarkerError as e:
            block.errors.append("%s:%d: %s" % (block.path, n, e))
    if len(kinds) > 1:
        block.errors.append("%s: a block is either a sample or not "
                            "checked" % block.where)


def _stray(path, markers):
    return ["%s:%d: a %s: marker must stand directly above a code block"
            % (path, n, kind) for n, kind, _ in markers]


# The mask rules.  Each replaces a volatile part of a line, in the sample
# and in the real output alike, by a placeholder; the rest of the line
# must be equal.  Names, numbering, counts, facts keys and the words of
# every message stay checked, so a renamed function or file, a test
# that moved, or a reworded line fails the sample.  docs/testing.md
# ("Samples in the docs") lists them: keep the two together.
LOW, HIGH = 0x100000, 0x1000000     # the kernel, its stacks, its heap
REGISTERS = (r"rip|rsp|rbp|rflags|rax|rbx|rcx|rdx|rsi|rdi|r8|r9|r1[0-5]"
             r"|cr[0234]")
HEX = r"0x[0-9a-fA-F]+"


def _sub_address(m):
    if LOW <= int(m.group(2), 16) < HIGH:
        return m.group(1) + "0x?"
    return m.group(0)


def _stack_words(line):
    if "# stack at " not in line:
        return line
    return re.sub(HEX, "0x?", line)


def _ref_time(line):
    line = re.sub(r"\boffset -?\d+; time \d+ then \d+ \(100 ns\)",
                  "offset ?; time ? then ? (100 ns)", line)
    return re.sub(r"\bTIME_REF_COUNT \d+, page \d+, TIME_REF_COUNT \d+\b",
                  "TIME_REF_COUNT ?, page ?, TIME_REF_COUNT ?", line)


def _kvmclock(line):
    line = re.sub(r"\btsc_timestamp 0x[0-9a-fA-F]+, system_time \d+ ns\b",
                  "tsc_timestamp ?, system_time ? ns", line)
    return re.sub(r"\b\d+ ns, then \d+ ns \d+ TSC ticks later\b",
                  "? ns, then ? ns ? TSC ticks later", line)


def _wall_reading(m):
    if m.group(2).strip("0") == "":
        return m.group(0)
    return "?.?" + (" (? UTC)" if m.group(3) else "")


def _wall_time(line):
    line = re.sub(r"\b(\d{9,10})\.(\d{6}|\d{9})\b"
                  r"( \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\))?",
                  _wall_reading, line)
    return re.sub(r"\bguest was [-+]\d+ us off\b", "guest was ? us off", line)


MASKS = (
    # A symbol's offset: <raise_fault+0x42>, data_ret+0x0.
    ("offset", lambda s: re.sub(r"(?<=[\w.]\+)" + HEX, "0x?", s)),
    # The crash report's registers: "rip 0x...", "r8  0x...".
    ("register", lambda s: re.sub(r"\b(%s)( +)%s" % (REGISTERS, HEX),
                                  r"\1\g<2>0x?", s)),
    # The crash report's stack line: its address and every word.
    ("stack", _stack_words),
    # Hyper-V's reference time (100 ns units) as hyperv0 reads it: the
    # TSC page's offset (set when the model starts) and each reading of
    # the page and of TIME_REF_COUNT.  The sequence and scale stay.
    ("ref-time", _ref_time),
    # kvmclock's readings as pvclock0 prints them: the TSC and system
    # time of the last update, the two readings in ns and the ticks
    # between them.  The versions stay.
    ("kvmclock", _kvmclock),
    # The TSC rate a host's kvmclock scale stands for (mul, shift and
    # the rate in kHz): a real host's own; the simulator's is always
    # 1 GHz, and its boot case holds it to that.
    ("tsc-rate", lambda s: re.sub(
        r"\bmul 0x[0-9a-fA-F]+, shift -?\d+ \(TSC \d+ kHz\)",
        "mul ?, shift ? (TSC ? kHz)", s)),
    # A wall-clock reading with its fraction (s.us or s.ns) and the date
    # after it, and how far the guest's clock was off at a sync.  A time
    # whose fraction is all zeros was set, not read, and stays.
    ("wall-time", _wall_time),
    # An address from 1 MiB to 16 MiB, where the kernel's image, stacks
    # and heap pages lie: they move with every build.  A key=value value
    # is never one (facts lines hold CPUID data there).
    ("address", lambda s: re.sub(r"(^|[^\w=])(%s)\b" % HEX, _sub_address,
                                 s)),
    # A source line number: kernel/selftest.c:505.
    ("line", lambda s: re.sub(r"(\.(?:c|h|asm|S|py)):\d+\b", r"\1:?", s)),
    # Readings of the TSC and of clocks driven by it.
    ("clock", lambda s: re.sub(r"\b(ns|ref_time|time_delta_us)=[-+]?\d+",
                               r"\1=?", s)),
    # The pages left free, which follow the kernel's size.
    ("size", lambda s: re.sub(r"\bpmem: \d+ pages free",
                              "pmem: ? pages free", s)),
    # The boot loader's version, which a Debian update of GRUB changes.
    ("loader", lambda s: re.sub(r'(?<="GRUB )[^"\s]+(?=")', "?", s)),
    # A UUID, which a host assigns.
    ("uuid", lambda s: re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                              r"[0-9a-f]{4}-[0-9a-f]{12}\b", "UUID", s)),
)
# The boot matrix's result lines: the run's time, and the columns, whose
# width follows the longest case name of the run.
MATRIX_MASKS = (
    ("time", lambda s: re.sub(r"(?<= )(?:\d+(?:\.\d+)?s|-)(?= )", "?s",
                              s)),
    ("columns", lambda s: re.sub(r"(?<=\S) {2,}", "  ", s)),
)


# The rules for what changes from run to run of one build, or from host
# to host; the others follow the build.  --update leaves a line alone
# that differs from the real one only by these.
PER_RUN = ("ref-time", "kvmclock", "tsc-rate", "wall-time", "clock", "uuid",
           "time", "columns")


def mask(line, kind="log", rules=None):
    """LINE with its volatile parts replaced by placeholders; KIND
    "matrix" for one of the boot matrix's result lines; RULES, if given,
    the names of the only rules to apply."""
    line = line.rstrip()
    for name, rule in MASKS + (MATRIX_MASKS if kind == "matrix" else ()):
        if rules is None or name in rules:
            line = rule(line)
    return line


class Miss:
    """A sample line not found in order: its line number and text, the
    index of the real line the search started at, and the nearest real
    line from there (its index, or None when nothing was left)."""

    def __init__(self, lineno, text, start, nearest_at, ratio):
        self.lineno, self.text, self.start = lineno, text, start
        self.nearest_at, self.ratio = nearest_at, ratio


def match_block(sample, real):
    """Find SAMPLE's lines ((line number, text)) in REAL ((text, kind) in
    order), each after the last one found.  A line "..." stands for lines
    left out and is not looked for.  Returns (found, misses): found maps
    a sample line number to the index of the real line it matched."""
    masked = [mask(t, k) for t, k in real]
    found, misses = {}, []
    pos = 0
    for lineno, text in sample:
        if text.strip() == ELISION:
            continue
        want = {k: mask(text, k) for k in ("log", "matrix")}
        hit = next((j for j in range(pos, len(real))
                    if masked[j] == want[real[j][1]]), None)
        if hit is not None:
            found[lineno] = hit
            pos = hit + 1
            continue
        best, best_at = 0.0, None
        for j in range(pos, len(real)):
            r = difflib.SequenceMatcher(None, want[real[j][1]],
                                        masked[j]).ratio()
            if r > best:
                best, best_at = r, j
        misses.append(Miss(lineno, text, pos, best_at, best))
    return found, misses

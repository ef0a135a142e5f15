"""
The case format: one *.case file of "key: value" lines per run, read
into a Case (tests/boot/README.md, "Case file format"), and the inputs
a case generates at run time ("Generated inputs"): escaped command lines
(cmdline-escaped:), command lines and files built from pieces
(cmdline-gen:, input:).

    load_cases()    every *.case in a directory; a broken file becomes a
                    Case with .error set (it fails when run)
    parse_case()    the text of one case file -> Case, or CaseError
                    naming the line of the first mistake
    unescape()      \\n \\e \\xNN ... -> bytes
    gen_bytes()     "text" N*"text" pad() random() file() -> bytes
    make_inputs()   writes a case's input: files; resolve() puts their
                    paths where module: and args: say @NAME

Reads the case files, and for file(PATH) pieces the repository's files;
writes BUILD/test-inputs/<case>/.
"""

import dataclasses
import os
import random
import re
import shlex
import shutil

from .paths import REPO
from .verdict import VERDICTS

CASES_DIR = os.path.join(REPO, "tests", "boot", "cases")

DEFAULT_TIMEOUT = {"pvh": 15.0, "bios": 20.0, "uefi": 60.0}


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
REQUIREMENTS = ("kvm", "kvm-hyperv", "no-kvm-hyperv", "kvm-hypercall",
                "ovmf")
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


def make_inputs(case, directory):
    """Write the case's input: files into DIRECTORY/<case>/ (the runner
    gives BUILD/test-inputs; emptied first); returns {input_key(NAME):
    path relative to the repository}."""
    paths = {}
    if not case.inputs:
        return paths
    d = os.path.join(directory, case.name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, spec in case.inputs:
        fname = unescape(name).decode("utf-8", "surrogateescape")
        path = os.path.join(d, fname)
        with open(path, "wb") as f:
            f.write(gen_bytes(spec))
        paths[input_key(name)] = os.path.relpath(path, REPO)
    return paths


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

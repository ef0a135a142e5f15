#!/usr/bin/env python3
"""The deps stage of `make test`: is tools/deps.sh's package list complete?

A fresh Debian 12 machine gets only what the list names (and what those
packages depend on), so every program the build and the tests run must
come from there.  This finds the programs and checks each one:

  - statically: the commands of `make -n -B` for every target, of every
    shell script under tools/, tests/ and .ci/ (a small shell lexer:
    quotes, $(...), heredocs, case patterns, wrappers such as timeout and
    exec, variables with a literal default), and the programs the Python
    scripts start (subprocess calls, shutil.which, os.environ defaults);
  - by tracing (strace -f -e trace=execve): what tools/mkiso.sh runs,
    grub-mkrescue's own children included (xorriso, mformat, mcopy,
    xz), and what `prove --exec cat` runs.

A program counts as provided if dpkg says the file it resolves to (in
/usr/sbin, /usr/bin, /sbin, /bin, following symlinks) belongs to a
package of the right groups, or to one that package needs (Depends and
Pre-Depends, as apt-get --no-install-recommends installs them).  The
groups follow the commands: `make run` installs base, build, iso and run,
so what it runs must come from those; `make debug` base, build, run and
debug (gdb); the tests may use every group but
fresh; tools/fresh-debian.sh only base and fresh (skipped where the fresh
group is not installed: neither `make test` nor CI installs it).  Each
entry of the list is checked too: the command or file is here, and
belongs to its package.

The shell lexer is first run on a table of constructs with known
answers.  Finally every package is taken out of the list in turn, and
the check must then fail, unless another listed package brings it in:
a control that the check can fail at all.

    python3 tests/deps/check.py                # the stage; ends "N passed, N failed"
    python3 tests/deps/check.py -v             # also every program and where it is run
    python3 tests/deps/check.py --without xz-utils   # as if the list lacked it

Needs dpkg's database (Debian or Ubuntu); elsewhere it says so and fails.
"""

import argparse
import ast
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
# Only what dpkg installs: /usr/local and $HOME (pyenv, cargo) do not
# exist on a fresh machine.
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
DPKG_INFO = "/var/lib/dpkg/info"
DPKG_STATUS = "/var/lib/dpkg/status"

# Which groups of the list each kind of command may use.
SCOPES = {
    "run": ("base", "build", "iso", "run"),
    "debug": ("base", "build", "run", "debug"),
    "test": ("base", "build", "iso", "run", "test", "fuzz", "debug"),
    "fresh": ("base", "fresh"),
}
# Groups neither `make test` nor .ci/run installs: checked only where
# they are installed (tools/deps.sh fresh), else skipped.
OPTIONAL_GROUPS = ("fresh",)
# tools/deps.sh, tools/run.sh, tools/pvbus-run and tools/mkiso.sh are
# what `make run` runs; tools/debug.sh is `make debug`'s;
# tools/fresh-debian.sh is its own; everything else is a test.
RUN_SCRIPTS = ("tools/deps.sh", "tools/run.sh", "tools/pvbus-run",
    "tools/mkiso.sh")
DEBUG_SCRIPTS = ("tools/debug.sh",)
FRESH_SCRIPTS = ("tools/fresh-debian.sh",)

# Programs a script runs only where they exist, with the reason.
OPTIONAL = {
    "sudo": ".ci/run uses it only when not running as root",
}

# dash's and POSIX's builtins and the shell's reserved words.
SHELL_BUILTINS = set("""
    : . [ alias bg break cd command continue echo eval exec exit export
    false fc fg getopts hash jobs kill local printf pwd read readonly
    return set shift test times trap true type ulimit umask unalias unset
    wait
""".split())
SHELL_KEYWORDS = set("""
    ! { } if then else elif fi do done while until for in case esac time
""".split())
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
ASSIGN_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
VAR_RE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
SUBST = "\x00"          # stands for a $(...) or `...` inside a word


# ---------------------------------------------------------------------
# The list.

def read_table(text):
    """[(group, what, package, why)] from tools/deps.sh --table."""
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) < 3:
            raise ValueError("tools/deps.sh --table: bad line %r" % line)
        rows.append((f[0], f[1], f[2], f[3] if len(f) > 3 else ""))
    return rows


# ---------------------------------------------------------------------
# A small shell lexer: enough of POSIX sh to find the command words.

class Lexer:
    """Splits shell text into words and operators, with line numbers.

    Quotes are removed; a $(...) or `...` in a word is lexed as shell
    text of its own (its commands go to self.nested) and leaves SUBST in
    the word; ${...} and $((...)) are kept as text; heredoc bodies and
    comments are dropped."""

    OPS = ("&&", "||", ";;", "<<-", "<<", ">>", "<&", ">&", ">|", "&", "|",
           ";", "(", ")", "<", ">", "\n")
    REDIRECTS = ("<<-", "<<", ">>", "<&", ">&", ">|", "<", ">")

    def __init__(self, text, line=1):
        self.s = text
        self.i = 0
        self.line = line
        self.tokens = []        # (kind, value, line): kind "w" or "op"
        self.nested = []        # Lexers of $(...) and `...`
        self.heredocs = []      # delimiters waiting for the next newline

    def lex(self, until=None):
        """Lex to the end, or to an unquoted `until` (")" or "`")."""
        word, quoted = None, False
        depth = 0               # ( ) inside $( ): subshells, case patterns
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == until and depth == 0:
                self._word(word, quoted)
                self.i += 1
                return
            if c in " \t":
                self._word(word, quoted)
                word, quoted = None, False
                self.i += 1
            elif c == "\\" and self.s[self.i + 1:self.i + 2] == "\n":
                self.i += 2
                self.line += 1
            elif c == "#" and word is None:
                while self.i < len(self.s) and self.s[self.i] != "\n":
                    self.i += 1
            elif c == "\n":
                self._word(word, quoted)
                word, quoted = None, False
                self.tokens.append(("op", "\n", self.line))
                self.i += 1
                self.line += 1
                if self.heredocs:
                    self._skip_heredocs()
            elif c == "'":
                j = self.s.find("'", self.i + 1)
                j = len(self.s) if j < 0 else j
                word = (word or "") + self.s[self.i + 1:j]
                self.line += self.s.count("\n", self.i, j)
                quoted = True
                self.i = j + 1
            elif c == '"':
                word = (word or "") + self._double()
                quoted = True
            elif c == "\\":
                word = (word or "") + self.s[self.i + 1:self.i + 2]
                self.i += 2
            elif c == "$" or c == "`":
                word = (word or "") + self._dollar()
            else:
                op = next((o for o in self.OPS if self.s.startswith(o, self.i)),
                          None)
                if op is None:
                    word = (word or "") + c
                    self.i += 1
                    continue
                if op in ("(", ")") and until == ")":
                    depth += 1 if op == "(" else -1
                if op in self.REDIRECTS and word is not None and \
                        word.isdigit() and not quoted:
                    word = None             # 2>file: the fd is no word
                self._word(word, quoted)
                word, quoted = None, False
                self.i += len(op)
                if op in ("<<", "<<-"):
                    self._heredoc(op)
                else:
                    self.tokens.append(("op", op, self.line))
        self._word(word, quoted)

    def _word(self, word, quoted):
        if word is not None:
            self.tokens.append(("w", word, self.line))

    def _double(self):
        out = ""
        self.i += 1
        while self.i < len(self.s) and self.s[self.i] != '"':
            c = self.s[self.i]
            if c == "\\" and self.s[self.i + 1:self.i + 2] in ('"', "\\", "$",
                                                              "`", "\n"):
                out += self.s[self.i + 1] if self.s[self.i + 1] != "\n" else ""
                self.i += 2
            elif c in "$`":
                out += self._dollar()
            else:
                if c == "\n":
                    self.line += 1
                out += c
                self.i += 1
        self.i += 1
        return out

    def _dollar(self):
        """At $ or `: a nested command, or an expansion kept as text."""
        s, i = self.s, self.i
        if s.startswith("$((", i):
            j, depth = i + 3, 2
            while j < len(s) and depth:
                depth += {"(": 1, ")": -1}.get(s[j], 0)
                j += 1
            self.i = j
            self._substitutions(s[i + 3:j - 2])
            return s[i:j]
        if s.startswith("$(", i) or s[i] == "`":
            sub = Lexer(s, self.line)
            sub.i = i + (2 if s[i] == "$" else 1)
            sub.lex(until=")" if s[i] == "$" else "`")
            self.nested.append(sub)
            self.line = sub.line
            self.i = sub.i
            return SUBST
        if s.startswith("${", i):
            j, depth = i + 2, 1
            while j < len(s) and depth:
                depth += {"{": 1, "}": -1}.get(s[j], 0)
                j += 1
            self.i = j
            self._substitutions(s[i + 2:j - 1])
            return s[i:j]
        m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*|[0-9#?@*$!-])", s[i:])
        self.i = i + (len(m.group(0)) if m else 1)
        return m.group(0) if m else "$"

    def _substitutions(self, text):
        """The $(...) and `...` in text where quotes are not special (an
        unquoted heredoc's body, $((...)), ${...})."""
        sub = Lexer(text, self.line)
        while sub.i < len(text):
            if text[sub.i] == "\\":
                sub.i += 2
            elif text[sub.i] in "$`":
                sub._dollar()
            else:
                sub.i += 1
        self.nested.extend(sub.nested)

    def _heredoc(self, op):
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1
        m = re.match(r"""(['"]?)([A-Za-z0-9_-]+)\1""", self.s[self.i:])
        if m:
            self.heredocs.append((m.group(2), op == "<<-", m.group(1) != ""))
            self.i += len(m.group(0))

    def _skip_heredocs(self):
        """Past the bodies; an unquoted one still runs its $(...)."""
        for delim, strip, quoted in self.heredocs:
            while self.i < len(self.s):
                j = self.s.find("\n", self.i)
                j = len(self.s) if j < 0 else j
                body = self.s[self.i:j]
                self.i = j + 1
                if (body.lstrip("\t") if strip else body) == delim:
                    self.line += 1
                    break
                if not quoted:
                    self._substitutions(body)
                self.line += 1
        self.heredocs = []


def shell_assignments(text):
    """{name: set of literal values} from name=value lines, where value is
    a literal or ${X:-literal}; a value with any other expansion in it
    is left out.  `"" or "sudo"` for sudo="" and sudo="sudo"."""
    values = {}
    lx = Lexer(text)
    lx.lex()
    todo = [lx]
    while todo:
        cur = todo.pop()
        todo.extend(cur.nested)
        for kind, value, _ in cur.tokens:
            m = ASSIGN_RE.match(value) if kind == "w" else None
            if not m:
                continue
            v = m.group(2)
            d = re.match(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]([^$}]*)\}$", v)
            if d:
                v = d.group(1)
            if "$" not in v and SUBST not in v:
                values.setdefault(m.group(1), set()).add(v)
    return values


def shell_commands(text, name):
    """[(program, "file:line")] for each simple command's program in the
    shell text.  Words that are no program (builtins, functions of the
    file, paths inside the repository) are left out; a variable is
    replaced by its literal values (see shell_assignments)."""
    lx = Lexer(text)
    lx.lex()
    functions = set(re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\)",
                               text, re.M))
    values = shell_assignments(text)
    found = []
    todo = [lx]
    while todo:
        cur = todo.pop()
        todo.extend(cur.nested)
        found += _commands(cur.tokens, name, functions, values)
    return found


def _commands(tokens, name, functions, values):
    found = []
    start = True            # the next word starts a command
    case_state = None       # None, "word", "pattern"
    skip_words = 0          # e.g. a redirection's target
    i = 0
    while i < len(tokens):
        kind, v, line = tokens[i]
        i += 1
        if kind == "op":
            if v in ("<", ">", ">>", "<&", ">&", ">|"):
                skip_words = 1
                continue
            if case_state == "pattern":
                if v == ")":
                    case_state = None
                    start = True
                continue
            if v == ";;":
                case_state = "pattern"
                continue
            if v in ("\n", ";", "&", "&&", "||", "|", "(", ")"):
                start = True
            continue
        if skip_words:
            skip_words -= 1
            continue
        if case_state == "word":
            if v == "in":
                case_state = "pattern"
            continue
        if case_state == "pattern":
            if v == "esac":
                case_state = None
                start = False
            elif v.endswith(")"):
                case_state = None
                start = True
            continue
        if not start:
            continue
        if v in SHELL_KEYWORDS:
            if v == "case":
                case_state = "word"
                start = False
            elif v == "for":
                while i < len(tokens) and tokens[i][1] not in (";", "\n"):
                    i += 1
            continue
        if v == "esac":
            continue
        if ASSIGN_RE.match(v):
            continue        # VAR=value before a command, or alone
        start = False
        for prog in _program(_words(tokens, i - 1), functions, values):
            found.append((prog, "%s:%d" % (name, line)))
    return found


def _words(tokens, i):
    """The words of the simple command at tokens[i], less redirections."""
    words, skip = [], False
    for kind, v, _ in tokens[i:]:
        if kind == "op":
            if v in Lexer.REDIRECTS:
                skip = True
                continue
            if v in ("\n", ";", "&", "&&", "||", "|", ")", ";;"):
                break
            continue
        if skip:
            skip = False
            continue
        words.append(v)
    return words


def _program(words, functions, values):
    """The program(s) a simple command starting with words[0] runs."""
    if not words:
        return []
    w = words[0]
    m = VAR_RE.match(w)
    if m:
        out = []
        for val in sorted(values.get(m.group(1), ())):
            out += _program(val.split() + words[1:], functions, values) \
                if val else _program(words[1:], functions, values)
        return out
    if SUBST in w or "$" in w or w in functions:
        return []
    if w in SHELL_BUILTINS:
        if w in ("exec", "command") and len(words) > 1:
            if w == "command" and words[1].startswith("-"):
                return []       # command -v X asks, and runs nothing
            return _program(words[1:], functions, values)
        return []
    if "/" in w:
        if not w.startswith("/"):
            return []           # a script in the repository: scanned itself
        return [w]
    if not NAME_RE.match(w):
        return []
    rest = words[1:]
    if w == "timeout":
        while rest and rest[0].startswith("-"):
            rest = rest[2:] if rest[0] in ("-k", "-s") else rest[1:]
        return [w] + _program(rest[1:], functions, values)
    if w in ("env", "nice", "nohup", "sudo", "xargs"):
        while rest and (rest[0].startswith("-") or ASSIGN_RE.match(rest[0])):
            rest = rest[2:] if rest[0] == "-u" else rest[1:]
        return [w] + _program(rest, functions, values)
    return [w]


# ---------------------------------------------------------------------
# Python: the programs subprocess starts and shutil.which asks for.

def python_programs(text, name):
    tree = ast.parse(text, name)
    found = []
    loops = {}              # for x in ("a", "b"): x -> ["a", "b"]
    lists = {}              # cmd = ["prog", ...]: cmd -> "prog"
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) \
                and isinstance(node.iter, (ast.Tuple, ast.List)):
            consts = [e.value for e in node.iter.elts
                      if isinstance(e, ast.Constant)]
            loops[node.target.id] = consts
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name):
            first = _first_const(node.value)
            if first:
                lists[node.targets[0].id] = first

    def strings(arg):
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return [arg.value]
        if isinstance(arg, ast.Name):
            return loops.get(arg.id, []) + ([lists[arg.id]]
                                            if arg.id in lists else [])
        first = _first_const(arg)
        return [first] if first else []

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        fname = fn.attr if isinstance(fn, ast.Attribute) else \
            fn.id if isinstance(fn, ast.Name) else ""
        where = "%s:%d" % (name, node.lineno)
        if fname in ("run", "call", "Popen", "check_call", "check_output") \
                and node.args:
            found += [(p, where) for p in strings(node.args[0])]
        elif fname == "which" and node.args:
            found += [(p, where) for p in strings(node.args[0])]
        elif fname == "insert" and len(node.args) == 2 and \
                isinstance(node.args[0], ast.Constant) and \
                node.args[0].value == 0:
            found += [(p, where) for p in strings(node.args[1])]
        elif fname == "get" and len(node.args) == 2 and \
                isinstance(fn, ast.Attribute) and \
                isinstance(fn.value, ast.Attribute) and \
                fn.value.attr == "environ":
            found += [(p, where) for p in strings(node.args[1])]
    return [(p, w) for p, w in found
            if "/" not in p and NAME_RE.match(p) or p.startswith("/")]


def _first_const(node):
    if isinstance(node, ast.BinOp):         # ["prog", ...] + more
        return _first_const(node.left)
    if isinstance(node, ast.List) and node.elts and \
            isinstance(node.elts[0], ast.Constant) and \
            isinstance(node.elts[0].value, str):
        return node.elts[0].value
    return None


# ---------------------------------------------------------------------
# The Makefile: what make would run, expanded, for every target.

def make_commands(targets):
    """Recipe text `make -n -B V=1` prints (no recipe here is marked + or
    calls $(MAKE), so -n runs none), and the programs $(shell ...) runs.
    V=1: the commands as they are, without the quiet build's short
    lines (tools/quiet.mk)."""
    p = subprocess.run(["make", "-n", "-B", "--no-print-directory",
                        "V=1"] + targets,
                       cwd=REPO, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, MAKEFLAGS=""))
    if p.returncode != 0:
        raise RuntimeError("make -n -B %s failed: %s" % (
            " ".join(targets), p.stderr.strip()[-300:]))
    return p.stdout


def make_shell_calls():
    found = []
    for mk in ["Makefile"] + sorted(glob.glob("tests/**/*.mk", root_dir=REPO,
                                              recursive=True)):
        with open(os.path.join(REPO, mk)) as f:
            for n, line in enumerate(f, 1):
                for m in re.finditer(r"\$\(shell\s+([^)]*)\)", line):
                    found += [(p, "%s:%d" % (mk, n))
                              for p, _ in shell_commands(m.group(1), mk)]
    return found


# ---------------------------------------------------------------------
# What the third-party tools run in turn.

def traced(argv, env_path=SYSTEM_PATH):
    """The programs argv execs, its children's included: the paths of
    successful execve calls, from strace."""
    with tempfile.TemporaryDirectory(prefix="pvbus-deps.") as tmp:
        out = os.path.join(tmp, "trace")
        p = subprocess.run(["strace", "-f", "-qq", "-e", "trace=execve",
                            "-e", "signal=none", "-o", out] + argv,
                           cwd=REPO, capture_output=True, timeout=300,
                           env=dict(os.environ, PATH=env_path))
        with open(out) as f:
            text = f.read()
    paths = re.findall(r'execve\("([^"]+)".*= 0$', text, re.M)
    return p.returncode, paths[1:]          # the first is argv[0] itself


def trace_mkiso(tmp):
    kernel = os.path.join(REPO, "build", "kernel.elf")
    if not os.path.exists(kernel):
        raise RuntimeError("build/kernel.elf missing (make builds it first)")
    module = os.path.join(tmp, "module.txt")
    with open(module, "w") as f:
        f.write("a module\n")
    rc, paths = traced(["sh", "tools/mkiso.sh", os.path.join(tmp, "t.iso"),
                        kernel, "a=1 b=\"two words\"", module])
    if rc != 0:
        raise RuntimeError("tools/mkiso.sh under strace exited %d" % rc)
    return paths


def trace_prove(tmp):
    log = os.path.join(tmp, "ktap.log")
    with open(log, "w") as f:
        f.write("KTAP version 1\n1..1\nok 1 a\n")
    rc, paths = traced(["prove", "--exec", "cat", log])
    if rc != 0:
        raise RuntimeError("prove --exec cat under strace exited %d" % rc)
    return paths


# ---------------------------------------------------------------------
# dpkg: who owns a file, what a package brings with it.

class Dpkg:
    def __init__(self):
        self.owner = {}
        for lst in glob.glob(os.path.join(DPKG_INFO, "*.list")):
            pkg = os.path.basename(lst)[:-5].split(":")[0]
            with open(lst, errors="replace") as f:
                for path in f.read().splitlines():
                    self.owner.setdefault(path, pkg)
        self.depends = {}
        self.provides = {}
        with open(DPKG_STATUS, errors="replace") as f:
            stanzas = f.read().split("\n\n")
        for st in stanzas:
            fields = dict(re.findall(r"^([A-Za-z-]+): (.*(?:\n .*)*)", st,
                                     re.M))
            if "install ok installed" not in fields.get("Status", ""):
                continue
            pkg = fields["Package"]
            deps = []
            for key in ("Depends", "Pre-Depends"):
                for clause in fields.get(key, "").split(","):
                    alts = [re.sub(r"[ (:].*", "", a.strip())
                            for a in clause.split("|") if a.strip()]
                    if alts:
                        deps.append(alts)
            self.depends[pkg] = deps
            for v in fields.get("Provides", "").split(","):
                v = re.sub(r"[ (].*", "", v.strip())
                if v:
                    self.provides.setdefault(v, []).append(pkg)

    def closure(self, packages):
        """The packages and all they need, as apt-get would install them
        (an alternative that is installed here counts)."""
        seen, todo = set(), list(packages)
        while todo:
            p = todo.pop()
            for real in [p] + self.provides.get(p, []):
                if real in seen or real not in self.depends:
                    continue
                seen.add(real)
                for alts in self.depends[real]:
                    todo.extend(alts)
        return seen

    def owners(self, path):
        """The packages owning path or any hop of its symlinks."""
        found = []
        hops = [path]
        for _ in range(10):
            try:
                nxt = os.readlink(hops[-1])
            except OSError:
                break
            hops.append(os.path.normpath(os.path.join(
                os.path.dirname(hops[-1]), nxt)))
        hops.append(os.path.realpath(path))
        for h in hops:
            for form in _merged_forms(h):
                if form in self.owner and self.owner[form] not in found:
                    found.append(self.owner[form])
        return found


def _merged_forms(path):
    """/bin/x and /usr/bin/x are one file on a merged-/usr system, and
    dpkg knows it by either name."""
    forms = [path]
    for a, b in (("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/"),
                 ("/usr/lib/", "/lib/")):
        if path.startswith(a):
            forms.append(b + path[len(a):])
        elif path.startswith(b):
            forms.append(a + path[len(b):])
    return forms


def resolve(prog):
    if prog.startswith("/"):
        return prog if os.path.exists(prog) else None
    return shutil.which(prog, path=SYSTEM_PATH)


# ---------------------------------------------------------------------

class Check:
    def __init__(self, table, dpkg, verbose):
        self.table = table
        self.dpkg = dpkg
        self.verbose = verbose
        self.passed = self.failed = self.skipped = 0

    def skip(self, what):
        print("SKIP  %s" % what)
        self.skipped += 1

    def result(self, ok, what, detail=(), more=()):
        print("%s  %s" % ("PASS" if ok else "FAIL", what))
        for d in detail if not ok else ():
            print("      " + d)
        for d in more if self.verbose else ():
            print("      " + d)
        if ok:
            self.passed += 1
        else:
            self.failed += 1

    def packages(self, groups, table=None):
        return [pkg for g, _, pkg, _ in table or self.table if g in groups]

    def uncovered(self, programs, groups, table=None):
        """{program: (where, owners)} for each program no package of
        groups (with what it needs) provides."""
        have = self.dpkg.closure(self.packages(groups, table))
        bad = {}
        for prog, where in programs:
            if prog in OPTIONAL:
                continue
            path = resolve(prog)
            owners = self.dpkg.owners(path) if path else []
            if not any(o in have for o in owners):
                bad.setdefault(prog, (where, owners))
        return bad


def describe(prog, where, owners):
    if not owners:
        return "%s (%s): not found in %s" % (prog, where, SYSTEM_PATH) \
            if not resolve(prog) else \
            "%s (%s): %s belongs to no package" % (prog, where,
                                                   resolve(prog))
    return "%s (%s): from %s, which the list does not bring" % (
        prog, where, ", ".join(owners))


def gather(scopes_only=None):
    """{scope: [(program, where)]}, statically and by tracing."""
    found = {"run": [], "debug": [], "test": [], "fresh": []}
    found["run"] += [(p, "make run: " + w) for p, w in shell_commands(
        make_commands(["run"]), "make -n -B run")]
    found["debug"] += [(p, "make debug: " + w) for p, w in shell_commands(
        make_commands(["debug"]), "make -n -B debug")]
    found["test"] += [(p, "make: " + w) for p, w in shell_commands(
        make_commands(["all", "iso", "test", "check", "fuzz", "bench",
                       "host-tools", "clean"]), "make -n -B")]
    found["test"] += make_shell_calls()
    scripts = set()
    for pattern in ("tools/*", "tests/**/*", ".ci/*"):
        for path in glob.glob(pattern, root_dir=REPO, recursive=True):
            full = os.path.join(REPO, path)
            if not os.path.isfile(full) or "/corpus/" in path:
                continue
            with open(full, "rb") as f:
                head = f.read(64)
            if path.endswith(".sh") or path.endswith(".py") or \
                    head.startswith(b"#!"):
                scripts.add(path)
    for path in sorted(scripts):
        with open(os.path.join(REPO, path), errors="replace") as f:
            text = f.read()
        scope = "run" if path in RUN_SCRIPTS else \
            "debug" if path in DEBUG_SCRIPTS else \
            "fresh" if path in FRESH_SCRIPTS else "test"
        first = text.split("\n", 1)[0]
        if first.startswith("#!"):
            interp = first[2:].split()
            prog = interp[1] if interp[0].endswith("/env") and \
                len(interp) > 1 else interp[0]
            found[scope].append((prog, path + ":1"))
        if path.endswith(".py"):
            found[scope] += python_programs(text, path)
        elif first.startswith("#!") and "python" not in first:
            found[scope] += shell_commands(text, path)
    return found


# The lexer on the constructs the scripts use: the programs sh would run.
LEXER_CASES = [
    ("a | b && c || d; e &", "a b c d e"),
    ("x=$(f g \"$(ff)\")", "f ff"),
    ("echo \"$(h)\" '$(no)'", "h"),
    ("VAR=1 i arg", "i"),
    ("timeout --foreground -k 5 10 j -x", "timeout j"),
    ("cat <<'E'\nk l\nE\nm", "cat m"),
    ("cat <<-E\n\tk $(l) '$(ll)'\n\tE\nm", "cat l ll m"),
    ("case $x in\na) n ;;\n''|-*) o; p ;;\n(q) r ;;\nesac; s", "n o p r s"),
    ("command -v p >/dev/null || q", "q"),
    ("r 2>&1 >/dev/null | s", "r s"),
    ("t=${T:-u}\n$t arg", "u"),
    ("sudo=\"\"\n[ x ] || sudo=\"sudo\"\n$sudo apt-get", "apt-get sudo"),
    ("if v; then w; elif ! x; then y; else z; fi", "v w x y z"),
    ("a=`y`", "y"),
    ("# z\naa # bb", "aa"),
    ("for f in x y; do zz; done", "zz"),
    ("exec ab; exec 9>file", "ab"),
    ("fn() { cd /; }\nfn", ""),
    ("tools/mkiso.sh x; /usr/bin/env -i", "/usr/bin/env"),
    ("{ ac; echo $? > f; } 2>&1 | ad", "ac ad"),
    ("x=$((1 + $(ae))) ${y:-$(af)}\nfoo \\\n  --opt", "ae af foo"),
]


def lexer_selftest():
    bad = []
    for text, want in LEXER_CASES:
        got = " ".join(sorted({p for p, _ in shell_commands(text, "t")}))
        if got != " ".join(sorted(want.split())):
            bad.append("%r: got %r, want %r" % (text, got, want))
    return bad


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--without", action="append", default=[],
                    metavar="PKG", help="check as if the list lacked PKG")
    args = ap.parse_args(argv)

    if not os.path.exists(DPKG_STATUS) or shutil.which("dpkg") is None:
        print("FAIL  no dpkg database here: the list names Debian packages")
        print("0 passed, 1 failed")
        return 1
    table_text = subprocess.run(["sh", "tools/deps.sh", "--table"], cwd=REPO,
                                capture_output=True, text=True,
                                check=True).stdout
    # --without takes packages out of the list, not needs: the entries
    # still say what must be here (an OVMF file, say).
    needs = read_table(table_text)
    absent = {g: [w for g2, w, _, _ in needs if g2 == g and resolve(w) is None]
              for g in OPTIONAL_GROUPS}
    absent = {g: ws for g, ws in absent.items() if ws}
    needs = [r for r in needs if r[0] not in absent]
    table = [r for r in needs if r[2] not in args.without]
    check = Check(table, Dpkg(), args.verbose)

    # 0. The shell lexer reads what the scripts use as sh does.
    bad = lexer_selftest()
    check.result(not bad, "lexer: %d shell constructs read as sh reads "
                 "them" % len(LEXER_CASES), bad)

    # 1. Each entry: here, and from the package the list names.
    bad, more = [], []
    for group, what, pkg, _ in table:
        path = resolve(what)
        owners = check.dpkg.owners(path) if path else []
        more.append("%-6s %-24s %s" % (group, what, ", ".join(owners)))
        if path is None:
            bad.append("%s (%s): not here; install %s" % (what, group, pkg))
        elif pkg not in owners and not set(owners) & check.dpkg.closure([pkg]):
            bad.append("%s (%s): belongs to %s, not to %s" % (
                what, group, ", ".join(owners) or "no package", pkg))
    check.result(not bad, "list: %d entries, each here and from its package"
                 % len(table), bad, more)

    # 2. The programs, by the groups that may provide them.
    try:
        found = gather()
        with tempfile.TemporaryDirectory(prefix="pvbus-deps.") as tmp:
            mkiso = trace_mkiso(tmp)
            prove = trace_prove(tmp)
    except (RuntimeError, OSError, subprocess.SubprocessError,
            ValueError) as e:
        check.result(False, "finding the programs: %s" % e)
        print("%d passed, %d failed" % (check.passed, check.failed))
        return 1
    found["run"] += [(p, "traced tools/mkiso.sh") for p in mkiso]
    found["test"] += [(p, "traced prove --exec cat") for p in prove]
    scopes = [s for s in SCOPES if not set(SCOPES[s]) & set(absent)]
    for scope in SCOPES:
        groups = SCOPES[scope]
        if scope not in scopes:
            check.skip("%s: group %s not installed here (%s missing; "
                       "tools/deps.sh %s installs it)" % (
                           scope, ", ".join(set(groups) & set(absent)),
                           " ".join(sum((absent[g] for g in groups
                                         if g in absent), [])),
                           " ".join(set(groups) & set(absent))))
            continue
        found[scope] += [(w, "tools/deps.sh's list") for g, w, _, _ in needs
                         if g in groups and w.startswith("/")]
        bad = check.uncovered(found[scope], groups)
        names = sorted({os.path.basename(p) for p, _ in found[scope]})
        where = {}
        for p, w in found[scope]:
            where.setdefault(p, [])
            if w not in where[p]:
                where[p].append(w)
        more = ["%s: %s%s" % (p, ", ".join(w[:3]), " (+%d more)" % (
            len(w) - 3) if len(w) > 3 else "") for p, w in sorted(
                where.items())]
        check.result(not bad, "%s: %d programs and files, all from groups "
                     "%s" % (scope, len(names), " ".join(groups)),
            [describe(p, w, o) for p, (w, o) in sorted(bad.items())], more)
    traced_names = sorted({os.path.basename(p) for p in mkiso
                           if not p.endswith("/sh")})
    check.result(any(n == "grub-mkrescue" for n in traced_names) and
                 any(n == "xorriso" for n in traced_names),
                 "traced: tools/mkiso.sh ran %s" % " ".join(traced_names),
                 ["grub-mkrescue and xorriso not seen: is strace working?"])

    # 3. The control: without each package in turn the check fails,
    # unless another listed package brings it in.
    caught, pulled, silent = [], [], []

    def missing(tab):
        """What is uncovered with list tab: the programs, and the list's
        own commands and files, each in the scopes of its group."""
        out = set()
        for s in scopes:
            groups = SCOPES[s]
            reqs = found[s] + [(w, "list") for g, w, _, _ in needs
                               if g in groups]
            out |= {(s, p) for p in check.uncovered(reqs, groups, tab)}
        return out

    before = missing(table)
    for pkg in sorted({r[2] for r in table}):
        rest = [r for r in table if r[2] != pkg]
        if missing(rest) - before:
            caught.append(pkg)
        elif pkg in check.dpkg.closure(check.packages(
                set(sum((SCOPES[s] for s in scopes), ())), rest)):
            pulled.append(pkg)
        else:
            silent.append(pkg)
    check.result(caught and not silent,
                 "control: without any one of %d packages the check fails "
                 "(%d others come with another listed package)" % (
                     len(caught), len(pulled)),
                 ["removing %s goes unnoticed" % p for p in silent],
                 ["pulled in by others: " + " ".join(pulled)])

    print("%d passed, %d failed%s" % (
        check.passed, check.failed,
        ", %d skipped" % check.skipped if check.skipped else ""))
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())

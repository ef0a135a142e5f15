"""Citations and paths that must resolve inside the repository.

The rules (tests/layout/check.py runs them; the README's "Layout" says
why):

  - nothing names the folder of shared notes beside the repository,
    and nothing cites a document the repository does not hold: the
    notes that preceded docs/reference/, by their old names (written
    below in pieces, so this file does not name them either);
  - a citation is a file and headings in quotes, as
    docs/reference/README.md "Citing these notes" writes them:
    `docs/reference/hyperv.md "Hypercall page", "Reference TSC page"`.
    The file must exist and each heading must be one of its headings,
    word for word.  Inside a file that cites docs/reference/NAME.md in
    full somewhere, a later citation may say `NAME.md "Heading"`; that
    short form means docs/reference/NAME.md and is checked the same way;
  - every other docs/ path and every path into the tree's own folders
    (boot/ kernel/ spec/ drivers/ sim/ tests/ tools/ docs/) that a
    source file, test, script or interface doc names must exist (a *
    in it must match something).

Comments are read as flowing text: a citation may wrap across lines,
and the comment leaders (" * ", "# ", "; ", "// ") between are ignored.
"""

import glob
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

# Files whose citations are not checked yet: none.
NOT_YET = ()

# Data, not prose: recorded dumps, replay expectations, fuzz seeds, and
# the broken examples this stage's controls plant (check.py).
DATA = re.compile(r"^tests/(cpuid-dumps/.*\.txt|replay/.*\.expect|"
                  r"replay/bad/|fuzz/corpus/|layout/check\.py$)")

FORBIDDEN = [
    (re.compile(r"\.\./" "shared"), "a path outside the repository"),
    (re.compile(r"fact" r"\s+sheet", re.I), "not in the repository: "
     "cite docs/reference/"),
    (re.compile(r"hypervisor-" r"\s*interfaces\.md"), "not in the "
     "repository: cite docs/reference/"),
    (re.compile(r"test" r"beds\.md"), "not in the repository: cite "
     "docs/reference/ktap.md or boot-paths.md"),
    (re.compile(r"STY" r"LE\.md"), "not in the repository"),
]

ROOTS = ("boot", "kernel", "spec", "drivers", "sim", "tests", "tools",
         "docs")
PATH = re.compile(r"(?<![\w./$(-])((?:%s)/[\w.*/-]*[\w*/])(?![\w%%$(<])" %
                  "|".join(ROOTS))
# Paths in the harness's own tests are made up on purpose.
MADE_UP = re.compile(r"^tests/boot/harness/" r"test_")
# A file, then one or more headings in quotes ("Heading", "Heading"
# and "Heading"), each perhaps with "step N" or "probes N and M".
_ONE = r"\"[^\"(){};=]{1,80}\"(?:\s+(?:steps?|probes?)\s+\d+(?:(?:-|\s+and\s+)\d+)?)?"
CITE = re.compile(r"(?<![\w/.-])((?:docs/(?:[\w-]+/)*)?[\w-]+\.md)"
                  r"(\s+" + _ONE + r"(?:\s*,?\s*(?:and\s+)?" + _ONE +
                  r")*)")
HEADING = re.compile(r"\"([^\"]+)\"")


# Not the tree's text: what the build, git and the harness make.
SKIP_DIRS = ("build", ".git", "__pycache__")


def tracked():
    """The tree's text files, as a checkout has them (no git needed)."""
    files = []
    for d, dirs, names in os.walk(REPO):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
        for n in sorted(names):
            f = os.path.relpath(os.path.join(d, n), REPO)
            if f in NOT_YET or DATA.match(f) or n.endswith(".pyc"):
                continue
            if f.startswith("docs/reference/"):
                continue    # the notes themselves: their own headings
            files.append(f)
    return files


def flow(text):
    """The text with comment leaders gone and lines joined."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"^\s*(?:/\*+|\*+/|\*|#+|;+|//)?\s?", "", line)
        lines.append(line.strip())
    return " ".join(lines)


def headings(path, cache={}):
    if path not in cache:
        found = set()
        fence = False
        with open(os.path.join(REPO, path)) as f:
            for line in f:
                if line.startswith("```"):
                    fence = not fence
                m = re.match(r"^#+\s+(.*?)\s*$", line)
                if m and not fence:
                    found.add(m.group(1))
        cache[path] = found
    return cache[path]


def check_citations(f, flat, problems):
    ref = os.path.join(REPO, "docs", "reference")
    full = set(re.findall(r"docs/reference/([\w-]+\.md)", flat))
    for m in CITE.finditer(flat):
        name = m.group(1)
        if "/" in name:
            path = name
        elif name == "README.md":
            path = name         # the top-level README
        elif os.path.exists(os.path.join(ref, name)):
            if name not in full:
                problems.append("%s: %s %s: short form without "
                                "docs/reference/%s cited in full in the "
                                "file" % (f, name, m.group(2).strip(),
                                          name))
                continue
            path = "docs/reference/" + name
        else:
            continue            # a quote after some other .md name
        if not os.path.exists(os.path.join(REPO, path)):
            problems.append("%s: cites %s, which does not exist" %
                            (f, path))
            continue
        for h in HEADING.findall(m.group(2)):
            if h not in headings(path):
                problems.append("%s: %s has no heading \"%s\"" %
                                (f, path, h))


def foreign(p):
    """Another project's path that happens to start like ours
    (docs/misc/pvh.pandoc is Xen's, tools/testing/kunit Linux's), an
    object file, or a placeholder (tests/cpuid-dumps/X.txt)."""
    parts = p.rstrip("/").split("/")
    if p.endswith(".o") or any(re.fullmatch(r"[A-Z]+(\.\w+)?", x)
                               for x in parts):
        return True
    if len(parts) >= 3 and not os.path.isdir(os.path.join(REPO, *parts[:2])):
        return True
    return len(parts) == 2 and "." not in parts[1] and not p.endswith("/") \
        and not os.path.exists(os.path.join(REPO, p))


def check_paths(f, text, problems):
    if MADE_UP.match(f):
        return
    for m in PATH.finditer(text):
        p = m.group(1).rstrip(".")
        if foreign(p):
            continue
        if glob.glob(os.path.join(REPO, p) + ".*"):
            continue            # a case or file named without its suffix
        if "*" in p or "?" in p:
            if not glob.glob(os.path.join(REPO, p)):
                problems.append("%s: %s matches nothing" % (f, p))
        elif not os.path.exists(os.path.join(REPO, p)):
            problems.append("%s: names %s, which does not exist" % (f, p))


def run():
    """[(name, problems)] for the three rules."""
    forbidden, cites, paths = [], [], []
    for f in tracked():
        try:
            with open(os.path.join(REPO, f)) as fh:
                text = fh.read()
        except UnicodeDecodeError:
            continue
        flat = flow(text)
        for rx, why in FORBIDDEN:
            for m in rx.finditer(flat):
                forbidden.append("%s: \"%s\": %s" % (f, m.group(0), why))
        check_citations(f, flat, cites)
        check_paths(f, text, paths)
    return [("nothing outside the repository is named or cited",
             forbidden),
            ("every docs/ citation names a file and headings that exist",
             cites),
            ("every path into the tree names something that exists",
             paths)]

#!/usr/bin/env python3
"""
Hold every sample of kernel output in README.md and docs/*.md to a real
run of this build (docs/testing.md, "Samples in the docs").

    python3 tests/docs/check_samples.py [-j N] [--show | --update]
                                        [--no-self-test] [FILE[:LINE] ...]

Each sample is a fenced code block with markers above it naming the
configurations it comes from (tests/docs/samples.py).  The script boots
every configuration once, through the boot matrix (tests/boot/matrix.py
with its logs under build/docs-samples/), then looks for each sample's
lines in the real output, in order, with the volatile parts masked.  A
line not found fails its sample, naming the doc's file and line and the
nearest real line.  A block that shows output without a marker fails
too.  The last line is "N passed, N failed" (one per sample, per problem
with a marker, per self-test); the exit status is 1 if anything failed,
2 if nothing could run.

--show prints each sample line beside the real line it matched (or the
nearest one); --update writes the real lines into the docs, for the
lines it found and for misses whose nearest line is close (then review
with git diff).  FILE or FILE:LINE picks the samples of a file, or the
one whose block holds LINE.
"""

import argparse
import glob
import io
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import samples  # noqa: E402

WORK = os.path.join("build", "docs-samples")    # relative to REPO
CASE_DIRS = ("tests/boot/cases", "tests/hostile")
UPDATE_RATIO = 0.6      # --update takes a nearest line at least this close
RESULT_RE = re.compile(r"^(PASS|FAIL|SKIP)  +(\S+)  ")


def doc_files():
    files = ["README.md"] + sorted(
        os.path.relpath(p, REPO)
        for p in glob.glob(os.path.join(REPO, "docs", "*.md")))
    return files


def read_docs(files):
    """{path: (lines, blocks)} and the problems found on the way."""
    docs, problems = {}, []
    for path in files:
        with open(os.path.join(REPO, path), encoding="utf-8") as f:
            text = f.read()
        blocks, probs = samples.find_blocks(path, text)
        docs[path] = (text.split("\n"), blocks)
        problems += probs
    return docs, problems


def lint(docs):
    """Problems with markers, and output blocks without one."""
    problems = []
    for _, blocks in docs.values():
        for b in blocks:
            problems += b.errors
            if b.sources or b.not_checked is not None or b.errors:
                continue
            if b.looks_like_output():
                problems.append(
                    "%s: a block of output with neither <!-- sample: "
                    "... --> nor <!-- not-checked: REASON --> above "
                    "it" % b.where)
    return problems


def select(docs, picks):
    """The sample blocks PICKS (FILE or FILE:LINE) name, or all."""
    chosen = []
    for path, (_, blocks) in docs.items():
        for b in blocks:
            if not b.sources or b.errors:
                continue
            if not picks or any(_picked(b, p) for p in picks):
                chosen.append(b)
    return chosen


def _picked(block, pick):
    path, _, line = pick.partition(":")
    if os.path.normpath(path) != block.path:
        return False
    if not line:
        return True
    end = block.lines[-1][0] + 1 if block.lines else block.start + 1
    return block.start - len(block.sources) <= int(line) <= end


def find_case(name):
    for d in CASE_DIRS:
        p = os.path.join(REPO, d, name + ".case")
        if os.path.exists(p):
            return p
    return None


def prepare(blocks):
    """Write the case files the blocks need into WORK/cases; returns
    problems (a case= that names no case)."""
    work = os.path.join(REPO, WORK)
    cases = os.path.join(work, "cases")
    for d in (cases, os.path.join(work, "test-logs")):
        shutil.rmtree(d, ignore_errors=True)      # nothing from a past run
    os.makedirs(cases)
    for name in ("kernel.elf", "host"):
        link = os.path.join(work, name)
        if not os.path.lexists(link):
            os.symlink(os.path.join("..", name), link)
    problems = []
    for b in blocks:
        for s in b.sources:
            dest = os.path.join(cases, s.name + ".case")
            if s.case_text is not None:
                with open(dest, "w", encoding="utf-8") as f:
                    f.write(s.case_text)
                continue
            src = find_case(s.name)
            if src is None:
                problems.append("%s: no case %s in %s" % (
                    b.where, s.name, " or ".join(CASE_DIRS)))
                b.errors.append("no case")
            else:
                shutil.copyfile(src, dest)
    return problems


def boot_all(jobs):
    """Run the boot matrix on WORK/cases; returns {case: [result lines]}
    or None if it could not run."""
    argv = [sys.executable, os.path.join(REPO, "tests/boot/matrix.py"),
            "--cases", os.path.join(WORK, "cases"), "--build", WORK,
            "--no-prove", "--no-kunit", "-j", str(jobs)]
    p = subprocess.run(argv, cwd=REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True,
                       errors="backslashreplace")
    if p.returncode == 2:
        sys.stderr.write(p.stderr)
        return None
    results, last = {}, None
    for line in p.stdout.split("\n"):
        m = RESULT_RE.match(line)
        if m:
            last = m.group(2)
            results[last] = [line]
        elif last and line.startswith("      "):
            results[last].append(line)
        else:
            last = None
    return results


def real_output(block, results):
    """The lines the block's sources produced, as [(text, kind, label)],
    or a reason why there are none."""
    real = []
    for s in block.sources:
        if s.name not in results:
            return None, "the boot matrix did not run %s" % s.name
        if results[s.name][0].startswith("SKIP"):
            return None, "skipped: " + results[s.name][0]
        if s.kind == "matrix":
            real += [(t, "matrix", "the matrix's line for %s" % s.name)
                     for t in results[s.name]]
            continue
        log = os.path.join(WORK, "test-logs", s.name + ".log")
        try:
            with open(os.path.join(REPO, log), "rb") as f:
                data = f.read().decode("utf-8", "backslashreplace")
        except OSError as e:
            return None, "no log for %s (%s): %s" % (
                s.name, e.strerror, results[s.name][0])
        lines = data.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        real += [(t.rstrip("\r"), "log", "%s:%d" % (log, i))
                 for i, t in enumerate(lines, 1)]
    return real, None


def describe(block):
    return " + ".join(s.spec for s in block.sources)


def check(block, real):
    """(passed, message lines) for one sample."""
    sample = [(n, t) for n, t in block.lines]
    found, misses = samples.match_block(sample, [(t, k) for t, k, _ in real])
    if not misses:
        return True, ["PASS  %s  %d lines from %s" % (
            block.where, len(found), describe(block))]
    out = ["FAIL  %s  %d of %d lines not found in order in %s" % (
        block.where, len(misses), len(found) + len(misses),
        describe(block))]
    for m in misses:
        out.append("      %s:%d: %s" % (block.path, m.lineno, m.text))
        if m.nearest_at is None:
            out.append("        nothing left after the previous line found")
        else:
            text, _, label = real[m.nearest_at]
            out.append("        nearest real line (%s): %s" % (label, text))
    return False, out


def show(block, real):
    sample = [(n, t) for n, t in block.lines]
    found, misses = samples.match_block(sample, [(t, k) for t, k, _ in real])
    missed = {m.lineno: m for m in misses}
    print("%s  from %s" % (block.where, describe(block)))
    for n, t in sample:
        if n in found:
            text, _, label = real[found[n]]
            mark = "=" if text.rstrip() == t.rstrip() else "~"
            print("  %s %4d  %s" % (mark, n, t))
            if mark == "~":
                print("         real  %s  (%s)" % (text, label))
        elif n in missed:
            m = missed[n]
            print("  ! %4d  %s" % (n, t))
            if m.nearest_at is not None:
                text, _, label = real[m.nearest_at]
                print("       nearest  %s  (%s, %.0f%% alike)" % (
                    text, label, 100 * m.ratio))
        else:
            print("    %4d  %s" % (n, t))
    print()


def update(docs, block, real):
    """Write the real lines into the doc's lines; returns the number of
    lines changed and the misses left as they were."""
    lines = docs[block.path][0]
    sample = [(n, t) for n, t in block.lines]
    found, misses = samples.match_block(sample, [(t, k) for t, k, _ in real])
    text = dict(sample)
    new = {}                    # sample line number -> real line index
    for n, j in found.items():
        t, kind, _ = real[j]
        if samples.mask(t, kind, samples.PER_RUN) != \
                samples.mask(text[n], kind, samples.PER_RUN):
            new[n] = j          # a build's address, offset or line moved
    left = []
    for m in misses:
        if m.nearest_at is not None and m.ratio >= UPDATE_RATIO:
            new[m.lineno] = m.nearest_at
        else:
            left.append(m)
    for n, j in new.items():
        t, kind, _ = real[j]
        if kind == "matrix":    # the columns as narrow as they go
            t = re.sub(r"(?<=\S) {2,}", "  ", t)
        new[n] = t
    changed = 0
    for n, text in new.items():
        old = lines[n - 1]
        indent = old[:min(block.indent, len(old) - len(old.lstrip(" ")))]
        if old.rstrip() != (indent + text).rstrip():
            lines[n - 1] = indent + text
            changed += 1
    return changed, left


def self_test():
    """Run tests/docs/test_samples.py; returns (passed, failed)."""
    import test_samples
    suite = unittest.defaultTestLoader.loadTestsFromModule(test_samples)
    out = io.StringIO()
    result = unittest.TextTestRunner(stream=out, verbosity=0).run(suite)
    bad = len(result.failures) + len(result.errors)
    if bad:
        sys.stdout.write(out.getvalue())
    return result.testsRun - bad, bad


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Check the samples of kernel output in README.md and "
        "docs/*.md against a real run of this build.")
    ap.add_argument("picks", nargs="*", metavar="FILE[:LINE]")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--show", action="store_true", help="print each sample "
                   "line beside the real line it matched")
    g.add_argument("--update", action="store_true", help="write the real "
                   "lines into the docs")
    ap.add_argument("--no-self-test", action="store_true")
    args = ap.parse_args(argv)
    passed = failed = skipped = 0
    if not args.no_self_test and not (args.show or args.update):
        p, f = self_test()
        print("self-test: %d ok, %d not ok" % (p, f))
        passed, failed = p, f
    if not os.path.exists(os.path.join(REPO, "build", "kernel.elf")):
        print("build/kernel.elf missing: run make first", file=sys.stderr)
        return 2
    docs, problems = read_docs(doc_files())
    problems += lint(docs)
    unknown = [p for p in args.picks
               if os.path.normpath(p.partition(":")[0]) not in docs]
    if unknown:
        print("not a doc this script reads: %s" % " ".join(unknown),
              file=sys.stderr)
        return 2
    blocks = select(docs, args.picks)
    results = {}
    if blocks:
        problems += prepare(blocks)
        results = boot_all(args.jobs)
        if results is None:
            return 2
    touched = set()
    for b in blocks:
        if b.errors:
            continue
        real, why = real_output(b, results)
        if real is None:
            if why.startswith("skipped"):
                print("SKIP  %s  %s" % (b.where, why))
                skipped += 1
            else:
                print("FAIL  %s  %s" % (b.where, why))
                failed += 1
            continue
        if args.show:
            show(b, real)
            continue
        if args.update:
            n, left = update(docs, b, real)
            if n:
                touched.add(b.path)
                print("%s: %d lines written" % (b.where, n))
            for m in left:
                print("%s:%d: left as it is, no real line close enough: %s"
                      % (b.path, m.lineno, m.text))
            continue
        ok, out = check(b, real)
        print("\n".join(out))
        if ok:
            passed += 1
        else:
            failed += 1
    for path in sorted(touched):
        with open(os.path.join(REPO, path), "w", encoding="utf-8") as f:
            f.write("\n".join(docs[path][0]))
    if args.show or args.update:
        return 0
    if args.picks:              # only the problems of the files picked
        files = {os.path.normpath(p.partition(":")[0]) for p in args.picks}
        problems = [p for p in problems if p.partition(":")[0] in files]
    for p in problems:
        print("FAIL  " + p)
    failed += len(problems)
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

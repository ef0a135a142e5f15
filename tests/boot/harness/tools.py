"""
Tool cases: a case with "tool: mkiso" or "tool: replay" runs
tools/mkiso.sh or build/host/pvbus-replay instead of booting, and is
judged by its exit status and its output (tests/boot/README.md, "Tool
cases").  The output's lines (standard output's, then standard
error's) meet the case's expect:, absent: and absent-byte: lines, a
sanitizer report fails the case, the "pvbus: " lines must read back as
facts, and a KTAP report on standard output is read by the harness,
prove and kunit.py as a boot's is: it must pass exactly when the tool
exits 0.

Writes BUILD/test-logs/<case>.log (standard output) and <case>.stderr;
a mkiso case's ISO goes to BUILD/test-isos/<case>.iso and is deleted.
"""

import os
import re

from .ktap import check_complete, parse_ktap, reader_hazards, split_log, \
    stream_passes
from .paths import REPO, show
from .readers import compare_readers
from .verdict import check_bytes, check_facts, match_lines


def run_tool_case(runner, case):
    """A case that runs tools/mkiso.sh or build/host/pvbus-replay
    instead of booting: its exit status, its output against the
    expect:/absent: lines (stdout's lines, then stderr's), and any
    KTAP report it prints, read as a boot's would be.  runner is the
    runner.Runner of the run (its paths, processes and readers).
    Returns what Runner.run_case() returns."""
    out = os.path.join(runner.logs, case.name + ".log")
    errpath = os.path.join(runner.logs, case.name + ".stderr")
    iso = None
    if case.tool == "replay":
        if not os.path.exists(runner.replay_tool):
            return "FAIL", None, "%s missing (make host-tools)" % \
                show(runner.replay_tool), []
        argv = [runner.replay_tool] + case.args
    else:
        os.makedirs(runner.isos.directory, exist_ok=True)
        iso = os.path.join(runner.isos.directory, case.name + ".iso")
        argv = [runner.mkiso, os.path.relpath(iso, REPO),
                os.path.relpath(runner.kernel, REPO), case.cmdline] + \
            case.modules
        if not os.access(runner.mkiso, os.X_OK):
            argv.insert(0, "sh")
    with open(out, "wb") as so, open(errpath, "wb") as se:
        rc, timed_out, secs = runner.procs.run(argv, case.timeout, so, se)
    if iso and os.path.exists(iso):
        os.unlink(iso)
    with open(out, "rb") as f:
        stdout = f.read()
    with open(errpath, "rb") as f:
        stderr = f.read()
    olines, elines = split_log(stdout), split_log(stderr)
    runner.record(case, rc=rc, timed_out=timed_out, log=out, data=stdout,
                  stderr=stderr.decode("utf-8", "replace"),
                  tool_lines=olines if "KTAP version 1" in olines else [])
    said = next((l for l in elines if l.strip()), None) or next(
        (l for l in reversed(olines) if l.strip()), "")
    detail = "exit %s: %s" % (rc, said.strip()[:160])
    msgs = []
    if timed_out:
        msgs.append("%s hung: killed after %gs" % (
            os.path.basename(runner.replay_tool if case.tool == "replay"
                             else runner.mkiso), case.timeout))
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
        if runner.readers.missing:
            msgs += runner.readers.missing
        else:
            msgs += compare_readers(olines, runner.readers.read(out))
    if not msgs:
        return "PASS", secs, detail, []
    more = msgs[1:7] + ["output: %s  stderr: %s" % (show(out),
                                                   show(errpath))]
    if runner.args.verbose:
        more += ["| " + l for l in olines] + \
            ["stderr| " + l for l in elines]
    return "FAIL", secs, msgs[0], more

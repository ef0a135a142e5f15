"""
One case from start to verdict.  The Runner holds what the cases of a
run share (the build directory, the host's probes, the ISOs, the
running programs, prove and kunit.py) and runs one case at a time per
thread: a broken case file fails, a missing requirement SKIPs, a
real-KVM case gets what this host needs on its command line
(Host.on_this_host()), the case's inputs are written, then it boots under QEMU (run_boot_case())
or runs its tool (tools.run_tool_case()).

A boot's verdict comes from QEMU's exit code and the serial log
(verdict.classify()), is held to the case (verdict.judge(), absent-byte:,
compare-host:), and the log is read by prove and kunit.py, one boot at a
time (check_readers()).

Reads and writes under BUILD/: kernel.elf, test-logs/<case>.log (COM1),
<case>.bootN.ktap (each boot's part of it, store_boots()) and
<case>.stderr (QEMU's), test-isos/, test-inputs/, kunit/.
"""

import os
import re
import shutil
import threading

from .cases import make_inputs, resolve
from .compare_host import compare_host
from .ktap import check_complete, last_boot, parse_ktap, reader_hazards, \
    split_boots, split_log
from .paths import REPO, show
from .qemu import Host, IsoBuilder, Processes, qemu_argv, symbolize
from .readers import Readers, compare_readers
from .tools import run_tool_case
from .verdict import check_bytes, classify, judge


def store_boots(log, data, boots=0):
    """Write the serial log's boots as one KTAP document each, beside
    it: build/test-logs/CASE.log -> CASE.boot1.ktap, CASE.boot2.ktap
    ... (ktap.split_boots(); a case with "boots: 1" is one piece, the
    whole log, whatever it holds).  Returns their paths.  Stale pieces
    of an earlier run with more boots are removed."""
    base = log[:-len(".log")] if log.endswith(".log") else log
    pieces = split_boots(data) if boots != 1 else [data]
    paths = []
    for k, piece in enumerate(pieces):
        path = "%s.boot%d.ktap" % (base, k + 1)
        with open(path, "wb") as f:
            f.write(piece)
        paths.append(path)
    k = len(pieces) + 1
    while os.path.exists("%s.boot%d.ktap" % (base, k)):
        os.unlink("%s.boot%d.ktap" % (base, k))
        k += 1
    return paths


class Runner:
    """Starts QEMU for cases, builds the ISOs they need (once per run per
    command line and modules), symbolizes RIPs, asks prove and kunit.py
    for a second opinion."""

    def __init__(self, args):
        self.args = args
        self.build = os.path.join(REPO, args.build)
        self.kernel = os.path.join(self.build, "kernel.elf")
        self.logs = os.path.join(self.build, "test-logs")
        self.mkiso = os.path.join(REPO, args.mkiso)
        self.isos = IsoBuilder(self.mkiso, self.kernel,
                               os.path.join(self.build, "test-isos"),
                               args.jobs)
        self.lock = threading.Lock()        # the report lines
        self.host = Host(args.qemu, self.build)
        self.procs = Processes()            # live QEMUs, killed on ^C
        self.inputs = os.path.join(self.build, "test-inputs")
        self.readers = Readers(self.build, not args.no_prove,
                               not args.no_kunit, args.kunit)
        self.addr2line = shutil.which("addr2line")
        self.replay_tool = os.path.join(self.build, "host", "pvbus-replay")
        # What each case left, for the results files (results.py):
        # {case name: {"outcome", "rc", "log", "data", "stderr",
        # "pieces", "piece_data", "tool_lines"}}, as far as it got.
        self.details = {}
        os.makedirs(self.logs, exist_ok=True)

    def record(self, case, **info):
        with self.lock:
            self.details.setdefault(case.name, {}).update(info)

    def run_case(self, case):
        """Returns (status PASS/FAIL/SKIP, seconds, headline, more lines)."""
        if case.error:
            return "FAIL", None, "case file: " + case.error, []
        why = self.host.missing(case)
        if why:
            return "SKIP", None, why, []
        case = self.host.on_this_host(case)
        try:
            case = resolve(case, make_inputs(case, self.inputs))
        except (OSError, ValueError) as e:
            return "FAIL", None, "input: %s" % e, []
        if case.tool:
            return run_tool_case(self, case)
        return self.run_boot_case(case)

    def run_boot_case(self, case):
        """A case that boots: QEMU's exit code and the serial log,
        classified and judged, then compare-host: and the readers."""
        log = os.path.join(self.logs, case.name + ".log")
        errpath = os.path.join(self.logs, case.name + ".stderr")
        iso = None
        if case.uses_iso:
            iso, why = self.isos.iso_for(case).result()
            if iso is None:
                return "FAIL", None, why, []
        if os.path.exists(log):
            os.unlink(log)
        argv = qemu_argv(self.args.qemu, case, self.kernel, iso,
                         os.path.relpath(log, REPO), self.logs)
        with open(errpath, "wb") as err:
            rc, timed_out, secs = self.procs.run(argv, case.timeout, err,
                                                 err)
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
            sym = symbolize(self.addr2line, self.kernel, o.rip)
            o.detail += " = " + sym if sym else ""
        pieces = store_boots(log, data, case.boots) if case.serial and \
            os.path.exists(log) else []
        self.record(case, outcome=o, rc=rc, timed_out=timed_out,
                    log=log if case.serial else "", data=data,
                    stderr=stderr, pieces=pieces,
                    piece_data=split_boots(data) if case.boots != 1 and
                    data else [data] if data else [])
        msgs = boot_msgs + judge(case, o, all_lines)
        if case.serial:
            msgs += check_bytes(data, case.absent_bytes)
        if case.compare_host:
            msgs += compare_host(self.replay_tool, case, lines)
        if pieces:
            msgs += self.check_readers(pieces)
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

    def check_readers(self, paths):
        """prove and kunit.py on each boot's document (paths: from
        store_boots(); a boot that reboots on purpose ends its own
        report): messages where they disagree with the harness, and,
        for the boots before the last (which classify() does not see),
        the harness's own."""
        if self.readers.missing:
            return list(self.readers.missing)
        msgs = []
        for k, path in enumerate(paths):
            with open(path, "rb") as f:
                piece = f.read()
            where = "boot %d: " % (k + 1) if len(paths) > 1 else ""
            lines = split_log(piece)
            if len(paths) > 1 and k < len(paths) - 1:
                rep = parse_ktap(lines)
                msgs += [where + "KTAP: " + p for p in rep.problems +
                         reader_hazards(lines, rep) +
                         (check_complete(rep) if rep.top else [])]
            msgs += compare_readers(lines, self.readers.read(path), where)
        return msgs

    @staticmethod
    def verbose_log(lines, stderr):
        ansi = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]")
        out = ["| " + ansi.sub("", l).replace("\x1b", "^[") for l in lines]
        out += ["stderr| " + l for l in stderr.splitlines()]
        return out

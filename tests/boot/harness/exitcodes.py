"""
The exit codes of one boot, for people and CI jobs: the table that
tools/pvbus-run exits with (README.md, "Exit codes"), and the same code
found from a captured serial log alone, for hosts with no exit port
(VMware, Hyper-V, hardware: docs/scripts/ and tools/pvbus-verdict do it
this way).  Reads lines of text only; runs nothing.

    EXIT_CODES      the table: code, verdict, kernel status, QEMU exit,
                    meaning
    code_for()      a verdict (verdict.py's names) -> its code
    code_from_log() the code a log shows: the kernel's "# exit status"
                    line, boot.asm's no-long-mode line, a reset nobody
                    asked for; None while the boot may still be running

The kernel writes its status to QEMU's isa-debug-exit port and prints
it as "# exit status 0xNN (...)" just before (kernel/exit.c kexit()), so
the log says what QEMU's exit code says; boot.asm's 32-bit exit for a
CPU without long mode prints only "boot: this CPU has no long mode".
"""

import dataclasses
import re


@dataclasses.dataclass(frozen=True)
class ExitCode:
    code: int           # tools/pvbus-run's exit status
    verdict: str        # the harness's name (verdict.py VERDICTS)
    status: int         # the kernel's status (kernel/kern.h KEXIT_*), or None
    qemu: int           # QEMU's exit code, (status << 1) | 1, or None
    meaning: str


EXIT_CODES = (
    ExitCode(0, "pass", 0x10, 33, "every test passed or was skipped"),
    ExitCode(1, "fail", 0x11, 35, "at least one test failed"),
    ExitCode(2, "crash", 0x12, 37, "a CPU exception nobody expected (the "
             "report names the test)"),
    ExitCode(3, "booterr", 0x13, 39, "this CPU cannot run the kernel (no "
             "long mode; printed by boot.asm)"),
    ExitCode(4, "panic", 0x14, 41, "kernel panic (a state the code cannot "
             "reach)"),
    ExitCode(5, "halt", 0x15, 43, "the host asked the guest to power off "
             "(vmt0's TCLO OS_Halt) and no test had failed before"),
    ExitCode(6, "noreport", None, 0, "no status: the guest reset or "
             "triple-faulted (QEMU exits 0 under -no-reboot)"),
    ExitCode(7, "timeout", None, 124, "timeout: the host gave up waiting "
             "(RUN_TIMEOUT, 120 s by default)"),
    ExitCode(8, "error", None, None, "QEMU (or the VM) could not start, or "
             "tools/mkiso.sh refused the command line"),
)

# A reset after the report began ("reset" in verdict.py) has the same
# code as one before it: QEMU exits 0 either way.
_ALIASES = {"reset": "noreport"}

EXIT_STATUS_RE = re.compile(r"# exit status 0x([0-9a-fA-F]+)\b")
NO_LONG_MODE_RE = re.compile(r"boot: this CPU has no long mode")
BOOTED_RE = re.compile(r"pvbus testbed: booted\b")
REBOOTING_RE = re.compile(r"# rebooting$")


def code_for(verdict):
    """The exit code of a verdict ("pass", "crash", ... "reset")."""
    verdict = _ALIASES.get(verdict, verdict)
    for e in EXIT_CODES:
        if e.verdict == verdict:
            return e.code
    return 8


def by_status(status):
    """The row of a kernel status (0x10 ... 0x15), or None."""
    return next((e for e in EXIT_CODES if e.status == status), None)


def code_from_log(lines):
    """(code, verdict, why) from a serial log's lines, or None if the
    log does not show the end of the boot yet (the caller waits, and
    calls it a timeout, 7, when it stops waiting).

    The boot ended when the last boot's "# exit status 0xNN" line is
    there (the code of status NN; a status the table lacks is 8), or
    boot.asm's no-long-mode line (3).  A boot that started again
    without a "# rebooting" line before it (the kernel prints one when
    the host asks for a reboot) is a reset nobody asked for: a triple
    fault, which a VM without -no-reboot answers by booting again (6).
    """
    boots = requested = 0
    for line in lines:
        line = line.rstrip("\r")
        if BOOTED_RE.match(line):
            boots += 1
            if boots > requested + 1:
                return (6, "noreport", "the guest booted again without a "
                        "reboot being asked for (a triple fault?)")
        elif REBOOTING_RE.match(line):
            requested += 1
        m = EXIT_STATUS_RE.match(line)
        if m:
            status = int(m.group(1), 16)
            e = by_status(status)
            if e is None:
                return 8, "error", "unknown exit status 0x%02x" % status
            return e.code, e.verdict, "exit status 0x%02x" % status
        if NO_LONG_MODE_RE.search(line):
            return 3, "booterr", "this CPU has no long mode"
    return None

#!/usr/bin/env python3
"""
The boot matrix: boot the testbed kernel under QEMU once per case file in
tests/boot/cases/*.case (or another directory: --cases tests/hostile),
several at a time, and judge each run from two things only: the code
QEMU exits with and the KTAP report on the serial log.  The case file
format is in tests/boot/README.md; the KTAP dialect and the exit codes
in docs/output.md.  A case may instead run tools/mkiso.sh or
build/host/pvbus-replay ("tool:") and judge its exit status and output.
Every report is also read by prove and kunit.py, which must agree.

    python3 tests/boot/matrix.py [-j N] [-k PATTERN] [--list] [-v]
                                 [--cases DIR] [--no-prove] [--no-kunit]

Per case it keeps build/test-logs/<case>.log (COM1, or the tool's
stdout) and <case>.stderr, prints one line when the case finishes and
ends with "N passed, N failed".  Python 3 standard library only.

This file is the front end only: the harness is the package in
tests/boot/harness/ (its __init__.py lists the modules), and the
command line is harness/cli.py.
"""

import signal
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
from harness import cli  # noqa: E402

if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # matrix.py ... | head
    sys.exit(cli.main())

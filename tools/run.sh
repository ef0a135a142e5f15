#!/bin/sh
# tools/run.sh KERNEL.elf [MODULE...]: what `make run` runs, once make
# has built KERNEL.  It is tools/pvbus-run (read there: the settings
# CMDLINE, PROFILE, QEMU, RUN_TIMEOUT and RUN_LOG, and the exit codes)
# without its own build step.  make itself exits 2 for any failing
# recipe, so use tools/pvbus-run where the code matters.
kernel=${1:?usage: CMDLINE=... tools/run.sh KERNEL [MODULE...]}
shift
exec "$(dirname "$0")/pvbus-run" --no-build --kernel "$kernel" "$@"

#!/bin/sh
# tools/run.sh KERNEL.elf [MODULE...]: `make run`, with the kernel command
# line in the environment variable CMDLINE, and optionally a recorded
# CPUID dump in PROFILE (it becomes module 0, and hv=replay is added).
#
# Boot the ISO under SeaBIOS with the serial port on this terminal and
# the isa-debug-exit device, so QEMU exits when the kernel does.  The
# plain command line boots build/pvbus.iso; any other one gets an ISO of
# its own (build/run.iso).  The exit status says how the boot ended:
#
#   0 pass   1 a test failed   2 crash   3 boot error   4 panic
#   5 the host asked for halt   6 no report (reset or triple fault)
#   7 timeout   8 QEMU could not start
set -u
kernel=${1:?usage: CMDLINE=... tools/run.sh KERNEL [MODULE...]}
cmdline=${CMDLINE-}
shift
if [ -n "${PROFILE-}" ]; then
	[ -r "$PROFILE" ] || { echo "run: PROFILE=$PROFILE: no such file" >&2; exit 8; }
	cmdline="hv=replay${cmdline:+ $cmdline}"
	set -- "$PROFILE" "$@"
fi
build=$(dirname "$kernel")
qemu=${QEMU:-qemu-system-x86_64}
timeout_s=${RUN_TIMEOUT:-120}

if [ -z "$cmdline" ] && [ $# -eq 0 ]; then
	iso=$build/pvbus.iso
	[ "$iso" -nt "$kernel" ] || tools/mkiso.sh "$iso" "$kernel" "" || exit 8
else
	iso=$build/run.iso
	tools/mkiso.sh "$iso" "$kernel" "$cmdline" "$@" || exit 8
fi

timeout --foreground "$timeout_s" "$qemu" -M pc -m 128M -display none \
    -no-reboot -monitor none -serial stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom "$iso"
code=$?
case $code in
33) verdict="pass"; status=0 ;;
35) verdict="a test failed"; status=1 ;;
37) verdict="crash"; status=2 ;;
39) verdict="this CPU cannot run the kernel"; status=3 ;;
41) verdict="panic"; status=4 ;;
43) verdict="halted at the host's request"; status=5 ;;
0)  verdict="no report: the guest reset (triple fault?)"; status=6 ;;
124) verdict="timeout after ${timeout_s}s"; status=7 ;;
*)  verdict="QEMU failed (exit $code)"; status=8 ;;
esac
echo "run: $verdict (QEMU exit $code)" >&2
exit $status

#!/bin/sh
# tools/debug.sh KERNEL.elf: what `make debug` runs, once make has built
# KERNEL.  It boots KERNEL as a PVH kernel (QEMU -kernel, as the boot
# matrix's pvh cases do) paused before the first instruction, with
# QEMU's gdb stub listening (its -s -S, on 127.0.0.1 only), then starts
# gdb on KERNEL connected to the stub.  The kernel is linked where it
# runs, so its symbols are right from the start: `break kmain` then
# `continue` stops in kmain().  When gdb exits, QEMU is stopped too.
#
# Settings, from the environment (make passes its variables on):
#
#   CMDLINE=...   the kernel command line (-append)
#   PROFILE=FILE  a recorded CPUID dump as the module (-initrd), and
#                 hv=replay added to the command line, as `make run` does
#   GDB_ARGS=...  more gdb arguments after the connection, split as the
#                 shell splits them: "-batch -ex 'break kmain' -ex
#                 continue -ex bt" runs without a person
#   GDB_PORT=N    the stub's TCP port (1234, QEMU's -s)
#   DEBUG_LOG=F   the serial output (KERNEL's directory/debug.log):
#                 gdb has the terminal, so `tail -f` it in another one
#   QEMU=BIN      default qemu-system-x86_64
#   GDB=BIN       default gdb
#
# QEMU runs with -daemonize: its first process returns only once the
# stub listens (or QEMU has failed, saying why), so gdb never races it;
# the pid goes to DEBUG_LOG.pid, and QEMU is killed through it at the
# end.  Exit status: gdb's, or 2 if QEMU could not start.
set -u
kernel=${1:?usage: tools/debug.sh KERNEL.elf}
port=${GDB_PORT:-1234}
qemu=${QEMU:-qemu-system-x86_64}
gdb=${GDB:-gdb}
log=${DEBUG_LOG:-$(dirname "$kernel")/debug.log}
cmdline=${CMDLINE-}
profile=${PROFILE-}

case $port in
''|*[!0-9]*) echo "debug: GDB_PORT=$port is not a port number" >&2; exit 2 ;;
esac
[ -e "$kernel" ] || { echo "debug: $kernel missing (make builds it)" >&2; exit 2; }
set --
if [ -n "$profile" ]; then
	[ -r "$profile" ] || { echo "debug: PROFILE=$profile: no such file" >&2; exit 2; }
	set -- -initrd "$profile"
	cmdline="hv=replay${cmdline:+ $cmdline}"
fi

pidfile=$log.pid
rm -f "$pidfile"
stop_qemu() {
	if [ -s "$pidfile" ]; then
		kill "$(cat "$pidfile")" 2>/dev/null
	fi
	rm -f "$pidfile"
}
trap stop_qemu EXIT
trap 'exit 143' TERM HUP
# Ctrl-C is gdb's, to pause the guest: this shell only waits on.
trap : INT

# A comma in a QEMU option value is written twice.
serial=file:$(printf '%s' "$log" | sed 's/,/,,/g')
if ! "$qemu" -M pc -m 128M -display none -no-reboot -monitor none \
    -serial "$serial" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$kernel" -append "$cmdline" "$@" \
    -gdb "tcp:127.0.0.1:$port" -S -daemonize -pidfile "$pidfile"; then
	echo "debug: QEMU could not start (is port $port in use? GDB_PORT=" \
	    "chooses another)" >&2
	exit 2
fi
echo "debug: QEMU paused, gdb stub on 127.0.0.1:$port; serial output in $log" >&2

# GDB_ARGS is split as a shell would split it, quotes and all.
eval "set -- ${GDB_ARGS-}"
"$gdb" -q -ex "target remote 127.0.0.1:$port" "$@" "$kernel"

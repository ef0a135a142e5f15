#!/bin/sh
# tests/run.sh [-j N]: the whole test suite, as `make test` and CI run it.
#
#   1. the package list covers every program the project runs  tests/deps/check.py
#   2. every file where its role says: layers, includes and    tests/layout/check.py
#      calls go down, no circles, citations resolve inside
#   3. the ISO builder refuses what GRUB cannot carry          tests/mkiso/check.sh
#   4. host unit tests (tests/unit, under ASan and UBSan)      make check
#   5. recorded CPUID dumps through the host replay tool       tests/replay/check.py
#   6. the boot-matrix harness's own tests                    tests/boot/test_matrix.py
#   7. the QEMU boot matrix                                    tests/boot/matrix.py
#   8. hostile inputs: command lines, modules, dumps, machine  tests/boot/matrix.py
#      settings, the ISO builder, the host replay tool           --cases tests/hostile
#   9. the four libFuzzer targets, 100,000 runs each          make fuzz
#
# Stages 6-8 read every KTAP report also with prove and kunit.py
# (tests/boot/README.md); kunit.py comes from Debian's linux-source-6.1.
#
# Every stage runs even if an earlier one failed; each ends with its own
# "N passed, N failed" line, and the last line here adds them up.  The
# exit status is non-zero if anything failed.
set -u
jobs=2
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	*) echo "usage: tests/run.sh [-j N]" >&2; exit 2 ;;
	esac
done
python=${PYTHON:-python3}
# Under `make -jN test` the sub-makes below inherit make's jobserver in
# MAKEFLAGS, but not its descriptors (this script is no $(MAKE) recipe):
# drop the jobserver, so they run with -jN of their own and no warning.
MAKEFLAGS=$(printf '%s' "${MAKEFLAGS-}" | sed 's/--jobserver-[a-z]*=[^ ]*//g')
export MAKEFLAGS
log=$(mktemp "${TMPDIR:-/tmp}/pvbus-test.XXXXXX")
trap 'rm -f "$log"' EXIT
total_pass=0 total_fail=0 failed_stages=""

# Run one stage with its output on the terminal and in $log, then add
# the counts from its "N passed, N failed" line.  A stage that printed
# none (it could not build, say), or that exited non-zero while counting
# no failure, adds one failure of its own.
stage() {
	name=$1
	shift
	echo "== $name"
	{ "$@"; echo $? > "$log.status"; } 2>&1 | tee "$log"
	status=$(cat "$log.status")
	rm -f "$log.status"
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$summary" ]; then
		total_fail=$((total_fail + 1))
		failed_stages="$failed_stages $name"
		return
	fi
	p=${summary%% passed*}
	f=${summary#*passed, }
	f=${f%% failed*}
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		total_fail=$((total_fail + 1))	# failed without saying what
		f=1
	fi
	[ "$f" -eq 0 ] || failed_stages="$failed_stages $name"
}

stage deps "$python" tests/deps/check.py
stage layout "$python" tests/layout/check.py
stage mkiso sh tests/mkiso/check.sh
stage unit make --no-print-directory check
stage replay $python tests/replay/check.py
stage harness $python tests/boot/test_matrix.py --summary
stage boot $python tests/boot/matrix.py -j "$jobs"
stage hostile $python tests/boot/matrix.py --cases tests/hostile -j "$jobs"
stage fuzz make --no-print-directory fuzz FUZZ_RUNS="${FUZZ_RUNS:-100000}"

echo
[ -z "$failed_stages" ] || echo "failed stages:$failed_stages"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

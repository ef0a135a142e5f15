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
#   7. every exit code of tools/pvbus-run, by real boots and   tests/exitcodes/check.py
#      fake QEMUs
#   8. the QEMU boot matrix                                    tests/boot/matrix.py
#   9. what the screen shows: UEFI and BIOS screendumps       tests/screen/check.py
#  10. hostile inputs: command lines, modules, dumps, machine  tests/boot/matrix.py
#      settings, the ISO builder, the host replay tool           --cases tests/hostile
#  11. the samples of output in README.md and docs/ match a    tests/docs/check_samples.py
#      real boot of this build
#  12. each boot of a log that reboots is one KTAP document,  tests/ktap-split/check.py
#      and tools/ktap-split cuts logs as the harness does
#  13. the results files of stages 8 and 10: the JUnit schema, tests/results/check.py
#      a test case per KTAP result, failures per verdict
#  14. the CI templates and the VMware and Hyper-V scripts:   tests/ci/check.py
#      YAML, shards, shellcheck, the exit codes
#  15. the Makefile: the quiet build's short lines, V=1, make  tests/make/check.py
#      iso CMDLINE= MODULES=, make debug stopping in kmain
#  16. the six libFuzzer targets, 100,000 runs each          make fuzz
#
# Stages 6, 8, 10, 11 and 12 read every KTAP report also with prove and kunit.py
# (tests/boot/README.md); kunit.py comes from Debian's linux-source-6.1.
#
# Every stage runs even if an earlier one failed; each ends with its own
# "N passed, N failed" line, and the last line here adds them up.  The
# exit status is non-zero if anything failed.
#
# Results for dashboards: build/test-results/junit.xml and results.json,
# a test suite per boot case (each KTAP test and subtest a test case)
# and per other stage (docs/ci.md).  Each stage leaves its own in
# build/test-results/stages/NAME/ (the matrix and the harness write
# theirs; tools/test-results makes the others' from their output), and
# tools/test-results merges them at the end.
#
# SHARD=K/N in the environment (as CI's jobs set it) runs the K-th of N
# shards of the boot matrix and of the hostile inputs (matrix.py
# --shard, balanced by tests/boot/durations.json), and the other stages
# only on shard 1, whose share of the matrix is smaller by their
# recorded time.
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
shard=${SHARD-}
shard_k=1
shard_opts="" present_opt=""
if [ -n "$shard" ]; then
	case $shard in
	[1-9]/[1-9]|[1-9]/[1-9][0-9]|[1-9][0-9]/[1-9][0-9]) ;;
	*) echo "tests/run.sh: SHARD=$shard: expected K/N, 1 <= K <= N" >&2
	   exit 2 ;;
	esac
	shard_k=${shard%/*}
	shard_opts="--shard $shard"
	present_opt="--present"
fi
results=build/test-results
rm -rf "$results/stages"
mkdir -p "$results/stages"
stages_run=""
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
	stages_run="$stages_run $name"
	t0=$(date +%s)
	{ "$@"; echo $? > "$log.status"; } 2>&1 | tee "$log"
	status=$(cat "$log.status")
	rm -f "$log.status"
	stage_results "$name" "$status" $(($(date +%s) - t0))
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

# The results of a stage that wrote none itself, from its output.
stage_results() {
	[ -e "$results/stages/$1/results.json" ] && return
	unit_logs=""
	[ "$1" = unit ] && unit_logs="--unit-logs build/host"
	# shellcheck disable=SC2086  # unit_logs is two words or none
	"$python" tools/test-results stage "$1" "$2" "$log" --time "$3" \
	    $unit_logs -o "$results/stages/$1"
}

# A stage that is not the matrix: on shard 1 only.  The boot matrix
# gives shard 1 fewer cases by the recorded time of these.
first_only=deps,layout,mkiso,unit,replay,harness,exitcodes,screen,docs,ci,make,fuzz
first_shard() {
	if [ "$shard_k" -ne 1 ]; then
		echo "== $1: on shard 1 of $shard only"
		return
	fi
	stage "$@"
}

first_shard deps "$python" tests/deps/check.py
first_shard layout "$python" tests/layout/check.py
first_shard mkiso sh tests/mkiso/check.sh
first_shard unit make --no-print-directory check
first_shard replay "$python" tests/replay/check.py
first_shard harness "$python" tests/boot/test_matrix.py --summary \
    --results "$results/stages/harness"
first_shard exitcodes "$python" tests/exitcodes/check.py
if [ "$shard_k" -ne 1 ]; then
	# The matrix's replay cases need the host tool the unit stage builds.
	make --no-print-directory -s host-tools >/dev/null ||
	    echo "tests/run.sh: make host-tools failed" >&2
fi
# shellcheck disable=SC2086  # shard_opts is two words or none
stage boot "$python" tests/boot/matrix.py -j "$jobs" $shard_opts \
    --shard-head "$first_only" --results "$results/stages/boot"
first_shard screen "$python" tests/screen/check.py -j "$jobs"
# shellcheck disable=SC2086
stage hostile "$python" tests/boot/matrix.py --cases tests/hostile \
    -j "$jobs" $shard_opts --results "$results/stages/hostile"
first_shard docs "$python" tests/docs/check_samples.py -j "$jobs"
# shellcheck disable=SC2086  # present_opt is one word or none
stage split "$python" tests/ktap-split/check.py $present_opt
# shellcheck disable=SC2086
stage results "$python" tests/results/check.py $present_opt
first_shard ci "$python" tests/ci/check.py
first_shard make "$python" tests/make/check.py
first_shard fuzz make --no-print-directory fuzz FUZZ_RUNS="${FUZZ_RUNS:-100000}"

# Every stage's results in one junit.xml and results.json.
echo
set --
for s in $stages_run; do
	set -- "$@" "$results/stages/$s/results.json"
done
if ! "$python" tools/test-results merge -o "$results" "$@"; then
	total_fail=$((total_fail + 1))
	failed_stages="$failed_stages results-files"
fi

[ -z "$failed_stages" ] || echo "failed stages:$failed_stages"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

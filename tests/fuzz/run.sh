#!/bin/sh
#
# tests/fuzz/run.sh BINARY SEEDS DICT SECONDS: run one libFuzzer target
# for SECONDS, then print one line:
#
#	fuzz_cpuid_dump: 412345 runs in 30 s (13745/s), no crash
#
# The working corpus is build/fuzz/corpus/<name>: it keeps what earlier
# runs found, and new inputs go there, never into SEEDS (checked in).
# A crash, a sanitizer report, a leak or a timeout leaves its input as
# build/fuzz/<kind>-<sha1>; we print the end of the report, how to
# replay it, and exit 1.
set -u
bin=$1 seeds=$2 dict=$3 secs=$4
name=${bin##*/}
dir=${bin%/*}
work=$dir/corpus/$name
log=$dir/$name.log

mkdir -p "$work"
"$bin" -max_total_time="$secs" -timeout=10 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$dir/" -dict="$dict" \
    "$work" "$seeds" >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log")
took=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log")
if [ "$rc" -ne 0 ] || [ -z "$runs" ]; then
	tail -n 40 "$log" | sed 's/^/    /'
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" |
	    tail -n 1)
	echo "$name: FAILED (exit status $rc); full log in $log"
	[ -n "$crash" ] && echo "$name: replay with: $bin $crash"
	exit 1
fi
[ "$took" -gt 0 ] 2>/dev/null && rate=" ($((runs / took))/s)" || rate=""
echo "$name: $runs runs in $took s$rate, no crash"

#!/bin/sh
#
# tests/fuzz/run.sh BINARY SEEDS DICT RUNS [SECONDS [MAX_SECONDS]]: run
# one libFuzzer target for RUNS inputs, or for SECONDS seconds if that
# is given and not empty, then print one line:
#
#	fuzz_cpuid_dump: 1000000 runs in 41 s (24390/s), no crash
#
# A run by count stops after MAX_SECONDS (default 900) all the same, so
# a slow machine still ends; the line then says "stopped at the N s
# limit" and the run still passes (it found nothing).
#
# The working corpus is build/fuzz/corpus/<name>: it keeps what earlier
# runs found, and new inputs go there, never into SEEDS (checked in).
# A crash, a sanitizer report, a leak or a timeout leaves its input as
# build/fuzz/<kind>-<sha1>; we print the end of the report, how to
# replay it, and exit 1.
set -u
bin=$1 seeds=$2 dict=$3 runs=$4 secs=${5:-} max=${6:-900}
name=${bin##*/}
dir=${bin%/*}
work=$dir/corpus/$name
log=$dir/$name.log

if [ -n "$secs" ]; then
	limit="-max_total_time=$secs"
else
	limit="-runs=$runs -max_total_time=$max"
fi
mkdir -p "$work"
# $limit is two words on purpose.
# shellcheck disable=SC2086
"$bin" $limit -timeout=10 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$dir/" -dict="$dict" \
    "$work" "$seeds" >"$log" 2>&1
rc=$?
done=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' "$log")
got=${done% *}
took=${done#* }
if [ "$rc" -ne 0 ] || [ -z "$done" ]; then
	tail -n 40 "$log" | sed 's/^/    /'
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" |
	    tail -n 1)
	echo "$name: FAILED (exit status $rc); full log in $log"
	[ -n "$crash" ] && echo "$name: replay with: $bin $crash"
	exit 1
fi
[ "$took" -gt 0 ] 2>/dev/null && rate=" ($((got / took))/s)" || rate=""
note=""
[ -z "$secs" ] && [ "$got" -lt "$runs" ] && note=", stopped at the $max s limit"
echo "$name: $got runs in $took s$rate, no crash$note"

#!/bin/sh
#
# Run the host unit-test binaries named as arguments.  Each prints
# "ok - name" or "not ok - name" per test and ends with
# "# test_x: N tests, N checks, N failed" (tests/unit/check.h).  Print one
# line per binary, its output (less the "ok" lines) if it failed, then
# "N passed, N failed" counting binaries; exit 1 if any failed.
#
# A binary fails if it exits non-zero, which includes a sanitizer report,
# or if it never printed its summary line.

: "${UBSAN_OPTIONS:=print_stacktrace=1}"
: "${ASAN_OPTIONS:=abort_on_error=0}"
export UBSAN_OPTIONS ASAN_OPTIONS

pass=0
fail=0
for bin in "$@"; do
	name=${bin##*/}
	log=$bin.log
	"$bin" >"$log" 2>&1
	rc=$?
	summary=$(sed -n \
	    "s/^# $name: .* tests, \([0-9]*\) checks, 0 failed\$/\1/p" "$log")
	if [ "$rc" -eq 0 ] && [ -n "$summary" ]; then
		echo "PASS $name ($summary checks)"
		pass=$((pass + 1))
	else
		echo "FAIL $name (exit status $rc)"
		grep -v '^ok - ' "$log" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# tools/ksyms.sh KERNEL.elf: print, as NASM source, the kernel's symbol
# table for kernel/ksyms.c: every function and data object below the
# table itself, sorted by address, so a crash report can say
# "rip 0x10521a <raise_fault+0x1a>" without addr2line.
#
# With no argument it prints an empty table: the first of the Makefile's
# two links uses that, the second the table made from the first.  The
# table lives in .ksyms, which linker.ld places after everything else,
# so the second link moves nothing; the Makefile checks that by making
# the table again from the second link and comparing.
#
# Which names: text, data, read-only data and .bss symbols (nm types
# T t D d R r B b), global or not, NASM's local labels included
# (build_page_tables.pt).  Left out: the linker script's __*_start and
# __*_end, which mark places, not things, and anything from __ksyms_start
# on.  Where several names share an address, a global one wins over a
# local one, and any name wins over one ending in _end or _top (the end
# of the object before, like boot_stack_top).
#
# Layout (kernel/ksyms.c): ksyms_count, then the addresses (32 bits: the
# kernel runs below 4 GiB), then each name's offset into the strings.
set -eu

gen() {
	awk '
	# Addresses stay strings ("" appended): nm prints 16 hex digits, and
	# one like 00000000001718e0 would otherwise compare as the number
	# 1718e0, that is 1718.  Same-length hex strings order as numbers do.
	BEGIN { n = 0 }		# a subscript, so a number from the start
	$2 ~ /^[TtDdRrBb]$/ && NF == 3 {
		a[n] = $1 ""; t[n] = $2; s[n] = $3; n++
	}
	$3 == "__ksyms_start" { stop = $1 "" }
	function score(i) {
		return (t[i] ~ /[A-Z]/ ? 2 : 0) - (s[i] ~ /_(end|top)$/ ? 4 : 0)
	}
	END {
		m = 0
		for (i = 0; i < n; i++) {
			if (stop != "" && a[i] >= stop)
				continue
			if (s[i] ~ /^__.*_(start|end)$/)
				continue
			if (m > 0 && ka[m - 1] == a[i]) {
				if (score(i) > ksc[m - 1]) {
					ks[m - 1] = s[i]; ksc[m - 1] = score(i)
				}
				continue
			}
			ka[m] = a[i]; ks[m] = s[i]; ksc[m] = score(i); m++
		}
		printf "ksyms_count:\tdd\t%d\n", m
		printf "ksyms_addr:\n"
		for (i = 0; i < m; i++)
			printf "\tdd\t0x%s\n", substr(ka[i], length(ka[i]) - 7)
		printf "ksyms_name:\n"
		off = 0
		for (i = 0; i < m; i++) {
			printf "\tdd\t%d\n", off
			off += length(ks[i]) + 1
		}
		printf "ksyms_str:\n"
		for (i = 0; i < m; i++)
			printf "\tdb\t\"%s\", 0\n", ks[i]
	}'
}

echo "; The kernel's symbol table, made by tools/ksyms.sh."
echo "; Do not edit."
echo "bits 64"
echo "section .ksyms progbits alloc noexec nowrite align=4"
echo "global ksyms_count, ksyms_addr, ksyms_name, ksyms_str"
if [ $# -ge 1 ]; then
	nm -n --defined-only "$1" | gen
else
	gen < /dev/null
fi
echo "section .note.GNU-stack noalloc noexec nowrite progbits"

#!/bin/sh
# tools/deps.sh GROUP: check that the tools a make target needs are here.
# A missing tool is named with the Debian package that provides it; when
# run as root on Debian or Ubuntu the packages are installed, so that the
# README's two commands do all the set-up on a fresh machine.
#
# Each line below: group, a command or file that must exist, its package.
set -u
group=${1:?usage: tools/deps.sh build|iso|run|test|fuzz}

needs() {
	cat <<'LIST'
build	gcc		gcc
build	ld		binutils
build	nasm		nasm
iso	grub-mkrescue	grub-common
iso	xorriso		xorriso
iso	mformat		mtools
iso	/usr/lib/grub/i386-pc/multiboot2.mod	grub-pc-bin
iso	/usr/lib/grub/x86_64-efi/multiboot2.mod	grub-efi-amd64-bin
run	qemu-system-x86_64	qemu-system-x86
test	python3		python3
test	/usr/share/OVMF/OVMF_CODE_4M.fd	ovmf
test	prove		perl
test	addr2line	binutils
test	cc		gcc
fuzz	clang		clang
fuzz	/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a	libclang-rt-14-dev
LIST
}

missing=""
for_group=$(needs | awk -v g="$group" '$1 == g { print $2 " " $3 }')
[ -n "$for_group" ] || { echo "tools/deps.sh: unknown group '$group'" >&2; exit 2; }
echo "$for_group" | {
	while read -r what pkg; do
		case $what in
		/*) [ -e "$what" ] && continue ;;
		*) command -v "$what" >/dev/null 2>&1 && continue ;;
		esac
		echo "$pkg"
	done
} > "${TMPDIR:-/tmp}/pvbus-deps.$$"
missing=$(sort -u "${TMPDIR:-/tmp}/pvbus-deps.$$" | tr '\n' ' ')
rm -f "${TMPDIR:-/tmp}/pvbus-deps.$$"
[ -z "$missing" ] && exit 0

echo "pvbus: 'make' needs these Debian packages for '$group': $missing" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "pvbus: installing them (running as root)" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2 || exit 1
	exit 0
fi
echo "pvbus: install them with: sudo apt-get install $missing" >&2
exit 1

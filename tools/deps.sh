#!/bin/sh
# The project's dependencies: one list, the only one.
#
#   tools/deps.sh GROUP...          check (and, as root on Debian, install)
#   tools/deps.sh --list [GROUP...] the Debian packages, one a line
#   tools/deps.sh --table           the list itself, tab-separated
#
# GROUP is build, iso, run, test, fuzz, debug or fresh; "base" is checked with
# every group.  `make` runs the first form before the steps that need a
# group, .ci/run installs `--list` (every group but fresh), and
# tests/deps/check.py proves the list complete: every program the
# Makefile, tools/ and tests/ run, and every program grub-mkrescue and
# prove run in turn, belongs to a package below (or to one it depends
# on), and every file below is where the list says.
#
# A missing tool is named with the package that provides it.  As root
# with apt-get, the packages are installed, so that the README's two
# commands do all the set-up on a fresh Debian 12 machine.  Concurrent
# runs (make -j runs the groups' rules side by side) take turns on a
# lock, and apt-get waits for dpkg's own lock rather than failing, as on
# a freshly booted CI runner where unattended-upgrades holds it.
set -u

# group, a command (looked up in PATH) or a file (absolute path), the
# Debian 12 package that provides it, and who needs it.  Base packages
# are in every Debian 12 system, even debootstrap's minbase; they are
# listed so that the check covers them too.
table() {
	cat <<'LIST'
base	sh	dash	every script (#!/bin/sh), make's recipes
base	bash	bash	tests/boot/matrix.py runs mkiso.sh with it if not executable
base	mktemp	coreutils	tools/, tests/ (also mkdir cp mv rm cat tee timeout nproc ...)
base	sed	sed	tests/run.sh, tests/*/run.sh
base	grep	grep	tests/run.sh
base	awk	mawk	tools/deps.sh; tools/mkiso.sh splits the command line
base	cmp	diffutils	tests/mkiso/check.sh (also diff)
base	find	findutils	tools/deps.sh: are the package lists fresh?
base	flock	util-linux	tools/deps.sh: one apt-get at a time
base	apt-get	apt	tools/deps.sh, .ci/run
base	make	make	the README's commands, tests/run.sh
build	gcc	gcc	the kernel, Makefile
build	ld	binutils	the kernel's link
build	objcopy	binutils	tools/mkiso.sh: the kernel without debug sections
build	nasm	nasm	boot/*.asm, drivers/hvio/*.asm, sim/*.asm
build	python3	python3	tools/mkfont.py: the console font
build	/usr/share/grub/unicode.pf2	grub-common	the console font (GNU Unifont), converted by tools/mkfont.py
iso	grub-mkrescue	grub-common	tools/mkiso.sh; grub-script-check: tests/mkiso/check.sh
iso	xorriso	xorriso	grub-mkrescue writes the ISO with it
iso	mformat	mtools	grub-mkrescue: the EFI system partition (also mcopy)
iso	xz	xz-utils	grub-mkrescue --compress=xz: each GRUB module
iso	/usr/lib/grub/i386-pc/multiboot2.mod	grub-pc-bin	BIOS GRUB
iso	/usr/lib/grub/x86_64-efi/multiboot2.mod	grub-efi-amd64-bin	UEFI GRUB
run	qemu-system-x86_64	qemu-system-x86	make run, the boot matrix (brings seabios)
test	python3	python3	tests/boot/matrix.py, tests/replay/check.py, tests/deps/
test	/usr/share/OVMF/OVMF_CODE_4M.fd	ovmf	UEFI boot cases, make bench
test	/usr/share/OVMF/OVMF_VARS_4M.fd	ovmf	UEFI boot cases, make bench
test	prove	perl	tests/boot/matrix.py: a second KTAP parser
test	addr2line	binutils	tests/boot/matrix.py: a crash's RIP as file:line
test	cc	gcc	make check: host unit tests with ASan and UBSan
test	/usr/include/stdio.h	libc6-dev	make check: the C library for the host tests (only a Recommends of gcc)
test	strace	strace	tests/deps/check.py: what grub-mkrescue runs
test	/usr/src/linux-source-6.1.tar.xz	linux-source-6.1	kunit.py, Linux's KTAP parser
test	/usr/lib/python3/dist-packages/yaml/__init__.py	python3-yaml	tests/ci/check.py: the CI templates load as YAML
test	shellcheck	shellcheck	tests/ci/check.py: the shell scripts, docs/scripts/ among them
debug	gdb	gdb	make debug: gdb on the kernel, through QEMU's gdb stub; tests/make/check.py
fuzz	clang	clang	make fuzz
fuzz	/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a	libclang-rt-14-dev	make fuzz: libFuzzer (only a Recommends of clang)
fresh	debootstrap	debootstrap	tools/fresh-debian.sh
fresh	git	git	tools/fresh-debian.sh: a clean clone of HEAD
fresh	chroot	coreutils	tools/fresh-debian.sh
fresh	mount	mount	tools/fresh-debian.sh: /proc, /sys, /dev in the root
LIST
}

groups_all="build iso run test fuzz debug"

# The package names for groups $*, each once, in the list's order.
packages() {
	table | awk -F '\t' -v groups="base $*" '
	    BEGIN { n = split(groups, g, " "); for (i = 1; i <= n; i++) want[g[i]] = 1 }
	    want[$1] && !seen[$3]++ { print $3 }'
}

# The packages of groups $* whose command or file is not here.
missing() {
	table | awk -F '\t' -v groups="base $*" '
	    BEGIN { n = split(groups, g, " "); for (i = 1; i <= n; i++) want[g[i]] = 1 }
	    want[$1] { print $2 "\t" $3 }' |
	while IFS='	' read -r what pkg; do
		case $what in
		/*) [ -e "$what" ] && continue ;;
		*) command -v "$what" >/dev/null 2>&1 && continue ;;
		esac
		echo "$pkg"
	done | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
}

# apt-get with dpkg's lock waited for (apt 1.9.11 and later, Debian 11+).
apt_get() {
	apt-get -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends "$@"
}

# Install $*: refresh the package lists only if no list is less than an
# hour old (a fresh debootstrap has none), or if the install fails.
apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' \
	    -mmin -60 2>/dev/null | head -n 1)" ]; then
		apt_get update >&2 || true
	fi
	apt_get install "$@" >&2 && return 0
	apt_get update >&2 || true
	apt_get install "$@" >&2
}

case ${1-} in
--table)
	table
	exit 0 ;;
--list)
	shift
	# shellcheck disable=SC2086
	[ $# -gt 0 ] || set -- $groups_all
	packages "$@"
	exit 0 ;;
''|-*)
	echo "usage: tools/deps.sh GROUP... | --list [GROUP...] | --table" >&2
	echo "groups: base $groups_all fresh" >&2
	exit 2 ;;
esac
for g in "$@"; do
	if ! table | cut -f 1 | grep -qx "$g"; then
		echo "tools/deps.sh: unknown group '$g'" >&2
		exit 2
	fi
done

need=$(missing "$@")
[ -z "$need" ] && exit 0
echo "pvbus: '$*' needs these Debian packages: $need" >&2
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "pvbus: install them with: sudo apt-get install $need" >&2
	exit 1
fi

# One installer at a time: make -j starts the groups' rules together.
# The second one waits here, then finds less (or nothing) to install.
lock=${TMPDIR:-/tmp}/pvbus-deps.lock
if command -v flock >/dev/null 2>&1; then
	exec 9>"$lock"
	flock 9
	need=$(missing "$@")
	[ -z "$need" ] && exit 0
fi
echo "pvbus: installing $need (running as root)" >&2
# shellcheck disable=SC2086
apt_install $need || exit 1
need=$(missing "$@")
[ -z "$need" ] && exit 0
echo "pvbus: still missing after apt-get: $need" >&2
exit 1

#!/bin/sh
# tools/mkiso.sh OUT.iso KERNEL.elf "CMDLINE" [MODULE[=STRING]...]
#
# Build one hybrid GRUB ISO that boots under BIOS (SeaBIOS, Hyper-V
# Gen1, VMware BIOS) and UEFI (OVMF, Hyper-V Gen2, VMware EFI) with the
# kernel's command line baked into grub.cfg and each MODULE passed as a
# multiboot2 module (its string defaults to the file's base name).
#
# The image is trimmed to the GRUB modules a multiboot2 boot needs (see
# ../shared/reference/testbeds.md section 5): about 4 MB instead of 20.
#
# The command line goes through GRUB's own parser, which reads it like a
# shell: quote a value with spaces or ';' ("key=a b" or key="a b"); GRUB
# passes such a word on in double quotes, and the kernel's parser takes
# either form.  A '$' is escaped here so GRUB does not expand it.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 OUT.iso KERNEL.elf CMDLINE [MODULE...]" >&2; exit 2; }
out=$1 kernel=$2 cmdline=$3
shift 3

# $tmp/root becomes the ISO; grub-mkrescue's log stays outside it.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvbus-iso.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/boot/grub" "$root/boot/modules"
# The ISO gets the kernel without its debug sections (the addresses are
# the same, so addr2line on the build's kernel.elf still names a crash).
objcopy --strip-debug "$kernel" "$root/boot/kernel.elf"

escaped=$(printf '%s' "$cmdline" | sed 's/\$/\\$/g')
{
	echo "# pvbus testbed: boots the default entry at once."
	echo "# Hold Shift (BIOS) or press Esc (UEFI) while GRUB starts to see"
	echo "# the menu instead (timeout_style=hidden, GRUB manual 6.1)."
	echo "set timeout_style=hidden"
	echo "set timeout=0"
	echo "set default=0"
	echo
	echo "menuentry \"pvbus testbed\" {"
	echo "	multiboot2 /boot/kernel.elf $escaped"
	for m in "$@"; do
		file=${m%%=*}
		string=$(basename "$file")
		case $m in *=*) string=${m#*=} ;; esac
		cp "$file" "$root/boot/modules/$(basename "$file")"
		echo "	module2 /boot/modules/$(basename "$file") $string"
	done
	echo "	boot"
	echo "}"
} > "$root/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
if ! grub-mkrescue -o "$out.tmp" \
    --install-modules="multiboot2 normal configfile iso9660 part_msdos part_gpt" \
    --fonts= --locales= --themes= --compress=xz \
    "$root" > "$tmp/log" 2>&1; then
	cat "$tmp/log" >&2
	echo "mkiso: grub-mkrescue failed (packages: grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools)" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"

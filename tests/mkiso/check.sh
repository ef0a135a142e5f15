#!/bin/sh
# tests/mkiso/check.sh: the mkiso stage of `make test`, no QEMU needed.
#
# tools/mkiso.sh must refuse a command line (or module string) it cannot
# carry to the kernel unchanged, with exit status 2, one line naming the
# problem, and no ISO; and it must write every other one into grub.cfg
# so that GRUB's own script parser (grub-script-check, from
# grub-common) reads it without error.  That the kernel then sees the
# words it would see under PVH is what the boot cases cmdline-*-iso
# check.  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
mkiso=tools/mkiso.sh
unset GFXPAYLOAD	# the screen mode mkiso.sh takes from the environment
kernel=build/kernel.elf
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvbus-mkiso.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() {
	echo "PASS  $1"
	pass=$((pass + 1))
}
not_ok() {
	echo "FAIL  $1"
	shift
	for line in "$@"; do
		echo "      $line"
	done
	fail=$((fail + 1))
}

# refuse NAME MESSAGE CMDLINE [MODULE...]: exit 2, MESSAGE (a fixed
# string) as the one line on stderr, nothing on stdout, no ISO.
refuse() {
	name=$1 want=$2 cmdline=$3
	shift 3
	rm -f "$tmp/out.iso"
	sh "$mkiso" "$tmp/out.iso" "$kernel" "$cmdline" "$@" \
	    > "$tmp/stdout" 2> "$tmp/stderr"
	rc=$?
	said=$(cat "$tmp/stderr")
	if [ $rc -ne 2 ]; then
		not_ok "refuse: $name" "exit status $rc, not 2" "stderr: $said"
	elif [ "$(wc -l < "$tmp/stderr")" -ne 1 ] ||
	    ! grep -qF -- "$want" "$tmp/stderr"; then
		not_ok "refuse: $name" "wanted one line with: $want" \
		    "stderr: $said"
	elif [ -s "$tmp/stdout" ] || [ -e "$tmp/out.iso" ]; then
		not_ok "refuse: $name" "wrote output or an ISO"
	else
		ok "refuse: $name"
	fi
}

# accept NAME WANT CMDLINE [MODULE...]: mkiso -n exits 0, its grub.cfg
# has WANT as a whole line, and GRUB's parser takes the file.
accept() {
	name=$1 want=$2 cmdline=$3
	shift 3
	if ! sh "$mkiso" -n "$tmp/out.iso" "$kernel" "$cmdline" "$@" \
	    > "$tmp/grub.cfg" 2> "$tmp/stderr"; then
		not_ok "accept: $name" "mkiso -n failed: $(cat "$tmp/stderr")"
	elif ! grep -qxF -- "$want" "$tmp/grub.cfg"; then
		not_ok "accept: $name" "no line: $want" \
		    "got: $(grep -E 'multiboot2|module2' "$tmp/grub.cfg")"
	elif ! grub-script-check "$tmp/grub.cfg" > "$tmp/gsc" 2>&1; then
		not_ok "accept: $name" "grub-script-check: $(cat "$tmp/gsc")"
	else
		ok "accept: $name"
	fi
}

nl='
'
tab=$(printf '\t')
cr=$(printf '\r')
soh=$(printf '\001')
del=$(printf '\177')

refuse "unterminated quote" 'mkiso: refusing the command line "vmt.script=\"abc": the double quote at offset 11 is never closed' 'vmt.script="abc'
refuse "a lone quote" 'the double quote at offset 2 is never closed' 'a "'
refuse "a newline" 'mkiso: refusing the command line "a\x0ab": a newline (0x0a) at offset 1' "a${nl}b"
refuse "a newline at the end" 'a newline (0x0a) at offset 8' "fault=ud$nl"
refuse "a tab" 'a tab (0x09) at offset 3' "a=1${tab}b=2"
refuse "a carriage return" 'a carriage return (0x0d) at offset 1' "a${cr}"
refuse "another control character" 'a control character (0x01) at offset 0' "${soh}x"
refuse "DEL" 'a control character (0x7f) at offset 1' "x${del}"
refuse "an empty word" 'word 2 at offset 2 is empty' 'a "" b'
refuse "a module string with a quote" 'mkiso: refusing the module string "x\"y": " at offset 1' \
    "" "tests/boot/cases/sim-vmware-module.tclo=x\"y"
refuse "a module string with a backslash" '\ at offset 1' \
    "" 'tests/boot/cases/sim-vmware-module.tclo=x\y'
refuse "a module string with two spaces" 'two in a row' \
    "" "tests/boot/cases/sim-vmware-module.tclo=x  y"
refuse "a module string with a newline" 'a newline (0x0a) at offset 1' \
    "" "tests/boot/cases/sim-vmware-module.tclo=x${nl}y"
cp tests/boot/cases/sim-vmware-module.tclo "$tmp/new${nl}line"
refuse "a module file name with a newline" 'refusing the file name "/boot/modules/new\x0aline"' \
    "" "$tmp/new${nl}line"

accept "no command line" '	multiboot2 /boot/kernel.elf' ''
accept "';' stays in its word" \
    "	multiboot2 /boot/kernel.elf 'hv=sim:vmware' 'vmt.script=ping;OS_Halt'" \
    'hv=sim:vmware vmt.script=ping;OS_Halt'
accept "quotes, as the kernel splits" \
    "	multiboot2 /boot/kernel.elf 'it'\\''s' 'a b' 'k=two words' '\"q\\' 'x\\y'" \
    "it's \"a b\" k=\"two words\" \\\"q\\\\ x\\y"
accept "GRUB syntax as text" \
    "	multiboot2 /boot/kernel.elf 'a}b' '{c}' 'x=\$HOME' '#' 'if' ';' '&&' '<>' '*=?'" \
    'a}b {c} x=$HOME # if ; && <> *=?'
accept "UTF-8 unchanged" "	multiboot2 /boot/kernel.elf 'u=é'" 'u=é'
accept "a module with a string" \
    "	module2 '/boot/modules/sim-vmware-module.tclo' 'script' 'one'" \
    'hv=sim:vmware vmt.script=@script' 'tests/boot/cases/sim-vmware-module.tclo=script one'

# GFXPAYLOAD: a gfxpayload value, or refused before it reaches grub.cfg.
export GFXPAYLOAD="1024x768'; reboot"
refuse "GFXPAYLOAD with GRUB syntax" \
    "refusing GFXPAYLOAD=\"1024x768'; reboot\": a gfxpayload value has only letters" ''
export GFXPAYLOAD="1024x768x32,auto;text"
accept "GFXPAYLOAD" "set pvbus_gfxpayload='1024x768x32,auto;text'" ''
unset GFXPAYLOAD

# The whole file, once: what GRUB reads.
cat > "$tmp/want.cfg" <<'EOF'
# pvbus testbed: boots the default entry at once.
# Hold Shift (BIOS) or press Esc (UEFI) while GRUB starts to see
# the menu instead (timeout_style=hidden, GRUB manual 6.1).
# Every word after the kernel's path is one word for the kernel,
# in single quotes (tools/mkiso.sh says why).
set timeout_style=hidden
set timeout=0
set default=0

# The screen: empty gives EGA text on BIOS and a framebuffer on
# UEFI; a gfxpayload value (1024x768x32, say) is used on both.
if [ "$grub_platform" = efi ]; then
	insmod all_video
fi
set pvbus_gfxpayload=''

menuentry "pvbus testbed" {
	multiboot2 /boot/kernel.elf 'hv=replay' 'a b'
	module2 '/boot/modules/kvm-qemu-i7-8650u-1.txt' 'kvm-qemu-i7-8650u-1.txt'
	if [ -n "$pvbus_gfxpayload" ]; then
		set gfxpayload="$pvbus_gfxpayload"
	elif [ "$grub_platform" = pc ]; then
		set gfxpayload=text
	fi
	boot
}
EOF
sh "$mkiso" -n "$tmp/out.iso" "$kernel" 'hv=replay "a b"' \
    tests/cpuid-dumps/kvm-qemu-i7-8650u-1.txt > "$tmp/got.cfg" 2>&1
if cmp -s "$tmp/want.cfg" "$tmp/got.cfg"; then
	ok "grub.cfg as a whole"
else
	not_ok "grub.cfg as a whole" "$(diff "$tmp/want.cfg" "$tmp/got.cfg" | head -n 5)"
fi

# The control: GRUB's parser does reject what mkiso refuses to write
# (an unbalanced quote is why such an ISO stopped at GRUB's prompt).
printf 'menuentry "x" {\n\tmultiboot2 /boot/kernel.elf vmt.script="abc\n\tboot\n}\n' \
    > "$tmp/bad.cfg"
if grub-script-check "$tmp/bad.cfg" > /dev/null 2>&1; then
	not_ok "grub-script-check rejects an unbalanced quote" \
	    "it took it: the accept checks above prove nothing"
else
	ok "grub-script-check rejects an unbalanced quote"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

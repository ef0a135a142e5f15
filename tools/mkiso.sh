#!/bin/sh
# tools/mkiso.sh [-n] OUT.iso KERNEL.elf "CMDLINE" [MODULE[=STRING]...]
#
# Build one hybrid GRUB ISO that boots under BIOS (SeaBIOS, Hyper-V
# Gen1, VMware BIOS) and UEFI (OVMF, Hyper-V Gen2, VMware EFI) with the
# kernel's command line baked into grub.cfg and each MODULE passed as a
# multiboot2 module (its string defaults to the file's base name).  -n
# prints the grub.cfg and builds nothing.
#
# The image holds only the GRUB modules a multiboot2 boot needs (and
# what they depend on): about 4 MB instead of grub-mkrescue's 20.
#
# The command line reaches the kernel as the same words as QEMU's
# -append gives it under PVH.  grub.cfg is GRUB script, which would read
# ; { } $ quotes and newlines as syntax, so the line is first split into
# words by the kernel's own rules (kernel/cmdline.c: spaces separate
# words, a double quote anywhere toggles quoting and is removed, a
# backslash makes the next ", ' or \ literal), and each word is written
# in single quotes, with a ' inside written '\''.  What GRUB 2.06 then
# does with it (grub-core/script/yylex.l: a single-quoted string is
# taken as it is, newlines included, and \' outside quotes is a '; the
# pieces of one word stay one argument; execute.c: nothing in quotes is
# expanded; loader/multiboot.c passes the arguments after the file name
# to lib/cmdline.c, grub_create_loader_cmdline(), which joins them with
# spaces, puts a word that holds a space in double quotes and a
# backslash before each ", ' and \) is what kernel/cmdline.c undoes.
#
# A command line that cannot arrive as it was meant is refused (exit 2,
# one line saying why): an unterminated double quote (GRUB would stop at
# its prompt), a control character such as a newline or a tab (GRUB
# quotes only words with spaces, so the kernel would split at a tab), or
# an empty word ("" alone: GRUB drops it).  So is a module STRING with a
# control character, a quote or a backslash, or with spaces at its ends
# or two in a row: GRUB passes the string on word by word, and such a
# string would come out changed.
#
# The screen.  The image carries GRUB's video drivers (all_video: GOP
# and UGA on UEFI, VBE on BIOS, and QEMU's bochs and cirrus on both).
# grub.cfg loads them on UEFI, where nothing else does and GRUB would
# find "no suitable video mode"; on BIOS the multiboot2 module brings
# VBE with it (moddep.lst).  The kernel asks for a 1024x768
# framebuffer (boot/boot.asm).
# GRUB 2.06's multiboot2 command turns that request into gfxpayload
# (grub-core/loader/multiboot.c, grub_multiboot_set_console()), so the
# menu entry sets gfxpayload after it: EGA text on BIOS, which every
# BIOS machine has and which costs nothing to draw, and the kernel's
# own choice on UEFI, which has no text mode.  GFXPAYLOAD in the
# environment (a gfxpayload value, GRUB manual "gfxpayload": e.g.
# 1024x768x32, 1920x1080x32, text or keep) is used on both instead; it
# goes into grub.cfg as pvbus_gfxpayload, which can also be changed at
# the GRUB menu (hold Shift or press Esc, then e).  A value other than
# letters, digits, "," and ";" is refused.
set -eu
dry=no
if [ "${1-}" = -n ]; then
	dry=yes
	shift
fi
[ $# -ge 3 ] || { echo "usage: $0 [-n] OUT.iso KERNEL.elf CMDLINE [MODULE[=STRING]...]" >&2; exit 2; }
out=$1 kernel=$2 cmdline=$3
shift 3

# grub_words KIND TEXT: TEXT as GRUB words in single quotes, on one line,
# or the reason it is refused on stderr and exit status 2.  KIND is
# "cmdline" (split as kernel/cmdline.c splits), "module" (a module
# string: split at its single spaces) or "path" (one word).  Byte by
# byte (LC_ALL=C), so UTF-8 and other bytes above 0x7f pass unchanged.
grub_words() {
	MKISO_KIND=$1 MKISO_TEXT=$2 LC_ALL=C awk '
	# The text as the kernel printf %pE shows a string from outside.
	function show(s,    out, i, c) {
		out = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\\" || c == "\"")
				out = out "\\" c
			else if (c == "#" || ord[c] < 32 || ord[c] > 126)
				out = out sprintf("\\x%02x", ord[c])
			else
				out = out c
		}
		return "\"" out "\""
	}
	function refuse(why) {
		printf("mkiso: refusing the %s %s: %s\n", what, show(s), why) \
		    > "/dev/stderr"
		exit 2
	}
	# kernel/cmdline.c, cmdline_parse() and cmdline_copy_word().
	function cmdline_words(    nw, i, w, q, start, opened, c, d) {
		nw = 0
		i = 1
		for (;;) {
			while (i <= n && substr(s, i, 1) == " ")
				i++
			if (i > n)
				return nw
			start = i
			w = ""
			q = 0
			for (; i <= n; i++) {
				c = substr(s, i, 1)
				if (c == " " && !q)
					break
				if (c == "\"") {
					q = !q
					opened = i
					continue
				}
				d = substr(s, i + 1, 1)
				if (c == "\\" && d != "" && index("\"" sq "\\", d)) {
					c = d
					i++
				}
				w = w c
			}
			if (q)
				refuse(sprintf("the double quote at offset %d " \
				    "is never closed (GRUB would stop at its " \
				    "prompt)", opened - 1))
			if (w == "")
				refuse(sprintf("word %d at offset %d is empty: " \
				    "GRUB would drop it", nw + 1, start - 1))
			word[++nw] = w
		}
	}
	# A word in single quotes; a quote in it is written as quote,
	# backslash, quote, quote: end the string, an escaped quote, and
	# start again (all one word to GRUB).
	function quoted(w,    out, i, c) {
		out = sq
		for (i = 1; i <= length(w); i++) {
			c = substr(w, i, 1)
			out = out (c == sq ? sq "\\" sq sq : c)
		}
		return out sq
	}
	BEGIN {
		for (i = 1; i < 256; i++)
			ord[sprintf("%c", i)] = i
		sq = sprintf("%c", 39)
		name[9] = "a tab"; name[10] = "a newline"
		name[13] = "a carriage return"
		kind = ENVIRON["MKISO_KIND"]
		s = ENVIRON["MKISO_TEXT"]
		what = kind == "cmdline" ? "command line" : \
		    kind == "module" ? "module string" : "file name"
		n = length(s)
		for (i = 1; i <= n; i++) {
			c = ord[substr(s, i, 1)]
			if (c < 32 || c == 127)
				refuse(sprintf("%s (0x%02x) at offset %d: GRUB " \
				    "cannot pass it on unchanged",
				    c in name ? name[c] : "a control character",
				    c, i - 1))
		}
		if (kind == "cmdline")
			nw = cmdline_words()
		else if (kind == "path") {
			word[1] = s
			nw = 1
		} else {
			for (i = 1; i <= n; i++) {
				c = substr(s, i, 1)
				if (c == "\"" || c == sq || c == "\\")
					refuse(sprintf("%s at offset %d: GRUB " \
					    "would pass it on with a backslash " \
					    "before it", c, i - 1))
			}
			if (s ~ /^ / || s ~ / $/ || s ~ /  /)
				refuse("a space at either end, or two in a " \
				    "row: GRUB would pass the words on with " \
				    "one space between them")
			nw = split(s, word, " ")
		}
		line = ""
		for (i = 1; i <= nw; i++)
			line = line (i > 1 ? " " : "") quoted(word[i])
		print line
	}'
}

# All the checks before anything is built.
words=$(grub_words cmdline "$cmdline") || exit 2
gfx=${GFXPAYLOAD-}
case $gfx in
*[!A-Za-z0-9,\;]*)
	shown=$(printf '%s' "$gfx" | LC_ALL=C tr -c ' -~' '?' | sed 's/[\\"]/\\&/g')
	echo "mkiso: refusing GFXPAYLOAD=\"$shown\": a gfxpayload value has only letters, digits, \",\" and \";\" (e.g. 1024x768x32)" >&2
	exit 2 ;;
esac
entries=""
for m in "$@"; do
	file=${m%%=*}
	string=$(basename "$file")
	case $m in *=*) string=${m#*=} ;; esac
	path=$(grub_words path "/boot/modules/$(basename "$file")") || exit 2
	strings=$(grub_words module "$string") || exit 2
	entries="$entries	module2 $path${strings:+ $strings}
"
done

grub_cfg() {
	echo "# pvbus testbed: boots the default entry at once."
	echo "# Hold Shift (BIOS) or press Esc (UEFI) while GRUB starts to see"
	echo "# the menu instead (timeout_style=hidden, GRUB manual 6.1)."
	echo "# Every word after the kernel's path is one word for the kernel,"
	echo "# in single quotes (tools/mkiso.sh says why)."
	echo "set timeout_style=hidden"
	echo "set timeout=0"
	echo "set default=0"
	echo
	echo "# The screen: empty gives EGA text on BIOS and a framebuffer on"
	echo "# UEFI; a gfxpayload value (1024x768x32, say) is used on both."
	echo "if [ \"\$grub_platform\" = efi ]; then"
	echo "	insmod all_video"
	echo "fi"
	echo "set pvbus_gfxpayload='$gfx'"
	echo
	echo "menuentry \"pvbus testbed\" {"
	echo "	multiboot2 /boot/kernel.elf${words:+ $words}"
	printf '%s' "$entries"
	echo "	if [ -n \"\$pvbus_gfxpayload\" ]; then"
	echo "		set gfxpayload=\"\$pvbus_gfxpayload\""
	echo "	elif [ \"\$grub_platform\" = pc ]; then"
	echo "		set gfxpayload=text"
	echo "	fi"
	echo "	boot"
	echo "}"
}
if [ $dry = yes ]; then
	grub_cfg
	exit 0
fi

# $tmp/root becomes the ISO; grub-mkrescue's log stays outside it.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvbus-iso.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/boot/grub" "$root/boot/modules"
# The ISO gets the kernel without its debug sections (the addresses are
# the same, so addr2line on the build's kernel.elf still names a crash).
objcopy --strip-debug "$kernel" "$root/boot/kernel.elf"
for m in "$@"; do
	file=${m%%=*}
	cp "$file" "$root/boot/modules/$(basename "$file")"
done
grub_cfg > "$root/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
if ! grub-mkrescue -o "$out.tmp" \
    --install-modules="multiboot2 normal configfile iso9660 part_msdos part_gpt all_video test" \
    --fonts= --locales= --themes= --compress=xz \
    "$root" > "$tmp/log" 2>&1; then
	cat "$tmp/log" >&2
	echo "mkiso: grub-mkrescue failed (packages: grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools xz-utils)" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"

#!/bin/sh
# docs/scripts/vmware-boot.sh: boot the pvbus ISO in a new VMware VM,
# capture COM1 to a file, wait until the report has ended, power the VM
# off, and exit with the code of docs/output.md's "Exit codes" table (the
# one tools/pvbus-run exits with under QEMU).  Untested here: no VMware
# product runs on the machines this project is tested on.  What is
# tested (tests/ci/check.py) is --classify on real serial logs, against
# the boot matrix's own reading of them, and that this file is clean
# under the shellcheck linter.
#
#   docs/scripts/vmware-boot.sh [OPTION...] ISO          Workstation, Fusion
#   docs/scripts/vmware-boot.sh --govc [OPTION...] ISO   ESXi or vCenter
#   docs/scripts/vmware-boot.sh --classify LOG           a captured log
#
#   --firmware bios|efi  the VM's firmware (default bios; EFI boots with
#                        Secure Boot off: GRUB from grub-mkrescue is not
#                        signed)
#   --timeout S          seconds to wait for the end of the report (300)
#   --log FILE           where the serial output goes (pvbus-serial.log)
#   --name NAME          the VM's name (pvbus-PID)
#   --keep               leave the VM (and, for --govc, its files) behind
#   --vmrun-type T       vmrun's -T: ws (default), fusion (default on
#                        macOS) or player
#
# Workstation and Fusion: the VM is a directory of its own (a .vmx file
# written here) run with `vmrun -T ws start VMX nogui` and stopped with
# `vmrun -T ws stop VMX hard` (VMware's "Using vmrun to Control Virtual
# Machines").  Its serial port writes to a file of the host:
#
#   serial0.present = "TRUE"
#   serial0.fileType = "file"
#   serial0.fileName = "/abs/path/pvbus-serial.log"
#
# ESXi (--govc, with GOVC_URL and the rest of govc's environment, and
# GOVC_DATASTORE; GOVC_NETWORK where the host has more than one): the
# ISO is uploaded (govc datastore.upload), the VM made with govc
# vm.create -on=false, a serial port added and backed by a datastore
# file (govc device.serial.add, govc device.serial.connect -vm NAME
# "[DATASTORE] NAME/serial.log"), the boot order set to the CD (govc
# device.boot), the VM powered on (govc vm.power -on) and the file
# fetched every 2 s (govc datastore.download) until the report ends,
# then govc vm.power -off -force and govc vm.destroy (govc's USAGE.md).
#
# How the boot ended is read from the log, as tools/pvbus-verdict and
# the boot matrix read it (tests/boot/harness/exitcodes.py
# code_from_log()), since VMware has no QEMU exit port: the kernel's
# "# exit status 0xNN" line (its last), boot.asm's "no long mode" line,
# or the guest booting again without a "# rebooting" line before it (a
# triple fault resets a VMware VM: code 6).  Nothing by the timeout is
# 7; a VM that could not be made or started is 8.
set -u

# The exit-code table (docs/output.md "Exit codes"): the kernel's status, the
# code, the verdict.  tests/ci/check.py compares it with exitcodes.py.
EXIT_TABLE='0x10 0 pass
0x11 1 fail
0x12 2 crash
0x13 3 booterr
0x14 4 panic
0x15 5 halt'
CODE_NOREPORT=6
CODE_TIMEOUT=7
CODE_ERROR=8

me=vmware-boot

# Print "CODE VERDICT WHY" if the complete lines of log $1 show how the
# boot ended; print nothing if it may still be running.  A last line
# without its newline is still being written, and left out.
code_from_log() {
	n=$(wc -l < "$1" 2>/dev/null || echo 0)
	head -n "$n" "$1" | tr -d '\r' | awk -v table="$EXIT_TABLE" \
	    -v noreport="$CODE_NOREPORT" -v error="$CODE_ERROR" '
	BEGIN {
		n = split(table, rows, "\n")
		for (i = 1; i <= n; i++) {
			split(rows[i], f, " ")
			code[tolower(f[1])] = f[2]
			name[tolower(f[1])] = f[3]
		}
	}
	/^pvbus testbed: booted([^A-Za-z0-9_]|$)/ {
		if (++boots > requested + 1) {
			print noreport " noreport the guest booted again" \
			    " without a reboot being asked for (a triple fault?)"
			exit
		}
	}
	/^# rebooting$/ { requested++ }
	/^# exit status 0x[0-9a-fA-F]+([^0-9a-fA-F]|$)/ {
		s = $4
		sub(/[^0-9a-fA-Fx].*/, "", s)
		s = tolower(s)
		while (s ~ /^0x0./)
			sub(/^0x0/, "0x", s)
		if (s in code)
			print code[s] " " name[s] " exit status " s
		else
			print error " error unknown exit status " s
		exit
	}
	/boot: this CPU has no long mode/ {
		print code["0x13"] " " name["0x13"] " this CPU has no long mode"
		exit
	}'
}

# Say how it ended and exit with the code: finish CODE VERDICT WHY.
finish() {
	code=$1 verdict=$2
	shift 2
	echo "$me: $verdict, exit code $code ($*)${log:+; serial log $log}" >&2
	exit "$code"
}

# Wait for the end of the report in $log (fetched by "$@" first, if a
# command is given), at most $timeout seconds.  Prints the result line
# of code_from_log, or "7 timeout ...".
wait_for_end() {
	waited=0
	while [ "$waited" -lt "$timeout" ]; do
		[ $# -eq 0 ] || "$@" >/dev/null 2>&1
		if [ -f "$log" ]; then
			got=$(code_from_log "$log")
			if [ -n "$got" ]; then
				echo "$got"
				return
			fi
		fi
		sleep 2
		waited=$((waited + 2))
	done
	echo "$CODE_TIMEOUT timeout no end of the report in ${timeout}s"
}

firmware=bios timeout=300 log=pvbus-serial.log name=pvbus-$$ keep=no
mode=vmrun
case $(uname -s) in
Darwin) vmrun_type=fusion ;;
*) vmrun_type=ws ;;
esac
while [ $# -gt 0 ]; do
	case $1 in
	--classify)
		[ $# -eq 2 ] || finish "$CODE_ERROR" error "usage: $me --classify LOG"
		log=$2
		[ -r "$log" ] || finish "$CODE_ERROR" error "cannot read $log"
		got=$(code_from_log "$log")
		[ -n "$got" ] || got="$CODE_TIMEOUT timeout the log ends before the boot did"
		# shellcheck disable=SC2086  # CODE VERDICT WHY... as words
		finish $got ;;
	--govc) mode=govc; shift; continue ;;
	--keep) keep=yes; shift; continue ;;
	--firmware|--timeout|--log|--name|--vmrun-type)
		[ $# -ge 2 ] || finish "$CODE_ERROR" error "$1 needs a value"
		case $1 in
		--firmware) firmware=$2 ;;
		--timeout) timeout=$2 ;;
		--log) log=$2 ;;
		--name) name=$2 ;;
		--vmrun-type) vmrun_type=$2 ;;
		esac
		shift 2
		continue ;;
	-*) finish "$CODE_ERROR" error "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || finish "$CODE_ERROR" error "usage: $me [--govc] [OPTION...] ISO"
iso=$1
[ -r "$iso" ] || finish "$CODE_ERROR" error "cannot read $iso"
case $firmware in bios|efi) ;; *) finish "$CODE_ERROR" error "--firmware bios or efi" ;; esac
case $timeout in ''|*[!0-9]*) finish "$CODE_ERROR" error "--timeout takes seconds" ;; esac
case $iso in /*) ;; *) iso=$PWD/$iso ;; esac
case $log in /*) ;; *) log=$PWD/$log ;; esac
rm -f "$log"

if [ "$mode" = vmrun ]; then
	command -v vmrun >/dev/null 2>&1 || finish "$CODE_ERROR" error "vmrun not found"
	dir=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || finish "$CODE_ERROR" error "mktemp"
	vmx=$dir/$name.vmx
	# A VM with no disk: the ISO on SATA (BIOS and EFI both boot it)
	# and COM1 into $log.  Hardware version 14: Workstation 14, Fusion
	# 10, ESXi 6.7 and later.
	cat > "$vmx" <<EOF
.encoding = "UTF-8"
config.version = "8"
virtualHW.version = "14"
displayName = "$name"
guestOS = "other-64"
memsize = "256"
numvcpus = "1"
firmware = "$firmware"
uefi.secureBoot.enabled = "FALSE"
bios.bootOrder = "cdrom"
sata0.present = "TRUE"
sata0:0.present = "TRUE"
sata0:0.deviceType = "cdrom-image"
sata0:0.fileName = "$iso"
sata0:0.startConnected = "TRUE"
serial0.present = "TRUE"
serial0.fileType = "file"
serial0.fileName = "$log"
serial0.startConnected = "TRUE"
floppy0.present = "FALSE"
EOF
	vmrun -T "$vmrun_type" start "$vmx" nogui ||
	    finish "$CODE_ERROR" error "vmrun start failed"
	result=$(wait_for_end)
	vmrun -T "$vmrun_type" stop "$vmx" hard >/dev/null 2>&1
	if [ "$keep" = no ]; then
		vmrun -T "$vmrun_type" deleteVM "$vmx" >/dev/null 2>&1
		rm -rf "$dir"
	fi
	# shellcheck disable=SC2086  # CODE VERDICT WHY... as words
	finish $result
fi

# ESXi or vCenter, through govc.
command -v govc >/dev/null 2>&1 || finish "$CODE_ERROR" error "govc not found"
ds=${GOVC_DATASTORE:?GOVC_DATASTORE: the datastore for the ISO and the VM}
if ! { govc datastore.mkdir -ds "$ds" -p "$name" &&
    govc datastore.upload -ds "$ds" "$iso" "$name/pvbus.iso"; }; then
	finish "$CODE_ERROR" error "could not upload the ISO to [$ds] $name/"
fi
govc vm.create -on=false -m 256 -c 1 -g otherGuest64 \
    -firmware "$firmware" -ds "$ds" -iso "$name/pvbus.iso" "$name" ||
    finish "$CODE_ERROR" error "govc vm.create failed"
cleanup() {
	govc vm.power -off -force "$name" >/dev/null 2>&1
	if [ "$keep" = no ]; then
		govc vm.destroy "$name" >/dev/null 2>&1
		govc datastore.rm -ds "$ds" -f "$name" >/dev/null 2>&1
	fi
}
if [ "$firmware" = efi ]; then
	govc device.boot -vm "$name" -secure=false >/dev/null ||
	    { cleanup; finish "$CODE_ERROR" error "could not turn Secure Boot off"; }
fi
if ! { govc device.boot -vm "$name" -order cdrom >/dev/null &&
    govc device.serial.add -vm "$name" >/dev/null &&
    govc device.serial.connect -vm "$name" "[$ds] $name/serial.log" &&
    govc vm.power -on "$name" >/dev/null; }; then
	cleanup
	finish "$CODE_ERROR" error "could not set up or power on $name"
fi
result=$(wait_for_end govc datastore.download -ds "$ds" "$name/serial.log" "$log")
govc datastore.download -ds "$ds" "$name/serial.log" "$log" >/dev/null 2>&1
cleanup
# shellcheck disable=SC2086  # CODE VERDICT WHY... as words
finish $result

#!/bin/sh
# tools/fresh-debian.sh [-j N] [--rev REV] [--mirror URL] [--keep]
#
# Prove the README's promise on a machine nobody prepared: debootstrap a
# minimal Debian 12 (bookworm, --variant=minbase) into
# build/fresh-debian/root, put a clean clone of this repository's HEAD
# (or of REV) in it (/root/pvbus; uncommitted changes are not in it),
# install only git, make and gcc (without their Recommends, the least a
# user may have), then run, as root in a chroot with /proc, /sys and
# /dev mounted (QEMU needs /dev/kvm), the README's two commands:
#
#	make -j N run		(N = 2; -j 1 is plain `make run`)
#	make -j N test
#
# Everything else must come from tools/deps.sh.  The last line is the
# verdict; the whole output is also in build/fresh-debian/log.
#
# Exit status: 0 both commands passed, 1 one failed (or the set-up
# failed), 2 usage, 77 skipped: this machine cannot run the check (not
# root, no debootstrap and no way to install it, no network to the
# mirror).  It takes minutes (debootstrap, then about 1 GB of packages)
# and is not part of `make test`.  The debootstrap .debs are kept in
# build/fresh-debian/cache for the next run; --keep keeps the root too.
set -u
jobs=2 keep=no rev=HEAD mirror=http://deb.debian.org/debian
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=${2:?}; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	--rev) rev=${2:?}; shift 2 ;;
	--rev=*) rev=${1#--rev=}; shift ;;
	--mirror) mirror=${2:?}; shift 2 ;;
	--mirror=*) mirror=${1#--mirror=}; shift ;;
	--keep) keep=yes; shift ;;
	*) echo "usage: tools/fresh-debian.sh [-j N] [--rev REV] [--mirror URL] [--keep]" >&2
	   exit 2 ;;
	esac
done
case $jobs in ''|*[!0-9]*) echo "fresh-debian: -j needs a number" >&2; exit 2 ;; esac

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$repo/build/fresh-debian
root=$work/root
log=$work/log
suite=bookworm

skip() {
	echo "fresh-debian: SKIPPED: $*"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot, mount)"
command -v debootstrap >/dev/null 2>&1 || sh "$repo/tools/deps.sh" fresh ||
    skip "no debootstrap (apt-get install debootstrap)"
for tool in debootstrap git chroot mount wget; do
	command -v $tool >/dev/null 2>&1 || skip "no $tool"
done
wget -q -T 15 -t 2 -O /dev/null "$mirror/dists/$suite/Release" ||
    skip "no network to $mirror (wget $mirror/dists/$suite/Release failed)"

mkdir -p "$work/cache"
: > "$log"
say() {
	echo "fresh-debian: $*" | tee -a "$log"
}
now() {
	date +%s
}
took() {
	echo "$(($(now) - $1)) s"
}

# Whatever is mounted under the root, deepest first.
mounted() {
	awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' \
	    /proc/self/mounts | sort -r
}
unmount_all() {
	for m in $(mounted); do
		umount -l "$m" 2>/dev/null || true
	done
}
cleanup() {
	unmount_all
	if [ "$keep" = no ] && [ -z "$(mounted)" ]; then
		rm -rf --one-file-system "$root"
	fi
}

# A root left by an interrupted run: never remove files through a
# bind mount of the host's /dev.
unmount_all
if [ -n "$(mounted)" ]; then
	echo "fresh-debian: cannot unmount $(mounted | tr '\n' ' ')" >&2
	exit 1
fi
rm -rf --one-file-system "$root"
trap cleanup EXIT
trap 'exit 1' INT TERM

t_all=$(now)
head=$(git -C "$repo" rev-parse --verify "$rev^{commit}") || exit 2
say "$rev = $(git -C "$repo" log -1 --format='%h %s' "$head")"
[ "$rev" != HEAD ] ||
    [ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] ||
    say "note: the worktree has uncommitted changes; they are not tested"

t=$(now)
say "debootstrap --variant=minbase $suite from $mirror"
if ! debootstrap --variant=minbase --cache-dir="$work/cache" "$suite" \
    "$root" "$mirror" >> "$log" 2>&1; then
	tail -n 20 "$log"
	say "FAIL: debootstrap failed after $(took "$t") (log: $log)"
	exit 1
fi
say "debootstrap: $(took "$t")"

# A fresh install has the point release's updates and security fixes.
cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://security.debian.org/debian-security $suite-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

git clone -q --no-checkout "$repo" "$root/root/pvbus" &&
    git -C "$root/root/pvbus" checkout -q --detach "$head" || {
	say "FAIL: git clone of $repo into the root failed"
	exit 1
}

mount -t proc proc "$root/proc" &&
    mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" &&
    mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" || {
	say "FAIL: cannot mount /proc, /sys and /dev in the root"
	exit 1
}

# Run a command in the root as root, with a clean environment, its
# output on the terminal and in the log; $? is its exit status.
in_root() {
	{ chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    /bin/sh -c "$1" 2>&1; echo $? > "$work/status"; } | tee -a "$log"
	return "$(cat "$work/status")"
}

t=$(now)
say "apt-get install git make gcc (no Recommends)"
in_root "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends git make gcc" >/dev/null || {
	say "FAIL: apt-get install git make gcc failed (log: $log)"
	exit 1
}
say "git make gcc: $(took "$t")"

status=0
t=$(now)
say "make -j$jobs run"
in_root "cd /root/pvbus && make -j$jobs run"
run_status=$?
say "make -j$jobs run: exit $run_status after $(took "$t")"
[ $run_status -eq 0 ] || status=1

t=$(now)
say "make -j$jobs test"
in_root "cd /root/pvbus && make -j$jobs test"
test_status=$?
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
say "make -j$jobs test: exit $test_status after $(took "$t") (${summary:-no summary})"
[ $test_status -eq 0 ] || status=1

if [ $status -eq 0 ]; then
	say "PASS: minbase $suite + git make gcc: make run and make test pass ($(took "$t_all") in all)"
else
	say "FAIL: make run exit $run_status, make test exit $test_status ($(took "$t_all") in all; log: $log)"
fi
exit $status

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The README's promise, checked where the developer's machine cannot help:
# a Debian bookworm root made by debootstrap --variant=minbase, a user with
# sudo, a fresh clone of this repository, then `make run` (the per-doorbell
# table, with what the RTOS core read) and `make` (every artefact).  Only
# what the README lists as prerequisites (git, make, sudo) is added before.
#
# Cached between runs, none of it able to hide a missing install step:
#   CACHE/fresh/minbase.tar   the untouched debootstrap output
#   CACHE/fresh/archives/     downloaded .deb files (apt still installs them)
# Each run unpacks a new root from the tarball and removes it at the end.
#
# Usage: scripts/fresh-check.sh CACHE_DIR   (as root, or with sudo)
# Exit 0 when both commands work; otherwise 1, naming what was missing.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	exec sudo -E "$0" "$@"
fi

cache=${1:?usage: fresh-check.sh CACHE_DIR}
mkdir -p "$cache/fresh/archives"
cache=$(cd "$cache" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
fresh="$cache/fresh"
root="$fresh/root"
log="$fresh/log"
user=vnlm
suite=bookworm
mkdir -p "$log"

say() { echo "fresh-check: $*"; }

# Only debootstrap comes from the host: it is what makes the fresh machine.
if ! command -v debootstrap >/dev/null; then
	say "installing debootstrap on the host"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		debootstrap >/dev/null
fi

# The Debian mirror the host uses (its apt sources), never a name in git.
mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/\?$/\1/p' /etc/apt/sources.list.d/*.sources \
	 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(\[[^]]*\] \)\?\([^ ]*\/debian\)\/\? .*/\2/p' \
			     /etc/apt/sources.list 2>/dev/null | head -1)
[ -n "$mirror" ] || { say "no Debian mirror in the host's apt sources"; exit 1; }

cleanup() {
	set +e
	for m in dev/pts dev proc sys var/cache/apt/archives; do
		mountpoint -q "$root/$m" && umount -l "$root/$m"
	done
	rm -rf "$root"
}
trap cleanup EXIT
cleanup
trap cleanup EXIT

if [ ! -s "$fresh/minbase.tar" ]; then
	say "debootstrap --variant=minbase $suite (once; cached as minbase.tar)"
	rm -rf "$fresh/boot"
	debootstrap --variant=minbase "$suite" "$fresh/boot" "$mirror" >"$log/debootstrap.log" 2>&1 ||
		{ tail -20 "$log/debootstrap.log"; say "debootstrap failed"; exit 1; }
	tar -C "$fresh/boot" -cf "$fresh/minbase.tar.tmp" .
	mv "$fresh/minbase.tar.tmp" "$fresh/minbase.tar"
	rm -rf "$fresh/boot"
fi
mkdir -p "$root"
tar -C "$root" -xf "$fresh/minbase.tar"

# What a fresh install has that debootstrap leaves out: the security and
# updates suites (as the host has them), DNS, and no daemons started.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
	: >"$root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
echo "127.0.1.1 $(cat "$root/etc/hostname" 2>/dev/null || hostname)" >>"$root/etc/hosts"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount --bind "$fresh/archives" "$root/var/cache/apt/archives"

in_root() { chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

# The README's prerequisites, as the new user's administrator would run them.
say "prerequisites: git make sudo, user '$user' with sudo"
in_root sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends git make sudo" >"$log/prereq.log" 2>&1 ||
	{ tail -20 "$log/prereq.log"; say "installing the prerequisites failed"; exit 1; }
in_root useradd -m -s /bin/bash "$user"
echo "$user ALL=(ALL) NOPASSWD: ALL" >"$root/etc/sudoers.d/$user"
chmod 440 "$root/etc/sudoers.d/$user"

# A clone of what is committed, plus tracked edits not yet committed (so a
# developer can check before committing); untracked files never come along.
rev=$(git -C "$top" stash create 2>/dev/null || true)
rev=${rev:-$(git -C "$top" rev-parse HEAD)}
dest="$root/home/$user/vnet-link-mirror"
git clone -q --no-checkout "$top" "$dest"
git -C "$dest" fetch -q "$top" "$rev"
git -C "$dest" -c advice.detachedHead=false checkout -q FETCH_HEAD
uid=$(in_root id -u "$user")
chown -R "$uid:$uid" "$dest"
say "clone of $(git -C "$top" rev-parse --short HEAD)${rev:+ ($rev)}"

as_user() {
	chroot "$root" env -i HOME="/home/$user" USER="$user" LOGNAME="$user" \
		PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
		setpriv --reuid="$uid" --regid="$uid" --init-groups \
		sh -c "cd /home/$user/vnet-link-mirror && $1"
}

# Name what was missing: the lines of a failed log that say so.
missing() {
	grep -E "command not found|No such file or directory|not found|cannot find|\
failed to find|Unable to locate|fatal error" "$1" | grep -v '^+' | sort -u | head -20 |
		sed 's/^/fresh-check: missing: /'
}

fail=0
say "make run (as $user, from nothing)"
start=$(date +%s)
if as_user "make run" >"$log/make-run.log" 2>&1; then
	t_run=$(( $(date +%s) - start ))
	# The table: each step's row with the doorbell number the RTOS took and
	# what it read; a cable plug must show LINK_UP at 1000 Mb/s full.
	rows=$(grep -cE '^\S.*#[0-9]+ +[0-9]+ ' "$log/make-run.log" || true)
	if grep -qE '#[0-9]+ +[0-9]+ +LINK_UP.*1000Mb/s +full' "$log/make-run.log" &&
	   grep -qE '#[0-9]+ +[0-9]+ +down +unknown' "$log/make-run.log"; then
		say "make run: ok in ${t_run} s, $rows doorbell rows"
		sed -n '/^step /,/^$/p' "$log/make-run.log" | head -12
	else
		tail -30 "$log/make-run.log"
		say "make run finished but showed no RTOS reads of both link states"
		fail=1
	fi
else
	t_run=$(( $(date +%s) - start ))
	tail -30 "$log/make-run.log"
	missing "$log/make-run.log"
	say "make run FAILED after ${t_run} s (log: $log/make-run.log)"
	fail=1
fi

if [ $fail -eq 0 ]; then
	say "make (every artefact)"
	if as_user "make" >"$log/make.log" 2>&1; then
		for f in driver/vnet-link-mirror.ko test/kmod/amp-peer-ctl.ko build/rtos-peer.bin \
			 build/vnlm-dtb build/fuzz-dtb build/guest-tools/vnlm-flap \
			 build/guest-tools/vnlm-linkd build/guest-tools/vnlm-churn \
			 build/rtos-peer-arm.bin build/rtos-peer-imx6.bin build/guest-tools-arm/vnlm-flap; do
			[ -s "$dest/$f" ] || { say "make built no $f"; fail=1; }
		done
		[ $fail -eq 0 ] && say "make: every artefact built"
	else
		tail -30 "$log/make.log"
		missing "$log/make.log"
		say "make FAILED (log: $log/make.log)"
		fail=1
	fi
fi

du_cache=$(du -sh "$dest/.cache" 2>/dev/null | cut -f1)
du_build=$(du -sh "$dest/build" 2>/dev/null | cut -f1)
du_pkgs=$(du -sxh --exclude=home --exclude=archives "$root" 2>/dev/null | cut -f1)
say "disk: the clone's .cache ${du_cache:-none}, build/ ${du_build:-none}; the root with \
every package installed ${du_pkgs:-?} (minbase alone $(du -sh "$fresh/minbase.tar" | cut -f1))"
if [ $fail -eq 0 ]; then
	say "PASS"
else
	say "FAIL"
fi
exit $fail

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch and unpack lwIP from Debian bookworm's own `lwip` source package
# (Debian's patches applied by dpkg-source), for the RTOS test peer, which
# builds lwIP's core freestanding (NO_SYS=1; test/rtos-peer/lwip/).
#
# The source is reached as scripts/build-uboot.sh reaches u-boot's: through a
# private apt view with one deb-src line (CACHE/lwip/apt-view/: own sources,
# lists and cache, on the host's own Debian mirror; scripts/lib/apt-view.sh),
# refreshed once a day at most; the system's apt
# configuration is never touched and no root is needed (apt-get source
# --download-only, dpkg-source -x).  Whatever version the index offers is
# taken (nothing pinned); the unpacked tree is cached per version in
# CACHE/lwip/VERSION/src, so a second run costs nothing.
#
# Usage: scripts/fetch-lwip.sh CACHE_DIR   (prints the path of the source tree)
set -euo pipefail

cache=${1:?usage: fetch-lwip.sh CACHE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/apt-view.sh
. "$here/lib/apt-view.sh"

die() { echo "fetch-lwip: $*" >&2; exit 1; }
say() { echo "fetch-lwip: $*" >&2; }

for t in apt-get apt-cache dpkg-source flock; do
	command -v "$t" >/dev/null || die "$t not found (make deps)"
done
mkdir -p "$cache/lwip"
cache=$(cd "$cache" && pwd)
exec 9>"$cache/lwip/.lock"
flock 9

# --- the private apt view (deb-src only; scripts/lib/apt-view.sh) ------------
# The index is refreshed once a day at most.
view="$cache/lwip/apt-view"
apt_view_init "$view" "deb-src bookworm main" || exit 1
apt_view_update "$view" fetch-lwip
ver=$(apt-cache "${apt_opts[@]}" showsrc lwip 2>/dev/null |
	awk '$1 == "Version:" { print $2 }' | sort -V | tail -1 || true)
if [ -z "$ver" ]; then
	# Offline with a tree already unpacked: use the newest cached one.
	last="$cache/lwip/last"
	if ! [ -s "$last" ] || ! [ -d "$cache/lwip/$(cat "$last")/src/src/core" ]; then
		die "cannot resolve the lwip source (see $view/update.log)"
	fi
	say "source index unavailable; using the last one, $(cat "$last")"
	echo "$cache/lwip/$(cat "$last")/src"
	exit 0
fi

out="$cache/lwip/$ver"
if [ -d "$out/src/src/core" ]; then
	say "lwip $ver (cached)"
	echo "$out/src"
	exit 0
fi

work="$cache/lwip/.work-$ver"
rm -rf "$work"
mkdir -p "$work"
say "fetching lwip $ver source"
(cd "$work" && apt-get "${apt_opts[@]}" -q source --download-only "lwip=$ver" >fetch.log 2>&1) ||
	{ cat "$work/fetch.log" >&2; die "apt-get source failed"; }
dsc=$(ls "$work"/lwip_*.dsc)
# The tarballs' checksums against the .dsc are always checked.
(cd "$work" && dpkg-source -x "$dsc" src >unpack.log 2>&1) ||
	{ cat "$work/unpack.log" >&2; die "dpkg-source -x failed"; }
[ -f "$work/src/src/core/netif.c" ] || die "no src/core/netif.c in lwip $ver"

mkdir -p "$out.tmp"
mv "$work/src" "$out.tmp/src"
echo "$ver" >"$out.tmp/source-version"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$work"
echo "$ver" >"$cache/lwip/last"
say "lwip $ver unpacked in $out/src"
echo "$out/src"

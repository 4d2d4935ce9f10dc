#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A sparse that can check the newest kernels.  Since 6.15 the kernel's
# headers use __typeof_unqual__ and its Makefile refuses a sparse that
# cannot parse it (scripts/checker-valid.sh: "sparse is not available or
# not up to date"); no released sparse can (0.6.4, in bookworm and trixie),
# Debian testing's can (0.6.5~rc1 today).  This takes the `sparse` binary
# package of Debian testing (forky), resolved from its index at fetch time
# (nothing pinned), through a private apt view (scripts/lib/apt-view.sh),
# and unpacks it with dpkg-deb into CACHE/tools/sparse/VERSION/.  It needs
# glibc 2.38: it runs inside the trixie root, as the trixie lanes' builds do.
#
# Usage: scripts/fetch-sparse.sh CACHE_DIR   (prints the sparse binary's path)
set -euo pipefail

cache=${1:?usage: fetch-sparse.sh CACHE_DIR}
suite=${SPARSE_SUITE:-testing}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/apt-view.sh
. "$here/lib/apt-view.sh"

die() { echo "fetch-sparse: $*" >&2; exit 1; }
say() { echo "fetch-sparse: $*" >&2; }

for t in apt-get apt-cache dpkg-deb flock; do
	command -v "$t" >/dev/null || die "$t not found (make deps)"
done
mkdir -p "$cache/tools/sparse"
cache=$(cd "$cache" && pwd)
top="$cache/tools/sparse"
exec 9>"$top/.lock"
flock 9

view="$top/apt-view"
apt_view_init "$view" "deb $suite main" -- -o APT::Architecture=amd64 || exit 1
apt_view_update "$view" fetch-sparse
ver=$(apt-cache "${apt_opts[@]}" show sparse 2>/dev/null |
	awk '$1 == "Version:" { print $2 }' | sort -V | tail -1 || true)
if [ -z "$ver" ]; then
	last="$top/last"
	if [ -s "$last" ] && [ -x "$top/$(cat "$last")/usr/bin/sparse" ]; then
		say "index unavailable; using the last one, $(cat "$last")"
		echo "$top/$(cat "$last")/usr/bin/sparse"
		exit 0
	fi
	die "cannot resolve sparse in Debian $suite (see $view/update.log)"
fi

out="$top/$ver"
if [ -x "$out/usr/bin/sparse" ]; then
	say "sparse $ver from Debian $suite (cached)"
	echo "$out/usr/bin/sparse"
	exit 0
fi
say "fetching sparse $ver from Debian $suite"
(cd "$view/cache/archives" && apt-get "${apt_opts[@]}" -q download "sparse=$ver" \
	>"$view/download.log" 2>&1) || { cat "$view/download.log" >&2; die "apt-get download failed"; }
deb=$(find "$view/cache/archives" -maxdepth 1 -name 'sparse_*.deb' | sort -V | tail -1)
rm -rf "$out.tmp"
dpkg-deb -x "$deb" "$out.tmp"
[ -x "$out.tmp/usr/bin/sparse" ] || die "no usr/bin/sparse in $deb"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$ver" >"$top/last"
say "sparse $ver unpacked in $out"
echo "$out/usr/bin/sparse"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch the newest kernel source Debian carries: the highest
# linux-source-X.Y binary package in trixie-backports, resolved at fetch
# time (never pinned), so the in-tree series and the debug kernel follow
# Debian as it moves (7.2, then 7.3, ...).  The versioned package names
# are compared, not the "linux-source" metapackage: the metapackage may
# lag or lead the source packages within a suite, and only the versioned
# name says which tarball (usr/src/linux-source-X.Y.tar.xz) is inside.
#
# The suite is read through a private apt view (CACHE/apt-view/
# trixie-backports-source/: own sources, lists and cache, on the mirror of
# the host's own apt sources; scripts/lib/apt-view.sh), as
# scripts/fetch-kernel.sh does, its index updated on every run: nothing is
# installed and the system's apt configuration is never touched.  The
# tarball is kept in CACHE/kernel-source/PKG_VERSION/; a version already
# there costs one apt-get update and no download.
#
# When the index cannot be downloaded at all (no network), the newest
# tarball already in the cache is used and that is said on stderr; with
# nothing cached the script fails.
#
# Usage: scripts/fetch-kernel-source.sh CACHE_DIR
#   prints one line: PACKAGE VERSION TARBALL (e.g. linux-source-7.2
#   7.2.12-1~bpo13+1 /cache/kernel-source/.../linux-source-7.2.tar.xz)
set -euo pipefail

cache=${1:?usage: fetch-kernel-source.sh CACHE_DIR}
suite=trixie-backports
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/apt-view.sh
. "$here/lib/apt-view.sh"
say() { echo "fetch-kernel-source: $*" >&2; }
die() { say "$*"; exit 1; }

for t in apt-get apt-cache dpkg-deb flock; do
	command -v "$t" >/dev/null || die "$t not found"
done
mkdir -p "$cache/kernel-source" "$cache/apt-view"
cache=$(cd "$cache" && pwd)
store="$cache/kernel-source"
exec 9>"$store/.lock"
flock 9

# The mirror the host already uses (its apt sources), never a name in git
# (scripts/lib/apt-view.sh).  linux-source-* is Architecture: all; the
# host's architecture index lists it.
view="$cache/apt-view/$suite-source"
apt_view_init "$view" "deb $suite main" -- \
	-o APT::Architectures::="$(dpkg --print-architecture)" || exit 1

cached_newest() {
	# kernel-source/linux-source-X.Y_VERSION/ dirs that finished (.done)
	local d best=''
	for d in "$store"/*/.done; do
		[ -f "$d" ] || continue
		best+="$(basename "$(dirname "$d")")"$'\n'
	done
	printf '%s' "$best" | sort -V | tail -1
}

pkg='' ver=''
# Updated on every run (not apt_view_update's once a day): the newest
# version is wanted.  apt-get update exits 0 even when an index failed to
# download (it warns); only a list file for the suite shows the index is
# really there.
if apt-get "${apt_opts[@]}" -q update >"$view/update.log" 2>&1 &&
	ls "$view/lists/"*"_${suite}_"*Packages* >/dev/null 2>&1 &&
	! grep -q '^\(W\|E\): Failed to fetch' "$view/update.log"; then
	# The versioned names, compared as versions: 7.10 sorts after 7.9.
	pkg=$(apt-cache "${apt_opts[@]}" pkgnames linux-source- |
		grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -V | tail -1) ||
		die "no linux-source-X.Y package in $suite"
	ver=$(apt-cache "${apt_opts[@]}" policy "$pkg" | sed -n 's/^ *Candidate: *//p')
	case "$ver" in '' | '(none)') die "$pkg has no candidate version in $suite" ;; esac
else
	sed 's/^/  /' "$view/update.log" >&2
	last=$(cached_newest)
	[ -n "$last" ] || die "the $suite index did not download and nothing is cached"
	say "the $suite index did not download: using the newest cached source, $last"
	pkg=${last%%_*} ver=${last#*_}
fi

series=${pkg#linux-source-}
dir="$store/${pkg}_$ver"
tarball="$dir/linux-source-$series.tar.xz"
if [ ! -f "$dir/.done" ]; then
	say "downloading $pkg $ver from $suite"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	start=$(date +%s)
	(cd "$dir.tmp" && apt-get "${apt_opts[@]}" -q download "$pkg=$ver" >download.log 2>&1) ||
		{ cat "$dir.tmp/download.log" >&2; die "apt-get download $pkg=$ver failed"; }
	# Only the tarball is wanted out of the .deb (the rest is docs).
	dpkg-deb --fsys-tarfile "$dir.tmp"/*.deb |
		tar -x -C "$dir.tmp" --strip-components=3 "./usr/src/linux-source-$series.tar.xz" ||
		die "$pkg $ver has no usr/src/linux-source-$series.tar.xz"
	rm -f "$dir.tmp"/*.deb
	touch "$dir.tmp/.done"
	mv "$dir.tmp" "$dir"
	say "$pkg $ver fetched in $(( $(date +%s) - start )) s"
	# Older versions are of no more use to the debug kernel: reclaim the space.
	for old in "$store"/*/; do
		[ "${old%/}" = "$dir" ] || rm -rf "$old"
	done
fi
echo "$pkg $ver $tarball"

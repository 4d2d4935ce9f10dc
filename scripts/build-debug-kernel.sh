#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the debug kernel (KASAN, lockdep, kmemleak, refcount tracker,
# debug objects, UBSAN, KUnit) from the newest kernel source Debian
# carries (scripts/fetch-kernel-source.sh: the highest linux-source-X.Y in
# trixie-backports, resolved at every run, never pinned) with the fragment
# test/debug-kernel/debug.config, into CACHE/debug-kernels/<hash>, reused
# while the fragment, the source package and the driver are unchanged.
# Upstream takes new drivers only against its newest tree: the series is
# judged against the newest tree we can get, and lockdep there knows the
# newest locking rules (7.x: the netdev instance lock).
#
# The driver goes in as a maintainer would take it: the patch series of
# scripts/intree-series.sh applied to the tree, CONFIG_VNET_LINK_MIRROR=y
# and its KUnit suite =y; the series stays in patches/ beside the tree for
# make check's in-tree checks (test/cases/host_intree.py).  That Image is
# kept as Image-builtin.  A copy of the built tree is then rebuilt with
# both =m (incremental), kept as Image-modular with its modules in
# modroot-modular, so the KUnit suite is run both ways.
#
# Usage: scripts/build-debug-kernel.sh CACHE_DIR   (prints the build dir)
#        scripts/build-debug-kernel.sh --series CACHE_DIR DIR
#            only make the series (with its cover letter) in DIR/patches and
#            DIR/vnet-link-mirror.mbox: make series, and make check compares
#            it with the one the cached kernel has
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: build-debug-kernel.sh CACHE_DIR | --series CACHE_DIR DIR"

# The newest source package: "PACKAGE VERSION TARBALL".
fetch_source() {
	read -r srcpkg srcver tarball < <("$top/scripts/fetch-kernel-source.sh" "$1") &&
		[ -f "${tarball:-}" ] || { echo "debug kernel: no kernel source" >&2; exit 1; }
	tree=${srcpkg}   # the tarball's top directory: linux-source-X.Y
}

# The series depends on the tree's drivers/net/{Kconfig,Makefile},
# MAINTAINERS and the documentation indexes it hooks into, so it is made
# against a partial extraction first: its text is part of the cache key.
make_series() {
	local f files=()
	for f in $("$top/scripts/intree-series.sh" --base-files); do files+=("$tree/$f"); done
	tar -C "$1" -xf "$tarball" "$tree/Makefile" "$tree/scripts/get_maintainer.pl" "${files[@]}"
	"$top/scripts/intree-series.sh" --cover-letter "$1/$tree" "$1/patches" >/dev/null
	# The mbox to send (git send-email) or to apply (git am --empty=drop
	# skips the cover letter): the patches in order, each a message.
	cat "$1"/patches/*.patch >"$1/vnet-link-mirror.mbox"
}

if [ "${1:-}" = --series ]; then
	fetch_source "${2:?$usage}"
	make_series "$(cd "${3:?$usage}" && pwd)"
	exit 0
fi
cache=$(cd "${1:?$usage}" && pwd)
frag="$top/test/debug-kernel/debug.config"
fetch_source "$cache"
series=$(mktemp -d)
trap 'rm -rf "$series"' EXIT
make_series "$series"
# The key: what the tree is built from, which is the patches' diffs (from
# each one's "---" on).  Their mail headers (recipients, dates), messages
# and the cover letter (0000) are text for the reader only: a new wording
# rebuilds nothing.
hash=$( (cat "$frag" "$0"; echo "$srcpkg $srcver"
	for p in "$series"/patches/000[1-9]*.patch; do sed -n '/^---$/,$p' "$p"; done) |
	sha256sum | cut -c1-12)
out="$cache/debug-kernels/$hash"

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
echo "debug kernel: extracting $srcpkg $srcver" >&2
t0=$(date +%s)
tar -C "$out" -xf "$tarball"
echo "debug kernel: extracted in $(( $(date +%s) - t0 )) s" >&2
src="$out/$tree"
echo "$srcpkg $srcver" >"$out/source"
mkdir -p "$out/patches"
cp "$series"/patches/*.patch "$series/vnet-link-mirror.mbox" "$out/patches/"
for p in "$out"/patches/000[1-9]*.patch; do
	patch -d "$src" -p1 -s <"$p" || { echo "debug kernel: $p does not apply" >&2; exit 1; }
done
{ cat "$frag"; echo CONFIG_VNET_LINK_MIRROR=y; echo CONFIG_VNET_LINK_MIRROR_KUNIT_TEST=y; } \
	>"$out/debug.config"
frag="$out/debug.config"
km=(make -C "$src" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -j2)
"${km[@]}" allnoconfig >/dev/null
(cd "$src" && ARCH=arm64 scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null)
"${km[@]}" olddefconfig >/dev/null
# A fragment line the kernel dropped (renamed, gone, or an unmet
# dependency) is a checker we would silently lack: every line must hold,
# =n ones as "is not set", values as written.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) want="# ${line%=n} is not set" ;;
	CONFIG_*=*) want=$line ;;
	*) continue ;;
	esac
	grep -qxF "$want" "$src/.config" ||
		{ echo "debug kernel: $line did not stick ($srcpkg $srcver)" >&2; missing=1; }
done <"$frag"
[ $missing -eq 0 ] || exit 1
echo "debug kernel: building $srcpkg $srcver (about 10 minutes on 2 cores)" >&2
start=$(date +%s)
"${km[@]}" Image modules >"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; exit 1; }
"${km[@]}" INSTALL_MOD_PATH="$out/modroot" modules_install >/dev/null
cp "$src/arch/arm64/boot/Image" "$out/Image-builtin"
echo "debug kernel: built in $(( $(date +%s) - start )) s; now a copy with the driver as a module" >&2
# The modular variant is built in a copy of the finished tree (incremental:
# only what depends on the two options), so the tree the in-tree checks and
# the test module build against stays exactly the one Image-builtin came from.
mod="$out/modular-tree"
rm -rf "$mod"
cp -a "$src" "$mod"
sed -i -e 's/^CONFIG_VNET_LINK_MIRROR=y$/CONFIG_VNET_LINK_MIRROR=m/' \
	-e 's/^CONFIG_VNET_LINK_MIRROR_KUNIT_TEST=y$/CONFIG_VNET_LINK_MIRROR_KUNIT_TEST=m/' "$mod/.config"
kmm=(make -C "$mod" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -j2)
"${kmm[@]}" olddefconfig >/dev/null
for opt in CONFIG_VNET_LINK_MIRROR=m CONFIG_VNET_LINK_MIRROR_KUNIT_TEST=m; do
	grep -qx "$opt" "$mod/.config" || { echo "debug kernel: $opt did not stick" >&2; exit 1; }
done
"${kmm[@]}" Image modules >>"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; exit 1; }
"${kmm[@]}" INSTALL_MOD_PATH="$out/modroot-modular" modules_install >/dev/null
cp "$mod/arch/arm64/boot/Image" "$out/Image-modular"
rm -rf "$mod"
echo "debug kernel: both built in $(( $(date +%s) - start )) s" >&2
touch "$out/.done"
# Builds of the same source package for other fragments, versions or
# series are stale: reclaim the space.  Builds of another package (the
# cache may be shared with a checkout still on an older source) stay.
# (CACHE/debug-kernels/, not the 6.1 builds' CACHE/debug-kernel/: those
# builds' script removed every other build there when it finished.)
for old in "$cache"/debug-kernels/*/; do
	[ "${old%/}" != "$out" ] && [ -f "$old/source" ] &&
		[ "$(cut -d' ' -f1 "$old/source")" = "$srcpkg" ] && rm -rf "$old"
done
echo "$out"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the debug kernel (KASAN, lockdep, kmemleak, refcount tracker,
# debug objects, UBSAN, KUnit) from Debian's linux-source-6.1 with the
# fragment test/debug-kernel/debug.config, into CACHE/debug-kernel/<hash>,
# reused while the fragment and the source package are unchanged.
#
# Usage: tools/build-debug-kernel.sh CACHE_DIR   (prints the build dir)
set -euo pipefail

cache=$(cd "${1:?usage: build-debug-kernel.sh CACHE_DIR}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
frag="$top/test/debug-kernel/debug.config"
tarball=/usr/src/linux-source-6.1.tar.xz
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
hash=$( (cat "$frag"; echo "$srcver") | sha256sum | cut -c1-12)
out="$cache/debug-kernel/$hash"

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
echo "debug kernel: extracting linux-source-6.1 $srcver" >&2
tar -C "$out" -xf "$tarball"
src="$out/linux-source-6.1"
km=(make -C "$src" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -j"$(nproc)")
"${km[@]}" allnoconfig >/dev/null
(cd "$src" && ARCH=arm64 scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null)
"${km[@]}" olddefconfig >/dev/null
# A fragment line the kernel dropped is a checker we would silently lack.
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=y|CONFIG_*=m) ;; *) continue ;; esac
	grep -qx "$line" "$src/.config" || { echo "debug kernel: $line did not stick" >&2; missing=1; }
done <"$frag"
[ $missing -eq 0 ] || exit 1
echo "debug kernel: building (about 10 minutes on 2 cores)" >&2
start=$(date +%s)
"${km[@]}" Image modules >"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; exit 1; }
"${km[@]}" INSTALL_MOD_PATH="$out/modroot" modules_install >/dev/null
echo "debug kernel: built in $(( $(date +%s) - start )) s" >&2
touch "$out/.done"
# Builds for other fragments or source versions are stale: reclaim the space.
for old in "$cache"/debug-kernel/*/; do
	[ "${old%/}" = "$out" ] || rm -rf "$old"
done
echo "$out"

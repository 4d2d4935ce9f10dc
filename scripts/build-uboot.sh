#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build U-Boot with device-tree overlay support from Debian's own u-boot
# source package for bookworm (Debian's patches applied by dpkg-source), for
# one of two boards:
#   qemu_arm64     (default) the QEMU virt board: qemu_arm64_defconfig plus
#                  scripts/uboot/vnlm-overlay.config, aarch64-linux-gnu-;
#                  the result is u-boot.bin (QEMU -bios).
#   mx6qsabrelite  the NXP i.MX6Quad SABRE Lite (QEMU -M sabrelite):
#                  mx6qsabrelite_defconfig plus scripts/uboot/vnlm-sabrelite.config,
#                  arm-linux-gnueabihf-; the result is the ELF `u-boot`
#                  (QEMU -kernel; the DTB embedded, as QEMU's docs ask).
# Debian's binary u-boot-qemu lacks CONFIG_OF_LIBFDT_OVERLAY, so `fdt apply`
# and FIT overlay configurations are unavailable there.
#
# The source is reached through a private apt view with one deb-src line
# (CACHE/uboot/apt-view/: own sources, lists and cache, on the host's
# own Debian mirror; scripts/lib/apt-view.sh, its index refreshed once a
# day at most), as scripts/fetch-kernel.sh does: the system's apt
# configuration is never touched and no root is needed (apt-get source
# --download-only, dpkg-source -x).
#
# The result is cached in CACHE/uboot/KEY/, KEY a hash of the source version,
# the defconfig, the cross compiler and the fragment: a second run costs
# nothing.
#
# Usage: scripts/build-uboot.sh CACHE_DIR [BOARD]
#   prints the path of the image (u-boot.bin for qemu_arm64, u-boot for
#   mx6qsabrelite)
set -euo pipefail

cache=${1:?usage: build-uboot.sh CACHE_DIR [qemu_arm64|mx6qsabrelite]}
board=${2:-qemu_arm64}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/apt-view.sh
. "$here/lib/apt-view.sh"
case "$board" in
qemu_arm64)
	frag="$here/uboot/vnlm-overlay.config"
	defconfig=qemu_arm64_defconfig
	cross=aarch64-linux-gnu-
	image="u-boot.bin"
	last_name=last
	;;
mx6qsabrelite)
	frag="$here/uboot/vnlm-sabrelite.config"
	defconfig=mx6qsabrelite_defconfig
	cross=arm-linux-gnueabihf-
	image="u-boot"
	last_name="last-mx6qsabrelite"
	;;
*)
	echo "build-uboot: unknown board $board (qemu_arm64, mx6qsabrelite)" >&2
	exit 2
	;;
esac

die() { echo "build-uboot: $*" >&2; exit 1; }
say() { echo "build-uboot: $*" >&2; }

for t in apt-get apt-cache dpkg-source flock sha256sum "${cross}gcc" bison flex; do
	command -v "$t" >/dev/null || die "$t not found (make deps)"
done
mkdir -p "$cache/uboot"
cache=$(cd "$cache" && pwd)
exec 9>"$cache/uboot/.lock"
flock 9

# --- the private apt view (deb-src only; scripts/lib/apt-view.sh) ------------
# The index is refreshed once a day at most: the cache key needs the version.
view="$cache/uboot/apt-view"
apt_view_init "$view" "deb-src bookworm main" "deb-src bookworm-updates main" || exit 1
apt_view_update "$view" build-uboot
ver=$(apt-cache "${apt_opts[@]}" showsrc u-boot 2>/dev/null |
	awk '$1 == "Version:" { print $2 }' | sort -V | tail -1 || true)
if [ -z "$ver" ]; then
	# Offline with a build already done: use the newest cached one.
	last="$cache/uboot/$last_name"
	if ! [ -s "$last" ] || ! [ -f "$cache/uboot/$(cat "$last")" ]; then
		die "cannot resolve the u-boot source (see $view/update.log)"
	fi
	say "source index unavailable; using the last build, $(cat "$last")"
	echo "$cache/uboot/$(cat "$last")"
	exit 0
fi

key=$( { echo "u-boot $ver $defconfig $cross"; cat "$frag"; } | sha256sum | cut -c1-16)
out="$cache/uboot/$key"
if [ -f "$out/$image" ]; then
	say "u-boot $ver $board (cached, $key)"
	echo "$out/$image"
	exit 0
fi

# --- fetch, unpack, build --------------------------------------------------
work="$cache/uboot/.work-$key"
rm -rf "$work"
mkdir -p "$work"
say "fetching u-boot $ver source"
(cd "$work" && apt-get "${apt_opts[@]}" -q source --download-only "u-boot=$ver" >fetch.log 2>&1) ||
	{ cat "$work/fetch.log" >&2; die "apt-get source failed"; }
dsc=$(ls "$work"/u-boot_*.dsc)
# dpkg-source verifies the .dsc signature when it can; the checksums of the
# tarballs against the .dsc are always checked.
(cd "$work" && dpkg-source -x "$dsc" src >unpack.log 2>&1) ||
	{ cat "$work/unpack.log" >&2; die "dpkg-source -x failed"; }

say "building $defconfig + ${frag##*/}"
src="$work/src"
build="$work/build"
jobs=$(nproc)
mk=(make -C "$src" O="$build" ARCH=arm CROSS_COMPILE="$cross" -j"$jobs" -s)
"${mk[@]}" $defconfig >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "defconfig failed"; }
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$frag" >>"$work/build.log" 2>&1 ||
	{ tail -30 "$work/build.log" >&2; die "merge_config failed"; }
"${mk[@]}" olddefconfig >>"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "olddefconfig failed"; }
# Every line of the fragment must have survived Kconfig.
fname=${frag##*/}
while IFS= read -r line; do
	case "$line" in CONFIG_*) grep -qx "$line" "$build/.config" ||
		die "$line from $fname did not survive Kconfig" ;; esac
done <"$frag"
"${mk[@]}" "$image" >>"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "build failed (see $work/build.log)"; }

mkdir -p "$out.tmp"
cp "$build/$image" "$build/.config" "$out.tmp/"
echo "$ver" >"$out.tmp/source-version"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$work"
echo "$key/$image" >"$cache/uboot/$last_name"
say "u-boot $ver $board built in $out"
echo "$out/$image"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch and unpack one real Debian kernel per lane (image, headers and the
# kbuild they were built with) into CACHE/kernels/root-LANE-ABI/, and write
# CACHE/kernels/LANE.env for scripts/build-lane.sh and the test harness.
#
#   lane             metapackage             suites
#   bookworm-arm64   linux-image-arm64       bookworm, -updates, -security
#   bullseye-arm64   linux-image-arm64       bullseye, -updates, -security
#   backports-arm64  linux-image-arm64       bookworm-backports
#   rt-arm64         linux-image-rt-arm64    bookworm, -updates, -security
#   bookworm-armhf   linux-image-armmp-lpae  bookworm, -updates, -security
#   bookworm-armmp   linux-image-armmp       bookworm, -updates, -security
#                    (non-LPAE ARMv7: Cortex-A9 SoCs, the sabrelite board)
#   trixie-arm64     linux-image-arm64       trixie, -updates, -security
#   newest-arm64     linux-image-arm64       trixie-backports (the newest
#                                            Debian kernel: 7.3 on 2026-12-05)
#
# The trixie lanes' kbuild (fixdep, modpost; amd64) needs libc6 >= 2.38,
# which the bookworm host does not have (2.36), and their kernels were
# built with gcc-14: their modules build in a trixie root
# (scripts/trixie-root.sh), named in the env file as KBUILD_ROOT, in which
# scripts/build-lane.sh runs the kernel's make.  Making and entering that root
# needs root (a user with sudo is asked through sudo).
#
# Debian's 7.x packaging splits the image: linux-image-ABI is a small
# package that depends on linux-binary-ABI (the kernel, in
# usr/lib/modules/RELEASE/vmlinuz), linux-modules-ABI and linux-base-ABI
# (config, System.map, DTBs), and there is no -unsigned package.  The
# split packages are followed from the image's Depends.
#
# The ABI is resolved from the metapackage at fetch time, never pinned: the
# highest version of it in the lane's suites, then its Depends.  The suites
# are read through a private apt view (CACHE/apt-view/SUITES-ARCH/: own
# sources, lists and cache, on the mirrors of the host's own apt sources;
# scripts/lib/apt-view.sh), its index updated on every fetch, so the
# system's apt configuration is never touched and no root is needed.
# Only apt-get update and download run there; nothing is installed.
#
# An index that fails to download (mirror mid-sync, or no such index)
# makes apt drop that whole suite; the lane then resolves from the suites
# that did download and says so.  The view holds only the lane's
# architecture and the host's (kbuild), so another architecture's broken
# index cannot hide a suite.
#
# A lane already unpacked costs nothing (no apt, no network).
#
# Usage: scripts/fetch-kernel.sh CACHE_DIR LANE   (prints the env file's path)
set -euo pipefail

usage="usage: fetch-kernel.sh CACHE_DIR bookworm-arm64|bullseye-arm64|backports-arm64|rt-arm64|bookworm-armhf|bookworm-armmp|trixie-arm64|newest-arm64"
cache=${1:?$usage}
lane=${2:?$usage}

die() { echo "fetch-kernel: $lane: $*" >&2; exit 1; }
say() { echo "fetch-kernel: $lane: $*" >&2; }

# kroot: the suite of the root the lane's modules build in (empty: the host).
kroot=
case "$lane" in
bookworm-arm64)  meta=linux-image-arm64      arch=arm64 base=bookworm ;;
bullseye-arm64)  meta=linux-image-arm64      arch=arm64 base=bullseye ;;
backports-arm64) meta=linux-image-arm64      arch=arm64 base=bookworm-backports ;;
rt-arm64)        meta=linux-image-rt-arm64   arch=arm64 base=bookworm ;;
bookworm-armhf)  meta=linux-image-armmp-lpae arch=armhf base=bookworm ;;
bookworm-armmp)  meta=linux-image-armmp      arch=armhf base=bookworm ;;
trixie-arm64)    meta=linux-image-arm64      arch=arm64 base=trixie kroot=trixie ;;
newest-arm64)    meta=linux-image-arm64      arch=arm64 base=trixie-backports kroot=trixie ;;
*) echo "$usage" >&2; exit 2 ;;
esac
case "$base" in
*-backports) main_suites=("$base") sec_suites=() ;;
*)           main_suites=("$base" "$base-updates") sec_suites=("$base-security") ;;
esac
case "$arch" in
arm64) karch=arm64 cross=aarch64-linux-gnu- ;;
armhf) karch=arm   cross=arm-linux-gnueabihf- ;;
esac
host_arch=$(dpkg --print-architecture)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/apt-view.sh
. "$here/lib/apt-view.sh"

mkdir -p "$cache/kernels" "$cache/apt-view"
cache=$(cd "$cache" && pwd)
# The env file is sourced by bash and split on '=' by Python: no quoting.
case "$cache" in *[[:space:]\"\'\$\`\\]*) die "CACHE_DIR '$cache' must not contain spaces or quotes" ;; esac
kdir="$cache/kernels"
env="$kdir/$lane.env"

# One fetch of a lane at a time.
exec 9>"$kdir/.$lane.lock"
flock 9

lane_ready() {
	[ -s "$env" ] || return 1
	# shellcheck disable=SC1090
	(. "$env" && [ -f "$KIMAGE" ] && [ -f "$KMODULES/modules.dep" ] &&
	 [ -f "$KHEADERS/Makefile" ] && [ -x "$KHEADERS/scripts/mod/modpost" ])
}
report() {
	# shellcheck disable=SC1090,SC2153
	(. "$env" && say "$KRELEASE ($KVERSION, $KSUITE) in $KROOT")
	echo "$env"
}
if lane_ready; then
	# The build root too: gone with a cleaned cache, or its package list
	# changed (trixie-root.sh takes one as it is and rebuilds the other).
	if [ -n "$kroot" ]; then
		"$(dirname "$0")/$kroot-root.sh" "$cache" >/dev/null ||
			die "no $kroot root to build in (scripts/$kroot-root.sh $cache)"
	fi
	report
	exit 0
fi

for t in apt-get apt-cache dpkg-deb flock; do
	command -v "$t" >/dev/null || die "$t not found"
done
depmod=$(PATH=$PATH:/usr/sbin:/sbin command -v depmod) || die "depmod not found (kmod; make deps)"

# --- the private apt view ---------------------------------------------------

# The mirrors the host already uses (scripts/lib/apt-view.sh): the first URI
# ending in /debian, the first ending in /debian-security.
main_uri=$(apt_view_main_uri)
sec_uri=$(apt_view_security_uri)
[ -n "$main_uri" ] || die "no apt source URI ending in /debian in /etc/apt/sources.list{,.d}"
if [ ${#sec_suites[@]} -gt 0 ] && [ -z "$sec_uri" ]; then
	say "no apt source URI ending in /debian-security: ${sec_suites[*]} not searched"
	sec_suites=()
fi
suites=("${main_suites[@]}" "${sec_suites[@]}")

view="$cache/apt-view/$base-$arch"
exec 8>"$view.lock"
flock 8
lines=()
for s in "${main_suites[@]}"; do lines+=("deb $s main"); done
for s in "${sec_suites[@]}"; do lines+=("deb $sec_uri $s main"); done
apt_view_init "$view" "${lines[@]}" -- \
	-o APT::Architectures::="$host_arch" -o APT::Architectures::="$arch" || exit 1

# Updated on every run (not apt_view_update's once a day): a lane not yet
# unpacked wants the newest kernel, and a failed index is reported here.
say "updating the apt view ${suites[*]} ($arch, $host_arch)"
if ! apt-get "${apt_opts[@]}" -q update >"$view/update.log" 2>&1; then
	say "apt-get update failed in part; resolving from the indexes that downloaded:"
	grep -E '^(E|W):' "$view/update.log" | sed 's/^/  /' >&2 || true
fi

# --- resolve ----------------------------------------------------------------

# FIELD of PKG[:ARCH]=VERSION, empty when apt does not know that version.
field() {
	apt-cache "${apt_opts[@]}" show "$1" 2>/dev/null |
		awk -v f="$2:" '$1 == f && !done { sub(/^[^:]*:[ \t]*/, ""); print; done = 1 }' || true
}
# "NAME VERSION" of the first relation in DEPENDS whose name matches the
# extended regex RE (VERSION empty when the relation has none).
dep_of() {
	awk -v re="^($2)\$" '{
		n = split($0, rel, /[,|]/)
		for (i = 1; i <= n; i++) {
			split(rel[i], w, " "); name = w[1]; sub(/:.*/, "", name)
			if (name !~ re) continue
			ver = ""
			if (match(rel[i], /\([^)]*\)/)) {
				ver = substr(rel[i], RSTART + 1, RLENGTH - 2)
				sub(/^[<>=]+[ \t]*/, "", ver)
			}
			print name, ver
			exit
		}
	}' <<<"$1"
}

# Every version of the metapackage in the lane's suites, highest first.
cands=()
while read -r ver suite parch; do
	[ "$parch" = "$arch" ] || continue
	case " ${suites[*]} " in *" $suite "*) ;; *) continue ;; esac
	cands+=("$ver $suite")
done < <(apt-cache "${apt_opts[@]}" madison "$meta:$arch" 2>/dev/null |
	 awk -F'|' '{ gsub(/[ \t]/, "", $2); split($3, f, " "); sub(/\/.*/, "", f[2]); print $2, f[2], f[3] }')
[ ${#cands[@]} -gt 0 ] || die "cannot resolve $meta:$arch in ${suites[*]} (see $view/update.log)"
sorted=()
while [ ${#cands[@]} -gt 0 ]; do
	best=0
	for i in "${!cands[@]}"; do
		dpkg --compare-versions "${cands[i]% *}" gt "${cands[best]% *}" && best=$i
	done
	sorted+=("${cands[best]}")
	unset 'cands[best]'
	cands=("${cands[@]}")
done

# The kernel packages of metapackage version $kmeta_ver, each at an exact
# version apt knows; on failure a message on stderr and status 1.
resolve() {
	local deps
	deps=$(field "$meta:$arch=$kmeta_ver" Depends)
	read -r img kver < <(dep_of "$deps" 'linux-image-.*') ||
		{ say "$meta $kmeta_ver depends on no linux-image-* package"; return 1; }
	abi=${img#linux-image-}
	kver=${kver:-$kmeta_ver}
	# The unsigned image where there is one (arm64 up to 6.x; armhf is not
	# signed): the same kernel, without the signing wrapper package.
	if [ -n "$(field "$img-unsigned:$arch=$kver" Package)" ]; then
		img=$img-unsigned
	fi
	[ -n "$(field "$img:$arch=$kver" Package)" ] || { say "cannot resolve $img:$arch=$kver"; return 1; }
	# 7.x: the image is split into linux-binary-ABI (the kernel),
	# linux-modules-ABI and linux-base-ABI, each an exact Depends of the
	# image package; a 6.x image has none of them and carries it all.
	imgs=("$img:$arch=$kver")
	local part pname pver
	deps=$(field "$img:$arch=$kver" Depends)
	for part in binary modules base; do
		# shellcheck disable=SC2001 # each of . and + bracketed for the regex
		read -r pname pver < <(dep_of "$deps" "linux-$part-$(sed 's/[.+]/[&]/g' <<<"$abi")") ||
			continue
		pver=${pver:-$kver}
		[ -n "$(field "$pname:$arch=$pver" Package)" ] ||
			{ say "cannot resolve $pname:$arch=$pver (a Depends of $img $kver)"; return 1; }
		imgs+=("$pname:$arch=$pver")
	done
	if [ ${#imgs[@]} -gt 1 ] && [ ${#imgs[@]} -ne 4 ]; then
		say "$img $kver is split but names only ${imgs[*]:1} (expected linux-{binary,modules,base}-$abi)"
		return 1
	fi
	hdr=linux-headers-$abi
	deps=$(field "$hdr:$arch=$kver" Depends)
	[ -n "$deps" ] || { say "cannot resolve $hdr:$arch=$kver"; return 1; }
	read -r common cver < <(dep_of "$deps" 'linux-headers-.*-common(-rt)?') ||
		{ say "$hdr $kver depends on no linux-headers-*-common package"; return 1; }
	cver=${cver:-$kver}
	read -r kbuild kbver < <(dep_of "$deps" 'linux-kbuild-.*') ||
		{ say "$hdr $kver depends on no linux-kbuild-* package"; return 1; }
	# The kbuild of the same source upload (the headers say >= or nothing).
	kbver=${kbver:-$kver}
	[ -n "$(field "$common=$cver" Package)" ] || { say "cannot resolve $common=$cver"; return 1; }
	[ -n "$(field "$kbuild:$host_arch=$kbver" Package)" ] ||
		{ say "cannot resolve $kbuild:$host_arch=$kbver (the kbuild of $hdr $kver)"; return 1; }
}

# --- download and unpack ----------------------------------------------------

dl="$kdir/.debs-$lane"
tmp=''
trap 'rm -rf "$dl" ${tmp:+"$tmp"}' EXIT
dl_opts=()
# As root, apt would drop to its sandbox user, which cannot write here.
[ "$(id -u)" -ne 0 ] || dl_opts=(-o APT::Sandbox::User=root)
download() {
	rm -rf "$dl"
	mkdir -p "$dl"
	(cd "$dl" && apt-get "${apt_opts[@]}" "${dl_opts[@]}" -q download "$img:$arch=$kver" \
		"${imgs[@]:1}" "$hdr:$arch=$kver" "$common=$cver" "$kbuild:$host_arch=$kbver" >/dev/null) ||
		{ say "apt-get download of ${imgs[*]%%:*} $hdr $common $kbuild ($kver) failed"; return 1; }
}

# The highest version that resolves and downloads: an index can name files
# the mirror does not have yet (404), and the next version down is taken,
# loudly, as with an index that failed.
kmeta_ver='' ksuite='' tried=()
for c in "${sorted[@]}"; do
	read -r kmeta_ver ksuite <<<"$c"
	say "$meta $kmeta_ver ($ksuite)"
	if resolve && download; then
		say "${imgs[*]%%:*} $kver, $common $cver, $kbuild $kbver downloaded"
		break
	fi
	tried+=("$kmeta_ver")
	kmeta_ver=''
done
[ -n "$kmeta_ver" ] || die "no version of $meta:$arch resolves and downloads (tried ${tried[*]})"
[ ${#tried[@]} -eq 0 ] || say "warning: not the newest $meta: ${tried[*]} failed above"
# The guest's busybox, of the lane's architecture, where its suites have
# one (bookworm-backports does not: arm64 lanes then share bookworm's).
(cd "$dl" && apt-get "${apt_opts[@]}" "${dl_opts[@]}" -q download "busybox-static:$arch" \
	>/dev/null 2>&1) || say "no busybox-static:$arch in this view (the harness uses bookworm's)"
flock -u 8   # the view is no longer needed: other lanes may use it

root="$kdir/root-$lane-$abi"
tmp="$root.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
for deb in "$dl"/*.deb; do
	dpkg-deb -x "$deb" "$tmp"
done

# A kernel that ships /usr/lib/modules (merged /usr) still gets the
# lib/modules the lanes and depmod -b look in.
if [ ! -e "$tmp/lib/modules" ] && [ -d "$tmp/usr/lib/modules" ]; then
	mkdir -p "$tmp/lib"
	ln -s ../usr/lib/modules "$tmp/lib/modules"
fi
releases=("$tmp"/lib/modules/*/)
if [ ${#releases[@]} -ne 1 ] || [ ! -d "${releases[0]}" ]; then
	die "$img ships ${#releases[@]} lib/modules directories, expected one"
fi
krel=$(basename "${releases[0]}")
# 6.x images install boot/vmlinuz-RELEASE; 7.x's linux-binary-ABI installs
# usr/lib/modules/RELEASE/vmlinuz only.
if [ -f "$tmp/boot/vmlinuz-$krel" ]; then
	kimage_rel=boot/vmlinuz-$krel
elif [ -f "$tmp/lib/modules/$krel/vmlinuz" ]; then
	kimage_rel=lib/modules/$krel/vmlinuz
else
	die "${imgs[*]%%:*} ship neither boot/vmlinuz-$krel nor lib/modules/$krel/vmlinuz"
fi
"$depmod" -b "$tmp" "$krel" || die "depmod -b $tmp $krel failed"

hdir="$tmp/usr/src/$hdr"
cdir="$tmp/usr/src/$common"
[ -f "$hdir/Makefile" ] || die "$hdr has no usr/src/$hdr/Makefile"
[ -f "$cdir/Makefile" ] || die "$common has no usr/src/$common/Makefile"
# The arch headers include the common ones by absolute path; from 7.x on
# they also set KBUILD_OUTPUT=/usr/src/HDR.  Every such path goes to the
# unpacked copy, and none may be left pointing at the host's /usr/src.
grep -q "/usr/src/$common/" "$hdir/Makefile" ||
	die "usr/src/$hdr/Makefile does not name /usr/src/$common"
sed -i "s|\([[:space:]=]\)/usr/src/linux-headers-|\1$root/usr/src/linux-headers-|g" "$hdir/Makefile"
if grep -n '\(^\|[[:space:]=]\)/usr/src/' "$hdir/Makefile" >&2; then
	die "usr/src/$hdr/Makefile still names the host's /usr/src (above)"
fi
# scripts and tools: relative links into the kbuild unpacked beside them.
for t in "$hdir" "$cdir"; do
	for l in scripts tools; do
		[ ! -L "$t/$l" ] || [ -e "$t/$l" ] ||
			die "usr/src/${t##*/}/$l -> $(readlink "$t/$l") does not resolve in the root"
	done
done

# The amd64 kbuild's modpost is built for 64-bit targets' device tables;
# a 32-bit target gets its scripts from the same kernel source configured
# for it (ARCH=arm, the lane's own .config), built once per source version.
if [ "$karch" = arm ]; then
	src_pkg=linux-source-${kbuild#linux-kbuild-}
	tarball=/usr/src/$src_pkg.tar.xz
	[ -f "$tarball" ] || die "$tarball missing: install $src_pkg (make deps)"
	srcver=$(dpkg-query -W -f='${Version}' "$src_pkg")
	command -v "${cross}gcc" >/dev/null || die "${cross}gcc not found (gcc-arm-linux-gnueabihf; make deps)"
	akb="$kdir/armhf-kbuild-$srcver"
	exec 7>"$kdir/.armhf-kbuild.lock"
	flock 7
	if [ ! -f "$akb/.done" ]; then
		say "building the 32-bit kbuild scripts from $src_pkg $srcver"
		rm -rf "$akb"
		mkdir -p "$akb"
		tar -C "$akb" --strip-components=1 -xf "$tarball"
		cp "$hdir/.config" "$akb/.config"
		make -C "$akb" ARCH=arm CROSS_COMPILE="$cross" -j"$(nproc)" \
			olddefconfig modules_prepare >"$akb/build.log" 2>&1 ||
			{ tail -20 "$akb/build.log" >&2; die "modules_prepare in $akb failed"; }
		[ -x "$akb/scripts/mod/modpost" ] || die "$akb built no scripts/mod/modpost"
		# Only scripts/ is used (through the headers' link): the rest of
		# the tree (about 1.4 GB) goes.
		find "$akb" -mindepth 1 -maxdepth 1 ! -name scripts ! -name build.log \
			! -name .config -exec rm -rf {} +
		touch "$akb/.done"
	fi
	# Both armhf lanes (armmp-lpae, armmp) share these scripts, configured
	# from whichever lane came first.  The flavours' configs differ in the
	# memory management (LPAE, 64-bit phys_addr_t, page table levels,
	# hugepages) and drivers, none of which scripts/ is built from: modpost's
	# device table offsets use fixed-width types and kernel_ulong_t, and
	# module.lds only CONFIG_ARM_MODULE_PLTS.  What scripts/ does depend on
	# must agree, or this lane gets no modpost built for another config.
	scripts_cfg() {
		grep -E '^CONFIG_(64BIT|CPU_BIG_ENDIAN|CPU_ENDIAN_BE8|THUMB2_KERNEL|ARM_MODULE_PLTS|MODVERSIONS|MODULE_REL_CRCS|MODULE_SIG[A-Z_]*|GCC_PLUGIN[A-Z_0-9]*|RANDSTRUCT[A-Z_]*|BUILDTIME_TABLE_SORT|SYSTEM_TRUSTED_KEYRING|DEBUG_INFO_BTF_MODULES)=' \
			"$1" | sort
	}
	if ! cmp -s <(scripts_cfg "$akb/.config") <(scripts_cfg "$hdir/.config"); then
		diff <(scripts_cfg "$akb/.config") <(scripts_cfg "$hdir/.config") | sed 's/^/  /' >&2 || true
		die "$akb was configured for another armhf flavour whose scripts/ options differ from $hdr's"
	fi
	# root-LANE-ABI/usr/src/HDR -> kernels/armhf-kbuild-VERSION/scripts
	ln -sfn "../../../../${akb##*/}/scripts" "$hdir/scripts"
	[ -x "$hdir/scripts/mod/modpost" ] || die "$hdr/scripts does not reach $akb/scripts"
	for old in "$kdir"/armhf-kbuild-*/; do
		[ "${old%/}" = "$akb" ] || rm -rf "$old"
	done
	flock -u 7
fi

# The root the modules build in (trixie lanes), made once per cache.
kbuild_root=
# The cache is seen inside at its own path (scripts/in-root.sh).
in_kroot() {
	if [ -n "$kbuild_root" ]; then
		"$(dirname "$0")/in-root.sh" "$kbuild_root" "$cache" "$@"
	else
		"$@"
	fi
}
if [ -n "$kroot" ]; then
	kbuild_root=$("$(dirname "$0")/$kroot-root.sh" "$cache") ||
		die "no $kroot root to build in (scripts/$kroot-root.sh $cache)"
	# fixdep without arguments prints its usage: it runs there.
	out=$(in_kroot "$hdir/scripts/basic/fixdep" 2>&1 || true)
	grep -qi usage <<<"$out" || die "$kbuild's fixdep does not run in $kbuild_root: $out"
fi

# The compiler: the headers name a versioned one (gcc-10 for 5.10); when
# the build root has no such cross compiler, the unversioned one is passed.
kcc=${cross}gcc
kmake_vars=
# shellcheck disable=SC2016
ccname=$(sed -n 's/^CC = .*\$(CROSS_COMPILE)\(gcc[^[:space:]]*\).*/\1/p' "$hdir/.kernelvariables" 2>/dev/null)
if [ -n "$ccname" ]; then
	if in_kroot sh -c "command -v $cross$ccname" >/dev/null; then
		kcc=$cross$ccname
	else
		kmake_vars="CC=${cross}gcc"
	fi
fi
in_kroot sh -c "command -v $kcc" >/dev/null || say "warning: $kcc not found: modules will not build"
if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$hdir/.config" && ! in_kroot sh -c "command -v pahole" >/dev/null; then
	say "warning: $krel makes module BTF and pahole is not installed (dwarves; make deps)"
fi

rm -rf "$root"
mv "$tmp" "$root"
cat >"$env.tmp" <<ENV
LANE=$lane
KABI=$abi
KVERSION=$kver
KRELEASE=$krel
KSUITE=$ksuite
KROOT=$root
KHEADERS=$root/usr/src/$hdr
KIMAGE=$root/$kimage_rel
KMODULES=$root/lib/modules/$krel
ARCH=$karch
CROSS_COMPILE=$cross
KCC=$kcc
KMAKE_VARS=$kmake_vars
BUSYBOX=$([ -x "$root/bin/busybox" ] && echo "$root/bin/busybox")
KBUILD_ROOT=$kbuild_root
ENV
mv "$env.tmp" "$env"
# Older ABIs of this lane are stale: reclaim the space.
for old in "$kdir/root-$lane-"*/; do
	[ "${old%/}" = "$root" ] || rm -rf "$old"
done
lane_ready || die "$env written but the lane does not check out"
report

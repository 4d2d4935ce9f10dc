#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the driver and the test module against one fetched Debian kernel
# lane (scripts/fetch-kernel.sh), from a copy of the sources so that lanes
# never share object files, into BUILD/lanes/LANE/.
#
# A lane whose env names KBUILD_ROOT (the trixie lanes: their kbuild needs
# a newer libc than the host's) builds inside that root (scripts/in-root.sh):
# the cache and BUILD/lanes/LANE are bind-mounted at their own paths, so
# the headers, the env's paths and the build log read the same inside.
#
# Usage: scripts/build-lane.sh CACHE_DIR BUILD_DIR LANE [MAKE_VAR=VALUE...]
#   (extra variables reach the kernel's make; C=0 builds without sparse)
set -euo pipefail

cache=${1:?usage: build-lane.sh CACHE_DIR BUILD_DIR LANE}
cache=$(cd "$cache" && pwd)
build=${2:?usage: build-lane.sh CACHE_DIR BUILD_DIR LANE}
mkdir -p "$build"
build=$(cd "$build" && pwd)
lane=${3:?usage: build-lane.sh CACHE_DIR BUILD_DIR LANE}
shift 3
top=$(cd "$(dirname "$0")/.." && pwd)
env="$cache/kernels/$lane.env"
[ -s "$env" ] || { echo "build-lane: no $env (scripts/fetch-kernel.sh $cache $lane)" >&2; exit 1; }
# shellcheck disable=SC1090
. "$env"

out="$build/lanes/$lane"
rm -rf "$out"
mkdir -p "$out/test"
cp -r "$top/driver" "$top/include" "$out/"
cp -r "$top/test/kmod" "$out/test/"
find "$out" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \
	-o -name Module.symvers -o -name modules.order \) -delete

in_root=()
if [ -n "${KBUILD_ROOT:-}" ]; then
	[ -x "$KBUILD_ROOT/bin/sh" ] ||
		{ echo "build-lane: $lane: no build root $KBUILD_ROOT (scripts/fetch-kernel.sh $cache $lane)" >&2; exit 1; }
	in_root=("$top/scripts/in-root.sh" "$KBUILD_ROOT" "$cache:$out")
fi
# Sparse checks every file (C=2) unless C=0 is given.  A kernel whose
# Makefile validates its checker (6.15 and later: scripts/checker-valid.sh
# wants __typeof_unqual__) gets Debian testing's sparse
# (scripts/fetch-sparse.sh), unless SPARSE names one.  KBUILD_CHECKSRC on
# the command line keeps the check on where that validation cannot run
# (Debian's 7.x headers lack the script): that sparse ran on every file is
# verified below from the log instead.
checksrc=2
for a in "$@"; do
	case "$a" in C=*) checksrc=${a#C=} ;; esac
done
[ "$checksrc" != 0 ] || checksrc=
check_vars=()
if [ -n "$checksrc" ]; then
	if [ -z "${SPARSE:-}" ] && grep -qs 'checker-valid\.sh' "$KHEADERS/Makefile" \
		"$(dirname "$KHEADERS")"/linux-headers-*-common*/Makefile; then
		SPARSE=$("$top/scripts/fetch-sparse.sh" "$cache")
	fi
	check_vars=(C="$checksrc" KBUILD_CHECKSRC="$checksrc")
	[ -z "${SPARSE:-}" ] || check_vars+=(CHECK="$SPARSE")
fi
# shellcheck disable=SC2086
km() {
	"${in_root[@]}" make -C "$KHEADERS" ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE" $KMAKE_VARS \
		W=1 "${check_vars[@]}" "$@"
}
log="$out/build.log"
if ! { km M="$out/driver" CONFIG_VNET_LINK_MIRROR=m "$@" modules &&
       km M="$out/test/kmod" "$@" modules; } >"$log" 2>&1; then
	grep -E 'error|warning' "$log" | head -20 >&2 || tail -20 "$log" >&2
	echo "build-lane: $lane ($KRELEASE) failed; log: $log" >&2
	exit 1
fi
# C=1/2 asked for and a file not checked is a failure, not a quiet pass:
# every C file compiled (a CC line, the .mod.c files aside) has its CHECK
# line.
if [ -n "$checksrc" ]; then
	unchecked=$(grep -E '^  CC \[M\] +\S+\.o$' "$log" | grep -vE '(\.mod|\.module-common)\.o$' |
		sed -E 's/^  CC \[M\] +(\S+)\.o$/\1.c/' | sort -u |
		comm -23 - <(sed -nE 's/^  CHECK +(\S+\.c)$/\1/p' "$log" | sort -u))
	compiled=$(grep -E '^  CC \[M\] +\S+\.o$' "$log" | grep -vcE '(\.mod|\.module-common)\.o$' || true)
	if [ -n "$unchecked" ] || [ "$compiled" -eq 0 ]; then
		echo "build-lane: $lane ($KRELEASE): sparse did not check:" "${unchecked//$'\n'/ }" "($compiled files" \
			"compiled); log: $log" >&2
		exit 1
	fi
	echo "build-lane: $lane ($KRELEASE): sparse ($("${in_root[@]}" "${SPARSE:-sparse}" --version)) checked $compiled files" >&2
fi
# W=1 clean on every kernel, not only the default one.
if grep -E '(warning|error):' "$log" | grep -v 'Skipping BTF' >&2; then
	echo "build-lane: $lane ($KRELEASE) built with warnings; log: $log" >&2
	exit 1
fi
echo "build-lane: $lane ($KRELEASE): driver and test module built${KBUILD_ROOT:+ in $KBUILD_ROOT}${*:+ ($*)}"

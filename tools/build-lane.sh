#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the driver and the test module against one fetched Debian kernel
# lane (tools/fetch-kernel.sh), from a copy of the sources so that lanes
# never share object files, into BUILD/lanes/LANE/.
#
# A lane whose env names KBUILD_ROOT (the trixie lanes: their kbuild needs
# a newer libc than the host's) builds inside that root (tools/in-root.sh):
# the cache and BUILD/lanes/LANE are bind-mounted at their own paths, so
# the headers, the env's paths and the build log read the same inside.
#
# Usage: tools/build-lane.sh CACHE_DIR BUILD_DIR LANE [MAKE_VAR=VALUE...]
#   (extra variables reach the kernel's make, e.g. C=2 for sparse)
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
[ -s "$env" ] || { echo "build-lane: no $env (tools/fetch-kernel.sh $cache $lane)" >&2; exit 1; }
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
		{ echo "build-lane: $lane: no build root $KBUILD_ROOT (tools/fetch-kernel.sh $cache $lane)" >&2; exit 1; }
	in_root=("$top/tools/in-root.sh" "$KBUILD_ROOT" "$cache:$out")
fi
# shellcheck disable=SC2086
km() {
	"${in_root[@]}" make -C "$KHEADERS" ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE" $KMAKE_VARS \
		W=1 "$@"
}
log="$out/build.log"
if ! { km M="$out/driver" CONFIG_VNET_LINK_MIRROR=m "$@" modules &&
       km M="$out/test/kmod" "$@" modules; } >"$log" 2>&1; then
	grep -E 'error|warning' "$log" | head -20 >&2 || tail -20 "$log" >&2
	echo "build-lane: $lane ($KRELEASE) failed; log: $log" >&2
	exit 1
fi
# C=1/2 asked for and no check run is a failure, not a quiet pass: the
# kernel's make only warns (Debian's 7.x headers lack scripts/checker-valid.sh).
if grep -E 'C=[12] specified, but sparse is not available' "$log" >&2; then
	echo "build-lane: $lane ($KRELEASE): sparse did not run; log: $log" >&2
	exit 1
fi
# W=1 clean on every kernel, not only the default one.
if grep -E '(warning|error):' "$log" | grep -v 'Skipping BTF' >&2; then
	echo "build-lane: $lane ($KRELEASE) built with warnings; log: $log" >&2
	exit 1
fi
echo "build-lane: $lane ($KRELEASE): driver and test module built${KBUILD_ROOT:+ in $KBUILD_ROOT}${*:+ ($*)}"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Lay out the DKMS source tree of vnet-link-mirror, as a package installs it
# in /usr/src/vnet-link-mirror-<version>/: dkms.conf (version filled in) at
# its top, driver/ and include/ (sources only, never objects of an
# in-place build).
#
# Usage: tools/dkms/stage.sh OUT_DIR [VERSION]
#   creates OUT_DIR/vnet-link-mirror-VERSION/ and prints its path.
#   VERSION defaults to $VERSION, else 0.0+git<commit date>.<commit> of the
#   checkout (the Yocto recipe's PV scheme).
set -euo pipefail

out=${1:?usage: stage.sh OUT_DIR [VERSION]}
top=$(cd "$(dirname "$0")/../.." && pwd)
version=${2:-${VERSION:-}}
if [ -z "$version" ]; then
	version=$(git -C "$top" log -1 --format='0.0+git%cd.%h' --date=format:%Y%m%d 2>/dev/null) ||
		{ echo "stage.sh: not a git checkout; give the version" >&2; exit 2; }
fi
case "$version" in
	*/* | *' '* | '') echo "stage.sh: bad version '$version'" >&2; exit 2 ;;
esac

name=vnet-link-mirror
dst="$out/$name-$version"
rm -rf "$dst"
mkdir -p "$dst"

# The sources a clone has (tracked, or new and not ignored), else every
# file of driver/ and include/ that is not a build product.
if files=$(git -C "$top" ls-files --cached --others --exclude-standard -- driver include 2>/dev/null) &&
   [ -n "$files" ]; then
	while IFS= read -r f; do
		[ -f "$top/$f" ] || continue      # deleted in the working tree
		mkdir -p "$dst/$(dirname "$f")"
		cp -p "$top/$f" "$dst/$f"
	done <<<"$files"
else
	(cd "$top" && find driver include -type f \
		! -name '*.o' ! -name '*.ko' ! -name '*.mod' ! -name '*.mod.c' ! -name '.*.cmd' \
		! -name modules.order ! -name Module.symvers -print) |
	while IFS= read -r f; do
		mkdir -p "$dst/$(dirname "$f")"
		cp -p "$top/$f" "$dst/$f"
	done
fi

sed "s|#MODULE_VERSION#|$version|" "$top/tools/dkms/dkms.conf" >"$dst/dkms.conf"
echo "$dst"

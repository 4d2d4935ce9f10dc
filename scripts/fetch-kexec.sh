#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian's kexec-tools for the arm64 guest, with every shared library it
# loads, for the kexec test (test/cases/lifecycle.py).  The binary is
# Debian's own (dynamically linked, against Xen's libraries too): the
# package and its Depends closure are downloaded with apt-get download
# (nothing is installed) and unpacked into CACHE/kexec-arm64/root.  Rerun
# only when bookworm's kexec-tools version changes.
#
# Usage: scripts/fetch-kexec.sh CACHE_DIR
set -euo pipefail

cache=$(cd "${1:?usage: fetch-kexec.sh CACHE_DIR}" && pwd)
say() { echo "fetch-kexec: $*" >&2; }

ver=$(apt-cache show kexec-tools:arm64 2>/dev/null | sed -n 's/^Version: //p' | head -1)
[ -n "$ver" ] || { say "apt knows no kexec-tools:arm64 (is arm64 a foreign architecture here?)"; exit 1; }
dir="$cache/kexec-arm64"
if [ -f "$dir/.done" ] && [ "$(cat "$dir/.done")" = "$ver" ]; then
	exit 0
fi

# The Depends closure, real packages only (debconf is for maintainer scripts).
declare -A seen
pkgs=()
queue=(kexec-tools)
while [ ${#queue[@]} -gt 0 ]; do
	p=${queue[0]}
	queue=("${queue[@]:1}")
	[ -z "${seen[$p]:-}" ] || continue
	seen[$p]=1
	pkgs+=("$p:arm64")
	while read -r d; do
		case "$d" in debconf*|cdebconf*|"<"*) continue ;; esac
		[ -n "${seen[$d]:-}" ] || queue+=("$d")
	done < <(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
			--no-replaces --no-enhances "$p:arm64" 2>/dev/null |
		 sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: \([^ ]*\)$/\2/p' | sed 's/:arm64$//')
done

rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/root"
(cd "$dir/debs" && apt-get download -q "${pkgs[@]}" >"$dir/download.log" 2>&1) ||
	{ cat "$dir/download.log" >&2; say "apt-get download ${pkgs[*]} failed"; exit 1; }
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done
[ -x "$dir/root/sbin/kexec" ] || { say "kexec-tools has no /sbin/kexec"; exit 1; }
echo "$ver" >"$dir/.done"
say "kexec-tools $ver and ${#pkgs[@]} packages unpacked in $dir/root"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run a command inside a build root (tools/trixie-root.sh) with host
# directories bind-mounted at the same paths, so the kernel's make sees the
# cache (headers, kbuild) and the build directory under the names the env
# files and the headers' Makefile carry.  The mounts live in a private mount
# namespace (unshare): they vanish with the command, even when it is killed,
# and the host's mount table never sees them.  /proc and /dev are mounted for
# the compiler and make.  The command runs as the caller (root) in the
# caller's working directory when it exists inside.
#
# Usage: tools/in-root.sh ROOT DIR[:DIR...] COMMAND [ARGS...]
set -euo pipefail

root=${1:?usage: in-root.sh ROOT DIR[:DIR...] COMMAND [ARGS...]}
dirs=${2:?usage: in-root.sh ROOT DIR[:DIR...] COMMAND [ARGS...]}
shift 2
[ $# -gt 0 ] || { echo "in-root: no command" >&2; exit 2; }
[ -x "$root/bin/sh" ] || { echo "in-root: $root is not a root (no bin/sh)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "in-root: needs root (chroot, mount); CI runs as root" >&2; exit 1; }

# PATH as the root's own shell would have it, not the host's.
exec unshare --mount --propagation private env -i HOME=/root TERM=dumb LC_ALL=C.UTF-8 \
	PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
	/bin/sh -euc '
	root=$1 dirs=$2 cwd=$3
	shift 3
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	IFS=:
	for d in $dirs; do
		[ -n "$d" ] || continue
		mkdir -p "$root$d"
		mount --bind "$d" "$root$d"
	done
	unset IFS
	exec chroot "$root" /bin/sh -c "cd \"\$1\" 2>/dev/null || cd /; shift; exec \"\$@\"" sh "$cwd" "$@"
' sh "$root" "$dirs" "$PWD" "$@"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A Debian trixie minbase root with the kernel build toolchain, for the
# lanes whose kbuild cannot run on the bookworm host: trixie's and
# trixie-backports' linux-kbuild-* (amd64) need libc6 >= 2.38 (bookworm has
# 2.36), so their fixdep and modpost run only in a root of their own suite.
# Trixie's kernels are built with gcc-14, which the root brings as well.
# scripts/fetch-kernel.sh names the root in the lane's env (KBUILD_ROOT) and
# scripts/build-lane.sh runs the kernel's make inside it.
#
# Built once into CACHE/roots/trixie/ and reused: a root whose stamp names
# the same package list is taken as it is (no apt, no network).  A changed
# list rebuilds it from nothing, so nothing installed by hand can hide in it.
# One build at a time (flock); the root appears by rename only when whole.
#
# A second variant, "dt", is the devicetree binding checker for the
# in-tree series (make dt_binding_check): the newest kernel trees ask for
# a dt-schema newer than bookworm's (7.3: 2024.4; bookworm has 2022.08),
# and trixie carries none: trixie-backports' dt-schema is installed.  It is
# a root of its own (CACHE/roots/trixie-dt), so that neither list rebuilds
# the other's root.
#
# Usage: scripts/trixie-root.sh CACHE_DIR [dt]   (as root: debootstrap and
#        chroot; prints the root's path)
set -euo pipefail

cache=${1:?usage: trixie-root.sh CACHE_DIR [dt]}
variant=${2:-}
suite=trixie
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/apt-view.sh
. "$here/lib/apt-view.sh"
say() { echo "trixie-root: $*" >&2; }
die() { say "$*"; exit 1; }

# Every package the lane builds use, by name: apt installs them with
# --no-install-recommends, so nothing arrives by luck.
pkgs=(
	make gcc libc6-dev              # kbuild host programs, the kernel's make
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu  # the modules (gcc-14, as
	                                # Debian built trixie's kernels)
	bc flex bison                   # kbuild's scripts
	pahole                          # module BTF: without it modpost deletes the .ko
	libelf-dev libssl-dev           # objtool/sign-file headers, as the kbuild expects
	kmod                            # depmod, modinfo
	xz-utils zstd                   # compressed modules (7.x) when inspected in the root
	sparse                          # C=2 against the trixie lanes
	perl-base                       # kbuild's small perl helpers
)

# The dt variant: the tree's dtc (built from scripts/dtc) and dt-schema's
# tools, which make dt_binding_check runs; apt picks dt-schema from
# trixie-backports (named with /trixie-backports), the rest from trixie.
extra_suites=()
checks=(make gcc aarch64-linux-gnu-gcc pahole depmod sparse)
case "$variant" in
'') name=$suite ;;
dt)
	name=$suite-dt
	pkgs=(
		make gcc libc6-dev bc flex bison  # the tree's dtc and fixdep
		libyaml-dev pkgconf             # dtc's YAML output, found by pkg-config
		python3 yamllint                # dt_binding_check's lint step
		"dt-schema/$suite-backports"    # dt-doc-validate, dt-mk-schema, dt-validate
		perl-base
	)
	extra_suites=("$suite-backports")
	checks=(make gcc dt-doc-validate dt-mk-schema dt-validate yamllint)
	;;
*) die "unknown variant '$variant' (none or dt)" ;;
esac

mkdir -p "$cache/roots"
cache=$(cd "$cache" && pwd)
root="$cache/roots/$name"
stamp="$root/.vnlm-root"
want="$suite ${pkgs[*]}"
[ "$variant" != dt ] || want+=" fix-dup-types"

exec 9>"$cache/roots/.$name.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	echo "$root"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot); CI runs as root"
command -v debootstrap >/dev/null || die "debootstrap not found (make deps)"
command -v unshare >/dev/null || die "unshare not found (util-linux)"

# The Debian mirrors the host already uses (its apt sources), never a
# name in git: as scripts/fetch-kernel.sh finds them (scripts/lib/apt-view.sh).
main_uri=$(apt_view_main_uri)
sec_uri=$(apt_view_security_uri)
[ -n "$main_uri" ] || die "no apt source URI ending in /debian in /etc/apt/sources.list{,.d}"

tmp="$root.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
log="$cache/roots/$name.log"
say "debootstrap --variant=minbase $suite from $main_uri (log: $log)"
debootstrap --variant=minbase "$suite" "$tmp" "$main_uri" >"$log" 2>&1 ||
	{ tail -20 "$log" >&2; die "debootstrap failed"; }

# Trixie's point-release and security updates too: the toolchain the
# newest kernels of those suites were built with.
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
{
	echo "deb $main_uri $suite main"
	echo "deb $main_uri $suite-updates main"
	[ -z "$sec_uri" ] || echo "deb $sec_uri $suite-security main"
	for s in "${extra_suites[@]}"; do echo "deb $main_uri $s main"; done
} >"$tmp/etc/apt/sources.list"
cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
# No daemon starts inside the root.
printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
chmod +x "$tmp/usr/sbin/policy-rc.d"
[ -f "$keyring" ] || say "no $keyring on the host: apt in the root uses its own keyring"

# A private mount namespace: /proc for the maintainer scripts, gone with
# the namespace whatever happens, so no mount outlives this script.
say "apt-get install --no-install-recommends ${pkgs[*]}"
# shellcheck disable=SC2016 # expanded by the inner sh
if ! unshare --mount --propagation private sh -euc '
	mount -t proc proc "$1/proc"
	shift
	r=$1; shift
	chroot "$r" apt-get update -q
	chroot "$r" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "$@"
	chroot "$r" apt-get clean
' sh "$tmp" "$tmp" "${pkgs[@]}" >>"$log" 2>&1; then
	tail -20 "$log" >&2
	die "apt-get install in the $suite root failed"
fi
for t in "${checks[@]}"; do
	PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$tmp" sh -c "command -v $t" >/dev/null ||
		die "$t missing in the $suite root after install"
done

if [ "$variant" = dt ]; then
	# dt-schema 2025.08 (trixie-backports) crashes with a KeyError in
	# check_duplicate_property_types() while printing its "multiple
	# incompatible types" notice: it looks the schema up by its $id with
	# the trailing '#', which the cache is not keyed by (the notice for
	# missing types above it strips it).  7.3's own tree reaches that line
	# (ti,irqs-reserved is uint8 in ti,pruss-intc.yaml, uint32-array in
	# ti,irq-crossbar.yaml), so make dt_binding_check fails for any
	# binding.  The one-expression fix, the way the other notice does it;
	# a dt-schema without the faulty expression is left as it is.
	v="$tmp/usr/lib/python3/dist-packages/dtschema/validator.py"
	bad="self.schemas[sch_id]['"
	if grep -qF "$bad" "$v"; then
		python3 - "$v" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("self.schemas[sch_id]['", "self.schemas[sch_id.rstrip('#')]['")
open(p, "w").write(s)
PY
		! grep -qF "$bad" "$v" || die "could not fix dt-schema's validator.py"
		say "dt-schema: fixed the KeyError in check_duplicate_property_types()"
	fi
fi
echo "$want" >"$tmp/.vnlm-root"
rm -rf "$root"
mv "$tmp" "$root"
say "$suite root ready: $root ($(chroot "$root" gcc --version | head -1))"
echo "$root"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Turn driver/, include/ and bindings/ into a patch series for a kernel
# tree, the way it would be posted:
#
#   0001 dt-bindings: net: the binding at its in-tree path, and the
#        MAINTAINERS entry that covers it
#   0002 net: the driver under drivers/net/vnet-link-mirror/, hooked into
#        drivers/net/Kconfig and drivers/net/Makefile, with its ABI header,
#        its sysfs ABI document and their MAINTAINERS lines
#   0003 docs: networking: driver/vnet-link-mirror.rst as
#        Documentation/networking/vnet-link-mirror.rst, in the networking
#        index's toctree (a page outside any toctree is a Sphinx warning)
#
# With --cover-letter, a 0000 cover letter too (git format-patch
# --cover-letter, its subject and text from the branch description), with
# To:/Cc: on every patch from the MAINTAINERS entries that cover the files
# each touches (what scripts/get_maintainer.pl --no-git names; the in-tree
# check compares them), so the whole is a ready-to-send mbox.
#
# In the tree the code is written for that kernel: the version
# conditionals of vnlm_compat.h are resolved for it (scripts/version-flatten.py)
# and the ABI header sits beside the driver.
#
# Usage: scripts/intree-series.sh [--cover-letter] KERNEL_TREE OUT_DIR
#   (prints the patch files; apply with `git apply` or `patch -p1`)
#        scripts/intree-series.sh --base-files
#   (the tree's files the series is made against: a partial tree needs
#   these and the top Makefile)
set -euo pipefail

usage="usage: intree-series.sh [--cover-letter] KERNEL_TREE OUT_DIR | --base-files"
base_files=(drivers/net/Kconfig drivers/net/Makefile MAINTAINERS
	Documentation/networking/index.rst)
if [ "${1:-}" = --base-files ]; then
	printf '%s\n' "${base_files[@]}"
	exit 0
fi
cover=0
if [ "${1:-}" = --cover-letter ]; then
	cover=1
	shift
fi
tree=$(cd "${1:?$usage}" && pwd)
out=${2:?$usage}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

# VERSION.PATCHLEVEL from the top Makefile (the tree may be partial).
kver=$(awk '/^VERSION =/ { v = $3 } /^PATCHLEVEL =/ { p = $3 } END { print v "." p }' \
	"$tree/Makefile")
dir=drivers/net/vnet-link-mirror
binding=Documentation/devicetree/bindings/net/linux,virtio-net-link-mirror.yaml

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The same sources give the same bytes: scripts/build-debug-kernel.sh keys
# its cache on the series, so a clock in the Date: and From <sha> lines
# would rebuild the debug kernel on every run.  The date is
# SOURCE_DATE_EPOCH when set, else that of the last commit touching what
# the series is made from, else a fixed one (a tree with no git history).
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct -- driver include bindings docs \
		scripts/intree-series.sh scripts/version-flatten.py 2>/dev/null || true)
fi
stamp="@${SOURCE_DATE_EPOCH:-1767225600} +0000"
export GIT_AUTHOR_DATE="$stamp" GIT_COMMITTER_DATE="$stamp"
g() { git -C "$work" -c user.name="vnet-link-mirror developers" \
	-c user.email="vnet-link-mirror@lists.example.org" "$@"; }

# The base: the tree's own copies of the files the series touches.
g init -q
for f in "${base_files[@]}"; do
	mkdir -p "$work/$(dirname "$f")"
	cp "$tree/$f" "$work/$f"
done
g add -A
g commit -q -m base

# MAINTAINERS: one entry, in its alphabetical place, its F: lines growing
# with each patch that adds files.
maintainers() {
	python3 - "$work/MAINTAINERS" "$@" <<'PY'
import re
import sys

path, files = sys.argv[1], sys.argv[2:]
title = "VNET LINK MIRROR DRIVER FOR AMP RTOS PEERS"
text = open(path).read()
if title not in text:
    entry = (f"{title}\n"
             "M:\tvnet-link-mirror developers <vnet-link-mirror@lists.example.org>\n"
             "L:\tnetdev@vger.kernel.org\n"
             "S:\tMaintained\n\n")
    for m in re.finditer(r"^([A-Z0-9][^\n]*)\n(?=[A-Z]:\t)", text, re.M):
        if m.group(1).startswith("V") and m.group(1) > title:
            text = text[:m.start()] + entry + text[m.start():]
            break
    else:
        sys.exit("intree-series: no place for the MAINTAINERS entry")
start = text.index(title)
end = text.index("\n\n", start)
lines = text[start:end].split("\n")
fl = sorted(set([l for l in lines if l.startswith("F:\t")] + [f"F:\t{f}" for f in files]))
lines = [l for l in lines if not l.startswith("F:\t")] + fl
text = text[:start] + "\n".join(lines) + text[end:]
open(path, "w").write(text)
PY
}

# 1: the binding, its $id following its path.
mkdir -p "$work/$(dirname "$binding")"
sed 's|^\$id: http://devicetree.org/schemas/.*|$id: http://devicetree.org/schemas/net/linux,virtio-net-link-mirror.yaml#|' \
	"$top/bindings/linux,virtio-net-link-mirror.yaml" >"$work/$binding"
maintainers "$binding"
g add -A
g commit -q -s -F - <<'MSG'
dt-bindings: net: add linux,virtio-net-link-mirror

On an asymmetric multiprocessing SoC, Linux owns the physical NIC while
an RTOS on other cores uses a virtio-net device whose config space lives
in shared memory.  Describe one such device: the shared region, the
uplink Linux follows (by name or by the NIC's node), and the doorbell
that tells the RTOS core the config changed.
MSG

# 2: the driver, its Kconfig/Makefile hook-up, ABI header and sysfs ABI.
mkdir -p "$work/$dir/vnet-link-mirror" "$work/Documentation/ABI/testing"
for f in "$top"/driver/*.c "$top"/driver/*.h; do
	case "$f" in *.mod.c) continue ;; esac
	cp "$f" "$work/$dir/"
done
python3 "$top/scripts/version-flatten.py" "$kver" <"$top/driver/vnlm_compat.h" \
	>"$work/$dir/vnlm_compat.h"
# Shims that are no-ops for this kernel are inlined (checkpatch --strict
# flags a macro that ignores an argument; upstream has no compat layer).
python3 "$top/scripts/intree-inline-shims.py" "$work/$dir"
cp "$top/driver/Kconfig" "$work/$dir/Kconfig"
# In the tree the ABI header is found beside the driver.
# The out-of-tree default (CONFIG_VNET_LINK_MIRROR ?= m for M= builds) has
# no place in a tree, where Kconfig decides.
sed -e 's|^VNLM_ABI_INCLUDE ?= .*|VNLM_ABI_INCLUDE := $(srctree)/$(src)|' \
    -e '/^# Out of tree (M=/,/^endif$/d' \
    -e '/^# The shared ABI header lives/,/^# kernel tree, set VNLM_ABI_INCLUDE/c\
# The shared ABI header the RTOS side includes sits beside the driver.' \
	"$top/driver/Kbuild" | cat -s >"$work/$dir/Makefile"
cp "$top/include/vnet-link-mirror/shm.h" "$work/$dir/vnet-link-mirror/shm.h"
# In the tree, KernelVersion is the release that would first carry the
# ABI (the one after the tree's: new drivers go into the next merge
# window), and Contact is an address (Documentation/ABI/README).
next="${kver%.*}.$(( ${kver#*.} + 1 ))"
sed -e "s/^KernelVersion:.*/KernelVersion:\t$next/" \
    -e 's/^Contact:.*/Contact:\tvnet-link-mirror developers <vnet-link-mirror@lists.example.org>/' \
	"$top/driver/sysfs-driver-vnet-link-mirror" \
	>"$work/Documentation/ABI/testing/sysfs-driver-vnet-link-mirror"
# Hook-up: after the last driver sourced inside "if NETDEVICES".
awk -v src="source \"$dir/Kconfig\"" '
	/^endif # NETDEVICES/ && !done { print src; print ""; done = 1 }
	{ print }' "$work/drivers/net/Kconfig" >"$work/Kconfig.new"
mv "$work/Kconfig.new" "$work/drivers/net/Kconfig"
grep -q "$dir/Kconfig" "$work/drivers/net/Kconfig" ||
	{ echo "intree-series: no 'endif # NETDEVICES' in drivers/net/Kconfig" >&2; exit 1; }
echo "obj-\$(CONFIG_VNET_LINK_MIRROR) += vnet-link-mirror/" >>"$work/drivers/net/Makefile"
maintainers Documentation/ABI/testing/sysfs-driver-vnet-link-mirror "$dir/"
g add -A
g commit -q -s -F - <<'MSG'
net: add vnet-link-mirror, an uplink link-state mirror for AMP RTOS peers

On an asymmetric multiprocessing SoC, Linux owns the physical NIC and an
RTOS on other cores uses a virtio-net device whose struct
virtio_net_config lives in shared memory; the RTOS cannot see the cable.

For each linux,virtio-net-link-mirror node, follow the uplink through one
netdevice notifier (by name or by DT node, so it may appear late, vanish,
return or be renamed), write status, speed, duplex and mtu into the
shared config under a generation counter, and raise an SGI on the RTOS
core when what it can read changes.  With nobody mirroring (unbind,
remove) the RTOS is told link down.
MSG

# 3: the driver's page, in the networking index's first toctree at its
# alphabetical place among the plain page names.
doc=Documentation/networking/vnet-link-mirror.rst
cp "$top/driver/vnet-link-mirror.rst" "$work/$doc"
python3 - "$work/Documentation/networking/index.rst" <<'PY'
import re
import sys

path = sys.argv[1]
lines = open(path).read().split("\n")
start = lines.index(".. toctree::")
i = start + 1
while lines[i].strip() == "" or lines[i].lstrip().startswith(":"):
    i += 1
while i < len(lines) and lines[i].startswith("   ") and lines[i].strip():
    name = lines[i].strip()
    if re.fullmatch(r"[a-z0-9_-]+", name) and name > "vnet-link-mirror":
        break
    i += 1
lines.insert(i, "   vnet-link-mirror")
open(path, "w").write("\n".join(lines))
PY
maintainers "$doc"
g add -A
g commit -q -s -F - <<'MSG'
docs: networking: add vnet-link-mirror

Describe the driver for its users and for RTOS authors: what it
mirrors, how an instance is declared, the shared-memory layout the RTOS
reads (from the ABI header's kernel-doc), the doorbells, and where its
sysfs ABI and trace events are documented.
MSG

rm -f "$out"/*.patch
if [ $cover -eq 0 ]; then
	g format-patch -q -o "$out" HEAD~3
	ls "$out"/*.patch
	exit 0
fi

# The recipients: what the tree's scripts/get_maintainer.pl names for the
# series' files with the series' MAINTAINERS (--no-tree: the work repo is
# a partial tree; --no-git: no history here, nor a maintainer's guess from
# it), people in To:, lists in Cc:, every patch to everyone, as
# git send-email sends a series.
gm="$tree/scripts/get_maintainer.pl"
[ -f "$gm" ] || { echo "intree-series: $gm missing: the tree is needed for the recipients" >&2; exit 1; }
g format-patch -q -o "$work/plain" HEAD~3
gmr() { (cd "$work" && perl "$gm" --no-tree --no-git --no-git-fallback --no-rolestats \
	--no-multiline "$@" plain/*.patch); }
to=$(gmr --no-l) || { echo "intree-series: get_maintainer.pl failed" >&2; exit 1; }
cc=$(gmr --no-m --no-r) || { echo "intree-series: get_maintainer.pl failed" >&2; exit 1; }
[ -n "$to" ] && [ -n "$cc" ] || { echo "intree-series: get_maintainer.pl named nobody" >&2; exit 1; }
rcpt=()
while IFS= read -r a; do rcpt+=("--to=$a"); done < <(echo "$to" | tr ',' '\n' | sed 's/^ *//')
# A signer (the patches' own Signed-off-by) comes back among the lists:
# nobody twice.
while IFS= read -r a; do
	printf '%s\n' "${rcpt[@]}" | grep -qxF -- "--to=$a" || rcpt+=("--cc=$a")
done < <(echo "$cc" | tr ',' '\n' | sed 's/^ *//')

# The cover letter's subject and text: the branch description, as
# format-patch --cover-from-description=subject takes it.
ver=$(awk '/^VERSION =/ { v = $3 } /^PATCHLEVEL =/ { p = $3 } /^SUBLEVEL =/ { s = $3 }
	END { print v "." p "." s }' "$tree/Makefile")
g config "branch.$(g symbolic-ref --short HEAD).description" "$(cat <<DESC
net: add vnet-link-mirror, an uplink link-state mirror for AMP RTOS peers

On an asymmetric multiprocessing SoC, Linux often owns the physical NIC
while an RTOS on other cores of the same SoC talks to the network through
a virtio-net device whose configuration space lives in shared memory.
The RTOS cannot see the cable: its virtio-net frontend shows link up
forever, or whatever its backend last wrote.

This series adds a small platform driver that follows the NIC Linux owns
(by netdev name or by DT node) and mirrors its link state, speed, duplex
and MTU into that struct virtio_net_config, under a generation counter
the RTOS reads seqlock-style, then rings the RTOS core: a GIC SGI, or a
mailbox channel for a Cortex-M/R core outside Linux's GIC.  It moves no
packets.

Patch 1 adds the DT binding, patch 2 the driver with its KUnit suite,
the shared-memory ABI header the RTOS side includes and the sysfs ABI,
patch 3 its documentation page.

Tested under QEMU (virt, GICv2 and GICv3, an RTOS image on a core kept
from Linux) with KASAN, lockdep, kmemleak and the KUnit suite, built in
and as modules, on $ver.  Checked with checkpatch --strict, W=1,
kernel-doc and make dt_binding_check.
DESC
)"
g format-patch -q --cover-letter --cover-from-description=subject "${rcpt[@]}" \
	-o "$out" HEAD~3
ls "$out"/*.patch

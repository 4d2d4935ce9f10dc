#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install the host packages and unpack the newest Debian bookworm arm64
# kernel (image, headers, busybox) into a cache outside git.  Idempotent:
# a second run with everything present costs only the package checks.
#
# Usage: scripts/fetch-deps.sh CACHE_DIR
set -euo pipefail

cache=${1:?usage: fetch-deps.sh CACHE_DIR}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# Every package the build, the tests, the bench and `make shell` use, named
# here because `--no-install-recommends` brings no Recommends: nothing may be
# found on the machine by luck (`make fresh-check` proves it from minbase).
host_pkgs=(
	make gcc libc6-dev              # host tools, kbuild host programs (libc6-dev is
	                                # only a Recommends of gcc)
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu  # module, peer, guest tools
	libc6-dev-arm64-cross           # static guest tools (a Recommends of the cross gcc)
	gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf  # the 32-bit Arm board:
	                                # armhf lane modules, A32 peer, guest tools
	libc6-dev-armhf-cross           # static armhf guest tools
	dwarves                         # pahole: 6.12 (backports lane) module BTF
	qemu-system-arm                 # qemu-system-aarch64: the AMP board
	device-tree-compiler            # dtc, fdtoverlay, fdtput, fdtget
	libfdt-dev                      # vnlm-dtb and the fuzzer
	u-boot-qemu u-boot-tools        # U-Boot boot test: u-boot.bin, mkimage, mkenvimage
	dpkg-dev                        # dpkg-source -x: Debian's u-boot source with its
	                                # patches (scripts/build-uboot.sh, make uboot)
	dt-schema                       # dt-validate, dt-doc-validate
	cpio gzip                       # guest initramfs
	xz-utils                        # linux-source-6.1.tar.xz
	linux-kbuild-6.1                # kbuild scripts for Debian's unpacked headers
	linux-source-6.1                # checkpatch.pl, the armhf lane's 32-bit modpost
	                                # (scripts/fetch-kernel.sh); the debug kernel is
	                                # built from the newest source Debian carries
	                                # (scripts/fetch-kernel-source.sh)
	sparse perl                     # C=2, checkpatch
	python3-ply yamllint            # in-tree checks: checkpatch's spdxcheck.py,
	                                # make dt_binding_check
	python3-sphinx                  # in-tree checks: the docs page, sphinx-build -W
	                                # with the tree's kernel-doc extension
	bc flex bison libssl-dev libelf-dev kmod  # debug kernel build, modules_install,
	                                # the armhf lane's kbuild; depmod for the lanes
	clang libclang-rt-14-dev        # libFuzzer harness
	python3                         # the test harness (standard library only)
	python3-sphinx python3-docutils # make docs: the guides (sphinx-build); rst2man:
	                                # vnlm-dtb's man page
	debootstrap                     # make fresh-check: a minbase root; the trixie
	                                # build root of the trixie lanes (scripts/trixie-root.sh)
	dkms                            # packaging test: real dkms add/build/install of
	                                # tools/dkms/dkms.conf in private trees
)
# Not needed: ipxe-qemu (the board boots Linux directly; the NICs carry no
# option ROM, romfile=), qemu-utils, qemu-efi-*.

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

need_install=()
for p in "${host_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		need_install+=("$p")
done

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	"${sudo_cmd[@]}" dpkg --add-architecture arm64
	rm -f "$cache/.apt-updated"
fi
if [ ! -e "$cache/.apt-updated" ] || [ ${#need_install[@]} -gt 0 ]; then
	"${sudo_cmd[@]}" apt-get update -q >/dev/null
	touch "$cache/.apt-updated"
fi
if [ ${#need_install[@]} -gt 0 ]; then
	echo "deps: installing ${need_install[*]}"
	"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${need_install[@]}" >/dev/null
fi

# The ABI is resolved from the metapackage on every fresh cache, so an
# archive that has moved on (6.1.0-56 -> -57) is followed, never pinned.
stamp="$cache/kernel.env"
if [ ! -s "$stamp" ] || [ ! -d "$(. "$stamp"; echo "$KHEADERS")" ]; then
	abi_pkg=$(apt-cache depends linux-image-arm64:arm64 |
		  sed -n 's/.*Depends: \(linux-image-[0-9.]*-[0-9]*-arm64\):arm64/\1/p' | head -1)
	[ -n "$abi_pkg" ] || { echo "deps: cannot resolve linux-image-arm64" >&2; exit 1; }
	abi=${abi_pkg#linux-image-}            # 6.1.0-56-arm64
	abi_common=${abi%-arm64}-common        # 6.1.0-56-common
	kver=$(apt-cache show "$abi_pkg-unsigned:arm64" | sed -n 's/^Version: //p' | head -1)
	kbuild_ver=$(dpkg-query -W -f='${Version}' linux-kbuild-6.1)
	if [ "$kver" != "$kbuild_ver" ]; then
		echo "deps: linux-kbuild-6.1 $kbuild_ver != kernel $kver; upgrading" >&2
		"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q linux-kbuild-6.1 >/dev/null
	fi

	dl="$cache/debs"
	mkdir -p "$dl"
	(cd "$dl" && apt-get download -q "$abi_pkg-unsigned:arm64" \
		"linux-headers-$abi:arm64" "linux-headers-$abi_common" \
		busybox-static:arm64 >/dev/null)

	root="$cache/root-$abi"
	rm -rf "$root"
	mkdir -p "$root"
	for deb in "$dl"/linux-image-"$abi"-unsigned_*arm64.deb \
		   "$dl"/linux-headers-"$abi"_*arm64.deb \
		   "$dl"/linux-headers-"$abi_common"_*all.deb \
		   "$dl"/busybox-static_*arm64.deb; do
		dpkg-deb -x "$deb" "$root"
	done

	hdr="$root/usr/src/linux-headers-$abi"
	common="$root/usr/src/linux-headers-$abi_common"
	sed -i "s|/usr/src/linux-headers-$abi_common|$common|g" "$hdr/Makefile"
	for t in "$hdr" "$common"; do
		for l in scripts tools; do
			[ -L "$t/$l" ] && ln -sfn "/usr/lib/linux-kbuild-6.1/$l" "$t/$l"
		done
	done
	# The image package ships no modules.dep; the harness loads the NIC
	# drivers' dependencies from it.  (/usr/sbin: not in a user's PATH.)
	PATH="$PATH:/usr/sbin:/sbin" depmod -b "$root" "$abi"
	cat >"$stamp" <<ENV
KABI=$abi
KVERSION=$kver
KROOT=$root
KHEADERS=$hdr
KIMAGE=$root/boot/vmlinuz-$abi
KMODULES=$root/lib/modules/$abi
BUSYBOX=$root/bin/busybox
ENV
	echo "deps: kernel $abi ($kver) unpacked in $root"
fi

# checkpatch comes from the same 6.1 source tree the kernel was built from.
cp_dir="$cache/checkpatch"
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	tar -C "$cp_dir" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

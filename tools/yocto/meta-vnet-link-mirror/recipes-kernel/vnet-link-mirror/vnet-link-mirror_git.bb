# SPDX-License-Identifier: GPL-2.0-only
SUMMARY = "vnet-link-mirror: a NIC's link state in an AMP RTOS's virtio-net config"
DESCRIPTION = "Platform driver for AMP SoCs: follows a Linux uplink and writes \
its link status, speed, duplex and MTU into a virtio_net_config in shared \
memory, then rings an SGI doorbell on the RTOS core (GICv2 or GICv3)."
SECTION = "kernel/modules"
LICENSE = "GPL-2.0-only"
# The repository has no separate licence text: every file carries an SPDX
# line; this is the module's main file's.
LIC_FILES_CHKSUM = "file://driver/vnlm_main.c;beginline=1;endline=1;md5=fcab174c20ea2e2bc0be64b493708266"

inherit module

# Placeholders: point SRC_URI at your clone of vnet-link-mirror and SRCREV
# at the commit you ship, here or in a .bbappend, for example
#   SRC_URI = "git://git.example.com/amp/vnet-link-mirror.git;protocol=ssh;branch=main;destsuffix=git"
#   SRCREV = "<40-hex commit>"
# (SRCREV = "${AUTOREV}" follows the branch, at the price of asking the
# server at every parse).  For local work, `devtool modify vnet-link-mirror`
# or EXTERNALSRC on a checkout.
SRC_URI = "git://git.example.com/vnet-link-mirror.git;protocol=https;branch=main;destsuffix=git"
SRCREV = "0000000000000000000000000000000000000000"
PV = "0.0+git${SRCPV}"

# Releases before styhead unpack into WORKDIR and have no UNPACKDIR.
UNPACKDIR ??= "${WORKDIR}"
S = "${UNPACKDIR}/git"

# The top-level Makefile builds only the module when given a kernel tree
# (KERNEL_SRC=${STAGING_KERNEL_DIR}, O=${STAGING_KERNEL_BUILDDIR}, which
# module.bbclass passes) and never runs `make deps` then.  ARCH and
# CROSS_COMPILE come from the environment (module-base.bbclass exports them).
# do_install runs `make modules_install`: ${D}/lib/modules/<release>/extra/.
MAKE_TARGETS = "module"
# Module.symvers is written beside the module's sources, not at the top.
MODULES_MODULE_SYMVERS_LOCATION = "driver"

# The driver talks to an ARM GIC (SGI doorbell): arm64 or 32-bit ARM only.
COMPATIBLE_HOST = "(aarch64|arm).*-linux.*"

RPROVIDES:${PN} += "kernel-module-vnet-link-mirror"

# The module binds to "linux,virtio-net-link-mirror" device-tree nodes and
# udev loads it from their modalias.  Without udev (or to load it early):
# KERNEL_MODULE_AUTOLOAD += "vnet-link-mirror"

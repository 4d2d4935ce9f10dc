################################################################################
#
# vnet-link-mirror
#
################################################################################

# This BR2_EXTERNAL tree lives in the driver's repository (tools/buildroot):
# build the checkout around it.  Buildroot rsyncs it into its build
# directory, leaving out what a checkout may hold beside the sources.  To
# build a pinned release instead:
#   VNET_LINK_MIRROR_VERSION = <commit>
#   VNET_LINK_MIRROR_SITE = https://git.example.com/vnet-link-mirror.git
#   VNET_LINK_MIRROR_SITE_METHOD = git
VNET_LINK_MIRROR_SITE = $(realpath $(BR2_EXTERNAL_VNET_LINK_MIRROR_PATH)/../..)
VNET_LINK_MIRROR_SITE_METHOD = local
VNET_LINK_MIRROR_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = \
	--exclude=/.cache/ --exclude=/build/
VNET_LINK_MIRROR_LICENSE = GPL-2.0
# No separate licence text in the tree: every file carries an SPDX line.
VNET_LINK_MIRROR_LICENSE_FILES = driver/vnlm_main.c

# Kbuild builds the module for any M= build (no CONFIG_ on the command
# line needed); the ABI header is in include/ beside driver/.
VNET_LINK_MIRROR_MODULE_SUBDIRS = driver
VNET_LINK_MIRROR_MODULE_MAKE_OPTS = VNLM_ABI_INCLUDE=$(@D)/include

$(eval $(kernel-module))
$(eval $(generic-package))

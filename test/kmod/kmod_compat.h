/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test modules' kernel-version differences, in one place (the driver's
 * own are in driver/vnlm_compat.h, which the in-tree series carries; these
 * are not part of it).  Each names the release it follows.
 */
#ifndef VNLM_KMOD_COMPAT_H
#define VNLM_KMOD_COMPAT_H

#include <linux/version.h>

/* 6.15: net_device::request_ops_lock, a driver asking the core to hold its
 * instance lock around its ops (and some notifiers); absent before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define KMOD_HAVE_OPS_LOCK	1
#else
#define KMOD_HAVE_OPS_LOCK	0
#endif

#endif /* VNLM_KMOD_COMPAT_H */

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

/* syscore callbacks with a context pointer, registered as a struct syscore
 * (its ops and that pointer) instead of bare ops: mainline, and backported
 * into 6.12.y stable (Debian's 6.12.118 has it, 6.12.95 not), so no version
 * number tells; Kbuild defines KMOD_SYSCORE_DATA from the header itself.
 * KMOD_SYSCORE_SHUTDOWN(name, fn) defines what runs fn(void) at shutdown;
 * kmod_syscore_register/unregister(name) take it on and off the list.
 */
#include <linux/syscore_ops.h>
#ifdef KMOD_SYSCORE_DATA
#define KMOD_SYSCORE_SHUTDOWN(name, fn)					\
	static void name##_cb(void *data) { fn(); }			\
	static const struct syscore_ops name##_ops = { .shutdown = name##_cb }; \
	static struct syscore name = { .ops = &name##_ops }
#define kmod_syscore_register(name)	register_syscore(&(name))
#define kmod_syscore_unregister(name)	unregister_syscore(&(name))
#else
#define KMOD_SYSCORE_SHUTDOWN(name, fn)					\
	static struct syscore_ops name = { .shutdown = fn }
#define kmod_syscore_register(name)	register_syscore_ops(&(name))
#define kmod_syscore_unregister(name)	unregister_syscore_ops(&(name))
#endif

#endif /* VNLM_KMOD_COMPAT_H */

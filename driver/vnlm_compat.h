/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel-version differences, in one place.  Each entry names the
 * release whose API it follows; the code elsewhere is written against the
 * newest API and only ever uses the names below for what differs.
 *
 * Supported: 5.10 to 7.3 (and later), arm and arm64.
 */
#ifndef VNLM_COMPAT_H
#define VNLM_COMPAT_H

#include <linux/netdevice.h>
#include <linux/version.h>

/* 5.15: <linux/stdarg.h> replaces the compiler's <stdarg.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)
#include <linux/stdarg.h>
#else
#include <stdarg.h>
#endif

/* 5.14: kstrtobool() and friends move from kernel.h to kstrtox.h. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 14, 0)
#include <linux/kstrtox.h>
#else
#include <linux/kernel.h>
#endif

/* Netdev references: 6.0 names them netdev_hold()/netdev_put(); 5.17 has
 * the same trackers as dev_hold_track()/dev_put_track(); before 5.17 there
 * is no tracker, only the count.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0)
typedef struct {} netdevice_tracker;
#define netdev_hold(dev, tracker, gfp)	dev_hold(dev)
#define netdev_put(dev, tracker)	dev_put(dev)
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)
#define netdev_hold(dev, tracker, gfp)	dev_hold_track(dev, tracker, gfp)
#define netdev_put(dev, tracker)	dev_put_track(dev, tracker)
#endif

/* 7.2: __ethtool_get_link_ksettings() takes the device's instance (ops)
 * lock, where it has one, and netif_get_link_ksettings() is the call for a
 * caller that holds it already, as a netdevice notifier does for NETDEV_UP,
 * NETDEV_CHANGE, NETDEV_CHANGENAME and NETDEV_REGISTER (the lock taken a
 * second time is a deadlock under RTNL).  Before, the one call needs RTNL
 * only and serves both.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(7, 2, 0)
#define netif_get_link_ksettings(dev, ks)	__ethtool_get_link_ksettings(dev, ks)
#endif

/* 6.11: platform_driver::remove returns void.  Before, it returns int;
 * VNLM_PLATFORM_REMOVE(fn) gives the driver's void @fn that shape.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define VNLM_PLATFORM_REMOVE(fn)	fn
#else
#define VNLM_PLATFORM_REMOVE(fn)	fn##_int
#define VNLM_DEFINE_REMOVE_INT(fn)					\
	static int fn##_int(struct platform_device *pdev)		\
	{								\
		fn(pdev);						\
		return 0;						\
	}								\
	static_assert(1)
#endif
#ifndef VNLM_DEFINE_REMOVE_INT
#define VNLM_DEFINE_REMOVE_INT(fn)	static_assert(1)
#endif

/* 6.10: __assign_str() takes only the field; the source comes from __string(). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define vnlm_assign_str(field, src)	__assign_str(field)
#else
#define vnlm_assign_str(field, src)	__assign_str(field, src)
#endif

/* 5.17: SYSTEM_SLEEP_PM_OPS() and pm_sleep_ptr(), which keep the callbacks
 * referenced without CONFIG_PM_SLEEP.  Before, SET_SYSTEM_SLEEP_PM_OPS()
 * drops them, and -Wunused-function (an error with WERROR) follows unless
 * they are marked __vnlm_pm_sleep (__maybe_unused there, nothing after).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0)
#include <linux/pm.h>
#define SYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn)			\
	SET_SYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn)
#define pm_sleep_ptr(ptr)	(IS_ENABLED(CONFIG_PM_SLEEP) ? (ptr) : NULL)
#define __vnlm_pm_sleep		__maybe_unused
#else
#define __vnlm_pm_sleep
#endif

/* Functions the KUnit module calls are exported, to the namespace
 * EXPORTED_FOR_KUNIT_TESTING, only while the suite is configured.  6.13:
 * namespaces are strings in EXPORT_SYMBOL_NS_GPL() and MODULE_IMPORT_NS().
 */
#if IS_ENABLED(CONFIG_VNET_LINK_MIRROR_KUNIT_TEST)
#include <linux/export.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define VNLM_EXPORT_FOR_KUNIT(sym)	EXPORT_SYMBOL_NS_GPL(sym, "EXPORTED_FOR_KUNIT_TESTING")
#define VNLM_IMPORT_KUNIT_NS()		MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define VNLM_EXPORT_FOR_KUNIT(sym)	EXPORT_SYMBOL_NS_GPL(sym, EXPORTED_FOR_KUNIT_TESTING)
#define VNLM_IMPORT_KUNIT_NS()		MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif
#else
#define VNLM_EXPORT_FOR_KUNIT(sym)	static_assert(1)
#endif

#endif /* VNLM_COMPAT_H */

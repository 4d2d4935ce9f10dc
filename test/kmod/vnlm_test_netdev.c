// SPDX-License-Identifier: GPL-2.0-only
/*
 * A test uplink for the mirror's tests: a real registered netdev, "tnd0",
 * whose ethtool link settings change at runtime.
 *
 *   speed, duplex   (module parameters, 0644) the link settings ethtool
 *                   reports; writing either calls netdev_state_change(),
 *                   i.e. NETDEV_CHANGE, as a NIC driver does when its link
 *                   parameters change while the carrier stays on.  Writing
 *                   the same value again still notifies.
 *   carrier         (0644) netif_carrier_on/off, as on a PHY link change
 *   stop_stamp      (0444) CNTVCT when ndo_stop last ran
 *   cpu_node_refs   (0444) refcount of /cpus/cpu@1 (meaningful with
 *                   CONFIG_OF_DYNAMIC; -1 without)
 *   ops_lock        (0444, set at insmod; default 1) request the netdev
 *                   instance lock (dev->request_ops_lock, from the 6.15
 *                   instance-lock series on): the core then runs tnd0's
 *                   ndo and ethtool ops, and the notifiers of its up/down
 *                   and state changes, with that lock held, as for real
 *                   ops-locked NICs.  dummy requests it too but has no
 *                   link settings: tnd0 is the uplink that has both.
 *                   Reads 0 on kernels without the field.
 *
 * NETDEV_CHANGE rather than carrier off/on: a real PHY renegotiation drops
 * the carrier first, which the mirror must show as two changes (down, then
 * up with the new speed); only a notifier with the carrier kept can tell
 * "exactly one doorbell per visible change" from "one per event".
 */
#include <linux/ethtool.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/of.h>
#include <linux/rtnetlink.h>

#include "../../driver/vnlm_clock.h"
#include "kmod_compat.h"

static struct net_device *tnd;
static int tnd_speed = SPEED_1000;
static int tnd_duplex = DUPLEX_FULL;
static u64 tnd_stop_stamp;
static struct vnlm_clock tnd_clock;	/* the driver's choice, for stop_stamp */

/* request_ops_lock: absent in 6.12 (Debian trixie), present in 7.3 */
static bool tnd_ops_lock = KMOD_HAVE_OPS_LOCK;
module_param_named(ops_lock, tnd_ops_lock, bool, 0444);
MODULE_PARM_DESC(ops_lock, "request the netdev instance lock (6.15+; reads 0 without it)");

static int tnd_open(struct net_device *ndev)
{
	netif_start_queue(ndev);
	return 0;
}

static int tnd_stop(struct net_device *ndev)
{
	WRITE_ONCE(tnd_stop_stamp, vnlm_clock_read(&tnd_clock));
	netif_stop_queue(ndev);
	return 0;
}

static netdev_tx_t tnd_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int tnd_get_link_ksettings(struct net_device *ndev,
				  struct ethtool_link_ksettings *ks)
{
	ks->base.speed = READ_ONCE(tnd_speed);
	ks->base.duplex = READ_ONCE(tnd_duplex);
	ks->base.port = PORT_TP;
	ks->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static const struct net_device_ops tnd_netdev_ops = {
	.ndo_open = tnd_open,
	.ndo_stop = tnd_stop,
	.ndo_start_xmit = tnd_xmit,
};

static const struct ethtool_ops tnd_ethtool_ops = {
	.get_link = ethtool_op_get_link,
	.get_link_ksettings = tnd_get_link_ksettings,
};

static int set_link_param(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_int(val, kp);

	if (ret || !tnd)
		return ret;
	rtnl_lock();
	netdev_state_change(tnd);
	rtnl_unlock();
	return 0;
}

static const struct kernel_param_ops link_param_ops = {
	.set = set_link_param,
	.get = param_get_int,
};

module_param_cb(speed, &link_param_ops, &tnd_speed, 0644);
MODULE_PARM_DESC(speed, "link speed ethtool reports (Mb/s); a write raises NETDEV_CHANGE");
module_param_cb(duplex, &link_param_ops, &tnd_duplex, 0644);
MODULE_PARM_DESC(duplex, "0 half, 1 full, 255 unknown; a write raises NETDEV_CHANGE");

static int set_carrier(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	if (!tnd)
		return -ENODEV;
	if (on)
		netif_carrier_on(tnd);
	else
		netif_carrier_off(tnd);
	return 0;
}

static int get_carrier(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", tnd ? netif_carrier_ok(tnd) : -1);
}

static const struct kernel_param_ops carrier_ops = {
	.set = set_carrier,
	.get = get_carrier,
};

module_param_cb(carrier, &carrier_ops, NULL, 0644);
MODULE_PARM_DESC(carrier, "carrier on (1) or off (0)");

static int get_stop_stamp(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(tnd_stop_stamp));
}

static const struct kernel_param_ops stop_stamp_ops = {
	.get = get_stop_stamp,
};

module_param_cb(stop_stamp, &stop_stamp_ops, NULL, 0444);
MODULE_PARM_DESC(stop_stamp, "the driver's stamp clock when ndo_stop last ran");

static int get_cpu_node_refs(char *buf, const struct kernel_param *kp)
{
	struct device_node *np;
	int refs = -1;

	if (IS_ENABLED(CONFIG_OF_DYNAMIC)) {
		np = of_find_node_by_path("/cpus/cpu@1");
		if (np) {
			/* less the reference just taken */
			refs = kref_read(&np->kobj.kref) - 1;
			of_node_put(np);
		}
	}
	return sysfs_emit(buf, "%d\n", refs);
}

static const struct kernel_param_ops cpu_node_refs_ops = {
	.get = get_cpu_node_refs,
};

module_param_cb(cpu_node_refs, &cpu_node_refs_ops, NULL, 0444);
MODULE_PARM_DESC(cpu_node_refs, "refcount of /cpus/cpu@1 (-1 without CONFIG_OF_DYNAMIC)");

static int __init tnd_init(void)
{
	struct net_device *ndev;
	int ret;

	ndev = alloc_netdev(0, "tnd0", NET_NAME_PREDICTABLE, ether_setup);
	if (!ndev)
		return -ENOMEM;
	ndev->netdev_ops = &tnd_netdev_ops;
	ndev->ethtool_ops = &tnd_ethtool_ops;
	ndev->max_mtu = ETH_MAX_MTU;
#if KMOD_HAVE_OPS_LOCK
	ndev->request_ops_lock = tnd_ops_lock;
#else
	tnd_ops_lock = false;
#endif
	eth_hw_addr_random(ndev);
	netif_carrier_on(ndev);
	ret = register_netdev(ndev);
	if (ret) {
		free_netdev(ndev);
		return ret;
	}
	/* devm on the netdev's own device: unmapped when it is released */
	vnlm_clock_init(&ndev->dev, &tnd_clock);
	tnd = ndev;
	return 0;
}
module_init(tnd_init);

static void __exit tnd_exit(void)
{
	unregister_netdev(tnd);
	free_netdev(tnd);
}
module_exit(tnd_exit);

MODULE_DESCRIPTION("vnet-link-mirror test uplink with runtime speed and duplex");
MODULE_LICENSE("GPL");

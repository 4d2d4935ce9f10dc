// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnet-link-mirror: mirror a physical uplink's link state into the
 * shared-memory virtio-net config of an RTOS on the same SoC, and ring the
 * RTOS core's doorbell when it changes.
 *
 * One platform device per DT node; see bindings/ for the node and
 * include/vnet-link-mirror/shm.h for what the RTOS reads.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/rtnetlink.h>

#include "vnet-link-mirror/shm.h"
#include "vnlm.h"
#include "vnlm_compat.h"
#include "vnlm_rules.h"

/* The rest of probe for a mailbox doorbell: the region is mapped. */
static int vnlm_probe_mbox(struct platform_device *pdev, struct vnlm_mirror *mirror)
{
	struct device *dev = &pdev->dev;
	int ret;

	ret = vnlm_mbox_doorbell_init(dev, &mirror->doorbell);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, mirror);
	rtnl_lock();
	vnlm_mirror_start(mirror);
	rtnl_unlock();

	dev_info(dev, "mirroring %s%s through mailbox %s, %s\n",
		 mirror->params.uplink_np ? "" : mirror->params.uplink_name,
		 mirror->params.uplink_np ? of_node_full_name(mirror->params.uplink_np) : "",
		 vnlm_mbox_controller_name(&mirror->doorbell),
		 mirror->params.start_enabled ? "enabled" : "disabled");
	return 0;
}

static int vnlm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct vnlm_mirror *mirror;
	enum vnlm_gic_arch arch = 0;
	phys_addr_t gicd_base = 0;
	struct resource *res;
	int ret;

	mirror = devm_kzalloc(dev, sizeof(*mirror), GFP_KERNEL);
	if (!mirror)
		return -ENOMEM;
	mirror->dev = dev;

	ret = vnlm_parse_doorbell_kind(dev, &mirror->params.doorbell);
	if (ret)
		return ret;
	if (mirror->params.doorbell == VNLM_DOORBELL_SGI) {
		ret = vnlm_gic_arch(&arch, &gicd_base);
		if (ret)
			return dev_err_probe(dev, ret,
					     "no GICv2 or GICv3 interrupt controller in the DT\n");
	}
	ret = vnlm_parse_params(dev, arch, &mirror->params);
	if (ret)
		return ret;

	res = &mirror->params.region;
	/* The claim is what keeps two instances off one region. */
	if (!devm_request_mem_region(dev, res->start, resource_size(res), dev_name(dev)))
		return dev_err_probe(dev, -EBUSY,
				     "%pOF: " VNLM_PROP_REGION " %pR is already in use\n",
				     dev->of_node, res);
	mirror->shm = devm_ioremap_wc(dev, res->start, VNLM_REGION_MIN_SIZE);
	if (!mirror->shm)
		return dev_err_probe(dev, -ENOMEM, "cannot map %pR\n", res);

	if (mirror->params.doorbell == VNLM_DOORBELL_MBOX)
		return vnlm_probe_mbox(pdev, mirror);

	ret = vnlm_doorbell_init(dev, &mirror->doorbell, arch, gicd_base,
				 mirror->params.target_mpidr, mirror->params.sgi);
	if (ret)
		return dev_err_probe(dev, ret, "cannot map the GICv2 distributor\n");

	platform_set_drvdata(pdev, mirror);
	rtnl_lock();
	vnlm_mirror_start(mirror);
	rtnl_unlock();

	dev_info(dev, "mirroring %s%s to CPU 0x%llx SGI %u, GICv%d, %s\n",
		 mirror->params.uplink_np ? "" : mirror->params.uplink_name,
		 mirror->params.uplink_np ? of_node_full_name(mirror->params.uplink_np) : "",
		 mirror->params.target_mpidr, mirror->params.sgi, arch,
		 mirror->params.start_enabled ? "enabled" : "disabled");
	return 0;
}

static void vnlm_remove(struct platform_device *pdev)
{
	struct vnlm_mirror *mirror = platform_get_drvdata(pdev);

	rtnl_lock();
	vnlm_mirror_stop(mirror);
	rtnl_unlock();
	/* Also how a mailbox controller's unbind reaches us (device link). */
	if (mirror->doorbell.kind == VNLM_DOORBELL_MBOX)
		dev_info(&pdev->dev,
			 "released mailbox %s: RTOS told link down (last doorbell %s)\n",
			 vnlm_mbox_controller_name(&mirror->doorbell),
			 vnlm_ring_outcome_name(mirror->last_outcome));
}

VNLM_DEFINE_REMOVE_INT(vnlm_remove);

static const struct of_device_id vnlm_of_match[] = {
	{ .compatible = VNLM_COMPATIBLE },
	{ /* sentinel */ }
};
MODULE_DEVICE_TABLE(of, vnlm_of_match);

static struct platform_driver vnlm_driver = {
	.probe = vnlm_probe,
	.remove = VNLM_PLATFORM_REMOVE(vnlm_remove),
	.driver = {
		.name = "vnet-link-mirror",
		.of_match_table = vnlm_of_match,
		.dev_groups = vnlm_groups,
	},
};

static struct notifier_block vnlm_notifier = {
	.notifier_call = vnlm_netdev_event,
};

static int __init vnlm_init(void)
{
	int ret;

	ret = register_netdevice_notifier(&vnlm_notifier);
	if (ret)
		return ret;
	ret = platform_driver_register(&vnlm_driver);
	if (ret)
		unregister_netdevice_notifier(&vnlm_notifier);
	return ret;
}
module_init(vnlm_init);

static void __exit vnlm_exit(void)
{
	platform_driver_unregister(&vnlm_driver);
	unregister_netdevice_notifier(&vnlm_notifier);
}
module_exit(vnlm_exit);

MODULE_DESCRIPTION("Mirror a physical uplink's link state to an AMP RTOS's virtio-net config");
MODULE_LICENSE("GPL");

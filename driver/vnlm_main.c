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
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
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

	dev_info(dev, "mirroring %s%s through mailbox %s (message: %s), %s, stamps from %s\n",
		 mirror->params.uplink_np ? "" : mirror->params.uplink_name,
		 mirror->params.uplink_np ? of_node_full_name(mirror->params.uplink_np) : "",
		 vnlm_mbox_controller_name(&mirror->doorbell),
		 vnlm_mbox_format_name(&mirror->doorbell),
		 mirror->params.start_enabled ? "enabled" : "disabled",
		 vnlm_clock_name(&mirror->clock));
	return 0;
}

static int vnlm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct vnlm_mirror *mirror;
	struct vnlm_gic gic = { 0 };
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
		ret = vnlm_gic_probe(&gic);
		if (ret)
			return dev_err_probe(dev, ret,
					     "no usable GICv2 or GICv3 interrupt controller in the DT\n");
	}
	ret = vnlm_parse_params(dev, mirror->params.doorbell == VNLM_DOORBELL_SGI ? &gic : NULL,
				&mirror->params);
	if (ret)
		return ret;
	if (mirror->params.doorbell == VNLM_DOORBELL_SGI &&
	    vnlm_sgi_maybe_secure(mirror->params.sgi, gic.arch, gic.single_security_state))
		dev_warn(dev, "%pOF: %s %u may be Secure (often so under TF-A): dropped if so\n",
			 dev->of_node, VNLM_PROP_SGI, mirror->params.sgi);

	res = &mirror->params.region;
	if (mirror->params.sram_pool) {
		mirror->shm = vnlm_claim_sram(dev, &mirror->params);
		if (IS_ERR(mirror->shm))
			return dev_err_probe(dev, PTR_ERR(mirror->shm),
					     "%pOF: " VNLM_PROP_SRAM " %pR is %s\n",
					     dev->of_node, res,
					     PTR_ERR(mirror->shm) == -EBUSY ? "already in use" :
					     "not in its SRAM pool");
	} else {
		/* The claim is what keeps two instances off one region. */
		if (!devm_request_mem_region(dev, res->start, resource_size(res), dev_name(dev)))
			return dev_err_probe(dev, -EBUSY,
					     "%pOF: " VNLM_PROP_REGION " %pR is already in use\n",
					     dev->of_node, res);
		mirror->shm = devm_ioremap_wc(dev, res->start, VNLM_REGION_MIN_SIZE);
		if (!mirror->shm)
			return dev_err_probe(dev, -ENOMEM, "cannot map %pR\n", res);
	}

	vnlm_clock_init(dev, &mirror->clock);

	if (mirror->params.doorbell == VNLM_DOORBELL_MBOX)
		return vnlm_probe_mbox(pdev, mirror);

	ret = vnlm_doorbell_init(dev, &mirror->doorbell, &gic, mirror->params.target_mpidr,
				 mirror->params.gic_iface, mirror->params.sgi);
	if (ret)
		return dev_err_probe(dev, ret, "cannot map the GICv2 distributor\n");

	platform_set_drvdata(pdev, mirror);
	rtnl_lock();
	vnlm_mirror_start(mirror);
	rtnl_unlock();

	dev_info(dev, "mirroring %s%s to CPU 0x%llx SGI %u, GICv%d, %s, stamps from %s\n",
		 mirror->params.uplink_np ? "" : mirror->params.uplink_name,
		 mirror->params.uplink_np ? of_node_full_name(mirror->params.uplink_np) : "",
		 mirror->params.target_mpidr, mirror->params.sgi, gic.arch,
		 mirror->params.start_enabled ? "enabled" : "disabled",
		 vnlm_clock_name(&mirror->clock));
	return 0;
}

static void vnlm_stop(struct vnlm_mirror *mirror)
{
	ktime_t start;
	int flushed;

	rtnl_lock();
	vnlm_mirror_stop(mirror);
	rtnl_unlock();
	/* the work takes RTNL, and finds the mirror stopped if it runs now */
	cancel_delayed_work_sync(&mirror->announce_work);
	/* the "link down" doorbell delivered before the channel is freed */
	start = ktime_get();
	flushed = vnlm_doorbell_flush(&mirror->doorbell, VNLM_DOORBELL_FLUSH_MS);
	/* Also how a mailbox controller's unbind reaches us (device link). */
	if (mirror->doorbell.kind == VNLM_DOORBELL_MBOX)
		dev_info(mirror->dev,
			 "released mailbox %s: RTOS told link down (last doorbell %s, %s after %lld ms)\n",
			 vnlm_mbox_controller_name(&mirror->doorbell),
			 vnlm_ring_outcome_name(mirror->last_outcome),
			 flushed ? "undelivered" : "delivered",
			 ktime_ms_delta(ktime_get(), start));
}

static void vnlm_remove(struct platform_device *pdev)
{
	vnlm_stop(platform_get_drvdata(pdev));
}

VNLM_DEFINE_REMOVE_INT(vnlm_remove);

/* Reboot, poweroff and kexec: the RTOS keeps running after Linux has gone,
 * so it is told link down, with a doorbell, as at remove.
 */
static void vnlm_shutdown(struct platform_device *pdev)
{
	struct vnlm_mirror *mirror = platform_get_drvdata(pdev);

	if (mirror)
		vnlm_stop(mirror);
}

static int __vnlm_pm_sleep vnlm_suspend(struct device *dev)
{
	struct vnlm_mirror *mirror = dev_get_drvdata(dev);

	rtnl_lock();
	vnlm_mirror_suspend(mirror);
	rtnl_unlock();
	/* the "link down" doorbell out before the controller suspends */
	vnlm_doorbell_flush(&mirror->doorbell, VNLM_DOORBELL_FLUSH_MS);
	return 0;
}

/* The uplink resumes after us (its device was created later than ours, and
 * the PM core resumes in creation order): publishing from .resume would
 * tell the RTOS the state from before the sleep, then whatever the NIC
 * finds on its own resume.  .complete runs once every device has resumed.
 * It also runs after a suspend aborted before ours: nothing to do then.
 */
static void __vnlm_pm_sleep vnlm_complete(struct device *dev)
{
	rtnl_lock();
	vnlm_mirror_resume(dev_get_drvdata(dev));
	rtnl_unlock();
}

static const struct dev_pm_ops vnlm_pm_ops = {
	SYSTEM_SLEEP_PM_OPS(vnlm_suspend, NULL)
	.complete = pm_sleep_ptr(vnlm_complete),
};

static const struct of_device_id vnlm_of_match[] = {
	{ .compatible = VNLM_COMPATIBLE },
	{ /* sentinel */ }
};
MODULE_DEVICE_TABLE(of, vnlm_of_match);

static struct platform_driver vnlm_driver = {
	.probe = vnlm_probe,
	.remove = VNLM_PLATFORM_REMOVE(vnlm_remove),
	.shutdown = vnlm_shutdown,
	.driver = {
		.name = "vnet-link-mirror",
		.pm = pm_sleep_ptr(&vnlm_pm_ops),
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

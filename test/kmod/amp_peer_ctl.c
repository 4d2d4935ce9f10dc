// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only helper for the QEMU AMP board: starts the RTOS-side peer on the
 * core Linux does not own (what remoteproc would do on a real board) and
 * raises bare SGIs on it, without any mirror involved, so the harness can
 * check the peer and measure the doorbell floor.
 *
 *   insmod amp-peer-ctl.ko entry=0x5e000000 mpidr=2 arg=8
 *   echo 9 > /sys/module/amp_peer_ctl/parameters/raise    # SGI 9
 *   cat /sys/module/amp_peer_ctl/parameters/raised_stamp  # the stamp clock at raise
 */
#include <linux/arm-smccc.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/psci.h>
#include <uapi/linux/psci.h>

#include "../../driver/vnlm_clock.h"
#include "../../driver/vnlm_doorbell.h"

static ulong entry;
module_param(entry, ulong, 0444);
MODULE_PARM_DESC(entry, "physical entry point of the peer image");

static ulong mpidr = 2;
module_param(mpidr, ulong, 0444);
MODULE_PARM_DESC(mpidr, "MPIDR of the core to start and to ring");

static ulong arg;
module_param(arg, ulong, 0444);
MODULE_PARM_DESC(arg, "context id handed to the peer in x0 (r0 on 32-bit Arm)");

static ulong raised_stamp;
module_param(raised_stamp, ulong, 0444);
MODULE_PARM_DESC(raised_stamp, "the driver's stamp clock just before the last raise");

static ulong raised_count;
module_param(raised_count, ulong, 0444);
MODULE_PARM_DESC(raised_count, "SGIs raised through this module");

static struct vnlm_doorbell doorbells[VNLM_SGI_MAX + 1];
static struct device *ctl_dev;
static struct vnlm_clock ctl_clock;

static int raise_set(const char *val, const struct kernel_param *kp)
{
	unsigned int sgi;
	int ret;

	ret = kstrtouint(val, 0, &sgi);
	if (ret)
		return ret;
	if (vnlm_check_sgi(sgi))
		return -ERANGE;
	raised_stamp = vnlm_clock_read(&ctl_clock);
	vnlm_doorbell_ring(&doorbells[sgi], 0);
	raised_count++;
	return 0;
}

static const struct kernel_param_ops raise_ops = {
	.set = raise_set,
};
module_param_cb(raise, &raise_ops, NULL, 0200);
MODULE_PARM_DESC(raise, "write an SGI number to raise it on the peer core");

/*
 * CPU_ON in the kernel's own calling convention: SMC64 on arm64, SMC32 on
 * 32-bit Arm (which has no SMC64; a 64-bit function id from AArch32 is not
 * a PSCI call to QEMU).  The started core runs in the caller's execution
 * state: AArch64 EL1, or A32 SVC mode.
 */
#define AMP_PSCI_FN_CPU_ON \
	(IS_ENABLED(CONFIG_64BIT) ? PSCI_0_2_FN64_CPU_ON : PSCI_0_2_FN_CPU_ON)

static int psci_cpu_on(unsigned long target, unsigned long pc, unsigned long ctx)
{
	struct device_node *np = of_find_node_by_path("/psci");
	struct arm_smccc_res res;
	const char *method = NULL;

	if (np) {
		of_property_read_string(np, "method", &method);
		of_node_put(np);
	}
	if (method && !strcmp(method, "smc"))
		arm_smccc_smc(AMP_PSCI_FN_CPU_ON, target, pc, ctx, 0, 0, 0, 0, &res);
	else
		arm_smccc_hvc(AMP_PSCI_FN_CPU_ON, target, pc, ctx, 0, 0, 0, 0, &res);
	return (int)res.a0;
}

static int __init amp_peer_ctl_init(void)
{
	struct vnlm_gic gic;
	unsigned int sgi;
	int ret;

	ret = vnlm_gic_probe(&gic);
	if (ret)
		return ret;
	ctl_dev = root_device_register("amp_peer_ctl");
	if (IS_ERR(ctl_dev))
		return PTR_ERR(ctl_dev);
	vnlm_clock_init(ctl_dev, &ctl_clock);
	for (sgi = 0; sgi <= VNLM_SGI_MAX; sgi++) {
		ret = vnlm_doorbell_init(ctl_dev, &doorbells[sgi], &gic, mpidr, -1, sgi);
		if (ret)
			goto fail;
	}
	if (entry) {
		ret = psci_cpu_on(mpidr, entry, arg);
		pr_info("amp_peer_ctl: CPU_ON(0x%lx, 0x%lx, %lu) = %d\n", mpidr, entry, arg, ret);
		if (ret) {
			ret = -EIO;
			goto fail;
		}
	}
	return 0;
fail:
	root_device_unregister(ctl_dev);
	return ret;
}
module_init(amp_peer_ctl_init);

static void __exit amp_peer_ctl_exit(void)
{
	root_device_unregister(ctl_dev);
}
module_exit(amp_peer_ctl_exit);

MODULE_DESCRIPTION("Test helper: start the RTOS peer core, raise bare SGIs on it");
MODULE_LICENSE("GPL");

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
 *
 * With log=ADDR (the peer log's physical address), reboot, poweroff and
 * kexec wait, after every driver's .shutdown, until the peer has read the
 * last generation of each region it watches (at most settle_ms): see
 * settle_shutdown().
 *
 * The core is started the way its platform starts one: PSCI CPU_ON (QEMU
 * virt), or on an i.MX6 (the DT has an fsl,imx6q-src node: QEMU sabrelite)
 * the System Reset Controller, as U-Boot's `cpu N release`
 * (arch/arm/mach-imx/mx6/mp.c) and Linux's own SMP boot
 * (arch/arm/mach-imx/src.c) do.
 */
#include <linux/arm-smccc.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/slab.h>
#include <asm/cputype.h>
#include <linux/psci.h>
#include <uapi/linux/psci.h>

#include "../../driver/vnlm_clock.h"
#include "../../driver/vnlm_doorbell.h"
#include "vnet-link-mirror/shm.h"
#include "kmod_compat.h"

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

static ulong log;
module_param(log, ulong, 0444);
MODULE_PARM_DESC(log, "physical address of the peer log: wait for the peer at shutdown");

static uint settle_ms = 5000;
module_param(settle_ms, uint, 0444);
MODULE_PARM_DESC(settle_ms, "the longest shutdown waits for the peer");

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

/*
 * The i.MX6 SRC: core N (1..3) boots at the address in GPR(2N+1) with the
 * argument in GPR(2N+2) (SRC_GPR1 + 8N, + 4), once SCR's CORE<N>_ENABLE
 * (bit 21 + N) is set with CORE<N>_RST (bit 13 + N), which self-clears,
 * resetting it.  QEMU's model hands the argument over in r0 as PSCI does;
 * the peer only needs it without a host-written config.
 *
 * Linux's SRC code serialises its own SCR updates (CPU hotplug, module
 * resets) with a lock it does not export: this test helper's one
 * read-modify-write at load, with no Linux CPU going on- or offline and no
 * SRC reset under way, does not race them; a production loader would go
 * through a platform API (remoteproc).
 */
#define SRC_SCR			0x000
#define SRC_GPR1		0x020
#define SRC_SCR_CORE_RST(n)	BIT(13 + (n))
#define SRC_SCR_CORE_ENABLE(n)	BIT(21 + (n))

static int src_cpu_on(struct device_node *np, unsigned long target, unsigned long pc,
		      unsigned long ctx)
{
	unsigned int core = MPIDR_AFFINITY_LEVEL(target, 0);
	void __iomem *src;
	u32 scr;
	int ret = 0;

	if (core < 1 || core > 3 || target != core)
		return -EINVAL;	/* one cluster: Aff0 1..3, core 0 boots first */
	src = of_iomap(np, 0);
	if (!src)
		return -ENOMEM;
	scr = readl_relaxed(src + SRC_SCR);
	if (scr & SRC_SCR_CORE_ENABLE(core)) {
		ret = -EBUSY;	/* running already: Linux's, or started before */
		goto out;
	}
	writel_relaxed(pc, src + SRC_GPR1 + core * 8);
	writel_relaxed(ctx, src + SRC_GPR1 + core * 8 + 4);
	/* writel(): the entry and argument before the release */
	writel(scr | SRC_SCR_CORE_ENABLE(core) | SRC_SCR_CORE_RST(core), src + SRC_SCR);
out:
	iounmap(src);
	return ret;
}

static int peer_cpu_on(unsigned long target, unsigned long pc, unsigned long ctx,
		       const char **how)
{
	struct device_node *np = of_find_compatible_node(NULL, NULL, "fsl,imx6q-src");
	int ret;

	if (np) {
		*how = "SRC release";
		ret = src_cpu_on(np, target, pc, ctx);
		of_node_put(np);
		return ret;
	}
	*how = "PSCI CPU_ON";
	return psci_cpu_on(target, pc, ctx) ? -EIO : 0;
}

/*
 * Waiting for the peer at shutdown.  On this board, poweroff and reboot
 * end the whole machine, the RTOS core with it, a few milliseconds after the
 * mirror's .shutdown rang its last doorbell; on a loaded host the peer's
 * vCPU may not have run in between, and the test would then blame the
 * driver for a doorbell the board, not Linux, cut short.  A real AMP board
 * keeps the RTOS core powered past Linux's end (or the RTOS goes with it
 * and never needs the news).  So the board's power stays on until the peer
 * has logged a read of each initialised region's last generation, as a
 * record of a doorbell, or settle_ms passes: it only waits, so a driver
 * that never rang still fails its test.  Offsets: test/rtos-peer/peer_log.h
 * (whose static asserts pin them).
 */
#define PL_STATE		0x0c
#define PL_DOORBELLS		0x1c
#define PL_HEAD			0x28
#define PL_RING_SIZE		0x2c
#define PL_VIEW			0x80	/* struct peer_slot_view[], 24 bytes each */
#define PL_VIEW_SIZE		24
#define PL_VIEW_SEQ		0
#define PL_VIEW_VALID		13
#define PL_VIEW_LAST_DOORBELL	20
#define PL_CONFIG		0x3400	/* struct peer_config */
#define PL_CONFIG_MAGIC		0x47464e43
#define PL_CONFIG_SLOT_ADDR	0x20
#define PL_RECORDS		0x4000	/* struct peer_record[], 48 bytes each */
#define PL_RECORD_SIZE		48
#define PL_RECORD_SLOT		7
#define PL_RECORD_SEQ		8
#define PL_RING_MAX		65536
#define PL_MAX_SLOTS		512
#define PL_STATE_READY		1
#define PL_RECENT		1024	/* records searched back from the head */

static void *peer_log;

static u32 pl32(unsigned long off)
{
	return le32_to_cpu(READ_ONCE(*(__le32 *)(peer_log + off)));
}

/* A record of slot @slot at generation @seq among the latest ones. */
static bool peer_recorded(u32 slot, u32 seq)
{
	u32 head = pl32(PL_HEAD), ring = pl32(PL_RING_SIZE), i;

	if (!ring || ring > PL_RING_MAX || (ring & (ring - 1)))
		return false;
	for (i = 1; i <= min3(head, ring, (u32)PL_RECENT); i++) {
		unsigned long rec = PL_RECORDS + ((head - i) & (ring - 1)) * PL_RECORD_SIZE;

		if (READ_ONCE(*(u8 *)(peer_log + rec + PL_RECORD_SLOT)) == slot &&
		    pl32(rec + PL_RECORD_SEQ) == seq)
			return true;
	}
	return false;
}

/*
 * How many regions the peer has not read at their last generation yet.
 * A view updated by the doorbell the peer is handling counts until its
 * record is in the log.
 */
static unsigned int peer_behind(void **regions, u32 nslots)
{
	unsigned int behind = 0;
	u32 i;

	for (i = 0; i < nslots; i++) {
		unsigned long view = PL_VIEW + i * PL_VIEW_SIZE;
		u32 seq;

		if (!regions[i] ||
		    le32_to_cpu(READ_ONCE(*(__le32 *)(regions[i] + VNLM_SYNC_MAGIC_OFF))) !=
		    VNLM_SYNC_MAGIC)
			continue;	/* no instance set it up: nothing to read */
		seq = le32_to_cpu(READ_ONCE(*(__le32 *)(regions[i] + VNLM_SYNC_SEQ)));
		if ((seq & 1) || !READ_ONCE(*(u8 *)(peer_log + view + PL_VIEW_VALID)) ||
		    pl32(view + PL_VIEW_SEQ) != seq ||
		    (pl32(view + PL_VIEW_LAST_DOORBELL) == pl32(PL_DOORBELLS) &&
		     !peer_recorded(i, seq)))
			behind++;
	}
	return behind;
}

static void settle_shutdown(void)
{
	ktime_t start = ktime_get();
	unsigned int behind;
	void **regions;
	u32 nslots, i;

	if (pl32(PL_STATE) != PL_STATE_READY || pl32(PL_CONFIG) != PL_CONFIG_MAGIC) {
		pr_info("amp_peer_ctl: peer not ready or not configured: no wait at shutdown\n");
		return;
	}
	nslots = min_t(u32, pl32(PL_CONFIG + 4), PL_MAX_SLOTS);
	regions = kcalloc(nslots, sizeof(*regions), GFP_KERNEL);
	if (!regions)
		return;
	for (i = 0; i < nslots; i++)
		regions[i] = memremap(pl32(PL_CONFIG + PL_CONFIG_SLOT_ADDR + 4 * i),
				      VNLM_REGION_MIN_SIZE, MEMREMAP_WB);
	while ((behind = peer_behind(regions, nslots)) &&
	       ktime_ms_delta(ktime_get(), start) < settle_ms)
		mdelay(1);
	if (behind)
		pr_info("amp_peer_ctl: %u region(s) not read by the peer after %u ms; going on\n",
			behind, settle_ms);
	else
		pr_info("amp_peer_ctl: the peer read every region's last generation (%lld ms)\n",
			ktime_ms_delta(ktime_get(), start));
	for (i = 0; i < nslots; i++)
		if (regions[i])
			memunmap(regions[i]);
	kfree(regions);
}

KMOD_SYSCORE_SHUTDOWN(settle_syscore, settle_shutdown);

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
	if (log) {
		peer_log = memremap(log, PL_RECORDS + PL_RING_MAX * PL_RECORD_SIZE, MEMREMAP_WB);
		if (!peer_log) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	if (entry) {
		const char *how;

		ret = peer_cpu_on(mpidr, entry, arg, &how);
		pr_info("amp_peer_ctl: %s(0x%lx, 0x%lx, %lu) = %d\n", how, mpidr, entry, arg, ret);
		if (ret)
			goto fail;
	}
	if (peer_log)
		kmod_syscore_register(settle_syscore);
	return 0;
fail:
	if (peer_log)
		memunmap(peer_log);
	root_device_unregister(ctl_dev);
	return ret;
}
module_init(amp_peer_ctl_init);

static void __exit amp_peer_ctl_exit(void)
{
	if (peer_log) {
		kmod_syscore_unregister(settle_syscore);
		memunmap(peer_log);
	}
	root_device_unregister(ctl_dev);
}
module_exit(amp_peer_ctl_exit);

MODULE_DESCRIPTION("Test helper: start the RTOS peer core, raise bare SGIs on it");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only mailbox controller for the QEMU AMP board, which has no
 * mailbox IP: registered with the real mailbox framework from a DT node
 *
 *	vnlm_mbox: mailbox {
 *		compatible = "vnlm-test,sgi-mailbox";
 *		#mbox-cells = <1>;		// the SGI, 0-15
 *	};
 *
 * Channel n delivers a message (a pointer to a u32 word, 0 sent as 1) by
 * writing the word into the RTOS peer's mailbox cell n (PEER_MBOX_CELL(n),
 * inside the no-map rtos@5e000000 region) and raising SGI n on the peer
 * core.  The peer logs the word and writes 0 back: "cell empty" is TX done
 * (txdone_poll).
 *
 *	echo refuse > /sys/module/vnlm_test_mbox/parameters/mode  # send_data -EBUSY
 *	echo stall  > .../mode	# write the cell, raise nothing: never done
 *	echo ok     > .../mode	# normal; raises SGIs for cells left full
 *	echo slow   > .../mode	# write + raise slow_ms after send_data; TX done
 *				# only after that (a slow link); a delivery
 *				# still waiting when the controller suspends
 *				# is dropped, as a powered-down IP drops it
 *	echo NAME > /sys/bus/platform/drivers/vnlm-test-mbox/unbind  # vanish
 *
 * The message as a real controller's driver reads it, chosen by a second
 * compatible of the node (test only: the real drivers' probes fail on the
 * node, which has none of their properties, and the test controller binds
 * by its first):
 *	"vnlm-test,sgi-mailbox"				a pointer to the u32 word
 *	"vnlm-test,sgi-mailbox", "xlnx,zynqmp-ipi-dest-mailbox"
 *		a struct zynqmp_ipi_message, as zynqmp-ipi-mailbox.c: longer
 *		than the IPI buffer (32 bytes) is refused (-EINVAL), the cell
 *		gets the buffer's first word (0xbad00000 | len if under 4)
 *	"vnlm-test,sgi-mailbox", "ti,omap4-mailbox"
 *		the pointer's low 32 bits, as omap-mailbox.c
 *
 * txdone=ack (read at probe: set it, then bind) registers the controller
 * with neither TX-done IRQ nor poll, the framework's TXDONE_BY_ACK: only
 * the client's mbox_client_txdone() ends a message (Qualcomm APCS IPC).
 */
#include <linux/io.h>
#include <linux/mailbox/zynqmp-ipi-message.h>
#include <linux/mailbox_controller.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "../../driver/vnlm_compat.h"
#include "../../driver/vnlm_doorbell.h"

#define PEER_MBOX_CELLS		0x5e7ff000
#define NCHANS			(VNLM_SGI_MAX + 1)

#define IPI_BUF_SIZE		32	/* zynqmp-ipi-mailbox.c: IPI_MB_MSG_BUF_SIZE */

enum tmb_format { TMB_WORD_PTR, TMB_ZYNQMP_IPI, TMB_U32_VALUE };

enum tmb_mode { TMB_OK, TMB_REFUSE, TMB_STALL, TMB_SLOW };
static const char *const mode_names[] = { "ok", "refuse", "stall", "slow" };

static ulong mpidr = 2;
module_param(mpidr, ulong, 0444);
MODULE_PARM_DESC(mpidr, "MPIDR of the RTOS peer core");

static char *txdone = "poll";
module_param(txdone, charp, 0644);
MODULE_PARM_DESC(txdone, "poll (last_tx_done: the peer emptied the cell) or ack (the client acknowledges), read at probe");

static uint slow_ms = 100;
module_param(slow_ms, uint, 0644);
MODULE_PARM_DESC(slow_ms, "slow mode: ms from send_data to the doorbell");

static ulong dropped;
module_param(dropped, ulong, 0444);
MODULE_PARM_DESC(dropped, "slow deliveries dropped by a suspend");

static ulong delivered;
module_param(delivered, ulong, 0444);
MODULE_PARM_DESC(delivered, "messages written and raised");

static ulong refused;
module_param(refused, ulong, 0444);
MODULE_PARM_DESC(refused, "send_data calls refused with -EBUSY");

struct tmb;

/* slow mode: one delivery in flight per channel */
struct tmb_slow {
	struct tmb *t;
	struct delayed_work work;
	u32 word;
	bool busy;
};

struct tmb {
	struct mbox_controller mbox;
	struct tmb_slow slow[NCHANS];
	struct mbox_chan chans[NCHANS];
	struct vnlm_doorbell sgis[NCHANS];
	void __iomem *cells;
	enum tmb_format format;
};

/* The one bound instance, for the mode callback; NULL when none. */
static struct tmb *tmb_bound;
static DEFINE_SPINLOCK(tmb_lock);
static enum tmb_mode mode;

static void tmb_slow_deliver(struct work_struct *work)
{
	struct tmb_slow *s = container_of(to_delayed_work(work), struct tmb_slow, work);
	struct tmb *t = s->t;
	unsigned int n = s - t->slow;

	writel(s->word, t->cells + 4 * n);
	vnlm_doorbell_ring(&t->sgis[n], 0);
	delivered++;
	/* the cell written before the poll may see the channel free */
	smp_store_release(&s->busy, false);
}

static int tmb_send_data(struct mbox_chan *chan, void *data)
{
	struct tmb *t = chan->con_priv;
	unsigned int n = chan - t->chans;
	const struct zynqmp_ipi_message *ipi = data;
	enum tmb_mode m = READ_ONCE(mode);
	u32 word;

	switch (t->format) {
	case TMB_U32_VALUE:
		word = (u32)(uintptr_t)data;
		break;
	case TMB_ZYNQMP_IPI:
		if (ipi && ipi->len > IPI_BUF_SIZE) {
			refused++;
			return -EINVAL;
		}
		if (!ipi)
			word = 0;
		else if (ipi->len < sizeof(word))
			word = 0xbad00000 | ipi->len;
		else
			memcpy(&word, ipi->data, sizeof(word));
		break;
	default:
		word = data ? *(u32 *)data : 0;
		break;
	}

	if (m == TMB_REFUSE) {
		refused++;
		return -EBUSY;
	}
	if (m == TMB_SLOW) {
		t->slow[n].word = word ? word : 1;
		WRITE_ONCE(t->slow[n].busy, true);
		schedule_delayed_work(&t->slow[n].work, msecs_to_jiffies(READ_ONCE(slow_ms)));
		return 0;
	}
	writel(word ? word : 1, t->cells + 4 * n);
	if (m == TMB_STALL)
		return 0;
	vnlm_doorbell_ring(&t->sgis[n], 0);
	delivered++;
	return 0;
}

static bool tmb_last_tx_done(struct mbox_chan *chan)
{
	struct tmb *t = chan->con_priv;
	unsigned int n = chan - t->chans;

	/* pairs with tmb_slow_deliver()'s release: busy clear, the cell written */
	if (smp_load_acquire(&t->slow[n].busy))
		return false;
	return !readl(t->cells + 4 * n);
}

static const struct mbox_chan_ops tmb_ops = {
	.send_data = tmb_send_data,
	.last_tx_done = tmb_last_tx_done,
};

static int mode_set(const char *val, const struct kernel_param *kp)
{
	int m = sysfs_match_string(mode_names, val);
	unsigned int n;

	if (m < 0)
		return m;
	spin_lock(&tmb_lock);
	WRITE_ONCE(mode, m);
	/* back to ok: ring the cells a stall left full */
	if (m == TMB_OK && tmb_bound)
		for (n = 0; n < NCHANS; n++)
			if (readl(tmb_bound->cells + 4 * n))
				vnlm_doorbell_ring(&tmb_bound->sgis[n], 0);
	spin_unlock(&tmb_lock);
	return 0;
}

static int mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", mode_names[READ_ONCE(mode)]);
}

static const struct kernel_param_ops mode_ops = {
	.set = mode_set,
	.get = mode_get,
};
module_param_cb(mode, &mode_ops, NULL, 0644);
MODULE_PARM_DESC(mode, "ok, refuse (send_data -EBUSY), stall (never raise) or slow (raise after slow_ms)");

static void tmb_slow_cancel(struct tmb *t)
{
	unsigned int n;

	for (n = 0; n < NCHANS; n++)
		if (cancel_delayed_work_sync(&t->slow[n].work)) {
			dropped++;
			/* as in tmb_slow_deliver(): the poll may end it */
			smp_store_release(&t->slow[n].busy, false);
		}
}

/* A mailbox IP powered down drops what it had not sent yet. */
static int __vnlm_pm_sleep tmb_suspend(struct device *dev)
{
	tmb_slow_cancel(dev_get_drvdata(dev));
	return 0;
}

static const struct dev_pm_ops tmb_pm_ops = {
	SYSTEM_SLEEP_PM_OPS(tmb_suspend, NULL)
};

static int tmb_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct vnlm_gic gic;
	struct tmb *t;
	unsigned int n;
	int ret;

	t = devm_kzalloc(dev, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	ret = vnlm_gic_probe(&gic);
	if (ret)
		return dev_err_probe(dev, ret, "no GIC\n");
	for (n = 0; n < NCHANS; n++) {
		ret = vnlm_doorbell_init(dev, &t->sgis[n], &gic, mpidr, -1, n);
		if (ret)
			return ret;
		t->chans[n].con_priv = t;
		t->slow[n].t = t;
		INIT_DELAYED_WORK(&t->slow[n].work, tmb_slow_deliver);
	}
	if (of_device_is_compatible(dev->of_node, "xlnx,zynqmp-ipi-dest-mailbox"))
		t->format = TMB_ZYNQMP_IPI;
	else if (of_device_is_compatible(dev->of_node, "ti,omap4-mailbox"))
		t->format = TMB_U32_VALUE;
	t->cells = devm_ioremap(dev, PEER_MBOX_CELLS, 4 * NCHANS);
	if (!t->cells)
		return -ENOMEM;
	t->mbox.dev = dev;
	t->mbox.ops = &tmb_ops;
	t->mbox.chans = t->chans;
	t->mbox.num_chans = NCHANS;
	t->mbox.txdone_poll = !sysfs_streq(txdone, "ack");
	t->mbox.txpoll_period = 1;
	ret = devm_mbox_controller_register(dev, &t->mbox);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register the controller\n");
	/* the modes' "ring the cells left full" is for the default one */
	spin_lock(&tmb_lock);
	if (t->format == TMB_WORD_PTR)
		tmb_bound = t;
	spin_unlock(&tmb_lock);
	platform_set_drvdata(pdev, t);
	dev_info(dev, "test mailbox: %u channels, SGI n + cell 0x%x + 4n to MPIDR 0x%lx, TX done by %s, message format %d\n",
		 NCHANS, PEER_MBOX_CELLS, mpidr, t->mbox.txdone_poll ? "poll" : "ack", t->format);
	return 0;
}

static void tmb_remove(struct platform_device *pdev)
{
	struct tmb *t = platform_get_drvdata(pdev);

	spin_lock(&tmb_lock);
	if (tmb_bound == t)
		tmb_bound = NULL;
	spin_unlock(&tmb_lock);
	tmb_slow_cancel(t);
	dev_info(&pdev->dev, "test mailbox: going away\n");
}

VNLM_DEFINE_REMOVE_INT(tmb_remove);

static const struct of_device_id tmb_of_match[] = {
	{ .compatible = "vnlm-test,sgi-mailbox" },
	{ /* sentinel */ }
};
MODULE_DEVICE_TABLE(of, tmb_of_match);

static struct platform_driver tmb_driver = {
	.probe = tmb_probe,
	.remove = VNLM_PLATFORM_REMOVE(tmb_remove),
	.driver = {
		.name = "vnlm-test-mbox",
		.pm = pm_sleep_ptr(&tmb_pm_ops),
		.of_match_table = tmb_of_match,
	},
};
module_platform_driver(tmb_driver);

MODULE_DESCRIPTION("Test helper: a mailbox controller that rings the RTOS peer with an SGI and a word");
MODULE_LICENSE("GPL");

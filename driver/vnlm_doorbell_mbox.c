// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mailbox-framework doorbell: the node's "doorbell" channel of
 * `mboxes`/`mbox-names`, for an RTOS core outside Linux's GIC (i.MX MU,
 * ZynqMP IPI, STM32 IPCC, TI omap-mailbox).
 *
 * The ring runs in the netdevice notifier under RTNL, so the client never
 * blocks (tx_block = false): mbox_send_message() only queues, and the
 * controller reports each delivery later through tx_done (from its IRQ or
 * its poll timer).  What can go wrong is counted and traced, never waited
 * for:
 *  - busy: a ring queued behind doorbells not yet reported done;
 *  - full: the framework's queue (MBOX_TX_QUEUE_LEN) is full, -ENOBUFS;
 *  - timeout: a doorbell stayed undelivered for VNLM_MBOX_TX_TIMEOUT_MS.
 *    Non-blocking clients get no timeout from the framework, so a delayed
 *    work of ours checks for progress, off RTNL.
 * None of them loses state: the config is in shared memory, and the next
 * doorbell the RTOS takes makes it read the newest one.  But the framework
 * retries a refused send only when another message is queued, and a full
 * queue takes none: a controller that refused MBOX_TX_QUEUE_LEN rings in a
 * row leaves the channel silent until the instance is bound again (which
 * frees the channel and its queue); the ring says so, rate-limited.
 *
 * The message carries a u32 word, the doorbell count (never 0), in the
 * form the controller's Linux driver reads in send_data (vnlm_mbox_formats):
 *  - by default a pointer to the word, valid while queued (i.MX MU, STM32
 *    IPCC and the like, most of which ring without payload and ignore it);
 *  - ZynqMP/Versal IPI: a struct zynqmp_ipi_message, len 4 then the word,
 *    which the driver copies into the IPI request buffer (a bare word
 *    would be taken for a length, and refused or copied out of bounds);
 *  - TI omap-mailbox: the word itself as the pointer value, which the
 *    driver writes to the FIFO (a pointer would go out as its low 32 bits).
 * A table keyed by the controller's compatible, not a binding property:
 * the format is the send_data ABI of the Linux driver that the compatible
 * binds, a kernel-internal interface rather than a property of the board
 * (a DT describes hardware, and the same DT boots other kernels); the
 * table cannot disagree with the driver the way a property copied into
 * each board's DT could, and no board needs editing.
 *
 * ACK-mode controllers (neither TX-done IRQ nor poll: the framework's
 * TXDONE_BY_ACK, e.g. Qualcomm's APCS IPC) learn of a delivery only from
 * the client, through mbox_client_txdone().  For a doorbell, send_data
 * returning 0 is all there is to know: the message is in the hardware.  So
 * on such a controller the ring acknowledges after the send, as the SCMI
 * mailbox transport does (vnlm_mbox_ack()); without it the first message
 * stays active for ever and every later doorbell is queued behind it.
 *
 * The last doorbell: remove, shutdown and suspend publish link down and
 * ring, then (remove) the channel is freed, and mbox_free_channel() drops
 * whatever is queued without a callback.  Behind a slow controller that
 * is the "link down" doorbell itself.  So they wait for the channel to be
 * idle (vnlm_doorbell_flush(): off RTNL, at most VNLM_DOORBELL_FLUSH_MS; on
 * timeout a warning says how many were undelivered, and they are dropped:
 * the config in shared memory says link down all the same).  A TX done
 * that is still returning from our callback when the channel is freed
 * (the framework reads our client after it) is waited for with an RCU
 * grace period before our memory goes.
 *
 * A controller unbound under us: the framework frees our channel in
 * mbox_controller_unregister() and the channel memory goes with the
 * controller, so the client must be gone first.  A device link
 * (consumer = us, supplier = the controller) makes the driver core unbind
 * this instance before the controller's remove: the remove path publishes
 * link down and rings one last time while the channel still works.
 */
#include <linux/device.h>
#include <linux/mailbox_client.h>
#include <linux/mailbox_controller.h>
#include <linux/mailbox/zynqmp-ipi-message.h>
#include <linux/of.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "vnlm_compat.h"
#include "vnlm_doorbell.h"
#include "vnlm_trace.h"

/* More than the framework's queue plus the one in flight. */
#define VNLM_MBOX_WORDS		32
#define VNLM_MBOX_TX_TIMEOUT_MS	100
#define VNLM_MBOX_NAME		"doorbell"

/**
 * enum vnlm_mbox_format - what send_data is handed
 * @VNLM_MBOX_WORD_PTR: a pointer to the u32 word
 * @VNLM_MBOX_ZYNQMP_IPI: a pointer to a struct zynqmp_ipi_message of 4 bytes
 * @VNLM_MBOX_U32_VALUE: the word itself, cast to a pointer
 */
enum vnlm_mbox_format {
	VNLM_MBOX_WORD_PTR,
	VNLM_MBOX_ZYNQMP_IPI,
	VNLM_MBOX_U32_VALUE,
};

/* The controller's node, or its parent's (the ZynqMP IPI's per-agent
 * children have no compatible of their own before the 7.3 schema).
 */
static const struct of_device_id vnlm_mbox_formats[] = {
	{ .compatible = "xlnx,zynqmp-ipi-dest-mailbox", .data = (void *)VNLM_MBOX_ZYNQMP_IPI },
	{ .compatible = "xlnx,versal-ipi-dest-mailbox", .data = (void *)VNLM_MBOX_ZYNQMP_IPI },
	{ .compatible = "xlnx,zynqmp-ipi-mailbox", .data = (void *)VNLM_MBOX_ZYNQMP_IPI },
	{ .compatible = "xlnx,versal-ipi-mailbox", .data = (void *)VNLM_MBOX_ZYNQMP_IPI },
	{ .compatible = "ti,omap2-mailbox", .data = (void *)VNLM_MBOX_U32_VALUE },
	{ .compatible = "ti,omap3-mailbox", .data = (void *)VNLM_MBOX_U32_VALUE },
	{ .compatible = "ti,omap4-mailbox", .data = (void *)VNLM_MBOX_U32_VALUE },
	{ .compatible = "ti,am654-mailbox", .data = (void *)VNLM_MBOX_U32_VALUE },
	{ .compatible = "ti,am64-mailbox", .data = (void *)VNLM_MBOX_U32_VALUE },
	{ /* sentinel */ }
};

static const char *const vnlm_mbox_format_names[] = {
	[VNLM_MBOX_WORD_PTR] = "word pointer",
	[VNLM_MBOX_ZYNQMP_IPI] = "zynqmp_ipi_message",
	[VNLM_MBOX_U32_VALUE] = "u32 value",
};

/**
 * struct vnlm_mbox_msg - one message's storage, valid while it is queued
 * @len: ZynqMP IPI: the payload's length, 4 (struct zynqmp_ipi_message)
 * @word: the payload, the doorbell count
 */
struct vnlm_mbox_msg {
	size_t len;
	u32 word;
};

static_assert(offsetof(struct vnlm_mbox_msg, len) ==
	      offsetof(struct zynqmp_ipi_message, len));
static_assert(offsetof(struct vnlm_mbox_msg, word) ==
	      offsetof(struct zynqmp_ipi_message, data));

/**
 * struct vnlm_mbox - the mailbox backend's state
 * @dev: the mirror's device
 * @db: the doorbell this backs
 * @cl: our client
 * @chan: the "doorbell" channel
 * @lock: guards @words, @next, @pending, @progress and @stalled
 * @format: what the controller's send_data reads
 * @words: messages, each valid until the framework is done with it
 * @next: index of the next free word
 * @pending: doorbells queued and not yet reported done
 * @progress: bumped on every tx_done, to tell a stall from a slow link
 * @progress_at_arm: @progress when @timeout was armed
 * @stalled: a timeout was counted and no doorbell has been done since
 * @ack: the controller senses no TX done: the ring acknowledges each send
 * @idle: woken when @pending drops to 0
 * @timeout: checks for progress VNLM_MBOX_TX_TIMEOUT_MS after a send
 */
struct vnlm_mbox {
	struct device *dev;
	struct vnlm_doorbell *db;
	struct mbox_client cl;
	struct mbox_chan *chan;
	spinlock_t lock;	/* see @lock above */
	enum vnlm_mbox_format format;
	struct vnlm_mbox_msg words[VNLM_MBOX_WORDS];
	unsigned int next;
	unsigned int pending;
	unsigned long progress;
	unsigned long progress_at_arm;
	bool stalled;
	bool ack;
	wait_queue_head_t idle;
	struct delayed_work timeout;
};

static u32 vnlm_mbox_msg_word(const struct vnlm_mbox *mb, const void *msg)
{
	switch (mb->format) {
	case VNLM_MBOX_U32_VALUE:
		return (u32)(uintptr_t)msg;
	case VNLM_MBOX_ZYNQMP_IPI:
		return ((const struct vnlm_mbox_msg *)msg)->word;
	default:
		return *(const u32 *)msg;
	}
}

static void *vnlm_mbox_msg(struct vnlm_mbox *mb, struct vnlm_mbox_msg *m)
{
	switch (mb->format) {
	case VNLM_MBOX_U32_VALUE:
		return (void *)(uintptr_t)m->word;
	case VNLM_MBOX_ZYNQMP_IPI:
		m->len = sizeof(m->word);
		return m;
	default:
		return &m->word;
	}
}

static void vnlm_mbox_tx_done(struct mbox_client *cl, void *msg, int r)
{
	struct vnlm_mbox *mb = container_of(cl, struct vnlm_mbox, cl);
	unsigned long flags;

	atomic64_inc(r ? &mb->db->stats.timeouts : &mb->db->stats.done);
	trace_vnlm_mbox_tx_done(dev_name(mb->dev), vnlm_mbox_msg_word(mb, msg), r);
	/* Last: once @pending is 0 a flush may return and the release free
	 * us (after an RCU grace period, for the framework's own return).
	 */
	spin_lock_irqsave(&mb->lock, flags);
	if (mb->pending)
		mb->pending--;
	mb->progress++;
	mb->stalled = false;
	if (!mb->pending)
		wake_up(&mb->idle);
	spin_unlock_irqrestore(&mb->lock, flags);
}

static bool vnlm_mbox_idle(struct vnlm_mbox *mb)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&mb->lock, flags);
	idle = !mb->pending;
	spin_unlock_irqrestore(&mb->lock, flags);
	return idle;
}

static void vnlm_mbox_timeout(struct work_struct *work)
{
	struct vnlm_mbox *mb = container_of(to_delayed_work(work), struct vnlm_mbox,
					    timeout);
	unsigned int pending;
	bool stuck;

	spin_lock_irq(&mb->lock);
	pending = mb->pending;
	stuck = pending && !mb->stalled && mb->progress == mb->progress_at_arm;
	if (stuck)
		mb->stalled = true;
	else if (pending)
		mb->progress_at_arm = mb->progress;
	spin_unlock_irq(&mb->lock);

	if (stuck) {
		atomic64_inc(&mb->db->stats.timeouts);
		trace_vnlm_mbox_tx_done(dev_name(mb->dev), 0, -ETIME);
		dev_warn_ratelimited(mb->dev,
				     "mailbox doorbell: %u undelivered after %u ms (controller %s)\n",
				     pending, VNLM_MBOX_TX_TIMEOUT_MS,
				     vnlm_mbox_controller_name(mb->db));
	} else if (pending) {
		/* progress, but more queued: keep watching */
		schedule_delayed_work(&mb->timeout,
				      msecs_to_jiffies(VNLM_MBOX_TX_TIMEOUT_MS));
	}
}

/* ACK mode: each mbox_client_txdone() ends the message in flight (our
 * tx_done runs) and submits the next queued one, or retries a queued one
 * the controller refused.  Until nothing is pending, or two calls in a row
 * made no progress (the controller refuses: the timeout check reports it,
 * and the next ring retries).  Bounded: each progress drops @pending.
 */
static void vnlm_mbox_ack(struct vnlm_mbox *mb)
{
	unsigned long flags, seen;
	unsigned int pending, idle = 0;

	while (idle < 2) {
		spin_lock_irqsave(&mb->lock, flags);
		pending = mb->pending;
		seen = mb->progress;
		spin_unlock_irqrestore(&mb->lock, flags);
		if (!pending)
			return;
		mbox_client_txdone(mb->chan, 0);
		idle = READ_ONCE(mb->progress) == seen ? idle + 1 : 0;
	}
}

/* Context: RTNL held (the one caller, mirror_publish()); never sleeps. */
static enum vnlm_ring_outcome vnlm_mbox_ring(struct vnlm_doorbell *db, u32 word)
{
	struct vnlm_mbox *mb = db->mbox;
	enum vnlm_ring_outcome outcome;
	unsigned long flags;
	struct vnlm_mbox_msg *m;
	bool arm = false;
	void *msg;
	int ret;

	spin_lock_irqsave(&mb->lock, flags);
	/* The framework's queue is full (or one short, with one in flight):
	 * it would refuse with a dev_err() per ring, here under RTNL.
	 */
	if (mb->pending >= MBOX_TX_QUEUE_LEN) {
		spin_unlock_irqrestore(&mb->lock, flags);
		atomic64_inc(&db->stats.full);
		dev_warn_ratelimited(mb->dev,
				     "mailbox doorbell: %u undelivered, queue full: rebind to reset the channel\n",
				     MBOX_TX_QUEUE_LEN);
		return VNLM_RING_FULL;
	}
	m = &mb->words[mb->next];
	mb->next = (mb->next + 1) % VNLM_MBOX_WORDS;
	/* never 0, nor all ones: a u32 value message of ~0 on a 32-bit
	 * kernel is the framework's MBOX_NO_MSG
	 */
	m->word = word && word != U32_MAX ? word : 1;
	msg = vnlm_mbox_msg(mb, m);
	outcome = mb->pending ? VNLM_RING_BUSY : VNLM_RING_SENT;
	/* counted before the send: tx_done may run before it returns */
	mb->pending++;
	spin_unlock_irqrestore(&mb->lock, flags);

	ret = mbox_send_message(mb->chan, msg);
	if (ret < 0) {
		spin_lock_irqsave(&mb->lock, flags);
		mb->pending--;
		/* not queued: its word is free again (rings are serialised by
		 * RTNL), so the live words are always the newest ones
		 */
		mb->next = (mb->next + VNLM_MBOX_WORDS - 1) % VNLM_MBOX_WORDS;
		spin_unlock_irqrestore(&mb->lock, flags);
		outcome = ret == -ENOBUFS ? VNLM_RING_FULL : VNLM_RING_GONE;
	} else if (mb->ack) {
		vnlm_mbox_ack(mb);
	}

	switch (outcome) {
	case VNLM_RING_BUSY:
		atomic64_inc(&db->stats.busy);
		break;
	case VNLM_RING_FULL:
		atomic64_inc(&db->stats.full);
		break;
	case VNLM_RING_GONE:
		atomic64_inc(&db->stats.errors);
		dev_warn_ratelimited(mb->dev, "mailbox doorbell: send failed: %d\n", ret);
		break;
	default:
		break;
	}
	if (outcome == VNLM_RING_SENT || outcome == VNLM_RING_BUSY) {
		spin_lock_irqsave(&mb->lock, flags);
		if (!delayed_work_pending(&mb->timeout)) {
			mb->progress_at_arm = mb->progress;
			arm = true;
		}
		spin_unlock_irqrestore(&mb->lock, flags);
		if (arm)
			schedule_delayed_work(&mb->timeout,
					      msecs_to_jiffies(VNLM_MBOX_TX_TIMEOUT_MS));
	}
	return outcome;
}

/* Context: process, RTNL not held (a flush waits for the controller). */
static int vnlm_mbox_flush(struct vnlm_doorbell *db, unsigned int timeout_ms)
{
	struct vnlm_mbox *mb = db->mbox;
	unsigned long flags;
	unsigned int left;

	if (mb->ack)
		vnlm_mbox_ack(mb);
	if (wait_event_timeout(mb->idle, vnlm_mbox_idle(mb), msecs_to_jiffies(timeout_ms)))
		return 0;
	spin_lock_irqsave(&mb->lock, flags);
	left = mb->pending;
	spin_unlock_irqrestore(&mb->lock, flags);
	dev_warn(mb->dev,
		 "mailbox doorbell: %u undelivered after %u ms, dropped (controller %s)\n",
		 left, timeout_ms, vnlm_mbox_controller_name(db));
	return -ETIMEDOUT;
}

static void vnlm_mbox_release(void *data)
{
	struct vnlm_mbox *mb = data;

	/* remove flushed already (vnlm_doorbell_flush()) */
	cancel_delayed_work_sync(&mb->timeout);
	/* drops whatever is still queued; tx_done is not called for it */
	mbox_free_channel(mb->chan);
	/* A tx_tick() that called our tx_done reads our client after it
	 * returns, from the poll hrtimer or the controller's IRQ: let it end
	 * before devm frees @mb.
	 */
	synchronize_rcu();
}

static enum vnlm_mbox_format vnlm_mbox_format(struct device_node *np)
{
	const struct of_device_id *id = of_match_node(vnlm_mbox_formats, np);
	struct device_node *parent;

	if (!id && np) {
		parent = of_get_parent(np);
		id = of_match_node(vnlm_mbox_formats, parent);
		of_node_put(parent);
	}
	return id ? (enum vnlm_mbox_format)(uintptr_t)id->data : VNLM_MBOX_WORD_PTR;
}

/**
 * vnlm_mbox_doorbell_init() - request the node's "doorbell" mailbox channel
 * @dev: the mirror's device; the channel is released with it
 * @db: filled in
 *
 * Return: 0; -EPROBE_DEFER while the controller is not registered; another
 * negative errno, after a message naming the node and property.
 */
int vnlm_mbox_doorbell_init(struct device *dev, struct vnlm_doorbell *db)
{
	struct device_link *link;
	struct vnlm_mbox *mb;
	int ret;

	mb = devm_kzalloc(dev, sizeof(*mb), GFP_KERNEL);
	if (!mb)
		return -ENOMEM;
	mb->dev = dev;
	mb->db = db;
	spin_lock_init(&mb->lock);
	init_waitqueue_head(&mb->idle);
	INIT_DELAYED_WORK(&mb->timeout, vnlm_mbox_timeout);
	mb->cl.dev = dev;
	mb->cl.tx_block = false;
	mb->cl.knows_txdone = false;
	mb->cl.tx_done = vnlm_mbox_tx_done;

	mb->chan = mbox_request_channel_byname(&mb->cl, VNLM_MBOX_NAME);
	if (!IS_ERR(mb->chan) && !mb->chan->mbox->txdone_irq && !mb->chan->mbox->txdone_poll) {
		/* An ACK-mode controller: we acknowledge (knows_txdone).  Asked
		 * again with knows_txdone set, because mbox_free_channel() turns
		 * an ACK channel's method into POLL (it assumes the ACK came from
		 * knows_txdone on a polled controller, 5.10 to 7.3): a second
		 * bind would otherwise find a polled channel on a controller
		 * with no poll timer.  POLL with knows_txdone is ACK again.
		 */
		mbox_free_channel(mb->chan);
		mb->cl.knows_txdone = true;
		mb->ack = true;
		mb->chan = mbox_request_channel_byname(&mb->cl, VNLM_MBOX_NAME);
	}
	if (IS_ERR(mb->chan))
		return dev_err_probe(dev, PTR_ERR(mb->chan),
				     "%pOF: mboxes: no \"" VNLM_MBOX_NAME "\" channel\n",
				     dev->of_node);
	ret = devm_add_action_or_reset(dev, vnlm_mbox_release, mb);
	if (ret)
		return ret;

	mb->format = vnlm_mbox_format(mb->chan->mbox->dev->of_node);

	/* Unbind us before the controller goes: see the top of this file. */
	link = device_link_add(dev, mb->chan->mbox->dev, DL_FLAG_AUTOREMOVE_CONSUMER);
	if (!link)
		return dev_err_probe(dev, -EINVAL,
				     "%pOF: mboxes: cannot link to controller %s\n",
				     dev->of_node, dev_name(mb->chan->mbox->dev));

	db->kind = VNLM_DOORBELL_MBOX;
	db->mbox = mb;
	db->ring_mbox = vnlm_mbox_ring;
	db->flush_mbox = vnlm_mbox_flush;
	return 0;
}

/**
 * vnlm_mbox_format_name() - the message format a mailbox doorbell uses
 * @db: a mailbox doorbell
 *
 * Return: a static string.
 */
const char *vnlm_mbox_format_name(const struct vnlm_doorbell *db)
{
	return vnlm_mbox_format_names[db->mbox->format];
}

/**
 * vnlm_mbox_controller_name() - the device name of a mailbox doorbell's controller
 * @db: a mailbox doorbell
 *
 * Return: the name, valid while the channel is held.
 */
const char *vnlm_mbox_controller_name(const struct vnlm_doorbell *db)
{
	return dev_name(db->mbox->chan->mbox->dev);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The doorbell to the RTOS core, behind one small interface: a GIC SGI
 * written directly (vnlm_doorbell.c, vnlm_sgi_gicv2.c, vnlm_sgi_gicv3.c) or
 * a mailbox-framework channel (vnlm_doorbell_mbox.c).
 */
#ifndef VNLM_DOORBELL_H
#define VNLM_DOORBELL_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/kconfig.h>
#include <linux/types.h>

#include "vnlm_rules.h"

struct device;
struct vnlm_mbox;

/**
 * struct vnlm_gic - what the driver learnt of the root GIC at probe
 * @arch: which GIC raises SGIs
 * @gicd_base: the distributor's physical base
 * @rss: GICv3: both GICD_TYPER.RSS and this CPU's ICC_CTLR_EL1.RSS are set,
 *	so targets with Aff0 above 15 are reachable through the range selector
 * @single_security_state: GICv3: GICD_CTLR.DS reads 1 (no Secure group)
 * @v2_interfaces: GICv2: CPU interfaces implemented (GICD_TYPER.CPUNumber + 1)
 * @v2_linux_ifaces: GICv2: mask of the interfaces of the online Linux CPUs,
 *	each read from its banked GICD_ITARGETSR0
 */
struct vnlm_gic {
	enum vnlm_gic_arch arch;
	phys_addr_t gicd_base;
	bool rss;
	bool single_security_state;
	u32 v2_interfaces;
	u32 v2_linux_ifaces;
};

/**
 * enum vnlm_doorbell_kind - how the RTOS core is rung
 * @VNLM_DOORBELL_SGI: a GIC SGI, linux,target-cpu + linux,doorbell-sgi
 * @VNLM_DOORBELL_MBOX: a mailbox channel, mboxes + mbox-names = "doorbell"
 */
enum vnlm_doorbell_kind {
	VNLM_DOORBELL_SGI,
	VNLM_DOORBELL_MBOX,
};

/**
 * enum vnlm_ring_outcome - what became of one ring
 * @VNLM_RING_SENT: handed to the hardware (SGI) or queued on an idle channel
 * @VNLM_RING_BUSY: queued behind doorbells the controller has not yet
 *	reported done; it goes out when they are
 * @VNLM_RING_FULL: the channel's queue is full (-ENOBUFS): this doorbell
 *	is dropped, the config it announces is in shared memory all the same
 * @VNLM_RING_GONE: the channel is unusable; nothing was sent
 */
enum vnlm_ring_outcome {
	VNLM_RING_SENT,
	VNLM_RING_BUSY,
	VNLM_RING_FULL,
	VNLM_RING_GONE,
};

/**
 * struct vnlm_doorbell_stats - the outcomes of a doorbell, for sysfs
 * @done: doorbells the controller reported delivered (mailbox only)
 * @busy: rings queued behind undelivered ones (%VNLM_RING_BUSY)
 * @full: rings dropped on a full queue (%VNLM_RING_FULL)
 * @timeouts: times a doorbell stayed undelivered for the TX timeout
 * @errors: rings refused for any other reason (%VNLM_RING_GONE)
 */
struct vnlm_doorbell_stats {
	atomic64_t done;
	atomic64_t busy;
	atomic64_t full;
	atomic64_t timeouts;
	atomic64_t errors;
};

/**
 * struct vnlm_doorbell - a prepared doorbell to the RTOS core
 * @kind: the backend
 * @arch: SGI: which GIC raises it
 * @gicd_sgir: SGI, GICv2: the mapped GICD_SGIR register
 * @value: SGI: GICD_SGIR (v2) or ICC_SGI1R_EL1 (v3) value that raises it
 * @mbox: mailbox: the backend's state (vnlm_doorbell_mbox.c)
 * @ring_mbox: mailbox: its ring; a pointer so that users of the SGI
 *	backend alone (the test helper) need not link the mailbox one
 * @flush_mbox: mailbox: wait, bounded, until every ring is delivered
 * @stats: outcome counters
 */
struct vnlm_doorbell {
	enum vnlm_doorbell_kind kind;
	enum vnlm_gic_arch arch;
	void __iomem *gicd_sgir;
	u64 value;
	struct vnlm_mbox *mbox;
	enum vnlm_ring_outcome (*ring_mbox)(struct vnlm_doorbell *db, u32 word);
	int (*flush_mbox)(struct vnlm_doorbell *db, unsigned int timeout_ms);
	struct vnlm_doorbell_stats stats;
};

int vnlm_gic_probe(struct vnlm_gic *gic);
int vnlm_doorbell_init(struct device *dev, struct vnlm_doorbell *db,
		       const struct vnlm_gic *gic, u64 target_mpidr, int gic_iface,
		       u32 sgi);
enum vnlm_ring_outcome vnlm_doorbell_ring(struct vnlm_doorbell *db, u32 word);
int vnlm_doorbell_flush(struct vnlm_doorbell *db, unsigned int timeout_ms);
const char *vnlm_ring_outcome_name(enum vnlm_ring_outcome outcome);

/**
 * vnlm_doorbell_atomic() - whether ringing may happen with preemption off
 * @db: a prepared doorbell
 *
 * Return: true for an SGI (a register write); false for a mailbox channel,
 * whose framework takes spinlock_t, a sleeping lock on PREEMPT_RT.
 */
static inline bool vnlm_doorbell_atomic(const struct vnlm_doorbell *db)
{
	return db->kind == VNLM_DOORBELL_SGI;
}

/* remove, shutdown, suspend: how long the last doorbell may take */
#define VNLM_DOORBELL_FLUSH_MS	500

/* vnlm_doorbell_mbox.c, built with CONFIG_MAILBOX (a bool) */
#if IS_ENABLED(CONFIG_MAILBOX)
int vnlm_mbox_doorbell_init(struct device *dev, struct vnlm_doorbell *db);
const char *vnlm_mbox_controller_name(const struct vnlm_doorbell *db);
const char *vnlm_mbox_format_name(const struct vnlm_doorbell *db);
#else
static inline int vnlm_mbox_doorbell_init(struct device *dev, struct vnlm_doorbell *db)
{
	return dev_err_probe(dev, -ENODEV,
			     "%pOF: mboxes: this kernel has no mailbox framework (CONFIG_MAILBOX)\n",
			     dev->of_node);
}

static inline const char *vnlm_mbox_controller_name(const struct vnlm_doorbell *db)
{
	return "";
}

static inline const char *vnlm_mbox_format_name(const struct vnlm_doorbell *db)
{
	return "";
}
#endif

/* vnlm_sgi_gicv2.c */
int vnlm_gicv2_probe(struct vnlm_gic *gic);
int vnlm_gicv2_sgi_init(struct device *dev, struct vnlm_doorbell *db,
			phys_addr_t gicd_base, u32 iface, u32 sgi);
void vnlm_gicv2_sgi_raise(const struct vnlm_doorbell *db);

/* vnlm_sgi_gicv3.c */
int vnlm_gicv3_probe(struct vnlm_gic *gic);
u64 vnlm_gicv3_sgi_value(u64 mpidr, u32 sgi);
void vnlm_gicv3_sgi_raise(const struct vnlm_doorbell *db);

#endif /* VNLM_DOORBELL_H */

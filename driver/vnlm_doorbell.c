// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raise an SGI on a core Linux does not run on.
 *
 * The GIC driver's IPI paths only take Linux CPUs, so the doorbell writes
 * the SGI generation register itself, through the backend for the GIC the
 * DT describes: vnlm_sgi_gicv2.c or vnlm_sgi_gicv3.c.
 */
#include <linux/device.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_irq.h>
#include <linux/string.h>
#include <asm/barrier.h>

#include "vnlm_doorbell.h"

/* SGIs are the root interrupt controller's: a GIC node that is disabled, or
 * whose interrupt parent is not itself (cascaded behind another, or no
 * interrupt controller at all), is not the one to write.
 */
static bool gic_is_root(struct device_node *np)
{
	struct device_node *parent;
	bool root;

	if (!of_device_is_available(np))
		return false;
	parent = of_irq_find_parent(np);
	root = !parent || parent == np;
	of_node_put(parent);
	return root;
}

/**
 * vnlm_gic_probe() - find the root interrupt controller and read what it can do
 * @gic: filled in
 *
 * Return: 0, -ENODEV when no supported GIC is the root interrupt controller,
 * or -ENOMEM when its distributor cannot be mapped to be read.
 */
int vnlm_gic_probe(struct vnlm_gic *gic)
{
	const struct vnlm_gic_compatible *compat;
	struct device_node *np;
	struct resource res;
	int ret;

	for (compat = vnlm_gic_compatibles; compat->compatible; compat++) {
		for_each_compatible_node(np, NULL, compat->compatible) {
			if (gic_is_root(np))
				goto found;
		}
	}
	return -ENODEV;
found:
	ret = of_address_to_resource(np, 0, &res);
	of_node_put(np);
	if (ret)
		return ret;
	memset(gic, 0, sizeof(*gic));
	gic->arch = compat->arch;
	gic->gicd_base = res.start;
	if (gic->arch == VNLM_GIC_V3)
		return vnlm_gicv3_probe(gic);
	return vnlm_gicv2_probe(gic);
}

/**
 * vnlm_doorbell_init() - prepare the SGI for one target
 * @dev: the device whose lifetime the GICv2 mapping follows
 * @db: filled in
 * @gic: from vnlm_gic_probe()
 * @target_mpidr: the RTOS core, already checked by vnlm_check_target()
 * @gic_iface: GICv2: the target's CPU interface (linux,gic-cpu-interface,
 *	checked), or -1 for Aff0
 * @sgi: the INTID, already checked by vnlm_check_sgi()
 *
 * Return: 0 or -ENOMEM when GICD_SGIR cannot be mapped.
 */
int vnlm_doorbell_init(struct device *dev, struct vnlm_doorbell *db,
		       const struct vnlm_gic *gic, u64 target_mpidr, int gic_iface,
		       u32 sgi)
{
	db->kind = VNLM_DOORBELL_SGI;
	db->arch = gic->arch;
	if (gic->arch == VNLM_GIC_V3) {
		db->gicd_sgir = NULL;
		db->value = vnlm_gicv3_sgi_value(target_mpidr, sgi);
		return 0;
	}
	return vnlm_gicv2_sgi_init(dev, db, gic->gicd_base,
				   gic_iface >= 0 ? gic_iface : target_mpidr & 0xff, sgi);
}

/**
 * vnlm_doorbell_ring() - ring the RTOS core through whichever backend
 * @db: prepared by vnlm_doorbell_init() or vnlm_mbox_doorbell_init()
 * @word: the message word (mailbox), non-zero; an SGI carries none
 *
 * Orders every earlier store to the shared config before the doorbell, so
 * the RTOS core cannot take it and read the old config.  Never sleeps nor
 * waits for the RTOS: callers hold RTNL.
 *
 * Return: the outcome, already counted in @db->stats.
 */
enum vnlm_ring_outcome vnlm_doorbell_ring(struct vnlm_doorbell *db, u32 word)
{
	/* the shared-config stores (normal memory) before the doorbell */
	wmb();
	if (db->kind == VNLM_DOORBELL_MBOX)
		return db->ring_mbox(db, word);
	if (db->arch == VNLM_GIC_V3)
		vnlm_gicv3_sgi_raise(db);
	else
		vnlm_gicv2_sgi_raise(db);
	return VNLM_RING_SENT;
}

/**
 * vnlm_doorbell_flush() - wait until the rings so far are delivered
 * @db: prepared by vnlm_doorbell_init() or vnlm_mbox_doorbell_init()
 * @timeout_ms: the longest wait
 *
 * For remove, shutdown and suspend, after the last ring: a mailbox
 * channel's queue is dropped when the channel is freed, and a controller
 * suspended with a doorbell queued may never send it.  An SGI is delivered
 * when raised.  On timeout the undelivered doorbells are dropped (with a
 * warning); the shared config the RTOS reads is current all the same.
 * Context: process, RTNL not held: it sleeps, and a controller's TX done
 * must not wait for RTNL behind us.
 *
 * Return: 0, or -ETIMEDOUT.
 */
int vnlm_doorbell_flush(struct vnlm_doorbell *db, unsigned int timeout_ms)
{
	if (db->kind == VNLM_DOORBELL_MBOX)
		return db->flush_mbox(db, timeout_ms);
	return 0;
}

/**
 * vnlm_ring_outcome_name() - an outcome as the trace and logs spell it
 * @outcome: the outcome
 *
 * Return: a static string.
 */
const char *vnlm_ring_outcome_name(enum vnlm_ring_outcome outcome)
{
	switch (outcome) {
	case VNLM_RING_SENT:
		return "sent";
	case VNLM_RING_BUSY:
		return "busy";
	case VNLM_RING_FULL:
		return "full";
	default:
		return "gone";
	}
}

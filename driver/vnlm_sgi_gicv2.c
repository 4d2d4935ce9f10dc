// SPDX-License-Identifier: GPL-2.0-only
/*
 * GICv2 SGI doorbell: a write of GICD_SGIR in the distributor.
 *
 * The GIC driver owns the distributor without claiming it, so only the one
 * register is mapped rather than the region requested.  GICD_SGIR is
 * write-only and single-access, and the GIC driver never reads it back, so
 * sharing it needs no locking.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/irqchip/arm-gic.h>
#include <linux/mutex.h>
#include <linux/smp.h>

#include "vnlm_doorbell.h"

/* GICD_SGIR: CPU target list at bits 23:16 (arm-gic.h names no field) */
#define GICD_SGIR_TARGET_SHIFT		16

/* what the online CPUs read from GICD_ITARGETSR0, one probe at a time */
static DEFINE_MUTEX(probe_lock);
static atomic_t linux_ifaces;

/* GICD_TYPER (GIC_DIST_CTR): CPUNumber at bits 7:5 (arm-gic.h names no field) */
#define GICD_TYPER_CPUNUMBER_SHIFT	5
#define GICD_TYPER_CPUNUMBER_MASK	0x7

static void read_own_interface(void *info)
{
	void __iomem *dist = (void __force __iomem *)info;

	/* GICD_ITARGETSR0 is banked: each byte reads as the reader's own mask. */
	atomic_or(readl_relaxed(dist + GIC_DIST_TARGET) & 0xff, &linux_ifaces);
}

/**
 * vnlm_gicv2_probe() - read the CPU interfaces a GICv2 has and Linux uses
 * @gic: arch and gicd_base set; v2_interfaces and v2_linux_ifaces filled in
 *
 * Only online CPUs answer: an offline Linux CPU's interface is not known.
 *
 * Return: 0 or -ENOMEM when the distributor cannot be mapped.
 */
int vnlm_gicv2_probe(struct vnlm_gic *gic)
{
	void __iomem *dist;

	dist = ioremap(gic->gicd_base, GIC_DIST_TARGET + sizeof(u32));
	if (!dist)
		return -ENOMEM;
	gic->v2_interfaces = ((readl_relaxed(dist + GIC_DIST_CTR) >> GICD_TYPER_CPUNUMBER_SHIFT) &
			      GICD_TYPER_CPUNUMBER_MASK) + 1;
	mutex_lock(&probe_lock);
	atomic_set(&linux_ifaces, 0);
	on_each_cpu(read_own_interface, (void __force *)dist, 1);
	gic->v2_linux_ifaces = atomic_read(&linux_ifaces);
	mutex_unlock(&probe_lock);
	iounmap(dist);
	return 0;
}

/**
 * vnlm_gicv2_sgi_init() - map GICD_SGIR and compute the value for one target
 * @dev: the device whose lifetime the mapping follows
 * @db: filled in
 * @gicd_base: the distributor's physical base
 * @iface: the RTOS core's CPU interface number, 0-7, already checked
 * @sgi: the INTID, 0-15
 *
 * Return: 0 or -ENOMEM when the register cannot be mapped.
 */
int vnlm_gicv2_sgi_init(struct device *dev, struct vnlm_doorbell *db,
			phys_addr_t gicd_base, u32 iface, u32 sgi)
{
	db->gicd_sgir = devm_ioremap(dev, gicd_base + GIC_DIST_SOFTINT, sizeof(u32));
	if (!db->gicd_sgir)
		return -ENOMEM;
	db->value = BIT(GICD_SGIR_TARGET_SHIFT + iface) | sgi;
	return 0;
}

/**
 * vnlm_gicv2_sgi_raise() - raise the SGI prepared by vnlm_gicv2_sgi_init()
 * @db: the doorbell
 */
void vnlm_gicv2_sgi_raise(const struct vnlm_doorbell *db)
{
	writel_relaxed((u32)db->value, db->gicd_sgir);
}

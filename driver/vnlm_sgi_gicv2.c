// SPDX-License-Identifier: GPL-2.0-only
/*
 * GICv2 SGI doorbell: a write of GICD_SGIR in the distributor.
 *
 * The GIC driver owns the distributor without claiming it, so only the one
 * register is mapped rather than the region requested.  GICD_SGIR is
 * write-only and single-access, and the GIC driver never reads it back, so
 * sharing it needs no locking.
 */
#include <linux/bits.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/irqchip/arm-gic.h>

#include "vnlm_doorbell.h"

/* GICD_SGIR: CPU target list at bits 23:16 (arm-gic.h names no field) */
#define GICD_SGIR_TARGET_SHIFT		16

/**
 * vnlm_gicv2_sgi_init() - map GICD_SGIR and compute the value for one target
 * @dev: the device whose lifetime the mapping follows
 * @db: filled in
 * @gicd_base: the distributor's physical base
 * @target_mpidr: the RTOS core; on the single-cluster systems GICv2 serves,
 *	CPU interface n is the core with Aff0 n
 * @sgi: the INTID, 0-15
 *
 * Return: 0 or -ENOMEM when the register cannot be mapped.
 */
int vnlm_gicv2_sgi_init(struct device *dev, struct vnlm_doorbell *db,
			phys_addr_t gicd_base, u64 target_mpidr, u32 sgi)
{
	db->gicd_sgir = devm_ioremap(dev, gicd_base + GIC_DIST_SOFTINT, sizeof(u32));
	if (!db->gicd_sgir)
		return -ENOMEM;
	db->value = BIT(GICD_SGIR_TARGET_SHIFT + (target_mpidr & 0xff)) | sgi;
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

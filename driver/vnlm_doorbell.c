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
#include <asm/arch_timer.h>
#include <asm/barrier.h>

#include "vnlm_doorbell.h"

/**
 * vnlm_gic_arch() - find the root interrupt controller in the DT
 * @arch: set to its architecture
 * @gicd_base: set to its distributor's physical base
 *
 * Return: 0, or -ENODEV when no supported GIC is described.
 */
int vnlm_gic_arch(enum vnlm_gic_arch *arch, phys_addr_t *gicd_base)
{
	const struct vnlm_gic_compatible *gic;
	struct device_node *np = NULL;
	struct resource res;
	int ret;

	for (gic = vnlm_gic_compatibles; gic->compatible; gic++) {
		np = of_find_compatible_node(NULL, NULL, gic->compatible);
		if (np)
			break;
	}
	if (!np)
		return -ENODEV;
	ret = of_address_to_resource(np, 0, &res);
	of_node_put(np);
	if (ret)
		return ret;
	*arch = gic->arch;
	*gicd_base = res.start;
	return 0;
}

/**
 * vnlm_doorbell_init() - prepare the SGI for one target
 * @dev: the device whose lifetime the GICv2 mapping follows
 * @db: filled in
 * @arch: from vnlm_gic_arch()
 * @gicd_base: from vnlm_gic_arch()
 * @target_mpidr: the RTOS core, already checked by vnlm_check_target()
 * @sgi: the INTID, already checked by vnlm_check_sgi()
 *
 * Return: 0 or -ENOMEM when GICD_SGIR cannot be mapped.
 */
int vnlm_doorbell_init(struct device *dev, struct vnlm_doorbell *db,
		       enum vnlm_gic_arch arch, phys_addr_t gicd_base,
		       u64 target_mpidr, u32 sgi)
{
	db->arch = arch;
	if (arch == VNLM_GIC_V3) {
		db->gicd_sgir = NULL;
		db->value = vnlm_gicv3_sgi_value(target_mpidr, sgi);
		return 0;
	}
	return vnlm_gicv2_sgi_init(dev, db, gicd_base, target_mpidr, sgi);
}

/**
 * vnlm_doorbell_ring() - raise the SGI
 * @db: prepared by vnlm_doorbell_init()
 *
 * Orders every earlier store to the shared config before the SGI, so the
 * RTOS core cannot take the doorbell and read the old config.
 */
void vnlm_doorbell_ring(const struct vnlm_doorbell *db)
{
	/* the shared-config stores (normal memory) before the SGI */
	wmb();
	if (db->arch == VNLM_GIC_V3)
		vnlm_gicv3_sgi_raise(db);
	else
		vnlm_gicv2_sgi_raise(db);
}

/**
 * vnlm_timestamp() - the Arm generic counter, as the RTOS core reads it
 *
 * Return: CNTVCT; one counter runs for all cores, so Linux and RTOS stamps
 * can be subtracted.
 */
u64 vnlm_timestamp(void)
{
	return __arch_counter_get_cntvct();
}

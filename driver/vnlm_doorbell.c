// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raise an SGI on a core Linux does not run on.
 *
 * The GIC driver's IPI paths only take Linux CPUs, so the doorbell writes
 * the SGI generation register itself: GICD_SGIR on GICv2, ICC_SGI1R_EL1 on
 * GICv3.  Both are write-only, single-access registers that the GIC driver
 * never reads back, so sharing them with it needs no locking.
 */
#include <linux/device.h>
#include <linux/io.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <asm/arch_timer.h>
#include <asm/barrier.h>
#include <asm/sysreg.h>

#include "vnlm_doorbell.h"

#define GICD_SGIR			0xf00
#define GICD_SGIR_TARGET_SHIFT		16

#define SGI1R_TARGET_LIST_MASK		0xffffULL
#define SGI1R_AFF1_SHIFT		16
#define SGI1R_INTID_SHIFT		24
#define SGI1R_AFF2_SHIFT		32
#define SGI1R_RS_SHIFT			44
#define SGI1R_AFF3_SHIFT		48

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

static u64 sgi1r_value(u64 mpidr, u32 sgi)
{
	u64 aff0 = mpidr & 0xff;

	return (1ULL << (aff0 % 16)) |
	       ((mpidr >> 8) & 0xff) << SGI1R_AFF1_SHIFT |
	       (u64)sgi << SGI1R_INTID_SHIFT |
	       ((mpidr >> 16) & 0xff) << SGI1R_AFF2_SHIFT |
	       (aff0 / 16) << SGI1R_RS_SHIFT |
	       ((mpidr >> 32) & 0xff) << SGI1R_AFF3_SHIFT;
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
		db->value = sgi1r_value(target_mpidr, sgi);
		return 0;
	}
	/*
	 * The GIC driver owns the distributor without claiming it, so map only
	 * the one register rather than request the region.  GICv2 targets CPU
	 * interfaces; on the single-cluster systems GICv2 serves, interface n
	 * is the core with Aff0 n.
	 */
	db->gicd_sgir = devm_ioremap(dev, gicd_base + GICD_SGIR, sizeof(u32));
	if (!db->gicd_sgir)
		return -ENOMEM;
	db->value = BIT(GICD_SGIR_TARGET_SHIFT + (target_mpidr & 0xff)) | sgi;
	return 0;
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
	if (db->arch == VNLM_GIC_V3) {
		write_sysreg_s(db->value, SYS_ICC_SGI1R_EL1);
		isb();
	} else {
		writel_relaxed((u32)db->value, db->gicd_sgir);
	}
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

/* SPDX-License-Identifier: GPL-2.0-only */
/* The IPI doorbell: one SGI to the RTOS core, through GICv2 or GICv3. */
#ifndef VNLM_DOORBELL_H
#define VNLM_DOORBELL_H

#include <linux/types.h>

#include "vnlm_rules.h"

struct device;

/**
 * struct vnlm_doorbell - a prepared SGI to one core
 * @arch: which GIC raises it
 * @gicd_sgir: GICv2: the mapped GICD_SGIR register
 * @value: GICD_SGIR (v2) or ICC_SGI1R_EL1 (v3) value that raises the SGI
 */
struct vnlm_doorbell {
	enum vnlm_gic_arch arch;
	void __iomem *gicd_sgir;
	u64 value;
};

int vnlm_gic_arch(enum vnlm_gic_arch *arch, phys_addr_t *gicd_base);
int vnlm_doorbell_init(struct device *dev, struct vnlm_doorbell *db,
		       enum vnlm_gic_arch arch, phys_addr_t gicd_base,
		       u64 target_mpidr, u32 sgi);
void vnlm_doorbell_ring(const struct vnlm_doorbell *db);

/* vnlm_sgi_gicv2.c */
int vnlm_gicv2_sgi_init(struct device *dev, struct vnlm_doorbell *db,
			phys_addr_t gicd_base, u64 target_mpidr, u32 sgi);
void vnlm_gicv2_sgi_raise(const struct vnlm_doorbell *db);

/* vnlm_sgi_gicv3.c */
u64 vnlm_gicv3_sgi_value(u64 mpidr, u32 sgi);
void vnlm_gicv3_sgi_raise(const struct vnlm_doorbell *db);
u64 vnlm_timestamp(void);

#endif /* VNLM_DOORBELL_H */

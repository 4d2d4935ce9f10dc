/* SPDX-License-Identifier: GPL-2.0-only */
/* The IPI doorbell: one SGI to the RTOS core, through GICv2 or GICv3. */
#ifndef VNLM_DOORBELL_H
#define VNLM_DOORBELL_H

#include <linux/types.h>

#include "vnlm_rules.h"

struct device;

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

int vnlm_gic_probe(struct vnlm_gic *gic);
int vnlm_doorbell_init(struct device *dev, struct vnlm_doorbell *db,
		       const struct vnlm_gic *gic, u64 target_mpidr, int gic_iface,
		       u32 sgi);
void vnlm_doorbell_ring(const struct vnlm_doorbell *db);

/* vnlm_sgi_gicv2.c */
int vnlm_gicv2_probe(struct vnlm_gic *gic);
int vnlm_gicv2_sgi_init(struct device *dev, struct vnlm_doorbell *db,
			phys_addr_t gicd_base, u32 iface, u32 sgi);
void vnlm_gicv2_sgi_raise(const struct vnlm_doorbell *db);

/* vnlm_sgi_gicv3.c */
int vnlm_gicv3_probe(struct vnlm_gic *gic);
u64 vnlm_gicv3_sgi_value(u64 mpidr, u32 sgi);
void vnlm_gicv3_sgi_raise(const struct vnlm_doorbell *db);
u64 vnlm_timestamp(void);

#endif /* VNLM_DOORBELL_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * GICv3 SGI doorbell: a write of the CPU interface's ICC_SGI1R_EL1 system
 * register (ICC_SGI1R through CP15 on 32-bit Arm), which routes by
 * affinity.  The register is write-only; the GIC driver's own IPIs use it
 * too, and each write is one complete request, so no locking is needed.
 */
#include <linux/io.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <asm/barrier.h>

#include "vnlm_doorbell.h"

/**
 * vnlm_gicv3_probe() - read the range selector and security support of a GICv3
 * @gic: arch and gicd_base set; rss and single_security_state filled in
 *
 * Like irq-gic-v3, the range selector is usable only when the distributor
 * (GICD_TYPER.RSS) and the CPU interface (ICC_CTLR_EL1.RSS) both have it;
 * the CPU interface read is this CPU's, the GIC driver having checked that
 * all Linux CPUs agree.
 *
 * Return: 0 or -ENOMEM when the distributor cannot be mapped.
 */
int vnlm_gicv3_probe(struct vnlm_gic *gic)
{
	void __iomem *dist;
	u32 typer, ctlr;

	dist = ioremap(gic->gicd_base, GICD_TYPER + sizeof(u32));
	if (!dist)
		return -ENOMEM;
	ctlr = readl_relaxed(dist + GICD_CTLR);
	typer = readl_relaxed(dist + GICD_TYPER);
	iounmap(dist);
	gic->rss = (typer & GICD_TYPER_RSS) && (gic_read_ctlr() & ICC_CTLR_EL1_RSS);
	/* DS is RAZ in the Non-secure view while two security states exist. */
	gic->single_security_state = ctlr & GICD_CTLR_DS;
	return 0;
}

/**
 * vnlm_gicv3_sgi_value() - the ICC_SGI1R value that raises @sgi on @mpidr
 * @mpidr: the target's MPIDR affinity fields (Aff3 in bits 39:32)
 * @sgi: the INTID, 0-15
 *
 * Aff0 above 15 is reached through the range selector (RS = Aff0 / 16).
 *
 * Return: the register value.
 */
u64 vnlm_gicv3_sgi_value(u64 mpidr, u32 sgi)
{
	u64 aff0 = mpidr & 0xff;

	return (1ULL << (aff0 % 16)) << ICC_SGI1R_TARGET_LIST_SHIFT |
	       ((mpidr >> 8) & 0xff) << ICC_SGI1R_AFFINITY_1_SHIFT |
	       (u64)sgi << ICC_SGI1R_SGI_ID_SHIFT |
	       ((mpidr >> 16) & 0xff) << ICC_SGI1R_AFFINITY_2_SHIFT |
	       (aff0 / 16) << ICC_SGI1R_RS_SHIFT |
	       ((mpidr >> 32) & 0xff) << ICC_SGI1R_AFFINITY_3_SHIFT;
}

/**
 * vnlm_gicv3_sgi_raise() - raise the SGI whose value @db holds
 * @db: the doorbell
 */
void vnlm_gicv3_sgi_raise(const struct vnlm_doorbell *db)
{
	gic_write_sgi1r(db->value);
	isb();
}

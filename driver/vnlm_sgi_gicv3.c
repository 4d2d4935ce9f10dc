// SPDX-License-Identifier: GPL-2.0-only
/*
 * GICv3 SGI doorbell: a write of the CPU interface's ICC_SGI1R_EL1 system
 * register (ICC_SGI1R through CP15 on 32-bit Arm), which routes by
 * affinity.  The register is write-only; the GIC driver's own IPIs use it
 * too, and each write is one complete request, so no locking is needed.
 */
#include <linux/irqchip/arm-gic-v3.h>
#include <asm/barrier.h>

#include "vnlm_doorbell.h"

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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The peer's side of the GIC.  Linux configured the distributor; the peer
 * owns only what is banked or private to its core: SGI enables, groups and
 * priorities, its redistributor (v3) and its CPU interface.  SGIs and the
 * virtual timer PPI are taken as IRQs: the vector calls peer_irq(), which
 * acknowledges with gic_ack() and ends with gic_eoi().
 */
#include "hw.h"
#include "peer_log.h"

#define GICD_ISENABLER0		0x100
#define GICD_IPRIORITYR		0x400

#define GICC_CTLR		0x00
#define GICC_PMR		0x04
#define GICC_IAR		0x0c
#define GICC_EOIR		0x10

#define GICR_FRAME_SIZE		0x20000
#define GICR_WAKER		0x14
#define GICR_TYPER		0x08
#define GICR_TYPER_LAST		(1u << 4)
#define GICR_WAKER_SLEEP	(1u << 1)
#define GICR_WAKER_ASLEEP	(1u << 2)
#define GICR_SGI_OFFSET		0x10000
#define GICR_IGROUPR0		0x80
#define GICR_ISENABLER0		0x100
#define GICR_IPRIORITYR		0x400

#define SGI_PRIORITY		0xa0
/* Every SGI and the heartbeat timer. */
#define PEER_IRQ_MASK		(0xffffu | 1u << PEER_TIMER_INTID)
#define INTID_SPURIOUS		1023

static int gic_arch;

#ifdef BOARD_GICR_BASE
static int gicv3_find_redistributor(uintptr_t *rd)
{
	uint64_t mpidr = cpu_mpidr();
	uint32_t aff = (uint32_t)(mpidr & 0xffffff) | (uint32_t)((mpidr >> 32) & 0xff) << 24;
	uintptr_t frame = BOARD_GICR_BASE;
	int n;

	for (n = 0; n < 512; n++, frame += GICR_FRAME_SIZE) {
		uint64_t typer = rd64(frame + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == aff) {
			*rd = frame;
			return 0;
		}
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return -1;
}

static int gicv3_init(void)
{
	uintptr_t rd, sgi;
	int i;

	if (gicv3_find_redistributor(&rd))
		return -1;
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (rd32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	sgi = rd + GICR_SGI_OFFSET;
	/* Non-secure group 1, as ICC_SGI1R(_EL1) raises them. */
	wr32(sgi + GICR_IGROUPR0, rd32(sgi + GICR_IGROUPR0) | PEER_IRQ_MASK);
	for (i = 0; i < 32; i++)
		if (PEER_IRQ_MASK & (1u << i))
			wr8(sgi + GICR_IPRIORITYR + i, SGI_PRIORITY);
	wr32(sgi + GICR_ISENABLER0, PEER_IRQ_MASK);

	icc_sre_write(icc_sre_read() | 1);	/* SRE: the system registers */
	isb();
	icc_pmr_write(0xff);
	icc_bpr1_write(0);
	icc_igrpen1_write(1);
	isb();
	return 3;
}
#else
static int gicv3_init(void)
{
	return -1;	/* a board without GICv3 redistributors */
}
#endif

static int gicv2_init(void)
{
	int i;

	for (i = 0; i < 32; i++)
		if (PEER_IRQ_MASK & (1u << i))
			wr8(BOARD_GICD_BASE + GICD_IPRIORITYR + i, SGI_PRIORITY);
	wr32(BOARD_GICD_BASE + GICD_ISENABLER0, PEER_IRQ_MASK);	/* banked per CPU */
	wr32(BOARD_GICC_BASE + GICC_PMR, 0xff);
	wr32(BOARD_GICC_BASE + GICC_CTLR, 1);
	return 2;
}

int gic_init(void)
{
	/*
	 * The core's ID registers say whether it has the GICv3 system
	 * register interface; QEMU's GICv2 distributor has no ID registers
	 * to ask instead (reading them aborts).
	 */
	if (cpu_has_gicv3_cpuif())
		gic_arch = gicv3_init();
	else
		gic_arch = gicv2_init();
	return gic_arch;
}

int gic_ack(struct gic_irq *irq)
{
	uint32_t iar;

	if (gic_arch == 3) {
		iar = icc_iar1_read();
		irq->intid = iar & 0xffffff;
		irq->sender = PEER_SENDER_UNKNOWN;
	} else {
		iar = rd32(BOARD_GICC_BASE + GICC_IAR);
		irq->intid = iar & 0x3ff;
		irq->sender = (iar >> 10) & 0x7;
	}
	irq->raw = iar;
	return irq->intid >= INTID_SPURIOUS ? -1 : 0;
}

void gic_eoi(const struct gic_irq *irq)
{
	if (gic_arch == 3) {
		icc_eoir1_write(irq->raw);
		isb();
	} else {
		wr32(BOARD_GICC_BASE + GICC_EOIR, irq->raw);
	}
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NXP i.MX6Quad (QEMU -M sabrelite): four Cortex-A9 in an A9 MPCore, the
 * peer on CPU 3.  Included by board.h only.
 *
 * The A9 has no Arm generic timer (CNTVCT/CNTFRQ are undefined
 * instructions there), no LPAE and no virtualization: the peer counts with
 * the MPCore's global timer and takes SGIs through the MPCore GIC's CPU
 * interface, the GICv2 way.  PERIPHBASE (CP15 CBAR) is 0x00a00000 on the
 * i.MX6Q.
 *
 * Memory contract: the A9 has an outer PL310 L2 (0x00a02000; QEMU models
 * no cache).  The peer maps the shared regions Normal non-cacheable,
 * inner and outer (short descriptor TEX 001, C 0, B 0): no cache line of
 * them exists in L1 or the PL310, so nothing needs invalidating.  A
 * cacheable mapping would need each read to invalidate L1 by MVA and the
 * PL310 by PA (its INV_LINE_PA and CACHE_SYNC) first; this board's peer
 * does not offer that mode.  With the MMU off every data access is
 * Strongly-ordered on ARMv7, which honours the contract too.
 */
#ifndef PEER_BOARD_IMX6_H
#define PEER_BOARD_IMX6_H

/* MMDC: DDR from 256 MiB; QEMU's sabrelite and the DTB's memory node. */
#define BOARD_RAM_START		0x10000000
#define BOARD_RAM_END		0x50000000	/* -m 1G */

#define BOARD_PERIPHBASE	0x00a00000
#define BOARD_GICC_BASE		(BOARD_PERIPHBASE + 0x100)
#define BOARD_GICD_BASE		(BOARD_PERIPHBASE + 0x1000)
/* No BOARD_GICR_BASE: the A9 MPCore GIC is GICv2-like, without GICv3. */

/* The A9 global timer: 64-bit counter shared by the cores, comparator banked. */
#define BOARD_A9_GTIMER_BASE	(BOARD_PERIPHBASE + 0x200)
/*
 * Its rate: PERIPHCLK with prescaler 0.  QEMU's model counts at 100 MHz
 * (10 ns a tick); a real i.MX6Q's PERIPHCLK is ARM_CLK / 2.
 */
#define BOARD_A9_GTIMER_HZ	100000000

/* The last 32 MiB of the 1 GiB, as virt's peer sits below its RAM's top. */
#define BOARD_PEER_ENTRY	0x4e000000
#define BOARD_PEER_LOG		0x4e100000
#define BOARD_PEER_MBOX_CELLS	0x4e7ff000
#define BOARD_PEER_SHM_BASE	0x4f000000

/* The heartbeat: the global timer's PPI (ID27, as virt's virtual timer). */
#define BOARD_TIMER_INTID	27

/* No outer (PL310) maintenance here: the regions are read non-cacheable. */
#define BOARD_NC_ONLY		1

#endif /* PEER_BOARD_IMX6_H */

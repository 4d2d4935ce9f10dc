/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU virt, the same on qemu-system-aarch64 and qemu-system-arm
 * (highmem=off): RAM from 1 GiB, the GIC low, the Arm generic timer.
 * Included by board.h only.
 */
#ifndef PEER_BOARD_VIRT_H
#define PEER_BOARD_VIRT_H

#define BOARD_RAM_START		0x40000000	/* the window mapped as RAM */
#define BOARD_RAM_END		0x80000000

#define BOARD_GICD_BASE		0x08000000
#define BOARD_GICC_BASE		0x08010000	/* GICv2 only */
#define BOARD_GICR_BASE		0x080a0000	/* GICv3 only */

/* The peer's image, its log, the test mailbox cells, the default regions. */
#define BOARD_PEER_ENTRY	0x5e000000
#define BOARD_PEER_LOG		0x5e100000
#define BOARD_PEER_MBOX_CELLS	0x5e7ff000
#define BOARD_PEER_SHM_BASE	0x5f000000

/* The heartbeat: EL1 virtual timer PPI of the generic timer. */
#define BOARD_TIMER_INTID	27

/* The reader may map the regions cacheable and invalidate (PEER_MEM_CACHED_INVAL). */
#define BOARD_NC_ONLY		0

#endif /* PEER_BOARD_VIRT_H */

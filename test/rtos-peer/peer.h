/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the peer's C files. */
#ifndef PEER_H
#define PEER_H

#include <stdint.h>

#include "board.h"

#define PEER_ENTRY_ADDR		((uintptr_t)BOARD_PEER_ENTRY)	/* link.ld */

/* mmu.c: the address map for these slots, then the MMU and caches on. */
void mmu_setup(const uint32_t *slots, uint32_t n, uint32_t mem_mode);

/* peer.c: called by the IRQ vector (start.S, start_arm.S). */
void peer_irq(void);

#endif /* PEER_H */

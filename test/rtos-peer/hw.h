/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Register access and the board's counter; the board's addresses come from
 * board.h, the architecture's own operations (barriers, counters, CPU
 * identification, the GICv3 system registers, semihosting) from arch_<arch>.h.
 */
#ifndef PEER_HW_H
#define PEER_HW_H

#include <stdint.h>

#include "board.h"

#if defined(__aarch64__)
#include "arch_aarch64.h"
#elif defined(__arm__)
#include "arch_arm.h"
#else
#error "the peer is built for AArch64 or AArch32 (A32) only"
#endif

/*
 * The counter the peer stamps with and its heartbeat timer: the Arm
 * generic timer (CNTVCT, the EL1 virtual timer), or on a core without one
 * the board's Cortex-A9 global timer (timer_a9.c).
 */
#ifdef BOARD_A9_GTIMER_BASE
uint64_t counter_read(void);
uint32_t counter_hz(void);
void heartbeat_arm(uint32_t ticks);
#else
static inline uint64_t counter_read(void)
{
	return cntvct();
}

static inline uint32_t counter_hz(void)
{
	return cntfrq();
}

static inline void heartbeat_arm(uint32_t ticks)
{
	vtimer_arm(ticks);
}
#endif

static inline uint32_t rd32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void wr32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline void wr8(uintptr_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

/* gic.c: the peer's own CPU interface. */
struct gic_irq {
	uint32_t intid;
	uint32_t sender;	/* PEER_SENDER_UNKNOWN on GICv3 */
	uint32_t raw;		/* what the EOI needs */
};

int gic_init(void);			/* returns the GIC architecture, 2 or 3 */
int gic_ack(struct gic_irq *irq);	/* 0 when an interrupt was taken */
void gic_eoi(const struct gic_irq *irq);

/* semihost.c */
void semihost_puts(const char *s);
void semihost_put_hex(const char *prefix, uint64_t v);

/* peer.c: every exception ends here (start.S, start_arm.S). */
void peer_fault(uint64_t syndrome, uint64_t pc, uint64_t addr);

#endif /* PEER_HW_H */

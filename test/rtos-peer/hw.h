/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Register access and the QEMU virt addresses the peer relies on; the
 * architecture's own operations (barriers, counters, CPU identification,
 * the GICv3 system registers, semihosting) come from arch_<arch>.h.
 */
#ifndef PEER_HW_H
#define PEER_HW_H

#include <stdint.h>

#if defined(__aarch64__)
#include "arch_aarch64.h"
#elif defined(__arm__)
#include "arch_arm.h"
#else
#error "the peer is built for AArch64 or AArch32 (A32) only"
#endif

/* The same on qemu-system-aarch64 and qemu-system-arm (highmem=off) virt. */
#define VIRT_GICD_BASE		0x08000000ul
#define VIRT_GICC_BASE		0x08010000ul	/* GICv2 only */
#define VIRT_GICR_BASE		0x080a0000ul	/* GICv3 only */

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

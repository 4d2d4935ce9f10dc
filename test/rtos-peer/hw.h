/* SPDX-License-Identifier: GPL-2.0-only */
/* Register access and the QEMU virt addresses the peer relies on. */
#ifndef PEER_HW_H
#define PEER_HW_H

#include <stdint.h>

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

static inline uint64_t rd64(uintptr_t a)
{
	return *(volatile uint64_t *)a;
}

static inline void wr8(uintptr_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

#define sysreg_read(r) ({ uint64_t __v; \
	__asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define sysreg_write(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

static inline void dmb_ld(void)
{
	__asm__ volatile("dmb ld" ::: "memory");
}

static inline void dmb_st(void)
{
	__asm__ volatile("dmb st" ::: "memory");
}

static inline uint64_t cntvct(void)
{
	isb();
	return sysreg_read(cntvct_el0);
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

#endif /* PEER_HW_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AArch32 (A32, PL1 SVC mode) side of the peer: the same operations as
 * arch_aarch64.h through CP15.  Written for ARMv7-A (Cortex-A15 with the
 * generic timer; Cortex-A9 without it) and runs unchanged on ARMv8-A
 * AArch32.  Included by hw.h only.
 */
#ifndef PEER_ARCH_ARM_H
#define PEER_ARCH_ARM_H

#include <stdint.h>

/* A 32-bit CP15 register: mrc/mcr p15, op1, Rt, CRn, CRm, op2. */
#define cp15_read(op1, crn, crm, op2) ({ uint32_t __v; \
	__asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 \
			 : "=r"(__v)); __v; })
#define cp15_write(op1, crn, crm, op2, v) \
	__asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 \
			 : : "r"((uint32_t)(v)))

/*
 * A 64-bit register as two 32-bit reads, low word first: the GIC allows
 * 32-bit access to its 64-bit registers, and nothing here needs the two
 * halves as one single-copy atomic read (GICR_TYPER is constant).
 */
static inline uint64_t rd64(uintptr_t a)
{
	uint32_t lo = *(volatile uint32_t *)a;
	uint32_t hi = *(volatile uint32_t *)(a + 4);

	return (uint64_t)hi << 32 | lo;
}

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

/* ARMv7 has no load-only DMB ("dmb ld" is ARMv8): the full one orders loads too. */
static inline void dmb_ld(void)
{
	__asm__ volatile("dmb sy" ::: "memory");
}

static inline void dmb_st(void)
{
	__asm__ volatile("dmb st" ::: "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

static inline void wfe(void)
{
	__asm__ volatile("wfe" ::: "memory");
}

/*
 * The generic timer, where the core has one: on a board that names another
 * counter (Cortex-A9: BOARD_A9_GTIMER_BASE) these are undefined
 * instructions, and not even declared.
 */
#ifndef BOARD_A9_GTIMER_BASE
/* CNTVCT: mrrc p15, 1, Rt, Rt2, c14. */
static inline uint64_t cntvct(void)
{
	uint32_t lo, hi;

	isb();
	__asm__ volatile("mrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint32_t cntfrq(void)
{
	return cp15_read(0, c14, c0, 0);		/* CNTFRQ */
}

/* The virtual timer (PPI 27 on virt): the peer's heartbeat. */
static inline void vtimer_arm(uint32_t ticks)
{
	cp15_write(0, c14, c3, 0, ticks);		/* CNTV_TVAL */
	cp15_write(0, c14, c3, 1, 1);			/* CNTV_CTL: ENABLE */
	isb();
}
#endif /* !BOARD_A9_GTIMER_BASE */

/* MPIDR: Aff2..Aff0 in bits 23:0; AArch32 has no Aff3. */
static inline uint64_t cpu_mpidr(void)
{
	return cp15_read(0, c0, c0, 5);
}

/* ID_PFR1.GIC (bits 31:28): the GICv3 system register interface. */
static inline int cpu_has_gicv3_cpuif(void)
{
	return ((cp15_read(0, c0, c1, 1) >> 28) & 0xf) != 0;
}

/*
 * The GICv3 CPU interface, group 1, PL1: the AArch32 encodings of the
 * kernel's arch/arm/include/asm/arch_gicv3.h.
 */
static inline uint32_t icc_sre_read(void)
{
	return cp15_read(0, c12, c12, 5);		/* ICC_SRE */
}

static inline void icc_sre_write(uint32_t v)
{
	cp15_write(0, c12, c12, 5, v);
}

static inline void icc_pmr_write(uint32_t v)
{
	cp15_write(0, c4, c6, 0, v);			/* ICC_PMR */
}

static inline void icc_bpr1_write(uint32_t v)
{
	cp15_write(0, c12, c12, 3, v);			/* ICC_BPR1 */
}

static inline void icc_igrpen1_write(uint32_t v)
{
	cp15_write(0, c12, c12, 7, v);			/* ICC_IGRPEN1 */
}

static inline uint32_t icc_iar1_read(void)
{
	return cp15_read(0, c12, c12, 0);		/* ICC_IAR1 */
}

static inline void icc_eoir1_write(uint32_t v)
{
	cp15_write(0, c12, c12, 1, v);			/* ICC_EOIR1 */
}

static inline void irq_enable(void)
{
	__asm__ volatile("cpsie i" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cpsid i" ::: "memory");
}

/* Smallest data cache line, from CTR.DminLine. */
static inline uint32_t dcache_line(void)
{
	return 4u << ((cp15_read(0, c0, c0, 1) >> 16) & 0xf);
}

/* DCIMVAC: invalidate one line by MVA to the point of coherency. */
static inline void dcache_inval_line(uintptr_t va)
{
	cp15_write(0, c7, c6, 1, va);
}

/* Clean and invalidate one line by VA to the point of coherency. */
static inline void dcache_clean_inval_line(uintptr_t va)
{
	cp15_write(0, c7, c14, 1, va);			/* DCCIMVAC */
}

static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

/*
 * The MMU with the short-descriptor format: one level of 1 MiB sections,
 * TTBCR = 0, TEX remap and the access flag off, every domain a client.
 * Section memory types (TEX, C, B): Device 000 0 1 (shareable Device),
 * Normal write-back 001 1 1, Normal non-cacheable 001 0 0.  Walks are
 * non-cacheable (TTBR0 attribute bits 0): the table was written with the
 * MMU off.
 */
#define MMU_ATTR_DEVICE		0
#define MMU_ATTR_WB		1
#define MMU_ATTR_NC		2

static inline void mmu_enable(uintptr_t l1_table)
{
	uint32_t sctlr;

	cp15_write(0, c2, c0, 2, 0);			/* TTBCR */
	cp15_write(0, c2, c0, 0, l1_table);		/* TTBR0 */
	cp15_write(0, c3, c0, 0, 0x55555555);		/* DACR: clients */
	isb();
	cp15_write(0, c8, c7, 0, 0);			/* TLBIALL */
	__asm__ volatile("dsb nsh" ::: "memory");
	isb();
	sctlr = cp15_read(0, c1, c0, 0);
	sctlr &= ~(1u << 28 | 1u << 29);		/* TRE, AFE */
	sctlr |= 1u | 1u << 2 | 1u << 12;		/* M, C, I */
	cp15_write(0, c1, c0, 0, sctlr);
	isb();
}

/*
 * Arm semihosting from A32: SVC 0x123456, operation in r0, argument in r1.
 * The trap is an SVC: taken for real (rather than by the debugger or QEMU)
 * it would overwrite LR_svc, the mode the peer runs in, hence the clobber.
 */
static inline void semihost_call(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory", "lr");
}

#endif /* PEER_ARCH_ARM_H */

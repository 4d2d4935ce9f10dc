/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AArch64 (EL1) side of the peer: barriers, counters, identification, the
 * GICv3 CPU interface's system registers and the semihosting trap.
 * Included by hw.h only.
 */
#ifndef PEER_ARCH_AARCH64_H
#define PEER_ARCH_AARCH64_H

#include <stdint.h>

#define sysreg_read(r) ({ uint64_t __v; \
	__asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define sysreg_write(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))

static inline uint64_t rd64(uintptr_t a)
{
	return *(volatile uint64_t *)a;
}

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

static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

static inline void wfe(void)
{
	__asm__ volatile("wfe" ::: "memory");
}

static inline uint64_t cntvct(void)
{
	isb();
	return sysreg_read(cntvct_el0);
}

static inline uint32_t cntfrq(void)
{
	return (uint32_t)sysreg_read(cntfrq_el0);
}

/* MPIDR_EL1 with Aff3 in bits 39:32. */
static inline uint64_t cpu_mpidr(void)
{
	return sysreg_read(mpidr_el1);
}

/*
 * ID_AA64PFR0_EL1.GIC: whether this core has the GICv3 system register
 * interface.  QEMU's GICv2 distributor has no ID registers to ask instead
 * (reading them aborts).
 */
static inline int cpu_has_gicv3_cpuif(void)
{
	return ((sysreg_read(id_aa64pfr0_el1) >> 24) & 0xf) != 0;
}

/* The GICv3 CPU interface, group 1, EL1. */
static inline uint32_t icc_sre_read(void)
{
	return (uint32_t)sysreg_read(S3_0_C12_C12_5);	/* ICC_SRE_EL1 */
}

static inline void icc_sre_write(uint32_t v)
{
	sysreg_write(S3_0_C12_C12_5, v);
}

static inline void icc_pmr_write(uint32_t v)
{
	sysreg_write(S3_0_C4_C6_0, v);			/* ICC_PMR_EL1 */
}

static inline void icc_bpr1_write(uint32_t v)
{
	sysreg_write(S3_0_C12_C12_3, v);		/* ICC_BPR1_EL1 */
}

static inline void icc_igrpen1_write(uint32_t v)
{
	sysreg_write(S3_0_C12_C12_7, v);		/* ICC_IGRPEN1_EL1 */
}

static inline uint32_t icc_iar1_read(void)
{
	return (uint32_t)sysreg_read(S3_0_C12_C12_0);	/* ICC_IAR1_EL1 */
}

static inline void icc_eoir1_write(uint32_t v)
{
	sysreg_write(S3_0_C12_C12_1, v);		/* ICC_EOIR1_EL1 */
}

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

/* The virtual timer (PPI 27 on virt): the peer's heartbeat. */
static inline void vtimer_arm(uint32_t ticks)
{
	sysreg_write(cntv_tval_el0, ticks);
	sysreg_write(cntv_ctl_el0, 1);			/* ENABLE, not masked */
	isb();
}

/* Smallest data cache line, from CTR_EL0.DminLine. */
static inline uint32_t dcache_line(void)
{
	return 4u << ((sysreg_read(ctr_el0) >> 16) & 0xf);
}

/* Invalidate one line by VA to the point of coherency (no write-back). */
static inline void dcache_inval_line(uintptr_t va)
{
	__asm__ volatile("dc ivac, %0" : : "r"(va) : "memory");
}

/* The invalidates complete before any later load. */
/* Clean and invalidate one line by VA to the point of coherency. */
static inline void dcache_clean_inval_line(uintptr_t va)
{
	__asm__ volatile("dc civac, %0" : : "r"(va) : "memory");
}

static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

/*
 * The MMU, 4 KiB granule, 32-bit VA = PA, walks from TTBR0_EL1 starting at
 * level 1 (T0SZ = 32).  MAIR_EL1: attr 0 Device-nGnRnE, 1 Normal
 * write-back, 2 Normal non-cacheable.  Walks are non-cacheable (IRGN0 =
 * ORGN0 = 0): the tables were written with the MMU off.
 */
#define MMU_ATTR_DEVICE		0
#define MMU_ATTR_WB		1
#define MMU_ATTR_NC		2

static inline void mmu_enable(uintptr_t l1_table)
{
	sysreg_write(mair_el1, 0x00ull | 0xffull << 8 | 0x44ull << 16);
	sysreg_write(tcr_el1, 32ull | 1ull << 23);	/* T0SZ 32, EPD1 */
	sysreg_write(ttbr0_el1, l1_table);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh" ::: "memory");
	isb();
	sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | 1u | 1u << 2 | 1u << 12);
	isb();
}

/* Arm semihosting from AArch64: HLT #0xf000, operation in x0, argument in x1. */
static inline void semihost_call(uint32_t op, const void *arg)
{
	register uint64_t x0 __asm__("x0") = op;
	register const void *x1 __asm__("x1") = arg;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

#endif /* PEER_ARCH_AARCH64_H */

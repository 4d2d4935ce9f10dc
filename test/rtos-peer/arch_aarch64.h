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

/* Arm semihosting from AArch64: HLT #0xf000, operation in x0, argument in x1. */
static inline void semihost_call(uint32_t op, const void *arg)
{
	register uint64_t x0 __asm__("x0") = op;
	register const void *x1 __asm__("x1") = arg;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

#endif /* PEER_ARCH_AARCH64_H */

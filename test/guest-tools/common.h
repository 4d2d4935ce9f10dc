/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the guest-side benchmark programs. */
#ifndef VNLM_GUEST_COMMON_H
#define VNLM_GUEST_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* The Arm generic counter's virtual count, readable at EL0/PL0 under Linux
 * (arm64 and 32-bit Arm alike): the clock the RTOS core stamps doorbells
 * with. */
static inline uint64_t cntvct(void)
{
#if defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) :: "memory");
	return v;
#else
	uint32_t lo, hi;

	__asm__ volatile("isb; mrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
#endif
}

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline void die(const char *what)
{
	perror(what);
	exit(1);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel types driver/vnlm_rules.c is written in, for host builds
 * (tools/vnlm-dtb, the fuzzer).  Forced in with -include.
 */
#ifndef VNLM_HOST_COMPAT_H
#define VNLM_HOST_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* The driver's KUnit exports (driver/vnlm_compat.h): nothing to export here. */
#define VNLM_EXPORT_FOR_KUNIT(sym)	_Static_assert(1, "")

#endif /* VNLM_HOST_COMPAT_H */

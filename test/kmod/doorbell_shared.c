// SPDX-License-Identifier: GPL-2.0-only
/* The driver's own doorbell and rule code, built into the test helper. */
/*
 * A copy of the driver's code exports nothing: with the KUnit suite
 * configured, the driver itself exports these (modpost: "exported twice").
 */
#include "../../driver/vnlm_compat.h"
#undef VNLM_EXPORT_FOR_KUNIT
#define VNLM_EXPORT_FOR_KUNIT(sym)	static_assert(1)

#include "../../driver/vnlm_clock.c"
#include "../../driver/vnlm_doorbell.c"
#include "../../driver/vnlm_rules.c"

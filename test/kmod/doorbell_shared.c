// SPDX-License-Identifier: GPL-2.0-only
/* The driver's own doorbell and rule code, built into the test helper. */
#include "../../driver/vnlm_doorbell.c"
#include "../../driver/vnlm_rules.c"

// SPDX-License-Identifier: GPL-2.0-only
/* The driver's doorbell and rule code, built into the test mailbox controller. */
#include "../../driver/vnlm_doorbell.c"
#include "../../driver/vnlm_rules.c"

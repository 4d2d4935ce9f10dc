// SPDX-License-Identifier: GPL-2.0-only
/* The driver's GICv2 SGI backend, built into the test mailbox controller. */
#include "../../driver/vnlm_sgi_gicv2.c"

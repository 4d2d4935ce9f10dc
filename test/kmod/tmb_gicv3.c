// SPDX-License-Identifier: GPL-2.0-only
/* The driver's GICv3 SGI backend, built into the test mailbox controller. */
#include "../../driver/vnlm_sgi_gicv3.c"

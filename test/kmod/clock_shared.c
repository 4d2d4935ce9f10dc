// SPDX-License-Identifier: GPL-2.0-only
/* The driver's stamp clock, built into the test netdev. */
#include "../../driver/vnlm_clock.c"

// SPDX-License-Identifier: GPL-2.0-only
/* The code under test, compiled into the KUnit module. */
#include "vnlm_rules.c"
#include "vnlm_state.c"

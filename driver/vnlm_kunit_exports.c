// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the KUnit suite (vnlm_kunit.c, module vnet-link-mirror-kunit when
 * built as a module) calls, exported to the EXPORTED_FOR_KUNIT_TESTING
 * namespace only.  Built only with CONFIG_VNET_LINK_MIRROR_KUNIT_TEST.
 */
#include <linux/export.h>

#include "vnlm.h"
#include "vnlm_compat.h"
#include "vnlm_rules.h"
#include "vnlm_state.h"

EXPORT_SYMBOL_IF_KUNIT(vnlm_compute_state);
EXPORT_SYMBOL_IF_KUNIT(vnlm_state_equal);
EXPORT_SYMBOL_IF_KUNIT(vnlm_state_fail_safe);
EXPORT_SYMBOL_IF_KUNIT(vnlm_rule_text);
EXPORT_SYMBOL_IF_KUNIT(vnlm_check_uplink_name);
EXPORT_SYMBOL_IF_KUNIT(vnlm_check_sgi);
EXPORT_SYMBOL_IF_KUNIT(vnlm_check_target);
EXPORT_SYMBOL_IF_KUNIT(vnlm_check_region);
EXPORT_SYMBOL_IF_KUNIT(vnlm_check_announce_hold);
EXPORT_SYMBOL_IF_KUNIT(vnlm_regions_overlap);
EXPORT_SYMBOL_IF_KUNIT(vnlm_shm_init);
EXPORT_SYMBOL_IF_KUNIT(vnlm_shm_publish);

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation rules for one mirror instance, written once and shared by the
 * driver (probe) and the host DTB tool, so the two can never disagree.  Pure
 * C with no kernel or libfdt calls: callers parse, these functions judge.
 */
#ifndef VNLM_RULES_H
#define VNLM_RULES_H

/* Host builds provide these types with tools/host-compat.h (-include). */
#ifdef __KERNEL__
#include <linux/types.h>

#include "vnlm_compat.h"
#endif

#define VNLM_COMPATIBLE		"linux,virtio-net-link-mirror"
#define VNLM_PROP_REGION	"memory-region"
#define VNLM_PROP_SRAM		"sram"
#define VNLM_SRAM_COMPATIBLE	"mmio-sram"
#define VNLM_PROP_UPLINK_NAME	"linux,uplink"
#define VNLM_PROP_UPLINK_NODE	"ethernet"
#define VNLM_PROP_BACKEND	"linux,backend"
#define VNLM_PROP_TARGET_CPU	"linux,target-cpu"
#define VNLM_PROP_SGI		"linux,doorbell-sgi"
#define VNLM_PROP_DISABLED	"linux,notify-disabled"
#define VNLM_PROP_ANNOUNCE	"linux,link-up-announce"
#define VNLM_PROP_SHM_OFFSET	"linux,shm-offset"
#define VNLM_PROP_ANNOUNCE_HOLD	"linux,announce-hold-ms"
#define VNLM_PROP_GIC_IFACE	"linux,gic-cpu-interface"
#define VNLM_PROP_MBOXES	"mboxes"
#define VNLM_PROP_MBOX_NAMES	"mbox-names"
#define VNLM_MBOX_DOORBELL	"doorbell"

/* IFNAMSIZ, restated so the host tool does not need Linux headers. */
#define VNLM_IFNAMSIZ		16
#define VNLM_SGI_MAX		15
/* GICv3 SGIs from this one up are the ones TF-A commonly makes Secure. */
#define VNLM_SGI_SECURE_FIRST	8
#define VNLM_GICV2_INTERFACES	8

/* vnlm_check_target() flags: what the caller knows of the hardware. */
#define VNLM_TARGET_RSS		0x1	/* GICv3 range selector: Aff0 > 15 reachable */
#define VNLM_TARGET_IFACE	0x2	/* GICv2: linux,gic-cpu-interface is given */

/* How long VNLM_S_ANNOUNCE stays raised after a down-to-up transition. */
#define VNLM_ANNOUNCE_HOLD_MIN_MS	1
#define VNLM_ANNOUNCE_HOLD_DEFAULT_MS	200
#define VNLM_ANNOUNCE_HOLD_MAX_MS	10000

/**
 * enum vnlm_gic_arch - the interrupt controller doorbells go through
 * @VNLM_GIC_V2: GICv2, SGIs raised through GICD_SGIR
 * @VNLM_GIC_V3: GICv3 or later, SGIs raised through ICC_SGI1R_EL1
 */
enum vnlm_gic_arch {
	VNLM_GIC_V2 = 2,
	VNLM_GIC_V3 = 3,
};

/**
 * struct vnlm_gic_compatible - an interrupt controller doorbells can use
 * @compatible: its DT compatible
 * @arch: how SGIs are raised through it
 */
struct vnlm_gic_compatible {
	const char *compatible;
	enum vnlm_gic_arch arch;
};

/* Searched in order by the driver and the host tool; ends with a NULL. */
extern const struct vnlm_gic_compatible vnlm_gic_compatibles[];

/**
 * enum vnlm_rule - the verdict of one check
 * @VNLM_OK: acceptable
 * @VNLM_ERR_NAME_EMPTY: the uplink name is empty
 * @VNLM_ERR_NAME_LONG: the uplink name does not fit IFNAMSIZ
 * @VNLM_ERR_NAME_CHARS: the uplink name has characters netdev names cannot
 * @VNLM_ERR_NAME_UNTERMINATED: the property is not a NUL-terminated string
 * @VNLM_ERR_SGI_RANGE: the SGI is not 0-15
 * @VNLM_ERR_MPIDR_BITS: the target id has bits outside the affinity fields
 * @VNLM_ERR_MPIDR_GICV2: GICv2 without linux,gic-cpu-interface can only
 *	reach CPU interfaces 0-7 named by Aff0 (Aff1-3 zero)
 * @VNLM_ERR_MPIDR_RSS: Aff0 above 15 needs the GICv3 range selector, which
 *	this GIC lacks
 * @VNLM_ERR_IFACE_RANGE: linux,gic-cpu-interface is not 0-7
 * @VNLM_ERR_IFACE_GICV3: linux,gic-cpu-interface given on a GICv3
 * @VNLM_ERR_REGION_SMALL: the region is smaller than VNLM_REGION_MIN_SIZE
 * @VNLM_ERR_REGION_ALIGN: the region base is not 64-byte aligned
 * @VNLM_ERR_REGION_WRAP: base + size overflows
 * @VNLM_ERR_REGION_OFFSET: linux,shm-offset leaves no room for the layout
 * @VNLM_ERR_REGION_OVERLAP: the region overlaps another instance's
 * @VNLM_ERR_HOLD_RANGE: the ANNOUNCE hold time is outside its bounds
 * @VNLM_ERR_DOORBELL_BOTH: mboxes together with linux,target-cpu or
 *	linux,doorbell-sgi: one doorbell only
 * @VNLM_ERR_DOORBELL_NAME: mboxes without mbox-names naming "doorbell"
 * @VNLM_ERR_COUNT: number of verdicts
 */
enum vnlm_rule {
	VNLM_OK = 0,
	VNLM_ERR_NAME_EMPTY,
	VNLM_ERR_NAME_LONG,
	VNLM_ERR_NAME_CHARS,
	VNLM_ERR_NAME_UNTERMINATED,
	VNLM_ERR_SGI_RANGE,
	VNLM_ERR_MPIDR_BITS,
	VNLM_ERR_MPIDR_GICV2,
	VNLM_ERR_MPIDR_RSS,
	VNLM_ERR_IFACE_RANGE,
	VNLM_ERR_IFACE_GICV3,
	VNLM_ERR_REGION_SMALL,
	VNLM_ERR_REGION_ALIGN,
	VNLM_ERR_REGION_WRAP,
	VNLM_ERR_REGION_OFFSET,
	VNLM_ERR_REGION_OVERLAP,
	VNLM_ERR_HOLD_RANGE,
	VNLM_ERR_DOORBELL_BOTH,
	VNLM_ERR_DOORBELL_NAME,
	VNLM_ERR_COUNT,
};

const char *vnlm_rule_text(enum vnlm_rule rule);
enum vnlm_rule vnlm_check_uplink_name(const char *prop, size_t len);
enum vnlm_rule vnlm_check_backend(const char *prop, size_t len, bool *phandle);
enum vnlm_rule vnlm_check_sgi(u32 sgi);
enum vnlm_rule vnlm_check_target(u64 mpidr, enum vnlm_gic_arch arch, unsigned int flags);
enum vnlm_rule vnlm_check_gic_iface(u32 iface, enum vnlm_gic_arch arch);
bool vnlm_sgi_maybe_secure(u32 sgi, enum vnlm_gic_arch arch, bool single_security_state);
enum vnlm_rule vnlm_check_region(u64 base, u64 size, u64 offset);
enum vnlm_rule vnlm_check_announce_hold(u32 ms);
enum vnlm_rule vnlm_check_doorbell_choice(bool has_sgi_props, bool has_mboxes,
					  const char *names, size_t names_len);
bool vnlm_regions_overlap(u64 base_a, u64 size_a, u64 base_b, u64 size_b);

#endif /* VNLM_RULES_H */

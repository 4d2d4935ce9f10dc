// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validation rules shared by the driver and the host DTB tool.
 *
 * Everything here is a pure function of its arguments: it is built into
 * the module, into tools/vnlm-dtb and into the host fuzzer unchanged.
 */
#include "vnlm_rules.h"
#include "vnet-link-mirror/shm.h"

/* Affinity fields of MPIDR_EL1: Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]. */
#define MPIDR_AFFINITY_MASK	0xff00ffffffULL
/* ICC_SGI1R_EL1's target list covers Aff0 0-15; above, the range selector. */
#define GICV3_TARGET_LIST_AFF0	16

const struct vnlm_gic_compatible vnlm_gic_compatibles[] = {
	{ "arm,gic-v3", VNLM_GIC_V3 },
	{ "arm,gic-400", VNLM_GIC_V2 },
	{ "arm,cortex-a15-gic", VNLM_GIC_V2 },
	{ "arm,cortex-a9-gic", VNLM_GIC_V2 },
	{ "arm,cortex-a7-gic", VNLM_GIC_V2 },
	{ NULL, 0 }
};

static const char *const rule_text[VNLM_ERR_COUNT] = {
	[VNLM_OK] = "ok",
	[VNLM_ERR_NAME_EMPTY] = "is empty",
	[VNLM_ERR_NAME_LONG] = "is longer than 15 characters (IFNAMSIZ)",
	[VNLM_ERR_NAME_CHARS] = "is not a valid netdev name ('/', ':', whitespace, '.' or '..')",
	[VNLM_ERR_NAME_UNTERMINATED] = "is not a NUL-terminated string",
	[VNLM_ERR_SGI_RANGE] = "is not an SGI (0-15)",
	[VNLM_ERR_MPIDR_BITS] = "has bits outside the MPIDR affinity fields",
	[VNLM_ERR_MPIDR_GICV2] =
		"is not reachable on GICv2 as interface Aff0 (0-7, Aff1-3 zero)",
	[VNLM_ERR_MPIDR_RSS] =
		"has Aff0 > 15, which needs the range selector (RSS) this GICv3 lacks",
	[VNLM_ERR_IFACE_RANGE] = "is not a GICv2 CPU interface (0-7)",
	[VNLM_ERR_IFACE_GICV3] = "is for GICv2 only: GICv3 routes SGIs by affinity",
	[VNLM_ERR_REGION_SMALL] = "is smaller than the 128-byte shared layout",
	[VNLM_ERR_REGION_ALIGN] = "is not 64-byte aligned",
	[VNLM_ERR_REGION_WRAP] = "wraps around the address space",
	[VNLM_ERR_REGION_OFFSET] = "has no room for the 128-byte shared layout at linux,shm-offset",
	[VNLM_ERR_REGION_OVERLAP] = "overlaps another instance's region",
	[VNLM_ERR_HOLD_RANGE] = "is outside 1-10000 ms",
	[VNLM_ERR_DOORBELL_BOTH] = "cannot go with linux,target-cpu or linux,doorbell-sgi",
	[VNLM_ERR_DOORBELL_NAME] = "needs mbox-names with a \"doorbell\" entry",
};

/**
 * vnlm_rule_text() - describe a verdict for an error message
 * @rule: a verdict returned by one of the checks
 *
 * Return: a sentence fragment to follow the property's name.
 */
const char *vnlm_rule_text(enum vnlm_rule rule)
{
	if ((unsigned int)rule >= VNLM_ERR_COUNT)
		return "is invalid";
	return rule_text[rule];
}

VNLM_EXPORT_FOR_KUNIT(vnlm_rule_text);

static bool netdev_name_char_ok(char c)
{
	return c != '/' && c != ':' && c != ' ' && c != '\t' && c != '\n' &&
	       c != '\r' && c != '\v' && c != '\f';
}

/**
 * vnlm_check_uplink_name() - judge a linux,uplink property
 * @prop: the property's bytes, as stored in the DTB
 * @len: the property's length in bytes, terminating NUL included
 *
 * Applies the rules dev_valid_name() applies, so that a name the driver
 * accepts is one a netdev can have.
 *
 * Return: VNLM_OK or the reason the name cannot be an uplink.
 */
enum vnlm_rule vnlm_check_uplink_name(const char *prop, size_t len)
{
	size_t n;

	if (!prop || len == 0 || prop[len - 1] != '\0')
		return VNLM_ERR_NAME_UNTERMINATED;
	for (n = 0; prop[n]; n++)
		;
	if (n + 1 != len)
		return VNLM_ERR_NAME_UNTERMINATED;	/* a string list */
	if (n == 0)
		return VNLM_ERR_NAME_EMPTY;
	if (n >= VNLM_IFNAMSIZ)
		return VNLM_ERR_NAME_LONG;
	if ((n == 1 && prop[0] == '.') ||
	    (n == 2 && prop[0] == '.' && prop[1] == '.'))
		return VNLM_ERR_NAME_CHARS;
	while (n--)
		if (!netdev_name_char_ok(prop[n]))
			return VNLM_ERR_NAME_CHARS;
	return VNLM_OK;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_check_uplink_name);

/**
 * vnlm_check_backend() - judge a linux,backend property
 * @prop: the property's bytes, as stored in the DTB
 * @len: the property's length in bytes
 * @phandle: set when the property is a phandle, cleared for a name
 *
 * One property, two forms, told apart by their bytes: one cell whose first
 * byte is 0 or whose last byte is not (a string's NUL) is a phandle, below
 * 0x01000000 as every phandle dtc assigns is; anything else is judged as a
 * netdev name, as linux,uplink is.
 *
 * Return: VNLM_OK or the reason the property is neither form.
 */
enum vnlm_rule vnlm_check_backend(const char *prop, size_t len, bool *phandle)
{
	*phandle = prop && len == sizeof(u32) && (!prop[0] || prop[len - 1]);
	return *phandle ? VNLM_OK : vnlm_check_uplink_name(prop, len);
}

VNLM_EXPORT_FOR_KUNIT(vnlm_check_backend);

/**
 * vnlm_check_sgi() - judge a linux,doorbell-sgi value
 * @sgi: the INTID to raise
 *
 * Return: VNLM_OK or VNLM_ERR_SGI_RANGE.
 */
enum vnlm_rule vnlm_check_sgi(u32 sgi)
{
	return sgi <= VNLM_SGI_MAX ? VNLM_OK : VNLM_ERR_SGI_RANGE;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_check_sgi);

/**
 * vnlm_check_target() - judge a linux,target-cpu hardware id
 * @mpidr: the affinity value, as in a cpu node's reg
 * @arch: the interrupt controller the doorbell goes through
 * @flags: VNLM_TARGET_RSS when the GICv3 supports the range selector (the
 *	host tool, which cannot read the GIC, passes it); VNLM_TARGET_IFACE
 *	when a GICv2 CPU interface number is given apart from the MPIDR
 *
 * Whether a Linux CPU has that id is for the caller to check: it needs the
 * cpu nodes, which only the caller has.
 *
 * Return: VNLM_OK or the reason the target cannot be reached.
 */
enum vnlm_rule vnlm_check_target(u64 mpidr, enum vnlm_gic_arch arch, unsigned int flags)
{
	if (mpidr & ~MPIDR_AFFINITY_MASK)
		return VNLM_ERR_MPIDR_BITS;
	if (arch == VNLM_GIC_V2) {
		/* Without an explicit interface, assume interface n is Aff0 n. */
		if (!(flags & VNLM_TARGET_IFACE) &&
		    ((mpidr & ~0xffULL) || (mpidr & 0xff) >= VNLM_GICV2_INTERFACES))
			return VNLM_ERR_MPIDR_GICV2;
	} else if ((mpidr & 0xff) >= GICV3_TARGET_LIST_AFF0 && !(flags & VNLM_TARGET_RSS)) {
		return VNLM_ERR_MPIDR_RSS;
	}
	return VNLM_OK;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_check_target);

/**
 * vnlm_check_gic_iface() - judge a linux,gic-cpu-interface value
 * @iface: the GICv2 CPU interface number the target core is wired to
 * @arch: the interrupt controller the doorbell goes through
 *
 * Whether the GIC implements that many interfaces, and whether one of them
 * is a Linux CPU's, is for the caller to check against the hardware.
 *
 * Return: VNLM_OK or the reason the value cannot be used.
 */
enum vnlm_rule vnlm_check_gic_iface(u32 iface, enum vnlm_gic_arch arch)
{
	if (arch != VNLM_GIC_V2)
		return VNLM_ERR_IFACE_GICV3;
	return iface < VNLM_GICV2_INTERFACES ? VNLM_OK : VNLM_ERR_IFACE_RANGE;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_check_gic_iface);

/**
 * vnlm_sgi_maybe_secure() - whether a Non-secure SGI write may be dropped
 * @sgi: the INTID, 0-15
 * @arch: the interrupt controller
 * @single_security_state: GICD_CTLR.DS reads 1, so there is no Secure group
 *
 * Linux cannot read another core's interrupt groups (GICR_IGROUPR0 is
 * Secure-only while two security states exist), so this is a guess from
 * the convention of Trusted Firmware-A, which makes SGIs 8-15 Secure on
 * many platforms.
 *
 * Return: true when the caller should warn.
 */
bool vnlm_sgi_maybe_secure(u32 sgi, enum vnlm_gic_arch arch, bool single_security_state)
{
	return arch == VNLM_GIC_V3 && !single_security_state && sgi >= VNLM_SGI_SECURE_FIRST;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_sgi_maybe_secure);

/**
 * vnlm_check_region() - judge an instance's shared-memory region
 * @base: physical base address of the reserved-memory region
 * @size: its size in bytes
 * @offset: where in it the instance's layout starts (linux,shm-offset, or 0)
 *
 * Return: VNLM_OK or the reason the region cannot hold the shared layout.
 */
enum vnlm_rule vnlm_check_region(u64 base, u64 size, u64 offset)
{
	if (size < VNLM_REGION_MIN_SIZE)
		return VNLM_ERR_REGION_SMALL;
	if (base + size < base)
		return VNLM_ERR_REGION_WRAP;
	if (offset > size - VNLM_REGION_MIN_SIZE)
		return VNLM_ERR_REGION_OFFSET;
	if ((base + offset) & 0x3f)
		return VNLM_ERR_REGION_ALIGN;
	return VNLM_OK;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_check_region);

/**
 * vnlm_check_announce_hold() - judge a linux,announce-hold-ms value
 * @ms: the hold time in milliseconds
 *
 * Return: VNLM_OK or VNLM_ERR_HOLD_RANGE.
 */
enum vnlm_rule vnlm_check_announce_hold(u32 ms)
{
	if (ms < VNLM_ANNOUNCE_HOLD_MIN_MS || ms > VNLM_ANNOUNCE_HOLD_MAX_MS)
		return VNLM_ERR_HOLD_RANGE;
	return VNLM_OK;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_check_announce_hold);

/**
 * vnlm_regions_overlap() - whether two regions share a byte
 * @base_a: first region's base
 * @size_a: first region's size, non-zero and not wrapping
 * @base_b: second region's base
 * @size_b: second region's size, non-zero and not wrapping
 *
 * Return: true when they overlap.
 */
bool vnlm_regions_overlap(u64 base_a, u64 size_a, u64 base_b, u64 size_b)
{
	return base_a < base_b + size_b && base_b < base_a + size_a;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_regions_overlap);

/**
 * vnlm_check_doorbell_choice() - judge which doorbell a node describes
 * @has_sgi_props: linux,target-cpu or linux,doorbell-sgi is present
 * @has_mboxes: mboxes is present
 * @names: the mbox-names property's bytes (a string list), or NULL
 * @names_len: its length in bytes
 *
 * A node without mboxes is an SGI node, checked by the SGI rules.
 *
 * Return: VNLM_OK or the reason (to follow "mboxes") the choice is wrong.
 */
enum vnlm_rule vnlm_check_doorbell_choice(bool has_sgi_props, bool has_mboxes,
					  const char *names, size_t names_len)
{
	static const char want[] = VNLM_MBOX_DOORBELL;
	size_t i, n;

	if (!has_mboxes)
		return VNLM_OK;
	if (has_sgi_props)
		return VNLM_ERR_DOORBELL_BOTH;
	if (!names)
		return VNLM_ERR_DOORBELL_NAME;
	for (i = 0; i < names_len; i += n + 1) {
		for (n = 0; i + n < names_len && names[i + n]; n++)
			;
		if (i + n == names_len)
			break;	/* unterminated tail */
		if (n == sizeof(want) - 1) {
			size_t k;

			for (k = 0; k < n && names[i + k] == want[k]; k++)
				;
			if (k == n)
				return VNLM_OK;
		}
	}
	return VNLM_ERR_DOORBELL_NAME;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_check_doorbell_choice);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsing one mirror's DT node.  Every error names the node and the
 * property so that a board with one bad node tells its author which, and
 * only that node's probe fails.  The judging itself is vnlm_rules.c, shared
 * with the host DTB tool.
 */
#include <linux/device.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/string.h>

#include "vnet-link-mirror/shm.h"
#include "vnlm.h"
#include "vnlm_compat.h"
#include "vnlm_rules.h"

static __printf(4, 5) int bad_prop(struct device *dev, int err,
				   const char *prop, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	err = dev_err_probe(dev, err, "%pOF: %s %pV\n", dev->of_node, prop, &vaf);
	va_end(args);
	return err;
}

static int read_u32_prop(struct device *dev, const char *prop, u32 *val)
{
	int len;

	if (!of_get_property(dev->of_node, prop, &len))
		return bad_prop(dev, -EINVAL, prop, "is missing");
	if (len != sizeof(u32))
		return bad_prop(dev, -EINVAL, prop, "must be one cell, not %d bytes", len);
	return of_property_read_u32(dev->of_node, prop, val);
}

static int parse_target(struct device *dev, enum vnlm_gic_arch arch,
			struct vnlm_params *params)
{
	const char *prop = VNLM_PROP_TARGET_CPU;
	struct device_node *cpu;
	enum vnlm_rule rule;
	const __be32 *cells;
	int len;

	cells = of_get_property(dev->of_node, prop, &len);
	if (!cells)
		return bad_prop(dev, -EINVAL, prop, "is missing");
	if (len != sizeof(u32) && len != sizeof(u64))
		return bad_prop(dev, -EINVAL, prop, "must be one or two cells, not %d bytes", len);
	params->target_mpidr = of_read_number(cells, len / sizeof(u32));

	rule = vnlm_check_target(params->target_mpidr, arch);
	if (rule)
		return bad_prop(dev, -EINVAL, prop, "0x%llx %s", params->target_mpidr,
				vnlm_rule_text(rule));

	/* The cpu nodes are the CPUs Linux may run on. */
	for_each_of_cpu_node(cpu) {
		const __be32 *reg = of_get_property(cpu, "reg", &len);
		int cells_n = of_n_addr_cells(cpu);

		if (reg && len >= cells_n * (int)sizeof(u32) &&
		    of_read_number(reg, cells_n) == params->target_mpidr) {
			int err = bad_prop(dev, -EINVAL, prop,
					   "0x%llx is %pOF, a CPU Linux runs on",
					   params->target_mpidr, cpu);
			of_node_put(cpu);
			return err;
		}
	}
	return 0;
}

static int parse_uplink(struct device *dev, struct vnlm_params *params)
{
	struct device_node *np = dev->of_node;
	enum vnlm_rule rule;
	const char *name;
	int len;

	if (of_find_property(np, VNLM_PROP_UPLINK_NODE, NULL)) {
		params->uplink_np = of_parse_phandle(np, VNLM_PROP_UPLINK_NODE, 0);
		if (!params->uplink_np)
			return bad_prop(dev, -EINVAL, VNLM_PROP_UPLINK_NODE,
					"is not a phandle to a node");
	}

	name = of_get_property(np, VNLM_PROP_UPLINK_NAME, &len);
	if (name) {
		rule = vnlm_check_uplink_name(name, len);
		if (rule) {
			of_node_put(params->uplink_np);
			params->uplink_np = NULL;
			return bad_prop(dev, -EINVAL, VNLM_PROP_UPLINK_NAME, "%s",
					vnlm_rule_text(rule));
		}
		strscpy(params->uplink_name, name, sizeof(params->uplink_name));
	} else if (!params->uplink_np) {
		return bad_prop(dev, -EINVAL, VNLM_PROP_UPLINK_NAME,
				"is missing, and so is " VNLM_PROP_UPLINK_NODE);
	}
	return 0;
}

static int parse_region(struct device *dev, struct vnlm_params *params)
{
	const char *prop = VNLM_PROP_REGION;
	struct reserved_mem *rmem;
	struct device_node *rnp;
	enum vnlm_rule rule;
	u32 offset = 0;
	int len = 0;
	bool no_map;

	if (!of_find_property(dev->of_node, prop, NULL))
		return bad_prop(dev, -EINVAL, prop, "is missing");
	rnp = of_parse_phandle(dev->of_node, prop, 0);
	if (!rnp)
		return bad_prop(dev, -EINVAL, prop, "is not a phandle to a node");
	rmem = of_reserved_mem_lookup(rnp);
	no_map = of_property_read_bool(rnp, "no-map");
	if (!rmem || !no_map) {
		int err = bad_prop(dev, -EINVAL, prop, "%pOF is not a %sreserved-memory region",
				   rnp, rmem ? "no-map " : "");
		of_node_put(rnp);
		return err;
	}
	of_node_put(rnp);

	if (of_get_property(dev->of_node, VNLM_PROP_SHM_OFFSET, &len)) {
		if (len != sizeof(u32))
			return bad_prop(dev, -EINVAL, VNLM_PROP_SHM_OFFSET,
					"must be one cell, not %d bytes", len);
		of_property_read_u32(dev->of_node, VNLM_PROP_SHM_OFFSET, &offset);
	}
	rule = vnlm_check_region(rmem->base, rmem->size, offset);
	if (rule)
		return bad_prop(dev, -EINVAL, prop, "0x%llx+0x%llx %s",
				(u64)rmem->base, (u64)rmem->size, vnlm_rule_text(rule));
	/* Linux registers at most MAX_RESERVED_REGIONS reserved-memory nodes,
	 * so many instances may share one region, each at its own offset and
	 * owning only its layout's bytes of it.
	 */
	if (len)
		params->region = (struct resource)DEFINE_RES_MEM(rmem->base + offset,
								 VNLM_REGION_MIN_SIZE);
	else
		params->region = (struct resource)DEFINE_RES_MEM(rmem->base, rmem->size);
	return 0;
}

static void put_uplink_node(void *data)
{
	of_node_put(data);
}

/**
 * vnlm_parse_doorbell_kind() - which doorbell a mirror's node describes
 * @dev: the mirror's platform device
 * @kind: set to the backend
 *
 * Return: 0, or -EINVAL after a message naming the property.
 */
int vnlm_parse_doorbell_kind(struct device *dev, enum vnlm_doorbell_kind *kind)
{
	struct device_node *np = dev->of_node;
	bool sgi_props, mboxes;
	const char *names;
	enum vnlm_rule rule;
	int len = 0;

	sgi_props = of_find_property(np, VNLM_PROP_TARGET_CPU, NULL) ||
		    of_find_property(np, VNLM_PROP_SGI, NULL);
	mboxes = of_find_property(np, VNLM_PROP_MBOXES, NULL);
	names = of_get_property(np, VNLM_PROP_MBOX_NAMES, &len);
	rule = vnlm_check_doorbell_choice(sgi_props, mboxes, names, len);
	if (rule)
		return bad_prop(dev, -EINVAL, VNLM_PROP_MBOXES, "%s", vnlm_rule_text(rule));
	*kind = mboxes ? VNLM_DOORBELL_MBOX : VNLM_DOORBELL_SGI;
	return 0;
}

static int parse_sgi_doorbell(struct device *dev, enum vnlm_gic_arch arch,
			      struct vnlm_params *params)
{
	enum vnlm_rule rule;
	int ret;

	ret = read_u32_prop(dev, VNLM_PROP_SGI, &params->sgi);
	if (ret)
		return ret;
	rule = vnlm_check_sgi(params->sgi);
	if (rule)
		return bad_prop(dev, -EINVAL, VNLM_PROP_SGI, "%u %s", params->sgi,
				vnlm_rule_text(rule));
	return parse_target(dev, arch, params);
}

/**
 * vnlm_parse_params() - read and check one mirror's DT node
 * @dev: the mirror's platform device
 * @arch: the GIC an SGI doorbell will go through
 * @params: filled in; @params->doorbell already set by
 *	vnlm_parse_doorbell_kind()
 *
 * Return: 0, or a negative errno after a message naming the property.
 */
int vnlm_parse_params(struct device *dev, enum vnlm_gic_arch arch,
		      struct vnlm_params *params)
{
	int ret;

	if (params->doorbell == VNLM_DOORBELL_SGI) {
		ret = parse_sgi_doorbell(dev, arch, params);
		if (ret)
			return ret;
	}
	ret = parse_region(dev, params);
	if (ret)
		return ret;
	ret = parse_uplink(dev, params);
	if (ret)
		return ret;
	if (params->uplink_np) {
		ret = devm_add_action_or_reset(dev, put_uplink_node, params->uplink_np);
		if (ret)
			return ret;
	}

	params->start_enabled = !of_property_read_bool(dev->of_node, VNLM_PROP_DISABLED);
	params->announce = of_property_read_bool(dev->of_node, VNLM_PROP_ANNOUNCE);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsing one mirror's DT node.  Every error names the node and the
 * property so that a board with one bad node tells its author which, and
 * only that node's probe fails.  The judging itself is vnlm_rules.c, shared
 * with the host DTB tool.
 */
#include <linux/bits.h>
#include <linux/device.h>
#include <linux/genalloc.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_platform.h>
#include <linux/of_reserved_mem.h>
#include <linux/platform_device.h>
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

/* What only the hardware knows of a GICv2 CPU interface, whether given by
 * linux,gic-cpu-interface or taken from the target's Aff0 (@prop names
 * which): the host tool cannot check these.
 */
static int check_v2_iface_hw(struct device *dev, const struct vnlm_gic *gic,
			     const char *prop, u32 iface)
{
	if (iface >= gic->v2_interfaces)
		return bad_prop(dev, -EINVAL, prop,
				"CPU interface %u is not implemented: the GIC has %u",
				iface, gic->v2_interfaces);
	if (gic->v2_linux_ifaces & BIT(iface))
		return bad_prop(dev, -EINVAL, prop, "CPU interface %u is a Linux CPU's",
				iface);
	return 0;
}

static int parse_gic_iface(struct device *dev, const struct vnlm_gic *gic,
			   struct vnlm_params *params)
{
	const char *prop = VNLM_PROP_GIC_IFACE;
	enum vnlm_rule rule;
	u32 iface;
	int ret;

	params->gic_iface = -1;
	if (!of_find_property(dev->of_node, prop, NULL))
		return 0;
	ret = read_u32_prop(dev, prop, &iface);
	if (ret)
		return ret;
	rule = vnlm_check_gic_iface(iface, gic->arch);
	if (rule)
		return bad_prop(dev, -EINVAL, prop, "%u %s", iface, vnlm_rule_text(rule));
	ret = check_v2_iface_hw(dev, gic, prop, iface);
	if (ret)
		return ret;
	params->gic_iface = iface;
	return 0;
}

static int parse_target(struct device *dev, const struct vnlm_gic *gic,
			struct vnlm_params *params)
{
	const char *prop = VNLM_PROP_TARGET_CPU;
	unsigned int flags = 0;
	struct device_node *cpu;
	enum vnlm_rule rule;
	const __be32 *cells;
	int len;

	len = parse_gic_iface(dev, gic, params);
	if (len)
		return len;
	if (params->gic_iface >= 0)
		flags |= VNLM_TARGET_IFACE;
	if (gic->rss)
		flags |= VNLM_TARGET_RSS;

	cells = of_get_property(dev->of_node, prop, &len);
	if (!cells)
		return bad_prop(dev, -EINVAL, prop, "is missing");
	if (len != sizeof(u32) && len != sizeof(u64))
		return bad_prop(dev, -EINVAL, prop, "must be one or two cells, not %d bytes", len);
	params->target_mpidr = of_read_number(cells, len / sizeof(u32));

	rule = vnlm_check_target(params->target_mpidr, gic->arch, flags);
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
	/* GICv2 without an explicit interface: Aff0 is the interface. */
	if (gic->arch == VNLM_GIC_V2 && params->gic_iface < 0)
		return check_v2_iface_hw(dev, gic, prop, params->target_mpidr & 0xff);
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

static void put_node(void *data)
{
	of_node_put(data);
}

/* linux,backend: a name or a phandle in the one property (vnlm_check_backend()). */
static int parse_backend(struct device *dev, struct vnlm_params *params)
{
	const char *prop = VNLM_PROP_BACKEND;
	enum vnlm_rule rule;
	const char *val;
	bool phandle;
	int len;

	val = of_get_property(dev->of_node, prop, &len);
	if (!val)
		return 0;
	rule = vnlm_check_backend(val, len, &phandle);
	if (rule)
		return bad_prop(dev, -EINVAL, prop, "%s, nor a phandle", vnlm_rule_text(rule));
	params->has_backend = true;
	if (!phandle) {
		strscpy(params->backend_name, val, sizeof(params->backend_name));
		return 0;
	}
	params->backend_np = of_parse_phandle(dev->of_node, prop, 0);
	if (!params->backend_np)
		return bad_prop(dev, -EINVAL, prop, "is not a phandle to a node");
	return devm_add_action_or_reset(dev, put_node, params->backend_np);
}

/* The SRAM driver's unbind destroys the pool our bytes are allocated from
 * (a BUG with them outstanding) and unmaps the SRAM: unbind us first, as a
 * consumer of its device; the remove path then still publishes link down.
 * Nothing else ties us to it (fw_devlink does not know the sram property).
 */
static int link_sram(struct device *dev, struct device_node *sram_np)
{
	struct platform_device *sram = of_find_device_by_node(sram_np);
	struct device_link *link;

	if (!sram)
		return bad_prop(dev, -EPROBE_DEFER, VNLM_PROP_SRAM, "%pOF has no device yet",
				sram_np);
	link = device_link_add(dev, &sram->dev, DL_FLAG_AUTOREMOVE_CONSUMER);
	put_device(&sram->dev);
	if (!link)
		return bad_prop(dev, -EINVAL, VNLM_PROP_SRAM, "cannot link to %pOF's device",
				sram_np);
	return 0;
}

/*
 * A memory resource by value.  DEFINE_RES_MEM() is a brace initializer in
 * 6.1 and a compound literal in 6.12 and 7.3, which a cast turns into a
 * sparse warning ("cast to non-scalar"); as an initializer it is right in
 * both.
 */
static void vnlm_res_mem(struct resource *r, resource_size_t start, resource_size_t size)
{
	struct resource res = DEFINE_RES_MEM(start, size);

	*r = res;
}

/* An sram phandle names a partition of an mmio-sram node (a child with the
 * "pool" property), which the SRAM driver maps and hands out as a genalloc
 * pool of its own: the instance claims its bytes from that pool.
 */
static int parse_sram(struct device *dev, struct vnlm_params *params, struct resource *res)
{
	const char *prop = VNLM_PROP_SRAM;
	struct device_node *snp, *parent;
	int err = 0;

	snp = of_parse_phandle(dev->of_node, prop, 0);
	if (!snp)
		return bad_prop(dev, -EINVAL, prop, "is not a phandle to a node");
	parent = of_get_parent(snp);
	if (!parent || !of_device_is_compatible(parent, VNLM_SRAM_COMPATIBLE))
		err = bad_prop(dev, -EINVAL, prop, "%pOF is not a child of an " VNLM_SRAM_COMPATIBLE
			       " node", snp);
	else if (!of_property_read_bool(snp, "pool"))
		err = bad_prop(dev, -EINVAL, prop, "%pOF has no pool property", snp);
	else if (of_address_to_resource(snp, 0, res))
		err = bad_prop(dev, -EINVAL, prop, "%pOF has no usable reg", snp);
	of_node_put(snp);
	if (!err) {
		params->sram_pool = of_gen_pool_get(dev->of_node, prop, 0);
		if (!params->sram_pool)
			err = bad_prop(dev, -EPROBE_DEFER, prop, "has no pool yet (SRAM driver)");
	}
	if (!err)
		err = link_sram(dev, parent);
	of_node_put(parent);
	return err;
}

static int parse_region(struct device *dev, struct vnlm_params *params)
{
	bool sram = of_find_property(dev->of_node, VNLM_PROP_SRAM, NULL);
	const char *prop = sram ? VNLM_PROP_SRAM : VNLM_PROP_REGION;
	struct reserved_mem *rmem;
	struct device_node *rnp;
	struct resource res;
	enum vnlm_rule rule;
	u32 offset = 0;
	int len = 0;
	bool no_map;

	if (sram) {
		if (of_find_property(dev->of_node, VNLM_PROP_REGION, NULL))
			return bad_prop(dev, -EINVAL, prop, "and " VNLM_PROP_REGION
					" cannot both be given");
		len = parse_sram(dev, params, &res);
		if (len)
			return len;
	} else {
		if (!of_find_property(dev->of_node, prop, NULL))
			return bad_prop(dev, -EINVAL, prop, "is missing");
		rnp = of_parse_phandle(dev->of_node, prop, 0);
		if (!rnp)
			return bad_prop(dev, -EINVAL, prop, "is not a phandle to a node");
		rmem = of_reserved_mem_lookup(rnp);
		no_map = of_property_read_bool(rnp, "no-map");
		if (!rmem || !no_map) {
			int err = bad_prop(dev, -EINVAL, prop,
					   "%pOF is not a %sreserved-memory region",
					   rnp, rmem ? "no-map " : "");
			of_node_put(rnp);
			return err;
		}
		of_node_put(rnp);
		vnlm_res_mem(&res, rmem->base, rmem->size);
	}

	if (of_get_property(dev->of_node, VNLM_PROP_SHM_OFFSET, &len)) {
		if (len != sizeof(u32))
			return bad_prop(dev, -EINVAL, VNLM_PROP_SHM_OFFSET,
					"must be one cell, not %d bytes", len);
		of_property_read_u32(dev->of_node, VNLM_PROP_SHM_OFFSET, &offset);
	}
	rule = vnlm_check_region(res.start, resource_size(&res), offset);
	if (rule)
		return bad_prop(dev, -EINVAL, prop, "0x%llx+0x%llx %s",
				(u64)res.start, (u64)resource_size(&res), vnlm_rule_text(rule));
	/* Linux registers at most MAX_RESERVED_REGIONS reserved-memory nodes,
	 * so many instances may share one region, each at its own offset and
	 * owning only its layout's bytes of it.
	 */
	if (len)
		vnlm_res_mem(&params->region, res.start + offset, VNLM_REGION_MIN_SIZE);
	else
		params->region = res;
	return 0;
}

struct sram_claim {
	struct gen_pool *pool;
	phys_addr_t phys;
	unsigned long chunk_offset;	/* of @phys in its chunk, or ULONG_MAX */
	unsigned long addr;
	size_t size;
};

static void find_chunk(struct gen_pool *pool, struct gen_pool_chunk *chunk, void *data)
{
	struct sram_claim *claim = data;
	unsigned long len = chunk->end_addr - chunk->start_addr + 1;

	if (claim->phys >= chunk->phys_addr && claim->phys - chunk->phys_addr < len)
		claim->chunk_offset = claim->phys - chunk->phys_addr;
}

static void release_sram(void *data)
{
	struct sram_claim *claim = data;

	gen_pool_free(claim->pool, claim->addr, claim->size);
}

/**
 * vnlm_claim_sram() - take an instance's bytes of its SRAM pool
 * @dev: the mirror's device, whose lifetime the claim follows
 * @params: parsed, with @params->sram_pool set
 *
 * The SRAM driver owns the mapping and the iomem claim of the whole SRAM;
 * allocating exactly @params->region from its pool is what keeps two
 * instances (or any other pool user) off the same bytes.
 *
 * Return: the SRAM driver's mapping of the region, or an ERR_PTR(): -EBUSY
 * when another user holds some of its bytes.
 */
void __iomem *vnlm_claim_sram(struct device *dev, const struct vnlm_params *params)
{
	struct gen_pool *pool = params->sram_pool;
	struct genpool_data_fixed fixed;
	struct sram_claim *claim;
	int ret;

	claim = devm_kzalloc(dev, sizeof(*claim), GFP_KERNEL);
	if (!claim)
		return IOMEM_ERR_PTR(-ENOMEM);
	claim->pool = pool;
	claim->phys = params->region.start;
	claim->chunk_offset = ULONG_MAX;
	claim->size = resource_size(&params->region);
	gen_pool_for_each_chunk(pool, find_chunk, claim);
	/* gen_pool_fixed_alloc() takes offsets in whole allocation units */
	if (claim->chunk_offset == ULONG_MAX ||
	    claim->chunk_offset & ((1UL << pool->min_alloc_order) - 1))
		return IOMEM_ERR_PTR(-ENXIO);
	fixed.offset = claim->chunk_offset;
	claim->addr = gen_pool_alloc_algo(pool, claim->size, gen_pool_fixed_alloc, &fixed);
	if (!claim->addr)
		return IOMEM_ERR_PTR(-EBUSY);
	ret = devm_add_action_or_reset(dev, release_sram, claim);
	if (ret)
		return IOMEM_ERR_PTR(ret);
	if (gen_pool_virt_to_phys(pool, claim->addr) != params->region.start)
		return IOMEM_ERR_PTR(-ENXIO);
	return (void __iomem __force *)claim->addr;
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

static int parse_sgi_doorbell(struct device *dev, const struct vnlm_gic *gic,
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
	return parse_target(dev, gic, params);
}

/**
 * vnlm_parse_params() - read and check one mirror's DT node
 * @dev: the mirror's platform device
 * @gic: the GIC an SGI doorbell will go through, as vnlm_gic_probe() read
 *	it; NULL for a mailbox doorbell
 * @params: filled in; @params->doorbell already set by
 *	vnlm_parse_doorbell_kind()
 *
 * Return: 0, or a negative errno after a message naming the property.
 */
int vnlm_parse_params(struct device *dev, const struct vnlm_gic *gic,
		      struct vnlm_params *params)
{
	enum vnlm_rule rule;
	int ret;

	if (params->doorbell == VNLM_DOORBELL_SGI) {
		ret = parse_sgi_doorbell(dev, gic, params);
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
		ret = devm_add_action_or_reset(dev, put_node, params->uplink_np);
		if (ret)
			return ret;
	}
	ret = parse_backend(dev, params);
	if (ret)
		return ret;

	params->start_enabled = !of_property_read_bool(dev->of_node, VNLM_PROP_DISABLED);
	params->announce = of_property_read_bool(dev->of_node, VNLM_PROP_ANNOUNCE);
	params->announce_hold_ms = VNLM_ANNOUNCE_HOLD_DEFAULT_MS;
	if (of_find_property(dev->of_node, VNLM_PROP_ANNOUNCE_HOLD, NULL)) {
		ret = read_u32_prop(dev, VNLM_PROP_ANNOUNCE_HOLD, &params->announce_hold_ms);
		if (ret)
			return ret;
		rule = vnlm_check_announce_hold(params->announce_hold_ms);
		if (rule)
			return bad_prop(dev, -EINVAL, VNLM_PROP_ANNOUNCE_HOLD, "%u %s",
					params->announce_hold_ms, vnlm_rule_text(rule));
	}
	return 0;
}

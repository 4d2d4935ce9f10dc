// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading one instance node the way the driver's probe does, and judging it
 * with the driver's own rules (driver/vnlm_rules.c, linked in unchanged).
 * The DTB was checked whole by fdt_check_full() when loaded, so offsets
 * and strings can be trusted; property sizes cannot, and are checked here.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnet-link-mirror/shm.h"
#include "vnlm_dtb.h"

void report_stderr(const struct instance *inst, const char *prop, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s ", inst->path, prop);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The interrupt parent of @node as the kernel's of_irq_find_parent() finds
 * it: its interrupt-parent, else its parent's, up to a node with
 * #interrupt-cells; -1 for none.
 */
static int irq_parent(const void *fdt, int node)
{
	int cur = node, depth;

	for (depth = 0; depth < 64; depth++) {
		const fdt32_t *ip = fdt_getprop(fdt, cur, "interrupt-parent", NULL);
		int p = ip ? fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*ip)) :
			     fdt_parent_offset(fdt, cur);

		if (p < 0)
			return -1;
		if (fdt_getprop(fdt, p, "#interrupt-cells", NULL))
			return p;
		cur = p;
	}
	return -1;
}

/* As the driver's gic_is_root(): enabled, and its own interrupt parent (or
 * none): a disabled GIC, or one cascaded behind another, is not it.
 */
static bool gic_is_root(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);
	int parent;

	if (status && strcmp(status, "okay") && strcmp(status, "ok"))
		return false;
	parent = irq_parent(fdt, node);
	return parent < 0 || parent == node;
}

int gic_arch_of(const void *fdt, enum vnlm_gic_arch *arch)
{
	const struct vnlm_gic_compatible *gic;
	int node;

	for (gic = vnlm_gic_compatibles; gic->compatible; gic++) {
		for (node = fdt_node_offset_by_compatible(fdt, -1, gic->compatible); node >= 0;
		     node = fdt_node_offset_by_compatible(fdt, node, gic->compatible)) {
			if (gic_is_root(fdt, node)) {
				*arch = gic->arch;
				return 0;
			}
		}
	}
	return -1;
}

int instance_next(const void *fdt, int after)
{
	return fdt_node_offset_by_compatible(fdt, after, VNLM_COMPATIBLE);
}

static uint64_t read_cells(const fdt32_t *cells, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 32 | fdt32_to_cpu(*cells++);
	return v;
}

static bool is_linux_cpu(const void *fdt, uint64_t mpidr, char *which, size_t len)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node, ac;

	if (cpus < 0)
		return false;
	ac = fdt_address_cells(fdt, cpus);
	if (ac < 1 || ac > 2)
		return false;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;
		int rlen;

		if (!type || strcmp(type, "cpu"))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &rlen);
		if (reg && rlen >= ac * 4 && read_cells(reg, ac) == mpidr) {
			fdt_get_path(fdt, node, which, len);
			return true;
		}
	}
	return false;
}

static void parse_announce_hold(const void *fdt, struct instance *inst, report_fn report)
{
	const fdt32_t *p;
	enum vnlm_rule rule;
	int len;
	uint32_t ms;

	p = fdt_getprop(fdt, inst->offset, VNLM_PROP_ANNOUNCE_HOLD, &len);
	if (!p)
		return;
	if (len != 4) {
		inst->errors++, report(inst, VNLM_PROP_ANNOUNCE_HOLD, "must be one cell, not %d bytes",
				       len);
		return;
	}
	ms = fdt32_to_cpu(*p);
	rule = vnlm_check_announce_hold(ms);
	if (rule)
		inst->errors++, report(inst, VNLM_PROP_ANNOUNCE_HOLD, "%u %s", ms, vnlm_rule_text(rule));
}

static void parse_sgi(const void *fdt, struct instance *inst, report_fn report)
{
	const fdt32_t *p;
	int len;
	enum vnlm_rule rule;

	p = fdt_getprop(fdt, inst->offset, VNLM_PROP_SGI, &len);
	if (!p) {
		inst->errors++, report(inst, VNLM_PROP_SGI, "is missing");
		return;
	}
	if (len != 4) {
		inst->errors++, report(inst, VNLM_PROP_SGI, "must be one cell, not %d bytes", len);
		return;
	}
	inst->has_sgi = true;
	inst->sgi = fdt32_to_cpu(*p);
	rule = vnlm_check_sgi(inst->sgi);
	if (rule)
		inst->errors++, report(inst, VNLM_PROP_SGI, "%u %s", inst->sgi, vnlm_rule_text(rule));
}

/* Returns false when linux,gic-cpu-interface is there and wrong (reported). */
static bool parse_gic_iface(const void *fdt, struct instance *inst, enum vnlm_gic_arch arch,
			    report_fn report)
{
	const char *prop = VNLM_PROP_GIC_IFACE;
	const fdt32_t *p;
	enum vnlm_rule rule;
	int len;

	p = fdt_getprop(fdt, inst->offset, prop, &len);
	if (!p)
		return true;
	if (len != 4) {
		inst->errors++, report(inst, prop, "must be one cell, not %d bytes", len);
		return false;
	}
	rule = vnlm_check_gic_iface(fdt32_to_cpu(*p), arch);
	if (rule) {
		inst->errors++, report(inst, prop, "%u %s", fdt32_to_cpu(*p), vnlm_rule_text(rule));
		return false;
	}
	inst->has_gic_iface = true;
	return true;
}

static void parse_target(const void *fdt, struct instance *inst, enum vnlm_gic_arch arch,
			 report_fn report)
{
	const fdt32_t *p;
	enum vnlm_rule rule;
	char cpu[256];
	int len;

	/*
	 * The GICv3 range selector is in the hardware, not the DT: assume it,
	 * the driver checks it at probe.
	 */
	if (!parse_gic_iface(fdt, inst, arch, report))
		return;

	p = fdt_getprop(fdt, inst->offset, VNLM_PROP_TARGET_CPU, &len);
	if (!p) {
		inst->errors++, report(inst, VNLM_PROP_TARGET_CPU, "is missing");
		return;
	}
	if (len != 4 && len != 8) {
		inst->errors++, report(inst, VNLM_PROP_TARGET_CPU,
				       "must be one or two cells, not %d bytes", len);
		return;
	}
	inst->has_target = true;
	inst->target = read_cells(p, len / 4);
	rule = vnlm_check_target(inst->target, arch,
				 VNLM_TARGET_RSS | (inst->has_gic_iface ? VNLM_TARGET_IFACE : 0));
	if (rule)
		inst->errors++, report(inst, VNLM_PROP_TARGET_CPU, "0x%llx %s",
				       (unsigned long long)inst->target, vnlm_rule_text(rule));
	else if (is_linux_cpu(fdt, inst->target, cpu, sizeof(cpu)))
		inst->errors++, report(inst, VNLM_PROP_TARGET_CPU, "0x%llx is %s, a CPU Linux runs on",
				       (unsigned long long)inst->target, cpu);
}

/*
 * sram = <&part>: a child of an mmio-sram node with the pool property, its
 * reg translated through the mmio-sram node's ranges (one level: the SRAM
 * node is expected at the root or on a bus without translation).
 */
static bool parse_sram(const void *fdt, struct instance *inst, report_fn report)
{
	const char *prop = VNLM_PROP_SRAM;
	int len, snode, parent, ac, sc, pac, rlen, i;
	const fdt32_t *p, *reg, *ranges;
	uint64_t addr;

	if (fdt_getprop(fdt, inst->offset, VNLM_PROP_REGION, NULL)) {
		inst->errors++, report(inst, prop, "and " VNLM_PROP_REGION " cannot both be given");
		return false;
	}
	p = fdt_getprop(fdt, inst->offset, prop, &len);
	snode = len >= 4 ? fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*p)) : -1;
	if (snode < 0) {
		inst->errors++, report(inst, prop, "is not a phandle to a node");
		return false;
	}
	fdt_get_path(fdt, snode, inst->region_path, sizeof(inst->region_path));
	parent = fdt_parent_offset(fdt, snode);
	if (parent < 0 || fdt_node_check_compatible(fdt, parent, VNLM_SRAM_COMPATIBLE)) {
		inst->errors++, report(inst, prop, "%s is not a child of an " VNLM_SRAM_COMPATIBLE
				       " node", inst->region_path);
		return false;
	}
	if (!fdt_getprop(fdt, snode, "pool", NULL)) {
		inst->errors++, report(inst, prop, "%s has no pool property", inst->region_path);
		return false;
	}
	reg = fdt_getprop(fdt, snode, "reg", &len);
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	pac = fdt_parent_offset(fdt, parent) >= 0 ?
		fdt_address_cells(fdt, fdt_parent_offset(fdt, parent)) : -1;
	ranges = fdt_getprop(fdt, parent, "ranges", &rlen);
	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || pac < 1 || pac > 2 ||
	    len < (ac + sc) * 4 || !ranges) {
		inst->errors++, report(inst, prop, "%s has no usable reg", inst->region_path);
		return false;
	}
	addr = read_cells(reg, ac);
	inst->region_size = read_cells(reg + ac, sc);
	inst->region_base = addr;	/* empty ranges: identity */
	for (i = 0; rlen > 0 && i + ac + pac + sc <= rlen / 4; i += ac + pac + sc) {
		uint64_t cbase = read_cells(ranges + i, ac);
		uint64_t pbase = read_cells(ranges + i + ac, pac);
		uint64_t size = read_cells(ranges + i + ac + pac, sc);

		if (addr >= cbase && addr - cbase < size) {
			inst->region_base = pbase + (addr - cbase);
			return true;
		}
	}
	if (rlen > 0) {
		inst->errors++, report(inst, prop, "%s has no usable reg", inst->region_path);
		return false;
	}
	return true;
}

static void parse_region(const void *fdt, struct instance *inst, report_fn report)
{
	bool sram = fdt_getprop(fdt, inst->offset, VNLM_PROP_SRAM, NULL);
	const char *prop = sram ? VNLM_PROP_SRAM : VNLM_PROP_REGION;
	int len, rnode, parent, ac, sc;
	const fdt32_t *p, *reg;
	enum vnlm_rule rule;

	inst->region_prop = prop;
	if (sram) {
		if (!parse_sram(fdt, inst, report))
			return;
		goto judge;
	}
	p = fdt_getprop(fdt, inst->offset, prop, &len);
	if (!p) {
		inst->errors++, report(inst, prop, "is missing");
		return;
	}
	rnode = len >= 4 ? fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*p)) : -1;
	if (rnode < 0) {
		inst->errors++, report(inst, prop, "is not a phandle to a node");
		return;
	}
	fdt_get_path(fdt, rnode, inst->region_path, sizeof(inst->region_path));
	parent = fdt_parent_offset(fdt, rnode);
	reg = fdt_getprop(fdt, rnode, "reg", &len);
	ac = parent >= 0 ? fdt_address_cells(fdt, parent) : -1;
	sc = parent >= 0 ? fdt_size_cells(fdt, parent) : -1;
	if (parent < 0 || strcmp(fdt_get_name(fdt, parent, NULL), "reserved-memory") ||
	    !reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < (ac + sc) * 4) {
		inst->errors++, report(inst, prop, "%s is not a reserved-memory region",
				       inst->region_path);
		return;
	}
	if (!fdt_getprop(fdt, rnode, "no-map", NULL)) {
		inst->errors++, report(inst, prop, "%s is not a no-map reserved-memory region",
				       inst->region_path);
		return;
	}
	inst->region_base = read_cells(reg, ac);
	inst->region_size = read_cells(reg + ac, sc);
judge:
	p = fdt_getprop(fdt, inst->offset, VNLM_PROP_SHM_OFFSET, &len);
	if (p && len != 4) {
		inst->errors++, report(inst, VNLM_PROP_SHM_OFFSET, "must be one cell, not %d bytes",
				       len);
		return;
	}
	inst->shm_offset = p ? fdt32_to_cpu(*p) : 0;
	rule = vnlm_check_region(inst->region_base, inst->region_size, inst->shm_offset);
	if (rule) {
		inst->errors++, report(inst, prop, "0x%llx+0x%llx %s",
				       (unsigned long long)inst->region_base,
				       (unsigned long long)inst->region_size, vnlm_rule_text(rule));
		return;
	}
	/* What the driver claims: the whole region, or its window at the offset. */
	if (p) {
		inst->region_base += inst->shm_offset;
		inst->region_size = VNLM_REGION_MIN_SIZE;
	}
	inst->has_region = true;
}

static void parse_uplink(const void *fdt, struct instance *inst, report_fn report)
{
	const fdt32_t *ph;
	enum vnlm_rule rule;
	const char *name;
	int len, node;

	inst->ethernet[0] = 0;
	ph = fdt_getprop(fdt, inst->offset, VNLM_PROP_UPLINK_NODE, &len);
	if (ph) {
		node = len == 4 ? fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*ph)) : -1;
		if (node < 0) {
			inst->errors++, report(inst, VNLM_PROP_UPLINK_NODE, "is not a phandle to a node");
			return;
		}
		fdt_get_path(fdt, node, inst->ethernet, sizeof(inst->ethernet));
	}
	name = fdt_getprop(fdt, inst->offset, VNLM_PROP_UPLINK_NAME, &len);
	if (name) {
		rule = vnlm_check_uplink_name(name, len);
		if (rule) {
			inst->errors++, report(inst, VNLM_PROP_UPLINK_NAME, "%s", vnlm_rule_text(rule));
			return;
		}
		inst->uplink = name;
	} else if (!ph) {
		inst->errors++, report(inst, VNLM_PROP_UPLINK_NAME,
				       "is missing, and so is " VNLM_PROP_UPLINK_NODE);
	}
}

/* linux,backend: a name or a phandle in the one property (vnlm_check_backend()). */
static void parse_backend(const void *fdt, struct instance *inst, report_fn report)
{
	const char *val;
	enum vnlm_rule rule;
	bool phandle;
	int len, node;

	inst->backend_node[0] = 0;
	val = fdt_getprop(fdt, inst->offset, VNLM_PROP_BACKEND, &len);
	if (!val)
		return;
	rule = vnlm_check_backend(val, (size_t)len, &phandle);
	if (rule) {
		inst->errors++, report(inst, VNLM_PROP_BACKEND, "%s, nor a phandle",
				       vnlm_rule_text(rule));
		return;
	}
	if (!phandle) {
		inst->backend = val;
		return;
	}
	node = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*(const fdt32_t *)val));
	if (node < 0) {
		inst->errors++, report(inst, VNLM_PROP_BACKEND, "is not a phandle to a node");
		return;
	}
	fdt_get_path(fdt, node, inst->backend_node, sizeof(inst->backend_node));
}

/* The doorbell choice (vnlm_parse_doorbell_kind()), then the mailbox form:
 * one specifier whose cell count is its controller's #mbox-cells.
 */
static bool parse_doorbell_kind(const void *fdt, struct instance *inst, report_fn report)
{
	int off = inst->offset, len = 0, ctrl, n;
	const fdt32_t *p, *cells;
	enum vnlm_rule rule;
	const char *names;

	names = fdt_getprop(fdt, off, VNLM_PROP_MBOX_NAMES, &len);
	p = fdt_getprop(fdt, off, VNLM_PROP_MBOXES, NULL);
	rule = vnlm_check_doorbell_choice(fdt_getprop(fdt, off, VNLM_PROP_TARGET_CPU, NULL) ||
					  fdt_getprop(fdt, off, VNLM_PROP_SGI, NULL),
					  p != NULL, names, names ? (size_t)len : 0);
	if (rule) {
		inst->errors++, report(inst, VNLM_PROP_MBOXES, "%s", vnlm_rule_text(rule));
		return false;
	}
	if (!p)
		return false;
	p = fdt_getprop(fdt, off, VNLM_PROP_MBOXES, &len);
	if (len < 4 || len % 4) {
		inst->errors++, report(inst, VNLM_PROP_MBOXES, "is not a phandle and cells");
		return true;
	}
	ctrl = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(p[0]));
	if (ctrl < 0) {
		inst->errors++, report(inst, VNLM_PROP_MBOXES, "does not point at a node");
		return true;
	}
	cells = fdt_getprop(fdt, ctrl, "#mbox-cells", &n);
	if (!cells || n != 4) {
		inst->errors++, report(inst, VNLM_PROP_MBOXES, "points at a node without #mbox-cells");
		return true;
	}
	n = (int)fdt32_to_cpu(*cells);
	if (n < 0 || n > 4 || len < (n + 1) * 4) {
		inst->errors++, report(inst, VNLM_PROP_MBOXES, "has fewer cells than #mbox-cells = %d", n);
		return true;
	}
	inst->has_mbox = true;
	fdt_get_path(fdt, ctrl, inst->mbox_ctrl, sizeof(inst->mbox_ctrl));
	inst->mbox_ncells = n;
	while (n--)
		inst->mbox_cells[n] = fdt32_to_cpu(p[1 + n]);
	return true;
}

/* Same order as the driver's probe: the first failure is the one reported. */
void instance_parse(const void *fdt, int offset, enum vnlm_gic_arch arch,
		    struct instance *inst, report_fn report)
{
	memset(inst, 0, sizeof(*inst));
	inst->offset = offset;
	if (fdt_get_path(fdt, offset, inst->path, sizeof(inst->path)))
		strcpy(inst->path, "?");
	if (!parse_doorbell_kind(fdt, inst, report) && !inst->errors) {
		if (arch == VNLM_GIC_NONE) {
			inst->errors++;
			report(inst, VNLM_PROP_SGI,
			       "needs a GICv2 or GICv3 interrupt controller in the DTB");
			return;
		}
		parse_sgi(fdt, inst, report);
		if (!inst->errors)
			parse_target(fdt, inst, arch, report);
	}
	if (!inst->errors)
		parse_region(fdt, inst, report);
	if (!inst->errors)
		parse_uplink(fdt, inst, report);
	if (!inst->errors)
		parse_backend(fdt, inst, report);
	if (!inst->errors)
		parse_announce_hold(fdt, inst, report);
	inst->notify = !fdt_getprop(fdt, offset, VNLM_PROP_DISABLED, NULL);
	inst->announce = fdt_getprop(fdt, offset, VNLM_PROP_ANNOUNCE, NULL) != NULL;
}

static bool enabled_node(const void *fdt, int offset)
{
	const char *status = fdt_getprop(fdt, offset, "status", NULL);

	return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

/*
 * Judge every enabled instance; with @only_path, report only on that one
 * (an edit) but still against all the others for overlaps.
 * Returns the number of instances with errors, or -1 out of memory.
 */
int check_all(const void *fdt, report_fn report, const char *only_path)
{
	struct instance *all = NULL, *inst;
	enum vnlm_gic_arch arch;
	int n = 0, bad = 0, off, i, j;

	/* Mailbox-only boards need no GIC; an SGI instance is refused without one. */
	if (gic_arch_of(fdt, &arch))
		arch = VNLM_GIC_NONE;
	for (off = instance_next(fdt, -1); off >= 0; off = instance_next(fdt, off)) {
		if (!enabled_node(fdt, off))
			continue;
		inst = realloc(all, (n + 1) * sizeof(*all));
		if (!inst) {
			free(all);
			return -1;
		}
		all = inst;
		inst = &all[n++];
		instance_parse(fdt, off, arch, inst, report);
		if (only_path && strcmp(only_path, inst->path))
			inst->errors = 0;
	}
	/* The driver claims regions: the first in probe order keeps one. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && all[i].has_region; j++) {
			if (!all[j].has_region ||
			    !vnlm_regions_overlap(all[i].region_base, all[i].region_size,
						  all[j].region_base, all[j].region_size))
				continue;
			if (!only_path || !strcmp(only_path, all[i].path) ||
			    !strcmp(only_path, all[j].path)) {
				const struct instance *who =
					only_path && !strcmp(only_path, all[j].path) ? &all[j] : &all[i];

				report(who, who->region_prop, "%s %s (%s)", all[i].region_path,
				       vnlm_rule_text(VNLM_ERR_REGION_OVERLAP),
				       who == &all[i] ? all[j].path : all[i].path);
				all[who - all].errors++;
			}
			break;
		}
	}
	for (i = 0; i < n; i++)
		bad += all[i].errors > 0;
	free(all);
	return bad;
}

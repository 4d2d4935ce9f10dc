// SPDX-License-Identifier: GPL-2.0-only
/*
 * The edits a U-Boot script would make to mirror instances, for scripts
 * that prepare boot images: set properties, add an instance with its
 * reserved-memory node, remove one.  The caller checks the result with the
 * driver's rules before anything is written.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnlm_dtb.h"

#define EDIT_SLACK	4096

static int fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, fdt_strerror(err));
	return -1;
}

static int parse_u64(const char *s, const char *what, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-') {
		fprintf(stderr, "%s: '%s' is not a number\n", what, s);
		return -1;
	}
	return 0;
}

static int parse_switch(const char *s, const char *what, bool *on)
{
	if (!strcmp(s, "on") || !strcmp(s, "1")) {
		*on = true;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "0")) {
		*on = false;
		return 0;
	}
	fprintf(stderr, "%s: '%s' is not on or off\n", what, s);
	return -1;
}

static int find_instance(const void *fdt, const char *node)
{
	char path[256];
	int off;

	if (node[0] == '/')
		snprintf(path, sizeof(path), "%s", node);
	else
		snprintf(path, sizeof(path), "/%s", node);
	off = fdt_path_offset(fdt, path);
	if (off < 0 || fdt_node_check_compatible(fdt, off, VNLM_COMPATIBLE)) {
		fprintf(stderr, "%s: no %s instance there\n", path, VNLM_COMPATIBLE);
		return -1;
	}
	return off;
}

static int set_flag(void *fdt, int off, const char *prop, bool present)
{
	int err = present ? fdt_setprop_empty(fdt, off, prop) : fdt_delprop(fdt, off, prop);

	return err == -FDT_ERR_NOTFOUND ? 0 : err;
}

static int drop(void *fdt, int off, const char *prop)
{
	int err = fdt_delprop(fdt, off, prop);

	return err == -FDT_ERR_NOTFOUND ? 0 : err;
}

/* --mbox CTRL[:CELL,...]: mboxes = <&CTRL CELL...>, mbox-names = "doorbell".
 * Returns 0, -1 after a message, or a libfdt error.  May move @off's node.
 */
static int apply_mbox(void *fdt, int off, const char *arg)
{
	char ctrl_path[256], self[256], *colon, *cell, *end;
	fdt32_t prop[5];
	const fdt32_t *mc;
	int ctrl, n = 1, len, err;
	uint32_t ph;

	snprintf(ctrl_path, sizeof(ctrl_path), "%s", arg);
	colon = strchr(ctrl_path, ':');
	if (colon)
		*colon++ = 0;
	ctrl = fdt_path_offset(fdt, ctrl_path);
	if (ctrl < 0) {
		fprintf(stderr, "--mbox %s: no such node\n", ctrl_path);
		return -1;
	}
	mc = fdt_getprop(fdt, ctrl, "#mbox-cells", &len);
	if (!mc || len != 4 || fdt32_to_cpu(*mc) > 4) {
		fprintf(stderr, "--mbox %s: not a mailbox controller (#mbox-cells)\n", ctrl_path);
		return -1;
	}
	for (cell = colon; cell && *cell; cell = *end ? end + 1 : end) {
		unsigned long c = strtoul(cell, &end, 0);

		if (end == cell || (*end && *end != ',') || c > UINT32_MAX || n > 4) {
			fprintf(stderr, "--mbox: bad cell list '%s'\n", colon);
			return -1;
		}
		prop[n++] = cpu_to_fdt32((uint32_t)c);
	}
	if (n - 1 != (int)fdt32_to_cpu(*mc)) {
		fprintf(stderr, "--mbox %s: %d cells given, #mbox-cells is %u\n", ctrl_path, n - 1,
			fdt32_to_cpu(*mc));
		return -1;
	}
	err = fdt_get_path(fdt, off, self, sizeof(self));
	if (err)
		return err;
	ph = fdt_get_phandle(fdt, ctrl);
	if (!ph) {
		err = fdt_generate_phandle(fdt, &ph);
		if (!err)
			err = fdt_setprop_u32(fdt, ctrl, "phandle", ph);
		if (err)
			return err;
		off = fdt_path_offset(fdt, self);
		if (off < 0)
			return off;
	}
	prop[0] = cpu_to_fdt32(ph);
	err = fdt_setprop(fdt, off, VNLM_PROP_MBOXES, prop, n * sizeof(prop[0]));
	if (!err)
		err = fdt_setprop_string(fdt, off, VNLM_PROP_MBOX_NAMES, VNLM_MBOX_DOORBELL);
	return err;
}

/* @prop = <&node at @path>, giving that node a phandle if it has none.
 * Returns 0, -1 after a message, or a libfdt error.  May move *@off's node.
 */
static int set_phandle(void *fdt, int *off, const char *prop, const char *path,
		       const char *opt)
{
	int node = fdt_path_offset(fdt, path);
	char self[256];
	uint32_t ph;
	int err = 0;

	if (node < 0) {
		fprintf(stderr, "%s %s: no such node\n", opt, path);
		return -1;
	}
	ph = fdt_get_phandle(fdt, node);
	if (!ph) {
		/* Adding a property may move every later node: find ours again. */
		err = fdt_get_path(fdt, *off, self, sizeof(self));
		if (!err)
			err = fdt_generate_phandle(fdt, &ph);
		if (!err)
			err = fdt_setprop_u32(fdt, node, "phandle", ph);
		if (!err)
			*off = fdt_path_offset(fdt, self);
		if (!err && *off < 0)
			err = *off;
	}
	if (!err)
		err = fdt_setprop_u32(fdt, *off, prop, ph);
	return err;
}

static int apply(void *fdt, int off, const struct edit *e)
{
	char self_path[256];
	uint64_t v;
	bool on;
	int err = 0;

	if (fdt_get_path(fdt, off, self_path, sizeof(self_path)))
		return -1;
	if (e->uplink)
		err = fdt_setprop_string(fdt, off, VNLM_PROP_UPLINK_NAME, e->uplink);
	if (!err && e->ethernet)
		err = set_phandle(fdt, &off, VNLM_PROP_UPLINK_NODE, e->ethernet, "--ethernet");
	if (!err && e->backend) {
		if (!e->backend[0])
			err = drop(fdt, off, VNLM_PROP_BACKEND);
		else if (e->backend[0] == '/')
			err = set_phandle(fdt, &off, VNLM_PROP_BACKEND, e->backend, "--backend");
		else
			err = fdt_setprop_string(fdt, off, VNLM_PROP_BACKEND, e->backend);
	}
	if (err == -1)
		return -1;	/* after a message */
	if (!err && e->mbox) {
		err = apply_mbox(fdt, off, e->mbox);
		if (err < 0 && err != -1)
			return fail("--mbox", err);
		if (err)
			return -1;
		off = fdt_path_offset(fdt, self_path);
		if (off < 0)
			return fail("--mbox", off);
		err = drop(fdt, off, VNLM_PROP_TARGET_CPU);
		if (!err)
			err = drop(fdt, off, VNLM_PROP_SGI);
	}
	if (!err && (e->target || e->sgi)) {
		err = drop(fdt, off, VNLM_PROP_MBOXES);
		if (!err)
			err = drop(fdt, off, VNLM_PROP_MBOX_NAMES);
	}
	if (!err && e->target) {
		if (parse_u64(e->target, "--target", &v))
			return -1;
		err = v >> 32 ? fdt_setprop_u64(fdt, off, VNLM_PROP_TARGET_CPU, v) :
				fdt_setprop_u32(fdt, off, VNLM_PROP_TARGET_CPU, (uint32_t)v);
	}
	if (!err && e->sgi) {
		if (parse_u64(e->sgi, "--sgi", &v))
			return -1;
		if (v > UINT32_MAX) {
			fprintf(stderr, "--sgi: %s does not fit a cell\n", e->sgi);
			return -1;
		}
		err = fdt_setprop_u32(fdt, off, VNLM_PROP_SGI, (uint32_t)v);
	}
	if (!err && e->notify) {
		if (parse_switch(e->notify, "--notify", &on))
			return -1;
		err = set_flag(fdt, off, VNLM_PROP_DISABLED, !on);
	}
	if (!err && e->announce) {
		if (parse_switch(e->announce, "--announce", &on))
			return -1;
		err = set_flag(fdt, off, VNLM_PROP_ANNOUNCE, on);
	}
	return err ? fail("edit", err) : 0;
}

int edit_set(struct dtb *dtb, const char *node, const struct edit *e)
{
	int off, err;

	err = dtb_grow(dtb, EDIT_SLACK);
	if (err)
		return fail("grow", err);
	off = find_instance(dtb->fdt, node);
	if (off < 0)
		return -1;
	return apply(dtb->fdt, off, e);
}

static int reserved_memory(void *fdt)
{
	int rm = fdt_path_offset(fdt, "/reserved-memory");
	int err;

	if (rm >= 0)
		return rm;
	rm = fdt_add_subnode(fdt, 0, "reserved-memory");
	if (rm < 0)
		return rm;
	err = fdt_setprop_u32(fdt, rm, "#address-cells", 2);
	if (!err)
		err = fdt_setprop_u32(fdt, rm, "#size-cells", 2);
	if (!err)
		err = fdt_setprop_empty(fdt, rm, "ranges");
	return err ? err : rm;
}

int edit_add(struct dtb *dtb, const char *node, const struct edit *e)
{
	uint64_t base, size;
	char name[64], *colon;
	int rm, region, off, ac, sc, err, i;
	fdt32_t reg[4];
	uint32_t ph;

	if (!e->region || !(colon = strchr(e->region, ':'))) {
		fprintf(stderr, "add: --region BASE:SIZE is required\n");
		return -1;
	}
	*colon = 0;
	if (parse_u64(e->region, "--region base", &base) ||
	    parse_u64(colon + 1, "--region size", &size))
		return -1;
	if ((!e->mbox && (!e->target || !e->sgi)) || (!e->uplink && !e->ethernet)) {
		fprintf(stderr, "add: --target and --sgi (or --mbox), and --uplink or --ethernet"
			" are required\n");
		return -1;
	}
	if (strchr(node, '/') || !node[0]) {
		fprintf(stderr, "add: '%s' must be a node name at the root\n", node);
		return -1;
	}
	err = dtb_grow(dtb, EDIT_SLACK);
	if (err)
		return fail("grow", err);
	if (fdt_subnode_offset(dtb->fdt, 0, node) >= 0) {
		fprintf(stderr, "add: /%s already exists\n", node);
		return -1;
	}
	rm = reserved_memory(dtb->fdt);
	if (rm < 0)
		return fail("reserved-memory", rm);
	ac = fdt_address_cells(dtb->fdt, rm);
	sc = fdt_size_cells(dtb->fdt, rm);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		fprintf(stderr, "/reserved-memory: unsupported #address-cells/#size-cells\n");
		return -1;
	}
	snprintf(name, sizeof(name), "vnet-shm@%" PRIx64, base);
	region = fdt_add_subnode(dtb->fdt, rm, name);
	if (region < 0)
		return fail(name, region);
	i = 0;
	if (ac == 2)
		reg[i++] = cpu_to_fdt32(base >> 32);
	reg[i++] = cpu_to_fdt32((uint32_t)base);
	if (sc == 2)
		reg[i++] = cpu_to_fdt32(size >> 32);
	reg[i++] = cpu_to_fdt32((uint32_t)size);
	err = fdt_setprop(dtb->fdt, region, "reg", reg, i * sizeof(reg[0]));
	if (!err)
		err = fdt_setprop_empty(dtb->fdt, region, "no-map");
	if (!err)
		err = fdt_generate_phandle(dtb->fdt, &ph);
	if (!err)
		err = fdt_setprop_u32(dtb->fdt, region, "phandle", ph);
	if (err)
		return fail(name, err);

	off = fdt_add_subnode(dtb->fdt, 0, node);
	if (off < 0)
		return fail(node, off);
	err = fdt_setprop_string(dtb->fdt, off, "compatible", VNLM_COMPATIBLE);
	if (!err)
		err = fdt_setprop_u32(dtb->fdt, off, VNLM_PROP_REGION, ph);
	if (err)
		return fail(node, err);
	return edit_set(dtb, node, e);
}

int edit_remove(struct dtb *dtb, const char *node)
{
	const fdt32_t *ph;
	uint32_t region_ph = 0;
	int off, other, err, len;

	off = find_instance(dtb->fdt, node);
	if (off < 0)
		return -1;
	ph = fdt_getprop(dtb->fdt, off, VNLM_PROP_REGION, &len);
	if (ph && len >= 4)
		region_ph = fdt32_to_cpu(*ph);
	err = fdt_del_node(dtb->fdt, off);
	if (err)
		return fail(node, err);
	if (!region_ph)
		return 0;
	/* The region goes with its instance unless another one uses it. */
	for (other = instance_next(dtb->fdt, -1); other >= 0;
	     other = instance_next(dtb->fdt, other)) {
		ph = fdt_getprop(dtb->fdt, other, VNLM_PROP_REGION, &len);
		if (ph && len >= 4 && fdt32_to_cpu(*ph) == region_ph)
			return 0;
	}
	off = fdt_node_offset_by_phandle(dtb->fdt, region_ph);
	if (off >= 0 && fdt_parent_offset(dtb->fdt, off) >= 0 &&
	    !strcmp(fdt_get_name(dtb->fdt, fdt_parent_offset(dtb->fdt, off), NULL),
		    "reserved-memory")) {
		err = fdt_del_node(dtb->fdt, off);
		if (err)
			return fail("memory-region", err);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* vnlm-dtb: list, check and edit vnet-link-mirror instances in a DTB. */
#ifndef VNLM_DTB_H
#define VNLM_DTB_H

#include <stdbool.h>
#include <stdint.h>

#include "vnlm_rules.h"

#define EXIT_INVALID	1	/* the DTB parsed, an instance breaks a rule */
#define EXIT_ERROR	2	/* usage, I/O or a malformed DTB */

/* dtb_file.c: a DTB in a growable buffer */
struct dtb {
	void *fdt;
	int size;
};

int dtb_load(const char *path, struct dtb *dtb);
int dtb_grow(struct dtb *dtb, int extra);
int dtb_save(const char *path, struct dtb *dtb);
void dtb_free(struct dtb *dtb);

/* instance.c: what one node says, judged with the driver's rules */
struct instance {
	int offset;
	char path[256];
	const char *uplink;		/* NULL when absent */
	char ethernet[256];		/* path of the ethernet phandle's node */
	const char *backend;		/* linux,backend as a name, or NULL */
	char backend_node[256];		/* linux,backend as a phandle: its node's path */
	bool has_target;
	bool has_gic_iface;
	uint64_t target;
	bool has_sgi;
	uint32_t sgi;
	bool has_mbox;			/* mboxes + mbox-names = "doorbell" */
	char mbox_ctrl[256];		/* path of the controller node */
	uint32_t mbox_cells[4];		/* its specifier */
	int mbox_ncells;
	bool notify;
	bool announce;
	bool has_region;
	char region_path[256];
	const char *region_prop;	/* memory-region or sram */
	uint64_t region_base;
	uint64_t region_size;
	uint32_t shm_offset;
	int errors;
};

typedef void (*report_fn)(const struct instance *inst, const char *prop,
			  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* No GIC in the tree: only mailbox instances can be valid. */
#define VNLM_GIC_NONE ((enum vnlm_gic_arch)0)

int gic_arch_of(const void *fdt, enum vnlm_gic_arch *arch);
int instance_next(const void *fdt, int after);
void instance_parse(const void *fdt, int offset, enum vnlm_gic_arch arch,
		    struct instance *inst, report_fn report);
int check_all(const void *fdt, report_fn report, const char *only_path);
void report_stderr(const struct instance *inst, const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* edit.c */
struct edit {
	const char *uplink;
	const char *ethernet;
	const char *backend;	/* NAME, /PATH (a phandle), or "" to remove */
	const char *target;
	const char *sgi;
	const char *mbox;	/* CONTROLLER-PATH[:CELL[,CELL...]] */
	const char *notify;
	const char *announce;
	const char *region;	/* BASE:SIZE, add only */
};

int edit_set(struct dtb *dtb, const char *node, const struct edit *e);
int edit_add(struct dtb *dtb, const char *node, const struct edit *e);
int edit_remove(struct dtb *dtb, const char *node);

#endif /* VNLM_DTB_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnlm-dtb: list, check and edit the vnet-link-mirror instances of a DTB,
 * with the same rules the driver applies at probe.
 */
#include <getopt.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnlm_dtb.h"

static const char usage[] =
"usage: vnlm-dtb list DTB\n"
"       vnlm-dtb check DTB [OVERLAY.dtbo...]\n"
"       vnlm-dtb set DTB NODE [EDITS] [-o OUT]\n"
"       vnlm-dtb add DTB NODE --region BASE:SIZE\n"
"                (--target MPIDR --sgi N | --mbox CTRL[:CELL,...])\n"
"                (--uplink NAME | --ethernet PATH) [EDITS] [-o OUT]\n"
"       vnlm-dtb remove DTB NODE [-o OUT]\n"
"EDITS: --uplink NAME --ethernet PATH --target MPIDR --sgi N\n"
"       --backend NAME|/PATH (linux,backend: a netdev name, or a phandle\n"
"       to the node at PATH; \"\" removes it)\n"
"       --mbox CTRL[:CELL,...] (mailbox doorbell: the controller node's path\n"
"       and its specifier cells; replaces --target/--sgi and the reverse)\n"
"       --notify on|off --announce on|off\n"
"check with overlays applies them in memory, in order, as U-Boot's fdt apply\n"
"does (libfdt fdt_overlay_apply), then checks the result: a base + overlay\n"
"pair is judged before it is flashed.  Nothing is written.\n"
"Edits are checked with the driver's rules before anything is written;\n"
"the output (DTB itself unless -o) is replaced atomically.\n"
"Exit: 0 ok, 1 an instance breaks a rule, 2 usage, I/O or malformed DTB.\n";

static void report_silent(const struct instance *inst, const char *prop, const char *fmt, ...)
{
	(void)inst;
	(void)prop;
	(void)fmt;
}

static int cmd_list(const void *fdt)
{
	enum vnlm_gic_arch arch = VNLM_GIC_V3;
	struct instance inst;
	int off, n = 0;

	gic_arch_of(fdt, &arch);
	for (off = instance_next(fdt, -1); off >= 0; off = instance_next(fdt, off), n++) {
		const char *status = fdt_getprop(fdt, off, "status", NULL);

		instance_parse(fdt, off, arch, &inst, report_silent);
		printf("%s", inst.path);
		if (inst.ethernet[0])
			printf(" ethernet=%s", inst.ethernet);
		if (inst.uplink)
			printf(" uplink=%s", inst.uplink);
		if (inst.backend)
			printf(" backend=%s", inst.backend);
		else if (inst.backend_node[0])
			printf(" backend=%s", inst.backend_node);
		if (inst.has_target)
			printf(" target=0x%llx", (unsigned long long)inst.target);
		if (inst.has_sgi)
			printf(" sgi=%u", inst.sgi);
		if (inst.has_mbox) {
			int i;

			printf(" mbox=%s", inst.mbox_ctrl);
			for (i = 0; i < inst.mbox_ncells; i++)
				printf("%c%u", i ? ',' : ':', inst.mbox_cells[i]);
		}
		if (inst.has_region)
			printf(" region=0x%llx+0x%llx", (unsigned long long)inst.region_base,
			       (unsigned long long)inst.region_size);
		printf(" notify=%s%s%s%s\n", inst.notify ? "on" : "off",
		       inst.announce ? " announce" : "", status ? " status=" : "",
		       status ? status : "");
	}
	return n ? 0 : (fprintf(stderr, "no %s instance\n", VNLM_COMPATIBLE), 0);
}

static int cmd_check(const void *fdt)
{
	int bad = check_all(fdt, report_stderr, NULL);

	if (bad < 0)
		return EXIT_ERROR;
	return bad ? EXIT_INVALID : 0;
}

/*
 * Apply each overlay file to @dtb in memory (the overlay buffer is consumed:
 * libfdt rewrites it).  Return 0, EXIT_INVALID when an overlay does not
 * apply to this base (a missing label, a conflicting node), EXIT_ERROR on
 * I/O or a malformed overlay.
 */
static int apply_overlays(struct dtb *dtb, char **paths, int n)
{
	struct dtb ovl;
	int i, err;

	for (i = 0; i < n; i++) {
		if (dtb_load(paths[i], &ovl))
			return EXIT_ERROR;
		err = dtb_grow(dtb, fdt_totalsize(ovl.fdt) + 4096);
		if (!err)
			err = fdt_overlay_apply(dtb->fdt, ovl.fdt);
		dtb_free(&ovl);
		if (err) {
			fprintf(stderr, "%s: does not apply to the base: %s%s\n", paths[i],
				fdt_strerror(err), err == -FDT_ERR_NOTFOUND ?
				" (a label or path the base lacks: base built with dtc -@?)" : "");
			return err == -FDT_ERR_NOSPACE ? EXIT_ERROR : EXIT_INVALID;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uplink", required_argument, NULL, 'u' },
		{ "ethernet", required_argument, NULL, 'e' },
		{ "backend", required_argument, NULL, 'b' },
		{ "target", required_argument, NULL, 't' },
		{ "sgi", required_argument, NULL, 's' },
		{ "mbox", required_argument, NULL, 'm' },
		{ "notify", required_argument, NULL, 'n' },
		{ "announce", required_argument, NULL, 'a' },
		{ "region", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct edit e = { 0 };
	const char *cmd, *path, *node = NULL, *out = NULL;
	char node_path[256];
	struct dtb dtb;
	int c, ret, bad;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'u': e.uplink = optarg; break;
		case 'e': e.ethernet = optarg; break;
		case 'b': e.backend = optarg; break;
		case 't': e.target = optarg; break;
		case 's': e.sgi = optarg; break;
		case 'm': e.mbox = optarg; break;
		case 'n': e.notify = optarg; break;
		case 'a': e.announce = optarg; break;
		case 'r': e.region = optarg; break;
		case 'o': out = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return EXIT_ERROR;
		}
	}
	if (argc - optind < 2) {
		fputs(usage, stderr);
		return EXIT_ERROR;
	}
	cmd = argv[optind];
	path = argv[optind + 1];
	if (argc - optind > 2)
		node = argv[optind + 2];
	if (dtb_load(path, &dtb))
		return EXIT_ERROR;

	if (!strcmp(cmd, "check") && argc - optind > 2) {
		ret = apply_overlays(&dtb, argv + optind + 2, argc - optind - 2);
		if (!ret)
			ret = cmd_check(dtb.fdt);
		dtb_free(&dtb);
		return ret;
	}
	if (!strcmp(cmd, "list") || !strcmp(cmd, "check")) {
		ret = !strcmp(cmd, "list") ? cmd_list(dtb.fdt) : cmd_check(dtb.fdt);
		dtb_free(&dtb);
		return ret;
	}
	if (!node) {
		fprintf(stderr, "%s: NODE is required\n", cmd);
		dtb_free(&dtb);
		return EXIT_ERROR;
	}
	if (!strcmp(cmd, "set"))
		ret = edit_set(&dtb, node, &e);
	else if (!strcmp(cmd, "add"))
		ret = edit_add(&dtb, node, &e);
	else if (!strcmp(cmd, "remove"))
		ret = edit_remove(&dtb, node);
	else {
		fprintf(stderr, "unknown command '%s'\n%s", cmd, usage);
		ret = -1;
	}
	if (ret) {
		dtb_free(&dtb);
		return EXIT_ERROR;
	}
	if (strcmp(cmd, "remove")) {
		snprintf(node_path, sizeof(node_path), "%s%s", node[0] == '/' ? "" : "/", node);
		bad = check_all(dtb.fdt, report_stderr, node_path);
		if (bad) {
			fprintf(stderr, "%s: not written: the edited instance breaks the rules above\n",
				out ? out : path);
			dtb_free(&dtb);
			return bad < 0 ? EXIT_ERROR : EXIT_INVALID;
		}
	}
	ret = dtb_save(out ? out : path, &dtb);
	dtb_free(&dtb);
	return ret ? EXIT_ERROR : 0;
}

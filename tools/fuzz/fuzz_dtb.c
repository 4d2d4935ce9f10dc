// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: any bytes as a DTB, through the same checks the host
 * tool runs (libfdt's fdt_check_full, then every instance judged by the
 * driver's rules in driver/vnlm_rules.c).  ASan and UBSan watch the rules
 * and the parsing around them.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnlm_dtb.h"

static void report_count(const struct instance *inst, const char *prop, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	/* Format every message: a bad format argument is a bug worth finding. */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)inst;
	(void)prop;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *fdt;

	if (size < sizeof(struct fdt_header) || size > (1 << 20))
		return 0;
	fdt = malloc(size);
	memcpy(fdt, data, size);
	if (!fdt_check_full(fdt, size))
		check_all(fdt, report_count, NULL);
	/* Every judged value once more, straight into the rules. */
	if (size >= 24) {
		uint64_t a, b, c;
		bool flag;

		memcpy(&a, data, 8);
		memcpy(&b, data + 8, 8);
		memcpy(&c, data + 16, 8);
		vnlm_check_region(a, b, c);
		vnlm_check_target(a, (c & 1) ? VNLM_GIC_V3 : VNLM_GIC_V2, (unsigned int)(c >> 1) & 3);
		vnlm_check_gic_iface((uint32_t)b, (c & 1) ? VNLM_GIC_V3 : VNLM_GIC_V2);
		vnlm_check_sgi((uint32_t)b);
		vnlm_regions_overlap(a, b | 1, c, (a ^ c) | 1);
		vnlm_check_uplink_name((const char *)data, size);
		vnlm_check_backend((const char *)data, size, &flag);
		vnlm_rule_text((enum vnlm_rule)(uint32_t)c);
	}
	free(fdt);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* vnet-link-mirror: the counter event stamps are read from. */
#ifndef VNLM_CLOCK_H
#define VNLM_CLOCK_H

#include <linux/types.h>

#include "vnet-link-mirror/shm.h"

struct device;

/**
 * struct vnlm_clock - a free-running counter both Linux and the RTOS read
 * @kind: VNLM_CLOCK_* as published in the sync block's flags
 * @gt: VNLM_CLOCK_A9_GLOBAL: the global timer's registers, else NULL
 */
struct vnlm_clock {
	u16 kind;
	void __iomem *gt;
};

void vnlm_clock_init(struct device *dev, struct vnlm_clock *clk);
u64 vnlm_clock_read(const struct vnlm_clock *clk);
const char *vnlm_clock_name(const struct vnlm_clock *clk);

#endif /* VNLM_CLOCK_H */

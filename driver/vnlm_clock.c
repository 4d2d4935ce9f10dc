// SPDX-License-Identifier: GPL-2.0-only
/*
 * The counter event stamps come from, chosen at probe.
 *
 * A stamp is only useful if the RTOS core can read the same counter, so it
 * comes from a counter every core of the SoC sees: the Arm generic counter
 * (CNTVCT) where the CPU implements the generic timer (every ARMv8 core,
 * ARMv7 with the virtualization or generic timer extension: Cortex-A7/A15),
 * else the Cortex-A9/A5 MPCore global timer when the DT describes one
 * (i.MX6, Zynq-7000, Cyclone V, AM437x), else none: stamps are 0.  A
 * Cortex-A9 has no CNTVCT, and reading it there is an undefined
 * instruction.  The choice is published in the sync block's flags.
 */
#include <linux/device.h>
#include <linux/io.h>
#include <linux/of.h>
#include <linux/of_address.h>

#include "vnlm_clock.h"

#ifdef CONFIG_ARM64
#include <asm/arch_timer.h>

/* ARMv8-A makes the generic timer part of every core. */
static bool cpu_has_generic_timer(void)
{
	return true;
}

static u64 generic_counter(void)
{
	return __arch_counter_get_cntvct();
}
#elif defined(CONFIG_ARM)
#include <asm/barrier.h>
#include <asm/cputype.h>

/* ID_PFR1.GenTimer (bits 19:16): non-zero when CNTVCT exists. */
static bool cpu_has_generic_timer(void)
{
	return (read_cpuid_ext(CPUID_EXT_PFR1) >> 16) & 0xf;
}

/*
 * CNTVCT through CP15 (mrrc p15, 1, Rt, Rt2, c14), not the arch timer
 * driver's accessor: on a CPU without the generic timer that header's
 * helpers are never to be reached, and this one only is after the check
 * above.  The isb keeps the read from being taken early.
 */
static u64 generic_counter(void)
{
	u64 cval;

	isb();
	asm volatile("mrrc p15, 1, %Q0, %R0, c14" : "=r" (cval));
	return cval;
}
#else
#error "vnet-link-mirror: only Arm and arm64 are supported"
#endif

/* Cortex-A9/A5 MPCore global timer: a 64-bit up-counter as two words. */
#define GT_COUNTER_LO	0x00
#define GT_COUNTER_HI	0x04
#define GT_CONTROL	0x08
#define GT_CONTROL_TIMER_ENABLE	BIT(0)

static u64 global_timer(void __iomem *gt)
{
	u32 hi, lo, again;

	/* The A9 TRM's way to read it: high, low, high until the high word holds. */
	hi = readl_relaxed(gt + GT_COUNTER_HI);
	for (;;) {
		lo = readl_relaxed(gt + GT_COUNTER_LO);
		again = readl_relaxed(gt + GT_COUNTER_HI);
		if (again == hi)
			return (u64)hi << 32 | lo;
		hi = again;
	}
}

static void __iomem *map_global_timer(struct device *dev)
{
	struct device_node *np;
	struct resource res;
	void __iomem *gt;
	int ret;

	for_each_compatible_node(np, NULL, "arm,cortex-a9-global-timer") {
		if (of_device_is_available(np))
			break;
	}
	if (!np)
		return NULL;
	ret = of_address_to_resource(np, 0, &res);
	of_node_put(np);
	if (ret || resource_size(&res) < GT_CONTROL + 4)
		return NULL;
	/* Not requested: the kernel's own global-timer driver owns the range. */
	gt = devm_ioremap(dev, res.start, GT_CONTROL + 4);
	if (!gt)
		return NULL;
	/* Stopped (no driver started it), it would stamp one value forever. */
	if (!(readl_relaxed(gt + GT_CONTROL) & GT_CONTROL_TIMER_ENABLE)) {
		dev_info(dev, "%pR: global timer not running: no event stamps\n", &res);
		devm_iounmap(dev, gt);
		return NULL;
	}
	return gt;
}

/**
 * vnlm_clock_init() - choose the counter for @dev's event stamps
 * @dev: the instance; a global timer mapping lives as long as it is bound
 * @clk: filled in; every CPU gets a clock, at worst VNLM_CLOCK_NONE
 */
void vnlm_clock_init(struct device *dev, struct vnlm_clock *clk)
{
	clk->gt = NULL;
	if (cpu_has_generic_timer()) {
		clk->kind = VNLM_CLOCK_GENERIC;
		return;
	}
	clk->gt = map_global_timer(dev);
	clk->kind = clk->gt ? VNLM_CLOCK_A9_GLOBAL : VNLM_CLOCK_NONE;
}

/**
 * vnlm_clock_read() - the counter now
 * @clk: from vnlm_clock_init()
 *
 * Context: any; never sleeps.
 * Return: the counter's value, or 0 for VNLM_CLOCK_NONE.
 */
u64 vnlm_clock_read(const struct vnlm_clock *clk)
{
	switch (clk->kind) {
	case VNLM_CLOCK_GENERIC:
		return generic_counter();
	case VNLM_CLOCK_A9_GLOBAL:
		return global_timer(clk->gt);
	default:
		return 0;
	}
}

/**
 * vnlm_clock_name() - the clock as logs and sysfs spell it
 * @clk: from vnlm_clock_init()
 *
 * Return: a static string.
 */
const char *vnlm_clock_name(const struct vnlm_clock *clk)
{
	switch (clk->kind) {
	case VNLM_CLOCK_GENERIC:
		return "arm-generic-counter";
	case VNLM_CLOCK_A9_GLOBAL:
		return "cortex-a9-global-timer";
	default:
		return "none";
	}
}

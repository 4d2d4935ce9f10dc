// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the driver's pure logic: the mirrored state, the DT
 * validation rules and what the seqlock writer leaves in a region.  Built
 * in or as the module vnet-link-mirror-kunit; the code under test is the
 * driver's own, reached through its VNLM_EXPORT_FOR_KUNIT exports
 * (vnlm_compat.h), which exist only while this suite is configured.
 */
#include <kunit/test.h>
#include <linux/ethtool.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/string.h>

#include "vnet-link-mirror/shm.h"
#include "vnlm.h"
#include "vnlm_compat.h"
#include "vnlm_rules.h"
#include "vnlm_state.h"

static const struct vnlm_link_state link_down = {
	.status = 0, .mtu = 1500, .speed = VNLM_SPEED_UNKNOWN, .duplex = VNLM_DUPLEX_UNKNOWN,
};

static struct vnlm_uplink_facts facts(bool present, bool running, bool oper_up)
{
	return (struct vnlm_uplink_facts){
		.present = present, .running = running, .oper_up = oper_up,
		.mtu = 1500, .speed = 1000, .duplex = DUPLEX_FULL,
	};
}

static void state_link_up_needs_all_three(struct kunit *test)
{
	const bool cases[][3] = {
		{ 0, 0, 0 }, { 1, 0, 0 }, { 1, 1, 0 }, { 1, 0, 1 }, { 0, 1, 1 }, { 1, 1, 1 },
	};
	struct vnlm_link_state next;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vnlm_uplink_facts f = facts(cases[i][0], cases[i][1], cases[i][2]);
		bool up = cases[i][0] && cases[i][1] && cases[i][2];
		u32 speed = VNLM_SPEED_UNKNOWN;
		u8 duplex = VNLM_DUPLEX_UNKNOWN;
		u16 mtu = f.present ? 1500 : VNLM_MTU_UNKNOWN;

		if (up) {
			speed = 1000;
			duplex = VNLM_DUPLEX_FULL;
		}
		vnlm_compute_state(&f, &link_down, false, false, &next);
		KUNIT_EXPECT_EQ_MSG(test, !!(next.status & VNLM_S_LINK_UP), up, "case %u", i);
		KUNIT_EXPECT_EQ(test, next.speed, speed);
		KUNIT_EXPECT_EQ(test, next.duplex, duplex);
		KUNIT_EXPECT_EQ(test, next.mtu, mtu);
	}
}

static void state_announce_on_rising_edge_held_for_hold(struct kunit *test)
{
	struct vnlm_uplink_facts up = facts(true, true, true);
	struct vnlm_link_state a, b, c;

	vnlm_compute_state(&up, &link_down, true, false, &a);
	KUNIT_EXPECT_EQ(test, a.status, VNLM_S_LINK_UP | VNLM_S_ANNOUNCE);
	/* Kept through a speed change within the hold time... */
	up.speed = 100;
	vnlm_compute_state(&up, &a, true, true, &b);
	KUNIT_EXPECT_EQ(test, b.status, VNLM_S_LINK_UP | VNLM_S_ANNOUNCE);
	/* ...cleared by the first publish after it. */
	vnlm_compute_state(&up, &a, true, false, &b);
	KUNIT_EXPECT_EQ(test, b.status, VNLM_S_LINK_UP);
	vnlm_compute_state(&up, &link_down, false, false, &c);
	KUNIT_EXPECT_EQ(test, c.status, VNLM_S_LINK_UP);
	/* Up after up without ANNOUNCE stays without it, hold or not. */
	vnlm_compute_state(&up, &c, true, true, &b);
	KUNIT_EXPECT_EQ(test, b.status, VNLM_S_LINK_UP);
}

static void state_mtu_valid_or_unknown(struct kunit *test)
{
	struct vnlm_uplink_facts f = facts(true, true, true);
	struct vnlm_link_state next;

	f.mtu = 9000;
	vnlm_compute_state(&f, &link_down, false, false, &next);
	KUNIT_EXPECT_EQ(test, next.mtu, 9000);
	/* Below the virtio minimum: clamped, never a value out of range. */
	f.mtu = 0;
	vnlm_compute_state(&f, &link_down, false, false, &next);
	KUNIT_EXPECT_EQ(test, next.mtu, VNLM_MTU_MIN);
	/* No uplink: unknown. */
	f = facts(false, false, false);
	vnlm_compute_state(&f, &link_down, false, false, &next);
	KUNIT_EXPECT_EQ(test, next.mtu, VNLM_MTU_UNKNOWN);
}

static void state_invalid_ethtool_values_become_unknown(struct kunit *test)
{
	struct vnlm_uplink_facts f = facts(true, true, true);
	struct vnlm_link_state next;

	f.speed = 0x80000000u;	/* above INT_MAX, not SPEED_UNKNOWN */
	f.duplex = 7;
	f.mtu = 70000;		/* wider than the config's 16-bit field */
	vnlm_compute_state(&f, &link_down, false, false, &next);
	KUNIT_EXPECT_EQ(test, next.speed, VNLM_SPEED_UNKNOWN);
	KUNIT_EXPECT_EQ(test, next.duplex, VNLM_DUPLEX_UNKNOWN);
	KUNIT_EXPECT_EQ(test, next.mtu, VNLM_MTU_MAX);
	f.duplex = DUPLEX_HALF;
	f.speed = 10;
	vnlm_compute_state(&f, &link_down, false, false, &next);
	KUNIT_EXPECT_EQ(test, next.duplex, VNLM_DUPLEX_HALF);
	KUNIT_EXPECT_EQ(test, next.speed, 10u);
}

static void state_equal_and_fail_safe(struct kunit *test)
{
	struct vnlm_link_state a = link_down, b = link_down;

	KUNIT_EXPECT_TRUE(test, vnlm_state_equal(&a, &b));
	b.mtu = 1400;
	KUNIT_EXPECT_FALSE(test, vnlm_state_equal(&a, &b));
	vnlm_state_fail_safe(&b);
	KUNIT_EXPECT_EQ(test, b.status, 0);
	KUNIT_EXPECT_EQ(test, b.mtu, VNLM_MTU_UNKNOWN);
	KUNIT_EXPECT_EQ(test, b.speed, VNLM_SPEED_UNKNOWN);
	KUNIT_EXPECT_EQ(test, b.duplex, VNLM_DUPLEX_UNKNOWN);
}

static void rules_uplink_name(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name("eth0", 5), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name("123456789012345", 16), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name("1234567890123456", 17), VNLM_ERR_NAME_LONG);
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name("", 1), VNLM_ERR_NAME_EMPTY);
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name("eth0", 4), VNLM_ERR_NAME_UNTERMINATED);
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name("a\0b", 4), VNLM_ERR_NAME_UNTERMINATED);
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name(NULL, 0), VNLM_ERR_NAME_UNTERMINATED);
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name("eth/0", 6), VNLM_ERR_NAME_CHARS);
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name("a b", 4), VNLM_ERR_NAME_CHARS);
	KUNIT_EXPECT_EQ(test, vnlm_check_uplink_name("..", 3), VNLM_ERR_NAME_CHARS);
}

static void rules_sgi_target_region(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vnlm_check_sgi(0), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_sgi(15), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_sgi(16), VNLM_ERR_SGI_RANGE);

	KUNIT_EXPECT_EQ(test, vnlm_check_target(0x7, VNLM_GIC_V2, 0), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_target(0x8, VNLM_GIC_V2, 0), VNLM_ERR_MPIDR_GICV2);
	KUNIT_EXPECT_EQ(test, vnlm_check_target(0x100, VNLM_GIC_V2, 0), VNLM_ERR_MPIDR_GICV2);
	/* another cluster's core, its CPU interface given apart */
	KUNIT_EXPECT_EQ(test, vnlm_check_target(0x100, VNLM_GIC_V2, VNLM_TARGET_IFACE), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_target(0x100, VNLM_GIC_V3, 0), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_target(0xf, VNLM_GIC_V3, 0), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_target(0x10, VNLM_GIC_V3, 0), VNLM_ERR_MPIDR_RSS);
	KUNIT_EXPECT_EQ(test, vnlm_check_target(0x10, VNLM_GIC_V3, VNLM_TARGET_RSS), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_target(0xff00ffffffULL, VNLM_GIC_V3, VNLM_TARGET_RSS),
			VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_target(1ULL << 24, VNLM_GIC_V3, VNLM_TARGET_RSS),
			VNLM_ERR_MPIDR_BITS);
	KUNIT_EXPECT_EQ(test, vnlm_check_gic_iface(7, VNLM_GIC_V2), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_gic_iface(8, VNLM_GIC_V2), VNLM_ERR_IFACE_RANGE);
	KUNIT_EXPECT_EQ(test, vnlm_check_gic_iface(0, VNLM_GIC_V3), VNLM_ERR_IFACE_GICV3);
	KUNIT_EXPECT_TRUE(test, vnlm_sgi_maybe_secure(8, VNLM_GIC_V3, false));
	KUNIT_EXPECT_FALSE(test, vnlm_sgi_maybe_secure(8, VNLM_GIC_V3, true));
	KUNIT_EXPECT_FALSE(test, vnlm_sgi_maybe_secure(7, VNLM_GIC_V3, false));
	KUNIT_EXPECT_FALSE(test, vnlm_sgi_maybe_secure(15, VNLM_GIC_V2, false));

	KUNIT_EXPECT_EQ(test, vnlm_check_region(0x5f000000, 0x1000, 0), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_region(0x5f000000, 0x7f, 0), VNLM_ERR_REGION_SMALL);
	KUNIT_EXPECT_EQ(test, vnlm_check_region(0x5f000020, 0x1000, 0), VNLM_ERR_REGION_ALIGN);
	KUNIT_EXPECT_EQ(test, vnlm_check_region(~0ULL - 0xfff, 0x2000, 0), VNLM_ERR_REGION_WRAP);
	KUNIT_EXPECT_EQ(test, vnlm_check_region(0x5f000000, 0x1000, 0xf80), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_region(0x5f000000, 0x1000, 0xfc0), VNLM_ERR_REGION_OFFSET);
	KUNIT_EXPECT_EQ(test, vnlm_check_region(0x5f000000, 0x1000, 0x810), VNLM_ERR_REGION_ALIGN);

	KUNIT_EXPECT_EQ(test, vnlm_check_announce_hold(0), VNLM_ERR_HOLD_RANGE);
	KUNIT_EXPECT_EQ(test, vnlm_check_announce_hold(1), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_announce_hold(10000), VNLM_OK);
	KUNIT_EXPECT_EQ(test, vnlm_check_announce_hold(10001), VNLM_ERR_HOLD_RANGE);

	KUNIT_EXPECT_TRUE(test, vnlm_regions_overlap(0, 0x100, 0xff, 1));
	KUNIT_EXPECT_FALSE(test, vnlm_regions_overlap(0, 0x100, 0x100, 1));
	KUNIT_EXPECT_STREQ(test, vnlm_rule_text(VNLM_ERR_COUNT), "is invalid");
}

/* A region in ordinary memory, every byte 0xa5 first: the writer must
 * touch the fields the contract gives Linux and nothing else.
 */
#define REGION_FILL	0xa5
#define SYNC_DOORBELLS	(VNLM_SYNC_OFFSET + 0x0c)
#define SYNC_ABI	(VNLM_SYNC_OFFSET + 0x08)
#define SYNC_FLAGS	(VNLM_SYNC_OFFSET + 0x0a)

static u8 *region(struct kunit *test)
{
	u8 *buf = kunit_kmalloc(test, VNLM_REGION_MIN_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, REGION_FILL, VNLM_REGION_MIN_SIZE);
	return buf;
}

static void __iomem *io(u8 *buf)
{
	return (__force void __iomem *)buf;
}

static u32 rd32(const u8 *buf, unsigned int off)
{
	return le32_to_cpup((const __le32 *)(buf + off));
}

static u16 rd16(const u8 *buf, unsigned int off)
{
	return le16_to_cpup((const __le16 *)(buf + off));
}

/* The bytes the writer owns: status, mtu, speed, duplex, struct vnlm_sync. */
static bool owned(unsigned int off)
{
	return (off >= VNLM_CFG_STATUS && off < VNLM_CFG_STATUS + 2) ||
	       (off >= VNLM_CFG_MTU && off <= VNLM_CFG_DUPLEX) ||
	       (off >= VNLM_SYNC_OFFSET && off < VNLM_SYNC_STAMP_HI + 4);
}

static void expect_rest_untouched(struct kunit *test, const u8 *buf)
{
	unsigned int off;

	for (off = 0; off < VNLM_REGION_MIN_SIZE; off++)
		if (!owned(off))
			KUNIT_EXPECT_EQ_MSG(test, buf[off], REGION_FILL,
					    "byte 0x%02x is not Linux's to write", off);
}

static void expect_fields(struct kunit *test, const u8 *buf, const struct vnlm_link_state *st)
{
	KUNIT_EXPECT_EQ(test, rd16(buf, VNLM_CFG_STATUS), st->status);
	KUNIT_EXPECT_EQ(test, rd16(buf, VNLM_CFG_MTU), st->mtu);
	KUNIT_EXPECT_EQ(test, rd32(buf, VNLM_CFG_SPEED), st->speed);
	KUNIT_EXPECT_EQ(test, buf[VNLM_CFG_DUPLEX], st->duplex);
}

static void shm_init_writes_its_fields_only(struct kunit *test)
{
	const struct vnlm_link_state up = {
		.status = VNLM_S_LINK_UP, .mtu = 9000, .speed = 2500, .duplex = VNLM_DUPLEX_FULL,
	};
	u8 *buf = region(test);
	u32 seq;

	/* no magic there: a region nobody wrote starts from generation 0 */
	seq = vnlm_shm_init(io(buf), &up, VNLM_CLOCK_A9_GLOBAL);
	KUNIT_EXPECT_EQ(test, seq, 2);
	KUNIT_EXPECT_EQ(test, rd32(buf, VNLM_SYNC_SEQ), 2);
	KUNIT_EXPECT_EQ(test, rd32(buf, VNLM_SYNC_MAGIC_OFF), VNLM_SYNC_MAGIC);
	KUNIT_EXPECT_EQ(test, rd16(buf, SYNC_ABI), VNLM_ABI_VERSION);
	/* the flags name the stamp clock, nothing else */
	KUNIT_EXPECT_EQ(test, rd16(buf, SYNC_FLAGS), VNLM_CLOCK_A9_GLOBAL);
	KUNIT_EXPECT_EQ(test, rd32(buf, SYNC_DOORBELLS), 0);
	KUNIT_EXPECT_EQ(test, rd32(buf, VNLM_SYNC_STAMP_LO), 0);
	KUNIT_EXPECT_EQ(test, rd32(buf, VNLM_SYNC_STAMP_HI), 0);
	expect_fields(test, buf, &up);
	expect_rest_untouched(test, buf);
}

static void shm_publish_then_rebind_continues(struct kunit *test)
{
	const struct vnlm_link_state down = {
		.status = 0, .mtu = 1500, .speed = VNLM_SPEED_UNKNOWN,
		.duplex = VNLM_DUPLEX_UNKNOWN,
	};
	const struct vnlm_link_state up = {
		.status = VNLM_S_LINK_UP | VNLM_S_ANNOUNCE, .mtu = 1500, .speed = 1000,
		.duplex = VNLM_DUPLEX_FULL,
	};
	const struct vnlm_clock no_clock = { .kind = VNLM_CLOCK_NONE };
	u8 *buf = region(test);
	u32 seq, window;

	seq = vnlm_shm_init(io(buf), &down, VNLM_CLOCK_GENERIC);
	/* without a clock there is no window to measure */
	window = vnlm_shm_publish(io(buf), &no_clock, seq, &up, 0x1122334455667788ULL, 7);
	KUNIT_EXPECT_EQ(test, window, 0);
	KUNIT_EXPECT_EQ(test, rd16(buf, SYNC_FLAGS), VNLM_CLOCK_GENERIC);
	KUNIT_EXPECT_EQ(test, rd32(buf, VNLM_SYNC_SEQ), seq + 2);
	KUNIT_EXPECT_EQ(test, rd32(buf, VNLM_SYNC_STAMP_LO), 0x55667788);
	KUNIT_EXPECT_EQ(test, rd32(buf, VNLM_SYNC_STAMP_HI), 0x11223344);
	KUNIT_EXPECT_EQ(test, rd32(buf, SYNC_DOORBELLS), 7);
	expect_fields(test, buf, &up);
	expect_rest_untouched(test, buf);

	/* rebind: the next writer counts on (even, past anything published
	 * before), so an RTOS never sees an old number again
	 */
	seq = vnlm_shm_init(io(buf), &down, VNLM_CLOCK_GENERIC);
	KUNIT_EXPECT_GT(test, seq, 4);
	KUNIT_EXPECT_EQ(test, seq % 2, 0);
	KUNIT_EXPECT_EQ(test, rd32(buf, VNLM_SYNC_SEQ), seq);
	expect_fields(test, buf, &down);

	/* a writer stopped mid-publish left an odd generation: past it, even */
	buf[VNLM_SYNC_SEQ] = 9;
	seq = vnlm_shm_init(io(buf), &down, VNLM_CLOCK_GENERIC);
	KUNIT_EXPECT_GT(test, seq, 9);
	KUNIT_EXPECT_EQ(test, seq % 2, 0);

	/* without the magic the old number is not ours to trust */
	buf[VNLM_SYNC_MAGIC_OFF] ^= 0xff;
	KUNIT_EXPECT_EQ(test, vnlm_shm_init(io(buf), &down, VNLM_CLOCK_GENERIC), 2);
}

static struct kunit_case vnlm_cases[] = {
	KUNIT_CASE(state_link_up_needs_all_three),
	KUNIT_CASE(state_announce_on_rising_edge_held_for_hold),
	KUNIT_CASE(state_mtu_valid_or_unknown),
	KUNIT_CASE(state_invalid_ethtool_values_become_unknown),
	KUNIT_CASE(state_equal_and_fail_safe),
	KUNIT_CASE(rules_uplink_name),
	KUNIT_CASE(rules_sgi_target_region),
	KUNIT_CASE(shm_init_writes_its_fields_only),
	KUNIT_CASE(shm_publish_then_rebind_continues),
	{}
};

static struct kunit_suite vnlm_suite = {
	.name = "vnet_link_mirror",
	.test_cases = vnlm_cases,
};

kunit_test_suite(vnlm_suite);

VNLM_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for vnet-link-mirror's state, rules and region writer");
MODULE_LICENSE("GPL");

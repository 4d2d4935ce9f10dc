/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vnet-link-mirror RTOS frontend glue: turns the snapshots of shm.h into
 * link events for a network stack.
 *
 * DOC: Using the frontend glue
 *
 * An RTOS port keeps one struct vnlm_frontend per mirrored instance, fills
 * in its ops (the stack's side, see struct vnlm_frontend_ops) and calls
 * vnlm_frontend_poll() at every doorbell of that instance, and once at init
 * (the driver may have published, and rung, before the RTOS core ran).
 * Each call takes one snapshot with vnlm_read_snapshot() and compares it
 * with the last one it acted on:
 *
 * - LINK_UP cleared to set: @link_up with the snapshot's speed and duplex;
 *   set to cleared: @link_down.  While the link stays up, a new speed or
 *   duplex calls @link_settings (when given).
 * - mtu changed to a known value (not VNLM_MTU_UNKNOWN, which means "keep
 *   the MTU you have"): @mtu_change, before the link callbacks, so that a
 *   stack that announces on link up does so with the new MTU in force.
 * - ANNOUNCE cleared to set (a raise): @announce, once per raise, after
 *   @link_up when the same snapshot raised both.  A doorbell that finds the
 *   bit still set (Linux keeps it for linux,announce-hold-ms, and any other
 *   update in that time rings again) announces nothing: the virtio contract
 *   is one announcement per raise.  @with_link_up tells the stack that this
 *   raise came with the down-to-up transition it has just been told of, for
 *   stacks whose link-up path already announces (lwIP's does).
 *
 * The first poll compares with "link down, MTU unknown, ANNOUNCE clear": a
 * link found up is reported up, a set ANNOUNCE is a raise.  Snapshots are
 * what the driver published last, not every event: flaps that come and go
 * between two polls are not seen, as with any virtio config interrupt.
 *
 * Context rules:
 *
 * - vnlm_frontend_poll() does not block, allocates nothing and loops only
 *   while the snapshot is torn (bounded by @max_retries); it may run in the
 *   doorbell's interrupt handler when every callback may.
 * - The callbacks run in the caller's context and must not block.  A stack
 *   whose calls need its own thread or lock (lwIP's tcpip thread, Zephyr's
 *   net_mgmt, NuttX's net_lock) calls the glue from deferred work (a work
 *   queue item, a tasklet, the stack's callback message) that the doorbell
 *   interrupt only schedules; a doorbell that arrives while that work is
 *   pending needs no second run, since the poll reads the latest snapshot.
 * - One caller at a time per struct vnlm_frontend: the glue has no lock.
 *   Two contexts that may poll the same instance (an interrupt and a
 *   thread) must exclude each other, e.g. by polling from the one deferred
 *   work item only.  Different instances are independent.
 *
 * This header is freestanding: shm.h and the compiler's own types only.
 */
#ifndef VNET_LINK_MIRROR_FRONTEND_H
#define VNET_LINK_MIRROR_FRONTEND_H

#include "shm.h"

#ifndef __KERNEL__

/**
 * struct vnlm_frontend_ops - what the glue calls in the network stack
 * @link_up: the link came up; @speed in Mbit/s or VNLM_SPEED_UNKNOWN,
 *	@duplex VNLM_DUPLEX_*
 * @link_down: the link went down
 * @link_settings: optional; speed or duplex changed while the link stayed up
 * @mtu_change: the uplink's MTU is now @mtu (VNLM_MTU_MIN..VNLM_MTU_MAX)
 * @announce: ANNOUNCE was raised: announce the interface's addresses
 *	(gratuitous ARP, unsolicited neighbour advertisements, IGMP/MLD
 *	reports); @with_link_up is non-zero when the raise came with the link
 *	up just reported by @link_up in the same poll
 *
 * Any member may be NULL.  @ctx is the struct vnlm_frontend's ctx.  All run
 * in the caller's context (see "Context rules" above) and must not block.
 */
struct vnlm_frontend_ops {
	void (*link_up)(void *ctx, vnlm_u32 speed, vnlm_u8 duplex);
	void (*link_down)(void *ctx);
	void (*link_settings)(void *ctx, vnlm_u32 speed, vnlm_u8 duplex);
	void (*mtu_change)(void *ctx, vnlm_u16 mtu);
	void (*announce)(void *ctx, int with_link_up);
};

/**
 * struct vnlm_frontend - one instance's glue state, owned by the caller
 * @region: the instance's shared region, as the RTOS maps it
 * @ops: the stack's callbacks
 * @ctx: passed to every callback
 * @rmb: the load-load barrier (see vnlm_read_snapshot())
 * @inval: NULL, or the cache invalidate of a cacheable mapping
 * @max_retries: torn reads tolerated per poll
 * @last: the last snapshot acted on (valid once @polled is non-zero)
 * @polled: non-zero once a snapshot was taken
 * @torn_retries: torn attempts retried, over all polls
 * @failed_reads: polls that gave up (every attempt torn); nothing changed
 * @announces: raises of ANNOUNCE seen (each one @announce call)
 *
 * Initialise with vnlm_frontend_init(); the caller may read the counters
 * and @last, and must not write them.
 */
struct vnlm_frontend {
	const void *region;
	const struct vnlm_frontend_ops *ops;
	void *ctx;
	void (*rmb)(void);
	void (*inval)(const void *addr, unsigned long len);
	unsigned int max_retries;
	struct vnlm_snapshot last;
	int polled;
	vnlm_u32 torn_retries;
	vnlm_u32 failed_reads;
	vnlm_u32 announces;
};

/* What vnlm_frontend_poll() found, ORed. */
#define VNLM_FE_NEW		0x01	/* a new generation was read */
#define VNLM_FE_LINK_UP		0x02	/* @link_up was called */
#define VNLM_FE_LINK_DOWN	0x04	/* @link_down was called */
#define VNLM_FE_SETTINGS	0x08	/* @link_settings was called (or was due) */
#define VNLM_FE_MTU		0x10	/* @mtu_change was called (or was due) */
#define VNLM_FE_ANNOUNCE	0x20	/* @announce was called (or was due) */

/**
 * vnlm_frontend_init() - set up one instance's glue state
 * @fe: caller-provided state, any content
 * @region: the instance's shared region (base plus linux,shm-offset)
 * @ops: the stack's callbacks; must stay valid while @fe is used
 * @ctx: passed to the callbacks
 * @rmb: the reader's load-load barrier
 * @inval: NULL for a non-cacheable mapping, else the invalidate hook
 * @max_retries: torn reads tolerated per poll
 *
 * Reads nothing: the first vnlm_frontend_poll() does.
 */
static inline void vnlm_frontend_init(struct vnlm_frontend *fe, const void *region,
				      const struct vnlm_frontend_ops *ops, void *ctx,
				      void (*rmb)(void),
				      void (*inval)(const void *addr, unsigned long len),
				      unsigned int max_retries)
{
	fe->region = region;
	fe->ops = ops;
	fe->ctx = ctx;
	fe->rmb = rmb;
	fe->inval = inval;
	fe->max_retries = max_retries;
	fe->last.seq = 0;
	fe->last.status = 0;
	fe->last.mtu = VNLM_MTU_UNKNOWN;
	fe->last.speed = VNLM_SPEED_UNKNOWN;
	fe->last.duplex = VNLM_DUPLEX_UNKNOWN;
	fe->last.event_stamp = 0;
	fe->polled = 0;
	fe->torn_retries = 0;
	fe->failed_reads = 0;
	fe->announces = 0;
}

/**
 * vnlm_frontend_poll() - read the instance's config and report what changed
 * @fe: the instance's glue state
 *
 * Call from the doorbell (interrupt or deferred work, see the context
 * rules) and once at init.  A poll that finds the generation it already
 * acted on calls nothing.
 *
 * Return: VNLM_FE_* flags (0: nothing new), -1 if Linux has not initialised
 * the region yet, -2 if every attempt was torn (counted in @failed_reads;
 * the next doorbell reads again).
 */
static inline int vnlm_frontend_poll(struct vnlm_frontend *fe)
{
	const struct vnlm_frontend_ops *ops = fe->ops;
	struct vnlm_snapshot s;
	vnlm_u16 was, now;
	int r, ret = VNLM_FE_NEW;

	r = vnlm_read_snapshot(fe->region, &s, fe->rmb, fe->inval, fe->max_retries);
	if (r == -1)
		return -1;
	if (r < 0) {
		fe->failed_reads++;
		return -2;
	}
	fe->torn_retries += (vnlm_u32)r;
	if (fe->polled && s.seq == fe->last.seq)
		return 0;

	was = fe->last.status;
	now = s.status;
	if (s.mtu != VNLM_MTU_UNKNOWN && s.mtu != fe->last.mtu) {
		ret |= VNLM_FE_MTU;
		if (ops->mtu_change)
			ops->mtu_change(fe->ctx, s.mtu);
	}
	if ((now & VNLM_S_LINK_UP) && !(was & VNLM_S_LINK_UP)) {
		ret |= VNLM_FE_LINK_UP;
		if (ops->link_up)
			ops->link_up(fe->ctx, s.speed, s.duplex);
	} else if (!(now & VNLM_S_LINK_UP) && (was & VNLM_S_LINK_UP)) {
		ret |= VNLM_FE_LINK_DOWN;
		if (ops->link_down)
			ops->link_down(fe->ctx);
	} else if ((now & VNLM_S_LINK_UP) &&
		   (s.speed != fe->last.speed || s.duplex != fe->last.duplex)) {
		ret |= VNLM_FE_SETTINGS;
		if (ops->link_settings)
			ops->link_settings(fe->ctx, s.speed, s.duplex);
	}
	/* once per raise: a rising edge, never a doorbell finding it set */
	if ((now & VNLM_S_ANNOUNCE) && !(was & VNLM_S_ANNOUNCE)) {
		ret |= VNLM_FE_ANNOUNCE;
		fe->announces++;
		if (ops->announce)
			ops->announce(fe->ctx, !!(ret & VNLM_FE_LINK_UP));
	}

	if (s.mtu == VNLM_MTU_UNKNOWN)
		s.mtu = fe->last.mtu;	/* "keep the MTU you have" */
	fe->last = s;
	fe->polled = 1;
	return ret;
}

#endif /* !__KERNEL__ */

#endif /* VNET_LINK_MIRROR_FRONTEND_H */

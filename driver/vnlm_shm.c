// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writer side of the shared-memory ABI (include/vnet-link-mirror/shm.h).
 *
 * Only Linux writes a region; the generation counter brackets every update
 * so an RTOS reader can tell a stable snapshot from one being written.
 */
#include <linux/io.h>
#include <linux/stddef.h>
#include <uapi/linux/virtio_net.h>

#include "vnet-link-mirror/shm.h"
#include "vnlm.h"

static_assert(offsetof(struct virtio_net_config, status) == VNLM_CFG_STATUS);
static_assert(offsetof(struct virtio_net_config, mtu) == VNLM_CFG_MTU);
static_assert(offsetof(struct virtio_net_config, speed) == VNLM_CFG_SPEED);
static_assert(offsetof(struct virtio_net_config, duplex) == VNLM_CFG_DUPLEX);
static_assert(sizeof(struct virtio_net_config) <= VNLM_SYNC_OFFSET);
static_assert(VNLM_SYNC_OFFSET + sizeof(struct vnlm_sync) <= VNLM_REGION_MIN_SIZE);
static_assert(VNLM_SYNC_OFFSET + offsetof(struct vnlm_sync, flags) == VNLM_SYNC_FLAGS);
static_assert(VNLM_S_LINK_UP == VIRTIO_NET_S_LINK_UP);
static_assert(VNLM_S_ANNOUNCE == VIRTIO_NET_S_ANNOUNCE);

static void write_fields(void __iomem *shm, const struct vnlm_link_state *state,
			 u64 stamp, u32 doorbells)
{
	writew_relaxed(state->status, shm + VNLM_CFG_STATUS);
	writew_relaxed(state->mtu, shm + VNLM_CFG_MTU);
	writel_relaxed(state->speed, shm + VNLM_CFG_SPEED);
	writeb_relaxed(state->duplex, shm + VNLM_CFG_DUPLEX);
	writel_relaxed(lower_32_bits(stamp), shm + VNLM_SYNC_STAMP_LO);
	writel_relaxed(upper_32_bits(stamp), shm + VNLM_SYNC_STAMP_HI);
	writel_relaxed(doorbells, shm + offsetof(struct vnlm_sync, doorbells) +
		       VNLM_SYNC_OFFSET);
}

/**
 * vnlm_shm_init() - take over a region and publish a first state
 * @shm: the mapped region
 * @state: written without a doorbell
 * @clock: the VNLM_CLOCK_* the instance stamps with, published in the flags
 *
 * A region this driver wrote before (module reload, rebind) keeps counting
 * from its previous generation, so that an RTOS comparing generations
 * cannot mistake the new writer's first snapshot for one it has read.  The
 * old value is only used as a counter: any value is safe.
 *
 * Return: the generation now in the region (even).
 */
u32 vnlm_shm_init(void __iomem *shm, const struct vnlm_link_state *state, u16 clock)
{
	u32 seq = 0;

	if (readl(shm + VNLM_SYNC_MAGIC_OFF) == VNLM_SYNC_MAGIC)
		seq = (readl(shm + VNLM_SYNC_SEQ) + 2) & ~1u;

	writel_relaxed(seq + 1, shm + VNLM_SYNC_SEQ);
	/* the odd generation before the fields: readers see "busy" first */
	wmb();
	write_fields(shm, state, 0, 0);
	writew_relaxed(VNLM_ABI_VERSION, shm + VNLM_SYNC_OFFSET +
		       offsetof(struct vnlm_sync, abi_version));
	writew_relaxed(clock & VNLM_SYNC_FLAG_CLOCK_MASK, shm + VNLM_SYNC_FLAGS);
	writel_relaxed(VNLM_SYNC_MAGIC, shm + VNLM_SYNC_MAGIC_OFF);
	/* the fields before the even generation that publishes them */
	wmb();
	seq += 2;
	writel_relaxed(seq, shm + VNLM_SYNC_SEQ);
	return seq;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_shm_init);

/**
 * vnlm_shm_publish() - write one snapshot, seqlock-style
 * @shm: the mapped region
 * @clock: the counter the window is measured with
 * @seq: the region's current (even) generation
 * @state: the new state
 * @stamp: @clock's value at the event behind it
 * @doorbells: the doorbell count to publish with it
 *
 * The caller raises the doorbell afterwards; vnlm_doorbell_ring() orders
 * these stores before the SGI.  The caller also keeps this from being
 * preempted: a reader polling an odd generation waits for exactly this.
 *
 * Return: @clock ticks the generation was odd, as this CPU saw it (0 for
 * VNLM_CLOCK_NONE).
 */
u32 vnlm_shm_publish(void __iomem *shm, const struct vnlm_clock *clock, u32 seq,
		     const struct vnlm_link_state *state, u64 stamp,
		     u32 doorbells)
{
	u64 start = vnlm_clock_read(clock);

	writel_relaxed(seq + 1, shm + VNLM_SYNC_SEQ);
	/* the odd generation before the fields: readers see "busy" first */
	wmb();
	write_fields(shm, state, stamp, doorbells);
	/* the fields before the even generation that publishes them */
	wmb();
	writel_relaxed(seq + 2, shm + VNLM_SYNC_SEQ);
	return (u32)min_t(u64, vnlm_clock_read(clock) - start, U32_MAX);
}

VNLM_EXPORT_FOR_KUNIT(vnlm_shm_publish);

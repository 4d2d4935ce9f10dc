/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vnet-link-mirror shared-memory ABI.
 *
 * One region per virtio-net instance, owned for writing by Linux and only
 * read by the RTOS core:
 *
 *   offset 0x00  struct virtio_net_config (virtio 1.x layout, little-endian)
 *   offset 0x40  struct vnlm_sync (generation counter, seqlock-style)
 *
 * Linux updates status, mtu, speed and duplex as one snapshot: it makes
 * vnlm_sync.seq odd, writes the fields, makes seq even again (a new value),
 * issues a write barrier and only then raises the doorbell SGI.  A reader
 * therefore takes a consistent snapshot with vnlm_read_snapshot() below, or
 * the same steps in its own code.  The RTOS side must never write here.
 *
 * The virtio contract (what a virtio-net frontend on the RTOS can rely on):
 *
 * - Field ownership: Linux writes status, mtu, speed and duplex of struct
 *   virtio_net_config, and struct vnlm_sync.  Nothing else in the region is
 *   ever written (mac, max_virtqueue_pairs and the RSS/hash fields belong to
 *   whatever backend owns the rest of the device), not even at probe.
 * - mtu is the uplink's MTU clamped to the range the virtio specification
 *   allows (VNLM_MTU_MIN to VNLM_MTU_MAX), or VNLM_MTU_UNKNOWN (0) while no
 *   uplink is followed (none yet, or it went away, or nobody mirrors): a
 *   frontend keeps the MTU it has.  Virtio frontends read mtu once, at
 *   probe; 0 there means "not offered" (Linux's virtio_net then drops
 *   VIRTIO_NET_F_MTU).
 * - VIRTIO_NET_S_ANNOUNCE is raised with LINK_UP on each down-to-up
 *   transition (when the DT asks for it) and cleared, with a doorbell, by
 *   the first publish after linux,announce-hold-ms (default 200 ms): a
 *   frontend that announces on every config interrupt finding it set
 *   announces once or twice per transition, never for as long as the link
 *   stays up.
 * - With linux,notify-disabled, Linux writes nothing (not even the sync
 *   block) until mirroring is switched on; an instance that never wrote
 *   leaves the region untouched on unbind, shutdown and suspend too.  Once it
 *   has written, it leaves link down behind whenever it stops mirroring:
 *   unbind, reboot, poweroff, kexec (.shutdown) and system suspend; resume
 *   publishes the uplink's state again, with a doorbell.  Switching
 *   mirroring off through sysfs is a pause: the config is left as it is.
 *
 * This header is included by Linux and by freestanding RTOS code, so it uses
 * fixed-width types only and no Linux headers outside __KERNEL__.
 *
 * DOC: Memory contract for the RTOS side
 *
 * Linux maps the region write-combined (ioremap_wc(): Normal Non-cacheable
 * on Arm) and orders its writes with wmb() (DSB ST), so every store reaches
 * the point of coherency in order before the doorbell is raised.  The RTOS
 * must read it in one of two ways:
 *
 * 1. Normal Non-cacheable (Arm MMU attribute 0x44; an MPU region with
 *    TEX=001 C=0 B=0), the recommended mapping.  Loads go to memory; the
 *    reader's barrier between the generation and the fields is a load-load
 *    barrier to the full system: "dmb ld" (AArch64, or "dmb oshld"),
 *    "dmb sy" on ARMv7, "dmb" on Armv7-M/Armv8-M.  Pass a NULL invalidate
 *    hook.  Device memory also works (it is slower).
 *
 * 2. Cacheable (write-back or write-through: the default of most RTOS MMU
 *    and MPU setups).  Linux's non-cacheable writes do not update the
 *    reader's cache, and a core outside Linux's coherency domain (Cortex-M,
 *    Cortex-R, another cluster) never snoops them: a plain cached read can
 *    return the old generation and old fields forever.  The reader must
 *    invalidate (never clean: the RTOS never writes here) the lines covering
 *    the config and the sync block, offsets 0x00 to VNLM_READ_SPAN, before
 *    every read attempt; again after an even generation is read and before
 *    the fields (the core may prefetch or speculatively fill any cacheable
 *    line at any time, so a line filled between the first invalidate and
 *    the generation's load can hold older fields); and the sync block's
 *    line before the confirming re-read of the generation.  Each ends with
 *    a DSB (AArch64 "dc ivac" per line then "dsb sy"; ARMv7-A/R DCIMVAC
 *    then "dsb"; Cortex-M7 SCB->DCIMVAC then "dsb") so the invalidates
 *    complete before the loads.  vnlm_read_snapshot() calls the hook at
 *    those three points.  The barriers between the loads are the same as
 *    in case 1.
 *
 * Mapping the same memory cacheable on the RTOS side while Linux maps it
 * non-cacheable is a mismatched-attribute alias: even a core in the same
 * inner-shareable domain must follow case 2.  The region should start on a
 * cache-line boundary of the RTOS core (the driver accepts linux,shm-offset
 * values aligned to 0x40) so that no other data shares its lines.
 */
#ifndef VNET_LINK_MIRROR_SHM_H
#define VNET_LINK_MIRROR_SHM_H

#ifdef __KERNEL__
#include <linux/types.h>
#define vnlm_u8		u8
#define vnlm_u16	u16
#define vnlm_u32	u32
#else
/* Compiler-provided, so that freestanding RTOS code needs no libc headers. */
#define vnlm_u8		__UINT8_TYPE__
#define vnlm_u16	__UINT16_TYPE__
#define vnlm_u32	__UINT32_TYPE__
#endif

/* Byte offsets of the mirrored fields in struct virtio_net_config. */
#define VNLM_CFG_MAC		0x00	/* u8[6], not written by the mirror */
#define VNLM_CFG_STATUS		0x06	/* le16 */
#define VNLM_CFG_MTU		0x0a	/* le16 */
#define VNLM_CFG_SPEED		0x0c	/* le32, Mbit/s */
#define VNLM_CFG_DUPLEX		0x10	/* u8 */

/* Status bits, identical to VIRTIO_NET_S_* in the virtio specification. */
#define VNLM_S_LINK_UP		0x1
#define VNLM_S_ANNOUNCE		0x2

/* Unknown values, identical to the virtio specification's. */
#define VNLM_SPEED_UNKNOWN	0xffffffffu
#define VNLM_DUPLEX_HALF	0x00
#define VNLM_DUPLEX_FULL	0x01
#define VNLM_DUPLEX_UNKNOWN	0xff

/* The MTU range the virtio specification allows, and "no uplink, unknown". */
#define VNLM_MTU_MIN		68
#define VNLM_MTU_MAX		65535
#define VNLM_MTU_UNKNOWN	0

#define VNLM_SYNC_OFFSET	0x40
#define VNLM_SYNC_SEQ		(VNLM_SYNC_OFFSET + 0x00)
#define VNLM_SYNC_MAGIC_OFF	(VNLM_SYNC_OFFSET + 0x04)
#define VNLM_SYNC_STAMP_LO	(VNLM_SYNC_OFFSET + 0x10)
#define VNLM_SYNC_STAMP_HI	(VNLM_SYNC_OFFSET + 0x14)
#define VNLM_SYNC_FLAGS		(VNLM_SYNC_OFFSET + 0x0a)
#define VNLM_SYNC_MAGIC		0x4d4c4e56u	/* "VNLM" little-endian */

/* The sync block's flags: bits 1:0 name the counter the event stamps come
 * from (VNLM_CLOCK_*); the other bits are reserved and written as zero.
 */
#define VNLM_SYNC_FLAG_CLOCK_MASK	0x3
#define VNLM_CLOCK_GENERIC	0	/* Arm generic counter, CNTVCT */
#define VNLM_CLOCK_A9_GLOBAL	1	/* Cortex-A9/A5 MPCore global timer */
#define VNLM_CLOCK_NONE		2	/* no common counter: stamps are 0 */
#define VNLM_ABI_VERSION	1

/* Smallest memory-region the driver accepts for one instance. */
#define VNLM_REGION_MIN_SIZE	0x80

/**
 * struct vnlm_sync - generation counter published beside the config
 * @seq: odd while Linux is writing the snapshot, even when it is stable;
 *	 every completed update leaves a new even value
 * @magic: VNLM_SYNC_MAGIC once the driver has initialised the region
 * @abi_version: VNLM_ABI_VERSION of the writer
 * @flags: bits 1:0 the counter the stamps come from (VNLM_CLOCK_*), set
 *	once when the driver takes the region; the rest reserved, zero
 * @doorbells: number of doorbells Linux has raised for this instance
 * @event_stamp_lo: low half of the counter's value when Linux saw the
 *	uplink event this snapshot reflects
 * @event_stamp_hi: high half of the same value
 *
 * All fields are little-endian.  The stamp is part of the snapshot: read it
 * between the two reads of @seq.  The driver picks the counter at probe: the
 * Arm generic counter (CNTVCT, which the RTOS core reads the same way) where
 * the CPU implements the generic timer (every ARMv8 core, Cortex-A7/A15);
 * else the Cortex-A9/A5 MPCore global timer (PERIPHBASE + 0x200, read
 * high, low, high) when the DT describes an available
 * "arm,cortex-a9-global-timer"; else none, and every stamp is 0.  A stamp
 * of 0 means "no stamp", whatever the flags say.
 */
struct vnlm_sync {
	vnlm_u32 seq;
	vnlm_u32 magic;
	vnlm_u16 abi_version;
	vnlm_u16 flags;
	vnlm_u32 doorbells;
	vnlm_u32 event_stamp_lo;
	vnlm_u32 event_stamp_hi;
};

/**
 * struct vnlm_snapshot - one consistent reading of a mirrored config
 * @seq: the even generation the fields belong to
 * @status: VNLM_S_* bits
 * @mtu: uplink MTU
 * @speed: Mbit/s or VNLM_SPEED_UNKNOWN
 * @duplex: VNLM_DUPLEX_*
 * @event_stamp: the counter's value when Linux saw the event behind this
 *	snapshot (VNLM_SYNC_FLAG_CLOCK_MASK of the sync flags names it), or 0
 *
 * This is the reader's private copy (CPU byte order), not a shared layout.
 */
struct vnlm_snapshot {
	vnlm_u32 seq;
	vnlm_u16 status;
	vnlm_u16 mtu;
	vnlm_u32 speed;
	vnlm_u8 duplex;
	unsigned long long event_stamp;
};

/* Bytes of a region a reader reads: the config and the sync block. */
#define VNLM_READ_SPAN		(VNLM_SYNC_OFFSET + 0x18)

#ifndef __KERNEL__
/* Reader side for the RTOS.  Every field is read once with a single-copy
 * atomic load (naturally aligned, never merged or torn by the compiler).
 * The caller supplies its read barrier and, for a cacheable mapping, its
 * cache invalidate (see the memory contract above).
 */
static inline vnlm_u32 vnlm_le32(vnlm_u32 v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

static inline vnlm_u16 vnlm_le16(vnlm_u16 v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

#define VNLM_RD(base, off, type) \
	__atomic_load_n((const type *)((const vnlm_u8 *)(base) + (off)), \
			__ATOMIC_RELAXED)

/**
 * vnlm_read_snapshot() - take one consistent snapshot of a region
 * @region: the instance's shared region, as mapped by the RTOS
 * @snap: filled in
 * @rmb: the reader's load-load barrier ("dmb ld" on AArch64, see above)
 * @inval: NULL for a Normal Non-cacheable (or Device) mapping; for a
 *	cacheable one, invalidates the data cache lines covering
 *	[addr, addr + len) and completes with a DSB.  Called with the whole
 *	span before every attempt and again between an even generation and
 *	the fields, and with the generation's word before the confirming
 *	re-read.
 * @max_retries: how many torn reads to tolerate before giving up
 *
 * Return: retries spent (>= 0), -1 if Linux has not initialised the
 * region, -2 if every attempt was torn.
 */
static inline int vnlm_read_snapshot(const void *region,
				     struct vnlm_snapshot *snap,
				     void (*rmb)(void),
				     void (*inval)(const void *addr, unsigned long len),
				     unsigned int max_retries)
{
	unsigned int tries;

	if (inval)
		inval(region, VNLM_READ_SPAN);
	if (vnlm_le32(VNLM_RD(region, VNLM_SYNC_MAGIC_OFF, vnlm_u32)) !=
	    VNLM_SYNC_MAGIC)
		return -1;
	for (tries = 0; tries <= max_retries; tries++) {
		vnlm_u32 seq, again;

		if (inval && tries)
			inval(region, VNLM_READ_SPAN);
		seq = vnlm_le32(VNLM_RD(region, VNLM_SYNC_SEQ, vnlm_u32));
		if (seq & 1)
			continue;
		/* the generation before the fields it covers */
		rmb();
		/* A line the core fetched (prefetch, speculation) between the
		 * first invalidate and the generation's load may hold fields
		 * older than it: drop them, so they come from memory after it.
		 */
		if (inval)
			inval(region, VNLM_READ_SPAN);
		snap->status = vnlm_le16(VNLM_RD(region, VNLM_CFG_STATUS, vnlm_u16));
		snap->mtu = vnlm_le16(VNLM_RD(region, VNLM_CFG_MTU, vnlm_u16));
		snap->speed = vnlm_le32(VNLM_RD(region, VNLM_CFG_SPEED, vnlm_u32));
		snap->duplex = VNLM_RD(region, VNLM_CFG_DUPLEX, vnlm_u8);
		snap->event_stamp =
			vnlm_le32(VNLM_RD(region, VNLM_SYNC_STAMP_LO, vnlm_u32)) |
			(unsigned long long)vnlm_le32(VNLM_RD(region, VNLM_SYNC_STAMP_HI,
							     vnlm_u32)) << 32;
		/* the fields before the generation that confirms them */
		rmb();
		if (inval)
			inval((const vnlm_u8 *)region + VNLM_SYNC_SEQ, 4);
		again = vnlm_le32(VNLM_RD(region, VNLM_SYNC_SEQ, vnlm_u32));
		if (again == seq) {
			snap->seq = seq;
			return (int)tries;
		}
	}
	return -2;
}

/**
 * vnlm_stamp_clock() - which counter a region's event stamps come from
 * @region: an initialised region (vnlm_read_snapshot() did not return -1)
 *
 * The flags are written once, before the magic, when the driver takes the
 * region, so one read after the magic is enough.
 *
 * Return: VNLM_CLOCK_GENERIC, VNLM_CLOCK_A9_GLOBAL or VNLM_CLOCK_NONE.
 */
static inline unsigned int vnlm_stamp_clock(const void *region)
{
	return vnlm_le16(VNLM_RD(region, VNLM_SYNC_FLAGS, vnlm_u16)) &
	       VNLM_SYNC_FLAG_CLOCK_MASK;
}
#endif /* !__KERNEL__ */

#endif /* VNET_LINK_MIRROR_SHM_H */

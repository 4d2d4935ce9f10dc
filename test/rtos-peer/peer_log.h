/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the RTOS-side test peer records, and where.  The host harness reads
 * this area straight out of the file-backed guest RAM (test/harness/peerlog.py
 * mirrors the layout; keep the two in step and bump PEER_LOG_VERSION).
 */
#ifndef PEER_LOG_H
#define PEER_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "board.h"

/* Addresses: the board's (board_<board>.h). */
#define PEER_LOG_ADDR		((uintptr_t)BOARD_PEER_LOG)
#define PEER_LOG_MAGIC		0x52454550u	/* "PEER" */
#define PEER_LOG_VERSION	2
#define PEER_MAX_SLOTS		512
#define PEER_RECORDS_OFFSET	0x4000
#define PEER_RING_SIZE		65536		/* records, a power of two */

/*
 * Without a slot table from the host (struct peer_config), instance i's
 * region is at SHM_BASE + i * SHM_STRIDE (the bench convention).
 */
#define PEER_SHM_BASE		((uintptr_t)BOARD_PEER_SHM_BASE)
#define PEER_SHM_STRIDE		0x1000ul

/*
 * A mailbox "data register" per SGI, for the test mailbox controller
 * (test/kmod): it writes a non-zero message word into the cell of the SGI
 * it raises.  The peer logs the word with the doorbell and writes 0 back:
 * an empty cell is the controller's "remote has taken it" (TX done).
 */
#define PEER_MBOX_CELLS		((uintptr_t)BOARD_PEER_MBOX_CELLS)
#define PEER_MBOX_CELL(intid)	(PEER_MBOX_CELLS + 4ul * (intid))
#define PEER_MBOX_NCELLS	16

#define PEER_STATE_BOOTING	0
#define PEER_STATE_READY	1
#define PEER_STATE_FAULT	0xdeadu

/*
 * What the host asks of the peer, written into the guest RAM before the peer
 * starts (the peer only reads it): how to map the shared regions, whether
 * to wait for doorbells or re-read continuously, and where every instance's
 * region is (its base plus linux,shm-offset).
 */
#define PEER_CONFIG_OFFSET	0x3400
#define PEER_CONFIG_MAGIC	0x47464e43u	/* "CNFG" */
#define PEER_MEM_NC		0	/* Normal non-cacheable */
#define PEER_MEM_CACHED_INVAL	1	/* write-back, invalidate before each read */
#define PEER_MODE_DOORBELL	0	/* read on each doorbell, else WFI */
#define PEER_MODE_STRESS	1	/* and re-read every slot in the main loop */

#define PEER_HEARTBEAT_HZ	20	/* timer ticks counted in heartbeats */
#define PEER_TIMER_INTID	BOARD_TIMER_INTID	/* the heartbeat timer's PPI */

#define PEER_SLOT_NONE		0xff		/* doorbell with no changed slot */
#define PEER_SENDER_UNKNOWN	0xff		/* GICv3 does not report it */

struct peer_slot_view {
	uint32_t seq;
	uint16_t status;
	uint16_t mtu;
	uint32_t speed;
	uint8_t duplex;
	uint8_t valid;
	uint16_t pad;
	uint32_t updates;
	uint32_t last_doorbell;
};

struct peer_record {
	uint32_t doorbell;
	uint16_t intid;
	uint8_t sender;
	uint8_t slot;
	uint32_t seq;
	uint16_t status;
	uint16_t mtu;
	uint32_t speed;
	uint8_t duplex;
	uint8_t retries;
	uint16_t pad;
	uint64_t cntvct;	/* when the doorbell was taken (the board's counter) */
	uint64_t event_stamp;	/* when Linux saw the event (from the ABI) */
	uint32_t msg;		/* the SGI's mailbox cell, 0 when empty */
	uint32_t reserved;
};

struct peer_log {
	uint32_t magic;
	uint32_t version;
	uint32_t gic_version;
	uint32_t state;
	uint32_t mpidr;
	uint32_t nslots;
	uint32_t cntfrq;
	uint32_t doorbells;
	uint32_t spurious;
	uint32_t torn_retries;
	uint32_t head;
	uint32_t ring_size;
	uint64_t start_cntvct;
	uint64_t fault_esr;	/* peer_fault()'s syndrome (ESR_EL1, or A32 vector/FSR) */
	uint32_t failed_reads;	/* vnlm_read_snapshot() < 0 on an initialised region */
	uint32_t heartbeats;	/* timer interrupts taken */
	uint32_t mem_mode;	/* PEER_MEM_* in force */
	uint32_t run_mode;	/* PEER_MODE_* in force */
	uint32_t stress_scans;	/* stress mode: passes over every slot */
	uint32_t stress_reads;	/* snapshots taken */
	uint32_t stress_retries;	/* torn attempts retried */
	uint32_t stress_failed;	/* reads that gave up */
	uint32_t stress_bad;	/* inconsistent snapshots (see peer.c) */
	uint32_t bad_slot;	/* the first inconsistent one: slot, */
	uint32_t bad_seq;	/* its generation, */
	uint32_t bad_prev_seq;	/* the slot's generation before it, */
	uint32_t bad_status;	/* and what it held */
	uint32_t bad_speed;
	uint32_t uninit_reads;	/* region not initialised by Linux (yet) */
	uint32_t irqs;		/* interrupts taken, doorbells and heartbeats */
	struct peer_slot_view view[PEER_MAX_SLOTS];
};

struct peer_config {
	uint32_t magic;		/* PEER_CONFIG_MAGIC, else the defaults */
	uint32_t nslots;	/* entries in slot_addr */
	uint32_t mem_mode;
	uint32_t run_mode;
	uint32_t reserved[4];
	uint32_t slot_addr[PEER_MAX_SLOTS];	/* physical = virtual */
};

/*
 * The host reads this with fixed offsets whatever the peer was built for
 * (AArch64 or AArch32: both align uint64_t to 8, but say so here).
 */
_Static_assert(sizeof(struct peer_record) == 48, "record layout");
_Static_assert(offsetof(struct peer_record, seq) == 8, "record layout");
_Static_assert(offsetof(struct peer_record, speed) == 16, "record layout");
_Static_assert(offsetof(struct peer_record, duplex) == 20, "record layout");
_Static_assert(offsetof(struct peer_record, cntvct) == 24, "record layout");
_Static_assert(offsetof(struct peer_record, event_stamp) == 32, "record layout");
_Static_assert(offsetof(struct peer_record, msg) == 40, "record layout");
_Static_assert(sizeof(struct peer_slot_view) == 24, "view layout");
_Static_assert(offsetof(struct peer_slot_view, speed) == 8, "view layout");
_Static_assert(offsetof(struct peer_slot_view, updates) == 16, "view layout");
_Static_assert(offsetof(struct peer_slot_view, last_doorbell) == 20, "view layout");
_Static_assert(offsetof(struct peer_log, ring_size) == 44, "header layout");
_Static_assert(offsetof(struct peer_log, start_cntvct) == 48, "header layout");
_Static_assert(offsetof(struct peer_log, fault_esr) == 56, "header layout");
_Static_assert(offsetof(struct peer_log, failed_reads) == 64, "header layout");
_Static_assert(offsetof(struct peer_log, view) == 128, "header layout");
_Static_assert(sizeof(struct peer_log) == 128 + PEER_MAX_SLOTS * 24, "header layout");
_Static_assert(sizeof(struct peer_log) <= PEER_CONFIG_OFFSET, "header fits");
_Static_assert(PEER_CONFIG_OFFSET + sizeof(struct peer_config) <= PEER_RECORDS_OFFSET,
	       "config fits");

/*
 * PEER_MODE_LWIP: the peer also runs lwIP (NO_SYS) with one Ethernet netif
 * that follows slot 0 through the frontend glue (lwip_peer.c), and records
 * here, beside the doorbell log, what lwIP did: one event per poll that
 * read a new generation (what the glue called, lwIP's netif flags and MTU
 * after it) and every frame lwIP handed the netif's linkoutput (no data
 * path: the frames go nowhere).  test/harness/peerlog.py mirrors it.
 */
#define PEER_MODE_LWIP		2	/* doorbell mode, plus lwIP on slot 0 */
#define PEER_LWIP_LOG_ADDR	(PEER_LOG_ADDR + 0x400000ul)
#define PEER_LWIP_MAGIC		0x5049574cu	/* "LWIP" */
#define PEER_LWIP_EVENTS_OFFSET	0x1000
#define PEER_LWIP_EVENTS	16384		/* a power of two */
#define PEER_LWIP_FRAMES_OFFSET	0x70000
#define PEER_LWIP_FRAMES	8192		/* a power of two */
#define PEER_LWIP_FRAME_BYTES	112		/* bytes of each frame kept */

struct peer_lwip_log {
	uint32_t magic;
	uint32_t version;	/* PEER_LOG_VERSION */
	uint32_t netif_flags;	/* lwIP's netif->flags (NETIF_FLAG_*), now */
	uint32_t mtu;		/* lwIP's netif->mtu, now */
	uint32_t polls;		/* vnlm_lwip_poll() calls */
	uint32_t events;	/* head of the event ring */
	uint32_t frames;	/* head of the frame ring */
	uint32_t failed_reads;	/* polls that gave up (torn), the glue's count */
	uint32_t torn_retries;	/* the glue's count */
	uint32_t uninit;	/* polls before Linux initialised the region */
	uint32_t announces;	/* raises the glue saw */
	uint32_t announced;	/* announcements the adapter made (raise while up) */
	uint32_t ip;		/* the netif's IPv4 address, network order */
	uint8_t mac[6];
	uint16_t pad;
	uint32_t group;		/* the IGMP group joined, network order */
	uint32_t speed;		/* the adapter's last speed and duplex */
	uint32_t duplex;
	uint32_t seq;		/* the generation lwIP's state reflects */
	uint32_t asserts;	/* lwIP assertions (the peer faults at the first) */
	uint32_t reserved[12];
};

/* One per poll that read a new generation. */
struct peer_lwip_event {
	uint32_t poll;		/* the poll's number (1-based) */
	uint32_t seq;		/* the generation read */
	uint16_t status;	/* its status, mtu */
	uint16_t mtu;
	uint16_t what;		/* VNLM_FE_* the glue returned */
	uint16_t netif_flags;	/* lwIP's, after the callbacks */
	uint16_t netif_mtu;
	uint16_t pad;
	uint32_t frames;	/* frame ring head after the callbacks */
};

struct peer_lwip_frame {
	uint32_t poll;		/* the poll that was running, 0: a timer */
	uint16_t len;		/* the frame's length */
	uint16_t netif_flags;	/* lwIP's when it was sent */
	uint32_t when_ms;	/* sys_now() */
	uint32_t pad;
	uint8_t data[PEER_LWIP_FRAME_BYTES];
};

_Static_assert(sizeof(struct peer_lwip_log) == 128, "lwip log layout");
_Static_assert(sizeof(struct peer_lwip_event) == 24, "lwip event layout");
_Static_assert(sizeof(struct peer_lwip_frame) == 128, "lwip frame layout");
_Static_assert(PEER_LWIP_EVENTS_OFFSET + PEER_LWIP_EVENTS * 24 <= PEER_LWIP_FRAMES_OFFSET,
	       "lwip events fit");
_Static_assert(0x400000ul + PEER_LWIP_FRAMES_OFFSET + PEER_LWIP_FRAMES * 128 <
	       BOARD_PEER_MBOX_CELLS - BOARD_PEER_LOG, "lwip log below the mailbox cells");
_Static_assert(PEER_RECORDS_OFFSET + PEER_RING_SIZE * 48 <= 0x400000ul, "rings apart");

#endif /* PEER_LOG_H */

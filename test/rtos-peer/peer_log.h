/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the RTOS-side test peer records, and where.  The host harness reads
 * this area straight out of the file-backed guest RAM (test/bench/peerlog.py
 * mirrors the layout; keep the two in step and bump PEER_LOG_VERSION).
 */
#ifndef PEER_LOG_H
#define PEER_LOG_H

#include <stddef.h>
#include <stdint.h>

#define PEER_LOG_ADDR		0x5e100000ul
#define PEER_LOG_MAGIC		0x52454550u	/* "PEER" */
#define PEER_LOG_VERSION	1
#define PEER_MAX_SLOTS		512
#define PEER_RECORDS_OFFSET	0x4000
#define PEER_RING_SIZE		65536		/* records, a power of two */

/* The bench convention: instance i's region is at SHM_BASE + i * SHM_STRIDE. */
#define PEER_SHM_BASE		0x5f000000ul
#define PEER_SHM_STRIDE		0x1000ul

/*
 * A mailbox "data register" per SGI, for the test mailbox controller
 * (test/kmod): it writes a non-zero message word into the cell of the SGI
 * it raises.  The peer logs the word with the doorbell and writes 0 back:
 * an empty cell is the controller's "remote has taken it" (TX done).
 */
#define PEER_MBOX_CELLS		0x5e7ff000ul
#define PEER_MBOX_CELL(intid)	(PEER_MBOX_CELLS + 4ul * (intid))
#define PEER_MBOX_NCELLS	16

#define PEER_STATE_BOOTING	0
#define PEER_STATE_READY	1
#define PEER_STATE_FAULT	0xdeadu

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
	uint64_t cntvct;	/* when the doorbell was taken */
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
	struct peer_slot_view view[PEER_MAX_SLOTS];
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
_Static_assert(offsetof(struct peer_log, view) == 64, "header layout");
_Static_assert(sizeof(struct peer_log) == 64 + PEER_MAX_SLOTS * 24, "header layout");
_Static_assert(sizeof(struct peer_log) <= PEER_RECORDS_OFFSET, "header fits");

#endif /* PEER_LOG_H */

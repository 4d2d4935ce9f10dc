// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTOS-side test peer: waits for doorbell SGIs and, on each, reads every
 * instance's config through the vnet-link-mirror ABI, logging what it read
 * for the host harness.  It only reads the shared config regions.
 */
#include <stddef.h>
#include "hw.h"
#include "peer_log.h"
#include "vnet-link-mirror/shm.h"

#define SNAPSHOT_RETRIES	64

static struct peer_log *const plog = (struct peer_log *)PEER_LOG_ADDR;
static struct peer_record *const ring =
	(struct peer_record *)(PEER_LOG_ADDR + PEER_RECORDS_OFFSET);

static void read_barrier(void)
{
	dmb_ld();
}

static void log_append(const struct peer_record *rec)
{
	struct peer_record *dst = &ring[plog->head & (PEER_RING_SIZE - 1)];

	*dst = *rec;
	dmb_st();	/* the record before the head that publishes it */
	plog->head++;
}

static int scan_slot(uint32_t slot, struct peer_record *rec)
{
	const void *region = (const void *)(PEER_SHM_BASE + slot * PEER_SHM_STRIDE);
	struct peer_slot_view *view = &plog->view[slot];
	struct vnlm_snapshot snap;
	int retries;

	retries = vnlm_read_snapshot(region, &snap, read_barrier, SNAPSHOT_RETRIES);
	if (retries < 0)
		return 0;
	plog->torn_retries += (uint32_t)retries;
	if (view->valid && view->seq == snap.seq)
		return 0;
	view->seq = snap.seq;
	view->status = snap.status;
	view->mtu = snap.mtu;
	view->speed = snap.speed;
	view->duplex = snap.duplex;
	view->updates++;
	view->last_doorbell = plog->doorbells;
	view->valid = 1;

	rec->slot = (uint8_t)slot;
	rec->seq = snap.seq;
	rec->status = snap.status;
	rec->mtu = snap.mtu;
	rec->speed = snap.speed;
	rec->duplex = snap.duplex;
	rec->event_stamp = snap.event_stamp;
	rec->retries = (uint8_t)(retries > 255 ? 255 : retries);
	return 1;
}

static void handle_doorbell(const struct gic_irq *irq, uint64_t when)
{
	struct peer_record rec = {
		.doorbell = ++plog->doorbells,
		.intid = (uint16_t)irq->intid,
		.sender = (uint8_t)irq->sender,
		.cntvct = when,
	};
	uint32_t slot, changed = 0;

	if (irq->intid < PEER_MBOX_NCELLS) {
		rec.msg = rd32(PEER_MBOX_CELL(irq->intid));
		if (rec.msg) {
			/* the word read before the cell is emptied */
			dmb_ld();
			wr32(PEER_MBOX_CELL(irq->intid), 0);
		}
	}
	for (slot = 0; slot < plog->nslots; slot++) {
		if (scan_slot(slot, &rec)) {
			log_append(&rec);
			changed++;
		}
	}
	if (!changed) {
		rec.slot = PEER_SLOT_NONE;
		log_append(&rec);
	}
}

void peer_main(uint64_t nslots);

/*
 * @syndrome: AArch64 ESR_EL1; A32 the vector's offset in bits 63:32 and
 *	DFSR/IFSR (0 for the vectors without one) in bits 31:0
 * @pc: the instruction that took the exception
 * @addr: AArch64 FAR_EL1; A32 DFAR/IFAR for aborts, else @pc
 */
void peer_fault(uint64_t syndrome, uint64_t pc, uint64_t addr)
{
	plog->fault_esr = syndrome;
	plog->state = PEER_STATE_FAULT;
	semihost_put_hex("rtos-peer: exception, syndrome ", syndrome);
	semihost_put_hex("rtos-peer: PC ", pc);
	semihost_put_hex("rtos-peer: fault address ", addr);
	for (;;)
		wfe();
}

void peer_main(uint64_t nslots)
{
	struct gic_irq irq;
	int arch;

	plog->magic = PEER_LOG_MAGIC;
	plog->version = PEER_LOG_VERSION;
	plog->state = PEER_STATE_BOOTING;
	plog->head = 0;
	plog->doorbells = 0;
	plog->spurious = 0;
	plog->torn_retries = 0;
	plog->ring_size = PEER_RING_SIZE;
	plog->nslots = nslots > PEER_MAX_SLOTS ? PEER_MAX_SLOTS : (uint32_t)nslots;
	plog->mpidr = (uint32_t)cpu_mpidr() & 0xffffff;
	plog->cntfrq = cntfrq();
	for (uint32_t i = 0; i < PEER_MAX_SLOTS; i++)
		plog->view[i].valid = 0;

	arch = gic_init();
	plog->gic_version = (uint32_t)arch;
	if (arch < 0) {
		semihost_puts("rtos-peer: no usable GIC\n");
		peer_fault(0, 0, 0);
	}
	/*
	 * Read every config once before waiting, as an RTOS does at init: a
	 * driver built into Linux probed, and rang, before this core ran.
	 * Views only; records stay one per doorbell taken.
	 */
	for (uint32_t slot = 0; slot < plog->nslots; slot++) {
		struct peer_record unused = { 0 };

		scan_slot(slot, &unused);
	}
	plog->start_cntvct = cntvct();
	dmb_st();
	plog->state = PEER_STATE_READY;
	semihost_puts(arch == 3 ? "rtos-peer: ready, GICv3\n" : "rtos-peer: ready, GICv2\n");

	for (;;) {
		wfi();
		while (gic_ack(&irq) == 0) {
			uint64_t when = cntvct();

			handle_doorbell(&irq, when);
			gic_eoi(&irq);
		}
		if (irq.intid != 1023)
			plog->spurious++;
	}
}

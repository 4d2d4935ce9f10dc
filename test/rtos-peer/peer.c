// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTOS-side test peer: takes doorbell SGIs as interrupts and, on each, reads
 * every instance's config through the vnet-link-mirror ABI, logging what it
 * read for the host harness.  It maps the shared regions as the memory
 * contract in shm.h says (non-cacheable, or cacheable with an invalidate
 * before each read) and only reads them.
 */
#include <stddef.h>
#include "hw.h"
#include "peer_log.h"
#include "peer.h"
#include "vnet-link-mirror/shm.h"
#ifdef PEER_LWIP
#include "peer_lwip.h"
#endif

/*
 * Attempts before a read is given up (and counted as failed).  A doorbell
 * can arrive while its writer is still in the publish window (the SGI is
 * raised inside it), and in a storm the next update follows at once; the
 * stress loop reads at any time.  On a loaded TCG host the writer's vCPU
 * can stop right there for milliseconds (the GIC write is an exit to QEMU),
 * which 1024 quick attempts did not outlast on the 32-bit board: both
 * budgets are far larger, so that only a generation left odd (a writer
 * that never finishes) fails them.
 */
#define SNAPSHOT_RETRIES	(1u << 20)
#define STRESS_RETRIES		(1u << 20)

static struct peer_log *const plog = (struct peer_log *)PEER_LOG_ADDR;
static struct peer_record *const ring =
	(struct peer_record *)(PEER_LOG_ADDR + PEER_RECORDS_OFFSET);
static const struct peer_config *const pcfg =
	(const struct peer_config *)(PEER_LOG_ADDR + PEER_CONFIG_OFFSET);

/* Taken from the host's config once, at start: the peer never re-reads it. */
static uint32_t slot_addr[PEER_MAX_SLOTS];
static uint32_t nslots;
static uint32_t mem_mode;
static uint32_t dline;
static uint32_t heartbeat_ticks;
#ifdef PEER_LWIP
static uint32_t lwip_mode;	/* PEER_MODE_LWIP: lwIP follows slot 0 */
#endif

static void read_barrier(void)
{
	dmb_ld();
}

/* The memory contract's invalidate (shm.h), for the cacheable mapping. */
static void invalidate(const void *addr, unsigned long len)
{
	uintptr_t a = (uintptr_t)addr & ~(uintptr_t)(dline - 1);
	uintptr_t end = (uintptr_t)addr + len;

	for (; a < end; a += dline)
		dcache_inval_line(a);
	dsb_sy();
}

static int read_slot(uint32_t slot, struct vnlm_snapshot *snap, unsigned int max_retries)
{
	return vnlm_read_snapshot((const void *)(uintptr_t)slot_addr[slot], snap, read_barrier,
				  mem_mode == PEER_MEM_CACHED_INVAL ? invalidate : NULL,
				  max_retries);
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
	struct peer_slot_view *view = &plog->view[slot];
	struct vnlm_snapshot snap;
	int retries;

	retries = read_slot(slot, &snap, SNAPSHOT_RETRIES);
	if (retries == -1) {
		plog->uninit_reads++;	/* no instance has set it up (yet) */
		return 0;
	}
	if (retries < 0) {
		plog->failed_reads++;	/* every attempt torn: counted, never dropped */
		return 0;
	}
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
		if (mem_mode == PEER_MEM_CACHED_INVAL)
			invalidate((const void *)PEER_MBOX_CELL(irq->intid), 4);
		rec.msg = rd32(PEER_MBOX_CELL(irq->intid));
		if (rec.msg) {
			/* the word read before the cell is emptied */
			dmb_ld();
			wr32(PEER_MBOX_CELL(irq->intid), 0);
			if (mem_mode == PEER_MEM_CACHED_INVAL) {
				/* cacheable: push the empty cell out for Linux to see */
				dcache_clean_inval_line(PEER_MBOX_CELL(irq->intid));
				dsb_sy();
			}
		}
	}
	for (slot = 0; slot < nslots; slot++) {
		if (scan_slot(slot, &rec)) {
			log_append(&rec);
			changed++;
		}
	}
	if (!changed) {
		rec.slot = PEER_SLOT_NONE;
		log_append(&rec);
	}
#ifdef PEER_LWIP
	/* lwIP runs in the main loop only: hand it the doorbell there. */
	if (lwip_mode)
		peer_lwip_kick();
#endif
}

/*
 * The IRQ vector's C half: acknowledge, handle, end.  Interrupts stay
 * masked in here (the vector does not unmask them), so handling never nests.
 */
void peer_irq(void)
{
	struct gic_irq irq;

	while (gic_ack(&irq) == 0) {
		uint64_t when = counter_read();

		plog->irqs++;
		if (irq.intid == PEER_TIMER_INTID) {
			plog->heartbeats++;
			heartbeat_arm(heartbeat_ticks);
		} else {
			handle_doorbell(&irq, when);
		}
		gic_eoi(&irq);
	}
	if (irq.intid != 1023)
		plog->spurious++;	/* a special INTID other than "none pending" */
}

/*
 * Stress mode: what Linux publishes, read back-to-back and checked.  A
 * snapshot is inconsistent when its generation is older than one already
 * read from the slot, when the same generation comes back with different
 * fields or a different stamp (fields from two generations), when its event
 * stamp is older than an earlier generation's, or (for an uplink that
 * reports a speed: cfg reserved[0]) when LINK_UP and a known speed and
 * duplex disagree, which is what a torn up/down transition looks like.
 */
struct stress_slot {
	struct vnlm_snapshot last;
	uint32_t valid;
};

static struct stress_slot stress[PEER_MAX_SLOTS];
static uint32_t check_speed;

static void stress_bad(uint32_t slot, const struct vnlm_snapshot *s, uint32_t prev_seq)
{
	if (!plog->stress_bad++) {
		plog->bad_slot = slot;
		plog->bad_seq = s->seq;
		plog->bad_prev_seq = prev_seq;
		plog->bad_status = s->status;
		plog->bad_speed = s->speed;
	}
}

static void stress_check(uint32_t slot, const struct vnlm_snapshot *s)
{
	struct stress_slot *st = &stress[slot];
	const struct vnlm_snapshot *o = &st->last;

	if (check_speed) {
		int up = !!(s->status & VNLM_S_LINK_UP);

		if (up != (s->speed != VNLM_SPEED_UNKNOWN) ||
		    up != (s->duplex != VNLM_DUPLEX_UNKNOWN)) {
			stress_bad(slot, s, st->valid ? o->seq : 0);
			return;
		}
	}
	if (st->valid) {
		int32_t ahead = (int32_t)(s->seq - o->seq);

		if (ahead < 0 ||
		    (ahead == 0 && (s->status != o->status || s->mtu != o->mtu ||
				    s->speed != o->speed || s->duplex != o->duplex ||
				    s->event_stamp != o->event_stamp)) ||
		    (ahead > 0 && s->event_stamp < o->event_stamp)) {
			stress_bad(slot, s, o->seq);
			return;
		}
	}
	st->last = *s;
	st->valid = 1;
}

static void stress_pass(void)
{
	uint32_t slot;

	for (slot = 0; slot < nslots; slot++) {
		struct vnlm_snapshot snap;
		int r = read_slot(slot, &snap, STRESS_RETRIES);

		if (r == -1)
			continue;
		if (r < 0) {
			plog->stress_failed++;
			continue;
		}
		plog->stress_reads++;
		plog->stress_retries += (uint32_t)r;
		stress_check(slot, &snap);
	}
	plog->stress_scans++;
}

/* The host's slot table and modes when it wrote one, else the defaults. */
static uint32_t take_config(uint64_t arg, uint32_t *run_mode)
{
	uint32_t n, i;

	*run_mode = PEER_MODE_DOORBELL;
	mem_mode = PEER_MEM_NC;
	if (pcfg->magic != PEER_CONFIG_MAGIC) {
		n = arg > PEER_MAX_SLOTS ? PEER_MAX_SLOTS : (uint32_t)arg;
		for (i = 0; i < n; i++)
			slot_addr[i] = PEER_SHM_BASE + i * PEER_SHM_STRIDE;
		return n;
	}
	n = pcfg->nslots > PEER_MAX_SLOTS ? PEER_MAX_SLOTS : pcfg->nslots;
	for (i = 0; i < n; i++)
		slot_addr[i] = pcfg->slot_addr[i];
	/* plog->mem_mode tells the host which contract is in force. */
	if (pcfg->mem_mode == PEER_MEM_CACHED_INVAL && !BOARD_NC_ONLY)
		mem_mode = PEER_MEM_CACHED_INVAL;
	if (pcfg->run_mode == PEER_MODE_STRESS)
		*run_mode = PEER_MODE_STRESS;
#ifdef PEER_LWIP
	/* lwIP follows slot 0; an image without lwIP stays in doorbell mode. */
	if (pcfg->run_mode == PEER_MODE_LWIP && n)
		*run_mode = PEER_MODE_LWIP;
#endif
	check_speed = pcfg->reserved[0];
	return n;
}

void peer_main(uint64_t arg);

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

/*
 * @arg: PSCI's context id, the number of slots at the default stride when
 * the host wrote no struct peer_config
 */
void peer_main(uint64_t arg)
{
	uint32_t run_mode;
	int arch;

	plog->magic = PEER_LOG_MAGIC;
	plog->version = PEER_LOG_VERSION;
	plog->state = PEER_STATE_BOOTING;
	plog->head = 0;
	plog->doorbells = 0;
	plog->spurious = 0;
	plog->torn_retries = 0;
	plog->failed_reads = 0;
	plog->uninit_reads = 0;
	plog->heartbeats = 0;
	plog->irqs = 0;
	plog->stress_scans = 0;
	plog->stress_reads = 0;
	plog->stress_retries = 0;
	plog->stress_failed = 0;
	plog->stress_bad = 0;
	plog->ring_size = PEER_RING_SIZE;
	nslots = take_config(arg, &run_mode);
	plog->nslots = nslots;
	plog->mem_mode = mem_mode;
	plog->run_mode = run_mode;
	plog->mpidr = (uint32_t)cpu_mpidr() & 0xffffff;
	counter_init();
	plog->cntfrq = counter_hz();
	for (uint32_t i = 0; i < PEER_MAX_SLOTS; i++)
		plog->view[i].valid = 0;

	mmu_setup(slot_addr, nslots, mem_mode);
	dline = dcache_line();

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
	for (uint32_t slot = 0; slot < nslots; slot++) {
		struct peer_record unused = { 0 };

		scan_slot(slot, &unused);
	}
#ifdef PEER_LWIP
	if (run_mode == PEER_MODE_LWIP) {
		lwip_mode = 1;
		peer_lwip_init((const void *)(uintptr_t)slot_addr[0], read_barrier,
			       mem_mode == PEER_MEM_CACHED_INVAL ? invalidate : NULL,
			       SNAPSHOT_RETRIES);
	}
#endif
	heartbeat_ticks = plog->cntfrq / PEER_HEARTBEAT_HZ;
	heartbeat_arm(heartbeat_ticks);
	plog->start_cntvct = counter_read();
	dmb_st();
	plog->state = PEER_STATE_READY;
	semihost_puts(arch == 3 ? "rtos-peer: ready, GICv3\n" : "rtos-peer: ready, GICv2\n");
	irq_enable();

	/* Everything happens in peer_irq(); stress mode also reads in between,
	 * lwIP mode runs lwIP (its polls and timers) in between. */
	for (;;) {
		if (run_mode == PEER_MODE_STRESS)
			stress_pass();
#ifdef PEER_LWIP
		else if (lwip_mode)
			peer_lwip_run();
#endif
		else
			wfi();
	}
}

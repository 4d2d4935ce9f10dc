// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test peer's lwIP (PEER_MODE_LWIP): lwIP's core with NO_SYS=1 and one
 * Ethernet netif, 192.0.2.10/24 (TEST-NET-1), joined to 239.1.2.3, whose
 * link and MTU follow slot 0 through the lwIP adapter (lwip/vnlm_lwip.c).
 * Its linkoutput has no wire: it records each frame in the lwIP log
 * (peer_log.h, struct peer_lwip_log) for the host to decode.
 *
 * Contexts: lwIP runs in the peer's main loop only.  The doorbell interrupt
 * flags the work (peer_lwip_kick()); the main loop polls the adapter and
 * runs lwIP's timers (peer_lwip_run()), never both at once.
 */
#include <stddef.h>
#include "hw.h"
#include "peer_log.h"
#include "peer_lwip.h"

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/etharp.h"
#include "lwip/igmp.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "lwip/vnlm_lwip.h"

static struct peer_lwip_log *const llog = (struct peer_lwip_log *)PEER_LWIP_LOG_ADDR;
static struct peer_lwip_event *const lev =
	(struct peer_lwip_event *)(PEER_LWIP_LOG_ADDR + PEER_LWIP_EVENTS_OFFSET);
static struct peer_lwip_frame *const lfr =
	(struct peer_lwip_frame *)(PEER_LWIP_LOG_ADDR + PEER_LWIP_FRAMES_OFFSET);

static struct netif nif;
static struct vnlm_lwip vl;
static uint32_t kicked;	/* set by the doorbell IRQ, taken by the main loop */
static uint32_t in_poll;	/* the poll's number while it runs, else 0 */
static uint32_t ticks_per_ms;
static uint32_t rand_state = 0x2545f491u;

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x0a };

/*
 * lwIP's clock (NO_SYS timers): milliseconds from the board's counter,
 * counted up without a 64-bit division (none on 32-bit Arm without
 * libgcc).  The main loop calls it at least at every heartbeat.
 */
static uint64_t ms_tick;
static uint32_t ms_now;

u32_t sys_now(void)
{
	uint64_t now = counter_read();

	while (now - ms_tick >= ticks_per_ms) {
		ms_tick += ticks_per_ms;
		ms_now++;
	}
	return ms_now;
}

unsigned int peer_lwip_rand(void)
{
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 17;
	rand_state ^= rand_state << 5;
	return rand_state;
}

void peer_lwip_assert(const char *msg, const char *file, int line)
{
	llog->asserts++;
	semihost_puts("rtos-peer: lwIP assertion: ");
	semihost_puts(msg);
	semihost_puts("\n");
	semihost_puts(file);
	peer_fault(0x11f0000ull, (uint64_t)line, 0);
}

static void publish_state(void)
{
	llog->netif_flags = nif.flags;
	llog->mtu = nif.mtu;
	llog->speed = vl.speed;
	llog->duplex = vl.duplex;
	llog->seq = vl.fe.last.seq;
	llog->announces = vl.fe.announces;
	llog->announced = vl.announced;
	llog->failed_reads = vl.fe.failed_reads;
	llog->torn_retries = vl.fe.torn_retries;
}

/* No wire: every frame lwIP emits is recorded, then dropped. */
static err_t peer_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct peer_lwip_frame *f = &lfr[llog->frames & (PEER_LWIP_FRAMES - 1)];

	f->poll = in_poll;
	f->len = p->tot_len;
	f->netif_flags = netif->flags;
	f->when_ms = sys_now();
	pbuf_copy_partial(p, f->data, PEER_LWIP_FRAME_BYTES, 0);
	dmb_st();	/* the frame before the head that publishes it */
	llog->frames++;
	return ERR_OK;
}

static err_t peer_netif_init(struct netif *netif)
{
	netif->name[0] = 'v';
	netif->name[1] = 'n';
	netif->hwaddr_len = ETH_HWADDR_LEN;
	for (int i = 0; i < ETH_HWADDR_LEN; i++)
		netif->hwaddr[i] = peer_mac[i];
	netif->mtu = 1500;	/* until the mirror says otherwise */
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		       NETIF_FLAG_IGMP;
	netif->output = etharp_output;
	netif->linkoutput = peer_linkoutput;
	return ERR_OK;
}

static void log_poll(int r)
{
	struct peer_lwip_event *e;

	if (r == -1) {
		llog->uninit++;
		return;
	}
	publish_state();
	if (r <= 0)
		return;
	e = &lev[llog->events & (PEER_LWIP_EVENTS - 1)];
	e->poll = in_poll;
	e->seq = vl.fe.last.seq;
	e->status = vl.fe.last.status;
	e->mtu = vl.fe.last.mtu;
	e->what = (uint16_t)r;
	e->netif_flags = nif.flags;
	e->netif_mtu = nif.mtu;
	e->frames = llog->frames;
	dmb_st();
	llog->events++;
}

static void poll_once(void)
{
	int r;

	in_poll = ++llog->polls;
	r = vnlm_lwip_poll(&vl);
	log_poll(r);
	in_poll = 0;
}

void peer_lwip_init(const void *region, void (*rmb)(void),
		    void (*inval)(const void *addr, unsigned long len), unsigned int max_retries)
{
	ip4_addr_t ip, mask, gw, group;

	for (size_t i = 0; i < sizeof(*llog) / 4; i++)
		((volatile uint32_t *)llog)[i] = 0;
	ticks_per_ms = counter_hz() / 1000;
	ms_tick = counter_read();
	lwip_init();
	IP4_ADDR(&ip, 192, 0, 2, 10);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 0, 0, 0, 0);
	IP4_ADDR(&group, 239, 1, 2, 3);
	netif_add(&nif, &ip, &mask, &gw, NULL, peer_netif_init, ethernet_input);
	netif_set_default(&nif);
	netif_set_up(&nif);
	/*
	 * Joined while the link is down: lwIP's join report goes out now and
	 * is recorded with the link flag clear.
	 */
	igmp_joingroup_netif(&nif, &group);
	llog->ip = ip4_addr_get_u32(&ip);
	llog->group = ip4_addr_get_u32(&group);
	for (int i = 0; i < 6; i++)
		llog->mac[i] = peer_mac[i];
	vnlm_lwip_init(&vl, &nif, region, rmb, inval, max_retries);
	llog->version = PEER_LOG_VERSION;
	dmb_st();
	llog->magic = PEER_LWIP_MAGIC;
	/* As an RTOS at init: the driver may have published before we ran. */
	poll_once();
}

/* From the doorbell interrupt: the main loop polls. */
void peer_lwip_kick(void)
{
	__atomic_store_n(&kicked, 1, __ATOMIC_RELAXED);
}

/*
 * The main loop's turn: sleep until an interrupt (a doorbell or the
 * heartbeat) unless one is already flagged, poll when kicked, run lwIP's
 * timers.
 */
void peer_lwip_run(void)
{
	uint32_t k;

	irq_disable();
	if (!__atomic_load_n(&kicked, __ATOMIC_RELAXED))
		wfi();		/* wakes on a pending interrupt even while masked */
	irq_enable();	/* the doorbell handler runs here */
	irq_disable();	/* taken and cleared with the handler held off */
	k = __atomic_load_n(&kicked, __ATOMIC_RELAXED);
	__atomic_store_n(&kicked, 0, __ATOMIC_RELAXED);
	irq_enable();
	if (k)
		poll_once();
	sys_check_timeouts();
	publish_state();
}

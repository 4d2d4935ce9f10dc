/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vnet-link-mirror's lwIP adapter: an lwIP netif whose link state and MTU
 * follow a mirrored config, through the frontend glue
 * (include/vnet-link-mirror/frontend.h).  Reusable outside the test peer:
 * it needs lwIP 2.1 (NO_SYS or not) and nothing of the peer.
 *
 * vnlm_lwip_poll() calls into lwIP's core, so it runs where lwIP's core
 * may run: with NO_SYS=1 in the one context that runs lwIP (the main loop:
 * the doorbell interrupt only flags the work, as the test peer does); with
 * an OS, in the tcpip thread (tcpip_callback() from the doorbell ISR, or
 * LOCK_TCPIP_CORE() around it from a thread).
 */
#ifndef VNLM_LWIP_H
#define VNLM_LWIP_H

#include "lwip/netif.h"
#include "vnet-link-mirror/frontend.h"

/**
 * struct vnlm_lwip - one mirrored instance driving one lwIP netif
 * @fe: the frontend glue's state
 * @netif: the netif whose link and MTU follow the instance
 * @speed: the last speed reported with link up (Mbit/s), for the port
 * @duplex: the same for duplex
 * @announced: announcements this adapter made itself (ANNOUNCE raised
 *	while the link was already up); the ones that come with a link up are
 *	lwIP's own (netif_set_link_up() issues its reports)
 */
struct vnlm_lwip {
	struct vnlm_frontend fe;
	struct netif *netif;
	u32_t speed;
	u8_t duplex;
	u32_t announced;
};

void vnlm_lwip_init(struct vnlm_lwip *vl, struct netif *netif, const void *region,
		    void (*rmb)(void), void (*inval)(const void *addr, unsigned long len),
		    unsigned int max_retries);
int vnlm_lwip_poll(struct vnlm_lwip *vl);

#endif /* VNLM_LWIP_H */

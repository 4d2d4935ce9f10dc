/* SPDX-License-Identifier: GPL-2.0-only */
/* The test peer's lwIP mode (lwip_peer.c), between peer.c and it. */
#ifndef PEER_LWIP_H
#define PEER_LWIP_H

#include <stdint.h>

void peer_lwip_init(const void *region, void (*rmb)(void),
		    void (*inval)(const void *addr, unsigned long len), unsigned int max_retries);
void peer_lwip_kick(void);
void peer_lwip_run(void);

#endif /* PEER_LWIP_H */

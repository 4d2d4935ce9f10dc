/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * lwIP's options for the RTOS test peer: NO_SYS (no threads, no sockets,
 * no netconn; raw PCBs only because IGMP needs them compiled in), IPv4 with ARP and IGMP, one Ethernet netif whose link and
 * MTU follow the mirrored config (vnlm_lwip.c).  No TCP, UDP, DHCP or
 * IPv6: the peer only shows what lwIP sends on link events.
 */
#ifndef PEER_LWIPOPTS_H
#define PEER_LWIPOPTS_H

#define NO_SYS			1
#define SYS_LIGHTWEIGHT_PROT	0	/* one context: the peer's main loop */
#define LWIP_TIMERS		1
#define LWIP_SOCKET		0
#define LWIP_NETCONN		0
#define LWIP_RAW		1	/* LWIP_MULTICAST_TX_OPTIONS needs it or UDP */
#define LWIP_UDP		0
#define LWIP_TCP		0
#define LWIP_DNS		0
#define LWIP_DHCP		0
#define LWIP_AUTOIP		0
#define LWIP_IPV4		1
#define LWIP_IPV6		0
#define LWIP_ARP		1
#define LWIP_ETHERNET		1
#define LWIP_ICMP		1
#define LWIP_IGMP		1
#define LWIP_MULTICAST_TX_OPTIONS	1	/* init.c asks for it with IGMP */
#define IP_REASSEMBLY		0
#define IP_FRAG			0
#define LWIP_STATS		0
#define LWIP_NETIF_STATUS_CALLBACK	0
#define LWIP_NETIF_LINK_CALLBACK	0
#define LWIP_NETIF_EXT_STATUS_CALLBACK	0
#define LWIP_HAVE_LOOPIF	0
#define LWIP_NETIF_LOOPBACK	0
#define LWIP_SINGLE_NETIF	1
#define LWIP_CHECKSUM_CTRL_PER_NETIF	0

/* Memory: lwIP's own heap and pools, static arrays in the image's .bss. */
#define MEM_ALIGNMENT		8
#define MEM_SIZE		(16 * 1024)
#define MEMP_NUM_PBUF		16
#define PBUF_POOL_SIZE		8
#define PBUF_POOL_BUFSIZE	1536
#define MEMP_NUM_IGMP_GROUP	4
#define MEMP_NUM_SYS_TIMEOUT	(LWIP_NUM_SYS_TIMEOUT_INTERNAL + 1)
#define ARP_TABLE_SIZE		4
#define ARP_QUEUEING		0
#define ETHARP_SUPPORT_STATIC_ENTRIES	0

#define LWIP_DEBUG		0
#define LWIP_NOASSERT_ON_ERROR	0

#endif /* PEER_LWIPOPTS_H */

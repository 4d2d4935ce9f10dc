// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vnet-link-mirror's lwIP adapter (vnlm_lwip.h): the frontend glue's
 * callbacks in lwIP 2.1 terms.
 *
 *   link up       netif_set_link_up(): lwIP sends its link-up reports itself
 *                 when the netif is administratively up and has an address
 *                 (a gratuitous ARP, IGMP reports of the joined groups after
 *                 their random delay, MLD reports and a router solicitation
 *                 with IPv6)
 *   link down     netif_set_link_down()
 *   MTU change    netif->mtu (and mtu6 with IPv6): lwIP 2.1 has no setter
 *   ANNOUNCE      raised with a link up: nothing more, lwIP's link-up path
 *                 has just announced; raised while up: the same reports
 *                 (etharp_gratuitous(), igmp_report_groups(),
 *                 mld6_report_groups()), as netif_issue_reports() (static in
 *                 netif.c) would send them
 */
#include "lwip/opt.h"
#include "lwip/netif.h"
#include "lwip/etharp.h"
#include "lwip/igmp.h"
#include "lwip/mld6.h"
#include "vnlm_lwip.h"

static void vnlm_lwip_link_up(void *ctx, vnlm_u32 speed, vnlm_u8 duplex)
{
	struct vnlm_lwip *vl = ctx;

	vl->speed = speed;
	vl->duplex = duplex;
	netif_set_link_up(vl->netif);
}

static void vnlm_lwip_link_down(void *ctx)
{
	struct vnlm_lwip *vl = ctx;

	netif_set_link_down(vl->netif);
}

static void vnlm_lwip_link_settings(void *ctx, vnlm_u32 speed, vnlm_u8 duplex)
{
	struct vnlm_lwip *vl = ctx;

	vl->speed = speed;
	vl->duplex = duplex;
}

static void vnlm_lwip_mtu(void *ctx, vnlm_u16 mtu)
{
	struct vnlm_lwip *vl = ctx;

	vl->netif->mtu = mtu;
#if LWIP_IPV6 && LWIP_ND6_ALLOW_RA_UPDATES
	vl->netif->mtu6 = mtu;
#endif
}

static void vnlm_lwip_announce(void *ctx, int with_link_up)
{
	struct vnlm_lwip *vl = ctx;
	struct netif *netif = vl->netif;

	if (with_link_up)
		return;	/* netif_set_link_up() has sent them */
	if (!netif_is_up(netif) || !netif_is_link_up(netif))
		return;
	vl->announced++;
#if LWIP_IPV4
	if (!ip4_addr_isany_val(*netif_ip4_addr(netif))) {
#if LWIP_ARP
		if (netif->flags & NETIF_FLAG_ETHARP)
			etharp_gratuitous(netif);
#endif
#if LWIP_IGMP
		if (netif->flags & NETIF_FLAG_IGMP)
			igmp_report_groups(netif);
#endif
	}
#endif
#if LWIP_IPV6 && LWIP_IPV6_MLD
	mld6_report_groups(netif);
#endif
}

static const struct vnlm_frontend_ops vnlm_lwip_ops = {
	.link_up = vnlm_lwip_link_up,
	.link_down = vnlm_lwip_link_down,
	.link_settings = vnlm_lwip_link_settings,
	.mtu_change = vnlm_lwip_mtu,
	.announce = vnlm_lwip_announce,
};

/**
 * vnlm_lwip_init() - attach a netif to a mirrored instance
 * @vl: caller-provided state
 * @netif: an added netif (netif_add()), link down
 * @region: the instance's shared region as mapped
 * @rmb: load-load barrier; @inval: NULL or the invalidate hook (shm.h)
 * @max_retries: torn reads tolerated per poll
 *
 * Call vnlm_lwip_poll() once after this and then at every doorbell.
 */
void vnlm_lwip_init(struct vnlm_lwip *vl, struct netif *netif, const void *region,
		    void (*rmb)(void), void (*inval)(const void *addr, unsigned long len),
		    unsigned int max_retries)
{
	vl->netif = netif;
	vl->speed = VNLM_SPEED_UNKNOWN;
	vl->duplex = VNLM_DUPLEX_UNKNOWN;
	vl->announced = 0;
	vnlm_frontend_init(&vl->fe, region, &vnlm_lwip_ops, vl, rmb, inval, max_retries);
}

/**
 * vnlm_lwip_poll() - follow the instance: read it, tell lwIP what changed
 * @vl: the adapter
 *
 * In lwIP's context only (see vnlm_lwip.h).
 *
 * Return: as vnlm_frontend_poll().
 */
int vnlm_lwip_poll(struct vnlm_lwip *vl)
{
	return vnlm_frontend_poll(&vl->fe);
}

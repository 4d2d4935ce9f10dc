// SPDX-License-Identifier: GPL-2.0-only
/*
 * The path a user would build without the driver, as a benchmark
 * baseline: a daemon on rtnetlink link events that writes the shared
 * config itself through /dev/mem (the same seqlock layout) and rings the
 * doorbell through a minimal kernel trigger (a sysfs write that raises the
 * SGI).
 *   vnlm-linkd IFNAME SHM_PHYS SGI TRIGGER_PATH
 */
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "vnet-link-mirror/shm.h"

static volatile uint8_t *shm;
static uint32_t seq;

static void publish(int up, uint64_t stamp)
{
	*(volatile uint32_t *)(shm + VNLM_SYNC_SEQ) = seq + 1;
	__asm__ volatile("dmb st" ::: "memory");
	*(volatile uint16_t *)(shm + VNLM_CFG_STATUS) = up ? VNLM_S_LINK_UP : 0;
	*(volatile uint32_t *)(shm + VNLM_CFG_SPEED) = VNLM_SPEED_UNKNOWN;
	*(volatile uint8_t *)(shm + VNLM_CFG_DUPLEX) = VNLM_DUPLEX_UNKNOWN;
	*(volatile uint32_t *)(shm + VNLM_SYNC_STAMP_LO) = (uint32_t)stamp;
	*(volatile uint32_t *)(shm + VNLM_SYNC_STAMP_HI) = (uint32_t)(stamp >> 32);
	*(volatile uint32_t *)(shm + VNLM_SYNC_MAGIC_OFF) = VNLM_SYNC_MAGIC;
	__asm__ volatile("dmb st" ::: "memory");
	seq += 2;
	*(volatile uint32_t *)(shm + VNLM_SYNC_SEQ) = seq;
	__asm__ volatile("dsb st" ::: "memory");
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	char buf[16384], sgi[8];
	int nl, mem, trig, ifindex, up = -1;
	unsigned long phys;

	if (argc != 5)
		return fprintf(stderr, "usage: vnlm-linkd IFNAME SHM_PHYS SGI TRIGGER\n"), 2;
	ifindex = if_nametoindex(argv[1]);
	phys = strtoul(argv[2], NULL, 0);
	snprintf(sgi, sizeof(sgi), "%s", argv[3]);
	mem = open("/dev/mem", O_RDWR | O_SYNC);
	if (!ifindex || mem < 0)
		die("setup");
	shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mem, phys);
	if (shm == MAP_FAILED)
		die("mmap /dev/mem");
	trig = open(argv[4], O_WRONLY);
	nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (trig < 0 || nl < 0 || bind(nl, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink/trigger");
	publish(0, cntvct());
	printf("vnlm-linkd: ready\n");
	fflush(stdout);

	for (;;) {
		ssize_t len = recv(nl, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (len < 0)
			die("recv");
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			int now;

			if (h->nlmsg_type != RTM_NEWLINK || ifi->ifi_index != ifindex)
				continue;
			now = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
			if (now == up)
				continue;
			up = now;
			publish(up, cntvct());
			if (pwrite(trig, sgi, strlen(sgi), 0) < 0)
				die("trigger");
		}
	}
}

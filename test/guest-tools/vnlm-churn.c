// SPDX-License-Identifier: GPL-2.0-only
/*
 * Create and destroy N dummy netdevs through rtnetlink, one at a time, and
 * print the nanoseconds it took: the cost of unrelated netdev events.
 *   vnlm-churn N
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

struct req {
	struct nlmsghdr h;
	struct ifinfomsg i;
	char attrs[256];
};

static void add_attr(struct req *r, int type, const void *data, int len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void talk(int nl, struct req *r)
{
	char buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;

	if (send(nl, r, r->h.nlmsg_len, 0) < 0)
		die("send");
	if (recv(nl, buf, sizeof(buf), 0) < 0)
		die("recv");
	if (h->nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *)NLMSG_DATA(h))->error) {
		errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
		die("rtnetlink");
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000, i;
	int nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	uint64_t t0;
	char name[16];

	if (nl < 0)
		die("socket");
	t0 = mono_ns();
	for (i = 0; i < n; i++) {
		struct req r;
		struct rtattr *li;

		snprintf(name, sizeof(name), "churn%d", (int)(i % 1000000));
		memset(&r, 0, sizeof(r));
		r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.i));
		r.h.nlmsg_type = RTM_NEWLINK;
		r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
		add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
		li = (struct rtattr *)((char *)&r + NLMSG_ALIGN(r.h.nlmsg_len));
		add_attr(&r, IFLA_LINKINFO, NULL, 0);
		add_attr(&r, IFLA_INFO_KIND, "dummy", 6);
		li->rta_len = (char *)&r + r.h.nlmsg_len - (char *)li;
		talk(nl, &r);

		memset(&r, 0, sizeof(r));
		r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.i));
		r.h.nlmsg_type = RTM_DELLINK;
		r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
		talk(nl, &r);
	}
	printf("%llu\n", (unsigned long long)(mono_ns() - t0));
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Toggle an interface and print, per toggle, the CNTVCT taken just before
 * the kernel was asked:
 *   vnlm-flap admin IFNAME N PERIOD_US     up/down through SIOCSIFFLAGS
 *   vnlm-flap carrier IFNAME N PERIOD_US   0/1 into /sys/class/net/IF/carrier
 * The first toggle goes to the opposite of the current state; with N even
 * the interface ends as it started.  -q prints only the count.
 */
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
	int quiet = argc > 1 && !strcmp(argv[1], "-q");
	char **a = argv + quiet;
	uint64_t *stamps;
	struct ifreq ifr;
	long n, i, period;
	int sock, fd = -1;
	int up;

	if (argc - quiet != 5)
		return fprintf(stderr, "usage: vnlm-flap [-q] admin|carrier IFNAME N PERIOD_US\n"), 2;
	n = atol(a[3]);
	period = atol(a[4]);
	stamps = calloc(n ? n : 1, sizeof(*stamps));
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock < 0 || !stamps)
		die("setup");
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, a[2], IFNAMSIZ - 1);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr))
		die("SIOCGIFFLAGS");

	if (!strcmp(a[1], "carrier")) {
		char path[128], cur = '1';

		snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", a[2]);
		fd = open(path, O_RDWR);
		if (fd < 0)
			die(path);
		if (pread(fd, &cur, 1, 0) != 1)
			cur = '1';
		up = cur == '1';
		for (i = 0; i < n; i++) {
			up = !up;
			stamps[i] = cntvct();
			if (pwrite(fd, up ? "1" : "0", 1, 0) != 1)
				die("carrier");
			if (period)
				usleep(period);
		}
	} else {
		up = !!(ifr.ifr_flags & IFF_UP);
		for (i = 0; i < n; i++) {
			up = !up;
			if (up)
				ifr.ifr_flags |= IFF_UP;
			else
				ifr.ifr_flags &= ~IFF_UP;
			stamps[i] = cntvct();
			if (ioctl(sock, SIOCSIFFLAGS, &ifr))
				die("SIOCSIFFLAGS");
			if (period)
				usleep(period);
		}
	}
	if (quiet)
		printf("%ld\n", n);
	else
		for (i = 0; i < n; i++)
			printf("%llu\n", (unsigned long long)stamps[i]);
	return 0;
}

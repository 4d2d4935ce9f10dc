// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host driver of include/vnet-link-mirror/frontend.h for test/cases/host_frontend.py:
 * a region in memory written as the driver writes it, the glue polled on
 * it, every callback printed.  Arguments, in order:
 *
 *   w,SEQ,STATUS,MTU,SPEED,DUPLEX   write a snapshot (and the magic)
 *   p                               poll; prints "poll RET" after the callbacks
 *   new                             a fresh struct vnlm_frontend
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnet-link-mirror/frontend.h"

static unsigned char region[VNLM_REGION_MIN_SIZE] __attribute__((aligned(64)));

static void put16(unsigned int off, unsigned int v)
{
	region[off] = v & 0xff;
	region[off + 1] = (v >> 8) & 0xff;
}

static void put32(unsigned int off, unsigned int v)
{
	put16(off, v & 0xffff);
	put16(off + 2, v >> 16);
}

static void rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static void cb_up(void *ctx, vnlm_u32 speed, vnlm_u8 duplex)
{
	(void)ctx;
	printf("up %u %u\n", speed, duplex);
}

static void cb_down(void *ctx)
{
	(void)ctx;
	printf("down\n");
}

static void cb_settings(void *ctx, vnlm_u32 speed, vnlm_u8 duplex)
{
	(void)ctx;
	printf("settings %u %u\n", speed, duplex);
}

static void cb_mtu(void *ctx, vnlm_u16 mtu)
{
	(void)ctx;
	printf("mtu %u\n", mtu);
}

static void cb_announce(void *ctx, int with_link_up)
{
	(void)ctx;
	printf("announce %d\n", with_link_up);
}

static const struct vnlm_frontend_ops ops = {
	.link_up = cb_up,
	.link_down = cb_down,
	.link_settings = cb_settings,
	.mtu_change = cb_mtu,
	.announce = cb_announce,
};

int main(int argc, char **argv)
{
	struct vnlm_frontend fe;
	int i;

	vnlm_frontend_init(&fe, region, &ops, NULL, rmb, NULL, 3);
	for (i = 1; i < argc; i++) {
		unsigned int seq, status, mtu, speed, duplex;

		if (!strcmp(argv[i], "p")) {
			int r = vnlm_frontend_poll(&fe);

			printf("poll %d\n", r);
		} else if (!strcmp(argv[i], "new")) {
			vnlm_frontend_init(&fe, region, &ops, NULL, rmb, NULL, 3);
		} else if (sscanf(argv[i], "w,%u,%u,%u,%u,%u", &seq, &status, &mtu, &speed,
				  &duplex) == 5) {
			put32(VNLM_SYNC_MAGIC_OFF, VNLM_SYNC_MAGIC);
			put32(VNLM_SYNC_SEQ, seq);
			put16(VNLM_CFG_STATUS, status);
			put16(VNLM_CFG_MTU, mtu);
			put32(VNLM_CFG_SPEED, speed);
			region[VNLM_CFG_DUPLEX] = duplex;
		} else {
			fprintf(stderr, "bad step %s\n", argv[i]);
			return 2;
		}
	}
	printf("failed %u announces %u\n", fe.failed_reads, fe.announces);
	return 0;
}

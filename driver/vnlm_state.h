/* SPDX-License-Identifier: GPL-2.0-only */
/* What the RTOS is told, computed from what Linux knows of the uplink. */
#ifndef VNLM_STATE_H
#define VNLM_STATE_H

#include <linux/types.h>

/**
 * struct vnlm_uplink_facts - the uplink as Linux sees it at one event
 * @present: a netdev is being followed
 * @running: administratively up and not going down
 * @oper_up: operationally up (RFC 2863) and the carrier on now (the
 *	operstate lags a lost carrier by linkwatch's delay)
 * @mtu: the uplink's MTU
 * @speed: ethtool speed in Mbit/s, or SPEED_UNKNOWN
 * @duplex: ethtool DUPLEX_HALF, DUPLEX_FULL or DUPLEX_UNKNOWN
 */
struct vnlm_uplink_facts {
	bool present;
	bool running;
	bool oper_up;
	u32 mtu;
	u32 speed;
	u8 duplex;
};

/**
 * struct vnlm_link_state - what one config region says, CPU byte order
 * @status: VNLM_S_LINK_UP and VNLM_S_ANNOUNCE bits
 * @mtu: mirrored MTU, VNLM_MTU_MIN-VNLM_MTU_MAX, or VNLM_MTU_UNKNOWN
 * @speed: Mbit/s or VNLM_SPEED_UNKNOWN
 * @duplex: VNLM_DUPLEX_*
 */
struct vnlm_link_state {
	u16 status;
	u16 mtu;
	u32 speed;
	u8 duplex;
};

void vnlm_compute_state(const struct vnlm_uplink_facts *facts,
			const struct vnlm_link_state *prev, bool announce,
			bool hold, struct vnlm_link_state *next);
bool vnlm_state_equal(const struct vnlm_link_state *a,
		      const struct vnlm_link_state *b);
void vnlm_state_fail_safe(struct vnlm_link_state *state);

#endif /* VNLM_STATE_H */

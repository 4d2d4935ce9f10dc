// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mirrored state as a pure function of the uplink's facts, kept apart
 * from netdev and register access so that it can be unit tested.
 */
#include <linux/ethtool.h>
#include <linux/kernel.h>

#include "vnet-link-mirror/shm.h"
#include "vnlm_compat.h"
#include "vnlm_state.h"

/**
 * vnlm_compute_state() - the config an RTOS should read for these facts
 * @facts: the uplink now
 * @prev: what the RTOS can read now
 * @announce: raise VNLM_S_ANNOUNCE when the link comes up
 * @hold: an ANNOUNCE raised earlier is still within its hold time
 * @next: filled with the new state
 *
 * The link is up only when the uplink is present, running and
 * operationally up: admin down with the carrier still on is down.  Speed
 * and duplex are only meaningful while up; values ethtool would not report
 * become the virtio "unknown" values.
 *
 * ANNOUNCE is raised on a down-to-up transition and kept only while @hold:
 * a virtio frontend announces on every config interrupt that finds it set,
 * so the first publish after the hold time clears it.
 *
 * The MTU is the uplink's, clamped to what the virtio specification allows
 * (68-65535), or VNLM_MTU_UNKNOWN (0) while no uplink is followed.
 */
void vnlm_compute_state(const struct vnlm_uplink_facts *facts,
			const struct vnlm_link_state *prev, bool announce,
			bool hold, struct vnlm_link_state *next)
{
	bool up = facts->present && facts->running && facts->oper_up;

	next->mtu = VNLM_MTU_UNKNOWN;
	if (facts->present)
		next->mtu = clamp_t(u32, facts->mtu, VNLM_MTU_MIN, VNLM_MTU_MAX);
	next->status = 0;
	next->speed = VNLM_SPEED_UNKNOWN;
	next->duplex = VNLM_DUPLEX_UNKNOWN;
	if (!up)
		return;

	next->status = VNLM_S_LINK_UP;
	if (announce && (!(prev->status & VNLM_S_LINK_UP) ||
			 (hold && (prev->status & VNLM_S_ANNOUNCE))))
		next->status |= VNLM_S_ANNOUNCE;
	if (ethtool_validate_speed(facts->speed) && facts->speed != SPEED_UNKNOWN)
		next->speed = facts->speed;
	if (facts->duplex == DUPLEX_HALF)
		next->duplex = VNLM_DUPLEX_HALF;
	else if (facts->duplex == DUPLEX_FULL)
		next->duplex = VNLM_DUPLEX_FULL;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_compute_state);

/**
 * vnlm_state_equal() - whether two states read the same to the RTOS
 * @a: one state
 * @b: the other
 *
 * Return: true when no field the RTOS reads differs.
 */
bool vnlm_state_equal(const struct vnlm_link_state *a,
		      const struct vnlm_link_state *b)
{
	return a->status == b->status && a->mtu == b->mtu &&
	       a->speed == b->speed && a->duplex == b->duplex;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_state_equal);

/**
 * vnlm_state_fail_safe() - the state left behind when nobody mirrors
 * @state: filled with link down, unknown MTU, speed and duplex
 */
void vnlm_state_fail_safe(struct vnlm_link_state *state)
{
	state->status = 0;
	state->mtu = VNLM_MTU_UNKNOWN;
	state->speed = VNLM_SPEED_UNKNOWN;
	state->duplex = VNLM_DUPLEX_UNKNOWN;
}

VNLM_EXPORT_FOR_KUNIT(vnlm_state_fail_safe);

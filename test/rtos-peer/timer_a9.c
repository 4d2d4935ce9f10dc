// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Cortex-A9 MPCore global timer as the peer's counter and heartbeat,
 * on a core without the Arm generic timer.  The 64-bit counter, its
 * enable and prescaler are shared by every core; the comparator, its
 * enables and the event flag are banked per core, so the peer's heartbeat
 * is its own and does not disturb Linux's use of the timer, if any.
 */
#include "hw.h"

#define GT_COUNTER_LO		0x00
#define GT_COUNTER_HI		0x04
#define GT_CONTROL		0x08
#define GT_CTRL_TIMER_EN	(1u << 0)	/* shared */
#define GT_CTRL_COMP_EN		(1u << 1)	/* banked */
#define GT_CTRL_IRQ_EN		(1u << 2)	/* banked */
#define GT_CTRL_AUTO_INC	(1u << 3)	/* banked */
#define GT_CTRL_PRESCALER(c)	(((c) >> 8) & 0xff)	/* shared */
#define GT_INT_STATUS		0x0c		/* event flag, write 1 to clear */
#define GT_COMPARATOR_LO	0x10
#define GT_COMPARATOR_HI	0x14

#define GT(reg)			(BOARD_A9_GTIMER_BASE + (reg))

/* The two halves are not read atomically: retry across a carry. */
uint64_t counter_read(void)
{
	uint32_t hi, lo, hi2;

	hi = rd32(GT(GT_COUNTER_HI));
	for (;;) {
		lo = rd32(GT(GT_COUNTER_LO));
		hi2 = rd32(GT(GT_COUNTER_HI));
		if (hi == hi2)
			return (uint64_t)hi << 32 | lo;
		hi = hi2;
	}
}

/* n / d by shift and subtract: the A9 has no divide instruction, the peer no libgcc. */
static uint32_t udiv32(uint32_t n, uint32_t d)
{
	uint32_t q = 0, r = 0;
	int i;

	for (i = 31; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1u << i;
		}
	}
	return q;
}

uint32_t counter_hz(void)
{
	return udiv32(BOARD_A9_GTIMER_HZ, GT_CTRL_PRESCALER(rd32(GT(GT_CONTROL))) + 1);
}

/*
 * The next heartbeat @ticks from now: the comparator is written with its
 * enable off (the A9 TRM's sequence), the event flag cleared (it holds the
 * interrupt until then), and the counter started if nobody had started it.
 */
void heartbeat_arm(uint32_t ticks)
{
	uint32_t ctrl = rd32(GT(GT_CONTROL));
	uint64_t next;

	ctrl &= ~(GT_CTRL_COMP_EN | GT_CTRL_IRQ_EN | GT_CTRL_AUTO_INC);
	wr32(GT(GT_CONTROL), ctrl);
	wr32(GT(GT_INT_STATUS), 1);
	next = counter_read() + ticks;
	wr32(GT(GT_COMPARATOR_LO), (uint32_t)next);
	wr32(GT(GT_COMPARATOR_HI), (uint32_t)(next >> 32));
	wr32(GT(GT_CONTROL), ctrl | GT_CTRL_TIMER_EN | GT_CTRL_COMP_EN | GT_CTRL_IRQ_EN);
}

/* SPDX-License-Identifier: GPL-2.0-only */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vnet_link_mirror

#if !defined(VNLM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VNLM_TRACE_H

#include <linux/device.h>
#include <linux/netdevice.h>
#include <linux/tracepoint.h>

#include "vnlm.h"
#include "vnlm_compat.h"

TRACE_EVENT(vnlm_event,
	    TP_PROTO(const struct vnlm_mirror *mirror,
		     const struct net_device *ndev, unsigned long event),
	TP_ARGS(mirror, ndev, event),
	TP_STRUCT__entry(__string(mirror, dev_name(mirror->dev))
			 __string(uplink, ndev->name)
			 __string(event, netdev_cmd_to_name(event))
			 __field(bool, following)
	),
	TP_fast_assign(vnlm_assign_str(mirror, dev_name(mirror->dev));
		       vnlm_assign_str(uplink, ndev->name);
		       vnlm_assign_str(event, netdev_cmd_to_name(event));
		       __entry->following = mirror->uplink == ndev;
	),
	TP_printk("%s: %s %s%s", __get_str(mirror), __get_str(uplink),
		  __get_str(event),
		  __entry->following ? "" : " (released)")
);

TRACE_EVENT(vnlm_doorbell,
	    TP_PROTO(const struct vnlm_mirror *mirror, u64 stamp),
	TP_ARGS(mirror, stamp),
	TP_STRUCT__entry(__string(mirror, dev_name(mirror->dev))
			 __field(u32, seq)
			 __field(u16, status)
			 __field(u16, mtu)
			 __field(u32, speed)
			 __field(u8, duplex)
			 __field(u32, sgi)
			 __field(u64, stamp)
			 __field(u32, window)
			 __field(u32, word)
			 __field(int, outcome)
	),
	TP_fast_assign(vnlm_assign_str(mirror, dev_name(mirror->dev));
		       __entry->seq = mirror->seq;
		       __entry->status = mirror->published.status;
		       __entry->mtu = mirror->published.mtu;
		       __entry->speed = mirror->published.speed;
		       __entry->duplex = mirror->published.duplex;
		       __entry->sgi = mirror->params.sgi;
		       __entry->stamp = stamp;
		       __entry->window = mirror->window;
		       __entry->word = (u32)u64_stats_read(&mirror->doorbells);
		       __entry->outcome = mirror->last_outcome;
	),
	TP_printk("%s: seq=%u status=0x%x mtu=%u speed=%u duplex=0x%x sgi=%u stamp=%llu window=%u word=%u %s",
		  __get_str(mirror), __entry->seq, __entry->status, __entry->mtu,
		  __entry->speed, __entry->duplex, __entry->sgi, __entry->stamp,
		  __entry->window, __entry->word, __print_symbolic(__entry->outcome,
						  { VNLM_RING_SENT, "sent" },
						  { VNLM_RING_BUSY, "busy" },
						  { VNLM_RING_FULL, "full" },
						  { VNLM_RING_GONE, "gone" }))
);

/* A mailbox doorbell's end: @r 0 delivered, -ETIME undelivered for the TX
 * timeout (@word 0: checked by our timer), another errno from the controller.
 */
TRACE_EVENT(vnlm_mbox_tx_done,
	    TP_PROTO(const char *mirror, u32 word, int r),
	TP_ARGS(mirror, word, r),
	TP_STRUCT__entry(__string(mirror, mirror)
			 __field(u32, word)
			 __field(int, r)
	),
	TP_fast_assign(vnlm_assign_str(mirror, mirror);
		       __entry->word = word;
		       __entry->r = r;
	),
	TP_printk("%s: word=%u r=%d", __get_str(mirror), __entry->word, __entry->r)
);

#endif /* VNLM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vnlm_trace
#include <trace/define_trace.h>

/* SPDX-License-Identifier: GPL-2.0-only */
/* vnet-link-mirror: one mirror per DT node, private to the driver. */
#ifndef VNLM_H
#define VNLM_H

#include <linux/if.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include "vnlm_clock.h"
#include "vnlm_compat.h"
#include "vnlm_doorbell.h"
#include "vnlm_state.h"

/**
 * struct vnlm_params - one instance as its DT node describes it
 * @uplink_name: linux,uplink, or empty
 * @uplink_np: the ethernet phandle's node (a reference is held), or NULL;
 *	it wins over @uplink_name
 * @backend_name: linux,backend given as a name, or empty
 * @backend_np: linux,backend given as a phandle: its node (a reference is
 *	held), or NULL
 * @has_backend: linux,backend is present
 * @doorbell: which doorbell the node describes
 * @target_mpidr: linux,target-cpu
 * @gic_iface: GICv2: linux,gic-cpu-interface, or -1 when absent (Aff0 is used)
 * @sgi: linux,doorbell-sgi
 * @start_enabled: false when linux,notify-disabled is present
 * @announce: linux,link-up-announce
 * @announce_hold_ms: linux,announce-hold-ms
 * @region: the memory-region's (or sram's) physical range the instance owns
 * @sram_pool: the genalloc pool of the sram node @region is in, or NULL for
 *	a reserved-memory region
 */
struct vnlm_params {
	char uplink_name[IFNAMSIZ];
	struct device_node *uplink_np;
	char backend_name[IFNAMSIZ];
	struct device_node *backend_np;
	bool has_backend;
	enum vnlm_doorbell_kind doorbell;
	u64 target_mpidr;
	int gic_iface;
	u32 sgi;
	bool start_enabled;
	bool announce;
	u32 announce_hold_ms;
	struct resource region;
	struct gen_pool *sram_pool;
};

/**
 * struct vnlm_mirror - one mirror instance
 * @dev: the platform device
 * @list: entry in the list of mirrors the notifier walks (RTNL)
 * @params: from the DT node
 * @shm: the mapped shared region
 * @doorbell: the prepared doorbell
 * @clock: the counter event stamps and the publish window are read from
 * @uplink: the netdev followed, held with @uplink_tracker, or NULL (RTNL)
 * @uplink_tracker: reference tracker for @uplink
 * @uplink_speed: @uplink's speed at the last reading of its link settings
 * @uplink_duplex: its duplex then (both RTNL)
 * @backend: the backend netdev, held with @backend_tracker, or NULL (RTNL)
 * @backend_tracker: reference tracker for @backend
 * @backend_held: the mirror turned @backend's carrier off and owes it
 *	back (RTNL)
 * @backend_yielded: @backend's driver set its carrier on during a hold; not
 *	taken again until the mirrored link changes or @backend comes up (RTNL)
 * @enabled: mirroring is on (written under RTNL)
 * @live: on the notifier's list; false once stopped or shut down (RTNL)
 * @suspended: the system is suspended; nothing is published (RTNL)
 * @owned: this instance has written the region (RTNL)
 * @published: what the RTOS can read now (RTNL)
 * @seq: the generation counter last written (RTNL)
 * @announce_until: jiffies when a raised ANNOUNCE may be cleared (RTNL)
 * @announce_work: clears ANNOUNCE once its hold time is over
 * @window: @clock ticks the last publish kept the generation odd (RTNL)
 * @events: uplink events seen (written under RTNL)
 * @doorbells: doorbells raised (written under RTNL)
 * @syncp: lets sysfs read @events and @doorbells whole on 32-bit CPUs
 * @last_outcome: what became of the last one (RTNL)
 */
struct vnlm_mirror {
	struct device *dev;
	struct list_head list;
	struct vnlm_params params;
	void __iomem *shm;
	struct vnlm_doorbell doorbell;
	struct vnlm_clock clock;
	struct net_device *uplink;
	netdevice_tracker uplink_tracker;
	u32 uplink_speed;
	u8 uplink_duplex;
	struct net_device *backend;
	netdevice_tracker backend_tracker;
	bool backend_held;
	bool backend_yielded;
	bool enabled;
	bool live;
	bool suspended;
	bool owned;
	struct vnlm_link_state published;
	u32 seq;
	unsigned long announce_until;
	struct delayed_work announce_work;
	u32 window;
	u64_stats_t events;
	u64_stats_t doorbells;
	struct u64_stats_sync syncp;
	enum vnlm_ring_outcome last_outcome;
};

/* vnlm_dt.c */
int vnlm_parse_doorbell_kind(struct device *dev, enum vnlm_doorbell_kind *kind);
int vnlm_parse_params(struct device *dev, const struct vnlm_gic *gic,
		      struct vnlm_params *params);

void __iomem *vnlm_claim_sram(struct device *dev, const struct vnlm_params *params);

/* vnlm_mirror.c */
void vnlm_mirror_start(struct vnlm_mirror *mirror);
void vnlm_mirror_stop(struct vnlm_mirror *mirror);
void vnlm_mirror_set_enabled(struct vnlm_mirror *mirror, bool enabled);
void vnlm_mirror_suspend(struct vnlm_mirror *mirror);
void vnlm_mirror_resume(struct vnlm_mirror *mirror);
int vnlm_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr);

/* vnlm_shm.c */
u32 vnlm_shm_init(void __iomem *shm, const struct vnlm_link_state *state, u16 clock,
		  u32 doorbells);
u32 vnlm_shm_publish(void __iomem *shm, const struct vnlm_clock *clock, u32 seq,
		     const struct vnlm_link_state *state, u64 stamp,
		     u32 doorbells);

/* vnlm_sysfs.c */
extern const struct attribute_group *vnlm_groups[];

#endif /* VNLM_H */

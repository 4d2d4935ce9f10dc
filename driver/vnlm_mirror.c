// SPDX-License-Identifier: GPL-2.0-only
/*
 * Following the uplinks.
 *
 * One netdevice notifier serves every mirror: an unrelated netdev event
 * costs one walk of a short list instead of one notifier call per
 * instance.  Everything here runs under RTNL, which is also what keeps the
 * followed netdev from changing under us: the notifier chain runs with it
 * held, and probe, remove and sysfs take it.
 *
 * What the notifier reads of the uplink goes by what its caller holds.
 * Since 6.15 a device whose ops are locked by its instance lock (queue
 * management, shapers, or requested: dummy) is notified of NETDEV_UP,
 * CHANGE, CHANGENAME and REGISTER with that lock held
 * (Documentation/networking/netdevices.rst); of the other events nothing is
 * promised.  Its link settings are read with the lock already held on the
 * first four, taking it (RTNL only is held) outside the notifier, and not
 * at all on the others: an MTU change keeps the speed and duplex last read,
 * and going down needs neither.
 *
 * Uplinks are followed in init_net only.  A move to another namespace is
 * seen as NETDEV_UNREGISTER with the device alive; the mirror lets go of it
 * then (it must not pin a device in someone else's namespace) and picks it
 * up again from NETDEV_REGISTER if it comes back.
 */
#include <linux/device.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "vnet-link-mirror/shm.h"
#include "vnlm.h"
#include "vnlm_trace.h"

static LIST_HEAD(vnlm_mirrors);

/* @ndev is the netdev @np (a DT node, which wins) or @name designates. */
static bool netdev_is(const char *name, const struct device_node *np,
		      const struct net_device *ndev)
{
	const struct device *d;

	if (!net_eq(dev_net(ndev), &init_net))
		return false;
	if (!np)
		return !strcmp(ndev->name, name);

	/* A NIC's DT node is that of the first ancestor that has one. */
	for (d = &ndev->dev; d; d = d->parent)
		if (d->of_node)
			return d->of_node == np;
	return false;
}

static struct net_device *netdev_find(const char *name, const struct device_node *np)
{
	struct net_device *ndev;

	if (!np)
		return __dev_get_by_name(&init_net, name);
	for_each_netdev(&init_net, ndev)
		if (netdev_is(name, np, ndev))
			return ndev;
	return NULL;
}

static bool uplink_matches(const struct vnlm_mirror *mirror,
			   const struct net_device *ndev)
{
	return netdev_is(mirror->params.uplink_name, mirror->params.uplink_np, ndev);
}

static bool backend_matches(const struct vnlm_mirror *mirror,
			    const struct net_device *ndev)
{
	return mirror->params.has_backend &&
	       netdev_is(mirror->params.backend_name, mirror->params.backend_np, ndev);
}

/* How the uplink's link settings may be read where the mirror syncs. */
enum ks_access {
	KS_TAKE_LOCK,	/* RTNL only: the helper takes the uplink's ops lock */
	KS_LOCK_HELD,	/* a notifier its caller runs with that lock held */
	KS_KEEP,	/* a notifier with no lock promised: the last reading */
};

static enum ks_access ks_access_in(unsigned long event)
{
	switch (event) {
	case NETDEV_UP:
	case NETDEV_CHANGE:
	case NETDEV_CHANGENAME:
	case NETDEV_REGISTER:
		return KS_LOCK_HELD;
	default:
		return KS_KEEP;
	}
}

static void uplink_adopt(struct vnlm_mirror *mirror, struct net_device *ndev)
{
	netdev_hold(ndev, &mirror->uplink_tracker, GFP_KERNEL);
	mirror->uplink = ndev;
	mirror->uplink_speed = SPEED_UNKNOWN;
	mirror->uplink_duplex = DUPLEX_UNKNOWN;
	dev_dbg(mirror->dev, "following %s\n", netdev_name(ndev));
}

static void uplink_release(struct vnlm_mirror *mirror)
{
	dev_dbg(mirror->dev, "no longer following %s\n",
		netdev_name(mirror->uplink));
	netdev_put(mirror->uplink, &mirror->uplink_tracker);
	mirror->uplink = NULL;
}

static struct net_device *uplink_find(const struct vnlm_mirror *mirror)
{
	return netdev_find(mirror->params.uplink_name, mirror->params.uplink_np);
}

/* The uplink's speed and duplex into the mirror's reading of them. */
static void uplink_read_ksettings(struct vnlm_mirror *mirror, enum ks_access access)
{
	struct net_device *ndev = mirror->uplink;
	struct ethtool_link_ksettings ks;
	int ret;

	if (access == KS_KEEP)
		return;
	if (access == KS_LOCK_HELD)
		ret = netif_get_link_ksettings(ndev, &ks);
	else
		ret = __ethtool_get_link_ksettings(ndev, &ks);
	mirror->uplink_speed = ret ? SPEED_UNKNOWN : ks.base.speed;
	mirror->uplink_duplex = ret ? DUPLEX_UNKNOWN : ks.base.duplex;
}

static void uplink_facts(struct vnlm_mirror *mirror, bool going_down,
			 enum ks_access access, struct vnlm_uplink_facts *facts)
{
	struct net_device *ndev = mirror->uplink;

	facts->present = !!ndev;
	facts->speed = SPEED_UNKNOWN;
	facts->duplex = DUPLEX_UNKNOWN;
	if (!ndev) {
		facts->running = false;
		facts->oper_up = false;
		facts->mtu = 0;
		return;
	}
	facts->running = netif_running(ndev) && !going_down;
	/* The operstate follows the carrier through linkwatch, up to a second
	 * later (and later still across a suspend): a carrier already lost is
	 * down, whatever the operstate says yet.
	 */
	facts->oper_up = netif_oper_up(ndev) && netif_carrier_ok(ndev);
	facts->mtu = READ_ONCE(ndev->mtu);
	if (facts->running && facts->oper_up) {
		uplink_read_ksettings(mirror, access);
		facts->speed = mirror->uplink_speed;
		facts->duplex = mirror->uplink_duplex;
	}
}

/*
 * The backend (linux,backend): the Linux-side netdev that stands for the
 * RTOS's link.  It follows the mirrored link the way a stacked device
 * follows its lower one (netif_stacked_transfer_operstate()): by its
 * carrier.  While the RTOS is told link down, the mirror holds the
 * backend's carrier off, and the kernel's RFC 2863 policy derives the
 * operstate a user reads (LOWERLAYERDOWN where it can tell a lower layer,
 * DOWN with NO-CARRIER otherwise); bridges and routing see a port without
 * carrier.  The mirror takes hold only of a carrier that is on, and gives
 * it back (on) when the link is mirrored up again, when mirroring is
 * switched off, at remove and shutdown, when it lets go of the device, and
 * when the backend is taken down (NETDEV_GOING_DOWN, before its driver's
 * ndo_stop: a rename or a namespace move closes it first); it takes hold
 * again when the backend comes up while the link is mirrored down.
 *
 * The backend's own driver keeps the last word: if it sets the carrier on
 * while the mirror holds it off, the hold ends there and is not taken
 * again until the mirrored link next changes or the backend is brought up
 * again.  A carrier-off by that driver during the hold cannot be seen (the
 * carrier is already off), so the give-back turns on a carrier its driver
 * may have turned off meanwhile.
 */
static void backend_adopt(struct vnlm_mirror *mirror, struct net_device *ndev)
{
	netdev_hold(ndev, &mirror->backend_tracker, GFP_KERNEL);
	mirror->backend = ndev;
	mirror->backend_held = false;
	mirror->backend_yielded = false;
	dev_dbg(mirror->dev, "backend %s\n", netdev_name(ndev));
}

static void backend_give_back(struct vnlm_mirror *mirror)
{
	if (!mirror->backend_held)
		return;
	mirror->backend_held = false;
	netif_carrier_on(mirror->backend);
}

static void backend_release(struct vnlm_mirror *mirror)
{
	/* An unregistration in progress needs nothing back; a device moving
	 * to another namespace is still registered and gets its carrier.
	 */
	if (mirror->backend->reg_state == NETREG_REGISTERED)
		backend_give_back(mirror);
	mirror->backend_held = false;
	dev_dbg(mirror->dev, "no longer backend %s\n", netdev_name(mirror->backend));
	netdev_put(mirror->backend, &mirror->backend_tracker);
	mirror->backend = NULL;
}

/* The backend's carrier after what the RTOS was last told. */
static void backend_sync(struct vnlm_mirror *mirror)
{
	struct net_device *ndev = mirror->backend;
	bool hold;

	if (!ndev || mirror->suspended)
		return;
	hold = mirror->enabled && mirror->live && mirror->owned &&
	       !mirror->backend_yielded && ndev != mirror->uplink &&
	       !(mirror->published.status & VNLM_S_LINK_UP);
	if (hold && !mirror->backend_held && netif_running(ndev) &&
	    netif_carrier_ok(ndev)) {
		mirror->backend_held = true;
		netif_carrier_off(ndev);
	} else if (!hold) {
		backend_give_back(mirror);
	}
}

/* A netdev event that may concern the backend. */
static void backend_event(struct vnlm_mirror *mirror, struct net_device *ndev,
			  unsigned long event)
{
	if (mirror->backend == ndev) {
		if (event == NETDEV_UNREGISTER ||
		    (event == NETDEV_CHANGENAME && !backend_matches(mirror, ndev))) {
			backend_release(mirror);
			return;
		}
		if (event == NETDEV_GOING_DOWN) {
			/* Given back before ndo_stop, which may set its own
			 * (veth: off); ndo_open sets it again before NETDEV_UP.
			 */
			backend_give_back(mirror);
			return;
		}
		if (mirror->backend_held && netif_carrier_ok(ndev)) {
			/* its driver set the carrier on: it has the last word */
			mirror->backend_held = false;
			mirror->backend_yielded = true;
		}
		if (event == NETDEV_UP)
			mirror->backend_yielded = false;
	} else if (!mirror->backend &&
		   (event == NETDEV_REGISTER || event == NETDEV_CHANGENAME) &&
		   backend_matches(mirror, ndev)) {
		backend_adopt(mirror, ndev);
	} else {
		return;
	}
	backend_sync(mirror);
}

/* The first write to a region makes it ours: until then (linux,notify-disabled
 * and never switched on) nothing in it is touched.
 */
static void mirror_claim(struct vnlm_mirror *mirror)
{
	struct vnlm_link_state init;

	if (mirror->owned)
		return;
	vnlm_state_fail_safe(&init);
	mirror->seq = vnlm_shm_init(mirror->shm, &init, mirror->clock.kind,
				    (u32)u64_stats_read(&mirror->doorbells));
	mirror->published = init;
	mirror->owned = true;
}

/* One more of @counter (RTNL serialises the writers).  Not preemptible
 * meanwhile: on a 32-bit CPU a reader would spin until the update ends.
 */
static void mirror_count(struct vnlm_mirror *mirror, u64_stats_t *counter)
{
	preempt_disable();
	u64_stats_update_begin(&mirror->syncp);
	u64_stats_inc(counter);
	u64_stats_update_end(&mirror->syncp);
	preempt_enable();
}

static void mirror_publish(struct vnlm_mirror *mirror,
			   const struct vnlm_link_state *state, u64 stamp)
{
	bool raised = (state->status & VNLM_S_ANNOUNCE) &&
		      !(mirror->published.status & VNLM_S_ANNOUNCE);
	u32 word;

	mirror_count(mirror, &mirror->doorbells);
	word = (u32)u64_stats_read(&mirror->doorbells);
	/* From the odd generation to the doorbell, nothing may run on this
	 * CPU: a reader spinning on the odd generation would wait for as long
	 * as a higher-priority task (PREEMPT, PREEMPT_RT) kept us off it.
	 */
	preempt_disable();
	mirror->window = vnlm_shm_publish(mirror->shm, &mirror->clock,
					  mirror->seq, state, stamp, word);
	mirror->seq += 2;
	mirror->published = *state;
	if (vnlm_doorbell_atomic(&mirror->doorbell)) {
		mirror->last_outcome = vnlm_doorbell_ring(&mirror->doorbell, word);
		/* inside the window: the event's preempt depth shows it closed */
		trace_vnlm_doorbell(mirror, stamp);
		preempt_enable();
	} else {
		/* The mailbox framework takes spinlock_t, a sleeping lock on
		 * PREEMPT_RT: the generation is even again before the send.
		 */
		preempt_enable();
		mirror->last_outcome = vnlm_doorbell_ring(&mirror->doorbell, word);
		trace_vnlm_doorbell(mirror, stamp);
	}
	if (raised) {
		/* + 1: a raise late in a jiffy would otherwise be cleared up
		 * to one tick (4 ms at HZ=250) before the hold is over
		 */
		unsigned long hold = msecs_to_jiffies(mirror->params.announce_hold_ms) + 1;

		mirror->announce_until = jiffies + hold;
		mod_delayed_work(system_wq, &mirror->announce_work, hold);
	}
}

static bool announce_held(const struct vnlm_mirror *mirror)
{
	return time_before(jiffies, mirror->announce_until);
}

/* Ring only when what the RTOS can read changes, unless @force: switching
 * mirroring on promises the RTOS a fresh doorbell.  @access: how the
 * caller lets the uplink's link settings be read.
 */
static void mirror_sync(struct vnlm_mirror *mirror, bool going_down,
			enum ks_access access, u64 stamp, bool force)
{
	struct vnlm_uplink_facts facts;
	struct vnlm_link_state next;

	if (!mirror->enabled || !mirror->live || mirror->suspended)
		goto backend;
	mirror_claim(mirror);
	uplink_facts(mirror, going_down, access, &facts);
	vnlm_compute_state(&facts, &mirror->published, mirror->params.announce,
			   announce_held(mirror), &next);
	if (!force && vnlm_state_equal(&next, &mirror->published))
		goto backend;
	/* a change of the mirrored link ends the backend driver's last word */
	if ((next.status ^ mirror->published.status) & VNLM_S_LINK_UP)
		mirror->backend_yielded = false;
	mirror_publish(mirror, &next, stamp);
backend:
	backend_sync(mirror);
}

/* A sync from outside the notifier, where RTNL alone is held. */
static void mirror_resync(struct vnlm_mirror *mirror, bool force)
{
	mirror_sync(mirror, false, KS_TAKE_LOCK, vnlm_clock_read(&mirror->clock), force);
}

static void mirror_announce_work(struct work_struct *work)
{
	struct vnlm_mirror *mirror = container_of(to_delayed_work(work),
						  struct vnlm_mirror,
						  announce_work);

	rtnl_lock();
	if (mirror->published.status & VNLM_S_ANNOUNCE) {
		if (announce_held(mirror))
			mod_delayed_work(system_wq, &mirror->announce_work,
					 mirror->announce_until - jiffies);
		else
			mirror_resync(mirror, false);
	}
	rtnl_unlock();
}

/* Link down, with a doorbell, if this instance ever wrote the region. */
static void mirror_leave_down(struct vnlm_mirror *mirror)
{
	struct vnlm_link_state down;

	if (!mirror->owned)
		return;
	vnlm_state_fail_safe(&down);
	mirror_publish(mirror, &down, vnlm_clock_read(&mirror->clock));
}

/**
 * vnlm_mirror_start() - start following the uplink and sync once
 * @mirror: a mirror whose region is mapped and doorbell prepared
 *
 * The uplink need not exist yet; the notifier picks it up when it does.
 * With mirroring switched off the region is not touched.
 * Context: RTNL held.
 */
void vnlm_mirror_start(struct vnlm_mirror *mirror)
{
	struct net_device *ndev;

	ASSERT_RTNL();
	INIT_DELAYED_WORK(&mirror->announce_work, mirror_announce_work);
	u64_stats_init(&mirror->syncp);
	mirror->enabled = mirror->params.start_enabled;
	mirror->live = true;
	list_add_tail(&mirror->list, &vnlm_mirrors);

	ndev = uplink_find(mirror);
	if (ndev)
		uplink_adopt(mirror, ndev);
	if (mirror->params.has_backend) {
		ndev = netdev_find(mirror->params.backend_name, mirror->params.backend_np);
		if (ndev)
			backend_adopt(mirror, ndev);
	}
	mirror_resync(mirror, true);
}

/**
 * vnlm_mirror_stop() - let go of the uplink and leave the link down
 * @mirror: a started mirror; stopping twice is harmless
 *
 * The backend, if any, gets back the carrier the mirror held off.
 * The RTOS is told link down whatever the notify switch says: with nobody
 * mirroring, "up" could only become a lie.  A region this instance never
 * wrote (linux,notify-disabled, never switched on) is left untouched.
 * Used by remove and by .shutdown (reboot, poweroff, kexec).  The caller
 * cancels @announce_work after dropping RTNL.
 * Context: RTNL held.
 */
void vnlm_mirror_stop(struct vnlm_mirror *mirror)
{
	ASSERT_RTNL();
	if (!mirror->live)
		return;
	mirror->live = false;
	list_del(&mirror->list);
	if (mirror->uplink)
		uplink_release(mirror);
	if (mirror->backend)
		backend_release(mirror);
	mirror_leave_down(mirror);
}

/**
 * vnlm_mirror_suspend() - tell the RTOS link down while Linux sleeps
 * @mirror: a started mirror
 *
 * Linux forwards nothing while suspended, so "up" would be a lie; events
 * until resume are not published.  As at remove, this holds whatever the
 * notify switch says, for a region this instance has written.
 * Context: RTNL held.
 */
void vnlm_mirror_suspend(struct vnlm_mirror *mirror)
{
	ASSERT_RTNL();
	if (!mirror->live)
		return;
	mirror_leave_down(mirror);
	mirror->suspended = true;
}

/**
 * vnlm_mirror_resume() - publish the uplink's state again, with a doorbell
 * @mirror: a mirror; nothing happens unless vnlm_mirror_suspend() took it
 *	down
 *
 * Called once every device has resumed (the PM core's complete phase), so
 * that the uplink's own resume has run and its state is the NIC's.
 * Context: RTNL held.
 */
void vnlm_mirror_resume(struct vnlm_mirror *mirror)
{
	ASSERT_RTNL();
	if (!mirror->suspended)
		return;
	mirror->suspended = false;
	/* While this kernel slept, another may have written the region: the
	 * boot kernel a hibernation image is restored by, with the generation
	 * it reached.  Take the region over again, continuing from what it
	 * holds, so the RTOS never sees the generation go back.
	 */
	mirror->owned = false;
	mirror_resync(mirror, true);
}

/**
 * vnlm_mirror_set_enabled() - switch mirroring on or off
 * @mirror: a started mirror
 * @enabled: the new setting; switching on resyncs and rings at once
 *
 * Context: RTNL held.
 */
void vnlm_mirror_set_enabled(struct vnlm_mirror *mirror, bool enabled)
{
	bool was = mirror->enabled;

	ASSERT_RTNL();
	WRITE_ONCE(mirror->enabled, enabled);
	if (enabled && !was)
		mirror_resync(mirror, true);
	else if (!enabled)
		backend_sync(mirror);
}

static bool event_is_followed(unsigned long event)
{
	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_UNREGISTER:
	case NETDEV_CHANGENAME:
	case NETDEV_UP:
	case NETDEV_GOING_DOWN:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_CHANGEMTU:
		return true;
	default:
		return false;
	}
}

/**
 * vnlm_netdev_event() - the netdevice notifier shared by all mirrors
 * @nb: the notifier block
 * @event: NETDEV_*
 * @ptr: struct netdev_notifier_info
 *
 * Context: RTNL held, process context.
 * Return: NOTIFY_DONE; a mirror never vetoes a netdev event.
 */
int vnlm_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *ndev = netdev_notifier_info_to_dev(ptr);
	struct vnlm_mirror *mirror;
	const struct vnlm_clock *stamped = NULL;
	u64 stamp = 0;

	if (!event_is_followed(event))
		return NOTIFY_DONE;

	list_for_each_entry(mirror, &vnlm_mirrors, list) {
		if (mirror->params.has_backend)
			backend_event(mirror, ndev, event);
		if (mirror->uplink == ndev) {
			if (event == NETDEV_UNREGISTER ||
			    (event == NETDEV_CHANGENAME &&
			     !uplink_matches(mirror, ndev)))
				uplink_release(mirror);
		} else if (!mirror->uplink &&
			   (event == NETDEV_REGISTER || event == NETDEV_CHANGENAME) &&
			   uplink_matches(mirror, ndev)) {
			uplink_adopt(mirror, ndev);
		} else {
			continue;
		}
		/* One reading per event, shared by the mirrors on one clock. */
		if (!stamped || stamped->kind != mirror->clock.kind) {
			stamped = &mirror->clock;
			stamp = vnlm_clock_read(stamped);
		}
		mirror_count(mirror, &mirror->events);
		trace_vnlm_event(mirror, ndev, event);
		mirror_sync(mirror, event == NETDEV_GOING_DOWN,
			    ks_access_in(event), stamp, false);
	}
	return NOTIFY_DONE;
}

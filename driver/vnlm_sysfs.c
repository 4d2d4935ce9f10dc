// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runtime control and inspection, one value per attribute; see
 * sysfs-driver-vnet-link-mirror for the ABI.  Counters are read without a
 * lock (single-copy atomic on 64-bit); anything a netdev event can change
 * at the same time is read under RTNL.
 */
#include <linux/device.h>
#include <linux/rtnetlink.h>
#include <linux/sysfs.h>

#include "vnet-link-mirror/shm.h"
#include "vnlm.h"
#include "vnlm_compat.h"

static struct vnlm_mirror *to_mirror(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/* The name of the netdev in *@slot (set and cleared under RTNL), or "". */
static ssize_t netdev_name_show(struct net_device *const *slot, char *buf)
{
	ssize_t len;

	rtnl_lock();
	len = sysfs_emit(buf, "%s\n", *slot ? (*slot)->name : "");
	rtnl_unlock();
	return len;
}

static ssize_t uplink_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return netdev_name_show(&to_mirror(dev)->uplink, buf);
}
static DEVICE_ATTR_RO(uplink);

static ssize_t backend_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return netdev_name_show(&to_mirror(dev)->backend, buf);
}
static DEVICE_ATTR_RO(backend);

static ssize_t backend_held_show(struct device *dev, struct device_attribute *attr,
				 char *buf)
{
	struct vnlm_mirror *mirror = to_mirror(dev);
	bool held;

	rtnl_lock();
	held = mirror->backend_held;
	rtnl_unlock();
	return sysfs_emit(buf, "%d\n", held);
}
static DEVICE_ATTR_RO(backend_held);

static ssize_t link_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct vnlm_mirror *mirror = to_mirror(dev);
	u16 status;

	rtnl_lock();
	status = mirror->published.status;
	rtnl_unlock();
	return sysfs_emit(buf, "%s\n", status & VNLM_S_LINK_UP ? "up" : "down");
}
static DEVICE_ATTR_RO(link);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct vnlm_mirror *mirror = to_mirror(dev);
	struct vnlm_link_state st;
	u32 seq;

	rtnl_lock();
	st = mirror->published;
	seq = mirror->seq;
	rtnl_unlock();
	return sysfs_emit(buf, "status=0x%x mtu=%u speed=%d duplex=0x%x seq=%u\n",
			  st.status, st.mtu, (int)st.speed, st.duplex, seq);
}
static DEVICE_ATTR_RO(state);

/* A 64-bit counter read whole, on 32-bit CPUs too. */
static u64 read_count(struct vnlm_mirror *mirror, const u64_stats_t *counter)
{
	unsigned int start;
	u64 v;

	do {
		start = u64_stats_fetch_begin(&mirror->syncp);
		v = u64_stats_read(counter);
	} while (u64_stats_fetch_retry(&mirror->syncp, start));
	return v;
}

static ssize_t events_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vnlm_mirror *mirror = to_mirror(dev);

	return sysfs_emit(buf, "%llu\n", read_count(mirror, &mirror->events));
}
static DEVICE_ATTR_RO(events);

static ssize_t doorbells_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct vnlm_mirror *mirror = to_mirror(dev);

	return sysfs_emit(buf, "%llu\n", read_count(mirror, &mirror->doorbells));
}
static DEVICE_ATTR_RO(doorbells);

#define VNLM_DOORBELL_STAT(name)					\
static ssize_t doorbell_##name##_show(struct device *dev,		\
				      struct device_attribute *attr,	\
				      char *buf)			\
{									\
	struct vnlm_mirror *mirror = to_mirror(dev);			\
									\
	return sysfs_emit(buf, "%lld\n",				\
			  (s64)atomic64_read(&mirror->doorbell.stats.name)); \
}									\
static DEVICE_ATTR_RO(doorbell_##name)

VNLM_DOORBELL_STAT(done);
VNLM_DOORBELL_STAT(busy);
VNLM_DOORBELL_STAT(full);
VNLM_DOORBELL_STAT(timeouts);
VNLM_DOORBELL_STAT(errors);

static ssize_t doorbell_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vnlm_doorbell *db = &to_mirror(dev)->doorbell;

	if (db->kind == VNLM_DOORBELL_MBOX)
		return sysfs_emit(buf, "mailbox %s\n", vnlm_mbox_controller_name(db));
	return sysfs_emit(buf, "sgi\n");
}
static DEVICE_ATTR_RO(doorbell);

static ssize_t enabled_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_mirror(dev)->enabled));
}

static ssize_t enabled_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	bool enabled;
	int ret;

	ret = kstrtobool(buf, &enabled);
	if (ret)
		return ret;
	rtnl_lock();
	vnlm_mirror_set_enabled(to_mirror(dev), enabled);
	rtnl_unlock();
	return count;
}
static DEVICE_ATTR_RW(enabled);

static struct attribute *vnlm_attrs[] = {
	&dev_attr_uplink.attr,
	&dev_attr_backend.attr,
	&dev_attr_backend_held.attr,
	&dev_attr_link.attr,
	&dev_attr_state.attr,
	&dev_attr_events.attr,
	&dev_attr_doorbells.attr,
	&dev_attr_doorbell.attr,
	&dev_attr_doorbell_done.attr,
	&dev_attr_doorbell_busy.attr,
	&dev_attr_doorbell_full.attr,
	&dev_attr_doorbell_timeouts.attr,
	&dev_attr_doorbell_errors.attr,
	&dev_attr_enabled.attr,
	NULL
};

static const struct attribute_group vnlm_group = {
	.attrs = vnlm_attrs,
};

const struct attribute_group *vnlm_groups[] = {
	&vnlm_group,
	NULL
};

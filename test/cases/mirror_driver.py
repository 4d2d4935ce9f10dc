# SPDX-License-Identifier: GPL-2.0-only
"""The mirror driver on the QEMU AMP board: every outcome asserted is what
the RTOS-side peer read from shared memory and the doorbells it took."""

import os
import re
import subprocess
import time

import board
from tap import Skip
from suite import (HOTPLUG_PORT, MMIO_UPLINK, PCI_UPLINK, Suite, driver_builtin, expect,
                   head, load_driver, peer_alive, quiet_for, records_since, sysfs,
                   wait_view)

UP = 0x1
ANNOUNCE = 0x2
SPEED_UNKNOWN = 0xFFFFFFFF
DUPLEX_FULL = 0x01
DUPLEX_UNKNOWN = 0xFF

GOOD = {  # node name -> (slot, sgi)
    "mirror-eth0-a": (0, 8),
    "mirror-eth0-b": (1, 9),
    "mirror-dummy0": (2, 10),
    "mirror-dummy1-off": (3, 11),
    "mirror-mmio-node": (4, 12),
    "mirror-eth2-hot": (5, 14),
    "mirror-tnd0": (6, 15),
}

# node name -> (property the message must name, the instance dict)
BAD = {
    "bad-sgi-range": ("linux,doorbell-sgi", dict(slot=8, sgi=16, uplink="eth0")),
    "bad-sgi-missing": ("linux,doorbell-sgi", dict(slot=9, sgi=None, uplink="eth0")),
    "bad-target-linux": ("linux,target-cpu", dict(slot=16, sgi=8, target=0x1, uplink="eth0")),
    "bad-target-missing": ("linux,target-cpu", dict(slot=19, sgi=8, target=None, uplink="eth0")),
    "bad-target-bits": ("linux,target-cpu", dict(slot=7, sgi=8, target=0x1000002, uplink="eth0")),
    "bad-sgi-string": ("linux,doorbell-sgi", dict(slot=10, sgi=None, uplink="eth0",
                                                  raw=['linux,doorbell-sgi = "8";'])),
    "bad-target-size": ("linux,target-cpu", dict(slot=11, sgi=8, target=None, uplink="eth0",
                                                 raw=["linux,target-cpu = <0 0 2>;"])),
    "bad-region-missing": ("memory-region", dict(region=None, sgi=8, uplink="eth0")),
    "bad-region-small": ("memory-region", dict(region="small_shm", sgi=8, uplink="eth0")),
    "bad-region-mapped": ("memory-region", dict(region="mapped_shm", sgi=8, uplink="eth0")),
    "bad-uplink-long": ("linux,uplink", dict(slot=12, sgi=8, uplink="averyveryverylongname0")),
    # 16 characters: one more than a netdev name can hold (IFNAMSIZ - 1)
    "bad-uplink-16": ("linux,uplink", dict(slot=25, sgi=8, uplink="abcdefghijklmnop")),
    "bad-uplink-chars": ("linux,uplink", dict(slot=13, sgi=8, uplink="eth/0")),
    "bad-uplink-none": ("linux,uplink", dict(slot=14, sgi=8)),
    "bad-uplink-cell": ("linux,uplink", dict(slot=17, sgi=8, raw=["linux,uplink = <5>;"])),
    "bad-region-string": ("memory-region", dict(region=None, sgi=8, uplink="eth0",
                                                raw=['memory-region = "vnet0_shm";'])),
    "bad-ethernet-dangling": ("ethernet", dict(slot=18, sgi=8, raw=["ethernet = <0xdead>;"])),
    "bad-offset-outside": ("memory-region", dict(region="pool_shm", offset=0xFC0, sgi=8,
                                                 uplink="eth0")),
    "bad-offset-size": ("linux,shm-offset", dict(region="pool_shm", sgi=8, uplink="eth0",
                                                 raw=["linux,shm-offset = <0 0x100>;"])),
}

# GIC-dependent nodes: node -> {gic: property the refusal names, or None
# when the node must probe}.  SGI 7: below the Secure range TF-A uses.
GIC_IFACE_SLOT = 19
GIC_NODES = {
    # The peer (CPU 2, CPU interface 2) named by interface, its MPIDR in
    # another cluster: GICv2 routes by the interface, GICv3 refuses.
    "gic-iface-peer": ({2: None, 3: "linux,gic-cpu-interface"},
                       dict(slot=GIC_IFACE_SLOT, sgi=7, target=0x100, uplink="dummy7",
                            raw=["linux,gic-cpu-interface = <2>;"])),
    # QEMU's GICv2 has SMP=3 CPU interfaces: 3 is not implemented.
    "gic-iface-absent": ({2: "linux,gic-cpu-interface", 3: "linux,gic-cpu-interface"},
                         dict(slot=20, sgi=7, target=0x100, uplink="eth0",
                              raw=["linux,gic-cpu-interface = <3>;"])),
    # Interface 1 is CPU 1's, a Linux CPU (read from its GICD_ITARGETSR0).
    "gic-iface-linux": ({2: "linux,gic-cpu-interface", 3: "linux,gic-cpu-interface"},
                        dict(slot=21, sgi=7, target=0x100, uplink="eth0",
                             raw=["linux,gic-cpu-interface = <1>;"])),
    "gic-iface-range": ({2: "linux,gic-cpu-interface", 3: "linux,gic-cpu-interface"},
                        dict(slot=22, sgi=7, target=0x100, uplink="eth0",
                             raw=["linux,gic-cpu-interface = <8>;"])),
    # No linux,gic-cpu-interface: GICv2 takes Aff0 3 as the interface,
    # which QEMU's GIC (3 interfaces) does not have.  GICv3 cannot tell an
    # MPIDR no CPU has (the redistributors are the GIC driver's): it probes,
    # on an uplink that never appears.
    "gic-target-absent": ({2: "linux,target-cpu", 3: None},
                          dict(slot=26, sgi=7, target=0x3, uplink="dummy11")),
    # Aff0 16: GICv3 needs the range selector, which QEMU's GICv3 lacks.
    "gic-target-aff0-16": ({2: "linux,target-cpu", 3: "linux,target-cpu"},
                           dict(slot=23, sgi=7, target=0x10, uplink="eth0")),
}
# Refusals only the hardware can tell (the host tool cannot read the GIC).
GIC_HW_ONLY = {2: {"gic-iface-absent", "gic-iface-linux", "gic-target-absent"},
               3: {"gic-target-aff0-16"}}

# An mmio-sram node over slot SRAM_SLOT's RAM (kept out of Linux's memory by
# a no-map reservation, as on-chip SRAM is never RAM): partition shm@0 is
# mirror-sram's, at the address the peer reads; shm@800 is taken by one of
# SRAM_DUP only (the genalloc claim); shm@c00 has no pool property.
SRAM_SLOT = 24
SRAM_BASE = board.SHM_BASE + SRAM_SLOT * board.SHM_STRIDE
SRAM_DUP = ("sram-dup-a", "sram-dup-b")
SRAM_NODES = f"""
	sram@{SRAM_BASE:x} {{
		compatible = "mmio-sram";
		reg = <0x0 0x{SRAM_BASE:x} 0x0 0x1000>;
		#address-cells = <1>;
		#size-cells = <1>;
		ranges = <0x0 0x0 0x{SRAM_BASE:x} 0x1000>;

		vnet_sram: shm@0 {{
			reg = <0x0 0x800>;
			label = "vnet-sram";
			pool;
		}};

		vnet_sram_dup: shm@800 {{
			reg = <0x800 0x400>;
			label = "vnet-sram-dup";
			pool;
		}};

		vnet_sram_nopool: shm@c00 {{
			reg = <0xc00 0x400>;
		}};
	}};"""
# GIC nodes that are not the root interrupt controller, each with a
# compatible the driver's table tries before the board's real one: a
# disabled GICv3 that would otherwise pass for a root (its own interrupt
# parent), and an available GIC-400 whose interrupt parent is the board's
# GIC.  Their registers are where QEMU has nothing: a driver that wrote
# either would fault at probe or at the first doorbell.
GIC_DECOYS = """
	gic_decoy_off: gic-decoy-off@b000000 {
		compatible = "arm,gic-v3";
		interrupt-parent = <&gic_decoy_off>;
		reg = <0x0 0x0b000000 0x0 0x10000>, <0x0 0x0b020000 0x0 0x20000>;
		interrupt-controller;
		#interrupt-cells = <3>;
		status = "disabled";
	};

	gic-decoy-nonctl@b100000 {
		compatible = "arm,gic-400";
		reg = <0x0 0x0b100000 0x0 0x1000>, <0x0 0x0b102000 0x0 0x2000>;
	};"""
SRAM_RESERVED = f"""
		sram_backing: sram-backing@{SRAM_BASE:x} {{
			reg = <0x0 0x{SRAM_BASE:x} 0x0 0x1000>;
			no-map;
		}};"""

BAD.update({
    "bad-sram-not-sram": ("sram", dict(region=None, sgi=8, uplink="eth0",
                                       raw=["sram = <&vnet0_shm>;"])),
    "bad-sram-no-pool": ("sram", dict(region=None, sgi=8, uplink="eth0",
                                      raw=["sram = <&vnet_sram_nopool>;"])),
    "bad-sram-and-region": ("sram", dict(slot=0, sgi=8, uplink="eth0",
                                         raw=["sram = <&vnet_sram>;"])),
    "bad-sram-dangling": ("sram", dict(region=None, sgi=8, uplink="eth0",
                                       raw=["sram = <0xdead>;"])),
})

# Two instances sharing one region at different offsets both probe.
POOL = {"mirror-pool-a": 0x0, "mirror-pool-b": 0x800}

# Two nodes on one region: whichever probes first keeps it.
SHARED = ("dup-region-a", "dup-region-b")
SHARED_SLOT = 15

# small_shm is too small for an instance.  A no-map region smaller than a
# page leaves the rest of its page to memblock while arm64's linear map
# drops the whole page: the 7.3 KASAN debug kernel oopsed at boot (dc zva
# in pcpu_alloc_first_chunk's memset, at 0x5f0f0bc0).  small_pad reserves
# the rest of that page, so nothing is allocated where nothing is mapped.
EXTRA_RESERVED = """
		small_shm: vnet-shm@5f0f0000 {
			reg = <0x0 0x5f0f0000 0x0 0x40>;
			no-map;
		};

		small_pad: vnet-shm-pad@5f0f0040 {
			reg = <0x0 0x5f0f0040 0x0 0xfc0>;
			no-map;
		};

		mapped_shm: vnet-shm@5f0f1000 {
			reg = <0x0 0x5f0f1000 0x0 0x1000>;
		};

		pool_shm: vnet-shm@5f0f2000 {
			reg = <0x0 0x5f0f2000 0x0 0x1000>;
			no-map;
		};"""


def instances():
    inst = [
        dict(name="mirror-eth0-a", slot=0, sgi=8, uplink="eth0", announce=True),
        dict(name="mirror-eth0-b", slot=1, sgi=9, uplink="eth0"),
        dict(name="mirror-dummy0", slot=2, sgi=10, uplink="dummy0"),
        dict(name="mirror-dummy1-off", slot=3, sgi=11, uplink="dummy1", disabled=True),
        dict(name="mirror-mmio-node", slot=4, sgi=12, uplink="ignored0", ethernet="uplink_mmio"),
        dict(name="mirror-eth2-hot", slot=5, sgi=14, uplink="eth2"),
        dict(name="mirror-tnd0", slot=6, sgi=15, uplink="tnd0"),
    ]
    for name, (_, d) in BAD.items():
        inst.append(dict(d, name=name))
    for name, (_, d) in GIC_NODES.items():
        inst.append(dict(d, name=name))
    for name in SHARED:
        inst.append(dict(name=name, slot=SHARED_SLOT, sgi=13, uplink="dummy5"))
    for name, off in POOL.items():
        inst.append(dict(name=name, region="pool_shm", offset=off, sgi=13, uplink="dummy6"))
    inst.append(dict(name="mirror-sram", region=None, sgi=6, uplink="dummy8",
                     raw=["sram = <&vnet_sram>;"]))
    for name in SRAM_DUP:
        inst.append(dict(name=name, region=None, sgi=6, uplink="dummy9",
                         raw=["sram = <&vnet_sram_dup>;", "linux,shm-offset = <0x80>;"]))
    return inst


def overlay():
    return board.mirror_overlay(instances(), EXTRA_RESERVED + SRAM_RESERVED,
                                SRAM_NODES + GIC_DECOYS)


NSLOTS = SRAM_SLOT + 1
POOL_BASE = 0x5F0F2000
# The peer's views: the slot regions, then the pool's instances by offset.
PEER_SLOTS = board.peer_slot_table(instances(), NSLOTS, {"pool_shm": POOL_BASE})
POOL_VIEW = {name: PEER_SLOTS.index(POOL_BASE + off) for name, off in POOL.items()}


def slot(name):
    return GOOD[name][0]


def view(g, name):
    return g.peer.view(slot(name))


def doorbells_with(records, intid):
    """Doorbells (not records: one doorbell may log several slots) of an SGI."""
    return len({r.doorbell for r in records if r.intid == intid})


def sgis_since(g, mark):
    return sorted({r.intid for r in records_since(g, mark)})


def wait_up(g, name, up=True, **kw):
    want = UP if up else 0
    return wait_view(g, slot(name), lambda v: (v.status & UP) == want, what=f"{name} link "
                     f"{'up' if up else 'down'}", **kw)


def wait_announce_cleared(g, name):
    """The announce instance clears ANNOUNCE, with a doorbell, after its hold time."""
    return wait_view(g, slot(name), lambda v: v.status == UP, what=f"{name} ANNOUNCE cleared")


ANNOUNCE_HOLD_S = 0.2  # the driver's default linux,announce-hold-ms


def settle(g, seconds=None):
    """Wait until the RTOS has read the generation each enabled instance
    last published (sysfs `state` seq against the peer's view): every
    doorbell rung so far has then been taken, and a check of which SGIs
    arrived sees them all, with no fixed sleep.  @seconds: a plain wait,
    only where nothing may be published (a disabled instance) and the
    wait is for a wrong doorbell to show up."""
    if seconds is not None:
        time.sleep(seconds)
        return
    names = list(GOOD)
    out = g.out("for d in " + " ".join(names) + "; do p=/sys/bus/platform/devices/$d; "
                "if [ -e $p/driver ] && [ $(cat $p/enabled) = 1 ]; then "
                "sed 's/.*seq=//' $p/state; else echo -; fi; done")
    want = {n: int(v) for n, v in zip(names, out.split()) if v != "-"}
    try:
        g.wait_peer(lambda p: all(p.view(slot(n)).seq >= q for n, q in want.items()), 30,
                    "the RTOS to read every published generation")
    except Exception as exc:
        read = {n: view(g, n).seq for n in want}
        raise AssertionError(f"{exc}\ndriver published {want}\nRTOS read {read}") from exc


def setup(g, suite):
    g.start_peer(slots=PEER_SLOTS)
    # The mirror first: its uplinks do not exist yet.
    how = load_driver(g)
    return how + "; " + g.out("ls /sys/bus/platform/drivers/vnet-link-mirror/ | grep -v -e bind -e uevent "
                 "-e module | tr '\\n' ' '")


def test_probe_before_uplink(g):
    v = wait_view(g, slot("mirror-eth0-a"), lambda v: True)
    expect(v.status == 0 and v.mtu == 0, f"no eth0 yet, RTOS read {v}")
    expect(sysfs(g, "mirror-eth0-a", "uplink") == "", "sysfs uplink should be empty")
    mark = head(g)
    g.sh("load-nic")
    v = wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 1500, what="eth0 adopted")
    expect(v.status == 0, f"eth0 registered but down, RTOS read status {v.status:#x}")
    expect(sysfs(g, "mirror-eth0-a", "uplink") == "eth0", "sysfs uplink should be eth0")
    wait_view(g, slot("mirror-mmio-node"), lambda v: v.mtu == 1500, what="eth1 (by node)")
    settle(g)
    expect(set(sgis_since(g, mark)) == {8, 9, 10, 12},
           f"uplinks registered for SGIs 8,9,10,12 only; peer took {sgis_since(g, mark)}")
    v = view(g, "mirror-eth2-hot")
    expect(v.mtu == 0 and not v.status, f"eth2 does not exist, RTOS read {v}")


def test_link_up_announce_speed(g):
    """The virtio contract on link up: the announce instance publishes
    LINK_UP|ANNOUNCE, then, no sooner than its hold, LINK_UP, each with a
    doorbell; the plain instance LINK_UP alone; speed and duplex with them.
    What Linux published is traced; what the RTOS read must match it
    generation for generation (a doorbell taken after the hold reads only
    the cleared state, so which generations it reads is not asserted)."""
    g.sh("echo 1 > /sys/kernel/tracing/events/vnet_link_mirror/vnlm_doorbell/enable; "
         "echo > /sys/kernel/tracing/trace")
    try:
        mark = head(g)
        g.sh("ip link set eth0 up")
        a = wait_up(g, "mirror-eth0-a")
        b = wait_up(g, "mirror-eth0-b")
        for v in (a, b):
            expect(v.speed == 1000 and v.duplex == DUPLEX_FULL,
                   f"speed/duplex {v.speed}/{v.duplex}")
        wait_announce_cleared(g, "mirror-eth0-a")
        settle(g)
        pubs = {n: published(g, n) for n in ("mirror-eth0-a", "mirror-eth0-b")}
    finally:
        g.sh("echo 0 > /sys/kernel/tracing/events/vnet_link_mirror/vnlm_doorbell/enable")
    expect(sgis_since(g, mark) == [8, 9], f"only eth0's instances ring: {sgis_since(g, mark)}")
    pa, pb = pubs["mirror-eth0-a"], pubs["mirror-eth0-b"]
    expect([p["status"] for p in pa] == [UP | ANNOUNCE, UP],
           f"announce instance published {pa}, expected statuses [0x3, 0x1]")
    expect([p["status"] for p in pb] == [UP], f"plain instance published {pb}")
    expect(all(p["speed"] == 1000 and p["duplex"] == DUPLEX_FULL for p in pa + pb),
           f"speed/duplex published: {pa + pb}")
    held = (pa[1]["stamp"] - pa[0]["stamp"]) / g.peer.header().cntfrq
    expect(held >= ANNOUNCE_HOLD_S * 0.99, f"ANNOUNCE cleared after {held * 1000:.0f} ms, "
           f"before its {ANNOUNCE_HOLD_S * 1000:.0f} ms hold")
    read_announce = 0
    for name, p in pubs.items():
        by_seq = {x["seq"]: x["status"] for x in p}
        recs = [r for r in records_since(g, mark) if r.slot == slot(name)]
        expect(recs and recs[-1].status == UP, f"{name}: the RTOS read last {recs[-1:]}")
        for r in recs:
            expect(by_seq.get(r.seq) == r.status,
                   f"{name}: the RTOS read generation {r.seq} as {r.status:#x}; published {p}")
            read_announce += bool(r.status & ANNOUNCE)
    return f"ANNOUNCE held {held * 1000:.0f} ms; the RTOS read it {read_announce} time(s)"


PUBLISHED = re.compile(r"seq=(\d+) status=0x([0-9a-f]+) mtu=(\d+) speed=(\d+) "
                       r"duplex=0x([0-9a-f]+) sgi=\d+ stamp=(\d+)")


def published(g, name):
    """Every publish of instance @name traced since the trace was cleared
    (the vnlm_doorbell event, inside the publish window): dicts of seq,
    status, mtu, speed, duplex and the event stamp (CNTVCT)."""
    text = g.out(f"grep 'vnlm_doorbell: {name}:' /sys/kernel/tracing/trace || true")
    return [dict(seq=int(m.group(1)), status=int(m.group(2), 16), mtu=int(m.group(3)),
                 speed=int(m.group(4)), duplex=int(m.group(5), 16), stamp=int(m.group(6)))
            for m in PUBLISHED.finditer(text)]


def test_cable_pull_and_plug(g):
    """Linux publishes down, then LINK_UP|ANNOUNCE, then LINK_UP (the
    hold over) on every pull and plug, as traced; every generation the RTOS
    read carries exactly what was published with it.  (Which generations
    the RTOS reads depends on when it takes the doorbell: one that takes it
    after the hold reads only the cleared state, as a real frontend would.)"""
    name = "mirror-eth0-a"
    figures, read_announce = [], 0
    g.sh("echo 1 > /sys/kernel/tracing/events/vnet_link_mirror/vnlm_doorbell/enable")
    try:
        for i in range(3):
            g.sh("echo > /sys/kernel/tracing/trace")
            mark = head(g)
            g.set_link("up0", False)
            v = wait_up(g, name, False)
            wait_up(g, "mirror-eth0-b", False)
            expect(v.speed == SPEED_UNKNOWN and v.duplex == DUPLEX_UNKNOWN,
                   f"down but speed/duplex {v.speed}/{v.duplex}")
            expect("LOWER_UP" not in g.out("ip link show eth0"), "guest still sees carrier")
            g.set_link("up0", True)
            wait_up(g, name)
            wait_up(g, "mirror-eth0-b")
            wait_announce_cleared(g, name)
            settle(g)
            pubs = published(g, name)
            expect([p["status"] for p in pubs] == [0, UP | ANNOUNCE, UP],
                   f"pull/plug {i}: published {pubs}, expected statuses [0x0, 0x3, 0x1]")
            recs = records_since(g, mark)
            expect({r.intid for r in recs} == {8, 9}, f"SGIs {sorted({r.intid for r in recs})}")
            by_seq = {p["seq"]: p["status"] for p in pubs}
            for r in (r for r in recs if r.slot == slot(name)):
                expect(by_seq.get(r.seq) == r.status,
                       f"pull/plug {i}: the RTOS read generation {r.seq} as {r.status:#x}; "
                       f"published {pubs}")
                read_announce += r.seq == pubs[1]["seq"]
            figures.append(doorbells_with(recs, 8))
    finally:
        g.sh("echo 0 > /sys/kernel/tracing/events/vnet_link_mirror/vnlm_doorbell/enable")
    # down, up with ANNOUNCE, ANNOUNCE cleared
    expect(all(n == 3 for n in figures), f"each pull/plug should ring SGI 8 3 times: {figures}")
    return (f"SGI-8 doorbells per pull+plug: {figures}; the RTOS read the ANNOUNCE generation "
            f"{read_announce} of 3 times")


def test_admin_down_up(g):
    mark = head(g)
    g.sh("ip link set eth0 down")
    v = wait_up(g, "mirror-eth0-a", False)
    expect(v.mtu == 1500, f"admin down keeps the uplink: {v}")
    g.sh("ip link set eth0 up")
    wait_up(g, "mirror-eth0-a")
    wait_announce_cleared(g, "mirror-eth0-a")
    settle(g)
    n = doorbells_with(records_since(g, mark), 8)
    expect(n == 3, f"down, up and ANNOUNCE cleared rang SGI 8 {n} times, expected 3")


def test_mtu(g):
    g.sh("ip link set eth0 mtu 1400")
    v = wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 1400, what="mtu 1400")
    # ANNOUNCE was cleared after its hold (earlier tests wait for that): an
    # MTU change while up does not raise it again.
    expect(v.status == UP, f"an MTU change while up raised ANNOUNCE: RTOS read {v.status:#x}")
    g.sh("ip link set eth0 mtu 1500")
    wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 1500, what="mtu 1500")


def test_dummy_carrier(g):
    g.sh("echo 1 > /sys/kernel/tracing/events/vnet_link_mirror/enable; "
         "echo > /sys/kernel/tracing/trace")
    mark = head(g)
    # The first `ip link set up` of a dummy: on 7.x (dummy requests the
    # netdev ops lock) the notifier runs with the instance lock held.
    g.sh("ip link set dummy0 up")
    v = wait_up(g, "mirror-dummy0")
    # dummy has no link settings (ethtool: not supported): both unknown.
    expect(v.speed == SPEED_UNKNOWN and v.duplex == DUPLEX_UNKNOWN,
           f"dummy0 up: RTOS read speed/duplex {v.speed}/{v.duplex:#x}")
    g.sh("echo 0 > /sys/class/net/dummy0/carrier")
    v = wait_up(g, "mirror-dummy0", False)
    expect(v.mtu == 1500 and v.speed == SPEED_UNKNOWN and v.duplex == DUPLEX_UNKNOWN, f"{v}")
    g.sh("echo 1 > /sys/class/net/dummy0/carrier")
    v = wait_up(g, "mirror-dummy0")
    expect(v.speed == SPEED_UNKNOWN and v.duplex == DUPLEX_UNKNOWN,
           f"dummy has no speed or duplex, RTOS read {v.speed}/{v.duplex:#x}")
    settle(g)
    expect(sgis_since(g, mark) == [10], f"only dummy0's instance rings: {sgis_since(g, mark)}")
    trace = g.out("cat /sys/kernel/tracing/trace | grep -c 'vnlm_doorbell: mirror-dummy0'; "
                  "cat /sys/kernel/tracing/trace | grep -c 'vnlm_event: mirror-dummy0: dummy0'")
    rung, seen = (int(x) for x in trace.split())
    expect(rung == doorbells_with(records_since(g, mark), 10),
           f"tracepoint saw {rung} doorbells, the RTOS took "
           f"{doorbells_with(records_since(g, mark), 10)}")
    expect(seen >= rung, f"{seen} events traced for {rung} doorbells")
    g.sh("echo 0 > /sys/kernel/tracing/events/vnet_link_mirror/enable")
    return f"traced {seen} events, {rung} doorbells"


def test_notify_disabled_then_enabled(g):
    name = "mirror-dummy1-off"
    expect(sysfs(g, name, "enabled") == "0", "starts disabled")
    mark = head(g)
    g.sh("ip link add dummy1 type dummy && ip link set dummy1 up")
    # REGISTER and UP run synchronously in `ip`; once the instance has
    # counted them, the driver's own doorbell counter (bumped in the
    # notifier itself) says whether it rang.
    g.wait_peer(lambda p: g.out("cat /sys/class/net/dummy1/operstate") in ("up", "unknown")
                and int(sysfs(g, name, "events")) >= 2, 10,
                "dummy1 up (REGISTER and UP counted)")
    expect(int(sysfs(g, name, "doorbells")) == 0, "a disabled instance rang (driver count)")
    settle(g)
    peer_alive(g)
    expect(11 not in sgis_since(g, mark), "a disabled instance rang")
    v = view(g, name)
    expect(not v.valid, f"a disabled instance wrote its region before it was switched on: {v}")
    g.sh(f"echo 1 > /sys/bus/platform/devices/{name}/enabled")
    v = wait_up(g, name)
    settle(g)
    expect(11 in sgis_since(g, mark), "switching on did not ring")
    g.sh(f"echo 0 > /sys/bus/platform/devices/{name}/enabled")
    mark = head(g)
    rung = int(sysfs(g, name, "doorbells"))
    events = int(sysfs(g, name, "events"))
    g.sh("ip link set dummy1 down")  # GOING_DOWN and DOWN: synchronous
    expect(int(sysfs(g, name, "events")) > events, "the down events were not seen")
    expect(int(sysfs(g, name, "doorbells")) == rung, "switched off, yet rang (driver count)")
    settle(g)
    peer_alive(g)
    expect(11 not in sgis_since(g, mark), "switched off, yet rang")
    expect(view(g, name).status & UP, "switched off, yet the config changed")
    g.sh(f"echo 1 > /sys/bus/platform/devices/{name}/enabled")
    wait_up(g, name, False)
    # Switching on with nothing changed still promises a fresh doorbell.
    g.sh(f"echo 0 > /sys/bus/platform/devices/{name}/enabled")
    rung = int(sysfs(g, name, "doorbells"))
    mark = head(g)
    g.sh(f"echo 1 > /sys/bus/platform/devices/{name}/enabled")
    expect(int(sysfs(g, name, "doorbells")) == rung + 1, "switching on (nothing changed) "
           "did not ring exactly once")
    g.wait_peer(lambda p: 11 in {r.intid for r in p.records(mark)}, 5,
                "SGI 11 after switching on with nothing changed")


def test_phandle_survives_rename(g):
    name = "mirror-mmio-node"
    g.sh("ip link set eth1 up")
    wait_up(g, name)
    g.sh("ip link set eth1 down && ip link set eth1 name lan7 && ip link set lan7 up")
    wait_up(g, name)
    expect(sysfs(g, name, "uplink") == "lan7", "the node form follows the renamed NIC")
    g.sh("ip link set lan7 down && ip link set lan7 name eth1 && ip link set eth1 up")
    wait_up(g, name)


def test_rename_away_and_back(g):
    g.sh("ip link set eth0 down && ip link set eth0 name wan0")
    v = wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 0 and not v.status,
                  what="eth0 renamed away")
    expect(sysfs(g, "mirror-eth0-a", "uplink") == "", "released after rename away")
    # Another device renamed onto the name is followed.
    g.sh("ip link add dummy9 type dummy && ip link set dummy9 mtu 1280 && ip link set dummy9 name eth0")
    wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 1280, what="dummy renamed to eth0")
    g.sh("ip link set eth0 name dummy9 && ip link del dummy9")
    wait_view(g, slot("mirror-eth0-b"), lambda v: v.mtu == 0, what="dummy renamed away")
    g.sh("ip link set wan0 name eth0 && ip link set eth0 up")
    v = wait_up(g, "mirror-eth0-a")
    expect(v.mtu == 1500 and v.speed == 1000, f"the NIC is back: {v}")


def test_uplink_disappears_and_returns(g):
    mark = head(g)
    g.sh("rmmod virtio_net")
    for name in ("mirror-eth0-a", "mirror-eth0-b", "mirror-mmio-node"):
        wait_view(g, slot(name), lambda v: v.mtu == 0 and not v.status, what=f"{name} gone")
    expect(sysfs(g, "mirror-eth0-a", "uplink") == "", "uplink released")
    g.sh("insmod /lib/modules/nic/virtio_net.ko")
    wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 1500, what="eth0 back")
    g.sh("ip link set eth0 up")
    wait_up(g, "mirror-eth0-a")
    wait_up(g, "mirror-eth0-b")
    settle(g)
    expect(set(sgis_since(g, mark)) == {8, 9, 12}, f"SGIs {sgis_since(g, mark)}")


FLAP = ("(while [ -e /tmp/flap ]; do echo 0 > /sys/class/net/dummy0/carrier; "
        "echo 1 > /sys/class/net/dummy0/carrier; done) >/dev/null 2>&1 & "
        "echo $! > /tmp/flap.pid")
# Stopping the flapper waits for its loop to have exited (no carrier write
# can follow), not for a fixed time.
FLAP_STOP = ("rm -f /tmp/flap; while kill -0 $(cat /tmp/flap.pid) 2>/dev/null; "
             "do sleep 0.05; done")


def truth_dummy0_up(g):
    return g.out("cat /sys/class/net/dummy0/operstate") == "up"


def test_unbind_bind_while_flapping(g):
    name = "mirror-dummy0"
    drv = "/sys/bus/platform/drivers/vnet-link-mirror"
    g.sh("touch /tmp/flap; " + FLAP)
    seqs = [view(g, name).seq]
    try:
        for _ in range(5):
            g.sh(f"echo {name} > {drv}/unbind")
            v = wait_view(g, slot(name), lambda v: v.mtu == 0 and not v.status,
                          what="fail-safe after unbind")
            seqs.append(v.seq)
            g.sh(f"echo {name} > {drv}/bind")
            v = wait_view(g, slot(name), lambda v: v.mtu == 1500, what="resync after bind")
            seqs.append(v.seq)
    finally:
        g.sh(FLAP_STOP)
    g.sh("echo 1 > /sys/class/net/dummy0/carrier")
    wait_up(g, name)
    expect(sysfs(g, name, "link") == "up", "sysfs agrees")
    expect(all(a < b for a, b in zip(seqs, seqs[1:])) and all(s % 2 == 0 for s in seqs),
           f"the generation the RTOS read must grow (even) across rebinds: {seqs}")
    return f"generations read: {seqs}"


def test_rmmod_insmod_while_flapping(g):
    if driver_builtin(g):
        raise Skip("driver built in (in-tree, =y): no module to unload here; remove runs "
                   "in the unbind test, and the module lanes run this one")
    g.sh("touch /tmp/flap; " + FLAP)
    try:
        for _ in range(3):
            mark = head(g)
            g.sh("rmmod vnet_link_mirror")
            for name in GOOD:
                wait_view(g, slot(name), lambda v: not v.status and v.mtu == 0,
                          what=f"{name} fail-safe after rmmod")
            expect(quiet_for(g, 0.3) == 0, "doorbells after rmmod")
            g.sh("insmod /lib/modules/vnlm/vnet-link-mirror.ko")
            wait_view(g, slot("mirror-eth0-a"), lambda v: v.status & UP, what="eth0 resync")
            expect(records_since(g, mark), "no doorbell at all")
    finally:
        g.sh(FLAP_STOP)
    g.sh("echo 1 > /sys/class/net/dummy0/carrier")
    wait_up(g, "mirror-dummy0")
    # dummy1's instance is disabled again after the reload (DT default).
    expect(sysfs(g, "mirror-dummy1-off", "enabled") == "0", "DT default after reload")


def test_pool_offsets_read_by_peer(g):
    """Both instances placed with linux,shm-offset in one region: the peer
    reads each at its offset (its slot table comes from the board) and
    sees dummy6 up, then down."""
    mark = head(g)
    g.sh("ip link add dummy6 type dummy && ip link set dummy6 up")
    for name, v in POOL_VIEW.items():
        wait_view(g, v, lambda x: x.status & UP and x.mtu == 1500, what=f"{name} up")
    expect(13 in sgis_since(g, mark), f"no SGI 13 for the pool: {sgis_since(g, mark)}")
    g.sh("ip link set dummy6 down")
    for name, v in POOL_VIEW.items():
        wait_view(g, v, lambda x: not x.status & UP, what=f"{name} down")
    seqs = {name: g.peer.view(v).seq for name, v in POOL_VIEW.items()}
    g.sh("ip link del dummy6")
    return f"views {POOL_VIEW}, generations {seqs}"


def test_bad_nodes(g):
    log = g.out("dmesg | grep vnet-link-mirror")
    notes = []
    for node, (prop, _) in BAD.items():
        lines = [l for l in log.splitlines() if f"/{node}: {prop}" in l]
        expect(lines, f"{node}: no message naming /{node} and {prop}:\n{log[-1500:]}")
        bound = g.sh(f"test -e /sys/bus/platform/devices/{node}/driver", check=False)[0] == 0
        expect(not bound, f"{node} is bound")
        notes.append(re.sub(r"^\[\s*[0-9.]+\]\s*", "", lines[-1]))
    for node in list(GOOD) + list(POOL):
        rc = g.sh(f"test -e /sys/bus/platform/devices/{node}/driver", check=False)[0]
        expect(rc == 0, f"good node {node} is not bound")
    bound = [n for n in SHARED
             if g.sh(f"test -e /sys/bus/platform/devices/{n}/driver", check=False)[0] == 0]
    expect(len(bound) == 1, f"two nodes on one region: {bound} bound, expected exactly one")
    loser = [n for n in SHARED if n not in bound][0]
    lines = [l for l in log.splitlines() if f"/{loser}: memory-region" in l and "in use" in l]
    expect(lines, f"{loser}: no 'memory-region ... in use' message")
    notes.append(re.sub(r"^\[\s*[0-9.]+\]\s*", "", lines[-1]))

    # The host tool, on the same DTB, must say exactly what the driver said.
    tool = subprocess.run([os.path.join(board.BUILD, "vnlm-dtb"), "check", g.dtb],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    own = set(GIC_NODES) | set(SRAM_DUP)  # judged by test_gic_nodes, test_sram
    said = {l for l in tool.stderr.splitlines() if l.split(":", 1)[0].lstrip("/") not in own}
    for note in notes:
        msg = note.split(": error -", 1)[-1].split(": ", 1)[-1]
        if "already in use" in msg:
            node = msg.split(":", 1)[0]
            expect(any(l.startswith(f"{node}: memory-region") and "overlaps" in l for l in said),
                   f"the tool did not flag {node}'s shared region: {said}")
            continue
        expect(msg in said, f"driver said {msg!r}; the tool said:\n" + "\n".join(sorted(said)))
    expect(len(said) == len(notes), f"tool flagged {len(said)} nodes, driver {len(notes)}")
    return "\n".join(notes)


def test_enabled_rejects_bad_values(g):
    """A bad value written to `enabled` fails with EINVAL and changes
    nothing: not the switch, not the region, no doorbell."""
    node = "mirror-dummy0"
    path = f"/sys/bus/platform/devices/{node}/enabled"
    before = (sysfs(g, node, "enabled"), sysfs(g, node, "doorbells"), view(g, node).seq)
    refused = []
    for bad in ("maybe", "2", "x", "-1"):
        rc, out = g.sh(f"( echo '{bad}' > {path} ) 2>&1", check=False)
        expect(rc != 0 and "Invalid argument" in out,
               f"writing {bad!r} to enabled: exit {rc}, {out!r} (expected EINVAL)")
        refused.append(bad)
    after = (sysfs(g, node, "enabled"), sysfs(g, node, "doorbells"), view(g, node).seq)
    expect(after == before, f"a refused write changed (enabled, doorbells, seq) "
           f"{before} -> {after}")
    return f"refused {refused} with EINVAL; state {after} unchanged"


def test_root_gic_only(g):
    """Beside the board's GIC the DT has a disabled GICv3 and a GIC-400 that
    is no interrupt controller, each found before it in the driver's
    table: the instances name the board's own GIC version, and the peer
    took their doorbells (the other tests' SGIs)."""
    log = g.out("dmesg | grep 'vnet-link-mirror.*mirroring.* to CPU' || true")
    versions = set(re.findall(r"GICv(\d)", log))
    expect(versions == {str(g.gic)}, f"instances name GICv{sorted(versions)} on the GICv{g.gic} "
           f"board:\n{log[-1500:]}")
    # every core here has the generic timer: that is the counter stamped with
    clocks = set(re.findall(r"stamps from (\S+)", log))
    expect(clocks == {"arm-generic-counter"}, f"stamps from {sorted(clocks)}:\n{log[-1500:]}")
    # (the host tool judges the same DT in test_gic_nodes: it must agree)
    return f"{len(log.splitlines())} instances on GICv{g.gic}, decoys ignored"


def test_gic_nodes(g):
    """GICv2 CPU interface apart from Aff0, GICv3 range selector: what
    probes rings the peer; what cannot reach it fails alone, naming the
    property, and the host tool agrees where the DT alone can tell."""
    log = g.out("dmesg | grep vnet-link-mirror")
    tool = subprocess.run([os.path.join(board.BUILD, "vnlm-dtb"), "check", g.dtb],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = {l for l in tool.stderr.splitlines() if l.split(":", 1)[0].lstrip("/") in GIC_NODES}
    notes = []
    for node, (want, _) in GIC_NODES.items():
        prop = want[g.gic]
        bound = g.sh(f"test -e /sys/bus/platform/devices/{node}/driver", check=False)[0] == 0
        if prop is None:
            expect(bound, f"{node} did not probe on GICv{g.gic}:\n{log[-1500:]}")
            continue
        lines = [l for l in log.splitlines() if f"/{node}: {prop}" in l]
        expect(lines, f"{node}: no message naming /{node} and {prop}:\n{log[-1500:]}")
        expect(not bound, f"{node} is bound")
        note = re.sub(r"^\[\s*[0-9.]+\]\s*", "", lines[-1])
        notes.append(note)
        msg = note.split(": error -", 1)[-1].split(": ", 1)[-1]
        if node in GIC_HW_ONLY[g.gic]:
            expect(not any(l.startswith(f"/{node}:") for l in said),
                   f"the tool cannot know {node} is wrong, yet said {said}")
        else:
            expect(msg in said, f"driver said {msg!r}; the tool said:\n" + "\n".join(sorted(said)))
    if g.gic == 2:
        # The peer must take SGI 7 through interface 2 and read the state.
        mark = head(g)
        g.sh("ip link add dummy7 type dummy && ip link set dummy7 up")
        v = wait_view(g, GIC_IFACE_SLOT, lambda v: v.status & UP, what="gic-iface-peer up")
        g.wait_peer(lambda p: [r for r in p.records(mark)
                               if r.intid == 7 and r.slot == GIC_IFACE_SLOT and r.status & UP],
                    what="SGI 7 with gic-iface-peer's link up")
        g.sh("ip link del dummy7")
        wait_view(g, GIC_IFACE_SLOT, lambda v: not v.status & UP, what="gic-iface-peer down")
        notes.append(f"GICv2 interface 2: the peer read {v}")
    # QEMU virt without EL3 has one security state (GICD_CTLR.DS = 1):
    # no Secure-SGI warning, though the good nodes use SGIs 8-14.
    warned = [l for l in log.splitlines() if "may be Secure" in l]
    expect(not warned, f"Secure-SGI warning with GICD_CTLR.DS set: {warned}")
    return "\n".join(notes)


def test_sram(g):
    """A region from an mmio-sram partition: the peer reads the link state
    where the partition is; two instances on one SRAM range: one keeps it."""
    log = g.out("dmesg | grep vnet-link-mirror")
    if g.sh("test -e /sys/bus/platform/devices/mirror-sram/driver", check=False)[0]:
        why = g.out("cat /sys/kernel/debug/devices_deferred; ls /sys/bus/platform/drivers/sram; "
                    "dmesg | grep -i sram | tail")
        raise AssertionError(f"mirror-sram did not probe:\n{why}")
    g.sh("ip link add dummy8 type dummy && ip link set dummy8 mtu 1400 up")
    v = wait_view(g, SRAM_SLOT, lambda v: v.status & UP and v.mtu == 1400,
                  what="mirror-sram: dummy8 up, MTU 1400")
    g.sh("ip link set dummy8 down")
    wait_view(g, SRAM_SLOT, lambda v: not v.status & UP, what="mirror-sram: dummy8 down")
    g.sh("ip link del dummy8")
    iomem = g.out(f"grep -i '{SRAM_BASE:x}' /proc/iomem")
    bound = [n for n in SRAM_DUP
             if g.sh(f"test -e /sys/bus/platform/devices/{n}/driver", check=False)[0] == 0]
    expect(len(bound) == 1, f"two nodes on one SRAM range: {bound} bound, expected one")
    loser = [n for n in SRAM_DUP if n not in bound][0]
    lines = [l for l in log.splitlines() if f"/{loser}: sram" in l and "in use" in l]
    expect(lines, f"{loser}: no 'sram ... in use' message:\n{log[-1500:]}")
    tool = subprocess.run([os.path.join(board.BUILD, "vnlm-dtb"), "check", g.dtb],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    flagged = [l for l in tool.stderr.splitlines()
               if l.split(":", 1)[0].lstrip("/") in SRAM_DUP and ": sram " in l and "overlaps" in l]
    expect(len(flagged) == 1, f"the tool did not flag one of {SRAM_DUP}:\n{tool.stderr}")
    return f"the peer read {v}\n{lines[-1]}\n{iomem}"


def test_sram_driver_unbind(g):
    """The SRAM driver unbound under a bound instance destroys its pool: the
    driver core must unbind the mirror first (device link), which tells the
    RTOS link down through the still-mapped SRAM; bound again, it mirrors."""
    sram = f"{SRAM_BASE:x}.sram"
    drv = "/sys/bus/platform/drivers"
    users = [n for n in ("mirror-sram",) + SRAM_DUP
             if g.sh(f"test -e /sys/bus/platform/devices/{n}/driver", check=False)[0] == 0]
    expect("mirror-sram" in users and g.sh(f"test -e {drv}/sram/{sram}", check=False)[0] == 0,
           f"mirror-sram and {sram} must be bound: {users}")
    g.sh("ip link add dummy8 type dummy && ip link set dummy8 up")
    wait_view(g, SRAM_SLOT, lambda v: v.status & UP, what="mirror-sram: dummy8 up")
    mark = head(g)
    g.sh(f"echo {sram} > {drv}/sram/unbind")
    left = [n for n in users
            if g.sh(f"test -e /sys/bus/platform/devices/{n}/driver", check=False)[0] == 0]
    expect(not left, f"{left} still bound after the SRAM driver's unbind")
    v = wait_view(g, SRAM_SLOT, lambda v: not v.status & UP, what="mirror-sram: down at unbind")
    downs = [r for r in records_since(g, mark) if r.slot == SRAM_SLOT and not r.status & UP]
    expect(downs, "no doorbell carried mirror-sram's link down")
    g.sh(f"echo {sram} > {drv}/sram/bind")
    for n in users:
        g.sh(f"echo {n} > {drv}/vnet-link-mirror/bind")
    w = wait_view(g, SRAM_SLOT, lambda w: w.status & UP and w.seq > v.seq,
                  what="mirror-sram bound again: dummy8 up, a newer generation")
    g.sh("ip link del dummy8")
    wait_view(g, SRAM_SLOT, lambda v: not v.status & UP, what="mirror-sram: dummy8 deleted")
    return f"at unbind the peer read {v}; bound again {w}"


def test_nic_driver_unbind(g):
    vdev = g.out("basename $(readlink /sys/class/net/eth0/device)")
    drv = "/sys/bus/virtio/drivers/virtio_net"
    g.sh(f"echo {vdev} > {drv}/unbind")
    wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 0 and not v.status,
              what="eth0 gone with its driver")
    g.sh(f"echo {vdev} > {drv}/bind")
    wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 1500, what="eth0 back")
    g.sh("ip link set eth0 up")
    wait_up(g, "mirror-eth0-a")
    return f"unbound and rebound {vdev}"


def test_netns_move(g):
    """A namespace move is not an unregister: the NIC comes back."""
    # The namespace's holder is left running, empty, until the board ends:
    # when it ends, busybox's interactive sh on the console exits (EOF) and
    # init starts a new one, which the next command would have to wait for.
    g.sh("rm -f /tmp/nspid; touch /tmp/nshold; setsid unshare -n sh -c 'echo $$ > /tmp/nspid; "
         "while [ -e /tmp/nshold ]; do sleep 0.1; done' </dev/null >/dev/null 2>&1 & "
         "while [ ! -s /tmp/nspid ]; do sleep 0.05; done")
    g.sh("ip link set eth0 netns $(cat /tmp/nspid)")
    wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 0 and not v.status,
              what="eth0 moved out of init_net")
    expect(sysfs(g, "mirror-eth0-a", "uplink") == "", "released while in another namespace")
    inside = g.out("nsenter -t $(cat /tmp/nspid) -n ip link show eth0 | head -1")
    expect("eth0" in inside, f"eth0 should live in the other namespace: {inside}")
    g.sh("nsenter -t $(cat /tmp/nspid) -n ip link set eth0 netns 1")
    wait_view(g, slot("mirror-eth0-a"), lambda v: v.mtu == 1500, what="eth0 back in init_net")
    g.sh("ip link set eth0 up")
    v = wait_up(g, "mirror-eth0-a")
    expect(v.speed == 1000, f"{v}")
    # back up with ANNOUNCE: its clearing doorbell is this test's, not the next one's
    wait_announce_cleared(g, "mirror-eth0-a")
    settle(g)


def test_hotplug(g):
    """device_add / device_del of a PCIe NIC on a root port."""
    if board.kernel_config(g.flavour).get("CONFIG_HOTPLUG_PCI_PCIE") != "y":
        # Debian's armmp-lpae kernel: the slot stays powered off, and no
        # rescan brings the card in.
        raise Skip(f"the {g.flavour} kernel has no PCIe hot-plug (CONFIG_HOTPLUG_PCI_PCIE)")
    if g.flavour == "debug":
        # Plugging alone trips lockdep in pciehp (reset_lock against
        # pci_rescan_remove_lock in pciehp_configure_device), with none of
        # our code on the chain: 6.1, and 7.3.4 still (2026-12-06, the same
        # chain: pciehp_probe -> pciehp_check_presence takes reset_lock,
        # pciehp_ist -> pciehp_configure_device takes the rescan lock under
        # it).  The Debian-kernel lanes run this test.
        raise Skip("pciehp lockdep report on plug (6.1, 7.3.4), not ours (see test)")
    name = "mirror-eth2-hot"
    mark = head(g)
    g.qmp("netdev_add", type="user", id="hp0")
    g.qmp("device_add", driver="virtio-net-pci", id="hpnic", bus="rp1", netdev="hp0",
          mac="52:54:00:00:00:30", romfile="")
    wait_view(g, slot(name), lambda v: v.mtu == 1500, timeout=30, what="eth2 plugged")
    g.sh("ip link set eth2 up")
    wait_up(g, name)
    expect(sysfs(g, name, "uplink") == "eth2", "following eth2")
    g.qmp("device_del", id="hpnic")
    # pciehp waits 5 s after the attention button before it removes the card.
    wait_view(g, slot(name), lambda v: v.mtu == 0 and not v.status, timeout=30,
              what="eth2 unplugged")
    g.wait_peer(lambda p: "eth2" not in g.out("ls /sys/class/net"), 30,
                "eth2 unregistered (a leaked reference would hang here)")
    settle(g)
    expect(set(sgis_since(g, mark)) == {14}, f"only eth2's instance rings: {sgis_since(g, mark)}")
    g.qmp("netdev_del", id="hp0")


TND = "mirror-tnd0"
TND_SGI = GOOD[TND][1]
TND_PARAM = "/sys/module/vnlm_test_netdev/parameters"
DUPLEX_HALF = 0x00


def tnd_state(g):
    """sysfs `state` of the tnd0 instance, as a dict of ints."""
    out = sysfs(g, TND, "state")
    return {k: int(v, 0) for k, v in (f.split("=") for f in out.split())}


def tnd_step(g, cmd, count, want):
    """Run @cmd; the driver must ring @count times (its own counter, exact:
    the notifier runs synchronously in the write), the RTOS must take
    exactly that many SGI-15 doorbells for the instance and, when one was
    rung, read @want (a dict of view fields) with it.  sysfs `state` must
    say what the RTOS read."""
    rung = int(sysfs(g, TND, "doorbells"))
    mark = head(g)
    g.sh(cmd)
    got = int(sysfs(g, TND, "doorbells")) - rung
    expect(got == count, f"{cmd!r}: driver rang {got} times, expected {count}")
    recs = g.wait_peer(lambda p: (lambda r: r if len(r) >= count else None)(
        [r for r in p.records(mark) if r.intid == TND_SGI and r.slot == slot(TND)]),
        10, f"{count} SGI-{TND_SGI} records after {cmd!r}") if count else []
    if count:
        last = recs[-1]
        for k, v in want.items():
            expect(getattr(last, k) == v, f"{cmd!r}: RTOS read {k}={getattr(last, k)}, "
                   f"expected {v}: {last}")
    return recs


def check_state_file(g):
    v = view(g, TND)
    st = tnd_state(g)
    read = dict(status=v.status, mtu=v.mtu, speed=v.speed if v.speed != SPEED_UNKNOWN else -1,
                duplex=v.duplex, seq=v.seq)
    expect(st == read, f"sysfs state {st} but the RTOS read {read}")


def test_speed_duplex_alone(g):
    """The test uplink's speed or duplex changing alone (NETDEV_CHANGE with
    the carrier kept): exactly one doorbell carrying the new values; a
    change nothing visible follows (same value again, or while down) none."""
    mark = head(g)
    g.sh("insmod /lib/modules/vnlm/vnlm-test-netdev.ko")
    # From 6.15 on tnd0 requests the netdev instance lock: its up/down and
    # NETDEV_CHANGE notifiers run with it held (7.x), as an ops-locked NIC's.
    release = os.path.basename(board.kernel_env(g.flavour)["KMODULES"].rstrip("/"))
    locked = tuple(int(x) for x in re.findall(r"\d+", release)[:2]) >= (6, 15)
    ops_lock = g.out(f"cat {TND_PARAM}/ops_lock")
    expect(ops_lock == ("Y" if locked else "N"),
           f"tnd0 ops_lock={ops_lock} on {release}: expected {'Y' if locked else 'N'}")
    wait_view(g, slot(TND), lambda v: v.mtu == 1500, what="tnd0 adopted")
    g.sh("ip link set tnd0 up")  # oper up follows from linkwatch, asynchronously
    v = wait_view(g, slot(TND), lambda v: v.status & UP and v.speed == 1000, what="tnd0 up")
    expect(v.status == UP and v.duplex == DUPLEX_FULL, f"tnd0 up: RTOS read {v}")
    check_state_file(g)
    seq = view(g, TND).seq
    steps = [
        (f"echo 100 > {TND_PARAM}/speed", 1, dict(status=UP, speed=100, duplex=DUPLEX_FULL)),
        (f"echo 0 > {TND_PARAM}/duplex", 1, dict(status=UP, speed=100, duplex=DUPLEX_HALF)),
        (f"echo 100 > {TND_PARAM}/speed", 0, {}),
        (f"echo 0 > {TND_PARAM}/duplex", 0, {}),
        (f"echo 2500 > {TND_PARAM}/speed", 1, dict(status=UP, speed=2500, duplex=DUPLEX_HALF)),
        (f"echo 1 > {TND_PARAM}/duplex", 1, dict(status=UP, speed=2500, duplex=DUPLEX_FULL)),
        ("ip link set tnd0 mtu 9000", 1, dict(status=UP, mtu=9000, speed=2500)),
        ("ip link set tnd0 mtu 65535", 1, dict(status=UP, mtu=65535, speed=2500)),
        ("ip link set tnd0 mtu 1500", 1, dict(status=UP, mtu=1500, speed=2500)),
    ]
    for cmd, count, want in steps:
        tnd_step(g, cmd, count, want)
        check_state_file(g)
    # While down, speed and duplex are not visible: changing them rings not.
    g.sh(f"echo 0 > {TND_PARAM}/carrier")
    wait_view(g, slot(TND), lambda v: not v.status & UP, what="tnd0 carrier off")
    tnd_step(g, f"echo 10 > {TND_PARAM}/speed", 0, {})
    tnd_step(g, f"echo 0 > {TND_PARAM}/duplex", 0, {})
    g.sh(f"echo 1 > {TND_PARAM}/carrier")
    v = wait_up(g, TND)
    expect(v.speed == 10 and v.duplex == DUPLEX_HALF, f"carrier back: RTOS read {v}")
    check_state_file(g)
    expect(view(g, TND).seq > seq, "the generation did not grow")
    recs = [r for r in records_since(g, mark) if r.intid == TND_SGI]
    rung = int(sysfs(g, TND, "doorbells"))
    return (f"{len(recs)} SGI-{TND_SGI} doorbells taken; driver counts {rung} in all; "
            f"tnd0 {'ops-locked' if locked else 'not ops-locked'} ({release})")


def test_down_before_stop(g):
    """NETDEV_GOING_DOWN: the RTOS is told "down" before the uplink's
    ndo_stop runs; the event stamp it reads lies between the previous
    doorbell and the stop."""
    g.sh(f"echo 1000 > {TND_PARAM}/speed; echo 1 > {TND_PARAM}/duplex")
    v = wait_view(g, slot(TND), lambda v: v.status & UP and v.speed == 1000, what="tnd0 up")
    mark = head(g)
    recs = tnd_step(g, "ip link set tnd0 down", 1,
                    dict(status=0, speed=SPEED_UNKNOWN, duplex=DUPLEX_UNKNOWN))
    down = recs[-1]
    stop = int(g.out(f"cat {TND_PARAM}/stop_stamp"))
    before = [r for r in g.peer.records(0) if r.intid == TND_SGI and r.doorbell < down.doorbell]
    prev = before[-1] if before else None
    expect(prev is not None, "no earlier tnd0 doorbell to compare with")
    expect(prev.cntvct < down.event_stamp < stop,
           f"event stamp {down.event_stamp} must lie between the previous doorbell "
           f"({prev.cntvct}) and ndo_stop ({stop}): down was published "
           f"{'after' if down.event_stamp >= stop else 'before'} the device stopped")
    expect(down.event_stamp <= down.cntvct, f"stamp {down.event_stamp} after the peer read "
           f"it at {down.cntvct}")
    g.sh("ip link set tnd0 up")
    wait_up(g, TND)
    return f"down published {(stop - down.event_stamp)} ticks before ndo_stop"


def test_generation_continues(g):
    """unbind/bind with nothing else happening: the new writer continues
    the region's generation."""
    drv = "/sys/bus/platform/drivers/vnet-link-mirror"
    before = view(g, TND).seq
    g.sh(f"echo {TND} > {drv}/unbind")
    v = wait_view(g, slot(TND), lambda v: not v.status, what="tnd0 instance unbound")
    mid = v.seq
    g.sh(f"echo {TND} > {drv}/bind")
    v = wait_up(g, TND)
    expect(before < mid < v.seq, f"generations read {before}, {mid}, {v.seq}: must grow")
    check_state_file(g)
    return f"generations {before} -> {mid} -> {v.seq}"


def test_cpu_node_refcount(g):
    """A failed probe naming a Linux CPU puts the cpu node it found."""
    refs = int(g.out(f"cat {TND_PARAM}/cpu_node_refs"))
    if refs < 0:
        raise Skip("no CONFIG_OF_DYNAMIC in this kernel: of_node_get/put are no-ops "
                   "(the debug kernel has it)")
    drv = "/sys/bus/platform/drivers/vnet-link-mirror"
    for _ in range(3):
        g.sh(f"echo bad-target-linux > {drv}/bind", check=False)
    after = int(g.out(f"cat {TND_PARAM}/cpu_node_refs"))
    expect(after == refs, f"/cpus/cpu@1 refcount {refs} -> {after} over 3 failed probes")
    return f"/cpus/cpu@1 refcount stays {refs}"


SUITES = [Suite("mirror-driver", [
    ("uplink appears after the mirror probed", test_probe_before_uplink),
    ("link up: LINK_UP, ANNOUNCE where configured, speed and duplex", test_link_up_announce_speed),
    ("cable pull and plug through QMP set_link", test_cable_pull_and_plug),
    ("ip link set down/up (admin down with carrier on is down)", test_admin_down_up),
    ("MTU changes are mirrored", test_mtu),
    ("dummy uplink carrier off/on rings only its instance", test_dummy_carrier),
    ("notify disabled at boot: silent until switched on, then resync", test_notify_disabled_then_enabled),
    ("the phandle form survives a rename", test_phandle_survives_rename),
    ("renamed away, another renamed onto the name, renamed back", test_rename_away_and_back),
    ("uplink disappears (rmmod) and comes back", test_uplink_disappears_and_returns),
    ("unbind/bind while the uplink flaps", test_unbind_bind_while_flapping),
    ("rmmod/insmod while the uplink flaps", test_rmmod_insmod_while_flapping),
    ("uplink's driver unbound and rebound", test_nic_driver_unbind),
    ("uplink moved to another netns and back", test_netns_move),
    ("PCIe hot-plug: device_add, then device_del", test_hotplug),
    ("test uplink: speed or duplex alone rings once with the new values, "
     "nothing visible rings not", test_speed_duplex_alone),
    ("GOING_DOWN: down is published before ndo_stop, with its event stamp",
     test_down_before_stop),
    ("unbind/bind continues the region's generation", test_generation_continues),
    ("a failed probe naming a Linux CPU puts its cpu node", test_cpu_node_refcount),
    ("each bad node fails alone, naming its property", test_bad_nodes),
    ("GIC reach: v2 CPU interface apart from Aff0, v3 range selector", test_gic_nodes),
    ("only the root GIC is written: disabled and non-controller GICs beside it ignored",
     test_root_gic_only),
    ("sysfs enabled: a bad value fails with EINVAL and changes nothing",
     test_enabled_rejects_bad_values),
    ("region from an mmio-sram partition (sram phandle)", test_sram),
    ("SRAM driver unbound under an instance: the mirror goes first, telling link down",
     test_sram_driver_unbind),
    ("instances at linux,shm-offset in one region are read by the peer",
     test_pool_offsets_read_by_peer),
], overlay=overlay(), nics=[PCI_UPLINK, MMIO_UPLINK, HOTPLUG_PORT],
    symbols={"uplink_mmio": ("/virtio_mmio@a003e00", 0x7f00)}, nslots=NSLOTS, setup=setup,
    flavours=board.FLAVOURS + board.LANE_FLAVOURS + ("trixie", "newest"),
    # The CI budget (.ci/run under 60 minutes): each kernel runs the suite,
    # the GIC code being the kernel's least concern.  trixie's 6.12 is
    # backports' 6.12 built by gcc-14: GICv2 runs on backports; 5.10 on
    # GICv3; the 32-bit board on GICv2 (its GICv3 path runs in lwip-frontend,
    # peer-stress and mailbox-doorbell on armhf).  debian, debug and newest
    # keep both GICs.
    flavour_gics={"trixie": (3,), "backports": (2,), "bullseye": (3,), "armhf": (2,)})]

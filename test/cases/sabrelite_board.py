# SPDX-License-Identifier: GPL-2.0-only
"""The mirror on a real SoC model: QEMU's i.MX6Quad sabrelite (4x Cortex-A9,
A9 MPCore GIC, FEC uplink with its PHY) booting Debian's armmp kernel with
the package's own imx6q-sabrelite.dtb, CPU 3 removed from it, and
dts/imx6q-sabrelite-amp.dtso applied.  The RTOS peer (rtos-peer-imx6.bin)
is released on CPU 3 through the i.MX6 SRC.  Every outcome asserted is
what the peer read from shared memory on a doorbell."""

import mmap
import os
import struct
import time

import board
from suite import (FEC_NETDEV, FEC_UPLINK, Suite, expect, head, load_driver, records_since,
                   sysfs, wait_view)

UP = 0x1
DUPLEX_FULL = 0x01
SPEED_UNKNOWN = 0xFFFFFFFF
CLOCK_A9_GLOBAL = 1  # VNLM_CLOCK_A9_GLOBAL (shm.h)
SYNC_FLAGS = 0x40 + 0x0A  # VNLM_SYNC_FLAGS: bits 1:0 the stamp clock

NODE = "vnet-link-mirror-0"
SLOT = 0
SGI = 8
NETDEV = FEC_NETDEV  # the FEC's QEMU netdev: QMP set_link pulls its cable
OVERLAY = os.path.join(board.TOP, "dts", "imx6q-sabrelite-amp.dtso")
# phylib polls a PHY without an interrupt (the FEC's here) once a second
# (PHY_STATE_TIME): a cable event reaches the driver within about that.
LINK_TIMEOUT = 10.0
POLL_S = 1.0
# set_link to the peer's read: one poll interval, plus the guest's and the
# host's reaction on a loaded 2-core TCG host.
LINK_BOUND_S = POLL_S + 1.0
TRACE = "/sys/kernel/tracing"


def setup(g, suite):
    t0 = time.monotonic()
    g.sh("load-nic", timeout=120)
    # The FEC probes once its suppliers (GPIO, regulators) have: an event
    # the kernel reports by creating the netdev.
    g.wait_for_output("test -e /sys/class/net/eth0 && echo yes || echo no", "yes", 60)
    t_nic = time.monotonic() - t0
    g.start_peer(suite.nslots)
    h = g.peer.header()
    expect(h.mpidr == 3, f"peer runs on MPIDR {h.mpidr:#x}, expected 0x3 (CPU 3)")
    expect(h.gic_version == 2, f"peer found GICv{h.gic_version}, the A9 GIC takes SGIs the v2 way")
    cpus = g.out("cat /sys/devices/system/cpu/possible")
    expect(cpus == "0-2", f"Linux has CPUs {cpus} possible, CPU 3 is the RTOS's")
    # Not possible, so there is no hotplug control to bring it online.
    cpu3 = g.out("test -e /sys/devices/system/cpu/cpu3 && echo present || echo absent")
    expect(cpu3 == "absent", "/sys/devices/system/cpu/cpu3 exists: CPU 3 could be onlined")
    with open(g.semihost_log) as f:
        said = f.read()
    expect("rtos-peer: ready, GICv2" in said, f"the peer's semihosting log says {said!r}")
    load_driver(g)
    g.wait_for_output(f"test -e /sys/bus/platform/drivers/vnet-link-mirror/{NODE} "
                      "&& echo yes || echo no", "yes", 10)
    return (f"FEC up as eth0 {t_nic:.1f} s after load-nic; peer on MPIDR {h.mpidr:#x}, "
            f"GICv{h.gic_version}, counter {h.cntfrq} Hz; {NODE} bound")


def test_probe(g):
    """The instance probed from the package DTB plus the overlay: bound,
    its uplink the FEC by name, its stamps from the A9 global timer (the
    A9 has no generic counter), and the peer read its initial state."""
    expect(sysfs(g, NODE, "uplink") == "eth0", "uplink is not eth0")
    drv = g.out("basename $(readlink /sys/class/net/eth0/device/driver)")
    expect(drv == "fec", f"eth0 is driven by {drv}, not the FEC")
    v = wait_view(g, SLOT, lambda v: True, 5, "the peer's first read of the region")
    expect(not v.status & UP, f"eth0 is administratively down, the peer read status {v.status:#x}")
    # The stamp clock the driver chose, as it published it in the region
    # (read from the guest RAM file, as the peer would read it).
    b = g.board
    with open(g.ram_file, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        flags, = struct.unpack_from("<H", m, b["shm_base"] - b["ram_base"] + SYNC_FLAGS)
    expect(flags & 3 == CLOCK_A9_GLOBAL,
           f"stamp clock {flags & 3}, expected the A9 global timer ({CLOCK_A9_GLOBAL}): the peer "
           "started it before the driver probed")
    return f"peer view: seq {v.seq} status {v.status:#x} mtu {v.mtu}; stamps: A9 global timer"


def _wait_state(g, up, what):
    t0 = time.monotonic()
    if up:
        v = wait_view(g, SLOT, lambda v: v.status & UP and v.speed == 100
                      and v.duplex == DUPLEX_FULL, LINK_TIMEOUT, what)
    else:
        v = wait_view(g, SLOT, lambda v: not v.status & UP, LINK_TIMEOUT, what)
    return v, time.monotonic() - t0


def _latency(g, mark, cntfrq):
    """The last record since @mark: Linux's event stamp to the doorbell the
    peer took, both on the A9 global timer, in microseconds."""
    # The view the test waited on can be read before the record of the
    # doorbell that brought it is in the log: wait for the record itself.
    deadline = time.monotonic() + LINK_TIMEOUT
    while True:
        recs = [r for r in records_since(g, mark) if r.slot == SLOT]
        if recs or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    expect(recs, "the change arrived without a doorbell record")
    r = recs[-1]
    expect(r.intid == SGI, f"doorbell INTID {r.intid}, the node says SGI {SGI}")
    if not r.event_stamp:
        return "no event stamp"
    return f"event->doorbell {(r.cntvct - r.event_stamp) * 1e6 / cntfrq:.0f} us"


def test_admin_up(g):
    """`ip link set eth0 up`: the FEC's PHY negotiates (QEMU's model: 100
    Mb/s full duplex) and the peer reads LINK_UP, 100, full."""
    mark = head(g)
    g.sh("ip link set eth0 up")
    v, dt = _wait_state(g, True, "LINK_UP 100 full after admin up")
    lat = _latency(g, mark, g.peer.header().cntfrq)
    return f"peer read up/{v.speed}/full {dt * 1000:.0f} ms after `ip link set up`; {lat}"


def test_cable_pull(g):
    """QMP set_link down on the FEC's netdev: the PHY reports no link at the
    next poll, and the peer reads the link down."""
    mark = head(g)
    g.set_link(NETDEV, False)
    v, dt = _wait_state(g, False, "link down after set_link down")
    expect(v.speed == SPEED_UNKNOWN, f"link down, yet speed {v.speed}")
    lat = _latency(g, mark, g.peer.header().cntfrq)
    return f"set_link down -> peer read down in {dt * 1000:.0f} ms; {lat}"


def test_cable_plug(g):
    mark = head(g)
    g.set_link(NETDEV, True)
    v, dt = _wait_state(g, True, "LINK_UP 100 full after set_link up")
    lat = _latency(g, mark, g.peer.header().cntfrq)
    return f"set_link up -> peer read up/{v.speed}/full in {dt * 1000:.0f} ms; {lat}"


def _poll_times(g):
    """When phylib read the PHY's BMSR (the mdio_access trace): its polls."""
    text = g.out(f"grep 'mdio_access:.* read .*reg:0x01 ' {TRACE}/trace || true", timeout=60)
    return [float(l.split()[3].rstrip(":")) for l in text.splitlines() if "mdio_access" in l]


def test_pull_plug_latency(g):
    """Five pulls and plugs, each read by the peer within one PHY poll
    interval and some slack: QMP set_link to the peer's read on the host
    clock, Linux's event stamp to the doorbell on the A9 global timer, and
    phylib's poll interval from the kernel's mdio_access trace (this PHY
    has no interrupt: irq=POLL)."""
    polled = g.out("dmesg | grep -c 'attached PHY driver.*irq=POLL' || true")
    expect(polled != "0", "the FEC's PHY is not polled: the figures mean something else")
    lats, bells = [], []
    cntfrq = g.peer.header().cntfrq
    g.sh(f"echo > {TRACE}/trace; echo 1 > {TRACE}/events/mdio/mdio_access/enable")
    for i in range(5):
        for up in (False, True):
            mark = head(g)
            g.set_link(NETDEV, up)
            _, dt = _wait_state(g, up, f"round {i} {'up' if up else 'down'}")
            lats.append(dt)
            r = [r for r in records_since(g, mark) if r.slot == SLOT][-1]
            bells.append((r.cntvct - r.event_stamp) / cntfrq)
    g.sh(f"echo 0 > {TRACE}/events/mdio/mdio_access/enable")
    polls = _poll_times(g)
    gaps = sorted(b - a for a, b in zip(polls, polls[1:]))
    expect(len(gaps) >= 5, f"{len(polls)} PHY polls traced over {sum(lats):.1f} s")
    poll = gaps[len(gaps) // 2]
    expect(abs(poll - POLL_S) < 0.2, f"phylib polled every {poll:.2f} s (median), not {POLL_S} s")
    expect(max(lats) < LINK_BOUND_S,
           f"set_link -> peer read took up to {max(lats):.2f} s, over {LINK_BOUND_S} s")
    def stats(xs, scale, unit):
        return (f"min {min(xs) * scale:.0f} {unit}, mean {sum(xs) / len(xs) * scale:.0f} {unit}, "
                f"max {max(xs) * scale:.0f} {unit}")

    return (f"{len(lats)} changes: set_link -> peer read {stats(lats, 1e3, 'ms')}; "
            f"event -> doorbell {stats(bells, 1e6, 'us')}; phylib poll {poll * 1e3:.0f} ms "
            f"(median of {len(gaps)}, {gaps[0] * 1e3:.0f}-{gaps[-1] * 1e3:.0f} ms)")


def test_counter_rate(g):
    """The counter the driver stamps with and the peer counts with (the A9
    global timer) runs at the rate the peer assumes (board_imx6.h: QEMU's
    100 MHz), against the host's clock; the peer's heartbeat, armed from
    it, comes at about PEER_HEARTBEAT_HZ (20)."""
    def sample():
        t0 = time.monotonic()
        lo = int(g.out("devmem 0xa00200 32"), 16)
        hi = int(g.out("devmem 0xa00204 32"), 16)
        return (t0 + time.monotonic()) / 2, hi << 32 | lo, g.peer.header().heartbeats
    a = sample()
    g.wait_peer(lambda p: p.header().heartbeats >= a[2] + 60, 10, "60 heartbeats")
    b = sample()
    dt = b[0] - a[0]
    rate = (b[1] - a[1]) / dt
    hz = g.peer.header().cntfrq
    expect(abs(rate - hz) < 0.05 * hz, f"global timer counts {rate / 1e6:.1f} MHz, peer assumes "
           f"{hz / 1e6:.1f} MHz")
    beats = (b[2] - a[2]) / dt
    expect(12 < beats <= 21, f"{beats:.1f} heartbeats/s, armed for 20")
    return f"global timer {rate / 1e6:.2f} MHz over {dt:.1f} s; {beats:.1f} heartbeats/s"


def test_admin_down(g):
    g.sh("ip link set eth0 down")
    _, dt = _wait_state(g, False, "link down after admin down")
    return f"peer read down {dt * 1000:.0f} ms after `ip link set down`"


def test_stamps_a9_global(g):
    """The stamps come from the A9 global timer the peer counts with: every
    stamp the peer took is non-zero and before the doorbell it came with."""
    recs = [r for r in records_since(g, 0) if r.slot == SLOT]
    expect(recs, "no records")
    bad = [r for r in recs if not r.event_stamp or r.event_stamp > r.cntvct]
    expect(not bad, f"{len(bad)} records with a zero or future stamp: {bad[:2]}")
    return f"{len(recs)} records, each stamped before its doorbell"


SUITES = [Suite("sabrelite-board", [
    ("the instance probes from the package DTB and the overlay", test_probe),
    ("admin up: the peer reads LINK_UP, 100 Mb/s, full duplex", test_admin_up),
    ("QMP set_link down: the peer reads the link down", test_cable_pull),
    ("QMP set_link up: the peer reads LINK_UP, 100, full again", test_cable_plug),
    ("set_link to the peer's read, five pulls and plugs", test_pull_plug_latency),
    ("admin down: the peer reads the link down", test_admin_down),
    ("event stamps from the A9 global timer, before each doorbell", test_stamps_a9_global),
    ("the shared counter runs at the peer's rate; heartbeat at 20 Hz", test_counter_rate),
], overlay=OVERLAY, nics=[FEC_UPLINK], setup=setup, nslots=1, gics=(2,), flavours=("imx6",))]

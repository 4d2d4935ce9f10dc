# SPDX-License-Identifier: GPL-2.0-only
"""The RTOS side for real: lwIP 2.1 (NO_SYS) on the peer core, its netif
following the mirrored config through the frontend glue
(include/vnet-link-mirror/frontend.h) and the lwIP adapter
(test/rtos-peer/lwip/vnlm_lwip.c).  The peer's netif records every frame
lwIP sends (no wire), its link flag and MTU; each test compares them with
what Linux says of eth0 and decodes the frames: a down-to-up sends lwIP's
link-up announcements (one gratuitous ARP, the IGMP report of the group the
netif joined) once, and nothing while the link stays up, not even when
another doorbell finds ANNOUNCE still set (the virtio contract: one
announcement per raise)."""

import os

import board
from peerlog import (FE_ANNOUNCE, FE_LINK_UP, NETIF_FLAG_LINK_UP, PEER_LWIP_EVENTS, LwipLog,
                     decode_frame, peer_log_addr)
from suite import PCI_UPLINK, Suite, expect, load_driver

UP, ANNOUNCE = 0x1, 0x2
# A hold long enough that the MTU change the tests make right after a plug
# lands while ANNOUNCE is still set, even on a loaded TCG host.
HOLD_MS = 3000
INSTANCES = [dict(name="lwip-eth0", slot=0, sgi=8, uplink="eth0", announce=True,
                  raw=[f"linux,announce-hold-ms = <{HOLD_MS}>;"])]
NSLOTS = 1
PEER_IP = "192.0.2.10"
PEER_MAC = "02:00:5e:10:00:0a"
GROUP = "239.1.2.3"
STORM_TOGGLES = int(os.environ.get("VNLM_STORM_TOGGLES", "1000"))


def lwip(g):
    if getattr(g, "lwip", None) is None:
        g.lwip = LwipLog(g.ram_file, g.board["ram_base"], peer_log_addr(g.board))
    return g.lwip


def wait_lwip(g, pred, what, timeout=15.0):
    """Poll lwIP's record until pred(header) holds (events, not sleeps)."""
    return g.wait_peer(lambda p: (lambda h: h if pred(h) else None)(lwip(g).header()),
                       timeout, f"lwIP: {what}")


def linux_state(g):
    """(link up, MTU) of eth0 as the mirror publishes it: oper up = LINK_UP."""
    oper, mtu = g.out("cat /sys/class/net/eth0/operstate /sys/class/net/eth0/mtu").split()
    return oper == "up", int(mtu)


def wait_linux(g, up):
    """Until eth0's operstate is (or is not) up, waited for in the guest."""
    test = "=" if up else "!="
    g.sh(f"i=0; until [ \"$(cat /sys/class/net/eth0/operstate)\" {test} up ]; do "
         f"i=$((i+1)); [ $i -lt 300 ] || exit 1; sleep 0.05; done", timeout=60)


def expect_same(g, what, up=None):
    """lwIP's netif link flag and MTU equal Linux's eth0 (after waiting for
    Linux to reach @up when given, then for lwIP to follow it)."""
    if up is not None:
        wait_linux(g, up)
    up, mtu = linux_state(g)
    h = wait_lwip(g, lambda h: bool(h.netif_flags & NETIF_FLAG_LINK_UP) == up and h.mtu == mtu,
                  f"{what}: link {'up' if up else 'down'}, MTU {mtu} as Linux")
    return h


def frames_since(g, mark):
    return [(f, decode_frame(f.data)) for f in lwip(g).frames(mark)]


def describe(frames):
    return [(d["kind"], d.get("op"), d.get("spa"), d.get("group"), f.poll) for f, d in frames]


def expect_link_up_frames(g, frames, what):
    """Exactly lwIP's link-up announcements: one gratuitous ARP (a request
    for our own address, from our MAC, broadcast) and one IGMPv2 report of
    the joined group, each sent with the netif's link up."""
    arps = [d for f, d in frames if d["kind"] == "arp"]
    igmps = [d for f, d in frames if d["kind"] == "igmp"]
    expect(len(frames) == 2 and len(arps) == 1 and len(igmps) == 1,
           f"{what}: lwIP sent {describe(frames)}; expected one ARP and one IGMP report")
    a = arps[0]
    expect(a["op"] == 1 and a["spa"] == PEER_IP and a["tpa"] == PEER_IP and
           a["sha"] == PEER_MAC and a["src"] == PEER_MAC and a["dst"] == "ff:ff:ff:ff:ff:ff",
           f"{what}: not a gratuitous ARP for {PEER_IP} from {PEER_MAC}: {a}")
    i = igmps[0]
    expect(i["type"] == 0x16 and i["group"] == GROUP and i["dst_ip"] == GROUP and
           i["src_ip"] == PEER_IP, f"{what}: not an IGMPv2 report of {GROUP}: {i}")
    for f, d in frames:
        expect(f.netif_flags & NETIF_FLAG_LINK_UP, f"{what}: {d['kind']} sent with link down")


def setup(g, suite):
    g.lwip = None
    g.start_peer(slots=board.peer_slot_table(INSTANCES, NSLOTS), run="lwip")
    h = g.peer.header()
    expect(h.run_mode == 2, f"peer runs mode {h.run_mode}, asked lwIP (2): an image without lwIP?")
    wait_lwip(g, lambda h: h.magic, "lwIP log ready")
    how = load_driver(g)
    g.sh("load-nic; ip link set eth0 up")
    h = expect_same(g, "setup", up=True)
    expect(h.netif_flags & NETIF_FLAG_LINK_UP, f"lwIP link not up after eth0 up: {h}")
    # the link-up announcements done, ANNOUNCE cleared after its hold
    wait_lwip(g, lambda h: not (lwip(g).events()[-1].status & ANNOUNCE), "ANNOUNCE cleared",
              timeout=HOLD_MS / 1000 + 15)
    return how


def up_and_check(g, bring_up, what):
    """Bring the link up; while ANNOUNCE is still held, change the MTU (a
    second doorbell that finds ANNOUNCE set); wait until the hold ends.
    lwIP sent exactly its link-up announcements, follows Linux, and sends
    nothing for the MTU change nor for the clearing doorbell."""
    lw = lwip(g)
    fmark, emark = lw.header().frames, lw.header().events
    bring_up()
    expect_same(g, f"{what}: up", up=True)
    # a real change, whatever the MTU is now: a doorbell with a new generation
    held = 1450 if linux_state(g)[1] == 1400 else 1400
    g.sh(f"ip link set eth0 mtu {held}")
    h = expect_same(g, f"{what}: MTU {held} while up")
    ev = lw.events(emark)
    ups = [e for e in ev if e.what & FE_LINK_UP]
    expect(len(ups) == 1 and ups[0].what & FE_ANNOUNCE,
           f"{what}: glue events {ev}: expected one link up raising ANNOUNCE")
    mtu_ev = [e for e in ev if e.netif_mtu == held]
    expect(mtu_ev and mtu_ev[0].status & ANNOUNCE,
           f"{what}: the MTU change was not read while ANNOUNCE was held ({ev}); "
           f"hold {HOLD_MS} ms too short for this host?")
    wait_lwip(g, lambda h: not (lw.events()[-1].status & ANNOUNCE), f"{what}: ANNOUNCE cleared",
              timeout=HOLD_MS / 1000 + 15)
    # IGMP's report goes out from lwIP's timer (random delay < 0.5 s), long
    # before the hold ends: wait for its two frames, then take them all.
    wait_lwip(g, lambda h: h.frames >= fmark + 2, f"{what}: link-up frames", timeout=10)
    frames = frames_since(g, fmark)
    expect_link_up_frames(g, frames, what)
    g.sh("ip link set eth0 mtu 1500")
    expect_same(g, f"{what}: MTU 1500 while up")
    late = frames_since(g, fmark)[len(frames):]
    expect(not late, f"{what}: lwIP sent {describe(late)} while the link stayed up")
    return len(frames)


def down_and_check(g, bring_down, what):
    lw = lwip(g)
    fmark = lw.header().frames
    bring_down()
    h = expect_same(g, f"{what}: down", up=False)
    expect(not h.netif_flags & NETIF_FLAG_LINK_UP, f"{what}: lwIP link still up: {h}")
    fr = frames_since(g, fmark)
    expect(not fr, f"{what}: lwIP sent {describe(fr)} on link down")


def test_cable(g):
    """QMP set_link off/on, three times: lwIP's netif link flag and MTU equal
    Linux's after each; each plug sends one gratuitous ARP and one IGMP
    report, an MTU change during the ANNOUNCE hold and the hold's end send
    nothing."""
    for n in range(3):
        down_and_check(g, lambda: g.set_link("up0", False), f"pull {n}")
        up_and_check(g, lambda: g.set_link("up0", True), f"plug {n}")
    return "3 pulls and plugs: 2 frames per plug (ARP, IGMP), none otherwise"


def test_admin(g):
    """ip link set eth0 down/up: lwIP follows as on a cable pull."""
    down_and_check(g, lambda: g.sh("ip link set eth0 down"), "admin down")
    up_and_check(g, lambda: g.sh("ip link set eth0 up"), "admin up")
    return "admin down/up followed"


def test_mtu(g):
    """MTU changes with the link up and down: lwIP's netif MTU follows
    Linux's, no frame is sent for them, and a link up after an MTU change
    made while down announces with the new MTU in force."""
    lw = lwip(g)
    fmark = lw.header().frames
    for mtu in (1280, 1400, 576, 1500):
        g.sh(f"ip link set eth0 mtu {mtu}")
        expect_same(g, f"MTU {mtu}, link up")
    fr = frames_since(g, fmark)
    expect(not fr, f"lwIP sent {describe(fr)} on MTU changes with the link up")
    g.set_link("up0", False)
    expect_same(g, "pulled", up=False)
    g.sh("ip link set eth0 mtu 1300")
    h = expect_same(g, "MTU 1300, link down")
    expect(h.mtu == 1300, f"lwIP MTU {h.mtu} while down")
    fmark = lw.header().frames
    g.set_link("up0", True)
    h = expect_same(g, "plugged with MTU 1300", up=True)
    wait_lwip(g, lambda h: h.frames >= fmark + 2, "link-up frames", timeout=10)
    wait_lwip(g, lambda h: not (lw.events()[-1].status & ANNOUNCE), "ANNOUNCE cleared",
              timeout=HOLD_MS / 1000 + 15)
    expect_link_up_frames(g, frames_since(g, fmark), "plug after MTU 1300")
    g.sh("ip link set eth0 mtu 1500")
    expect_same(g, "MTU back to 1500")
    return "MTU 1280, 1400, 576, 1500 up; 1300 down then up"


def test_storm(g):
    """1000 admin toggles as fast as Linux goes: lwIP ends where Linux ends,
    no snapshot was given up on (torn), every lwIP link up sent one
    gratuitous ARP, and every ANNOUNCE raise while up (a down-up pair the
    peer did not see) one more, nothing else."""
    lw = lwip(g)
    h0 = lw.header()
    p0 = g.peer.header()
    fmark, emark = h0.frames, h0.events
    g.sh(f"vnlm-flap -q admin eth0 {STORM_TOGGLES} 0", timeout=600)
    h = expect_same(g, "after the storm", up=True)
    expect(h.netif_flags & NETIF_FLAG_LINK_UP, f"lwIP link down after an even storm: {h}")
    wait_lwip(g, lambda h: not (lw.events()[-1].status & ANNOUNCE), "ANNOUNCE cleared",
              timeout=HOLD_MS / 1000 + 15)
    h = lw.header()
    p = g.peer.header()
    expect(h.failed_reads == 0 and p.failed_reads == 0,
           f"torn: lwIP glue gave up {h.failed_reads}, peer {p.failed_reads} times")
    ev = lw.events(emark)
    expect(h.events - emark <= PEER_LWIP_EVENTS, f"event ring overrun: {h.events - emark}")
    ups = sum(1 for e in ev if e.what & FE_LINK_UP)
    # ANNOUNCE's rising edges in what lwIP read, worked out here from the
    # statuses (not from the glue's own count): one announcement each, made
    # by lwIP's link up when the same generation brought the link up, by the
    # adapter when the link was up already (a down-up the peer never saw).
    prev = lw.events(emark - 1)[0].status if emark else 0
    announced = 0
    for e in ev:
        if e.status & ANNOUNCE and not prev & ANNOUNCE and prev & UP and e.status & UP:
            announced += 1
        prev = e.status
    frames = frames_since(g, fmark)
    arps = [(f, d) for f, d in frames if d["kind"] == "arp"]
    other = [d for f, d in frames if d["kind"] not in ("arp", "igmp")]
    expect(len(arps) == ups + announced,
           f"{len(arps)} gratuitous ARPs for {ups} link ups and {announced} raises while up")
    expect(all(d["op"] == 1 and d["spa"] == PEER_IP for f, d in arps), "an ARP not ours")
    expect(all(f.netif_flags & NETIF_FLAG_LINK_UP for f, d in arps), "an ARP sent link down")
    expect(not other, f"unexpected frames: {other[:5]}")
    return (f"{len(ev)} generations read by lwIP ({ups} link ups, {announced} raises while "
            f"up), {len(arps)} ARPs, {len(frames) - len(arps)} IGMP reports, "
            f"{h.torn_retries - h0.torn_retries} torn reads retried, peer doorbells "
            f"+{p.doorbells - p0.doorbells}")


def test_raise_while_up(g):
    """A down-up the RTOS never saw: mirroring paused (enabled=0: no writes,
    no doorbells), eth0 taken down and up, mirroring resumed.  lwIP's link
    stayed up throughout, so what it sends depends only on the status read
    at the resync: ANNOUNCE raised while up is the adapter's own
    announcement (one gratuitous ARP, one IGMP report, through
    etharp_gratuitous() and igmp_report_groups()), no raise is no frame.
    (Today's driver resyncs with LINK_UP alone: the second case.)"""
    lw = lwip(g)
    dev = "lwip-eth0"
    node = g.out(f"ls -d /sys/bus/platform/devices/*{dev}* | head -1")
    h0 = lw.header()
    fmark, emark = h0.frames, h0.events
    g.sh(f"echo 0 > {node}/enabled; ip link set eth0 down; ip link set eth0 up")
    wait_linux(g, True)
    g.sh(f"echo 1 > {node}/enabled")
    wait_lwip(g, lambda h: h.events > emark, "the resync read")
    ev = lw.events(emark)
    expect(all(e.netif_flags & NETIF_FLAG_LINK_UP and not e.what & FE_LINK_UP for e in ev),
           f"lwIP's link went down or came up again: {ev}")
    raised = [e for e in ev if e.what & FE_ANNOUNCE]
    if raised:
        wait_lwip(g, lambda h: h.frames >= fmark + 2, "the adapter's announcement", timeout=10)
        wait_lwip(g, lambda h: not (lw.events()[-1].status & ANNOUNCE), "ANNOUNCE cleared",
                  timeout=HOLD_MS / 1000 + 15)
        expect_link_up_frames(g, frames_since(g, fmark), "raise while up")
        expect(lw.header().announced == h0.announced + 1,
               f"adapter announcements {h0.announced} -> {lw.header().announced}")
    else:
        fr = frames_since(g, fmark)
        expect(not fr, f"no raise, yet lwIP sent {describe(fr)}")
    expect_same(g, "after the resync", up=True)
    return (f"resync read status {[hex(e.status) for e in ev]}: "
            f"{'one announcement by the adapter' if raised else 'no raise, no frame'}")


SUITES = [Suite("lwip-frontend", [
    ("cable pull/plug: lwIP link and MTU as Linux, link-up frames once", test_cable),
    ("admin down/up: lwIP follows, link-up frames once", test_admin),
    ("MTU changes up and down: lwIP MTU as Linux, no frames", test_mtu),
    ("a down-up the RTOS never saw (mirroring paused): lwIP stays up, announces per raise",
     test_raise_while_up),
    ("1000-toggle storm: lwIP ends as Linux, nothing torn, one ARP per up", test_storm),
], overlay=board.mirror_overlay(INSTANCES), nics=[PCI_UPLINK], nslots=NSLOTS, setup=setup,
    flavours=("debian", "armhf"))]

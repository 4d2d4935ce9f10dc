# SPDX-License-Identifier: GPL-2.0-only
"""The RTOS-side peer takes SGIs raised from Linux, with the right INTID and
sender, on GICv2 and GICv3, and takes none when none is sent."""

import board
from peerlog import SENDER_UNKNOWN, SLOT_NONE
from suite import Suite, expect, head, quiet_for, records_since


def setup(g, suite):
    g.start_peer(suite.nslots)
    h = g.peer.header()
    expect(h.gic_version == g.gic, f"peer found GICv{h.gic_version}, board is GICv{g.gic}")
    want = g.board["rtos_mpidr"]
    expect(h.mpidr == want, f"peer runs on MPIDR {h.mpidr:#x}, expected {want:#x}")
    return f"peer ready on MPIDR {h.mpidr:#x}, GICv{h.gic_version}, CNTFRQ {h.cntfrq}"


def raise_from(g, cpu, sgi):
    g.sh(f"taskset {1 << cpu} sh -c 'echo {sgi} > /sys/module/amp_peer_ctl/parameters/raise'")


def test_intid_and_sender(g):
    """Each SGI raised alone and acknowledged (the peer logged it) before
    the next; a stray or late record shows up in the next window."""
    seen = []
    start = g.peer.header().doorbells
    for cpu in (0, 1):
        for sgi in (0, 7, 8, 15):
            mark = head(g)
            raise_from(g, cpu, sgi)
            g.wait_peer(lambda p: p.header().head > mark, 5, f"SGI {sgi} from CPU {cpu}")
            recs = records_since(g, mark)
            expect(len(recs) == 1, f"one SGI sent, {len(recs)} records: {recs}")
            r = recs[0]
            expect(r.intid == sgi, f"sent SGI {sgi} from CPU {cpu}, peer took INTID {r.intid}")
            want_sender = cpu if g.gic == 2 else SENDER_UNKNOWN
            expect(r.sender == want_sender,
                   f"SGI {sgi} from CPU {cpu}: peer saw sender {r.sender}, expected {want_sender}")
            expect(r.slot == SLOT_NONE, f"no config changed, yet the peer logged slot {r.slot}")
            seen.append(f"cpu{cpu}->INTID{r.intid}/sender{r.sender}")
    taken = g.peer.header().doorbells - start
    expect(taken == 8, f"8 SGIs sent, {taken} doorbells taken")
    return " ".join(seen)


def test_none_sent_none_taken(g):
    taken = quiet_for(g, 1.5)
    expect(taken == 0, f"{taken} doorbells arrived with none sent")


def test_count_matches(g):
    """Ten SGIs, each raised once the one before was taken (same-number
    SGIs still pending would merge): exactly ten doorbells, then quiet."""
    before = g.peer.header().doorbells
    for i in range(10):
        g.sh("echo 9 > /sys/module/amp_peer_ctl/parameters/raise")
        g.wait_peer(lambda p: p.header().doorbells >= before + i + 1, 5, f"doorbell {i + 1}")
    got = g.peer.header().doorbells - before + quiet_for(g, 0.3)
    expect(got == 10, f"10 SGIs sent one at a time, {got} taken")


def test_heartbeat(g):
    """The peer takes interrupts through its IRQ vector: the timer heartbeat
    advances at about PEER_HEARTBEAT_HZ of the guest's counter, and every
    interrupt is accounted for (heartbeats + doorbells = IRQs)."""
    h0 = g.peer.header()
    g.wait_peer(lambda p: p.header().heartbeats >= h0.heartbeats + 10, 10, "10 heartbeats")
    h = g.peer.header()
    expect(h.irqs == h.heartbeats + h.doorbells,
           f"{h.irqs} IRQs taken, {h.heartbeats} heartbeats + {h.doorbells} doorbells")
    expect(h.spurious == 0 and h.failed_reads == 0,
           f"{h.spurious} spurious, {h.failed_reads} failed reads")
    return f"{h.heartbeats} heartbeats, {h.doorbells} doorbells, {h.irqs} IRQs"


SUITES = [Suite("peer-doorbell", [
    ("a doorbell arrives with its INTID and sender", test_intid_and_sender),
    ("with none sent, none arrives", test_none_sent_none_taken),
    ("ten doorbells sent, ten taken", test_count_matches),
    ("the peer takes IRQs through its vector: heartbeat and doorbells counted", test_heartbeat),
], setup=setup, flavours=board.FLAVOURS + board.LANE_FLAVOURS + ("imx6",),
    # the peer's side is the same whatever arm64 kernel raises the SGI
    flavour_gics={"bullseye": (2,), "backports": (3,), "debug": (3,)})]

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
    expect(h.mpidr == 2, f"peer runs on MPIDR {h.mpidr:#x}, expected 0x2")
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
    """Ten SGIs, each raised only once the peer took the one before (two
    pending SGIs of one number would merge into one doorbell)."""
    before = g.peer.header().doorbells
    for i in range(1, 11):
        g.sh("echo 9 > /sys/module/amp_peer_ctl/parameters/raise")
        got = g.wait_peer(lambda p: p.header().doorbells - before >= i and
                          p.header().doorbells - before, 5, f"doorbell {i} of 10")
        expect(got == i, f"{i} SGIs sent one at a time, {got} taken")


SUITES = [Suite("peer-doorbell", [
    ("a doorbell arrives with its INTID and sender", test_intid_and_sender),
    ("with none sent, none arrives", test_none_sent_none_taken),
    ("ten doorbells sent, ten taken", test_count_matches),
], setup=setup, flavours=board.FLAVOURS + board.LANE_FLAVOURS)]

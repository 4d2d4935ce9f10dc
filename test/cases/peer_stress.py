# SPDX-License-Identifier: GPL-2.0-only
"""The RTOS peer on the memory contract's cacheable variant (write-back
mapping, invalidate by VA before every read attempt), and the seqlock under
fire: the peer re-reads every slot back-to-back while Linux storms the
uplink, and checks each snapshot it accepts (peer.c, stress_check)."""

import os

import board
from suite import PCI_UPLINK, Suite, expect, head, load_driver, records_since, wait_view

UP = 0x1
SPEED_UNKNOWN = 0xFFFFFFFF
DUPLEX_FULL, DUPLEX_UNKNOWN = 1, 0xFF
# Two instances on the one uplink; eth0 (virtio-net-pci) reports 1000/full.
INSTANCES = [
    dict(name="stress-a", slot=0, sgi=8, uplink="eth0"),
    dict(name="stress-b", slot=1, sgi=9, uplink="eth0"),
]
NSLOTS = 2
# VNLM_STORM_TOGGLES lengthens the storm (the mutation lane does, where a
# mutant's race window is narrow).
STORM_TOGGLES = int(os.environ.get("VNLM_STORM_TOGGLES", "1000"))


def setup(g, suite):
    g.start_peer(slots=board.peer_slot_table(INSTANCES, NSLOTS), mem="cached-inval",
                 run="stress", check_speed=True)
    h = g.peer.header()
    expect(h.mem_mode == 1 and h.run_mode == 1,
           f"peer runs mem mode {h.mem_mode}, run mode {h.run_mode}; asked 1, 1")
    how = load_driver(g)
    g.sh("load-nic; ip link set eth0 up")
    for s in range(NSLOTS):
        wait_view(g, s, lambda v: v.status & UP, what=f"slot {s} up")
    return how


def expect_view(v, up, what):
    want = (UP, 1000, DUPLEX_FULL) if up else (0, SPEED_UNKNOWN, DUPLEX_UNKNOWN)
    got = (v.status & UP, v.speed, v.duplex)
    expect(got == want and v.mtu == 1500, f"{what}: RTOS read {v}, expected {want}")


def test_flaps_read_correctly(g):
    """Cable pulls (QMP set_link) read by the peer through its cacheable,
    invalidated mapping: each state, with its speed and duplex, arrives
    as a doorbell record, on both instances."""
    for n in range(3):
        for up in (False, True):
            mark = head(g)
            g.set_link("up0", up)
            for s in range(NSLOTS):
                v = wait_view(g, s, lambda v: bool(v.status & UP) == up,
                              what=f"flap {n}: slot {s} {'up' if up else 'down'}")
                expect_view(v, up, f"flap {n} slot {s}")
            recs = [r for r in records_since(g, mark) if r.slot < NSLOTS]
            expect({r.slot for r in recs} == set(range(NSLOTS)),
                   f"flap {n}: doorbell records for slots {[r.slot for r in recs]}")
            for r in recs:
                expect(bool(r.status & UP) == up and (r.speed == 1000) == up,
                       f"flap {n}: record {r}")
    h = g.peer.header()
    expect(h.failed_reads == 0, f"{h.failed_reads} failed reads")
    return f"6 flaps on 2 instances, {h.torn_retries} torn reads retried on doorbells"


def test_seqlock_under_fire(g):
    """Admin up/down as fast as Linux goes while the peer reads without
    pause: no snapshot it accepts is inconsistent (generation backwards,
    one generation with two contents, LINK_UP without speed/duplex or the
    reverse, stamp backwards), none is given up on, and the peer really
    read through the storm (generations advanced, reads counted)."""
    h0 = g.peer.header()
    seq0 = [g.peer.view(s).seq for s in range(NSLOTS)]
    g.sh(f"vnlm-flap -q admin eth0 {STORM_TOGGLES} 0", timeout=300)
    for s in range(NSLOTS):
        v = wait_view(g, s, lambda v: v.status & UP, what=f"slot {s} up after the storm")
        expect_view(v, True, f"after the storm, slot {s}")
    h = g.peer.header()
    advanced = [g.peer.view(s).seq - seq0[s] for s in range(NSLOTS)]
    reads = h.stress_reads - h0.stress_reads
    expect(h.stress_bad == 0,
           f"{h.stress_bad} inconsistent snapshots; first: slot {h.bad_slot} generation "
           f"{h.bad_seq} after {h.bad_prev_seq}, status {h.bad_status:#x} speed {h.bad_speed:#x}")
    expect(h.stress_failed == 0, f"{h.stress_failed} stress reads gave up (all attempts torn)")
    expect(h.failed_reads == 0, f"{h.failed_reads} doorbell reads gave up")
    expect(all(a >= STORM_TOGGLES for a in advanced),
           f"{STORM_TOGGLES} toggles, yet generations advanced by only {advanced}")
    expect(reads > 10 * STORM_TOGGLES, f"only {reads} stress reads during the storm")
    return (f"{reads} snapshots in {h.stress_scans - h0.stress_scans} passes, "
            f"{h.stress_retries - h0.stress_retries} torn attempts retried, generations "
            f"+{advanced}, 0 inconsistent")


SUITES = [Suite("peer-stress", [
    ("cacheable + invalidate mapping: link flaps read correctly", test_flaps_read_correctly),
    ("seqlock under fire: zero inconsistent snapshots, retries reported",
     test_seqlock_under_fire),
], overlay=board.mirror_overlay(INSTANCES), nics=[PCI_UPLINK], nslots=NSLOTS, setup=setup,
    flavours=("debian", "armhf"))]

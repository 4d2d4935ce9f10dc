# SPDX-License-Identifier: GPL-2.0-only
"""The mirror driver's core cases on the i.MX6Quad sabrelite (issue 21):
the FEC's netdev renamed away and back, the fec module removed and
re-inserted, an instance naming the FEC by phandle (ethernet = <&fec>) that
follows it, bad nodes that fail alone naming node and property, and reboot
leaving the RTOS on CPU 3 reading link down with a doorbell.

The board is sabrelite_board's (the kernel package's DTB, CPU 3 removed),
with this suite's own overlay: the package DTB has no __symbols__, so the
FEC gets a phandle and a label from its path (board.add_symbol, as a board
DTB built with dtc -@ would carry) and the overlay references the label.
Every outcome asserted is what the peer read or what dmesg says."""

import os
import re
import struct
import subprocess

import board
from suite import (FEC_NETDEV, FEC_UPLINK, Suite, check_dmesg, expect, head, load_driver,
                   records_since, sysfs, wait_view)

UP = 0x1
DUPLEX_FULL = 0x01
SPEED_UNKNOWN = 0xFFFFFFFF
DUPLEX_UNKNOWN = 0xFF
LINK_TIMEOUT = 10.0  # phylib polls the FEC's PHY once a second

SB = board.BOARDS["sabrelite"]
SHM = SB["shm_base"]
STRIDE = board.SHM_STRIDE
FEC_PATH = "/soc/bus@2100000/ethernet@2188000"  # imx6qdl.dtsi's fec: ethernet@2188000
FEC_PHANDLE = 0x7F00

# node -> (slot, SGI): the FEC by name, and by phandle.
BY_NAME = "mirror-fec-name"
BY_PHANDLE = "mirror-fec-phandle"
GOOD = {BY_NAME: (0, 8), BY_PHANDLE: (1, 9)}
# node -> (the property the message must name, its property lines).  Each
# would be good but for the one property: region 2 is free for the SGI and
# CPU nodes; the overlap node takes mirror-fec-name's region.
BAD = {
    "bad-sgi-range": ("linux,doorbell-sgi", ["memory-region = <&vnet2_shm>;",
                                             'linux,uplink = "eth0";',
                                             "linux,target-cpu = <0x3>;",
                                             "linux,doorbell-sgi = <16>;"]),
    "bad-target-linux": ("linux,target-cpu", ["memory-region = <&vnet3_shm>;",
                                              'linux,uplink = "eth0";',
                                              "linux,target-cpu = <0x0>;",
                                              "linux,doorbell-sgi = <10>;"]),
    "bad-region-overlap": ("memory-region", ["memory-region = <&vnet0_shm>;",
                                             'linux,uplink = "eth0";',
                                             "linux,target-cpu = <0x3>;",
                                             "linux,doorbell-sgi = <11>;"]),
}
NSLOTS = 4


def overlay():
    """fdtoverlay adds each new node ahead of its siblings, so the text
    lists them in reverse: in the board's DTB, and so in probe order, the
    good instances come first and the overlap node finds its region taken."""
    res = "".join(f"""
		vnet{s}_shm: vnet-shm@{SHM + s * STRIDE:x} {{
			reg = <0x{SHM + s * STRIDE:x} 0x{STRIDE:x}>;
			no-map;
		}};""" for s in range(NSLOTS))
    nodes = ""
    for node, (_, props) in BAD.items():
        body = "\n\t\t".join(['compatible = "linux,virtio-net-link-mirror";', *props])
        nodes += f"""
	{node} {{
		{body}
	}};
"""
    nodes += f"""
	{BY_PHANDLE} {{
		compatible = "linux,virtio-net-link-mirror";
		memory-region = <&vnet1_shm>;
		ethernet = <&fec>;
		linux,target-cpu = <0x3>;
		linux,doorbell-sgi = <9>;
	}};

	{BY_NAME} {{
		compatible = "linux,virtio-net-link-mirror";
		memory-region = <&vnet0_shm>;
		linux,uplink = "eth0";
		linux,target-cpu = <0x3>;
		linux,doorbell-sgi = <8>;
	}};
"""
    return f"""/dts-v1/;
/plugin/;

&{{/}} {{
	reserved-memory {{
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;

		rtos@{SB['peer_entry']:x} {{
			reg = <0x{SB['peer_entry']:x} 0x800000>;
			no-map;
		}};{res}
	}};
{nodes}}};
"""


def slot(name):
    return GOOD[name][0]


def wait_state(g, name, up, what, timeout=LINK_TIMEOUT):
    """The peer's view of @name's region: LINK_UP 100 full, or down."""
    if up:
        pred = lambda v: v.status & UP and v.speed == 100 and v.duplex == DUPLEX_FULL  # noqa: E731
    else:
        pred = lambda v: not v.status & UP  # noqa: E731
    return wait_view(g, slot(name), pred, timeout, f"{name}: {what}")


def wait_released(g, name, what):
    """Released: the region says no uplink (mtu 0, down, speed unknown)."""
    return wait_view(g, slot(name), lambda v: v.mtu == 0 and not v.status and
                     v.speed == SPEED_UNKNOWN, LINK_TIMEOUT, f"{name}: {what}")


def doorbells_for(g, mark, name):
    """The records the peer logged for @name's region since @mark; the
    node's own SGI must be among their doorbells (the peer reads every
    region on any doorbell, so one rung for the other instance may carry
    this region's change too, but this instance must ring its own)."""
    recs = [r for r in records_since(g, mark) if r.slot == slot(name)]
    intids = {r.intid for r in records_since(g, mark)}
    expect(GOOD[name][1] in intids, f"{name}: no doorbell with its SGI {GOOD[name][1]} "
           f"since the step began (INTIDs {sorted(intids)})")
    return recs


def bound(g, node):
    return g.sh(f"test -e /sys/bus/platform/devices/{node}/driver", check=False)[0] == 0


def setup(g, suite):
    g.sh("load-nic", timeout=120)
    g.wait_for_output("test -e /sys/class/net/eth0 && echo yes || echo no", "yes", 60)
    g.start_peer(suite.nslots)
    h = g.peer.header()
    expect(h.mpidr == 3, f"peer runs on MPIDR {h.mpidr:#x}, expected 0x3 (CPU 3)")
    load_driver(g)
    for node in GOOD:
        g.wait_for_output(f"test -e /sys/bus/platform/devices/{node}/driver "
                          "&& echo yes || echo no", "yes", 10)
    return f"peer on MPIDR {h.mpidr:#x}; {', '.join(GOOD)} bound"


def test_probe_both_forms(g):
    """Both instances found the FEC's eth0: one by name, one by the FEC's DT
    node; the peer read each region's first state (admin down)."""
    for node in GOOD:
        expect(sysfs(g, node, "uplink") == "eth0", f"{node}: uplink is not eth0")
        v = wait_view(g, slot(node), lambda v: v.mtu == 1500, 5, f"{node}: first read")
        expect(not v.status & UP, f"{node}: eth0 is down, the peer read {v.status:#x}")
    return "both forms on eth0, read by the peer"


def test_bad_nodes(g):
    """Each bad node fails alone, its message naming the node and the
    property; none is bound, both good instances are."""
    log = g.out("dmesg | grep vnet-link-mirror")
    notes = []
    for node, (prop, _) in BAD.items():
        lines = [l for l in log.splitlines() if f"/{node}: {prop}" in l]
        expect(lines, f"{node}: no message naming /{node} and {prop}:\n{log[-1500:]}")
        expect(not bound(g, node), f"{node} is bound")
        notes.append(re.sub(r"^\[\s*[0-9.]+\]\s*", "", lines[-1]))
    over = [l for l in log.splitlines() if "/bad-region-overlap: memory-region" in l]
    expect(any("in use" in l for l in over), f"the overlap is not told as in use: {over}")
    for node in GOOD:
        expect(bound(g, node), f"good node {node} is not bound")
    # The host tool, on the same DTB, says what the driver's DT rules say
    # (the GIC's own check would refuse a Linux CPU's interface too, with
    # other words: the rule naming the cpu node must be what refused it).
    tool = subprocess.run([os.path.join(board.BUILD, "vnlm-dtb"), "check", g.dtb],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = tool.stderr.splitlines()
    for note in notes:
        msg = note.split(": error -", 1)[-1].split(": ", 1)[-1]
        if "already in use" in msg:
            expect(any(l.startswith("/bad-region-overlap: memory-region") and "overlaps" in l
                       for l in said), f"the tool did not flag the overlap: {said}")
            continue
        expect(msg in said, f"driver said {msg!r}; the tool said:\n" + "\n".join(said))
    expect(len(said) == len(BAD), f"the tool flagged {len(said)} nodes: {said}")
    return "\n".join(notes)


def test_link_up_both(g):
    """Admin up: the peer reads LINK_UP 100 full in both regions, each on
    its own SGI (the bad nodes' failures left the good ones working)."""
    mark = head(g)
    g.sh("ip link set eth0 up")
    for node in GOOD:
        wait_state(g, node, True, "up after admin up")
        expect(doorbells_for(g, mark, node), f"{node}: no doorbell")
    return "both read up/100/full"


def test_cable_pull_plug(g):
    mark = head(g)
    g.set_link(FEC_NETDEV, False)
    for node in GOOD:
        wait_state(g, node, False, "down after set_link off")
    g.set_link(FEC_NETDEV, True)
    for node in GOOD:
        wait_state(g, node, True, "up after set_link on")
    for node in GOOD:
        st = [bool(r.status & UP) for r in doorbells_for(g, mark, node)]
        expect(False in st and st[-1], f"{node}: the peer read {st}, not down then up")
    return "both regions read down, then up"


def test_rename_away_and_back(g):
    """eth0 renamed wan0: the by-name instance releases it (the peer reads
    no uplink), the by-phandle one follows the FEC (up again as wan0, read
    by the peer); renamed back, both mirror eth0 again."""
    mark = head(g)
    g.sh("ip link set eth0 down && ip link set eth0 name wan0")
    wait_released(g, BY_NAME, "released after the rename away")
    expect(sysfs(g, BY_NAME, "uplink") == "", "the by-name instance still holds the NIC")
    expect(sysfs(g, BY_PHANDLE, "uplink") == "wan0", "the by-phandle instance did not follow")
    g.sh("ip link set wan0 up")
    wait_state(g, BY_PHANDLE, True, "up as wan0")
    v = g.peer.view(slot(BY_NAME))
    expect(v.mtu == 0 and not v.status, f"the by-name region changed while eth0 is gone: {v}")
    g.sh("ip link set wan0 down && ip link set wan0 name eth0 && ip link set eth0 up")
    for node in GOOD:
        wait_state(g, node, True, "up after the rename back")
    expect(sysfs(g, BY_NAME, "uplink") == "eth0", "the by-name instance did not take eth0 back")
    name_recs = doorbells_for(g, mark, BY_NAME)
    expect(any(r.status == 0 for r in name_recs) and name_recs[-1].status & UP,
           f"by name: the peer read {[hex(r.status) for r in name_recs]}")
    return (f"by name: {len(name_recs)} doorbells; by phandle: "
            f"{len(doorbells_for(g, mark, BY_PHANDLE))}")


def test_fec_rmmod_insmod(g):
    """The uplink disappears (rmmod fec) and returns (insmod fec): both
    instances release it (the peer reads no uplink), both take it back
    when the FEC probes again, and the peer reads it up once it is."""
    mark = head(g)
    g.sh("rmmod fec")
    for node in GOOD:
        wait_released(g, node, "released after rmmod fec")
        expect(sysfs(g, node, "uplink") == "", f"{node}: uplink not released")
    g.sh("insmod /lib/modules/nic/fec.ko")
    g.wait_for_output("test -e /sys/class/net/eth0 && echo yes || echo no", "yes", 60)
    for node in GOOD:
        wait_view(g, slot(node), lambda v: v.mtu == 1500, LINK_TIMEOUT, f"{node}: FEC back")
    g.sh("ip link set eth0 up")
    for node in GOOD:
        wait_state(g, node, True, "up after insmod fec")
        recs = doorbells_for(g, mark, node)
        expect(any(r.status == 0 for r in recs) and recs[-1].status & UP,
               f"{node}: the peer read {[hex(r.status) for r in recs]}")
    return "both released, then up again"


def region_word(g, node):
    """status, speed, duplex, mtu and generation of @node's region, from
    the guest RAM file (as the RTOS reads it; also after QEMU exited)."""
    off = SHM + slot(node) * STRIDE - SB["ram_base"]
    with open(g.ram_file, "rb") as f:
        f.seek(off)
        b = f.read(0x80)
    status, mtu, speed, duplex = struct.unpack_from("<HxxHIB", b, 0x06)
    seq, = struct.unpack_from("<I", b, 0x40)
    return dict(status=status, mtu=mtu, speed=speed, duplex=duplex, seq=seq)


def test_reboot(g):
    """reboot -f: on the way down (.shutdown) each instance publishes link
    down and rings; the peer on CPU 3 reads it, and the region says so."""
    before = {n: region_word(g, n) for n in GOOD}
    expect(all(b["status"] & UP for b in before.values()), f"link up before reboot: {before}")
    mark = head(g)
    g.send("reboot -f")
    g.wait_for(rb"Restarting system", 120)
    for node in GOOD:
        wait_view(g, slot(node), lambda v: v.mtu == 0 and not v.status and
                  v.seq > before[node]["seq"], 30, f"{node}: link down on reboot")
    for node in GOOD:
        after = region_word(g, node)
        expect(after["status"] == 0 and after["speed"] == SPEED_UNKNOWN and
               after["duplex"] == DUPLEX_UNKNOWN and after["seq"] % 2 == 0,
               f"{node}: Linux is going and the region says {after}")
        recs = doorbells_for(g, mark, node)
        expect(recs and all(r.status == 0 for r in recs) and recs[-1].seq == after["seq"],
               f"{node}: the RTOS took no doorbell for the last publish: {recs}")
    # Whether the SoC then resets (QEMU exits under -no-reboot) depends on
    # a restart handler (imx2_wdt, a module this initramfs does not load):
    # not what is tested.
    rc = g.proc.poll()
    how = f"QEMU exited {rc}" if rc is not None else "no restart handler: the board halted"
    return f"both regions and the RTOS say down; {how}"


SUITES = [Suite("sabrelite-mirror", [
    ("both uplink forms (name, FEC phandle) probe on eth0", test_probe_both_forms),
    ("each bad node fails alone, naming node and property", test_bad_nodes),
    ("admin up: the peer reads both regions up, each on its SGI", test_link_up_both),
    ("QMP set_link off/on: both regions read down, then up", test_cable_pull_plug),
    ("eth0 renamed away and back: by name released, by phandle follows",
     test_rename_away_and_back),
    ("rmmod fec / insmod fec: the uplink disappears and returns", test_fec_rmmod_insmod),
    ("no kernel warnings, oops or refcount reports", check_dmesg),
    ("reboot -f leaves the RTOS reading link down, with a doorbell", test_reboot),
], overlay=overlay(), nics=[FEC_UPLINK], symbols={"fec": (FEC_PATH, FEC_PHANDLE)},
    setup=setup, nslots=NSLOTS, gics=(2,), flavours=("imx6",), closing_checks=False)]

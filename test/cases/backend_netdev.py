# SPDX-License-Identifier: GPL-2.0-only
"""linux,backend: the Linux-side netdev that stands for the RTOS's link
follows the mirrored link, as a user reads it: the backend's carrier, its
operstate (what iproute2 prints as "state"; busybox's ip prints the flags
only, so the state is read from /sys/class/net/<dev>/operstate, the same
dev->operstate IFLA_OPERSTATE carries), busybox `ip link`'s LOWER_UP and a
bridge's port state.  Backends are real netdevs: veth ends, and the virtio
MMIO NIC by its DT node."""

import os
import re
import time

import board
from suite import (MMIO_UPLINK, PCI_UPLINK, Suite, driver_builtin, expect, ifname_by_mac,
                   load_driver, sysfs, wait_view)

UP = 0x1
ANNOUNCE = 0x2
DRV = "/sys/bus/platform/drivers/vnet-link-mirror"
# Bridge port states (/sys/class/net/<port>/brport/state, BR_STATE_*).
BR_DISABLED, BR_FORWARDING = 0, 3

# node -> slot; the slot's SGI is 8 + slot
NODES = {
    # ANNOUNCE held 2 s: the backend is up for all of it (link up is up)
    "bk-eth0": dict(slot=0, uplink="eth0", announce=True,
                    raw=['linux,backend = "vb0";', "linux,announce-hold-ms = <2000>;"]),
    "bk-late": dict(slot=1, uplink="du0", raw=['linux,backend = "vl0";']),
    "bk-node": dict(slot=2, uplink="du1", raw=["linux,backend = <&uplink_mmio>;"]),
    "bk-off": dict(slot=3, uplink="du2", disabled=True, raw=['linux,backend = "vo0";']),
}
BAD = {
    "bad-backend-size": dict(slot=4, uplink="du3", raw=["linux,backend = <1 2>;"]),
    "bad-backend-dangling": dict(slot=5, uplink="du3", raw=["linux,backend = <0xdead>;"]),
}
NSLOTS = 6


def overlay():
    inst = [dict(d, name=n, sgi=8 + d["slot"]) for n, d in {**NODES, **BAD}.items()]
    return board.mirror_overlay(inst)


def backend_initrd(out_dir, flavour, base):
    """The shared initramfs plus veth and the bridge (with their
    dependencies, in load order) in /lib/modules/extra, loaded by
    load-extra; a module the kernel has built in is absent."""
    env = board.kernel_env(flavour)
    stage = os.path.join(out_dir, f"backend-modules-{flavour}")
    os.makedirs(stage, exist_ok=True)
    extra, names = [], []
    for rel in board.nic_modules(env["KMODULES"], ("veth", "bridge")):
        name = os.path.basename(rel).split(".ko")[0] + ".ko"
        path = os.path.join(stage, name)
        with open(path, "wb") as f:
            f.write(board.module_bytes(os.path.join(env["KMODULES"], rel)))
        extra.append((path, "/lib/modules/extra/" + name))
        names.append(name)
    script = os.path.join(stage, "load-extra")
    with open(script, "w") as f:
        f.write("#!/bin/sh\nfor m in %s; do\n\tinsmod /lib/modules/extra/$m || "
                "grep -q \"^${m%%.ko} \" /proc/modules || echo \"load-extra: $m failed\"\n"
                "done\n" % " ".join(names))
    os.chmod(script, 0o755)
    extra.append((script, "/bin/load-extra"))
    return board.initramfs(out_dir, board.our_modules(flavour), flavour, extra, "-backend")


def kernel_at_least(g, major, minor):
    m = re.match(r"(\d+)\.(\d+)", g.out("uname -r"))
    return (int(m.group(1)), int(m.group(2))) >= (major, minor)


def held_states(g, dev):
    """The operstate the kernel's RFC 2863 policy (default_operstate())
    derives for @dev without carrier: DOWN for a device that is its own
    lower layer (a NIC: iflink is its ifindex).  For a veth end, whose
    iflink is its peer (which has carrier): LOWERLAYERDOWN on 5.10 and 6.1;
    DOWN on 6.12 and 7.3, where LOWERLAYERDOWN needs the iflink device
    without carrier too (7.3's source read; all four kernels run here);
    the kernels between accept both.  Both are "not up", NO-CARRIER."""
    if g.out(f"cat /sys/class/net/{dev}/iflink") == g.out(f"cat /sys/class/net/{dev}/ifindex"):
        return ("down",)
    if not kernel_at_least(g, 6, 2):
        return ("lowerlayerdown",)
    if kernel_at_least(g, 6, 12):
        return ("down",)
    return ("lowerlayerdown", "down")


def link(g, dev):
    """(operstate, carrier, busybox `ip link show` first line)."""
    out = g.out(f"cat /sys/class/net/{dev}/operstate; "
                f"cat /sys/class/net/{dev}/carrier 2>/dev/null || echo -; "
                f"ip link show {dev} | head -1").splitlines()
    return out[0], out[1], out[2] if len(out) > 2 else ""


def wait_backend(g, dev, held, timeout=10.0):
    """Wait until @dev shows what a user reads while the mirror holds it
    (no carrier, operstate the kernel's policy gives, no LOWER_UP) or while
    it does not (carrier, operstate up, LOWER_UP); carrier-on events go
    through linkwatch, up to a second late."""
    want = held_states(g, dev) if held else ("up",)
    seen = []

    def ok(_p):
        st = link(g, dev)
        seen[:] = [st]
        return (st[0] in want and st[1] == ("0" if held else "1") and
                ("LOWER_UP" in st[2]) != held)
    try:
        g.wait_peer(ok, timeout, f"{dev} {'held down' if held else 'up'}")
    except Exception as exc:
        raise AssertionError(f"{dev}: want operstate {want} carrier {0 if held else 1}; "
                             f"read {seen}") from exc
    return seen[0]


def wait_link(g, name, up):
    slot = NODES[name]["slot"]
    return wait_view(g, slot, lambda v: bool(v.status & UP) == up,
                     what=f"{name} link {'up' if up else 'down'}")


def brport(g, dev):
    return int(g.out(f"cat /sys/class/net/{dev}/brport/state"))


def wait_brport(g, dev, state):
    g.wait_peer(lambda p: brport(g, dev) == state, 10, f"{dev} bridge port state {state}")


def veth(g, name, peer):
    """A veth pair, both ends up.  Busybox's ip cannot name the peer: the
    kernel calls it veth<N>, the first free N, and every peer here is
    renamed at once, so it is veth0."""
    g.sh(f"ip link add {name} type veth && ip link set veth0 name {peer} && "
         f"ip link set {peer} up && ip link set {name} up")
    expect(g.out(f"cat /sys/class/net/{name}/iflink") ==
           g.out(f"cat /sys/class/net/{peer}/ifindex"), f"{peer} is not {name}'s peer")


def held(g, name):
    return sysfs(g, name, "backend_held")


def setup(g, suite):
    g.start_peer(suite.nslots)
    g.sh("load-extra")
    # vb0 exists before the mirror probes; its uplink eth0 does not yet.
    # Built in (the debug kernel), the mirror probed at boot: vb0 comes
    # after it, while eth0 is absent, and is held as it comes up.
    veth(g, "vb0", "vr0")
    wait_backend(g, "vb0", driver_builtin(g))
    how = load_driver(g)
    return how + "; veth and bridge loaded; " + g.out(f"ls {DRV} | grep -e '^bk-' | tr '\\n' ' '")


def test_held_from_probe(g):
    """No uplink yet: the RTOS is told down and vb0 is held off at probe;
    the uplink registered but down keeps it held; up gives it back."""
    st = wait_backend(g, "vb0", True)
    expect(sysfs(g, "bk-eth0", "backend") == "vb0" and held(g, "bk-eth0") == "1",
           "sysfs backend should be vb0, held")
    g.sh("load-nic")
    wait_view(g, 0, lambda v: v.mtu == 1500, what="eth0 adopted")
    wait_backend(g, "vb0", True)
    g.sh("ip link set eth0 up")
    wait_link(g, "bk-eth0", True)
    up = wait_backend(g, "vb0", False)
    expect(held(g, "bk-eth0") == "0", "given back, yet sysfs says held")
    g.sh("ip link set eth0 down")
    wait_link(g, "bk-eth0", False)
    wait_backend(g, "vb0", True)
    g.sh("ip link set eth0 up")
    wait_backend(g, "vb0", False)
    return f"held: {st[0]} / {st[2]}; up: {up[0]} / {up[2]}"


def test_bridge_cable_pull(g):
    """eth0 and vb0 in a bridge: a cable pull (QMP set_link) disables both
    ports, the plug forwards on both again; three times."""
    g.sh("brctl addbr br0 && brctl addif br0 eth0 && brctl addif br0 vb0 && "
         "ip link set br0 up")
    wait_brport(g, "vb0", BR_FORWARDING)
    wait_brport(g, "eth0", BR_FORWARDING)
    seen, announced = [], 0
    for _ in range(3):
        g.set_link("up0", False)
        wait_link(g, "bk-eth0", False)
        st = wait_backend(g, "vb0", True)
        wait_brport(g, "vb0", BR_DISABLED)
        wait_brport(g, "eth0", BR_DISABLED)
        g.set_link("up0", True)
        v = wait_view(g, 0, lambda v: v.status & UP, what="bk-eth0 link up")
        if v.status & ANNOUNCE:  # read within the 2 s hold (else not judged)
            c = g.out("cat /sys/class/net/vb0/carrier")
            expect(c == "1" or not wait_view(g, 0, lambda v: True).status & ANNOUNCE,
                   f"vb0 carrier {c} while the RTOS reads LINK_UP|ANNOUNCE")
            announced += 1
        wait_backend(g, "vb0", False)
        wait_brport(g, "vb0", BR_FORWARDING)
        wait_brport(g, "eth0", BR_FORWARDING)
        seen.append(st[0])
    g.sh("ip link set br0 down && brctl delbr br0")
    expect(announced, "the RTOS never read the ANNOUNCE generation (2 s hold)")
    return (f"vb0 while the cable was out: {seen}; bridge ports disabled, then forwarding; "
            f"vb0 up during ANNOUNCE {announced} of 3 times")


def freeze_send(g, seconds):
    """Start an s2idle sleep (the PL031 alarm wakes it); returns the token
    to wait on."""
    g.sh(f"echo 0 > /sys/class/rtc/rtc0/wakealarm; echo +{seconds} > /sys/class/rtc/rtc0/wakealarm")
    return g.send("echo freeze > /sys/power/state")


def test_across_suspend(g):
    """s2idle with the cable in, twice: the RTOS is told down asleep and up
    after, vb0 ends up given back, and a cable pull after the resume holds
    it again.  (Not a cable pulled while Linux sleeps: virtio-net resets
    the device on restore and keeps the link bit it had, 6.1 to 7.3, so
    Linux itself would not see it; lifecycle-e1000e covers that case for
    the link the RTOS reads.)"""
    seen = []
    for _ in range(2):
        wait_link(g, "bk-eth0", True)
        wait_backend(g, "vb0", False)
        mark = g.peer.header().head
        g.sh("echo 0 > /sys/class/rtc/rtc0/wakealarm; echo +2 > /sys/class/rtc/rtc0/wakealarm")
        g.sh("echo freeze > /sys/power/state", timeout=120)
        wait_link(g, "bk-eth0", True)
        st = [r.status & UP for r in g.peer.records(mark) if r.slot == 0]
        expect(st[:1] == [0] and st[-1:] == [UP], f"asleep and after, the RTOS read {st}")
        wait_backend(g, "vb0", False)
        expect(held(g, "bk-eth0") == "0", "the cable is in, yet sysfs says held after resume")
        g.set_link("up0", False)
        wait_link(g, "bk-eth0", False)
        wait_backend(g, "vb0", True)
        expect(held(g, "bk-eth0") == "1", "cable pulled after resume: vb0 not held in sysfs")
        g.set_link("up0", True)
        seen.append(st)
    wait_link(g, "bk-eth0", True)
    wait_backend(g, "vb0", False)
    return f"the RTOS read {seen} across two sleeps; vb0 given back, held on a pull after each"


def test_late_rename_vanish(g):
    """vl0 appears after the probe, is renamed away and back, vanishes and
    returns; held whenever it is followed while du0 is down."""
    name = "bk-late"
    expect(sysfs(g, name, "backend") == "", "no vl0 yet, yet sysfs names a backend")
    g.sh("ip link add du0 type dummy && ip link set du0 up")
    wait_link(g, name, True)
    veth(g, "vl0", "vlp")
    expect(sysfs(g, name, "backend") == "vl0", "vl0 registered late: not adopted")
    wait_backend(g, "vl0", False)
    g.sh("echo 0 > /sys/class/net/du0/carrier")
    wait_link(g, name, False)
    wait_backend(g, "vl0", True)
    # renamed away (down first): given back, no longer followed
    g.sh("ip link set vl0 down && ip link set vl0 name vlx && ip link set vlx up")
    expect(sysfs(g, name, "backend") == "", "renamed away, still followed")
    wait_backend(g, "vlx", False)
    # renamed back while du0 is still down: held again
    g.sh("ip link set vlx down && ip link set vlx name vl0 && ip link set vl0 up")
    expect(sysfs(g, name, "backend") == "vl0", "renamed back, not followed")
    wait_backend(g, "vl0", True)
    # vanishes, then returns while down: held from its first `up`
    g.sh("ip link del vl0")
    expect(sysfs(g, name, "backend") == "", "deleted, still followed")
    veth(g, "vl0", "vlp")
    wait_backend(g, "vl0", True)
    g.sh("echo 1 > /sys/class/net/du0/carrier")
    wait_link(g, name, True)
    wait_backend(g, "vl0", False)
    # admin down and up while the link is up: not held
    g.sh("ip link set vl0 down && ip link set vl0 up")
    wait_backend(g, "vl0", False)


def test_netns_move(g):
    """A backend moved to another namespace is let go of (up there with its
    own carrier, not held), and taken again when it comes back."""
    name = "bk-late"
    g.sh("echo 0 > /sys/class/net/du0/carrier")
    wait_link(g, name, False)
    wait_backend(g, "vl0", True)
    # the namespace's holder stays until the board ends (as in mirror-driver)
    g.sh("rm -f /tmp/bkns; setsid unshare -n sh -c 'echo $$ > /tmp/bkns; "
         "while :; do sleep 1; done' </dev/null >/dev/null 2>&1 & "
         "while [ ! -s /tmp/bkns ]; do sleep 0.05; done")
    g.sh("ip link set vl0 netns $(cat /tmp/bkns)")
    expect(sysfs(g, name, "backend") == "", "moved out of init_net, still followed")
    ns = "nsenter -t $(cat /tmp/bkns) -n"
    g.sh(f"{ns} ip link set vl0 up")
    g.wait_peer(lambda p: "LOWER_UP" in g.out(f"{ns} ip link show vl0 | head -1"), 10,
                "vl0 up with carrier in the other namespace")
    expect(held(g, name) == "0", "held while in another namespace")
    g.sh(f"{ns} ip link set vl0 netns 1")
    expect(sysfs(g, name, "backend") == "vl0", "back in init_net, not followed")
    g.sh("ip link set vl0 up")
    wait_backend(g, "vl0", True)
    g.sh("echo 1 > /sys/class/net/du0/carrier")
    wait_backend(g, "vl0", False)


def irq_count(g, nic):
    """Interrupts @nic's virtio device took (its /proc/interrupts line,
    one count per CPU)."""
    name = g.out(f"basename $(readlink /sys/class/net/{nic}/device)")
    ncpu = len(g.out("head -1 /proc/interrupts").split())
    line = g.out(f"grep -w {name} /proc/interrupts").split()
    return sum(int(x) for x in line[1:1 + ncpu])


def driver_carrier_on(g, netdev, nic):
    """While @nic is held: its own driver sets the carrier on (QMP set_link
    off, then on).  virtio-net reads the link bit in a work item after the
    config interrupt, and the off must be read (invisibly: the carrier is
    off already) before the on, else the work reads "up" twice and sets
    nothing.  The off's interrupt is waited for; the work runs after it,
    on a loaded host maybe later than the margin, so the pair is repeated
    with a longer margin before the test gives up: the stimulus is retried,
    the outcome (the hold ends) is what is judged."""
    for margin in (0.5, 2.0, 5.0):
        before = irq_count(g, nic)
        g.set_link(netdev, False)
        g.wait_peer(lambda p: irq_count(g, nic) > before, 30,
                    f"{nic}'s config interrupt for the cable pull")
        time.sleep(margin)
        g.set_link(netdev, True)
        try:
            return wait_backend(g, nic, False, timeout=5.0)
        except AssertionError:
            if margin == 5.0:
                raise
    return None


def test_driver_sets_carrier(g):
    """The phandle form (the virtio MMIO NIC, eth1) survives a rename;
    while held, its own driver sets carrier on (QMP set_link): the driver
    has the last word until the mirrored link next changes."""
    name = "bk-node"
    nic = ifname_by_mac(g, "52:54:00:00:00:20")
    expect(sysfs(g, name, "backend") == nic, f"the node's netdev {nic} not followed")
    g.sh(f"ip link set {nic} up")
    wait_backend(g, nic, True)  # du1 does not exist: told down
    g.sh("ip link add du1 type dummy && ip link set du1 up")
    wait_link(g, name, True)
    wait_backend(g, nic, False)
    g.sh(f"ip link set {nic} down && ip link set {nic} name lan9 && ip link set lan9 up")
    expect(sysfs(g, name, "backend") == "lan9", "the node form follows the renamed NIC")
    g.sh("echo 0 > /sys/class/net/du1/carrier")
    wait_link(g, name, False)
    wait_backend(g, "lan9", True)
    driver_carrier_on(g, "mm0", "lan9")
    expect(held(g, name) == "0", "the driver's carrier on should end the hold")
    g.sh("echo 1 > /sys/class/net/du1/carrier")
    wait_link(g, name, True)
    g.sh("echo 0 > /sys/class/net/du1/carrier")
    wait_link(g, name, False)
    wait_backend(g, "lan9", True)
    g.sh("echo 1 > /sys/class/net/du1/carrier")
    wait_backend(g, "lan9", False)
    g.sh(f"ip link set lan9 down && ip link set lan9 name {nic} && ip link set {nic} up")
    wait_backend(g, nic, False)


def test_enabled_gives_back(g):
    """Mirroring off at boot: vo0 untouched; on: held (du2 absent);
    off: given back as found; on again: held."""
    name = "bk-off"
    veth(g, "vo0", "vop")
    expect(sysfs(g, name, "backend") == "vo0", "vo0 not adopted")
    wait_backend(g, "vo0", False)
    expect(held(g, name) == "0", "held while mirroring is off")
    for _ in range(2):
        g.sh(f"echo 1 > /sys/bus/platform/devices/{name}/enabled")
        wait_backend(g, "vo0", True)
        g.sh(f"echo 0 > /sys/bus/platform/devices/{name}/enabled")
        wait_backend(g, "vo0", False)
    g.sh(f"echo 1 > /sys/bus/platform/devices/{name}/enabled")
    wait_backend(g, "vo0", True)


def test_unbind_gives_back(g):
    """Unbind gives the held backends their carrier back; bind holds again."""
    g.sh("echo 0 > /sys/class/net/du0/carrier")
    wait_backend(g, "vl0", True)
    for _ in range(2):
        for n in ("bk-late", "bk-off"):
            g.sh(f"echo {n} > {DRV}/unbind")
        wait_backend(g, "vl0", False)
        wait_backend(g, "vo0", False)
        for n in ("bk-late", "bk-off"):
            g.sh(f"echo {n} > {DRV}/bind")
        wait_backend(g, "vl0", True)
        # bk-off starts disabled again (the DT default): vo0 stays up
        wait_backend(g, "vo0", False)
    g.sh("echo 1 > /sys/class/net/du0/carrier")
    wait_backend(g, "vl0", False)


def test_found_off_left_off(g):
    """A carrier its own driver holds off (vl0's peer down) is never taken,
    so nothing is given back: not at unbind, bind, nor link up."""
    name = "bk-late"
    g.sh("ip link set vlp down")
    g.sh("echo 0 > /sys/class/net/du0/carrier")
    wait_link(g, name, False)
    expect(g.out("cat /sys/class/net/vl0/carrier") == "0", "vl0's peer is down: no carrier")
    expect(held(g, name) == "0", "a carrier that was off was taken")
    g.sh(f"echo {name} > {DRV}/unbind")
    expect(g.out("cat /sys/class/net/vl0/carrier") == "0", "unbind turned on a carrier "
           "the mirror never held")
    g.sh(f"echo {name} > {DRV}/bind")
    wait_link(g, name, False)
    g.sh("echo 1 > /sys/class/net/du0/carrier")
    wait_link(g, name, True)
    expect(g.out("cat /sys/class/net/vl0/carrier") == "0", "link up turned on a carrier "
           "the mirror never held")
    g.sh("ip link set vlp up")
    wait_backend(g, "vl0", False)


def test_rmmod_gives_back(g):
    from tap import Skip
    if driver_builtin(g):
        raise Skip("driver built in: no module to unload; unbind runs remove")
    g.set_link("up0", False)
    g.sh("echo 0 > /sys/class/net/du0/carrier")
    wait_backend(g, "vb0", True)
    wait_backend(g, "vl0", True)
    g.sh("rmmod vnet_link_mirror")
    for dev in ("vb0", "vl0"):
        wait_backend(g, dev, False)
    g.sh("insmod /lib/modules/vnlm/vnet-link-mirror.ko")
    for dev in ("vb0", "vl0"):
        wait_backend(g, dev, True)
    g.set_link("up0", True)
    g.sh("echo 1 > /sys/class/net/du0/carrier")
    for dev in ("vb0", "vl0"):
        wait_backend(g, dev, False)


def test_bad_backend(g):
    log = g.out("dmesg | grep -e bad-backend")
    for n, why in (("bad-backend-size", "linux,backend is not a NUL-terminated string, "
                    "nor a phandle"),
                   ("bad-backend-dangling", "linux,backend is not a phandle to a node")):
        expect(why in log and n in log, f"{n}: no message naming linux,backend ({why}):\n{log}")
        expect(g.sh(f"test -e /sys/bus/platform/devices/{n}/driver", check=False)[0] != 0,
               f"{n} bound")


SUITES = [Suite("backend-netdev", [
    ("backend held off from probe while the uplink is absent or down; given back on up",
     test_held_from_probe),
    ("bridge of uplink and backend: cable pull disables both ports, plug forwards",
     test_bridge_cable_pull),
    ("across s2idle: given back after resume, held on a cable pull after it",
     test_across_suspend),
    ("backend appears late, renamed away and back, vanishes and returns",
     test_late_rename_vanish),
    ("backend moved to another netns is let go of, taken again on return", test_netns_move),
    ("backend by DT node survives a rename; its driver's carrier on ends the hold",
     test_driver_sets_carrier),
    ("enabled=0 gives the backend back, enabled=1 holds it", test_enabled_gives_back),
    ("unbind gives the backend back, bind holds it again", test_unbind_gives_back),
    ("a carrier its driver keeps off is never taken, nor given back",
     test_found_off_left_off),
    ("rmmod gives the backends back, insmod holds them again", test_rmmod_gives_back),
    ("a bad linux,backend fails its node alone, naming the property", test_bad_backend),
], overlay=overlay(), nics=[PCI_UPLINK, MMIO_UPLINK],
    symbols={"uplink_mmio": ("/virtio_mmio@a003e00", 0x7f00)}, nslots=NSLOTS, setup=setup,
    initrd=backend_initrd, flavours=("debian", "bullseye", "backports", "newest", "debug"),
    gics=(3,))]

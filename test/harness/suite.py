# SPDX-License-Identifier: GPL-2.0-only
"""Test suites on the QEMU AMP board: one boot per suite and GIC version,
a TAP line per test, and a closing check of the kernel log."""

import os
import time

import board
from guest import Guest, GuestError
from peerlog import PEER_LOG_MAGIC

LS = "linux,virtio-net-link-mirror"
PCI_UPLINK = ["-netdev", "user,id=up0,restrict=on",
              "-device", "virtio-net-pci,netdev=up0,mac=52:54:00:00:00:10,speed=1000,duplex=full,romfile="]
MMIO_UPLINK = ["-netdev", "user,id=mm0,restrict=on",
               "-device", "virtio-net-device,netdev=mm0,mac=52:54:00:00:00:20"]
HOTPLUG_PORT = ["-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1"]
# The i.MX6 sabrelite's uplink: the SoC's FEC (imx.enet), which -nic gives
# its backend; QMP set_link on FEC_NETDEV pulls its cable.
FEC_NETDEV = "fec0"
FEC_UPLINK = ["-nic", f"user,model=imx.enet,id={FEC_NETDEV},restrict=on,mac=52:54:00:00:00:30"]


class Suite:
    def __init__(self, name, tests, overlay=None, nics=(), symbols=None,
                 nslots=8, setup=None, gics=(2, 3), append="", ram_mb=None,
                 firmware=None, flavours=board.FLAVOURS, firmware_board=False,
                 closing_checks=True, initrd=None, boot=None, flavour_gics=None):
        self.name = name
        self.tests = tests
        # None: the board's own one-instance overlay (board.default_overlay)
        self.overlay = overlay
        self.nics = list(nics)
        self.symbols = symbols
        self.nslots = nslots
        self.setup = setup
        self.gics = gics
        self.append = append
        self.ram_mb = ram_mb  # None: the board's own (board.BOARDS)
        self.firmware = firmware  # fn(out_dir) -> extra QEMU args
        # firmware_board: firmware is fn(out_dir, board) instead, board a dict
        # of the run's dtb, initrd, gic and flavour (FIT images, own base DTBs).
        self.firmware_board = firmware_board
        self.flavours = flavours
        # False for suites whose last test ends the board (reboot, poweroff):
        # they run check_dmesg themselves before it.
        self.closing_checks = closing_checks
        # fn(out_dir, flavour, shared initrd) -> the suite's own initramfs
        self.initrd = initrd
        # fn(out_dir, board) -> a boot loader driving the boot (guest.Guest's
        # @boot), board as for firmware_board; None: QEMU loads the kernel
        self.boot = boot
        # {flavour: gics} where a kernel runs the suite on fewer GICs than
        # @gics: the CI budget's cheaper lanes (each still runs the suite)
        self.flavour_gics = flavour_gics or {}

    def gics_for(self, flavour):
        return self.flavour_gics.get(flavour, self.gics)


def run_suite(tap, suite, gic, initrd, out_dir, flavour="debian"):
    label = f"{'' if flavour == 'debian' else flavour + '-kernel '}gicv{gic} {suite.name}"
    t_start = time.monotonic()
    try:
        arch = board.flavour_arch(flavour)
        overlay = suite.overlay or board.default_overlay(board.flavour_board(flavour))
        dtb = board.board_dtb(gic, overlay, out_dir, suite.name, suite.symbols,
                              suite.ram_mb or board.RAM_MB,
                              board.uboot_firmware(arch) if suite.firmware else (),
                              arch, flavour)
        if suite.initrd:
            initrd = suite.initrd(out_dir, flavour, initrd)
        with board.firmware_arch(arch):
            if not suite.firmware:
                extra = []
            elif suite.firmware_board:
                extra = suite.firmware(out_dir, dict(dtb=dtb, initrd=initrd, gic=gic,
                                                     flavour=flavour))
            else:
                extra = suite.firmware(out_dir)
        boot = suite.boot and suite.boot(out_dir, dict(dtb=dtb, initrd=initrd, gic=gic,
                                                       flavour=flavour))
        guest = Guest(gic, dtb, initrd, nics=suite.nics,
                      name=f"{suite.name}-v{gic}-{flavour}", append=suite.append,
                      ram_mb=suite.ram_mb, extra_args=extra, flavour=flavour, boot=boot)
    except Exception as exc:  # noqa: BLE001
        for name, _ in suite.tests:
            tap.result(f"{label}: {name}", False, f"board did not boot: {exc}")
        return
    guest.dtb = dtb
    with guest:
        t0 = time.monotonic()
        ok = True
        if suite.setup:
            ok = tap.run(f"{label}: setup", suite.setup, guest, suite)
        for name, fn in suite.tests:
            if not ok:
                tap.result(f"{label}: {name}", False, "setup failed")
                continue
            tap.run(f"{label}: {name}", fn, guest)
        if (ok and suite.closing_checks and guest.peer and
                guest.peer.header().magic == PEER_LOG_MAGIC):
            tap.run(f"{label}: RTOS peer alive, no failed reads, retries reported",
                    check_peer, guest)
        if ok and flavour == "debug" and suite.closing_checks:
            tap.run(f"{label}: kmemleak finds nothing of ours", check_kmemleak, guest)
        if ok and suite.closing_checks:
            tap.run(f"{label}: no kernel warnings, oops or refcount reports",
                    check_dmesg, guest)
        tap.comment(f"{label}: {time.monotonic() - t0:.1f}s in guest, "
                    f"{time.monotonic() - t_start:.1f}s with the board's boot; console log "
                    f"{guest.console_log}")


OUR_CODE = ("vnlm_", "vnet_link_mirror", "amp_peer_ctl")


def check_kmemleak(g):
    """Scan twice (kmemleak reports an object once it stayed unreferenced
    across scans); any leak allocated from our code fails."""
    g.sh("echo scan > /sys/kernel/debug/kmemleak; sleep 1; "
         "echo scan > /sys/kernel/debug/kmemleak", timeout=300)
    report = g.out("cat /sys/kernel/debug/kmemleak", timeout=120)
    leaks = report.split("unreferenced object")[1:]
    ours = [l for l in leaks if any(k in l for k in OUR_CODE)]
    if ours:
        raise GuestError(f"{len(ours)} leaks from our code:\n" + "\n".join(ours[:3]))
    return f"{len(leaks)} unreferenced objects in all, none allocated by our code"


def check_peer(g):
    """What the peer did over the whole boot: still alive (READY, not FAULT,
    heartbeat advancing), not one snapshot it gave up on (failed reads are
    counted, never dropped), and no stress-mode inconsistency."""
    peer_alive(g)
    h = g.peer.header()
    expect(h.failed_reads == 0, f"the peer gave up on {h.failed_reads} snapshots (all torn)")
    expect(h.stress_failed == 0 and h.stress_bad == 0,
           f"stress: {h.stress_failed} failed, {h.stress_bad} inconsistent")
    return (f"{h.doorbells} doorbells, {h.torn_retries} torn reads retried, "
            f"{h.heartbeats} heartbeats, mem mode {h.mem_mode}")


def peer_alive(g):
    """Before any "nothing arrived": the peer is READY, not FAULT, and still
    taking interrupts (its timer heartbeat advances)."""
    why = g.peer.alive()
    if why:
        raise AssertionError(f"RTOS peer not alive: {why}; header {g.peer.header()}")


def check_dmesg(g):
    problems = g.dmesg_problems()
    if problems:
        raise GuestError("kernel reported:\n" + "\n".join(problems[:20]) +
                         "\nin context:\n" + g.dmesg_context())


# -- helpers the cases share ---------------------------------------------

def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def driver_builtin(g):
    """The debug kernel has the driver in-tree and built in (=y); the
    Debian kernels load it as a module."""
    return g.sh("grep -q '^vnet_link_mirror ' /proc/modules || "
                "test ! -d /sys/bus/platform/drivers/vnet-link-mirror", check=False)[0] != 0


def load_driver(g):
    """insmod the driver, unless the kernel has it built in; there it probed
    at boot, before any uplink driver was loaded."""
    if driver_builtin(g):
        return "built in: probed at boot"
    g.sh("insmod /lib/modules/vnlm/vnet-link-mirror.ko")
    return "module loaded"


def head(g):
    return g.peer.header().head


def records_since(g, mark):
    return g.peer.records(mark)


def wait_view(g, slot, pred, timeout=10.0, what=None):
    """Wait until the RTOS view of @slot satisfies pred(view)."""
    return g.wait_peer(lambda p: (lambda v: v if v.valid and pred(v) else None)(p.view(slot)),
                       timeout, what or f"slot {slot} view")


def quiet_for(g, seconds):
    """Doorbells taken during @seconds of doing nothing, by a peer shown
    alive (taking interrupts) before and after: a dead peer takes none
    either, and must not pass for a quiet driver."""
    peer_alive(g)
    before = g.peer.header().doorbells
    time.sleep(seconds)
    after = g.peer.header().doorbells
    peer_alive(g)
    return after - before


def sysfs(g, dev, attr):
    return g.out(f"cat /sys/bus/platform/devices/{dev}/{attr}")


def ifname_by_mac(g, mac):
    out = g.out("for i in /sys/class/net/*; do echo \"${i##*/} $(cat $i/address)\"; done")
    for line in out.splitlines():
        name, _, addr = line.partition(" ")
        if addr.strip() == mac:
            return name
    raise AssertionError(f"no interface with MAC {mac}:\n{out}")

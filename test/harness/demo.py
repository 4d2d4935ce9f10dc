#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""make run / make shell: the QEMU AMP board with the example overlay
(dts/qemu-virt-amp.dtso), eth0 mirrored to the RTOS core; with
BOARD=sabrelite (--board sabrelite) the i.MX6Quad SABRE Lite model instead:
Debian's armmp kernel on Cortex-A9 CPUs 0-2, the package's DTB plus
dts/imx6q-sabrelite-amp.dtso, the FEC's eth0 mirrored to the RTOS on CPU 3.

make run pulls and plugs eth0's cable through QMP a few times and prints, per
doorbell, what Linux saw and what the RTOS core read.  make shell leaves you
at the guest shell; type `rtos` on a line of its own for the RTOS records.
"""

import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import board  # noqa: E402
from guest import Guest  # noqa: E402
from suite import FEC_NETDEV, FEC_UPLINK, PCI_UPLINK  # noqa: E402

SLOT = 0


def decode_status(s):
    bits = ["LINK_UP" if s & 1 else "down"]
    if s & 2:
        bits.append("ANNOUNCE")
    return "|".join(bits)


def fmt_speed(v):
    return "unknown" if v == 0xFFFFFFFF else f"{v}Mb/s"


def fmt_duplex(v):
    return {0: "half", 1: "full"}.get(v, "unknown")


def linux_view(g):
    out = g.out("ip link show eth0 | head -1")
    flags = out.split("<", 1)[-1].split(">", 1)[0].split(",")
    admin = "UP" if "UP" in flags else "DOWN"
    carrier = "carrier" if "LOWER_UP" in flags else "no-carrier"
    oper = g.out("cat /sys/class/net/eth0/operstate")
    return f"admin {admin}, {carrier}, oper {oper}"


HEAD = (f"{'step':<28} {'Linux: eth0':<38} {'RTOS: doorbell':>14} {'INTID':>5} "
        f"{'status':<17} {'speed':>9} {'duplex':>7} {'event->doorbell':>16}")


def print_records(g, mark, step, linux):
    recs = [r for r in g.peer.records(mark) if r.slot == SLOT]
    cntfrq = g.peer.header().cntfrq
    if not recs:
        print(f"{step:<28} {linux:<38} {'(none)':>14}")
    for r in recs:
        lat = (r.cntvct - r.event_stamp) * 1e6 / cntfrq if r.event_stamp else 0
        print(f"{step:<28} {linux:<38} {'#' + str(r.doorbell):>14} {r.intid:>5} "
              f"{decode_status(r.status):<17} {fmt_speed(r.speed):>9} "
              f"{fmt_duplex(r.duplex):>7} {lat:>13.0f} us")
        step, linux = "", ""
    sys.stdout.flush()


# Each board the demo boots: the kernel flavour, the uplink's QEMU netdev
# (QMP set_link pulls its cable) and NIC arguments.
DEMO_BOARDS = {
    "virt": dict(flavour="debian", netdev="up0", nics=[PCI_UPLINK]),
    "sabrelite": dict(flavour="imx6", netdev=FEC_NETDEV, nics=[FEC_UPLINK]),
}


def boot(gic, kind="virt"):
    out_dir = os.path.join(board.BUILD, "run")
    d = DEMO_BOARDS[kind]
    flavour = d["flavour"]
    if kind == "virt":
        dtb = board.board_dtb(gic, os.path.join(board.TOP, "dts", "qemu-virt-amp.dtso"),
                              out_dir, "qemu-virt-amp")
        print(f"booting the QEMU AMP board: virt, GICv{gic}, Linux on CPUs 0-1, "
              f"RTOS peer on CPU 2")
    else:
        if not board.have_flavour(flavour):
            raise SystemExit(f"no {board.FLAVOUR_ENV[flavour]} in {board.CACHE}: "
                             "make peer-imx6 lanes LANES=bookworm-armmp")
        gic = 2  # the A9 MPCore GIC
        dtb = board.board_dtb(gic, board.default_overlay(kind), out_dir, "imx6q-sabrelite-amp",
                              arch=board.flavour_arch(flavour), flavour=flavour)
        print("booting the QEMU AMP board: i.MX6Quad sabrelite (Cortex-A9, A9 MPCore GIC), "
              "Linux on CPUs 0-2, RTOS peer on CPU 3")
    initrd = board.initramfs(out_dir, board.our_modules(flavour), flavour)
    return Guest(gic, dtb, initrd, nics=d["nics"], name=f"run-{kind}-v{gic}", flavour=flavour)


def bring_up(g):
    # The FEC probes once its suppliers (GPIO, regulators) have: wait for
    # the netdev the kernel creates then.
    g.sh("load-nic", timeout=120)
    g.wait_for_output("test -e /sys/class/net/eth0 && echo yes || echo no", "yes", 60)
    g.start_peer(1)
    h = g.peer.header()
    print(f"RTOS peer up on MPIDR {h.mpidr:#x} (GICv{h.gic_version}), "
          f"counter {h.cntfrq / 1e6:.1f} MHz")


def run_demo(g, flaps, netdev="up0"):
    print(HEAD)
    mark = g.peer.header().head
    g.sh("insmod /lib/modules/vnlm/vnet-link-mirror.ko")
    g.wait_peer(lambda p: p.header().head > mark, 10, "probe doorbell")
    time.sleep(0.2)
    print_records(g, mark, "insmod (eth0 admin down)", linux_view(g))

    # Each step and the link state it leads to: the table is printed once
    # the RTOS read that state (a PHY that is polled, as the FEC's, reports
    # the carrier up to a second after `ip link set up` rang for admin up).
    steps = [("ip link set eth0 up", lambda: g.sh("ip link set eth0 up"), True)]
    for i in range(flaps):
        steps.append((f"QMP set_link {netdev} off ({i + 1})",
                      lambda: g.set_link(netdev, False), False))
        steps.append((f"QMP set_link {netdev} on  ({i + 1})",
                      lambda: g.set_link(netdev, True), True))
    steps.append(("ip link set eth0 down", lambda: g.sh("ip link set eth0 down"), False))
    for name, action, up in steps:
        mark = g.peer.header().head
        action()
        try:
            g.wait_peer(lambda p: any(r.slot == SLOT and bool(r.status & 1) == up
                                      for r in p.records(mark)), 10, name)
        except Exception:  # noqa: BLE001 - shown as "(none)" or the wrong state in the table
            pass
        time.sleep(0.2)
        print_records(g, mark, name, linux_view(g))
    m = g.out("cat /sys/bus/platform/devices/vnet-link-mirror-0/events "
              "/sys/bus/platform/devices/vnet-link-mirror-0/doorbells").split()
    h = g.peer.header()
    print(f"\nmirror: {m[0]} uplink events seen, {m[1]} doorbells rung; "
          f"RTOS: {h.doorbells} doorbells taken, {h.torn_retries} torn reads retried")
    problems = g.dmesg_problems()
    print("kernel log: " + ("clean" if not problems else "\n".join(problems)))
    return 0 if not problems and int(m[1]) == h.doorbells else 1


def print_rtos_log(g):
    h = g.peer.header()
    print(f"[rtos] {h.doorbells} doorbells, GICv{h.gic_version}; last records:")
    for r in g.peer.records(max(0, h.head - 10)):
        print(f"[rtos]   #{r.doorbell} INTID {r.intid} sender {r.sender} slot {r.slot} "
              f"seq {r.seq} status {decode_status(r.status)} speed {fmt_speed(r.speed)} "
              f"duplex {fmt_duplex(r.duplex)}")


def run_shell(g):
    g.sh("insmod /lib/modules/vnlm/vnet-link-mirror.ko")
    print("guest shell (no prompt); `rtos` prints the RTOS records; Ctrl-D or `poweroff` ends")
    synced = threading.Event()
    marker = b"@@SHELL-SYNC@@"

    def pump():
        while g.proc.poll() is None:
            with g._lock:
                data, g._buf = g._buf, b""
            if marker in data:
                data = data.replace(marker + b"\r\n", b"").replace(marker + b"\n", b"")
                synced.set()
            if data:
                sys.stdout.write(data.decode(errors="replace"))
                sys.stdout.flush()
            time.sleep(0.05)

    def sync():
        """Wait until the guest has run everything typed so far."""
        synced.clear()
        g.proc.stdin.write(b"echo '@@SHELL-''SYNC@@'\n")
        g.proc.stdin.flush()
        synced.wait(60)

    threading.Thread(target=pump, daemon=True).start()
    for line in sys.stdin:
        if line.strip() == "rtos":
            sync()
            print_rtos_log(g)
            continue
        g.proc.stdin.write(line.encode())
        g.proc.stdin.flush()
    sync()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shell", action="store_true")
    ap.add_argument("--board", choices=sorted(DEMO_BOARDS), default="virt",
                    help="the QEMU board (make run BOARD=...); sabrelite: GICv2 only")
    ap.add_argument("--gic", type=int, choices=(2, 3), default=3)
    ap.add_argument("--flaps", type=int, default=3)
    args = ap.parse_args()
    with boot(args.gic, args.board) as g:
        bring_up(g)
        return (run_shell(g) if args.shell else
                run_demo(g, args.flaps, DEMO_BOARDS[args.board]["netdev"]))


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: GPL-2.0-only
"""U-Boot boots the i.MX6Quad sabrelite as on a real board (issue 21):
U-Boot for mx6qsabrelite, built from Debian's u-boot source with overlay
support (scripts/build-uboot.sh mx6qsabrelite), copies the RTOS image into
the RTOS's memory, releases CPU 3 at it through the i.MX6 SRC (`cpu 3
release`), takes CPU 3 out of the kernel package's own imx6q-sabrelite.dtb,
applies dts/imx6q-sabrelite-amp.dtso with `fdt apply`, moves the instance's
doorbell from SGI 8 to SGI 9 with `fdt set` and boots Debian's armmp kernel
with `bootz` (test/harness/uboot.py types all of it at U-Boot's prompt).

The peer is running before Linux starts: nothing in Linux starts it
(amp-peer-ctl is never loaded).  The tests assert what Linux's DT holds and
what the RTOS peer read from shared memory on the doorbell U-Boot chose."""

import os
import time

import board
import uboot
from suite import Suite, expect, head, load_driver, records_since, sysfs, wait_view

UP = 0x1
DUPLEX_FULL = 0x01
NODE = "vnet-link-mirror-0"
SLOT = 0
OVERLAY_SGI = 8  # what dts/imx6q-sabrelite-amp.dtso says
UBOOT_SGI = 9    # what U-Boot's `fdt set` makes of it
NSLOTS = 1
EDITS = [f"fdt set /{NODE} linux,doorbell-sgi <{UBOOT_SGI}>"]
NETDEV = "fec0"
FEC_UPLINK = ["-nic", f"user,model=imx.enet,id={NETDEV},restrict=on,mac=52:54:00:00:00:30"]
OVERLAY = os.path.join(board.TOP, "dts", "imx6q-sabrelite-amp.dtso")
LINK_TIMEOUT = 10.0
# Linux sees the 1 GiB less the top 32 MiB U-Boot hides (SYS_MEM_TOP_HIDE):
# the RTOS's image and regions are no RAM of Linux's.
LINUX_MEMORY = (0x10000000, 0x3E000000)


def boot(out_dir, b):
    return uboot.SabreliteUBoot(out_dir, b["flavour"], OVERLAY, b["initrd"], NSLOTS, EDITS,
                                show=[f"/{NODE}"])


def dt_hex(g, path):
    return g.out(f"hexdump -v -e '1/1 \"%02x\"' /proc/device-tree/{path} 2>/dev/null "
                 f"|| echo absent")


def setup(g, suite):
    ub = g.boot
    t_linux = time.monotonic() - ub.t_kernel
    console = open(g.console_log, errors="replace").read()
    expect("Model: Freescale i.MX6 Quad SABRE Lite Board" in console,
           "the console shows no U-Boot for the sabrelite")
    g.sh("load-nic", timeout=120)
    g.wait_for_output("test -e /sys/class/net/eth0 && echo yes || echo no", "yes", 60)
    load_driver(g)
    g.wait_for_output(f"test -e /sys/bus/platform/drivers/vnet-link-mirror/{NODE} "
                      "&& echo yes || echo no", "yes", 10)
    return (f"{ub.summary()}; Linux's shell {t_linux:.1f} s after 'Starting kernel'; "
            f"U-Boot {console.split('U-Boot ', 1)[1].split(chr(10), 1)[0].strip()}")


def test_uboot_released_cpu3(g):
    """`cpu 3 release` started the peer on CPU 3 before Linux ran: U-Boot
    reported the core enabled, the peer is READY on MPIDR 3 with U-Boot's
    argument (one slot), and Linux never loaded amp-peer-ctl."""
    ub = g.boot
    expect(ub.output("cpu 3 status").endswith("core 3 => 0"),
           f"CPU 3 was running before `cpu 3 release`: {ub.output('cpu 3 status')!r}")
    after = [out for cmd, _, out in ub.steps if cmd == "cpu 3 status"][-1]
    expect(after.endswith("core 3 => 1"), f"after `cpu 3 release`: {after!r}")
    expect(g.peer.ready(), f"the peer is not READY: {g.peer.header()}")
    h = g.peer.header()
    expect(h.mpidr == 3, f"peer on MPIDR {h.mpidr:#x}, expected CPU 3")
    expect(h.nslots == NSLOTS, f"peer took {h.nslots} slots, U-Boot's SRC GPR8 said {NSLOTS}")
    mods = g.out("cut -d' ' -f1 /proc/modules")
    expect("amp_peer_ctl" not in mods.split(), "amp-peer-ctl is loaded: Linux started the peer")
    cpus = g.out("cat /sys/devices/system/cpu/possible")
    expect(cpus == "0-2", f"Linux has CPUs {cpus} possible, CPU 3 is the RTOS's")
    return f"peer READY on MPIDR {h.mpidr:#x}, {h.nslots} slot, GICv{h.gic_version}"


def test_linux_sees_uboot_dt(g):
    """Linux's DT is the package DTB as U-Boot edited it: no cpu@3, the
    overlay's instance and regions, U-Boot's SGI, the global timer node,
    and the memory U-Boot left Linux."""
    expect(g.out("ls /proc/device-tree/cpus | grep -c '^cpu@' || true") == "3",
           "Linux's DT does not have exactly cpu@0-2")
    expect(dt_hex(g, "cpus/cpu@3") == "absent", "cpu@3 still in Linux's DT")
    compat = g.out(f"tr -d '\\000' < /proc/device-tree/{NODE}/compatible")
    expect(compat == "linux,virtio-net-link-mirror", f"{NODE} compatible {compat!r}")
    shown = g.boot.output(f"fdt print /{NODE}")
    expect(f"linux,doorbell-sgi = <0x{UBOOT_SGI:08x}>" in shown,
           f"U-Boot's tree after the edits:\n{shown}")
    sgi = dt_hex(g, f"{NODE}/linux,doorbell-sgi")
    expect(sgi == f"{UBOOT_SGI:08x}", f"linux,doorbell-sgi {sgi}, U-Boot set {UBOOT_SGI}")
    expect(dt_hex(g, "reserved-memory/vnet-shm@4f000000/reg") == "4f00000000001000",
           "the overlay's vnet-shm region")
    gt = g.out("tr -d '\\000' < /proc/device-tree/soc/timer@a00200/compatible")
    expect(gt == "arm,cortex-a9-global-timer", f"global timer node: {gt!r}")
    mem = dt_hex(g, "memory@10000000/reg")
    want = "".join(f"{v:08x}" for v in LINUX_MEMORY)
    expect(mem == want, f"memory reg {mem}, U-Boot should leave Linux {want}")
    expect(sysfs(g, NODE, "uplink") == "eth0", "uplink is not eth0")
    return f"doorbell-sgi {int(sgi, 16)}, memory {mem[:8]}+{mem[8:]}"


def _wait_up(g, what):
    t0 = time.monotonic()
    v = wait_view(g, SLOT, lambda v: v.status & UP and v.speed == 100
                  and v.duplex == DUPLEX_FULL, LINK_TIMEOUT, what)
    return v, time.monotonic() - t0


def test_link_up_on_uboot_sgi(g):
    """`ip link set eth0 up`: the peer U-Boot started reads LINK_UP 100/full,
    rung with the SGI U-Boot's `fdt set` chose (9), not the overlay's (8)."""
    v = wait_view(g, SLOT, lambda v: True, 5, "the peer's first read of the region")
    expect(not v.status & UP, f"eth0 is administratively down, the peer read status {v.status:#x}")
    mark = head(g)
    g.sh("ip link set eth0 up")
    v, dt = _wait_up(g, "LINK_UP 100 full after admin up")
    recs = [r for r in records_since(g, mark) if r.slot == SLOT]
    expect(recs, "the link change arrived without a doorbell record")
    sgis = sorted({r.intid for r in recs})
    expect(sgis == [UBOOT_SGI], f"the peer took SGIs {sgis}, U-Boot set {UBOOT_SGI} "
           f"(the overlay said {OVERLAY_SGI})")
    return f"peer read up/{v.speed}/full {dt * 1000:.0f} ms after `ip link set up`, SGI {sgis[0]}"


def test_link_down(g):
    mark = head(g)
    g.sh("ip link set eth0 down")
    wait_view(g, SLOT, lambda v: not v.status & UP, LINK_TIMEOUT, "link down after admin down")
    sgis = sorted({r.intid for r in records_since(g, mark) if r.slot == SLOT})
    expect(sgis == [UBOOT_SGI], f"admin down rang {sgis}")
    return "peer read the link down"


SUITES = [Suite("uboot-sabrelite", [
    ("U-Boot's `cpu 3 release` started the RTOS peer before Linux", test_uboot_released_cpu3),
    ("Linux's DT is the package DTB with U-Boot's overlay and edits", test_linux_sees_uboot_dt),
    ("admin up: the peer reads LINK_UP on U-Boot's SGI", test_link_up_on_uboot_sgi),
    ("admin down: the peer reads the link down", test_link_down),
], overlay=OVERLAY, nics=[FEC_UPLINK], setup=setup, nslots=NSLOTS, gics=(2,),
    flavours=("imx6",), boot=boot)]

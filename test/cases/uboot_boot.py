# SPDX-License-Identifier: GPL-2.0-only
"""U-Boot edits the mirror nodes with `fdt` before it boots Linux, from a
mkimage boot script its environment runs; the driver, and through it the
RTOS core, see exactly U-Boot's edits."""

import board
from suite import (PCI_UPLINK, Suite, expect, head, load_driver, quiet_for, records_since, sysfs,
                   wait_view)

UP = 0x1
RAM_MB = 1024  # keeps relocated U-Boot far above the RTOS's reserved regions

# Before U-Boot: three instances on eth0, the third switched off.
INSTANCES = [
    dict(name="vnet-link-mirror-0", slot=0, sgi=8, uplink="eth0"),
    dict(name="vnet-link-mirror-1", slot=1, sgi=9, uplink="eth0"),
    dict(name="vnet-link-mirror-2", slot=2, sgi=10, uplink="eth0", disabled=True),
]

# The edits a board's boot script makes (this U-Boot has no `fdt apply`:
# the board overlay is applied when the DTB is built, U-Boot edits the rest).
SCRIPT = [
    "echo vnlm: editing mirror nodes",
    "fdt set /vnet-link-mirror-0 linux,uplink dummy0",
    "fdt set /vnet-link-mirror-1 linux,doorbell-sgi <11>",
    "fdt set /vnet-link-mirror-1 linux,notify-disabled",
    "fdt rm /vnet-link-mirror-2 linux,notify-disabled",
]


def firmware(out_dir):
    return board.uboot_args(out_dir, SCRIPT, board.BOOTARGS)


def setup(g, suite):
    console = open(g.console_log, errors="replace").read()
    expect("U-Boot" in console and "vnlm: editing mirror nodes" in console,
           "the console shows no U-Boot running the boot script")
    g.sh("load-nic")
    g.start_peer(suite.nslots)
    load_driver(g)
    return "booted through U-Boot " + console.split("U-Boot ", 1)[1].split("\n", 1)[0]


def dt(g, node, prop):
    return g.out(f"hexdump -v -e '1/1 \"%02x\"' /proc/device-tree/{node}/{prop} 2>/dev/null "
                 f"|| echo absent")


def test_linux_sees_the_edits(g):
    expect(g.out("tr -d '\\000' < /proc/device-tree/vnet-link-mirror-0/linux,uplink") == "dummy0",
           "uplink edit not in Linux's DT")
    expect(dt(g, "vnet-link-mirror-1", "linux,doorbell-sgi") == "0000000b", "SGI edit")
    expect(dt(g, "vnet-link-mirror-1", "linux,notify-disabled") == "", "notify-disabled added")
    expect(dt(g, "vnet-link-mirror-2", "linux,notify-disabled") == "absent",
           "notify-disabled removed")
    expect(sysfs(g, "vnet-link-mirror-0", "uplink") == "dummy0", "driver follows dummy0")
    expect(sysfs(g, "vnet-link-mirror-1", "enabled") == "0", "instance 1 switched off")
    expect(sysfs(g, "vnet-link-mirror-2", "enabled") == "1", "instance 2 switched on")


def sgis_until_up(g, command, slot, what):
    """Run @command, wait until @slot reads link up; the SGIs taken meanwhile."""
    mark = head(g)
    g.sh(command)
    wait_view(g, slot, lambda v: v.status & UP, what=what)
    quiet_for(g, 0.3)  # a straggler SGI shows here, from a peer shown alive
    return sorted({r.intid for r in records_since(g, mark)})


def test_rtos_reads_the_edits(g):
    sgis = sgis_until_up(g, "ip link set eth0 up", 2, "instance 2 (switched on by U-Boot) up")
    expect(sgis == [10], f"eth0 up: only instance 2 may ring (SGI 10), peer took {sgis}")
    v = g.peer.view(0)
    expect(not v.status & UP, f"instance 0 follows dummy0 now, not eth0: {v}")

    sgis = sgis_until_up(g, "ip link set dummy0 up", 0, "instance 0 on dummy0 up")
    expect(sgis == [8], f"dummy0 up rings instance 0's SGI 8 only: {sgis}")

    sgis = sgis_until_up(g, "echo 1 > /sys/bus/platform/devices/vnet-link-mirror-1/enabled", 1,
                         "instance 1 resync")
    expect(sgis == [11], f"instance 1 rings U-Boot's SGI 11: {sgis}")


SUITES = [Suite("uboot-fdt-edits", [
    ("Linux's DT carries exactly U-Boot's edits", test_linux_sees_the_edits),
    ("the RTOS core reads per U-Boot's edits (uplink, SGI, notify)", test_rtos_reads_the_edits),
], overlay=board.mirror_overlay(INSTANCES), nics=[PCI_UPLINK], nslots=4, setup=setup,
    ram_mb=RAM_MB, firmware=firmware, flavours=board.FLAVOURS + board.LANE_FLAVOURS,
    # U-Boot's edits are the kernel's DT either way: the older and newer
    # arm64 kernels on one GIC each (both on 6.1, debug and armhf)
    # U-Boot's edits, not the kernel's GIC code: one GIC per kernel but 6.1's
    flavour_gics={"bullseye": (2,), "backports": (3,), "debug": (3,), "armhf": (2,)})]

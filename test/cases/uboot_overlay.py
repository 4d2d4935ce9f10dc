# SPDX-License-Identifier: GPL-2.0-only
"""U-Boot applies the board's DT overlays at boot, as boards ship it: the
instances come only from dts/*.dtso compiled to .dtbo, never from the DTB
QEMU hands U-Boot.  U-Boot is Debian's source package built with
CONFIG_OF_LIBFDT_OVERLAY (scripts/build-uboot.sh, `make uboot`).

uboot-overlay-script: a mkimage boot script loads a base DTB built with
`dtc -@`, `fdt apply`s each overlay to a scratch copy first (a failed apply
leaves the tree it worked on unusable) and keeps it only on success, then
makes the usual `fdt set` edit.  Among the overlays are what a board meets:
one whose target label the base lacks, a corrupt one, and one producing a
bad instance (SGI 16).  The board boots on, U-Boot's messages are in the
console, the driver refuses the bad instance, the others work.

uboot-overlay-fit: one FIT image (mkimage -f) holds kernel, initramfs, the
base DTB and one overlay per instance set; `bootm ${addr}#conf-board#
conf-vnet0#conf-vnet1` stacks them.
"""

import os

import board
from suite import (PCI_UPLINK, Suite, expect, head, load_driver, quiet_for, records_since, wait_view)

UP = 0x1
RAM_MB = 1024  # as uboot_boot: U-Boot relocates far above the RTOS's regions
DTS = os.path.join(board.TOP, "dts")
BOARD_OVERLAYS = ["qemu-virt-amp.dtso", "qemu-virt-amp-vnet1.dtso"]

# The DTB QEMU hands U-Boot carries no instance: an overlay with no node.
NO_INSTANCES = "/dts-v1/;\n/plugin/;\n\n&{/} {\n};\n"

# Labels a board DTS gives its nodes (QEMU's dumped DTB has none).
BASE_LABELS = {"vnlm_gic": "/intc@8000000", "vnlm_memory": "/memory@40000000"}

# Where QEMU's loader puts things for the boot script (1 GiB of RAM from
# 0x40000000; kernel at 0x40400000, initramfs at 0x44000000; the RTOS's
# regions from 0x5e000000).
BASE_ADDR = 0x49100000
FDT_ADDR = 0x4A000000       # the tree Linux gets
TMP_ADDR = 0x4A200000       # the scratch copy each overlay is tried on
OVL_ADDR = 0x4B000000       # overlays, 64 KiB apart
FIT_ADDR = 0x60000000

BAD_LABEL = """/dts-v1/;
/plugin/;

/* A mailbox node this board's base does not have. */
&vnlm_mailbox {
	status = "okay";
};
"""


def base_with_symbols(board_dtb, out_dir):
    """The board's base DTB as a board build makes it: its source (here
    QEMU's DTB decompiled, with the labels a board DTS has) compiled with
    `dtc -@`, so that /__symbols__ names them for overlays."""
    nodes = board.run(["fdtget", "-l", board_dtb, "/"]).split()
    expect(not any(n.startswith("vnet-link-mirror") for n in nodes),
           f"the DTB QEMU hands U-Boot already has instances: {nodes}")
    dts = os.path.join(out_dir, "base.dts")
    board.run(["dtc", "-q", "-I", "dtb", "-O", "dts", "-o", dts, board_dtb])
    with open(dts, "a") as f:
        for label, path in BASE_LABELS.items():
            f.write(f"\n{label}: &{{{path}}} {{\n}};\n")
    out = os.path.join(out_dir, "base-symbols.dtb")
    board.run(["dtc", "-@", "-q", "-I", "dts", "-O", "dtb", "-o", out, dts])
    return out


def dtbo(out_dir, name, src_text=None):
    """Compile dts/NAME (or @src_text) with dtc -@ into out_dir."""
    src = os.path.join(DTS, name)
    if src_text is not None:
        src = os.path.join(out_dir, name)
        with open(src, "w") as f:
            f.write(src_text)
    return board.compile_overlay(src, os.path.join(out_dir, name.replace(".dtso", ".dtbo")))


def corrupt(good, out):
    """A .dtbo whose second half is erased flash (0xff): a partial write."""
    with open(good, "rb") as f:
        data = bytearray(f.read())
    half = len(data) // 2
    data[half:] = b"\xff" * (len(data) - half)
    with open(out, "wb") as f:
        f.write(data)
    return out


def loader(path, addr):
    return ["-device", f"loader,file={path},addr=0x{addr:x},force-raw=on"]


def env_file(out_dir, bootcmd):
    env = os.path.join(out_dir, "env.txt")
    with open(env, "w") as f:
        # A saved environment replaces the default one: restate what we use.
        f.write(f"bootargs={board.BOOTARGS}\n")
        f.write("kernel_addr_r=0x40400000\nramdisk_addr_r=0x44000000\n")
        f.write(f"bootcmd={bootcmd}\n")
    return env


# -- flow 1 and 3: a boot script -------------------------------------------

def script_firmware(out_dir, brd):
    os.makedirs(out_dir, exist_ok=True)
    base = base_with_symbols(brd["dtb"], out_dir)
    vnet0 = dtbo(out_dir, BOARD_OVERLAYS[0])
    vnet1 = dtbo(out_dir, BOARD_OVERLAYS[1])
    overlays = [
        ("qemu-virt-amp.dtbo", vnet0),
        ("bad-label.dtbo", dtbo(out_dir, "bad-label.dtso", BAD_LABEL)),
        ("corrupt.dtbo", corrupt(vnet0, os.path.join(out_dir, "corrupt.dtbo"))),
        ("qemu-virt-amp-vnet1.dtbo", vnet1),
        ("sgi16.dtbo", dtbo(out_dir, "sgi16.dtso", board.mirror_overlay(
            [dict(name="vnet-link-mirror-2", slot=2, sgi=16, uplink="eth0")]))),
    ]
    lines = [
        "echo vnlm: base ${vnlm_base} and overlays",
        "fdt addr ${vnlm_base}",
        "fdt move ${vnlm_base} ${vnlm_fdt} 0x100000",
        # Each overlay is tried on a scratch copy: libfdt leaves the tree a
        # failed apply worked on unusable; the board's tree stays whole.
        "setenv vnlm_apply 'echo vnlm: trying ${vnlm_name}; fdt move ${vnlm_fdt} ${vnlm_tmp} 0x100000; "
        "if fdt apply ${vnlm_ovl}; then fdt move ${vnlm_tmp} ${vnlm_fdt} 0x100000; "
        "echo vnlm: applied ${vnlm_name}; else fdt addr ${vnlm_fdt}; "
        "echo vnlm: skipped ${vnlm_name}; fi'",
    ]
    args = loader(base, BASE_ADDR)
    for n, (name, path) in enumerate(overlays):
        addr = OVL_ADDR + n * 0x10000
        lines.append(f"setenv vnlm_ovl 0x{addr:x}; setenv vnlm_name {name}; run vnlm_apply")
        args += loader(path, addr)
    lines += ["fdt set /vnet-link-mirror-1 linux,uplink dummy0",
              "echo vnlm: overlays done"]
    cmd = os.path.join(out_dir, "boot.cmd")
    with open(cmd, "w") as f:
        f.write("\n".join(lines) + "\n")
    scr = os.path.join(out_dir, "boot.scr")
    board.run(["mkimage", "-A", "arm64", "-T", "script", "-C", "none", "-n", "vnlm overlays",
               "-d", cmd, scr])
    args += loader(scr, board.UBOOT_SCRIPT_ADDR)
    env = env_file(out_dir, (
        f"setenv vnlm_base 0x{BASE_ADDR:x}; setenv vnlm_fdt 0x{FDT_ADDR:x}; "
        f"setenv vnlm_tmp 0x{TMP_ADDR:x}; source 0x{board.UBOOT_SCRIPT_ADDR:x}; "
        "qfw load ${kernel_addr_r} ${ramdisk_addr_r}; "
        "booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${vnlm_fdt}"))
    return ["-bios", board.overlay_uboot(), *board.uboot_env_drive(out_dir, env), *args]


def uboot_part(g, start, end):
    console = open(g.console_log, errors="replace").read()
    expect(start in console and end in console,
           f"the console shows no U-Boot between {start!r} and {end!r}")
    return console.split(start, 1)[1].split(end, 1)[0]


def script_setup(g, suite):
    text = uboot_part(g, "vnlm: base", "vnlm: overlays done")
    g.sh("load-nic")
    g.start_peer(suite.nslots)
    load_driver(g)
    return "U-Boot's boot script:\n" + "\n".join(
        "  " + l for l in text.strip().splitlines() if l.strip())


def test_uboot_reports_bad_overlays(g):
    text = uboot_part(g, "vnlm: base", "vnlm: overlays done")
    for name in ("qemu-virt-amp.dtbo", "qemu-virt-amp-vnet1.dtbo", "sgi16.dtbo"):
        expect(f"vnlm: applied {name}" in text, f"U-Boot did not apply {name}")
    for name in ("bad-label.dtbo", "corrupt.dtbo"):
        expect(f"vnlm: skipped {name}" in text, f"U-Boot did not refuse {name}")
    why = {}
    for name, err in (("bad-label.dtbo", "FDT_ERR_NOTFOUND"),
                      ("corrupt.dtbo", "FDT_ERR_BADSTRUCTURE")):
        part = text.split(f"vnlm: trying {name}", 1)[1].split(f"vnlm: skipped {name}", 1)[0]
        why[name] = [l.strip() for l in part.splitlines() if "fdt_overlay_apply" in l]
        expect(why[name] == [f"failed on fdt_overlay_apply(): {err}"],
               f"{name}: U-Boot should say libfdt's {err}: {part!r}")
    return "; ".join(f"{name}: {msg[0]}" for name, msg in why.items())


def dt_phandle(g, path):
    return g.out(f"hexdump -v -e '1/1 \"%02x\"' /proc/device-tree/{path} 2>/dev/null "
                 f"|| echo absent")


def test_linux_dt_from_overlays(g):
    for n, shm in ((0, "vnet-shm@5f000000"), (1, "vnet-shm@5f001000"),
                   (2, "vnet-shm@5f002000")):
        ref = dt_phandle(g, f"vnet-link-mirror-{n}/memory-region")
        target = dt_phandle(g, f"reserved-memory/{shm}/phandle")
        expect(ref != "absent" and ref == target,
               f"instance {n}: memory-region {ref} is not {shm}'s phandle {target}")
    syms = g.out("ls /proc/device-tree/__symbols__")
    expect("vnlm_gic" in syms and "vnet1_shm" in syms,
           f"base labels and overlay labels both in __symbols__: {syms}")
    expect("vnlm_mailbox" not in syms and
           g.out("tr -d '\\000' < /proc/device-tree/vnet-link-mirror-1/linux,uplink") ==
           "dummy0", "the fdt set edit after the overlays is missing")


def test_bad_instance_refused(g):
    dmesg = g.out("dmesg | grep vnet-link-mirror-2 || true")
    expect("/vnet-link-mirror-2: linux,doorbell-sgi" in dmesg,
           f"driver did not refuse instance 2 naming node and property: {dmesg!r}")
    bound = g.out("ls /sys/bus/platform/drivers/vnet-link-mirror/")
    expect("vnet-link-mirror-2" not in bound and "vnet-link-mirror-0" in bound and
           "vnet-link-mirror-1" in bound, f"bound instances: {bound}")
    return [l for l in dmesg.splitlines() if "linux,doorbell-sgi" in l][0].strip()


def sgis_until_up(g, command, slot, what):
    mark = head(g)
    g.sh(command)
    wait_view(g, slot, lambda v: v.status & UP, what=what)
    quiet_for(g, 0.3)  # a straggler SGI shows here, from a peer shown alive
    return sorted({r.intid for r in records_since(g, mark)})


def test_rtos_reads_overlay_instances(g):
    sgis = sgis_until_up(g, "ip link set eth0 up", 0, "instance 0 (dts overlay) up")
    expect(sgis == [8], f"eth0 up: only instance 0 may ring (SGI 8), peer took {sgis}")
    sgis = sgis_until_up(g, "ip link set dummy0 up", 1, "instance 1 (dts overlay + fdt set)")
    expect(sgis == [9], f"dummy0 up rings instance 1's SGI 9 only: {sgis}")
    expect(not g.peer.view(2).status & UP, "the refused instance's region was written")


# -- flow 2: a FIT image ---------------------------------------------------

ITS = """/dts-v1/;

/ {{
	description = "vnet-link-mirror QEMU AMP board";
	#address-cells = <1>;

	images {{
		kernel {{
			description = "Debian arm64 kernel";
			data = /incbin/("{kernel}");
			type = "kernel";
			arch = "arm64";
			os = "linux";
			compression = "none";
			load = <0x40400000>;
			entry = <0x40400000>;
		}};
		initramfs {{
			data = /incbin/("{initrd}");
			type = "ramdisk";
			arch = "arm64";
			os = "linux";
			compression = "none";
		}};
		fdt-board {{
			description = "base DTB, dtc -@";
			data = /incbin/("{base}");
			type = "flat_dt";
			arch = "arm64";
			compression = "none";
			/* U-Boot applies the overlays to a copy here. */
			load = <0x{fdt:x}>;
		}};
		fdt-vnet0 {{
			description = "dts/qemu-virt-amp.dtso";
			data = /incbin/("{vnet0}");
			type = "flat_dt";
			arch = "arm64";
			compression = "none";
		}};
		fdt-vnet1 {{
			description = "dts/qemu-virt-amp-vnet1.dtso";
			data = /incbin/("{vnet1}");
			type = "flat_dt";
			arch = "arm64";
			compression = "none";
		}};
	}};

	configurations {{
		default = "conf-board";
		conf-board {{
			kernel = "kernel";
			ramdisk = "initramfs";
			fdt = "fdt-board";
		}};
		conf-vnet0 {{
			fdt = "fdt-vnet0";
		}};
		conf-vnet1 {{
			fdt = "fdt-vnet1";
		}};
	}};
}};
"""


def fit_firmware(out_dir, brd):
    os.makedirs(out_dir, exist_ok=True)
    its = os.path.join(out_dir, "board.its")
    with open(its, "w") as f:
        f.write(ITS.format(kernel=board.kernel_env(brd["flavour"])["KIMAGE"],
                           initrd=brd["initrd"],
                           base=base_with_symbols(brd["dtb"], out_dir), fdt=FDT_ADDR,
                           vnet0=dtbo(out_dir, BOARD_OVERLAYS[0]),
                           vnet1=dtbo(out_dir, BOARD_OVERLAYS[1])))
    itb = os.path.join(out_dir, "board.itb")
    board.run(["mkimage", "-f", its, itb])
    env = env_file(out_dir, f"echo vnlm: FIT; bootm 0x{FIT_ADDR:x}#conf-board#conf-vnet0#conf-vnet1")
    return ["-bios", board.overlay_uboot(), *board.uboot_env_drive(out_dir, env),
            *loader(itb, FIT_ADDR)]


def fit_setup(g, suite):
    text = uboot_part(g, "vnlm: FIT", "Starting kernel")
    for conf in ("conf-board", "conf-vnet0", "conf-vnet1"):
        expect(conf in text, f"bootm did not use {conf}: {text!r}")
    g.sh("load-nic")
    g.start_peer(suite.nslots)
    load_driver(g)
    return "U-Boot's bootm:\n" + "\n".join("  " + l for l in text.strip().splitlines()
                                           if "conf-" in l or "verlay" in l)


def test_fit_instances(g):
    mark = head(g)
    g.sh("ip link set eth0 up")
    wait_view(g, 0, lambda v: v.status & UP, what="instance 0 (FIT conf-vnet0) up")
    wait_view(g, 1, lambda v: v.status & UP, what="instance 1 (FIT conf-vnet1) up")
    sgis = sorted({r.intid for r in records_since(g, mark)})
    expect(sgis == [8, 9], f"eth0 up rings SGIs 8 and 9 (one per overlay): {sgis}")


FLAVOURS = ("debian",)

SUITES = [
    Suite("uboot-overlay-script", [
        ("U-Boot shows why it refused the bad-label and corrupt overlays",
         test_uboot_reports_bad_overlays),
        ("Linux's DT: instances from the overlays, phandles resolved, edit kept",
         test_linux_dt_from_overlays),
        ("driver refuses the SGI 16 instance, naming node and property",
         test_bad_instance_refused),
        ("the RTOS core reads LINK_UP from both dts/ overlay instances",
         test_rtos_reads_overlay_instances),
    ], overlay=NO_INSTANCES, nics=[PCI_UPLINK], nslots=4, setup=script_setup,
        ram_mb=RAM_MB, firmware=script_firmware, firmware_board=True, flavours=FLAVOURS),
    Suite("uboot-overlay-fit", [
        ("the RTOS core reads LINK_UP from the FIT's two overlays", test_fit_instances),
    ], overlay=NO_INSTANCES, nics=[PCI_UPLINK], nslots=4, setup=fit_setup,
        ram_mb=RAM_MB, firmware=fit_firmware, firmware_board=True, flavours=FLAVOURS),
]

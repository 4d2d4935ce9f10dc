# SPDX-License-Identifier: GPL-2.0-only
"""The QEMU AMP board: its DTB (QEMU's own, RTOS core removed, overlay
applied) and the guest initramfs."""

import lzma
import os
import shutil
import subprocess
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.environ.get("CACHE", os.path.join(TOP, ".cache"))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))

RAM_BASE = 0x40000000
RAM_MB = 512
SMP = 3
RTOS_MPIDR = 2
RTOS_CPU_INDEX = 2
PEER_ENTRY = 0x5E000000
SHM_BASE = 0x5F000000
SHM_STRIDE = 0x1000
BOOTARGS = "console=ttyAMA0 loglevel=3 panic=-1"

# The uplink drivers the guest loads: virtio-net (PCI and MMIO) and dummy.
# Their dependencies come from the kernel's own modules.dep, so a kernel
# that builds more of virtio as modules (5.10) or has some built in (the
# debug kernel) needs no list kept by hand.
NIC_MODULES = ("virtio_pci", "virtio_mmio", "virtio_net", "dummy")

# Kernels the QEMU suites run on.  "debian": bookworm's arm64 kernel (the
# one `make` builds against); "debug": the checker kernel built by
# tools/build-debug-kernel.sh; the others are Debian kernels fetched by
# tools/fetch-kernel.sh (their env files name the lane).
FLAVOUR_ENV = {
    "debian": "kernel.env",
    "debug": "debug-kernel.env",
    "bullseye": "kernels/bullseye-arm64.env",
    "backports": "kernels/backports-arm64.env",
}
FLAVOURS = ("debian", "debug")
LANE_FLAVOURS = ("bullseye", "backports")


def kernel_env(flavour="debian"):
    env = {}
    with open(os.path.join(CACHE, FLAVOUR_ENV[flavour])) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k:
                env[k] = v
    return env


def have_flavour(flavour):
    return os.path.exists(os.path.join(CACHE, FLAVOUR_ENV[flavour]))


def nic_modules(kmodules):
    """The .ko paths (relative to @kmodules) to insmod, dependencies first,
    for NIC_MODULES; a module the kernel has built in is simply absent."""
    dep_file = os.path.join(kmodules, "modules.dep")
    if not os.path.exists(dep_file):
        root = os.path.dirname(os.path.dirname(os.path.dirname(kmodules.rstrip("/"))))
        # depmod lives in /usr/sbin, which a non-root user's PATH lacks.
        depmod = shutil.which("depmod") or "/usr/sbin/depmod"
        run([depmod, "-b", root, os.path.basename(kmodules.rstrip("/"))])
    deps, by_name = {}, {}
    with open(dep_file) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[mod] = rest.split()
            name = os.path.basename(mod).split(".ko")[0].replace("-", "_")
            by_name[name] = mod
    order = []

    def visit(mod):
        if mod in order:
            return
        for d in reversed(deps.get(mod, [])):  # modules.dep lists the deepest last
            visit(d)
        order.append(mod)

    for name in NIC_MODULES:
        if name in by_name:
            visit(by_name[name])
    return order


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kw).stdout


def machine_args(gic, ram_mb=RAM_MB):
    return ["-M", f"virt,gic-version={gic}", "-cpu", "cortex-a57",
            "-smp", str(SMP), "-m", str(ram_mb)]


def base_dtb(gic, out_dir, ram_mb=RAM_MB, firmware=()):
    """QEMU's own DTB for the machine, with the RTOS core taken from Linux.
    @firmware: the -bios arguments of the real run (QEMU's DTB differs when
    firmware owns the secure GPIO)."""
    tag = "-fw" if firmware else ""
    path = os.path.join(out_dir, f"virt-gicv{gic}-{ram_mb}m{tag}-base.dtb")
    args = machine_args(gic, ram_mb)
    args[1] += f",dumpdtb={path}"
    run(["qemu-system-aarch64", *args, *firmware, "-display", "none", "-nodefaults"])
    run(["fdtput", "-r", path, f"/cpus/cpu@{RTOS_CPU_INDEX}"])
    try:
        run(["fdtput", "-r", path,
             f"/cpus/cpu-map/socket0/cluster0/core{RTOS_CPU_INDEX}"])
    except subprocess.CalledProcessError:
        pass  # older QEMU has no cpu-map
    return path


def add_symbol(dtb, label, path, phandle):
    """Give a node of QEMU's DTB a label an overlay can reference, as a
    board DTB built with dtc -@ would have."""
    run(["fdtput", "-c", dtb, "/__symbols__"])
    run(["fdtput", "-t", "s", dtb, "/__symbols__", label, path])
    run(["fdtput", "-t", "x", dtb, path, "phandle", "%x" % phandle])


def compile_overlay(dtso, out):
    run(["dtc", "-@", "-I", "dts", "-O", "dtb", "-o", out, dtso])
    return out


def board_dtb(gic, overlay_src, out_dir, name, symbols=None, ram_mb=RAM_MB, firmware=()):
    """Build the AMP board DTB: base for @gic plus the overlay source."""
    os.makedirs(out_dir, exist_ok=True)
    base = base_dtb(gic, out_dir, ram_mb, firmware)
    for label, (path, phandle) in (symbols or {}).items():
        add_symbol(base, label, path, phandle)
    dtso = overlay_src
    if "\n" in overlay_src:
        dtso = os.path.join(out_dir, f"{name}.dtso")
        with open(dtso, "w") as f:
            f.write(overlay_src)
    dtbo = compile_overlay(dtso, os.path.join(out_dir, f"{name}.dtbo"))
    out = os.path.join(out_dir, f"{name}-gicv{gic}.dtb")
    run(["fdtoverlay", "-i", base, "-o", out, dtbo])
    return out


INIT = r"""#!/bin/sh
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
ip link set lo up
stty -echo 2>/dev/null
export PS1=""
echo "@@BOOTED@@ $(uname -r)"
# The command shell is not PID 1, so that no shell mishap panics the board.
while :; do
	/bin/sh
	echo "@@SHELL-EXITED@@ $?"
done
"""

LOAD_NIC = """#!/bin/sh
# Load the uplink drivers: virtio-net (PCI and MMIO) and dummy.
for m in %s; do
	insmod /lib/modules/nic/$m 2>/dev/null || grep -q "^${m%%.ko} " /proc/modules || echo "load-nic: $m failed"
done
"""


def initramfs(out_dir, extra_modules, flavour="debian"):
    """Busybox, the NIC modules, ours and the init script, as newc cpio.gz."""
    env = kernel_env(flavour)
    busybox = kernel_env("debian")["BUSYBOX"]
    stage = tempfile.mkdtemp(prefix="initramfs-", dir=out_dir)
    try:
        for d in ("bin", "lib/modules/nic", "lib/modules/vnlm", "etc"):
            os.makedirs(os.path.join(stage, d), exist_ok=True)
        shutil.copy(busybox, os.path.join(stage, "bin/busybox"))
        os.symlink("busybox", os.path.join(stage, "bin/sh"))
        names = []
        for rel in nic_modules(env["KMODULES"]):
            name = os.path.basename(rel).split(".ko")[0] + ".ko"
            with open(os.path.join(env["KMODULES"], rel), "rb") as src:
                data = src.read()
            if rel.endswith(".xz"):  # 6.12 ships modules xz-compressed
                data = lzma.decompress(data)
            elif not rel.endswith(".ko"):
                raise RuntimeError(f"cannot unpack {rel} for busybox insmod")
            with open(os.path.join(stage, "lib/modules/nic", name), "wb") as dst:
                dst.write(data)
            names.append(name)
        for ko in extra_modules:
            shutil.copy(ko, os.path.join(stage, "lib/modules/vnlm"))
        tools = os.path.join(BUILD, "guest-tools")
        for prog in sorted(os.listdir(tools)) if os.path.isdir(tools) else []:
            shutil.copy(os.path.join(tools, prog), os.path.join(stage, "bin", prog))
        for name, text, mode in (("init", INIT, 0o755),
                                 ("bin/load-nic", LOAD_NIC % " ".join(names), 0o755)):
            p = os.path.join(stage, name)
            with open(p, "w") as f:
                f.write(text)
            os.chmod(p, mode)
        out = os.path.join(out_dir, f"initramfs-{flavour}.cpio.gz")
        files = run(["find", "."], cwd=stage)
        cpio = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet", "-R", "0:0"],
                              input=files.encode(), cwd=stage, check=True,
                              stdout=subprocess.PIPE).stdout
        with open(out, "wb") as f:
            f.write(subprocess.run(["gzip", "-1"], input=cpio, check=True,
                                   stdout=subprocess.PIPE).stdout)
        return out
    finally:
        shutil.rmtree(stage)


def our_modules(flavour="debian"):
    """Our modules, built against the flavour's kernel."""
    if flavour == "debug":
        # The debug kernel has the driver in-tree and built in.
        return [os.path.join(BUILD, "debug-src", "test", "kmod", "amp-peer-ctl.ko")]
    top = TOP if flavour == "debian" else os.path.join(BUILD, "lanes", kernel_env(flavour)["LANE"])
    return [os.path.join(top, "driver", "vnet-link-mirror.ko"),
            os.path.join(top, "test", "kmod", "amp-peer-ctl.ko")]


def peer_image():
    return os.path.join(BUILD, "rtos-peer.bin")


def mirror_overlay(instances, extra_reserved=""):
    """An overlay text for a list of instance dicts (test boards).

    Each dict: slot (region index), sgi, and any of uplink, ethernet
    (a label), target, disabled, announce, raw (extra property lines),
    region (override label), name.
    """
    res = [f"""
		rtos_image: rtos@{PEER_ENTRY:x} {{
			reg = <0x0 0x{PEER_ENTRY:x} 0x0 0x800000>;
			no-map;
		}};"""]
    nodes = []
    slots = sorted({i["slot"] for i in instances if "slot" in i})
    for s in slots:
        base = SHM_BASE + s * SHM_STRIDE
        res.append(f"""
		vnet{s}_shm: vnet-shm@{base:x} {{
			reg = <0x0 0x{base:x} 0x0 0x{SHM_STRIDE:x}>;
			no-map;
		}};""")
    for n, inst in enumerate(instances):
        props = ['compatible = "linux,virtio-net-link-mirror";']
        if "region" in inst:
            if inst["region"] is not None:
                props.append(f"memory-region = <&{inst['region']}>;")
        elif "slot" in inst:
            props.append(f"memory-region = <&vnet{inst['slot']}_shm>;")
        if "uplink" in inst:
            props.append(f'linux,uplink = "{inst["uplink"]}";')
        if "ethernet" in inst:
            props.append(f"ethernet = <&{inst['ethernet']}>;")
        if inst.get("target", RTOS_MPIDR) is not None:
            props.append(f"linux,target-cpu = <0x{inst.get('target', RTOS_MPIDR):x}>;")
        if inst.get("sgi") is not None:
            props.append(f"linux,doorbell-sgi = <{inst['sgi']}>;")
        if inst.get("disabled"):
            props.append("linux,notify-disabled;")
        if "offset" in inst:
            props.append(f"linux,shm-offset = <0x{inst['offset']:x}>;")
        if inst.get("announce"):
            props.append("linux,link-up-announce;")
        props.extend(inst.get("raw", []))
        body = "\n\t\t".join(props)
        nodes.append(f"""
	{inst.get('name', f'vnet-link-mirror-{n}')} {{
		{body}
	}};""")
    return f"""/dts-v1/;
/plugin/;

&{{/}} {{
	reserved-memory {{
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
{''.join(res)}{extra_reserved}
	}};
{''.join(nodes)}
}};
"""


UBOOT_BIN = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
UBOOT_FIRMWARE = ("-bios", UBOOT_BIN)
UBOOT_ENV_SIZE = 0x40000        # CONFIG_ENV_SIZE of qemu_arm64
UBOOT_FLASH_SIZE = 64 << 20     # one virt pflash bank
UBOOT_SCRIPT_ADDR = 0x49000000  # where QEMU's loader puts boot.scr
UBOOT_FDT_ADDR = 0x4A000000     # where the script edits a copy of the DTB


def uboot_args(out_dir, script_lines, bootargs):
    """QEMU arguments that boot through Debian's U-Boot, which runs a boot
    script (mkimage) from its environment (mkenvimage, second pflash bank)
    before it boots the kernel and initrd QEMU hands over with fw_cfg."""
    os.makedirs(out_dir, exist_ok=True)
    cmd = os.path.join(out_dir, "boot.cmd")
    scr = os.path.join(out_dir, "boot.scr")
    with open(cmd, "w") as f:
        f.write("\n".join(script_lines) + "\n")
    run(["mkimage", "-A", "arm64", "-T", "script", "-C", "none", "-n", "vnlm edits",
         "-d", cmd, scr])
    env = os.path.join(out_dir, "env.txt")
    fdt = f"0x{UBOOT_FDT_ADDR:x}"
    with open(env, "w") as f:
        # A saved environment replaces the default one: restate what we use.
        f.write(f"bootargs={bootargs}\n")
        f.write("kernel_addr_r=0x40400000\nramdisk_addr_r=0x44000000\n")
        f.write(f"vnlm_fdt={fdt}\n")
        f.write("bootcmd=fdt addr ${fdtcontroladdr}; "
                "fdt move ${fdtcontroladdr} ${vnlm_fdt} 0x100000; "
                "fdt addr ${vnlm_fdt}; fdt resize 0x1000; "
                f"source 0x{UBOOT_SCRIPT_ADDR:x}; "
                "qfw load ${kernel_addr_r} ${ramdisk_addr_r}; "
                "booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${vnlm_fdt}\n")
    envbin = os.path.join(out_dir, "env.bin")
    run(["mkenvimage", "-s", str(UBOOT_ENV_SIZE), "-o", envbin, env])
    flash = os.path.join(out_dir, "flash1.img")
    with open(envbin, "rb") as f:
        data = f.read()
    with open(flash, "wb") as f:
        f.write(data + b"\xff" * (UBOOT_FLASH_SIZE - len(data)))
    return [*UBOOT_FIRMWARE,
            "-drive", f"if=pflash,format=raw,index=1,file={flash}",
            "-device", f"loader,file={scr},addr=0x{UBOOT_SCRIPT_ADDR:x},force-raw=on"]

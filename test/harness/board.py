# SPDX-License-Identifier: GPL-2.0-only
"""The QEMU AMP boards: their DTBs (QEMU's own, or the kernel package's for
a real SoC model; the RTOS core removed, overlay applied) and the guest
initramfs.  Two kinds of board: QEMU virt (the default) and the NXP
i.MX6Quad sabrelite (flavour "imx6"); BOARDS says what differs."""

import contextlib
import lzma
import os
import re
import shutil
import subprocess
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.environ.get("CACHE", os.path.join(TOP, ".cache"))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
# Where a run writes what it generates (DTBs, initramfs, console logs):
# BUILD unless VNLM_RUN_DIR says otherwise, so that two runs sharing one
# BUILD's artefacts (the mutation lane beside a make check) do not
# overwrite each other's boards.
RUN_DIR = os.environ.get("VNLM_RUN_DIR", BUILD)

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
NIC_MODULES = ("virtio_pci", "virtio_mmio", "virtio_net", "dummy", "e1000e")

# The sabrelite board's uplink: the FEC, whose probe defers until the GPIO
# controller (its PHY reset line) and the anatop regulators have probed:
# both are modules on Debian's armmp, loaded first.
SABRELITE_NIC_MODULES = ("gpio_mxc", "anatop_regulator", "fec")

# Each kind of board: where its RAM starts, how many CPUs it has, which one
# runs the RTOS, where the peer's image, log and regions go, its console.
# The module constants above are virt's, which every suite but the
# sabrelite ones runs on.
BOARDS = {
    "virt": dict(ram_base=RAM_BASE, ram_mb=RAM_MB, smp=SMP, rtos_mpidr=RTOS_MPIDR,
                 rtos_cpu=RTOS_CPU_INDEX, peer_entry=PEER_ENTRY, shm_base=SHM_BASE,
                 bootargs=BOOTARGS, serial=("-serial", "stdio"), nic_modules=NIC_MODULES,
                 gics=(2, 3)),
    # QEMU 7.2 -M sabrelite: 4x Cortex-A9 (A9 MPCore GIC, no generic timer),
    # DDR from 0x10000000 (QEMU's model; the DTB's memory node), console on
    # UART2 (the second -serial), the RTOS on CPU 3.  Its peer is
    # rtos-peer-imx6.bin (test/rtos-peer BOARD=imx6), whose board_imx6.h
    # holds the same addresses.
    "sabrelite": dict(ram_base=0x10000000, ram_mb=1024, smp=4, rtos_mpidr=3, rtos_cpu=3,
                      peer_entry=0x4E000000, shm_base=0x4F000000,
                      bootargs="console=ttymxc1 loglevel=3 panic=-1",
                      serial=("-serial", "null", "-serial", "stdio"),
                      nic_modules=SABRELITE_NIC_MODULES, gics=(2,)),
}
# Flavours whose kernel runs on a board other than virt.
FLAVOUR_BOARD = {"imx6": "sabrelite"}
# The kernel package's DTB each non-virt board boots with.
BOARD_PACKAGE_DTB = {"sabrelite": "imx6q-sabrelite.dtb"}


def flavour_board(flavour="debian"):
    """virt or sabrelite: the board the flavour's kernel boots on."""
    return FLAVOUR_BOARD.get(flavour, "virt")


def board_info(kind="virt"):
    return BOARDS[kind]


# Kernels the QEMU suites run on.  "debian": bookworm's arm64 kernel (the
# one `make` builds against); "debug": the checker kernel built by
# scripts/build-debug-kernel.sh; the others are Debian kernels fetched by
# scripts/fetch-kernel.sh (their env files name the lane).
FLAVOUR_ENV = {
    "debian": "kernel.env",
    # (from the newest kernel source Debian carries, trixie-backports')
    "debug": "debug-kernel-newest.env",
    # The debug kernel's tree rebuilt with the driver and its KUnit suite as
    # modules (in-tree, =m): only the KUnit suite boots it.
    "debug-modular": "debug-kernel-newest-modular.env",
    "bullseye": "kernels/bullseye-arm64.env",
    "backports": "kernels/backports-arm64.env",
    "armhf": "kernels/bookworm-armhf.env",
    "rt": "kernels/rt-arm64.env",
    # bookworm's armmp (non-LPAE) kernel on the sabrelite board.
    "imx6": "kernels/bookworm-armmp.env",
    # trixie's 6.12 and trixie-backports' kernel, the newest Debian has (7.3
    # on 2026-12-05); both built in the trixie root (KBUILD_ROOT).
    "trixie": "kernels/trixie-arm64.env",
    "newest": "kernels/newest-arm64.env",
}
FLAVOURS = ("debian", "debug")
# "armhf" (bookworm's armmp-lpae kernel on the 32-bit board) joins these
# once mirror-driver's PCIe hot-plug test skips on a kernel without PCIe
# hotplug (Debian's armhf config has no CONFIG_HOTPLUG_PCI): every other
# test passes there.
LANE_FLAVOURS = ("bullseye", "backports", "armhf")
# Kernels only the suites naming them boot.  "newest" runs the suites
# whose code paths 7.x changed (the netdev instance lock held around the
# notifiers of ops-locked devices: mirror-driver, lifecycle,
# mailbox-doorbell); "trixie" (6.12, gcc-14) runs mirror-driver; "imx6"
# the sabrelite board's suites.
EXTRA_FLAVOURS = ("rt", "debug-modular", "imx6", "trixie", "newest")

# The board per architecture (a flavour's env file says ARCH=arm or arm64;
# the two arm64 kernels of ours carry none).  32-bit virt (highmem=off:
# every device below 4 GiB, as on a 32-bit SoC) has the same GIC, RAM,
# virtio-mmio and low PCIe addresses and the same /cpus and /psci nodes, so
# the same DTB edits, overlays and peer addresses serve both.  A 32-bit
# Linux starts the peer with 32-bit PSCI, in A32: hence its own image.
ARCHES = {
    "arm64": dict(qemu="qemu-system-aarch64", cpu="cortex-a57", machine="",
                  peer="rtos-peer.bin", guest_tools="guest-tools"),
    "arm": dict(qemu="qemu-system-arm", cpu="cortex-a15", machine=",highmem=off",
                peer="rtos-peer-arm.bin", guest_tools="guest-tools-arm"),
}
# A board's own peer image, where the architecture's does not fit it.
BOARD_PEER = {"sabrelite": "rtos-peer-imx6.bin"}


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


def flavour_arch(flavour="debian"):
    """arm64 or arm: the ARCH the flavour's kernel was built for."""
    arch = kernel_env(flavour).get("ARCH", "arm64")
    if arch not in ARCHES:
        raise RuntimeError(f"{FLAVOUR_ENV[flavour]}: ARCH={arch}, not one of {sorted(ARCHES)}")
    return arch


def kernel_config(flavour="debian"):
    """The flavour's kernel .config as {"CONFIG_X": "y"|"m"|value}: from
    its headers (KHEADERS), its build tree (KBUILD, the debug kernel) or the
    image package's boot/config-KRELEASE."""
    env = kernel_env(flavour)
    paths = [os.path.join(env[k], ".config") for k in ("KHEADERS", "KBUILD") if k in env]
    if "KROOT" in env and "KRELEASE" in env:
        paths.append(os.path.join(env["KROOT"], "boot", "config-" + env["KRELEASE"]))
    for path in paths:
        if os.path.exists(path):
            with open(path) as f:
                return dict(l.strip().split("=", 1) for l in f if l.startswith("CONFIG_"))
    raise RuntimeError(f"{FLAVOUR_ENV[flavour]}: no kernel .config in {paths}")


def qemu_binary(arch="arm64"):
    return ARCHES[arch]["qemu"]


def _arch_tag(arch):
    """A file-name infix that keeps arm's artefacts apart (arm64's names
    stay as they always were)."""
    return "" if arch == "arm64" else f"-{arch}"


def nic_modules(kmodules, names=NIC_MODULES):
    """The .ko paths (relative to @kmodules) to insmod, dependencies first,
    for @names (in that order); a module the kernel has built in is simply
    absent."""
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

    for name in names:
        if name in by_name:
            visit(by_name[name])
    return order


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kw).stdout


def machine_args(gic, ram_mb=RAM_MB, arch="arm64", kind="virt"):
    """-M and its CPUs and RAM.  sabrelite's CPUs (Cortex-A9) and GIC (the
    A9 MPCore's, GICv2-like: @gic is 2) are the SoC's own."""
    if kind == "sabrelite":
        if gic != 2:
            raise ValueError("the sabrelite board's A9 MPCore GIC is GICv2-like: gic 2 only")
        return ["-M", "sabrelite", "-smp", str(BOARDS[kind]["smp"]), "-m", str(ram_mb)]
    a = ARCHES[arch]
    return ["-M", f"virt,gic-version={gic}{a['machine']}", "-cpu", a["cpu"],
            "-smp", str(SMP), "-m", str(ram_mb)]


def base_dtb(gic, out_dir, ram_mb=RAM_MB, firmware=(), arch="arm64"):
    """QEMU's own DTB for the machine, with the RTOS core taken from Linux.
    @firmware: the -bios arguments of the real run (QEMU's DTB differs when
    firmware owns the secure GPIO)."""
    tag = "-fw" if firmware else ""
    path = os.path.join(out_dir, f"virt{_arch_tag(arch)}-gicv{gic}-{ram_mb}m{tag}-base.dtb")
    args = machine_args(gic, ram_mb, arch)
    args[1] += f",dumpdtb={path}"
    run([qemu_binary(arch), *args, *firmware, "-display", "none", "-nodefaults"])
    run(["fdtput", "-r", path, f"/cpus/cpu@{RTOS_CPU_INDEX}"])
    try:
        run(["fdtput", "-r", path,
             f"/cpus/cpu-map/socket0/cluster0/core{RTOS_CPU_INDEX}"])
    except subprocess.CalledProcessError:
        pass  # older QEMU has no cpu-map
    return path


def package_base_dtb(kind, flavour, out_dir):
    """A real SoC model's DTB, the kernel package's own (as a distribution
    boots the board), with the RTOS core taken from Linux: /cpus/cpu@N
    removed, so that the CPU is never possible (maxcpus= would leave it
    possible, and sysfs hotplug could bring it online under the RTOS).

    sabrelite: the A9 MPCore's global timer is described too (the driver
    stamps events with it, the A9 having no generic counter, once the RTOS
    peer has started it), and both MPCore timers get the rate QEMU counts
    at (sabrelite_periphclk)."""
    env = kernel_env(flavour)
    src = os.path.join(env["KROOT"], "usr", "lib", f"linux-image-{env['KRELEASE']}",
                       BOARD_PACKAGE_DTB[kind])
    if not os.path.exists(src):
        raise RuntimeError(f"{src}: the {kind} board boots the kernel package's own DTB")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{kind}-{env['KRELEASE']}-base.dtb")
    shutil.copyfile(src, path)
    run(["fdtput", "-r", path, f"/cpus/cpu@{BOARDS[kind]['rtos_cpu']}"])
    if kind == "sabrelite":
        sabrelite_periphclk(path)
    return path


# QEMU's A9 MPCore timers (TWD, global timer) count at 100 MHz, 10 ns a
# tick, whatever the clock tree says: the CCM model reports ARM_CLK 792 MHz,
# so Linux takes the TWD (ARM_CLK / 2) for 396 MHz and every one-shot event
# it programs fires about 4x late.  With NO_HZ idle that stretched phylib's
# 1 s PHY poll to 1.0-3.9 s (mdio_access traces; 1.0 s with nohz=off).
QEMU_PERIPHCLK_HZ = 100000000


def sabrelite_periphclk(path):
    """The model's PERIPHCLK as a fixed clock: the TWD and the global timer
    (which the SoC has at PERIPHBASE + 0x200, and imx6qdl.dtsi leaves out)
    are clocked by it, so Linux programs the TWD at the rate QEMU counts."""
    phandles = [int(p, 16) for p in re.findall(r"phandle = <(0x[0-9a-f]+)>",
                                              run(["dtc", "-q", "-I", "dtb", "-O", "dts", path]))]
    ph = "%x" % (max(phandles, default=0) + 1)
    clk = "/qemu-periphclk"
    run(["fdtput", "-c", path, clk])
    run(["fdtput", "-t", "s", path, clk, "compatible", "fixed-clock"])
    run(["fdtput", "-t", "x", path, clk, "#clock-cells", "0"])
    run(["fdtput", "-t", "x", path, clk, "clock-frequency", "%x" % QEMU_PERIPHCLK_HZ])
    run(["fdtput", "-t", "x", path, clk, "phandle", ph])
    run(["fdtput", "-t", "x", path, "/soc/timer@a00600", "clocks", ph])
    gt = "/soc/timer@a00200"
    run(["fdtput", "-c", path, gt])
    run(["fdtput", "-t", "s", path, gt, "compatible", "arm,cortex-a9-global-timer"])
    run(["fdtput", "-t", "x", path, gt, "reg", "a00200", "20"])
    # GIC_PPI 11 (ID27), IRQ_TYPE_EDGE_RISING on every CPU interface
    run(["fdtput", "-t", "x", path, gt, "interrupts", "1", "b", "f01"])
    run(["fdtput", "-t", "x", path, gt, "clocks", ph])


def default_overlay(kind="virt"):
    """The board's one-instance overlay in dts/, for suites that name none."""
    name = {"virt": "qemu-virt-amp.dtso", "sabrelite": "imx6q-sabrelite-amp.dtso"}[kind]
    return os.path.join(TOP, "dts", name)


def overlay_board(dtso):
    """The board kind an overlay in dts/ is written for (its file name)."""
    return "sabrelite" if os.path.basename(dtso).startswith("imx6q-sabrelite") else "virt"


def add_symbol(dtb, label, path, phandle):
    """Give a node of QEMU's DTB a label an overlay can reference, as a
    board DTB built with dtc -@ would have."""
    run(["fdtput", "-c", dtb, "/__symbols__"])
    run(["fdtput", "-t", "s", dtb, "/__symbols__", label, path])
    run(["fdtput", "-t", "x", dtb, path, "phandle", "%x" % phandle])


def compile_overlay(dtso, out):
    run(["dtc", "-@", "-I", "dts", "-O", "dtb", "-o", out, dtso])
    return out


def board_dtb(gic, overlay_src, out_dir, name, symbols=None, ram_mb=RAM_MB, firmware=(),
              arch="arm64", flavour=None):
    """Build the AMP board DTB: base for @gic plus the overlay source.
    @flavour: a kernel whose board is not virt (sabrelite) takes its base
    from that kernel's package."""
    os.makedirs(out_dir, exist_ok=True)
    kind = flavour_board(flavour) if flavour else "virt"
    if kind != "virt":
        base = package_base_dtb(kind, flavour, out_dir)
        arch = f"{arch}-{kind}"
    else:
        base = base_dtb(gic, out_dir, ram_mb, firmware, arch)
    for label, (path, phandle) in (symbols or {}).items():
        add_symbol(base, label, path, phandle)
    dtso = overlay_src
    if "\n" in overlay_src:
        dtso = os.path.join(out_dir, f"{name}.dtso")
        with open(dtso, "w") as f:
            f.write(overlay_src)
    dtbo = compile_overlay(dtso, os.path.join(out_dir, f"{name}.dtbo"))
    out = os.path.join(out_dir, f"{name}{_arch_tag(arch)}-gicv{gic}.dtb")
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
# Load the board's uplink drivers (virt: virtio-net PCI and MMIO, dummy,
# e1000e; sabrelite: the FEC after its GPIO and regulator suppliers), in order.
for m in %s; do
	insmod /lib/modules/nic/$m 2>/dev/null || grep -q "^${m%%.ko} " /proc/modules || echo "load-nic: $m failed"
done
"""


def module_bytes(path):
    """A kernel module's .ko bytes, for busybox insmod (which cannot unpack)."""
    with open(path, "rb") as src:
        data = src.read()
    if path.endswith(".xz"):  # 6.12 and 7.3 ship modules xz-compressed
        return lzma.decompress(data)
    if path.endswith(".zst"):  # CONFIG_MODULE_COMPRESS_ZSTD kernels
        return subprocess.run(["zstd", "-dc"], input=data, check=True,
                              stdout=subprocess.PIPE).stdout
    if not path.endswith(".ko"):
        raise RuntimeError(f"cannot unpack {path} for busybox insmod")
    return data


def initramfs(out_dir, extra_modules, flavour="debian", extra_files=(), tag=""):
    """Busybox, the NIC modules, ours and the init script, as newc cpio.gz;
    @extra_files: (host path, path in the initramfs) pairs, @tag: a name
    infix that keeps such a variant apart."""
    env = kernel_env(flavour)
    arch = flavour_arch(flavour)
    kind = flavour_board(flavour)
    busybox = env.get("BUSYBOX")
    if not busybox and arch == "arm64":
        busybox = kernel_env("debian")["BUSYBOX"]  # arm64 lanes share make deps' one
    if not busybox or not os.path.exists(busybox):
        raise RuntimeError(f"{FLAVOUR_ENV[flavour]}: no {arch} busybox (BUSYBOX={busybox or ''}): "
                           f"the lane's env file names a static busybox for its architecture")
    stage = tempfile.mkdtemp(prefix="initramfs-", dir=out_dir)
    try:
        for d in ("bin", "lib/modules/nic", "lib/modules/vnlm", "etc"):
            os.makedirs(os.path.join(stage, d), exist_ok=True)
        shutil.copy(busybox, os.path.join(stage, "bin/busybox"))
        os.symlink("busybox", os.path.join(stage, "bin/sh"))
        names = []
        for rel in nic_modules(env["KMODULES"], BOARDS[kind]["nic_modules"]):
            name = os.path.basename(rel).split(".ko")[0] + ".ko"
            data = module_bytes(os.path.join(env["KMODULES"], rel))
            with open(os.path.join(stage, "lib/modules/nic", name), "wb") as dst:
                dst.write(data)
            names.append(name)
        for ko in extra_modules:
            shutil.copy(ko, os.path.join(stage, "lib/modules/vnlm"))
        tools = os.path.join(BUILD, ARCHES[arch]["guest_tools"])
        for prog in sorted(os.listdir(tools)) if os.path.isdir(tools) else []:
            shutil.copy(os.path.join(tools, prog), os.path.join(stage, "bin", prog))
        for name, text, mode in (("init", INIT, 0o755),
                                 ("bin/load-nic", LOAD_NIC % " ".join(names), 0o755)):
            p = os.path.join(stage, name)
            with open(p, "w") as f:
                f.write(text)
            os.chmod(p, mode)
        for src, dst in extra_files:
            d = os.path.join(stage, dst.lstrip("/"))
            os.makedirs(os.path.dirname(d), exist_ok=True)
            shutil.copyfile(src, d)
            shutil.copymode(src, d)
        out = os.path.join(out_dir, f"initramfs-{flavour}{tag}.cpio.gz")
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


KEXEC_ROOT = os.path.join(CACHE, "kexec-arm64", "root")


def kexec_files():
    """Debian's /sbin/kexec (arm64) and every shared library it loads, from
    scripts/fetch-kexec.sh's unpacked packages, as initramfs extra_files."""
    libdirs = [os.path.join(KEXEC_ROOT, d) for d in
               ("lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib")]
    files = [(os.path.join(KEXEC_ROOT, "sbin/kexec"), "/sbin/kexec")]
    todo, done = ["sbin/kexec"], set()
    while todo:
        path = os.path.join(KEXEC_ROOT, todo.pop()) if not os.path.isabs(todo[-1]) else todo.pop()
        dyn = run(["aarch64-linux-gnu-readelf", "-d", path])
        for soname in re.findall(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]", dyn):
            if soname in done:
                continue
            done.add(soname)
            found = [os.path.join(d, soname) for d in libdirs
                     if os.path.exists(os.path.join(d, soname))]
            if not found:
                raise RuntimeError(f"kexec needs {soname}, not in {KEXEC_ROOT}")
            real = os.path.realpath(found[0])
            dst = "/lib/" + soname if soname.startswith("ld-linux") else \
                "/lib/aarch64-linux-gnu/" + soname
            files.append((real, dst))
            todo.append(real)
    return files


def our_modules(flavour="debian"):
    """Our modules, built against the flavour's kernel (the driver from
    VNLM_DRIVER_DIR where that is set)."""
    if flavour == "debug":
        # The debug kernel has the driver in-tree and built in.
        return [os.path.join(BUILD, "debug-src", "test", "kmod", m)
                for m in ("amp-peer-ctl.ko", "vnlm-test-mbox.ko", "vnlm-test-netdev.ko")]
    if flavour == "debug-modular":
        # The in-tree modules, as modules_install placed them.
        d = os.path.join(kernel_env(flavour)["KMODULES"], "kernel", "drivers", "net",
                         "vnet-link-mirror")
        return [os.path.join(d, "vnet-link-mirror.ko"), os.path.join(d, "vnet-link-mirror-kunit.ko")]
    top = TOP if flavour == "debian" else os.path.join(BUILD, "lanes", kernel_env(flavour)["LANE"])
    # VNLM_DRIVER_DIR: the driver module from elsewhere (the mutation lane's
    # mutated build for this flavour), the lane's test modules beside it.
    driver_dir = os.environ.get("VNLM_DRIVER_DIR") or os.path.join(top, "driver")
    return [os.path.join(driver_dir, "vnet-link-mirror.ko"),
            os.path.join(top, "test", "kmod", "amp-peer-ctl.ko"),
            os.path.join(top, "test", "kmod", "vnlm-test-mbox.ko"),
            os.path.join(top, "test", "kmod", "vnlm-test-netdev.ko")]


def peer_image(arch="arm64", kind="virt"):
    return os.path.join(BUILD, BOARD_PEER.get(kind) or ARCHES[arch]["peer"])


def peer_slot_table(instances, nslots, regions=None):
    """The RTOS peer's slot table for a board built by mirror_overlay():
    view i < @nslots reads slot region i (SHM_BASE + i * SHM_STRIDE, plus
    the offset of an instance that places itself in it); after those, one
    view per instance with linux,shm-offset in a region of @regions (label
    -> base address: the extra_reserved ones), in instance order."""
    table = [SHM_BASE + s * SHM_STRIDE for s in range(nslots)]
    for inst in instances:
        off = inst.get("offset")
        if off is None:
            continue
        if "slot" in inst and "region" not in inst:
            if inst["slot"] < nslots:
                table[inst["slot"]] += off
            continue
        base = (regions or {}).get(inst.get("region"))
        if base is not None and base + off not in table:
            table.append(base + off)
    return table


# The test mailbox controller's node (test/kmod/vnlm_test_mbox.c): channel
# n is SGI n plus the peer's mailbox cell n.
TEST_MAILBOX_LABEL = "vnlm_mbox"
TEST_MAILBOX = f"""
	{TEST_MAILBOX_LABEL}: vnlm-test-mailbox {{
		compatible = "vnlm-test,sgi-mailbox";
		#mbox-cells = <1>;
	}};"""


def mirror_overlay(instances, extra_reserved="", extra_nodes="", test_mailbox=False):
    """An overlay text for a list of instance dicts (test boards).

    Each dict: slot (region index), sgi, and any of uplink, ethernet
    (a label), target, disabled, announce, raw (extra property lines),
    region (override label), name, mbox (a channel of the test mailbox:
    mboxes/mbox-names in place of linux,target-cpu/linux,doorbell-sgi).
    extra_nodes: more root nodes (text).  @test_mailbox: add the test
    mailbox controller's node.
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
        if inst.get("mbox") is not None:
            props.append(f"mboxes = <&{TEST_MAILBOX_LABEL} {inst['mbox']}>;")
            props.append('mbox-names = "doorbell";')
        elif inst.get("target", RTOS_MPIDR) is not None:
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
{''.join(nodes)}{extra_nodes}{TEST_MAILBOX if test_mailbox else ""}
}};
"""


# Debian's U-Boot per board architecture: its binary, mkimage's -A and the
# command that boots the kernel QEMU hands over (Image on arm64, zImage on arm).
UBOOT = {
    "arm64": dict(bin="/usr/lib/u-boot/qemu_arm64/u-boot.bin", mkimage="arm64", boot="booti"),
    "arm": dict(bin="/usr/lib/u-boot/qemu_arm/u-boot.bin", mkimage="arm", boot="bootz",
                # U-Boot moves the DTB and initrd to the top of RAM, out of
                # a 32-bit kernel's lowmem (1 GiB of RAM here): leave them
                # where they are, low.
                env="fdt_high=0xffffffff\ninitrd_high=0xffffffff\n"),
}
UBOOT_BIN = UBOOT["arm64"]["bin"]
UBOOT_FIRMWARE = ("-bios", UBOOT_BIN)
UBOOT_ENV_SIZE = 0x40000        # CONFIG_ENV_SIZE of qemu_arm64 and qemu_arm
UBOOT_FLASH_SIZE = 64 << 20     # one virt pflash bank
UBOOT_SCRIPT_ADDR = 0x49000000  # where QEMU's loader puts boot.scr
UBOOT_FDT_ADDR = 0x4A000000     # where the script edits a copy of the DTB


def uboot_firmware(arch="arm64"):
    return ("-bios", UBOOT[arch]["bin"])


# The architecture of the board a suite is being set up for: run_suite()
# sets it around the suite's firmware callback, so that a case's
# uboot_args() call needs no architecture of its own.
_firmware_arch = "arm64"


@contextlib.contextmanager
def firmware_arch(arch):
    global _firmware_arch
    old, _firmware_arch = _firmware_arch, arch
    try:
        yield
    finally:
        _firmware_arch = old


def uboot_args(out_dir, script_lines, bootargs, arch=None):
    """QEMU arguments that boot through Debian's U-Boot, which runs a boot
    script (mkimage) from its environment (mkenvimage, second pflash bank)
    before it boots the kernel and initrd QEMU hands over with fw_cfg.
    @arch: the board's; by default the one firmware_arch() set (arm64)."""
    u = UBOOT[arch or _firmware_arch]
    os.makedirs(out_dir, exist_ok=True)
    cmd = os.path.join(out_dir, "boot.cmd")
    scr = os.path.join(out_dir, "boot.scr")
    with open(cmd, "w") as f:
        f.write("\n".join(script_lines) + "\n")
    run(["mkimage", "-A", u["mkimage"], "-T", "script", "-C", "none", "-n", "vnlm edits",
         "-d", cmd, scr])
    env = os.path.join(out_dir, "env.txt")
    fdt = f"0x{UBOOT_FDT_ADDR:x}"
    with open(env, "w") as f:
        # A saved environment replaces the default one: restate what we use.
        f.write(f"bootargs={bootargs}\n")
        f.write("kernel_addr_r=0x40400000\nramdisk_addr_r=0x44000000\n")
        f.write(f"vnlm_fdt={fdt}\n")
        f.write(u.get("env", ""))
        f.write("bootcmd=fdt addr ${fdtcontroladdr}; "
                "fdt move ${fdtcontroladdr} ${vnlm_fdt} 0x100000; "
                "fdt addr ${vnlm_fdt}; fdt resize 0x1000; "
                f"source 0x{UBOOT_SCRIPT_ADDR:x}; "
                "qfw load ${kernel_addr_r} ${ramdisk_addr_r}; "
                f"{u['boot']} ${{kernel_addr_r}} ${{ramdisk_addr_r}}:${{filesize}} ${{vnlm_fdt}}\n")
    return ["-bios", u["bin"], *uboot_env_drive(out_dir, env),
            "-device", f"loader,file={scr},addr=0x{UBOOT_SCRIPT_ADDR:x},force-raw=on"]


def uboot_env_drive(out_dir, env_txt):
    """QEMU arguments giving U-Boot the environment in text file @env_txt
    (mkenvimage, second pflash bank): it replaces the default one."""
    envbin = os.path.join(out_dir, "env.bin")
    run(["mkenvimage", "-s", str(UBOOT_ENV_SIZE), "-o", envbin, env_txt])
    flash = os.path.join(out_dir, "flash1.img")
    with open(envbin, "rb") as f:
        data = f.read()
    with open(flash, "wb") as f:
        f.write(data + b"\xff" * (UBOOT_FLASH_SIZE - len(data)))
    return ["-drive", f"if=pflash,format=raw,index=1,file={flash}"]


def overlay_uboot(uboot_board="qemu_arm64"):
    """U-Boot with CONFIG_OF_LIBFDT_OVERLAY, built from Debian's source by
    scripts/build-uboot.sh (`make uboot`, which `make check` runs first): the
    path of its image for this tree's config fragment (a cache hit; it
    builds, about 1.5 min of CPU, only if `make uboot` was skipped).
    @uboot_board: qemu_arm64 (u-boot.bin) or mx6qsabrelite (the ELF u-boot)."""
    try:
        out = subprocess.run([os.path.join(TOP, "scripts", "build-uboot.sh"),
                              CACHE, uboot_board], check=True, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"no overlay-capable U-Boot (make uboot): {exc.stderr.strip()}")
    return out.stdout.strip().splitlines()[-1]

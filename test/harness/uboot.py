# SPDX-License-Identifier: GPL-2.0-only
"""U-Boot boots the i.MX6Quad sabrelite as on a real board: U-Boot built
from Debian's u-boot source for mx6qsabrelite (scripts/build-uboot.sh
mx6qsabrelite) starts from QEMU's -kernel, and everything after that is
typed at its prompt: it copies the RTOS image into the RTOS's memory,
releases CPU 3 at it through the i.MX6 SRC (`cpu 3 release`), takes CPU 3
from the kernel package's own DTB, applies the board overlay to it
(`fdt apply`), makes the board's `fdt set` edits and boots Debian's armmp
kernel with `bootz`.

The images reach DDR through QEMU's -device loader (force-raw), at
addresses of the board's default environment (kernel_addr_r, fdt_addr_r)
or free below U-Boot, where a real board's `load mmc` would put them; the
RTOS image is staged there too and U-Boot copies it to its entry.  An SD
card does not work with QEMU 7.2 (measured): the sabrelite machine has no
if=sd wiring ("machine type does not support if=sd"); `-device
sd-card,bus=sd-bus` lands on usdhc4 (0x0219c000, U-Boot's mmc 3), but
U-Boot's `mmc dev 3` fails after 1.0 s: its uSDHC driver leaves SYSCTL
bits 3:0 clear (reserved on a uSDHC; it writes 0x000e10f0), QEMU's generic
SDHCI model takes bit 2 as the SD clock enable and never issues CMD0, and
U-Boot polls IRQSTAT (0 on each of ~13,800 reads) until it gives up."""

import os
import time

import board
from guest import GuestError

PROMPT_TIMEOUT = 120
COMMAND_TIMEOUT = 30

# DDR addresses (QEMU's and the board's DDR starts at 0x10000000).  U-Boot
# itself runs from 0x17800000 until it relocates below the hidden top
# 32 MiB (CONFIG_SYS_MEM_TOP_HIDE: the RTOS's image and regions).
KERNEL_ADDR = 0x12000000  # the environment's kernel_addr_r
FDT_ADDR = 0x18000000     # fdt_addr_r: the package DTB, edited in place
DTBO_ADDR = 0x18100000    # the board overlay
PEER_STAGE = 0x18200000   # the RTOS image as storage would deliver it
INITRD_ADDR = 0x20000000
FDT_ROOM = 0x4000         # `fdt resize`: room for the overlay and edits

# The i.MX6 SRC: GPR8 is CPU 3's argument register (GPR7 its entry, which
# `cpu 3 release` writes); QEMU's SRC hands it to the CPU in r0.
SRC_GPR8 = 0x020D803C
# The A9 MPCore global timer, clocked like the TWD beside it (IMX6QDL_CLK_TWD
# of the clock controller); imx6qdl.dtsi leaves it out (board.package_base_dtb
# makes the same node on the host).
CLKS = "/soc/bus@2000000/clock-controller@20c4000"
IMX6QDL_CLK_TWD = 15


class SabreliteUBoot:
    """A guest.Guest boot driver: qemu_args() for the command line,
    drive() on the console until `bootz` has started the kernel.

    @edits: `fdt set`/`fdt rm` commands run after the overlay is applied;
    @show: DT paths U-Boot prints (`fdt print`) after them.
    After drive(), self.steps lists (command, seconds, output) and
    self.t_prompt the seconds from QEMU's start to U-Boot's first prompt."""

    loads_peer = True  # the guest's own -device loader for the peer is not wanted

    def __init__(self, out_dir, flavour, overlay, initrd, nslots, edits, show=(), bootargs=None):
        env = board.kernel_env(flavour)
        self.kind = board.flavour_board(flavour)
        if self.kind != "sabrelite":
            raise ValueError(f"flavour {flavour} does not boot the sabrelite board")
        self.b = board.board_info(self.kind)
        self.uboot = board.overlay_uboot("mx6qsabrelite")
        self.kimage = env["KIMAGE"]
        self.package_dtb = os.path.join(env["KROOT"], "usr", "lib",
                                        f"linux-image-{env['KRELEASE']}",
                                        board.BOARD_PACKAGE_DTB[self.kind])
        os.makedirs(out_dir, exist_ok=True)
        name = os.path.basename(overlay).rsplit(".", 1)[0]
        self.dtbo = board.compile_overlay(overlay, os.path.join(out_dir, f"{name}.dtbo"))
        self.peer = board.peer_image(board.flavour_arch(flavour), self.kind)
        self.nslots = nslots
        self.edits = list(edits)
        self.show = list(show)
        self.bootargs = bootargs or self.b["bootargs"]
        self.steps = []
        self.t_prompt = None
        self.initrd = initrd
        self._t0 = None
        self.t_kernel = None  # time.monotonic() when U-Boot started the kernel

    def qemu_args(self, guest):
        self._t0 = time.monotonic()
        loads = [(self.kimage, KERNEL_ADDR), (self.package_dtb, FDT_ADDR),
                 (self.dtbo, DTBO_ADDR), (self.peer, PEER_STAGE),
                 (self.initrd, INITRD_ADDR)]
        args = ["-kernel", self.uboot]
        for path, addr in loads:
            args += ["-device", f"loader,file={path},addr=0x{addr:x},force-raw=on"]
        return args

    # -- the console ---------------------------------------------------
    def run(self, guest, cmd, timeout=COMMAND_TIMEOUT, check=True):
        """Type @cmd at U-Boot's prompt; its output, after its exit status
        (hush's $?) is seen.  A non-zero status raises GuestError."""
        guest._token += 1
        tok = f"{guest._token:06d}"
        t = time.monotonic()
        guest.proc.stdin.write(f"{cmd}; echo @@UB{tok}:$?@@\n".encode())
        guest.proc.stdin.flush()
        # U-Boot echoes the line as typed ("$?"), then the output, then the status.
        guest.wait_for(rf"@@UB{tok}:\$\?@@\r?\n".encode(), timeout)
        m = guest.wait_for(rf"(?s)(.*?)@@UB{tok}:(\d+)@@".encode(), timeout)
        out = m.group(1).decode(errors="replace").replace("\r", "").strip()
        rc = int(m.group(2))
        self.steps.append((cmd, time.monotonic() - t, out))
        if check and rc != 0:
            raise GuestError(f"U-Boot: `{cmd}` exited {rc}:\n{out}")
        return out

    def output(self, prefix):
        """The output of the first step whose command starts with @prefix."""
        for cmd, _, out in self.steps:
            if cmd.startswith(prefix):
                return out
        raise KeyError(prefix)

    def drive(self, guest):
        guest.wait_for(rb"U-Boot 20\d\d", PROMPT_TIMEOUT)
        guest.wait_for(rb"\n=> ", PROMPT_TIMEOUT)
        self.t_prompt = time.monotonic() - self._t0
        peer_size = os.path.getsize(self.peer)
        entry = self.b["peer_entry"]
        # The RTOS first: its image into its own (hidden) memory, its
        # argument (the number of slots) into the SRC, then CPU 3 released.
        self.run(guest, "cpu 3 status")
        self.run(guest, f"cp.b 0x{PEER_STAGE:x} 0x{entry:x} 0x{peer_size:x}")
        self.run(guest, f"cmp.b 0x{PEER_STAGE:x} 0x{entry:x} 0x{peer_size:x}")
        self.run(guest, "dcache flush")
        self.run(guest, f"mw.l 0x{SRC_GPR8:x} {self.nslots}")
        self.run(guest, f"cpu 3 release 0x{entry:x}")
        self.run(guest, "cpu 3 status")
        # The kernel package's DTB: CPU 3 is the RTOS's, the A9 global timer
        # described, the board overlay applied, then the board's edits.
        self.run(guest, f"fdt addr 0x{FDT_ADDR:x}")
        self.run(guest, f"fdt resize 0x{FDT_ROOM:x}")
        self.run(guest, f"fdt rm /cpus/cpu@{self.b['rtos_cpu']}")
        gt = "/soc/timer@a00200"
        self.run(guest, "fdt mknode /soc timer@a00200")
        self.run(guest, f"fdt set {gt} compatible arm,cortex-a9-global-timer")
        self.run(guest, f"fdt set {gt} reg <0x00a00200 0x20>")
        self.run(guest, f"fdt set {gt} interrupts <1 0xb 0xf01>")
        self.run(guest, f"fdt get value clks {CLKS} phandle")
        self.run(guest, f"fdt set {gt} clocks <${{clks}} 0x{IMX6QDL_CLK_TWD:x}>")
        self.run(guest, f"fdt apply 0x{DTBO_ADDR:x}")
        for cmd in self.edits:
            self.run(guest, cmd)
        # What Linux will get, as U-Boot holds it (the tests read it back).
        for node in self.show:
            self.run(guest, f"fdt print {node}")
        self.run(guest, f"setenv bootargs {self.bootargs}")
        initrd_size = os.path.getsize(self.initrd)
        t = time.monotonic()
        guest.proc.stdin.write(f"bootz 0x{KERNEL_ADDR:x} 0x{INITRD_ADDR:x}:0x{initrd_size:x} "
                               f"0x{FDT_ADDR:x}\n".encode())
        guest.proc.stdin.flush()
        m = guest.wait_for(rb"(?s)(.*?)Starting kernel \.\.\.", COMMAND_TIMEOUT)
        self.steps.append(("bootz", time.monotonic() - t, m.group(1).decode(errors="replace")))
        self.t_kernel = time.monotonic()

    def step_time(self, prefix):
        return sum(t for cmd, t, _ in self.steps if cmd.startswith(prefix))

    def summary(self):
        """The measured times: to the prompt, per command kind, and for the
        whole dialogue (each command's time includes the console round trip)."""
        total = sum(t for _, t, _ in self.steps)
        kinds = ("cp.b", "cpu 3 release", "fdt apply", "fdt set", "bootz")
        each = ", ".join(f"{k} {self.step_time(k) * 1000:.0f} ms" for k in kinds)
        return (f"U-Boot prompt {self.t_prompt:.1f} s after QEMU started; "
                f"{len(self.steps)} commands in {total:.2f} s ({each}; bootz to "
                f"'Starting kernel')")

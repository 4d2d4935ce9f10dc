# SPDX-License-Identifier: GPL-2.0-only
"""One boot of the QEMU AMP board: the serial console as a command channel,
QMP for the host side (cable, hotplug), and the RTOS peer's records."""

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import board
from peerlog import PeerLog, default_slots, peer_log_addr, write_config

BOOT_TIMEOUT = 180
DEFAULT_CMD_TIMEOUT = 60
# A command that does not return while QEMU runs leaves the guest's only
# shell stuck (a deadlock in the kernel, as 7.x's netdev instance lock
# taken twice).  The kernel's hung-task detector then names the blocked
# task, its stack and (CONFIG_DETECT_HUNG_TASK_BLOCKER, 6.16+) the lock's
# owner.  Under loglevel=3 that report (KERN_ERR) would not reach the
# console, and the shell cannot run dmesg: with hung_task_panic the kernel
# turns the console verbose first, prints it and panics, and QEMU exits
# (panic=-1, -no-reboot).  A task blocked HUNG_TASK_S is a hang on this
# board; the detector looks every HUNG_TASK_S, so the report comes within
# twice that.  Not on the debug kernels, whose checkers (kmemleak scans,
# lockdep) can legitimately hold a writer that long under TCG.
HUNG_TASK_S = 60
HUNG_TASK_ARGS = f"hung_task_panic=1 sysctl.kernel.hung_task_timeout_secs={HUNG_TASK_S}"
HUNG_TASK_REPORT_S = 2 * HUNG_TASK_S + 30
HUNG_TASK_RX = rb"blocked for more than \d+ seconds"


class GuestError(Exception):
    pass


# Looked up here, not in the forked child: the child of a threaded process
# must not import (another thread may have held the import lock at fork).
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the QEMU child: be killed when the harness dies, however it dies
    (a runner killed by the mutation lane's timeout, ^C, SIGKILL), so that
    no orphaned guest keeps a host core busy (prctl PR_SET_PDEATHSIG)."""
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Guest:
    """Boot the board; use as a context manager so QEMU always dies."""

    def __init__(self, gic, dtb, initrd, nics=(), extra_args=(), name="guest",
                 log_dir=None, append="", ram_mb=None, flavour="debian", boot=None):
        """@boot: None, QEMU loads the kernel, initrd and DTB itself; else a
        boot loader's driver (uboot.SabreliteUBoot): its qemu_args(guest)
        replace -kernel/-initrd/-dtb/-append, and its drive(guest) runs on
        the console before Linux's shell is waited for."""
        self.gic = gic
        self.boot = boot
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix=f"vnlm-{name}-")
        self.log_dir = log_dir or os.path.join(board.RUN_DIR, "logs")
        os.makedirs(self.log_dir, exist_ok=True)
        self.ram_file = os.path.join(self.tmp, "ram")
        self.qmp_path = os.path.join(self.tmp, "qmp.sock")
        self.console_log = os.path.join(self.log_dir, f"{name}-console.log")
        self.semihost_log = os.path.join(self.log_dir, f"{name}-rtos.log")
        self._buf = b""
        self._lock = threading.Condition()
        self._token = 0
        self._qmp = None
        # (token, command, when) of a command that did not return: until its
        # end marker shows up, no other command can reach the shell.
        self._stuck = None
        self.flavour = flavour
        self.arch = board.flavour_arch(flavour)
        # The kind of board (virt, sabrelite) and what differs between them.
        self.kind = board.flavour_board(flavour)
        self.board = b = board.board_info(self.kind)
        ram_mb = ram_mb or b["ram_mb"]
        env = board.kernel_env(flavour)
        args = [board.qemu_binary(self.arch),
                *board.machine_args(gic, ram_mb, self.arch, self.kind)]
        args[2] += ",memory-backend=ram"
        args += [
            "-object", f"memory-backend-file,id=ram,size={ram_mb}M,"
                       f"mem-path={self.ram_file},share=on",
            *(boot.qemu_args(self) if boot else
              ["-kernel", env["KIMAGE"], "-initrd", initrd, "-dtb", dtb,
               "-append", " ".join([b["bootargs"], append] +
                                   ([] if flavour.startswith("debug") else [HUNG_TASK_ARGS]))]),
            "-no-reboot", "-display", "none", "-monitor", "none",
            *b["serial"], "-nodefaults",
            "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
            # The RTOS image at its entry, unless the boot loader puts it there.
            *([] if getattr(boot, "loads_peer", False) else
              ["-device", f"loader,file={board.peer_image(self.arch, self.kind)},"
                          f"addr=0x{b['peer_entry']:x},force-raw=on"]),
            "-semihosting-config", "enable=on,target=native,chardev=semi",
            "-chardev", f"file,id=semi,path={self.semihost_log}",
        ]
        for nic in nics:
            args += nic
        args += list(extra_args)
        self.args = args
        self._log = open(self.console_log, "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.peer = None
        try:
            if boot:
                boot.drive(self)
            self.wait_for(rb"@@BOOTED@@", BOOT_TIMEOUT)
            self.peer = PeerLog(self.ram_file, b["ram_base"], peer_log_addr(b))
        except Exception:
            self.close()
            raise

    # -- console -------------------------------------------------------
    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            with self._lock:
                if not chunk:
                    self._eof = True
                    self._lock.notify_all()
                    return
                self._buf += chunk
                self._log.write(chunk)
                self._log.flush()
                self._lock.notify_all()

    _eof = False

    def wait_for(self, pattern, timeout):
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                m = rx.search(self._buf)
                if m:
                    self._buf = self._buf[m.end():]
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    tail = self._buf[-2000:].decode(errors="replace")
                    raise GuestError(f"{self.name}: timed out waiting for {pattern!r}"
                                     f" (qemu {'exited' if self._eof else 'running'}); "
                                     f"console tail:\n{tail}")
                self._lock.wait(min(left, 1.0))

    def _check_stuck(self, cmd):
        """Fail at once while an earlier command still holds the shell; a
        command that was only slow (its end marker arrived since) frees it."""
        if self._stuck is None:
            return
        tok, old, since = self._stuck
        with self._lock:
            if rf"@@END{tok}:".encode() in self._buf:
                self._stuck = None
                return
        raise GuestError(f"{self.name}: not run (`{cmd}`): the guest shell has been stuck in "
                         f"`{old}` for {time.monotonic() - since:.0f} s")

    def _stuck_in(self, tok, cmd, started, exc):
        """@cmd (token @tok) timed out while QEMU runs: mark the shell stuck
        and add the kernel's hung-task report (the blocked task, its stack
        and, with CONFIG_DETECT_HUNG_TASK_BLOCKER, the lock's owner)."""
        if self._eof:
            return exc
        self._stuck = (tok, cmd, started)
        rx = re.compile(HUNG_TASK_RX)
        deadline = started + HUNG_TASK_REPORT_S
        with self._lock:
            # Until the detector has spoken and QEMU has exited after its
            # panic, the console quiet for a second after the report, or the
            # time the report must have come in.
            m = None
            while True:
                m = m or rx.search(self._buf)
                n = len(self._buf)
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    break
                self._lock.wait(min(left, 1.0))
                if m and len(self._buf) == n:
                    break
            text = self._buf.decode(errors="replace").replace("\r", "")
        if not m:
            return GuestError(f"{exc}\n(no hung-task report within {HUNG_TASK_REPORT_S} s of "
                              f"`{cmd}`; QEMU {'exited' if self._eof else 'running'})")
        # From the line that names the blocked task.
        start = text.rfind("\n", 0, text.find("blocked for more than")) + 1
        return GuestError(f"{self.name}: `{cmd}` never returned: the guest shell is stuck; "
                          f"the kernel's hung-task report (QEMU "
                          f"{'exited' if self._eof else 'running'}):\n{text[start:start + 6000]}")

    def sh(self, cmd, timeout=DEFAULT_CMD_TIMEOUT, check=True):
        """Run a shell command in the guest; return (rc, output)."""
        self._check_stuck(cmd)
        self._token += 1
        tok = f"{self._token:06d}"
        line = f"{cmd}\necho \"@@END{tok}\"\":$?@@\"\n"
        # Mark where this command's output starts.
        self.proc.stdin.write(f"echo \"@@BEGIN{tok}\"\"@@\"\n".encode())
        self.proc.stdin.write(line.encode())
        self.proc.stdin.flush()
        started = time.monotonic()
        try:
            self.wait_for(rf"@@BEGIN{tok}@@\r?\n".encode(), timeout)
            m = self.wait_for(rf"(?s)(.*?)@@END{tok}:(\d+)@@".encode(), timeout)
        except GuestError as exc:
            raise self._stuck_in(tok, cmd, started, exc) from None
        out = m.group(1).decode(errors="replace").replace("\r", "")
        rc = int(m.group(2))
        if check and rc != 0:
            raise GuestError(f"{self.name}: `{cmd}` exited {rc}:\n{out}")
        return rc, out

    def send(self, cmd):
        """Start @cmd in the guest shell without waiting for it; returns a
        token for wait_sent()."""
        self._check_stuck(cmd)
        self._token += 1
        tok = f"{self._token:06d}"
        self.proc.stdin.write(f"{cmd}\necho \"@@END{tok}\"\":$?@@\"\n".encode())
        self.proc.stdin.flush()
        return tok

    def wait_sent(self, tok, timeout=DEFAULT_CMD_TIMEOUT):
        """Wait for a send()'s command to finish; returns its exit status."""
        return int(self.wait_for(rf"@@END{tok}:(\d+)@@".encode(), timeout).group(1))

    def wait_for_output(self, cmd, want, timeout=DEFAULT_CMD_TIMEOUT):
        """Poll a guest command until its output is @want."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.out(cmd, timeout)
            if got == want:
                return got
            if time.monotonic() > deadline:
                raise GuestError(f"{self.name}: `{cmd}` printed {got!r}, waited for {want!r}")
            time.sleep(0.1)

    def wait_exit(self, timeout):
        """Wait for QEMU to exit (the guest rebooted or powered off under
        -no-reboot); the RAM file stays readable until close()."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise GuestError(f"{self.name}: QEMU still running {timeout} s later") from None

    def console_after_exit(self, timeout=10):
        """Everything the console printed (the whole log), once QEMU has
        exited and the reader has drained it."""
        with self._lock:
            self._lock.wait_for(lambda: self._eof, timeout)
        with open(self.console_log, "rb") as f:
            return f.read()

    def out(self, cmd, timeout=DEFAULT_CMD_TIMEOUT):
        return self.sh(cmd, timeout)[1].strip()

    # -- QMP -------------------------------------------------------------
    def qmp(self, command, **arguments):
        if self._qmp is None:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(30)
            s.connect(self.qmp_path)
            self._qmp = (s, s.makefile("rb"))
            json.loads(self._qmp[1].readline())  # greeting
            self._qmp_exec("qmp_capabilities")
        return self._qmp_exec(command, **arguments)

    def _qmp_exec(self, command, **arguments):
        s, rf = self._qmp
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        s.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = json.loads(rf.readline())
            if "event" in reply:
                continue
            if "error" in reply:
                raise GuestError(f"QMP {command}: {reply['error']}")
            return reply.get("return")

    def set_link(self, netdev, up):
        self.qmp("set_link", name=netdev, up=bool(up))

    # -- RTOS peer -------------------------------------------------------
    def start_peer(self, nslots=None, slots=None, mem=None, run="doorbell", check_speed=False):
        """Start the RTOS peer on its slot table: @slots (region addresses,
        view i reads slots[i]), else @nslots at the default stride; @mem the
        memory contract's variant ("nc", "cached-inval"; default: the
        board's PEER_MEM, else "nc")."""
        b = self.board
        if slots is None:
            slots = default_slots(nslots, b["shm_base"])
        mem = mem or os.environ.get("PEER_MEM", "nc")
        write_config(self.ram_file, b["ram_base"], slots, mem, run, check_speed,
                     peer_log_addr(b))
        # log=: reboot, poweroff and kexec wait for the peer to read the
        # regions' last generations (amp_peer_ctl.c, settle_shutdown()).
        self.sh(f"insmod /lib/modules/vnlm/amp-peer-ctl.ko entry=0x{b['peer_entry']:x} "
                f"mpidr={b['rtos_mpidr']} arg={len(slots)} log=0x{peer_log_addr(b):x}")
        deadline = time.monotonic() + 20
        while not self.peer.ready():
            if time.monotonic() > deadline:
                raise GuestError(f"RTOS peer not ready: {self.peer.header()}")
            time.sleep(0.05)

    def wait_peer(self, predicate, timeout=10.0, what="RTOS peer condition"):
        """Poll the peer log until predicate(peer) is true."""
        deadline = time.monotonic() + timeout
        while True:
            v = predicate(self.peer)
            if v:
                return v
            if time.monotonic() > deadline:
                raise GuestError(f"timed out waiting for {what}; peer header "
                                 f"{self.peer.header()}")
            time.sleep(0.02)

    DMESG_BAD = ("WARNING:|BUG:|Oops|Call trace:|refcount_t|ref_tracker|"
                 "unregister_netdevice: waiting|Kernel panic|"
                 "KASAN|UBSAN|possible circular|possible recursive|"
                 "inconsistent lock|suspected memory leak|ODEBUG")

    def dmesg_problems(self):
        """Kernel reports that must never appear."""
        bad = self.DMESG_BAD
        # Filtered in the guest: a board with hundreds of instances has a
        # log too long to pull through the serial console on a loaded host.
        text = self.out(f"dmesg | grep -E '{bad}' || true", timeout=120)
        return [l for l in text.splitlines() if re.search(bad, l)]

    def dmesg_context(self, lines=6, most=60):
        """Each report with the lines around it (where and why), for the
        failure message."""
        return self.out(f"dmesg | grep -E -B2 -A{lines} '{self.DMESG_BAD}' | head -{most} || true",
                        timeout=120)

    # -- teardown --------------------------------------------------------
    def close(self):
        if self.peer:
            self.peer.close()
            self.peer = None
        if self._qmp:
            try:
                self._qmp[0].close()
            except OSError:
                pass
            self._qmp = None
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

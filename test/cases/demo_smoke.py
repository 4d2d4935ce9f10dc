# SPDX-License-Identifier: GPL-2.0-only
"""make run and make shell, as a user runs them: the demo's table must show
the RTOS reading every state Linux went through, and the shell must answer
commands and print the RTOS records."""

import os
import subprocess
import sys

import board

DEMO = os.path.join(board.TOP, "test", "harness", "demo.py")


def check_table(out, netdev, speed):
    """The demo's table: 2 pulls the RTOS read as down, 2 plugs read as up
    at @speed, admin up read as up and admin down as down, each row with
    the doorbell the peer took."""
    rows = [l for l in out.splitlines() if "QMP set_link" in l or "ip link set" in l]
    downs = [l for l in rows if f"set_link {netdev} off" in l]
    ups = [l for l in rows if f"set_link {netdev} on" in l]
    if len(downs) != 2 or len(ups) != 2:
        raise AssertionError(f"expected 2 pulls and 2 plugs in the table:\n{out}")
    admin = {w: [l for l in rows if f"ip link set eth0 {w}" in l] for w in ("up", "down")}
    if len(admin["up"]) != 1 or len(admin["down"]) != 1:
        raise AssertionError(f"expected admin up and admin down rows:\n{out}")
    for l in downs:
        if "no-carrier" not in l or " down " not in l or "#" not in l:
            raise AssertionError(f"a pull the RTOS did not read as down: {l}")
    for l in ups:
        if "LINK_UP" not in l or speed not in l or "#" not in l:
            raise AssertionError(f"a plug the RTOS did not read as up at {speed}: {l}")
    # Admin up may ring first with the carrier still off (a polled PHY):
    # the RTOS's last read of the step is what the table ends the step with.
    step = out.splitlines()
    i = step.index(admin["up"][0])
    last = admin["up"][0]
    for l in step[i + 1:]:
        if l.startswith(" "):
            last = l
        else:
            break
    if "LINK_UP" not in last or speed not in last:
        raise AssertionError(f"admin up: the RTOS's last read was not up at {speed}: {last}")
    if " down " not in admin["down"][0] or "#" not in admin["down"][0]:
        raise AssertionError(f"admin down not read as down: {admin['down'][0]}")


def run_demo(*args):
    r = subprocess.run([sys.executable, DEMO, "--flaps", "2", *args], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=600)
    if r.returncode:
        raise AssertionError(f"make run {' '.join(args)} exited {r.returncode}:\n"
                             f"{r.stdout[-3000:]}")
    return r.stdout


def test_run():
    out = run_demo()
    check_table(out, "up0", "1000Mb/s")
    return out.strip().splitlines()[-2]


def test_run_sabrelite():
    """make run BOARD=sabrelite: the same table on the i.MX6Quad model, the
    cable of the FEC (QEMU netdev fec0) pulled and plugged, the peer on
    CPU 3 reading each state (QEMU's FEC PHY links at 100 Mb/s)."""
    if not board.have_flavour("imx6"):
        raise AssertionError("no bookworm-armmp lane: make peer-imx6 lanes LANES=bookworm-armmp")
    out = run_demo("--board", "sabrelite")
    if "RTOS peer up on MPIDR 0x3" not in out:
        raise AssertionError(f"the peer is not on CPU 3 (MPIDR 3):\n{out[-3000:]}")
    check_table(out, "fec0", "100Mb/s")
    return "\n".join(l for l in out.strip().splitlines() if l.startswith(("step", "QMP", "ip ")))


def test_shell(*args):
    # Waits for Linux to see the link up (the FEC's PHY is polled once a
    # second), then gives the peer the second it always had to log the
    # doorbell: `rtos` reads the peer's log as soon as the guest is done.
    script = ("ip link set eth0 up\n"
              "while [ \"$(cat /sys/class/net/eth0/operstate)\" != up ]; do sleep 0.1; done\n"
              "sleep 1\necho shell-says-$((6*7))\nrtos\n")
    r = subprocess.run([sys.executable, DEMO, "--shell", *args], input=script,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    out = r.stdout
    if "shell-says-42" not in out:
        raise AssertionError(f"the guest shell did not run the command:\n{out[-2000:]}")
    recs = [l for l in out.splitlines() if l.startswith("[rtos]   #")]
    if not any("LINK_UP" in l for l in recs):
        raise AssertionError(f"`rtos` printed no LINK_UP record:\n{out[-2000:]}")
    return f"{len(recs)} RTOS records shown"


def test_shell_sabrelite():
    out = test_shell("--board", "sabrelite")
    return out + " (i.MX6Quad, the peer on CPU 3)"


HOST_TESTS = [("make run: the demo table shows every pull and plug", test_run),
              ("make run BOARD=sabrelite: the demo table on the i.MX6Quad, "
               "the RTOS on CPU 3 reading every pull and plug", test_run_sabrelite),
              ("make shell: commands run, `rtos` prints the records", test_shell),
              ("make shell BOARD=sabrelite: commands run, `rtos` prints the records",
               test_shell_sabrelite)]

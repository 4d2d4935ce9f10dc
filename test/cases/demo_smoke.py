# SPDX-License-Identifier: GPL-2.0-only
"""make run and make shell, as a user runs them: the demo's table must show
the RTOS reading every state Linux went through, and the shell must answer
commands and print the RTOS records."""

import os
import subprocess
import sys

import board

DEMO = os.path.join(board.TOP, "test", "harness", "demo.py")


def test_run():
    r = subprocess.run([sys.executable, DEMO, "--flaps", "2"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=300)
    out = r.stdout
    if r.returncode:
        raise AssertionError(f"make run exited {r.returncode}:\n{out[-3000:]}")
    rows = [l for l in out.splitlines() if "QMP set_link" in l or "ip link set" in l]
    downs = [l for l in rows if "set_link up0 off" in l]
    ups = [l for l in rows if "set_link up0 on" in l]
    if len(downs) != 2 or len(ups) != 2:
        raise AssertionError(f"expected 2 pulls and 2 plugs in the table:\n{out}")
    for l in downs:
        if "no-carrier" not in l or " down " not in l:
            raise AssertionError(f"a pull the RTOS did not read as down: {l}")
    for l in ups:
        if "LINK_UP" not in l or "1000Mb/s" not in l:
            raise AssertionError(f"a plug the RTOS did not read as up: {l}")
    return out.strip().splitlines()[-2]


def test_shell():
    script = "ip link set eth0 up\nsleep 1\necho shell-says-$((6*7))\nrtos\n"
    r = subprocess.run([sys.executable, DEMO, "--shell"], input=script, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=300)
    out = r.stdout
    if "shell-says-42" not in out:
        raise AssertionError(f"the guest shell did not run the command:\n{out[-2000:]}")
    recs = [l for l in out.splitlines() if l.startswith("[rtos]   #")]
    if not any("LINK_UP" in l for l in recs):
        raise AssertionError(f"`rtos` printed no LINK_UP record:\n{out[-2000:]}")
    return f"{len(recs)} RTOS records shown"


HOST_TESTS = [("make run: the demo table shows every pull and plug", test_run),
              ("make shell: commands run, `rtos` prints the records", test_shell)]

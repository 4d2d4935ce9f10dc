# SPDX-License-Identifier: GPL-2.0-only
"""One short run of the make bench harness, so it cannot rot.  It checks
that every measurement produced figures and that the storms ended with the
RTOS reading the truth; the goals themselves are make bench's business."""

import os
import re
import subprocess
import sys

import board


def test_bench_smoke():
    r = subprocess.run([sys.executable, os.path.join(board.TOP, "test", "bench", "bench.py"),
                        "--smoke"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=900)
    out = r.stdout
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if r.returncode or not last.startswith("bench: "):
        raise AssertionError(f"bench --smoke exited {r.returncode}:\n{out[-3000:]}")
    for needed in ("floor: bare SGI from a module median", "mirror: kernel event -> doorbell median",
                   "userspace daemon: kernel event -> doorbell median", "churn with 256 instances",
                   "unreclaimable slab per instance", "carrier storm", "admin storm",
                   "notifier cost per instance (in-kernel timing)", "goal <= 2x: ",
                   "goal >= 10x: ", "goal <= 5%: ",
                   "PREEMPT_RT: longest odd-generation window under SCHED_FIFO hogs",
                   "PREEMPT_RT: reads given up by the RTOS"):
        if needed not in out:
            raise AssertionError(f"bench --smoke printed no '{needed}':\n{out[-3000:]}")
    if "WRONG" in out or "no data" in out:
        raise AssertionError(f"bench --smoke:\n{out[-3000:]}")
    # Latencies are differences of stamps paired by event: a negative or
    # zero ratio means the pairing, not the code under test, is wrong.
    for key in ("mirror/floor", "daemon/mirror"):
        r2 = re.search(re.escape(key) + r" (-?[0-9.]+)x", last)
        if not r2 or float(r2.group(1)) <= 0:
            raise AssertionError(f"{key} ratio not positive: {last}")
    m = re.search(r"storm views right (\d+)/(\d+)", last)
    if not m or m.group(1) != m.group(2):
        raise AssertionError(last)
    return last


HOST_TESTS = [("bench: smoke run of the make bench harness", test_bench_smoke)]

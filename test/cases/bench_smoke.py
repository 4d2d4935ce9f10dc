# SPDX-License-Identifier: GPL-2.0-only
"""One short run of the make bench harness, so it cannot rot.  It checks
that every measurement produced figures and that the storms ended with the
RTOS reading the truth.  Smoke figures are too few to judge the real goals,
so the run judges goals set from the command line: three that any figure
meets and one that none can, and make bench must exit 1 naming that one."""

import importlib.util
import os
import re
import subprocess
import sys

import board

BENCH = os.path.join(board.TOP, "test", "bench", "bench.py")
# Any figure meets these; no figure can meet the one missed.
EASY = {"daemon-mirror": -1e9, "churn": 1e9, "rt-window": 1e9}
MISSED = ("mirror-floor", -1e9)


def load_bench():
    spec = importlib.util.spec_from_file_location("vnlm_bench", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bench_smoke():
    goals = [f"--goal={k}={v:g}" for k, v in list(EASY.items()) + [MISSED]]
    r = subprocess.run([sys.executable, BENCH, "--smoke", "--judge"] + goals,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    out = r.stdout
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if r.returncode != 1 or not last.startswith("bench: "):
        raise AssertionError(f"bench --smoke --judge with goal {MISSED[0]} out of reach exited "
                             f"{r.returncode}, not 1:\n{out[-3000:]}")
    lines = re.findall(r"^goal (met|MISSED) +([a-z-]+): ", out, re.M)
    verdicts = {gid: v for v, gid in lines}
    if len(lines) != len(verdicts):
        raise AssertionError(f"a goal judged twice: {lines}")
    want = {gid: "met" for gid in EASY}
    want[MISSED[0]] = "MISSED"
    if verdicts != want:
        raise AssertionError(f"goal verdicts {verdicts}, expected {want}:\n{out[-3000:]}")
    if f"goals met {len(EASY)}/{len(EASY) + 1}" not in last or \
            f"missed: {MISSED[0]}," not in last:
        raise AssertionError(f"the key line does not name the missed goal: {last}")
    for needed in ("floor: bare SGI from a module median", "mirror: kernel event -> doorbell median",
                   "userspace daemon: kernel event -> doorbell median", "churn with 256 instances",
                   "unreclaimable slab per instance", "carrier storm", "admin storm",
                   "notifier cost per instance (in-kernel timing)", "goal <= -1e+09x: MISSED",
                   "goal >= -1e+09x: met", "goal <= 1e+09%: met", "goal <= 1e+09us: met",
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
    if not m or m.group(1) != m.group(2) or "kernel log clean" not in last:
        raise AssertionError(last)
    return last


class _Rows:
    """The part of bench.Bench that goal() uses, without a guest."""

    def __init__(self, bench, targets):
        self.targets, self.goals, self.printed = targets, [], []
        self.goal = bench.Bench.goal.__get__(self)

    def row(self, *cols):
        self.printed.append(" ".join(cols))


def test_bench_verdicts():
    """The judging make bench does, on figures given here: the noise bound,
    no data, a --goal override, and the exit status each verdict makes."""
    b = load_bench()
    j = _Rows(b, {})
    j.goal("mirror-floor", 2.3, [2.0, 2.6])        # 2.3 - 0.3 <= 2: met within the noise
    j.goal("daemon-mirror", 9.0, [8.9, 9.1])       # 9.0 + 0.1 < 10: missed beyond it
    j.goal("churn", float("nan"), [])              # nothing measured: missed
    j.goal("rt-window", 999.0, [999.0])            # one round, no noise: met
    got = [(gid, met) for gid, *_, met in j.goals]
    want = [("mirror-floor", True), ("daemon-mirror", False), ("churn", False), ("rt-window", True)]
    if got != want or "MISSED (no data)" not in j.printed[2]:
        raise AssertionError(f"verdicts {got}, expected {want}; rows {j.printed}")
    o = _Rows(b, {"daemon-mirror": 8.0, "rt-window": 500.0})
    o.goal("daemon-mirror", 9.0, [8.9, 9.1])
    o.goal("rt-window", 999.0, [999.0])
    if [met for *_, met in o.goals] != [True, False] or "goal >= 8x" not in o.printed[0]:
        raise AssertionError(f"--goal overrides not applied: {o.goals} {o.printed}")
    ok = _Rows(b, {})
    for gid, fig in (("mirror-floor", 1.5), ("daemon-mirror", 12.0), ("churn", 1.0),
                     ("rt-window", 20.0)):
        ok.goal(gid, fig, [fig])
    met = ok.goals
    no_churn = [g for g in met if g[0] != "churn"]
    cases = [((met, True, [], True), 0), ((j.goals, True, [], True), 1),
             ((j.goals, False, [], True), 0), ((met, True, ["WARNING: x"], True), 1),
             ((met, True, [], False), 1),
             ((no_churn, True, [], True), 1),       # a goal never measured is missed
             ((no_churn, False, [], True), 0)]      # unless nothing is judged
    for args, status in cases:
        if b.exit_status(*args) != status:
            raise AssertionError(f"exit_status{args} = {b.exit_status(*args)}, expected {status}")
    return (f"{len(cases)} verdict cases: a goal missed beyond the noise, without data or "
            "never measured exits 1, within the noise 0, unjudged smoke 0")


HOST_TESTS = [("bench: the goals' verdicts and the exit status they make", test_bench_verdicts),
              ("bench: smoke run of the make bench harness, one goal out of reach exits 1",
               test_bench_smoke)]

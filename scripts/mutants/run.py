#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The mutation lane: each mutant in mutants.txt is one exact search/replace
in one driver file, applied in place to one working copy of the tree
(build/mutants/_work, undone after; a survivor is kept as build/mutants/<id>),
built (W=1), and run against the suites named for it, the first failing
TAP line ending the run.  A mutant is

  killed      a named suite failed (or hung past its timeout) on it
  survived    every named suite passed: a hole in the tests
  equivalent  argued in the list (`equivalent:`); still checked to match
  STALE       its search text does not occur exactly once (the driver
              moved on): the lane fails, a mutant is never skipped silently
  ERROR       it did not build, or the board did not boot

Closing line: `N killed, M survived, E equivalent`; exit 1 on any
survivor, stale mutant or error.

A mutant naming `flavour: NAME` (default debian) is built against that
flavour's kernel lane (CACHE/kernels/*.env: KHEADERS, ARCH, CROSS_COMPILE,
KMAKE_VARS, as scripts/build-lane.sh builds it) in a working copy of its own,
and its suites run with `--flavour NAME`: the harness loads the mutated
driver from VNLM_DRIVER_DIR (board.our_modules), the lane's own test
modules beside it.  A behaviour that only one kernel or board has (the
Cortex-A9's missing generic timer, on the imx6 flavour) is mutated there.

  scripts/mutants/run.py [--smoke] [--check] [--gic 2|3] [ID ...]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
CACHE = os.environ.get("CACHE", os.path.join(TOP, ".cache"))
LIST = os.path.join(HERE, "mutants.txt")
SUITE_TIMEOUT = 1200  # s; a mutant that hangs a suite this long is caught

sys.path.insert(0, os.path.join(TOP, "test", "harness"))
import board  # noqa: E402  (the flavours' env files, as the harness reads them)


class Mutant:
    def __init__(self, mid):
        self.id = mid
        self.file = None
        self.suites = []
        self.gic = None
        self.smoke = False
        self.equivalent = None
        self.why = ""
        self.env = {}
        self.flavour = "debian"
        self.search = None
        self.replace = None


def parse(path=LIST):
    """Blocks: `== id`, `key: value` lines, then `--- search`, text,
    `--- replace`, text, `--- end`.  # starts a comment between blocks."""
    mutants, cur, mode, buf = [], None, None, []
    with open(path) as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        if mode in ("search", "replace"):
            if line in ("--- replace", "--- end"):
                setattr(cur, mode, "\n".join(buf))
                buf = []
                mode = "replace" if line == "--- replace" else None
                if mode is None:
                    mutants.append(cur)
                    cur = None
                continue
            buf.append(line)
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("== "):
            if cur:
                raise SystemExit(f"{path}:{n}: mutant {cur.id} has no --- end")
            cur = Mutant(line[3:].strip())
            continue
        if cur is None:
            raise SystemExit(f"{path}:{n}: text outside a mutant: {line!r}")
        if line == "--- search":
            mode = "search"
            continue
        key, _, val = line.partition(":")
        val = val.strip()
        if key == "file":
            cur.file = val
        elif key == "kill":
            cur.suites = [s.strip() for s in val.split(",") if s.strip()]
        elif key == "gic":
            cur.gic = int(val)
        elif key == "smoke":
            cur.smoke = val == "yes"
        elif key == "equivalent":
            cur.equivalent = val
        elif key == "flavour":
            if val not in board.FLAVOUR_ENV or val in ("debug", "debug-modular"):
                raise SystemExit(f"{path}:{n}: flavour {val!r}: not a module-built kernel "
                                 f"of {sorted(board.FLAVOUR_ENV)}")
            cur.flavour = val
        elif key == "why":
            cur.why = val
        elif key == "env":
            name, eq, value = val.partition("=")
            if not eq or not name.strip():
                raise SystemExit(f"{path}:{n}: env wants NAME=VALUE, got {val!r}")
            cur.env[name.strip()] = value.strip()
        else:
            raise SystemExit(f"{path}:{n}: unknown key {key!r}")
    if cur or mode:
        raise SystemExit(f"{path}: unterminated mutant at the end")
    ids = [m.id for m in mutants]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise SystemExit(f"{path}: duplicate ids {sorted(dup)}")
    for m in mutants:
        if not m.file or m.search is None or m.replace is None:
            raise SystemExit(f"{path}: mutant {m.id} lacks file, search or replace")
        if not m.equivalent and not m.suites:
            raise SystemExit(f"{path}: mutant {m.id} names no suite to kill it")
    return mutants


def stale(m):
    """None when @m's search text occurs exactly once, else why not."""
    try:
        with open(os.path.join(TOP, m.file)) as f:
            text = f.read()
    except OSError as exc:
        return str(exc)
    n = text.count(m.search)
    if n != 1:
        return f"search text occurs {n} times in {m.file}"
    if m.search == m.replace:
        return "replace equals search"
    return None


def snapshot():
    """The tracked (and new, unignored) files as they are now, copied once:
    editing the tree while the lane runs does not change what it tests."""
    dst = os.path.join(BUILD, "mutants", "_base")
    shutil.rmtree(dst, ignore_errors=True)
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], cwd=TOP, check=True,
                           stdout=subprocess.PIPE).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = os.path.join(TOP, rel)
        if not os.path.lexists(src) or rel.startswith(("build/", ".cache")):
            continue
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dst, rel), follow_symlinks=False)
    # The test module is not under test: the tree's own build of it.
    for name in ("amp-peer-ctl.ko", "vnlm-test-netdev.ko", "vnlm-test-mbox.ko"):
        ko = os.path.join(TOP, "test", "kmod", name)
        if not os.path.exists(ko):
            raise SystemExit(f"no {ko}: run `make` first")
        shutil.copy(ko, os.path.join(dst, "test", "kmod"))
    return dst


def work_tree(base, flavour="debian"):
    """One working copy of the snapshot, its driver built once unmutated.
    Each mutant is applied to it in place and undone after its run: with
    the same path every time, kbuild's recorded commands match and only
    the changed file is recompiled (a build takes a few seconds, not a
    whole driver's worth)."""
    work = os.path.join(BUILD, "mutants", "_work" + ("" if flavour == "debian" else "-" + flavour))
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work, symlinks=True)
    for d, _, files in os.walk(os.path.join(work, "driver")):
        for f in files:  # a tree built for another architecture left objects
            if f.endswith((".o", ".ko", ".mod", ".mod.c", ".cmd", ".symvers", ".order")):
                os.unlink(os.path.join(d, f))
    rc, out = build(work, flavour)
    if rc:
        raise SystemExit(f"the unmutated driver does not build:\n{out[-1500:]}")
    return work


class applied:
    """Context manager: @m applied to the working copy, undone on exit
    (rewritten, so the next build recompiles the file unmutated)."""

    def __init__(self, work, m):
        self.path = os.path.join(work, m.file)
        self.m = m

    def __enter__(self):
        with open(self.path) as f:
            self.text = f.read()
        with open(self.path, "w") as f:
            f.write(self.text.replace(self.m.search, self.m.replace, 1))
        return self

    def __exit__(self, *exc):
        with open(self.path, "w") as f:
            f.write(self.text)


def keep_survivor(work, m):
    """A survivor's tree is kept for inspection as build/mutants/<id>."""
    dst = os.path.join(BUILD, "mutants", m.id)
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(work, dst, symlinks=True)


def kmake(flavour="debian"):
    """make -C KHEADERS with the flavour's ARCH, CROSS_COMPILE and
    KMAKE_VARS (its env file; scripts/build-lane.sh builds lanes the same way)."""
    if not board.have_flavour(flavour):
        raise SystemExit(f"no {board.FLAVOUR_ENV[flavour]} in {CACHE} (make lanes)")
    env = board.kernel_env(flavour)
    if "KHEADERS" not in env:
        raise RuntimeError(f"no KHEADERS in {board.FLAVOUR_ENV[flavour]} (make deps / lanes)")
    return ["make", "-s", "-C", env["KHEADERS"], f"ARCH={env.get('ARCH', 'arm64')}",
            f"CROSS_COMPILE={env.get('CROSS_COMPILE', 'aarch64-linux-gnu-')}",
            *env.get("KMAKE_VARS", "").split()]


def build(dst, flavour="debian"):
    ko = os.path.join(dst, "driver", "vnet-link-mirror.ko")
    if os.path.exists(ko):
        os.unlink(ko)  # a failed build must not leave the last one's module
    r = subprocess.run([*kmake(flavour), f"M={dst}/driver",
                        "CONFIG_VNET_LINK_MIRROR=m", "W=1", "modules"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode, r.stdout


def run_suite(dst, suite, gic, log, extra_env=None, flavour="debian"):
    """Run one suite of the mutated tree on @flavour's kernel; stop at the
    first failure.  Return ('killed'|'passed'|'error', the deciding line)."""
    cmd = [sys.executable, os.path.join(dst, "test", "run_tests.py"), "-k", suite,
           "--flavour", flavour, "--gic", str(gic)]
    env = dict(os.environ, BUILD=BUILD, CACHE=CACHE,
               VNLM_RUN_DIR=os.path.join(BUILD, "mutants", "run"), **(extra_env or {}))
    if flavour != "debian":
        # The lane's modules, but the mutated driver (board.our_modules).
        env["VNLM_DRIVER_DIR"] = os.path.join(dst, "driver")
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env=env, start_new_session=True)
    deadline = time.monotonic() + SUITE_TIMEOUT
    verdict, why, ran = None, "", 0
    try:
        for line in p.stdout:
            log.write(line)
            if time.monotonic() > deadline:
                verdict, why = "killed", f"hung: no result within {SUITE_TIMEOUT}s"
                break
            if line.startswith("ok "):
                ran += 1
            elif line.startswith("not ok "):
                ran += 1
                if "board did not boot" in line or "kernel is there" in line:
                    verdict, why = "error", line.strip()
                else:
                    verdict, why = "killed", line.strip()
                break
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    if verdict:
        # a board that failed before our test asserted anything is an error
        if "not ok" in why and "board did not boot" in why:
            verdict = "error"
        return verdict, why
    if ran == 0:
        return "error", f"suite {suite!r} ran no test (exit {p.returncode})"
    if p.returncode:
        return "error", f"suite {suite!r} exited {p.returncode} with every test passing"
    return "passed", f"{ran} tests passed"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ids", nargs="*", help="only these mutants")
    ap.add_argument("--smoke", action="store_true", help="only the mutants marked smoke")
    ap.add_argument("--check", action="store_true",
                    help="only check that every search matches exactly once")
    ap.add_argument("--gic", type=int, choices=(2, 3), default=3,
                    help="GIC for mutants that name none (default 3)")
    args = ap.parse_args()

    mutants = parse()
    if args.ids:
        unknown = set(args.ids) - {m.id for m in mutants}
        if unknown:
            raise SystemExit(f"unknown mutants {sorted(unknown)}")
        mutants = [m for m in mutants if m.id in args.ids]
    if args.smoke:
        mutants = [m for m in mutants if m.smoke]

    t0 = time.monotonic()
    counts = dict(killed=0, survived=0, equivalent=0, stale=0, error=0)
    logdir = os.path.join(BUILD, "mutants")
    os.makedirs(logdir, exist_ok=True)
    base = None if args.check else snapshot()
    works = {}
    for m in mutants:
        t1 = time.monotonic()
        why = stale(m)
        if why:
            counts["stale"] += 1
            print(f"STALE      {m.id}: {why}", flush=True)
            continue
        if m.equivalent:
            counts["equivalent"] += 1
            print(f"equivalent {m.id}: {m.equivalent}", flush=True)
            continue
        if args.check:
            print(f"matches    {m.id}" + ("" if m.flavour == "debian" else
                                            f" (flavour {m.flavour})"), flush=True)
            continue
        if m.flavour not in works:
            works[m.flavour] = work_tree(base, m.flavour)
        work = works[m.flavour]
        with applied(work, m):
            rc, out = build(work, m.flavour)
            if rc or not os.path.exists(os.path.join(work, "driver", "vnet-link-mirror.ko")):
                counts["error"] += 1
                print(f"ERROR      {m.id}: does not build:\n{out[-1500:]}", flush=True)
                continue
            fate, why = "survived", ""
            with open(os.path.join(logdir, f"{m.id}.log"), "w") as log:
                for suite in m.suites:
                    gic = m.gic or (args.gic if args.gic in board.board_info(
                        board.flavour_board(m.flavour))["gics"] else 2)
                    verdict, why = run_suite(work, suite, gic, log, m.env, m.flavour)
                    if verdict != "passed":
                        fate = verdict
                        why = f"{suite}: {why}"
                        break
            if fate == "survived":
                keep_survivor(work, m)
        counts[{"killed": "killed", "survived": "survived", "error": "error"}[fate]] += 1
        label = {"killed": "killed", "survived": "SURVIVED", "error": "ERROR"}[fate]
        print(f"{label:10} {m.id} ({time.monotonic() - t1:.0f}s) {why}", flush=True)

    print(f"# {len(mutants)} mutants in {time.monotonic() - t0:.0f}s; "
          f"{counts['stale']} stale, {counts['error']} errors")
    print(f"{counts['killed']} killed, {counts['survived']} survived, "
          f"{counts['equivalent']} equivalent")
    return 1 if counts["survived"] or counts["stale"] or counts["error"] else 0


if __name__ == "__main__":
    sys.exit(main())

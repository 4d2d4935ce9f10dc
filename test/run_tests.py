#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""make check: host-side checks, then every QEMU suite on GICv2 and GICv3.
TAP on stdout, closing with `N passed, N failed`; exit 1 on any failure.

  test/run_tests.py [-k SUBSTRING] [--gic 2|3]
"""

import argparse
import importlib
import os
import pkgutil
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "harness"), os.path.join(HERE, "cases")]

import board  # noqa: E402
from suite import run_suite  # noqa: E402
from tap import Tap  # noqa: E402


def _terminated(signum, _frame):
    # SIGTERM (the mutation lane's timeout, CI's) unwinds like an exception,
    # so every `with Guest` closes its QEMU on the way out.
    raise SystemExit(128 + signum)


def main():
    signal.signal(signal.SIGTERM, _terminated)
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="only suites/host checks whose name contains this")
    ap.add_argument("--gic", type=int, choices=(2, 3), action="append")
    ap.add_argument("--flavour", choices=sorted(board.FLAVOUR_ENV), action="append",
                    help="kernel(s) to run the QEMU suites on (default: all)")
    args = ap.parse_args()

    tap = Tap()
    modules = [importlib.import_module(m.name)
               for m in sorted(pkgutil.iter_modules([os.path.join(HERE, "cases")]),
                               key=lambda m: m.name)]
    for mod in modules:
        for name, fn in getattr(mod, "HOST_TESTS", []):
            if args.k in f"host: {name}":
                tap.run(f"host: {name}", fn)

    out_dir = os.path.join(board.RUN_DIR, "check")
    os.makedirs(out_dir, exist_ok=True)
    suites = [s for mod in modules for s in getattr(mod, "SUITES", []) if args.k in s.name]
    for flavour in args.flavour or board.FLAVOURS + board.LANE_FLAVOURS + board.EXTRA_FLAVOURS:
        if not any(flavour in s.flavours for s in suites):
            continue
        if not board.have_flavour(flavour):
            tap.result(f"{flavour} kernel is there", False,
                       "run `make debug-kernel lanes` (make check does)")
            continue
        initrd = board.initramfs(out_dir, board.our_modules(flavour), flavour)
        for suite in suites:
            if flavour not in suite.flavours:
                continue
            for gic in suite.gics_for(flavour):
                if args.gic and gic not in args.gic:
                    continue
                # The board's interrupt controller: sabrelite's A9 MPCore
                # GIC takes SGIs the GICv2 way, and has no GICv3 mode.
                if gic not in board.board_info(board.flavour_board(flavour))["gics"]:
                    continue
                run_suite(tap, suite, gic, initrd, os.path.join(out_dir, suite.name), flavour)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())

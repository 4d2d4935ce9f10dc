# SPDX-License-Identifier: GPL-2.0-only
"""Host-side checks of the kernel code: W=1 warning-free, sparse clean,
checkpatch --strict clean (the 6.1 tree's checkpatch)."""

import glob
import os
import subprocess

import board

TOP = board.TOP
KERNEL_C = sorted(glob.glob(os.path.join(TOP, "driver", "*.[ch]")) +
                  glob.glob(os.path.join(TOP, "include", "**", "*.h"), recursive=True) +
                  glob.glob(os.path.join(TOP, "test", "kmod", "*.c")))
KERNEL_C = [f for f in KERNEL_C if not f.endswith(".mod.c")]


def kmake(*args):
    env = board.kernel_env()
    kdir = os.environ.get("KDIR") or env["KHEADERS"]
    return subprocess.run(["make", "-s", "-C", kdir, "ARCH=arm64",
                           "CROSS_COMPILE=aarch64-linux-gnu-", *args],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def rebuild(extra):
    """Rebuild the driver from scratch with @extra and return the log."""
    m = f"M={TOP}/driver"
    kmake(m, "clean")
    r = kmake(m, "CONFIG_VNET_LINK_MIRROR=m", *extra, "modules")
    if r.returncode:
        raise AssertionError(f"build failed:\n{r.stdout[-3000:]}")
    return r.stdout


def diagnostics(log):
    return [l for l in log.splitlines()
            if ("warning:" in l or "error:" in l) and "Skipping BTF" not in l]


def test_w1():
    bad = diagnostics(rebuild(["W=1"]))
    if bad:
        raise AssertionError("W=1 warnings:\n" + "\n".join(bad))


def test_sparse():
    # C=2 checks every file; sparse prints file:line: warnings/errors.
    log = rebuild(["C=2", "W=1"])
    bad = [l for l in log.splitlines() if ": warning:" in l or ": error:" in l]
    if bad:
        raise AssertionError("sparse:\n" + "\n".join(bad))


def test_checkpatch():
    cp = os.path.join(board.CACHE, "checkpatch", "scripts", "checkpatch.pl")
    r = subprocess.run(["perl", cp, "--no-tree", "--strict", "--terse", "--show-types",
                        "-f", *KERNEL_C], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    bad = [l for l in r.stdout.splitlines()
           if any(k in l for k in ("ERROR", "WARNING", "CHECK"))]
    if bad:
        raise AssertionError("checkpatch --strict:\n" + "\n".join(bad))
    return f"{len(KERNEL_C)} files clean"


HOST_TESTS = [
    ("driver builds with W=1 and no warning", test_w1),
    ("sparse (C=2) reports nothing", test_sparse),
    ("checkpatch --strict reports nothing", test_checkpatch),
]

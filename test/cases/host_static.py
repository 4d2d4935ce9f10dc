# SPDX-License-Identifier: GPL-2.0-only
"""Host-side checks of the kernel code: W=1 warning-free, sparse clean,
checkpatch --strict clean (the 6.1 tree's checkpatch)."""

import glob
import os
import re
import subprocess
import tempfile

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


# The one file whose job is naming kernel versions: out of tree it must
# compare LINUX_VERSION_CODE (which checkpatch reads as a misplaced
# constant) and stand in for the pre-5.17 netdevice_tracker type.  Nothing
# else is exempt, and these types only there.
COMPAT_H = os.path.join(TOP, "driver", "vnlm_compat.h")
# ... and the test modules' own, which the in-tree series does not carry.
KMOD_COMPAT_H = os.path.join(TOP, "test", "kmod", "kmod_compat.h")
COMPAT_TYPES = {"LINUX_VERSION_CODE", "CONSTANT_COMPARISON", "NEW_TYPEDEFS"}


def checkpatch(cp, path):
    return subprocess.run(["perl", cp, "--no-tree", "--strict", "--terse", "--show-types",
                           "-f", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)


CANARY = "int canary (void){ return 0 ;}  \n"


def test_checkpatch():
    """checkpatch per file, its exit status judged: non-zero is a failure
    unless every line it printed is an exempt type in vnlm_compat.h; a run
    that fails without naming a problem (a crashed or broken script) fails
    too.  A canary with known problems must make it exit non-zero."""
    cp = os.path.join(board.CACHE, "checkpatch", "scripts", "checkpatch.pl")
    if not os.path.exists(cp):
        raise AssertionError(f"no checkpatch at {cp} (make deps extracts it)")
    with tempfile.TemporaryDirectory() as d:
        canary = os.path.join(d, "canary.c")
        with open(canary, "w") as f:
            f.write(CANARY)
        r = checkpatch(cp, canary)
        if r.returncode == 0 or "ERROR" not in r.stdout:
            raise AssertionError(f"checkpatch passed a file with known errors (exit "
                                 f"{r.returncode}):\n{r.stdout[-2000:]}")
    bad, exempt = [], 0
    for path in KERNEL_C:
        r = checkpatch(cp, path)
        found = [l for l in r.stdout.splitlines()
                 if any(k in l for k in ("ERROR", "WARNING", "CHECK")) and not l.startswith("total:")]
        mine = []
        for l in found:
            kind = l.split(":")[3] if l.count(":") >= 3 else ""
            if path in (COMPAT_H, KMOD_COMPAT_H) and l.startswith(path + ":") and \
                    kind in COMPAT_TYPES:
                exempt += 1
            else:
                mine.append(l)
        if mine:
            bad += mine
        elif r.returncode and not found:
            bad.append(f"{path}: checkpatch exited {r.returncode} naming no problem:\n"
                       f"{r.stdout[-1000:]}")
    if bad:
        raise AssertionError("checkpatch --strict:\n" + "\n".join(bad))
    return f"{len(KERNEL_C)} files clean ({exempt} version comparisons in vnlm_compat.h)"


def test_w1_no_pm_sleep():
    """Vendor BSP configs may leave CONFIG_PM_SLEEP off.  Before 5.17 the
    PM table then drops the callbacks; built on Debian's 5.10 headers with
    the option taken away, W=1 must still be silent, and the callbacks gone
    (which shows the option really was off)."""
    if not board.have_flavour("bullseye"):
        raise AssertionError("no 5.10 headers: run `make lanes` (it fetches bullseye)")
    env = board.kernel_env("bullseye")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["cp", "-r", os.path.join(TOP, "driver"), os.path.join(TOP, "include"), tmp],
                       check=True)
        drv = os.path.join(tmp, "driver")
        for f in glob.glob(os.path.join(drv, "*.o")) + glob.glob(os.path.join(drv, "*.ko")):
            os.remove(f)
        nopm = os.path.join(tmp, "no-pm-sleep.h")
        with open(nopm, "w") as f:
            f.write("#undef CONFIG_PM_SLEEP\n")
        r = subprocess.run(["make", "-s", "-C", env["KHEADERS"], f"ARCH={env['ARCH']}",
                            f"CROSS_COMPILE={env['CROSS_COMPILE']}", *env["KMAKE_VARS"].split(),
                            f"M={drv}", "CONFIG_VNET_LINK_MIRROR=m", f"KCFLAGS=-include {nopm}",
                            "W=1", "modules"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode:
            raise AssertionError(f"build failed:\n{r.stdout[-3000:]}")
        bad = diagnostics(r.stdout)
        if bad:
            raise AssertionError("W=1 on 5.10 without CONFIG_PM_SLEEP:\n" + "\n".join(bad))
        syms = subprocess.run(["nm", os.path.join(drv, "vnlm_main.o")], check=True,
                              stdout=subprocess.PIPE, text=True).stdout
        if "vnlm_suspend" in syms:
            raise AssertionError("vnlm_suspend still built: CONFIG_PM_SLEEP was not off")
    return (f"{os.path.basename(env['KHEADERS'])}, CONFIG_PM_SLEEP off: no warning, "
            "callbacks dropped")


# Generic timer reads in A32: CNTVCT/CNTPCT (mrrc p15, {0,1}, ..., c14) and
# any CP15 c14 register (mrc/mcr p15, ..., c14, ...: CNTFRQ, CNTKCTL, ...).
# Cortex-A9/A5 have no generic timer: each is an undefined instruction there.
A32_GENERIC_TIMER = ("mrrc\t15, 0,", "mrrc\t15, 1,", "mrc\t15,", "mcr\t15,")


def a32_timer_reads(ko):
    """{function: [instruction, ...]} of the generic timer accesses in @ko."""
    out = subprocess.run(["arm-linux-gnueabihf-objdump", "-d", ko], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    found, func = {}, "?"
    for line in out.splitlines():
        if line.endswith(">:"):
            func = line.split("<", 1)[1][:-2]
            continue
        insn = line.split("\t", 2)[-1] if line.count("\t") >= 2 else ""
        if insn.startswith(A32_GENERIC_TIMER) and "cr14" in insn:
            found.setdefault(func, []).append(insn.strip())
    return found


def test_a32_timer_only_behind_the_check():
    """Every 32-bit module of ours reads the generic timer only in
    vnlm_clock_read(), which reaches it only when ID_PFR1 says the CPU has
    one: a CNTVCT read anywhere else oopses a Cortex-A9 (i.MX6)."""
    kos = sorted(glob.glob(os.path.join(board.BUILD, "lanes", "bookworm-armhf", "**", "*.ko"),
                           recursive=True))
    names = {os.path.basename(k) for k in kos}
    want = {"vnet-link-mirror.ko", "amp-peer-ctl.ko", "vnlm-test-netdev.ko"}
    if not want <= names:
        raise AssertionError(f"armhf lane modules missing ({sorted(want - names)}): make lanes")
    bad, seen = [], 0
    for ko in kos:
        for func, insns in a32_timer_reads(ko).items():
            seen += len(insns)
            if func != "vnlm_clock_read":
                bad.append(f"{os.path.basename(ko)}: {func}: {'; '.join(insns)}")
    if bad:
        raise AssertionError("generic timer read outside vnlm_clock_read():\n" + "\n".join(bad))
    if not seen:
        raise AssertionError("no CNTVCT read found at all: the disassembly was not understood")
    return f"{seen} CNTVCT read(s), all in vnlm_clock_read(), in {len(kos)} modules"


# Every lane `make lanes` built (scripts/build-lane.sh) was checked by
# sparse: each C file compiled has its CHECK line in the lane's log and the
# log has no warning (build-lane.sh fails on one; this proves the check ran,
# with which sparse: 7.x lanes need Debian testing's, scripts/fetch-sparse.sh).
def lane_sparse_report(log_text):
    compiled = {m for m in re.findall(r"^  CC \[M\] +(\S+)\.o$", log_text, re.M)
                if not m.endswith((".mod", ".module-common"))}
    checked = set(re.findall(r"^  CHECK +(\S+)\.c$", log_text, re.M))
    warnings = [l for l in log_text.splitlines()
                if ("warning:" in l or "error:" in l) and "Skipping BTF" not in l]
    return compiled, compiled - checked, warnings


def test_sparse_every_lane():
    lanes = sorted(os.path.basename(f)[:-len(".env")]
                   for f in glob.glob(os.path.join(board.CACHE, "kernels", "*.env")))
    if not lanes:
        raise AssertionError("no lane fetched (make lanes)")
    notes, bad = [], []
    for lane in lanes:
        log = os.path.join(board.BUILD, "lanes", lane, "build.log")
        if not os.path.exists(log):
            bad.append(f"{lane}: not built (no {log})")
            continue
        with open(log) as f:
            compiled, unchecked, warnings = lane_sparse_report(f.read())
        if not compiled or unchecked or warnings:
            bad.append(f"{lane}: {len(compiled)} compiled, unchecked {sorted(unchecked)}, "
                       f"warnings {warnings[:5]}")
        else:
            notes.append(f"{lane}: {len(compiled)} files")
    if bad:
        raise AssertionError("\n".join(bad))
    return "sparse checked every file: " + ", ".join(notes)


HOST_TESTS = [
    ("driver builds with W=1 and no warning", test_w1),
    ("driver builds with W=1 on 5.10 without CONFIG_PM_SLEEP, no warning", test_w1_no_pm_sleep),
    ("sparse (C=2) reports nothing", test_sparse),
    ("sparse (C=2) checked every file of every lane, no warning", test_sparse_every_lane),
    ("checkpatch --strict reports nothing", test_checkpatch),
    ("32-bit modules read the generic timer only behind the CPU's ID check",
     test_a32_timer_only_behind_the_check),
]

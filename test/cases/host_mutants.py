# SPDX-License-Identifier: GPL-2.0-only
"""The mutation lane (scripts/mutants) in make check: every mutant's text
still matches the driver exactly once, and a smoke of a few mutants shows
the machinery kills them.  Also the host unit test of the GICv3 SGI
packing, which the board cannot check (its RTOS core is MPIDR 2: Aff1,
Aff2, Aff3 and the range selector are always 0 there)."""

import os
import re
import subprocess
import sys
import tempfile

import board

RUNNER = os.path.join(board.TOP, "scripts", "mutants", "run.py")


def runner(*args, timeout):
    r = subprocess.run([sys.executable, RUNNER, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return r.returncode, r.stdout


def test_mutants_match():
    rc, out = runner("--check", timeout=60)
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if rc or "STALE" in out:
        raise AssertionError(f"mutant list out of step with driver/:\n{out[-3000:]}")
    return last


def test_mutants_smoke():
    rc, out = runner("--smoke", timeout=1800)
    lines = out.strip().splitlines()
    fates = [l for l in lines if l.split(" ", 1)[0] in ("killed", "SURVIVED", "ERROR", "STALE")]
    if rc or len(fates) < 3 or any(not l.startswith("killed") for l in fates):
        raise AssertionError(f"mutants --smoke exited {rc}:\n{out[-3000:]}")
    return "\n".join(fates + lines[-1:])


# ICC_SGI1R_EL1 as the Arm ARM lays it out (not the kernel's header, so the
# check is independent of the driver's use of it): TargetList [15:0], Aff1
# [23:16], INTID [27:24], Aff2 [39:32], IRM [40] (0), RS [47:44], Aff3 [55:48].
def sgi1r(mpidr, sgi):
    aff0, aff1 = mpidr & 0xff, (mpidr >> 8) & 0xff
    aff2, aff3 = (mpidr >> 16) & 0xff, (mpidr >> 32) & 0xff
    return ((1 << (aff0 % 16)) | aff1 << 16 | sgi << 24 | aff2 << 32 |
            (aff0 // 16) << 44 | aff3 << 48)


STUB_GIC = """/* host stub: the shifts of ICC_SGI1R_EL1 (Arm ARM) */
#define ICC_SGI1R_TARGET_LIST_SHIFT 0
#define ICC_SGI1R_AFFINITY_1_SHIFT 16
#define ICC_SGI1R_SGI_ID_SHIFT 24
#define ICC_SGI1R_AFFINITY_2_SHIFT 32
#define ICC_SGI1R_RS_SHIFT 44
#define ICC_SGI1R_AFFINITY_3_SHIFT 48
"""
MAIN = """#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i += 2)
		printf("%llx\\n", (unsigned long long)vnlm_gicv3_sgi_value(
			strtoull(argv[i], NULL, 0), strtoul(argv[i + 1], NULL, 0)));
	return 0;
}
"""
CASES = [(0x2, 8), (0x0, 0), (0xf, 15), (0x10, 3), (0x23, 9), (0x100, 1), (0x302, 5),
         (0x10000, 2), (0x20304, 7), (0x1_0000_0000, 4), (0xff_00ff_ffff, 15), (0x5_0102_0011, 12)]


def sgi_value_source():
    """The driver's vnlm_gicv3_sgi_value(), cut out of vnlm_sgi_gicv3.c: the
    rest of that file is kernel code (MMIO, system registers) a host cannot
    build, the packing is a pure function."""
    with open(os.path.join(board.TOP, "driver", "vnlm_sgi_gicv3.c")) as f:
        text = f.read()
    m = re.search(r"^u64 vnlm_gicv3_sgi_value\(.*?^}\n", text, re.S | re.M)
    if not m:
        raise AssertionError("no `u64 vnlm_gicv3_sgi_value(...)` in driver/vnlm_sgi_gicv3.c")
    return m.group(0)


def test_gicv3_packing():
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "t.c")
        with open(src, "w") as f:
            f.write(STUB_GIC + sgi_value_source() + MAIN)
        exe = os.path.join(d, "t")
        r = subprocess.run(["cc", "-std=gnu11", "-Wall", "-Werror",
                            "-include", os.path.join(board.TOP, "tools", "host-compat.h"),
                            "-o", exe, src],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode:
            raise AssertionError(f"host build of vnlm_sgi_gicv3.c failed:\n{r.stdout}")
        args = [str(a) for c in CASES for a in c]
        got = subprocess.run([exe, *args], stdout=subprocess.PIPE, text=True,
                             check=True).stdout.split()
    bad = [f"MPIDR {m:#x} SGI {s}: {int(g, 16):#x}, expected {sgi1r(m, s):#x}"
           for (m, s), g in zip(CASES, got) if int(g, 16) != sgi1r(m, s)]
    if bad or len(got) != len(CASES):
        raise AssertionError("vnlm_gicv3_sgi_value:\n" + "\n".join(bad or got))
    return f"{len(CASES)} MPIDR/SGI pairs packed as the Arm ARM lays out ICC_SGI1R_EL1"


HOST_TESTS = [
    ("mutants: GICv3 ICC_SGI1R packing", test_gicv3_packing),
    ("mutants: every mutant's text matches driver/ once", test_mutants_match),
    ("mutants: smoke of the lane (a few mutants killed)", test_mutants_smoke),
]

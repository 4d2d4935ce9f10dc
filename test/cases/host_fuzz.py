# SPDX-License-Identifier: GPL-2.0-only
"""libFuzzer on the shared validation code (driver/vnlm_rules.c) and the
DTB walk around it, seeded with every DTB this repo builds.  Bounded in
make check (FUZZ_SECONDS, 30 by default); make fuzz runs it longer."""

import glob
import os
import shutil
import subprocess

import board
import host_dt

FUZZER = os.path.join(board.BUILD, "fuzz-dtb")
CORPUS = os.path.join(board.BUILD, "fuzz-corpus")


def test_fuzz():
    seconds = int(os.environ.get("FUZZ_SECONDS", "30"))
    os.makedirs(CORPUS, exist_ok=True)
    seeds = host_dt.board_dtbs() + glob.glob(os.path.join(board.BUILD, "check", "**", "*.dtb"),
                                             recursive=True)
    seeds = [s for s in seeds if os.path.isfile(s)]
    for dtb in seeds:
        shutil.copy(dtb, os.path.join(CORPUS, "seed-" + os.path.basename(dtb)))
    artifacts = os.path.join(board.BUILD, "fuzz-artifacts") + "/"
    os.makedirs(artifacts, exist_ok=True)
    r = subprocess.run([FUZZER, f"-max_total_time={seconds}", "-timeout=10",
                        "-rss_limit_mb=2048", f"-artifact_prefix={artifacts}", "-print_final_stats=1",
                        CORPUS], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stats = [l for l in r.stdout.splitlines() if l.startswith("stat::number_of_executed_units")
             or l.startswith("Done ")]
    if r.returncode != 0:
        raise AssertionError("fuzzer found a crash (reproducer in build/fuzz-artifacts):\n" +
                             "\n".join(r.stdout.splitlines()[-40:]))
    return f"{seconds}s, {len(seeds)} seed DTBs: " + "; ".join(stats)


HOST_TESTS = [("fuzz: shared validation code under ASan/UBSan", test_fuzz)]

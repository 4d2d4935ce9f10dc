# SPDX-License-Identifier: GPL-2.0-only
"""KUnit tests of the driver's pure logic (driver/vnlm_kunit.c), built from
the in-tree series into the debug kernel both ways: built in with the
driver built in (KUnit's executor runs them at boot), and as the module
vnet-link-mirror-kunit beside the driver module (they run when it loads,
calling the driver through its EXPORTED_FOR_KUNIT_TESTING exports)."""

import os
import re

import board
from suite import Suite, driver_builtin, expect

SUMMARY = re.compile(r"# vnet_link_mirror: pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)")


def cases_in_source():
    with open(os.path.join(board.TOP, "driver", "vnlm_kunit.c")) as f:
        return len(re.findall(r"^\s*KUNIT_CASE\(", f.read(), re.M))


def judge(log):
    m = SUMMARY.search(log)
    expect(m, f"no KUnit summary in dmesg:\n{log}")
    passed, failed, skipped, total = map(int, m.groups())
    want = cases_in_source()
    expect(failed == 0 and skipped == 0 and passed == total and total == want,
           f"KUnit: {m.group(0)} ({want} cases in driver/vnlm_kunit.c)\n{log}")
    return m.group(0)


def test_kunit_builtin(g):
    expect(driver_builtin(g), "the debug kernel should have the driver built in")
    expect(g.sh("grep -q '^vnet_link_mirror_kunit ' /proc/modules", check=False)[0] != 0,
           "the KUnit suite should be built in, not a module")
    return judge(g.out("dmesg | grep -E '(# |ok |not ok )' || true"))


def test_kunit_modules(g):
    expect(not driver_builtin(g), "this kernel should have the driver as a module")
    expect(SUMMARY.search(g.out("dmesg")) is None, "KUnit ran before the module was loaded")
    g.sh("insmod /lib/modules/vnlm/vnet-link-mirror.ko")
    g.sh("insmod /lib/modules/vnlm/vnet-link-mirror-kunit.ko")
    expect(g.sh("grep -q '^vnet_link_mirror_kunit ' /proc/modules", check=False)[0] == 0,
           "vnet-link-mirror-kunit is not loaded")
    return judge(g.out("dmesg | grep -E '(# |ok |not ok )' || true"))


SUITES = [
    Suite("kunit", [("KUnit built in: state and validation rules", test_kunit_builtin)],
          gics=(3,), flavours=("debug",)),
    Suite("kunit-modules", [("KUnit as modules: state and validation rules", test_kunit_modules)],
          gics=(3,), flavours=("debug-modular",)),
]

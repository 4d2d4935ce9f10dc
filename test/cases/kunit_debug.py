# SPDX-License-Identifier: GPL-2.0-only
"""KUnit tests of the driver's pure logic (driver/vnlm_kunit.c), linked into
the driver: in the debug kernel the driver is built in (in-tree, =y), so
KUnit's executor ran them at boot."""

import re

from suite import Suite, driver_builtin, expect


def test_kunit(g):
    expect(driver_builtin(g), "the debug kernel should have the driver built in")
    log = g.out("dmesg | grep -E '(# |ok |not ok )' || true")
    m = re.search(r"# vnet_link_mirror: pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)", log)
    expect(m, f"no KUnit summary in dmesg:\n{log}")
    passed, failed, skipped, total = map(int, m.groups())
    expect(failed == 0 and skipped == 0 and passed == total and total >= 6,
           f"KUnit: {m.group(0)}\n{log}")
    return m.group(0)


SUITES = [Suite("kunit", [("KUnit: state and validation rules", test_kunit)],
                gics=(3,), flavours=("debug",))]

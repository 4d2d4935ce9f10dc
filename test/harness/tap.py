# SPDX-License-Identifier: GPL-2.0-only
"""A small TAP producer that ends with the `N passed, N failed` line CI reads."""

import sys
import time
import traceback


class Skip(Exception):
    """Raised by a test that cannot run in this configuration; the reason
    is printed with a TAP SKIP directive."""


class Tap:
    def __init__(self, out=sys.stdout):
        self.out = out
        self.n = 0
        self.failed = 0
        self.failures = []
        self.skipped = 0
        print("TAP version 13", file=out, flush=True)

    def result(self, name, ok, diag=""):
        self.n += 1
        if not ok:
            self.failed += 1
            self.failures.append(name)
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}", file=self.out)
        for line in str(diag).rstrip().splitlines():
            print(f"#   {line}", file=self.out)
        self.out.flush()

    def run(self, name, fn, *args):
        """Run fn(*args); a raised exception is a failure, a return is a pass."""
        t0 = time.monotonic()
        try:
            note = fn(*args)
        except Skip as why:
            self.n += 1
            self.skipped += 1
            print(f"ok {self.n} - {name} # SKIP {why}", file=self.out, flush=True)
            return True
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            diag = "".join(traceback.format_exception_only(type(exc), exc))
            self.result(name, False, diag)
            return False
        self.result(f"{name} ({time.monotonic() - t0:.1f}s)", True, note or "")
        return True

    def comment(self, text):
        for line in text.splitlines():
            print(f"# {line}", file=self.out, flush=True)

    def finish(self):
        print(f"1..{self.n}", file=self.out)
        if self.skipped:
            print(f"# {self.skipped} skipped (counted as passed, reasons above)", file=self.out)
        print(f"{self.n - self.failed} passed, {self.failed} failed", file=self.out, flush=True)
        return 1 if self.failed else 0

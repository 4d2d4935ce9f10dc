# SPDX-License-Identifier: GPL-2.0-only
"""The frontend glue (include/vnet-link-mirror/frontend.h) on the host: a
region written as the driver writes it, the glue polled, the callbacks it
makes compared with what the header promises (test/host/frontend_trace.c).
The lwip-frontend suite runs the same glue under lwIP on the board."""

import os
import subprocess

import board

TOP = board.TOP
SRC = os.path.join(TOP, "test", "host", "frontend_trace.c")
EXE = os.path.join(board.BUILD, "check", "frontend-trace")

UP, ANN = 1, 2
UNKNOWN_SPEED, UNKNOWN_DUPLEX = 0xFFFFFFFF, 0xFF


def build():
    os.makedirs(os.path.dirname(EXE), exist_ok=True)
    r = subprocess.run(["gcc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror",
                        "-I", os.path.join(TOP, "include"), "-o", EXE, SRC],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        raise AssertionError(f"frontend_trace.c does not build:\n{r.stdout[-2000:]}")


def trace(*steps):
    r = subprocess.run([EXE, *steps], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=30)
    if r.returncode:
        raise AssertionError(f"frontend-trace {' '.join(steps)}: exit {r.returncode}\n{r.stdout}")
    return r.stdout.splitlines()


def w(seq, status, mtu=1500, speed=None, duplex=None):
    if speed is None:
        speed = 1000 if status & UP else UNKNOWN_SPEED
    if duplex is None:
        duplex = 1 if status & UP else UNKNOWN_DUPLEX
    return f"w,{seq},{status},{mtu},{speed},{duplex}"


def expect_trace(steps, want, what):
    got = trace(*steps)
    if got != want:
        raise AssertionError(f"{what}:\n  steps {steps}\n  got  {got}\n  want {want}")


def test_frontend_events():
    """Link up/down, MTU (unknown kept), settings while up, and ANNOUNCE
    once per raise: not again for a doorbell that finds it still set (an
    MTU change during the hold, a doorbell with nothing new), again for a
    new raise while up (with_link_up 0)."""
    build()
    steps = ["p",                                   # not initialised: -1
             w(2, 0), "p",                          # MTU learnt, link down
             w(4, UP | ANN), "p",                   # up, then the raise
             "p",                                   # same generation: nothing
             w(6, UP | ANN, mtu=1400), "p",         # held: MTU only
             w(8, UP, mtu=1400), "p",               # cleared: nothing
             w(10, UP | ANN, mtu=1400), "p",        # raised while up
             w(12, 0, mtu=0), "p",                  # down, MTU unknown: kept
             w(14, UP, mtu=0, speed=100, duplex=0), "p",
             w(16, UP, mtu=1500, speed=10, duplex=0), "p"]
    want = ["poll -1",
            "mtu 1500", "poll 17",
            "up 1000 1", "announce 1", "poll 35",
            "poll 0",
            "mtu 1400", "poll 17",
            "poll 1",
            "announce 0", "poll 33",
            "down", "poll 5",
            "up 100 0", "poll 3",
            "mtu 1500", "settings 10 0", "poll 25",
            "failed 0 announces 2"]
    expect_trace(steps, want, "event sequence")
    return f"{len(steps)} steps, {len(want)} trace lines as promised"


def test_frontend_first_poll_and_torn():
    """The first poll compares with "down, MTU unknown, ANNOUNCE clear": a
    link found up is reported up and a set ANNOUNCE is a raise; a generation
    left odd (every attempt torn) gives -2, counts a failed read and calls
    nothing, and the next good generation is acted on."""
    build()
    expect_trace([w(8, UP | ANN), "p"], ["mtu 1500", "up 1000 1", "announce 1", "poll 51",
                                         "failed 0 announces 1"], "first poll")
    expect_trace([w(2, 0), "p", w(3, UP), "p", w(4, UP), "p"],
                 ["mtu 1500", "poll 17", "poll -2", "up 1000 1", "poll 3",
                  "failed 1 announces 0"], "torn")
    return "first poll and torn generation as promised"


HOST_TESTS = [
    ("frontend glue: link, MTU, settings, ANNOUNCE once per raise", test_frontend_events),
    ("frontend glue: first poll, torn generation", test_frontend_first_poll_and_torn),
]

# SPDX-License-Identifier: GPL-2.0-only
"""The mailbox doorbell: an instance rings the RTOS peer through a channel of
a real mailbox-framework controller (test/kmod/vnlm_test_mbox.c: the
message word into the peer's mailbox cell n, then SGI n).  Every outcome is
asserted on what the peer read: the config and the message word."""

import re
import time

import board
from suite import (Suite, check_dmesg, expect, head, load_driver, quiet_for, records_since,
                   sysfs, wait_view)

NODE = "vnlm-mbox-mirror"
SGI = 8
SLOT = 0
UP = 0x1
MBOX_TX_QUEUE_LEN = 20  # include/linux/mailbox_controller.h, 5.10 to 6.12
MODE = "/sys/module/vnlm_test_mbox/parameters/mode"
TXDONE = "/sys/module/vnlm_test_mbox/parameters/txdone"
PARAMS = "/sys/module/vnlm_test_mbox/parameters"
SLOW_MS = 100  # the test controller's slow_ms: send_data to doorbell
FLUSH_MS = 500  # VNLM_DOORBELL_FLUSH_MS: the longest wait for the last doorbell
CTRL_DRV = "/sys/bus/platform/drivers/vnlm-test-mbox"
DRV = "/sys/bus/platform/drivers/vnet-link-mirror"


# A node with a mailbox channel and an SGI too: which doorbell is meant?
BOTH = "vnlm-mbox-and-sgi"
CTRL = "vnlm-test-mailbox"  # the test controller's node (board.TEST_MAILBOX)

# Message formats: more test controllers, each with a real driver's
# compatible second (the driver picks the format by it; the test controller
# reads the message as that driver does), an instance on each, on an uplink
# of their own and notify-disabled until the test: nothing of theirs rings
# while the other tests count doorbells.  name: (compatible, slot, SGI)
FORMATS = {
    "zynqmp-ipi": ("xlnx,zynqmp-ipi-dest-mailbox", 2, 10),
    "omap": ("ti,omap4-mailbox", 3, 11),
}
FMT_UPLINK = "fmt0"


def fmt_ctrl(name):
    return f"vnlm-fmt-{name}-mbox"


def fmt_node(name):
    return f"vnlm-fmt-{name}"


def overlay():
    ctrls = "".join(f"""
	vnlm_fmt_{n.replace('-', '_')}: {fmt_ctrl(n)} {{
		compatible = "vnlm-test,sgi-mailbox", "{compat}";
		#mbox-cells = <1>;
	}};""" for n, (compat, _, _) in FORMATS.items())
    return board.mirror_overlay([
        dict(name=NODE, slot=SLOT, mbox=SGI, uplink="dummy0", target=None),
        dict(name=BOTH, slot=SLOT + 1, mbox=SGI + 1, sgi=SGI + 1, uplink="dummy0", target=None),
    ] + [dict(name=fmt_node(n), slot=slot, uplink=FMT_UPLINK, target=None, disabled=True,
              raw=[f"mboxes = <&vnlm_fmt_{n.replace('-', '_')} {sgi}>;",
                   'mbox-names = "doorbell";'])
         for n, (_, slot, sgi) in FORMATS.items()],
        extra_nodes=ctrls, test_mailbox=True)


def stat(g, name):
    return int(sysfs(g, NODE, name))


def wait_stat(g, name, pred, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        v = stat(g, name)
        if pred(v):
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} stayed {v}")
        time.sleep(0.05)


def wait_bound(g, bound, timeout=15.0):
    deadline = time.monotonic() + timeout
    while (g.sh(f"test -e {DRV}/{NODE}", check=False)[0] == 0) != bound:
        if time.monotonic() > deadline:
            raise AssertionError(f"{NODE} {'never bound' if bound else 'still bound'}")
        time.sleep(0.1)


def last_msg(g, mark):
    recs = [r for r in records_since(g, mark) if r.intid == SGI]
    expect(recs, "the peer took no mailbox doorbell")
    return recs[-1]


def setup(g, suite):
    g.start_peer(suite.nslots)
    g.sh("load-nic")
    return g.out("ip link show dummy0")


def test_probe_defers(g):
    before = g.peer.header().doorbells
    load_driver(g)
    deadline = time.monotonic() + 10
    while NODE not in g.out("cat /sys/kernel/debug/devices_deferred"):
        expect(time.monotonic() < deadline, "instance not on the deferred list without its controller")
        time.sleep(0.1)
    expect(g.sh(f"test -e {DRV}/{NODE}", check=False)[0] != 0, "bound without its controller")
    expect(g.peer.header().doorbells == before, "a doorbell arrived with no controller")
    mark = head(g)
    g.sh("insmod /lib/modules/vnlm/vnlm-test-mbox.ko")
    wait_bound(g, True)
    v = wait_view(g, SLOT, lambda v: True, what="first doorbell after the controller came")
    r = last_msg(g, mark)
    expect(r.msg == stat(g, "doorbells"),
           f"peer read word {r.msg}, driver rang {stat(g, 'doorbells')} doorbells")
    expect(sysfs(g, NODE, "doorbell").startswith("mailbox "), sysfs(g, NODE, "doorbell"))
    return f"deferred, then bound; peer read seq {v.seq} word {r.msg}"


def test_delivery(g):
    mark = head(g)
    g.sh("ip link set dummy0 up")
    v = wait_view(g, SLOT, lambda v: v.status & UP and v.mtu == 1500, what="dummy0 up")
    n = stat(g, "doorbells")
    r = last_msg(g, mark)
    expect(r.msg == n and r.slot == SLOT and r.status & UP,
           f"peer record {r}, driver rang {n}")
    wait_stat(g, "doorbell_done", lambda d: d == n)
    expect(stat(g, "doorbell_busy") == 0 and stat(g, "doorbell_timeouts") == 0,
           "busy/timeouts counted on an idle channel")
    return f"status {v.status:#x} mtu {v.mtu}, word {r.msg}, done {n}"


def test_busy_then_drains(g):
    busy0, done0 = stat(g, "doorbell_busy"), stat(g, "doorbell_done")
    peer0 = g.peer.header().doorbells
    g.sh(f"echo refuse > {MODE}")
    g.sh("for m in 1401 1402 1403; do ip link set dummy0 mtu $m; done")
    expect(stat(g, "doorbell_busy") == busy0 + 2, f"3 refused rings: busy {stat(g, 'doorbell_busy') - busy0}")
    expect(quiet_for(g, 0.5) == 0 and g.peer.header().doorbells == peer0,
           "the peer took a doorbell the controller refused")
    g.sh(f"echo ok > {MODE}")
    mark = head(g)
    g.sh("ip link set dummy0 mtu 1404")
    wait_view(g, SLOT, lambda v: v.mtu == 1404, what="mtu 1404 after the controller took again")
    n = stat(g, "doorbells")
    wait_stat(g, "doorbell_done", lambda d: d == done0 + 4)
    g.wait_peer(lambda p: last_msg(g, mark).msg == n, 5, "last word")
    words = [r.msg for r in records_since(g, mark) if r.intid == SGI]
    expect(words[-4:] == [n - 3, n - 2, n - 1, n], f"queued words in order: {words}")
    return f"busy +2, then 4 delivered in order: {words[-4:]}"


def test_timeout(g):
    t0 = stat(g, "doorbell_timeouts")
    peer0 = g.peer.header().doorbells
    g.sh(f"echo stall > {MODE}")
    g.sh("ip link set dummy0 mtu 1300")
    wait_stat(g, "doorbell_timeouts", lambda t: t == t0 + 1, timeout=5)
    # A ring queued behind the stall re-arms the check: still one stall,
    # counted once (1 s is ten of the driver's 100 ms checks).
    g.sh("ip link set dummy0 mtu 1301")
    expect(quiet_for(g, 1.0) == 0 and g.peer.header().doorbells == peer0,
           "a stalled controller delivered")
    t = stat(g, "doorbell_timeouts")
    expect(t == t0 + 1, f"one stall counted {t - t0} times")
    expect(g.peer.view(SLOT).mtu == 1404, "peer read mtu without a doorbell")
    mark = head(g)
    g.sh(f"echo ok > {MODE}")
    wait_view(g, SLOT, lambda v: v.mtu == 1301, what="mtu 1301 once the stall ended")
    # both queued doorbells are delivered, the last with the newest word
    n = stat(g, "doorbells")
    wait_stat(g, "doorbell_done", lambda d: d == n)
    g.wait_peer(lambda p: last_msg(g, mark).msg == n, 5, "the last word after the stall")
    return f"timeouts +1 for one stall of 2 doorbells; after it the peer read word {n}"


def test_queue_full_rtnl_free(g):
    full0, peer0 = stat(g, "doorbell_full"), g.peer.header().doorbells
    g.sh(f"echo refuse > {MODE}")
    rings = MBOX_TX_QUEUE_LEN + 5
    t = time.monotonic()
    g.sh(f"m=1000; while [ $m -lt {1000 + rings} ]; do ip link set dummy0 mtu $m; "
         "m=$((m+1)); done")
    took = time.monotonic() - t
    full = stat(g, "doorbell_full") - full0
    expect(full == 5, f"{rings} rings on a refusing controller: {full} full, expected 5")
    expect(g.peer.header().doorbells == peer0, "peer took a refused doorbell")
    # A full ring never reaches the framework, whose -ENOBUFS path logs an
    # error each time (under RTNL, on a serial console milliseconds each).
    spam = g.out("dmesg | grep -c 'Try increasing MBOX_TX_QUEUE_LEN' || true")
    expect(spam == "0", f"the framework logged a full queue {spam} times")
    # The framework retries a refused send only when a message is queued,
    # and a full queue takes none: only a rebind of the instance (which
    # frees the channel and its queue) gets it ringing again.
    g.sh(f"echo ok > {MODE}")
    g.sh(f"echo {NODE} > {DRV}/unbind; echo {NODE} > {DRV}/bind")
    v = wait_view(g, SLOT, lambda v: v.mtu == 1000 + rings - 1 and v.status & UP,
                  what="the newest config after the rebind")
    return f"{rings} rings in {took:.1f}s under RTNL, {full} full; rebind: mtu {v.mtu}"


def test_both_doorbells_refused(g):
    """mboxes with linux,doorbell-sgi: that node alone fails, naming mboxes;
    the good one stays bound and rings."""
    log = g.out("dmesg | grep vnet-link-mirror")
    lines = [l for l in log.splitlines()
             if f"/{BOTH}: mboxes" in l and "cannot go with" in l]
    expect(lines, f"no message naming /{BOTH} and mboxes:\n{log[-1500:]}")
    bound = g.sh(f"test -e {DRV}/{BOTH}", check=False)[0] == 0
    expect(not bound, f"{BOTH} is bound")
    expect(g.sh(f"test -e {DRV}/{NODE}", check=False)[0] == 0, f"{NODE} is not bound")
    return lines[-1].split("] ", 1)[-1]


def test_controller_vanishes(g):
    wait_view(g, SLOT, lambda v: v.status & UP, what="link up before")
    mark = head(g)
    g.sh("dmesg -c > /dev/null")
    ctrl = controller(g)
    g.sh(f"echo {ctrl} > {CTRL_DRV}/unbind")
    wait_bound(g, False)
    v = wait_view(g, SLOT, lambda v: not v.status & UP, what="link down when the controller went")
    r = last_msg(g, mark)
    expect(not r.status & UP and r.msg, f"the last doorbell: {r}")
    log = g.out("dmesg")
    expect("RTOS told link down" in log, f"no message says so:\n{log}")
    g.sh(f"echo {ctrl} > {CTRL_DRV}/bind")
    return f"peer read link down with word {r.msg}"


def controller(g):
    return g.out(f"ls {CTRL_DRV} | grep -x {CTRL}")


def rebind_controller(g, txdone):
    """The test controller bound again with TX done by @txdone (poll, ack),
    and the instance bound again on it."""
    ctrl = controller(g)
    g.sh(f"echo {ctrl} > {CTRL_DRV}/unbind")
    wait_bound(g, False)
    g.sh(f"echo {txdone} > {TXDONE}")
    g.sh("dmesg -c > /dev/null")
    g.sh(f"echo {ctrl} > {CTRL_DRV}/bind")
    # a consumer unbound through its device link is not probed again by
    # itself on every kernel: bind it (harmless when deferred probe did)
    g.sh(f"test -e {DRV}/{NODE} || echo {NODE} > {DRV}/bind", check=False)
    wait_bound(g, True)
    log = g.out("dmesg")
    expect(f"TX done by {txdone}" in log, f"controller not in {txdone} mode:\n{log[-1500:]}")


def ring_each(g, mtus):
    """One ring per MTU, each waited for: the peer must take every one, and
    read the word the driver rang it with."""
    words = []
    for mtu in mtus:
        mark = head(g)
        g.sh(f"ip link set dummy0 mtu {mtu}")
        wait_view(g, SLOT, lambda v, m=mtu: v.mtu == m, timeout=5,
                  what=f"mtu {mtu}: the doorbell for it")
        n = stat(g, "doorbells")
        g.wait_peer(lambda p: last_msg(g, mark).msg == n, 5, f"word {n}")
        words.append(n)
    return words


def test_ack_mode(g):
    """A controller with neither TX-done IRQ nor poll (TXDONE_BY_ACK): the
    client acknowledges each send, or the first message never completes and
    the second doorbell never reaches the peer."""
    rebind_controller(g, "ack")
    words = ring_each(g, (1500, 1501, 1502))
    n = stat(g, "doorbells")
    done = stat(g, "doorbell_done")
    expect(done == n, f"ack mode: {n} doorbells rung, {done} done")
    expect(stat(g, "doorbell_busy") == 0 and stat(g, "doorbell_timeouts") == 0,
           f"ack mode: busy {stat(g, 'doorbell_busy')} timeouts {stat(g, 'doorbell_timeouts')}")
    # Unbound and bound again on the same ACK channel (the framework turns
    # a freed ACK channel's method into POLL): link down reaches the peer
    # with its doorbell, and the new binding acknowledges too.
    mark = head(g)
    g.sh(f"echo {NODE} > {DRV}/unbind")
    g.wait_peer(lambda p: [r for r in records_since(g, mark)
                           if r.intid == SGI and r.msg == n + 1], 5,
                "the link-down doorbell at unbind")
    r = last_msg(g, mark)
    expect(r.msg == n + 1 and not r.status & UP, f"unbind: the peer read {r}")
    g.sh(f"echo {NODE} > {DRV}/bind")
    wait_bound(g, True)
    again = ring_each(g, (1503, 1504))
    expect(stat(g, "doorbell_done") == stat(g, "doorbells"),
           f"after rebind: {stat(g, 'doorbells')} rung, {stat(g, 'doorbell_done')} done")
    rebind_controller(g, "poll")
    return (f"ack mode: words {words} each read by the peer, {done}/{n} done; "
            f"unbind word {r.msg} status {r.status:#x}; after rebind {again}")


def words_since(g, mark):
    return [r for r in records_since(g, mark) if r.intid == SGI]


def wait_word(g, mark, word, what):
    return g.wait_peer(lambda p: [r for r in words_since(g, mark) if r.msg == word],
                       5, what)[-1]


def test_last_doorbell_remove(g):
    """Behind a slow controller (each doorbell SLOW_MS after its send), an
    MTU change and then unbind: the "link down" doorbell is queued behind
    the MTU's when remove frees the channel.  The peer must take both, the
    last reading link down."""
    bind_if_unbound(g)
    g.sh(f"echo {SLOW_MS} > {PARAMS}/slow_ms; echo slow > {MODE}")
    n = stat(g, "doorbells")
    mark = head(g)
    g.sh("dmesg -c > /dev/null")
    t = time.monotonic()
    g.sh(f"ip link set dummy0 mtu 1600 && echo {NODE} > {DRV}/unbind")
    took = time.monotonic() - t
    r = wait_word(g, mark, n + 2, f"word {n + 2}: the link-down doorbell at unbind")
    words = [x.msg for x in words_since(g, mark)]
    expect(words == [n + 1, n + 2], f"the peer took words {words}, expected {[n + 1, n + 2]}")
    expect(not r.status & UP, f"the last doorbell read {r}")
    log = g.out("dmesg")
    m = re.search(r"RTOS told link down \(last doorbell busy, delivered after (\d+) ms\)", log)
    expect(m, f"remove does not say the last doorbell was delivered:\n{log[-1500:]}")
    # the wait ends with the last TX done, not at its bound
    waited = int(m.group(1))
    expect(waited < FLUSH_MS, f"remove waited {waited} ms for 2 doorbells of {SLOW_MS} ms")
    g.sh(f"echo ok > {MODE}")
    bind_if_unbound(g)
    return (f"mtu + unbind behind a {SLOW_MS} ms controller: peer took words {words}, "
            f"the last status {r.status:#x}; remove waited {waited} ms, unbind returned "
            f"in {took:.2f} s")


def test_last_doorbell_bounded(g):
    """A stalled controller never reports the last doorbell done: remove
    waits FLUSH_MS, no longer, says so, and goes."""
    bind_if_unbound(g)
    g.sh(f"echo stall > {MODE}")
    g.sh("dmesg -c > /dev/null")
    t = time.monotonic()
    g.sh(f"echo {NODE} > {DRV}/unbind")
    took = time.monotonic() - t
    log = g.out("dmesg")
    expect(f"1 undelivered after {FLUSH_MS} ms, dropped" in log,
           f"no warning of the undelivered doorbell:\n{log[-1500:]}")
    expect("(last doorbell sent, undelivered after" in log, f"remove does not say so:\n{log[-1500:]}")
    expect(FLUSH_MS / 1000 <= took < FLUSH_MS / 1000 + 1.5,
           f"unbind on a stalled controller took {took:.2f} s (bound {FLUSH_MS} ms)")
    g.sh(f"echo ok > {MODE}")
    bind_if_unbound(g)
    wait_view(g, SLOT, lambda v: v.status & UP, what="link up again after the rebind")
    return f"stalled: unbind returned in {took:.2f} s, 1 doorbell dropped with a warning"


def test_last_doorbell_suspend(g):
    """s2idle behind a slow controller that drops what it has not sent when
    it suspends (after us: we are its consumer): the suspend's "link down"
    doorbell must reach the peer before the controller suspends."""
    bind_if_unbound(g)
    wait_view(g, SLOT, lambda v: v.status & UP, what="link up before suspend")
    g.sh(f"echo {SLOW_MS} > {PARAMS}/slow_ms; echo slow > {MODE}")
    dropped0 = int(g.out(f"cat {PARAMS}/dropped"))
    n = stat(g, "doorbells")
    mark = head(g)
    g.sh("echo 0 > /sys/class/rtc/rtc0/wakealarm; echo +2 > /sys/class/rtc/rtc0/wakealarm")
    g.sh("echo freeze > /sys/power/state", timeout=120)
    r = wait_word(g, mark, n + 2, f"word {n + 2}: the doorbell at resume")
    recs = words_since(g, mark)
    words = [x.msg for x in recs]
    expect(words[:1] == [n + 1] and not recs[0].status & UP,
           f"the peer took {[(x.msg, hex(x.status)) for x in recs]}: the suspend's link-down "
           f"doorbell (word {n + 1}) was not first")
    dropped = int(g.out(f"cat {PARAMS}/dropped")) - dropped0
    expect(dropped == 0, f"the controller dropped {dropped} doorbells at its suspend")
    expect(r.status & UP, f"resume: {r}")
    g.sh(f"echo ok > {MODE}")
    return f"suspend: peer took words {words}, first {recs[0].status:#x}; controller dropped {dropped}"


def bind_if_unbound(g):
    g.sh(f"test -e {DRV}/{NODE} || echo {NODE} > {DRV}/bind", check=False)
    wait_bound(g, True)


def test_formats(g):
    """Each controller gets the message its Linux driver reads: the peer
    reads the doorbell count in the cell for each format (the old driver's
    bare word pointer is a ZynqMP length, and an omap FIFO word of the
    pointer's low 32 bits)."""
    out = []
    g.sh(f"ip link add {FMT_UPLINK} type dummy")
    for name, (compat, slot, sgi) in FORMATS.items():
        node = fmt_node(name)
        mark = head(g)
        g.sh(f"echo 1 > /sys/bus/platform/devices/{node}/enabled")
        g.sh(f"ip link set {FMT_UPLINK} up")
        wait_view(g, slot, lambda v: v.status & UP, what=f"{name}: {FMT_UPLINK} up")
        g.sh(f"ip link set {FMT_UPLINK} mtu 1400")
        wait_view(g, slot, lambda v: v.mtu == 1400, what=f"{name}: mtu 1400")
        n = int(sysfs(g, node, "doorbells"))
        g.wait_peer(lambda p: [r for r in records_since(g, mark)
                               if r.intid == sgi and r.msg == n], 5,
                    f"{name}: word {n}")
        words = [r.msg for r in records_since(g, mark) if r.intid == sgi and r.slot == slot]
        expect(words == list(range(n - len(words) + 1, n + 1)) and len(words) >= 2,
               f"{name} ({compat}): the peer read words {[hex(w) for w in words]}, "
               f"the driver rang up to {n}")
        done = int(sysfs(g, node, "doorbell_done"))
        expect(done == n, f"{name}: {n} rung, {done} done")
        g.sh(f"ip link set {FMT_UPLINK} down; echo 0 > /sys/bus/platform/devices/{node}/enabled")
        g.sh(f"ip link set {FMT_UPLINK} mtu 1500")
        out.append(f"{name} ({compat}): words {words}, {done} done")
    return "; ".join(out)


TESTS = [
    ("probe defers until the mailbox controller registers", test_probe_defers),
    ("a node with a mailbox and an SGI fails alone, naming mboxes",
     test_both_doorbells_refused),
    ("delivery: the peer reads the config and the message word", test_delivery),
    ("busy controller: counted, queued, delivered in order when it takes again",
     test_busy_then_drains),
    ("stalled controller: tx timeout counted once, delivered when it resumes",
     test_timeout),
    ("queue full: counted, RTNL never blocked, rebind recovers", test_queue_full_rtnl_free),
    ("controller unbound: the instance goes with the peer told link down",
     test_controller_vanishes),
    ("ACK-mode controller: the client acknowledges, every doorbell reaches the peer",
     test_ack_mode),
    ("last doorbell: remove behind a slow controller, the peer takes link down",
     test_last_doorbell_remove),
    ("last doorbell: remove on a stalled controller waits a bounded time",
     test_last_doorbell_bounded),
    ("last doorbell: suspend behind a slow controller, the peer takes link down",
     test_last_doorbell_suspend),
    ("message formats: the peer reads the word through each controller's format",
     test_formats),
]

def shutdown_setup(g, suite):
    g.start_peer(suite.nslots)
    g.sh("load-nic")
    how = load_driver(g)
    g.sh("insmod /lib/modules/vnlm/vnlm-test-mbox.ko")
    wait_bound(g, True)
    g.sh("ip link set dummy0 up")
    wait_view(g, SLOT, lambda v: v.status & UP, what="dummy0 up")
    return how


def test_last_doorbell_poweroff(g):
    """poweroff -f behind a slow controller, an MTU change queued just
    before: .shutdown must not let the board go before the "link down"
    doorbell is out (the test controller's delivery is a work item that a
    powered-off machine never runs)."""
    g.sh(f"echo {SLOW_MS} > {PARAMS}/slow_ms; echo slow > {MODE}")
    n = stat(g, "doorbells")
    mark = head(g)
    g.send("ip link set dummy0 mtu 1600 && poweroff -f")
    rc = g.wait_exit(timeout=120)
    recs = words_since(g, mark)
    words = [r.msg for r in recs]
    expect(words == [n + 1, n + 2] and not recs[-1].status & UP,
           f"after poweroff the peer had taken {[(r.msg, hex(r.status)) for r in recs]}; "
           f"expected words {[n + 1, n + 2]}, the last link down")
    return f"QEMU exited {rc}; the peer took words {words}, the last status {recs[-1].status:#x}"


# Both GICs on the default kernel; GICv3 alone on the other kernels, where
# what differs is the mailbox framework and the driver core, not the GIC.
# On Debian's 6.1 the board boots with fw_devlink=permissive, as 5.10 does
# by default: no link is made from the `mboxes` phandle, so the driver's
# own device link is what unbinds the instance before its controller goes
# (6.12 runs the suite with fw_devlink=on, its default).
SUITES = [
    Suite("mailbox-doorbell", TESTS, overlay=overlay(), nslots=4, setup=setup,
          flavours=("debian",), append="fw_devlink=permissive"),
    # .shutdown ends the board: a boot of its own, one GIC.
    Suite("mailbox-doorbell-poweroff", [
        ("no kernel warnings, oops or refcount reports", check_dmesg),
        ("last doorbell: poweroff -f behind a slow controller, the peer takes link down",
         test_last_doorbell_poweroff),
    ], overlay=overlay(), nslots=4, setup=shutdown_setup, gics=(3,), flavours=("debian",),
        closing_checks=False),
    Suite("mailbox-doorbell", TESTS, overlay=overlay(), nslots=4, setup=setup, gics=(3,),
          flavours=("bullseye", "backports", "armhf")),
    # The newest Debian kernel (7.3 on 2026-12-05) on both GICs, with its
    # default fw_devlink=on: 7.x holds the netdev instance lock of ops-locked
    # uplinks around the notifiers that ring the mailbox doorbell.
    Suite("mailbox-doorbell", TESTS, overlay=overlay(), nslots=4, setup=setup,
          flavours=("newest",)),
    # The debug kernel (built from the newest Debian source, 7.3 on
    # 2026-12-06): lockdep and KASAN over the same paths, fw_devlink=on; one
    # GIC (the CI budget: the mailbox paths do not depend on it).
    Suite("mailbox-doorbell", TESTS, overlay=overlay(), nslots=4, setup=setup, gics=(3,),
          flavours=("debug",)),
]

# SPDX-License-Identifier: GPL-2.0-only
"""tools/vnlm-dtb: lists, checks with the driver's rules, edits atomically,
and never leaves a corrupt DTB behind."""

import os
import shutil
import subprocess

import board
import host_dt

TOOL = os.path.join(board.BUILD, "vnlm-dtb")
WORK = os.path.join(board.BUILD, "check", "tool")


def tool(*args):
    return subprocess.run([TOOL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)


def fresh(src, name):
    os.makedirs(WORK, exist_ok=True)
    dst = os.path.join(WORK, name)
    shutil.copy(src, dst)
    return dst


def qemu_board():
    return board.board_dtb(3, os.path.join(board.TOP, "dts", "qemu-virt-amp.dtso"),
                           WORK, "qemu-virt-amp")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def test_check_boards():
    for dtb in host_dt.board_dtbs():
        r = tool("check", dtb)
        expect(r.returncode == 0, f"{dtb}: rc {r.returncode}\n{r.stderr}")
        r = tool("list", dtb)
        expect(r.returncode == 0 and "target=" in r.stdout, f"list {dtb}: {r.stdout}{r.stderr}")
    return f"{len(host_dt.board_dtbs())} board DTBs pass"


def test_check_bad_nodes():
    import mirror_driver
    dtb = board.board_dtb(3, mirror_driver.overlay(), WORK, "mirror-driver",
                          mirror_driver.SUITES[0].symbols)
    r = tool("check", dtb)
    expect(r.returncode == 1, f"rc {r.returncode}")
    flagged = {}
    for line in r.stderr.splitlines():
        node, _, msg = line.partition(": ")
        flagged[node.lstrip("/")] = msg
    shared = [n for n in mirror_driver.SHARED if n in flagged]
    expect(len(shared) == 1, f"of two nodes on one region, {shared} flagged")
    sram_dup = [n for n in mirror_driver.SRAM_DUP if n in flagged]
    expect(len(sram_dup) == 1, f"of two nodes on one SRAM range, {sram_dup} flagged")
    # GICv3 board: the tool refuses what the DT tells (not the RSS check).
    gic = {n for n, (want, _) in mirror_driver.GIC_NODES.items()
           if want[3] and n not in mirror_driver.GIC_HW_ONLY[3]}
    want = set(mirror_driver.BAD) | set(shared) | set(sram_dup) | gic
    expect(set(flagged) == want, f"flagged {sorted(flagged)}, expected {sorted(want)}")
    for node, (prop, _) in mirror_driver.BAD.items():
        expect(flagged[node].startswith(prop), f"{node}: '{flagged[node]}' should name {prop}")
    return f"{len(flagged)} nodes flagged, as the driver rejects them"


def test_set_edits():
    dtb = fresh(qemu_board(), "set.dtb")
    r = tool("set", dtb, "vnet-link-mirror-0", "--uplink", "end0", "--sgi", "11",
             "--notify", "off", "--announce", "off", "--target", "0x2")
    expect(r.returncode == 0, r.stderr)
    line = tool("list", dtb).stdout.strip()
    expect(line == "/vnet-link-mirror-0 uplink=end0 target=0x2 sgi=11 "
           "region=0x5f000000+0x1000 notify=off", f"after set: {line}")
    expect(tool("check", dtb).returncode == 0, "edited DTB fails check")
    r = tool("set", dtb, "vnet-link-mirror-0", "--notify", "on", "--ethernet",
             "/virtio_mmio@a003e00")
    expect(r.returncode == 0, r.stderr)
    line = tool("list", dtb).stdout.strip()
    expect("ethernet=/virtio_mmio@a003e00" in line and "notify=on" in line, line)


def test_backend():
    """linux,backend: set as a name, as a node's phandle, removed; listed;
    bad values refused with the driver's words; the backend suite's board
    checked as the driver judges its nodes."""
    dtb = fresh(qemu_board(), "backend.dtb")
    r = tool("set", dtb, "vnet-link-mirror-0", "--backend", "vb0")
    expect(r.returncode == 0, r.stderr)
    line = tool("list", dtb).stdout.strip()
    expect(" backend=vb0 " in line, f"after --backend vb0: {line}")
    r = tool("set", dtb, "vnet-link-mirror-0", "--backend", "/virtio_mmio@a003e00")
    expect(r.returncode == 0, r.stderr)
    line = tool("list", dtb).stdout.strip()
    expect(" backend=/virtio_mmio@a003e00 " in line, f"after --backend PATH: {line}")
    expect(tool("check", dtb).returncode == 0, "edited DTB fails check")
    before = read(dtb)
    for args, msg in ((["--backend", "vb/0"], "linux,backend is not a valid netdev name"),
                      (["--backend", "averyveryverylongname"], "IFNAMSIZ"),
                      (["--backend", "/nope"], "no such node")):
        r = tool("set", dtb, "vnet-link-mirror-0", *args)
        expect(r.returncode in (1, 2) and msg in r.stderr,
               f"{args}: rc {r.returncode}, stderr {r.stderr!r}")
        expect(read(dtb) == before, f"{args}: the DTB changed")
    r = tool("set", dtb, "vnet-link-mirror-0", "--backend", "")
    expect(r.returncode == 0 and "backend=" not in tool("list", dtb).stdout, r.stderr)

    import backend_netdev
    bdtb = board.board_dtb(3, backend_netdev.overlay(), WORK, "backend-netdev",
                           backend_netdev.SUITES[0].symbols)
    r = tool("check", bdtb)
    flagged = {}
    for l in r.stderr.splitlines():
        node, _, msg = l.partition(": ")
        flagged[node.lstrip("/")] = msg
    expect(r.returncode == 1 and set(flagged) == set(backend_netdev.BAD),
           f"rc {r.returncode}, flagged {flagged}")
    expect(all(m.startswith("linux,backend") for m in flagged.values()), f"{flagged}")
    listed = tool("list", bdtb).stdout
    expect("bk-node uplink=du1 backend=/virtio_mmio@a003e00" in listed, listed)
    return f"name, phandle and removal set; {len(flagged)} bad nodes flagged as the driver does"


def test_rejected_edits_leave_file_alone():
    dtb = fresh(qemu_board(), "reject.dtb")
    before = read(dtb)
    cases = [(["--sgi", "16"], "linux,doorbell-sgi 16 is not an SGI"),
             (["--target", "1"], "a CPU Linux runs on"),
             (["--uplink", "averyveryverylongname"], "IFNAMSIZ"),
             (["--uplink", "a:b"], "not a valid netdev name"),
             (["--sgi", "x"], "not a number"),
             (["--notify", "maybe"], "not on or off"),
             (["--ethernet", "/nope"], "no such node")]
    for args, msg in cases:
        r = tool("set", dtb, "vnet-link-mirror-0", *args)
        expect(r.returncode in (1, 2) and msg in r.stderr,
               f"{args}: rc {r.returncode}, stderr {r.stderr!r}")
        expect(read(dtb) == before, f"{args}: the DTB changed")
    expect(tool("set", dtb, "no-such-node", "--sgi", "9").returncode == 2, "unknown node")
    leftovers = [f for f in os.listdir(WORK) if f.startswith("reject.dtb.")]
    expect(not leftovers, f"temporary files left: {leftovers}")
    return f"{len(cases)} bad edits refused, file unchanged"


def test_add_and_remove():
    dtb = fresh(qemu_board(), "add.dtb")
    r = tool("add", dtb, "vnet-link-mirror-1", "--region", "0x5f001000:0x1000",
             "--uplink", "eth1", "--target", "2", "--sgi", "9", "--announce", "on")
    expect(r.returncode == 0, r.stderr)
    lines = tool("list", dtb).stdout.splitlines()
    expect(any("vnet-link-mirror-1 uplink=eth1 target=0x2 sgi=9 region=0x5f001000+0x1000 "
               "notify=on announce" in l for l in lines), f"{lines}")
    expect(tool("check", dtb).returncode == 0, "added instance fails check")
    out = subprocess.run(["fdtget", dtb, "/reserved-memory/vnet-shm@5f001000", "reg"],
                         stdout=subprocess.PIPE, text=True).stdout.split()
    expect(out == ["0", "1593839616", "0", "4096"], f"region reg {out}")
    before = read(dtb)
    r = tool("add", dtb, "vnet-link-mirror-2", "--region", "0x5f000800:0x1000",
             "--uplink", "eth2", "--target", "2", "--sgi", "10")
    expect(r.returncode == 1 and "overlaps" in r.stderr, f"overlap: {r.stderr}")
    expect(read(dtb) == before, "overlapping add changed the file")
    r = tool("remove", dtb, "vnet-link-mirror-1")
    expect(r.returncode == 0, r.stderr)
    expect(len(tool("list", dtb).stdout.splitlines()) == 1, "instance not removed")
    gone = subprocess.run(["fdtget", dtb, "/reserved-memory/vnet-shm@5f001000", "reg"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE).returncode
    expect(gone != 0, "its reserved-memory node stayed behind")
    expect(tool("check", dtb).returncode == 0, "check after remove")


def test_malformed_dtbs():
    good = read(qemu_board())
    cases = {
        "empty": b"",
        "garbage": os.urandom(4096),
        "truncated": good[: len(good) // 2],
        "bad-magic": b"\x00" + good[1:],
        "totalsize-too-big": good[:4] + (len(good) * 4).to_bytes(4, "big") + good[8:],
        "struct-offset-wild": good[:8] + (0x7FFFFFF0).to_bytes(4, "big") + good[12:],
        "corrupt-struct": good[:0x40] + b"\xff" * 64 + good[0x80:],
    }
    for name, data in cases.items():
        path = os.path.join(WORK, f"malformed-{name}.dtb")
        with open(path, "wb") as f:
            f.write(data)
        for args in (["check"], ["list"], ["set", "--sgi", "9"]):
            cmd = [args[0], path] + (["vnet-link-mirror-0"] + args[1:] if args[0] == "set" else [])
            r = tool(*cmd)
            expect(r.returncode == 2 and r.stderr.strip(),
                   f"{name} {args[0]}: rc {r.returncode}, stderr {r.stderr!r}")
            expect("Traceback" not in r.stderr and "Segmentation" not in r.stderr, r.stderr)
        expect(read(path) == data, f"{name}: file changed")
    return f"{len(cases)} malformed DTBs refused with exit 2"


def test_failed_write_leaves_nothing():
    dtb = fresh(qemu_board(), "rename.dtb")
    target = os.path.join(WORK, "is-a-directory.dtb")
    os.makedirs(target, exist_ok=True)
    r = tool("set", dtb, "vnet-link-mirror-0", "--sgi", "9", "-o", target)
    expect(r.returncode == 2 and "rename" in r.stderr, f"rc {r.returncode} {r.stderr}")
    leftovers = [f for f in os.listdir(WORK) if f.startswith("is-a-directory.dtb.")]
    expect(not leftovers, f"temporary file left behind: {leftovers}")
    r = tool("set", dtb, "vnet-link-mirror-0", "--sgi", "9", "-o",
             os.path.join(WORK, "no-such-dir", "x.dtb"))
    expect(r.returncode == 2, "write into a missing directory")


def test_check_overlay_pairs():
    """check BASE OVERLAY...: the dts/ overlays on a dtc -@ base pass; a
    missing label, a corrupt overlay, a bad instance are each named."""
    import uboot_overlay as uo
    work = os.path.join(WORK, "pairs")
    os.makedirs(work, exist_ok=True)
    base = uo.base_with_symbols(board.board_dtb(3, uo.NO_INSTANCES, work, "no-instances"), work)
    good = [uo.dtbo(work, name) for name in uo.BOARD_OVERLAYS]
    r = tool("check", base, *good)
    expect(r.returncode == 0, f"dts/ overlays on the base: rc {r.returncode}\n{r.stderr}")
    expect(tool("check", base).returncode == 0, "the base alone (no instance) fails")
    bad = uo.dtbo(work, "bad-label.dtso", uo.BAD_LABEL)
    r = tool("check", base, good[0], bad)
    expect(r.returncode == 1 and bad in r.stderr and "FDT_ERR_NOTFOUND" in r.stderr,
           f"missing label: rc {r.returncode}: {r.stderr}")
    msgs = [r.stderr.strip()]
    cor = uo.corrupt(good[0], os.path.join(work, "corrupt.dtbo"))
    r = tool("check", base, cor)
    expect(r.returncode == 2 and "corrupt.dtbo: malformed DTB" in r.stderr,
           f"corrupt overlay: rc {r.returncode}: {r.stderr}")
    msgs.append(r.stderr.strip())
    sgi16 = uo.dtbo(work, "sgi16.dtso", board.mirror_overlay(
        [dict(name="vnet-link-mirror-2", slot=2, sgi=16, uplink="eth0")]))
    r = tool("check", base, *good, sgi16)
    expect(r.returncode == 1 and r.stderr.startswith("/vnet-link-mirror-2: linux,doorbell-sgi")
           and "vnet-link-mirror-0" not in r.stderr and "vnet-link-mirror-1" not in r.stderr,
           f"SGI 16 instance: rc {r.returncode}: {r.stderr}")
    msgs.append(r.stderr.strip())
    return "; ".join(msgs)


def test_mailbox_doorbell():
    """Both doorbell forms: list shows the mailbox one, check flags bad
    choices as the driver would, set/add switch between the forms."""
    import mailbox_doorbell
    inst = [dict(name="good-mbox", slot=0, mbox=8, uplink="eth0", target=None),
            dict(name="bad-doorbell-both", slot=2, mbox=9, uplink="eth0", target=None,
                 raw=["linux,target-cpu = <0x2>;", "linux,doorbell-sgi = <9>;"]),
            dict(name="bad-mbox-name", slot=5, uplink="eth0", target=None,
                 raw=["mboxes = <&vnlm_mbox 11>;", 'mbox-names = "tx";'])]
    dtb = fresh(board.board_dtb(3, board.mirror_overlay(inst, test_mailbox=True), WORK,
                                "tool-mbox"), "mbox.dtb")
    r = tool("check", dtb)
    expect(r.returncode == 1, f"check exit {r.returncode}: {r.stderr}")
    want = {"/bad-doorbell-both: mboxes cannot go with linux,target-cpu",
            '/bad-mbox-name: mboxes needs mbox-names with a "doorbell" entry'}
    got = {l for l in r.stderr.splitlines() if "good-mbox" in l}
    expect(not got and all(any(l.startswith(w) for l in r.stderr.splitlines()) for w in want),
           f"check said:\n{r.stderr}")
    out = tool("list", dtb).stdout
    expect("/good-mbox uplink=eth0 mbox=/vnlm-test-mailbox:8 " in out, out)
    ok = fresh(mailbox_doorbell_dtb(mailbox_doorbell), "mbox-ok.dtb")
    node = "/" + mailbox_doorbell.NODE
    for args, shows in ((["--target", "2", "--sgi", "9"], "target=0x2 sgi=9"),
                        (["--mbox", "/vnlm-test-mailbox:7"], "mbox=/vnlm-test-mailbox:7"),):
        r = tool("set", ok, node, *args)
        line = [l for l in tool("list", ok).stdout.splitlines() if l.startswith(node + " ")]
        expect(r.returncode == 0 and line and shows in line[0] and
               ("sgi=" in line[0]) != ("mbox=" in line[0]), f"set {args}: {r.stderr} {line}")
    before = read(ok)
    r = tool("set", ok, node, "--mbox", "/vnlm-test-mailbox:7,3")
    expect(r.returncode == 2 and read(ok) == before and "#mbox-cells is 1" in r.stderr,
           f"wrong cell count: exit {r.returncode} {r.stderr}")
    r = tool("add", ok, "m2", "--region", "0x5f100000:0x1000", "--mbox", "/vnlm-test-mailbox:5",
             "--uplink", "eth1")
    expect(r.returncode == 0 and "/m2 uplink=eth1 mbox=/vnlm-test-mailbox:5 " in
           tool("list", ok).stdout, r.stderr)
    return "check, list, set both ways and add know the mailbox form"


def mailbox_doorbell_dtb(mod):
    return board.board_dtb(3, mod.overlay(), WORK, "tool-mbox-ok")


HOST_TESTS = [
    ("vnlm-dtb: every board DTB passes check and lists", test_check_boards),
    ("vnlm-dtb: check flags exactly the nodes the driver rejects", test_check_bad_nodes),
    ("vnlm-dtb: set edits uplink, SGI, target, notify, announce, ethernet", test_set_edits),
    ("vnlm-dtb: a rejected edit leaves the DTB untouched", test_rejected_edits_leave_file_alone),
    ("vnlm-dtb: add an instance with its region, refuse an overlap, remove",
     test_add_and_remove),
    ("vnlm-dtb: malformed DTBs get a clear error and exit 2", test_malformed_dtbs),
    ("vnlm-dtb: a failed write leaves no partial file", test_failed_write_leaves_nothing),
    ("vnlm-dtb: check a base + overlays pair as U-Boot applies it", test_check_overlay_pairs),
    ("vnlm-dtb: both doorbell forms (check, list, set, add)", test_mailbox_doorbell),
    ("vnlm-dtb: linux,backend as a name or a phandle (check, list, set)", test_backend),
]

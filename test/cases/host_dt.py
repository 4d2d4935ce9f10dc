# SPDX-License-Identifier: GPL-2.0-only
"""The binding passes dt-schema's own checks; every board DTB built from
dts/ passes dt-validate against it; the schema rejects bad nodes."""

import glob
import os
import subprocess

import board

BINDINGS = os.path.join(board.TOP, "bindings")
SCHEMA = os.path.join(BINDINGS, "linux,virtio-net-link-mirror.yaml")
OUT = os.path.join(board.BUILD, "check", "dt")


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def validate(dtb):
    """dt-validate restricted to our schema; returns (errors, matched nodes)."""
    r = run(["dt-validate", "-M", "-s", BINDINGS, "-l", "virtio-net-link-mirror", dtb])
    lines = r.stdout.splitlines()
    errors = [l for l in lines if l.startswith(dtb) and "matched on schema" not in l]
    matched = [l for l in lines if "matched on schema" in l]
    return errors, matched, r.stdout


def test_doc_validate():
    r = run(["dt-doc-validate", "-u", BINDINGS, SCHEMA])
    if r.returncode or r.stdout.strip():
        raise AssertionError(r.stdout)


def board_dtbs():
    """Every board DTB dts/ makes: overlays on the QEMU virt board (v2, v3)
    or, for a real SoC model's overlay, on its kernel package's DTB (the
    sabrelite's: the imx6 flavour's lane, `make lanes`), full DTS."""
    os.makedirs(OUT, exist_ok=True)
    out = []
    for dtso in sorted(glob.glob(os.path.join(board.TOP, "dts", "*.dtso"))):
        name = os.path.basename(dtso)[:-5]
        if board.overlay_board(dtso) == "sabrelite":
            if not board.have_flavour("imx6"):
                raise AssertionError(f"{name}: no imx6 kernel lane for its base DTB (make lanes)")
            out.append(board.board_dtb(2, dtso, OUT, name, arch="arm", flavour="imx6"))
            continue
        for gic in (2, 3):
            out.append(board.board_dtb(gic, dtso, OUT, name))
    for dts in sorted(glob.glob(os.path.join(board.TOP, "dts", "*.dts"))):
        dtb = os.path.join(OUT, os.path.basename(dts)[:-4] + ".dtb")
        r = run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, dts])
        if r.returncode:
            raise AssertionError(f"{dts}:\n{r.stdout}")
        out.append(dtb)
    return out


def test_boards_validate():
    notes = []
    for dtb in board_dtbs():
        name = os.path.basename(dtb)
        errors, matched, raw = validate(dtb)
        if errors:
            raise AssertionError(f"{name}:\n{raw}")
        if not matched:
            raise AssertionError(f"{name}: no node matched the schema:\n{raw}")
        notes.append(f"{name}: {len(matched)} instance(s) valid")
    return "\n".join(notes)


def test_schema_rejects_bad_nodes():
    import mirror_driver  # the in-QEMU suite's board, bad nodes included
    dtb = board.board_dtb(3, mirror_driver.overlay(), OUT, "mirror-driver",
                          mirror_driver.SUITES[0].symbols)
    errors, _, raw = validate(dtb)
    # Region and CPU-identity checks need the whole tree; the rest is schema.
    schema_detectable = ["bad-sgi-range", "bad-sgi-missing", "bad-sgi-string",
                         "bad-target-missing", "bad-target-size", "bad-region-missing",
                         "bad-uplink-long", "bad-uplink-chars", "bad-uplink-none"]
    missed = [n for n in schema_detectable if f": {n}:" not in raw]
    good = [n for n in mirror_driver.GOOD if f": {n}:" in raw]
    if missed or good:
        raise AssertionError(f"schema missed {missed}, flagged good nodes {good}:\n{raw}")
    return f"{len(schema_detectable)} bad nodes rejected, {len(mirror_driver.GOOD)} good accepted"


def test_schema_doorbell_one_of():
    """SGI or mailbox, exactly one: the mailbox board's node is valid; both
    doorbells, half of each, or none are not."""
    inst = [dict(name="good-mbox", slot=0, mbox=8, uplink="eth0", target=None),
            dict(name="good-sgi", slot=1, sgi=8, uplink="eth0"),
            dict(name="bad-doorbell-both", slot=2, mbox=9, uplink="eth0", target=None,
                 raw=["linux,target-cpu = <0x2>;", "linux,doorbell-sgi = <9>;"]),
            dict(name="bad-doorbell-none", slot=3, uplink="eth0", target=None),
            dict(name="bad-mbox-unnamed", slot=4, uplink="eth0", target=None,
                 raw=["mboxes = <&vnlm_mbox 10>;"]),
            dict(name="bad-mbox-name", slot=5, uplink="eth0", target=None,
                 raw=["mboxes = <&vnlm_mbox 11>;", 'mbox-names = "tx";']),
            dict(name="bad-mixed", slot=6, sgi=12, uplink="eth0", target=None,
                 raw=["mboxes = <&vnlm_mbox 12>;", 'mbox-names = "doorbell";'])]
    dtb = board.board_dtb(3, board.mirror_overlay(inst, test_mailbox=True), OUT, "doorbell-oneof")
    errors, _, raw = validate(dtb)
    bad = [i["name"] for i in inst if i["name"].startswith("bad-")]
    missed = [n for n in bad if f": {n}:" not in raw]
    good = [i["name"] for i in inst if i["name"].startswith("good-") and f": {i['name']}:" in raw]
    if missed or good:
        raise AssertionError(f"schema missed {missed}, flagged good nodes {good}:\n{raw}")
    return f"{len(bad)} bad doorbell choices rejected, SGI and mailbox nodes accepted"


def test_schema_backend():
    """linux,backend: a name and a phandle (the backend suite's board) are
    valid; two cells or a bad name are not (a dangling phandle needs the
    whole tree: the driver and vnlm-dtb refuse it)."""
    import backend_netdev
    inst = [dict(d, name=n, sgi=8 + d["slot"]) for n, d in backend_netdev.NODES.items()]
    inst += [dict(name="bad-backend-size", slot=4, sgi=12, uplink="du3",
                  raw=["linux,backend = <1 2>;"]),
             dict(name="bad-backend-chars", slot=5, sgi=13, uplink="du3",
                  raw=['linux,backend = "vb/0";']),
             dict(name="bad-backend-long", slot=6, sgi=14, uplink="du3",
                  raw=['linux,backend = "averyveryverylongname0";'])]
    dtb = board.board_dtb(3, board.mirror_overlay(inst), OUT, "backend-schema",
                          backend_netdev.SUITES[0].symbols)
    errors, matched, raw = validate(dtb)
    bad = [i["name"] for i in inst if i["name"].startswith("bad-")]
    missed = [n for n in bad if f": {n}:" not in raw]
    good = [n for n in backend_netdev.NODES if f": {n}:" in raw]
    if missed or good:
        raise AssertionError(f"schema missed {missed}, flagged good nodes {good}:\n{raw}")
    return f"{len(bad)} bad linux,backend rejected, name and phandle forms accepted"


HOST_TESTS = [
    ("binding passes dt-doc-validate", test_doc_validate),
    ("every board DTB from dts/ passes dt-validate", test_boards_validate),
    ("the schema rejects the bad nodes and accepts the good", test_schema_rejects_bad_nodes),
    ("the schema takes one doorbell: an SGI or a mailbox channel", test_schema_doorbell_one_of),
    ("linux,backend: a name or a phandle, nothing else", test_schema_backend),
]

# SPDX-License-Identifier: GPL-2.0-only
"""dts/soc/: the real-SoC examples (i.MX8MP MU, ZynqMP IPI, STM32MP1 IPCC,
AM64 omap-mailbox) build with dtc, pass vnlm-dtb check, and pass dt-validate
against our binding and against the upstream schemas of each SoC's
mailbox and of reserved-memory / mmio-sram: those of the debug kernel's tree
(the newest kernel source Debian carries) and, for reserved-memory.yaml,
which left the kernel tree for dt-schema, the trixie-dt root's dt-schema.  Mutants of each file prove
that those schemas (and vnlm-dtb) are really applied."""

import glob
import os
import shutil
import subprocess

import board
import host_dt
import host_intree

SOC_DIR = os.path.join(board.TOP, "dts", "soc")
OUT = os.path.join(board.BUILD, "check", "soc")
SCHEMAS = os.path.join(board.BUILD, "soc-schemas")
TOOL = os.path.join(board.BUILD, "vnlm-dtb")

# file: mailbox controller node (as dt-validate names it), its upstream
# schema, the region node and the schema that must match it.
SOCS = {
    "imx8mp-m7-vnet": dict(mbox="/mailbox@30aa0000", mbox_schema="mailbox/fsl,mu.yaml",
                           region="/reserved-memory",
                           region_schema="reserved-memory/vnlm-reserved-memory-node.yaml",
                           mbox_cells="#mbox-cells = <2>;", region_flag="no-map;"),
    "zynqmp-r5-vnet": dict(mbox="/mailbox-vnet", mbox_schema="mailbox/xlnx,zynqmp-ipi-mailbox.yaml",
                           region="/reserved-memory",
                           region_schema="reserved-memory/vnlm-reserved-memory-node.yaml",
                           mbox_cells="#mbox-cells = <1>;", region_flag="no-map;"),
    "stm32mp157-m4-vnet": dict(mbox="/mailbox@4c001000", mbox_schema="mailbox/st,stm32-ipcc.yaml",
                               region="/sram@10050000", region_schema="sram/sram.yaml",
                               mbox_cells="#mbox-cells = <1>;", region_flag="pool;"),
    "am642-r5f-vnet": dict(mbox="/mailbox@29020000", mbox_schema="mailbox/ti,omap-mailbox.yaml",
                           region="/sram@70000000", region_schema="sram/sram.yaml",
                           mbox_cells="#mbox-cells = <1>;", region_flag="pool;"),
}

UPSTREAM = ["mailbox/fsl,mu.yaml", "mailbox/xlnx,zynqmp-ipi-mailbox.yaml",
            "mailbox/st,stm32-ipcc.yaml", "mailbox/ti,omap-mailbox.yaml",
            "sram/sram.yaml", "reserved-memory/reserved-memory.yaml"]
# reserved-memory.yaml is in the kernel tree up to 6.2 and in dt-schema's own
# schemas after (the kernel removed its copy once dt-schema carried it).
MOVED_TO_DTSCHEMA = {"reserved-memory/reserved-memory.yaml"}

# reserved-memory.yaml is a base for compatible-specific schemas and
# selects nothing by itself (dt-schema of that age checked the container);
# this wrapper applies it, unchanged, to every child of /reserved-memory.
RESERVED_NODE = """\
%YAML 1.2
---
$id: http://devicetree.org/schemas/reserved-memory/vnlm-reserved-memory-node.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#
title: /reserved-memory, each child checked by the upstream reserved-memory.yaml
maintainers:
  - vnet-link-mirror developers <vnet-link-mirror@lists.example.org>
select:
  properties:
    $nodename:
      const: reserved-memory
  required:
    - $nodename
properties:
  $nodename:
    const: reserved-memory
  "#address-cells": true
  "#size-cells": true
  ranges: true
patternProperties:
  "@[0-9a-f]+$":
    type: object
    $ref: reserved-memory.yaml
    unevaluatedProperties: false
required:
  - "#address-cells"
  - "#size-cells"
  - ranges
additionalProperties: false
"""


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=host_intree.ENV)


def dtschema_schemas():
    """dt-schema's own schema directory in the trixie-dt root."""
    found = glob.glob(os.path.join(host_intree.dt_root(), "usr", "lib", "python3*",
                                   "dist-packages", "dtschema", "schemas"))
    if len(found) != 1:
        raise AssertionError(f"dt-schema's schemas in the trixie-dt root: found {found}")
    return found[0]


def upstream_schemas():
    """Copy the schemas we validate against out of the kernel source (and
    dt-schema, for those that moved there)."""
    bindings = os.path.join(host_intree.src(), "Documentation", "devicetree", "bindings")
    if not os.path.isdir(bindings):
        raise AssertionError(f"no kernel bindings at {bindings}: run `make debug-kernel`")
    shutil.rmtree(SCHEMAS, ignore_errors=True)
    for rel in UPSTREAM:
        os.makedirs(os.path.join(SCHEMAS, os.path.dirname(rel)), exist_ok=True)
        src = os.path.join(bindings, rel)
        if rel in MOVED_TO_DTSCHEMA and not os.path.exists(src):
            src = os.path.join(dtschema_schemas(), rel)
        shutil.copy(src, os.path.join(SCHEMAS, rel))
    with open(os.path.join(SCHEMAS, "reserved-memory", "vnlm-reserved-memory-node.yaml"),
              "w") as f:
        f.write(RESERVED_NODE)
    return SCHEMAS


def build(name, text, strict=True):
    """dtc; a warning fails the examples, not the mutants (a wrong #mbox-cells)."""
    os.makedirs(OUT, exist_ok=True)
    src = os.path.join(OUT, name + ".dts")
    dtb = os.path.join(OUT, name + ".dtb")
    with open(src, "w") as f:
        f.write(text)
    r = run(["dtc", "-I", "dts", "-O", "dtb", "-o", dtb, src])
    if r.returncode or (strict and r.stdout.strip()):
        raise AssertionError(f"dtc {src}:\n{r.stdout}")
    return dtb


def validate(dtb, schemas, extra=()):
    """dt-validate; returns (error lines, {node: [schema ids]}, raw output)."""
    r = run(["dt-validate", "-M", "-s", schemas, *extra, dtb])
    errors, matched, node = [], {}, None
    for line in r.stdout.splitlines():
        if line.startswith(dtb + ":") and line.endswith("matched on schema(s)"):
            node = line[len(dtb) + 2:].split(":")[0]
            matched[node] = []
        elif line.startswith("\t") and node:
            matched[node].append(line.strip())
        elif line.strip():
            node = None
            errors.append(line)
    if r.returncode and not errors:
        errors.append(f"dt-validate exited {r.returncode}")
    return errors, matched, r.stdout


def source(name):
    with open(os.path.join(SOC_DIR, name + ".dts")) as f:
        return f.read()


def mutate(text, old, new):
    if old not in text:
        raise AssertionError(f"mutant: {old!r} not in the source")
    return text.replace(old, new)


def test_files():
    found = sorted(f[:-4] for f in os.listdir(SOC_DIR) if f.endswith(".dts"))
    if found != sorted(SOCS):
        raise AssertionError(f"dts/soc has {found}, this test knows {sorted(SOCS)}")
    return ", ".join(found)


def test_vnlm_dtb():
    notes = []
    for name in SOCS:
        dtb = build(name, source(name))
        r = run([TOOL, "check", dtb])
        if r.returncode:
            raise AssertionError(f"{name}: vnlm-dtb check exit {r.returncode}:\n{r.stdout}")
        r = run([TOOL, "list", dtb])
        want = f"mbox={SOCS[name]['mbox']}"
        if r.returncode or want not in r.stdout:
            raise AssertionError(f"{name}: vnlm-dtb list lacks {want}:\n{r.stdout}")
        listing = r.stdout
        # Wrong mbox-names: the driver would not find its channel.
        bad = build(name + "-bad-names",
                    mutate(source(name), 'mbox-names = "doorbell";', 'mbox-names = "tx";'))
        r = run([TOOL, "check", bad])
        if r.returncode != 1 or "mbox-names" not in r.stdout:
            raise AssertionError(f"{name}: vnlm-dtb took mbox-names \"tx\" ({r.returncode}):"
                                 f"\n{r.stdout}")
        notes.append(listing.strip())
    return "\n".join(notes)


NO_GIC = """/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;

	reserved-memory {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;

		shm: vnet-shm@5f000000 {
			reg = <0x5f000000 0x1000>;
			no-map;
		};
	};

	mu: mailbox {
		#mbox-cells = <2>;
	};

	vnet-link-mirror-0 {
		compatible = "linux,virtio-net-link-mirror";
		memory-region = <&shm>;
		linux,uplink = "eth0";
		DOORBELL
	};
};
"""


def test_vnlm_dtb_no_gic():
    """A mailbox-only board needs no GIC; an SGI instance there is refused."""
    mbox = build("no-gic-mbox", NO_GIC.replace("DOORBELL", 'mboxes = <&mu 2 2>;\n\t\t'
                                               'mbox-names = "doorbell";'))
    r = run([TOOL, "check", mbox])
    if r.returncode:
        raise AssertionError(f"vnlm-dtb refused a GIC-less mailbox board ({r.returncode}):"
                             f"\n{r.stdout}")
    sgi = build("no-gic-sgi", NO_GIC.replace("DOORBELL", "linux,target-cpu = <2>;\n\t\t"
                                             "linux,doorbell-sgi = <3>;"))
    r = run([TOOL, "check", sgi])
    want = "/vnet-link-mirror-0: linux,doorbell-sgi needs a GICv2 or GICv3"
    if r.returncode != 1 or want not in r.stdout:
        raise AssertionError(f"vnlm-dtb took an SGI without a GIC ({r.returncode}):\n{r.stdout}")
    return "mailbox instance accepted, SGI instance refused naming its node"


def test_our_binding():
    notes = []
    for name in SOCS:
        dtb = build(name, source(name))
        errors, matched, raw = host_dt.validate(dtb)
        if errors or not matched:
            raise AssertionError(f"{name}: our binding:\n{raw}")
        bad = build(name + "-bad-names",
                    mutate(source(name), 'mbox-names = "doorbell";', 'mbox-names = "tx";'))
        errors, _, raw = host_dt.validate(bad)
        if not any("vnet-link-mirror-0" in e for e in errors):
            raise AssertionError(f"{name}: our binding took mbox-names \"tx\":\n{raw}")
        notes.append(f"{name}: instance valid, bad mbox-names rejected")
    return "\n".join(notes)


def test_upstream_schemas():
    schemas = upstream_schemas()
    notes = []
    for name, soc in SOCS.items():
        dtb = build(name, source(name))
        errors, matched, raw = validate(dtb, schemas)
        if errors:
            raise AssertionError(f"{name}: upstream schemas:\n" + "\n".join(errors))
        for node, rel in ((soc["mbox"], soc["mbox_schema"]), (soc["region"], soc["region_schema"])):
            sid = f"http://devicetree.org/schemas/{rel}#"
            if sid not in matched.get(node, []):
                raise AssertionError(f"{name}: {node} not validated by {rel}:\n{raw}")
        # Mutants the upstream schemas must reject: a wrong specifier size
        # on the controller, a valued boolean on the region.
        cells = soc["mbox_cells"]
        wrong = cells.replace("<1>", "<3>").replace("<2>", "<3>")
        flag = soc["region_flag"][:-1]
        for what, rel, text in (
                ("#mbox-cells", soc["mbox_schema"], mutate(source(name), cells, wrong)),
                (flag, soc["region_schema"],
                 mutate(source(name), soc["region_flag"], flag + ' = "yes";'))):
            bad = build(f"{name}-bad-{what.strip('#')}", text, strict=False)
            errors, _, raw = validate(bad, schemas)
            # The error names the property and comes from the schema expected.
            if not any(f"{what}:" in e and ("was expected" in e or "is not of type" in e)
                       for e in errors) or f"From schema: {os.path.join(schemas, rel)}" not in raw:
                raise AssertionError(f"{name}: {rel} took a bad {what}:\n{raw}")
        notes.append(f"{name}: {soc['mbox_schema']} + {soc['region_schema']} clean, "
                     "2 mutants rejected")
    return "\n".join(notes)


HOST_TESTS = [
    ("soc: dts/soc holds the four SoC examples", test_files),
    ("soc: vnlm-dtb checks each SoC example, refuses a wrong mbox-names", test_vnlm_dtb),
    ("soc: vnlm-dtb takes a mailbox-only board without a GIC", test_vnlm_dtb_no_gic),
    ("soc: each SoC example passes our binding", test_our_binding),
    ("soc: each SoC example passes the upstream mailbox/memory schemas", test_upstream_schemas),
]

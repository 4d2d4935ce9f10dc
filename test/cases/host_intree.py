# SPDX-License-Identifier: GPL-2.0-only
"""The driver as a kernel tree takes it: scripts/intree-series.sh's patches,
applied by scripts/build-debug-kernel.sh to Debian's linux-source-6.1 (the
debug kernel's tree, where the driver is built in), judged with what a
maintainer runs there: W=1, checkpatch --strict with the tree, and
make dt_binding_check."""

import os
import re
import subprocess
import tempfile

import board

# scripts/spdxcheck.py (run by checkpatch) and the dt tools need Debian's
# python3 and its python3-ply, whatever python3 comes first in PATH.
ENV = dict(os.environ, PATH="/usr/bin:/bin:" + os.environ.get("PATH", ""))


def tree_dir():
    env = board.kernel_env("debug")
    return os.path.dirname(env["KBUILD"])


def src():
    return os.path.join(tree_dir(), "linux-source-6.1")


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=ENV, cwd=src())
    return r.stdout, r.returncode


def kmake(*args):
    return run(["make", "-C", src(), "ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-",
                f"-j{os.cpu_count()}", *args])


def test_series():
    patches = sorted(os.listdir(os.path.join(tree_dir(), "patches")))
    subjects = []
    for p in patches:
        text = open(os.path.join(tree_dir(), "patches", p)).read()
        subjects.append(re.search(r"^Subject: \[PATCH[^\]]*\] (.*)$", text, re.M).group(1))
        if "Signed-off-by: " not in text:
            raise AssertionError(f"{p} has no Signed-off-by")
    want = ("dt-bindings: net:", "net: add vnet-link-mirror")
    if len(subjects) != 2 or not all(s.startswith(w) for s, w in zip(subjects, want)):
        raise AssertionError(f"unexpected series: {subjects}")
    config = open(os.path.join(src(), ".config")).read()
    for line in ("CONFIG_VNET_LINK_MIRROR=y", "CONFIG_VNET_LINK_MIRROR_KUNIT_TEST=y"):
        if line not in config.splitlines():
            raise AssertionError(f"the debug kernel's .config lacks {line}")
    return "; ".join(subjects)


def test_series_reproducible():
    # scripts/build-debug-kernel.sh keys its cache on the series' bytes: a
    # series that differs from run to run rebuilds the debug kernel (8-9
    # minutes) in every make check.  Made again here, by the build script
    # itself, it must equal the one the debug kernel was built from, byte
    # for byte.
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([os.path.join(top, "scripts", "build-debug-kernel.sh"), "--series", tmp],
                       check=True, stdout=subprocess.DEVNULL)
        out = os.path.join(tmp, "patches")
        built = os.path.join(tree_dir(), "patches")
        names = sorted(os.listdir(out))
        if names != sorted(os.listdir(built)):
            raise AssertionError(f"series now {names}, debug kernel built from "
                                 f"{sorted(os.listdir(built))}")
        for n in names:
            a = open(os.path.join(out, n), "rb").read()
            b = open(os.path.join(built, n), "rb").read()
            if a != b:
                diff = [f"{x!r} / {y!r}" for x, y in zip(a.decode().splitlines(),
                                                         b.decode().splitlines()) if x != y]
                raise AssertionError(f"{n} differs from the one the debug kernel was built "
                                     f"from (its cache key): first changed lines {diff[:3]}")
    return f"{len(names)} patches made again, byte-identical to the debug kernel's"


def test_w1():
    # Touch the sources so W=1 really compiles them (kbuild would also
    # rebuild on the flag change, but not if a W=1 build ran last).
    for f in os.listdir(os.path.join(src(), "drivers/net/vnet-link-mirror")):
        if f.endswith(".c"):
            os.utime(os.path.join(src(), "drivers/net/vnet-link-mirror", f))
    text, rc = kmake("W=1", "drivers/net/vnet-link-mirror/")
    built = re.findall(r"CC\s+drivers/net/vnet-link-mirror/(\S+)\.o", text)
    bad = [l for l in text.splitlines() if "warning:" in l or "error:" in l]
    if rc or bad or "vnlm_main" not in built or "vnlm_kunit" not in built:
        raise AssertionError(f"in-tree W=1 (exit {rc}, built {built}):\n" +
                             "\n".join(bad or text.splitlines()[-30:]))
    return f"{len(built)} objects built in with W=1, no warning"


def test_checkpatch():
    patches = sorted(os.path.join(tree_dir(), "patches", p)
                     for p in os.listdir(os.path.join(tree_dir(), "patches")))
    text, rc = run(["perl", os.path.join(src(), "scripts", "checkpatch.pl"), "--strict",
                    "--show-types", "--terse", f"--root={src()}", *patches])
    bad = [l for l in text.splitlines()
           if any(k in l for k in ("ERROR", "WARNING", "CHECK", "Traceback"))]
    if rc or bad:
        raise AssertionError(f"checkpatch --strict on the series (exit {rc}):\n" +
                             "\n".join(bad or text.splitlines()[-30:]))
    return "checkpatch --strict with the tree: clean (compatibles documented, SPDX checked)"


def test_dt_binding_check():
    text, rc = kmake("dt_binding_check",
                     "DT_SCHEMA_FILES=net/linux,virtio-net-link-mirror.yaml")
    bad = [l for l in text.splitlines()
           if re.search(r"warning|error", l, re.I)]
    if rc or bad:
        raise AssertionError(f"make dt_binding_check (exit {rc}):\n" +
                             "\n".join(bad or text.splitlines()[-30:]))
    return "Documentation/devicetree/bindings/net/linux,virtio-net-link-mirror.yaml: clean"


HOST_TESTS = [
    ("in-tree: the series and the built-in config", test_series),
    ("in-tree: the series is reproducible (the debug kernel's cache key)",
     test_series_reproducible),
    ("in-tree: W=1 build of the driver built in, no warning", test_w1),
    ("in-tree: checkpatch --strict on the patches, with the tree", test_checkpatch),
    ("in-tree: make dt_binding_check on the binding", test_dt_binding_check),
]

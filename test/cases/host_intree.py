# SPDX-License-Identifier: GPL-2.0-only
"""The driver as a kernel tree takes it: scripts/intree-series.sh's patches,
applied by scripts/build-debug-kernel.sh to the newest kernel source Debian
carries (the debug kernel's tree, where the driver is built in), judged
with what a maintainer runs there: checkpatch --strict with the tree,
kernel-doc, W=1 built in and as modules, make dt_binding_check (in the
trixie-dt root: the tree wants a newer dt-schema than the host's), the
ABI and documentation checks, get_maintainer.pl, and the mbox that
`make series` writes, applied with git am.

Each check is a function of its inputs (check_*), so that it can be shown
to fail on a broken input (test/cases/host_intree.py's mutations: run this
file as a script)."""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import board  # noqa: E402

# scripts/spdxcheck.py (run by checkpatch) and the doc tools need Debian's
# python3 and its python3-ply, whatever python3 comes first in PATH.
ENV = dict(os.environ, PATH="/usr/bin:/bin:" + os.environ.get("PATH", ""))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DRV = "drivers/net/vnet-link-mirror"
BINDING = "Documentation/devicetree/bindings/net/linux,virtio-net-link-mirror.yaml"
DOC = "Documentation/networking/vnet-link-mirror.rst"
ABI = "Documentation/ABI/testing/sysfs-driver-vnet-link-mirror"
OUR_MAINTAINER = "vnet-link-mirror developers <vnet-link-mirror@lists.example.org>"
SUBJECTS = ("dt-bindings: net:", "net: add vnet-link-mirror", "docs: networking:")


def tree_dir():
    return os.path.dirname(board.kernel_env("debug")["KBUILD"])


def src():
    return board.kernel_env("debug")["KBUILD"]


def patches_dir():
    return os.path.join(tree_dir(), "patches")


def series_patches(d=None):
    """The patches proper (0001...), not the cover letter."""
    d = d or patches_dir()
    return sorted(os.path.join(d, p) for p in os.listdir(d)
                  if p.endswith(".patch") and not p.startswith("0000-"))


def run(cmd, cwd=None, env=None):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=env or ENV, cwd=cwd or src())
    return r.stdout, r.returncode


def kmake(*args, tree=None):
    tree = tree or src()
    return run(["make", "-C", tree, "ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-",
                "-j2", *args], cwd=tree)


_fresh = {}


def fresh_series():
    """The series made again now, by the build script itself, beside the
    pristine partial tree it is made against (for git am).  Made once per
    run: the partial extraction reads the whole tarball (about 30 s)."""
    if not _fresh:
        tmp = tempfile.mkdtemp(prefix="vnlm-series-")
        atexit.register(shutil.rmtree, tmp, True)
        subprocess.run([os.path.join(TOP, "scripts", "build-debug-kernel.sh"), "--series",
                        board.CACHE, tmp], check=True, stdout=subprocess.DEVNULL)
        trees = [d for d in os.listdir(tmp) if d.startswith("linux-source-")]
        _fresh.update(dir=tmp, tree=os.path.join(tmp, trees[0]))
    return _fresh


# --- the checks -------------------------------------------------------------


def check_series(d):
    subjects = []
    for p in series_patches(d):
        text = open(p).read()
        subjects.append(re.search(r"^Subject: \[PATCH[^\]]*\] (.*)$", text, re.M).group(1))
        if "Signed-off-by: " not in text:
            raise AssertionError(f"{os.path.basename(p)} has no Signed-off-by")
    if len(subjects) != len(SUBJECTS) or not all(s.startswith(w)
                                                 for s, w in zip(subjects, SUBJECTS)):
        raise AssertionError(f"unexpected series: {subjects}")
    cover = [p for p in os.listdir(d) if p.startswith("0000-")]
    if len(cover) != 1:
        raise AssertionError(f"no cover letter (0000) in {d}")
    text = open(os.path.join(d, cover[0])).read()
    if "*** SUBJECT HERE ***" in text or "*** BLURB HERE ***" in text:
        raise AssertionError("the cover letter has format-patch's placeholders")
    if not re.search(rf"^Subject: \[PATCH 0/{len(SUBJECTS)}\] \S", text, re.M):
        raise AssertionError("the cover letter has no [PATCH 0/N] subject")
    return subjects


def check_reproducible(fresh_dir, built_dir):
    names = sorted(os.listdir(fresh_dir))
    if names != sorted(os.listdir(built_dir)):
        raise AssertionError(f"series now {names}, debug kernel built from "
                             f"{sorted(os.listdir(built_dir))}")
    for n in names:
        a = open(os.path.join(fresh_dir, n), "rb").read()
        b = open(os.path.join(built_dir, n), "rb").read()
        if a != b:
            diff = [f"{x!r} / {y!r}" for x, y in zip(a.decode().splitlines(),
                                                     b.decode().splitlines()) if x != y]
            raise AssertionError(f"{n} differs from the one the debug kernel was built "
                                 f"from (its cache key): first changed lines {diff[:3]}")
    return names


def check_w1_builtin(tree):
    # Touch the sources so W=1 really compiles them (kbuild would also
    # rebuild on the flag change, but not if a W=1 build ran last).
    for f in os.listdir(os.path.join(tree, DRV)):
        if f.endswith(".c"):
            os.utime(os.path.join(tree, DRV, f))
    text, rc = kmake("W=1", f"{DRV}/", tree=tree)
    built = re.findall(rf"CC\s+{DRV}/(\S+)\.o", text)
    bad = [l for l in text.splitlines() if "warning:" in l or "error:" in l]
    if rc or bad or "vnlm_main" not in built or "vnlm_kunit" not in built:
        raise AssertionError(f"in-tree W=1 (exit {rc}, built {built}):\n" +
                             "\n".join(bad or text.splitlines()[-30:]))
    return built


def check_w1_modular(tree, drvdir):
    # =m as kbuild builds it out of that tree: the driver's directory (a
    # copy: the tree's own objects are the built-in ones) with both options
    # m, against the finished tree (its Module.symvers, its headers).
    with tempfile.TemporaryDirectory(prefix="vnlm-m-") as tmp:
        m = os.path.join(tmp, "vnet-link-mirror")
        shutil.copytree(drvdir, m, ignore=shutil.ignore_patterns(
            "*.o", "*.ko", "*.cmd", "*.mod*", ".*", "modules.order", "built-in.a"))
        # Objects only: the tree's vmlinux has the same driver built in, so
        # modpost would refuse the module's exports as exported twice.  The
        # objects are compiled as kbuild compiles module parts (-DMODULE,
        # KBUILD_MODNAME); modpost of the =m configuration itself runs in
        # scripts/build-debug-kernel.sh's modular build, which fails on it.
        objs = sorted(f[:-2] + ".o" for f in os.listdir(m) if f.endswith(".c"))
        text, rc = kmake(f"M={m}", "W=1", "CONFIG_VNET_LINK_MIRROR=m",
                         "CONFIG_VNET_LINK_MIRROR_KUNIT_TEST=m", *objs, tree=tree)
        kos = sorted(re.findall(r"CC \[M\]\s+(\S+\.o)", text))
    bad = [l for l in text.splitlines() if "warning:" in l or "error:" in l]
    want = sorted(os.path.basename(o) for o in objs)
    if rc or bad or sorted(os.path.basename(k) for k in kos) != want:
        raise AssertionError(f"=m W=1 (exit {rc}, compiled {kos}):\n" +
                             "\n".join(bad or text.splitlines()[-30:]))
    return kos


def check_checkpatch(tree, patches):
    text, rc = run(["perl", os.path.join(tree, "scripts", "checkpatch.pl"), "--strict",
                    "--show-types", "--terse", f"--root={tree}", *patches], cwd=tree)
    bad = [l for l in text.splitlines()
           if any(k in l for k in ("ERROR", "WARNING", "CHECK", "Traceback"))]
    if rc or bad:
        raise AssertionError(f"checkpatch --strict on the series (exit {rc}):\n" +
                             "\n".join(bad or text.splitlines()[-30:]))


def check_kernel_doc(tree, files):
    # -Wall: parameters, members, return values and short descriptions;
    # -Werror turns the count into the exit status.
    kd = os.path.join(tree, "scripts", "kernel-doc")
    text, rc = run([kd, "-none", "-Wall", "-Werror", *files], cwd=tree)
    warn = [l for l in text.splitlines() if l.strip()]
    if rc or warn:
        raise AssertionError(f"kernel-doc -none -Wall (exit {rc}):\n" + "\n".join(warn[:30]))
    return len(files)


def check_docs(tree, page, index, abi):
    """The page builds with Sphinx -W and the tree's kernel-doc extension
    (the kernel-doc directives in it expand with no warning), it is in the
    networking index's toctree, and the ABI file parses with the tree's
    get_abi.py with no warning, documenting every attribute the driver
    creates."""
    with tempfile.TemporaryDirectory(prefix="vnlm-doc-") as tmp:
        os.makedirs(os.path.join(tmp, "src"))
        shutil.copy(page, os.path.join(tmp, "src", "vnet-link-mirror.rst"))
        with open(os.path.join(tmp, "src", "conf.py"), "w") as f:
            f.write("import sys\n"
                    f"sys.path.insert(0, {os.path.join(tree, 'Documentation', 'sphinx')!r})\n"
                    "extensions = ['kerneldoc', 'rstFlatTable']\n"
                    f"kerneldoc_srctree = {tree!r}\n"
                    f"kerneldoc_bin = {os.path.join(tree, 'scripts', 'kernel-doc')!r}\n"
                    "master_doc = 'index'\n")
        with open(os.path.join(tmp, "src", "index.rst"), "w") as f:
            f.write(".. toctree::\n\n   vnet-link-mirror\n")
        text, rc = run(["sphinx-build", "-W", "--keep-going", "-q", "-b", "html",
                        os.path.join(tmp, "src"), os.path.join(tmp, "out")], cwd=tree,
                       env=dict(ENV, srctree=tree))
        html = ""
        if rc == 0:
            html = open(os.path.join(tmp, "out", "vnet-link-mirror.html")).read()
    if rc or text.strip():
        raise AssertionError(f"sphinx-build -W on {os.path.basename(page)} (exit {rc}):\n"
                             + text[-3000:])
    for ident in re.findall(r":identifiers: (.*)", open(page).read()):
        for name in ident.split():
            if f'id="c.{name}"' not in html:
                raise AssertionError(f"kernel-doc directive: {name} not rendered")
    toc = open(index).read().split(".. toctree::")[1]
    if not re.search(r"^   vnet-link-mirror$", toc, re.M):
        raise AssertionError(f"{DOC} is not in the first toctree of {index}")
    get_abi = os.path.join(tree, "tools", "docs", "get_abi.py")
    abi_dir = os.path.dirname(os.path.dirname(abi))
    text, rc = run(["python3", get_abi, "-D", abi_dir, "validate"], cwd=tree)
    ours = [l for l in text.splitlines() if os.path.basename(abi) in l]
    if rc or ours:
        raise AssertionError(f"get_abi.py validate (exit {rc}):\n" + "\n".join(ours))
    attrs = set()
    for f in ("vnlm_sysfs.c",):
        code = open(os.path.join(TOP, "driver", f)).read()
        attrs |= set(re.findall(r"DEVICE_ATTR_R[OW]\((\w+)\)", code))
        for m in re.finditer(r"^VNLM_DOORBELL_STAT\((\w+)\);", code, re.M):
            attrs.add(f"doorbell_{m.group(1)}")
    documented = set(re.findall(r"^What:\s+\S+/(\w+)$", open(abi).read(), re.M))
    missing = sorted(a for a in attrs if a not in documented and "#" not in a)
    if missing:
        raise AssertionError(f"sysfs attributes without an ABI entry: {missing}")
    return len(documented)


def dt_root():
    out = subprocess.run([os.path.join(TOP, "scripts", "trixie-root.sh"), board.CACHE, "dt"],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


def check_dt_binding(tree):
    root = dt_root()
    mount = os.path.dirname(tree)
    # The example is extracted, compiled and validated again every run (a
    # tree that ran the check before would otherwise say nothing at all).
    for ext in (".example.dts", ".example.dtb"):
        f = os.path.join(tree, BINDING[:-len(".yaml")] + ext)
        if os.path.exists(f):
            os.unlink(f)
    text, rc = run([os.path.join(TOP, "scripts", "in-root.sh"), root, mount,
                    "make", "-C", tree, "-j2", "dt_binding_check",
                    "DT_SCHEMA_FILES=net/linux,virtio-net-link-mirror.yaml"], cwd=tree)
    ours = [l for l in text.splitlines() if re.search(r"warning|error", l, re.I) or
            "linux,virtio-net-link-mirror" in l and not re.search(r"^\s*(CHKDT|LINT|DTEX|DTC|"
                                                                  r"DTC_CHK|STYLE)\b", l)]
    # The example compiled and validated against the schemas: kbuild says
    # "DTC [C]" (7.x) or "DTC_CHK" (6.x) for that step.
    checked = re.search(r"(DTC_CHK|DTC \[C\])\s+\S*linux,virtio-net-link-mirror\.example\.dtb",
                        text)
    if rc or ours or not checked:
        raise AssertionError(f"make dt_binding_check in {root} (exit {rc}, example "
                             f"{'checked' if checked else 'NOT checked'}):\n" +
                             "\n".join(ours or text.splitlines()[-30:]))
    ver, _ = run([os.path.join(TOP, "scripts", "in-root.sh"), root, mount,
                  "dt-doc-validate", "--version"], cwd=tree)
    return ver.strip()


def recipients(mbox):
    """The addresses of the first message's To: and Cc: (every patch of the
    series is sent to all of them)."""
    head = open(mbox).read().split("\n\n", 1)[0]
    head = re.sub(r"\n\s+", " ", head)
    out = set()
    for m in re.finditer(r"^(?:To|Cc): (.*)$", head, re.M):
        out |= {a.strip() for a in m.group(1).split(",") if a.strip()}
    return out


def check_get_maintainer(tree, patches, mbox):
    gm = os.path.join(tree, "scripts", "get_maintainer.pl")
    sent = recipients(mbox)
    names = {}
    for p in patches:
        text, rc = run(["perl", gm, "--no-git", "--no-git-fallback", p], cwd=tree)
        if rc:
            raise AssertionError(f"get_maintainer.pl {os.path.basename(p)} (exit {rc}):\n{text}")
        lines = text.strip().splitlines()
        names[os.path.basename(p)] = lines
        ours = [l for l in lines if l.startswith(OUR_MAINTAINER) and
                "VNET LINK MIRROR DRIVER" in l]
        if not ours or "maintainer:" not in ours[0]:
            raise AssertionError(f"get_maintainer.pl {os.path.basename(p)} does not name our "
                                 f"MAINTAINERS entry's maintainer:\n{text}")
        want = ["netdev@vger.kernel.org"]
        if "dt-bindings" in os.path.basename(p):
            want.append("devicetree@vger.kernel.org")
        for w in want:
            if not any(l.startswith(w) for l in lines):
                raise AssertionError(f"get_maintainer.pl {os.path.basename(p)} lists no {w}:"
                                     f"\n{text}")
        # "Name <addr> (role...)" or "list@host (role...)": the address part
        addrs = {re.match(r"(.*?<[^>]+>|[^\s(]+@[^\s(]+)", l).group(1).strip() for l in lines}
        unsent = sorted(addrs - sent)
        if unsent:
            raise AssertionError(f"{os.path.basename(p)}: get_maintainer.pl names {unsent}, "
                                 "not in the mbox's To:/Cc:")
    return names


def check_git_am(mbox, base_tree, tree):
    """git am takes the mbox on a git repository of the pristine files the
    series touches (the cover letter, which has no diff, dropped), and the
    result equals the debug kernel's tree file for file."""
    with tempfile.TemporaryDirectory(prefix="vnlm-am-") as repo:
        base = subprocess.run([os.path.join(TOP, "scripts", "intree-series.sh"), "--base-files"],
                              check=True, stdout=subprocess.PIPE, text=True).stdout.split()
        for f in base:
            os.makedirs(os.path.join(repo, os.path.dirname(f)), exist_ok=True)
            shutil.copy(os.path.join(base_tree, f), os.path.join(repo, f))
        ident = ["-c", "user.name=check", "-c", "user.email=check@localhost"]
        for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
            out, rc = run(["git", *ident, *cmd], cwd=repo)
            if rc:
                raise AssertionError(f"git {cmd[0]}: {out}")
        out, rc = run(["git", *ident, "am", "--empty=drop", mbox], cwd=repo)
        if rc:
            raise AssertionError(f"git am --empty=drop of the mbox (exit {rc}):\n{out}")
        log, _ = run(["git", "log", "--format=%s", "--reverse", "HEAD~3.."], cwd=repo)
        subjects = log.strip().splitlines()
        if len(subjects) != len(SUBJECTS) or not all(s.startswith(w)
                                                     for s, w in zip(subjects, SUBJECTS)):
            raise AssertionError(f"git am made {subjects}")
        files, _ = run(["git", "ls-files"], cwd=repo)
        differ = [f for f in files.split() if open(os.path.join(repo, f), "rb").read() !=
                  open(os.path.join(tree, f), "rb").read()]
        if differ:
            raise AssertionError(f"after git am, these differ from the debug kernel's tree: "
                                 f"{differ}")
    return subjects


# --- the tests --------------------------------------------------------------


def test_series():
    subjects = check_series(patches_dir())
    config = open(os.path.join(src(), ".config")).read()
    for line in ("CONFIG_VNET_LINK_MIRROR=y", "CONFIG_VNET_LINK_MIRROR_KUNIT_TEST=y"):
        if line not in config.splitlines():
            raise AssertionError(f"the debug kernel's .config lacks {line}")
    srcpkg = open(os.path.join(tree_dir(), "source")).read().strip()
    return f"{srcpkg}: " + "; ".join(subjects) + " (+ cover letter)"


def test_series_reproducible():
    # scripts/build-debug-kernel.sh keys its cache on the series' diffs: a
    # series that differs from run to run rebuilds the debug kernel (15-20
    # minutes) in every make check, and `make series` must give the same
    # mbox for the same sources.  Made again here, by the build script
    # itself, every file (cover letter and mbox too) must equal the one the
    # debug kernel was built from, byte for byte.
    f = fresh_series()
    # The build keeps the mbox beside the patches (patches/), --series one
    # level up: compare them together.
    with tempfile.TemporaryDirectory(prefix="vnlm-repro-") as tmp:
        fresh = os.path.join(tmp, "patches")
        shutil.copytree(os.path.join(f["dir"], "patches"), fresh)
        shutil.copy(os.path.join(f["dir"], "vnet-link-mirror.mbox"), fresh)
        names = check_reproducible(fresh, patches_dir())
    return f"{len(names) - 1} patches and the mbox made again, byte-identical"


def test_w1():
    built = check_w1_builtin(src())
    return f"{len(built)} objects built in with W=1, no warning"


def test_w1_modular():
    kos = check_w1_modular(src(), os.path.join(src(), DRV))
    return f"{len(kos)} objects compiled as module parts (=m) against the tree with W=1, no warning"


def test_checkpatch():
    check_checkpatch(src(), series_patches())
    return "checkpatch --strict with the tree: clean (compatibles documented, SPDX checked)"


def test_kernel_doc():
    d = os.path.join(src(), DRV)
    files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(d) for f in fs
                   if f.endswith((".c", ".h")) and not f.endswith(".mod.c"))
    n = check_kernel_doc(src(), files)
    return f"kernel-doc -none -Wall: {n} files (driver and ABI header), no warning"


def test_docs():
    n = check_docs(src(), os.path.join(src(), DOC),
                   os.path.join(src(), "Documentation", "networking", "index.rst"),
                   os.path.join(src(), ABI))
    return (f"{DOC}: sphinx-build -W with the tree's kernel-doc extension, in the toctree; "
            f"ABI: {n} entries, get_abi.py validate clean, every attribute documented")


def test_dt_binding_check():
    ver = check_dt_binding(src())
    return f"{BINDING}: clean, example checked (dt-schema {ver}, trixie-dt root)"


def test_get_maintainer():
    names = check_get_maintainer(src(), series_patches(),
                                 os.path.join(patches_dir(), "vnet-link-mirror.mbox"))
    n = sum(len(v) for v in names.values())
    return f"each patch names our maintainer and netdev (dt: devicetree); {n} names, all in To/Cc"


def test_mbox_git_am():
    f = fresh_series()
    subjects = check_git_am(os.path.join(patches_dir(), "vnet-link-mirror.mbox"), f["tree"],
                            src())
    return f"git am --empty=drop: {len(subjects)} commits, files equal to the tree's"


HOST_TESTS = [
    ("in-tree: the series and the built-in config", test_series),
    ("in-tree: the series is reproducible (the debug kernel's cache key, make series)",
     test_series_reproducible),
    ("in-tree: W=1 build of the driver built in, no warning", test_w1),
    ("in-tree: W=1 build of the driver as modules, no warning", test_w1_modular),
    ("in-tree: checkpatch --strict on the patches, with the tree", test_checkpatch),
    ("in-tree: kernel-doc on the driver and its ABI header", test_kernel_doc),
    ("in-tree: documentation page and sysfs ABI", test_docs),
    ("in-tree: make dt_binding_check on the binding", test_dt_binding_check),
    ("in-tree: get_maintainer.pl names our entry, netdev and devicetree", test_get_maintainer),
    ("in-tree: the mbox applies with git am", test_mbox_git_am),
]


# --- each check on a broken input --------------------------------------------
# `python3 test/cases/host_intree.py --mutations [TREE SERIES_DIR BASE_TREE]`
# breaks one input per check by hand (on a copy, or in the tree and put
# back) and requires the check to fail; by default on the debug kernel's
# tree.  W=1 built in and dt_binding_check edit the tree's own file and
# restore it.


def _mutated(path, old, new, tmp):
    text = open(path).read()
    if old not in text:
        raise SystemExit(f"mutation: {old!r} not in {path}")
    out = os.path.join(tmp, os.path.basename(path))
    with open(out, "w") as f:
        f.write(text.replace(old, new, 1))
    return out


def _in_place(path, old, new):
    text = open(path).read()
    if old not in text:
        raise SystemExit(f"mutation: {old!r} not in {path}")
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))
    return lambda: open(path, "w").write(text)


def mutations(tree, pdir, mbox, base_tree, built=True):
    results = []

    def expect_fail(name, fn, *args):
        try:
            fn(*args)
        except AssertionError as e:
            first = str(e).strip().splitlines()
            results.append((name, "FAILED as it should", " | ".join(first[:3])[:400]))
            return
        results.append((name, "PASSED ON A BROKEN INPUT", ""))

    patches = series_patches(pdir)
    p2 = [p for p in patches if os.path.basename(p).startswith("0002-")][0]
    with tempfile.TemporaryDirectory(prefix="vnlm-mut-") as tmp:
        d = os.path.join(tmp, "series")
        shutil.copytree(pdir, d)
        _mutated(os.path.join(d, os.path.basename(p2)), "Signed-off-by: ", "Signed-of-by: ",
                 d)
        expect_fail("series (0002 without Signed-off-by)", check_series, d)

        d2 = os.path.join(tmp, "repro")
        shutil.copytree(pdir, d2)
        _mutated(os.path.join(d2, os.path.basename(p2)), "mirror", "mirr0r", d2)
        expect_fail("reproducible (one changed byte in 0002)", check_reproducible, d2, pdir)

        bad = _mutated(p2, "+MODULE_DESCRIPTION(", "+MODULE_DESCRIPTION( ", tmp)
        expect_fail("checkpatch (space after '(' in MODULE_DESCRIPTION)", check_checkpatch,
                    tree, [p for p in patches if p != p2] + [bad])

        shm = os.path.join(tree, DRV, "vnlm_shm.c")
        bad = _mutated(shm, " * @state: written without a doorbell\n", "", tmp)
        expect_fail("kernel-doc (vnlm_shm_init's @state removed)", check_kernel_doc, tree,
                    [bad])

        page = os.path.join(tree, DOC)
        text = open(page).read()
        bad = os.path.join(tmp, "vnet-link-mirror.rst")
        with open(bad, "w") as f:
            f.write(text.replace("Device tree\n===========", "Device tree\n======", 1))
        expect_fail("docs (a title underline too short)", check_docs, tree, bad,
                    os.path.join(tree, "Documentation", "networking", "index.rst"),
                    os.path.join(tree, ABI))
        abi_dir = os.path.join(tmp, "ABI", "testing")
        os.makedirs(abi_dir)
        abi = os.path.join(abi_dir, os.path.basename(ABI))
        with open(abi, "w") as f:
            f.write(open(os.path.join(tree, ABI)).read().replace(
                "What:\t\t/sys/bus/platform/devices/<node>/doorbell_busy\n", "", 1))
        expect_fail("docs (doorbell_busy's ABI entry removed)", check_docs, tree, page,
                    os.path.join(tree, "Documentation", "networking", "index.rst"), abi)

        bad = _mutated(mbox, "Cc: netdev@vger.kernel.org,\n    ", "Cc: ", tmp)
        expect_fail("get_maintainer (netdev dropped from the mbox's Cc)",
                    check_get_maintainer, tree, patches, bad)

        bad = _mutated(mbox, "+obj-$(CONFIG_VNET_LINK_MIRROR) += vnet-link-mirror/",
                       "+obj-$(CONFIG_VNET_LINK_MIRROR) += vnet-link-mirr0r/", tmp)
        expect_fail("git am (0002's Makefile line changed: result differs from the tree)",
                    check_git_am, bad, base_tree, tree)
        bad = _mutated(mbox, "\n obj-", "\n obj-x", tmp)
        expect_fail("git am (a context line of 0002 changed: does not apply)",
                    check_git_am, bad, base_tree, tree)

        if built:
            drv = os.path.join(tmp, "drv")
            shutil.copytree(os.path.join(tree, DRV), drv, ignore=shutil.ignore_patterns(
                "*.o", "*.ko", "*.cmd", "*.mod*", ".*", "modules.order", "built-in.a"))
            with open(os.path.join(drv, "vnlm_shm.c"), "a") as f:
                f.write("\nvoid vnlm_mutant(void);\nvoid vnlm_mutant(void) { int unused; }\n")
            expect_fail("W=1 =m (an unused variable)", check_w1_modular, tree, drv)

            restore = _in_place(os.path.join(tree, DRV, "vnlm_shm.c"), "#include",
                                "static int vnlm_mutant_unused;\n#include")
            try:
                expect_fail("W=1 =y (an unused static variable)", check_w1_builtin, tree)
            finally:
                restore()
                check_w1_builtin(tree)      # the tree as it was: objects rebuilt clean

        restore = _in_place(os.path.join(tree, BINDING), "  - compatible\n",
                            "  - compatible\n  - linux,no-such-property\n")
        try:
            expect_fail("dt_binding_check (a required property the example lacks)",
                        check_dt_binding, tree)
        finally:
            restore()
    return results


if __name__ == "__main__":
    # --mutations: on the debug kernel's tree; --mutations TREE PATCHES_DIR
    # MBOX BASE_TREE: on a patched, unbuilt tree (no W=1 mutations).
    if sys.argv[1:2] != ["--mutations"] or len(sys.argv) not in (2, 6):
        raise SystemExit("usage: host_intree.py --mutations [TREE PATCHES_DIR MBOX BASE_TREE]")
    if len(sys.argv) == 6:
        res = mutations(*sys.argv[2:6], built=False)
    else:
        res = mutations(src(), patches_dir(), os.path.join(patches_dir(), "vnet-link-mirror.mbox"),
                        fresh_series()["tree"])
    for name, verdict, why in res:
        print(f"{verdict}: {name}\n    {why}")
    sys.exit(0 if all(v.startswith("FAILED") for _, v, _ in res) else 1)

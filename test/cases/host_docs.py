# SPDX-License-Identifier: GPL-2.0-only
"""The documentation: the guides build with Sphinx (warnings are errors),
the ABI header and the sysfs ABI file are rendered from their sources, the
man page of vnlm-dtb is built and installed and says what the tool does,
and what the docs tell a reader to type runs: the README's quick start, the
man page's examples, the README's layout table against the tree."""

import glob
import os
import re
import shlex
import shutil
import subprocess
import tempfile

import board

TOP = board.TOP
DOCS = os.path.join(TOP, "Documentation")
WORK = os.path.join(board.RUN_DIR, "check", "docs")
TOOL = os.path.join(board.BUILD, "vnlm-dtb")


def run(cmd, cwd=None, check=True):
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, shell=isinstance(cmd, str))
    if check and r.returncode:
        raise AssertionError(f"{cmd if isinstance(cmd, str) else shlex.join(cmd)}: "
                             f"exit {r.returncode}\n{r.stdout[-3000:]}")
    return r


def sphinx(src, out):
    return subprocess.run(["sphinx-build", "-W", "-q", "-b", "html", src, out],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def read(path):
    with open(path) as f:
        return f.read()


def documented(header):
    """The names kernel-doc comments in @header document."""
    return re.findall(r"^/\*\*\n \* (?:struct )?(\w+)(?:\(\))? - ", read(header), re.M)


def test_guides_build():
    out = os.path.join(WORK, "html")
    shutil.rmtree(out, ignore_errors=True)
    r = sphinx(DOCS, out)
    if r.returncode:
        raise AssertionError(f"sphinx-build -W failed:\n{r.stdout[-3000:]}")
    rtos = read(os.path.join(out, "rtos.html"))
    names = documented(os.path.join(TOP, "include", "vnet-link-mirror", "shm.h"))
    missing = [n for n in names if f'id="c.{n}"' not in rtos]
    if len(names) < 4 or missing:
        raise AssertionError(f"ABI header's kernel-doc not rendered: documented {names}, "
                             f"missing from rtos.html {missing}")
    abi = os.path.join(TOP, "driver", "sysfs-driver-vnet-link-mirror")
    attrs = re.findall(r"^What:\s*(\S+)", read(abi), re.M)
    kernel = read(os.path.join(out, "kernel.html")).replace("&lt;", "<").replace("&gt;", ">")
    gone = [a for a in attrs if f'<span class="pre">{a}</span>' not in kernel]
    if not attrs or gone:
        raise AssertionError(f"sysfs ABI not rendered: {attrs}, missing {gone}")
    pages = sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, "*.html")))
    return f"{len(pages)} pages; {len(names)} kernel-doc items, {len(attrs)} sysfs attributes"


def test_kernel_doc_warning_fails():
    """A kernel-doc comment that leaves out a parameter fails the build."""
    with tempfile.TemporaryDirectory(dir=board.RUN_DIR) as d:
        src = os.path.join(d, "docs")
        shutil.copytree(DOCS, src)
        bad = os.path.join(d, "bad.h")
        with open(bad, "w") as f:
            f.write("/**\n * vnlm_bad() - a function\n * @a: the first\n *\n"
                    " * Return: nothing much.\n */\nint vnlm_bad(int a, int b);\n")
        with open(os.path.join(src, "bad.rst"), "w") as f:
            f.write(f"Bad\n===\n\n.. vnlm-kernel-doc:: {bad}\n")
        with open(os.path.join(src, "index.rst"), "a") as f:
            f.write("   bad\n")
        r = sphinx(src, os.path.join(d, "html"))
    if r.returncode == 0 or "kernel-doc" not in r.stdout:
        raise AssertionError(f"an undocumented parameter did not fail the build "
                             f"(exit {r.returncode}):\n{r.stdout[-2000:]}")
    return "exit %d: %s" % (r.returncode, r.stdout.strip().splitlines()[-1][:100])


def test_man_page():
    """Built and installed with the tool; every command and option of the
    tool's own usage text is in it."""
    with tempfile.TemporaryDirectory(dir=board.RUN_DIR) as d:
        run(["make", "-s", "-C", os.path.join(TOP, "tools", "vnlm-dtb"), f"O={d}",
             f"DESTDIR={d}/root", "PREFIX=/usr", "install"])
        man = os.path.join(d, "root", "usr", "share", "man", "man1", "vnlm-dtb.1")
        exe = os.path.join(d, "root", "usr", "bin", "vnlm-dtb")
        if not (os.path.isfile(man) and os.access(exe, os.X_OK)):
            raise AssertionError(f"install left {sorted(os.listdir(d))}")
        page = read(man)
        usage = run([exe, "--help"], check=False).stdout
    if not re.search(r'^\.TH "VNLM-DTB" 1', page, re.M) or ".SH SYNOPSIS" not in page:
        raise AssertionError("no .TH/.SH SYNOPSIS in the man page")
    commands = set(re.findall(r"vnlm-dtb (\w+)", usage))
    options = set(re.findall(r"(--[a-z][a-z-]*)", usage))
    text = page.replace("\\-", "-").replace("\\fB", "").replace("\\fP", "")
    missing = sorted(c for c in commands if not re.search(rf"vnlm-dtb {c}\b", text)) + \
        sorted(o for o in options if o not in text)
    if len(commands) < 5 or missing:
        raise AssertionError(f"usage names {sorted(commands)} {sorted(options)}; "
                             f"not in the man page: {missing}")
    return f"{len(commands)} commands, {len(options)} options documented"


def code_block(text, after):
    """The literal block (after '::') of the paragraph containing @after."""
    i = text.index(after)
    i = text.index("::\n", i) + 3
    lines = []
    for line in text[i:].splitlines()[1:]:
        if line and not line.startswith("    "):
            break
        lines.append(line[4:])
    return "\n".join(lines).strip().replace("\\\n", " ").splitlines()


def test_quick_start():
    """The README's quick start, on QEMU virt's own DTB as 'your board',
    against Debian's headers as 'your kernel'."""
    steps = code_block(read(os.path.join(TOP, "README.rst")), "Quick start on your board")
    if len(steps) < 5:
        raise AssertionError(f"quick start block not found: {steps}")
    khdr = board.kernel_env()["KHEADERS"]
    with tempfile.TemporaryDirectory(dir=board.RUN_DIR) as d:
        run([board.qemu_binary(), "-M", f"virt,gic-version=3,dumpdtb={d}/my-board.dtb",
             "-cpu", "cortex-a57", "-smp", "3", "-m", "512", "-display", "none", "-nodefaults"])
        shutil.copytree(os.path.join(TOP, "dts"), os.path.join(d, "dts"))
        os.makedirs(os.path.join(d, "build"))
        os.symlink(TOOL, os.path.join(d, "build", "vnlm-dtb"))
        for step in steps:
            cmd = step.split("#", 1)[0].strip()
            if not cmd:
                continue
            cmd = cmd.replace("/path/to/linux-build", khdr).replace("/path/to/rootfs",
                                                                     f"{d}/rootfs")
            if cmd.startswith("make "):
                # the repository's make, building into a copy of driver/
                cmd = f"make -C {TOP} BUILD={d}/build-make " + cmd[5:]
            run(cmd, cwd=d)
        out = run([TOOL, "list", f"{d}/my-board-amp.dtb"]).stdout
        kos = glob.glob(f"{d}/rootfs/lib/modules/*/*/vnet-link-mirror.ko*")
    if "/vnet-link-mirror-0" not in out or not kos:
        raise AssertionError(f"quick start left no instance ({out!r}) or module ({kos})")
    return f"{len(steps)} steps; {out.strip()}; installed {os.path.relpath(kos[0], d)}"


def test_man_examples():
    steps = code_block(read(os.path.join(DOCS, "vnlm-dtb.rst")), "EXAMPLES")
    if len(steps) < 4:
        raise AssertionError(f"examples not found: {steps}")
    with tempfile.TemporaryDirectory(dir=board.RUN_DIR) as d:
        run(["dtc", "-I", "dts", "-O", "dtb", "-o", f"{d}/board.dtb",
             os.path.join(TOP, "dts", "generic-amp-board.dts")])
        for step in steps:
            args = shlex.split(step)
            if args[0] != "vnlm-dtb":
                raise AssertionError(f"not a vnlm-dtb line: {step}")
            run([TOOL, *args[1:]], cwd=d)
        final = run([TOOL, "list", "board.dtb"], cwd=d).stdout
    if "uplink=end1" not in final or "vnet-link-mirror-2" in final:
        raise AssertionError(f"the examples did not leave what they say: {final}")
    return f"{len(steps)} examples ran"


def test_layout_table():
    """Every path in the README's layout table exists, and every top-level
    folder and every folder of test/ is in it; the README stays short."""
    text = read(os.path.join(TOP, "README.rst"))
    n = text.count("\n")
    table = text[text.index("Layout\n======"):]
    listed = set(re.findall(r"^``([\w./-]+/)``", table, re.M))
    missing = sorted(p for p in listed if not os.path.isdir(os.path.join(TOP, p)))
    tracked = run(["git", "-C", TOP, "ls-files"]).stdout.split()
    dirs = {p.split("/", 1)[0] + "/" for p in tracked if "/" in p and not p.startswith(".")}
    dirs |= {"/".join(p.split("/", 2)[:2]) + "/" for p in tracked
             if p.startswith("test/") and p.count("/") >= 2}
    unlisted = sorted(dirs - listed)
    if missing or unlisted or n > 200:
        raise AssertionError(f"README ({n} lines): listed but absent {missing}; "
                             f"in the tree but not listed {unlisted}")
    return f"{len(listed)} folders listed, README {n} lines"


HOST_TESTS = [
    ("docs: guides build, warnings as errors; ABI header and sysfs ABI from their sources",
     test_guides_build),
    ("docs: a kernel-doc warning fails the docs build", test_kernel_doc_warning_fails),
    ("docs: vnlm-dtb man page built, installed, covers the tool's usage", test_man_page),
    ("docs: the README's quick start runs as shown", test_quick_start),
    ("docs: the man page's vnlm-dtb examples run as shown", test_man_examples),
    ("docs: the README's layout table matches the tree", test_layout_table),
]

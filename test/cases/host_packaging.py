# SPDX-License-Identifier: GPL-2.0-only
"""Packaging: the driver as Yocto, Buildroot and DKMS build it, each by
running that system's own command lines (no bitbake, no Buildroot tree)
against Debian's 6.1 arm64 headers, cross (ARCH=arm64,
CROSS_COMPILE=aarch64-linux-gnu-), in a fresh copy of the repository.

The command lines are those of, as read with the search tool:
  openembedded-core meta/classes-recipe/module.bbclass (456269b5):
    EXTRA_OEMAKE += "KERNEL_SRC=${STAGING_KERNEL_DIR}"
    module_do_compile: unset CFLAGS CPPFLAGS CXXFLAGS LDFLAGS;
      oe_runmake KERNEL_PATH=${STAGING_KERNEL_DIR} KERNEL_VERSION=${KERNEL_VERSION}
        CC="${KERNEL_CC}" LD="${KERNEL_LD}" AR="${KERNEL_AR}"
        OBJCOPY="${KERNEL_OBJCOPY}" STRIP="${KERNEL_STRIP}"
        O=${STAGING_KERNEL_BUILDDIR} KBUILD_EXTRA_SYMBOLS="${KBUILD_EXTRA_SYMBOLS}"
        ${MAKE_TARGETS}
    module_do_install: oe_runmake DEPMOD=echo
        MODLIB="${D}${nonarch_base_libdir}/modules/${KERNEL_VERSION}"
        INSTALL_FW_PATH="${D}${nonarch_base_libdir}/firmware" CC LD OBJCOPY STRIP
        O=${STAGING_KERNEL_BUILDDIR} KBUILD_EXTRA_SYMBOLS=... ${MODULES_INSTALL_TARGET}
  openembedded-core module-base.bbclass (635f85b7): export ARCH, OS,
    CROSS_COMPILE, KBUILD_OUTPUT=${STAGING_KERNEL_BUILDDIR}, KERNEL_VERSION,
    LOCALVERSION; kernel-arch.bbclass: KERNEL_CC = ${HOST_PREFIX}gcc
    -fuse-ld=bfd -ffile-prefix-map=..., KERNEL_LD = ${HOST_PREFIX}ld.bfd,
    KERNEL_AR = ${HOST_PREFIX}ar; base.bbclass: oe_runmake = ${MAKE}
    ${EXTRA_OEMAKE} "$@"; bitbake.conf (81e585d5): MAKE = "make",
    EXTRA_OEMAKE:prepend:task-compile/-install = "${PARALLEL_MAKE} ",
    STAGING_KERNEL_DIR = .../kernel-source, STAGING_KERNEL_BUILDDIR =
    .../kernel-build-artifacts (Debian's -common and -arm64 header
    directories are the same split: source, and build with .config).
  buildroot package/pkg-kernel-module.mk and linux/linux.mk (e991fa07):
    per MODULE_SUBDIRS entry d:
      $(LINUX_MAKE_ENV) $(MAKE) -C $(LINUX_DIR) $(LINUX_MAKE_FLAGS)
        $(<PKG>_MODULE_MAKE_OPTS) PWD=$(@D)/d M=$(@D)/d modules   (then modules_install)
    LINUX_MAKE_FLAGS = HOSTCC="$(HOSTCC) $(HOST_CFLAGS) $(HOST_LDFLAGS)" ARCH=$(KERNEL_ARCH)
      KCFLAGS="$(LINUX_CFLAGS)" INSTALL_MOD_PATH=$(TARGET_DIR)
      CROSS_COMPILE="$(TARGET_CROSS)" WERROR=0 REGENERATE_PARSERS=1 DEPMOD=true
    LINUX_MAKE_ENV = $(HOST_MAKE_ENV) BR_BINARIES_DIR=$(BINARIES_DIR)
  DKMS: Debian bookworm's dkms 3.0.10 itself (scripts/fetch-deps.sh installs it).

Every run has apt-get, apt-cache, dpkg, dpkg-query and sudo first on PATH
as stubs that leave a mark and fail, and no CACHE of the caller's: the
fresh copy has no .cache/, so a `make deps` there would call them (and
leave .cache/deps.ok).  None may run.
"""

import fnmatch
import hashlib
import os
import re
import shlex
import shutil
import struct
import subprocess

import board

TOP = board.TOP
WORK = os.path.join(board.BUILD, "check", "packaging")
CROSS = "aarch64-linux-gnu-"
KO = "vnet-link-mirror.ko"
LAYER = os.path.join(TOP, "tools", "yocto", "meta-vnet-link-mirror")
RECIPE = os.path.join(LAYER, "recipes-kernel", "vnet-link-mirror", "vnet-link-mirror_git.bb")
BR_EXT = os.path.join(TOP, "tools", "buildroot")
BR_MK = os.path.join(BR_EXT, "package", "vnet-link-mirror", "vnet-link-mirror.mk")
DKMS_CONF = os.path.join(TOP, "tools", "dkms", "dkms.conf")

STUBBED = ("apt-get", "apt-cache", "dpkg", "dpkg-query", "sudo")
# What a caller's environment (e.g. `make check KDIR=...`) must not leak in.
SCRUB = ("CACHE", "BUILD", "KDIR", "KERNEL_SRC", "O", "ARCH", "CROSS_COMPILE",
         "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS",
         "CC", "LD", "AR", "CFLAGS", "CPPFLAGS", "CXXFLAGS", "LDFLAGS", "KCFLAGS",
         "KBUILD_OUTPUT", "KBUILD_EXTMOD", "INSTALL_MOD_PATH", "INSTALL_MOD_DIR",
         "MODLIB", "DEPMOD", "VNLM_ABI_INCLUDE")


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


# -- the kernel ------------------------------------------------------------

def kernel():
    """Debian's headers as (source dir, build dir, release): the -arm64
    directory (.config, Module.symvers) includes the -common one's Makefile."""
    build = board.kernel_env()["KHEADERS"]
    with open(os.path.join(build, "Makefile")) as f:
        m = re.search(r"^include\s+(\S+)/Makefile\s*$", f.read(), re.M)
    src = m.group(1) if m else build
    with open(os.path.join(build, "include", "generated", "utsrelease.h")) as f:
        release = re.search(r'UTS_RELEASE\s+"([^"]+)"', f.read()).group(1)
    return src, build, release


def check_ko(path, release):
    """@path is an AArch64 relocatable ELF whose vermagic names @release."""
    expect(os.path.isfile(path), f"no module at {path}")
    with open(path, "rb") as f:
        data = f.read()
    expect(data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1,
           f"{path}: not a 64-bit little-endian ELF")
    e_type, e_machine = struct.unpack_from("<HH", data, 16)
    expect(e_type == 1 and e_machine == 183,
           f"{path}: e_type {e_type}, e_machine {e_machine} (want ET_REL, EM_AARCH64=183)")
    m = re.search(rb"(?:^|\0)vermagic=([^\0]*)", data)
    expect(m, f"{path}: no vermagic")
    vermagic = m.group(1).decode()
    expect(vermagic.split()[0] == release,
           f"{path}: vermagic '{vermagic}' is not for {release}")
    return vermagic


def modules_under(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files if f.endswith(".ko"))


# -- a fresh tree, a guarded environment -----------------------------------

def workdir(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def fresh_copy(dst):
    """What a clone holds: the tracked files (and new, not ignored ones
    that are about to be), as they are in the working tree; no .cache/,
    no build/, no objects of an in-place build."""
    out = subprocess.run(["git", "-C", TOP, "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], check=True, stdout=subprocess.PIPE).stdout
    n = 0
    for rel in out.decode().split("\0"):
        src = os.path.join(TOP, rel)
        if not rel or not os.path.lexists(src) or os.path.isdir(src):
            continue
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dst, rel), follow_symlinks=False)
        n += 1
    expect(n and os.path.exists(os.path.join(dst, "driver", "Kbuild")),
           f"fresh copy of {TOP} in {dst} has no driver/Kbuild")
    return dst


def guarded_env(work, **extra):
    """The caller's environment without build variables, with the apt and
    sudo stubs first on PATH.  Returns (env, marker file)."""
    stubs = os.path.join(work, "stubs")
    marker = os.path.join(work, "apt-ran")
    os.makedirs(stubs, exist_ok=True)
    for name in STUBBED:
        p = os.path.join(stubs, name)
        with open(p, "w") as f:
            f.write(f'#!/bin/sh\necho "{name} $*" >>"{marker}"\nexit 1\n')
        os.chmod(p, 0o755)
    env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    env["PATH"] = stubs + ":" + env.get("PATH", "/usr/bin:/bin")
    env.update(extra)
    return env, marker


def no_apt(marker, tree=None):
    if os.path.exists(marker):
        with open(marker) as f:
            raise AssertionError("apt/dpkg/sudo ran:\n" + f.read())
    if tree:
        expect(not os.path.exists(os.path.join(tree, ".cache", "deps.ok")),
               f"`make deps` ran in {tree}")


def run(cmd, cwd, env, log):
    """Run @cmd; its output goes to @log (kept for inspection)."""
    with open(log, "a") as f:
        f.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT)
    if r.returncode:
        no_apt(os.path.join(os.path.dirname(log), "apt-ran"))
        with open(log) as f:
            tail = f.read()[-3000:]
        raise AssertionError(f"rc {r.returncode}: {' '.join(cmd)}\n(cwd {cwd}, log {log})\n{tail}")


def dry(cmd, cwd, env):
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    expect(r.returncode == 0, f"rc {r.returncode}: {' '.join(cmd)}\n{r.stdout[-2000:]}")
    return r.stdout


# -- the top-level Makefile -------------------------------------------------

def test_makefile_flow():
    """make -n, with MAKE=echo so the recursive kernel make only prints
    what it would be given."""
    work = workdir("makefile")
    tree = fresh_copy(os.path.join(work, "src"))
    env, marker = guarded_env(work)
    n = ["make", "-n", "MAKE=echo"]
    mod = f"M={tree}/driver"

    # A kernel tree given: the module only, no deps, O= passed on.
    for given in ("KERNEL_SRC=/k/src", "KDIR=/k/src"):
        for goal in ([], ["module"]):
            out = dry(n + [given, "O=/k/build"] + goal, tree, env)
            line = [l for l in out.splitlines() if mod in l]
            expect(line and "-C /k/src" in line[0] and "O=/k/build" in line[0]
                   and line[0].rstrip().endswith("modules"),
                   f"make {given} {goal}: no module build of /k/src with O=:\n{out}")
            for other in ("fetch-deps", "rtos-peer", "vnlm-dtb", "guest-tools",
                          "tools/fuzz", "test/kmod"):
                expect(other not in out, f"make {given} {goal} runs {other}:\n{out}")

    # ARCH and CROSS_COMPILE from the environment, then the command line.
    xenv = dict(env, ARCH="arm", CROSS_COMPILE="arm-linux-gnueabihf-")
    out = dry(n + ["KDIR=/k", "module"], tree, xenv)
    expect("ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-" in out,
           f"environment ARCH/CROSS_COMPILE ignored:\n{out}")
    out = dry(n + ["KDIR=/k", "ARCH=riscv", "CROSS_COMPILE=rv-", "module"], tree, xenv)
    expect("ARCH=riscv CROSS_COMPILE=rv-" in out, f"command-line ARCH ignored:\n{out}")
    out = dry(n + ["KDIR=/k", "module"], tree, env)
    expect(f"ARCH=arm64 CROSS_COMPILE={CROSS}" in out, f"defaults lost:\n{out}")

    # modules_install hands the kernel its variables.
    out = dry(n + ["KERNEL_SRC=/k", "modules_install", "INSTALL_MOD_PATH=/i",
                   "INSTALL_MOD_DIR=updates", "DEPMOD=true", "MODLIB=/m"], tree, env)
    for want in (mod, "modules_install", "INSTALL_MOD_PATH=/i", "INSTALL_MOD_DIR=updates",
                 "DEPMOD=true", "MODLIB=/m"):
        expect(want in out, f"modules_install: no {want}:\n{out}")
    expect("fetch-deps" not in out, f"modules_install with a tree runs deps:\n{out}")
    no_apt(marker, tree)

    # No tree given: deps first, as before (Debian's kernel from kernel.env).
    os.makedirs(os.path.join(tree, ".cache"))
    shutil.copy(os.path.join(board.CACHE, "kernel.env"), os.path.join(tree, ".cache"))
    kh = board.kernel_env()["KHEADERS"]
    for goal in (["module"], []):
        out = dry(n + goal, tree, env)
        lines = out.splitlines()
        deps = [i for i, l in enumerate(lines) if "scripts/fetch-deps.sh" in l]
        build = [i for i, l in enumerate(lines) if mod in l and f"-C {kh}" in l]
        expect(deps and build and deps[0] < build[0],
               f"make {' '.join(goal)} without KDIR: deps must come before the module:\n{out}")
    expect("rtos-peer" in out and "vnlm-dtb" in out, f"make without KDIR lost artefacts:\n{out}")
    # The peer keeps its own O= when the user gives one.
    out = dry(n + ["O=/elsewhere", "peer"], tree, env)
    expect(f"O={tree}/build" in out, f"peer lost O=$(BUILD):\n{out}")
    no_apt(marker)
    return "KERNEL_SRC=/KDIR=: module only, no deps; without: deps first, everything"


# -- Yocto -----------------------------------------------------------------

def bb_vars(path):
    """The plain assignments of a recipe or .conf (enough to check it)."""
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    vals, inherits = {}, []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^inherit\s+(.+)$", line)
        if m:
            inherits += m.group(1).split()
            continue
        m = re.match(r'^([\w${}:.\-/]+)\s*(\?\?=|\?=|:=|\+=|\.=|=)\s*"(.*)"$', line)
        expect(m, f"{path}: cannot read line: {line}")
        name, op, val = m.groups()
        val = " ".join(val.split())
        if op in ("?=", "??=") and name in vals:
            continue
        vals[name] = (vals.get(name, "") + " " + val).strip() if op in ("+=", ".=") else val
    return vals, inherits


def lic_md5(path, params):
    """The md5 insane.bbclass computes for one LIC_FILES_CHKSUM entry."""
    begin, end = int(params.get("beginline", 0)), int(params.get("endline", 0))
    h = hashlib.md5()
    with open(path, "rb") as f:
        if not begin and not end:
            h.update(f.read())
        else:
            for n, line in enumerate(f, 1):
                if n >= begin:
                    if n <= end or not end:
                        h.update(line)
                    else:
                        break
    return h.hexdigest()


def check_recipe(tree):
    v, inherits = bb_vars(RECIPE)
    expect("module" in inherits, f"recipe does not inherit module: {inherits}")
    for k in ("SUMMARY", "LICENSE", "LIC_FILES_CHKSUM", "SRC_URI", "SRCREV", "S", "PV"):
        expect(v.get(k), f"recipe sets no {k}")
    expect(v["LICENSE"] == "GPL-2.0-only", f"LICENSE {v['LICENSE']}")
    expect(v["SRC_URI"].startswith("git://"), f"SRC_URI {v['SRC_URI']}")
    expect("kernel-module-vnet-link-mirror" in v.get("RPROVIDES:${PN}", "").split(),
           "RPROVIDES:${PN} lacks kernel-module-vnet-link-mirror")
    with open(RECIPE) as f:
        expect("KERNEL_MODULE_AUTOLOAD" in f.read(), "no KERNEL_MODULE_AUTOLOAD note")
    checked = []
    for entry in v["LIC_FILES_CHKSUM"].split():
        expect(entry.startswith("file://"), f"LIC_FILES_CHKSUM entry {entry}")
        rel, *params = entry[len("file://"):].split(";")
        params = dict(p.split("=", 1) for p in params)
        path = os.path.join(tree, rel)
        expect(os.path.isfile(path), f"LIC_FILES_CHKSUM names {rel}, not in the tree")
        real = lic_md5(path, params)
        expect(params.get("md5") == real, f"LIC_FILES_CHKSUM {rel}: md5 {params.get('md5')}, "
               f"the file's is {real}")
        checked.append(rel)
    conf, _ = bb_vars(os.path.join(LAYER, "conf", "layer.conf"))
    for k in ("BBFILE_COLLECTIONS", "BBFILE_PATTERN_vnet-link-mirror",
              "LAYERSERIES_COMPAT_vnet-link-mirror"):
        expect(conf.get(k), f"layer.conf sets no {k}")
    globs = conf["BBFILES"].replace("${LAYERDIR}", LAYER).split()
    expect(any(fnmatch.fnmatch(RECIPE, g) for g in globs), f"BBFILES {globs} miss the recipe")
    return v, checked


def test_yocto():
    work = workdir("yocto")
    tree = fresh_copy(os.path.join(work, "git"))       # S = B
    v, lic = check_recipe(tree)
    src, build, release = kernel()
    d = os.path.join(work, "image")                     # D
    sysroot = os.path.join(work, "recipe-sysroot")
    kernel_cc = (f"{CROSS}gcc -fuse-ld=bfd -ffile-prefix-map={src}=/usr/src/kernel "
                 f"-ffile-prefix-map={build}=/usr/src/kernel")
    kernel_ld, kernel_ar = f"{CROSS}ld.bfd", f"{CROSS}ar"
    kernel_objcopy, kernel_strip = f"{CROSS}objcopy", f"{CROSS}strip"
    env, marker = guarded_env(
        work, ARCH="arm64", CROSS_COMPILE=CROSS, OS="linux", KBUILD_OUTPUT=build,
        KERNEL_VERSION=release, LOCALVERSION="", KBUILD_BUILD_VERSION="1",
        KBUILD_BUILD_USER="oe-user", KBUILD_BUILD_HOST="oe-host", MAKE="make",
        # bitbake.conf exports the target's userland tools; the module's
        # command line overrides them.
        CC=f"{CROSS}gcc --sysroot={sysroot}", LD=f"{CROSS}ld --sysroot={sysroot}",
        AR=f"{CROSS}ar", STRIP=kernel_strip, OBJCOPY=kernel_objcopy)
    parallel = ["-j", str(os.cpu_count() or 1)]
    extra_oemake = v.get("EXTRA_OEMAKE", "").split() + [f"KERNEL_SRC={src}"]
    make_targets = v.get("MAKE_TARGETS", "").split()
    modlib = f"{d}/lib/modules/{release}"
    log = os.path.join(work, "log")
    compile_cmd = ["make", *parallel, *extra_oemake,
                   f"KERNEL_PATH={src}", f"KERNEL_VERSION={release}",
                   f"CC={kernel_cc}", f"LD={kernel_ld}", f"AR={kernel_ar}",
                   f"OBJCOPY={kernel_objcopy}", f"STRIP={kernel_strip}",
                   f"O={build}", "KBUILD_EXTRA_SYMBOLS=", *make_targets]
    install_cmd = ["make", *parallel, *extra_oemake,
                   "DEPMOD=echo", f"MODLIB={modlib}", f"INSTALL_FW_PATH={d}/lib/firmware",
                   f"CC={kernel_cc}", f"LD={kernel_ld}", f"OBJCOPY={kernel_objcopy}",
                   f"STRIP={kernel_strip}", f"O={build}", "KBUILD_EXTRA_SYMBOLS=",
                   v.get("MODULES_INSTALL_TARGET", "modules_install")]
    run(compile_cmd, tree, env, log)
    run(install_cmd, tree, env, log)
    no_apt(marker, tree)

    symvers = os.path.join(tree, v.get("MODULES_MODULE_SYMVERS_LOCATION", ""), "Module.symvers")
    expect(os.path.isfile(symvers), f"module.bbclass would warn: no {symvers} "
           "(MODULES_MODULE_SYMVERS_LOCATION)")
    got = modules_under(d)
    want = f"lib/modules/{release}/extra/{KO}"
    expect(got == [want], f"installed {got}, expected [{want}]")
    vermagic = check_ko(os.path.join(d, want), release)
    return f"{want} ({vermagic}); LIC_FILES_CHKSUM {', '.join(lic)} matches"


# -- Buildroot -------------------------------------------------------------

def mk_vars(path):
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    vals, evals = {}, []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^\$\(eval \$\(([\w-]+)\)\)$", line.strip())
        if m:
            evals.append(m.group(1))
            continue
        m = re.match(r"^([A-Z0-9_]+)\s*(\+=|\?=|:=|=)\s*(.*)$", line)
        if m:
            name, op, val = m.groups()
            val = " ".join(val.split())
            vals[name] = (vals.get(name, "") + " " + val).strip() if op == "+=" else val
    return vals, evals


def check_br2_external():
    with open(os.path.join(BR_EXT, "external.desc")) as f:
        desc = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
    name = desc.get("name", "").strip()
    expect(name == "VNET_LINK_MIRROR", f"external.desc name '{name}'")
    with open(os.path.join(BR_EXT, "Config.in")) as f:
        expect(f"$BR2_EXTERNAL_{name}_PATH/package/vnet-link-mirror/Config.in" in f.read(),
               "Config.in does not source the package's")
    with open(os.path.join(BR_EXT, "external.mk")) as f:
        expect(f"$(BR2_EXTERNAL_{name}_PATH)/package/*/*.mk" in f.read(),
               "external.mk does not include the packages")
    with open(os.path.join(BR_EXT, "package", "vnet-link-mirror", "Config.in")) as f:
        expect("config BR2_PACKAGE_VNET_LINK_MIRROR" in f.read(), "no BR2_PACKAGE_VNET_LINK_MIRROR")
    v, evals = mk_vars(BR_MK)
    expect(evals == ["kernel-module", "generic-package"],
           f"evals {evals}: kernel-module must come before generic-package")
    return v


def test_buildroot():
    v = check_br2_external()
    work = workdir("buildroot")
    out = os.path.join(work, "output")
    # $(@D): what Buildroot rsyncs the checkout into (the name does not matter).
    version = v.get("VNET_LINK_MIRROR_VERSION") or "custom"
    pkg = fresh_copy(os.path.join(out, "build", f"vnet-link-mirror-{version}"))
    target, host, images = (os.path.join(out, d) for d in ("target", "host", "images"))
    for p in (target, host, images):
        os.makedirs(p)
    _, linux_dir, release = kernel()                    # $(LINUX_DIR): a built tree
    with open(os.path.join(linux_dir, ".config")) as f:
        expect("CONFIG_MODULES=y" in f.read().split("\n"), "kernel without modules")

    subdirs = (v.get("VNET_LINK_MIRROR_MODULE_SUBDIRS") or ".").split()
    opts = v.get("VNET_LINK_MIRROR_MODULE_MAKE_OPTS", "").replace("$(@D)", pkg)
    expect("$(" not in opts, f"MODULE_MAKE_OPTS refers to what this test cannot give: {opts}")
    opts = shlex.split(opts)
    env, marker = guarded_env(work)
    env.update({                                        # LINUX_MAKE_ENV
        "GIT_DIR": ".", "PATH": f"{host}/bin:{host}/sbin:{env['PATH']}",
        "PKG_CONFIG": f"{host}/bin/pkg-config", "PKG_CONFIG_SYSROOT_DIR": "/",
        "PKG_CONFIG_ALLOW_SYSTEM_CFLAGS": "1", "PKG_CONFIG_ALLOW_SYSTEM_LIBS": "1",
        "PKG_CONFIG_LIBDIR": f"{host}/lib/pkgconfig:{host}/share/pkgconfig",
        "BR_BINARIES_DIR": images})
    linux_make_flags = [
        f"HOSTCC=gcc -O2 -isystem {host}/include -L{host}/lib -Wl,-rpath,{host}/lib",
        "ARCH=arm64", "KCFLAGS=-Wno-attribute-alias", f"INSTALL_MOD_PATH={target}",
        f"CROSS_COMPILE={CROSS}", "WERROR=0", "REGENERATE_PARSERS=1", "DEPMOD=true"]
    log = os.path.join(work, "log")
    for goal in ("modules", "modules_install"):
        for d in subdirs:
            run(["make", "-C", linux_dir, *linux_make_flags, *opts,
                 f"PWD={pkg}/{d}", f"M={pkg}/{d}", goal], pkg, env, log)
    no_apt(marker, pkg)

    got = modules_under(target)
    want = f"lib/modules/{release}/extra/{KO}"
    expect(got == [want], f"installed {got}, expected [{want}]")
    vermagic = check_ko(os.path.join(target, want), release)
    return f"TARGET_DIR/{want} ({vermagic}); MODULE_MAKE_OPTS {' '.join(opts) or '(none)'}"


# -- DKMS ------------------------------------------------------------------

def test_dkms():
    """Real dkms in private trees.  Cross: ARCH and CROSS_COMPILE reach
    MAKE[0] through dkms's environment (see tools/dkms/dkms.conf); dkms's
    own arch (-a) is `uname -m` of the machine the kernel runs on.  dkms
    signs modules when the kernel does, generating a key at mok_signing_key
    (default /var/lib/dkms): the environment points it into the work dir.
    The install goes to a private --installtree with --no-depmod, as a
    staging install does (depmod would read /lib/modules/<release>)."""
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    dkms = shutil.which("dkms", path=path)
    expect(dkms, "no dkms (scripts/fetch-deps.sh installs it: make deps)")
    work = workdir("dkms")
    src, build, release = kernel()
    # `make dkms-source` stages into $(BUILD)/dkms: that is the --sourcetree.
    sources = os.path.join(work, "build", "dkms")
    tree, installs = (os.path.join(work, d) for d in ("dkms", "modules"))
    os.makedirs(tree)
    os.makedirs(os.path.join(installs, release))
    env, marker = guarded_env(work, ARCH="arm64", CROSS_COMPILE=CROSS,
                              mok_signing_key=os.path.join(work, "mok.key"),
                              mok_certificate=os.path.join(work, "mok.pub"))
    log = os.path.join(work, "log")

    # The packager's step: `make dkms-source` from the checkout.
    run(["make", "-C", TOP, "dkms-source", f"BUILD={work}/build"], work, env, log)
    staged = os.listdir(sources)
    expect(len(staged) == 1 and staged[0].startswith("vnet-link-mirror-"),
           f"dkms-source made {staged}")
    srcdir = os.path.join(sources, staged[0])
    version = staged[0][len("vnet-link-mirror-"):]
    with open(os.path.join(srcdir, "dkms.conf")) as f:
        conf = f.read()
    expect(f'PACKAGE_VERSION="{version}"' in conf, "staged dkms.conf: version not filled in")
    for rel in ("driver/Kbuild", "driver/vnlm_main.c", "include/vnet-link-mirror/shm.h"):
        expect(os.path.isfile(os.path.join(srcdir, rel)), f"staged tree lacks {rel}")
    junk = [f for _, _, fs in os.walk(srcdir) for f in fs
            if f.endswith((".o", ".ko", ".cmd")) or f in ("Module.symvers", "modules.order")]
    expect(not junk, f"staged tree holds build products: {junk}")

    common = ["-m", "vnet-link-mirror", "-v", version, "-k", release, "-a", "aarch64",
              "--dkmstree", tree, "--sourcetree", sources, "--installtree", installs,
              "--kernelsourcedir", build]
    run([dkms, "add", *common], work, env, log)
    run([dkms, "build", *common], work, env, log)
    # dkms install insists on uid 0; a private tree does not need it.
    asroot = [] if os.geteuid() == 0 else ["unshare", "--map-root-user"]
    run([*asroot, dkms, "install", *common, "--no-depmod"], work, env, log)
    no_apt(marker)

    built = os.path.join(tree, "vnet-link-mirror", version, release, "aarch64", "module", KO)
    check_ko(built, release)
    dest = re.search(r'^DEST_MODULE_LOCATION\[0\]="([^"]+)"', conf, re.M).group(1)
    got = modules_under(os.path.join(installs, release))
    # Debian's and Ubuntu's dkms put every module in /updates/dkms.
    allowed = {f"{dest.strip('/')}/{KO}", f"updates/dkms/{KO}"}
    expect(len(got) == 1 and got[0] in allowed,
           f"installed {got} under {installs}/{release}, expected one of {sorted(allowed)}")
    vermagic = check_ko(os.path.join(installs, release, got[0]), release)
    status = subprocess.run([dkms, "status", "-m", "vnet-link-mirror", "--dkmstree", tree,
                             "--sourcetree", sources, "--installtree", installs],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True).stdout
    expect("installed" in status, f"dkms status: {status}")
    return f"{version}: <installtree>/{release}/{got[0]} ({vermagic}); {status.strip()}"


HOST_TESTS = [
    ("packaging: Makefile with KERNEL_SRC=/KDIR= builds only the module, never deps",
     test_makefile_flow),
    ("packaging: yocto module.bbclass compile + install lines (KERNEL_SRC, O=, MODLIB, "
     "DEPMOD=echo)", test_yocto),
    ("packaging: buildroot kernel-module infra lines, BR2_EXTERNAL package", test_buildroot),
    ("packaging: dkms add/build/install, cross, private trees", test_dkms),
]

# SPDX-License-Identifier: GPL-2.0-only
#
# vnet-link-mirror: build, run on the QEMU AMP board, test.
#
#   make            cross-build driver/vnet-link-mirror.ko (and the test parts)
#   make run        boot the QEMU AMP board and flap the uplink, side by side
#   make shell      the same board, left at the guest shell
#   make check      every test, host-side and in QEMU (TAP)
#   make bench      benchmarks with ratios against same-run baselines
#   make mutants    the mutation lane over driver/ (scripts/mutants)
#   make fuzz       fuzz the shared validation code for FUZZ_SECONDS (600)
#   make debug-kernel  the KASAN/lockdep/kmemleak kernel from the newest Debian
#                   kernel source (trixie-backports; cached; make check)
#   make series     the in-tree patch series with its cover letter, against that
#                   source: $(BUILD)/series/patches/*.patch and the mbox to send,
#                   $(BUILD)/series/vnet-link-mirror.mbox
#   make lanes      the other Debian kernels (5.10, 6.12, trixie's 6.12, the newest
#                   (7.3) arm64; 6.1 armhf) and our modules
#   make docs       the guides in Documentation/ as HTML (build/docs/html)
#   make install-tools  vnlm-dtb and its man page (DESTDIR, PREFIX=/usr/local)
#   make deps       host packages and the Debian arm64 kernel (automatic)
#   make fresh-check  make run + make in a fresh minbase bookworm root (root/sudo)
#   make modules_install  the kernel's modules_install of the driver
#   make dkms-source  a DKMS source tree in $(BUILD)/dkms (tools/dkms/stage.sh)
#
# KDIR=/path/to/kernel/build (or KERNEL_SRC=, Yocto's name) builds the driver
# against your own kernel, and then `make` builds the module only and never
# runs `make deps`.  O=, ARCH and CROSS_COMPILE (command line or environment)
# reach the kernel's make; INSTALL_MOD_PATH, INSTALL_MOD_DIR, MODLIB and
# DEPMOD reach its modules_install.  tools/yocto, tools/buildroot and
# tools/dkms package the driver for those systems.

CACHE ?= $(CURDIR)/.cache
BUILD ?= $(CURDIR)/build
# Yocto's module.bbclass and a cross shell export these; ours only when unset.
ARCH ?= arm64
CROSS_COMPILE ?= aarch64-linux-gnu-
PYTHON ?= python3
export CACHE BUILD

DEPS_STAMP := $(CACHE)/deps.ok
KENV := $(CACHE)/kernel.env

# Debian's kernel (installed by `make deps`), unless the user brings one:
# KDIR=, or KERNEL_SRC= as Yocto's module.bbclass passes it.  A tree that is
# given is all the module needs: no deps, no apt, no network.
KDIR_GIVEN := $(or $(KDIR),$(KERNEL_SRC))
ifeq ($(KDIR_GIVEN),)
KDIR_DEFAULT = $(shell . $(KENV) 2>/dev/null && echo $$KHEADERS)
KDIR_EFFECTIVE = $(KDIR_DEFAULT)
MODULE_DEPS := deps
else
KDIR_EFFECTIVE = $(KDIR_GIVEN)
MODULE_DEPS :=
endif

# O= (the kernel's build directory beside its source, as Yocto passes
# STAGING_KERNEL_BUILDDIR) goes to the kernel's make only; the peer and
# tool sub-makes name their own O=$(BUILD), which wins over ours.
KBUILD_O := $(if $(filter command line,$(origin O)),O=$(O))
# modules_install's variables, passed on when set (command line or environment).
MODINST_VARS = $(foreach v,INSTALL_MOD_PATH INSTALL_MOD_DIR INSTALL_MOD_STRIP MODLIB DEPMOD,\
	$(if $($(v)),'$(v)=$($(v))'))

KMAKE = $(MAKE) -C $(KDIR_EFFECTIVE) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) $(KBUILD_O)

.PHONY: all deps module modules_install dkms-source peer testmods tools install-tools docs \
	guest-tools fuzzer debug-kernel series module-debug lanes kexec-userland uboot run shell \
	check bench fuzz fresh-check \
	clean distclean

# With a kernel tree of the user's, only the module: the other artefacts
# need the QEMU board's toolchain and packages.
ifeq ($(KDIR_GIVEN),)
all: module peer testmods tools guest-tools fuzzer peer-arm guest-tools-arm peer-imx6
else
all: module
endif

$(DEPS_STAMP): scripts/fetch-deps.sh
	scripts/fetch-deps.sh $(CACHE)
	touch $@

deps: $(DEPS_STAMP)

# `+`: a recursive make behind a variable, so it gets make's jobserver (-j).
module: $(MODULE_DEPS)
	+$(KMAKE) M=$(CURDIR)/driver CONFIG_VNET_LINK_MIRROR=m W=1 modules

# The kernel's modules_install: $(MODLIB)/$(INSTALL_MOD_DIR), i.e.
# $(INSTALL_MOD_PATH)/lib/modules/<release>/extra unless told otherwise.
# Run `make module` (or `make`) first, as with the kernel's own.
modules_install: $(MODULE_DEPS)
	+$(KMAKE) M=$(CURDIR)/driver $(MODINST_VARS) modules_install

# A DKMS source tree, as a package puts it in /usr/src/vnet-link-mirror-<version>/.
dkms-source:
	tools/dkms/stage.sh $(BUILD)/dkms

# The virt peers run lwIP too (PEER_MODE_LWIP): Debian's lwip source
# package, fetched and unpacked into CACHE once (scripts/fetch-lwip.sh); a
# failed fetch fails the build.  The path is kept in a file of its own, so
# that the recipes calling $(MAKE) (which even `make -n` runs) never fetch.
LWIP_PATH := $(CACHE)/lwip.path
$(LWIP_PATH): scripts/fetch-lwip.sh $(DEPS_STAMP)
	scripts/fetch-lwip.sh $(CACHE) >$@.tmp && mv $@.tmp $@

peer: deps $(LWIP_PATH)
	mkdir -p $(BUILD)
	$(MAKE) -C test/rtos-peer O=$(BUILD) BOARD=virt CROSS_COMPILE=$(CROSS_COMPILE) \
		LWIP_DIR="$$(cat $(LWIP_PATH))"

testmods: deps
	$(KMAKE) M=$(CURDIR)/test/kmod W=1 modules

tools: deps
	mkdir -p $(BUILD)
	$(MAKE) -C tools/vnlm-dtb O=$(BUILD)

install-tools: tools
	$(MAKE) -C tools/vnlm-dtb O=$(BUILD) install

# The guides (Debian's Sphinx): warnings are errors here and in make check.
docs: deps
	sphinx-build -W -q -b html Documentation $(BUILD)/docs/html
	@echo "docs: $(BUILD)/docs/html/index.html"

guest-tools: deps
	mkdir -p $(BUILD)/guest-tools
	$(MAKE) -C test/guest-tools O=$(BUILD)/guest-tools CROSS_COMPILE=$(CROSS_COMPILE)

fuzzer: deps
	mkdir -p $(BUILD)
	$(MAKE) -C tools/fuzz O=$(BUILD)

# Named for what they point to, the debug kernel from the newest Debian
# source: a cache shared with a checkout still on the 6.1 debug kernel
# (debug-kernel.env) keeps both pointers apart.
DEBUG_ENV := $(CACHE)/debug-kernel-newest.env
DEBUG_MOD_ENV := $(CACHE)/debug-kernel-newest-modular.env
DEBUG_SRC := $(BUILD)/debug-src

# The checker kernel: built once per fragment/source version, kept in CACHE.
debug-kernel: deps
	@dir=$$(scripts/build-debug-kernel.sh $(CACHE)) && \
	ver=$$(ls $$dir/modroot/lib/modules) && \
	tree=$$(cut -d' ' -f1 $$dir/source) && \
	printf 'KIMAGE=%s\nKBUILD=%s\nKMODULES=%s\n' "$$dir/Image-builtin" \
		"$$dir/$$tree" "$$dir/modroot/lib/modules/$$ver" > $(DEBUG_ENV) && \
	printf 'KIMAGE=%s\nKBUILD=%s\nKMODULES=%s\n' "$$dir/Image-modular" \
		"$$dir/$$tree" "$$dir/modroot-modular/lib/modules/$$ver" > $(DEBUG_MOD_ENV)

# The series as it would be posted (git am --empty=drop applies the mbox;
# make check's host_intree.py checks it on the debug kernel's tree).
series:
	rm -rf $(BUILD)/series && mkdir -p $(BUILD)/series
	scripts/build-debug-kernel.sh --series $(CACHE) $(BUILD)/series
	rm -rf $(BUILD)/series/linux-source-*
	@ls $(BUILD)/series/patches/*.patch $(BUILD)/series/vnet-link-mirror.mbox

# The debug kernel has the driver in-tree and built in (scripts/intree-series.sh,
# =y); only the test module is built against it, from a copy (it compiles
# the driver's doorbell code in) so the two builds never share object files.
module-debug: debug-kernel
	rm -rf $(DEBUG_SRC) && mkdir -p $(DEBUG_SRC)/test
	cp -r driver include $(DEBUG_SRC)/ && cp -r test/kmod $(DEBUG_SRC)/test/
	kb=$$(. $(DEBUG_ENV) && echo $$KBUILD) && \
	$(MAKE) -C $$kb ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- M=$(DEBUG_SRC)/test/kmod \
		W=1 modules

# The other Debian kernels the QEMU suites run on (armhf: the 32-bit board;
# rt-arm64: PREEMPT_RT; bookworm-armmp: the sabrelite board's non-LPAE
# kernel; trixie-arm64 and newest-arm64 build in a trixie root,
# scripts/trixie-root.sh, made as root) (scripts/fetch-kernel.sh resolves each
# from its suite's metapackage), with the driver and the test module built
# against each (scripts/build-lane.sh, W=1 clean).
LANES ?= bullseye-arm64 backports-arm64 bookworm-armhf rt-arm64 bookworm-armmp trixie-arm64 \
	newest-arm64
lanes: deps
	@for lane in $(LANES); do \
		scripts/fetch-kernel.sh $(CACHE) $$lane && \
		scripts/build-lane.sh $(CACHE) $(BUILD) $$lane || exit 1; \
	done

# Debian's kexec-tools for the arm64 guest (the kexec test), with its libraries.
kexec-userland: deps
	scripts/fetch-kexec.sh $(CACHE)

# U-Boot with CONFIG_OF_LIBFDT_OVERLAY from Debian's u-boot source package
# (Debian's binary lacks it): built once per source version and config
# fragment, kept in CACHE/uboot/ (scripts/build-uboot.sh), for QEMU virt
# (qemu_arm64: the uboot-overlay-* suites) and the i.MX6Quad sabrelite
# (mx6qsabrelite: the uboot-sabrelite suite).  Not in `all`: the module
# needs no U-Boot.
uboot: deps
	@scripts/build-uboot.sh $(CACHE)
	@scripts/build-uboot.sh $(CACHE) mx6qsabrelite

# BOARD=virt (the default) or sabrelite (the i.MX6Quad SABRE Lite model:
# its peer image and the bookworm-armmp kernel lane come first).
BOARD ?= virt
RUN_DEPS_sabrelite = peer-imx6 lanes-armmp
run: all $(RUN_DEPS_$(BOARD))
	$(PYTHON) test/harness/demo.py --board $(BOARD)

shell: all $(RUN_DEPS_$(BOARD))
	$(PYTHON) test/harness/demo.py --board $(BOARD) --shell

.PHONY: lanes-armmp
lanes-armmp:
	$(MAKE) lanes LANES=bookworm-armmp

check: all module-debug lanes kexec-userland uboot
	$(PYTHON) test/run_tests.py

# BENCH_ARGS: e.g. "--goal churn=10" for a board's own goal, "--gic 2"
# The bench also boots the PREEMPT_RT kernel: it fetches that lane alone
# (cached like the others); when it cannot, the bench says rt-window was
# not measured, and why, and counts the goal missed.
bench: all
	@echo "bench: the PREEMPT_RT kernel (lane rt-arm64) the rt-window goal is measured on"
	@scripts/fetch-kernel.sh $(CACHE) rt-arm64 >/dev/null && \
		scripts/build-lane.sh $(CACHE) $(BUILD) rt-arm64 || \
		echo "bench: no PREEMPT_RT kernel (fetch-kernel.sh rt-arm64 failed above)"
	$(PYTHON) test/bench/bench.py $(BENCH_ARGS)

FUZZ_SECONDS ?= 600
fuzz: fuzzer
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(PYTHON) test/run_tests.py -k fuzz

# The README's promise on a machine that has nothing: a debootstrap minbase
# root, a fresh clone, `make run` and `make`.  Needs no `make deps` here.
fresh-check:
	scripts/fresh-check.sh $(CACHE)

clean:
	-$(KMAKE) M=$(CURDIR)/driver clean
	-$(KMAKE) M=$(CURDIR)/test/kmod clean
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(CACHE)

# The QEMU AMP board on 32-bit Arm (qemu-system-arm, Debian's armmp-lpae
# kernel, the peer in A32): the peer image and the guest tools; the kernel
# and our modules for it are the bookworm-armhf lane.
ARM_CROSS_COMPILE ?= arm-linux-gnueabihf-
.PHONY: peer-arm guest-tools-arm peer-imx6
peer-arm: deps $(LWIP_PATH)
	mkdir -p $(BUILD)
	$(MAKE) -C test/rtos-peer O=$(BUILD) BOARD=virt ARCH=arm CROSS_COMPILE=$(ARM_CROSS_COMPILE) \
		LWIP_DIR="$$(cat $(LWIP_PATH))"

# The peer for CPU 3 of the i.MX6Quad sabrelite board (Cortex-A9: its
# addresses, the A9 global timer); the kernel is the bookworm-armmp lane.
peer-imx6: deps
	mkdir -p $(BUILD)
	$(MAKE) -C test/rtos-peer O=$(BUILD) ARCH=arm BOARD=imx6 CROSS_COMPILE=$(ARM_CROSS_COMPILE)

guest-tools-arm: deps
	mkdir -p $(BUILD)/guest-tools-arm
	$(MAKE) -C test/guest-tools O=$(BUILD)/guest-tools-arm CROSS_COMPILE=$(ARM_CROSS_COMPILE)

# The mutation lane (scripts/mutants): each mutant of driver/ built and run
# against the suites that should kill it; exit 1 on any survivor.
.PHONY: mutants
mutants: all
	$(PYTHON) scripts/mutants/run.py $(MUTANTS)

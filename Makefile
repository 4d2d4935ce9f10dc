# SPDX-License-Identifier: GPL-2.0-only
#
# vnet-link-mirror: build, run on the QEMU AMP board, test.
#
#   make            cross-build driver/vnet-link-mirror.ko (and the test parts)
#   make run        boot the QEMU AMP board and flap the uplink, side by side
#   make shell      the same board, left at the guest shell
#   make check      every test, host-side and in QEMU (TAP)
#   make bench      benchmarks with ratios against same-run baselines
#   make fuzz       fuzz the shared validation code for FUZZ_SECONDS (600)
#   make debug-kernel  the KASAN/lockdep/kmemleak kernel (cached; make check)
#   make deps       host packages and the Debian arm64 kernel (automatic)
#   make fresh-check  make run + make in a fresh minbase bookworm root (root/sudo)
#
# KDIR=/path/to/kernel/build builds the driver against your own kernel.

CACHE ?= $(CURDIR)/.cache
BUILD ?= $(CURDIR)/build
ARCH := arm64
CROSS_COMPILE ?= aarch64-linux-gnu-
PYTHON ?= python3
export CACHE BUILD

DEPS_STAMP := $(CACHE)/deps.ok
KENV := $(CACHE)/kernel.env

# Debian's kernel, unless the user brings one.
ifeq ($(KDIR),)
KDIR_DEFAULT = $(shell . $(KENV) 2>/dev/null && echo $$KHEADERS)
KDIR_EFFECTIVE = $(KDIR_DEFAULT)
else
KDIR_EFFECTIVE = $(KDIR)
endif

KMAKE = $(MAKE) -C $(KDIR_EFFECTIVE) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE)

.PHONY: all deps module peer testmods tools guest-tools fuzzer debug-kernel module-debug \
	run shell check bench fuzz fresh-check clean distclean

all: module peer testmods tools guest-tools fuzzer

$(DEPS_STAMP): tools/fetch-deps.sh
	tools/fetch-deps.sh $(CACHE)
	touch $@

deps: $(DEPS_STAMP)

module: deps
	$(KMAKE) M=$(CURDIR)/driver CONFIG_VNET_LINK_MIRROR=m W=1 modules

peer: deps
	mkdir -p $(BUILD)
	$(MAKE) -C test/rtos-peer O=$(BUILD) CROSS_COMPILE=$(CROSS_COMPILE)

testmods: deps
	$(KMAKE) M=$(CURDIR)/test/kmod W=1 modules

tools: deps
	mkdir -p $(BUILD)
	$(MAKE) -C tools/vnlm-dtb O=$(BUILD)

guest-tools: deps
	mkdir -p $(BUILD)/guest-tools
	$(MAKE) -C test/guest-tools O=$(BUILD)/guest-tools CROSS_COMPILE=$(CROSS_COMPILE)

fuzzer: deps
	mkdir -p $(BUILD)
	$(MAKE) -C tools/fuzz O=$(BUILD)

DEBUG_ENV := $(CACHE)/debug-kernel.env
DEBUG_SRC := $(BUILD)/debug-src

# The checker kernel: built once per fragment/source version, kept in CACHE.
debug-kernel: deps
	@dir=$$(tools/build-debug-kernel.sh $(CACHE)) && \
	ver=$$(ls $$dir/modroot/lib/modules) && \
	printf 'KIMAGE=%s\nKBUILD=%s\nKMODULES=%s\n' "$$dir/linux-source-6.1/arch/arm64/boot/Image" \
		"$$dir/linux-source-6.1" "$$dir/modroot/lib/modules/$$ver" > $(DEBUG_ENV)

# Our modules against the debug kernel, from a copy so the two builds never
# share object files.
module-debug: debug-kernel
	rm -rf $(DEBUG_SRC) && mkdir -p $(DEBUG_SRC)/test
	cp -r driver include $(DEBUG_SRC)/ && cp -r test/kmod $(DEBUG_SRC)/test/
	kb=$$(. $(DEBUG_ENV) && echo $$KBUILD) && \
	$(MAKE) -C $$kb ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) M=$(DEBUG_SRC)/driver \
		CONFIG_VNET_LINK_MIRROR=m CONFIG_VNET_LINK_MIRROR_KUNIT_TEST=y W=1 modules && \
	$(MAKE) -C $$kb ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) M=$(DEBUG_SRC)/test/kmod \
		W=1 modules

run: all
	$(PYTHON) test/bench/demo.py

shell: all
	$(PYTHON) test/bench/demo.py --shell

check: all module-debug
	$(PYTHON) test/run_tests.py

bench: all
	$(PYTHON) test/bench/bench.py

FUZZ_SECONDS ?= 600
fuzz: fuzzer
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(PYTHON) test/run_tests.py -k fuzz

# The README's promise on a machine that has nothing: a debootstrap minbase
# root, a fresh clone, `make run` and `make`.  Needs no `make deps` here.
fresh-check:
	tools/fresh-check.sh $(CACHE)

clean:
	-$(KMAKE) M=$(CURDIR)/driver clean
	-$(KMAKE) M=$(CURDIR)/test/kmod clean
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(CACHE)

# SPDX-License-Identifier: GPL-2.0
# build fragment for tests/e2e/ (see the top-level Makefile and
# docs/testing.md)
#
#   make e2e [HOST=svm|vmx|all] [SCENARIOS="testguest kill"]
#   make demo [DEMO=linux|debian|testguest]
#   make bench

HOST		?= svm
SCENARIOS	?=
DEMO		?= linux

# Hostile-ioctl tester: static (only libc) so it runs in any initramfs.
E2E_HOSTILE	:= $(BUILD)/bin/hxen-hostile
ALL		+= $(E2E_HOSTILE)

$(E2E_HOSTILE): tests/e2e/hostile.c include/hxen/hxen.h
	@mkdir -p $(dir $@) $(BUILD)/tests/e2e
	$(Q)$(CC) $(ALL_CFLAGS) -MF $(BUILD)/tests/e2e/hostile.d -static -pthread \
		$< -o $@

# A tiny KVM guest: hxen must refuse to start while KVM holds SVM/VMX.
E2E_KVMHOLD	:= $(BUILD)/bin/hxen-kvmhold
ALL		+= $(E2E_KVMHOLD)

$(E2E_KVMHOLD): tests/e2e/kvmhold.c
	@mkdir -p $(dir $@) $(BUILD)/tests/e2e
	$(Q)$(CC) $(ALL_CFLAGS) -MF $(BUILD)/tests/e2e/kvmhold.d -static $< -o $@

# Persistent TAPs and a user switch for 76-net-tap-hooks (busybox has neither).
E2E_TAPTOOL	:= $(BUILD)/bin/hxen-taptool
ALL		+= $(E2E_TAPTOOL)

$(E2E_TAPTOOL): tests/e2e/taptool.c
	@mkdir -p $(dir $@) $(BUILD)/tests/e2e
	$(Q)$(CC) $(ALL_CFLAGS) -MF $(BUILD)/tests/e2e/taptool.d -static $< -o $@

# A DNS server for 77-net-multi (busybox-static has no dnsd).
E2E_DNSD	:= $(BUILD)/bin/hxen-dnsd
ALL		+= $(E2E_DNSD)

$(E2E_DNSD): tests/e2e/dnsd.c
	@mkdir -p $(dir $@) $(BUILD)/tests/e2e
	$(Q)$(CC) $(ALL_CFLAGS) -MF $(BUILD)/tests/e2e/dnsd.d -static $< -o $@

# The Xen layer on the real hypercall path (owned by the Xen work).
E2E_XENCORE	:= $(BUILD)/bin/hxen-xen-core
ALL		+= $(E2E_XENCORE)

$(E2E_XENCORE): tests/e2e/xen_core.c include/hxen/hxen.h kmod/xen/xen_abi.h
	@mkdir -p $(dir $@) $(BUILD)/tests/e2e
	$(Q)$(CC) $(ALL_CFLAGS) -DHX_USER -Ikmod -MF $(BUILD)/tests/e2e/xen_core.d \
		-static -pthread $< -o $@

# Damaged variants of a save file for 92-state-fuzz (state save/restore).
E2E_STATE_MUTATE := $(BUILD)/bin/hxen-state-mutate
ALL		+= $(E2E_STATE_MUTATE)

$(E2E_STATE_MUTATE): tests/e2e/state_mutate.c monitor/stream.h include/hxen/hxen.h
	@mkdir -p $(dir $@) $(BUILD)/tests/e2e
	$(Q)$(CC) $(ALL_CFLAGS) -I. -MF $(BUILD)/tests/e2e/state_mutate.d -static $< \
		-o $@ -lz

# The Debian kernel the emulated host boots, and hxen.ko built against its
# headers (build/e2e/kdir), whatever kernel this machine runs.
.PHONY: e2e-kernel e2e-kmod
e2e-kernel: deps
	$(Q)BUILD=$(BUILD) tests/e2e/fetch-kernel.sh >/dev/null
e2e-kmod: e2e-kernel
	$(Q)$(MAKE) --no-print-directory kmod KDIR="$$(cat $(BUILD)/e2e/kdir)"

# The packages first (deps), then the build, the module and the bundled
# guest (a sub-make: these may run in parallel), then the run.
E2E_PREP = $(MAKE) --no-print-directory HXEN_DEPS_DONE=1

e2e: deps
	$(Q)$(E2E_PREP) real-all e2e-kmod guest
	$(Q)BUILD=$(BUILD) tests/e2e/run.sh $(HOST) $(SCENARIOS)

# Like `make check`, `make demo` first installs what a fresh Debian 12
# machine lacks (tools/deps.sh; stdin stays for the guest's console).
# DEMO=debian also builds the Debian root disk (make rootfs, cached).
DEMO_PREP := $(if $(filter debian,$(DEMO)),rootfs)
demo: deps
	$(Q)if [ -e /proc/modules ] && grep -qwE 'svm|vmx' /proc/cpuinfo; then \
		bash tools/deps.sh kmod </dev/null && \
		$(E2E_PREP) real-all kmod guest $(DEMO_PREP); \
	else \
		$(E2E_PREP) real-all e2e-kmod guest $(DEMO_PREP); \
	fi
	$(Q)BUILD=$(BUILD) DEMO=$(DEMO) tests/e2e/demo.sh

bench: deps
	$(Q)$(E2E_PREP) real-all e2e-kmod guest
	$(Q)BUILD=$(BUILD) tests/e2e/bench.sh

# The gui scenarios (8x-gui-*): hxen-fbtool runs in the guest (static, the
# scenario appends it to the guest's initramfs), hxen-gfxcheck in the host
# (libpng, libvncclient: a real VNC client).
E2E_FBTOOL	:= $(BUILD)/bin/hxen-fbtool
E2E_GFXCHECK	:= $(BUILD)/bin/hxen-gfxcheck
ALL		+= $(E2E_FBTOOL) $(E2E_GFXCHECK)

$(E2E_FBTOOL): tests/e2e/fbtool.c tests/e2e/gfx_pattern.h
	@mkdir -p $(dir $@) $(BUILD)/tests/e2e
	$(Q)$(CC) $(ALL_CFLAGS) -MF $(BUILD)/tests/e2e/fbtool.d -static $< -o $@

$(E2E_GFXCHECK): tests/e2e/gfxcheck.c tests/e2e/gfx_pattern.h tests/e2e/gfx_text.h
	@mkdir -p $(dir $@) $(BUILD)/tests/e2e
	$(Q)$(CC) $(ALL_CFLAGS) -MF $(BUILD)/tests/e2e/gfxcheck.d $< -o $@ \
		-lpng -lvncclient

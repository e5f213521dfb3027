# SPDX-License-Identifier: GPL-2.0
#
# hxen top-level build.
#
#   make              user space: libhxen, hxen-monitor, hxen, test guests
#   make kmod [KDIR=] hxen.ko with Kbuild (default: running kernel's headers,
#                     else the Debian headers tests/e2e fetched)
#   make check        unit tests, then the e2e scenarios in the emulated host(s)
#   make unit         unit tests only
#   make e2e [HOST=svm|vmx]
#   make demo         boot the bundled guest (natively if /dev/hxen can work
#                     here, else inside the emulated host)
#   make bench        benchmarks against QEMU+KVM in the same emulated host
#   make rootfs       the Debian root disk, build/rootfs/rootfs.img (cached;
#                     docs/guest.md); rootfs-check boots it under plain QEMU
#   make install      [PREFIX=/usr/local] [DESTDIR=]: programs, libhxen, man
#                     pages, udev rule, module source for DKMS (docs/install.md)
#   make uninstall    removes all of it (same PREFIX/DESTDIR)
#   make deb          Debian packages in build/deb/ (tools/debian/)
#   make pkg-check    install/uninstall round trip, DKMS build (part of check)
#   make deb-check    build, install and purge the packages (as root)
#
# Each directory contributes a build.mk fragment that appends to ALL and
# UNIT_SRCS; they use the variables defined here.

# The release: packages, the DKMS source tree, libhxen's file name.  The
# same number is in kmod/hx_main.c, tools/cli_info.c, libhxen.h, the man
# pages and tools/debian/changelog; tests/pkg/install-tree.sh checks that
# they agree.
VERSION	:= 0.1.0

BUILD	?= build
CC	?= gcc
AR	?= ar
Q	?= @

CFLAGS_COMMON := -O2 -g -Wall -Wextra -Wno-unused-parameter -std=gnu11 \
		 -D_GNU_SOURCE -Iinclude -MMD -MP
CFLAGS	?=
CPPFLAGS ?=
LDFLAGS	?=
ALL_CFLAGS = $(CFLAGS_COMMON) $(CPPFLAGS) $(CFLAGS)

ALL	:=
UNIT_SRCS :=
UNIT_LIBS :=

.PHONY: all kmod check unit e2e demo bench clean deps help
all: real-all

include monitor/build.mk
include devices/build.mk
include tools/build.mk
include pvdrivers/build.mk
include kmod/build.mk
include tests/unit/build.mk	# last but one: uses UNIT_SRCS from all above
include tests/e2e/build.mk
include tests/sdl/build.mk
include tools/install/build.mk

real-all: $(ALL)

# The README's two commands (make demo, make check) set everything up on a
# fresh Debian 12 machine: packages first (tools/deps.sh), then the build.
# Unit tests run first (fast, no emulator), then the install/DKMS checks
# (make pkg-check, under a minute), then the e2e scenarios on every
# emulated host.
#
# Every target that needs packages depends on `deps`, which runs
# tools/deps.sh once per top-level make (sub-makes get HXEN_DEPS_DONE=1);
# targets that need the fetched kernel run their steps in order in their
# recipes, so nothing is built before the packages are there, even with -j.
check: deps
	$(MAKE) HXEN_DEPS_DONE=1 real-all
	$(MAKE) HXEN_DEPS_DONE=1 unit
	$(MAKE) HXEN_DEPS_DONE=1 sdl-check
	$(MAKE) HXEN_DEPS_DONE=1 pkg-check
	$(MAKE) HXEN_DEPS_DONE=1 e2e HOST=all

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

HXEN_DEPS_DONE ?=
deps:
ifeq ($(HXEN_DEPS_DONE),)
	$(Q)bash tools/deps.sh </dev/null
endif

clean:
	rm -rf $(BUILD)/bin $(BUILD)/obj $(BUILD)/lib $(BUILD)/deb $(BUILD)/tests $(BUILD)/pvdrivers $(BUILD)/monitor $(BUILD)/devices $(BUILD)/tools
	-$(MAKE) -C kmod clean-local 2>/dev/null || true

help:
	@sed -n '3,24p' Makefile

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

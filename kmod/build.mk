# SPDX-License-Identifier: GPL-2.0
# build fragment for kmod/ (see the top-level Makefile)
#
#   make kmod [KDIR=...]   hxen.ko via Kbuild (kmod/Kbuild lists the objects)
#
# KDIR default: the running kernel's build tree, else the tree the e2e
# harness recorded in build/e2e/kdir, else the newest installed Debian
# linux-headers-*-amd64.

KDIR_RUNNING := $(wildcard /lib/modules/$(shell uname -r)/build)
KDIR_E2E := $(shell cat $(BUILD)/e2e/kdir 2>/dev/null)
KDIR_DEBIAN := $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
KDIR ?= $(firstword $(KDIR_RUNNING) $(KDIR_E2E) $(KDIR_DEBIAN))

kmod:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { \
		echo "kmod: no kernel build tree found; install linux-headers-\$$(uname -r)" \
		     "or pass KDIR=/path/to/kernel/build" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

.PHONY: kmod-clean
kmod-clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean

# Host-independent kernel code, unit-tested in user space with -DHX_USER.
UNIT_SRCS += kmod/hx_cpuid.c kmod/hx_msr.c kmod/hx_decode.c kmod/hx_pgwalk.c \
	     kmod/hx_lapic.c
# VMX backend's host-independent part (owned by the VMX work).
UNIT_SRCS += kmod/vmx_caps.c
# SVM backend: the VMRUN consistency checks (names the VMEXIT_INVALID reason).
UNIT_SRCS += kmod/svm_check.c
# The nested page table builder (4 KiB and 2 MiB leaves).
UNIT_SRCS += kmod/hx_npt.c
# The Xen layer (owned by the Xen work): everything under kmod/xen/.
UNIT_SRCS += $(wildcard kmod/xen/*.c)

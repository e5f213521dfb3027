#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The emulated host is what it claims (QEMU really offers SVM, Bochs VMX),
# and hxen.ko took /dev/hxen.
# e2e-timeout: 30
. /e2e/lib.sh

case $E2E_HOST in
svm|vmx) grep -qw "$E2E_HOST" /proc/cpuinfo ||
		fail "CPU has no '$E2E_HOST' flag: the emulator is misconfigured" ;;
*) fail "unknown e2e_host '$E2E_HOST'" ;;
esac
note "cpu: $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2)"
note "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(svm|npt|nrip_save|vmx|ept|vpid|flexpriority|unrestricted_guest|la57|xsave)$' | tr '\n' ' ')"
need_dev
grep -q '^hxen ' /proc/modules || fail "hxen is not in /proc/modules"
note "module: $(grep '^hxen ' /proc/modules)"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The module's Xen layer on the real VMMCALL/VMCALL path
# (tests/e2e/xen_core.c): CPUID leaves, hypercalls, shared_info and
# pvclock, VIRQ_TIMER waking HLT through the 0xF3 upcall, kick/notify
# eventfds, grant frames in the nested page table, hypercall page,
# register_vcpu_info, SCHEDOP_poll and SCHEDOP_shutdown.
# e2e-timeout: 120
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen-xen-core"
"$E2E_BIN/hxen-xen-core" > /tmp/xen-core.out 2>&1
rc=$?
cat /tmp/xen-core.out
[ "$rc" = 0 ] || fail "$(grep '^not ok\|^Bail' /tmp/xen-core.out | head -n1)${rc:+ (exit status $rc)}"
res=$(tap_check /tmp/xen-core.out) || fail "$(echo "$res" | tail -n1)"
echo "$res"

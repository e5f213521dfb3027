#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The freestanding test guest (pvdrivers/testguest) under hxen-monitor:
# every TAP line ok, the plan met, monitor exit status 0.
# e2e-timeout: 240
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen-monitor" "$TESTGUEST"
out=/tmp/testguest.out
$(testguest_cmd) > "$out" 2>&1
rc=$?
guest_prefix < "$out"
grep -i 'cycles' "$out" | sed 's/^/# bench: /'
res=$(tap_check "$out") || fail "$(echo "$res" | tail -n1)"
echo "$res"
[ "$rc" = 0 ] || fail "hxen-monitor exited with status $rc"

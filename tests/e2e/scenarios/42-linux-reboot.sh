#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `reboot` in the guest (SCHEDOP_shutdown reboot) restarts it in the same
# monitor: the guest comes back once, then `poweroff` ends with status 0.
# e2e-timeout: 900
. /e2e/lib.sh
. /e2e/linux-lib.sh

LX_APPEND=quiet
lx_boot
lx_send 'reboot'
lx_wait 'hxen-guest: Linux' $(( 300 * ${E2E_SCALE:-1} )) 2 ||
	{ lx_show 30; lx_stop; fail "the guest did not come back after reboot"; }
lx_ready 60 || { lx_show 20; lx_stop; fail "no shell after reboot"; }
lx_send 'echo "@@UP $(cut -d. -f1 /proc/uptime)"'
lx_wait '^@@UP' 30 || { lx_show 20; lx_stop; fail "no uptime after reboot"; }
note "after reboot: $(grep '^@@UP' "$LX_OUT" | tr -d '\r')"
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
n=$(lx_count 'hxen-guest: Linux')
[ "$n" = 2 ] || fail "guest booted $n times, expected 2"

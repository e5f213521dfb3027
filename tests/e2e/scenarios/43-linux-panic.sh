#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A guest kernel panic (sysrq c, panic=-1) ends in SCHEDOP_shutdown(crash):
# the monitor exits with status 4 and the panic text is in its output.
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/linux-lib.sh

LX_APPEND=quiet
lx_boot
lx_send 'echo c > /proc/sysrq-trigger'
lx_finish 120 || { lx_show 30; fail "the monitor did not exit after the panic"; }
lx_show 25
grep -q 'Kernel panic' "$LX_OUT" || fail "no 'Kernel panic' text in the console output"
[ "$LX_RC" = 4 ] || fail "hxen-monitor exited with status $LX_RC, expected 4 (crash)"

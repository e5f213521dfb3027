#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Hostile ioctls (tests/e2e/hostile.c): every bad argument gets an error
# or a defined exit, never a crash (the kernel-log check covers the rest).
# e2e-timeout: 300
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen-hostile"
# Streamed, so a hang shows where it happened.  Bochs' console is slow
# (minutes for the ~700 lines): there only the lines that are not "ok".
quiet=cat
# e2e_hostile_trace=1 (E2E_APPEND): also log each case to the kernel log,
# which reaches the console even when a case hangs the host
grep -qw 'e2e_hostile_trace=1' /proc/cmdline && export HXEN_HOSTILE_TRACE=1
[ "$E2E_HOST" = vmx ] && quiet="grep -v ^ok"
{ "$E2E_BIN/hxen-hostile" 2>&1; echo $? > /tmp/hostile.rc; } | tee /tmp/hostile.out | $quiet
rc=$(cat /tmp/hostile.rc)
[ "$rc" = 0 ] || fail "$(grep '^not ok' /tmp/hostile.out | head -n1)${rc:+ (exit status $rc)}"
res=$(tap_check /tmp/hostile.out) || fail "$(echo "$res" | tail -n1)"
echo "$res"

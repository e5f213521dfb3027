#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Hostile ioctls (tests/e2e/hostile.c): every bad argument gets an error
# or a defined exit, never a crash (the kernel-log check covers the rest).
# e2e-timeout: 300
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen-hostile"
# streamed, so a hang shows where it happened
{ "$E2E_BIN/hxen-hostile" 2>&1; echo $? > /tmp/hostile.rc; } | tee /tmp/hostile.out
rc=$(cat /tmp/hostile.rc)
[ "$rc" = 0 ] || fail "$(grep '^not ok' /tmp/hostile.out | head -n1)${rc:+ (exit status $rc)}"
res=$(tap_check /tmp/hostile.out) || fail "$(echo "$res" | tail -n1)"
echo "$res"

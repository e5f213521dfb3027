#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Hostile ioctls (tests/e2e/hostile.c): every bad argument gets an error
# or a defined exit, never a crash (the kernel-log check covers the rest).
# e2e-timeout: 300
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen-hostile"
"$E2E_BIN/hxen-hostile" > /tmp/hostile.out 2>&1
rc=$?
cat /tmp/hostile.out
[ "$rc" = 0 ] || fail "$(grep '^not ok' /tmp/hostile.out | head -n1)${rc:+ (exit status $rc)}"
res=$(tap_check /tmp/hostile.out) || fail "$(echo "$res" | tail -n1)"
echo "$res"

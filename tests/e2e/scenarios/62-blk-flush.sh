#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Data the guest flushed (dd conv=fsync, then sync: FLUSH_DISKCACHE) is in
# the image even when the monitor is then killed with SIGKILL.
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh

IMG=/tmp/blk62.img
blk_boot "$IMG" 32 "format=raw,vdev=xvda"
# buffered writes (through the guest's page cache), then the flushes
blk_guest 'dd if=/dev/urandom of=/tmp/p bs=1M count=4 2>/dev/null; sha256sum < /tmp/p; dd if=/tmp/p of=/dev/xvda bs=1M seek=3 conv=fsync 2>/dev/null; sync' PAT 120
pat=$(blk_val PAT)
[ -n "$pat" ] || { lx_stop; fail "no pattern"; }
lx_stop
note "monitor killed after the flush"
h=$(blk_host_sum "$IMG" 4 3)
[ "$h" = "$pat" ] || fail "after SIGKILL the image holds $h, the guest flushed $pat"
rm -f "$IMG"
exit 0

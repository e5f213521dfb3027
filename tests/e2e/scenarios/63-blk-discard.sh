#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# blkdiscard in the guest (BLKIF_OP_DISCARD) punches holes in the raw
# image: its allocation shrinks, its size does not.
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh

IMG=/tmp/blk63.img
blk_boot "$IMG" 64 "format=raw,vdev=xvda"
blk_guest 'cat /sys/block/xvda/queue/discard_granularity /sys/block/xvda/queue/discard_max_bytes' DQ
grep '^@@DQ ' "$LX_OUT" | sed 's/^/# /'
blk_guest 'dd if=/dev/urandom of=/dev/xvda bs=1M count=32 oflag=direct conv=fsync 2>/dev/null; echo done' W 180
full=$(du -k "$IMG" | cut -f1)
note "allocated after writing 32 MiB: $full KiB"
[ "$full" -ge 30000 ] || { lx_stop; fail "the image holds only $full KiB after 32 MiB of writes"; }
blk_guest 'blkdiscard -o 0 -l 33554432 /dev/xvda && echo ok; sync' D 120
grep '^@@D ' "$LX_OUT" | sed 's/^/# /'
[ "$(blk_val D)" = ok ] || { lx_stop; fail "blkdiscard failed in the guest"; }
after=$(du -k "$IMG" | cut -f1)
note "allocated after blkdiscard: $after KiB"
[ "$after" -lt $((full / 4)) ] || { lx_stop; fail "discard left $after KiB of $full KiB allocated"; }
[ "$(stat -c %s "$IMG")" = 67108864 ] || { lx_stop; fail "discard changed the image size"; }
blk_guest 'dd if=/dev/xvda bs=1M count=1 2>/dev/null | tr -d "\000" | wc -c' Z
[ "$(blk_val Z)" = 0 ] || { lx_stop; fail "discarded blocks do not read as zeroes"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
rm -f "$IMG"
exit 0

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A raw image as xvda: Linux's xen-blkfront negotiates what the backend
# offers (flush, no persistent grants, indirect descriptors), sees the
# right size, and data written with a random pattern reads back the same
# in the guest, after a guest reboot, and in the image file.
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 900
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh

IMG=/tmp/blk60.img
blk_boot "$IMG" 64 "format=raw,vdev=xvda,access=rw"
[ "$(blk_val SIZE)" = 131072 ] || { lx_stop; fail "xvda has $(blk_val SIZE) sectors, expected 131072"; }
blk_guest 'dmesg | grep "blkfront: xvda"' DMESG
grep '^@@DMESG ' "$LX_OUT" | sed 's/^/# /'
grep -q '^@@DMESG .*flush diskcache: enabled; persistent grants: disabled; indirect descriptors: enabled' "$LX_OUT" ||
	{ lx_stop; fail "blkfront did not negotiate flush, no persistent grants, indirect descriptors"; }

# 8 MiB at the start and 2 MiB at the end (the last sectors), O_DIRECT
blk_guest 'dd if=/dev/urandom of=/tmp/p bs=1M count=8 2>/dev/null && sha256sum < /tmp/p' PAT
pat=$(blk_val PAT)
blk_guest 'dd if=/tmp/p of=/dev/xvda bs=1M oflag=direct conv=fsync 2>&1 | tail -n1; dd if=/tmp/p of=/dev/xvda bs=1M count=2 seek=62 oflag=direct conv=fsync 2>&1 | tail -n1' WR 120
blk_guest 'echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/xvda bs=1M count=8 2>/dev/null | sha256sum; dd if=/dev/xvda bs=1M count=2 skip=62 2>/dev/null | sha256sum; dd if=/tmp/p bs=1M count=2 2>/dev/null | sha256sum' RD 120
grep '^@@RD ' "$LX_OUT" | tr -d '\r' > /tmp/blk60.rd
r1=$(sed -n 1p /tmp/blk60.rd | cut -d' ' -f2)
r2=$(sed -n 2p /tmp/blk60.rd | cut -d' ' -f2)
p2=$(sed -n 3p /tmp/blk60.rd | cut -d' ' -f2)
note "pattern $pat, read back $r1"
[ -n "$pat" ] && [ "$r1" = "$pat" ] || { lx_stop; fail "read back $r1, wrote $pat"; }
[ "$r2" = "$p2" ] || { lx_stop; fail "the end of the disk reads $r2, wrote $p2"; }

# reading past the end fails cleanly in the guest
blk_guest 'dd if=/dev/xvda of=/dev/null bs=512 skip=131072 count=1 2>&1 | tail -n1' PAST

lx_send 'reboot'
lx_wait 'hxen-guest: Linux' $(( 300 * ${E2E_SCALE:-1} )) 2 ||
	{ lx_show 30; lx_stop; fail "the guest did not come back after reboot"; }
lx_ready 60 || { lx_show 20; lx_stop; fail "no shell after reboot"; }
blk_guest_wait xvda
blk_guest 'dd if=/dev/xvda bs=1M count=8 2>/dev/null | sha256sum' RB 120
[ "$(blk_val RB)" = "$pat" ] || { lx_stop; fail "after reboot xvda reads $(blk_val RB), wrote $pat"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
h=$(blk_host_sum "$IMG" 8)
[ "$h" = "$pat" ] || fail "the image holds $h, the guest wrote $pat"
[ "$(blk_host_sum "$IMG" 2 62)" = "$p2" ] || fail "the end of the image differs"
lx_guest_problem && { lx_show 40; fail "the guest logged a kernel problem"; }
rm -f "$IMG" /tmp/blk60.rd
exit 0

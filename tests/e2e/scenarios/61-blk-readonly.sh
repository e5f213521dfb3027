#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A read-only disk (access=ro): the guest sees it read-only (VDISK_READONLY),
# reads it, its writes are refused, and the image does not change.  Beside
# it an empty cdrom drive (devtype=cdrom, no target): the monitor starts
# with it, and Linux's blkfront, which ignores cdrom vbds in PVH guests
# (docs/pv-backend.md), makes no device of it.
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh

IMG=/tmp/blk61.img
blk_image "$IMG" 16
printf 'hxen read-only disk\n' | dd of="$IMG" conv=notrunc 2>/dev/null
before=$(blk_host_sum "$IMG" 16)
LX_APPEND=quiet
lx_boot --disk "format=raw,vdev=xvdb,access=ro,target=$IMG" \
	--disk "vdev=xvdc,devtype=cdrom"
blk_guest_wait xvdb
blk_guest 'if [ -e /sys/block/xvdc ]; then echo present; else echo absent; fi' CD
[ "$(blk_val CD)" = absent ] || { lx_stop; fail "the empty cdrom appeared as /sys/block/xvdc (blkfront ignores cdroms in PVH guests)"; }
blk_guest 'cat /sys/block/xvdb/ro' RO
[ "$(blk_val RO)" = 1 ] || { lx_stop; fail "xvdb is not read-only in the guest (ro=$(blk_val RO))"; }
blk_guest 'dd if=/dev/xvdb bs=20 count=1 2>/dev/null' TXT
grep -q '^@@TXT hxen read-only disk' "$LX_OUT" || { lx_stop; fail "cannot read the read-only disk"; }
blk_guest 'if dd if=/dev/zero of=/dev/xvdb bs=4k count=1 oflag=direct conv=fsync 2>/dev/null; then echo written; else echo refused; fi' W
[ "$(blk_val W)" = refused ] || { lx_stop; fail "a write to the read-only disk was not refused"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
[ "$(blk_host_sum "$IMG" 16)" = "$before" ] || fail "the read-only image changed"
rm -f "$IMG"
exit 0

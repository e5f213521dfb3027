#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The image lock: while one VM writes an image, a second monitor given the
# same image read-write refuses to start, naming the spec and the image;
# the first VM is not disturbed.  A bad --disk spec is refused by name.
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh

IMG=/tmp/blk64.img
blk_image "$IMG" 16
G=$E2E_GUESTS/linux
"$E2E_BIN/hxen-monitor" --memory 64M --kernel "$G/vmlinuz" \
	--disk "vdev=xvda,colour=red,target=$IMG" --console none \
	> /tmp/blk64.bad 2>&1 && fail "a bad --disk spec was accepted"
grep -q "colour" /tmp/blk64.bad || { cat /tmp/blk64.bad; fail "the message does not name the bad key"; }

LX_APPEND=quiet
lx_boot --disk "format=raw,vdev=xvda,target=$IMG"
blk_guest_wait xvda
"$E2E_BIN/hxen-monitor" --memory 128M --kernel "$G/vmlinuz" \
	--ramdisk "$G/initramfs.cpio.gz" --console none --serial none \
	--disk "format=raw,vdev=xvda,target=$IMG" > /tmp/blk64.second 2>&1 < /dev/null &
p2=$!
i=0
while kill -0 $p2 2>/dev/null && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
if kill -0 $p2 2>/dev/null; then
	kill -9 $p2; lx_stop; fail "the second writer was not refused"
fi
wait $p2 && { lx_stop; fail "the second monitor exited with status 0"; }
sed 's/^/# /' /tmp/blk64.second | tail -n 3
grep -q "$IMG" /tmp/blk64.second || { lx_stop; fail "the refusal does not name the image"; }
grep -q "target=$IMG" /tmp/blk64.second || { lx_stop; fail "the refusal does not name the --disk spec"; }
blk_guest 'echo hello > /tmp/h; dd if=/tmp/h of=/dev/xvda conv=fsync 2>/dev/null; echo ok' W
[ "$(blk_val W)" = ok ] || { lx_stop; fail "the first VM cannot write any more"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
rm -f "$IMG" /tmp/blk64.*
exit 0

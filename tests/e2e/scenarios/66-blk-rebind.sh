#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two disks: each keeps its own data, and after the devices are unbound
# from the driver and bound again (frontend Closed, then a new connection
# from Closed) the disks come back with their data.  BLK_VCPUS=2 (the
# manual 67-blk-mq): blkfront uses one ring per vCPU (multi-queue).
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 900
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh

A=/tmp/$E2E_NAME.a
B=/tmp/$E2E_NAME.b
blk_image "$A" 16
blk_image "$B" 24
LX_APPEND=quiet
lx_boot --vcpus "${BLK_VCPUS:-1}" --verbose --disk "vdev=xvda,target=$A" --disk "format=raw,vdev=xvdc,target=$B"
blk_guest_wait xvda
blk_guest_wait xvdc
[ "$(blk_val SIZE)" = 49152 ] || { lx_stop; fail "xvdc has $(blk_val SIZE) sectors, expected 49152"; }
blk_guest 'ls /sys/block/xvda/mq | wc -l' MQ
[ "$(blk_val MQ)" = "${BLK_VCPUS:-1}" ] || { lx_stop; fail "xvda has $(blk_val MQ) hardware queues, expected ${BLK_VCPUS:-1}"; }
blk_guest 'yes disk-a | head -c 1048576 | dd of=/dev/xvda bs=64k conv=fsync 2>/dev/null; yes disk-c | head -c 1048576 | dd of=/dev/xvdc bs=64k conv=fsync 2>/dev/null; echo ok' W 120
blk_guest 'for d in vbd-51712 vbd-51744; do echo $d > /sys/bus/xen/drivers/vbd/unbind; done; sleep 1; ls /sys/block | grep -c xvd' RM 60
grep '^@@RM ' "$LX_OUT" | sed 's/^/# /'
[ "$(blk_val RM)" = 0 ] || { lx_stop; fail "the disks are still there after unbind"; }
blk_guest 'for d in vbd-51712 vbd-51744; do echo $d > /sys/bus/xen/drivers/vbd/bind; done; echo bound' IN 60
grep '^@@IN ' "$LX_OUT" | sed 's/^/# /'
blk_guest 'i=0; while [ ! -e /sys/block/xvda ] && [ $i -lt 20 ]; do sleep 1; i=$((i+1)); done; cat /sys/bus/xen/devices/vbd-51712/state; dmesg | tail -n 4' ST 60
if ! grep -q '^@@ST .*[Cc]onnected' "$LX_OUT"; then
	grep '^@@ST ' "$LX_OUT" | sed 's/^/# /'
	grep 'debug: .*vbd' "$LX_OUT" | tail -n 24 | sed 's/^/# /'
fi
blk_guest_wait xvda
blk_guest_wait xvdc
blk_guest 'dd if=/dev/xvda bs=1M count=1 2>/dev/null | sha256sum; yes disk-a | head -c 1048576 | sha256sum; dd if=/dev/xvdc bs=1M count=1 2>/dev/null | sha256sum; yes disk-c | head -c 1048576 | sha256sum' RD 120
grep '^@@RD ' "$LX_OUT" | tr -d '\r' | cut -d' ' -f2 > /tmp/$E2E_NAME.rd
[ "$(sed -n 1p /tmp/$E2E_NAME.rd)" = "$(sed -n 2p /tmp/$E2E_NAME.rd)" ] || { lx_stop; fail "xvda lost its data over the driver reload"; }
[ "$(sed -n 3p /tmp/$E2E_NAME.rd)" = "$(sed -n 4p /tmp/$E2E_NAME.rd)" ] || { lx_stop; fail "xvdc lost its data over the driver reload"; }
[ "$(sed -n 1p /tmp/$E2E_NAME.rd)" != "$(sed -n 3p /tmp/$E2E_NAME.rd)" ] || { lx_stop; fail "the two disks hold the same data"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
rm -f "$A" "$B" /tmp/$E2E_NAME.rd
exit 0

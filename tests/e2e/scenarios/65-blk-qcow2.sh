#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# qcow2 overlays on a raw base (gold-master clones): two VMs at once, each
# on its own overlay of one base, each reads the base's data and writes its
# own; afterwards the base is unchanged, `qemu-img check` finds both
# overlays clean and `qemu-img compare` finds each equal to the base with
# that VM's writes.
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 900
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh

need /usr/bin/qemu-img
B=/tmp/blk65.base
blk_image "$B" 32
blk_pattern 4 | dd of="$B" conv=notrunc 2>/dev/null
base_sum=$(sha256sum < "$B" | cut -d' ' -f1)
for i in 1 2; do
	rm -f /tmp/blk65.ov$i
	qemu-img create -q -f qcow2 -b "$B" -F raw /tmp/blk65.ov$i ||
		fail "qemu-img create overlay $i"
done
# what each VM writes: 3 MiB at 8 MiB and one sector over the base data
guest_write='yes "hxen pattern 3" | head -c 3145728 | dd of=/dev/xvda bs=1M seek=8 oflag=direct conv=fsync 2>/dev/null; echo "vm $1" | dd of=/dev/xvda bs=512 seek=1 conv=notrunc,fsync 2>/dev/null; echo written'

LX_MEM=160M
LX_APPEND=quiet
lx_boot --disk "format=qcow2,vdev=xvda,target=/tmp/blk65.ov1"
LX_MEM=160M blk_vm2_start --disk "format=qcow2,vdev=xvda,target=/tmp/blk65.ov2"
blk_guest_wait xvda
blk_guest 'dd if=/dev/xvda bs=1M count=4 2>/dev/null | sha256sum; yes "hxen pattern 4" | head -c 4194304 | sha256sum' RD 120
grep '^@@RD ' "$LX_OUT" | tr -d '\r' | cut -d' ' -f2 | uniq | wc -l > /tmp/blk65.n
[ "$(cat /tmp/blk65.n)" = 1 ] || { lx_stop; blk_vm2_stop; fail "VM 1 does not read the base's data through its overlay"; }
blk_guest "$(echo "$guest_write" | sed 's/\$1/1/')" W1 120
[ "$(blk_val W1)" = written ] || { lx_stop; blk_vm2_stop; fail "VM 1 cannot write"; }

blk_vm2_wait 'hxen-guest: Linux' 300 || { tail -n 20 "$B2_OUT"; lx_stop; blk_vm2_stop; fail "VM 2 did not boot"; }
blk_vm2_ready || { tail -n 20 "$B2_OUT"; lx_stop; blk_vm2_stop; fail "VM 2's shell does not answer"; }
blk_vm2_send 'i=0; while [ ! -e /sys/block/xvda ] && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done; echo "@@V2SUM $(dd if=/dev/xvda bs=1M count=4 2>/dev/null | sha256sum)"'
blk_vm2_wait '^@@V2SUM [0-9a-f]' 120 || { tail -n 20 "$B2_OUT"; lx_stop; blk_vm2_stop; fail "VM 2 does not answer"; }
v2=$(grep '^@@V2SUM [0-9a-f]' "$B2_OUT" | tr -d '\r' | cut -d' ' -f2)
v1=$(blk_val RD)
[ "$v2" = "$v1" ] || { lx_stop; blk_vm2_stop; fail "VM 2 reads $v2 from the base, VM 1 $v1"; }
blk_vm2_send "$(echo "$guest_write" | sed 's/\$1/2/; s/echo written/echo @@V2W-$((1+1))/')"
blk_vm2_wait '^@@V2W-2' 120 || { tail -n 20 "$B2_OUT"; lx_stop; blk_vm2_stop; fail "VM 2 cannot write"; }
blk_vm2_send 'poweroff'
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; blk_vm2_stop; fail "VM 1 did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || { blk_vm2_stop; fail "VM 1's monitor exited with status $LX_RC"; }
i=0
while kill -0 "$B2_PID" 2>/dev/null && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
kill -0 "$B2_PID" 2>/dev/null && { blk_vm2_stop; fail "VM 2 did not exit after poweroff"; }
wait "$B2_PID" || fail "VM 2's monitor exited with status $?"
exec 4>&-

[ "$(sha256sum < "$B" | cut -d' ' -f1)" = "$base_sum" ] || fail "the base image changed"
for i in 1 2; do
	qemu-img check -q /tmp/blk65.ov$i || { qemu-img check /tmp/blk65.ov$i | sed 's/^/# /'; fail "qemu-img check: overlay $i is not clean"; }
	cp "$B" /tmp/blk65.exp
	blk_pattern 3 | dd of=/tmp/blk65.exp bs=1M seek=8 conv=notrunc 2>/dev/null
	echo "vm $i" | dd of=/tmp/blk65.exp bs=512 seek=1 conv=notrunc 2>/dev/null
	qemu-img compare -q -f raw -F qcow2 /tmp/blk65.exp /tmp/blk65.ov$i ||
		fail "qemu-img compare: overlay $i differs from the base with VM $i's writes"
	note "overlay $i: $(du -k /tmp/blk65.ov$i | cut -f1) KiB, clean, equal"
done
rm -f /tmp/blk65.*
exit 0

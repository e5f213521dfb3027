#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# TAP on a bridge in the emulated host: two VMs (--vif bridge=br75) and
# the host (10.0.75.1 on br75) reach each other both ways: pings between
# all three, 64 MiB host -> VM 1 and 16 MiB VM 2 -> host over HTTP with
# sha256 checks.  The TAPs go away with the VMs.  A missing bridge is a
# clear error before the VM starts.
# e2e-hosts: svm
# e2e-timeout: 300
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh
. /e2e/net-lib.sh

for m in llc stp bridge tun; do
	[ -e /e2e/modules/net/$m.ko ] || fail "missing /e2e/modules/net/$m.ko"
done
while read -r m; do insmod /e2e/modules/net/$m.ko 2>/dev/null; done < /e2e/modules/net/order
[ -c /dev/net/tun ] || { mkdir -p /dev/net; mknod /dev/net/tun c 10 200; }

# no such bridge: refused, naming the spec
"$E2E_BIN/hxen-monitor" --memory 256M --kernel "$LX_G/vmlinuz" --ramdisk "$LX_G/initramfs.cpio.gz" \
	--vif 'bridge=nosuchbr' --serial none --console none > /tmp/net75.nobr 2>&1 &&
	fail "the monitor started with a missing bridge"
sed 's/^/# /' /tmp/net75.nobr
grep -q "bridge=nosuchbr.*bridge 'nosuchbr' does not exist" /tmp/net75.nobr ||
	fail "no clear message for a missing bridge"

ip link add br75 type bridge || fail "cannot create br75"
ip addr add 10.0.75.1/24 dev br75
ip link set br75 up
W=/tmp/net75
rm -rf "$W"; mkdir -p "$W"
net_pattern 64 "$W/f"
want=$(sha256sum < "$W/f" | cut -d' ' -f1)
busybox httpd -f -p 10.0.75.1:8075 -h "$W" &
HPID=$!
cleanup() {
	kill $HPID 2>/dev/null
	blk_vm2_stop
	ip link del br75 2>/dev/null
}
trap cleanup EXIT

LX_APPEND=quiet
lx_boot --name net75a --vif 'bridge=br75,vifname=hxtap75a'
blk_vm2_start --name net75b --vif 'bridge=br75,vifname=hxtap75b'
blk_vm2_wait 'hxen-guest: Linux' 300 || { tail -n 20 "$B2_OUT"; fail "VM 2 did not boot"; }
blk_vm2_ready || fail "VM 2's shell does not answer"
[ -e /sys/class/net/br75/brif/hxtap75a ] || fail "hxtap75a is not on br75"
[ -e /sys/class/net/br75/brif/hxtap75b ] || fail "hxtap75b is not on br75"
blk_guest 'killall udhcpc; ip addr add 10.0.75.11/24 dev eth0 && echo ok' A1
blk_vm2_send 'killall udhcpc; ip addr add 10.0.75.12/24 dev eth0 && echo @@A2-ok'
blk_vm2_wait '^@@A2-ok' 30 || fail "VM 2 took no address"

ping -c 3 -W 5 10.0.75.11 | grep -q ' 0% packet loss' || { lx_show 20; fail "the host cannot ping VM 1"; }
ping -c 3 -W 5 10.0.75.12 | grep -q ' 0% packet loss' || fail "the host cannot ping VM 2"
blk_guest 'ping -c 3 -W 5 10.0.75.12 | grep packets' P12 60
grep -q '^@@P12 3 packets transmitted, 3 packets received' "$LX_OUT" || { lx_show 20; fail "VM 1 cannot ping VM 2"; }
blk_guest 'ping -c 3 -W 5 10.0.75.1 | grep packets' P1H 60
grep -q '^@@P1H 3 packets transmitted, 3 packets received' "$LX_OUT" || fail "VM 1 cannot ping the host"

t0=$(date +%s)
blk_guest 'wget -q -O - http://10.0.75.1:8075/f | sha256sum' GET 400
got=$(blk_val GET)
note "64 MiB host -> VM 1 over TAP in $(( $(date +%s) - t0 )) s"
[ "$got" = "$want" ] || { lx_show 20; fail "VM 1 read $got, the file is $want"; }

blk_vm2_send 'mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/g bs=1M count=16 2>/dev/null && httpd -p 80 -h /tmp/www && echo @@G2-$(sha256sum < /tmp/www/g | cut -c1-64)'
blk_vm2_wait '^@@G2-' 120 || fail "VM 2 did not start its server"
want2=$(grep -a '^@@G2-' "$B2_OUT" | tr -d '\r' | sed 's/^@@G2-//')
got2=$(timeout 60 busybox wget -q -O - http://10.0.75.12/g | sha256sum | cut -d' ' -f1)
[ -n "$want2" ] && [ "$got2" = "$want2" ] || fail "the host read $got2 from VM 2, it has $want2"

lx_send 'poweroff'
blk_vm2_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "VM 1 did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "VM 1's monitor exited with status $LX_RC"
_i=0; while kill -0 "$B2_PID" 2>/dev/null && [ $_i -lt 120 ]; do sleep 1; _i=$((_i + 1)); done
[ -e /sys/class/net/hxtap75a ] && fail "hxtap75a is still there after VM 1 ended"
grep -q 'Oops\|BUG:\|WARNING:' "$LX_OUT" && { lx_show 40; fail "VM 1 logged a kernel problem"; }
rm -rf "$W"
exit 0

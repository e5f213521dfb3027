#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The network survives a guest reboot (the devices are rebuilt, the
# user-mode network and its forward are kept) and a reload of the guest's
# xen-netfront (the vif is re-armed for the driver's next instance).
# e2e-hosts: svm
# e2e-timeout: 300
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh
. /e2e/net-lib.sh

LX_APPEND=quiet
lx_boot --name net74 --vif 'type=user'
net_wait_lease 1
blk_guest 'ping -c 2 -W 5 10.0.2.2 | grep packets' P1 60
grep -q '^@@P1 2 packets transmitted, 2 packets received' "$LX_OUT" ||
	{ lx_show 20; blk_term; fail "no ping before the reboot"; }
lx_send 'reboot'
lx_wait 'hxen-guest: Linux' $(( 300 * ${E2E_SCALE:-1} )) 2 ||
	{ lx_show 30; lx_stop; fail "the guest did not come back after reboot"; }
lx_ready 60 || { lx_show 20; lx_stop; fail "no shell after reboot"; }
net_wait_lease 2
blk_guest 'ping -c 2 -W 5 10.0.2.2 | grep packets' P2 60
grep -q '^@@P2 2 packets transmitted, 2 packets received' "$LX_OUT" ||
	{ lx_show 20; net_guest_state; blk_term; fail "no ping after the reboot"; }

# module reload: the interface comes back and gets a lease again
# (a bound xenbus driver holds its module: unbind first, as Xen's docs say)
blk_guest 'killall udhcpc; echo vif-0 > /sys/bus/xen/drivers/vif/unbind && rmmod xen_netfront && insmod /lib/modules/xen-netfront.ko && echo reloaded' RL 120
grep -q '^@@RL reloaded' "$LX_OUT" || { lx_show 20; blk_term; fail "xen-netfront did not reload"; }
blk_guest 'i=0; until [ -e /sys/class/net/eth0 ] || [ $i -ge 20 ]; do sleep 1; i=$((i+1)); done; ip link set eth0 up; udhcpc -i eth0 -t 5 -T 2 -n -q 2>&1 | tail -n 2; ip -4 addr show eth0 | grep inet; ping -c 2 -W 5 10.0.2.2 | grep packets' P3 120
grep -a '^@@P3' "$LX_OUT" | sed 's/^/# /'
grep -q '^@@P3 2 packets transmitted, 2 packets received' "$LX_OUT" ||
	{ lx_show 30; net_guest_state; blk_term; fail "no ping after reloading xen-netfront"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
grep -q 'Oops\|BUG:\|WARNING:' "$LX_OUT" && { lx_show 40; fail "the guest logged a kernel problem"; }
exit 0

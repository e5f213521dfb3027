#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A vif on user-mode networking (libslirp): Linux's xen-netfront connects,
# the guest gets 10.0.2.15 by DHCP with the gateway 10.0.2.2, its MAC is
# the stable one derived from the VM name (Xen's OUI 00:16:3e), and it
# pings the gateway; the monitor's counters move.
# e2e-hosts: svm
# e2e-timeout: 420
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh
. /e2e/net-lib.sh

LX_APPEND=quiet
LX_BOOT_TIMEOUT=150
lx_boot --verbose --name net70 --vif type=user
net_wait_lease
[ "$NET_IP" = 10.0.2.15 ] || { lx_stop; fail "the guest got $NET_IP, expected 10.0.2.15"; }
blk_guest 'cat /sys/class/net/eth0/address' MAC
# the console wraps the echoed command at 80 columns: its "echo @@MAC-END"
# can start a line before the answer is there
lx_wait '^@@MAC [0-9a-f][0-9a-f]:' 10
mac=$(blk_val MAC | tr -cd "0-9a-f:")
note "guest MAC $mac"
case $mac in
00:16:3e:*) ;;
*) lx_stop; fail "MAC $mac is not in Xen's OUI 00:16:3e" ;;
esac
blk_guest 'ip route | grep default' ROUTE
grep -q '^@@ROUTE default via 10.0.2.2' "$LX_OUT" || { lx_show 20; lx_stop; fail "no default route via 10.0.2.2"; }
blk_guest 'ping -c 3 -W 5 10.0.2.2 | grep "packets"' PING 60
grep '^@@PING' "$LX_OUT" | sed 's/^/# /'
grep -q '^@@PING 3 packets transmitted, 3 packets received' "$LX_OUT" ||
	{ lx_show 20; blk_term; fail "the gateway does not answer pings"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
grep -q 'Oops\|BUG:\|WARNING:' "$LX_OUT" && { lx_show 40; fail "the guest logged a kernel problem"; }

# the same name gives the same MAC on the next start
lx_boot --name net70 --vif type=user
blk_guest 'cat /sys/class/net/eth0/address' MAC2
lx_wait '^@@MAC2 [0-9a-f][0-9a-f]:' 10
[ "$(blk_val MAC2 | tr -cd "0-9a-f:")" = "$mac" ] || { lx_stop; fail "MAC changed across starts: $(blk_val MAC2), was $mac"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
exit 0

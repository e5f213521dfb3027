#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# restrict=on: the guest still gets its DHCP lease and can be reached
# through a forward, but cannot connect out (the host's HTTP server at
# the gateway, which answers without restrict, is out of reach).
# e2e-hosts: svm
# e2e-timeout: 200
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh
. /e2e/net-lib.sh

W=/tmp/net73
rm -rf "$W"; mkdir -p "$W"
echo hxen73-open > "$W/index.html"
busybox httpd -f -p 127.0.0.1:8075 -h "$W" &
HPID=$!
trap 'kill $HPID 2>/dev/null' EXIT

token=hxen73-$$
LX_APPEND=quiet
lx_boot --name net73 --vif 'type=user,restrict=on,hostfwd=tcp:127.0.0.1:8074-:80'
# libslirp offers no router or DNS under restrict (the gateway address
# is on the guest's own subnet, so the connection below is still tried)
NET_ROUTE=none net_wait_lease
grep -a 'hxen-guest: lease eth0 ' "$LX_OUT" | tail -n1 | grep -q 'via *$' ||
	note "slirp offered a router under restrict=on"
blk_guest 'timeout 10 wget -q -O - http://10.0.2.2:8075/index.html; echo rc=$?' OUT 60
grep '^@@OUT' "$LX_OUT" | sed 's/^/# /'
grep -q '^@@OUT hxen73-open' "$LX_OUT" && { blk_term; fail "restrict=on let the guest connect out"; }
grep -q '^@@OUT rc=0' "$LX_OUT" && { blk_term; fail "wget succeeded under restrict=on"; }
blk_guest "mkdir -p /tmp/www && echo $token > /tmp/www/index.html && httpd -p 80 -h /tmp/www && echo started" HTTPD
got=$(timeout 20 busybox wget -q -O - http://127.0.0.1:8074/index.html 2>&1)
[ "$got" = "$token" ] || { lx_show 20; blk_term; fail "the forward gave '$got' under restrict=on"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
rm -rf "$W"
exit 0

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two vifs in one VM started from an xl-style config with `hxen create`
# (two user-mode networks, 10.0.2.0/24 and 10.0.3.0/24, MACs from the
# config): the guest gets a lease on each, resolves a name through
# slirp's DNS (UDP out to a DNS server on the emulated host), and
# `hxen network-list` shows both vifs with their MACs, transports and
# counters that moved.
# e2e-hosts: svm
# e2e-timeout: 400
. /e2e/lib.sh
. /e2e/state-lib.sh

need "$E2E_BIN/hxen-dnsd"
ip link set lo up 2>/dev/null
W=/tmp/net77
rm -rf "$W"; mkdir -p "$W"
cleanup() {
	st_cleanup net77
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
}
trap cleanup EXIT

# a DNS server on this host: slirp forwards the guest's queries to the
# host's resolver (/etc/resolv.conf)
echo "nameserver 127.0.0.1" > /etc/resolv.conf
"$E2E_BIN/hxen-dnsd" 127.0.0.1 53 host77.test 10.9.8.7 &
DPID=$!

st_config net77 "vif = [ 'type=user, mac=00:16:3e:00:77:01'," \
	"        'type=user, net=10.0.3.0/24, mac=00:16:3e:00:77:02' ]"
$H create -q /tmp/net77.cfg || fail "create failed"
st_prompt net77
st_attach net77

st_cmd 'cat /sys/class/net/eth0/address /sys/class/net/eth1/address' MAC
[ "$(st_line MAC 1) $(st_line MAC 2)" = "00:16:3e:00:77:01 00:16:3e:00:77:02" ] ||
	fail "the guest's MACs (eth0, eth1) are $(st_line MAC 1) $(st_line MAC 2)"
# eth0 gets its lease from the guest's init; eth1 here
st_cmd 'i=0; until ip -4 addr show eth0 | grep -q inet; do [ $i -lt 60 ] || break; sleep 1; i=$((i+1)); done; ip -4 addr show eth0 | sed -n "s/.*inet \([0-9.]*\).*/\1/p"' A0 90
a0=$(st_val A0)
[ "$a0" = 10.0.2.15 ] || fail "eth0 has address '$a0', not 10.0.2.15"
st_cmd 'ip link set eth1 up; udhcpc -i eth1 -n -q -t 10 -T 2 >/dev/null 2>&1; ip -4 addr show eth1 | sed -n "s/.*inet \([0-9.]*\).*/\1/p"' A1 90
a1=$(st_val A1)
[ "$a1" = 10.0.3.15 ] || fail "eth1 has address '$a1', not 10.0.3.15"
st_cmd 'ping -c 2 -W 5 -I eth1 10.0.3.2 | grep -c "bytes from"' P1
[ "$(st_val P1)" = 2 ] || fail "eth1 cannot ping its gateway 10.0.3.2 ($(st_val P1) replies)"
st_cmd 'nslookup host77.test 10.0.2.3 | sed -n "s/^Address: *\(10\.9\.8\.7\).*/\1/p"' DNS
dns=$(st_val DNS)
[ "$dns" = 10.9.8.7 ] || fail "no DNS answer through slirp (got '$dns')"
note "two vifs: eth0 $a0, eth1 $a1; DNS through slirp answered $dns"

$H network-list net77 > "$W/nl" || fail "hxen network-list failed"
sed 's/^/# /' "$W/nl"
for m in 00:16:3e:00:77:01 00:16:3e:00:77:02; do
	line=$(grep " $m " "$W/nl") || fail "network-list does not show $m"
	set -- $line
	[ "$4" = user ] || fail "vif $m: transport '$4', not user"
	[ "$5" -gt 0 ] && [ "$8" -gt 0 ] || fail "vif $m: counters did not move (TX $5, RX $8 frames)"
done
$H network-list --json net77 | grep -q '"mac": "00:16:3e:00:77:02"' ||
	fail "network-list --json does not show the second vif"

printf 'poweroff\n' >&3
_i=0
while $H list net77 >/dev/null 2>&1; do
	_i=$((_i + 1))
	[ $_i -gt $((60 * S)) ] && fail "the VM did not power off"
	sleep 1
done
exit 0

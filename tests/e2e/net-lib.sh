# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the network scenarios (tests/e2e/scenarios/7x-net-*.sh),
# sourced after /e2e/linux-lib.sh and /e2e/blk-lib.sh (blk_guest runs a
# command in the guest).  The bundled guest loads xen-netfront and runs
# udhcpc in the background (tools/mkguest.sh, tools/udhcpc.script), which
# prints "hxen-guest: lease eth0 ADDR/MASK via ROUTER" for each lease.
#
#   net_wait_lease [N]      wait for the Nth lease line; sets NET_IP;
#                           checks the default route unless NET_ROUTE=none
#
# busybox-static 1.35's wget segfaults with -T: use timeout(1) instead.
#   net_pattern MIB FILE    a file of MIB MiB both sides can make again

# The emulated host's init leaves the loopback down: slirp reaches the
# host's services at 127.0.0.1 (the guest's gateway address), and the
# forwards listen there.
ip link set lo up 2>/dev/null

net_wait_lease() {
	lx_wait 'hxen-guest: lease eth0 ' $(( 120 * ${E2E_SCALE:-1} )) "${1:-1}" ||
		{ lx_show 30; net_guest_state; blk_term; fail "the guest got no DHCP lease"; }
	NET_IP=$(grep -a 'hxen-guest: lease eth0 ' "$LX_OUT" | tail -n1 | tr -d '\r' |
		sed 's/.*eth0 \([0-9.]*\)\/.*/\1/')
	# slirp's restrict mode offers no router (nor DNS): nothing to check
	if [ "${NET_ROUTE:-yes}" = none ]; then
		note "guest address $NET_IP, no router offered ($(( $(date +%s) - LX_T0 )) s after start)"
		return 0
	fi
	# the script prints the line last; make sure the route is in place
	blk_guest 'i=0; until ip route | grep -q "^default"; do [ $i -lt 20 ] || break; sleep 1; i=$((i+1)); done; ip route | grep "^default"' RT 60
	grep -q '^@@RT default' "$LX_OUT" || { lx_show 30; net_guest_state; blk_term; fail "the guest has no default route after its lease"; }
	note "guest address $NET_IP ($(( $(date +%s) - LX_T0 )) s after start)"
}

net_pattern() {
	blk_pattern "$1" > "$2"
}

# What the guest's side looked like (for a failure report).
net_guest_state() {
	lx_send 'ip addr show eth0; head /sys/class/net/eth0/statistics/[rt]x_packets; ps | grep udhcp; grep -i xen /proc/interrupts; for p in $(pidof udhcpc); do cat /proc/$p/wchan; echo; cat /proc/$p/stack; done; killall udhcpc; udhcpc -i eth0 -f -q -n -t 3 -T 3 2>&1; ip addr show eth0; echo @@STATE-END'
	lx_wait '^@@STATE-END' 40
	sed -n '/ip addr show eth0;/,$p' "$LX_OUT" | tail -n 70 | guest_prefix
}

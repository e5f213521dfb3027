#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two VMs at once: two monitors running the test guest in parallel.
# e2e-timeout: 300
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen-monitor" "$TESTGUEST"
$(testguest_cmd) > /tmp/vm1.out 2>&1 &
p1=$!
$(testguest_cmd) > /tmp/vm2.out 2>&1 &
p2=$!
wait $p1
rc1=$?
wait $p2
rc2=$?
bad=
for i in 1 2; do
	echo "--- VM $i"
	guest_prefix < /tmp/vm$i.out
	res=$(tap_check /tmp/vm$i.out) || bad="$bad VM $i: $(echo "$res" | tail -n1);"
	echo "$res"
done
[ "$rc1" = 0 ] || bad="$bad VM 1 exit status $rc1;"
[ "$rc2" = 0 ] || bad="$bad VM 2 exit status $rc2;"
[ -z "$bad" ] || fail "$bad"

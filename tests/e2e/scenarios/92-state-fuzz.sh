#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 120 damaged variants of a real save file (hxen-state-mutate: bit flips
# in the header, record headers, records and RAM records, truncations,
# newer versions, inconsistent records with right CRCs, and vCPU states
# only the module can refuse) are each refused by hxen restore: exit
# status 1, a message, no VM left behind, no crash of hxen, hxen-monitor
# or the module (the kernel-log check covers the host).  The undamaged
# file still restores at the end.
# e2e-hosts: svm (Bochs is too slow for a Linux boot)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/state-lib.sh

M=$E2E_BIN/hxen-state-mutate
need "$M"
trap 'st_cleanup st92 fz; rm -f /tmp/st92.save /tmp/fz.save' EXIT
rm -f /tmp/st92.save
st_config st92 "memory = 128"
sed -i 's/^memory = 256$//' /tmp/st92.cfg
$H create -q /tmp/st92.cfg || fail "create failed"
st_prompt st92
$H save st92 /tmp/st92.save >/dev/null || fail "hxen save failed"
n=0
refused=0
while [ $n -lt 120 ]; do
	# the module-checked kind starts a monitor each time: fewer of those
	if [ $((n % 12)) = 11 ] && [ $n -gt 40 ]; then n=$((n + 1)); continue; fi
	$M /tmp/st92.save /tmp/fz.save $n || fail "mutator failed on variant $n"
	$H restore /tmp/fz.save --name fz > /tmp/fz.out 2>&1
	rc=$?
	if [ $rc != 1 ]; then
		cat /tmp/fz.out
		fail "variant $n (kind $((n % 12))): hxen restore exited $rc, not 1"
	fi
	grep -q 'refused\|cannot restore\|did not start' /tmp/fz.out || { cat /tmp/fz.out; fail "variant $n: no reason given"; }
	$H list fz >/dev/null 2>&1 && fail "variant $n left a VM behind"
	[ $n -lt 12 ] && note "variant $n: $(head -n1 /tmp/fz.out)"
	refused=$((refused + 1))
	n=$((n + 1))
done
note "$refused damaged variants refused"
[ $refused -ge 100 ] || fail "only $refused variants"
$H restore /tmp/st92.save --name fz >/dev/null || fail "the undamaged file does not restore"
$H list fz | grep -q ' running ' || fail "the undamaged restore is not running"
$H destroy fz
echo "fuzz ok"

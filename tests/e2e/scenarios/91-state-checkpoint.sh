#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hxen save -c: a checkpoint of a running Linux guest, which keeps running
# (its counter goes on).  The one file restored twice with two names gives
# two independent VMs: both count on from the checkpoint, a file written
# in one is not in the other, and each answers on hvc0.
# e2e-hosts: svm (Bochs is too slow for a Linux boot and two restores)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/state-lib.sh

trap 'st_cleanup st91 st91a st91b; rm -f /tmp/st91.save /tmp/st91p.save' EXIT
rm -f /tmp/st91.save
st_config st91 "memory = 192"
sed -i 's/^memory = 256$//' /tmp/st91.cfg
$H create -q /tmp/st91.cfg || fail "create failed"
st_prompt st91
st_attach st91
# The count is renamed into place: a cat right as the loop writes would
# otherwise read an empty, just-truncated file (and print no line).
st_cmd '(n=0; while :; do n=$((n+1)); echo $n > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done) >/dev/null 2>&1 & echo $! > /tmp/count.pid; sleep 1; cat /tmp/count' C0
c0=$(st_val C0)
out=$($H save -c st91 /tmp/st91.save) || fail "hxen save -c failed: $out"
note "$out"
st_cmd 'cat /tmp/count; sleep 1; cat /tmp/count' C1
c1=$(st_line C1 1)
c2=$(st_val C1)
note "the original after its checkpoint: count $c0 -> $c1 -> $c2"
[ "$c2" -gt "$c1" ] 2>/dev/null && [ "$c1" -ge "$c0" ] || {
	st_why st91 C
	fail "the checkpointed VM stopped counting ($c0 $c1 $c2)"
}
$H list st91 | grep -q ' running ' || fail "st91 is not running after the checkpoint"
st_detach
$H destroy st91 || fail "destroy failed"

for v in st91a st91b; do
	$H restore /tmp/st91.save --name $v || { tail -n 20 "$HXEN_RUNTIME_DIR/$v.log"; fail "restore as $v failed"; }
done
$H list st91a | grep -q ' running ' || fail "st91a is not running"
$H list st91b | grep -q ' running ' || fail "st91b is not running"
st_attach st91a
st_cmd 'cat /tmp/count; sleep 1; cat /tmp/count; echo only-a > /tmp/mark' A
a1=$(st_line A 1)
a2=$(st_line A 2)
st_detach
st_attach st91b
st_cmd 'cat /tmp/count; sleep 1; cat /tmp/count; cat /tmp/mark 2>/dev/null || echo no-mark' B
b1=$(st_line B 1)
b2=$(st_line B 2)
mark=$(st_val B)
st_detach
note "restored twice: a $a1 -> $a2, b $b1 -> $b2, b's mark: $mark"
for pair in "$a1 $a2" "$b1 $b2"; do
	set -- $pair
	[ "$1" -ge "$c0" ] 2>/dev/null && [ "$2" -gt "$1" ] || fail "a restored copy does not count on from $c0: $pair"
done
[ "$mark" = no-mark ] || fail "a file written in st91a appeared in st91b"
$H destroy st91b

# pause, save, restore -p, unpause compose (xl's -p)
$H pause st91a || fail "pause failed"
$H save st91a /tmp/st91p.save >/dev/null || fail "save of a paused VM failed"
$H restore -p /tmp/st91p.save || fail "restore -p failed"
$H list st91a | grep -q ' paused ' || fail "restore -p: st91a is not paused: $($H list st91a)"
$H unpause st91a || fail "unpause after restore -p failed"
st_attach st91a
st_cmd 'cat /tmp/count; sleep 1; cat /tmp/count; cat /tmp/mark' P
p1=$(st_line P 1)
p2=$(st_line P 2)
st_detach
note "pause/save/restore -p/unpause: count $p1 -> $p2, mark $(st_val P)"
[ "$p1" -ge "$a2" ] 2>/dev/null && [ "$p2" -gt "$p1" ] || fail "not counting on after restore -p + unpause ($a2 $p1 $p2)"
[ "$(st_val P)" = only-a ] || fail "st91a lost its tmpfs file"
$H destroy st91a
echo "checkpoint ok"

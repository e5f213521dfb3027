#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hxen save NAME FILE stops a running Linux guest; hxen restore FILE lets
# it go on without its knowledge: a process counting in the guest counts
# on from where it was, /proc/uptime never goes back, a tmpfs file and data
# written to xvda before the save are intact (in the guest and in the
# image), hvc0 and xenstore answer.
# e2e-hosts: svm (Bochs is too slow for a Linux boot and a restore)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/state-lib.sh

IMG=/tmp/st90.img
rm -f "$IMG" /tmp/st90.save
$H disk create "$IMG" 16M >/dev/null || fail "disk create failed"
trap 'st_cleanup st90; rm -f /tmp/st90.save' EXIT
st_config st90 "disk = [\"format=raw,vdev=xvda,access=rw,target=$IMG\"]"
$H create -q /tmp/st90.cfg || fail "create failed"
st_prompt st90
st_attach st90
st_cmd 'i=0; while [ ! -e /sys/block/xvda ] && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done; cat /sys/block/xvda/size' SIZE
[ "$(st_val SIZE)" = 32768 ] || fail "xvda: $(st_val SIZE) sectors"
# the counter: one step every 100 ms, in the background of hvc0's shell
st_cmd '(n=0; while :; do n=$((n+1)); echo $n > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done) >/dev/null 2>&1 & dd if=/dev/urandom of=/tmp/f bs=1k count=512 2>/dev/null; sha256sum < /tmp/f' SUM
sum=$(st_val SUM)
st_cmd 'dd if=/tmp/f of=/dev/xvda bs=64k oflag=direct conv=fsync 2>&1 | tail -n1; sleep 1; cat /tmp/count; cut -d" " -f1 /proc/uptime' PRE 60
before=$(grep '^@@PRE ' "$ST_ATT" | tail -n2 | head -n1 | tr -d '\r' | cut -d' ' -f2)
up0=$(st_val PRE)
note "before the save: count $before, uptime $up0, file $sum"
[ "$before" -gt 0 ] 2>/dev/null || fail "the counter does not count ($before)"
st_detach

out=$($H save st90 /tmp/st90.save) || fail "hxen save failed: $out"
note "$out"
$H list st90 >/dev/null 2>&1 && fail "st90 still runs after hxen save"
[ -s /tmp/st90.save ] || fail "no save file"
host=$(dd if="$IMG" bs=1k count=512 2>/dev/null | sha256sum | cut -d' ' -f1)
[ "$host" = "$sum" ] || fail "the image holds $host after the save, the guest wrote $sum"
sleep 2

t0=$(cut -d' ' -f1 /proc/uptime)
$H restore /tmp/st90.save || { tail -n 20 "$HXEN_RUNTIME_DIR/st90.log"; fail "hxen restore failed"; }
t1=$(cut -d' ' -f1 /proc/uptime)
note "restore-to-running took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
st_attach st90
st_cmd 'cat /tmp/count; sleep 1; cat /tmp/count; cut -d" " -f1 /proc/uptime; sha256sum < /tmp/f; echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/xvda bs=1k count=512 2>/dev/null | sha256sum' POST 60
grep '^@@POST ' "$ST_ATT" | tr -d '\r' > /tmp/st90.post
c1=$(sed -n 1p /tmp/st90.post | cut -d' ' -f2)
c2=$(sed -n 2p /tmp/st90.post | cut -d' ' -f2)
up1=$(sed -n 3p /tmp/st90.post | cut -d' ' -f2)
f1=$(sed -n 4p /tmp/st90.post | cut -d' ' -f2)
d1=$(sed -n 5p /tmp/st90.post | cut -d' ' -f2)
note "after the restore: count $c1 then $c2, uptime $up1"
[ "$c1" -ge "$before" ] 2>/dev/null || fail "the count went back: $before before, $c1 after"
[ "$c2" -gt "$c1" ] 2>/dev/null || fail "the counter stopped after the restore ($c1, $c2)"
awk -v a="$up0" -v b="$up1" 'BEGIN { exit !(b >= a) }' || fail "uptime went back: $up0 -> $up1"
[ "$f1" = "$sum" ] || fail "the tmpfs file changed: $f1, was $sum"
[ "$d1" = "$sum" ] || fail "xvda reads $d1 after the restore, was $sum"
st_cmd 'xenstore-read name 2>/dev/null || cat /sys/hypervisor/type; ls /sys/bus/xen/devices' XS
grep -q '^@@XS vbd-51712' "$ST_ATT" || fail "the vbd frontend is gone: $(grep '^@@XS' "$ST_ATT")"
# the disk still takes writes after the restore
st_cmd 'dd if=/dev/urandom of=/dev/xvda bs=64k count=4 seek=64 oflag=direct conv=fsync 2>&1 | tail -n1; echo ok' WR2 60
grep -q '^@@WR2 ok' "$ST_ATT" || fail "xvda does not take writes after the restore"
st_detach
$H shutdown -w st90 || fail "shutdown -w after the restore failed"
echo "save/restore ok"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A monitor in a memory cgroup (cgroup v2) whose memory.max is below its
# guest's working set, with swap: nothing of guest RAM is pinned
# (docs/kmod.md), so the host swaps the monitor's pages out, the MMU
# notifier drops their nested entries and the guest faults them back in.
# The guest keeps running (slowly) and its data stays intact: a file of
# random bytes in a guest tmpfs, larger than memory.max, has the same
# checksum after the host swapped it out and in.  Swap is a RAM disk
# (brd) in the emulated host: its pages are not charged to the cgroup.
# e2e-hosts: manual (make check time: the SVM host hit its 1200 s limit with it; run with make e2e HOST=svm SCENARIOS=NAME)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/linux-lib.sh

CG=/sys/fs/cgroup
MAX_MIB=96
FILE_MIB=128
need /e2e/modules/mem/brd.ko
grep -q "^cgroup2 $CG " /proc/mounts || mount -t cgroup2 cgroup2 $CG ||
	fail "cannot mount cgroup2 on $CG"
grep -qw memory $CG/cgroup.controllers || fail "no memory controller in cgroup v2 ($CG/cgroup.controllers)"
grep -q "^brd " /proc/modules || insmod /e2e/modules/mem/brd.ko rd_nr=1 rd_size=$((256 * 1024)) ||
	fail "insmod brd failed (see dmesg)"
mkswap /dev/ram0 >/dev/null && swapon /dev/ram0 || fail "no swap on /dev/ram0"
echo +memory > $CG/cgroup.subtree_control || fail "cannot enable the memory controller"
mkdir -p $CG/hx35
cleanup() {
	lx_stop
	echo $$ > $CG/cgroup.procs
	rmdir $CG/hx35 2>/dev/null
	swapoff /dev/ram0 2>/dev/null
}
trap cleanup EXIT
# this shell, and so the monitor it starts, in the cgroup; the limit
# comes down after the boot (a boot under it works, only slowly)
echo $$ > $CG/hx35/cgroup.procs || fail "cannot join $CG/hx35"

cg() {
	awk -v k="$1" '$1 == k { print int($2 / 1048576) }' $CG/hx35/memory.stat
}

LX_APPEND=quiet
LX_MEM=256M
lx_boot
echo $(( MAX_MIB << 20 )) > $CG/hx35/memory.max || fail "cannot set memory.max"
note "booted; cgroup at $(( $(cat $CG/hx35/memory.current) >> 20 )) MiB, now limited to $MAX_MIB MiB"
# ask TAG CMD: the answer of CMD in the guest (one line)
ask() {
	lx_send "echo \"@@$1 \$($2)\""
	lx_wait "^@@$1 " $((300 * E2E_SCALE)) || { lx_show 20; fail "no answer ($1) from the guest"; }
	tr -d '\r' < "$LX_OUT" | sed -n "s/^@@$1 //p" | tail -n1
}
ask MNT "mount -t tmpfs -o size=$((FILE_MIB + 16))m tmpfs /mnt && echo ok" >/dev/null
t0=$(date +%s)
s0=$(ask W "head -c $((FILE_MIB << 20)) /dev/urandom > /mnt/f && sha256sum /mnt/f | cut -c1-64")
note "wrote $FILE_MIB MiB in the guest in $(( $(date +%s) - t0 )) s: sha256 $s0; cgroup: anon $(cg anon) MiB, swapped $(( $(cat $CG/hx35/memory.swap.current) >> 20 )) MiB"
[ ${#s0} = 64 ] || fail "no checksum from the guest: '$s0'"
# read it all again: the pages come back from the host's swap (once:
# make check has a time budget)
s1=$(ask R1 "sha256sum /mnt/f | cut -c1-64")
sw=$(( $(cat $CG/hx35/memory.swap.current) >> 20 ))
cur=$(( $(cat $CG/hx35/memory.current) >> 20 ))
pins=$(pins_held)
note "re-read: $s1; cgroup: memory.current $cur MiB (max $MAX_MIB), swap $sw MiB, $(grep -h 'pswpin\|pswpout' /proc/vmstat | tr '\n' ' ')"
lx_alive || fail "the monitor died (OOM?): $(cat $CG/hx35/memory.events | tr '\n' ' ')"
grep -q "^oom_kill 0" $CG/hx35/memory.events || fail "OOM kills in the cgroup: $(cat $CG/hx35/memory.events | tr '\n' ' ')"
[ "$s1" = "$s0" ] || fail "the guest's file changed: $s0, then $s1"
[ "$sw" -ge $(( FILE_MIB - MAX_MIB )) ] || fail "only $sw MiB in swap: the working set did not exceed memory.max"
[ "$cur" -le "$MAX_MIB" ] || fail "memory.current $cur MiB above memory.max $MAX_MIB MiB"
[ "$pins" -eq 0 ] || fail "$pins pages pinned while the guest runs"
lx_send poweroff
lx_finish $((120 * E2E_SCALE)) || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
exit 0

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# KSM: two identical Linux guests with ksm = 1 (guest RAM MADV_MERGEABLE).
# Nothing is pinned (docs/kmod.md), so the host's ksmd merges their
# identical pages: pages_sharing rises, and both guests keep working on
# the merged memory.  A guest read (or instruction fetch) of a merged
# page maps it read-only and leaves it merged; only a write unshares it.
# The nested page tables are checked against the monitor's page tables
# after the merge (no leaf over a page the monitor no longer maps there),
# and some leaves must be read-only over merged pages (the guests' kernel
# text, identical in both, which they execute).
# e2e-hosts: manual (make check time: the SVM host hit its 1200 s limit with it; run with make e2e HOST=svm SCENARIOS=NAME)
# e2e-timeout: 400
. /e2e/lib.sh

LX_G=$E2E_GUESTS/linux
need_dev
need "$E2E_BIN/hxen" "$LX_G/vmlinuz" "$LX_G/initramfs.cpio.gz"
K=/sys/kernel/mm/ksm
[ -w $K/run ] || fail "no KSM in the host kernel ($K/run)"
H=$E2E_BIN/hxen
export HXEN_RUNTIME_DIR=/run/hxen-e2e
S=${E2E_SCALE:-1}
trap '$H destroy ksm1 >/dev/null 2>&1; $H destroy ksm2 >/dev/null 2>&1; echo 2 > $K/run' EXIT

echo 1000 > $K/pages_to_scan
echo 20 > $K/sleep_millisecs
echo 1 > $K/run
s0=$(cat $K/pages_sharing)
for v in ksm1 ksm2; do
	cat > /tmp/$v.cfg <<CFG
name = "$v"
memory = 128
ksm = 1
kernel = "$LX_G/vmlinuz"
ramdisk = "$LX_G/initramfs.cpio.gz"
cmdline = "$(cat "$LX_G/cmdline") quiet"
console_log = "/tmp/$v.console"
shutdown_grace = 60
CFG
	$H create -q /tmp/$v.cfg || fail "create $v failed"
done
for v in ksm1 ksm2; do
	n=0
	until grep -q 'hxen-guest#' /tmp/$v.console 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt $((300 * S)) ] && { tail -n 20 /tmp/$v.console | guest_prefix; fail "$v: no shell prompt"; }
		sleep 1
	done
done
# ksmd needs a few full scans (2 x 128 MiB at 1000 pages per 20 ms).
n=0
while :; do
	s1=$(cat $K/pages_sharing)
	[ $((s1 - s0)) -ge 2048 ] && break
	n=$((n + 1))
	[ $n -gt $((90 * S)) ] && fail "pages_sharing only $s0 -> $s1 after $n s with two identical guests"
	sleep 1
done
note "pages_sharing $s0 -> $s1 after ${n} s ($(( (s1 - s0) / 256 )) MiB shared), pages_shared $(cat $K/pages_shared)"
$H list | sed 's/^/# /'
# the nested page tables map what the monitor maps, merged pages included
# (kmod/hx_mmu_audit.c); a leaf changing during the walk is a false alarm
# once, so only two bad reads in a row fail
. /e2e/linux-lib.sh
[ -d /sys/kernel/debug/hxen ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
for f in /sys/kernel/debug/hxen/vm*; do
	a=$(grep '^npt:' "$f")
	note "${f##*/}: $a"
	case $a in *" 0 differ"*" 0 writable"*" 0 over nothing"*) continue ;; esac
	sleep 1
	a=$(grep '^npt:' "$f")
	case $a in *" 0 differ"*" 0 writable"*" 0 over nothing"*) continue ;; esac
	fail "${f##*/}: the guest and the monitor see different memory: $a"
done
# read faults on merged pages keep them merged (kmod/hx_mmu.c, read_page)
n=0
while :; do
	ro=$(cat /sys/kernel/debug/hxen/vm* | sed -n 's/^npt: .*; \([0-9]*\) read-only over a read-only page.*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }')
	[ "$ro" -gt 0 ] && break
	n=$((n + 1))
	[ $n -gt $((20 * S)) ] && fail "no nested leaf maps a merged page read-only after $n s: guest reads unshare KSM pages"
	sleep 1
done
note "$ro nested leaves map a read-only (merged) page read-only"
# per-thread CPU time of each monitor, for failures (a spinning vCPU?)
cputimes() {
	for v in ksm1 ksm2; do
		p=$($H list --json $v | sed -n 's/.*"id": \([0-9]*\).*/\1/p')
		for t in /proc/$p/task/*; do
			echo "# $v $(cat $t/comm): $(cut -d' ' -f3,14,15 $t/stat) $(cat $t/wchan)"
		done
	done
}
cputimes > /tmp/ksm.t1; sleep 2; cputimes > /tmp/ksm.t2
# both guests still work: a shutdown each, honoured by the guest
# guest_probe V: what the guest itself says (its shell still answers?)
guest_probe() {
	rm -f /tmp/$1.in; mkfifo /tmp/$1.in
	$H console $1 < /tmp/$1.in > /dev/null 2>&1 &
	exec 3> /tmp/$1.in
	sleep 1
	printf '\necho @@PROBE; grep -i xen /proc/interrupts; echo w > /proc/sysrq-trigger; echo @@PROBE-END\n' >&3
	sleep 3
	exec 3>&-
	tail -n 40 /tmp/$1.console | guest_prefix
}
# ksmd stops first (what it merged stays merged, and the guests run on
# it): scanning 1000 pages every 20 ms on two emulated CPUs slowed the
# guests' power-off past the 10 s grace period about one run in two, which
# looked like a lost wake-up; the module's state then showed both vCPUs
# either running or idle with no event pending (docs/kmod.md).
echo 0 > $K/run
for v in ksm1 ksm2; do
	t0=$(date +%s)
	$H shutdown $v || fail "$v: shutdown failed"
	# the module's and the guest's view at 10 s, read while it still
	# exists; more than 30 s (the grace period is 60) is a failure
	n=0
	while $H list --json $v 2>/dev/null | grep -q '"id"'; do
		n=$((n + 1))
		[ $n = 20 ] && { lx_state; guest_probe $v; }
		[ $(( $(date +%s) - t0 )) -gt 30 ] && break
		sleep 0.5
	done
	t=$(( $(date +%s) - t0 ))
	note "$v powered off in $t s"
	if [ $t -gt 30 ] || grep -q "grace period" "$HXEN_RUNTIME_DIR/$v.log"; then
		tail -n 20 "$HXEN_RUNTIME_DIR/$v.log" | sed 's/^/# log: /'
		cat /tmp/ksm.t1 /tmp/ksm.t2
		lx_state
		fail "$v ignored the shutdown request for $t s"
	fi
done
echo "ksm ok"

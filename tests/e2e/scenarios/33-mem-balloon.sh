#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Ballooning with Linux's own xen-balloon (docs/kmod.md, docs/cli.md):
# maxmem = 512, memory = 256 boots with 512 MiB of RAM and balloons down
# to about 256 MiB; `hxen mem-set` up gives MemTotal back; after the guest
# used and freed 160 MiB, `hxen mem-set` 192 makes it give those pages
# back and the monitor's RSS falls (XENMEM_decrease_reservation ->
# the module drops the pages); a target above maxmem is refused.
# e2e-hosts: svm (backend-independent; slow under Bochs)
# e2e-timeout: 400
. /e2e/lib.sh

LX_G=$E2E_GUESTS/linux
need_dev
need "$E2E_BIN/hxen" "$LX_G/vmlinuz" "$LX_G/initramfs.cpio.gz"
H=$E2E_BIN/hxen
export HXEN_RUNTIME_DIR=/run/hxen-e2e
S=${E2E_SCALE:-1}
trap '$H destroy bal >/dev/null 2>&1' EXIT

cat > /tmp/bal.cfg <<CFG
name = "bal"
memory = 256
maxmem = 512
kernel = "$LX_G/vmlinuz"
ramdisk = "$LX_G/initramfs.cpio.gz"
cmdline = "$(cat "$LX_G/cmdline") quiet"
console_log = "/tmp/bal.console"
CFG
$H create -q /tmp/bal.cfg || fail "create failed"
n=0
until grep -q 'hxen-guest#' /tmp/bal.console 2>/dev/null; do
	n=$((n + 1))
	[ $n -gt $((300 * S)) ] && { tail -n 20 /tmp/bal.console | guest_prefix; fail "no shell prompt on hvc0"; }
	sleep 1
done
rm -f /tmp/bal.in; mkfifo /tmp/bal.in
$H console bal < /tmp/bal.in > /tmp/bal.attach 2>&1 &
exec 3> /tmp/bal.in
sleep 1

pid=$($H list --json bal | sed -n 's/.*"id": \([0-9]*\).*/\1/p')
[ -n "$pid" ] || fail "no monitor pid from hxen list --json"
rss_mib() {
	echo $(( $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status") / 1024 ))
}
# ask TAG CMD: run CMD in the guest, print its answer.  Runs in $(...)
# subshells too: the tag is made unique by the time, not a counter.
ask() {
	_t=$1-$(date +%s%N)
	printf '%s; echo "@@%s $(%s)"\n' ":" "$_t" "$2" >&3
	_n=0
	until grep -q "^@@$_t " /tmp/bal.attach; do
		_n=$((_n + 1))
		[ $_n -gt $((300 * S)) ] && { tail -n 5 /tmp/bal.console | guest_prefix >&2; echo "no answer ($1)" >&2; return 1; }
		sleep 0.2
	done
	tr -d '\r' < /tmp/bal.attach | sed -n "s/^@@$_t //p" | head -n1
}
memtotal() {
	ask MT "awk '/^MemTotal/ { print int(\$2 / 1024) }' /proc/meminfo"
}
# wait_mt CMP MIB: until MemTotal CMP MIB (-le / -ge), up to 60 s
wait_mt() {
	_i=0
	while :; do
		mt=$(memtotal)
		[ -n "$mt" ] || return 1	# no answer: already reported
		[ "$mt" "$1" "$2" ] && return 0
		_i=$((_i + 1))
		[ $_i -gt $((60 * S)) ] && return 1
		sleep 1
	done
}

# the monitor's own last words, for failures (it may have stopped the VM)
monlog() {
	echo "# monitor log:"; tail -n 30 "$HXEN_RUNTIME_DIR/bal.log"
}
# the balloon driver's own view, for failures
balinfo() {
	ask BI "cd /sys/devices/system/xen_memory/xen_memory0 2>/dev/null && echo target_kb \$(cat target_kb) info/current_kb \$(cat info/current_kb) low \$(cat info/low_kb) high \$(cat info/high_kb); dmesg | grep -i balloon | tail -n 3 | tr '\n' '|'"
}

# Boot target: about 256 MiB of the 512 (the kernel's own reserve aside).
wait_mt -le 280 || fail "MemTotal $mt MiB: the guest did not balloon down to memory = 256 at boot"
mt0=$mt
r0=$(rss_mib)
$H list bal | sed 's/^/# /'
note "boot: MemTotal $mt0 MiB, monitor RSS $r0 MiB"
# Up to the ceiling.
$H mem-set bal 512 || fail "mem-set 512 refused"
wait_mt -ge $((mt0 + 200)) || { monlog; tail -n 30 /tmp/bal.console | guest_prefix; grep -v "^  " "$HXEN_RUNTIME_DIR/bal.log" | tail -n 20; fail "MemTotal $mt MiB after mem-set 512 (was $mt0): $(balinfo)"; }
mt1=$mt
# Touch and free 160 MiB, so those pages are resident in the host.
ask W "head -c 167772160 /dev/zero > /big; sync; rm /big; echo 3 > /proc/sys/vm/drop_caches; echo done" >/dev/null
r1=$(rss_mib)
note "after mem-set 512: MemTotal $mt1 MiB; 160 MiB written and freed: RSS $r1 MiB"
# Down again: the guest gives memory back, the host gets it.
$H mem-set bal 192 || fail "mem-set 192 refused"
wait_mt -le 160 || { monlog; tail -n 30 /tmp/bal.console | guest_prefix; fail "MemTotal $mt MiB after mem-set 192: $(balinfo)"; }
mt2=$mt
sleep 1
r2=$(rss_mib)
note "after mem-set 192: MemTotal $mt2 MiB, RSS $r2 MiB"
# Not all 320 MiB were resident (the guest gives back free pages it
# never touched too): 40 MiB is well above noise.
[ $((r1 - r2)) -ge 40 ] || fail "monitor RSS went from $r1 to only $r2 MiB after ballooning 320 MiB out"
# Above maxmem: refused, VM unharmed.
$H mem-set bal 1024 2>/tmp/bal.err && fail "mem-set 1024 above maxmem 512 accepted"
grep -q "maximum" /tmp/bal.err || fail "mem-set 1024: $(cat /tmp/bal.err)"
note "mem-set 1024: $(cat /tmp/bal.err)"
[ "$(memtotal)" -le 160 ] || fail "MemTotal changed after a refused mem-set"
$H mem-set bal 256 || fail "mem-set 256 refused"
wait_mt -ge 200 || fail "MemTotal $mt MiB after mem-set 256"
$H shutdown -w bal || fail "shutdown -w failed"
exec 3>&-
echo "balloon ok"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hxen-monitor's own contract (docs/monitor.md), with tiny flat guests
# written here byte by byte (32-bit code entered at 0x100000): exit
# statuses, COM1 output, unclaimed ports, SIGTERM, register dumps, bad
# input with the module loaded.  (Added by the monitor helper.)
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 180
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen-monitor"
M="$E2E_BIN/hxen-monitor"
T=/tmp/mon
mkdir -p $T

# flat NAME OCTAL-BYTES: write a flat guest image
flat() {
	printf "$2" > "$T/$1.bin"
}
# run NAME EXPECTED-STATUS [monitor options]: run a flat guest
run() {
	_name=$1 _want=$2
	shift 2
	timeout $((30 * E2E_SCALE)) "$M" --memory 2M --flat \
		--kernel "$T/$_name.bin" "$@" </dev/null >"$T/$_name.out" 2>&1
	_st=$?
	if [ "$_st" != "$_want" ]; then
		guest_prefix < "$T/$_name.out"
		fail "$_name: exit status $_st, expected $_want"
	fi
	note "$_name: exit status $_st as expected"
}
expect() {	# NAME TEXT: the output of NAME contains TEXT
	grep -q "$2" "$T/$1.out" || { guest_prefix < "$T/$1.out"; fail "$1: no '$2' in the output"; }
}

# mov edx, 0x500; mov al, 7; out dx, al        -> power-off, status 7
flat poweroff7 '\272\000\005\000\000\260\007\356'
run poweroff7 7

# "hi\n" on COM1, then power-off 0
flat serial '\272\370\003\000\000\260\150\356\260\151\356\260\012\356\272\000\005\000\000\260\000\356'
run serial 0
expect serial '^hi$'
run serial 0 --serial none
grep -q '^hi$' "$T/serial.out" && fail "serial: output with --serial none"
run serial 0 --serial file:$T/serial.file
grep -q '^hi$' $T/serial.file || fail "serial: nothing in --serial file:PATH"

# in al, dx from unclaimed port 0x1234; out to power-off -> 255
flat unclaimed '\272\064\022\000\000\354\272\000\005\000\000\356'
run unclaimed 255 --verbose
expect unclaimed 'unclaimed port read from 0x1234'

# cli; hlt -> hung guest, status 3 with a register dump
flat hang '\372\364'
run hang 3
expect hang 'hung guest'
expect hang 'rip 0000000000100002'
expect hang 'cr0 0000000000000011'

# ud2 with an empty IDT -> #UD, #GP, #DF, triple fault: status 1
flat ud2 '\017\013'
run ud2 1
expect ud2 'triple fault'
expect ud2 'cs  sel 0008 base 0000000000000000 limit ffffffff'

# jmp $ under SIGTERM: the guest has no PV shutdown path, so the monitor
# asks, waits --shutdown-grace and destroys it with status 8 (docs/cli.md);
# a second SIGTERM destroys at once.  Either way the spinning vCPU must
# be kicked out and the process gone promptly.
flat spin '\353\376'
sigterm() {	# NAME NSIGNALS EXPECTED-STATUS LIMIT-TENTHS
	"$M" --memory 2M --flat --kernel $T/spin.bin --shutdown-grace 1 \
		</dev/null >$T/$1.out 2>&1 &
	pid=$!
	sleep 2
	kill -0 $pid 2>/dev/null || { guest_prefix < $T/$1.out; fail "$1: exited early"; }
	kill -TERM $pid
	[ "$2" = 2 ] && sleep 0.2 && kill -TERM $pid
	n=0
	while kill -0 $pid 2>/dev/null && [ $n -lt $(($4 * E2E_SCALE)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -0 $pid 2>/dev/null && { kill -9 $pid; fail "$1: still running $(($4 / 10)) s after SIGTERM"; }
	wait $pid
	st=$?
	[ $st = $3 ] || { guest_prefix < $T/$1.out; fail "$1: SIGTERM gave status $st, expected $3"; }
	note "$1: stopped with status $st after $n tenths of a second"
}
sigterm spin-grace 1 8 80
sigterm spin-twice 2 8 30

# bad input with the module present: one message, status 2
run poweroff7 2 --device /nonexistent/hxen
expect poweroff7 'not found: load the module'
printf 'garbage' > $T/garbage.bin
"$M" --kernel $T/garbage.bin </dev/null >$T/garbage.out 2>&1
st=$?
[ $st = 2 ] || fail "garbage image: status $st"
grep -q 'unknown image format' $T/garbage.out || fail "garbage image: $(cat $T/garbage.out)"
"$M" --memory 3T --kernel $T/garbage.bin </dev/null >$T/mem.out 2>&1
[ $? = 2 ] && grep -q 'impossible memory size' $T/mem.out ||
	fail "impossible memory: $(cat $T/mem.out)"
# more than the host's RAM: refused before anything is pinned
"$M" --memory 64G --kernel $T/garbage.bin </dev/null >$T/mem.out 2>&1
[ $? = 2 ] && grep -q "more than this host's RAM" $T/mem.out ||
	fail "memory above host RAM: $(cat $T/mem.out)"
note "bad input: status 2 with one message"
exit 0

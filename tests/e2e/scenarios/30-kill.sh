#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# SIGKILL a monitor whose guest runs forever, 20 times (8 under Bochs,
# where a round costs about 15 s), at different moments; then the module must unload, every page it pinned must be
# unpinned (exact), and with it loaded again MemFree must be back within
# 16 MiB of its value before (huge pages and per-CPU free lists move it by
# up to 10 MiB either way; one leaked 64 MiB guest would be far outside).
# e2e-timeout: 300
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen-monitor"
# spin.elf (pvdrivers/testguest/spin.c) says when it runs; the flat
# "jmp $" image (spin.bin, packed by mkinitramfs.sh) is the fallback.
if [ -f "$E2E_GUESTS/spin.elf" ]; then
	guest="--kernel $E2E_GUESTS/spin.elf"
	marker="spin: running"
else
	guest="--flat --kernel $E2E_GUESTS/spin.bin"
	marker=
fi

before=$(memfree_kb)
pins_before=$(pins_held)
note "MemFree before: $before kB; pages pinned: $pins_before"
rounds=20
[ "$E2E_HOST" = vmx ] && rounds=8
running=0
i=1
while [ $i -le $rounds ]; do
	out=/tmp/kill.$i.out
	"$E2E_BIN/hxen-monitor" --memory 64M $guest --serial stdio > "$out" 2>&1 &
	pid=$!
	# Odd rounds: kill during set-up or right after; even rounds: once
	# the guest is spinning (up to 10 s per E2E_SCALE).
	if [ $((i % 2)) = 1 ]; then
		sleep "0.$(( (i * 7) % 10 ))"
	else
		n=0
		while [ $n -lt $((100 * E2E_SCALE)) ]; do
			if [ -n "$marker" ]; then
				grep -qs "$marker" "$out" && break
			elif [ $n -ge 10 ]; then
				break
			fi
			kill -0 $pid 2>/dev/null || break
			sleep 0.1
			n=$((n + 1))
		done
	fi
	if ! kill -0 $pid 2>/dev/null; then
		wait $pid
		st=$?
		guest_prefix < "$out"
		fail "round $i: hxen-monitor exited by itself (status $st) before SIGKILL"
	fi
	[ -n "$marker" ] && grep -qs "$marker" "$out" && running=$((running + 1))
	kill -9 $pid
	wait $pid 2>/dev/null
	i=$((i + 1))
done
note "guest seen running before SIGKILL in $running of $rounds rounds"
if [ -n "$marker" ] && [ $running -lt $((rounds / 4)) ]; then
	guest_prefix < /tmp/kill.$rounds.out
	fail "the spin guest ran in only $running of $rounds rounds: kill test not meaningful"
fi

# The fds are gone with the processes: nothing may hold the module.
n=0
until rmmod hxen 2>/dev/null; do
	n=$((n + 1))
	[ $n -ge 20 ] && fail "rmmod hxen after the kills: $(grep '^hxen ' /proc/modules)"
	sleep 0.1
done
[ $n = 0 ] || note "rmmod needed $n retries"
note "MemFree after rmmod: $(memfree_kb) kB; pages pinned: $(pins_held)"
[ "$(pins_held)" = "$pins_before" ] ||
	fail "$(( $(pins_held) - pins_before )) guest pages still pinned after the VMs and the module are gone"
reload=$(hx_load 2>&1) || fail "reloading hxen.ko: $reload"
# Compared with the module loaded again, as it was before: what the module
# itself frees at unload cannot hide a leak that way.
after=$(memfree_kb)
note "MemFree after reloading: $after kB (delta $((after - before)) kB)"
[ $((before - after)) -le 16384 ] ||
	fail "MemFree dropped by $((before - after)) kB after 20 killed VMs (leak?)"

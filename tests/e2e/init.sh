#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the emulated host (packed by tests/e2e/mkinitramfs.sh).
#
# Mounts proc/sys/devtmpfs, loads hxen.ko, runs the scenarios named on the
# kernel command line and prints the markers tests/e2e/check-log.sh parses:
#
#   @@E2E-START host=... kernel=...     everything before is boot noise
#   @@SCENARIO name                     scenario output follows
#   @@DMESG name ... @@DMESG-END name   host kernel log of that scenario
#   @@PASS name  |  @@FAIL name: reason
#   @@E2E-END
#
# Kernel command line (set by tests/e2e/run.sh):
#   e2e_run=a,b,c     scenario names (files /e2e/scenarios/NAME.sh)
#   e2e_host=svm|vmx  e2e_scale=N (timeout multiplier)
#   e2e_mode=test|demo|bench  (demo: /e2e/demo.sh on the console; bench:
#                     /e2e/bench.sh; both instead of the scenarios)
#   e2e_bootlog=1     print the boot dmesg before the start marker
#   e2e_stress=N      boots of the linux-stress scenario (E2E_STRESS=N)

export PATH=/opt/hxen/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TERM=${TERM:-vt100}

mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm /tmp /root
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm

run= host=unknown scale=1 mode=test bootlog=0
for a in $(cat /proc/cmdline); do
	case $a in
	e2e_run=*) run=${a#*=} ;;
	e2e_host=*) host=${a#*=} ;;
	e2e_scale=*) scale=${a#*=} ;;
	e2e_mode=*) mode=${a#*=} ;;
	e2e_bootlog=*) bootlog=${a#*=} ;;
	e2e_stress=*) export E2E_STRESS=${a#*=} ;;
	esac
done
export E2E_HOST=$host E2E_SCALE=$scale

# A task blocked in the module for a minute is a bug worth a report (the
# default 120 s is longer than most scenario timeouts).
echo 60 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null

# The boot log (with, under Bochs' Skylake-X model, one known harmless
# WARNING in fpu__init_system_xstate) stays before the start marker.
if [ "$bootlog" = 1 ]; then dmesg -c; else dmesg -c >/dev/null; fi

cpu=none
grep -qw svm /proc/cpuinfo && cpu=svm
grep -qw vmx /proc/cpuinfo && cpu=vmx
echo "@@E2E-START host=$host kernel=$(uname -r) cpu=$cpu cpus=$(nproc)" \
     "memtotal_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"

. /e2e/lib.sh

dump_dmesg() {
	echo "@@DMESG $1"
	dmesg -c
	echo "@@DMESG-END $1"
}

result() {	# name rc reason
	if [ "$2" = 0 ]; then
		echo "@@PASS $1"
	else
		echo "@@FAIL $1: $3"
	fi
}

# check NAME COMMAND...: a shell function from lib.sh reported like a
# scenario; its last output line is the failure reason.
check() {
	name=$1
	shift
	echo "@@SCENARIO $name"
	reason=$("$@" 2>&1)
	rc=$?
	[ -n "$reason" ] && echo "$reason"
	dump_dmesg "$name"
	result "$name" $rc "$(echo "$reason" | tail -n1)"
}

# Loading the module is a check of its own.
check insmod hx_load

# The interactive demo and the benchmarks replace the scenario list.
case $mode in
demo)
	echo "@@SCENARIO demo"
	# A controlling terminal for the demo guest's console.
	setsid cttyhack sh /e2e/demo.sh
	rc=$?
	dump_dmesg demo
	result demo $rc "exit status $rc"
	run=
	;;
bench)
	echo "@@SCENARIO bench"
	sh /e2e/bench.sh </dev/null
	rc=$?
	dump_dmesg bench
	result bench $rc "exit status $rc"
	run=
	;;
esac

# Run one scenario in its own session so that everything it started can
# be killed when it ends or times out.
run_one() {
	name=$1
	f=/e2e/scenarios/$name.sh
	echo "@@SCENARIO $name"
	if [ ! -f "$f" ]; then
		dump_dmesg "$name"
		result "$name" 1 "no such scenario in the initramfs"
		return
	fi
	t=$(sed -n 's/^# *e2e-timeout: *\([0-9][0-9]*\).*/\1/p' "$f" | head -n1)
	t=$(( ${t:-120} * scale ))
	export E2E_NAME=$name E2E_REASON=/tmp/e2e-reason.$name E2E_TIMEOUT=$t
	rm -f "$E2E_REASON" /tmp/e2e-timedout
	t0=$(cut -d. -f1 /proc/uptime)
	setsid sh "$f" </dev/null &
	pid=$!
	(sleep "$t" && touch /tmp/e2e-timedout && kill -9 -- "-$pid") 2>/dev/null &
	wd=$!
	wait "$pid"
	rc=$?
	kill "$wd" 2>/dev/null
	# Leftovers (a monitor the scenario did not reap) must not leak into
	# the next scenario.
	kill -9 -- "-$pid" 2>/dev/null
	if [ -e /tmp/e2e-timedout ]; then
		reason="timed out after ${t} s"
		rc=1
	elif [ -s "$E2E_REASON" ]; then
		reason=$(tail -n1 "$E2E_REASON")
	else
		reason="exit status $rc"
	fi
	echo "# $name took $(( $(cut -d. -f1 /proc/uptime) - t0 )) s (limit $t s)"
	dump_dmesg "$name"
	result "$name" $rc "$reason"
}

for name in $(echo "$run" | tr ',' ' '); do
	run_one "$name"
done

# Every reference the scenarios took must be gone: unload must work.
check rmmod hx_unload

echo "@@E2E-END"
poweroff -f

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the e2e scenarios inside emulated hosts (docs/testing.md).
#
#   tests/e2e/run.sh [svm|vmx|all] [SCENARIO...]
#
#   svm  Debian kernel under QEMU TCG, -cpu qemu64,+svm,+npt (AMD SVM+NPT)
#   vmx  the same kernel and initramfs under Bochs, corei7_skylake_x (VMX+EPT)
#   all  both, side by side (each emulator uses one core; E2E_SERIAL=1: one
#        after the other)
#
# SCENARIO: a file name under tests/e2e/scenarios/ without .sh ("10-testguest")
# or without its number ("testguest"); default: all of them.  All scenarios
# run in ONE boot per host.  Expects `make all kmod` to have run (make e2e
# does that).  Results: build/e2e/<host>/serial.log; the last line printed
# is "N passed, N failed"; exit status 1 if anything failed.
#
# Environment:
#   E2E_TIMEOUT=S    hard limit per boot (default svm 1200, vmx 2400; make check
#                    normally takes about 15 minutes, docs/testing.md)
#   E2E_SERIAL=1     with "all": one host after the other
#   E2E_STRESS=N     boots of the (manual) linux-stress scenario
#   E2E_SMP=N        QEMU vCPUs (default 2)      E2E_MEM=MiB (default 1024)
#   E2E_TCG_THREAD=multi|single  QEMU TCG's threading (default single)
#   E2E_MONITOR=PATH QEMU's human monitor on unix socket PATH (svm; for
#                    `info registers -a` on a host that hangs)
#   E2E_VERBOSE=1    stream the whole serial log, not just the markers
#   E2E_KVM=1        also pack Debian's KVM modules (bench)
#   E2E_APPEND=...   extra kernel command line
#   E2E_MODE=bench   run /e2e/bench.sh instead of the scenarios (bench.sh);
#                    results then go to build/e2e/bench-<host>/
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
[[ "$build" = /* ]] || build=$top/$build
e2e=$build/e2e
here=$top/tests/e2e
. "$here/svm-cpu.sh"
. "$here/disk.sh"

host=${1:-svm}
[ $# -gt 0 ] && shift
case $host in
svm|vmx|all) ;;
*) echo "run.sh: unknown host '$host' (svm, vmx or all)" >&2; exit 2 ;;
esac

# --- scenario selection ----------------------------------------------------
all_scenarios() {
	local f
	for f in "$here"/scenarios/*.sh; do
		[ -e "$f" ] && basename "$f" .sh
	done
}
# A scenario may carry "# e2e-hosts: svm" (or "svm vmx"): by default it
# then runs only on those hosts.  Bochs is ~50x slower than QEMU TCG, so
# the VMX host runs the backend-dependent scenarios (test guest, two VMs,
# kill, hostile ioctls, the Xen layer, a Linux boot) and the SVM host runs
# everything; naming scenarios on the command line runs them on every host.
# "# e2e-hosts: manual" (46-linux-stress): only when named.
scenario_hosts() {
	sed -n 's/^# *e2e-hosts: *\([a-z ]*\).*/\1/p' "$here/scenarios/$1.sh" | head -n1
}
scenarios=()
explicit=0
if [ $# -eq 0 ] || [ "$*" = all ]; then
	mapfile -t scenarios < <(all_scenarios)
else
	explicit=1
	for want in "$@"; do
		want=${want%.sh}
		match=$(all_scenarios | awk -v w="$want" '$0 == w || substr($0, index($0, "-") + 1) == w' | head -n1)
		[ -n "$match" ] || { echo "run.sh: no scenario '$want' in tests/e2e/scenarios/ (have: $(all_scenarios | tr '\n' ' '))" >&2; exit 2; }
		scenarios+=("$match")
	done
fi
mode=${E2E_MODE:-test}
case $mode in
test|bench) ;;
*) echo "run.sh: unknown E2E_MODE '$mode' (bench, or unset)" >&2; exit 2 ;;
esac

# host_scenarios HOST: the scenarios that run on HOST, one per line.
host_scenarios() {
	local s hosts
	for s in "${scenarios[@]}"; do
		hosts=$(scenario_hosts "$s")
		if [ "$explicit" = 1 ] || [ -z "$hosts" ] || [[ " $hosts " == *" $1 "* ]]; then
			echo "$s"
		fi
	done
}

# One run per build tree at a time: runs share build/e2e/ (initramfs, logs).
mkdir -p "$e2e"
exec 9>"$e2e/.lock"
if ! flock -n 9; then
	echo "run.sh: another e2e run is using ${e2e#$top/}; waiting for it" \
	     "(BUILD=/other/dir gives a separate tree)"
	flock 9
fi

# --- kernel and initramfs (shared by both hosts) ---------------------------
BUILD=$build "$here/fetch-kernel.sh" >/dev/null
kver=$(cat "$e2e/kernel/version")
vmlinuz=$e2e/kernel/vmlinuz
initrd=$e2e/initrd.gz
BUILD=$build "$here/mkinitramfs.sh" "$initrd"

# --- running an emulator under a hard limit --------------------------------
# kill_tree PID SIG: the process and all its descendants (Bochs runs under
# script(1) in a session of its own, so a process-group kill is not enough).
kill_tree() {
	local child
	for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		kill_tree "$child" "$2"
	done
	kill "-$2" "$1" 2>/dev/null || true
}

# The emulator runs in a session of its own: Ctrl-C or a kill of this
# script must not leave it behind.
emu_pid=
bg_pids=()
on_exit() {
	if [ -n "$emu_pid" ] && kill -0 "$emu_pid" 2>/dev/null; then
		echo "run.sh: interrupted: killing the emulator (pid $emu_pid)" >&2
		kill_tree "$emu_pid" KILL
	fi
	local p
	for p in "${bg_pids[@]}"; do
		kill_tree "$p" KILL
	done
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_emulator DIR RAWLOG LIMIT CMD...: runs CMD in DIR, prints marker lines
# of RAWLOG as they arrive; sets timed_out=SECONDS when it had to be killed.
run_emulator() {
	local dir=$1 raw=$2 limit=$3 pid t0 done_lines=0 lines ended=
	shift 3
	timed_out=
	(cd "$dir" && exec setsid "$@" </dev/null >"$dir/emulator.out" 2>&1) &
	pid=$!
	emu_pid=$pid
	t0=$SECONDS
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if [ -f "$raw" ]; then
			lines=$(wc -l < "$raw")
			if [ "$lines" -gt "$done_lines" ]; then
				sed -n "$((done_lines + 1)),${lines}p" "$raw" | tr -d '\r' |
				if [ "${E2E_VERBOSE:-0}" = 1 ]; then
					sed "s/^/  $tag[$((SECONDS - t0))s] /"
				else
					grep -a -E '@@(E2E-START|SCENARIO|PASS|FAIL|E2E-END)' |
						sed "s/^/  $tag[$((SECONDS - t0))s] /" || true
				fi
				done_lines=$lines
			fi
			if [ -z "$ended" ] && grep -aq '@@E2E-END' "$raw"; then
				ended=$SECONDS
			fi
		fi
		if [ $((SECONDS - t0)) -ge "$limit" ]; then
			timed_out=$limit
			echo "  $tag[$((SECONDS - t0))s] hard limit of $limit s reached: killing the emulator (pid $pid)"
			kill_tree "$pid" TERM
			sleep 3
			kill_tree "$pid" KILL
			break
		fi
		if [ -n "$ended" ] && [ $((SECONDS - ended)) -ge 60 ]; then
			echo "  emulator still running 60 s after @@E2E-END (power-off failed?): killing it"
			kill_tree "$pid" KILL
			break
		fi
	done
	wait "$pid" 2>/dev/null || true
	emu_pid=
	# tail of the log the loop may not have printed yet
	[ -f "$raw" ] && sed -n "$((done_lines + 1)),\$p" "$raw" | tr -d '\r' |
		grep -a -E '@@(SCENARIO|PASS|FAIL|E2E-END)' | sed 's/^/  /' || true
}

# e2e_run (the scenario list) is added per host by run_host.
append_base="console=ttyS0,115200 quiet panic=-1 printk.time=1 e2e_mode=$mode ${E2E_STRESS:+e2e_stress=$E2E_STRESS} ${E2E_APPEND:-}"

boot_svm() {
	local dir=$1
	local smp=${E2E_SMP:-2} mem=${E2E_MEM:-1024} tcg=${E2E_TCG_THREAD:-single}
	# thread=single: under QEMU 7.2's multi-threaded TCG, 8 parallel VMs
	# (52-cli-parallel) under load occasionally came back from one VMRUN
	# with the host's own state in the VMCB, although the VMCB, hsave and
	# VMSAVE pages and VM_HSAVE_PA were checked sane right before it
	# (docs/kmod.md, "Known gaps").  Round-robin TCG has not shown it.
	echo "== svm: Debian $kver under QEMU TCG (-cpu $svm_cpu, $smp vCPUs, $mem MiB, thread=$tcg), limit $limit s"
	run_emulator "$dir" "$dir/serial.raw" "$limit" \
		qemu-system-x86_64 -accel "tcg,thread=$tcg" -cpu "$svm_cpu" -smp "$smp" -m "$mem" \
		-nodefaults -display none -no-reboot \
		-serial "file:$dir/serial.raw" \
		${E2E_MONITOR:+-monitor "unix:$E2E_MONITOR,server=on,wait=off"} \
		-kernel "$vmlinuz" -initrd "$initrd" "${qemu_disk[@]}" \
		-append "$append_base $append_run e2e_host=svm e2e_scale=1"
}

boot_vmx() {
	local dir=$1
	local mem=${E2E_MEM:-768} cpu=${E2E_BOCHS_CPU:-corei7_skylake_x}
	# idle=halt: Skylake-X has MWAIT, which Bochs' mwait_is_nop turns
	# into a busy loop: without it a second of guest sleep cost about a
	# minute of real time (a guest's `sleep 2` now takes 5 s); in HLT,
	# Bochs skips to the next timer event (docs/testing.md, Timing).
	"$here/mkiso.sh" "$dir" "$vmlinuz" "$initrd" \
		"$append_base $append_run idle=halt e2e_host=vmx e2e_scale=4"
	cat > "$dir/bochsrc" <<-EOF2
	display_library: term
	memory: guest=$mem, host=$mem
	cpu: model=$cpu, count=1, ips=50000000, reset_on_triple_fault=0, mwait_is_nop=1
	romimage: file=/usr/share/bochs/BIOS-bochs-latest
	vgaromimage: file=/usr/share/vgabios/vgabios.bin
	pci: enabled=1, chipset=i440fx
	ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
	ata0-master: type=cdrom, path=boot.iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=serial.raw
	clock: sync=none, time0=local
	log: bochs.log
	panic: action=fatal
	error: action=report
	info: action=ignore
	debug: action=ignore
	EOF2
	echo c > "$dir/cont.rc"
	echo "== vmx: Debian $kver under Bochs (cpu model=$cpu, $mem MiB), limit $limit s"
	# Debian's Bochs has no headless display and stops at its debugger
	# prompt: "term" display on a pty from script(1), "c" from cont.rc.
	# Bochs exits 1 on guest power-off: the markers decide.
	TERM=vt100 run_emulator "$dir" "$dir/serial.raw" "$limit" \
		script -qfec "bochs -q -f bochsrc -rc cont.rc" /dev/null
}

# run_host HOST: boots HOST, prints the markers as they come (prefixed by
# $tag) and then the results on fd 4; adds to total_pass/total_fail.
tag=
total_pass=0 total_fail=0
run_host() {
	local h=$1 dir=$e2e/$1 t0=$SECONDS rc=0 summary
	local -a list checks
	[ "$mode" = test ] || dir=$e2e/$mode-$1
	mapfile -t list < <(host_scenarios "$h")
	checks=(insmod "${list[@]}" rmmod)
	[ "$mode" = bench ] && checks=(insmod bench rmmod)
	append_run="e2e_run=$(IFS=,; echo "${list[*]}")"
	# Disks ("# e2e-disk: rootfs", tests/e2e/disk.sh): QEMU only so far.
	qemu_disk=()
	disks=$(for s in "${list[@]}"; do scenario_disks "$here/scenarios/$s.sh"; done | sort -u)
	# the bench runs no scenario: it needs none of their disks
	[ "$mode" = bench ] && disks=
	for d in $disks; do
		case $h:$d in
		svm:rootfs|svm:rootfs-cpio) rootfs_disk "$build" "$d" ||
			echo "  the $d disk cannot be built: scenarios that need it will fail" ;;
		svm:x11) x11_disk "$build" ||
			echo "  the x11 disk cannot be built: 82-gui-sdl will fail" ;;
		*) echo "  note: $h host: no disk '$d' (only the svm host has disks): scenarios that need it will fail" ;;
		esac
	done
	mkdir -p "$dir"
	rm -f "$dir/serial.raw" "$dir/serial.log"
	case $h in
	svm) limit=${E2E_TIMEOUT:-1200}; boot_svm "$dir" ;;
	vmx) limit=${E2E_TIMEOUT:-2400}; boot_vmx "$dir" ;;
	esac
	[ -f "$dir/serial.raw" ] && tr -d '\r' < "$dir/serial.raw" > "$dir/serial.log" ||
		: > "$dir/serial.log"
	if [ ! -s "$dir/serial.log" ]; then
		echo "  no serial output; emulator said:"
		tail -n 20 "$dir/emulator.out" | sed 's/^/    /'
	fi
	E2E_TIMED_OUT=$timed_out "$here/check-log.sh" "$dir/serial.log" \
		"${checks[@]}" > "$dir/result.txt" || rc=1
	sed '$d' "$dir/result.txt" >&4
	summary=$(tail -n1 "$dir/result.txt")
	echo "$h: $summary in $((SECONDS - t0)) s (log: ${dir#$top/}/serial.log)" >&4
	total_pass=$((total_pass + $(echo "$summary" | awk '{ print $1 }')))
	total_fail=$((total_fail + $(echo "$summary" | awk '{ print $3 }')))
}

exec 4>&1
if [ "$host" = all ] && [ "${E2E_SERIAL:-0}" != 1 ]; then
	# QEMU (thread=single) and Bochs each keep one core busy: on two
	# cores the hosts run side by side, and make check takes about as
	# long as the VMX host alone.  Results are printed host by host.
	for h in svm vmx; do
		(
			trap on_exit EXIT
			trap 'exit 143' TERM
			tag="$h "
			run_host "$h" 4> "$e2e/$h.report"
			echo "$total_pass $total_fail" > "$e2e/$h.totals"
		) &
		bg_pids+=($!)
	done
	wait "${bg_pids[@]}" || true
	bg_pids=()
	for h in svm vmx; do
		cat "$e2e/$h.report" 2>/dev/null || echo "$h: no report (run.sh failed?)"
		read -r p f < "$e2e/$h.totals" 2>/dev/null || { p=0; f=1; }
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
	done
	rm -f "$e2e"/{svm,vmx}.{report,totals}
else
	case $host in
	all) run_host svm; run_host vmx ;;
	*) run_host "$host" ;;
	esac
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]

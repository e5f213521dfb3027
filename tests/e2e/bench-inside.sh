#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks inside the emulated host (/e2e/bench.sh, e2e_mode=bench),
# run by tests/e2e/bench.sh.  Prints "@@BENCH key value unit" lines for
# what it measured and "@@BENCH-MISSING what: why" for what it cannot
# measure yet.  Numbers from an emulated host are emulator numbers: only
# ratios within one run mean anything (docs/testing.md).
#
# The Linux comparison boots the same kernel and initramfs (tools/mkguest.sh)
# under hxen-monitor (PVH, hvc0) and under QEMU+KVM (Debian's kvm-amd or
# kvm-intel, SeaBIOS, ttyS0), and stops each VM at the guest's banner:
#   boot-to-init: host time from starting the VMM to the guest's banner;
#                 hxen: once with an empty extracted-kernel cache (cold),
#                 then RUNS times with the kernel cached by that run (warm);
#                 QEMU+KVM RUNS times; medians are compared
#   exits:        hxen: the run pages' counters (hxen-monitor --stats; the
#                 VM is stopped at the banner); KVM: debugfs kvm/exits at
#                 the start and at the banner
#   blk_*:        fio in the guest (sequential 1 MiB writes and reads, 4 KiB
#                 random reads) on hxen's PV block and on QEMU+KVM's
#                 virtio-blk, one image on this host's tmpfs
. /e2e/lib.sh

missing() {
	echo "@@BENCH-MISSING $*"
}

now() {
	cut -d' ' -f1 /proc/uptime
}

delta() {	# delta T0 T1 -> seconds with 2 decimals
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

status=0
# bench_only=blk on the emulated host's command line (make bench
# BENCH_ONLY=blk): only the block throughput
only=$(sed -n 's/.*bench_only=\([a-z]*\).*/\1/p' /proc/cmdline)
[ -n "$only" ] && echo "# bench_only=$only: the other benchmarks are skipped"
if [ "$only" = blk ]; then
	:
elif [ -c /dev/hxen ] && [ -x "$E2E_BIN/hxen-monitor" ] && [ -f "$TESTGUEST" ]; then
	t0=$(now)
	$(testguest_cmd) > /tmp/bench-tg.out 2>&1
	rc=$?
	t1=$(now)
	guest_prefix < /tmp/bench-tg.out
	if [ $rc = 0 ]; then
		echo "@@BENCH testguest_wall $(delta "$t0" "$t1") s"
		# the test guest's own cycle counts ("... cycles per exit ...")
		grep -i 'cycles' /tmp/bench-tg.out | sed 's/^[# ]*/@@BENCH testguest: /'
	else
		missing "test guest exit costs: hxen-monitor exited with status $rc"
		status=1
	fi
else
	missing "test guest exit costs: /dev/hxen, hxen-monitor or testguest.elf absent"
	status=1
fi

G=$E2E_GUESTS/linux
BANNER='hxen-guest: Linux'
BENCH_TIMEOUT=$(( 150 * ${E2E_SCALE:-1} ))

# run_boot NAME OUTFILE CMD...: start CMD, time the guest's banner, then
# run "$B_AT_INIT" (if set) and wait for CMD to exit.  Sets B_INIT and
# B_TOTAL (seconds) and B_RC.
run_boot() {
	_name=$1 _out=$2
	shift 2
	B_INIT= B_TOTAL= B_RC=
	_t0=$(now)
	"$@" < /dev/null > "$_out" 2>&1 &
	B_PID=$!
	_end=$(( $(date +%s) + BENCH_TIMEOUT ))
	while kill -0 "$B_PID" 2>/dev/null; do
		if [ -z "$B_INIT" ] && grep -q "$BANNER" "$_out"; then
			B_INIT=$(delta "$_t0" "$(now)")
			[ -n "$B_AT_INIT" ] && eval "$B_AT_INIT"
		fi
		if [ "$(date +%s)" -ge "$_end" ]; then
			kill -9 "$B_PID" 2>/dev/null
			echo "# $_name: killed after $BENCH_TIMEOUT s"
			break
		fi
		sleep 0.05
	done
	wait "$B_PID"
	B_RC=$?
	B_TOTAL=$(delta "$_t0" "$(now)")
	guest_prefix < "$_out" | tail -n 12
}

hx_init= hx_cold= kvm_init= hx_exits= kvm_exits= kvm_best_name= kvm_best_exits=
RUNS=3		# boots per VMM; the median is reported (emulated hosts are noisy)

# median of the numbers on stdin (empty if none)
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
# hxen_boot CACHE_DIR OUT: boot the guest to its banner under hxen-monitor
hxen_boot() {
	# At init: stop the VM (the second SIGTERM destroys it at once); the
	# counters are printed as it goes (--stats).
	B_AT_INIT='kill -TERM $B_PID; sleep 0.2; kill -TERM $B_PID'
	run_boot hxen "$2" "$E2E_BIN/hxen-monitor" --memory 256M \
		--kernel "$G/vmlinuz" --ramdisk "$G/initramfs.cpio.gz" \
		--cmdline "console=hvc0 quiet panic=-1" --kernel-cache "$1" \
		--serial none --console stdio --stats
	B_AT_INIT=
}

if [ "$only" = blk ]; then
	:
elif [ -f "$G/vmlinuz" ] && [ -c /dev/hxen ]; then
	# Cold: an empty extracted-kernel cache, so the monitor decompresses
	# the bzImage (and stores it).  Warm: the same again, as every boot
	# after the first one of a kernel is (docs/monitor.md).
	kc=/tmp/bench-kcache
	rm -rf "$kc"
	hxen_boot "$kc" /tmp/bench-hx-cold.out
	hx_cold=$B_INIT
	[ -n "$hx_cold" ] && echo "@@BENCH linux_hxen_boot_to_init_cold $hx_cold s (bzImage decompressed)"
	: > /tmp/bench-hx.times
	: > /tmp/bench-hx.exits
	for i in $(seq $RUNS); do
		hxen_boot "$kc" /tmp/bench-hx.out
		[ -n "$B_INIT" ] || continue
		echo "$B_INIT" >> /tmp/bench-hx.times
		sed -n 's/.*stats: exits \([0-9]*\),.*/\1/p' /tmp/bench-hx.out | tail -n1 >> /tmp/bench-hx.exits
	done
	hx_init=$(median < /tmp/bench-hx.times)
	hx_exits=$(median < /tmp/bench-hx.exits)
	hx_user=$(sed -n 's/.*user-space exits \([0-9]*\),.*/\1/p' /tmp/bench-hx.out | tail -n1)
	if [ -n "$hx_init" ] && [ -n "$hx_cold" ]; then
		echo "@@BENCH linux_hxen_boot_to_init $hx_init s (extracted kernel cached; median of: $(tr '\n' ' ' < /tmp/bench-hx.times))"
		[ -n "$hx_exits" ] && echo "@@BENCH linux_hxen_exits $hx_exits exits ($hx_user to user space)"
		sed -n 's/.*stats: busiest user-space exits: /@@BENCH linux_hxen_busiest_user_exits: /p' /tmp/bench-hx.out | tail -n1
	else
		missing "Linux under hxen: no init banner (status $B_RC); last line: $(tail -n1 /tmp/bench-hx.out)"
		status=1
	fi
else
	missing "Linux under hxen: $G/vmlinuz or /dev/hxen absent"
	status=1
fi


kvm_exits_now() {
	cat /sys/kernel/debug/kvm/exits 2>/dev/null
}

# kvm_measure NAME QEMU-ARGS...: RUNS boots of the guest under QEMU+KVM to
# its banner; sets kvm_init (median seconds, empty if none) and kvm_exits.
kvm_measure() {
	_cfg=$1
	shift
	: > /tmp/bench-kvm.times
	: > /tmp/bench-kvm.exits
	# QEMU+KVM nested in QEMU TCG sometimes stops during the guest's PCI
	# scan (seen with either emulated CPU family, and never under hxen):
	# such a boot is killed after KVM_TIMEOUT s, counted and retried, up
	# to 2 * RUNS attempts for RUNS boots.  With -M microvm, Debian's
	# kernel stopped right after "PCI: Fatal: No config space access
	# function found" in every try here (microvm has no PCI).
	KVM_TIMEOUT=$(( 60 * ${E2E_SCALE:-1} ))
	kvm_hung=0
	for i in $(seq $((2 * RUNS))); do
		_ok=$(wc -l < /tmp/bench-kvm.times)
		[ "$_ok" -ge $RUNS ] && break
		# a configuration that does not boot here at all costs two
		# tries, not 2 * RUNS
		[ "$_ok" = 0 ] && [ $kvm_hung -ge 2 ] && break
		e0=$(kvm_exits_now)
		# exits up to init, then stop it, as for hxen (the counter is a
		# sum over live VMs: read it before the VM goes)
		B_AT_INIT='e1=$(kvm_exits_now); kill -TERM $B_PID'
		e1=
		BENCH_TIMEOUT=$KVM_TIMEOUT run_boot "kvm $_cfg" /tmp/bench-kvm.out \
			qemu-system-x86_64 "$@" \
			-cpu host -m 256 -nodefaults -display none -no-reboot \
			-L /usr/share/seabios -L /usr/share/qemu -serial stdio \
			-initrd "$G/initramfs.cpio.gz" \
			-append "console=ttyS0 quiet panic=-1"
		B_AT_INIT=
		[ -n "$B_INIT" ] || { kvm_hung=$((kvm_hung + 1)); continue; }
		echo "$B_INIT" >> /tmp/bench-kvm.times
		[ -n "$e0" ] && [ -n "$e1" ] && echo $((e1 - e0)) >> /tmp/bench-kvm.exits
	done
	kvm_init=$(median < /tmp/bench-kvm.times)
	kvm_exits=$(median < /tmp/bench-kvm.exits)
	if [ -n "$kvm_init" ]; then
		echo "@@BENCH linux_kvm_boot_to_init[$_cfg] $kvm_init s (median of: $(tr '\n' ' ' < /tmp/bench-kvm.times); boots that hung and were retried: $kvm_hung)"
		[ -n "$kvm_exits" ] && echo "@@BENCH linux_kvm_exits[$_cfg] $kvm_exits exits"
	else
		missing "Linux under QEMU+KVM ($_cfg): no init banner (status $B_RC); last line: $(tail -n1 /tmp/bench-kvm.out)"
	fi
}

if [ "$only" = blk ]; then
	:
elif ! command -v qemu-system-x86_64 >/dev/null; then
	missing "QEMU+KVM comparison: qemu-system-x86_64 not in the initramfs (E2E_KVM=1)"
	status=1
elif ! kvm_load >/dev/null; then
	missing "QEMU+KVM comparison: Debian's KVM modules did not load (see dmesg)"
	status=1
elif [ -f "$G/vmlinuz" ]; then
	mkdir -p /sys/kernel/debug
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	# The PVH ELF that hxen's cold boot extracted from the same bzImage
	# (the kernel cache holds it as a plain ELF): QEMU boots it with
	# -kernel too, through its pvh.bin option ROM or microvm's qboot.
	elf=$(ls /tmp/bench-kcache/vmlinux-* 2>/dev/null | head -n1)
	[ -n "$elf" ] || missing "QEMU+KVM with the PVH ELF: hxen's cold boot left no extracted kernel in /tmp/bench-kcache"
	kvm_best= kvm_best_name=
	# Every machine type and kernel format QEMU boots this guest with;
	# hxen is compared with the fastest (issue: "compare with the peer's
	# fastest configuration").  microvm has no PCI: the console is its
	# ISA serial port, as on pc.
	for cfg in pc:bzimage pc:pvh q35:bzimage q35:pvh microvm:bzimage microvm:pvh; do
		machine=${cfg%%:*}
		case ${cfg#*:} in
		bzimage) kern=$G/vmlinuz ;;
		pvh) [ -n "$elf" ] || continue; kern=$elf ;;
		esac
		kvm_measure "$cfg" -M "$machine,accel=kvm" -kernel "$kern"
		[ -n "$kvm_init" ] || continue
		if [ -z "$kvm_best" ] || awk -v a="$kvm_init" -v b="$kvm_best" 'BEGIN { exit !(a < b) }'; then
			kvm_best=$kvm_init kvm_best_name=$cfg kvm_best_exits=$kvm_exits
		fi
	done
	if [ -n "$kvm_best" ]; then
		echo "@@BENCH linux_kvm_fastest $kvm_best_name $kvm_best s"
	else
		missing "Linux under QEMU+KVM: no configuration reached the init banner"
		status=1
	fi
	kvm_init=$kvm_best kvm_exits=$kvm_best_exits
	kvm_unload >/dev/null 2>&1
fi

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}
if [ -n "$hx_init" ] && [ -n "$kvm_init" ]; then
	echo "@@BENCH ratio_boot_to_init_hxen_over_kvm $(ratio "$hx_init" "$kvm_init") x (cold: $(ratio "$hx_cold" "$kvm_init") x; against QEMU+KVM's fastest: $kvm_best_name)"
fi
if [ -n "$hx_exits" ] && [ -n "$kvm_exits" ] && [ "$kvm_exits" -gt 0 ]; then
	echo "@@BENCH ratio_exits_hxen_over_kvm $(awk -v a="$hx_exits" -v b="$kvm_exits" 'BEGIN { printf "%.2f", a / b }') x ($kvm_best_name)"
fi
# Block throughput: fio (tools/mkguest.sh's bench.cpio.gz, rdinit=
# /bench-init gives a shell on the console) in the guest, O_DIRECT, libaio,
# a fixed queue depth, against one raw image on this host's tmpfs: hxen's
# PV block (xen-blkfront) against QEMU+KVM's virtio-blk.  tmpfs has no
# O_DIRECT (Linux 6.1), so both VMMs use the host page cache (QEMU:
# cache=writeback; cache=none cannot open the image) and QEMU is measured
# with aio=threads and aio=io_uring, the best of the two per job compared.
BLK_IMG=/tmp/bench.img
BLK_MB=64
BLK_RAMDISK=/tmp/bench-blk.cpio.gz
# NAME:RW:BS, a boot each for the sequential and the random jobs (under
# QEMU+KVM nested in TCG the guest stopped in the third fio run of one
# boot, every time)
BLK_BOOTS="seqwrite:write:1M,seqread:read:1M randread:randread:4k"
BLK_JOBS=$(echo "$BLK_BOOTS" | tr ',' ' ')
BLK_FIO="--direct=1 --ioengine=libaio --iodepth=16 --size=${BLK_MB}M --runtime=5 --time_based --output-format=terse --terse-version=3"

# blk_wait OUT PATTERN SECONDS PID: until PATTERN is in OUT (0), PID exits
# or SECONDS pass (1)
blk_wait() {
	_end=$(( $(date +%s) + $3 ))
	while ! grep -q -- "$2" "$1" 2>/dev/null; do
		kill -0 "$4" 2>/dev/null || { sleep 0.5; grep -q -- "$2" "$1"; return; }
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.2
	done
}

# blk_send LINE: type LINE on the guest's console (a VMM that has gone
# makes it fail, not the script: SIGPIPE is ignored here)
trap '' PIPE
blk_send() {
	printf '%s\n' "$1" >&4 2>/dev/null
}

# blk_vm NAME OUT DEVS JOBS CMD...: start CMD (the guest's console on its
# stdin and stdout), wait for the bench shell, run the fio JOBS (comma-
# separated) on the first of DEVS that appears, power off.  0 if every job
# printed its terse line, 2 if the guest did not reach its shell, else 1.
blk_vm() {
	_name=$1 _out=$2 _devs=$3 _jobs=$(echo "$4" | tr ',' ' ')
	shift 4
	rm -f /tmp/bench-blk.in "$_out"
	mkfifo /tmp/bench-blk.in || return 1
	"$@" < /tmp/bench-blk.in > "$_out" 2>&1 &
	_pid=$!
	exec 4> /tmp/bench-blk.in
	_ok=2
	if blk_wait "$_out" 'hxen-guest: bench shell' $BENCH_TIMEOUT $_pid; then
		# the quotes keep the echoed command lines from matching
		blk_send "d=; t=0; while [ -z \"\$d\" ] && [ \$t -lt 150 ]; do for x in $_devs; do [ -b \$x ] && d=\$x && break; done; sleep 0.2; t=\$((t + 1)); done; echo \"@@BLK\"\"DEV \$d\""
		_ok=1
		for j in $_jobs; do
			_job=${j%%:*} _rw=${j#*:}
			blk_send "fio --name=$_job --filename=\$d --rw=${_rw%:*} --bs=${_rw#*:} $BLK_FIO | sed -n 's/^3;/@@F''IO 3;/p'"
		done
		blk_send 'echo @@FIO-""DONE'
		blk_wait "$_out" '^@@FIO-DONE' $(( 60 * ${E2E_SCALE:-1} )) $_pid && _ok=0
		blk_send 'poweroff -f'
		blk_wait "$_out" 'NO-SUCH-LINE' 20 $_pid
	fi
	kill -9 $_pid 2>/dev/null
	exec 4>&-
	wait $_pid 2>/dev/null
	[ $_ok = 0 ] || { echo "# $_name: no shell or fio did not finish:"; guest_prefix < "$_out" | tail -n 15; }
	[ $_ok = 2 ] || [ "$(grep -c '^@@FIO 3;' "$_out")" = "$(echo $_jobs | wc -w)" ] || _ok=1
	return $_ok
}

# blk_results OUT: "job MiB/s IOPS" per job from the terse lines (fields 7,
# 8: read KiB/s, IOPS; 48, 49: write)
blk_results() {
	tr -d '\r' < "$1" | awk -F';' '/^@@FIO 3;/ {
		if ($48 > 0) { bw = $48; io = $49 } else { bw = $7; io = $8 }
		printf "%s %.1f %d\n", $3, bw / 1024, io }'
}

blk_status=0
if [ -f "$G/bench.cpio.gz" ] && [ -f "$G/disk-modules.cpio.gz" ] && [ -f "$G/vmlinuz" ]; then
	cat "$G/initramfs.cpio.gz" "$G/disk-modules.cpio.gz" "$G/bench.cpio.gz" > "$BLK_RAMDISK"
	dd if=/dev/zero of="$BLK_IMG" bs=1M count=$BLK_MB 2>/dev/null
	: > /tmp/bench-blk-hx.res
	for jobs in $BLK_BOOTS; do
		[ -c /dev/hxen ] && blk_vm hxen /tmp/bench-blk-hx.out "/dev/xvdb /dev/xvda" "$jobs" \
			"$E2E_BIN/hxen-monitor" --memory 256M \
			--kernel "$G/vmlinuz" --ramdisk "$BLK_RAMDISK" \
			--cmdline "console=hvc0 quiet panic=-1 rdinit=/bench-init" \
			--serial none --console stdio \
			--disk "format=raw,vdev=xvdb,access=rw,target=$BLK_IMG"
		blk_results /tmp/bench-blk-hx.out >> /tmp/bench-blk-hx.res
	done
	: > /tmp/bench-blk-kvm.res
	if command -v qemu-system-x86_64 >/dev/null && kvm_load >/dev/null; then
		for aio in threads io_uring; do
			for jobs in $BLK_BOOTS; do
				# retried once if it did not reach its shell: see
				# kvm_measure (the PCI scan that stops)
				for _ in 1 2; do
					BENCH_TIMEOUT=$(( 60 * ${E2E_SCALE:-1} )) blk_vm "kvm $aio" /tmp/bench-blk-kvm.out "/dev/vda" "$jobs" \
						qemu-system-x86_64 -M pc,accel=kvm \
						-cpu host -m 256 -nodefaults -display none -no-reboot \
						-L /usr/share/seabios -L /usr/share/qemu -serial stdio \
						-kernel "$G/vmlinuz" -initrd "$BLK_RAMDISK" \
						-append "console=ttyS0 quiet panic=-1 rdinit=/bench-init" \
						-drive "file=$BLK_IMG,format=raw,if=virtio,cache=writeback,aio=$aio"
					[ $? = 2 ] || break
				done
				blk_results /tmp/bench-blk-kvm.out | sed "s/\$/ $aio/" >> /tmp/bench-blk-kvm.res
			done
		done
		kvm_unload >/dev/null 2>&1
	else
		missing "block throughput under QEMU+KVM: qemu-system-x86_64 absent or KVM did not load"
		blk_status=1
	fi
	for j in $BLK_JOBS; do
		job=${j%%:*}
		hx=$(awk -v j="$job" '$1 == j' /tmp/bench-blk-hx.res | head -n1)
		# QEMU's best configuration for this job
		kv=$(awk -v j="$job" '$1 == j' /tmp/bench-blk-kvm.res | sort -k2 -n -r | head -n1)
		case $job in
		randread) unit=IOPS col=3 target=0.9 ;;
		*) unit=MiB/s col=2 target=1.0 ;;
		esac
		[ -n "$hx" ] && echo "@@BENCH blk_hxen_$job $(echo "$hx" | cut -d' ' -f$col) $unit ($(echo "$hx" | cut -d' ' -f2) MiB/s, $(echo "$hx" | cut -d' ' -f3) IOPS)"
		[ -n "$kv" ] && echo "@@BENCH blk_kvm_$job $(echo "$kv" | cut -d' ' -f$col) $unit ($(echo "$kv" | cut -d' ' -f2) MiB/s, $(echo "$kv" | cut -d' ' -f3) IOPS; virtio-blk cache=writeback aio=$(echo "$kv" | cut -d' ' -f4); of: $(awk -v j="$job" -v c=$col '$1 == j { printf "%s=%s ", $4, $c }' /tmp/bench-blk-kvm.res))"
		[ -n "$hx" ] || { missing "block $job under hxen: fio did not finish (the guest's lines above)"; blk_status=1; }
		[ -n "$kv" ] || { missing "block $job under QEMU+KVM (virtio-blk): fio did not finish in any configuration"; blk_status=1; }
		if [ -n "$hx" ] && [ -n "$kv" ]; then
			r=$(ratio "$(echo "$hx" | cut -d' ' -f$col)" "$(echo "$kv" | cut -d' ' -f$col)")
			met=$(awk -v r="$r" -v t=$target 'BEGIN { print (r >= t) ? "met" : "not met" }')
			echo "@@BENCH ratio_blk_${job}_hxen_over_virtio $r x (target >= $target x: $met)"
		fi
	done
	rm -f "$BLK_IMG" "$BLK_RAMDISK"
else
	missing "block throughput: $G/bench.cpio.gz absent (apt-get install fio, then tools/mkguest.sh)"
	blk_status=1
fi
[ $blk_status = 0 ] || status=1
missing "network throughput: needs the vif backend"
exit $status

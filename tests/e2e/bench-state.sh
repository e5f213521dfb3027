# SPDX-License-Identifier: GPL-2.0
#
# make bench, state section (sourced by bench-inside.sh; BENCH_ONLY=state
# runs only this): the same 256 MiB guest (the bench shell, 64 MiB of
# random data in its tmpfs) under hxen and under QEMU+KVM:
#   state_save:      pause + write the whole VM to a file (hxen save;
#                    QEMU: stop, migrate "exec:cat > FILE")
#   state_restore:   from the file to a running guest (hxen restore;
#                    QEMU: -incoming "exec:cat FILE", then cont once it
#                    is in, until `info status` says running)
#   state_downtime:  live migration on loopback while the guest rewrites
#                    8 MiB in a loop (hxen migrate --tcp to migrate-receive;
#                    QEMU: migrate -d tcp: to a second QEMU -incoming, its
#                    `info migrate` downtime; max-bandwidth raised to 1 GiB/s
#                    since hxen has no cap), as each VMM reports it
# Wall times from this host's /proc/uptime; only ratios mean anything.
SB_RAMDISK=/tmp/bench-state.cpio.gz
SB_FILL='dd if=/dev/urandom of=/tmp/fill bs=1M count=64 2>/dev/null; echo @@FI""LLED'
SB_CHURN='(while :; do dd if=/dev/urandom of=/tmp/churn bs=64k count=128 conv=notrunc 2>/dev/null; done) >/dev/null 2>&1 & echo @@CHU""RNING'
SB_PORT=7201
SB_DIR=/run/hxen-bench
SB_H=$E2E_BIN/hxen

# sb_console FIFO OUT CMD...: CMD with FIFO on its stdin (fd 4 here)
sb_console() {
	_in=$1 _o=$2
	shift 2
	rm -f "$_in"
	mkfifo "$_in"
	"$@" < "$_in" > "$_o" 2>&1 &
	SB_PID=$!
	exec 4> "$_in"
}

# ---- hxen ----
sb_hxen() {
	export HXEN_RUNTIME_DIR=$SB_DIR
	mkdir -p $SB_DIR
	rm -f /tmp/sb-hx.save
	sb_console /tmp/sb-hx.in /tmp/sb-hx.out "$E2E_BIN/hxen-monitor" --name sbh \
		--ctl-socket $SB_DIR/sbh.sock --memory 256M \
		--kernel "$G/vmlinuz" --ramdisk "$SB_RAMDISK" \
		--cmdline "console=hvc0 quiet panic=-1 rdinit=/bench-init" \
		--serial none --console stdio
	if ! blk_wait /tmp/sb-hx.out 'hxen-guest: bench shell' $BENCH_TIMEOUT $SB_PID; then
		missing "state under hxen: no bench shell: $(tail -n 3 /tmp/sb-hx.out | tr '\n' ' ')"
		kill -9 $SB_PID 2>/dev/null
		return 1
	fi
	blk_send "$SB_FILL"
	blk_wait /tmp/sb-hx.out '^@@FILLED' 120 $SB_PID
	_t0=$(now)
	$SB_H save sbh /tmp/sb-hx.save > /tmp/sb-hx.s 2>&1 || { missing "hxen save: $(cat /tmp/sb-hx.s)"; return 1; }
	_t1=$(now)
	exec 4>&-
	wait $SB_PID 2>/dev/null
	hx_save=$(delta "$_t0" "$_t1")
	echo "@@BENCH state_save_hxen $hx_save s ($(sed 's/.*saved to [^:]*: //' /tmp/sb-hx.s))"
	_t0=$(now)
	$SB_H restore /tmp/sb-hx.save > /tmp/sb-hx.r 2>&1 || { missing "hxen restore: $(cat /tmp/sb-hx.r)"; return 1; }
	_t1=$(now)
	hx_restore=$(delta "$_t0" "$_t1")
	echo "@@BENCH state_restore_hxen $hx_restore s (to running)"
	rm -f /tmp/sb-hx.save	# tmpfs: the receiver below needs the RAM
	sb_console /tmp/sb-hx.in /tmp/sb-hx.c "$SB_H" console sbh
	blk_send "$SB_CHURN"
	blk_wait /tmp/sb-hx.c '^@@CHURNING' 60 $SB_PID
	sleep 2
	$SB_H migrate-receive --listen $SB_PORT --name sbh2 > /tmp/sb-hx.mr 2>&1 &
	_r=$!
	sleep 1
	$SB_H migrate --tcp 127.0.0.1:$SB_PORT sbh > /tmp/sb-hx.m 2>&1
	wait $_r
	kill $SB_PID 2>/dev/null
	exec 4>&-
	hx_down=$(sed -n 's/.*downtime \([0-9]*\) ms.*/\1/p' /tmp/sb-hx.m)
	if [ -n "$hx_down" ]; then
		echo "@@BENCH state_downtime_hxen $hx_down ms ($(sed 's/.*127.0.0.1:[0-9]*: //' /tmp/sb-hx.m))"
	else
		missing "hxen migrate: $(cat /tmp/sb-hx.m /tmp/sb-hx.mr | tr '\n' ' ')"
	fi
	$SB_H destroy sbh2 >/dev/null 2>&1
	$SB_H destroy sbh >/dev/null 2>&1
	$SB_H list 2>&1 | grep -q sbh && echo "# still listed after destroy: $($SB_H list 2>&1 | tr '\n' ' ')"
	rm -f /tmp/sb-hx.save
}

# ---- QEMU+KVM ----
# sb_qemu NAME EXTRA...: a QEMU+KVM with the bench guest, its serial on
# fd 4 (/tmp/sb-NAME.out) and its monitor (HMP) on the pipes /tmp/sb-NAME.hmp
sb_qemu() {
	_n=$1
	shift
	rm -f /tmp/sb-$_n.hmp.in /tmp/sb-$_n.hmp.out
	mkfifo /tmp/sb-$_n.hmp.in /tmp/sb-$_n.hmp.out
	sb_console /tmp/sb-$_n.in /tmp/sb-$_n.out qemu-system-x86_64 -M pc,accel=kvm \
		-cpu host -m 256 -nodefaults -display none -no-reboot \
		-L /usr/share/seabios -L /usr/share/qemu -serial stdio \
		-kernel "$G/vmlinuz" -initrd "$SB_RAMDISK" \
		-append "console=ttyS0 quiet panic=-1 rdinit=/bench-init" \
		-chardev pipe,id=hmp,path=/tmp/sb-$_n.hmp -mon chardev=hmp,mode=readline "$@"
	cat /tmp/sb-$_n.hmp.out > /tmp/sb-$_n.hmp.log &
	exec 5<> /tmp/sb-$_n.hmp.in	# read-write: a FIFO open that never blocks
}

hmp() {
	printf '%s\n' "$1" >&5 2>/dev/null
}

# hmp_until LOG PATTERN CMD SECS: repeat CMD until PATTERN is in LOG
hmp_until() {
	_end=$(( $(date +%s) + $4 ))
	until tr -d '\r' < "$1" 2>/dev/null | grep -q "$2"; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		hmp "$3"
		sleep 0.1
	done
}

sb_kvm() {
	_ok=
	for _ in 1 2; do	# the nested PCI scan that stops (kvm_measure)
		sb_qemu a
		qa=$SB_PID
		blk_wait /tmp/sb-a.out 'hxen-guest: bench shell' $(( 60 * ${E2E_SCALE:-1} )) $qa && { _ok=1; break; }
		kill -9 $qa 2>/dev/null
		exec 4>&- 5>&-
	done
	[ -n "$_ok" ] || { missing "state under QEMU+KVM: no bench shell: $(tail -n 4 /tmp/sb-a.out | tr '\n' ' ')"; return 1; }
	blk_send "$SB_FILL"
	blk_wait /tmp/sb-a.out '^@@FILLED' 120 $qa
	rm -f /tmp/sb-kvm.save
	hmp stop
	_t0=$(now)
	hmp 'migrate -d "exec:cat > /tmp/sb-kvm.save"'
	hmp_until /tmp/sb-a.hmp.log 'Migration status: completed' 'info migrate' 300 ||
		{ missing "QEMU save: $(tail -n 5 /tmp/sb-a.hmp.log | tr '\n' ' ')"; kill -9 $qa; return 1; }
	_t1=$(now)
	kv_save=$(delta "$_t0" "$_t1")
	echo "@@BENCH state_save_kvm $kv_save s ($(wc -c < /tmp/sb-kvm.save | awk '{ printf "%.1f", $1 / 1048576 }') MiB; QEMU's total time: $(tr -d '\r' < /tmp/sb-a.hmp.log | sed -n 's/.*total time: //p' | tail -n1))"
	hmp quit
	exec 4>&- 5>&-
	wait $qa 2>/dev/null
	_t0=$(now)
	sb_qemu r -incoming "exec:cat /tmp/sb-kvm.save"
	qa=$SB_PID
	# the guest was stopped when it was saved, so QEMU keeps it stopped
	# once it is in ("paused", no longer "paused (inmigrate)"): cont
	hmp_until /tmp/sb-r.hmp.log 'VM status: paused$' 'info status' 300 &&
		hmp cont &&
		hmp_until /tmp/sb-r.hmp.log 'VM status: running' 'info status' 60 ||
		{ missing "QEMU restore: $(tail -n 5 /tmp/sb-r.hmp.log | tr '\n' ' ')"; kill -9 $qa; return 1; }
	_t1=$(now)
	kv_restore=$(delta "$_t0" "$_t1")
	echo "@@BENCH state_restore_kvm $kv_restore s (to running)"
	blk_send "$SB_CHURN"
	blk_wait /tmp/sb-r.out '^@@CHURNING' 60 $qa
	sleep 2
	exec 6>&5
	sb_qemu b -incoming tcp:127.0.0.1:$SB_PORT
	qb=$SB_PID
	# listening once its monitor answers
	hmp_until /tmp/sb-b.hmp.log 'inmigrate' 'info status' 120
	exec 7>&5 5>&6
	hmp 'migrate_set_parameter max-bandwidth 1G'
	hmp "migrate -d tcp:127.0.0.1:$SB_PORT"
	# "downtime:" at the start of a line only once it completed (while it
	# runs, "expected downtime:")
	if hmp_until /tmp/sb-r.hmp.log '^downtime: [0-9]' 'info migrate' 600; then
		kv_down=$(tr -d '\r' < /tmp/sb-r.hmp.log | sed -n 's/^downtime: \([0-9]*\) ms.*/\1/p' | tail -n1)
		echo "@@BENCH state_downtime_kvm $kv_down ms (QEMU's info migrate; total $(tr -d '\r' < /tmp/sb-r.hmp.log | sed -n 's/.*total time: //p' | tail -n1), $(tr -d '\r' < /tmp/sb-r.hmp.log | sed -n 's/.*transferred ram: //p' | tail -n1))"
	else
		missing "QEMU live migration did not complete: $(tail -n 8 /tmp/sb-r.hmp.log | tr '\n' ' ')"
	fi
	hmp quit
	exec 5>&7
	hmp quit
	exec 4>&- 5>&- 6>&- 7>&-
	kill -9 $qa $qb 2>/dev/null
	wait $qa $qb 2>/dev/null
	rm -f /tmp/sb-kvm.save
}

sb_ratio() {	# NAME HXEN KVM UNIT
	[ -n "$2" ] && [ -n "$3" ] || return
	_r=$(ratio "$2" "$3")
	echo "@@BENCH ratio_state_$1_hxen_over_kvm $_r x (target <= 0.5 x: $(awk -v r="$_r" 'BEGIN { print (r <= 0.5) ? "met" : "not met" }'))"
}

if ! [ -f "$G/bench.cpio.gz" ] || ! [ -f "$G/disk-modules.cpio.gz" ]; then
	missing "state save/restore/migration: $G/bench.cpio.gz absent (tools/mkguest.sh)"
	status=1
else
	cat "$G/initramfs.cpio.gz" "$G/disk-modules.cpio.gz" "$G/bench.cpio.gz" > "$SB_RAMDISK"
	ip link set lo up 2>/dev/null
	hx_save= hx_restore= hx_down= kv_save= kv_restore= kv_down=
	if [ -c /dev/hxen ]; then
		sb_hxen || status=1
	fi
	if command -v qemu-system-x86_64 >/dev/null && kvm_load >/dev/null; then
		sb_kvm || status=1
		kvm_unload >/dev/null 2>&1
	else
		missing "state under QEMU+KVM: qemu-system-x86_64 absent or KVM did not load"
		status=1
	fi
	sb_ratio save "$hx_save" "$kv_save"
	sb_ratio restore "$hx_restore" "$kv_restore"
	sb_ratio downtime "$hx_down" "$kv_down"
	rm -f "$SB_RAMDISK"
fi

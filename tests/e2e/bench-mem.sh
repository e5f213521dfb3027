# SPDX-License-Identifier: GPL-2.0
#
# make bench, memory section (sourced by bench-inside.sh after the boot
# comparison; BENCH_ONLY=boot runs it too, BENCH_ONLY=mem only this): the
# monitor's memory beyond the guest's own.  A 512 MiB guest (the bench
# shell) boots under hxen-monitor with its kernel cached (warm; cold
# first if the cache is empty); once at its shell, and again after it
# wrote MB_TOUCH MiB into its tmpfs, /proc/PID/smaps of the monitor gives
#   guest:    Rss of the guest-RAM mapping (the anonymous mapping of
#             the guest's size and its 64 KiB of Xen special pages,
#             monitor/mem.c): the pages the guest touched, which it pays
#             for under any VMM
#   overhead: every other resident page of the monitor (Rss; libraries
#             count whole, Pss is printed next to it), by mapping
# Target: overhead <= 8 MiB (issue #12).  The module's own memory (nested
# page tables, vCPU state) is kernel memory, not in the monitor's Rss:
# its nested-table pages are printed next to it (debugfs).
MB_GUEST_MB=512
MB_TOUCH=128
MB_TARGET_KB=$((8 * 1024))
MB_RAMDISK=/tmp/bench-mem.cpio.gz

# mb_smaps PID GUEST_KB: "rss guest pss mappings thp" (kB; rss, pss and
# thp, the transparent huge pages, without the guest mapping; mappings:
# how many matched: anonymous, of GUEST_KB plus at most 2 MiB, the
# guest's Xen special pages that monitor/mem.c allocates with its RAM,
# monitor/pvh.c), then
# "name kB" for each other mapping name with resident pages (anonymous
# ones without a name as "[anon-SIZEkB]", files by their base name)
mb_smaps() {
	awk -v g="$2" '
	/^[0-9a-f]+-[0-9a-f]+ / {
		name = NF >= 6 ? $6 : "[anon]"
		sub(/.*\//, "", name)
		next
	}
	$1 == "Size:" {
		isg = name == "[anon]" && $2 >= g && $2 <= g + 2048
		n += isg
		# anonymous mappings by size: thread stacks, malloc arenas
		if (name == "[anon]" && !isg)
			name = sprintf("[anon-%dkB]", $2)
		next
	}
	$1 == "AnonHugePages:" { if (!isg) thp += $2; next }
	$1 == "Rss:" { if (isg) gr += $2; else { rss += $2; by[name] += $2 }; next }
	$1 == "Pss:" { if (!isg) pss += $2; next }
	END {
		print rss + 0, gr + 0, pss + 0, n + 0, thp + 0
		for (k in by)
			if (by[k] > 0)
				print k, by[k]
	}' "/proc/$1/smaps" 2>/dev/null
}

mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# mb_report PID WHEN: one @@BENCH line of the overhead at WHEN, one of the
# 8 mappings that take most of it; sets MB_OVER (kB, empty if the guest
# mapping was not found)
mb_report() {
	MB_OVER=
	mb_smaps "$1" $((MB_GUEST_MB * 1024)) > /tmp/bench-mem.smaps
	read -r _rss _gr _pss _n _thp < /tmp/bench-mem.smaps
	if [ "${_n:-0}" != 1 ]; then
		missing "monitor memory overhead ($2): ${_n:-no} anonymous mapping(s) of $MB_GUEST_MB MiB (+ up to 2) in /proc/$1/smaps (the guest RAM)"
		return
	fi
	MB_OVER=$_rss
	_thr=$(awk '$1 == "Threads:" { print $2 }' "/proc/$1/status")
	_met=$(awk -v k="$_rss" -v t=$MB_TARGET_KB 'BEGIN { print k <= t ? "met" : "not met" }')
	# the module's nested tables (kernel memory, debugfs: hx_mmu_audit)
	_npt=$(cat /sys/kernel/debug/hxen/vm* 2>/dev/null |
		sed -n 's/^npt: \([0-9]*\) tables, \([0-9]*\) pages mapped.*/\1 table pages, \2 pages mapped/p' | head -n1)
	echo "@@BENCH mem_monitor_overhead[$2] $(mib "$_rss") MiB (target <= 8 MiB: $_met; Rss beyond the guest RAM mapping; Pss $(mib "$_pss") MiB, $(mib "$_thp") MiB of it in huge pages; guest RAM resident $(mib "$_gr") of $MB_GUEST_MB MiB; $_thr threads${_npt:+; module: $_npt})"
	echo "@@BENCH mem_monitor_overhead_by_mapping[$2] $(sed 1d /tmp/bench-mem.smaps | sort -k2 -n -r | head -n 8 |
		awk '{ printf "%s%s %d kB", sep, $1, $2; sep = ", " }')"
	# which mappings besides the guest's got huge pages, and their
	# neighbours (a malloc arena's reserve is the ---p one after it)
	[ "${_thp:-0}" = 0 ] || awk -v g=$((MB_GUEST_MB * 1024)) '
		/^[0-9a-f]+-[0-9a-f]+ / { prev = cur; cur = $0; if (want) { print "# mem: next: " cur; want = 0 }; next }
		$1 == "Size:" { sz = $2 }
		$1 == "AnonHugePages:" && $2 > 0 && !(sz >= g && sz <= g + 2048) {
			print "# mem: " $2 " kB of huge pages in " cur " (" sz " kB); before it: " prev; want = 1 }' "/proc/$1/smaps"
}

# mb_run KIND: one boot of the 512 MiB guest (KIND: cold, the bzImage
# decompressed, or warm, the extracted kernel cached), measured at its
# shell and after it touched MB_TOUCH MiB; 1 if nothing was measured
mb_run() {
	rm -f /tmp/bench-mem.in
	mkfifo /tmp/bench-mem.in
	"$E2E_BIN/hxen-monitor" --memory ${MB_GUEST_MB}M \
		--kernel "$G/vmlinuz" --ramdisk "$MB_RAMDISK" \
		--kernel-cache /tmp/bench-kcache \
		--cmdline "console=hvc0 quiet panic=-1 rdinit=/bench-init" \
		--serial none --console stdio < /tmp/bench-mem.in > /tmp/bench-mem.out 2>&1 &
	mb_pid=$!
	mb_t0=$(now)
	exec 4> /tmp/bench-mem.in
	_r=1
	if blk_wait /tmp/bench-mem.out 'hxen-guest: bench shell' $BENCH_TIMEOUT $mb_pid; then
		# the exit profile too: kind 6 is the nested page faults that
		# mapped the guest's RAM (kmod/hx_backend.h)
		echo "# mem $1: bench shell after $(delta "$mb_t0" "$(now)") s; $(hx_prof)"
		# let the boot's last work (udev, modules) settle
		sleep 2
		mb_report $mb_pid "$1, booted"
		[ -n "$MB_OVER" ] && _r=0
		# the quotes keep the echoed command line from matching
		blk_send "dd if=/dev/zero of=/touch bs=1M count=$MB_TOUCH 2>/dev/null; echo @@TOU""CHED"
		if blk_wait /tmp/bench-mem.out '^@@TOUCHED' $(( 60 * ${E2E_SCALE:-1} )) $mb_pid; then
			mb_report $mb_pid "$1, touched ${MB_TOUCH} MiB"
		else
			missing "monitor memory overhead ($1) after touching $MB_TOUCH MiB: the guest's dd did not finish"
		fi
		blk_send 'poweroff -f'
		blk_wait /tmp/bench-mem.out 'NO-SUCH-LINE' 20 $mb_pid
	else
		missing "monitor memory overhead ($1): the 512 MiB guest did not reach its shell; last lines:"
		guest_prefix < /tmp/bench-mem.out | tail -n 12
	fi
	kill -9 $mb_pid 2>/dev/null
	exec 4>&-
	wait $mb_pid 2>/dev/null
	rm -f /tmp/bench-mem.in
	return $_r
}

mb_status=0
if [ -f "$G/bench.cpio.gz" ] && [ -f "$G/disk-modules.cpio.gz" ] && [ -c /dev/hxen ]; then
	cat "$G/initramfs.cpio.gz" "$G/disk-modules.cpio.gz" "$G/bench.cpio.gz" > "$MB_RAMDISK"
	mkdir -p /sys/kernel/debug
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	# the kernel cache of the boot section; without it (BENCH_ONLY=mem)
	# a cold boot first, which fills it
	ls /tmp/bench-kcache/vmlinux-* >/dev/null 2>&1 || mb_run cold || mb_status=1
	mb_run warm || mb_status=1
	rm -f "$MB_RAMDISK"
else
	missing "monitor memory overhead: $G/bench.cpio.gz, $G/disk-modules.cpio.gz or /dev/hxen absent"
	mb_status=1
fi
[ $mb_status = 0 ] || status=1

# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the virtual disk scenarios (tests/e2e/scenarios/6x-blk-*.sh),
# sourced after /e2e/linux-lib.sh.  The guest's xen-blkfront is Debian's
# module, loaded by the bundled guest's rcS (tools/mkguest.sh).
#
#   blk_image PATH MIB          a sparse raw image
#   blk_guest_wait DEV          wait in the guest until /sys/block/DEV is there
#   blk_guest CMD TAG [SECS]    run CMD in the guest, its output on lines
#                               "@@TAG ..."; waits for "@@TAG-END"
#   blk_val TAG                 the first field of the last "@@TAG" line
#   blk_boot IMG MIB SPEC       a new IMG of MIB MiB as xvda (--disk
#                               "SPEC,target=IMG"), booted, xvda seen

blk_image() {
	rm -f "$1"
	dd if=/dev/zero of="$1" bs=1M count=0 seek="$2" 2>/dev/null ||
		fail "cannot create image $1"
}

BLK_N=0
blk_guest() {
	BLK_N=$((BLK_N + 1))
	# Tags split by empty quotes: a wrapped echo of this line never
	# starts with one (see state-lib.sh).
	lx_send "( $1 ) 2>&1 | sed 's/^/@@''$2 /'; echo @@\"\"$2-END-$BLK_N"
	lx_wait "^@@$2-END-$BLK_N" "${3:-60}" ||
		{ lx_show 30; blk_term; fail "no answer to: $1"; }
}

# Stop the monitor with SIGTERM (it tears the devices down and says where
# each ring stood), then show its last lines.
blk_term() {
	[ -n "$LX_PID" ] && kill -TERM "$LX_PID" 2>/dev/null
	_i=0
	while lx_alive && [ $_i -lt 90 ]; do sleep 0.5; _i=$((_i + 1)); done
	lx_stop
	grep 'hxen-monitor' "$LX_OUT" | tail -n 12 | sed 's/^/# /'
}

blk_val() {
	grep "^@@$1 " "$LX_OUT" | tail -n1 | tr -d '\r' | cut -d' ' -f2
}

blk_guest_wait() {
	blk_guest "i=0; while [ ! -e /sys/block/$1 ] && [ \$i -lt 30 ]; do sleep 1; i=\$((i+1)); done; cat /sys/block/$1/size" SIZE 60
	[ -n "$(blk_val SIZE)" ] && [ "$(blk_val SIZE)" -gt 0 ] 2>/dev/null ||
		{ lx_show 30; lx_stop; fail "no /sys/block/$1 in the guest"; }
}

blk_boot() {
	blk_image "$1" "$2"
	LX_APPEND=quiet
	lx_boot --disk "$3,target=$1"
	blk_guest_wait xvda
}

# sha256 of MIB MiB at offset SKIP MiB of a file (host side)
blk_host_sum() {
	dd if="$1" bs=1M skip="${3:-0}" count="$2" 2>/dev/null | sha256sum | cut -d' ' -f1
}

# blk_pattern N: N MiB of a pattern both sides can make (busybox yes)
blk_pattern() {
	yes "hxen pattern $1" | head -c $(( $1 * 1048576 ))
}

# A second VM beside the lx_* one, console on its own FIFO (fd 4):
#   blk_vm2_start [monitor options...]; blk_vm2_send LINE;
#   blk_vm2_wait PATTERN SECONDS; blk_vm2_ready; blk_vm2_stop
B2_OUT=/tmp/$E2E_NAME.vm2.out
B2_IN=/tmp/$E2E_NAME.vm2.in
B2_PID=
blk_vm2_start() {
	rm -f "$B2_IN" "$B2_OUT"
	mkfifo "$B2_IN" || fail "mkfifo $B2_IN"
	"$E2E_BIN/hxen-monitor" --memory "${LX_MEM:-256M}" \
		--kernel "$LX_G/vmlinuz" --ramdisk "$LX_G/initramfs.cpio.gz" \
		--cmdline "$(cat "$LX_G/cmdline") quiet" \
		--serial none --console stdio "$@" < "$B2_IN" > "$B2_OUT" 2>&1 &
	B2_PID=$!
	exec 4> "$B2_IN"
}
blk_vm2_send() {
	printf '%s\n' "$1" >&4
}
blk_vm2_wait() {
	_end=$(( $(date +%s) + $2 ))
	until grep -q -- "$1" "$B2_OUT" 2>/dev/null; do
		blk_vm2_alive || return 1
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.5
	done
}
blk_vm2_alive() {
	kill -0 "$B2_PID" 2>/dev/null
}
# as lx_ready: ask until the shell answers (input typed before it reads,
# or while it waits for its cursor-position query, is lost)
blk_vm2_ready() {
	lx_ask_ready blk_vm2_send blk_vm2_wait blk_vm2_alive V2READY "${1:-40}"
}
blk_vm2_stop() {
	[ -n "$B2_PID" ] && kill -9 "$B2_PID" 2>/dev/null
	exec 4>&- 2>/dev/null
	wait "$B2_PID" 2>/dev/null
}

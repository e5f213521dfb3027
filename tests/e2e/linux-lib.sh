# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the Linux guest scenarios (tests/e2e/scenarios/4x-linux-*.sh),
# sourced after /e2e/lib.sh inside the emulated host.  The guest is the
# bundled one (tools/mkguest.sh): Debian's kernel, busybox shell on hvc0.
#
#   lx_boot [monitor options...]    start, wait for init and the shell
#   lx_start [monitor options...]   start hxen-monitor, console on a FIFO
#   lx_wait PATTERN SECONDS [N]     wait until PATTERN occurs N times
#   lx_send LINE                    type a line on the guest console
#   lx_ready [TRIES]                wait until the shell answers
#   lx_finish SECONDS               wait for the monitor; sets LX_RC
#   lx_stop                         kill the monitor (cleanup)
#   lx_systemd SECONDS              the root disk's boot report (6x-*debian*)
#
# LX_RAMDISK and LX_CMDLINE replace the bundled guest's initramfs and
# command line (68-blk-debian boots the root disk), LX_APPEND adds to it.

LX_G=$E2E_GUESTS/linux
LX_OUT=/tmp/$E2E_NAME.out
LX_IN=/tmp/$E2E_NAME.in
LX_PID=
LX_RC=

lx_start() {
	need_dev
	LX_RAMDISK=${LX_RAMDISK:-$LX_G/initramfs.cpio.gz}
	need "$E2E_BIN/hxen-monitor" "$LX_G/vmlinuz" "$LX_RAMDISK"
	rm -f "$LX_IN" "$LX_OUT"
	mkfifo "$LX_IN" || fail "mkfifo $LX_IN"
	"$E2E_BIN/hxen-monitor" --memory "${LX_MEM:-256M}" \
		--kernel "$LX_G/vmlinuz" --ramdisk "$LX_RAMDISK" \
		--cmdline "${LX_CMDLINE:-$(cat "$LX_G/cmdline")} ${LX_APPEND:-}" \
		--serial stdio --console stdio "$@" \
		< "$LX_IN" > "$LX_OUT" 2>&1 &
	LX_PID=$!
	# hold the FIFO open: the guest never sees end-of-input
	exec 3> "$LX_IN"
	LX_T0=$(date +%s)
}

lx_alive() {
	kill -0 "$LX_PID" 2>/dev/null
}

# lx_count PATTERN: occurrences (lines) in the output so far
lx_count() {
	grep -c -- "$1" "$LX_OUT" 2>/dev/null || true
}

lx_wait() {
	_n=${3:-1}
	_end=$(( $(date +%s) + $2 ))
	while [ "$(lx_count "$1")" -lt "$_n" ]; do
		if ! lx_alive; then
			sleep 1
			[ "$(lx_count "$1")" -ge "$_n" ] && return 0
			return 1
		fi
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.2
	done
	return 0
}

lx_send() {
	printf '%s\n' "$1" >&3
}

# Show the guest's output (prefixed: its own WARNINGs are not the host's).
lx_show() {
	guest_prefix < "$LX_OUT" | tail -n "${1:-60}"
}

lx_finish() {
	_end=$(( $(date +%s) + $1 ))
	while lx_alive; do
		if [ "$(date +%s)" -ge "$_end" ]; then
			lx_stop
			LX_RC=timeout
			return 1
		fi
		sleep 0.2
	done
	wait "$LX_PID"
	LX_RC=$?
	exec 3>&-
	return 0
}

lx_stop() {
	[ -n "$LX_PID" ] && kill -9 "$LX_PID" 2>/dev/null
	exec 3>&- 2>/dev/null
	wait "$LX_PID" 2>/dev/null
}

# lx_guest_problem: true if the guest's kernel logged an Oops, a BUG or a
# WARNING.  Not counted: the RETBleed mitigation notice (a "WARNING:" in
# its text) that Debian's kernel prints on Bochs' Skylake-X model, the
# VMX host's CPU: a statement about the CPU, not a kernel problem.
lx_guest_problem() {
	grep 'Oops\|BUG:\|WARNING:' "$LX_OUT" |
		grep -qv 'RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable'
}

# lx_boot: start and wait for the shell prompt, or fail with the last
# console lines (how far the boot got).
# lx_state: the module's view of every live VM (kmod/hx_debugfs.c), twice
# a second apart, for a guest that hangs: what each vCPU waits for.
lx_state() {
	[ -d /sys/kernel/debug/hxen ] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	for _r in 1 2; do
		for _f in /sys/kernel/debug/hxen/vm*; do
			[ -f "$_f" ] || continue
			echo "# hxen state ($_r) ${_f##*/}:"
			sed 's/^/#   /' "$_f"
		done
		[ $_r = 2 ] || sleep 1
	done
}

lx_boot() {
	lx_start "$@"
	if ! lx_wait 'hxen-guest: Linux' $(( ${LX_BOOT_TIMEOUT:-300} * ${E2E_SCALE:-1} )); then
		lx_show 40
		lx_state
		lx_stop
		fail "guest did not reach its init within ${LX_BOOT_TIMEOUT:-300} s; last line: $(tail -n1 "$LX_OUT")"
	fi
	note "guest booted to init in $(( $(date +%s) - LX_T0 )) s"
	lx_ready || { lx_show 20; lx_state; lx_stop; fail "the shell on hvc0 does not answer"; }
}

# lx_ready: ask until the shell on hvc0 answers (it may not be reading
# yet, or the guest may have just rebooted).  Each round uses a new tag.
LX_READY=0
lx_ready() {
	lx_ask_ready lx_send lx_wait lx_alive READY "${1:-30}"
}

# lx_ask_ready SEND WAIT ALIVE TAG TRIES: lx_ready for any console (SEND
# LINE, WAIT PATTERN SECONDS, ALIVE: blk-lib.sh's second VM uses it)
lx_ask_ready() {
	_i=0
	while [ $_i -lt "$5" ]; do
		LX_READY=$((LX_READY + 1))
		$1 "echo @@$4-$LX_READY-"
		$2 "^@@$4-$LX_READY-" 3 && return 0
		$3 || return 1
		_i=$((_i + 1))
	done
	return 1
}

# lx_systemd SECONDS: wait for the report of the Debian root disk's
# hxen-test.service (hxen.test= on the command line, docs/guest.md), print
# it, set LX_STATE; fail unless systemd says running or degraded.
lx_systemd() {
	lx_wait '@@HXEN-TEST state=' "$1" ||
		{ lx_show 80; lx_stop; fail "systemd did not finish booting within $1 s; last line: $(tail -n1 "$LX_OUT")"; }
	# the failed units and systemd-analyze's line follow
	lx_wait '@@HXEN-TEST Startup' 30
	grep -a '@@HXEN-TEST' "$LX_OUT" | sed 's/.*@@HXEN-TEST/# @@HXEN-TEST/'
	LX_STATE=$(sed -n 's/.*@@HXEN-TEST state=\([a-z-]*\).*/\1/p' "$LX_OUT" | head -n1)
	note "systemd: $LX_STATE after $(( $(date +%s) - LX_T0 )) s"
	case $LX_STATE in
	running|degraded) ;;
	*) lx_show 40; lx_stop; fail "systemctl is-system-running: '$LX_STATE'" ;;
	esac
}

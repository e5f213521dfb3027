# SPDX-License-Identifier: GPL-2.0
#
# Helpers for scenarios (tests/e2e/scenarios/*.sh), sourced as /e2e/lib.sh
# inside the emulated host.  A scenario exits 0 to pass; fail() records a
# one-line reason that /init prints in the @@FAIL marker.
#
# Environment set by /init: E2E_NAME, E2E_HOST (svm|vmx), E2E_SCALE (slow
# emulators multiply timeouts by it), E2E_TIMEOUT (this scenario's budget,
# seconds), E2E_REASON (file for the reason).

# Paths inside the emulated host; tests/e2e/demo.sh sets them to the build
# tree when it runs a demo natively.
E2E_BIN=${E2E_BIN:-/opt/hxen/bin}		# build/bin/* of the tree under test
E2E_GUESTS=${E2E_GUESTS:-/opt/hxen/guests}	# build/pvdrivers/* guest images
E2E_KO=${E2E_KO:-/e2e/modules/hxen.ko}

fail() {
	echo "FAIL: $*"
	[ -n "$E2E_REASON" ] && echo "$*" >> "$E2E_REASON"
	exit 1
}

note() {
	echo "# $*"
}

# need FILE...: fail clearly when a piece of the tree was not built.
need() {
	for _f in "$@"; do
		[ -e "$_f" ] || fail "missing ${_f#/opt/hxen/} (not built yet?)"
	done
}

need_dev() {
	[ -c /dev/hxen ] || fail "/dev/hxen does not exist (hxen.ko not loaded)"
}

# Prefix every line of stdin: guest console output can contain a guest
# kernel's own "WARNING" lines, which check-log.sh must not take for the
# host's (it skips lines starting with "guest| ").
guest_prefix() {
	sed 's/^/guest| /'
}

hx_wait_dev() {
	_i=0
	while [ ! -c /dev/hxen ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -c /dev/hxen ]
}

hx_load() {
	[ -f "$E2E_KO" ] || { echo "hxen.ko was not built (make kmod KDIR=...)"; return 1; }
	insmod "$E2E_KO" || { echo "insmod hxen.ko failed (see dmesg)"; return 1; }
	hx_wait_dev || { echo "hxen.ko loaded but /dev/hxen did not appear"; return 1; }
}

hx_unload() {
	grep -q '^hxen ' /proc/modules || { echo "hxen is not loaded"; return 1; }
	rmmod hxen || { echo "rmmod hxen failed: $(grep '^hxen ' /proc/modules)"; return 1; }
	[ ! -e /dev/hxen ] || { echo "/dev/hxen still exists after rmmod"; return 1; }
}

# memfree_kb: MemFree after dropping caches.
memfree_kb() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	# fold free pages back together (huge pages freed in pieces)
	[ -w /proc/sys/vm/compact_memory ] && echo 1 > /proc/sys/vm/compact_memory
	awk '/^MemFree:/ { print $2 }' /proc/meminfo
}

# pins_held: pages pinned with FOLL_PIN and not yet unpinned, host-wide
# (hxen.ko is the only user of pin_user_pages in the emulated host).
pins_held() {
	# fold the per-CPU counter deltas first
	echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
	awk '/^nr_foll_pin_acquired / { a = $2 } /^nr_foll_pin_released / { r = $2 }
	     END { print a - r }' /proc/vmstat
}

# The test guest and the command line that runs it.  HX_TESTGUEST_ARGS in
# a scenario's environment overrides the monitor options.
TESTGUEST=$E2E_GUESTS/testguest.elf
testguest_cmd() {
	echo "$E2E_BIN/hxen-monitor ${HX_TESTGUEST_ARGS:---memory 64M --kernel $TESTGUEST --serial stdio} $*"
}

# tap_check FILE: every TAP line "ok", none "not ok", plan "1..N" met.
# Prints a summary; returns 1 with the reason on stdout's last line.
tap_check() {
	awk '
	/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; have_plan = 1 }
	/^ok [0-9]+/ { ok++ }
	/^not ok [0-9]+/ { notok++; if (!first) first = $0 }
	END {
		printf "tap: %d ok, %d not ok, plan %s\n", ok, notok,
		       have_plan ? plan : "missing"
		if (!have_plan) { print "no TAP plan line (1..N)"; exit 1 }
		if (notok) { print first; exit 1 }
		if (ok != plan) {
			printf "%d of %d planned tests reported\n", ok, plan
			exit 1
		}
		if (plan == 0) { print "empty TAP plan"; exit 1 }
	}' "$1"
}

# kvm_load: Debian's KVM modules for this CPU (packed by mkinitramfs.sh),
# dependencies first; kvm_unload removes what kvm_load loaded.
kvm_loaded=
kvm_load() {
	[ -f /e2e/modules/kvm/order ] || { echo "no KVM modules in the initramfs"; return 1; }
	for _m in $(cat /e2e/modules/kvm/order); do
		case $_m in
		kvm-intel) grep -qw vmx /proc/cpuinfo || continue ;;
		kvm-amd) grep -qw svm /proc/cpuinfo || continue ;;
		esac
		if ! grep -q "^$(echo "$_m" | tr - _) " /proc/modules; then
			insmod "/e2e/modules/kvm/$_m.ko" || { echo "insmod $_m failed (see dmesg)"; return 1; }
			kvm_loaded="$_m $kvm_loaded"
		fi
	done
	hx_wait_char /dev/kvm || { echo "KVM loaded but /dev/kvm did not appear"; return 1; }
}

kvm_unload() {
	for _m in $kvm_loaded; do
		rmmod "$(echo "$_m" | tr - _)" || { echo "rmmod $_m failed"; return 1; }
	done
	kvm_loaded=
}

# hx_wait_char DEV: up to 5 s for a character device to appear.
hx_wait_char() {
	_i=0
	while [ ! -c "$1" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -c "$1" ]
}

# e2e_disk NAME: prints the block device (/dev/vdX) of the disk that
# run.sh or demo.sh attached to the emulated host for "# e2e-disk: NAME"
# (tests/e2e/disk.sh: virtio-blk, serial hxen-NAME), loading virtio-blk
# first; fails when there is none (the reason on stderr: stdout is the
# caller's).  Use: dev=$(e2e_disk rootfs) || exit 1
e2e_disk() {
	[ -f /e2e/modules/disk/order ] || fail "no virtio-blk modules in the initramfs (mkinitramfs.sh)" >&2
	for _m in $(cat /e2e/modules/disk/order); do
		grep -q "^$(echo "$_m" | tr - _) " /proc/modules ||
			insmod "/e2e/modules/disk/$_m.ko" || fail "insmod $_m failed (see dmesg)" >&2
	done
	_i=0
	while [ $_i -lt 100 ]; do
		for _s in /sys/block/vd*/serial; do
			[ -f "$_s" ] && [ "$(cat "$_s")" = "hxen-$1" ] || continue
			_d=${_s%/serial}
			echo "/dev/${_d##*/}"
			return 0
		done
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "no disk hxen-$1 in the emulated host: run.sh attaches it for scenarios with '# e2e-disk: $1' (svm host only)" >&2
}

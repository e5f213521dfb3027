#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo [DEMO=linux|debian|testguest]: run one guest under hxen with
# its console on this terminal.
#
# Natively when this machine can load hxen.ko (/proc/modules exists and
# the CPU has svm or vmx); otherwise inside the emulated host (QEMU TCG
# with AMD SVM), serial console on this terminal.  When stdin is not a
# terminal it is fed to the guest console.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/e2e/svm-cpu.sh"
. "$top/tests/e2e/disk.sh"
build=${BUILD:-build}
[[ "$build" = /* ]] || build=$top/$build
demo=${DEMO:-linux}
[ -f "$top/tests/e2e/demos/$demo.sh" ] ||
	{ echo "demo: unknown DEMO=$demo (have: $(cd "$top/tests/e2e/demos" && ls | sed 's/\.sh$//' | tr '\n' ' '))" >&2; exit 2; }

# DEMO=debian boots the Debian root disk (tools/mkrootfs.sh, cached), and
# waits for root's prompt on hvc0 before it feeds piped input.
if [ "$demo" = debian ]; then
	DEMO_READY=${DEMO_READY:-root@hxen-debian:}
	rootfs_disk "$build" || exit 1
fi

if [ -e /proc/modules ] && grep -qwE 'svm|vmx' /proc/cpuinfo; then
	echo "demo: running natively on this machine"
	# The guest writes to a working copy, not to the cached image.
	if [ "$demo" = debian ]; then
		export HX_DEBIAN_DISK=$build/rootfs/demo.img
		if [ ! -f "$HX_DEBIAN_DISK" ] || [ "$build/rootfs/rootfs.img" -nt "$HX_DEBIAN_DISK" ]; then
			cp --sparse=always "$build/rootfs/rootfs.img" "$HX_DEBIAN_DISK"
		fi
		echo "demo: the guest's disk is ${HX_DEBIAN_DISK#"$top"/} (a copy of rootfs.img; rm it to start afresh)"
	fi
	if [ ! -c /dev/hxen ]; then
		[ "$(id -u)" = 0 ] || { echo "demo: hxen.ko is not loaded; run as root (or: sudo insmod kmod/hxen.ko)" >&2; exit 1; }
		insmod "$top/kmod/hxen.ko"
	fi
	# The demo scripts run here too, with lib.sh pointed at the build tree.
	E2E_BIN=$build/bin E2E_GUESTS=$build/pvdrivers E2E_KO=$top/kmod/hxen.ko \
		sh -c '. "$1/lib.sh"; . "$1/demos/$2.sh"' demo "$top/tests/e2e" "$demo"
	exit $?
fi

why="this machine cannot load kernel modules"
[ -e /proc/modules ] && why="this CPU has neither svm nor vmx"
echo "demo: running inside the emulated host (QEMU TCG, AMD SVM) because $why."
echo "demo: the host's serial console is this terminal; Ctrl-C ends QEMU."

"$top/tests/e2e/fetch-kernel.sh" >/dev/null
initrd=$build/e2e/demo-initrd.gz
BUILD=$build "$top/tests/e2e/mkinitramfs.sh" "$initrd" >/dev/null

run_qemu() {
	timeout --foreground "${E2E_TIMEOUT:-3600}" \
	qemu-system-x86_64 -accel tcg,thread=single -cpu "$svm_cpu" -smp "${E2E_SMP:-2}" \
	-m "${E2E_MEM:-1024}" -nodefaults -display none -no-reboot \
	-chardev "$1" -serial chardev:con \
	-kernel "$build/e2e/kernel/vmlinuz" -initrd "$initrd" "${qemu_disk[@]}" \
	-append "console=ttyS0,115200 quiet panic=-1 printk.time=1 e2e_mode=demo e2e_demo=$demo e2e_host=svm e2e_scale=1"
}

if [ -t 0 ]; then
	run_qemu stdio,id=con,signal=on
	exit $?
fi
# Piped input: hold it back until the guest's shell is up (DEMO_READY, a
# pattern in the console output), or the emulated host's serial port
# start-up and the guest's boot would eat the first bytes.
ready=${DEMO_READY:-hxen-guest#}
out=$(mktemp "${TMPDIR:-/tmp}/hxen-demo.XXXXXX")
trap 'rm -f "$out"' EXIT
set +e +o pipefail	# the status is QEMU's, whatever the feeder did
{
	t=0
	while ! grep -q -- "$ready" "$out" 2>/dev/null; do
		# the demo ended (or never will): drop the input
		grep -q '@@E2E-END' "$out" 2>/dev/null && exit 0
		sleep 0.5
		t=$((t + 1))
		[ $t -lt $(( 2 * ${E2E_TIMEOUT:-3600} )) ] || exit 0
	done
	cat
} | run_qemu stdio,id=con,signal=off | tee "$out"
exit "${PIPESTATUS[1]}"

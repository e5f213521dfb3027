#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo [DEMO=testguest|linux]: run one guest under hxen with its
# console on this terminal.
#
# Natively when this machine can load hxen.ko (/proc/modules exists and
# the CPU has svm or vmx); otherwise inside the emulated host (QEMU TCG
# with AMD SVM), serial console on this terminal.  When stdin is not a
# terminal it is fed to the guest console.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
[[ "$build" = /* ]] || build=$top/$build
demo=${DEMO:-testguest}
[ -f "$top/tests/e2e/demos/$demo.sh" ] ||
	{ echo "demo: unknown DEMO=$demo (have: $(cd "$top/tests/e2e/demos" && ls | sed 's/\.sh$//' | tr '\n' ' '))" >&2; exit 2; }

if [ -e /proc/modules ] && grep -qwE 'svm|vmx' /proc/cpuinfo; then
	echo "demo: running natively on this machine"
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

chardev=stdio,id=con,signal=on
[ -t 0 ] || chardev=stdio,id=con,signal=off
exec timeout --foreground "${E2E_TIMEOUT:-3600}" \
	qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt -smp "${E2E_SMP:-2}" \
	-m "${E2E_MEM:-1024}" -nodefaults -display none -no-reboot \
	-chardev "$chardev" -serial chardev:con \
	-kernel "$build/e2e/kernel/vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0,115200 quiet panic=-1 printk.time=1 e2e_mode=demo e2e_demo=$demo e2e_host=svm e2e_scale=1"

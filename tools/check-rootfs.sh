#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the Debian root disk without hxen (make rootfs-check): boot the
# bundled guest's kernel and initramfs-disk.cpio.gz under plain QEMU (TCG,
# no KVM) with the image as a virtio disk (root=/dev/vda), and require that
# systemd finishes booting (hxen-test.service's "@@HXEN-TEST state=running"
# or "degraded" line), that no unit failed, and that the power-off ends
# QEMU with status 0.  The image itself is not written (snapshot=on).
#
#   tools/check-rootfs.sh [IMAGE]     default: build/rootfs/rootfs.img
#
# Environment: CHECK_TIMEOUT (s, default 900), CHECK_APPEND (extra kernel
# command line), CHECK_SMP (vCPUs, default 1), CHECK_LOG (default
# build/rootfs/check.log), CHECK_DEGRADED_OK=1 (accept "degraded").
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
[[ "$build" = /* ]] || build=$top/$build
img=${1:-$build/rootfs/rootfs.img}
guest=$build/guest
log=${CHECK_LOG:-$build/rootfs/check.log}
limit=${CHECK_TIMEOUT:-900}

die() { echo "check-rootfs: $*" >&2; exit 1; }
[ -f "$img" ] || die "$img missing: make rootfs (tools/mkrootfs.sh)"
for f in vmlinuz initramfs-disk.cpio.gz; do
	[ -f "$guest/$f" ] || die "$guest/$f missing: make guest (tools/mkguest.sh)"
done
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: apt-get install qemu-system-x86"

mkdir -p "$(dirname "$log")"
t0=$(date +%s.%N)
echo "check-rootfs: booting ${img#"$top"/} under QEMU TCG (limit $limit s), console in ${log#"$top"/}"
set +e
timeout --kill-after=10 "$limit" qemu-system-x86_64 -accel tcg -cpu max -smp "${CHECK_SMP:-1}" -m 1024 \
	-nodefaults -display none -no-reboot -serial "file:$log" \
	-kernel "$guest/vmlinuz" -initrd "$guest/initramfs-disk.cpio.gz" \
	-drive "file=$img,if=virtio,format=raw,snapshot=on" \
	-append "console=ttyS0,115200 root=/dev/vda ro panic=-1 hxen.test=check ${CHECK_APPEND:-}" \
	</dev/null
rc=$?
set -e
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"

grep -a '@@HXEN-TEST' "$log" | sed 's/^/check-rootfs: guest: /'
state=$(sed -n 's/.*@@HXEN-TEST state=\([a-z-]*\).*/\1/p' "$log" | head -n1)
fail=
[ "$rc" = 124 ] || [ "$rc" = 137 ] && fail="QEMU killed after $limit s"
[ -z "$fail" ] && [ "$rc" != 0 ] && fail="QEMU exited with status $rc"
case $state in
running) ;;
degraded) [ "${CHECK_DEGRADED_OK:-0}" = 1 ] || fail=${fail:-"systemd is degraded (failed units above)"} ;;
'') fail=${fail:-"no @@HXEN-TEST line: systemd did not finish booting"} ;;
*) fail=${fail:-"systemd state '$state'"} ;;
esac
grep -aq 'reboot: Power down' "$log" || fail=${fail:-"no 'reboot: Power down' from the kernel"}
# modules the image lacks, units that did not start
bad=$(grep -a -E 'Unknown symbol|Failed to start|FAILED|Dependency failed' "$log" | head -n 5 || true)
if [ -n "$bad" ]; then
	grep -a -E 'Unknown symbol|Failed to start|FAILED|Dependency failed' "$log" | head -n 5 |
		sed 's/^/check-rootfs: guest: /'
	fail=${fail:-"errors on the console (above)"}
fi
if [ -n "$fail" ]; then
	echo "check-rootfs: last console lines:"
	tail -n 30 "$log" | sed 's/^/  | /'
	die "FAIL: $fail ($secs s)"
fi
echo "check-rootfs: PASS: systemd $state, clean power-off, QEMU status 0, $secs s wall"

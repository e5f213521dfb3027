#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack the emulated host's initramfs:
#
#   tests/e2e/mkinitramfs.sh OUT.gz
#
#   /init                     tests/e2e/init.sh
#   /bin/busybox + applets    busybox-static
#   /e2e/lib.sh, demo.sh      scenario helpers, in-host demo runner,
#   /e2e/bench.sh             in-host benchmarks
#   /e2e/demos/*.sh           tests/e2e/demos/ (DEMO=name selects one)
#   /e2e/scenarios/*.sh       tests/e2e/scenarios/
#   /e2e/modules/hxen.ko      the module (HXEN_KO=, else found in the tree)
#   /e2e/modules/kvm/*.ko     Debian's KVM modules (bench, 54-kvm-coexist), in
#                             load order (/e2e/modules/kvm/order)
#   /e2e/modules/disk/*.ko    virtio-blk, for the disk of "# e2e-disk:" scenarios
#   /opt/hxen/bin/*           build/bin/* (+ their shared libraries at the
#                             paths ldd reports, copied with cp -L)
#   /opt/hxen/guests/*        build/pvdrivers/* guest images (top level)
#   /usr/bin/qemu-img         where installed (+ libraries): qcow2 checks
#
# Missing pieces are left out: the scenarios that need them fail with
# "missing ..." inside the emulated host.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
[[ "$build" = /* ]] || build=$top/$build
out=${1:?usage: mkinitramfs.sh OUT.gz}
kernel=$build/e2e/kernel

die() { echo "mkinitramfs: $*" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/tmp}/hxen-initramfs.XXXXXX")
chmod 755 "$root"	# mktemp made it 0700: "/" of the host, users must reach in
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc} \
	 "$root"/e2e/{scenarios,modules} "$root"/opt/hxen/{bin,guests}

# busybox and its applets
bb=/bin/busybox
[ -x "$bb" ] || die "$bb missing (apt-get install busybox-static)"
ldd "$bb" >/dev/null 2>&1 && die "$bb is not static (apt-get install busybox-static)"
cp -L "$bb" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list-full); do
	[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done
# The kernel opens /dev/console before /init runs; without root we cannot
# mknod and /init reopens it after mounting devtmpfs instead.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"

install -m 755 "$top/tests/e2e/init.sh" "$root/init"
install -m 644 "$top/tests/e2e/lib.sh" "$root/e2e/lib.sh"
install -m 644 "$top/tests/e2e/linux-lib.sh" "$root/e2e/linux-lib.sh"
install -m 644 "$top/tests/e2e/gui-lib.sh" "$root/e2e/gui-lib.sh"
install -m 644 "$top/tests/e2e/blk-lib.sh" "$root/e2e/blk-lib.sh"
install -m 644 "$top/tests/e2e/state-lib.sh" "$root/e2e/state-lib.sh"
install -m 644 "$top/tests/e2e/net-lib.sh" "$root/e2e/net-lib.sh"
install -m 755 "$top/tests/e2e/demo-inside.sh" "$root/e2e/demo.sh"
install -m 755 "$top/tests/e2e/bench-inside.sh" "$root/e2e/bench.sh"
install -m 644 "$top/tests/e2e/bench-state.sh" "$root/e2e/bench-state.sh"
install -m 644 "$top/tests/e2e/bench-mem.sh" "$root/e2e/bench-mem.sh"
mkdir -p "$root/e2e/demos"
for s in "$top"/tests/e2e/demos/*.sh; do
	[ -e "$s" ] && install -m 644 "$s" "$root/e2e/demos/"
done
for s in "$top"/tests/e2e/scenarios/*.sh; do
	[ -e "$s" ] && install -m 755 "$s" "$root/e2e/scenarios/"
done

# the module
ko=${HXEN_KO:-}
if [ -z "$ko" ]; then
	for c in "$build/kmod/hxen.ko" "$top/kmod/hxen.ko"; do
		[ -f "$c" ] && { ko=$c; break; }
	done
fi
if [ -n "$ko" ]; then
	cp "$ko" "$root/e2e/modules/hxen.ko"
	strip --strip-debug "$root/e2e/modules/hxen.ko"
else
	echo "mkinitramfs: warning: no hxen.ko (make kmod); insmod will fail" >&2
fi

# Debian's KVM modules and their dependencies, for the QEMU+KVM comparison
# (bench) and the coexistence scenario (54-kvm-coexist): about 1 MB.
if [ -d "$kernel/modules/kernel" ]; then
	"$top/tools/copy-kmods.sh" "$kernel/modules" "$root/e2e/modules/kvm" \
		irqbypass kvm kvm-amd kvm-intel || die "cannot copy the KVM modules"
	# virtio-blk: the disk run.sh attaches for scenarios that ask for one
	# ("# e2e-disk:", e.g. the Debian root disk for 68-blk-debian).
	"$top/tools/copy-kmods.sh" "$kernel/modules" "$root/e2e/modules/disk" \
		virtio_pci virtio_blk || die "cannot copy the virtio-blk modules"
	# TAP and bridge, for the vif scenarios (75-net-tap-bridge)
	"$top/tools/copy-kmods.sh" "$kernel/modules" "$root/e2e/modules/net" \
		tun bridge || die "cannot copy the tun/bridge modules"
	# vhost-net: QEMU's fastest TAP back end, for the bench's comparison
	"$top/tools/copy-kmods.sh" "$kernel/modules" "$root/e2e/modules/vhost" \
		vhost_net || die "cannot copy the vhost-net module"
	# a RAM disk to swap to (35-mem-cgroup)
	"$top/tools/copy-kmods.sh" "$kernel/modules" "$root/e2e/modules/mem" \
		brd || die "cannot copy the brd module"
fi

# user space of the tree, with the shared libraries it needs
copy_lib() {
	local lib=$1
	[ -e "$root$lib" ] && return 0
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
}
# QEMU and its firmware, for the QEMU+KVM side of `make bench` (E2E_KVM=1):
# the binary, the libraries ldd names, SeaBIOS and the option ROMs that
# -kernel uses, at their usual paths.
if [ "${E2E_KVM:-0}" = 1 ]; then
	qemu=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 missing (tools/deps.sh)"
	mkdir -p "$root/usr/bin" "$root/usr/share/qemu" "$root/usr/share/seabios"
	cp -L "$qemu" "$root/usr/bin/qemu-system-x86_64"
	for lib in $(ldd "$qemu" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p'); do
		copy_lib "$lib"
	done
	for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin \
		 /usr/share/qemu/pvh.bin /usr/share/qemu/bios-microvm.bin \
		 /usr/share/qemu/kvmvapic.bin; do
		[ -e "$f" ] || die "$f missing (apt-get install qemu-system-x86 seabios)"
		cp -L "$f" "$root$f"
	done
fi
# a program and the libraries ldd names:
# "libfoo.so => /lib/.../libfoo.so (0x...)", "/lib64/ld-linux... (0x...)"
copy_prog() {
	cp -L "$1" "$2"
	for lib in $(ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p'); do
		copy_lib "$lib"
	done
}
if [ -d "$build/bin" ]; then
	for f in "$build"/bin/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		copy_prog "$f" "$root/opt/hxen/bin/"
	done
fi
# iperf3, where installed: the network part of `make bench`
if ip3=$(command -v iperf3); then
	mkdir -p "$root/usr/bin"
	copy_prog "$ip3" "$root/usr/bin/iperf3"
fi
# qemu-img, where installed: the qcow2 scenarios check hxen's images with it
if qimg=$(command -v qemu-img); then
	mkdir -p "$root/usr/bin"
	copy_prog "$qimg" "$root/usr/bin/qemu-img"
fi
if [ -d "$build/pvdrivers" ]; then
	find "$build/pvdrivers" -maxdepth 1 -type f \
		! -name '*.o' ! -name '*.d' ! -name '*.a' ! -name '*.map' \
		-exec cp -L {} "$root/opt/hxen/guests/" \;
fi

# The bundled Linux guest (tools/mkguest.sh: Debian's kernel + a busybox
# initramfs) for the 4x-linux-* scenarios, DEMO=linux and the benchmarks.
if [ -f "$build/guest/initramfs.cpio.gz" ] && [ -f "$build/guest/vmlinuz" ]; then
	mkdir -p "$root/opt/hxen/guests/linux"
	cp -L "$build/guest/vmlinuz" "$build/guest/initramfs.cpio.gz" \
		"$build/guest/cmdline" "$root/opt/hxen/guests/linux/"
	# for the root disk (DEMO=debian, 68-blk-debian): the guest's disk
	# modules and command line; the scenario concatenates the initramfs
	# (the kernel unpacks both), so the busybox part is packed only once
	# (and make bench's fio, bench.cpio.gz, appended to both)
	for f in disk-modules.cpio.gz cmdline-disk bench.cpio.gz; do
		[ -f "$build/guest/$f" ] && cp -L "$build/guest/$f" "$root/opt/hxen/guests/linux/"
	done
fi

# A flat guest that spins forever (jmp $), for the kill scenario.
printf '\xeb\xfe' > "$root/opt/hxen/guests/spin.bin"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -6 -n > "$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: ${out#$top/} ($(( $(stat -c %s "$out") / 1024 )) KiB;" \
     "hxen.ko: ${ko:-NONE}; bin: $(ls "$root/opt/hxen/bin" | wc -l);" \
     "guests: $(ls "$root/opt/hxen/guests" | tr '\n' ' '))"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the bundled guest's initramfs (tools/mkguest.sh), busybox sh.
#
# Without root= on the kernel command line: busybox init, as always (the
# busybox demo).  With root=/dev/NAME: load the disk modules that
# disk-modules.cpio.gz brings (/lib/modules/disk, in their load order),
# wait for the device, mount it (rootfstype=, default ext4; ro unless rw),
# and switch_root to its init (init=, default /sbin/init): a root disk made
# by tools/mkrootfs.sh boots systemd.  If that fails, it says why and starts
# the busybox shell instead, to look around.

mount -t proc proc /proc
root='' fstype=ext4 rinit=/sbin/init mode=ro wait=${HXEN_ROOTWAIT:-300}
read -r cmdline < /proc/cmdline
for a in $cmdline; do
	case $a in
	root=*) root=${a#root=} ;;
	rootfstype=*) fstype=${a#*=} ;;
	init=*) rinit=${a#init=} ;;
	ro) mode=ro ;;
	rw) mode=rw ;;
	hxen.rootwait=*) wait=${a#*=} ;;
	esac
done
if [ -z "$root" ]; then
	umount /proc
	exec /sbin/init
fi

say() { echo "hxen-guest: $*" > /dev/console; }
# fallback WHY: the busybox shell on the console instead of the disk
fallback() {
	say "$*${failed:+ (insmod failed:$failed)} -- starting the busybox shell instead"
	umount /newroot 2>/dev/null
	umount /sys /dev 2>/dev/null
	umount /proc
	exec /sbin/init
}

mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

case $root in
/dev/*) ;;
*) fallback "root=$root: only root=/dev/NAME is supported" ;;
esac
[ -f /lib/modules/disk/order ] ||
	fallback "no disk modules: boot with initramfs-disk.cpio.gz (tools/mkguest.sh)"
# Some refuse this machine (xen-blkfront off Xen, virtio_pci without PCI,
# crc32c-intel without SSE4.2): named only if the root disk then fails.
failed=''
while read -r m; do
	/sbin/hx-insmod "/lib/modules/disk/$m.ko" 2>/dev/null || failed="$failed $m"
done < /lib/modules/disk/order

t=0
while [ ! -b "$root" ]; do
	[ $t -ge $((wait * 5)) ] &&
		fallback "$root did not appear within $wait s (no disk? hxen.rootwait=S waits longer)"
	[ $t = 25 ] && say "waiting for $root"
	sleep 0.2
	t=$((t + 1))
done
mkdir -p /newroot
mount -t "$fstype" -o "$mode" "$root" /newroot ||
	fallback "cannot mount $root ($fstype, $mode)"
[ -e "/newroot$rinit" ] || [ -L "/newroot$rinit" ] ||
	fallback "$root has no $rinit"
say "switching to $root ($fstype, $mode), $rinit"
mount --move /dev /newroot/dev
mount --move /sys /newroot/sys
mount --move /proc /newroot/proc
exec switch_root /newroot "$rinit"

# SPDX-License-Identifier: GPL-2.0
#
# Disks of the SVM emulated host (sourced by run.sh and demo.sh, bash).
#
# The Debian root disk (tools/mkrootfs.sh, a few hundred MB) reaches the
# emulated host as a virtio disk of QEMU, not through its initramfs: with
# snapshot=on QEMU keeps the emulated host's writes in a temporary overlay
# of its own (in $TMPDIR) and drops them at exit, so nothing is copied, the
# cached image stays as it was built, and every run starts from it.  Inside,
# /e2e/lib.sh's e2e_disk NAME loads virtio-blk and finds the disk by its
# serial, hxen-NAME; hxen-monitor then serves that block device to its
# guest as xvda.  Scenarios ask for it with "# e2e-disk: rootfs".
#
# rootfs_disk BUILD [rootfs|rootfs-cpio]: builds the image if it is
# missing or stale (cached, quick when nothing changed) and adds the QEMU
# options to the array qemu_disk; returns 1 (with mkrootfs.sh's message) if
# it cannot be built.  rootfs-cpio is the same files as a gzip'd cpio
# (HXEN_ROOTFS_CPIO=1), for booting the userland from a ramdisk.
qemu_disk=()
# shellcheck disable=SC2154	# $top: set by run.sh and demo.sh
rootfs_disk() {
	local name=${2:-rootfs} file=rootfs.img cpio=0
	[ "$name" = rootfs-cpio ] && { file=rootfs.cpio.gz; cpio=1; }
	BUILD=$1 HXEN_ROOTFS_CPIO=$cpio "$top/tools/mkrootfs.sh" "$1/rootfs" >&2 || return 1
	qemu_disk+=(-drive "file=$1/rootfs/$file,if=none,id=$name,format=raw,snapshot=on"
		    -device "virtio-blk-pci,drive=$name,serial=hxen-$name")
}

# scenario_disks FILE...: the disks the scenario files ask for, one a line.
scenario_disks() {
	sed -n 's/^# *e2e-disk: *\([a-z0-9 -]*\).*/\1/p' "$@" | tr ' ' '\n' | sed '/^$/d' | sort -u
}

# x11_disk BUILD: the X11 kit of the SDL window scenario (82-gui-sdl:
# Xvfb, xdotool, xwd, libSDL2; tests/e2e/mkx11.sh), a plain cpio read-only
# as a disk ("# e2e-disk: x11"): 30 MB that the other scenarios' initramfs
# does not carry.
x11_disk() {
	local f
	f=$("$top/tests/e2e/mkx11.sh" "$1") || return 1
	qemu_disk+=(-drive "file=$f,if=none,id=x11,format=raw,readonly=on"
		    -device "virtio-blk-pci,drive=x11,serial=hxen-x11")
}

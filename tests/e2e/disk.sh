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
# rootfs_disk BUILD: builds the image if it is missing or stale (cached,
# quick when nothing changed) and sets the array qemu_disk to the QEMU
# options; returns 1 (with mkrootfs.sh's message) if it cannot be built.
qemu_disk=()
rootfs_disk() {
	BUILD=$1 "$top/tools/mkrootfs.sh" "$1/rootfs" >&2 || return 1
	qemu_disk=(-drive "file=$1/rootfs/rootfs.img,if=none,id=rootfs,format=raw,snapshot=on"
		   -device virtio-blk-pci,drive=rootfs,serial=hxen-rootfs)
}

# scenario_disks FILE...: the disks the scenario files ask for, one a line.
scenario_disks() {
	sed -n 's/^# *e2e-disk: *\([a-z0-9 ]*\).*/\1/p' "$@" | tr ' ' '\n' | sed '/^$/d' | sort -u
}

# SPDX-License-Identifier: GPL-2.0
# DEMO=debian: Debian 12 from its root disk (tools/mkrootfs.sh) as xvda:
# Debian's kernel, the bundled initramfs with its disk modules mounts
# root=/dev/xvda and starts systemd; root is logged in on hvc0 without a
# password (a test image, docs/guest.md).  `poweroff` ends it.  Needs the
# block backend (hxen-monitor --disk).  In the emulated host the disk is
# its virtio disk (tests/e2e/disk.sh; writes are dropped at the end);
# natively demo.sh passes a working copy of the image, HX_DEBIAN_DISK,
# which keeps what the guest writes.
G=$E2E_GUESTS/linux
need "$G/vmlinuz" "$G/initramfs.cpio.gz" "$G/disk-modules.cpio.gz" "$G/cmdline-disk"
disk=${HX_DEBIAN_DISK:-}
if [ -z "$disk" ]; then
	disk=$(e2e_disk rootfs) || exit 1
fi
"$E2E_BIN/hxen-monitor" --help 2>&1 | grep -q -- '--disk' ||
	fail "this hxen-monitor has no --disk option: DEMO=debian needs the block backend (be_blk)"
initrd=${TMPDIR:-/tmp}/hxen-debian-initrd.$$
cat "$G/initramfs.cpio.gz" "$G/disk-modules.cpio.gz" > "$initrd"
echo "demo: Debian 12 from $disk as xvda under hxen-monitor (PVH), systemd, root on hvc0"
"$E2E_BIN/hxen-monitor" --memory "${HX_LINUX_MEM:-512M}" --vcpus "${HX_LINUX_VCPUS:-1}" \
	--kernel "$G/vmlinuz" --ramdisk "$initrd" \
	--disk "format=raw,vdev=xvda,access=rw,target=$disk" \
	--cmdline "$(cat "$G/cmdline-disk")" --serial stdio --console stdio
rc=$?
rm -f "$initrd"
(exit "$rc")	# the demo's status: the monitor's

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The Debian root disk (tools/mkrootfs.sh) boots under hxen from /dev/xvda:
# Debian's kernel with the bundled initramfs plus its disk modules
# (xen-blkfront, ext4) mounts root=/dev/xvda and switch_roots to systemd,
# which reaches multi-user.target; hxen-test.service (hxen.test=check)
# prints "@@HXEN-TEST state=running|degraded" from `systemctl
# is-system-running --wait` and powers off; hxen-monitor exits 0.
#
# The image reaches the emulated host as its virtio disk (run.sh, "e2e-disk"
# below; tests/e2e/disk.sh: snapshot=on, nothing copied, the cached image is
# not written) and hxen-monitor serves that block device, /dev/vdX, as xvda.
# E2E_BLK_COPY=1 serves a sparse copy in the host's tmpfs instead (a regular
# file; ~260 MB of the host's RAM: E2E_MEM=1536).
# e2e-disk: rootfs
# e2e-hosts: svm
# e2e-timeout: 900
# shellcheck disable=SC1091,SC2034	# /e2e/ exists in the host; LX_* are read by linux-lib.sh
. /e2e/lib.sh
. /e2e/linux-lib.sh

need "$E2E_BIN/hxen-monitor" "$LX_G/disk-modules.cpio.gz" "$LX_G/cmdline-disk"
dev=$(e2e_disk rootfs) || exit 1
note "root disk: $dev ($(( $(cat "/sys/block/${dev#/dev/}/size") / 2048 )) MiB)"
"$E2E_BIN/hxen-monitor" --help 2>&1 | grep -q -- '--disk' ||
	fail "hxen-monitor has no --disk option: this scenario needs the block backend (be_blk)"
target=$dev
if [ "${E2E_BLK_COPY:-0}" = 1 ]; then
	target=/tmp/rootfs.img
	cp --sparse=always "$dev" "$target" || fail "cannot copy $dev to $target (E2E_MEM?)"
fi

# The busybox initramfs and the disk modules: the kernel unpacks both.
cat "$LX_G/initramfs.cpio.gz" "$LX_G/disk-modules.cpio.gz" > /tmp/initrd-disk.gz
LX_RAMDISK=/tmp/initrd-disk.gz
LX_CMDLINE=$(cat "$LX_G/cmdline-disk")
LX_APPEND="hxen.test=check"
LX_MEM=${LX_MEM:-384M}
lx_start --disk "format=raw,vdev=xvda,access=rw,target=$target"

t=$(( 600 * ${E2E_SCALE:-1} ))
lx_wait 'switching to /dev/xvda' $(( 300 * ${E2E_SCALE:-1} )) ||
	{ lx_show 40; lx_stop; fail "the initramfs did not mount /dev/xvda; last line: $(tail -n1 "$LX_OUT")"; }
note "initramfs mounted /dev/xvda after $(( $(date +%s) - LX_T0 )) s"
grep -a 'blkfront: xvda' "$LX_OUT" | sed 's/^/# guest: /'
lx_systemd "$t"

lx_finish 300 || { lx_show 30; fail "the monitor did not exit after systemctl poweroff"; }
lx_show 8
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC after poweroff"
grep -aq 'reboot: Power down' "$LX_OUT" || fail "no 'reboot: Power down' on the guest console"

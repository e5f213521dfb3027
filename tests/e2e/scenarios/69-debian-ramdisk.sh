#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The Debian root disk's userland (tools/mkrootfs.sh) under hxen WITHOUT a
# block backend: the same files as a ramdisk (rootfs.cpio.gz, the kernel
# unpacks it, rdinit=/sbin/init starts systemd from it).  Systemd must
# finish booting ("degraded" is expected: systemd-remount-fs cannot apply
# the image's fstab to a ramdisk root), root's shell on hvc0 must answer,
# and `poweroff` must end the monitor with status 0.  It separates what
# 68-blk-debian needs from hxen (systemd's load: many processes, signals,
# timers, hvc0 gettys) from the block backend.
#
# Manual: the ramdisk needs a big emulated host,
#   make e2e HOST=svm SCENARIOS=debian-ramdisk E2E_MEM=2048
# The cpio reaches the emulated host as a second virtio disk (disk.sh) and
# is copied into its tmpfs (the monitor loads a ramdisk from a file).
# e2e-disk: rootfs-cpio
# e2e-hosts: manual
# e2e-timeout: 1500
# shellcheck disable=SC1091,SC2034,SC2016	# /e2e/ is in the host; LX_* are read by linux-lib.sh; lines for the guest
. /e2e/lib.sh
. /e2e/linux-lib.sh

need "$E2E_BIN/hxen-monitor" "$LX_G/vmlinuz"
mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
[ "$mem" -ge 1800 ] || fail "the emulated host has $mem MiB; this needs E2E_MEM=2048"
dev=$(e2e_disk rootfs-cpio) || exit 1
cat "$dev" > /tmp/rootfs.cpio.gz || fail "cannot copy $dev into /tmp"
note "ramdisk: $(( $(stat -c %s /tmp/rootfs.cpio.gz) / 1048576 )) MiB from $dev"

LX_RAMDISK=/tmp/rootfs.cpio.gz
LX_CMDLINE="$(cat "$LX_G/cmdline") rdinit=/sbin/init hxen.test=report"
LX_MEM=${LX_MEM:-900M}
lx_start
t=$(( 900 * ${E2E_SCALE:-1} ))
lx_systemd "$t"

# root's shell on hvc0 (autologin)
lx_wait 'root@hxen-debian:' 120 || { lx_show 20; lx_stop; fail "no root prompt on hvc0"; }
lx_send 'echo "@@SYS $(systemctl is-system-running) $(uname -r)"'
lx_wait '@@SYS [a-z]' 60 || { lx_show 20; lx_stop; fail "the shell on hvc0 does not answer"; }
grep -a -o '@@SYS [a-z].*' "$LX_OUT" | sed 's/^/# /'
lx_send 'poweroff'
lx_finish 300 || { lx_show 30; fail "the monitor did not exit after poweroff"; }
lx_show 8
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC after poweroff"

# SPDX-License-Identifier: GPL-2.0
# DEMO=linux: Debian's stock kernel as a Xen PVH guest, to a busybox shell
# on hvc0 (tools/mkguest.sh).  Type `poweroff` to end it; Ctrl-] also
# stops the VM.  Piped input (echo 'uname -r; poweroff' | make DEMO=linux
# demo) reaches the guest's shell once it is up.
G=$E2E_GUESTS/linux
need "$G/vmlinuz" "$G/initramfs.cpio.gz"
echo "demo: Debian's kernel under hxen-monitor (PVH), shell on hvc0"
$E2E_BIN/hxen-monitor --memory ${HX_LINUX_MEM:-256M} --vcpus ${HX_LINUX_VCPUS:-1} \
	--kernel "$G/vmlinuz" --ramdisk "$G/initramfs.cpio.gz" \
	--cmdline "$(cat "$G/cmdline")" --serial stdio --console stdio

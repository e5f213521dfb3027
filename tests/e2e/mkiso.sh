#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bootable ISO for Bochs (it has no -kernel option):
#   tests/e2e/mkiso.sh DIR VMLINUZ INITRD "KERNEL COMMAND LINE"
# writes DIR/boot.iso (isolinux from Debian's isolinux/syslinux-common).
set -euo pipefail

dir=$1 vmlinuz=$2 initrd=$3 cmdline=$4
iso=$dir/iso
rm -rf "$iso"
mkdir -p "$iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
cp -L "$vmlinuz" "$iso/vmlinuz"
cp -L "$initrd" "$iso/initrd.gz"
cat > "$iso/isolinux/isolinux.cfg" <<EOF2
DEFAULT hxen
PROMPT 0
TIMEOUT 0
LABEL hxen
  KERNEL /vmlinuz
  APPEND initrd=/initrd.gz $cmdline
EOF2
xorriso -as mkisofs -quiet -o "$dir/boot.iso" -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	-r "$iso" 2>"$dir/xorriso.log" ||
	{ cat "$dir/xorriso.log" >&2; exit 1; }
rm -rf "$iso"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Check a linked test-guest image: ELF64, entry at or above 1 MiB, and a
# "Xen" note of type 0x12 (XEN_ELFNOTE_PHYS32_ENTRY) whose value is e_entry.
set -e
img=$1
entry=$(readelf -h "$img" | awk '/Entry point address/ { print $4 }')
note=$(readelf -x .note.Xen "$img" 2>/dev/null | awk '/^  0x/ { print $2 $3 $4 $5 }' | tr -d '\n')
# namesz=4 descsz=4 type=0x12 "Xen\0" then the 4-byte little-endian entry.
case $note in
04000000040000001200000058656e00*) ;;
*) echo "$img: no 4-byte Xen PHYS32_ENTRY note (got '$note')" >&2; exit 1 ;;
esac
le=$(echo "$note" | cut -c33-40)
phys=$(printf '0x%s%s%s%s' $(echo "$le" | cut -c7-8) $(echo "$le" | cut -c5-6) \
	$(echo "$le" | cut -c3-4) $(echo "$le" | cut -c1-2))
if [ $((phys)) -ne $((entry)) ] || [ $((entry)) -lt $((0x100000)) ]; then
	echo "$img: PHYS32_ENTRY $phys does not match e_entry $entry (>= 1 MiB)" >&2
	exit 1
fi

# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the virtual disk scenarios (tests/e2e/scenarios/6x-blk-*.sh),
# sourced after /e2e/linux-lib.sh.  The guest's xen-blkfront is Debian's
# module, loaded by the bundled guest's rcS (tools/mkguest.sh).
#
#   blk_image PATH MIB          a sparse raw image
#   blk_guest_wait DEV          wait in the guest until /sys/block/DEV is there
#   blk_guest CMD TAG [SECS]    run CMD in the guest, its output on lines
#                               "@@TAG ..."; waits for "@@TAG-END"
#   blk_val TAG                 the first field of the last "@@TAG" line

blk_image() {
	rm -f "$1"
	dd if=/dev/zero of="$1" bs=1M count=0 seek="$2" 2>/dev/null ||
		fail "cannot create image $1"
}

BLK_N=0
blk_guest() {
	BLK_N=$((BLK_N + 1))
	lx_send "( $1 ) 2>&1 | sed 's/^/@@$2 /'; echo @@$2-END-$BLK_N"
	lx_wait "^@@$2-END-$BLK_N" "${3:-60}" ||
		{ lx_show 30; lx_stop; fail "no answer to: $1"; }
}

blk_val() {
	grep "^@@$1 " "$LX_OUT" | tail -n1 | tr -d '\r' | cut -d' ' -f2
}

blk_guest_wait() {
	blk_guest "i=0; while [ ! -e /sys/block/$1 ] && [ \$i -lt 30 ]; do sleep 1; i=\$((i+1)); done; cat /sys/block/$1/size" SIZE 60
	[ -n "$(blk_val SIZE)" ] && [ "$(blk_val SIZE)" -gt 0 ] 2>/dev/null ||
		{ lx_show 30; lx_stop; fail "no /sys/block/$1 in the guest"; }
}

# sha256 of MIB MiB at offset SKIP MiB of a file (host side)
blk_host_sum() {
	dd if="$1" bs=1M skip="${3:-0}" count="$2" 2>/dev/null | sha256sum | cut -d' ' -f1
}

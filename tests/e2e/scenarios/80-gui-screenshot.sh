#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The PV framebuffer (vfb) with no front end: Linux's xen-fbfront connects
# (800x600, 32 bpp), the guest draws a known pattern into /dev/fb0 and
# `hxen screenshot` returns exactly that pattern as a PNG; a guest mode
# change reaches the screenshot; a VM without a vfb refuses screenshots
# and offers its guest no vfb/vkbd device.
# e2e-hosts: svm (backend-independent: docs/testing.md)
# e2e-timeout: 400
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/gui-lib.sh

gui_boot --vfb width=800,height=600
trap '$GUI_H destroy gui >/dev/null 2>&1; lx_stop' EXIT

# xendevs: the guest's Xen devices in $devs
xendevs() {
	gui_guest 'echo "@@""XENDEVS $(ls /sys/bus/xen/devices | tr "\n" " ")"' XENDEVS 30
	devs=$(grep '^@@XENDEVS' "$LX_OUT" | tail -n1 | tr -d '\r')
	note "the guest's xenbus: $devs"
}
xendevs
echo "$devs" | grep -q 'vfb-0.*vkbd-0' || fail "with a vfb the guest has: $devs"
gui_guest 'hxen-fbtool info' FB 30
grep -q '^@@FB 800 600 3200 32' "$LX_OUT" ||
	{ lx_stop; fail "framebuffer: $(grep '^@@FB' "$LX_OUT")"; }
grep -q 'warning: vfb' "$LX_OUT" && { lx_show 20; fail "vfb logged a warning"; }
gui_pattern

# the update reaches the surface within a few seconds
shot() {	# shot W H: a screenshot that matches the pattern
	n=0
	until $GUI_H screenshot gui /tmp/shot.png > /tmp/shot.out 2>&1 &&
	      "$E2E_BIN/hxen-gfxcheck" png /tmp/shot.png "$1" "$2" > /tmp/cmp.out; do
		n=$((n + 1))
		[ $n -gt 20 ] && { cat /tmp/shot.out /tmp/cmp.out; lx_stop;
				   fail "screenshot is not the ${1}x$2 pattern"; }
		sleep 0.5
	done
	note "$(cat /tmp/shot.out) $(cat /tmp/cmp.out)"
}
shot 800 600

# a new mode from the guest (feature-resize)
gui_guest 'hxen-fbtool mode 640 480 && hxen-fbtool info' FB.640 30
gui_pattern
shot 640 480

# a relative path is the caller's directory
(cd /tmp && $GUI_H screenshot gui rel.png >/dev/null) || fail "relative path"
"$E2E_BIN/hxen-gfxcheck" png /tmp/rel.png 640 480 >/dev/null ||
	fail "relative-path screenshot differs"

lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
grep 'vfb/0\|vkbd/0' "$LX_OUT" | sed 's/^/# /'
grep -q 'warning: vfb\|warning: vkbd' "$LX_OUT" && fail "vfb/vkbd warnings"

# headless: no display, a clear error
gui_boot
$GUI_H screenshot gui /tmp/none.png > /tmp/none.out 2>&1 &&
	fail "screenshot of a VM without vfb succeeded"
grep -q 'no display' /tmp/none.out || fail "headless error: $(cat /tmp/none.out)"
# and no device for the guest
xendevs
echo "$devs" | grep -q 'vfb\|vkbd' && fail "a headless VM offers: $devs"
grep -q 'vfb/0\|vkbd/0\|vnc:' "$LX_OUT" && fail "a headless VM logged vfb/vkbd/vnc lines"
lx_send 'poweroff'
lx_finish 120 || fail "headless VM did not power off"
exit 0

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The bundled guest's graphical console, as a user meets it: with a vfb
# the guest's fbcon shows tty1, where getty asks for a login.  A VNC
# client (hxen-gfxcheck, the server on IPv6: vnclisten=[::1]:2) types
# "root" and a command with key events (Shift for capitals and symbols);
# `hxen vnc` runs the desktop's viewer with [::1]::5902; the command ran
# in a login shell on /dev/tty1 (checked on hvc0), and
# `hxen screenshot` shows the text of tty1 (/dev/vcs1) cell for cell.
# With the cursor not blinking, a static console sends the client nothing
# and a one-line text change on the 800x600 console sends under 5 % of a
# full frame.  Ctrl+Alt+Del from the client reboots the guest (busybox
# init's ctrlaltdel); the client stays connected and logs in again.
# e2e-hosts: svm (backend-independent: docs/testing.md)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/gui-lib.sh

# no penguin on tty1: the cell-for-cell check compares text only
LX_APPEND="quiet logo.nologo"
gui_boot --vfb vnc=1,vnclisten=[::1]:2
trap 'gui_viewer_stop; lx_stop' EXIT

# IPv6 only, where vnclisten says
addr=$($GUI_H vnc gui) || fail "hxen vnc failed"
[ "$addr" = "[::1]::5902" ] || fail "hxen vnc printed '$addr'"
grep -q 'vnc: listening on \[::1\]:5902' "$LX_OUT" ||
	fail "no listen line: $(grep 'vnc:' "$LX_OUT")"
l=$(netstat -ltn 2>/dev/null | grep ':5902 ')
note "listening: $l"
echo "$l" | grep -q '::1:5902 ' || fail "nothing listens on [::1]:5902: $l"
[ "$(echo "$l" | wc -l)" = 1 ] || fail "VNC listens beyond [::1]:5902: $l"

# tty1's text in the screenshot (gui-lib.sh: tty1_shot)
shot_text() {
	$GUI_H screenshot gui /tmp/tty1.png > /dev/null 2>&1 &&
		"$E2E_BIN/hxen-gfxcheck" text /tmp/tty1.png "$VCOLS" "$VROWS" \
			"$VX" "$VY" < /tmp/vcs.txt
}

# with a desktop, hxen vnc starts its viewer (a stand-in that notes its
# arguments) on the IPv6 address
mkdir -p /tmp/fakebin
printf '#!/bin/sh\necho "$*" > /tmp/viewer.args\n' > /tmp/fakebin/vncviewer
chmod 755 /tmp/fakebin/vncviewer
PATH=/tmp/fakebin:$PATH DISPLAY=:99 $GUI_H vnc gui || fail "hxen vnc with a viewer"
[ "$(cat /tmp/viewer.args)" = "[::1]::5902" ] ||
	fail "hxen vnc ran vncviewer with '$(cat /tmp/viewer.args)'"

# getty's prompt on tty1; the cursor stops blinking (a static screen)
tty1_getty GETTY1
tty1_shot "login prompt" shot_text
grep -q 'hxen-guest login:' /tmp/vcs.txt || fail "tty1 has no 'hxen-guest login:'"

# log in and run a command, typed on the VNC client's keyboard
gui_viewer ::1 5902
vw connect 30 >/dev/null
note "$(grep '^ok connect' $GV.out)"
vnc_type() {
	vc "line $*"
	vw line 10 >/dev/null
}
tty1_login 1 vnc_type
tty1_shot "after the login" shot_text
grep -q 'hxen-guest# echo "@@LOGIN $(tty) $(id -u) $0" > /tmp/login1' /tmp/vcs.txt ||
	fail "tty1 does not show the typed command"

# efficiency on the text console: static, then one line of text
vc settle 20; vw settle 25 >/dev/null
vbytes; b0=$VB
sleep 3
vbytes; b1=$VB
note "static console: $((b1 - b0)) bytes in 3 s"
[ "$b1" = "$b0" ] || fail "a static console sent $((b1 - b0)) bytes"
msg="one line of text, written on tty1 from hvc0"
gui_guest "echo '$msg' > /dev/tty1; echo @@\"\"WROTE" WROTE 30
vc settle 20; vw settle 25 >/dev/null
vbytes; b2=$VB
full=$((800 * 600 * 4))
note "one-line text change: $((b2 - b1)) bytes on the wire, a full frame is $full"
[ $(( (b2 - b1) * 100 )) -lt $((full * 5)) ] ||
	fail "a one-line change sent $((b2 - b1)) bytes (>= 5 % of $full)"
# at least the glyphs: 8x16 pixels of 4 bytes each
[ $((b2 - b1)) -ge $(( ${#msg} * 8 * 16 * 4 )) ] ||
	fail "a one-line change sent only $((b2 - b1)) bytes: not the text"
tty1_shot "one more line" shot_text
grep -q "$msg" /tmp/vcs.txt || fail "tty1 does not show '$msg'"

# Ctrl+Alt+Del on the client's keyboard: the guest reboots; the display
# and the client stay, and a login works again
vc chord ffe3 ffe9 ffff; vw chord 10 >/dev/null
lx_wait 'hxen-guest: Linux' $(( 300 * ${E2E_SCALE:-1} )) 2 ||
	{ lx_show 20; fail "Ctrl+Alt+Del from VNC did not reboot the guest"; }
lx_ready 60 || { lx_show 20; fail "no shell on hvc0 after the reboot"; }
tty1_getty GETTY2
tty1_login 2 vnc_type
tty1_shot "after the reboot" shot_text
grep -q '^fail server' $GV.out && fail "the VNC client was dropped by the reboot"

gui_poweroff
exit 0

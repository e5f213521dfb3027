#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The SDL window (vfb sdl=1, devices/fe_sdl.c) on Xvfb in the emulated
# host: the window exists with the VM's name in its title, shows the
# guest's tty1 where a login typed with xdotool works, a screenshot
# of the X display (xwd) shows the guest's pattern pixel for pixel, keys
# sent with xdotool reach the guest's evdev device, a VNC viewer at the
# same time (vnc=1 too) sees the same pattern, the title shows a
# paused VM, and closing the window asks the guest to power off (status
# 0).  The X11 kit (Xvfb, xdotool, xwd, libSDL2: tests/e2e/mkx11.sh) comes
# on a disk.
# e2e-hosts: svm
# e2e-disk: x11
# e2e-timeout: 400
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/gui-lib.sh

dev=$(e2e_disk x11) || exit 1
# busybox cpio keeps files the initramfs already has (the same libc)
(cd / && cpio -i -d < "$dev" 2>/tmp/x11-cpio.err)
need /usr/bin/Xvfb /usr/bin/xdotool /usr/bin/xwd /usr/bin/xwd-probe \
     /usr/bin/xclose /usr/lib/x86_64-linux-gnu/libSDL2-2.0.so.0
mkdir -p /tmp/.X11-unix /var/lib/xkb
Xvfb :5 -screen 0 1280x1024x24 -nolisten tcp > /tmp/xvfb.log 2>&1 &
XPID=$!
n=0
until [ -S /tmp/.X11-unix/X5 ]; do
	n=$((n + 1))
	[ $n -gt 300 ] && { cat /tmp/xvfb.log; kill $XPID; fail "Xvfb did not start"; }
	sleep 0.1
done
export DISPLAY=:5

# both front ends at once: the window and a VNC server; no penguin on
# tty1 (the text is compared cell for cell)
LX_APPEND="quiet logo.nologo"
gui_boot --vfb sdl=1,width=800,height=600 --vfb vnc=1,vnclisten=127.0.0.1:3
trap 'kill $XPID 2>/dev/null; $GUI_H destroy gui >/dev/null 2>&1; lx_stop' EXIT

# the window, named after the VM
win=
n=0
while [ -z "$win" ]; do
	n=$((n + 1))
	[ $n -gt 100 ] && { lx_show 10; fail "no window named 'gui - hxen'"; }
	win=$(xdotool search --name '^gui - hxen' 2>/dev/null | head -n1)
	[ -n "$win" ] || sleep 0.1
done
note "window $win: '$(xdotool getwindowname "$win")'"
# libSDL2 is loaded for the window only: the monitor is not linked with it
grep -q libSDL2 "/proc/$LX_PID/maps" || fail "no libSDL2 in the monitor with sdl=1"
ldd "$E2E_BIN/hxen-monitor" | grep -q libSDL2 && fail "hxen-monitor is linked with libSDL2"
gui_guest 'hxen-fbtool info' FB 30

# the bundled guest's login on tty1, in the window: "root" and a command
# typed with xdotool; the window (in an X dump) shows tty1's text cell
# for cell
x_type() {
	xdotool type --delay 20 "$*"
	xdotool key Return
}
win_text() {
	eval "$(xdotool getwindowgeometry --shell "$win")" &&
		xwd -root -silent > /tmp/x.xwd &&
		xwd-probe /tmp/x.xwd --text "$X" "$Y" "$WIDTH" "$HEIGHT" \
			"$VCOLS" "$VROWS" "$VX" "$VY" < /tmp/vcs.txt
}
xdotool mousemove --window "$win" 400 300
tty1_getty GETTY1
tty1_shot "login prompt in the window" win_text
tty1_login 1 x_type
tty1_shot "the window after the login" win_text

# the guest's pattern on the X display, in a window of the mode's size
xshot() {	# xshot W H
	n=0
	until eval "$(xdotool getwindowgeometry --shell "$win")" &&
	      [ "$WIDTH" = "$1" ] && [ "$HEIGHT" = "$2" ] &&
	      xwd -root -silent > /tmp/x.xwd &&
	      xwd-probe /tmp/x.xwd --pattern "$X" "$Y" "$1" "$2" > /tmp/x.cmp; do
		n=$((n + 1))
		[ $n -gt 20 ] && { cat /tmp/x.cmp; fail "the window does not show the ${1}x$2 pattern (${WIDTH}x$HEIGHT at $X,$Y)"; }
		sleep 0.5
	done
	note "$(cat /tmp/x.cmp) (window ${WIDTH}x$HEIGHT)"
}
gui_pattern
xshot 800 600
gui_vnc_pattern 127.0.0.1 5903 800 600

# keys from xdotool reach the guest's keyboard
lx_send 'for d in /sys/class/input/event*; do grep -q "Xen Virtual Keyboard" $d/device/name && ev=/dev/input/${d##*/}; done; echo "@@EVDEV $ev"'
lx_wait '^@@EVDEV /dev/input/event' 30 || { lx_show 5; fail "no evdev node for the Xen keyboard"; }
ev=$(sed -n 's/^@@EVDEV //p' "$LX_OUT" | tail -n1 | tr -d '\r')
gui_guest "hxen-fbtool keys $ev 8 60" KEYS-READY 30
xdotool mousemove --window "$win" 400 300
xdotool key a F1 Up KP_Enter
lx_wait '^@@KEYS-END' 60 || { lx_show 10; fail "the keys did not reach the guest"; }
got=$(grep '^@@KEY ' "$LX_OUT" | tr -d '\r' | tr '\n' ' ')
note "guest: $got"
[ "$got" = "@@KEY 30 1 @@KEY 30 0 @@KEY 59 1 @@KEY 59 0 @@KEY 103 1 @@KEY 103 0 @@KEY 96 1 @@KEY 96 0 " ] ||
	fail "keys in the guest: $got"

# a mode change from the guest: the window follows
gui_guest 'hxen-fbtool mode 640 480 && hxen-fbtool info' FB.640 30
gui_pattern
xshot 640 480

# the title follows the VM's state
$GUI_H pause gui || fail "hxen pause"
n=0
until xdotool getwindowname "$win" | grep -q '\[paused\]'; do
	n=$((n + 1))
	[ $n -gt 50 ] && fail "paused VM, title '$(xdotool getwindowname "$win")'"
	sleep 0.1
done
$GUI_H unpause gui || fail "hxen unpause"

# closing the window asks the guest to power off
xclose "$win" || fail "xclose"
lx_finish 120 || { lx_show 20; fail "the guest did not power off after the window closed"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC after the window closed"
grep -q 'window closed' "$LX_OUT" || fail "no 'window closed' message"
grep -q 'warning: vfb0\|warning: vkbd0' "$LX_OUT" && fail "vfb/vkbd warnings"

# no display: a clear error before the guest runs
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$E2E_BIN/hxen-monitor" --memory 256M \
	--kernel "$LX_G/vmlinuz" --serial none --vfb sdl=1 2>&1 </dev/null); rc=$?
note "no display: status $rc: $out"
[ $rc = 2 ] && echo "$out" | grep -q 'sdl=1: no \$DISPLAY or \$WAYLAND_DISPLAY' ||
	fail "no display: status $rc: $out"
exit 0

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The VNC server (vfb = ['vnc=1, vnclisten=127.0.0.1:1, vncpasswd=...']):
# `hxen vnc` prints the address (no desktop here); a real VNC client
# (libvncclient: hxen-gfxcheck) with the password sees exactly the
# guest's pattern, and so does a second one at the same time (with a
# client that stopped reading); a wrong password is refused; a static
# screen sends
# nothing, a 16-row change sends under 5 % of a full 800x600 frame; a
# client that stops reading blocks neither the VM nor the others; keys
# from the client (KeyEvent and QEMU's extended key event) reach the
# guest's evdev device, and so do the pointer's position, a button and
# the wheel; a mode change reaches the client (DesktopSize).
# e2e-hosts: svm (backend-independent: docs/testing.md)
# e2e-timeout: 500
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/gui-lib.sh

PW=hxen-e2e
gui_boot --vfb vnc=1,vnclisten=127.0.0.1:1,vncpasswd=$PW
STALL= STALL2=
cleanup() {
	kill $STALL $STALL2 2>/dev/null
	gui_viewer_stop
	lx_stop
}
trap cleanup EXIT

addr=$($GUI_H vnc gui) || fail "hxen vnc failed"
[ "$addr" = "127.0.0.1::5901" ] || fail "hxen vnc printed '$addr'"
grep -q 'vnc: listening on 127.0.0.1:5901' "$LX_OUT" || fail "no listen line"
netstat -ltn 2>/dev/null | grep -q ':5901 .*LISTEN' || fail "nothing listens on 5901"
netstat -ltn 2>/dev/null | grep ':5901 ' | grep -qv '127.0.0.1:5901' &&
	fail "VNC listens beyond 127.0.0.1: $(netstat -ltn | grep 5901)"

gui_viewer 127.0.0.1 5901 $PW
vw connect 30 >/dev/null
note "$(grep '^ok connect' $GV.out)"
grep -q '^ok connect 800x600 "gui"' $GV.out || fail "connect: $(head -n1 $GV.out)"

# a wrong password is refused
"$E2E_BIN/hxen-gfxcheck" vnc 127.0.0.1 5901 wrong < /dev/null > /tmp/vnc-bad.out 2>&1
grep -q '^ok connect' /tmp/vnc-bad.out && fail "a wrong password was accepted"

gui_pattern
vc pattern 800 600 60; vw pattern 60
# static screen: nothing on the wire
vc settle 20; vw settle 25
vbytes; b0=$VB
sleep 3
vbytes; b1=$VB
note "static screen: $((b1 - b0)) bytes in 3 s"
[ "$b1" = "$b0" ] || fail "a static screen sent $((b1 - b0)) bytes"

# a client that stops reading: the VM and viewer 1 go on (and a garbage
# sender and 20 idle connections, below)
# stall N: a client that stops reading, in the background; its pid in
# $STALLPID once its socket is stuck
stall() {
	"$E2E_BIN/hxen-gfxcheck" stall 127.0.0.1 5901 $PW > /tmp/vnc-stall$1.out 2>&1 &
	STALLPID=$!
	_s=0
	until grep -q '^ok stall' /tmp/vnc-stall$1.out; do
		_s=$((_s + 1))
		[ $_s -gt 100 ] && fail "stall client $1: $(cat /tmp/vnc-stall$1.out)"
		sleep 0.2
	done
}
stall 1
STALL=$STALLPID

# several clients at once: a second viewer sees the same pixels
gui_vnc_pattern 127.0.0.1 5901 800 600 $PW

# garbage and many connections at once: refused or dropped, the VM runs;
# malformed messages after the handshake close the connection
head -c 4096 /dev/urandom | timeout 10 nc 127.0.0.1 5901 > /dev/null 2>&1
"$E2E_BIN/hxen-gfxcheck" garbage 127.0.0.1 5901 $PW > /tmp/vnc-garbage.out 2>&1 ||
	fail "malformed messages: $(cat /tmp/vnc-garbage.out)"
note "malformed messages: $(cat /tmp/vnc-garbage.out)"
NCS=
for i in $(seq 20); do
	sleep 60 | nc 127.0.0.1 5901 > /dev/null 2>&1 &
	NCS="$NCS $!"
done
sleep 2
lx_ready || fail "the guest's shell stopped answering with 20 idle connections"
kill $NCS 2>/dev/null

# one 16-row stripe over 800x600: under 5 % of a raw frame
gui_guest 'hxen-fbtool stripe 300 16 && echo @@STRIPE' STRIPE 30
vc stripe 300 16 30; vw stripe 30
vc settle 20; vw settle 25
vbytes; b2=$VB
full=$((800 * 600 * 4))
note "16-row change: $((b2 - b1)) bytes on the wire, a full frame is $full"
[ $(( (b2 - b1) * 100 )) -lt $((full * 5)) ] ||
	fail "a 16-row change sent $((b2 - b1)) bytes (>= 5 % of $full)"
[ $((b2 - b1)) -ge $((800 * 16 * 4)) ] ||
	fail "a 16-row change sent only $((b2 - b1)) bytes: not the stripe"
lx_ready || fail "the guest's shell stopped answering with a stuck client"

# keys: KeyEvent 'a' (KEY_A 30) and extended Up (XT e0 48: KEY_UP 103)
lx_send 'for d in /sys/class/input/event*; do grep -q "Xen Virtual Keyboard" $d/device/name && ev=/dev/input/${d##*/}; done; echo "@@EVDEV $ev"'
lx_wait '^@@EVDEV /dev/input/event' 30 || { lx_show 5; fail "no evdev node for the Xen keyboard"; }
ev=$(sed -n 's/^@@EVDEV //p' "$LX_OUT" | tail -n1 | tr -d '\r')
gui_guest "hxen-fbtool keys $ev 4 60" KEYS-READY 30
vc key 61; vw "key 61" 10 >/dev/null
vc extkey c8 ff52; vw "extkey c8" 10 >/dev/null
lx_wait '^@@KEYS-END' 60 || { lx_show 10; fail "the keys did not reach the guest"; }
grep '^@@KEY ' "$LX_OUT" | sed 's/^/# /'
[ "$(grep '^@@KEY ' "$LX_OUT" | tr -d '\r' | tr '\n' ' ')" = \
  "@@KEY 30 1 @@KEY 30 0 @@KEY 103 1 @@KEY 103 0 " ] ||
	fail "keys in the guest: $(grep '^@@KEY ' "$LX_OUT" | tr -d '\r' | tr '\n' ' ')"

# the pointer (the Xen Virtual Pointer, absolute): a position, the middle
# button, one notch of the wheel (RFB button 4: REL_WHEEL +1)
lx_send 'for d in /sys/class/input/event*; do grep -q "Xen Virtual Pointer" $d/device/name && ev=/dev/input/${d##*/}; done; echo "@@""PTRDEV $ev"'
lx_wait '^@@PTRDEV /dev/input/event' 30 || { lx_show 5; fail "no evdev node for the Xen pointer"; }
pev=$(sed -n 's/^@@PTRDEV //p' "$LX_OUT" | tail -n1 | tr -d '\r')
lx_send "hxen-fbtool events $pev 5 60"
lx_wait '^@@KEYS-READY' 30 2 || { lx_show 5; fail "hxen-fbtool events did not start"; }
for m in 2 0 8 0; do
	vc pointer 400 300 $m; vw pointer 10 >/dev/null
done
lx_wait '^@@KEYS-END' 60 2 || { lx_show 10; fail "the pointer events did not reach the guest"; }
got=$(grep '^@@EV ' "$LX_OUT" | tr -d '\r' | tr '\n' ' ')
note "pointer in the guest: $got"
# kbdfront's range is 0..width (800): x 400 of 0..799 is 400, y 300 is 300
[ "$got" = "@@EV ABS 0 400 @@EV ABS 1 300 @@EV KEY 274 1 @@EV KEY 274 0 @@EV REL 8 1 " ] ||
	fail "pointer in the guest: $got"

# a new mode reaches the client, also while another client is stuck:
# libvncserver's new mode waits for every client's send lock, which the
# stuck one holds until it is dropped (5 s without progress), so the
# others get it after that, and the screen (the vfb backend's thread,
# the screenshot) is not held up meanwhile
# (xen-fbfront sends XENFB_TYPE_RESIZE with its next refresh: the pattern)
stall 2
STALL2=$STALLPID
t0=$(date +%s)
gui_guest 'hxen-fbtool mode 640 480 && hxen-fbtool info' FB.640 30
gui_pattern
n=0
until $GUI_H screenshot gui /tmp/shot.png > /dev/null 2>&1 &&
      "$E2E_BIN/hxen-gfxcheck" png /tmp/shot.png 640 480 > /tmp/cmp.out; do
	n=$((n + 1))
	[ $n -gt 20 ] && fail "with a stuck client, the screenshot: $(cat /tmp/cmp.out)"
	sleep 0.5
done
t1=$(date +%s)
vc size 640 480 30; vw size 30
t2=$(date +%s)
note "new mode with a stuck client: the screen after $((t1 - t0)) s, viewer 1 after $((t2 - t0)) s"
[ $((t2 - t0)) -lt 15 ] || fail "with a stuck client, viewer 1 got the new mode after $((t2 - t0)) s"
vc pattern 640 480 60; vw pattern 60

kill $STALL $STALL2 2>/dev/null; STALL= STALL2=
gui_poweroff
exit 0

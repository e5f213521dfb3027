#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SDL window front end (devices/fe_sdl.c) under Xvfb, on a fake
# display core (fe-sdl-fake): no VM.  make sdl-check runs it; the same
# checks with a real guest are tests/e2e/scenarios/82-gui-sdl.sh.
#
#   tests/sdl/check.sh BINDIR    (BINDIR: fe-sdl-fake, xwd-probe, xclose)
set -uo pipefail

bin=${1:?usage: check.sh BINDIR}
for p in Xvfb xdotool xwd; do
	command -v $p >/dev/null || { echo "sdl-check: $p missing (sudo tools/deps.sh e2e)"; exit 1; }
done


tmp=$(mktemp -d "${TMPDIR:-/tmp}/sdl-check.XXXXXX")
xpid= fpid=
cleanup() {
	exec 7>&- 2>/dev/null
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# an X server on a free display number
Xvfb -displayfd 3 -screen 0 1920x1200x24 -nolisten tcp 3>"$tmp/dpy" 2>"$tmp/xvfb.log" &
xpid=$!
for _ in $(seq 50); do [ -s "$tmp/dpy" ] && break; sleep 0.1; done
[ -s "$tmp/dpy" ] || { echo "sdl-check: Xvfb did not start:"; cat "$tmp/xvfb.log"; exit 1; }
export DISPLAY=:$(cat "$tmp/dpy")

# wait_out REGEX: the fake printed a line matching it (5 s)
wait_out() {
	for _ in $(seq 50); do
		grep -Eq "$1" "$tmp/out" && return 0
		sleep 0.1
	done
	return 1
}
cmd() { : > "$tmp/out"; echo "$*" >&7; }	# output from here on
title() { xdotool getwindowname "$win" 2>/dev/null; }
wait_title() {
	for _ in $(seq 50); do
		title | grep -Eq "$1" && return 0
		sleep 0.1
	done
	return 1
}
geom() {
	eval "$(xdotool getwindowgeometry --shell "$win")"
	wx=$X wy=$Y ww=$WIDTH wh=$HEIGHT
}
# probe X Y: the colour at window point (X, Y)
probe() {
	xwd -root -silent > "$tmp/shot.xwd" && "$bin/xwd-probe" "$tmp/shot.xwd" $((wx + $1)) $((wy + $2))
}

# --- no display: a clear error, no window, no crash ---
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$bin/fe-sdl-fake" </dev/null 2>&1); rc=$?
if [ $rc = 2 ] && grep -q 'no \$DISPLAY or \$WAYLAND_DISPLAY' <<<"$out"; then
	pass "no display: $out"
else
	fail "no display: rc $rc: $out"
fi
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$bin/fe-sdl-fake" --opt vnc=1 </dev/null 2>&1); rc=$?
if [ $rc = 0 ] && grep -q 'VNC only' <<<"$out" && grep -q ready <<<"$out"; then
	pass "no display with vnc=1: falls back to VNC"
else
	fail "no display with vnc=1: rc $rc: $out"
fi
out=$(DISPLAY=:9999 "$bin/fe-sdl-fake" </dev/null 2>&1); rc=$?
if [ $rc = 2 ] && grep -q 'SDL could not open the display' <<<"$out"; then
	pass "unreachable display: $out"
else
	fail "unreachable display: rc $rc: $out"
fi

# --- the window ---
name=sdlcheck$$
mkfifo "$tmp/in"
"$bin/fe-sdl-fake" --name "$name" <"$tmp/in" >>"$tmp/out" 2>"$tmp/err" &
fpid=$!
exec 7>"$tmp/in"
wait_out '^ready' || { fail "fe-sdl-fake did not start"; cat "$tmp/err"; exit 1; }
win=
for _ in $(seq 50); do
	win=$(xdotool search --name "$name" 2>/dev/null | head -n1)
	[ -n "$win" ] && break
	sleep 0.1
done
[ -n "$win" ] || { fail "no window named $name"; cat "$tmp/err"; xwininfo -root -tree | grep -i hxen; exit 1; }
t=$(title)
if [ "$t" = "$name - hxen" ]; then pass "title '$t'"; else fail "title '$t'"; fi
geom
[ "$ww" = 640 ] && [ "$wh" = 480 ] && pass "window 640x480 like the surface" || fail "window ${ww}x$wh"

# pixels: the four bars, 1:1
sleep 0.3
got=$(probe 80 240; probe 240 240; probe 400 240; probe 560 240)
want=$'ff0000\n00ff00\n0000ff\nffffff'
[ "$got" = "$want" ] && pass "screen shows the bars" || fail "bars: $(echo $got)"
# a dirty rectangle reaches the window
cmd fill 0 0 64 64 ff00ff
wait_out '^ok' && sleep 0.2
got=$(probe 10 10; probe 100 10)
[ "$got" = $'ff00ff\nff0000' ] && pass "update redrawn" || fail "update: $(echo $got)"

# keys (xdotool through XTEST; the pointer in the window gives it focus)
xdotool mousemove --window "$win" 300 200
xdotool windowfocus --sync "$win" 2>/dev/null
: > "$tmp/out"
xdotool key a ctrl+alt+Delete F1 F12 KP_Enter Up Home Prior Print Escape
want="30 29 56 111 59 88 96 103 102 104 99 1"
wait_out '^key 1 0'
got=$(awk '$1 == "key" && $3 == 1 { printf "%s ", $2 }' "$tmp/out")
[ "$got" = "$want " ] && pass "keys reach the guest: $got" || fail "keys: got '$got' want '$want'"
rel=$(awk '$1 == "key" && $3 == 0' "$tmp/out" | wc -l)
[ "$rel" = 12 ] && pass "every key released" || fail "$rel releases for 12 presses"

# grab: Ctrl+Alt+G toggles, its G does not reach the guest
: > "$tmp/out"
xdotool key ctrl+alt+g
wait_title 'Ctrl\+Alt\+G releases' && pass "Ctrl+Alt+G grabs" || fail "grab: title '$(title)'"
xdotool key ctrl+alt+g
wait_title "^$name - hxen\$" && pass "Ctrl+Alt+G releases" || fail "release: title '$(title)'"
grep -q '^key 34 ' "$tmp/out" && fail "G of Ctrl+Alt+G reached the guest" || pass "G swallowed"

# pointer: absolute, in surface coordinates; 3 buttons and the wheel
: > "$tmp/out"
xdotool mousemove --window "$win" 100 50 click 1 click 3 click 4
wait_out '^abs 100 50 0 1' && grep -q '^abs 100 50 1 0' "$tmp/out" &&
	grep -q '^abs 100 50 4 0' "$tmp/out" &&
	pass "pointer (100,50), left, right, wheel" || fail "pointer: $(tr '\n' ' ' < "$tmp/out")"

# the guest changes mode: the window follows
cmd resize 800 600
wait_out '^ok'; sleep 0.5; geom
[ "$ww" = 800 ] && [ "$wh" = 600 ] && pass "mode 800x600: window follows" || fail "after resize: ${ww}x$wh"
got=$(probe 100 300; probe 700 300)
[ "$got" = $'ff0000\nffffff' ] && pass "new mode drawn" || fail "new mode: $(echo $got)"
cmd pattern
wait_out '^ok'; sleep 0.3
xwd -root -silent > "$tmp/shot.xwd"
"$bin/xwd-probe" "$tmp/shot.xwd" --pattern "$wx" "$wy" 800 600 > "$tmp/pat" &&
	pass "the test pattern, pixel for pixel" || fail "$(cat "$tmp/pat")"
cmd resize 800 600	# the bars again, same size
wait_out '^ok'
# the window follows the mode asynchronously: let that settle first, or
# it may land after (and undo) the user's size below
sleep 0.5

# the user sizes the window: letterbox, aspect kept; the pointer maps through it
for _ in 1 2 3; do
	xdotool windowsize "$win" 1200 600
	for _ in $(seq 20); do
		sleep 0.1; geom
		[ "$ww" = 1200 ] && break 2
	done
done
sleep 0.3; geom
got=$(probe 100 300; probe 250 300; probe 950 300; probe 1150 300)
# 800x600 in 1200x600: bars of 200 px on each side
[ "$got" = $'000000\nff0000\nffffff\n000000' ] && pass "letterbox 1200x600" || fail "letterbox: $(echo $got)"
: > "$tmp/out"
xdotool mousemove --window "$win" 600 300
wait_out '^abs 400 300 ' && pass "pointer through the letterbox" || fail "letterbox pointer: $(tr '\n' ' ' < "$tmp/out")"
: > "$tmp/out"
xdotool mousemove --window "$win" 50 300
wait_out '^abs 0 300 ' && pass "pointer on the bar: at the edge" || fail "bar pointer: $(tr '\n' ' ' < "$tmp/out")"

# the VM's state in the title
cmd state paused
wait_title '\[paused\]' && pass "paused: '$(title)'" || fail "paused: '$(title)'"
cmd state running
wait_title "^$name - hxen\$" && pass "running again" || fail "running: '$(title)'"

# close: first asks the guest to power off, second destroys
: > "$tmp/out"
"$bin/xclose" "$win"
wait_out '^poweroff 0' && pass "first close: power-off request" || fail "first close: $(cat "$tmp/out")"
wait_title 'close again' && pass "title says: close again to destroy" || fail "after close: '$(title)'"
"$bin/xclose" "$win"
wait_out '^poweroff 1' && pass "second close: destroy" || fail "second close: $(cat "$tmp/out")"
wait "$fpid"; rc=$?; fpid=
[ $rc = 0 ] && grep -q '^stopped' "$tmp/out" && pass "window gone, references given back" ||
	fail "exit $rc: $(cat "$tmp/err")"
xdotool search --name "$name" >/dev/null 2>&1 && fail "window still there" || pass "no window left"

echo "sdl-check: $fails failed"
[ $fails = 0 ]

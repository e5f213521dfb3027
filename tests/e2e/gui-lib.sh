# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the gui scenarios (tests/e2e/scenarios/8x-gui-*.sh), sourced
# after /e2e/lib.sh and /e2e/linux-lib.sh inside the emulated host.
#
#   gui_boot [monitor options...]  boot the bundled guest with hxen-fbtool
#                                  added to its initramfs, a control socket
#                                  (VM "gui") and the given --vfb
#   gui_guest CMD TAG SECS         run CMD in the guest's shell, wait for
#                                  the line "@@TAG" it must print
#   gui_pattern                    fbcon off the framebuffer, pattern drawn
#   gui_viewer HOST PORT [PW]      hxen-gfxcheck's VNC viewer in the
#                                  background (viewer 1), driven by:
#   vc VERB...                     a command to viewer 1
#   vw VERB SECS                   its answer to it (the first after the
#                                  command), printed; "fail" fails
#   vbytes                         bytes viewer 1 received so far, in $VB
#   gui_viewer_stop                viewer 1 quits
#   gui_vnc_pattern HOST PORT W H [PW]  one more viewer, at the same time:
#                                  it sees the W x H pattern
#   tty1_getty TAG                 the cursor stops blinking, getty's
#                                  "login:" is on tty1
#   tty1_login N TYPE              log in as root on tty1 and run a command
#                                  there, typed by "TYPE LINE" (a front
#                                  end's keyboard); checked on hvc0
#   tty1_shot WHAT CHECK           CHECK (a comparator, gfx_text.h) finds
#                                  tty1's text in the picture (retried)
#   tty1_text TAG                  tty1's text (/dev/vcs1) in /tmp/vcs.txt,
#                                  rows, columns, cursor: VROWS VCOLS VX VY
#   gui_poweroff                   viewer 1 quits, the guest powers off:
#                                  status 0, no vfb/vkbd warnings

GUI_H=$E2E_BIN/hxen
export HXEN_RUNTIME_DIR=/run/hxen-e2e

gui_boot() {
	need "$GUI_H" "$E2E_BIN/hxen-fbtool" "$E2E_BIN/hxen-gfxcheck"
	# the emulated host's init leaves the loopback down (VNC needs it)
	ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
	mkdir -p "$HXEN_RUNTIME_DIR" /tmp/gui-extra/usr/bin
	cp "$E2E_BIN/hxen-fbtool" /tmp/gui-extra/usr/bin/
	# a second gzip archive after the first: the kernel unpacks both
	(cd /tmp/gui-extra && echo usr/bin/hxen-fbtool | cpio -o -H newc | gzip) \
		> /tmp/gui-extra.cpio.gz 2>/dev/null || fail "cpio"
	cat "$LX_G/initramfs.cpio.gz" /tmp/gui-extra.cpio.gz > /tmp/gui-initrd
	LX_RAMDISK=/tmp/gui-initrd
	LX_APPEND=${LX_APPEND:-quiet}
	lx_boot --name gui --ctl-socket "$HXEN_RUNTIME_DIR/gui.sock" "$@"
}

gui_guest() {
	lx_send "$1"
	lx_wait "^@@$2" "$3" || { lx_show 20; lx_stop; fail "guest: no @@$2 after: $1"; }
}

gui_pattern() {
	# fbcon lets go of the framebuffer, so nothing draws over the pattern
	gui_guest 'for v in /sys/class/vtconsole/vtcon*; do grep -q "frame buffer" $v/name && echo 0 > $v/bind; done; hxen-fbtool pattern && echo @@DRAWN' DRAWN 60
}

GV=/tmp/gui-viewer
gui_viewer() {
	rm -f $GV.in $GV.out
	mkfifo $GV.in || fail "mkfifo $GV.in"
	: > $GV.out
	"$E2E_BIN/hxen-gfxcheck" vnc "$@" < $GV.in > $GV.out 2>&1 &
	exec 4> $GV.in
	GVN=0
}

vc() {
	GVN=$(wc -l < $GV.out)
	echo "$*" >&4
}

vw() {
	_gn=0
	until tail -n +$((GVN + 1)) $GV.out | grep -q "^ok $1\|^fail $1"; do
		_gn=$((_gn + 1))
		[ $_gn -gt $(( $2 * 5 )) ] && { cat $GV.out; fail "viewer: no answer to $1"; }
		sleep 0.2
	done
	_gr=$(tail -n +$((GVN + 1)) $GV.out | grep "^ok $1\|^fail $1" | head -n1)
	case $_gr in fail*) lx_show 10; sed 's/^/# viewer: /' $GV.out; fail "viewer: $_gr" ;; esac
	echo "$_gr"
}

vbytes() {
	vc bytes
	vw bytes 10 > /tmp/vnc-bytes
	VB=$(awk '{ print $3 }' /tmp/vnc-bytes)
	case $VB in ''|*[!0-9]*) fail "viewer: bytes '$VB'" ;; esac
}

gui_viewer_stop() {
	echo quit 2>/dev/null >&4
	exec 4>&- 2>/dev/null
}

gui_poweroff() {
	gui_viewer_stop
	lx_send 'poweroff'
	lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
	[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
	grep -q 'warning: vfb\|warning: vkbd' "$LX_OUT" && fail "vfb/vkbd warnings"
	return 0
}

gui_vnc_pattern() {
	printf 'pattern %s %s 60\nquit\n' "$3" "$4" |
		"$E2E_BIN/hxen-gfxcheck" vnc "$1" "$2" $5 > /tmp/vnc-more.out 2>&1
	grep -q '^ok pattern' /tmp/vnc-more.out ||
		fail "a viewer on $1 $2: $(tr '\n' ' ' < /tmp/vnc-more.out)"
	note "another viewer on $1 $2: $(tr '\n' ' ' < /tmp/vnc-more.out)"
}

# The tags in the tty1 commands are split by empty quotes, so the guest's
# echo of a long command, wrapped at 80 columns, never starts with one.
tty1_text() {
	lx_send "set -- \$(dd if=/dev/vcsa1 bs=4 count=1 2>/dev/null | od -An -tu1); echo \"@@\"\"VCSA.$1 \$*\"; { fold -w \$2 /dev/vcs1; echo; } | sed 's/^/@@''VCS.$1 |/; s/\$/|/'; echo @@\"\"VCS-END.$1"
	lx_wait "^@@VCS-END.$1" 30 || { lx_show 10; fail "no text of tty1"; }
	grep "^@@VCS.$1 |" "$LX_OUT" | tr -d '\r' | sed "s/^@@VCS.$1 //" > /tmp/vcs.txt
	set -- $(grep "^@@VCSA.$1 " "$LX_OUT" | tr -d '\r' | tail -n1)
	VROWS=$2 VCOLS=$3 VX=$4 VY=$5
}

# tty1_wait TOKEN TAG: until a word of tty1's text (/dev/vcs1) is TOKEN
tty1_wait() {
	gui_guest "n=0; until tr ' ' '\\n' < /dev/vcs1 | grep -qx '$1' || [ \$n -gt 150 ]; do sleep 0.2; n=\$((n + 1)); done; echo \"@@\"\"$2 \$n\"" "$2" 60
	[ "$(sed -n "s/^@@$2 \([0-9]*\).*/\1/p" "$LX_OUT" | tail -n1)" -le 150 ] ||
		{ tty1_text "no$2-"; sed 's/^/# tty1: /' /tmp/vcs.txt; fail "no '$1' on tty1 ($2)"; }
}

tty1_getty() {
	gui_guest "echo 0 > /sys/class/graphics/fbcon/cursor_blink; echo @@\"\"NOBLINK$1" "NOBLINK$1" 30
	tty1_wait login: "$1"
}

tty1_login() {
	$2 root
	tty1_wait 'hxen-guest#' "SHELL$1"
	$2 "echo \"@@LOGIN \$(tty) \$(id -u) \$0\" > /tmp/login$1"
	gui_guest "n=0; until [ -s /tmp/login$1 ] || [ \$n -gt 100 ]; do sleep 0.2; n=\$((n + 1)); done; cat /tmp/login$1; echo @@\"\"RAN$1" "RAN$1" 60
	_got=$(grep '^@@LOGIN' "$LX_OUT" | tr -d '\r' | tail -n1)
	note "tty1 ran: $_got"
	[ "$_got" = "@@LOGIN /dev/tty1 0 -sh" ] ||
		{ tty1_text "bad$1-"; sed 's/^/# tty1: /' /tmp/vcs.txt; fail "the typed command: '$_got'"; }
}

TT=0
tty1_shot() {
	_t=0
	while :; do
		TT=$((TT + 1))
		tty1_text "$TT-"
		$2 > /tmp/text.out && break
		_t=$((_t + 1))
		[ $_t -ge 5 ] && { lx_show 8; cat /tmp/text.out; sed 's/^/# tty1: /' /tmp/vcs.txt;
				   fail "$1: the picture does not show tty1's text"; }
		sleep 1
	done
	note "$1: $(tail -n1 /tmp/text.out)"
}

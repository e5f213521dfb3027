#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the emulated host (/e2e/demo.sh, run by /init with
# e2e_mode=demo): one guest under hxen-monitor with its console on this
# terminal.  e2e_demo=NAME on the kernel command line (tests/e2e/demo.sh
# passes DEMO=NAME through) selects tests/e2e/demos/NAME.sh.
. /e2e/lib.sh

demo=testguest
for a in $(cat /proc/cmdline); do
	case $a in e2e_demo=*) demo=${a#*=} ;; esac
done

[ -f "/e2e/demos/$demo.sh" ] ||
	fail "unknown demo '$demo' (have: $(cd /e2e/demos && ls | sed 's/\.sh$//' | tr '\n' ' '))"
need_dev
need "$E2E_BIN/hxen-monitor"
# In a subshell: a demo's fail() must not skip the lines below.
( . "/e2e/demos/$demo.sh" )
rc=$?
echo "demo: hxen-monitor exited with status $rc"
# This shell leads the console's session: when it exits the tty is hung
# up and output still queued in the serial port (a FAIL line) is dropped.
sleep 1
exit $rc

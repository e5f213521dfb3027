#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Headless `hxen run`: exit statuses tell what happened.  The test guest
# powers off (0) with its TAP report in --console-log; spin.elf runs into
# --timeout (6); SIGTERM on a guest without a PV shutdown path ends in a
# destroy after shutdown_grace (8); a bad config is 2 and starts nothing.
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 300
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen" "$E2E_BIN/hxen-monitor" "$TESTGUEST" "$E2E_GUESTS/spin.elf"
H=$E2E_BIN/hxen
export HXEN_RUNTIME_DIR=/run/hxen-e2e
S=${E2E_SCALE:-1}

cat > /tmp/tg.cfg <<CFG
name = "tg"
memory = 32
kernel = "$TESTGUEST"
CFG
cat > /tmp/spin.cfg <<CFG
name = "spin"
memory = "32M"
kernel = "$E2E_GUESTS/spin.elf"
shutdown_grace = 2
CFG

# --- the test guest powers off: 0, TAP in the console log, no stdout ---
# (not under Bochs, where its benchmarks take minutes: 52-cli-parallel
# runs it there)
if [ "$E2E_HOST" != vmx ]; then
	$H run /tmp/tg.cfg --console-log /tmp/tg.log > /tmp/tg.out 2>&1
	rc=$?
	guest_prefix < /tmp/tg.log
	[ $rc = 0 ] || fail "run testguest: status $rc, expected 0 ($(tail -n2 /tmp/tg.out))"
	tap_check /tmp/tg.log || fail "testguest TAP in the console log: $(tap_check /tmp/tg.log | tail -n1)"
	grep -q '^ok ' /tmp/tg.out && fail "headless run also printed the console to stdout"
fi

# --- timeout ---
t0=$(date +%s)
$H run /tmp/spin.cfg --timeout $((3 * S)) --console-log /tmp/spin.log >/tmp/spin.out 2>&1
rc=$?
t1=$(date +%s)
cat /tmp/spin.out
[ $rc = 6 ] || fail "run --timeout: status $rc, expected 6"
[ $((t1 - t0)) -ge $((3 * S)) ] || fail "timeout fired early ($((t1 - t0)) s)"
grep -q "spin: running" /tmp/spin.log || fail "spin console log lacks its banner"

# --- SIGTERM: shutdown request, then destroy after the grace (2 s) ---
$H run /tmp/spin.cfg name=spin-term --console-log /tmp/term.log >/tmp/term.out 2>&1 &
pid=$!
n=0
until grep -q "spin: running" /tmp/term.log 2>/dev/null; do
	n=$((n + 1))
	[ $n -gt $((100 * S)) ] && { kill -9 $pid; fail "spin-term never started"; }
	sleep 0.1
done
kill -TERM $pid
wait $pid
rc=$?
cat /tmp/term.out
[ $rc = 8 ] || fail "run + SIGTERM: status $rc, expected 8"

# --- bad input: status 2, nothing started ---
$H run /tmp/spin.cfg memory=lots 2>/tmp/bad.err
rc=$?
[ $rc = 2 ] || fail "bad override: status $rc, expected 2"
grep -q "command line: memory: 'lots' is not a size" /tmp/bad.err || fail "bad override: $(cat /tmp/bad.err)"
$H run /tmp/nonexistent.cfg 2>/dev/null
[ $? = 2 ] || fail "missing config file: status not 2"
[ -z "$(ls $HXEN_RUNTIME_DIR/*.sock 2>/dev/null)" ] || fail "sockets left: $(ls $HXEN_RUNTIME_DIR)"
echo "run ok"

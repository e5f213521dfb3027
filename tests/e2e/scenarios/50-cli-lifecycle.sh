#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hxen create / list / pause / unpause / console / shutdown / destroy on a
# guest that runs forever (spin.elf), through the per-VM control sockets;
# then the bad-input paths: unknown VM, duplicate name, a dead monitor's
# stale socket, a socket of another user, a config with a typo.
# Under Bochs (E2E_HOST=vmx) a spinning guest leaves its one emulated CPU
# little time for anything else: there only create, list, pause, unpause,
# destroy and the checks that start no VM run (the rest is host-independent
# and runs on the SVM host).
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 300
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen" "$E2E_BIN/hxen-monitor" "$E2E_GUESTS/spin.elf"
H=$E2E_BIN/hxen
export HXEN_RUNTIME_DIR=/run/hxen-e2e
S=${E2E_SCALE:-1}

cleanup() {
	for n in $($H list --json 2>/dev/null | sed -n 's/.*"name": "\(.*\)".*/\1/p'); do
		$H destroy "$n" >/dev/null 2>&1
	done
}
trap cleanup EXIT

cat > /tmp/spin.cfg <<CFG
# a guest that never stops
name = "spin1"
memory = 32
vcpus = 1
kernel = "$E2E_GUESTS/spin.elf"
shutdown_grace = 2
CFG

# wait_for CMD...: retry up to 10 s (x scale) until CMD succeeds
wait_for() {
	_n=0
	while ! "$@" >/dev/null 2>&1; do
		_n=$((_n + 1))
		[ $_n -gt $((50 * S)) ] && return 1
		sleep 0.2
	done
}

state_is() {	# name state
	$H list "$1" | awk -v n="$1" -v s="$2" '$1 == n && $5 == s { f = 1 } END { exit !f }'
}

# --- every command has a --help that names it; unknown ones are errors ---
for c in create run list console pause unpause shutdown reboot destroy \
	 info version save restore migrate vnc help; do
	$H $c --help | head -n1 | grep -q "^usage: hxen $c" ||
		fail "hxen $c --help does not start with its usage"
done
$H --help | grep -q "^  destroy " || fail "hxen --help lacks destroy"
$H frobnicate 2>/dev/null; [ $? = 2 ] || fail "unknown command: status not 2"
# save of a VM that does not exist: refused, naming it
out=$($H save nosuchvm /tmp/nosuchvm.state 2>&1) && fail "save of an unknown VM succeeded"
echo "$out" | grep -q nosuchvm || fail "save of an unknown VM: the error does not name it: $out"
[ ! -e /tmp/nosuchvm.state ] || fail "save of an unknown VM wrote a file"

# --- create, list ---
$H create /tmp/spin.cfg || fail "create failed (status $?)"
$H list || fail "list failed"
state_is spin1 running || fail "spin1 not listed as running"
[ "$(stat -c %a "$HXEN_RUNTIME_DIR/spin1.sock")" = 600 ] ||
	fail "control socket mode is not 0600"
$H list --json | grep -q '"memory": 32' || fail "list --json lacks memory 32"

# --- console: the history holds the guest's banner ---
out=$(timeout 5 $H console spin1 </dev/null 2>&1)
echo "$out" | guest_prefix
echo "$out" | grep -q "spin: running" || fail "console did not show the guest output"

# --- pause / unpause ---
$H pause spin1 || fail "pause failed"
state_is spin1 paused || fail "state is not paused after pause"
$H pause spin1 2>/dev/null && fail "second pause did not fail"
$H unpause spin1 || fail "unpause failed"
state_is spin1 running || fail "state is not running after unpause"

if [ "$E2E_HOST" = vmx ]; then
	$H destroy spin1 || fail "destroy failed"
	$H pause nosuchvm 2>/dev/null && fail "pause of an unknown VM succeeded"
	echo "lifecycle (reduced for vmx) ok"
	exit 0
fi

# --- duplicate name refused, by create and by the monitor itself ---
$H create /tmp/spin.cfg 2>/tmp/dup.err && fail "second VM named spin1 was started"
grep -q "already running" /tmp/dup.err || fail "duplicate: unclear message: $(cat /tmp/dup.err)"
$E2E_BIN/hxen-monitor --name spin1 --memory 32M --kernel "$E2E_GUESTS/spin.elf" \
	--serial none --ctl-socket "$HXEN_RUNTIME_DIR/spin1.sock" 2>/tmp/dup2.err
rc=$?
[ $rc = 2 ] || fail "monitor with a duplicate name: status $rc, expected 2"
grep -q "already running" /tmp/dup2.err || fail "monitor duplicate: $(cat /tmp/dup2.err)"

# --- shutdown: spin ignores control/shutdown -> destroyed after the grace ---
$H shutdown -w spin1 2>/tmp/sd.err || fail "shutdown -w failed: $(cat /tmp/sd.err)"
cat /tmp/sd.err
$H list spin1 2>/dev/null && fail "spin1 still listed after shutdown -w"
grep -q "grace period" "$HXEN_RUNTIME_DIR/spin1.log" || fail "VM log does not say why it ended"

# --- destroy ---
$H create -q /tmp/spin.cfg name=spin2 || fail "create spin2 failed"
$H destroy spin2 || fail "destroy failed"
[ -e "$HXEN_RUNTIME_DIR/spin2.sock" ] && fail "socket left after destroy"

# --- bad input: unknown VM, typo, stale socket, another user's socket ---
$H pause nosuchvm 2>/tmp/e.err && fail "pause of an unknown VM succeeded"
grep -q "no VM named 'nosuchvm'" /tmp/e.err || fail "unknown VM: $(cat /tmp/e.err)"
printf 'name = "x"\nmemroy = 64\n' > /tmp/typo.cfg
$H create -n /tmp/typo.cfg 2>/tmp/typo.err
rc=$?
[ $rc = 2 ] || fail "typo config: status $rc, expected 2"
grep -qx "/tmp/typo.cfg:2:1: unknown key 'memroy' (did you mean 'memory'?)" /tmp/typo.err ||
	fail "typo config: $(cat /tmp/typo.err)"

$H create -q /tmp/spin.cfg name=victim || fail "create victim failed"
pid=$($H list --json victim | sed -n 's/.*"id": \([0-9]*\).*/\1/p')
[ -n "$pid" ] || fail "no id for victim"
kill -9 "$pid"
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
$H pause victim 2>/tmp/stale.err && fail "pause of a dead VM succeeded"
grep -q "monitor died" /tmp/stale.err || fail "stale socket: $(cat /tmp/stale.err)"
[ -e "$HXEN_RUNTIME_DIR/victim.sock" ] && fail "stale socket not removed"

mkdir -p /tmp/other && chmod 700 /tmp/other
$E2E_BIN/hxen-monitor --name other --memory 32M --kernel "$E2E_GUESTS/spin.elf" \
	--serial none --ctl-socket /tmp/other/other.sock >/tmp/other.log 2>&1 &
opid=$!
HXEN_RUNTIME_DIR=/tmp/other wait_for $H list other || fail "monitor 'other' did not come up"
chown 1234 /tmp/other/other.sock
HXEN_RUNTIME_DIR=/tmp/other $H pause other 2>/tmp/own.err && fail "pause through another user's socket succeeded"
grep -q "belongs to uid 1234" /tmp/own.err || fail "foreign socket: $(cat /tmp/own.err)"
kill -TERM $opid; kill -TERM $opid
wait $opid
rc=$?
[ $rc = 8 ] || fail "monitor after two SIGTERMs: status $rc, expected 8"
echo "lifecycle ok"

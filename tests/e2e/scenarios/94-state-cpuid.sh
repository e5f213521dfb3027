#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CPU levelling.  A VM started with cpuid = "host,sse3=0" does not see
# SSE3 (no "pni" in its /proc/cpuinfo) but sees the rest.  Its save file
# carries what it was shown: a restore on a host that pretends to lack
# two of those features (HXEN_TEST_CPUID_HIDE, the test knob of
# docs/testing.md) is refused naming both, and creates nothing; a host
# lacking only SSE3, which the guest never saw, takes it.  A migration to
# a receiver lacking a feature is refused before any RAM is sent, naming
# it, and the source VM runs on.
# e2e-hosts: svm (Bochs is too slow for a Linux boot and a restore)
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/state-lib.sh

ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
rpid=
trap 'st_cleanup st94 st94r st94m; rm -f /tmp/st94.save; [ -n "$rpid" ] && kill $rpid 2>/dev/null' EXIT
# qemu64 (the SVM emulated host) has SSE3, CMPXCHG16B and LAHF in 64-bit mode
flags=$(grep -m1 '^flags' /proc/cpuinfo)
for f in pni cx16 lahf_lm; do
	echo "$flags" | grep -qw "$f" || fail "the emulated host lacks $f: pick other flags"
done

guest_flags() {
	st_cmd 'for f in pni cx16 lahf_lm sse2; do grep -qw $f /proc/cpuinfo && echo $f=yes || echo $f=no; done' "$1"
	grep "^@@$1 " "$ST_ATT" | tr -d '\r' | cut -d' ' -f2 | tail -n 4 | tr '\n' ' '
}

# 1. cpuid= hides a flag from the guest, and only that one
rm -f /tmp/st94.save
st_config st94 'cpuid = "host,sse3=0"'
$H create -q /tmp/st94.cfg || fail "create failed"
st_prompt st94
st_attach st94
fl=$(guest_flags FL1)
note "guest flags with cpuid=\"host,sse3=0\": $fl"
[ "$fl" = "pni=no cx16=yes lahf_lm=yes sse2=yes " ] || fail "the guest sees: $fl"
st_cmd '(n=0; while :; do n=$((n+1)); echo $n > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done) >/dev/null 2>&1 & sleep 1; cat /tmp/count' C0
before=$(st_val C0)
st_detach
out=$($H save st94 /tmp/st94.save) || fail "hxen save failed: $out"
note "$out"

# 2. a destination lacking cx16 and lahf_lm: refused with both names
t0=$(date +%s)
out=$(HXEN_TEST_CPUID_HIDE=cx16,lahf_lm $H restore /tmp/st94.save --name st94r 2>&1) &&
	fail "restore on a host lacking cx16 and lahf_lm succeeded: $out"
note "refused: $out"
echo "$out" | grep -q 'destination lacks cx16, lahfsahf (the guest was shown them when it was saved): restore refused' ||
	fail "the refusal does not name the missing features: $out"
$H list st94r >/dev/null 2>&1 && fail "the refused restore left a VM"
ls "$HXEN_RUNTIME_DIR"/st94r.* 2>/dev/null && fail "the refused restore left files"

# 3. a destination lacking only SSE3, which the guest was never shown
HXEN_TEST_CPUID_HIDE=sse3 $H restore /tmp/st94.save ||
	{ tail -n 20 "$HXEN_RUNTIME_DIR/st94.log"; fail "restore on a host lacking only sse3 failed"; }
st_attach st94
st_cmd 'cat /tmp/count; sleep 1; cat /tmp/count' C1
c1=$(st_line C1 1)
c2=$(st_val C1)
[ "$c1" -ge "$before" ] 2>/dev/null && [ "$c2" -gt "$c1" ] 2>/dev/null ||
	fail "the restored guest does not count on ($before, $c1, $c2)"
st_detach

# 4. a migration to a receiver lacking cx16: refused before RAM is sent
HXEN_TEST_CPUID_HIDE=cx16 $H migrate-receive --listen 7041 --name st94m > /tmp/st94.r 2>&1 &
rpid=$!
sleep 1
$H migrate --tcp 127.0.0.1:7041 st94 > /tmp/st94.m 2>&1 && { cat /tmp/st94.m; fail "migration to a receiver lacking cx16 succeeded"; }
wait $rpid
rpid=
note "migration refused: $(tail -n 1 /tmp/st94.m)"
grep -q 'destination lacks cx16 (the guest was shown them): migration refused' /tmp/st94.m ||
	{ cat /tmp/st94.m /tmp/st94.r; fail "hxen migrate does not name the missing feature"; }
grep -q 'round 2' "$HXEN_RUNTIME_DIR/st94.log" && fail "the source sent RAM rounds before the refusal"
st_runs_on st94 st94m "refused migration"
fl=$(guest_flags FL2)
[ "$fl" = "pni=no cx16=yes lahf_lm=yes sse2=yes " ] || fail "after the restore the guest sees: $fl"
st_detach
$H shutdown -w st94 || fail "shutdown -w failed"
echo "cpuid levelling ok"

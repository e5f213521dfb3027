#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hxen beside KVM: while a KVM guest runs (tests/e2e/kvmhold.c), KVM holds
# SVM/VMX and hxen is refused; hxen-monitor, `hxen create` and `hxen run`
# must all print the module's reason (caps.reason), not only an errno.
# Once KVM's last VM is gone hxen runs; while an hxen VM runs, KVM is
# refused cleanly (no oops: the harness checks the kernel log).
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 180
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen" "$E2E_BIN/hxen-monitor" "$E2E_BIN/hxen-kvmhold" "$E2E_GUESTS/spin.elf"
H=$E2E_BIN/hxen
K=$E2E_BIN/hxen-kvmhold
export HXEN_RUNTIME_DIR=/run/hxen-e2e
S=${E2E_SCALE:-1}
T=/tmp/kvmco
mkdir -p $T

cat > $T/spin.cfg <<CFG
name = "spin"
memory = 32
kernel = "$E2E_GUESTS/spin.elf"
shutdown_grace = 2
CFG

kvm_load || fail "KVM: $(kvm_load 2>&1 | tail -n1)"
case $(grep -m1 -owE 'svm|vmx' /proc/cpuinfo) in
svm) want="SVM is in use by another hypervisor" ;;
*) want="VMX is in use by another hypervisor" ;;
esac

# wait_for FILE TEXT: up to 10 s (scaled)
wait_for() {
	_n=0
	until grep -q "$2" "$1" 2>/dev/null; do
		_n=$((_n + 1))
		[ $_n -gt $((100 * S)) ] && return 1
		sleep 0.1
	done
}

# --- a KVM guest runs: hxen is refused, with the reason ---
$K > $T/kvm.out 2>&1 &
kpid=$!
wait_for $T/kvm.out "kvmhold: running" || { cat $T/kvm.out; kill $kpid; fail "the KVM guest did not start"; }
note "KVM guest running (pid $kpid)"

timeout $((30 * S)) "$E2E_BIN/hxen-monitor" --memory 32M \
	--kernel "$E2E_GUESTS/spin.elf" </dev/null >$T/mon.out 2>&1
rc=$?
cat $T/mon.out
[ $rc != 0 ] || fail "hxen-monitor ran a VM while KVM held the hardware"
grep -q "$want" $T/mon.out || fail "hxen-monitor did not print the module's reason ('$want')"

$H create $T/spin.cfg >$T/create.out 2>&1 && { $H destroy spin; fail "hxen create succeeded while KVM held the hardware"; }
cat $T/create.out
grep -q "$want" $T/create.out || fail "hxen create did not print the module's reason"

timeout $((30 * S)) $H run $T/spin.cfg --timeout $((3 * S)) >$T/run.out 2>&1
rc=$?
cat $T/run.out
[ $rc != 0 ] || fail "hxen run succeeded while KVM held the hardware"
grep -q "$want" $T/run.out || fail "hxen run did not print the module's reason"
$H info | grep -q "last refusal: *$want" || fail "hxen info does not show the last refusal"

# --- KVM's last VM ends: hxen runs ---
kill -TERM $kpid
wait $kpid
rc=$?
cat $T/kvm.out
[ $rc = 0 ] || fail "the KVM guest ended with status $rc"
timeout $((30 * S)) $H run $T/spin.cfg --timeout $((2 * S)) >$T/run2.out 2>&1
rc=$?
[ $rc = 6 ] || { cat $T/run2.out; fail "hxen run after KVM stopped: status $rc, expected 6 (timeout)"; }
note "hxen runs once KVM's VM is gone"

# --- an hxen VM runs: KVM is refused cleanly ---
$H create $T/spin.cfg >$T/create2.out 2>&1 || { cat $T/create2.out; fail "hxen create after KVM stopped"; }
$K 2 > $T/kvm2.out 2>&1
rc=$?
cat $T/kvm2.out
$H destroy spin || fail "hxen destroy"
[ $rc = 3 ] || fail "KVM while an hxen VM ran: status $rc, expected 3 (refused)"

# --- and KVM works again afterwards ---
$K 1 > $T/kvm3.out 2>&1 || { cat $T/kvm3.out; fail "KVM after the hxen VM ended"; }
kvm_unload || fail "unloading KVM"
exit 0

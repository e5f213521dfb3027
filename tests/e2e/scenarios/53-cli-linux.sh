#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Stock Linux (the bundled PVH guest) through the CLI: hxen create from a
# config file, a shell command typed through `hxen console` reaches hvc0
# and its answer comes back, and `hxen shutdown -w` is honoured by the
# guest (xenstore control/shutdown): the VM powers off before the grace
# period, so the log has no "grace period" destroy.
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 600
. /e2e/lib.sh

LX_G=$E2E_GUESTS/linux
need_dev
need "$E2E_BIN/hxen" "$LX_G/vmlinuz" "$LX_G/initramfs.cpio.gz"
H=$E2E_BIN/hxen
export HXEN_RUNTIME_DIR=/run/hxen-e2e
S=${E2E_SCALE:-1}
trap '$H destroy lx >/dev/null 2>&1' EXIT

cat > /tmp/lx.cfg <<CFG
name = "lx"
memory = 256
kernel = "$LX_G/vmlinuz"
ramdisk = "$LX_G/initramfs.cpio.gz"
cmdline = "$(cat "$LX_G/cmdline") quiet"
console_log = "/tmp/lx.console"
shutdown_grace = $((120 * S))
CFG
$H create -q /tmp/lx.cfg || fail "create failed"

# wait for the shell prompt on hvc0 (console_log gets all output)
n=0
until grep -q 'hxen-guest#' /tmp/lx.console 2>/dev/null; do
	n=$((n + 1))
	[ $n -gt $((300 * S)) ] && { tail -n 20 /tmp/lx.console | guest_prefix; fail "no shell prompt on hvc0"; }
	sleep 1
done
# console: a FIFO held open feeds `hxen console`; its output is a file
rm -f /tmp/lx.in; mkfifo /tmp/lx.in
$H console lx < /tmp/lx.in > /tmp/lx.attach 2>&1 &
cpid=$!
exec 3> /tmp/lx.in
sleep 1
grep -q 'hxen-guest#' /tmp/lx.attach || fail "console history lacks the prompt"
printf 'echo "@@HV $(cat /sys/hypervisor/type)"\n' >&3
n=0
until grep -q '@@HV [a-z]' /tmp/lx.attach; do
	n=$((n + 1))
	if [ $n -gt $((150 * S)) ]; then
		tail -n 3 /tmp/lx.console | guest_prefix
		fail "the shell on hvc0 does not answer through hxen console"
	fi
	sleep 0.2
done
grep -q '@@HV xen' /tmp/lx.attach || fail "hypervisor: $(grep '@@HV [a-z]' /tmp/lx.attach)"
$H list lx | grep -q ' running ' || fail "lx not listed as running"

t0=$(date +%s)
$H shutdown -w lx || fail "shutdown -w failed"
t1=$(date +%s)
note "the guest powered off $((t1 - t0)) s after the request"
exec 3>&-
wait $cpid
tail -n 5 /tmp/lx.console | guest_prefix
grep -q "grace period" "$HXEN_RUNTIME_DIR/lx.log" && fail "the guest ignored the shutdown request"
echo "linux cli ok"

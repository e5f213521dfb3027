#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Eight VMs from a shell loop, in parallel, headless: each has its own
# name, socket, console log and exit status, and none disturbs another.
# Under Bochs (E2E_HOST=vmx: one emulated CPU, tens of times slower) two
# VMs make the same point within the run's time budget.
# e2e-hosts: svm (backend-independent, or too slow under Bochs: docs/testing.md)
# e2e-timeout: 600
. /e2e/lib.sh

need_dev
need "$E2E_BIN/hxen" "$E2E_BIN/hxen-monitor" "$TESTGUEST"
H=$E2E_BIN/hxen
export HXEN_RUNTIME_DIR=/run/hxen-e2e
S=${E2E_SCALE:-1}

cat > /tmp/par.cfg <<CFG
name = "par"
memory = 32
kernel = "$TESTGUEST"
CFG

N=8
[ "$E2E_HOST" = vmx ] && N=2
i=1
while [ $i -le $N ]; do
	( $H run /tmp/par.cfg name=par$i timeout=$((240 * S)) \
		console_log=/tmp/par$i.log > /tmp/par$i.out 2>&1
	  echo $? > /tmp/par$i.rc ) &
	i=$((i + 1))
done
wait
bad=
i=1
while [ $i -le $N ]; do
	rc=$(cat /tmp/par$i.rc)
	echo "--- VM par$i: status $rc"
	[ "$rc" = 0 ] || { bad="$bad par$i status $rc;"; cat /tmp/par$i.out; }
	res=$(tap_check /tmp/par$i.log) || bad="$bad par$i: $(echo "$res" | tail -n1);"
	echo "$res"
	i=$((i + 1))
done
[ -z "$(ls $HXEN_RUNTIME_DIR/*.sock 2>/dev/null)" ] || bad="$bad sockets left;"
[ -z "$bad" ] || fail "$bad"

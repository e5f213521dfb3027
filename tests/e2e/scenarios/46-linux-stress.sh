#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Many Linux boots in a row, 1 and 2 vCPUs alternating: each must reach
# the shell and power off with status 0.  Finds rare races in event
# injection and wake-ups.  Not part of the default run (slow); run it
# by name, with E2E_STRESS=N boots (default 20), or N x V for N boots
# of V vCPUs each:
#   make e2e SCENARIOS=linux-stress E2E_STRESS=50
#   make e2e SCENARIOS=linux-stress E2E_STRESS=100x2 E2E_TIMEOUT=3000
# e2e-hosts: manual
# e2e-timeout: 3600
. /e2e/lib.sh
. /e2e/linux-lib.sh

n=${E2E_STRESS:-20}
fixed=
case $n in
*x*) fixed=${n#*x}; n=${n%%x*} ;;
esac
LX_APPEND=quiet
LX_BOOT_TIMEOUT=120
i=1
while [ $i -le "$n" ]; do
	v=${fixed:-$(( (i % 2) + 1 ))}
	lx_start --vcpus $v
	if ! lx_wait 'hxen-guest: Linux' 120 || ! lx_ready; then
		# all of it: the first oops is what matters
		guest_prefix < "$LX_OUT"
		lx_state
		lx_stop
		fail "boot $i of $n ($v vCPUs) did not reach the shell"
	fi
	lx_send poweroff
	lx_finish 60
	[ "$LX_RC" = 0 ] || { lx_show 40; fail "boot $i of $n ($v vCPUs): monitor status $LX_RC"; }
	i=$((i + 1))
done
note "$n boots${fixed:+ of $fixed vCPUs}"

#!/bin/sh
# temporary debug scenario of the Xen work (deleted after use)
# e2e-timeout: 400
. /e2e/lib.sh
. /e2e/linux-lib.sh
LX_APPEND="keep_bootcon loglevel=7"
lx_boot --stats
sleep 3
lx_send 'echo A1'
sleep 10
printf '\017q' >&3
sleep 15
printf '\017t' >&3
sleep 25
lx_show 400
lx_stop
fail "debug"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host -> guest through a port forward (hostfwd=tcp:127.0.0.1:8072-:80):
# the host fetches a page from busybox httpd in the guest.  A forward on
# a port that is already taken is refused before the VM starts, with the
# vif spec and the port in the message.
# e2e-hosts: svm
# e2e-timeout: 200
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh
. /e2e/net-lib.sh

# a busy port: the monitor must say so and not start
mkdir -p /tmp/net72.www
busybox httpd -f -p 127.0.0.1:8073 -h /tmp/net72.www &
NPID=$!
sleep 1
"$E2E_BIN/hxen-monitor" --memory 256M --kernel "$LX_G/vmlinuz" --ramdisk "$LX_G/initramfs.cpio.gz" \
	--vif 'type=user,hostfwd=tcp:127.0.0.1:8073-:80' --serial none --console none \
	> /tmp/net72.busy 2>&1
rc=$?
kill $NPID 2>/dev/null
sed 's/^/# /' /tmp/net72.busy
[ $rc != 0 ] || fail "the monitor started with a busy forward port"
grep -q "type=user,hostfwd=tcp:127.0.0.1:8073-:80.*8073.*in use" /tmp/net72.busy ||
	fail "no clear message for the busy port"

token=hxen72-$$-$(date +%s)
LX_APPEND=quiet
lx_boot --name net72 --vif 'type=user,hostfwd=tcp:127.0.0.1:8072-:80'
net_wait_lease
blk_guest "mkdir -p /tmp/www && echo $token > /tmp/www/index.html && httpd -p 80 -h /tmp/www && echo started" HTTPD
got=$(timeout 20 busybox wget -q -O - http://127.0.0.1:8072/index.html 2>&1)
note "host got '$got' through the forward"
[ "$got" = "$token" ] || { lx_show 20; net_guest_state; blk_term; fail "the forward gave '$got', expected $token"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
# the forward's socket went with the monitor
timeout 3 busybox wget -q -O - http://127.0.0.1:8072/ >/dev/null 2>&1 &&
	fail "port 8072 still answers after the VM ended"
exit 0

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest <- host over user-mode networking: the guest fetches a 64 MiB
# file from an HTTP server (busybox httpd) on the emulated host through
# the gateway address 10.0.2.2 (the host's 127.0.0.1), and its sha256 is
# the file's; the guest sends a 4 MiB file back (POST to a CGI), same
# check.  The time each way is noted (TCG: not a benchmark).
# e2e-hosts: svm
# e2e-timeout: 300
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh
. /e2e/net-lib.sh

W=/tmp/net71
rm -rf "$W"; mkdir -p "$W/cgi-bin"
net_pattern 64 "$W/f"
want=$(sha256sum < "$W/f" | cut -d' ' -f1)
cat > "$W/cgi-bin/up" <<'CGI'
#!/bin/sh
echo "Content-Type: text/plain"
echo
head -c "$CONTENT_LENGTH" > /tmp/net71.up
echo "$(sha256sum < /tmp/net71.up | cut -d' ' -f1) $(wc -c < /tmp/net71.up) bytes"
CGI
chmod 755 "$W/cgi-bin/up"
busybox httpd -f -p 127.0.0.1:8071 -h "$W" &
HPID=$!
trap 'kill $HPID 2>/dev/null' EXIT

LX_APPEND=quiet
lx_boot --name net71 --vif type=user
net_wait_lease
t0=$(date +%s)
blk_guest 'wget -q -O - http://10.0.2.2:8071/f | sha256sum' GET 400
t1=$(date +%s)
got=$(blk_val GET)
note "64 MiB host -> guest in $((t1 - t0)) s, sha256 $got"
[ "$got" = "$want" ] || { lx_show 20; net_guest_state; blk_term; fail "the guest read $got, the file is $want"; }

blk_guest 'dd if=/dev/urandom of=/tmp/up bs=1M count=4 2>/dev/null; sha256sum < /tmp/up' UPSUM
t0=$(date +%s)
# by hand with nc: busybox 1.35's wget --post-file sends no file
blk_guest '{ printf "POST /cgi-bin/up HTTP/1.0\\r\\nContent-Length: 4194304\\r\\n\\r\\n"; cat /tmp/up; } | nc 10.0.2.2 8071 | tail -n 1' POST 200
t1=$(date +%s)
note "4 MiB guest -> host in $((t1 - t0)) s"
grep -a '^@@POST' "$LX_OUT" | sed 's/^/# /'
[ -n "$(blk_val UPSUM)" ] && [ "$(blk_val POST)" = "$(blk_val UPSUM)" ] ||
	{ lx_show 20; blk_term; fail "the host received $(blk_val POST), the guest sent $(blk_val UPSUM)"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"
grep -q 'Oops\|BUG:\|WARNING:' "$LX_OUT" && { lx_show 40; fail "the guest logged a kernel problem"; }
rm -rf "$W"
exit 0

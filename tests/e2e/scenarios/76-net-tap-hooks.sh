#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The TAP set-ups beyond a bridge (issue 10): a vif script= hook run as
# xl runs its vif scripts ("online" with vif/mac/bridge/ip in the
# environment, "offline" at the end); a pre-made TAP owned by an
# unprivileged user, used by a monitor running as that user and left as
# it was afterwards; and the host-side errors before a VM starts: no
# permission on /dev/net/tun, not allowed to create a TAP, and a missing
# bridge in a config file, pointed at by file:line:col.
# e2e-hosts: svm
# e2e-timeout: 300
. /e2e/lib.sh
. /e2e/linux-lib.sh
. /e2e/blk-lib.sh
. /e2e/net-lib.sh

TT=$E2E_BIN/hxen-taptool
need "$TT"
while read -r m; do insmod /e2e/modules/net/$m.ko 2>/dev/null; done < /e2e/modules/net/order
[ -c /dev/net/tun ] || { mkdir -p /dev/net; mknod /dev/net/tun c 10 200; }
chmod 666 /dev/net/tun	# as udev makes it: any user may open it
W=/tmp/net76
rm -rf "$W"; mkdir -p "$W/bin" "$W/run"
chmod 700 "$W/run"
hxmode=$(stat -c %a /dev/hxen)
cleanup() {
	lx_stop
	chmod 666 /dev/net/tun
	chmod "$hxmode" /dev/hxen
	"$TT" del hxp76 2>/dev/null
}
trap cleanup EXIT
MON="--memory 256M --kernel $LX_G/vmlinuz --ramdisk $LX_G/initramfs.cpio.gz --serial none --console none"

# --- 1. the script= hook --------------------------------------------
cat > "$W/hook" <<'HOOK'
#!/bin/sh
echo "$1 vif=$vif bridge=$bridge mac=$mac ip=$ip" >> /tmp/net76/hook.log
[ "$1" = online ] && ip addr add 10.0.76.1/24 dev "$vif"
exit 0
HOOK
chmod 755 "$W/hook"
LX_APPEND=quiet
lx_boot --vif "vifname=hxs76,mac=00:16:3e:00:76:01,ip=10.0.76.2,script=$W/hook"
grep -q '^online vif=hxs76 bridge= mac=00:16:3e:00:76:01 ip=10.0.76.2$' "$W/hook.log" ||
	{ cat "$W/hook.log" 2>/dev/null; fail "the hook did not run as 'online' with the vif's environment"; }
blk_guest 'killall udhcpc; ip addr add 10.0.76.2/24 dev eth0 && echo ok' A1
ping -c 3 -W 5 10.0.76.2 | grep -q ' 0% packet loss' || { lx_show 20; fail "no traffic over the TAP the hook set up"; }
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the VM did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "the monitor exited with status $LX_RC"
grep -q '^offline vif=hxs76 ' "$W/hook.log" || { cat "$W/hook.log"; fail "the hook did not run as 'offline'"; }
[ -e /sys/class/net/hxs76 ] && fail "hxs76 is still there after the VM ended"
note "script= hook: online and offline ran with the vif's environment"

# --- 2. a pre-made TAP, an unprivileged monitor -----------------------
"$TT" add hxp76 65534 || fail "cannot make a persistent TAP"
ip addr add 10.0.77.1/24 dev hxp76
ip link set hxp76 up
chmod 666 /dev/hxen
printf '#!/bin/sh\nexec %s runas 65534 %s "$@"\n' "$TT" "$E2E_BIN/hxen-monitor" > "$W/bin/hxen-monitor"
chmod 755 "$W/bin/hxen-monitor"
E2E_BIN_SAVE=$E2E_BIN
E2E_BIN=$W/bin lx_boot --vif 'vifname=hxp76'
E2E_BIN=$E2E_BIN_SAVE
blk_guest 'id -u; killall udhcpc; ip addr add 10.0.77.2/24 dev eth0 && echo ok' A2
ping -c 3 -W 5 10.0.77.2 | grep -q ' 0% packet loss' || { lx_show 20; fail "no traffic over the pre-made TAP"; }
# the wrapper execs taptool, which execs the monitor: the same process
owner=$(awk '$1 == "Uid:" { print $2 }' /proc/$LX_PID/status 2>/dev/null)
[ "$owner" = 65534 ] || fail "the monitor runs as uid '$owner', not 65534"
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the unprivileged VM did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "the unprivileged monitor exited with status $LX_RC"
[ -e /sys/class/net/hxp76 ] || fail "the pre-made TAP hxp76 went away with the VM"
ip addr show hxp76 | grep -q 10.0.77.1/24 || fail "the pre-made TAP lost its address"
[ "$(cat /sys/class/net/hxp76/owner)" = 65534 ] || fail "the pre-made TAP changed owner"
note "pre-made TAP used by a monitor running as uid 65534, left as it was"

# --- 3. host-side errors before the VM starts -------------------------
# refused_as_user VIF WHAT PATTERN: an unprivileged monitor with --vif VIF
# must not start and must say PATTERN
refused_as_user() {
	"$TT" runas 65534 "$E2E_BIN/hxen-monitor" $MON --vif "$1" > "$W/err" 2>&1 &&
		fail "an unprivileged monitor started with $2"
	sed 's/^/# /' "$W/err"
	grep -q "$3" "$W/err" || fail "no clear message for $2"
}
refused_as_user vifname=hxn76 "a TAP the user may not create" \
	"vifname=hxn76.*not allowed to create TAP 'hxn76'.*ip tuntap add"
chmod 600 /dev/net/tun
refused_as_user vifname=hxp76 "/dev/net/tun without permission" \
	"vifname=hxp76.*cannot open /dev/net/tun: Permission denied (no permission"
chmod 666 /dev/net/tun

cat > "$W/vm.cfg" <<CFG
name = "net76"
kernel = "$LX_G/vmlinuz"
ramdisk = "$LX_G/initramfs.cpio.gz"
memory = 256
vif = [ 'mac=00:16:3e:00:76:09',
        'bridge=nosuchbr76' ]
CFG
HXEN_RUNTIME_DIR=$W/run "$E2E_BIN/hxen" create "$W/vm.cfg" > "$W/cfgerr" 2>&1 &&
	fail "hxen create started a VM with a missing bridge"
sed 's/^/# /' "$W/cfgerr"
grep -q "bridge 'nosuchbr76' does not exist" "$W/cfgerr" || fail "no clear message for the missing bridge"
grep -q "^$W/vm.cfg:6:9: the vif item above" "$W/cfgerr" ||
	fail "the error does not point at the config item (file:line:col)"
[ -e "$W/run/net76.sock" ] && fail "a control socket was left behind"
exit 0

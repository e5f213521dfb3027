#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's stock kernel boots as a Xen PVH guest to a shell on hvc0: the
# guest sees Xen in /sys/hypervisor, its Xen timer and event interrupts
# move, its clock is right and runs at wallclock speed, hvc0 reads and
# writes, and `poweroff` (ACPI S5) ends the monitor with status 0.
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/linux-lib.sh

LX_APPEND=quiet
lx_boot

lx_send 'echo "@@HV $(cat /sys/hypervisor/type)"'
lx_wait '^@@HV' 30 || { lx_show; lx_stop; fail "no answer from the shell"; }
grep -q '^@@HV xen' "$LX_OUT" || { lx_stop; fail "/sys/hypervisor/type: $(grep '^@@HV' "$LX_OUT")"; }

# interrupts: the per-CPU Xen timer and the xenbus/hvc event lines
lx_send 'grep -E "timer|xenbus|hvc" /proc/interrupts | sed "s/^/@@IRQ1 /"; sleep 1; grep -E "timer" /proc/interrupts | sed "s/^/@@IRQ2 /"; echo @@IRQDONE'
lx_wait '^@@IRQDONE' 60 || { lx_show; lx_stop; fail "no /proc/interrupts"; }
grep '^@@IRQ' "$LX_OUT" | sed 's/^/# /'
t1=$(grep '^@@IRQ1 .*timer' "$LX_OUT" | head -n1 | awk '{ s = 0; for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break; print s }')
t2=$(grep '^@@IRQ2 .*timer' "$LX_OUT" | head -n1 | awk '{ s = 0; for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break; print s }')
[ -n "$t1" ] && [ -n "$t2" ] && [ "$t2" -gt "$t1" ] ||
	{ lx_stop; fail "Xen timer interrupts did not move ($t1 -> $t2)"; }
grep -q '^@@IRQ1 .*xen.*\(xenbus\|hvc\)' "$LX_OUT" ||
	{ lx_stop; fail "no Xen event-channel interrupt lines (xenbus/hvc)"; }

# wallclock: the guest's date agrees with the host's
lx_send 'echo "@@DATE $(date +%s)"'
lx_wait '^@@DATE' 30 || { lx_stop; fail "no date"; }
gd=$(sed -n 's/^@@DATE \([0-9]*\).*/\1/p' "$LX_OUT" | head -n1)
hd=$(date +%s)
d=$(( hd - gd )); [ $d -lt 0 ] && d=$(( -d ))
note "guest date $gd, host date $hd"
[ "$d" -le 120 ] || { lx_stop; fail "guest clock off by $d s"; }

# sleep 2 takes about 2 s of host time
lx_send 'echo @@S1; sleep 2; echo @@S2'
lx_wait '^@@S1' 30 || { lx_stop; fail "no sleep start"; }
s1=$(cut -d" " -f1 /proc/uptime)
lx_wait '^@@S2' 30 || { lx_stop; fail "sleep 2 did not end within 30 s"; }
s2=$(cut -d" " -f1 /proc/uptime)
ms=$(awk -v a="$s1" -v b="$s2" 'BEGIN { printf "%d", (b - a) * 1000 }')
note "sleep 2 took $ms ms of host time"
[ "$ms" -ge 1500 ] && [ "$ms" -le 6000 ] || { lx_stop; fail "sleep 2 took $ms ms"; }

# hvc0 both ways: a line typed on the console is read by the guest
lx_send 'read x; echo "@@GOT [$x]" > /dev/hvc0'
sleep 1
lx_send 'hello from the host'
lx_wait '^@@GOT \[hello from the host\]' 30 || { lx_show 10; lx_stop; fail "hvc0 input/output"; }

lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
lx_show 8
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC after poweroff"

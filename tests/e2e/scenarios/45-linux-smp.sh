#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Stock Linux as a 2-vCPU Xen PVH guest: the BSP registers the AP's
# vcpu_info and binds its VIRQ_TIMER and IPI ports before INIT/SIPI; then
# each CPU's Xen timer ticks on its own port and event-channel IPIs reach
# both CPUs (the Xen layer's per-vCPU upcalls, docs/xen.md).
# e2e-timeout: 600
. /e2e/lib.sh
. /e2e/linux-lib.sh

LX_APPEND=quiet
lx_boot --vcpus 2

# irq_cpu1 NAME TAG: the CPU1 column of /proc/interrupts line NAME
irq_cpu1() {
	tr -d '\r' < "$LX_OUT" | grep "^$2 .* $1\$" | head -n1 | awk '{ print $4 }'
}

lx_send 'echo "@@CPUS $(grep -c ^processor /proc/cpuinfo)"'
lx_wait '^@@CPUS' 30 || { lx_show; lx_stop; fail "no answer from the shell"; }
grep -q '^@@CPUS 2' "$LX_OUT" || { lx_stop; fail "guest sees $(grep '^@@CPUS' "$LX_OUT")"; }

lx_send 'grep xen /proc/interrupts | sed "s/^/@@A /"; sleep 1; grep xen /proc/interrupts | sed "s/^/@@B /"; echo @@IRQDONE'
lx_wait '^@@IRQDONE' 60 || { lx_show; lx_stop; fail "no /proc/interrupts"; }
grep '^@@[AB]' "$LX_OUT" | sed 's/^/# /'
a=$(irq_cpu1 timer1 @@A)
b=$(irq_cpu1 timer1 @@B)
[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ] ||
	{ lx_stop; fail "CPU1's Xen timer did not tick ($a -> $b)"; }
ipi=$(tr -d '\r' < "$LX_OUT" | grep '^@@B .*-ipi' | awk '$NF ~ /1$/ { s += $4 } END { print s + 0 }')
note "CPU1: timer1 $a -> $b, $ipi event-channel IPIs"
[ "$ipi" -gt 0 ] || { lx_stop; fail "no event-channel IPI reached CPU1"; }

# Power-off with two vCPUs: the AP parks (HLT with IF=0) before the BSP
# writes the ACPI sleep register; the monitor must not call that a hang.
lx_send 'poweroff'
lx_finish 120 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || { lx_show 20; fail "hxen-monitor exited with status $LX_RC after an SMP poweroff"; }
exit 0

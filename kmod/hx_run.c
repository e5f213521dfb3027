// SPDX-License-Identifier: GPL-2.0
/*
 * HXEN_RUN: the hosted-mode run loop (design.md, "Hosted-mode rules").
 * Before each entry: a pending signal returns -EINTR (HXEN_EXIT_INTR),
 * need_resched() yields, interrupts are injected or an interrupt window
 * requested.  Preemption is disabled from FPU switch to exit only; the
 * backend disables IRQs just around the entry itself.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>
#include <linux/bitops.h>
#include <linux/moduleparam.h>
#include <asm/nospec-branch.h>
#include "hx_exit.h"
#include "hx_hooks.h"

static int highest_pending(struct hx_vcpu *vcpu)
{
	unsigned long v = find_last_bit(vcpu->irq_pending, 256);

	return v < 256 ? (int)v : -1;
}

/*
 * 1: offer the Xen upcall as V_IRQ while the guest has IF=0 too, which
 * saves the interrupt-window exit.  Off by default: in make bench
 * (blk_hx=pv,pv-window, three interleaved rounds, 2026-12-07) it made
 * sequential reads slower (median 108 against 200 MiB/s) and random
 * reads no faster (1329 against 1415 IOPS), for reasons not found yet.
 * Switchable at run time (/sys/module/hxen/parameters/) so that the
 * bench can compare both in one run.
 */
static bool upcall_offer_masked;
module_param(upcall_offer_masked, bool, 0644);
MODULE_PARM_DESC(upcall_offer_masked,
		 "offer the Xen upcall as V_IRQ while the guest has IF=0 (default 0)");

/* Preemption disabled: decide what to inject at this entry. */
static void hx_inject_pending(struct hx_vcpu *vcpu)
{
	bool xen = vcpu->vm->xen;
	int bv = highest_pending(vcpu);
	int xv = xen ? hx_xen_pending_vector(vcpu) : -1;

	if (bv < 0 && xv < 0) {
		hx_ops->request_irq_window(vcpu, false);
		return;
	}
	/*
	 * Only the Xen upcall, and the guest can take it now: where the
	 * backend can, let the CPU deliver it as a virtual interrupt at the
	 * first instruction boundary.  Offered only with the window open
	 * (unless upcall_offer_masked), so that it is not latched across a
	 * handler that clears evtchn_upcall_pending itself (the upcall is
	 * level-like, xen-abi.md D.5: re-evaluated at every entry, as Xen
	 * does); with the window shut (IF=0) it costs a VINTR exit first.
	 * If the guest's handler clears evtchn_upcall_pending before IF=1,
	 * an offer made with IF=0 is withdrawn at the next entry, or, with
	 * no exit in between, is one spurious upcall that finds nothing
	 * pending.  On SVM this also sidesteps QEMU TCG's
	 * VMRUN, which delivers an injected INTR event and then, when its
	 * CPU loop exits right after, delivers the same vector once more as
	 * an exception with IF=0 (docs/kmod.md).
	 */
	if (bv < 0 && hx_ops->offer_irq &&
	    (upcall_offer_masked || hx_ops->irq_window_open(vcpu))) {
		hx_ops->offer_irq(vcpu, xv);
		return;
	}
	if (!hx_ops->irq_window_open(vcpu)) {
		hx_ops->request_irq_window(vcpu, true);
		return;
	}
	/*
	 * An edge vector (HXEN_INTERRUPT, LAPIC IPIs) that is the only thing
	 * pending goes the same way, for the same QEMU reason (52-cli-parallel
	 * saw a test interrupt taken twice).  Its bit is cleared now, as for
	 * EVENTINJ, so that the same vector sent again during the run is not
	 * lost, and set again after the run if the CPU did not take it
	 * (hx_offer_settle).  With more pending, EVENTINJ and a window exit
	 * deliver them one after the other.
	 */
	if (xv < 0 && hx_ops->offer_irq && hx_ops->offer_taken &&
	    find_first_bit(vcpu->irq_pending, 256) == bv &&
	    test_and_clear_bit(bv, vcpu->irq_pending)) {
		hx_ops->offer_irq(vcpu, bv);
		vcpu->offered_vec = bv;
		return;
	}
	if (xv > bv) {
		hx_ops->inject_irq(vcpu, xv);
		hx_xen_vector_injected(vcpu, xv);
	} else if (test_and_clear_bit(bv, vcpu->irq_pending)) {
		hx_ops->inject_irq(vcpu, bv);
	}
	/* More waiting: exit again as soon as the guest can take the next. */
	if (highest_pending(vcpu) >= 0 || (xen && hx_xen_pending_vector(vcpu) >= 0))
		hx_ops->request_irq_window(vcpu, true);
	else
		hx_ops->request_irq_window(vcpu, false);
}

/* Right after the run: an offered edge vector not taken is pending again. */
static void hx_offer_settle(struct hx_vcpu *vcpu)
{
	int v = vcpu->offered_vec;

	if (v < 0)
		return;
	vcpu->offered_vec = -1;
	if (!hx_ops->offer_taken(vcpu))
		set_bit(v, vcpu->irq_pending);
}

static bool hx_wake_cond(struct hx_vcpu *vcpu)
{
	return highest_pending(vcpu) >= 0 || atomic_read(&vcpu->kick) ||
	       (vcpu->vm->xen && hx_xen_wake_pending(vcpu));
}

/* HLT (or SCHEDOP_block) with IF=1: sleep until an interrupt or a kick. */
static int hx_halt(struct hx_vcpu *vcpu)
{
	int ret;

	if (hx_wake_cond(vcpu))
		return 0;
	ret = wait_event_interruptible(vcpu->wq, hx_wake_cond(vcpu));
	if (!ret)
		vcpu->run->stat_hlt_wakeups++;
	return 0;	/* a signal is seen at the top of the loop */
}

/*
 * A CPU that runs a vCPU of another VM than last time flushes indirect
 * branch prediction first (IBPB, where the host kernel enabled it), so one
 * guest cannot steer another's speculation.  VMs are told apart by serial
 * number, not address: a new VM may reuse a freed one's memory.
 */
static DEFINE_PER_CPU(u64, hx_last_vm_serial);

static void hx_switch_barrier(struct hx_vm *vm)
{
	if (this_cpu_read(hx_last_vm_serial) == vm->serial)
		return;
	this_cpu_write(hx_last_vm_serial, vm->serial);
	indirect_branch_prediction_barrier();
}

int hx_vcpu_run(struct hx_vcpu *vcpu)
{
	struct hxen_run *run = vcpu->run;
	struct hx_vm *vm = vcpu->vm;
	struct hx_exit exit;
	int ret = 0, r;

	run->exit_reason = HXEN_EXIT_NONE;
	down_read(&vm->mem_lock);
	r = hx_complete_pending(vcpu);
	up_read(&vm->mem_lock);
	if (r == HX_TO_USER)
		goto to_user;

	for (;;) {
		atomic_set(&vcpu->req, 0);
		smp_mb__after_atomic();
		if (atomic_xchg(&vcpu->kick, 0)) {
			run->exit_reason = HXEN_EXIT_KICKED;
			break;
		}
		if (signal_pending(current)) {
			run->exit_reason = HXEN_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		cond_resched();
		if (hx_vcpu_mp_wait(vcpu)) {
			/* An AP before its start-up IPI: sleep, as in wait-for-SIPI. */
			wait_event_interruptible(vcpu->wq, atomic_read(&vcpu->sipi_vector) ||
						 atomic_read(&vcpu->init_pending) ||
						 atomic_read(&vcpu->kick));
			continue;
		}

		down_read(&vm->mem_lock);
		if (unlikely(atomic_read(&vm->held_stale)) && hx_mmu_check_held(vm)) {
			up_read(&vm->mem_lock);
			hx_internal_error(vcpu, HXEN_INTERNAL_FAULT, 0, 0, 0);
			break;
		}
		preempt_disable();
		hx_switch_barrier(vm);
		hx_inject_pending(vcpu);
		hx_fpu_enter(vcpu);
		r = hx_ops->vcpu_run(vcpu, &exit);
		hx_offer_settle(vcpu);
		hx_fpu_exit(vcpu);
		vcpu->last_cpu = smp_processor_id();
		preempt_enable();

		if (r) {
			up_read(&vm->mem_lock);
			hx_internal_error(vcpu, HXEN_INTERNAL_UNHANDLED_EXIT, 0, r, 0);
			break;
		}
		run->stat_exits++;
		vcpu->stat.kind[exit.kind & 15]++;
		if (exit.kind == HX_EXIT_CONTINUE)
			vcpu->stat.code[exit.code % HX_STAT_CODES]++;
		r = hx_handle_exit(vcpu, &exit);
		up_read(&vm->mem_lock);
		if (r == HX_TO_USER)
			break;
		if (r == HX_HALT)
			hx_halt(vcpu);
	}
to_user:
	if (run->exit_reason != HXEN_EXIT_INTR)
		run->stat_user_exits++;
	run->rip = vcpu->regs.rip;
	run->rflags = vcpu->regs.rflags;
	return ret;
}

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
#include <asm/nospec-branch.h>
#include "hx_exit.h"
#include "hx_hooks.h"

static int highest_pending(struct hx_vcpu *vcpu)
{
	unsigned long v = find_last_bit(vcpu->irq_pending, 256);

	return v < 256 ? (int)v : -1;
}

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
	 * The Xen upcall is level-like (pending while evtchn_upcall_pending
	 * is set, xen-abi.md D.5), so where the CPU can hold it for us it
	 * needs neither an injection slot nor a window exit.  SVM also
	 * sidesteps QEMU TCG's VMRUN, which delivers an injected INTR event
	 * and then, when its CPU loop exits right after, delivers the same
	 * vector once more as an exception with IF=0 (docs/kmod.md).
	 */
	if (xv > bv && hx_ops->offer_irq) {
		hx_ops->offer_irq(vcpu, xv);
		return;
	}
	if (!hx_ops->irq_window_open(vcpu)) {
		hx_ops->request_irq_window(vcpu, true);
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
		preempt_disable();
		hx_switch_barrier(vm);
		hx_inject_pending(vcpu);
		hx_fpu_enter(vcpu);
		r = hx_ops->vcpu_run(vcpu, &exit);
		hx_fpu_exit(vcpu);
		vcpu->last_cpu = smp_processor_id();
		preempt_enable();

		if (r) {
			up_read(&vm->mem_lock);
			hx_internal_error(vcpu, HXEN_INTERNAL_UNHANDLED_EXIT, 0, r, 0);
			break;
		}
		run->stat_exits++;
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

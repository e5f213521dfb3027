// SPDX-License-Identifier: GPL-2.0
/*
 * The core's Xen hooks (hx_hooks.h) and the host services the Xen layer
 * calls (hx_xen_host_*, kmod/xen/xen.h): guest memory through the page
 * walker and the slots (mapped on demand, hx_mmu.c), grant frames (on demand too),
 * hrtimers for the single-shot and poll timers, vCPU kicks.
 */
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/hrtimer.h>
#include <linux/eventfd.h>
#include <linux/seq_file.h>
#include <asm/msr.h>
#include "hx_xen.h"
#include "hx_hooks.h"
#include "hx_pgwalk.h"

#define RFLAGS_IF	(1ULL << 9)

bool hx_xen_present(void)
{
	return true;
}

/* ---- Host services for kmod/xen ------------------------------------------ */

static struct hx_vcpu *host_vcpu(struct hx_xen_vcpu *xv)
{
	return ((struct hx_xen_gvcpu *)xv->host)->vcpu;
}

static struct hx_vm *host_vm(struct hx_xen_vm *xvm)
{
	return ((struct hx_xen_gvm *)xvm->host)->vm;
}

/* The calling vCPU's paging state: read once per hypercall. */
static const struct hx_walk_ctx *walk_ctx(struct hx_xen_vcpu *xv, struct hx_walk_ctx *tmp)
{
	struct hx_xen_gvcpu *gv = xv->host;

	if (gv->in_hcall)
		return &gv->walk;
	hx_vcpu_walk_ctx(gv->vcpu, tmp);
	return tmp;
}

int hx_xen_host_copy_from_guest(struct hx_xen_vcpu *xv, void *buf, u64 gva, u32 len)
{
	struct hx_walk_ctx tmp;

	return hx_copy_from_guest(walk_ctx(xv, &tmp), buf, gva, len) ? -XE_FAULT : 0;
}

int hx_xen_host_copy_to_guest(struct hx_xen_vcpu *xv, u64 gva, const void *buf, u32 len)
{
	struct hx_walk_ctx tmp;

	return hx_copy_to_guest(walk_ctx(xv, &tmp), gva, buf, len) ? -XE_FAULT : 0;
}

int hx_xen_host_gva_to_gpa(struct hx_xen_vcpu *xv, u64 gva, u64 *gpa)
{
	struct hx_walk_ctx tmp;

	return hx_gva_to_gpa(walk_ctx(xv, &tmp), gva, HX_ACC_WRITE, gpa) ? -XE_FAULT : 0;
}

/* Caller holds vm->mem_lock for read (hypercall context). */
static struct hx_slot *ram_slot(struct hx_vm *vm, u64 gfn)
{
	struct hx_slot *s;

	if (gfn >= (hx_caps.max_gpa >> PAGE_SHIFT))
		return NULL;
	s = hx_slot_find(vm, gfn << PAGE_SHIFT);
	return s && !(s->flags & HXEN_MEM_READONLY) ? s : NULL;
}

bool hx_xen_host_is_ram(struct hx_xen_vm *xvm, u64 gfn)
{
	return ram_slot(host_vm(xvm), gfn) != NULL;
}

/*
 * A page reference (hx_mmu_hold: no pin, the MMU notifier watches it)
 * keeps the page alive even if the monitor removes the slot later: event
 * delivery (hard-IRQ context) then never needs the slot lock.  x86-64 has
 * no highmem, so page_address() is permanent.
 */
void *hx_xen_host_page_get(struct hx_xen_vm *xvm, u64 gfn, void **cookie)
{
	struct hx_vm *vm = host_vm(xvm);
	struct hx_slot *s = ram_slot(vm, gfn);
	struct page *pg;

	if (!s)
		return NULL;
	pg = hx_mmu_hold(vm, s, gfn << PAGE_SHIFT, cookie);
	return pg ? page_address(pg) : NULL;
}

void hx_xen_host_page_put(struct hx_xen_vm *xvm, void *cookie)
{
	hx_mmu_unhold(host_vm(xvm), cookie);
}

/*
 * Grant frame @idx now lives at @gfn: recorded only, the nested entry is
 * made at the guest's first touch (hx_xen_npf).  Not pinned: the MMU
 * notifier drops it when the monitor's page changes (hx_xen_zap_hva).
 */
int hx_xen_host_map_grant(struct hx_xen_vm *xvm, u32 idx, u64 gfn)
{
	struct hx_xen_gvm *g = xvm->host;
	struct hx_vm *vm = g->vm;
	unsigned long n;

	if (idx >= g->nr_gnt || gfn >= (hx_caps.max_gpa >> PAGE_SHIFT))
		return -XE_INVAL;
	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	g->gnt_gfn[idx] = gfn;
	/* Whatever mapped @gfn before (another frame, a stale entry) goes. */
	n = hx_npt_zap_range(&vm->npt, gfn << PAGE_SHIFT, (gfn + 1) << PAGE_SHIFT);
	spin_unlock(&vm->mmu_lock);
	if (n)
		hx_mmu_flush_all(vm);
	return 0;
}

void hx_xen_host_unmap_gfn(struct hx_xen_vm *xvm, u64 gfn)
{
	struct hx_xen_gvm *g = xvm->host;
	unsigned int i;

	spin_lock(&g->vm->mmu_lock);
	for (i = 0; i < g->nr_gnt; i++)
		if (g->gnt_gfn[i] == gfn)
			g->gnt_gfn[i] = HX_XEN_NO_GFN;
	spin_unlock(&g->vm->mmu_lock);
	/* Bumps mmu_seq; every vCPU flushes its nested TLB before the next entry. */
	hx_mmu_zap(g->vm, gfn << PAGE_SHIFT, PAGE_SIZE);
}

/* A nested page fault outside the slots: a grant frame's first touch? */
int hx_xen_npf(struct hx_vcpu *vcpu, u64 gpa)
{
	struct hx_xen_gvm *g = hx_xen_gvm(vcpu->vm);
	struct hx_vm *vm = vcpu->vm;
	u64 gfn = gpa >> PAGE_SHIFT;
	unsigned long seq, hva = 0;
	unsigned int i;

	if (!g)
		return -ENOENT;
	seq = READ_ONCE(vm->mmu_seq);
	smp_rmb();
	spin_lock(&vm->mmu_lock);
	for (i = 0; i < g->nr_gnt && !hva; i++)
		if (g->gnt_gfn[i] == gfn)
			hva = g->gnt_uaddr + i * PAGE_SIZE;
	spin_unlock(&vm->mmu_lock);
	if (!hva)
		return -ENOENT;
	if (!hx_mmu_map_hva(vm, gpa, hva, HX_PROT_R | HX_PROT_W, seq))
		return 0;
	pr_warn_ratelimited("hxen: vm %llu vcpu %u: the grant table frame at gpa %#llx is not mapped writable by the monitor (hva %#lx): stopping the vCPU\n",
			    vm->serial, vcpu->id, gpa, hva);
	return -EFAULT;
}

/* MMU notifier (mmu_lock held): grant frames whose monitor page changes. */
unsigned long hx_xen_zap_hva(struct hx_vm *vm, unsigned long start, unsigned long end)
{
	struct hx_xen_gvm *g = hx_xen_gvm(vm);
	unsigned long n = 0, hva;
	unsigned int i;

	if (!g || end <= g->gnt_uaddr || start >= g->gnt_uaddr + g->nr_gnt * PAGE_SIZE)
		return 0;
	for (i = 0; i < g->nr_gnt; i++) {
		hva = g->gnt_uaddr + i * PAGE_SIZE;
		if (g->gnt_gfn[i] != HX_XEN_NO_GFN && hva < end && hva + PAGE_SIZE > start)
			n += hx_npt_zap_range(&vm->npt, g->gnt_gfn[i] << PAGE_SHIFT,
					      (g->gnt_gfn[i] + 1) << PAGE_SHIFT);
	}
	return n;
}

/* The guest's RAM slots, sorted and merged (for XENMEM_memory_map). */
u32 hx_xen_host_memory_map(struct hx_xen_vm *xvm, struct xen_e820_entry *e, u32 max)
{
	struct hx_vm *vm = host_vm(xvm);
	u64 from = 0;
	u32 n = 0;

	for (;;) {
		const struct hx_slot *best = NULL;
		unsigned int i;

		for (i = 0; i < HX_MAX_SLOTS; i++) {
			const struct hx_slot *s = &vm->slots[i];

			if (s->size && !(s->flags & HXEN_MEM_READONLY) && s->gpa >= from &&
			    (!best || s->gpa < best->gpa))
				best = s;
		}
		if (!best)
			return n;
		if (n && e[n - 1].addr + e[n - 1].size == best->gpa) {
			e[n - 1].size += best->size;
		} else {
			if (n == max)
				return n;
			e[n].addr = best->gpa;
			e[n].size = best->size;
			e[n].type = 1;		/* E820 RAM */
			n++;
		}
		from = best->gpa + best->size;
	}
}

/* Guest TSC = host TSC + the offset of vCPU 0 (all vCPUs share it). */
u64 hx_xen_host_guest_tsc(struct hx_xen_vm *xvm)
{
	struct hx_vm *vm = host_vm(xvm);
	struct hx_vcpu *v0 = READ_ONCE(vm->vcpus[0]);

	return rdtsc_ordered() + (v0 ? (u64)READ_ONCE(v0->msr.tsc_offset) : 0);
}

void hx_xen_host_kick(struct hx_xen_vcpu *xv)
{
	hx_vcpu_kick(host_vcpu(xv));
}

void hx_xen_host_timer_arm(struct hx_xen_vcpu *xv, int which, u64 delta_ns)
{
	struct hx_xen_gvcpu *gv = xv->host;

	hrtimer_start(&gv->timer[which], ns_to_ktime(min_t(u64, delta_ns, KTIME_MAX)),
		      HRTIMER_MODE_REL);
}

/*
 * The single-shot timer is only cancelled from the vCPU thread and waits
 * for a running expiry; the poll timer may be cancelled right before an
 * entry (atomic context), where a late expiry is a harmless spurious
 * wakeup.
 */
void hx_xen_host_timer_cancel(struct hx_xen_vcpu *xv, int which)
{
	struct hx_xen_gvcpu *gv = xv->host;

	if (which == HX_XEN_TIMER_SSHOT)
		hrtimer_cancel(&gv->timer[which]);
	else
		hrtimer_try_to_cancel(&gv->timer[which]);
}

static enum hrtimer_restart sshot_fn(struct hrtimer *t)
{
	struct hx_xen_gvcpu *gv = container_of(t, struct hx_xen_gvcpu,
					       timer[HX_XEN_TIMER_SSHOT]);

	hx_xen_timer_expired(gv->xv);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart poll_fn(struct hrtimer *t)
{
	struct hx_xen_gvcpu *gv = container_of(t, struct hx_xen_gvcpu,
					       timer[HX_XEN_TIMER_POLL]);

	hx_xen_poll_timeout(gv->xv);
	return HRTIMER_NORESTART;
}

void hx_xen_host_notify(struct hx_xen_vm *xvm, u32 port)
{
	struct hx_xen_gvm *g = xvm->host;
	unsigned long fl;

	spin_lock_irqsave(&g->notify_lock, fl);
	if (g->notify[port])
		eventfd_signal(g->notify[port], 1);
	spin_unlock_irqrestore(&g->notify_lock, fl);
}

/* ---- vCPU lifetime --------------------------------------------------------- */

int hx_xen_vcpu_create(struct hx_vcpu *vcpu)
{
	struct hx_xen_gvm *g = hx_xen_gvm(vcpu->vm);
	struct hx_xen_gvcpu *gv;
	int i;

	if (!g || vcpu->xen)
		return 0;
	gv = kzalloc(sizeof(*gv), GFP_KERNEL_ACCOUNT);
	if (!gv)
		return -ENOMEM;
	gv->vcpu = vcpu;
	for (i = 0; i < 2; i++)
		hrtimer_init(&gv->timer[i], CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	gv->timer[HX_XEN_TIMER_SSHOT].function = sshot_fn;
	gv->timer[HX_XEN_TIMER_POLL].function = poll_fn;
	gv->xv = hx_xen_vcpu_alloc(g->xvm, gv, vcpu->id);
	if (!gv->xv) {
		kfree(gv);
		return -ENOMEM;
	}
	WRITE_ONCE(vcpu->xen, gv);
	return 0;
}

void hx_xen_vcpu_destroy(struct hx_vcpu *vcpu)
{
	struct hx_xen_gvcpu *gv = hx_xen_gvcpu(vcpu);

	if (!gv)
		return;
	hrtimer_cancel(&gv->timer[HX_XEN_TIMER_SSHOT]);
	hrtimer_cancel(&gv->timer[HX_XEN_TIMER_POLL]);
	hx_xen_vcpu_free(gv->xv);
	WRITE_ONCE(vcpu->xen, NULL);
	kfree(gv);
}

/* ---- Exits -------------------------------------------------------------------- */

bool hx_xen_cpuid(struct hx_vcpu *vcpu, u32 leaf, u32 subleaf, u32 out[4])
{
	struct hx_xen_gvcpu *gv = hx_xen_gvcpu(vcpu);

	return gv && hx_xen_do_cpuid(gv->xv, leaf, subleaf, out);
}

int hx_xen_rdmsr(struct hx_vcpu *vcpu, u32 index, u64 *val)
{
	if (index != XEN_HCALL_PAGE_MSR || !hx_xen_gvcpu(vcpu))
		return -ENOENT;
	*val = 0;
	return 0;
}

int hx_xen_wrmsr(struct hx_vcpu *vcpu, u32 index, u64 val)
{
	struct hx_xen_gvcpu *gv = hx_xen_gvcpu(vcpu);

	if (index != XEN_HCALL_PAGE_MSR || !gv)
		return -ENOENT;
	return hx_xen_hcall_page_wrmsr(gv->xv, val) ? -EINVAL : 0;
}

/*
 * 64-bit guests pass RDI, RSI, RDX, R10, R8; 32-bit ones EBX, ECX, EDX,
 * ESI, EDI [xen/arch/x86/hvm/hypercall.c].
 */
int hx_xen_hypercall(struct hx_vcpu *vcpu, u32 insn_len)
{
	struct hx_xen_gvcpu *gv = hx_xen_gvcpu(vcpu);
	struct hxen_regs *r = &vcpu->regs;
	struct hx_xen_hcall hc = { 0 };
	struct hxen_sregs s;
	bool lm;

	if (!gv)
		return -ENOSYS;
	hx_ops->get_sregs(vcpu, &s);
	lm = (s.efer & EFER_LMA) && s.cs.l;
	hx_vcpu_walk_ctx(vcpu, &gv->walk);
	hc.cpl = gv->walk.cpl;
	hc.irq_enabled = r->rflags & RFLAGS_IF;
	if (lm) {
		hc.nr = r->rax;
		hc.arg[0] = r->rdi;
		hc.arg[1] = r->rsi;
		hc.arg[2] = r->rdx;
		hc.arg[3] = r->r10;
		hc.arg[4] = r->r8;
	} else {
		hc.nr = (u32)r->rax;
		hc.arg[0] = (u32)r->rbx;
		hc.arg[1] = (u32)r->rcx;
		hc.arg[2] = (u32)r->rdx;
		hc.arg[3] = (u32)r->rsi;
		hc.arg[4] = (u32)r->rdi;
	}
	/*
	 * The profile (hx_vcpu.stat.hcall): 40 + command for
	 * event_channel_op (32), 56 + command for vcpu_op (24), else the
	 * number; 39 for the rest.
	 */
	if (hc.nr == 32)
		vcpu->stat.hcall[40 + (hc.arg[0] & 15)]++;
	else if (hc.nr == 24)
		vcpu->stat.hcall[56 + (hc.arg[0] & 7)]++;
	else
		vcpu->stat.hcall[hc.nr < 39 ? hc.nr : 39]++;
	gv->in_hcall = true;
	hx_xen_do_hypercall(gv->xv, &hc);
	gv->in_hcall = false;
	r->rax = lm ? (u64)hc.ret : (u32)hc.ret;

	switch (hc.action) {
	case HX_XEN_ACT_BLOCK:
		return HX_HCALL_BLOCK;
	case HX_XEN_ACT_SHUTDOWN:
		vcpu->run->exit_reason = HXEN_EXIT_XEN_SHUTDOWN;
		vcpu->run->xen_shutdown.reason = hc.shutdown_reason;
		vcpu->run->xen_shutdown.reserved = 0;
		return HX_HCALL_EXIT;
	default:
		return HX_HCALL_DONE;
	}
}

/* Before every entry (preemption off): the level-like upcall (§D.5). */
int hx_xen_pending_vector(struct hx_vcpu *vcpu)
{
	struct hx_xen_gvcpu *gv = hx_xen_gvcpu(vcpu);

	return gv ? hx_xen_upcall_vector(gv->xv) : -1;
}

/* HLT / SCHEDOP_poll sleep: a reason to wake (see hx_hooks.h). */
bool hx_xen_wake_pending(struct hx_vcpu *vcpu)
{
	struct hx_xen_gvcpu *gv = hx_xen_gvcpu(vcpu);

	return gv && hx_xen_block_wake(gv->xv, vcpu->regs.rflags & RFLAGS_IF);
}

/* debugfs (hx_debugfs.c): events, timers and blocking per vCPU. */
static void debug_show_vcpu(struct seq_file *m, struct hx_xen_vm *xvm,
			    struct hx_xen_gvcpu *gv, u64 now)
{
	struct hx_xen_vcpu *xv = gv->xv;
	struct hx_xen_vcpu_info *vi = hx_xen_vcpu_info(xv);
	struct hrtimer *t = &gv->timer[HX_XEN_TIMER_SSHOT];
	u16 tport = xv->virq_port[XEN_VIRQ_TIMER];
	u32 i;

	seq_printf(m, "xen vcpu %u: vcpu_info %s", xv->id,
		   xv->vi_reg ? "registered" : "shared_info");
	if (vi)
		seq_printf(m, " upcall_pending %u upcall_mask %u pending_sel %#llx",
			   vi->evtchn_upcall_pending, vi->evtchn_upcall_mask,
			   vi->evtchn_pending_sel);
	seq_printf(m, "\n  timer: armed %d deadline %+lld ns hrtimer %s",
		   xv->timer_armed, xv->timer_armed ?
		   (s64)(xv->timer_deadline - now) : 0LL,
		   hrtimer_active(t) ? "active" : "idle");
	if (hrtimer_active(t))
		seq_printf(m, " in %lld ns", ktime_to_ns(hrtimer_get_remaining(t)));
	if (tport)
		seq_printf(m, " virq port %u pending %d masked %d",
			   tport, hx_xen_test(tport, xvm->shinfo->evtchn_pending),
			   hx_xen_test(tport, xvm->shinfo->evtchn_mask));
	seq_printf(m, "\n  blocked %d poll_woken %d poll_deadline %+lld ns ports",
		   xv->blocked, xv->poll_woken,
		   xv->poll_deadline ? (s64)(xv->poll_deadline - now) : 0LL);
	for (i = 0; i < xv->nr_poll && i < XEN_POLL_MAX_PORTS; i++)
		seq_printf(m, " %u", xv->poll_ports[i]);
	seq_puts(m, "\n");
}

void hx_xen_debug_show(struct seq_file *m, struct hx_vm *vm)
{
	struct hx_xen_gvm *g = hx_xen_gvm(vm);
	struct hx_xen_vm *xvm;
	unsigned long fl;
	unsigned int i;
	u32 p;
	u64 now;

	if (!g)
		return;
	xvm = g->xvm;
	now = hx_xen_now_ns(xvm);
	spin_lock_irqsave(&xvm->lock, fl);
	seq_printf(m, "xen: now %llu ns callback_vector %#x nr_blocked %u\n",
		   now, xvm->callback_vector, xvm->nr_blocked);
	for (i = 0; i < HX_MAX_VCPUS; i++) {
		struct hx_vcpu *v = READ_ONCE(vm->vcpus[i]);
		struct hx_xen_gvcpu *gv = v ? hx_xen_gvcpu(v) : NULL;

		if (gv)
			debug_show_vcpu(m, xvm, gv, now);
	}
	seq_puts(m, "xen pending ports (port:vcpu, m = masked):");
	for (p = 1; p < XEN_NR_EVTCHN_2L; p++)
		if (hx_xen_test(p, xvm->shinfo->evtchn_pending))
			seq_printf(m, " %u:%u%s", p, xvm->ports[p].notify_vcpu,
				   hx_xen_test(p, xvm->shinfo->evtchn_mask) ?
				   "m" : "");
	seq_puts(m, "\n");
	spin_unlock_irqrestore(&xvm->lock, fl);
}

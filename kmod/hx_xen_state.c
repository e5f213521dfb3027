// SPDX-License-Identifier: GPL-2.0
/*
 * Save/restore of the Xen layer (HXEN_XEN_GET/SET_STATE on the VM fd,
 * HXEN_XEN_GET/SET_VCPU_STATE on a vCPU fd): shared_info and vcpu_info
 * locations, the event-channel port table, grant-table frames, HVM
 * parameters, the single-shot timers and the pvclock reference.  Pending
 * and mask bits live in shared_info, i.e. in guest RAM (or in the boot
 * page, carried in the state), and travel with it.
 *
 * Restore order (docs/migration-stream.md): guest RAM, vCPU registers,
 * HXEN_SET_TSC, HXEN_XEN_SET_STATE, then each vCPU's Xen state, then the
 * backends re-bind their ports.  An interdomain port without a monitor
 * eventfd here becomes unbound (remote domain 0) so that its backend binds
 * it again with HXEN_EVTCHN_BIND, as on a first connect.
 *
 * The clock: guest system time goes on from the saved now_ns (a stopped
 * VM sees no gap, as after a Xen save/restore), rebased on the guest TSC
 * HXEN_SET_TSC gave and this host's TSC rate; the wall clock is this
 * host's UTC minus system time.  There is no periodic timer in this Xen
 * model (VCPUOP_set_periodic_timer is refused), so none is carried.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "hx_xen.h"
#include "hx_state.h"

#define XEN_MAX_GFN		((1ULL << (52 - 12)) - 1)

/* As xen_evtchn.c: [xen/include/public/xen.h] VIRQ_TIMER, DEBUG, XENOPROF, XENPMU */
static bool virq_per_vcpu(u32 virq)
{
	return virq == XEN_VIRQ_TIMER || virq == XEN_VIRQ_DEBUG || virq == 7 || virq == 13;
}

static struct hxen_xen_state *state_alloc(void __user *uarg, struct hxen_xen_state_io *io)
{
	if (copy_from_user(io, uarg, sizeof(*io)))
		return ERR_PTR(-EFAULT);
	if (io->reserved || io->size != sizeof(struct hxen_xen_state))
		return ERR_PTR(-EINVAL);
	return kvzalloc(sizeof(struct hxen_xen_state), GFP_KERNEL_ACCOUNT);
}

long hx_xen_state_get(struct hx_vm *vm, void __user *uarg)
{
	struct hx_xen_gvm *g = hx_xen_gvm(vm);
	struct hx_xen_vm *xvm = g->xvm;
	struct hxen_xen_state_io io;
	struct hxen_xen_state *st;
	unsigned long fl;
	unsigned int i;
	long r = 0;

	st = state_alloc(uarg, &io);
	if (IS_ERR_OR_NULL(st))
		return st ? PTR_ERR(st) : -ENOMEM;
	st->version = HXEN_STATE_VERSION;
	st->gnttab_version = 1;		/* v2 is refused (xen_mem.c) */
	st->domid = xvm->cfg.domid;
	st->max_grant_frames = xvm->cfg.max_grant_frames;
	mutex_lock(&g->fd_lock);
	spin_lock_irqsave(&xvm->lock, fl);
	st->now_ns = hx_xen_now_ns(xvm);
	st->wallclock_ns = xvm->cfg.wallclock_ns;
	st->shinfo_gfn = xvm->shinfo_gfn;
	st->nr_grant_frames = xvm->nr_grant_frames;
	for (i = 0; i < HXEN_XEN_MAX_GNT; i++)
		st->grant_gfn[i] = xvm->grant_gfn[i];
	BUILD_BUG_ON(HXEN_XEN_NR_PARAMS != HVM_NR_PARAMS);
	BUILD_BUG_ON(HXEN_XEN_NR_PORTS != XEN_NR_EVTCHN_2L);
	BUILD_BUG_ON(sizeof(*xvm->boot_shinfo) > sizeof(st->boot_shinfo));
	memcpy(st->params, xvm->params, sizeof(st->params));
	for (i = 0; i < XEN_NR_EVTCHN_2L; i++) {
		const struct hx_xen_port *p = &xvm->ports[i];

		st->ports[i].state = p->state;
		st->ports[i].virq = p->state == EVTCHNSTAT_virq ? p->virq : 0;
		st->ports[i].remote_dom = p->remote_dom;
		st->ports[i].notify_vcpu = p->notify_vcpu;
		st->ports[i].monitor = p->state == EVTCHNSTAT_interdomain &&
				       (g->notify[i] || g->kick[i]);
	}
	memcpy(st->boot_shinfo, xvm->boot_shinfo, sizeof(*xvm->boot_shinfo));
	spin_unlock_irqrestore(&xvm->lock, fl);
	mutex_unlock(&g->fd_lock);
	if (copy_to_user((void __user *)(unsigned long)io.uaddr, st, sizeof(*st)))
		r = -EFAULT;
	kvfree(st);
	return r;
}

static bool vcpu_exists(struct hx_xen_vm *xvm, u32 id)
{
	return id < HX_XEN_MAX_VCPUS && xvm->vcpus[id];
}

static int port_check(struct hx_xen_vm *xvm, u32 i, const struct hxen_xen_port_state *p)
{
	if (p->monitor > 1)
		return -EINVAL;
	switch (p->state) {
	case EVTCHNSTAT_closed:
		return p->virq || p->remote_dom || p->notify_vcpu || p->monitor ? -EINVAL : 0;
	case EVTCHNSTAT_unbound:
		/* port_alloc() notifies vCPU 0; EVTCHNOP_bind_vcpu may move it */
		return p->virq || p->monitor || !vcpu_exists(xvm, p->notify_vcpu) ? -EINVAL : 0;
	case EVTCHNSTAT_interdomain:
		return p->virq || p->remote_dom || !vcpu_exists(xvm, p->notify_vcpu) ?
		       -EINVAL : 0;
	case EVTCHNSTAT_virq:
		return p->virq >= XEN_NR_VIRQS || p->remote_dom || p->monitor ||
		       !vcpu_exists(xvm, p->notify_vcpu) ? -EINVAL : 0;
	case EVTCHNSTAT_ipi:
		return p->virq || p->remote_dom || p->monitor ||
		       !vcpu_exists(xvm, p->notify_vcpu) ? -EINVAL : 0;
	default:
		return -EINVAL;		/* pirq: this machine has none */
	}
}

static int state_check(struct hx_xen_vm *xvm, const struct hxen_xen_state *st)
{
	u64 cb = st->params[HVM_PARAM_CALLBACK_IRQ];
	unsigned int i, j, top = 0;

	if (st->version != HXEN_STATE_VERSION || st->flags)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(st->reserved); i++)
		if (st->reserved[i])
			return -EINVAL;
	if (st->domid != xvm->cfg.domid || st->max_grant_frames != xvm->cfg.max_grant_frames ||
	    st->gnttab_version != 1 || st->nr_grant_frames > xvm->cfg.max_grant_frames)
		return -EINVAL;
	if (st->now_ns > (1ULL << 62))
		return -EINVAL;
	if (st->shinfo_gfn != HXEN_XEN_NO_GFN && !hx_xen_host_is_ram(xvm, st->shinfo_gfn))
		return -EINVAL;
	for (i = 0; i < HXEN_XEN_MAX_GNT; i++) {
		u64 gfn = st->grant_gfn[i];

		if (gfn == HXEN_XEN_NO_GFN)
			continue;
		/* map_grant_frame(): a non-RAM frame, below the module's limit */
		if (i >= xvm->cfg.max_grant_frames || gfn > XEN_MAX_GFN ||
		    gfn >= (hx_caps.max_gpa >> PAGE_SHIFT) || hx_xen_host_is_ram(xvm, gfn) ||
		    gfn == st->shinfo_gfn)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (st->grant_gfn[j] == gfn)
				return -EINVAL;
		top = i + 1;
	}
	if (st->nr_grant_frames < top)
		return -EINVAL;
	/* set_callback(): vector callbacks only */
	if (cb && ((cb >> 56) != HVM_CALLBACK_TYPE_VECTOR || (cb & 0xff) < 0x10 ||
		   (cb & 0x00ffffffffffff00ULL)))
		return -EINVAL;
	for (i = 0; i < XEN_NR_EVTCHN_2L; i++) {
		if (i == 0 && st->ports[0].state != EVTCHNSTAT_closed)
			return -EINVAL;
		if (port_check(xvm, i, &st->ports[i]))
			return -EINVAL;
	}
	return 0;
}

long hx_xen_state_set(struct hx_vm *vm, void __user *uarg)
{
	struct hx_xen_gvm *g = hx_xen_gvm(vm);
	struct hx_xen_vm *xvm = g->xvm;
	struct hxen_xen_state_io io;
	struct hxen_xen_state *st;
	void *page = NULL, *cookie = NULL, *old_cookie;
	unsigned long fl;
	unsigned int i;
	u64 real;
	long r;

	st = state_alloc(uarg, &io);
	if (IS_ERR_OR_NULL(st))
		return st ? PTR_ERR(st) : -ENOMEM;
	r = -EFAULT;
	if (copy_from_user(st, (void __user *)(unsigned long)io.uaddr, sizeof(*st)))
		goto out;
	down_read(&vm->mem_lock);
	r = state_check(xvm, st);
	if (!r && st->shinfo_gfn != HXEN_XEN_NO_GFN) {
		page = hx_xen_host_page_get(xvm, st->shinfo_gfn, &cookie);
		if (!page)
			r = -EINVAL;
	}
	up_read(&vm->mem_lock);
	if (r)
		goto out;

	/* Grant frames: move overlays that differ (NPT changes, may sleep). */
	for (i = 0; i < HXEN_XEN_MAX_GNT; i++) {
		u64 old = xvm->grant_gfn[i], gfn = st->grant_gfn[i];

		if (old == gfn)
			continue;
		if (old != HX_XEN_NO_GFN)
			hx_xen_host_unmap_gfn(xvm, old);
		xvm->grant_gfn[i] = HX_XEN_NO_GFN;
		if (gfn != HXEN_XEN_NO_GFN && hx_xen_host_map_grant(xvm, i, gfn)) {
			r = -ENOMEM;
			break;
		}
		xvm->grant_gfn[i] = gfn;
	}
	if (r) {
		if (cookie)
			hx_xen_host_page_put(xvm, cookie);
		goto out;
	}

	/* Ports the monitor no longer holds lose their eventfds. */
	for (i = 1; i < XEN_NR_EVTCHN_2L; i++)
		if (st->ports[i].state != EVTCHNSTAT_interdomain)
			hx_xen_host_port_release(xvm, i);

	mutex_lock(&g->fd_lock);
	spin_lock_irqsave(&xvm->lock, fl);
	memcpy(xvm->boot_shinfo, st->boot_shinfo, sizeof(*xvm->boot_shinfo));
	old_cookie = xvm->shinfo_cookie;
	if (page) {
		xvm->shinfo = page;
		xvm->shinfo_cookie = cookie;
	} else {
		xvm->shinfo = xvm->boot_shinfo;
		xvm->shinfo_cookie = NULL;
	}
	xvm->shinfo_gfn = st->shinfo_gfn;
	xvm->nr_grant_frames = st->nr_grant_frames;
	memcpy(xvm->params, st->params, sizeof(xvm->params));
	xvm->callback_vector = st->params[HVM_PARAM_CALLBACK_IRQ] ?
			       st->params[HVM_PARAM_CALLBACK_IRQ] & 0xff : 0;
	for (i = 0; i < XEN_NR_EVTCHN_2L; i++) {
		struct hx_xen_port *p = &xvm->ports[i];
		const struct hxen_xen_port_state *s = &st->ports[i];

		p->state = s->state;
		p->virq = s->virq;
		p->remote_dom = s->remote_dom;
		p->notify_vcpu = s->notify_vcpu;
		p->pad = 0;
		if (p->state == EVTCHNSTAT_interdomain && !g->notify[i] && !g->kick[i]) {
			p->state = EVTCHNSTAT_unbound;	/* its backend binds it again */
			p->remote_dom = 0;
		}
	}
	/* Per-vCPU VIRQ bindings come with each vCPU's state. */
	for (i = 0; i < HX_XEN_MAX_VCPUS; i++)
		if (xvm->vcpus[i])
			memset(xvm->vcpus[i]->virq_port, 0, sizeof(xvm->vcpus[i]->virq_port));
	hx_xen_pvclock_params(xvm->cfg.tsc_khz, &xvm->clock.mul, &xvm->clock.shift);
	xvm->clock.tsc_ref = hx_xen_host_guest_tsc(xvm);
	xvm->clock.ns_ref = st->now_ns;
	real = ktime_get_real_ns();
	xvm->cfg.wallclock_ns = real > st->now_ns ? real - st->now_ns : 0;
	hx_xen_refresh_times(xvm);
	spin_unlock_irqrestore(&xvm->lock, fl);
	mutex_unlock(&g->fd_lock);
	if (old_cookie)		/* the new page holds its own reference */
		hx_xen_host_page_put(xvm, old_cookie);
	r = 0;
out:
	kvfree(st);
	return r;
}

/* ---- per vCPU ------------------------------------------------------------- */

long hx_xen_vcpu_state_get(struct hx_vcpu *vcpu, void __user *uarg)
{
	struct hx_xen_vcpu *xv = hx_xen_gvcpu(vcpu)->xv;
	struct hx_xen_vm *xvm = xv->xvm;
	struct hxen_xen_vcpu_state st;
	unsigned long fl;

	BUILD_BUG_ON(HXEN_XEN_NR_VIRQS != XEN_NR_VIRQS);
	memset(&st, 0, sizeof(st));
	st.version = HXEN_STATE_VERSION;
	spin_lock_irqsave(&xvm->lock, fl);
	st.vcpu_info_gpa = xv->vi_reg ? xv->vi_gpa : HXEN_XEN_NO_GFN;
	st.time_area_gpa = xv->time_area ? xv->time_gpa : HXEN_XEN_NO_GFN;
	st.runstate_gva = xv->runstate_gva;
	st.timer_armed = xv->timer_armed;
	st.timer_deadline = xv->timer_armed ? xv->timer_deadline : 0;
	memcpy(st.virq_port, xv->virq_port, sizeof(st.virq_port));
	spin_unlock_irqrestore(&xvm->lock, fl);
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

static int vcpu_state_check(struct hx_xen_vcpu *xv, const struct hxen_xen_vcpu_state *st)
{
	struct hx_xen_vm *xvm = xv->xvm;
	unsigned int i;

	if (st->version != HXEN_STATE_VERSION || st->flags || st->timer_armed > 1)
		return -EINVAL;
	for (i = 0; i < sizeof(st->reserved0); i++)
		if (st->reserved0[i])
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(st->reserved); i++)
		if (st->reserved[i])
			return -EINVAL;
	if (!st->timer_armed && st->timer_deadline)
		return -EINVAL;
	/* vcpu_register_info() / vcpu_register_time_area() rules */
	if (st->vcpu_info_gpa != HXEN_XEN_NO_GFN &&
	    ((st->vcpu_info_gpa & 7) ||
	     (st->vcpu_info_gpa & 4095) > 4096 - sizeof(struct hx_xen_vcpu_info) ||
	     !hx_xen_host_is_ram(xvm, st->vcpu_info_gpa >> 12)))
		return -EINVAL;
	if (st->time_area_gpa != HXEN_XEN_NO_GFN &&
	    ((st->time_area_gpa & 7) ||
	     (st->time_area_gpa & 4095) > 4096 - sizeof(struct hx_xen_time_info) ||
	     !hx_xen_host_is_ram(xvm, st->time_area_gpa >> 12)))
		return -EINVAL;
	if ((u64)(((s64)st->runstate_gva << 16) >> 16) != st->runstate_gva)
		return -EINVAL;
	for (i = 0; i < XEN_NR_VIRQS; i++) {
		u16 p = st->virq_port[i];

		if (!p)
			continue;
		if (p >= XEN_NR_EVTCHN_2L || xvm->ports[p].state != EVTCHNSTAT_virq ||
		    xvm->ports[p].virq != i)
			return -EINVAL;
		/* per-vCPU VIRQs notify their vCPU; global ones live on vCPU 0 */
		if (virq_per_vcpu(i) ? xvm->ports[p].notify_vcpu != xv->id : xv->id != 0)
			return -EINVAL;
	}
	return 0;
}

long hx_xen_vcpu_state_set(struct hx_vcpu *vcpu, void __user *uarg)
{
	struct hx_vm *vm = vcpu->vm;
	struct hx_xen_vcpu *xv = hx_xen_gvcpu(vcpu)->xv;
	struct hx_xen_vm *xvm = xv->xvm;
	struct hxen_xen_vcpu_state st;
	void *vi_page = NULL, *vi_cookie = NULL, *t_page = NULL, *t_cookie = NULL;
	void *old[2];
	unsigned long fl;
	long r;

	if (copy_from_user(&st, uarg, sizeof(st)))
		return -EFAULT;
	down_read(&vm->mem_lock);
	spin_lock_irqsave(&xvm->lock, fl);
	r = vcpu_state_check(xv, &st);
	spin_unlock_irqrestore(&xvm->lock, fl);
	if (!r && st.vcpu_info_gpa != HXEN_XEN_NO_GFN) {
		vi_page = hx_xen_host_page_get(xvm, st.vcpu_info_gpa >> 12, &vi_cookie);
		r = vi_page ? 0 : -EINVAL;
	}
	if (!r && st.time_area_gpa != HXEN_XEN_NO_GFN) {
		t_page = hx_xen_host_page_get(xvm, st.time_area_gpa >> 12, &t_cookie);
		r = t_page ? 0 : -EINVAL;
	}
	up_read(&vm->mem_lock);
	if (r) {
		if (vi_cookie)
			hx_xen_host_page_put(xvm, vi_cookie);
		return r;
	}
	hx_xen_stop_timer(xv);
	spin_lock_irqsave(&xvm->lock, fl);
	old[0] = xv->vi_reg ? xv->vi_cookie : NULL;
	old[1] = xv->time_area ? xv->time_cookie : NULL;
	xv->vi_reg = vi_page ? (struct hx_xen_vcpu_info *)((u8 *)vi_page +
							  (st.vcpu_info_gpa & 4095)) : NULL;
	xv->vi_cookie = vi_cookie;
	xv->vi_gpa = vi_page ? st.vcpu_info_gpa : 0;
	xv->time_area = t_page ? (struct hx_xen_time_info *)((u8 *)t_page +
							    (st.time_area_gpa & 4095)) : NULL;
	xv->time_cookie = t_cookie;
	xv->time_gpa = t_page ? st.time_area_gpa : 0;
	xv->runstate_gva = st.runstate_gva;
	memcpy(xv->virq_port, st.virq_port, sizeof(xv->virq_port));
	/* A SCHEDOP_poll cut by the save returns early, as Xen allows. */
	if (xv->blocked)
		xvm->nr_blocked--;
	xv->blocked = false;
	xv->poll_woken = false;
	xv->nr_poll = 0;
	xv->poll_deadline = 0;
	hx_xen_refresh_times(xvm);
	spin_unlock_irqrestore(&xvm->lock, fl);
	if (old[0])
		hx_xen_host_page_put(xvm, old[0]);
	if (old[1])
		hx_xen_host_page_put(xvm, old[1]);
	if (st.timer_armed)
		hx_xen_set_timer(xv, st.timer_deadline, false);
	/* Events pending in the restored vcpu_info are delivered at entry. */
	hx_vcpu_kick(vcpu);
	return 0;
}

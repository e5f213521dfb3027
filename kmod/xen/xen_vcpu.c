// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vCPU hypercalls: VCPUOP_* (xen-abi.md §C.4), the single-shot timer
 * that raises VIRQ_TIMER (§E.3), set_timer_op (§C.8) and SCHEDOP_*
 * (§C.7).  The host runs the timer (an hrtimer in the module) and the
 * blocking; the arithmetic and the state are here.
 */
#include "xen.h"

#define XEN_MS			1000000ULL

static struct hx_xen_vcpu *target_vcpu(struct hx_xen_vcpu *xv, u32 id)
{
	return id < HX_XEN_MAX_VCPUS ? xv->xvm->vcpus[id] : NULL;
}

/* ---- Single-shot timer ------------------------------------------------ */

/*
 * Arm the timer for guest system time @deadline.  A deadline already
 * passed fires at once (Linux passes flags 0 and relies on it), unless
 * the guest asked for VCPU_SSHOTTMR_future.
 */
long hx_xen_set_timer(struct hx_xen_vcpu *xv, u64 deadline, bool future_only)
{
	struct hx_xen_vm *xvm = xv->xvm;
	u64 now = hx_xen_now_ns(xvm);
	unsigned long fl = 0;

	if (deadline <= now && future_only)
		return -XE_TIME;
	hx_xen_host_timer_cancel(xv, HX_XEN_TIMER_SSHOT);
	hx_xen_lock(&xvm->lock, fl);
	xv->timer_deadline = deadline;
	xv->timer_armed = true;
	hx_xen_unlock(&xvm->lock, fl);
	if (deadline <= now)
		hx_xen_timer_expired(xv);
	else
		hx_xen_host_timer_arm(xv, HX_XEN_TIMER_SSHOT, deadline - now);
	return 0;
}

void hx_xen_stop_timer(struct hx_xen_vcpu *xv)
{
	unsigned long fl = 0;

	hx_xen_host_timer_cancel(xv, HX_XEN_TIMER_SSHOT);
	hx_xen_lock(&xv->xvm->lock, fl);
	xv->timer_armed = false;
	hx_xen_unlock(&xv->xvm->lock, fl);
}

/* Host timer expiry (hard-IRQ context in the module) or a past deadline. */
void hx_xen_timer_expired(struct hx_xen_vcpu *xv)
{
	struct hx_xen_vm *xvm = xv->xvm;
	unsigned long fl = 0;
	u16 port;

	hx_xen_lock(&xvm->lock, fl);
	if (xv->timer_armed) {
		xv->timer_armed = false;
		port = xv->virq_port[XEN_VIRQ_TIMER];
		if (port)
			hx_xen_set_pending(xvm, port);
	}
	hx_xen_unlock(&xvm->lock, fl);
}

/* ---- VCPUOP_* ----------------------------------------------------------- */

static long vcpu_register_runstate(struct hx_xen_vcpu *xv, struct hx_xen_vcpu *t, u64 arg)
{
	struct xen_vcpu_runstate_info rs;
	u64 gva;

	if (hx_xen_host_copy_from_guest(xv, &gva, arg, sizeof(gva)))
		return -XE_FAULT;
	if (gva) {
		/*
		 * Written once: "running since time 0, no steal" is what an
		 * area nobody updates means to Linux, and a bad address
		 * fails here instead of panicking the guest later.
		 */
		memset(&rs, 0, sizeof(rs));
		if (hx_xen_host_copy_to_guest(xv, gva, &rs, sizeof(rs)))
			return -XE_FAULT;
	}
	t->runstate_gva = gva;
	return 0;
}

/*
 * VCPUOP_register_vcpu_info [xen/common/domain.c]: copy the current
 * vcpu_info to the new place, switch delivery to it, then force a scan
 * (pending_sel = ~0, upcall_pending = 1) and refresh its time.
 */
static long vcpu_register_info(struct hx_xen_vcpu *xv, struct hx_xen_vcpu *t, u64 arg)
{
	struct hx_xen_vm *xvm = xv->xvm;
	struct xen_vcpu_register_vcpu_info r;
	struct hx_xen_vcpu_info *nvi, *old;
	unsigned long fl = 0;
	void *page, *cookie;
	long rc = 0;

	if (hx_xen_host_copy_from_guest(xv, &r, arg, sizeof(r)))
		return -XE_FAULT;
	if (r.offset > 4096 - sizeof(*nvi) || (r.offset & 7))
		return -XE_INVAL;
	if (r.mfn >> (52 - 12))
		return -XE_INVAL;
	page = hx_xen_host_page_get(xvm, r.mfn, &cookie);
	if (!page)
		return -XE_INVAL;
	nvi = (struct hx_xen_vcpu_info *)((u8 *)page + r.offset);

	hx_xen_lock(&xvm->lock, fl);
	if (t->vi_reg) {
		rc = -XE_BUSY;
	} else {
		old = hx_xen_vcpu_info(t);
		if (old)
			memcpy(nvi, old, sizeof(*nvi));
		else
			memset(nvi, 0, sizeof(*nvi));
		hx_xen_write_time(&xvm->clock, &nvi->time);
		hx_xen_wmb();
		HX_XEN_WRITE_ONCE(t->vi_reg, nvi);
		t->vi_cookie = cookie;
		t->vi_gpa = (r.mfn << 12) + r.offset;
		__atomic_store_n(&nvi->evtchn_pending_sel, ~0ULL, __ATOMIC_SEQ_CST);
		HX_XEN_WRITE_ONCE(nvi->evtchn_upcall_pending, 1);
		hx_xen_host_kick(t);
	}
	hx_xen_unlock(&xvm->lock, fl);
	if (rc)
		hx_xen_host_page_put(xvm, cookie);
	return rc;
}

/*
 * Extra copy of the time info for the vDSO.  Our clock reference never
 * moves, so the page is written now and on any later refresh; it must
 * not straddle a page (Linux uses a page-aligned pvclock page).
 */
static long vcpu_register_time_area(struct hx_xen_vcpu *xv, struct hx_xen_vcpu *t, u64 arg)
{
	struct hx_xen_vm *xvm = xv->xvm;
	struct hx_xen_time_info *ti;
	void *page, *cookie, *old_cookie;
	unsigned long fl = 0;
	u64 gva, gpa;

	if (hx_xen_host_copy_from_guest(xv, &gva, arg, sizeof(gva)))
		return -XE_FAULT;
	if ((gva & 4095) > 4096 - sizeof(*ti) || (gva & 7))
		return -XE_INVAL;
	if (hx_xen_host_gva_to_gpa(xv, gva, &gpa))
		return -XE_FAULT;
	page = hx_xen_host_page_get(xvm, gpa >> 12, &cookie);
	if (!page)
		return -XE_FAULT;
	ti = (struct hx_xen_time_info *)((u8 *)page + (gpa & 4095));
	hx_xen_lock(&xvm->lock, fl);
	old_cookie = t->time_area ? t->time_cookie : NULL;
	memset(ti, 0, sizeof(*ti));
	hx_xen_write_time(&xvm->clock, ti);
	t->time_area = ti;
	t->time_cookie = cookie;
	t->time_gpa = gpa;
	hx_xen_unlock(&xvm->lock, fl);
	if (old_cookie)
		hx_xen_host_page_put(xvm, old_cookie);
	return 0;
}

long hx_xen_vcpu_op(struct hx_xen_vcpu *xv, u32 cmd, u32 vcpuid, u64 arg)
{
	struct hx_xen_vcpu *t = target_vcpu(xv, vcpuid);
	struct xen_vcpu_set_singleshot_timer st;

	if (!t)
		return -XE_NOENT;
	switch (cmd) {
	case VCPUOP_register_runstate_memory_area:
		return vcpu_register_runstate(xv, t, arg);
	case VCPUOP_stop_periodic_timer:
		/* There is no periodic timer in this model: nothing to stop. */
		return 0;
	case VCPUOP_set_singleshot_timer:
		if (t != xv)
			return -XE_INVAL;
		if (hx_xen_host_copy_from_guest(xv, &st, arg, sizeof(st)))
			return -XE_FAULT;
		return hx_xen_set_timer(xv, st.timeout_abs_ns,
					st.flags & VCPU_SSHOTTMR_future);
	case VCPUOP_stop_singleshot_timer:
		if (t != xv)
			return -XE_INVAL;
		hx_xen_stop_timer(xv);
		return 0;
	case VCPUOP_register_vcpu_info:
		return vcpu_register_info(xv, t, arg);
	case VCPUOP_register_vcpu_time_memory_area:
		return vcpu_register_time_area(xv, t, arg);
	default:
		return -XE_NOSYS;
	}
}

/* ---- SCHEDOP_* ----------------------------------------------------------- */

/* Xen's "local events need delivery" for HVM: an upcall the vCPU can take. */
static bool upcall_deliverable(struct hx_xen_vcpu *xv, bool irq_enabled)
{
	return irq_enabled && hx_xen_upcall_vector(xv) != HX_XEN_UPCALL_NONE;
}

/*
 * SCHEDOP_poll [xen/common/sched/core.c do_poll]: return at once if one
 * of the ports is pending or an upcall is deliverable; otherwise block
 * until one of them becomes pending (even masked), an upcall arrives or
 * the absolute @timeout (0 = none) passes.
 */
static long sched_poll(struct hx_xen_vcpu *xv, u64 arg, struct hx_xen_hcall *hc)
{
	struct hx_xen_vm *xvm = xv->xvm;
	struct xen_sched_poll p;
	u32 ports[XEN_POLL_MAX_PORTS];
	unsigned long fl = 0;
	bool ready = false;
	u64 now = 0;
	u32 i;

	if (hx_xen_host_copy_from_guest(xv, &p, arg, sizeof(p)))
		return -XE_FAULT;
	if (p.nr_ports > XEN_POLL_MAX_PORTS)
		return -XE_INVAL;
	if (p.nr_ports &&
	    hx_xen_host_copy_from_guest(xv, ports, p.ports, p.nr_ports * 4))
		return -XE_FAULT;
	for (i = 0; i < p.nr_ports; i++)
		if (ports[i] >= XEN_NR_EVTCHN_2L)
			return -XE_INVAL;
	if (p.timeout) {
		now = hx_xen_now_ns(xvm);
		if (p.timeout <= now)
			return 0;
	}

	hx_xen_lock(&xvm->lock, fl);
	for (i = 0; i < p.nr_ports; i++) {
		xv->poll_ports[i] = (u16)ports[i];
		if (hx_xen_test(ports[i], xvm->shinfo->evtchn_pending))
			ready = true;
	}
	if (!ready && !upcall_deliverable(xv, hc->irq_enabled)) {
		xv->nr_poll = p.nr_ports;
		xv->poll_deadline = p.timeout;
		xv->poll_woken = false;
		xv->blocked = true;
		xvm->nr_blocked++;
		hc->action = HX_XEN_ACT_BLOCK;
	}
	hx_xen_unlock(&xvm->lock, fl);
	if (hc->action == HX_XEN_ACT_BLOCK && p.timeout)
		hx_xen_host_timer_arm(xv, HX_XEN_TIMER_POLL, p.timeout - now);
	return 0;
}

/* Poll timeout (host timer HX_XEN_TIMER_POLL); any context. */
void hx_xen_poll_timeout(struct hx_xen_vcpu *xv)
{
	unsigned long fl = 0;

	hx_xen_lock(&xv->xvm->lock, fl);
	if (xv->blocked) {
		xv->poll_woken = true;
		hx_xen_host_kick(xv);
	}
	hx_xen_unlock(&xv->xvm->lock, fl);
}

/*
 * Whether a vCPU blocked by SCHEDOP_poll/block may run again: a polled
 * port fired (or the timeout passed), or an upcall can be taken.
 * Spurious wakeups are allowed by the interface.
 */
bool hx_xen_block_wake(struct hx_xen_vcpu *xv, bool irq_enabled)
{
	if (HX_XEN_READ_ONCE(xv->poll_woken))
		return true;
	return upcall_deliverable(xv, irq_enabled);
}

void hx_xen_block_end(struct hx_xen_vcpu *xv)
{
	struct hx_xen_vm *xvm = xv->xvm;
	unsigned long fl = 0;
	bool had_deadline;

	hx_xen_lock(&xvm->lock, fl);
	had_deadline = xv->blocked && xv->poll_deadline;
	if (xv->blocked) {
		xv->blocked = false;
		xvm->nr_blocked--;
	}
	xv->poll_woken = false;
	xv->nr_poll = 0;
	xv->poll_deadline = 0;
	hx_xen_unlock(&xvm->lock, fl);
	if (had_deadline)
		hx_xen_host_timer_cancel(xv, HX_XEN_TIMER_POLL);
}

/* SCHEDOP_shutdown reasons the monitor acts on (poweroff .. watchdog). */
static long sched_shutdown(struct hx_xen_vcpu *xv, u64 arg, struct hx_xen_hcall *hc)
{
	u32 reason;

	if (hx_xen_host_copy_from_guest(xv, &reason, arg, sizeof(reason)))
		return -XE_FAULT;
	if (reason > SHUTDOWN_watchdog)
		return -XE_INVAL;
	hc->action = HX_XEN_ACT_SHUTDOWN;
	hc->shutdown_reason = reason;
	return 0;
}

long hx_xen_sched_op(struct hx_xen_vcpu *xv, u32 cmd, u64 arg, struct hx_xen_hcall *hc)
{
	unsigned long fl = 0;

	switch (cmd) {
	case SCHEDOP_yield:
		/* The host reschedules before every entry when it must. */
		return 0;
	case SCHEDOP_block:
		hx_xen_lock(&xv->xvm->lock, fl);
		if (!upcall_deliverable(xv, hc->irq_enabled)) {
			xv->blocked = true;
			xv->xvm->nr_blocked++;
			hc->action = HX_XEN_ACT_BLOCK;
		}
		hx_xen_unlock(&xv->xvm->lock, fl);
		return 0;
	case SCHEDOP_shutdown:
		return sched_shutdown(xv, arg, hc);
	case SCHEDOP_poll:
		return sched_poll(xv, arg, hc);
	default:
		return -XE_NOSYS;
	}
}

/*
 * set_timer_op: 0 cancels; a deadline with bit 63 set or 2^50 ns or more
 * ahead is clamped to now + 100 ms, as Xen does.
 */
long hx_xen_set_timer_op(struct hx_xen_vcpu *xv, u64 timeout)
{
	u64 now;

	if (!timeout) {
		hx_xen_stop_timer(xv);
		return 0;
	}
	now = hx_xen_now_ns(xv->xvm);
	if ((s64)timeout < 0 || (timeout > now && timeout - now >= (1ULL << 50)))
		timeout = now + 100 * XEN_MS;
	return hx_xen_set_timer(xv, timeout, false);
}

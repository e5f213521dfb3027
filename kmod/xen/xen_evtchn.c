// SPDX-License-Identifier: GPL-2.0
/*
 * 2-level event channels (xen-abi.md §C.5, §D): the port table, the
 * delivery algorithm on the guest's shared_info/vcpu_info with locked bit
 * operations in Xen's order [xen/common/event_2l.c], EVTCHNOP_* and the
 * monitor's side of interdomain ports (HXEN_EVTCHN_BIND/UNBIND, kicks).
 */
#include "xen.h"

/* VIRQs bound per vCPU; the others are global and live on vCPU 0. */
static bool virq_is_per_vcpu(u32 virq)
{
	return virq == XEN_VIRQ_TIMER || virq == XEN_VIRQ_DEBUG ||
	       virq == 7 /* XENOPROF */ || virq == 13 /* XENPMU */;
}

static struct hx_xen_vcpu *vcpu_by_id(struct hx_xen_vm *xvm, u32 id)
{
	return id < HX_XEN_MAX_VCPUS ? xvm->vcpus[id] : NULL;
}

/*
 * The vcpu_info events are delivered to: the registered one, else the
 * shared_info slot (vCPUs 0..31), else none (bits stay in shared_info).
 */
struct hx_xen_vcpu_info *hx_xen_vcpu_info(struct hx_xen_vcpu *xv)
{
	struct hx_xen_vcpu_info *vi = HX_XEN_READ_ONCE(xv->vi_reg);

	if (vi)
		return vi;
	if (xv->id < XEN_LEGACY_MAX_VCPUS)
		return &HX_XEN_READ_ONCE(xv->xvm->shinfo)->vcpu_info[xv->id];
	return NULL;
}

bool hx_xen_upcall_pending(struct hx_xen_vcpu *xv)
{
	struct hx_xen_vcpu_info *vi = hx_xen_vcpu_info(xv);

	return vi && HX_XEN_READ_ONCE(vi->evtchn_upcall_pending);
}

/*
 * §D.5: vector 0xF3 (the guest's choice) is pending, level-like, while
 * evtchn_upcall_pending is set and the callback vector is configured.
 * Lock-free: it runs before every VM entry.
 */
int hx_xen_upcall_vector(struct hx_xen_vcpu *xv)
{
	u8 vec = HX_XEN_READ_ONCE(xv->xvm->callback_vector);

	if (!vec || !hx_xen_upcall_pending(xv))
		return HX_XEN_UPCALL_NONE;
	return vec;
}

/*
 * A new event for @xv (xvm->lock held).  It also ends a SCHEDOP_poll or
 * SCHEDOP_block in progress, interrupts on or off: Xen's
 * vcpu_mark_events_pending() kicks and so unblocks the vCPU
 * [xen/common/event_channel.c, sched/core.c vcpu_unblock], and the poll
 * returns (spuriously, as the interface allows).  Linux's pv spinlocks
 * depend on it: a waiter polling its kicker port with IF=0 whose kick was
 * taken by a nested lock in interrupt context is only rescued by such a
 * wake-up, e.g. its next timer event; without it both vCPUs of a 2-vCPU
 * guest were seen blocked for good.
 */
static void mark_events_pending(struct hx_xen_vcpu *xv)
{
	struct hx_xen_vcpu_info *vi = hx_xen_vcpu_info(xv);

	if (!vi || hx_xen_xchg8(&vi->evtchn_upcall_pending, 1))
		return;
	if (xv->blocked)
		HX_XEN_WRITE_ONCE(xv->poll_woken, true);
	hx_xen_host_kick(xv);
}

/* Wake vCPUs in SCHEDOP_poll on @port, masked or not. */
static void wake_pollers(struct hx_xen_vm *xvm, u32 port)
{
	unsigned int i, j;

	for (i = 0; i < HX_XEN_MAX_VCPUS; i++) {
		struct hx_xen_vcpu *xv = xvm->vcpus[i];

		if (!xv || !xv->blocked || xv->poll_woken)
			continue;
		for (j = 0; j < xv->nr_poll; j++) {
			if (xv->poll_ports[j] == port) {
				xv->poll_woken = true;
				hx_xen_host_kick(xv);
				break;
			}
		}
	}
}

/* Raise the selector bit and the upcall for a pending, unmasked port. */
static void deliver(struct hx_xen_vm *xvm, u32 port)
{
	struct hx_xen_vcpu *xv = vcpu_by_id(xvm, xvm->ports[port].notify_vcpu);
	struct hx_xen_vcpu_info *vi;

	if (!xv)
		return;
	vi = hx_xen_vcpu_info(xv);
	if (vi && !hx_xen_test_and_set(port / 64, &vi->evtchn_pending_sel))
		mark_events_pending(xv);
}

void hx_xen_set_pending(struct hx_xen_vm *xvm, u32 port)
{
	struct hx_xen_shinfo *s = xvm->shinfo;

	if (hx_xen_test_and_set(port, s->evtchn_pending))
		return;
	if (!hx_xen_test(port, s->evtchn_mask))
		deliver(xvm, port);
	if (xvm->nr_blocked)
		wake_pollers(xvm, port);
}

static void unmask(struct hx_xen_vm *xvm, u32 port)
{
	struct hx_xen_shinfo *s = xvm->shinfo;

	if (hx_xen_test_and_clear(port, s->evtchn_mask) &&
	    hx_xen_test(port, s->evtchn_pending))
		deliver(xvm, port);
}

/* After the callback vector is set: evaluate every vCPU (Xen does too). */
void hx_xen_kick_all_pending(struct hx_xen_vm *xvm)
{
	unsigned int i;

	for (i = 0; i < HX_XEN_MAX_VCPUS; i++)
		if (xvm->vcpus[i] && hx_xen_upcall_pending(xvm->vcpus[i]))
			hx_xen_host_kick(xvm->vcpus[i]);
}

/* Lowest free port, never 0; -XE_NOSPC when all 4095 are in use. */
static int port_alloc(struct hx_xen_vm *xvm, u8 state, u32 vcpu)
{
	u32 p;

	for (p = 1; p < XEN_NR_EVTCHN_2L; p++) {
		struct hx_xen_port *e = &xvm->ports[p];

		if (e->state != EVTCHNSTAT_closed)
			continue;
		memset(e, 0, sizeof(*e));
		e->state = state;
		e->notify_vcpu = (u16)vcpu;
		return (int)p;
	}
	return -XE_NOSPC;
}

static void port_free(struct hx_xen_vm *xvm, u32 port)
{
	struct hx_xen_port *e = &xvm->ports[port];

	if (e->state == EVTCHNSTAT_virq) {
		u32 owner = virq_is_per_vcpu(e->virq) ? e->notify_vcpu : 0;
		struct hx_xen_vcpu *xv = vcpu_by_id(xvm, owner);

		if (xv && xv->virq_port[e->virq] == port)
			xv->virq_port[e->virq] = 0;
	}
	memset(e, 0, sizeof(*e));
	/* A re-used port must not inherit a stale event (as Xen). */
	hx_xen_test_and_clear(port, xvm->shinfo->evtchn_pending);
}

/* 0 for DOMID_SELF or our own id; -EPERM for dom0; -ESRCH otherwise. */
int hx_xen_domid_check(struct hx_xen_vm *xvm, u16 domid)
{
	if (domid == XEN_DOMID_SELF || domid == xvm->cfg.domid)
		return 0;
	return domid == 0 ? -XE_PERM : -XE_SRCH;
}

/* ---- EVTCHNOP_* ---------------------------------------------------- */

static long op_alloc_unbound(struct hx_xen_vcpu *xv, void *a)
{
	struct xen_evtchn_alloc_unbound *u = a;
	struct hx_xen_vm *xvm = xv->xvm;
	unsigned long fl = 0;
	int rc = hx_xen_domid_check(xvm, u->dom);

	if (rc)
		return rc;
	hx_xen_lock(&xvm->lock, fl);
	rc = port_alloc(xvm, EVTCHNSTAT_unbound, 0);
	if (rc > 0) {
		xvm->ports[rc].remote_dom = u->remote_dom == XEN_DOMID_SELF ?
					    xvm->cfg.domid : u->remote_dom;
		u->port = (u32)rc;
		rc = 0;
	}
	hx_xen_unlock(&xvm->lock, fl);
	return rc;
}

/*
 * Backends live in the monitor, which has no ports of its own to offer,
 * and loopback is not supported: no port is ever unbound "for us" in
 * another domain, which Xen reports as -EINVAL.
 */
static long op_bind_interdomain(struct hx_xen_vcpu *xv, void *a)
{
	return -XE_INVAL;
}

static long op_bind_virq(struct hx_xen_vcpu *xv, void *a)
{
	struct xen_evtchn_bind_virq *b = a;
	struct hx_xen_vm *xvm = xv->xvm;
	struct hx_xen_vcpu *t;
	unsigned long fl = 0;
	long rc;

	if (b->virq >= XEN_NR_VIRQS)
		return -XE_INVAL;
	if (!virq_is_per_vcpu(b->virq) && b->vcpu != 0)
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	t = vcpu_by_id(xvm, b->vcpu);
	if (!t) {
		rc = -XE_NOENT;
	} else if (t->virq_port[b->virq]) {
		rc = -XE_EXIST;
	} else {
		rc = port_alloc(xvm, EVTCHNSTAT_virq, b->vcpu);
		if (rc > 0) {
			xvm->ports[rc].virq = (u8)b->virq;
			t->virq_port[b->virq] = (u16)rc;
			b->port = (u32)rc;
			rc = 0;
		}
	}
	hx_xen_unlock(&xvm->lock, fl);
	return rc;
}

static long op_bind_ipi(struct hx_xen_vcpu *xv, void *a)
{
	struct xen_evtchn_bind_ipi *b = a;
	struct hx_xen_vm *xvm = xv->xvm;
	unsigned long fl = 0;
	long rc;

	hx_xen_lock(&xvm->lock, fl);
	if (!vcpu_by_id(xvm, b->vcpu)) {
		rc = -XE_NOENT;
	} else {
		rc = port_alloc(xvm, EVTCHNSTAT_ipi, b->vcpu);
		if (rc > 0) {
			b->port = (u32)rc;
			rc = 0;
		}
	}
	hx_xen_unlock(&xvm->lock, fl);
	return rc;
}

static u8 port_state(struct hx_xen_vm *xvm, u32 port)
{
	unsigned long fl = 0;
	u8 st;

	hx_xen_lock(&xvm->lock, fl);
	st = xvm->ports[port].state;
	hx_xen_unlock(&xvm->lock, fl);
	return st;
}

static long op_close(struct hx_xen_vcpu *xv, void *a)
{
	u32 port = *(u32 *)a;
	struct hx_xen_vm *xvm = xv->xvm;
	unsigned long fl = 0;
	long rc = 0;

	if (port == 0 || port >= XEN_NR_EVTCHN_2L)
		return -XE_INVAL;
	/* Tell the monitor first (may sleep), then free the port. */
	if (port_state(xvm, port) == EVTCHNSTAT_interdomain)
		hx_xen_host_port_release(xvm, port);
	hx_xen_lock(&xvm->lock, fl);
	if (xvm->ports[port].state == EVTCHNSTAT_closed)
		rc = -XE_INVAL;
	else
		port_free(xvm, port);
	hx_xen_unlock(&xvm->lock, fl);
	return rc;
}

static long op_send(struct hx_xen_vcpu *xv, void *a)
{
	u32 port = *(u32 *)a;
	struct hx_xen_vm *xvm = xv->xvm;
	unsigned long fl = 0;
	long rc = 0;
	u8 st;

	if (port >= XEN_NR_EVTCHN_2L)
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	st = xvm->ports[port].state;
	if (st == EVTCHNSTAT_ipi)
		hx_xen_set_pending(xvm, port);
	else if (st != EVTCHNSTAT_interdomain && st != EVTCHNSTAT_unbound)
		rc = -XE_INVAL;
	hx_xen_unlock(&xvm->lock, fl);
	/* Outside the lock: the monitor's eventfd may wake our own kick path. */
	if (st == EVTCHNSTAT_interdomain)
		hx_xen_host_notify(xvm, port);
	return rc;
}

static long op_status(struct hx_xen_vcpu *xv, void *a)
{
	struct xen_evtchn_status *s = a;
	struct hx_xen_vm *xvm = xv->xvm;
	struct hx_xen_port *e;
	unsigned long fl = 0;
	int rc = hx_xen_domid_check(xvm, s->dom);

	if (rc)
		return rc;
	if (s->port >= XEN_NR_EVTCHN_2L)
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	e = &xvm->ports[s->port];
	s->status = e->state;
	s->vcpu = e->notify_vcpu;
	memset(&s->u, 0, sizeof(s->u));
	if (e->state == EVTCHNSTAT_unbound) {
		s->u.unbound.dom = e->remote_dom;
	} else if (e->state == EVTCHNSTAT_interdomain) {
		/* The monitor names its end by the guest's port number. */
		s->u.interdomain.dom = e->remote_dom;
		s->u.interdomain.port = s->port;
	} else if (e->state == EVTCHNSTAT_virq) {
		s->u.virq = e->virq;
	}
	hx_xen_unlock(&xvm->lock, fl);
	return 0;
}

static long op_bind_vcpu(struct hx_xen_vcpu *xv, void *a)
{
	struct xen_evtchn_bind_vcpu *b = a;
	struct hx_xen_vm *xvm = xv->xvm;
	struct hx_xen_port *e;
	unsigned long fl = 0;
	long rc = 0;

	if (b->port >= XEN_NR_EVTCHN_2L)
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	e = &xvm->ports[b->port];
	if (!vcpu_by_id(xvm, b->vcpu)) {
		rc = -XE_NOENT;
	} else if (e->state == EVTCHNSTAT_unbound ||
		   e->state == EVTCHNSTAT_interdomain ||
		   (e->state == EVTCHNSTAT_virq && !virq_is_per_vcpu(e->virq))) {
		e->notify_vcpu = (u16)b->vcpu;
		/* Re-raise a pending, unmasked event where it now belongs. */
		if (hx_xen_test(b->port, xvm->shinfo->evtchn_pending) &&
		    !hx_xen_test(b->port, xvm->shinfo->evtchn_mask))
			deliver(xvm, b->port);
	} else {
		rc = -XE_INVAL;
	}
	hx_xen_unlock(&xvm->lock, fl);
	return rc;
}

static long op_unmask(struct hx_xen_vcpu *xv, void *a)
{
	u32 port = *(u32 *)a;
	struct hx_xen_vm *xvm = xv->xvm;
	unsigned long fl = 0;

	if (port >= XEN_NR_EVTCHN_2L)
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	unmask(xvm, port);
	hx_xen_unlock(&xvm->lock, fl);
	return 0;
}

struct evtchn_op_desc {
	long (*fn)(struct hx_xen_vcpu *xv, void *arg);
	u8 size;	/* bytes copied in */
	u8 out;		/* copied back on success */
};

/*
 * init_control, expand_array, set_priority, reset and bind_pirq stay
 * -ENOSYS: that is what makes Linux fall back to the 2-level ABI.
 */
static const struct evtchn_op_desc evtchn_ops[XEN_NR_EVTCHNOPS] = {
	[EVTCHNOP_bind_interdomain] = { op_bind_interdomain, 12, 1 },
	[EVTCHNOP_bind_virq]	    = { op_bind_virq, 12, 1 },
	[EVTCHNOP_close]	    = { op_close, 4, 0 },
	[EVTCHNOP_send]		    = { op_send, 4, 0 },
	[EVTCHNOP_status]	    = { op_status, 24, 1 },
	[EVTCHNOP_alloc_unbound]    = { op_alloc_unbound, 8, 1 },
	[EVTCHNOP_bind_ipi]	    = { op_bind_ipi, 8, 1 },
	[EVTCHNOP_bind_vcpu]	    = { op_bind_vcpu, 8, 0 },
	[EVTCHNOP_unmask]	    = { op_unmask, 4, 0 },
};

long hx_xen_evtchn_op(struct hx_xen_vcpu *xv, u32 cmd, u64 arg)
{
	const struct evtchn_op_desc *d;
	u64 buf[3];
	long rc;

	if (cmd >= XEN_NR_EVTCHNOPS || !evtchn_ops[cmd].fn)
		return -XE_NOSYS;
	d = &evtchn_ops[cmd];
	if (hx_xen_host_copy_from_guest(xv, buf, arg, d->size))
		return -XE_FAULT;
	rc = d->fn(xv, buf);
	if (rc == 0 && d->out && hx_xen_host_copy_to_guest(xv, arg, buf, d->size))
		return -XE_FAULT;
	return rc;
}

/* ---- The monitor's end ---------------------------------------------- */

/* A kick from the monitor (kick_fd): any context. */
void hx_xen_evtchn_raise(struct hx_xen_vm *xvm, u32 port)
{
	unsigned long fl = 0;

	if (port == 0 || port >= XEN_NR_EVTCHN_2L)
		return;
	hx_xen_lock(&xvm->lock, fl);
	if (xvm->ports[port].state == EVTCHNSTAT_interdomain)
		hx_xen_set_pending(xvm, port);
	hx_xen_unlock(&xvm->lock, fl);
}

/*
 * HXEN_EVTCHN_BIND: @alloc makes a fresh port (xenstore, console: notify
 * vCPU 0); otherwise *@port must be unbound with remote domain 0 (a
 * frontend's EVTCHNOP_alloc_unbound).  Returns Linux errno values.
 */
int hx_xen_monitor_bind(struct hx_xen_vm *xvm, u32 *port, bool alloc)
{
	unsigned long fl = 0;
	struct hx_xen_port *e;
	int rc = 0;

	if (!alloc && (*port == 0 || *port >= XEN_NR_EVTCHN_2L))
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	if (alloc) {
		rc = port_alloc(xvm, EVTCHNSTAT_interdomain, 0);
		if (rc > 0) {
			*port = (u32)rc;
			rc = 0;
		}
	} else {
		e = &xvm->ports[*port];
		if (e->state == EVTCHNSTAT_interdomain)
			rc = -XE_BUSY;
		else if (e->state != EVTCHNSTAT_unbound || e->remote_dom != 0)
			rc = -XE_INVAL;
		else
			e->state = EVTCHNSTAT_interdomain;
	}
	hx_xen_unlock(&xvm->lock, fl);
	return rc;
}

/*
 * HXEN_EVTCHN_UNBIND: the monitor closed its end; the port is unbound
 * again.  @free instead closes it (undoing a failed HXEN_EVTCHN_ALLOC).
 */
int hx_xen_monitor_unbind(struct hx_xen_vm *xvm, u32 port, bool free)
{
	unsigned long fl = 0;
	int rc = 0;

	if (port == 0 || port >= XEN_NR_EVTCHN_2L)
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	if (xvm->ports[port].state == EVTCHNSTAT_interdomain && free) {
		port_free(xvm, port);
	} else if (xvm->ports[port].state == EVTCHNSTAT_interdomain) {
		xvm->ports[port].state = EVTCHNSTAT_unbound;
		xvm->ports[port].remote_dom = 0;
	} else {
		rc = -XE_INVAL;
	}
	hx_xen_unlock(&xvm->lock, fl);
	return rc;
}

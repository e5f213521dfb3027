// SPDX-License-Identifier: GPL-2.0
/*
 * memory_op (xen-abi.md §C.2), grant_table_op (§C.6, §H) and hvm_op with
 * the HVM parameters (§C.3).
 *
 * shared_info is adopted in place: XENMAPSPACE_shared_info turns the
 * guest RAM page at gpfn (Linux picks a free, reserved RAM page) into the
 * shared_info storage, after copying the current contents (events raised
 * before the mapping live in a boot page).  No nested-paging change is
 * needed.  Grant frames are the monitor's pages, mapped by the host at
 * non-RAM gpfns chosen by the guest.
 */
#include "xen.h"

#define XEN_MAX_GFN		((1ULL << (52 - 12)) - 1)
#define XEN_MAX_E820		32	/* >= the module's memory slots */

/* ---- memory_op ------------------------------------------------------------ */

static long map_shared_info(struct hx_xen_vm *xvm, u64 gfn)
{
	struct hx_xen_shinfo *ns, *os;
	void *cookie, *old_cookie;
	unsigned long fl = 0;

	ns = hx_xen_host_page_get(xvm, gfn, &cookie);
	if (!ns)
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	if (xvm->shinfo_gfn == gfn) {
		hx_xen_unlock(&xvm->lock, fl);
		hx_xen_host_page_put(xvm, cookie);
		return 0;
	}
	os = xvm->shinfo;
	old_cookie = xvm->shinfo_cookie;
	memcpy(ns, os, sizeof(*ns));
	memset((u8 *)ns + sizeof(*ns), 0, 4096 - sizeof(*ns));
	hx_xen_wmb();
	HX_XEN_WRITE_ONCE(xvm->shinfo, ns);
	xvm->shinfo_cookie = cookie;
	xvm->shinfo_gfn = gfn;
	/* Linux reads vcpu_info[0].time and the wallclock right away. */
	hx_xen_refresh_times(xvm);
	hx_xen_unlock(&xvm->lock, fl);
	if (old_cookie)
		hx_xen_host_page_put(xvm, old_cookie);
	return 0;
}

static long map_grant_frame(struct hx_xen_vm *xvm, u64 idx, u64 gfn)
{
	unsigned long fl = 0;
	u64 old;
	int rc;

	if (idx & XENMAPIDX_grant_table_status)	/* v2 status frames */
		return -XE_INVAL;
	if (idx >= xvm->cfg.max_grant_frames)
		return -XE_INVAL;
	if (hx_xen_host_is_ram(xvm, gfn))
		return -XE_INVAL;
	old = xvm->grant_gfn[idx];
	if (old == gfn)
		return 0;
	if (old != HX_XEN_NO_GFN)
		hx_xen_host_unmap_gfn(xvm, old);
	xvm->grant_gfn[idx] = HX_XEN_NO_GFN;
	rc = hx_xen_host_map_grant(xvm, (u32)idx, gfn);
	if (rc)
		return rc;
	hx_xen_lock(&xvm->lock, fl);
	xvm->grant_gfn[idx] = gfn;
	if (idx + 1 > xvm->nr_grant_frames)
		xvm->nr_grant_frames = (u32)idx + 1;
	hx_xen_unlock(&xvm->lock, fl);
	return 0;
}

static long mem_add_to_physmap(struct hx_xen_vcpu *xv, u64 arg)
{
	struct xen_add_to_physmap a;
	int rc;

	if (hx_xen_host_copy_from_guest(xv, &a, arg, sizeof(a)))
		return -XE_FAULT;
	rc = hx_xen_domid_check(xv->xvm, a.domid);
	if (rc)
		return rc;
	if (a.gpfn > XEN_MAX_GFN)
		return -XE_INVAL;
	switch (a.space) {
	case XENMAPSPACE_shared_info:
		return a.idx ? -XE_INVAL : map_shared_info(xv->xvm, a.gpfn);
	case XENMAPSPACE_grant_table:
		return map_grant_frame(xv->xvm, a.idx, a.gpfn);
	case XENMAPSPACE_gmfn:
	case XENMAPSPACE_gmfn_range:
		/* Guest RAM is the monitor's memory; it cannot be moved. */
		return -XE_OPNOTSUPP;
	default:
		return -XE_INVAL;
	}
}

/* XENMEM_memory_map: the guest's RAM as 20-byte E820 entries. */
static long mem_memory_map(struct hx_xen_vcpu *xv, u64 arg)
{
	struct xen_e820_entry e[XEN_MAX_E820];
	struct xen_memory_map m;
	u32 n;

	if (hx_xen_host_copy_from_guest(xv, &m, arg, sizeof(m)))
		return -XE_FAULT;
	n = hx_xen_host_memory_map(xv->xvm, e, XEN_MAX_E820);
	if (m.nr_entries < n)
		return -XE_INVAL;
	if (n && hx_xen_host_copy_to_guest(xv, m.buffer, e, n * sizeof(e[0])))
		return -XE_FAULT;
	m.nr_entries = n;
	if (hx_xen_host_copy_to_guest(xv, arg, &m, sizeof(m.nr_entries)))
		return -XE_FAULT;
	return 0;
}

/*
 * decrease_reservation / populate_physmap (the balloon, Linux's
 * xen-balloon unmodified).  A released frame goes back to the host (the
 * module drops the monitor's page: its RSS falls) and reads as zeroes if
 * the guest touches it anyway; populating it takes a fresh zero page.  As
 * in Xen (common/memory.c), extents are done in order and the count done
 * is returned: a frame that is not RAM, one released twice (more than the
 * guest has), or one populated while the guest holds its maximum stops
 * the operation there; the guest keeps running and retries or gives up.
 */
static long mem_reservation(struct hx_xen_vcpu *xv, u64 cmd, u64 arg)
{
	struct xen_memory_reservation r;
	u64 start = cmd >> XENMEM_EXTENT_SHIFT, i;
	bool out = (cmd & XENMEM_CMD_MASK) == XENMEM_decrease_reservation;
	int rc;

	if (hx_xen_host_copy_from_guest(xv, &r, arg, sizeof(r)))
		return -XE_FAULT;
	rc = hx_xen_domid_check(xv->xvm, r.domid);
	if (rc)
		return rc;
	if (r.extent_order != 0)
		return -XE_INVAL;
	if (start > r.nr_extents)
		return -XE_INVAL;
	for (i = start; i < r.nr_extents; i++) {
		u64 gfn;

		if (hx_xen_host_copy_from_guest(xv, &gfn, r.extent_start + i * 8, 8))
			return i ? (long)i : -XE_FAULT;
		if (gfn > XEN_MAX_GFN)
			break;
		rc = out ? hx_xen_host_balloon_out(xv->xvm, gfn) :
			   hx_xen_host_balloon_in(xv->xvm, gfn);
		if (rc)
			break;
	}
	return (long)i;
}

/* current/maximum_reservation: pages, for this domain only. */
static long mem_reservation_size(struct hx_xen_vcpu *xv, u64 cmd, u64 arg)
{
	u64 cur, max;
	u16 domid;
	int rc;

	if (hx_xen_host_copy_from_guest(xv, &domid, arg, sizeof(domid)))
		return -XE_FAULT;
	rc = hx_xen_domid_check(xv->xvm, domid);
	if (rc)
		return rc;
	hx_xen_host_reservation(xv->xvm, &cur, &max);
	return (long)((cmd & XENMEM_CMD_MASK) == XENMEM_current_reservation ? cur : max);
}

long hx_xen_memory_op(struct hx_xen_vcpu *xv, u64 cmd, u64 arg)
{
	switch (cmd & XENMEM_CMD_MASK) {
	case XENMEM_add_to_physmap:
		return mem_add_to_physmap(xv, arg);
	case XENMEM_memory_map:
		return mem_memory_map(xv, arg);
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return mem_reservation(xv, cmd, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		return mem_reservation_size(xv, cmd, arg);
	default:
		return -XE_NOSYS;
	}
}

/* ---- grant_table_op ------------------------------------------------------- */

static long gnt_query_size(struct hx_xen_vcpu *xv, u64 arg)
{
	struct xen_gnttab_query_size q;

	if (hx_xen_host_copy_from_guest(xv, &q, arg, sizeof(q)))
		return -XE_FAULT;
	if (hx_xen_domid_check(xv->xvm, q.dom)) {
		q.status = GNTST_bad_domain;
	} else {
		q.nr_frames = HX_XEN_READ_ONCE(xv->xvm->nr_grant_frames);
		q.max_nr_frames = xv->xvm->cfg.max_grant_frames;
		q.status = GNTST_okay;
	}
	return hx_xen_host_copy_to_guest(xv, arg, &q, sizeof(q)) ? -XE_FAULT : 0;
}

/* Version 1 only: 2 is -ENOSYS (Linux then keeps v1), others -EINVAL. */
static long gnt_set_version(struct hx_xen_vcpu *xv, u64 arg)
{
	u32 v;

	if (hx_xen_host_copy_from_guest(xv, &v, arg, sizeof(v)))
		return -XE_FAULT;
	if (v == 2)
		return -XE_NOSYS;
	if (v != 1)
		return -XE_INVAL;
	return 0;
}

static long gnt_get_version(struct hx_xen_vcpu *xv, u64 arg)
{
	struct xen_gnttab_get_version g;
	int rc;

	if (hx_xen_host_copy_from_guest(xv, &g, arg, sizeof(g)))
		return -XE_FAULT;
	rc = hx_xen_domid_check(xv->xvm, g.dom);
	if (rc)
		return rc;
	g.version = 1;
	return hx_xen_host_copy_to_guest(xv, arg, &g, sizeof(g)) ? -XE_FAULT : 0;
}

long hx_xen_grant_table_op(struct hx_xen_vcpu *xv, u32 cmd, u64 arg, u32 count)
{
	long (*fn)(struct hx_xen_vcpu *xv, u64 arg);

	switch (cmd) {
	case GNTTABOP_query_size:
		fn = gnt_query_size;
		break;
	case GNTTABOP_set_version:
		fn = gnt_set_version;
		break;
	case GNTTABOP_get_version:
		fn = gnt_get_version;
		break;
	default:
		/* setup_table, map/unmap/copy: PV or backend-side only. */
		return -XE_NOSYS;
	}
	if (count != 1)
		return -XE_INVAL;
	return fn(xv, arg);
}

/* ---- hvm_op and parameters -------------------------------------------------- */

/*
 * HVM_PARAM_CALLBACK_IRQ: only type 2 (vector) is supported, which is
 * what PVH Linux uses; GSI and PCI INTx callbacks need an emulated
 * IOAPIC this machine does not have.  0 turns delivery off.
 */
static int set_callback(struct hx_xen_vm *xvm, u64 val)
{
	u8 vec = val & 0xff;

	if (val && ((val >> 56) != HVM_CALLBACK_TYPE_VECTOR || vec < 0x10))
		return -XE_INVAL;
	HX_XEN_WRITE_ONCE(xvm->callback_vector, val ? vec : 0);
	xvm->params[HVM_PARAM_CALLBACK_IRQ] = val;
	if (val)
		hx_xen_kick_all_pending(xvm);
	return 0;
}

int hx_xen_param_get(struct hx_xen_vm *xvm, u32 index, u64 *val)
{
	unsigned long fl = 0;

	if (index >= HVM_NR_PARAMS)
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	*val = xvm->params[index];
	hx_xen_unlock(&xvm->lock, fl);
	return 0;
}

/* Monitor side (HXEN_XEN_SET_PARAM): any parameter. */
int hx_xen_param_set(struct hx_xen_vm *xvm, u32 index, u64 val)
{
	unsigned long fl = 0;
	int rc = 0;

	if (index >= HVM_NR_PARAMS)
		return -XE_INVAL;
	hx_xen_lock(&xvm->lock, fl);
	if (index == HVM_PARAM_CALLBACK_IRQ)
		rc = set_callback(xvm, val);
	else
		xvm->params[index] = val;
	hx_xen_unlock(&xvm->lock, fl);
	return rc;
}

static long hvm_param(struct hx_xen_vcpu *xv, u32 op, u64 arg)
{
	struct hx_xen_vm *xvm = xv->xvm;
	struct xen_hvm_param p;
	int rc;

	if (hx_xen_host_copy_from_guest(xv, &p, arg, sizeof(p)))
		return -XE_FAULT;
	rc = hx_xen_domid_check(xvm, p.domid);
	if (rc)
		return rc;
	if (p.index >= HVM_NR_PARAMS)
		return -XE_INVAL;
	if (op == HVMOP_set_param) {
		/* The guest may set its callback; the rest is the toolstack's. */
		if (p.index != HVM_PARAM_CALLBACK_IRQ)
			return -XE_PERM;
		return hx_xen_param_set(xvm, p.index, p.value);
	}
	hx_xen_param_get(xvm, p.index, &p.value);
	return hx_xen_host_copy_to_guest(xv, arg, &p, sizeof(p)) ? -XE_FAULT : 0;
}

long hx_xen_hvm_op(struct hx_xen_vcpu *xv, u32 op, u64 arg)
{
	switch (op) {
	case HVMOP_set_param:
	case HVMOP_get_param:
		return hvm_param(xv, op, arg);
	default:
		/* pagetable_dying must be -ENOSYS or Linux calls it per mm. */
		return -XE_NOSYS;
	}
}

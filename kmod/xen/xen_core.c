// SPDX-License-Identifier: GPL-2.0
/*
 * Xen personality of a VM: lifetime, CPUID leaves (xen-abi.md §A.1), the
 * legacy hypercall page (§A.3), hypercall dispatch (§A.2) and the small
 * hypercalls (xen_version §C.1, console_io, vm_assist §C.8).
 */
#include "xen.h"

#define XEN_EXTRAVERSION	".0"
#define XEN_CAPABILITIES	"hvm-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p"
#define XEN_CHANGESET		"hxen"

struct hx_xen_vm *hx_xen_vm_alloc(void *host, const struct hx_xen_config *cfg)
{
	struct hx_xen_vm *xvm;
	unsigned int i;

	if (!cfg->max_grant_frames || cfg->max_grant_frames > HX_XEN_MAX_GNT_FRAMES)
		return NULL;
	xvm = hx_alloc(sizeof(*xvm));
	if (!xvm)
		return NULL;
	xvm->ports = hx_xen_zalloc_big(XEN_NR_EVTCHN_2L * sizeof(*xvm->ports));
	xvm->boot_shinfo = hx_xen_zalloc_big(sizeof(*xvm->boot_shinfo));
	if (!xvm->ports || !xvm->boot_shinfo) {
		hx_xen_free_big(xvm->ports);
		hx_xen_free_big(xvm->boot_shinfo);
		hx_free(xvm);
		return NULL;
	}
	hx_xen_lock_init(&xvm->lock);
	xvm->host = host;
	xvm->cfg = *cfg;
	xvm->shinfo = xvm->boot_shinfo;
	xvm->shinfo_gfn = HX_XEN_NO_GFN;
	for (i = 0; i < HX_XEN_MAX_GNT_FRAMES; i++)
		xvm->grant_gfn[i] = HX_XEN_NO_GFN;
	hx_xen_clock_init(xvm);
	hx_xen_refresh_times(xvm);
	return xvm;
}

/* All vCPUs are gone; drops the guest pages and grant overlays it holds. */
void hx_xen_vm_free(struct hx_xen_vm *xvm)
{
	unsigned int i;

	if (!xvm)
		return;
	for (i = 0; i < HX_XEN_MAX_GNT_FRAMES; i++)
		if (xvm->grant_gfn[i] != HX_XEN_NO_GFN)
			hx_xen_host_unmap_gfn(xvm, xvm->grant_gfn[i]);
	if (xvm->shinfo_cookie)
		hx_xen_host_page_put(xvm, xvm->shinfo_cookie);
	hx_xen_free_big(xvm->ports);
	hx_xen_free_big(xvm->boot_shinfo);
	hx_free(xvm);
}

struct hx_xen_vcpu *hx_xen_vcpu_alloc(struct hx_xen_vm *xvm, void *host, u32 id)
{
	struct hx_xen_vcpu *xv;
	unsigned long fl = 0;

	if (id >= HX_XEN_MAX_VCPUS)
		return NULL;
	xv = hx_alloc(sizeof(*xv));
	if (!xv)
		return NULL;
	xv->xvm = xvm;
	xv->host = host;
	xv->id = id;
	hx_xen_lock(&xvm->lock, fl);
	if (xvm->vcpus[id]) {
		hx_xen_unlock(&xvm->lock, fl);
		hx_free(xv);
		return NULL;
	}
	xvm->vcpus[id] = xv;
	hx_xen_unlock(&xvm->lock, fl);
	return xv;
}

/*
 * The host has cancelled both timers.  Ports notifying this vCPU stay
 * bound (their events just stay in shared_info), as in Xen.
 */
void hx_xen_vcpu_free(struct hx_xen_vcpu *xv)
{
	struct hx_xen_vm *xvm;
	unsigned long fl = 0;
	void *cookies[2];

	if (!xv)
		return;
	xvm = xv->xvm;
	hx_xen_lock(&xvm->lock, fl);
	xvm->vcpus[xv->id] = NULL;
	if (xv->blocked)
		xvm->nr_blocked--;
	cookies[0] = xv->vi_reg ? xv->vi_cookie : NULL;
	cookies[1] = xv->time_area ? xv->time_cookie : NULL;
	hx_xen_unlock(&xvm->lock, fl);
	if (cookies[0])
		hx_xen_host_page_put(xvm, cookies[0]);
	if (cookies[1])
		hx_xen_host_page_put(xvm, cookies[1]);
	hx_free(xv);
}

/* ---- CPUID ---------------------------------------------------------- */

/*
 * Leaves 0x40000000..0x400000ff.  Linux's hypervisor_cpuid_base() looks
 * for the signature and at least two more leaves.  Leaves past the last
 * one read as zeros.
 */
bool hx_xen_do_cpuid(struct hx_xen_vcpu *xv, u32 leaf, u32 subleaf, u32 out[4])
{
	struct hx_xen_vm *xvm = xv->xvm;

	if (leaf < XEN_CPUID_BASE || leaf > XEN_CPUID_BASE + 0xff)
		return false;
	out[0] = out[1] = out[2] = out[3] = 0;
	switch (leaf - XEN_CPUID_BASE) {
	case 0:
		out[0] = XEN_CPUID_LAST;
		out[1] = XEN_CPUID_SIG_EBX;
		out[2] = XEN_CPUID_SIG_ECX;
		out[3] = XEN_CPUID_SIG_EDX;
		break;
	case 1:
		out[0] = xvm->cfg.version;
		break;
	case 2:
		out[0] = 1;			/* hypercall pages */
		out[1] = XEN_HCALL_PAGE_MSR;
		break;
	case 4:
		if (subleaf != 0)
			break;
		/* No APIC/x2APIC assists, no per-vCPU upcall vector (§A.1). */
		out[0] = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
		out[1] = xv->id;
		out[2] = xvm->cfg.domid;
		break;
	default:
		/* 3: time leaf (Linux 6.1 ignores it), 5: PV only. */
		break;
	}
	return true;
}

/* ---- Hypercall page ------------------------------------------------- */

/*
 * 128 stubs of 32 bytes: "mov eax, i; vmcall/vmmcall; ret"; the iret
 * stub is ud2 (PV only) [xen/arch/x86/hvm/vmx/vmx.c, hvm/svm/svm.c].
 */
void hx_xen_fill_hcall_page(u8 *page, bool vmcall)
{
	unsigned int i;

	memset(page, 0xcc, 4096);	/* int3 between stubs */
	for (i = 0; i < 4096 / 32; i++) {
		u8 *p = page + i * 32;

		if (i == XEN_HC_iret) {
			p[0] = 0x0f;
			p[1] = 0x0b;
			continue;
		}
		p[0] = 0xb8;
		p[1] = i & 0xff;
		p[2] = (i >> 8) & 0xff;
		p[3] = 0;
		p[4] = 0;
		p[5] = 0x0f;
		p[6] = 0x01;
		p[7] = vmcall ? 0xc1 : 0xd9;
		p[8] = 0xc3;
	}
}

/*
 * WRMSR 0x40000000: bits 63:12 = gfn, 11:0 = page index (only 0 exists).
 * Written through guest-physical memory: the guest maps it read-only.
 * Returns 0 or -XE_INVAL (the host injects #GP).
 */
int hx_xen_hcall_page_wrmsr(struct hx_xen_vcpu *xv, u64 val)
{
	void *page, *cookie;

	if (val & 0xfff)
		return -XE_INVAL;
	page = hx_xen_host_page_get(xv->xvm, val >> 12, &cookie);
	if (!page)
		return -XE_INVAL;
	hx_xen_fill_hcall_page(page, xv->xvm->cfg.vmcall);
	hx_xen_host_page_put(xv->xvm, cookie);
	return 0;
}

/* ---- Small hypercalls ------------------------------------------------ */

static long copy_string(struct hx_xen_vcpu *xv, u64 arg, const char *s, u32 size)
{
	char buf[1024];

	memset(buf, 0, size);
	strncpy(buf, s, size - 1);
	return hx_xen_host_copy_to_guest(xv, arg, buf, size) ? -XE_FAULT : 0;
}

static long hc_xen_version(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	u64 arg = hc->arg[1];
	u32 fi[2];

	switch (hc->arg[0]) {
	case XENVER_version:
		return xv->xvm->cfg.version;
	case XENVER_extraversion:
		return copy_string(xv, arg, XEN_EXTRAVERSION, 16);
	case XENVER_capabilities:
		return copy_string(xv, arg, XEN_CAPABILITIES, 1024);
	case XENVER_changeset:
		return copy_string(xv, arg, XEN_CHANGESET, 64);
	case XENVER_pagesize:
		return 4096;
	case XENVER_get_features:
		if (hx_xen_host_copy_from_guest(xv, fi, arg, sizeof(fi)))
			return -XE_FAULT;
		if (fi[0] != 0)
			return -XE_INVAL;
		fi[1] = XEN_FEATURES_SUBMAP0;
		return hx_xen_host_copy_to_guest(xv, arg, fi, sizeof(fi)) ? -XE_FAULT : 0;
	default:
		return -XE_NOSYS;
	}
}

static long hc_memory_op(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	return hx_xen_memory_op(xv, hc->arg[0], hc->arg[1]);
}

static long hc_set_timer_op(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	return hx_xen_set_timer_op(xv, hc->arg[0]);
}

/*
 * console_io is not implemented: with -ENOSYS Linux's raw console writes
 * to port 0xE9 instead (xen_raw_console_write), which the monitor shows
 * as its debug console.  No kernel buffer a guest could flood.
 */
static long hc_console_io(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	return -XE_NOSYS;
}

static long hc_grant_table_op(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	return hx_xen_grant_table_op(xv, (u32)hc->arg[0], hc->arg[1], (u32)hc->arg[2]);
}

/* Linux asks for runstate_update_flag and copes with a refusal. */
static long hc_vm_assist(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	return -XE_INVAL;
}

static long hc_vcpu_op(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	return hx_xen_vcpu_op(xv, (u32)hc->arg[0], (u32)hc->arg[1], hc->arg[2]);
}

static long hc_sched_op(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	return hx_xen_sched_op(xv, (u32)hc->arg[0], hc->arg[1], hc);
}

static long hc_event_channel_op(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	return hx_xen_evtchn_op(xv, (u32)hc->arg[0], hc->arg[1]);
}

static long hc_hvm_op(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	return hx_xen_hvm_op(xv, (u32)hc->arg[0], hc->arg[1]);
}

typedef long (*hx_xen_hcall_fn)(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc);

/* Everything else (platform_op, multicall, physdev_op, PV MMU) is -ENOSYS. */
static const hx_xen_hcall_fn hcall_table[XEN_NR_HYPERCALLS] = {
	[XEN_HC_memory_op]		= hc_memory_op,
	[XEN_HC_set_timer_op]		= hc_set_timer_op,
	[XEN_HC_xen_version]		= hc_xen_version,
	[XEN_HC_console_io]		= hc_console_io,
	[XEN_HC_grant_table_op]		= hc_grant_table_op,
	[XEN_HC_vm_assist]		= hc_vm_assist,
	[XEN_HC_vcpu_op]		= hc_vcpu_op,
	[XEN_HC_sched_op]		= hc_sched_op,
	[XEN_HC_event_channel_op]	= hc_event_channel_op,
	[XEN_HC_hvm_op]			= hc_hvm_op,
};

/*
 * One VMCALL/VMMCALL.  The host reads the registers into @hc and then,
 * whatever the action, writes hc->ret to RAX and moves RIP past the
 * 3-byte instruction.
 */
void hx_xen_do_hypercall(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc)
{
	hc->action = HX_XEN_ACT_DONE;
	/* The vCPU runs again: a previous SCHEDOP_poll/block is over. */
	if (hx_unlikely(xv->blocked))
		hx_xen_block_end(xv);
	if (hc->cpl != 0)
		hc->ret = -XE_PERM;
	else if (hc->nr >= XEN_NR_HYPERCALLS || !hcall_table[hc->nr])
		hc->ret = -XE_NOSYS;
	else
		hc->ret = hcall_table[hc->nr](xv, hc);
}

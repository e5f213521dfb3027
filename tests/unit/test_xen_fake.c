// SPDX-License-Identifier: GPL-2.0
/* The fake host behind the test_xen_*.c suites (see test_xen_fake.h). */
#include <stdlib.h>
#include <CUnit/CUnit.h>
#include "test_xen_fake.h"
#include "hx_pgwalk.h"

struct fake_host fh;

#define PTE_P		0x1ULL
#define PTE_W		0x2ULL
#define PT_PML4		1
#define PT_PDPT		2
#define PT_PD		3
#define PT_PT		4		/* 1 table: GVA base + 0..2 MiB */

static u64 *table(unsigned int page)
{
	return (u64 *)(fh.mem + page * 4096);
}

/* GVA FAKE_GVA_BASE + x maps GPA x, 4 KiB pages, except hole and swap. */
static void build_page_tables(void)
{
	u64 gva = FAKE_GVA_BASE;
	unsigned int i;

	table(PT_PML4)[(gva >> 39) & 511] = PT_PDPT * 4096ULL | PTE_P | PTE_W;
	table(PT_PDPT)[(gva >> 30) & 511] = PT_PD * 4096ULL | PTE_P | PTE_W;
	table(PT_PD)[(gva >> 21) & 511] = PT_PT * 4096ULL | PTE_P | PTE_W;
	for (i = 0; i < FAKE_PAGES; i++) {
		u64 target = i;

		if (i == FAKE_HOLE_PAGE)
			continue;
		if (i == FAKE_SWAP_PAGE)
			target = i + 1;
		else if (i == FAKE_SWAP_PAGE + 1)
			target = i - 1;
		table(PT_PT)[i] = target * 4096 | PTE_P | PTE_W;
	}
}

void fake_reset(void)
{
	u8 *mem = fh.mem ? fh.mem : aligned_alloc(4096, FAKE_PAGES * 4096);
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
	memset(&fh, 0, sizeof(fh));
	fh.mem = mem;
	memset(fh.mem, 0, FAKE_PAGES * 4096);
	fh.tsc = 1000000;
	for (i = 0; i < HX_XEN_MAX_GNT_FRAMES; i++)
		fh.grant_map[i] = HX_XEN_NO_GFN;
	build_page_tables();
}

struct hx_xen_vm *fake_vm(unsigned int nr_vcpus)
{
	struct hx_xen_config cfg = {
		.domid = 1, .version = 0x0004000f, .max_grant_frames = 64,
		.vmcall = false, .tsc_khz = FAKE_TSC_KHZ, .tsc_stable = true,
		.wallclock_ns = 1700000000123456789ULL,
	};
	struct hx_xen_vm *xvm;
	unsigned int i;

	fake_reset();
	xvm = hx_xen_vm_alloc(NULL, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(xvm);
	for (i = 0; i < nr_vcpus; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(hx_xen_vcpu_alloc(xvm, NULL, i));
	return xvm;
}

void fake_vm_free(struct hx_xen_vm *xvm)
{
	unsigned int i;

	for (i = 0; i < HX_XEN_MAX_VCPUS; i++)
		hx_xen_vcpu_free(xvm->vcpus[i]);
	hx_xen_vm_free(xvm);
	CU_ASSERT_EQUAL(fh.page_refs, 0);
}

void fake_put(u64 gpa, const void *buf, u32 len)
{
	CU_ASSERT_FATAL(gpa + len <= FAKE_PAGES * 4096ULL);
	memcpy(fh.mem + gpa, buf, len);
}

void fake_get(u64 gpa, void *buf, u32 len)
{
	CU_ASSERT_FATAL(gpa + len <= FAKE_PAGES * 4096ULL);
	memcpy(buf, fh.mem + gpa, len);
}

long fake_hcall(struct hx_xen_vcpu *xv, u64 nr, u64 a0, u64 a1, u64 a2)
{
	struct hx_xen_hcall hc = {
		.nr = nr, .arg = { a0, a1, a2 }, .cpl = 0,
	};

	hx_xen_do_hypercall(xv, &hc);
	return hc.ret;
}

long fake_hcall_arg(struct hx_xen_vcpu *xv, u64 nr, u64 cmd, void *arg, u32 len)
{
	long rc;

	fake_put(FAKE_SCRATCH, arg, len);
	rc = fake_hcall(xv, nr, cmd, fake_gva(FAKE_SCRATCH), 1);
	fake_get(FAKE_SCRATCH, arg, len);
	return rc;
}

void fake_map_shinfo(struct hx_xen_vcpu *xv, u64 gfn)
{
	struct xen_add_to_physmap a = {
		.domid = XEN_DOMID_SELF, .space = XENMAPSPACE_shared_info,
		.idx = 0, .gpfn = gfn,
	};

	CU_ASSERT_EQUAL(fake_hcall_arg(xv, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), 0);
}

void fake_set_callback(struct hx_xen_vcpu *xv)
{
	struct xen_hvm_param p = {
		.domid = XEN_DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
		.value = 0x02000000000000f3ULL,
	};

	CU_ASSERT_EQUAL(fake_hcall_arg(xv, XEN_HC_hvm_op, HVMOP_set_param,
				       &p, sizeof(p)), 0);
}

struct hx_xen_shinfo *fake_shinfo(struct hx_xen_vm *xvm)
{
	return xvm->shinfo;
}

/* ---- Host services ---------------------------------------------------- */

static int fake_read_gpa(void *opaque, u64 gpa, void *buf, u32 len)
{
	if (gpa + len > FAKE_PAGES * 4096ULL || gpa + len < gpa)
		return -EFAULT;
	memcpy(buf, fh.mem + gpa, len);
	return 0;
}

static int fake_write_gpa(void *opaque, u64 gpa, const void *buf, u32 len)
{
	if (gpa + len > FAKE_PAGES * 4096ULL || gpa + len < gpa)
		return -EFAULT;
	memcpy(fh.mem + gpa, buf, len);
	return 0;
}

static void walk_ctx(struct hx_walk_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->cr0 = (1ULL << 31) | (1ULL << 16) | 1;	/* PG, WP, PE */
	c->cr3 = PT_PML4 * 4096ULL;
	c->cr4 = 1ULL << 5;				/* PAE */
	c->efer = (1ULL << 8) | (1ULL << 10) | (1ULL << 11);	/* LME LMA NXE */
	c->read_gpa = fake_read_gpa;
	c->write_gpa = fake_write_gpa;
}

int hx_xen_host_copy_from_guest(struct hx_xen_vcpu *xv, void *buf, u64 gva, u32 len)
{
	struct hx_walk_ctx c;

	walk_ctx(&c);
	return hx_copy_from_guest(&c, buf, gva, len) ? -XE_FAULT : 0;
}

int hx_xen_host_copy_to_guest(struct hx_xen_vcpu *xv, u64 gva, const void *buf, u32 len)
{
	struct hx_walk_ctx c;

	walk_ctx(&c);
	return hx_copy_to_guest(&c, gva, buf, len) ? -XE_FAULT : 0;
}

int hx_xen_host_gva_to_gpa(struct hx_xen_vcpu *xv, u64 gva, u64 *gpa)
{
	struct hx_walk_ctx c;

	walk_ctx(&c);
	return hx_gva_to_gpa(&c, gva, HX_ACC_WRITE, gpa) ? -XE_FAULT : 0;
}

int hx_xen_host_balloon_out(struct hx_xen_vm *xvm, u64 gfn)
{
	if (gfn >= FAKE_PAGES || fh.ballooned[gfn])
		return -XE_INVAL;
	fh.ballooned[gfn] = true;
	fh.nr_ballooned++;
	return 0;
}

int hx_xen_host_balloon_in(struct hx_xen_vm *xvm, u64 gfn)
{
	if (gfn >= FAKE_PAGES)
		return -XE_INVAL;
	if (fh.ballooned[gfn]) {
		fh.ballooned[gfn] = false;
		fh.nr_ballooned--;
		return 0;
	}
	return fh.nr_ballooned ? 0 : -XE_INVAL;
}

void hx_xen_host_reservation(struct hx_xen_vm *xvm, u64 *cur, u64 *max)
{
	*max = FAKE_PAGES;
	*cur = FAKE_PAGES - fh.nr_ballooned;
}

bool hx_xen_host_is_ram(struct hx_xen_vm *xvm, u64 gfn)
{
	return gfn < FAKE_PAGES;
}

void *hx_xen_host_page_get(struct hx_xen_vm *xvm, u64 gfn, void **cookie)
{
	if (gfn >= FAKE_PAGES)
		return NULL;
	fh.page_refs++;
	*cookie = fh.mem + gfn * 4096;
	return *cookie;
}

void hx_xen_host_page_put(struct hx_xen_vm *xvm, void *cookie)
{
	CU_ASSERT_PTR_NOT_NULL(cookie);
	fh.page_refs--;
}

int hx_xen_host_map_grant(struct hx_xen_vm *xvm, u32 idx, u64 gfn)
{
	fh.grant_map[idx] = gfn;
	return 0;
}

void hx_xen_host_unmap_gfn(struct hx_xen_vm *xvm, u64 gfn)
{
	unsigned int i;

	fh.unmaps++;
	for (i = 0; i < HX_XEN_MAX_GNT_FRAMES; i++)
		if (fh.grant_map[i] == gfn)
			fh.grant_map[i] = HX_XEN_NO_GFN;
}

u32 hx_xen_host_memory_map(struct hx_xen_vm *xvm, struct xen_e820_entry *e, u32 max)
{
	if (!max)
		return 0;
	e[0].addr = 0;
	e[0].size = FAKE_PAGES * 4096ULL;
	e[0].type = 1;
	return 1;
}

u64 hx_xen_host_guest_tsc(struct hx_xen_vm *xvm)
{
	return fh.tsc;
}

void hx_xen_host_kick(struct hx_xen_vcpu *xv)
{
	fh.kicks[xv->id]++;
}

void hx_xen_host_timer_arm(struct hx_xen_vcpu *xv, int which, u64 delta_ns)
{
	fh.timer_armed[xv->id][which] = true;
	fh.timer_delta[xv->id][which] = delta_ns;
}

void hx_xen_host_timer_cancel(struct hx_xen_vcpu *xv, int which)
{
	fh.timer_armed[xv->id][which] = false;
}

void hx_xen_host_notify(struct hx_xen_vm *xvm, u32 port)
{
	fh.notified[port]++;
}

void hx_xen_host_port_release(struct hx_xen_vm *xvm, u32 port)
{
	fh.released[port]++;
}

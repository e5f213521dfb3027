// SPDX-License-Identifier: GPL-2.0
/*
 * Xen CPUID leaves, the hypercall page, dispatch rules, xen_version,
 * memory_op, grant_table_op and hvm_op (xen-abi.md §A, §C.1-C.3, §C.6).
 */
#include "unit.h"
#include "test_xen_fake.h"

static void test_cpuid_leaves(void)
{
	struct hx_xen_vm *xvm = fake_vm(3);
	u32 r[4];

	CU_ASSERT_TRUE(hx_xen_do_cpuid(xvm->vcpus[0], 0x40000000, 0, r));
	CU_ASSERT_EQUAL(r[0], 0x40000005);
	CU_ASSERT_EQUAL(memcmp(&r[1], "XenVMMXenVMM", 12), 0);
	CU_ASSERT_TRUE(hx_xen_do_cpuid(xvm->vcpus[0], 0x40000001, 0, r));
	CU_ASSERT_EQUAL(r[0], 0x0004000f);
	CU_ASSERT_TRUE(hx_xen_do_cpuid(xvm->vcpus[0], 0x40000002, 0, r));
	CU_ASSERT_EQUAL(r[0], 1);
	CU_ASSERT_EQUAL(r[1], 0x40000000);
	CU_ASSERT_TRUE(hx_xen_do_cpuid(xvm->vcpus[2], 0x40000004, 0, r));
	CU_ASSERT_EQUAL(r[0], 0x18);	/* VCPU_ID_PRESENT | DOMID_PRESENT */
	CU_ASSERT_EQUAL(r[1], 2);
	CU_ASSERT_EQUAL(r[2], 1);
	CU_ASSERT_TRUE(hx_xen_do_cpuid(xvm->vcpus[2], 0x40000004, 1, r));
	CU_ASSERT_EQUAL(r[0] | r[1] | r[2] | r[3], 0);
	CU_ASSERT_TRUE(hx_xen_do_cpuid(xvm->vcpus[0], 0x400000ff, 0, r));
	CU_ASSERT_EQUAL(r[0] | r[1] | r[2] | r[3], 0);
	CU_ASSERT_FALSE(hx_xen_do_cpuid(xvm->vcpus[0], 0x40000100, 0, r));
	CU_ASSERT_FALSE(hx_xen_do_cpuid(xvm->vcpus[0], 1, 0, r));
	fake_vm_free(xvm);
}

static void check_stubs(const u8 *pg, u8 last)
{
	unsigned int i;

	for (i = 0; i < 128; i++) {
		const u8 *p = pg + i * 32;

		if (i == XEN_HC_iret) {
			CU_ASSERT(p[0] == 0x0f && p[1] == 0x0b);
			continue;
		}
		CU_ASSERT_EQUAL(p[0], 0xb8);
		CU_ASSERT_EQUAL(p[1] | p[2] << 8 | p[3] << 16 | (u32)p[4] << 24, i);
		CU_ASSERT(p[5] == 0x0f && p[6] == 0x01 && p[7] == last);
		CU_ASSERT_EQUAL(p[8], 0xc3);
	}
}

static void test_hypercall_page(void)
{
	struct hx_xen_vm *xvm = fake_vm(1);
	u8 page[4096];

	CU_ASSERT_EQUAL(hx_xen_hcall_page_wrmsr(xvm->vcpus[0], 100 * 4096ULL), 0);
	check_stubs(fh.mem + 100 * 4096, 0xd9);		/* VMMCALL */
	hx_xen_fill_hcall_page(page, true);
	check_stubs(page, 0xc1);			/* VMCALL */
	CU_ASSERT_EQUAL(hx_xen_hcall_page_wrmsr(xvm->vcpus[0], 100 * 4096ULL + 1),
			-XE_INVAL);
	CU_ASSERT_EQUAL(hx_xen_hcall_page_wrmsr(xvm->vcpus[0], 1ULL << 40), -XE_INVAL);
	fake_vm_free(xvm);
}

static void test_dispatch_rules(void)
{
	struct hx_xen_vm *xvm = fake_vm(1);
	struct hx_xen_hcall hc = { .nr = XEN_HC_xen_version, .cpl = 3 };

	hx_xen_do_hypercall(xvm->vcpus[0], &hc);
	CU_ASSERT_EQUAL(hc.ret, -XE_PERM);
	hc.cpl = 0;
	hx_xen_do_hypercall(xvm->vcpus[0], &hc);
	CU_ASSERT_EQUAL(hc.ret, 0x0004000f);
	CU_ASSERT_EQUAL(hc.action, HX_XEN_ACT_DONE);
	CU_ASSERT_EQUAL(fake_hcall(xvm->vcpus[0], 64, 0, 0, 0), -XE_NOSYS);
	CU_ASSERT_EQUAL(fake_hcall(xvm->vcpus[0], ~0ULL, 0, 0, 0), -XE_NOSYS);
	CU_ASSERT_EQUAL(fake_hcall(xvm->vcpus[0], 13 /* multicall */, 0, 0, 0), -XE_NOSYS);
	CU_ASSERT_EQUAL(fake_hcall(xvm->vcpus[0], XEN_HC_vm_assist, 0, 5, 0), -XE_INVAL);
	CU_ASSERT_EQUAL(fake_hcall(xvm->vcpus[0], XEN_HC_console_io, 0, 1,
				   fake_gva(FAKE_SCRATCH)), -XE_NOSYS);
	fake_vm_free(xvm);
}

static void test_xen_version(void)
{
	struct hx_xen_vm *xvm = fake_vm(1);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0];
	u32 fi[2] = { 0, 0 };
	char extra[16];

	memset(fh.mem + FAKE_SCRATCH, 'x', 16);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_xen_version, XENVER_extraversion,
				   fake_gva(FAKE_SCRATCH), 0), 0);
	fake_get(FAKE_SCRATCH, extra, 16);
	CU_ASSERT_STRING_EQUAL(extra, ".0");
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_xen_version, XENVER_get_features,
				       fi, sizeof(fi)), 0);
	CU_ASSERT_EQUAL(fi[1], 0x30f);
	fi[0] = 1;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_xen_version, XENVER_get_features,
				       fi, sizeof(fi)), -XE_INVAL);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_xen_version, XENVER_get_features,
				   fake_gva(FAKE_HOLE_PAGE * 4096ULL), 0), -XE_FAULT);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_xen_version, XENVER_pagesize, 0, 0), 4096);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_xen_version, 10 /* build_id */, 0, 0),
			-XE_NOSYS);
	fake_vm_free(xvm);
}

static void test_shared_info_mapping(void)
{
	struct hx_xen_vm *xvm = fake_vm(2);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0];
	struct xen_add_to_physmap a = {
		.domid = XEN_DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = 30,
	};
	struct hx_xen_shinfo *s;

	memset(fh.mem + 30 * 4096, 0x5a, 4096);		/* old RAM contents */
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), 0);
	s = (struct hx_xen_shinfo *)(fh.mem + 30 * 4096);
	CU_ASSERT_PTR_EQUAL(xvm->shinfo, s);
	CU_ASSERT_EQUAL(s->evtchn_mask[5], 0);
	CU_ASSERT_EQUAL(fh.mem[30 * 4096 + 4095], 0);
	/* Time and wallclock are filled at once, with even versions. */
	CU_ASSERT_EQUAL(s->vcpu_info[0].time.tsc_to_system_mul, xvm->clock.mul);
	CU_ASSERT_EQUAL(s->vcpu_info[1].time.tsc_timestamp, xvm->clock.tsc_ref);
	CU_ASSERT_EQUAL(s->vcpu_info[0].time.version % 2, 0);
	CU_ASSERT_NOT_EQUAL(s->vcpu_info[0].time.version, 0);
	CU_ASSERT_EQUAL(s->vcpu_info[0].time.flags, XEN_PVCLOCK_TSC_STABLE);
	CU_ASSERT_EQUAL(s->wc_sec, 1700000000);
	CU_ASSERT_EQUAL(s->wc_nsec, 123456789);
	CU_ASSERT_EQUAL(s->wc_version % 2, 0);
	/* Remap: contents follow, the old page is released. */
	s->evtchn_mask[1] = 0xabcd;
	a.gpfn = 31;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(((struct hx_xen_shinfo *)(fh.mem + 31 * 4096))->evtchn_mask[1],
			0xabcd);
	CU_ASSERT_EQUAL(fh.page_refs, 1);
	/* Errors. */
	a.idx = 1;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), -XE_INVAL);
	a.idx = 0;
	a.gpfn = FAKE_PAGES;	/* not RAM */
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), -XE_INVAL);
	a.domid = 3;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), -XE_SRCH);
	a.domid = XEN_DOMID_SELF;
	a.space = 9;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), -XE_INVAL);
	fake_vm_free(xvm);
}

static void test_grant_table(void)
{
	struct hx_xen_vm *xvm = fake_vm(1);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0];
	struct xen_gnttab_query_size q = { .dom = XEN_DOMID_SELF };
	struct xen_gnttab_get_version gv = { .dom = XEN_DOMID_SELF };
	struct xen_add_to_physmap a = {
		.domid = XEN_DOMID_SELF, .space = XENMAPSPACE_grant_table,
	};
	u32 ver = 2;

	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_grant_table_op, GNTTABOP_query_size,
				       &q, sizeof(q)), 0);
	CU_ASSERT_EQUAL(q.status, GNTST_okay);
	CU_ASSERT_EQUAL(q.nr_frames, 0);
	CU_ASSERT_EQUAL(q.max_nr_frames, 64);
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_grant_table_op, GNTTABOP_set_version,
				       &ver, 4), -XE_NOSYS);
	ver = 1;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_grant_table_op, GNTTABOP_set_version,
				       &ver, 4), 0);
	ver = 3;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_grant_table_op, GNTTABOP_set_version,
				       &ver, 4), -XE_INVAL);
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_grant_table_op, GNTTABOP_get_version,
				       &gv, sizeof(gv)), 0);
	CU_ASSERT_EQUAL(gv.version, 1);
	/* Frames 3 then 0 at non-RAM gfns; nr_frames = max + 1. */
	a.idx = 3;
	a.gpfn = 0x80000;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), 0);
	a.idx = 0;
	a.gpfn = 0x80003;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(fh.grant_map[3], 0x80000);
	CU_ASSERT_EQUAL(fh.grant_map[0], 0x80003);
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_grant_table_op, GNTTABOP_query_size,
				       &q, sizeof(q)), 0);
	CU_ASSERT_EQUAL(q.nr_frames, 4);
	/* Moving a frame unmaps the old place. */
	a.gpfn = 0x90000;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(fh.unmaps, 1);
	CU_ASSERT_EQUAL(fh.grant_map[0], 0x90000);
	/* Errors: idx >= max, status frames, RAM gfn, count != 1, bad domain. */
	a.idx = 64;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), -XE_INVAL);
	a.idx = XENMAPIDX_grant_table_status;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), -XE_INVAL);
	a.idx = 1;
	a.gpfn = 40;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				       &a, sizeof(a)), -XE_INVAL);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_grant_table_op, GNTTABOP_query_size,
				   fake_gva(FAKE_SCRATCH), 2), -XE_INVAL);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_grant_table_op, 2 /* setup_table */,
				   fake_gva(FAKE_SCRATCH), 1), -XE_NOSYS);
	q.dom = 0;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_grant_table_op, GNTTABOP_query_size,
				       &q, sizeof(q)), 0);
	CU_ASSERT_EQUAL(q.status, GNTST_bad_domain);
	fake_vm_free(xvm);
	CU_ASSERT_EQUAL(fh.grant_map[0], HX_XEN_NO_GFN);
	CU_ASSERT_EQUAL(fh.grant_map[3], HX_XEN_NO_GFN);
}

static void test_memory_map_and_balloon(void)
{
	struct hx_xen_vm *xvm = fake_vm(1);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0];
	struct xen_memory_map m = { .nr_entries = 8, .buffer = fake_gva(FAKE_SCRATCH + 256) };
	struct xen_memory_reservation r = {
		.extent_start = fake_gva(FAKE_SCRATCH + 512), .nr_extents = 3,
		.domid = XEN_DOMID_SELF,
	};
	u64 gfns[3] = { 100, 101, FAKE_PAGES + 5 };
	struct xen_e820_entry e;
	u16 dom;

	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_memory_map,
				       &m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(m.nr_entries, 1);
	fake_get(FAKE_SCRATCH + 256, &e, sizeof(e));
	CU_ASSERT_EQUAL(e.size, FAKE_PAGES * 4096ULL);
	CU_ASSERT_EQUAL(e.type, 1);
	m.nr_entries = 0;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_memory_map,
				       &m, sizeof(m)), -XE_INVAL);
	/* Balloon: extents done until the first non-RAM frame. */
	fake_put(FAKE_SCRATCH + 512, gfns, sizeof(gfns));
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_decrease_reservation,
				       &r, sizeof(r)), 2);
	CU_ASSERT(fh.ballooned[100] && fh.ballooned[101]);
	dom = XEN_DOMID_SELF;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_current_reservation,
				       &dom, sizeof(dom)), FAKE_PAGES - 2);
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_maximum_reservation,
				       &dom, sizeof(dom)), FAKE_PAGES);
	dom = 5;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_current_reservation,
				       &dom, sizeof(dom)), -XE_SRCH);
	/* More than it has: 100 is out already, nothing done. */
	r.nr_extents = 2;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_decrease_reservation,
				       &r, sizeof(r)), 0);
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_populate_physmap,
				       &r, sizeof(r)), 2);
	CU_ASSERT(!fh.ballooned[100] && !fh.ballooned[101]);
	/* Beyond the maximum: all present, so a populate is refused. */
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_populate_physmap,
				       &r, sizeof(r)), 0);
	/* Beyond RAM: the third frame stops a populate too. */
	fake_put(FAKE_SCRATCH + 512, (u64[]){ 7, FAKE_PAGES + 5 }, 16);
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_decrease_reservation,
				       &r, sizeof(r)), 1);
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_populate_physmap,
				       &r, sizeof(r)), 1);
	r.extent_start = fake_gva(FAKE_HOLE_PAGE * 4096ULL);
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_populate_physmap,
				       &r, sizeof(r)), -XE_FAULT);
	r.extent_order = 9;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_memory_op, XENMEM_populate_physmap,
				       &r, sizeof(r)), -XE_INVAL);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_memory_op, 5 /* minimum_reservation */,
				   0, 0), -XE_NOSYS);
	fake_vm_free(xvm);
}

static void test_hvm_params(void)
{
	struct hx_xen_vm *xvm = fake_vm(1);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0];
	struct xen_hvm_param p = { .domid = XEN_DOMID_SELF, .index = 1 };
	u64 v;

	CU_ASSERT_EQUAL(hx_xen_param_set(xvm, 1, 0xfeffc), 0);
	CU_ASSERT_EQUAL(hx_xen_param_set(xvm, 2, 3), 0);
	CU_ASSERT_EQUAL(hx_xen_param_set(xvm, HVM_NR_PARAMS, 3), -XE_INVAL);
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_hvm_op, HVMOP_get_param, &p, sizeof(p)), 0);
	CU_ASSERT_EQUAL(p.value, 0xfeffc);
	p.index = 2;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_hvm_op, HVMOP_get_param, &p, sizeof(p)), 0);
	CU_ASSERT_EQUAL(p.value, 3);
	/* The guest may not change the store page. */
	p.index = 1;
	p.value = 7;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_hvm_op, HVMOP_set_param, &p, sizeof(p)),
			-XE_PERM);
	p.index = HVM_NR_PARAMS;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_hvm_op, HVMOP_get_param, &p, sizeof(p)),
			-XE_INVAL);
	/* Callback: vector type only. */
	p.index = HVM_PARAM_CALLBACK_IRQ;
	p.value = 5;	/* GSI 5 */
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_hvm_op, HVMOP_set_param, &p, sizeof(p)),
			-XE_INVAL);
	fake_set_callback(v0);
	CU_ASSERT_EQUAL(xvm->callback_vector, 0xf3);
	CU_ASSERT_EQUAL(hx_xen_param_get(xvm, 0, &v), 0);
	CU_ASSERT_EQUAL(v, 0x02000000000000f3ULL);
	p.domid = 0;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_hvm_op, HVMOP_get_param, &p, sizeof(p)),
			-XE_PERM);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_hvm_op, HVMOP_pagetable_dying,
				   fake_gva(FAKE_SCRATCH), 0), -XE_NOSYS);
	fake_vm_free(xvm);
}

static const CU_TestInfo xen_hcall_tests[] = {
	{ "CPUID 0x40000000-0x400000ff", test_cpuid_leaves },
	{ "hypercall page stubs and MSR", test_hypercall_page },
	{ "dispatch: CPL, unknown numbers", test_dispatch_rules },
	{ "xen_version and features", test_xen_version },
	{ "shared_info adopt, remap, errors", test_shared_info_mapping },
	{ "grant table ops and frames", test_grant_table },
	{ "memory_map and balloon", test_memory_map_and_balloon },
	{ "HVM params get/set", test_hvm_params },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(xen_hcall, xen_hcall_tests);

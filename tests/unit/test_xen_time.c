// SPDX-License-Identifier: GPL-2.0
/*
 * pvclock arithmetic (xen-abi.md §E), the single-shot timer, set_timer_op
 * and the per-vCPU VCPUOP_* registrations (§C.4).
 */
#include "unit.h"
#include "test_xen_fake.h"

#define SHINFO_GFN	20

/* The guest's side, written from the formulas in xen-abi.md §E.1. */
static u64 guest_ns(const struct hx_xen_time_info *t, u64 tsc)
{
	u64 d = tsc - t->tsc_timestamp;

	if (t->tsc_shift < 0)
		d >>= -t->tsc_shift;
	else
		d <<= t->tsc_shift;
	return t->system_time + (u64)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
}

static u64 guest_tsc_khz(u32 mul, s8 shift)
{
	u64 khz = (1000000ULL << 32) / mul;

	return shift < 0 ? khz << -shift : khz >> shift;
}

static void test_pvclock_params(void)
{
	static const u64 freqs[] = {
		1000, 32768, 999999, 1000000, 1000001, 1193182, 2000000,
		2400000, 2899999, 3000000, 3600000, 4999999, 9000000,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(freqs); i++) {
		u64 khz = freqs[i], delta;
		long long slack;
		u32 mul;
		s8 shift;

		hx_xen_pvclock_params(khz, &mul, &shift);
		CU_ASSERT(mul >= 0x80000000u);		/* full precision */
		/*
		 * Linux derives tsc_khz from mul/shift; its integer division
		 * is scaled by 2^-shift for GHz clocks (shift < 0), so that is
		 * the granularity it can see.
		 */
		slack = shift < 0 ? 1 << -shift : 1;
		CU_ASSERT(llabs((long long)guest_tsc_khz(mul, shift) - (long long)khz) <= slack);
		/*
		 * ns for deltas from 1 tick to ~1 hour: error < 1 ppm, plus
		 * the ticks a negative shift drops and the final truncation.
		 */
		for (delta = 1; delta < khz * 1000 * 3600; delta = delta * 7 + 3) {
			struct hx_xen_time_info t = {
				.tsc_to_system_mul = mul, .tsc_shift = shift,
			};
			long double exact = (long double)delta * 1e6L / khz;
			long double got = guest_ns(&t, delta);
			long double err = got > exact ? got - exact : exact - got;

			CU_ASSERT(err <= exact * 1e-6L + slack * 1e6L / khz + 1.0L);
			CU_ASSERT_EQUAL(hx_xen_pvclock_scale(delta, mul, shift),
					guest_ns(&t, delta));
		}
	}
}

static void test_time_info_protocol(void)
{
	struct hx_xen_vm *xvm = fake_vm(1);
	struct hx_xen_time_info t = { .version = 6 };

	hx_xen_write_time(&xvm->clock, &t);
	CU_ASSERT_EQUAL(t.version, 8);
	t.version = 9;		/* an interrupted update: odd */
	hx_xen_write_time(&xvm->clock, &t);
	CU_ASSERT_EQUAL(t.version, 10);
	CU_ASSERT_EQUAL(t.tsc_timestamp, xvm->clock.tsc_ref);
	CU_ASSERT_EQUAL(t.system_time, 0);
	/* now = scale(tsc - ref): 2 GHz → 2 ticks per ns. */
	fh.tsc = xvm->clock.tsc_ref + 2000000000ULL;
	CU_ASSERT_EQUAL(hx_xen_now_ns(xvm), 1000000000ULL);
	CU_ASSERT_EQUAL(guest_ns(&t, fh.tsc), hx_xen_now_ns(xvm));
	fake_vm_free(xvm);
}

static void test_tsc_stable_flag(void)
{
	struct hx_xen_config cfg = { .domid = 1, .version = 0x4000f,
				     .max_grant_frames = 1, .tsc_khz = 1000000 };
	struct hx_xen_vm *xvm;

	fake_reset();
	xvm = hx_xen_vm_alloc(NULL, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(xvm);
	CU_ASSERT_EQUAL(xvm->clock.flags, 0);
	CU_ASSERT_EQUAL(xvm->shinfo->vcpu_info[0].time.flags, 0);
	hx_xen_vm_free(xvm);
	cfg.max_grant_frames = 65;
	CU_ASSERT_PTR_NULL(hx_xen_vm_alloc(NULL, &cfg));
}

static long sshot(struct hx_xen_vcpu *xv, u32 vcpu, u64 deadline, u32 flags)
{
	struct xen_vcpu_set_singleshot_timer st = {
		.timeout_abs_ns = deadline, .flags = flags,
	};

	fake_put(FAKE_SCRATCH, &st, sizeof(st));
	return fake_hcall(xv, XEN_HC_vcpu_op, VCPUOP_set_singleshot_timer, vcpu,
			  fake_gva(FAKE_SCRATCH));
}

static void test_singleshot_timer(void)
{
	struct hx_xen_vm *xvm = fake_vm(2);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0];
	struct xen_evtchn_bind_virq b = { .virq = XEN_VIRQ_TIMER, .vcpu = 0 };
	struct hx_xen_shinfo *s;
	u64 now;

	fake_map_shinfo(v0, SHINFO_GFN);
	fake_set_callback(v0);
	s = xvm->shinfo;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_event_channel_op, EVTCHNOP_bind_virq,
				       &b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0), 0);
	fh.tsc += 2000000;			/* +1 ms */
	now = hx_xen_now_ns(xvm);
	/* Future deadline: host timer armed with the remaining time. */
	CU_ASSERT_EQUAL(sshot(v0, 0, now + 250000, 0), 0);
	CU_ASSERT_TRUE(fh.timer_armed[0][HX_XEN_TIMER_SSHOT]);
	CU_ASSERT_EQUAL(fh.timer_delta[0][HX_XEN_TIMER_SSHOT], 250000);
	CU_ASSERT_FALSE(hx_test_bit64(s->evtchn_pending, b.port));
	/* Expiry: VIRQ_TIMER pending on vCPU 0, upcall, kick; then disarmed. */
	hx_xen_timer_expired(v0);
	CU_ASSERT_TRUE(hx_test_bit64(s->evtchn_pending, b.port));
	CU_ASSERT_EQUAL(hx_xen_upcall_vector(v0), 0xf3);
	CU_ASSERT_FALSE(v0->timer_armed);
	s->evtchn_pending[0] = 0;
	hx_xen_timer_expired(v0);		/* stale expiry: nothing */
	CU_ASSERT_FALSE(hx_test_bit64(s->evtchn_pending, b.port));
	/* Past deadline fires at once; with the future flag: -ETIME. */
	CU_ASSERT_EQUAL(sshot(v0, 0, now - 1, 0), 0);
	CU_ASSERT_TRUE(hx_test_bit64(s->evtchn_pending, b.port));
	CU_ASSERT_FALSE(fh.timer_armed[0][HX_XEN_TIMER_SSHOT]);
	CU_ASSERT_EQUAL(sshot(v0, 0, now - 1, VCPU_SSHOTTMR_future), -XE_TIME);
	/* Only for the calling vCPU; stop cancels. */
	CU_ASSERT_EQUAL(sshot(v0, 1, now + 1000, 0), -XE_INVAL);
	CU_ASSERT_EQUAL(sshot(v0, 5, now + 1000, 0), -XE_NOENT);
	CU_ASSERT_EQUAL(sshot(v0, 0, now + 1000, 0), 0);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_vcpu_op, VCPUOP_stop_singleshot_timer, 1, 0),
			-XE_INVAL);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0), 0);
	CU_ASSERT_FALSE(fh.timer_armed[0][HX_XEN_TIMER_SSHOT]);
	CU_ASSERT_FALSE(v0->timer_armed);
	/* Unbound VIRQ_TIMER: the expiry is dropped. */
	CU_ASSERT_EQUAL(sshot(xvm->vcpus[1], 1, now - 1, 0), 0);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_vcpu_op, 6 /* set_periodic */, 0, 0),
			-XE_NOSYS);
	fake_vm_free(xvm);
}

static void test_set_timer_op(void)
{
	struct hx_xen_vm *xvm = fake_vm(1);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0];
	u64 now = hx_xen_now_ns(xvm);

	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_set_timer_op, now + 5000, 0, 0), 0);
	CU_ASSERT_EQUAL(fh.timer_delta[0][HX_XEN_TIMER_SSHOT], 5000);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_set_timer_op, now + (1ULL << 51), 0, 0), 0);
	CU_ASSERT_EQUAL(fh.timer_delta[0][HX_XEN_TIMER_SSHOT], 100000000);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_set_timer_op, 1ULL << 63, 0, 0), 0);
	CU_ASSERT_EQUAL(fh.timer_delta[0][HX_XEN_TIMER_SSHOT], 100000000);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_set_timer_op, 0, 0, 0), 0);
	CU_ASSERT_FALSE(fh.timer_armed[0][HX_XEN_TIMER_SSHOT]);
	fake_vm_free(xvm);
}

static long reg_vcpu_info(struct hx_xen_vcpu *xv, u32 vcpu, u64 gfn, u32 off)
{
	struct xen_vcpu_register_vcpu_info r = { .mfn = gfn, .offset = off };

	fake_put(FAKE_SCRATCH, &r, sizeof(r));
	return fake_hcall(xv, XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, vcpu,
			  fake_gva(FAKE_SCRATCH));
}

static void test_register_vcpu_info(void)
{
	struct hx_xen_vm *xvm = fake_vm(2);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0], *v1 = xvm->vcpus[1];
	struct hx_xen_vcpu_info *vi = (void *)(fh.mem + 40 * 4096 + 128);
	struct hx_xen_shinfo *s;
	u32 ipi;
	struct xen_evtchn_bind_ipi bi = { .vcpu = 1 };

	fake_map_shinfo(v0, SHINFO_GFN);
	fake_set_callback(v0);
	s = xvm->shinfo;
	s->vcpu_info[1].evtchn_upcall_mask = 1;	/* carried over by the copy */
	s->vcpu_info[1].cr2 = 0x1234;
	memset(vi, 0xee, sizeof(*vi));
	/* The BSP registers vCPU 1's area before that vCPU runs. */
	CU_ASSERT_EQUAL(reg_vcpu_info(v0, 1, 40, 128), 0);
	CU_ASSERT_PTR_EQUAL(hx_xen_vcpu_info(v1), vi);
	CU_ASSERT_EQUAL(vi->evtchn_upcall_mask, 1);
	CU_ASSERT_EQUAL(vi->cr2, 0x1234);
	CU_ASSERT_EQUAL(vi->evtchn_pending_sel, ~0ULL);
	CU_ASSERT_EQUAL(vi->evtchn_upcall_pending, 1);
	CU_ASSERT_EQUAL(vi->time.tsc_to_system_mul, xvm->clock.mul);
	CU_ASSERT_EQUAL(vi->time.version % 2, 0);
	CU_ASSERT_TRUE(fh.kicks[1] > 0);
	/* Events for vCPU 1 now go to the registered area. */
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_event_channel_op, EVTCHNOP_bind_ipi,
				       &bi, sizeof(bi)), 0);
	ipi = bi.port;
	CU_ASSERT_EQUAL(fake_hcall_arg(v0, XEN_HC_event_channel_op, EVTCHNOP_send,
				       &ipi, 4), 0);
	CU_ASSERT_EQUAL(vi->evtchn_upcall_pending, 1);
	CU_ASSERT_TRUE(hx_test_bit64(&vi->evtchn_pending_sel, ipi / 64));
	CU_ASSERT_EQUAL(s->vcpu_info[1].evtchn_pending_sel, 0);
	/* Second registration, bad offsets and frames. */
	CU_ASSERT_EQUAL(reg_vcpu_info(v0, 1, 41, 0), -XE_BUSY);
	CU_ASSERT_EQUAL(reg_vcpu_info(v0, 0, 41, 4096 - 63), -XE_INVAL);
	CU_ASSERT_EQUAL(reg_vcpu_info(v0, 0, 41, 4), -XE_INVAL);
	CU_ASSERT_EQUAL(reg_vcpu_info(v0, 0, FAKE_PAGES, 0), -XE_INVAL);
	CU_ASSERT_EQUAL(reg_vcpu_info(v0, 2, 41, 0), -XE_NOENT);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0,
				   fake_gva(FAKE_HOLE_PAGE * 4096ULL)), -XE_FAULT);
	CU_ASSERT_EQUAL(reg_vcpu_info(v0, 0, 41, 4096 - 64), 0);
	CU_ASSERT_EQUAL(fh.page_refs, 3);	/* shared_info + 2 vcpu_info */
	fake_vm_free(xvm);
}

static long vcpu_op_ptr(struct hx_xen_vcpu *xv, u32 cmd, u32 vcpu, u64 ptr)
{
	fake_put(FAKE_SCRATCH, &ptr, sizeof(ptr));
	return fake_hcall(xv, XEN_HC_vcpu_op, cmd, vcpu, fake_gva(FAKE_SCRATCH));
}

static void test_runstate_and_time_area(void)
{
	struct hx_xen_vm *xvm = fake_vm(2);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0];
	/* A runstate area straddling the swapped pages 310/311. */
	u64 gva = fake_gva(FAKE_SWAP_PAGE * 4096ULL + 4096 - 16);
	u8 zero[48] = { 0 };
	struct hx_xen_time_info *ti = (void *)(fh.mem + 50 * 4096);

	memset(fh.mem + FAKE_SWAP_PAGE * 4096ULL, 0xff, 2 * 4096);
	CU_ASSERT_EQUAL(vcpu_op_ptr(v0, VCPUOP_register_runstate_memory_area, 1, gva), 0);
	/* First 16 bytes at the end of GPA page 311, the rest at page 310. */
	CU_ASSERT_EQUAL(memcmp(fh.mem + 312 * 4096 - 16, zero, 16), 0);
	CU_ASSERT_EQUAL(memcmp(fh.mem + 310 * 4096, zero, 32), 0);
	CU_ASSERT_EQUAL(fh.mem[310 * 4096 + 32], 0xff);
	CU_ASSERT_EQUAL(xvm->vcpus[1]->runstate_gva, gva);
	CU_ASSERT_EQUAL(vcpu_op_ptr(v0, VCPUOP_register_runstate_memory_area, 0,
				    fake_gva(FAKE_HOLE_PAGE * 4096ULL)), -XE_FAULT);
	CU_ASSERT_EQUAL(vcpu_op_ptr(v0, VCPUOP_register_runstate_memory_area, 3, gva),
			-XE_NOENT);
	/* vDSO time area: written now, refreshed with the others. */
	CU_ASSERT_EQUAL(vcpu_op_ptr(v0, VCPUOP_register_vcpu_time_memory_area, 0,
				    fake_gva(50 * 4096)), 0);
	CU_ASSERT_EQUAL(ti->tsc_to_system_mul, xvm->clock.mul);
	CU_ASSERT_EQUAL(ti->flags, XEN_PVCLOCK_TSC_STABLE);
	CU_ASSERT_EQUAL(vcpu_op_ptr(v0, VCPUOP_register_vcpu_time_memory_area, 0,
				    fake_gva(50 * 4096 + 4090)), -XE_INVAL);
	CU_ASSERT_EQUAL(vcpu_op_ptr(v0, VCPUOP_register_vcpu_time_memory_area, 0,
				    fake_gva(FAKE_HOLE_PAGE * 4096ULL)), -XE_FAULT);
	CU_ASSERT_EQUAL(vcpu_op_ptr(v0, VCPUOP_register_vcpu_time_memory_area, 0,
				    fake_gva(51 * 4096)), 0);
	CU_ASSERT_EQUAL(fh.page_refs, 1);
	fake_vm_free(xvm);
}

static void test_shutdown_and_yield(void)
{
	struct hx_xen_vm *xvm = fake_vm(1);
	struct hx_xen_vcpu *v0 = xvm->vcpus[0];
	struct hx_xen_hcall hc = { .nr = XEN_HC_sched_op,
				   .arg = { SCHEDOP_shutdown, fake_gva(FAKE_SCRATCH) } };
	u32 reason;

	for (reason = 0; reason <= 5; reason++) {
		fake_put(FAKE_SCRATCH, &reason, 4);
		hx_xen_do_hypercall(v0, &hc);
		if (reason <= SHUTDOWN_watchdog) {
			CU_ASSERT_EQUAL(hc.ret, 0);
			CU_ASSERT_EQUAL(hc.action, HX_XEN_ACT_SHUTDOWN);
			CU_ASSERT_EQUAL(hc.shutdown_reason, reason);
		} else {
			CU_ASSERT_EQUAL(hc.ret, -XE_INVAL);
			CU_ASSERT_EQUAL(hc.action, HX_XEN_ACT_DONE);
		}
	}
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_sched_op, SCHEDOP_yield, 0, 0), 0);
	CU_ASSERT_EQUAL(fake_hcall(v0, XEN_HC_sched_op, 7 /* pin_override */, 0, 0),
			-XE_NOSYS);
	/* SCHEDOP_block sleeps until an upcall can be taken. */
	hc.arg[0] = SCHEDOP_block;
	hx_xen_do_hypercall(v0, &hc);
	CU_ASSERT_EQUAL(hc.action, HX_XEN_ACT_BLOCK);
	CU_ASSERT_FALSE(hx_xen_block_wake(v0, true));
	fake_set_callback(v0);
	xvm->shinfo->vcpu_info[0].evtchn_upcall_pending = 1;
	CU_ASSERT_FALSE(hx_xen_block_wake(v0, false));
	CU_ASSERT_TRUE(hx_xen_block_wake(v0, true));
	hx_xen_block_end(v0);
	CU_ASSERT_EQUAL(xvm->nr_blocked, 0);
	fake_vm_free(xvm);
}

static const CU_TestInfo xen_time_tests[] = {
	{ "pvclock mul/shift vs the guest formula", test_pvclock_params },
	{ "time info version protocol, now", test_time_info_protocol },
	{ "TSC_STABLE only when told", test_tsc_stable_flag },
	{ "single-shot timer raises VIRQ_TIMER", test_singleshot_timer },
	{ "set_timer_op clamps", test_set_timer_op },
	{ "register_vcpu_info copy/switch/busy", test_register_vcpu_info },
	{ "runstate and vDSO time areas", test_runstate_and_time_area },
	{ "shutdown reasons, yield, block", test_shutdown_and_yield },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(xen_time, xen_time_tests);

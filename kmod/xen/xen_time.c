// SPDX-License-Identifier: GPL-2.0
/*
 * pvclock (xen-abi.md §E): one global reference (tsc_ref, ns_ref, mul,
 * shift) for every vCPU, the odd/even version protocol for vcpu_time_info
 * and the shared_info wallclock.  The guest computes
 *   ns = system_time + ((tsc - tsc_timestamp) <<> shift) * mul >> 32
 * [xen/include/public/xen.h, vcpu_time_info].
 */
#include "xen.h"

#define NSEC_PER_SEC_U64	1000000000ULL

/*
 * mul and shift such that ns = (ticks <<> shift) * mul / 2^32 for a TSC
 * at @tsc_khz: shift makes ratio = 1e9 / (hz * 2^shift) land in
 * [0.5, 1), then mul = ratio * 2^32 has its top bit set (most precision).
 * The 32-bit quotient is computed by long division, so no 128-bit
 * arithmetic is needed in the kernel.
 */
void hx_xen_pvclock_params(u64 tsc_khz, u32 *mul, s8 *shift)
{
	u64 num = NSEC_PER_SEC_U64, den = tsc_khz * 1000;
	u64 rem, q = 0;
	int s = 0, i;

	if (!den)
		den = 1;
	while (num >= den) {		/* ratio < 1 */
		den <<= 1;
		s++;
	}
	while (num * 2 < den) {		/* ratio >= 0.5 */
		num <<= 1;
		s--;
	}
	rem = num;
	for (i = 0; i < 32; i++) {
		rem <<= 1;
		q <<= 1;
		if (rem >= den) {
			rem -= den;
			q |= 1;
		}
	}
	*mul = (u32)q;
	*shift = (s8)s;
}

/* (delta <<> shift) * mul >> 32 with a 96-bit intermediate, as the guest. */
u64 hx_xen_pvclock_scale(u64 delta, u32 mul, s8 shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return ((delta & 0xffffffffULL) * mul >> 32) + (delta >> 32) * mul;
}

/* Guest system time now (ns since the VM's clock reference). */
u64 hx_xen_now_ns(struct hx_xen_vm *xvm)
{
	const struct hx_xen_clock *c = &xvm->clock;
	u64 tsc = hx_xen_host_guest_tsc(xvm);

	if (tsc < c->tsc_ref)
		return c->ns_ref;
	return c->ns_ref + hx_xen_pvclock_scale(tsc - c->tsc_ref, c->mul, c->shift);
}

void hx_xen_clock_init(struct hx_xen_vm *xvm)
{
	struct hx_xen_clock *c = &xvm->clock;

	hx_xen_pvclock_params(xvm->cfg.tsc_khz, &c->mul, &c->shift);
	c->tsc_ref = hx_xen_host_guest_tsc(xvm);
	c->ns_ref = 0;
	c->flags = xvm->cfg.tsc_stable ? XEN_PVCLOCK_TSC_STABLE : 0;
}

/* Odd version while the fields change, even (and bumped) afterwards. */
void hx_xen_write_time(const struct hx_xen_clock *c, struct hx_xen_time_info *t)
{
	u32 v = HX_XEN_READ_ONCE(t->version);

	HX_XEN_WRITE_ONCE(t->version, v | 1);
	hx_xen_wmb();
	HX_XEN_WRITE_ONCE(t->tsc_timestamp, c->tsc_ref);
	HX_XEN_WRITE_ONCE(t->system_time, c->ns_ref);
	HX_XEN_WRITE_ONCE(t->tsc_to_system_mul, c->mul);
	HX_XEN_WRITE_ONCE(t->tsc_shift, c->shift);
	HX_XEN_WRITE_ONCE(t->flags, c->flags);
	hx_xen_wmb();
	HX_XEN_WRITE_ONCE(t->version, (v | 1) + 1);
}

void hx_xen_write_wallclock(struct hx_xen_vm *xvm)
{
	struct hx_xen_shinfo *s = xvm->shinfo;
	u64 sec = xvm->cfg.wallclock_ns / NSEC_PER_SEC_U64;
	u32 v = HX_XEN_READ_ONCE(s->wc_version);

	HX_XEN_WRITE_ONCE(s->wc_version, v | 1);
	hx_xen_wmb();
	HX_XEN_WRITE_ONCE(s->wc_sec, (u32)sec);
	HX_XEN_WRITE_ONCE(s->wc_sec_hi, (u32)(sec >> 32));
	HX_XEN_WRITE_ONCE(s->wc_nsec, (u32)(xvm->cfg.wallclock_ns % NSEC_PER_SEC_U64));
	hx_xen_wmb();
	HX_XEN_WRITE_ONCE(s->wc_version, (v | 1) + 1);
}

/*
 * Every place a guest reads time from: each shared_info slot (Linux reads
 * vcpu_info[0].time there even after registering vcpu_info elsewhere),
 * each registered vcpu_info and the extra time area.  Caller holds the lock.
 */
void hx_xen_refresh_times(struct hx_xen_vm *xvm)
{
	unsigned int i;

	for (i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		hx_xen_write_time(&xvm->clock, &xvm->shinfo->vcpu_info[i].time);
	for (i = 0; i < HX_XEN_MAX_VCPUS; i++) {
		struct hx_xen_vcpu *xv = xvm->vcpus[i];

		if (!xv)
			continue;
		if (xv->vi_reg)
			hx_xen_write_time(&xvm->clock, &xv->vi_reg->time);
		if (xv->time_area)
			hx_xen_write_time(&xvm->clock, xv->time_area);
	}
	hx_xen_write_wallclock(xvm);
}

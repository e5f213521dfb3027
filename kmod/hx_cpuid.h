/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest CPUID (host independent): host values filtered through a
 * whitelist.  Leaves 0x40000000..0x400000ff go to a hook (the Xen
 * layer); zeros when there is none.
 */
#ifndef HX_CPUID_H
#define HX_CPUID_H

#include "hx_os.h"
#include "hxen/hxen.h"

#define HX_CPUID_EAX	0
#define HX_CPUID_EBX	1
#define HX_CPUID_ECX	2
#define HX_CPUID_EDX	3

#define HX_XCR0_X87	(1ULL << 0)
#define HX_XCR0_SSE	(1ULL << 1)
#define HX_XCR0_AVX	(1ULL << 2)
/* XCR0 bits a guest may enable: x87, SSE, AVX (fits struct hxen_fpu). */
#define HX_XCR0_GUEST_MASK	(HX_XCR0_X87 | HX_XCR0_SSE | HX_XCR0_AVX)

struct hx_cpuid_ctx {
	void (*host_cpuid)(void *opaque, u32 leaf, u32 subleaf, u32 out[4]);
	/* Hypervisor range; return false if not filled (then zeros). May be NULL. */
	bool (*hv_leaf)(void *opaque, u32 leaf, u32 subleaf, u32 out[4]);
	void *opaque;
	u32 apic_id;
	u32 nr_vcpus;
	bool has_lapic;		/* xAPIC emulated: show APIC */
	bool has_x2apic;	/* x2APIC MSRs emulated too: show x2APIC */
	bool osxsave;		/* guest CR4.OSXSAVE */
	u64 xcr0_supported;	/* host XCR0 & HX_XCR0_GUEST_MASK; 0 = no XSAVE */
	u64 guest_xcr0;		/* current guest XCR0 (leaf 0xD EBX) */
	/* The VM's levelling mask (HXEN_SET_CPUID_MASK); NULL: none. */
	const struct hxen_cpuid_features *mask;
};

void hx_cpuid(const struct hx_cpuid_ctx *ctx, u32 leaf, u32 subleaf, u32 out[4]);

/*
 * The XCR0 bits a guest with @mask may enable, from the host's
 * (HX_XCR0_GUEST_MASK-limited) @host_sup: none without XSAVE, no AVX
 * state without AVX.  Callers put the result in ctx->xcr0_supported.
 */
u64 hx_cpuid_guest_xcr0(u64 host_sup, const struct hxen_cpuid_features *mask);

/* The levelled feature words and XCR0 @ctx shows (OSXSAVE, hypervisor off). */
void hx_cpuid_features(const struct hx_cpuid_ctx *ctx,
		       struct hxen_cpuid_features *f);

/* A mask that hides nothing. */
void hx_cpuid_mask_all(struct hxen_cpuid_features *f);

#endif /* HX_CPUID_H */

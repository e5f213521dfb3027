// SPDX-License-Identifier: GPL-2.0
/*
 * Guest CPUID whitelist.  Bit positions from the Intel SDM vol. 2A
 * (CPUID) and AMD APM vol. 3 appendix E.  A feature is shown only if the
 * host has it AND the guest can use it under hxen: everything that needs
 * MSRs, instructions or devices hxen does not virtualize is hidden.
 */
#include "hx_cpuid.h"

#define MAX_BASIC_LEAF		0xd
#define MAX_EXT_LEAF		0x80000008

/* Leaf 1 ECX. */
#define L1C_ALLOWED	(BIT(0)	  /* SSE3 */				\
			 | BIT(1)  /* PCLMULQDQ */			\
			 | BIT(9)  /* SSSE3 */				\
			 | BIT(12) /* FMA */				\
			 | BIT(13) /* CMPXCHG16B */			\
			 | BIT(19) /* SSE4.1 */				\
			 | BIT(20) /* SSE4.2 */				\
			 | BIT(22) /* MOVBE */				\
			 | BIT(23) /* POPCNT */				\
			 | BIT(25) /* AES */				\
			 | BIT(29) /* F16C */				\
			 | BIT(30)) /* RDRAND */
/*
 * Hidden in leaf 1 ECX: MONITOR/MWAIT (3, HLT is the only idle we
 * handle), DS-CPL (4), VMX (5), SMX (6), EST (7), TM2 (8), CNXT-ID (10),
 * SDBG (11), xTPR (14), PDCM (15, perf), PCID (17, INVPCID not handled),
 * DCA (18), TSC-deadline (24, no timer).  XSAVE/AVX (26, 28) depend on
 * XCR0 support, OSXSAVE (27) mirrors the guest's CR4, x2APIC (21) needs
 * the x2APIC MSRs; bit 31 says "running under a hypervisor".
 */
#define L1C_XSAVE	BIT(26)
#define L1C_OSXSAVE	BIT(27)
#define L1C_AVX		BIT(28)
#define L1C_X2APIC	BIT(21)
#define L1C_FMA		BIT(12)
#define L1C_F16C	BIT(29)
#define L1C_HYPERVISOR	BIT(31)

/* Leaf 1 EDX: all but MCE (7), PSN (18), DS (21), ACPI (22), SS (27), HTT (28), TM (29), PBE (31). */
#define L1D_ALLOWED	(BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) |	\
			 BIT(6) | BIT(8) | BIT(11) | BIT(12) | BIT(13) |	\
			 BIT(15) | BIT(16) | BIT(17) | BIT(19) | BIT(23) |	\
			 BIT(24) | BIT(25) | BIT(26))
#define L1D_APIC	BIT(9)
/* MCA (14) needs the MCG_* MSRs: hidden. */

/* Leaf 7.0 EBX. */
#define L7B_ALLOWED	(BIT(0)	  /* FSGSBASE */			\
			 | BIT(3)  /* BMI1 */				\
			 | BIT(5)  /* AVX2 */				\
			 | BIT(7)  /* SMEP */				\
			 | BIT(8)  /* BMI2 */				\
			 | BIT(9)  /* ERMS */				\
			 | BIT(18) /* RDSEED */				\
			 | BIT(19) /* ADX */				\
			 | BIT(20) /* SMAP */				\
			 | BIT(23) /* CLFLUSHOPT */			\
			 | BIT(24) /* CLWB */				\
			 | BIT(29)) /* SHA */
/*
 * Hidden: HLE/RTM (4, 11), INVPCID (10), PQM/PQE (12, 15), MPX (14),
 * AVX-512 (16, 17, 21, 26-28, 30, 31: XCR0 limited to AVX), Intel PT (25).
 * Leaf 7 ECX/EDX are all hidden: PKU needs PKRU switching, the EDX bits
 * are speculation controls whose MSRs raise #GP here.
 */
#define L7B_AVX2	BIT(5)

/* 0x80000001 ECX: LAHF (0), ABM (5), SSE4A (6), MisAlignSSE (7), 3DNowPrefetch (8), XOP (11), FMA4 (16), TBM (21). */
#define E1C_ALLOWED	(BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(11) | \
			 BIT(16) | BIT(21))
/* Hidden: CmpLegacy (1), SVM (2), ExtApicSpace (3), OSVW (9), IBS (10), SKINIT (12), WDT (13), TopoExt (22), PerfCtr* (23, 24, 28). */

/*
 * 0x80000001 EDX: SYSCALL (11), NX (20), MmxExt (22), FFXSR (25),
 * Page1GB (26), LM (29), 3DNowExt (30), 3DNow (31) and AMD's copies of
 * leaf 1 EDX bits.  RDTSCP (27) is hidden: TSC_AUX is not switched.
 */
#define E1D_ALLOWED	(BIT(11) | BIT(20) | BIT(22) | BIT(25) | BIT(26) | \
			 BIT(29) | BIT(30) | BIT(31) | (L1D_ALLOWED & 0x1ffffff))

static void host(const struct hx_cpuid_ctx *ctx, u32 leaf, u32 sub, u32 out[4])
{
	ctx->host_cpuid(ctx->opaque, leaf, sub, out);
}

static u32 xsave_size(u64 xcr0)
{
	/* Legacy area 512 + header 64; AVX state: 256 bytes at offset 576. */
	return (xcr0 & HX_XCR0_AVX) ? 832 : 576;
}

/* The mask's word @w, or all ones without a mask. */
static u32 mask_word(const struct hx_cpuid_ctx *ctx, unsigned int w)
{
	return ctx->mask ? ctx->mask->word[w] : ~0U;
}

static void leaf_1(const struct hx_cpuid_ctx *ctx, u32 out[4])
{
	u32 ecx = out[HX_CPUID_ECX];
	u32 edx = out[HX_CPUID_EDX];

	/* EBX: brand index + CLFLUSH size kept, 1 logical CPU, our APIC ID. */
	out[HX_CPUID_EBX] = (out[HX_CPUID_EBX] & 0xffff) | (1U << 16) |
			    (ctx->apic_id << 24);
	out[HX_CPUID_ECX] = (ecx & L1C_ALLOWED) | L1C_HYPERVISOR;
	if (ctx->xcr0_supported) {
		out[HX_CPUID_ECX] |= ecx & L1C_XSAVE;
		if (ctx->xcr0_supported & HX_XCR0_AVX)
			out[HX_CPUID_ECX] |= ecx & L1C_AVX;
		if (ctx->osxsave && (ecx & L1C_XSAVE))
			out[HX_CPUID_ECX] |= L1C_OSXSAVE;
	}
	/* FMA and F16C are VEX-encoded: no AVX state, no VEX [SDM 14.1] */
	if (!(ctx->xcr0_supported & HX_XCR0_AVX))
		out[HX_CPUID_ECX] &= ~(L1C_FMA | L1C_F16C);
	if (ctx->has_lapic && ctx->has_x2apic)
		out[HX_CPUID_ECX] |= ecx & L1C_X2APIC;
	out[HX_CPUID_EDX] = edx & L1D_ALLOWED;
	if (ctx->has_lapic)
		out[HX_CPUID_EDX] |= edx & L1D_APIC;
	/* levelling: OSXSAVE follows CR4 and "hypervisor" stays */
	out[HX_CPUID_ECX] &= mask_word(ctx, HXEN_CPUID_1_ECX) | L1C_OSXSAVE |
			     L1C_HYPERVISOR;
	if (!(out[HX_CPUID_ECX] & L1C_XSAVE))
		out[HX_CPUID_ECX] &= ~L1C_OSXSAVE;
	out[HX_CPUID_EDX] &= mask_word(ctx, HXEN_CPUID_1_EDX);
}

static void leaf_7(const struct hx_cpuid_ctx *ctx, u32 sub, u32 out[4])
{
	u32 ebx = out[HX_CPUID_EBX];

	memset(out, 0, 4 * sizeof(u32));
	if (sub != 0)
		return;
	out[HX_CPUID_EBX] = ebx & L7B_ALLOWED & mask_word(ctx, HXEN_CPUID_7_EBX);
	if (!(ctx->xcr0_supported & HX_XCR0_AVX))
		out[HX_CPUID_EBX] &= ~L7B_AVX2;
}

static void leaf_d(const struct hx_cpuid_ctx *ctx, u32 sub, u32 out[4])
{
	u64 mask = ctx->xcr0_supported;

	if (!mask) {
		memset(out, 0, 4 * sizeof(u32));
		return;
	}
	switch (sub) {
	case 0:
		out[HX_CPUID_EAX] = (u32)mask;
		out[HX_CPUID_EDX] = (u32)(mask >> 32);
		out[HX_CPUID_EBX] = xsave_size(ctx->guest_xcr0);
		out[HX_CPUID_ECX] = xsave_size(mask);
		break;
	case 1:
		/* XSAVEOPT only; XSAVEC/XGETBV1/XSAVES need more state handling. */
		out[HX_CPUID_EAX] &= BIT(0) & mask_word(ctx, HXEN_CPUID_D1_EAX);
		out[HX_CPUID_EBX] = out[HX_CPUID_ECX] = out[HX_CPUID_EDX] = 0;
		break;
	case 2:
		if (!(mask & HX_XCR0_AVX))
			memset(out, 0, 4 * sizeof(u32));
		break;
	default:
		memset(out, 0, 4 * sizeof(u32));
		break;
	}
}

void hx_cpuid(const struct hx_cpuid_ctx *ctx, u32 leaf, u32 sub, u32 out[4])
{
	u32 max[4];

	memset(out, 0, 4 * sizeof(u32));
	if (leaf >= 0x40000000 && leaf <= 0x400000ff) {
		if (!ctx->hv_leaf || !ctx->hv_leaf(ctx->opaque, leaf, sub, out))
			memset(out, 0, 4 * sizeof(u32));
		return;
	}
	if (leaf < 0x80000000) {
		host(ctx, 0, 0, max);
		if (leaf > max[HX_CPUID_EAX] || leaf > MAX_BASIC_LEAF)
			return;
	} else {
		host(ctx, 0x80000000, 0, max);
		if (leaf > max[HX_CPUID_EAX] || leaf > MAX_EXT_LEAF)
			return;
	}
	host(ctx, leaf, sub, out);

	switch (leaf) {
	case 0:
		if (out[HX_CPUID_EAX] > MAX_BASIC_LEAF)
			out[HX_CPUID_EAX] = MAX_BASIC_LEAF;
		break;
	case 1:
		leaf_1(ctx, out);
		break;
	case 2:		/* cache descriptors: harmless */
		break;
	case 4:
		/* Deterministic cache parameters; one core, one thread sharing. */
		out[HX_CPUID_EAX] &= 0x3ff;
		break;
	case 7:
		leaf_7(ctx, sub, out);
		break;
	case 0xd:
		leaf_d(ctx, sub, out);
		break;
	case 0x80000000:
		if (out[HX_CPUID_EAX] > MAX_EXT_LEAF)
			out[HX_CPUID_EAX] = MAX_EXT_LEAF;
		break;
	case 0x80000001:
		out[HX_CPUID_ECX] &= E1C_ALLOWED & mask_word(ctx, HXEN_CPUID_81_ECX);
		out[HX_CPUID_EDX] &= E1D_ALLOWED & mask_word(ctx, HXEN_CPUID_81_EDX);
		if (!(ctx->xcr0_supported & HX_XCR0_AVX))
			out[HX_CPUID_ECX] &= ~(BIT(11) | BIT(16));	/* XOP, FMA4 */
		if (!ctx->has_lapic)
			out[HX_CPUID_EDX] &= ~L1D_APIC;
		break;
	case 0x80000002:	/* brand string */
	case 0x80000003:
	case 0x80000004:
	case 0x80000005:	/* L1 cache/TLB (AMD) */
	case 0x80000006:	/* L2/L3 cache */
		break;
	case 0x80000007:
		/* Only "invariant TSC" (EDX 8): no power/thermal interfaces. */
		out[HX_CPUID_EAX] = out[HX_CPUID_EBX] = out[HX_CPUID_ECX] = 0;
		out[HX_CPUID_EDX] &= BIT(8);
		break;
	case 0x80000008:
		/* Address sizes only; EBX speculation bits and core count hidden. */
		out[HX_CPUID_EAX] &= 0xffff;
		out[HX_CPUID_EBX] = out[HX_CPUID_ECX] = out[HX_CPUID_EDX] = 0;
		break;
	default:
		/* 3, 5, 6, 8-0xc: serial number, MONITOR, power, PMU, topology. */
		memset(out, 0, 4 * sizeof(u32));
		break;
	}
}

u64 hx_cpuid_guest_xcr0(u64 host_sup, const struct hxen_cpuid_features *mask)
{
	u64 x = host_sup & HX_XCR0_GUEST_MASK;

	if (!mask)
		return x;
	if (!(mask->word[HXEN_CPUID_1_ECX] & L1C_XSAVE))
		return 0;
	x &= mask->xcr0 | HX_XCR0_X87 | HX_XCR0_SSE;	/* both always on */
	if (!(mask->word[HXEN_CPUID_1_ECX] & L1C_AVX))
		x &= ~HX_XCR0_AVX;
	return x;
}

void hx_cpuid_features(const struct hx_cpuid_ctx *ctx,
		       struct hxen_cpuid_features *f)
{
	struct hx_cpuid_ctx c = *ctx;
	u32 o[4];

	c.osxsave = false;
	memset(f, 0, sizeof(*f));
	f->version = HXEN_STATE_VERSION;
	hx_cpuid(&c, 1, 0, o);
	f->word[HXEN_CPUID_1_ECX] = o[HX_CPUID_ECX] & ~(L1C_OSXSAVE | L1C_HYPERVISOR);
	f->word[HXEN_CPUID_1_EDX] = o[HX_CPUID_EDX];
	hx_cpuid(&c, 7, 0, o);
	f->word[HXEN_CPUID_7_EBX] = o[HX_CPUID_EBX];
	f->word[HXEN_CPUID_7_ECX] = o[HX_CPUID_ECX];
	f->word[HXEN_CPUID_7_EDX] = o[HX_CPUID_EDX];
	hx_cpuid(&c, 0x80000001, 0, o);
	f->word[HXEN_CPUID_81_ECX] = o[HX_CPUID_ECX];
	f->word[HXEN_CPUID_81_EDX] = o[HX_CPUID_EDX];
	hx_cpuid(&c, 0xd, 1, o);
	f->word[HXEN_CPUID_D1_EAX] = o[HX_CPUID_EAX];
	f->xcr0 = c.xcr0_supported;
}

void hx_cpuid_mask_all(struct hxen_cpuid_features *f)
{
	memset(f, 0xff, sizeof(*f));
	f->version = HXEN_STATE_VERSION;
	f->flags = 0;
	memset(f->reserved, 0, sizeof(f->reserved));
}

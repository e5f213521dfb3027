// SPDX-License-Identifier: GPL-2.0
/* Guest CPUID whitelist (kmod/hx_cpuid.c) against a fake host that has everything. */
#include "unit.h"
#include "hx_cpuid.h"

/* Host with every feature bit set and a few max-leaf values. */
static void fake_host(void *opaque, u32 leaf, u32 sub, u32 out[4])
{
	out[0] = out[1] = out[2] = out[3] = 0xffffffff;
	if (leaf == 0) {
		out[0] = 0x16;
		out[1] = 0x68747541;	/* "Auth" */
	} else if (leaf == 0x80000000) {
		out[0] = 0x80000021;
	} else if (leaf == 1) {
		out[0] = 0x00a20f10;
		out[1] = 0x07080800;
	}
}

static bool hv_hook(void *opaque, u32 leaf, u32 sub, u32 out[4])
{
	if (leaf != 0x40000000)
		return false;
	out[0] = 0x40000005;
	out[1] = 0x566e6558;	/* "XenV" */
	return true;
}

static struct hx_cpuid_ctx base_ctx(void)
{
	struct hx_cpuid_ctx c = {
		.host_cpuid = fake_host, .apic_id = 3, .nr_vcpus = 1,
		.xcr0_supported = HX_XCR0_GUEST_MASK, .guest_xcr0 = 1,
	};
	return c;
}

static void test_leaf1(void)
{
	struct hx_cpuid_ctx c = base_ctx();
	u32 o[4];

	hx_cpuid(&c, 1, 0, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EAX], 0x00a20f10);
	CU_ASSERT_EQUAL(o[HX_CPUID_EBX] >> 24, 3);		/* our APIC ID */
	CU_ASSERT_EQUAL((o[HX_CPUID_EBX] >> 16) & 0xff, 1);
	CU_ASSERT(o[HX_CPUID_ECX] & (1u << 31));		/* hypervisor */
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (1u << 5));		/* VMX */
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (1u << 3));		/* MONITOR */
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (1u << 17));		/* PCID */
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (1u << 21));		/* x2APIC: no LAPIC */
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (1u << 24));		/* TSC deadline */
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (1u << 15));		/* PDCM */
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (1u << 27));		/* OSXSAVE: CR4 clear */
	CU_ASSERT(o[HX_CPUID_ECX] & (1u << 26));		/* XSAVE */
	CU_ASSERT(o[HX_CPUID_ECX] & (1u << 0));			/* SSE3 */
	CU_ASSERT_FALSE(o[HX_CPUID_EDX] & (1u << 9));		/* APIC */
	CU_ASSERT_FALSE(o[HX_CPUID_EDX] & (1u << 7));		/* MCE */
	CU_ASSERT(o[HX_CPUID_EDX] & (1u << 25));		/* SSE */
	c.has_lapic = true;
	c.osxsave = true;
	hx_cpuid(&c, 1, 0, o);
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (1u << 21));	/* xAPIC only */
	CU_ASSERT(o[HX_CPUID_ECX] & (1u << 27));
	CU_ASSERT(o[HX_CPUID_EDX] & (1u << 9));
	c.has_x2apic = true;
	hx_cpuid(&c, 1, 0, o);
	CU_ASSERT(o[HX_CPUID_ECX] & (1u << 21));
	/* no XSAVE support -> XSAVE, AVX hidden */
	c.xcr0_supported = 0;
	hx_cpuid(&c, 1, 0, o);
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & ((1u << 26) | (1u << 27) | (1u << 28)));
}

static void test_ext_and_limits(void)
{
	struct hx_cpuid_ctx c = base_ctx();
	u32 o[4];

	hx_cpuid(&c, 0, 0, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EAX], 0xd);
	CU_ASSERT_EQUAL(o[HX_CPUID_EBX], 0x68747541);
	hx_cpuid(&c, 0x80000000, 0, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EAX], 0x80000008);
	hx_cpuid(&c, 0x80000001, 0, o);
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (1u << 2));		/* SVM */
	CU_ASSERT_FALSE(o[HX_CPUID_EDX] & (1u << 27));		/* RDTSCP */
	CU_ASSERT(o[HX_CPUID_EDX] & (1u << 29));		/* LM */
	CU_ASSERT(o[HX_CPUID_EDX] & (1u << 20));		/* NX */
	hx_cpuid(&c, 0x8000000a, 0, o);				/* SVM leaf: beyond max */
	CU_ASSERT_EQUAL(o[0] | o[1] | o[2] | o[3], 0);
	hx_cpuid(&c, 0xa, 0, o);				/* PMU */
	CU_ASSERT_EQUAL(o[0] | o[1] | o[2] | o[3], 0);
	hx_cpuid(&c, 5, 0, o);					/* MONITOR */
	CU_ASSERT_EQUAL(o[0] | o[1] | o[2] | o[3], 0);
	hx_cpuid(&c, 0x14, 0, o);				/* above our max */
	CU_ASSERT_EQUAL(o[0] | o[1] | o[2] | o[3], 0);
	hx_cpuid(&c, 7, 0, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EAX], 0);
	CU_ASSERT_FALSE(o[HX_CPUID_EBX] & (1u << 10));		/* INVPCID */
	CU_ASSERT_FALSE(o[HX_CPUID_EBX] & (1u << 16));		/* AVX-512F */
	CU_ASSERT(o[HX_CPUID_EBX] & (1u << 5));			/* AVX2 */
	CU_ASSERT_EQUAL(o[HX_CPUID_ECX] | o[HX_CPUID_EDX], 0);
	hx_cpuid(&c, 0x80000008, 0, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EBX], 0);
}

static void test_xsave_leaf(void)
{
	struct hx_cpuid_ctx c = base_ctx();
	u32 o[4];

	hx_cpuid(&c, 0xd, 0, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EAX], 7);
	CU_ASSERT_EQUAL(o[HX_CPUID_EBX], 576);		/* guest XCR0 = x87 */
	CU_ASSERT_EQUAL(o[HX_CPUID_ECX], 832);
	c.guest_xcr0 = 7;
	hx_cpuid(&c, 0xd, 0, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EBX], 832);
	hx_cpuid(&c, 0xd, 1, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EAX], 1);		/* XSAVEOPT only */
	hx_cpuid(&c, 0xd, 5, o);
	CU_ASSERT_EQUAL(o[0] | o[1] | o[2] | o[3], 0);
	c.xcr0_supported = HX_XCR0_X87 | HX_XCR0_SSE;
	hx_cpuid(&c, 7, 0, o);
	CU_ASSERT_FALSE(o[HX_CPUID_EBX] & (1u << 5));	/* AVX2 needs AVX state */
}

static void test_hypervisor_range(void)
{
	struct hx_cpuid_ctx c = base_ctx();
	u32 o[4];

	hx_cpuid(&c, 0x40000000, 0, o);
	CU_ASSERT_EQUAL(o[0] | o[1] | o[2] | o[3], 0);	/* no hook: zeros */
	c.hv_leaf = hv_hook;
	hx_cpuid(&c, 0x40000000, 0, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EAX], 0x40000005);
	CU_ASSERT_EQUAL(o[HX_CPUID_EBX], 0x566e6558);
	hx_cpuid(&c, 0x40000001, 0, o);			/* hook declines */
	CU_ASSERT_EQUAL(o[0] | o[1] | o[2] | o[3], 0);
}

static const CU_TestInfo cpuid_tests[] = {
	{ "leaf 1 whitelist", test_leaf1 },
	{ "extended leaves and limits", test_ext_and_limits },
	{ "XSAVE leaf 0xD", test_xsave_leaf },
	{ "hypervisor range hook", test_hypervisor_range },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(kmod_cpuid, cpuid_tests);

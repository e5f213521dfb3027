// SPDX-License-Identifier: GPL-2.0
/*
 * CPU levelling: the cpuid = parser (monitor/cpuid_level.c), the
 * destination check that names missing features, the test knob, and the
 * module's mask (kmod/hx_cpuid.c) applied to what a fake host offers.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "hx_cpuid.h"
#include "monitor/cpuid_level.h"

#define BIT1C(b)	(1U << (b))

static bool has(const struct hxen_cpuid_features *m, const char *name)
{
	const struct cpuid_flag *f = cpuid_flag_find(name, strlen(name));

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	return m->word[f->word] & (1U << f->bit);
}

static void test_named_form(void)
{
	struct hxen_cpuid_features m;
	char err[300];

	CU_ASSERT_EQUAL(cpuid_level_parse("host", &m, err, sizeof(err)), 0);
	CU_ASSERT(has(&m, "avx2") && has(&m, "sse3"));
	CU_ASSERT_EQUAL(m.xcr0, ~0ULL);
	CU_ASSERT_EQUAL(m.version, HXEN_STATE_VERSION);
	/* xl.cfg(5)'s example; the baseline is optional */
	CU_ASSERT_EQUAL(cpuid_level_parse("host,tm=0,sse3=0", &m, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(has(&m, "tm"));
	CU_ASSERT_FALSE(has(&m, "sse3"));
	CU_ASSERT(has(&m, "ssse3"));
	CU_ASSERT_EQUAL(cpuid_level_parse("avx2=0, bmi2 = 0", &m, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(has(&m, "avx2"));
	CU_ASSERT_FALSE(has(&m, "bmi2"));
	CU_ASSERT(has(&m, "bmi1"));
	/* /proc/cpuinfo aliases */
	CU_ASSERT_EQUAL(cpuid_level_parse("pni=0,lahf_lm=0", &m, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(has(&m, "sse3"));
	CU_ASSERT_FALSE(has(&m, "lahfsahf"));
	CU_ASSERT_EQUAL(cpuid_level_parse("", &m, err, sizeof(err)), 0);
	CU_ASSERT(has(&m, "avx"));
}

static void test_baselines(void)
{
	struct hxen_cpuid_features m;
	char err[300];

	CU_ASSERT_EQUAL(cpuid_level_parse("x86-64-v1", &m, err, sizeof(err)), 0);
	CU_ASSERT(has(&m, "sse2") && has(&m, "lm") && has(&m, "nx") && has(&m, "cmov"));
	CU_ASSERT_FALSE(has(&m, "sse3") || has(&m, "popcnt") || has(&m, "avx"));
	CU_ASSERT_EQUAL(m.word[HXEN_CPUID_7_EBX], 0);
	CU_ASSERT_EQUAL(m.xcr0, 3);
	/* AMD's copies of leaf 1 EDX in 0x80000001 EDX are not in a baseline */
	CU_ASSERT_EQUAL(m.word[HXEN_CPUID_81_EDX], (1U << 11) | (1U << 20) | (1U << 29));
	CU_ASSERT_EQUAL(cpuid_level_parse("x86-64-v2", &m, err, sizeof(err)), 0);
	CU_ASSERT(has(&m, "sse4_2") && has(&m, "cx16") && has(&m, "lahfsahf") && has(&m, "sse2"));
	CU_ASSERT_FALSE(has(&m, "avx") || has(&m, "xsave") || has(&m, "aes"));
	CU_ASSERT_EQUAL(cpuid_level_parse("x86-64-v2,aes=1,avx=1", &m, err, sizeof(err)), 0);
	CU_ASSERT(has(&m, "aes") && has(&m, "avx"));
	CU_ASSERT_EQUAL(m.xcr0, 7);		/* avx=1 brings its state */
	CU_ASSERT_EQUAL(cpuid_level_parse("x86-64-v3,avx2=0", &m, err, sizeof(err)), 0);
	CU_ASSERT(has(&m, "bmi2") && has(&m, "xsave") && has(&m, "fma"));
	CU_ASSERT_FALSE(has(&m, "avx2"));
	CU_ASSERT_EQUAL(m.xcr0, 7);
}

static void test_bad_named(void)
{
	struct hxen_cpuid_features m;
	char err[300];

	CU_ASSERT_EQUAL(cpuid_level_parse("host,avx3=0", &m, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'avx3': unknown CPUID flag"));
	CU_ASSERT_EQUAL(cpuid_level_parse("x86-64-v5", &m, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a baseline"));
	CU_ASSERT_EQUAL(cpuid_level_parse("avx2=0,host", &m, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "a baseline comes first"));
	CU_ASSERT_EQUAL(cpuid_level_parse("avx2=2", &m, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "takes 0 (hide) or 1"));
	CU_ASSERT_EQUAL(cpuid_level_parse("avx2=", &m, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cpuid_level_parse("host,,avx=0", &m, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cpuid_level_parse("=0", &m, err, sizeof(err)), -1);
}

static void test_leaf_form(void)
{
	struct hxen_cpuid_features m;
	char err[300];

	cpuid_level_host(&m);
	/* bit 0 (sse3) is the last character */
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("0x00000001:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0",
					       &m, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(has(&m, "sse3"));
	CU_ASSERT(has(&m, "pclmulqdq"));
	/* two registers, and a subleaf: avx2 (7.0 ebx bit 5) and tm (1 edx 29) */
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("1:edx=xx0xxxxxxxxxxxxxxxxxxxxxxxxxxxxx,ecx=kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkks",
					       &m, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(has(&m, "tm"));
	CU_ASSERT(has(&m, "sse3"));		/* s: let through again */
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("0x7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx",
					       &m, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(has(&m, "avx2"));
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("0x80000001:ecx=0000000000000000000000000000000x",
					       &m, err, sizeof(err)), 0);
	CU_ASSERT(has(&m, "lahfsahf"));
	CU_ASSERT_FALSE(has(&m, "abm"));
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("0xd,1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0",
					       &m, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(has(&m, "xsaveopt"));
	/* refused: another leaf, a short string, a bad character, no colon */
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("0x2:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
					       &m, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "hxen levels"));
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("1:ecx=xx0", &m, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxz",
					       &m, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'z' is not one of"));
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("host,avx=0", &m, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("7:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
					       &m, err, sizeof(err)), 0);	/* 7 means 7,0 */
	CU_ASSERT_EQUAL(cpuid_level_parse_leaf("7,1:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
					       &m, err, sizeof(err)), -1);
}

static void test_missing(void)
{
	struct hxen_cpuid_features want, have;
	char names[300];

	cpuid_level_host(&want);
	cpuid_level_host(&have);
	CU_ASSERT_EQUAL(cpuid_level_missing(&want, &have, names, sizeof(names)), 0);
	CU_ASSERT_STRING_EQUAL(names, "");
	have.word[HXEN_CPUID_7_EBX] &= ~((1U << 5) | (1U << 8));	/* avx2, bmi2 */
	CU_ASSERT_EQUAL(cpuid_level_missing(&want, &have, names, sizeof(names)), 2);
	CU_ASSERT_STRING_EQUAL(names, "avx2, bmi2");
	/* a destination with more is fine */
	CU_ASSERT_EQUAL(cpuid_level_missing(&have, &want, names, sizeof(names)), 0);
	/* an unnamed bit, and XSAVE state */
	cpuid_level_host(&have);
	have.word[HXEN_CPUID_81_EDX] &= ~(1U << 3);
	have.xcr0 = 3;
	CU_ASSERT_EQUAL(cpuid_level_missing(&want, &have, names, sizeof(names)), 63);
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "cpuid 0x80000001.edx[3]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "xsave state bit 2"));
	/* avx named once, not again as its state */
	memset(&want, 0, sizeof(want));
	memset(&have, 0, sizeof(have));
	want.word[HXEN_CPUID_1_ECX] = 1U << 28;
	want.xcr0 = 7;
	have.xcr0 = 3;
	CU_ASSERT_EQUAL(cpuid_level_missing(&want, &have, names, sizeof(names)), 1);
	CU_ASSERT_STRING_EQUAL(names, "avx");
	/* a short buffer is cut, not overrun */
	cpuid_level_host(&want);
	memset(&have, 0, sizeof(have));
	CU_ASSERT(cpuid_level_missing(&want, &have, names, 16) > 100);
	CU_ASSERT(strlen(names) < 16);
}

static void test_knob(void)
{
	struct hxen_cpuid_features have;
	char err[200], names[200];

	cpuid_level_host(&have);
	setenv("HXEN_TEST_CPUID_HIDE", "avx2,bmi2 cx16", 1);
	CU_ASSERT_EQUAL(cpuid_level_test_hide(&have, err, sizeof(err)), 0);
	{
		struct hxen_cpuid_features want;

		cpuid_level_host(&want);
		CU_ASSERT_EQUAL(cpuid_level_missing(&want, &have, names, sizeof(names)), 3);
		CU_ASSERT_STRING_EQUAL(names, "cx16, avx2, bmi2");
	}
	setenv("HXEN_TEST_CPUID_HIDE", "avx", 1);
	cpuid_level_host(&have);
	CU_ASSERT_EQUAL(cpuid_level_test_hide(&have, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(have.xcr0, ~4ULL);
	setenv("HXEN_TEST_CPUID_HIDE", "nosuch", 1);
	CU_ASSERT_EQUAL(cpuid_level_test_hide(&have, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'nosuch'"));
	unsetenv("HXEN_TEST_CPUID_HIDE");
	cpuid_level_host(&have);
	CU_ASSERT_EQUAL(cpuid_level_test_hide(&have, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(have.word[HXEN_CPUID_7_EBX], ~0U);
}

/* ---- the module's mask against a fake host that has everything ---- */

static void all_host(void *opaque, u32 leaf, u32 sub, u32 out[4])
{
	out[0] = out[1] = out[2] = out[3] = 0xffffffff;
	if (leaf == 0)
		out[0] = 0x16;
	else if (leaf == 0x80000000)
		out[0] = 0x80000021;
}

/* A host with only qemu64's features (what the SVM e2e host shows). */
static void qemu64_host(void *opaque, u32 leaf, u32 sub, u32 out[4])
{
	out[0] = out[1] = out[2] = out[3] = 0;
	if (leaf == 0) {
		out[0] = 0xd;
	} else if (leaf == 1) {
		out[2] = BIT1C(0) | BIT1C(13);		/* sse3 cx16 */
		out[3] = 0x078bfbff;
	} else if (leaf == 0x80000000) {
		out[0] = 0x8000000a;
	} else if (leaf == 0x80000001) {
		out[2] = BIT1C(0) | BIT1C(2);		/* lahf_lm svm */
		out[3] = BIT1C(11) | BIT1C(20) | BIT1C(29);
	}
}

static void ctx_for(struct hx_cpuid_ctx *c, void (*host)(void *, u32, u32, u32 *),
		    u64 host_xcr0, const struct hxen_cpuid_features *mask)
{
	memset(c, 0, sizeof(*c));
	c->host_cpuid = host;
	c->nr_vcpus = 1;
	c->has_lapic = true;
	c->mask = mask;
	c->xcr0_supported = hx_cpuid_guest_xcr0(host_xcr0, mask);
	c->guest_xcr0 = 1;
}

static void test_module_mask(void)
{
	struct hxen_cpuid_features m, shown, full;
	struct hx_cpuid_ctx c;
	char err[300], names[300];
	u32 o[4];

	ctx_for(&c, all_host, HX_XCR0_GUEST_MASK, NULL);
	hx_cpuid_features(&c, &full);
	CU_ASSERT_EQUAL(full.version, HXEN_STATE_VERSION);
	CU_ASSERT_EQUAL(full.xcr0, HX_XCR0_GUEST_MASK);
	CU_ASSERT(has(&full, "avx2") && has(&full, "avx") && has(&full, "sse4_2"));
	CU_ASSERT_FALSE(has(&full, "vmx") || has(&full, "pcid"));	/* never shown */
	CU_ASSERT_FALSE(full.word[HXEN_CPUID_1_ECX] & (BIT1C(27) | BIT1C(31)));

	/* host,avx2=0,bmi2=0: exactly those two go */
	CU_ASSERT_EQUAL(cpuid_level_parse("host,avx2=0,bmi2=0", &m, err, sizeof(err)), 0);
	ctx_for(&c, all_host, HX_XCR0_GUEST_MASK, &m);
	hx_cpuid_features(&c, &shown);
	CU_ASSERT_EQUAL(cpuid_level_missing(&full, &shown, names, sizeof(names)), 2);
	CU_ASSERT_STRING_EQUAL(names, "avx2, bmi2");
	hx_cpuid(&c, 7, 0, o);
	CU_ASSERT_FALSE(o[HX_CPUID_EBX] & ((1U << 5) | (1U << 8)));
	CU_ASSERT(o[HX_CPUID_EBX] & (1U << 3));			/* bmi1 stays */
	/* the hypervisor bit and OSXSAVE are not levelled */
	c.osxsave = true;
	hx_cpuid(&c, 1, 0, o);
	CU_ASSERT(o[HX_CPUID_ECX] & BIT1C(31));
	CU_ASSERT(o[HX_CPUID_ECX] & BIT1C(27));

	/* avx=0: AVX state, FMA, F16C and AVX2 go with it */
	CU_ASSERT_EQUAL(cpuid_level_parse("avx=0", &m, err, sizeof(err)), 0);
	ctx_for(&c, all_host, HX_XCR0_GUEST_MASK, &m);
	CU_ASSERT_EQUAL(c.xcr0_supported, HX_XCR0_X87 | HX_XCR0_SSE);
	hx_cpuid_features(&c, &shown);
	CU_ASSERT_FALSE(has(&shown, "avx") || has(&shown, "avx2") ||
			has(&shown, "fma") || has(&shown, "f16c"));
	CU_ASSERT(has(&shown, "xsave"));
	CU_ASSERT_EQUAL(shown.xcr0, 3);
	hx_cpuid(&c, 0xd, 0, o);
	CU_ASSERT_EQUAL(o[HX_CPUID_EAX], 3);			/* XCR0 offered */
	/* xsave=0: no XSAVE state at all, OSXSAVE never set */
	CU_ASSERT_EQUAL(cpuid_level_parse("xsave=0", &m, err, sizeof(err)), 0);
	ctx_for(&c, all_host, HX_XCR0_GUEST_MASK, &m);
	CU_ASSERT_EQUAL(c.xcr0_supported, 0);
	c.osxsave = true;
	hx_cpuid(&c, 1, 0, o);
	CU_ASSERT_FALSE(o[HX_CPUID_ECX] & (BIT1C(26) | BIT1C(27) | BIT1C(28)));

	/* a baseline: x86-64-v2 on a host with everything shows v2 only */
	CU_ASSERT_EQUAL(cpuid_level_parse("x86-64-v2", &m, err, sizeof(err)), 0);
	ctx_for(&c, all_host, HX_XCR0_GUEST_MASK, &m);
	hx_cpuid_features(&c, &shown);
	CU_ASSERT(has(&shown, "sse4_2") && has(&shown, "popcnt"));
	CU_ASSERT_FALSE(has(&shown, "aes") || has(&shown, "avx") || has(&shown, "bmi1"));
	CU_ASSERT_EQUAL(shown.word[HXEN_CPUID_7_EBX], 0);
	CU_ASSERT_EQUAL(shown.xcr0, 0);				/* no xsave in v2 */
}

/* The restore check as the monitor does it: saved view vs this host. */
static void test_restore_check(void)
{
	struct hxen_cpuid_features saved, mask, dest, m;
	struct hx_cpuid_ctx c;
	char err[300], names[300];

	/* saved on a host with everything, restored on a qemu64 one */
	ctx_for(&c, all_host, HX_XCR0_GUEST_MASK, NULL);
	hx_cpuid_features(&c, &saved);
	mask = saved;
	ctx_for(&c, qemu64_host, 0, &mask);
	hx_cpuid_features(&c, &dest);
	CU_ASSERT(cpuid_level_missing(&saved, &dest, names, sizeof(names)) > 10);
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "avx2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "ssse3"));
	CU_ASSERT_PTR_NULL(strstr(names, "cx16"));
	/* a guest levelled to x86-64-v1 moves anywhere */
	CU_ASSERT_EQUAL(cpuid_level_parse("x86-64-v1", &m, err, sizeof(err)), 0);
	ctx_for(&c, all_host, HX_XCR0_GUEST_MASK, &m);
	hx_cpuid_features(&c, &saved);
	mask = saved;
	ctx_for(&c, qemu64_host, 0, &mask);
	hx_cpuid_features(&c, &dest);
	CU_ASSERT_EQUAL(cpuid_level_missing(&saved, &dest, names, sizeof(names)), 0);
	CU_ASSERT_EQUAL(memcmp(&saved, &dest, sizeof(saved)), 0);	/* same CPU */
	/* qemu64 to qemu64 with cx16 hidden on the destination */
	ctx_for(&c, qemu64_host, 0, NULL);
	hx_cpuid_features(&c, &saved);
	CU_ASSERT(has(&saved, "cx16") && has(&saved, "sse3") && has(&saved, "lahfsahf"));
	dest = saved;
	setenv("HXEN_TEST_CPUID_HIDE", "lahf_lm,cx16", 1);
	CU_ASSERT_EQUAL(cpuid_level_test_hide(&dest, err, sizeof(err)), 0);
	unsetenv("HXEN_TEST_CPUID_HIDE");
	CU_ASSERT_EQUAL(cpuid_level_missing(&saved, &dest, names, sizeof(names)), 2);
	CU_ASSERT_STRING_EQUAL(names, "cx16, lahfsahf");
}

static const CU_TestInfo level_tests[] = {
	{ "named form", test_named_form },
	{ "baselines", test_baselines },
	{ "named form refusals", test_bad_named },
	{ "xl leaf bit strings", test_leaf_form },
	{ "missing features named", test_missing },
	{ "HXEN_TEST_CPUID_HIDE knob", test_knob },
	{ "module mask on a fake host", test_module_mask },
	{ "restore check", test_restore_check },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(cpuid_level, level_tests);

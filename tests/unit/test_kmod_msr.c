// SPDX-License-Identifier: GPL-2.0
/* Guest MSR table (kmod/hx_msr.c) with a fake VMCB behind hw_get/hw_set. */
#include "unit.h"
#include "hx_msr.h"

struct fake_hw {
	u64 efer, star, lstar, fs_base, pat, sysenter_cs;
	u64 tsc;
	s64 offset_set;
	int hw_sets;
};

static u64 *hw_slot(struct fake_hw *h, u32 i)
{
	switch (i) {
	case HX_MSR_EFER: return &h->efer;
	case HX_MSR_STAR: return &h->star;
	case HX_MSR_LSTAR: return &h->lstar;
	case HX_MSR_FS_BASE: return &h->fs_base;
	case HX_MSR_PAT: return &h->pat;
	case HX_MSR_SYSENTER_CS: return &h->sysenter_cs;
	default: return NULL;
	}
}

static int hw_get(void *o, u32 i, u64 *v)
{
	u64 *p = hw_slot(o, i);

	if (!p)
		return -ENOENT;
	*v = *p;
	return 0;
}

static int hw_set(void *o, u32 i, u64 v)
{
	struct fake_hw *h = o;
	u64 *p = hw_slot(h, i);

	if (!p)
		return -ENOENT;
	*p = v;
	h->hw_sets++;
	return 0;
}

static u64 host_tsc(void *o)
{
	return ((struct fake_hw *)o)->tsc;
}

static void set_off(void *o, s64 off)
{
	((struct fake_hw *)o)->offset_set = off;
}

static struct fake_hw hw;
static struct hx_msr_state st;
static struct hx_msr_io io = {
	.hw_get = hw_get, .hw_set = hw_set, .host_tsc = host_tsc,
	.set_tsc_offset = set_off, .opaque = &hw, .phys_bits = 40, .nx = true, .lm = true,
};

static void reset(void)
{
	memset(&hw, 0, sizeof(hw));
	hw.pat = 0x0007040600070406ULL;
	hx_msr_reset(&st, true);
}

static void test_efer(void)
{
	u64 v;

	reset();
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_EFER, HX_EFER_LME | HX_EFER_SCE | HX_EFER_NXE), 0);
	CU_ASSERT_EQUAL(hw.efer, HX_EFER_LME | HX_EFER_SCE | HX_EFER_NXE);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_EFER, 1ULL << 12), -EINVAL);	/* SVME */
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_EFER, 1ULL << 1), -EINVAL);	/* reserved */
	/* LMA is read-only: a write keeps the hardware's value */
	hw.efer |= HX_EFER_LMA;
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_EFER, HX_EFER_LME), 0);
	CU_ASSERT_EQUAL(hw.efer, HX_EFER_LME | HX_EFER_LMA);
	io.nx = false;
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_EFER, HX_EFER_NXE), -EINVAL);
	io.nx = true;
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, HX_MSR_EFER, &v), 0);
	CU_ASSERT_EQUAL(v, hw.efer);
}

static void test_canonical_and_pat(void)
{
	reset();
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_LSTAR, 0xffffffff81000000ULL), 0);
	CU_ASSERT_EQUAL(hw.lstar, 0xffffffff81000000ULL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_LSTAR, 0x0000800000000000ULL), -EINVAL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_FS_BASE, 0x8000000000000000ULL), -EINVAL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_PAT, 0x0007010600070406ULL), 0);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_PAT, 0x0007020600070406ULL), -EINVAL);
	CU_ASSERT_EQUAL(hw.pat, 0x0007010600070406ULL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_SYSENTER_CS, 0x12340010), 0);
	CU_ASSERT_EQUAL(hw.sysenter_cs, 0x10);
}

static void test_tsc(void)
{
	u64 v;

	reset();
	hw.tsc = 1000000;
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_TSC, 500), 0);
	CU_ASSERT_EQUAL(hw.offset_set, 500 - 1000000);
	hw.tsc = 1000100;
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, HX_MSR_TSC, &v), 0);
	CU_ASSERT_EQUAL(v, 600);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_TSC_AUX, 1ULL << 32), -EINVAL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_TSC_AUX, 7), 0);
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, HX_MSR_TSC_AUX, &v), 0);
	CU_ASSERT_EQUAL(v, 7);
}

static void test_mtrr_apic(void)
{
	u64 v;

	reset();
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, HX_MSR_MTRR_CAP, &v), 0);
	CU_ASSERT_EQUAL(v & 0xff, 8);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_MTRR_CAP, 0), -EINVAL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_MTRR_DEF_TYPE, 0xc06), 0);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_MTRR_DEF_TYPE, 0x1006), -EINVAL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_MTRR_DEF_TYPE, 0x2), -EINVAL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_MTRR_VAR0 + 2, 0x80000006), 0);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_MTRR_VAR0 + 3, 0xff80000800ULL), 0);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_MTRR_VAR0 + 3, 1ULL << 45), -EINVAL);
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, HX_MSR_MTRR_VAR0 + 2, &v), 0);
	CU_ASSERT_EQUAL(v, 0x80000006);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_MTRR_FIX4K_C0 + 7, 0x0606060606060606ULL), 0);
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, HX_MSR_MTRR_FIX4K_C0 + 7, &v), 0);
	CU_ASSERT_EQUAL(v, 0x0606060606060606ULL);
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, 0x251, &v), -ENOENT);	/* gap in fixed range */
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, HX_MSR_APIC_BASE, &v), 0);
	CU_ASSERT_EQUAL(v, 0xfee00900ULL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_APIC_BASE, 0xfed00800), 0);
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, HX_MSR_APIC_BASE, &v), 0);
	CU_ASSERT_EQUAL(v, 0xfed00900ULL);	/* BSP bit kept */
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_APIC_BASE, 0xfee00c00), -EINVAL); /* x2APIC */
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_APIC_BASE, 1ULL << 45), -EINVAL);
}

static void test_unknown(void)
{
	u64 v;

	reset();
	CU_ASSERT_EQUAL(hx_msr_read(&st, &io, 0x12345, &v), -ENOENT);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, 0x48, 1), -ENOENT);	/* SPEC_CTRL */
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_DEBUGCTL, 1), -EINVAL);
	CU_ASSERT_EQUAL(hx_msr_write(&st, &io, HX_MSR_DEBUGCTL, 0), 0);
	CU_ASSERT_EQUAL(hw.hw_sets, 0);
}

/* AMD system-configuration MSRs: 0 and writes ignored on AMD, #GP on Intel */
static void test_amd_syscfg(void)
{
	static const u32 idx[] = {
		HX_MSR_AMD_SYSCFG, HX_MSR_AMD_TOP_MEM1, HX_MSR_AMD_TOP_MEM2,
		HX_MSR_AMD_NB_CFG, HX_MSR_AMD_MMIO_CONF,
	};
	u64 v;

	reset();
	for (unsigned int i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		io.amd = true;
		v = 1;
		CU_ASSERT_EQUAL(hx_msr_write(&st, &io, idx[i], 1ULL << 46), 0);
		CU_ASSERT_EQUAL(hx_msr_read(&st, &io, idx[i], &v), 0);
		CU_ASSERT_EQUAL(v, 0);
		io.amd = false;
		CU_ASSERT_EQUAL(hx_msr_read(&st, &io, idx[i], &v), -ENOENT);
		CU_ASSERT_EQUAL(hx_msr_write(&st, &io, idx[i], 0), -ENOENT);
	}
	CU_ASSERT_EQUAL(hw.hw_sets, 0);
}

static const CU_TestInfo msr_tests[] = {
	{ "EFER validation", test_efer },
	{ "canonical bases, PAT, SYSENTER_CS", test_canonical_and_pat },
	{ "TSC offset and TSC_AUX", test_tsc },
	{ "MTRRs and APIC_BASE", test_mtrr_apic },
	{ "unknown MSRs", test_unknown },
	{ "AMD SYSCFG/TOP_MEM/NB_CFG", test_amd_syscfg },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(kmod_msr, msr_tests);

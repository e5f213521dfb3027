// SPDX-License-Identifier: GPL-2.0
/* Minimal xAPIC register file (kmod/hx_lapic.c). */
#include "unit.h"
#include "hx_lapic.h"

static void test_reset_and_ro(void)
{
	struct hx_lapic l;
	struct hx_lapic_ipi ipi;
	u32 v;

	hx_lapic_reset(&l, 3);
	CU_ASSERT_EQUAL(hx_lapic_read(&l, HX_LAPIC_ID, &v), 0);
	CU_ASSERT_EQUAL(v, 3u << 24);		/* = CPUID.1:EBX[31:24] */
	CU_ASSERT_EQUAL(hx_lapic_read(&l, HX_LAPIC_LVR, &v), 0);
	CU_ASSERT_EQUAL(v, HX_LAPIC_VERSION);
	CU_ASSERT_EQUAL(hx_lapic_read(&l, HX_LAPIC_DFR, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffffffu);
	CU_ASSERT_EQUAL(hx_lapic_read(&l, HX_LAPIC_SVR, &v), 0);
	CU_ASSERT_EQUAL(v, 0xff);
	CU_ASSERT_EQUAL(hx_lapic_read(&l, HX_LAPIC_LVT_TIMER, &v), 0);
	CU_ASSERT_EQUAL(v, 1u << 16);		/* masked */
	/* read-only registers ignore writes */
	CU_ASSERT_EQUAL(hx_lapic_write(&l, HX_LAPIC_LVR, 0, &ipi), 0);
	CU_ASSERT_EQUAL(hx_lapic_read(&l, HX_LAPIC_LVR, &v), 0);
	CU_ASSERT_EQUAL(v, HX_LAPIC_VERSION);
	CU_ASSERT_EQUAL(hx_lapic_write(&l, HX_LAPIC_ISR0, 5, &ipi), 0);
	CU_ASSERT_EQUAL(hx_lapic_read(&l, HX_LAPIC_ISR0, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	/* misaligned and out of page */
	CU_ASSERT_EQUAL(hx_lapic_read(&l, 0x24, &v), -EINVAL);
	CU_ASSERT_EQUAL(hx_lapic_write(&l, 0x400, 1, &ipi), -EINVAL);
}

static void test_rw_masks(void)
{
	struct hx_lapic l;
	struct hx_lapic_ipi ipi;
	u32 v;

	hx_lapic_reset(&l, 0);
	hx_lapic_write(&l, HX_LAPIC_TPR, 0x1234, &ipi);
	hx_lapic_read(&l, HX_LAPIC_TPR, &v);
	CU_ASSERT_EQUAL(v, 0x34);
	hx_lapic_read(&l, HX_LAPIC_PPR, &v);
	CU_ASSERT_EQUAL(v, 0x34);
	hx_lapic_write(&l, HX_LAPIC_SVR, 0x1ff, &ipi);
	hx_lapic_read(&l, HX_LAPIC_SVR, &v);
	CU_ASSERT_EQUAL(v, 0x1ff);
	hx_lapic_write(&l, HX_LAPIC_LDR, 0x01ffffff, &ipi);
	hx_lapic_read(&l, HX_LAPIC_LDR, &v);
	CU_ASSERT_EQUAL(v, 0x01000000);
	hx_lapic_write(&l, HX_LAPIC_ESR, 0, &ipi);
	hx_lapic_read(&l, HX_LAPIC_ESR, &v);
	CU_ASSERT_EQUAL(v, 0);
	hx_lapic_write(&l, HX_LAPIC_TMICT, 1000, &ipi);
	hx_lapic_read(&l, HX_LAPIC_TMCCT, &v);
	CU_ASSERT_EQUAL(v, 0);			/* timer not modelled */
	CU_ASSERT_EQUAL(hx_lapic_write(&l, HX_LAPIC_EOI, 0, &ipi), 0);
}

static void test_icr(void)
{
	struct hx_lapic a, b;
	struct hx_lapic_ipi ipi;
	u32 v;

	hx_lapic_reset(&a, 0);
	hx_lapic_reset(&b, 1);
	/* physical fixed IPI to APIC ID 1, vector 0xf6 */
	CU_ASSERT_EQUAL(hx_lapic_write(&a, HX_LAPIC_ICR_HI, 1u << 24, &ipi), 0);
	CU_ASSERT_EQUAL(hx_lapic_write(&a, HX_LAPIC_ICR_LO, 0x000040f6, &ipi), 1);
	CU_ASSERT_EQUAL(ipi.vector, 0xf6);
	CU_ASSERT_EQUAL(ipi.mode, HX_ICR_FIXED);
	CU_ASSERT_EQUAL(ipi.shorthand, HX_ICR_SH_NONE);
	CU_ASSERT_EQUAL(ipi.dest, 1);
	CU_ASSERT_FALSE(hx_lapic_match(&a, &ipi));
	CU_ASSERT(hx_lapic_match(&b, &ipi));
	hx_lapic_read(&a, HX_LAPIC_ICR_LO, &v);
	CU_ASSERT_EQUAL(v & (1u << 12), 0);	/* delivery status idle */
	/* self shorthand, NMI mode decoded */
	CU_ASSERT_EQUAL(hx_lapic_write(&a, HX_LAPIC_ICR_LO, (1u << 18) | (4u << 8) | 2, &ipi), 1);
	CU_ASSERT_EQUAL(ipi.shorthand, HX_ICR_SH_SELF);
	CU_ASSERT_EQUAL(ipi.mode, HX_ICR_NMI);
	/* logical flat: LDR bit 1 on b */
	hx_lapic_write(&b, HX_LAPIC_LDR, 0x02000000, &ipi);
	hx_lapic_write(&a, HX_LAPIC_ICR_HI, 0x03u << 24, &ipi);
	hx_lapic_write(&a, HX_LAPIC_ICR_LO, (1u << 11) | 0x40, &ipi);
	CU_ASSERT(ipi.logical);
	CU_ASSERT(hx_lapic_match(&b, &ipi));
	CU_ASSERT_FALSE(hx_lapic_match(&a, &ipi));	/* a's LDR is 0 */
	/* broadcast physical */
	hx_lapic_write(&a, HX_LAPIC_ICR_HI, 0xffu << 24, &ipi);
	hx_lapic_write(&a, HX_LAPIC_ICR_LO, 0x40, &ipi);
	CU_ASSERT(hx_lapic_match(&a, &ipi) && hx_lapic_match(&b, &ipi));
}

static const CU_TestInfo lapic_tests[] = {
	{ "reset values, read-only registers", test_reset_and_ro },
	{ "register masks", test_rw_masks },
	{ "ICR decoding and destinations", test_icr },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(kmod_lapic, lapic_tests);

// SPDX-License-Identifier: GPL-2.0
/*
 * VMRUN consistency checks (kmod/svm_check.c): a good long-mode VMCB
 * passes, each broken field is named with its own code, and the event
 * injection rule drops what QEMU TCG reports as an "exception" with an
 * interrupt's vector.
 */
#include <string.h>
#include "unit.h"
#include "svm_check.h"

/* A 64-bit Linux kernel's state as the restore in 90-state-save-restore saw it. */
static struct svm_check_in good(void)
{
	struct svm_check_in in = {
		.efer = 0x1d01, .cr0 = 0x80050033, .cr3 = 0x6578000, .cr4 = 0x6b0,
		.dr6 = 0xffff0ff0, .dr7 = 0x400, .cs_attrib = 0xa9b, .asid = 1,
		.vmrun_intercept = true, .iopm_pa = 0x1000000, .msrpm_pa = 0x1004000,
		.np_enable = true, .ncr3 = 0x21a3f000,
		.phys_bits = 40, .long_mode = true,
		.cr4_valid = 0x7ff | (1 << 18), .efer_valid = 0x5d01,
	};
	return in;
}

static u32 code_of(const struct svm_check_in *in)
{
	u32 code = 99;
	const char *why = svm_check_vmcb(in, &code);

	CU_ASSERT((why == NULL) == (code == 0));
	return code;
}

static void test_good(void)
{
	struct svm_check_in in = good();

	CU_ASSERT_PTR_NULL(svm_check_vmcb(&in, NULL));
	CU_ASSERT_EQUAL(code_of(&in), 0);
	in.event_inj = 0x800000f3;	/* INTR 0xf3 */
	CU_ASSERT_EQUAL(code_of(&in), 0);
	in.event_inj = 0x80000b0e;	/* #PF with error code */
	CU_ASSERT_EQUAL(code_of(&in), 0);
}

static void test_each_field(void)
{
	struct svm_check_in in;

#define BAD(field, val, want) do {		\
		in = good();			\
		in.field = (val);		\
		CU_ASSERT_EQUAL(code_of(&in), want); \
	} while (0)
	BAD(efer, 0xd01, 1);			/* SVME clear */
	BAD(cr0, 0xa0050033, 2);		/* NW without CD */
	BAD(cr0, 0x180050033ULL, 3);
	BAD(cr3, 1ULL << 45, 4);		/* above 40 bits */
	BAD(cr4, 0x6b0 | (1 << 13), 5);		/* VMXE on AMD */
	BAD(dr6, 1ULL << 32, 6);
	BAD(dr7, 1ULL << 40, 7);
	BAD(efer, 0x1d01 | (1 << 13), 8);	/* LMSLE not implemented */
	BAD(long_mode, false, 9);
	BAD(cr4, 0x690, 10);			/* PAE clear in long mode */
	BAD(cr0, 0x80050032, 11);		/* PE clear */
	BAD(cs_attrib, 0xe9b, 12);		/* L and D */
	BAD(vmrun_intercept, false, 13);
	BAD(msrpm_pa, (1ULL << 40) - 0x1000, 14);
	BAD(asid, 0, 15);
	BAD(ncr3, 0, 16);
	BAD(event_inj, 0x800003f3, 21);		/* "exception" 0xf3 */
	BAD(event_inj, 0x80000302, 21);		/* exception type, vector 2 */
	BAD(event_inj, 0x80000100, 23);		/* type 1 */
	BAD(event_inj, 0x80001000 | 0x20, 20);	/* reserved bit 12 */
#undef BAD
	/* legacy mode: only the low 32 bits of CR3 */
	in = good();
	in.efer = 0x1000;
	in.cr4 = 0;
	in.cr0 = 0x11;
	in.cs_attrib = 0xc9b;
	CU_ASSERT_EQUAL(code_of(&in), 0);
	in.cr3 = 1ULL << 33;
	CU_ASSERT_EQUAL(code_of(&in), 4);
}

static void test_event_legal(void)
{
	CU_ASSERT(svm_event_legal(0));			/* nothing */
	CU_ASSERT(svm_event_legal(0x000003f3));		/* V clear: ignored */
	CU_ASSERT(svm_event_legal(0x800000f3));		/* INTR */
	CU_ASSERT(svm_event_legal(0x80000200));		/* NMI */
	CU_ASSERT(svm_event_legal(0x80000b0d));		/* #GP(err) */
	CU_ASSERT(svm_event_legal(0x80000480));		/* soft INT 0x80 */
	CU_ASSERT(!svm_event_legal(0x800003f3));	/* QEMU's duplicate */
	CU_ASSERT(!svm_event_legal(0x80000320));	/* exception 32 */
	CU_ASSERT(!svm_event_legal(0x80000700));	/* type 7 */
}

static const CU_TestInfo svm_check_tests[] = {
	{ "long-mode VMCB passes", test_good },
	{ "each failing check named", test_each_field },
	{ "event injection legality", test_event_legal },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(svm_check, svm_check_tests);

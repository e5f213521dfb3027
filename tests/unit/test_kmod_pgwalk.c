// SPDX-License-Identifier: GPL-2.0
/* Guest page-table walker (kmod/hx_pgwalk.c) on page tables in a fake guest RAM. */
#include "unit.h"
#include "hx_pgwalk.h"

#define RAM_SIZE	(4u << 20)
static u8 *ram;

static int rd(void *opaque, u64 gpa, void *buf, u32 len)
{
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, ram + gpa, len);
	return 0;
}

static int wr(void *opaque, u64 gpa, const void *buf, u32 len)
{
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(ram + gpa, buf, len);
	return 0;
}

static void set64(u64 gpa, u64 v) { memcpy(ram + gpa, &v, 8); }
static void set32(u64 gpa, u32 v) { memcpy(ram + gpa, &v, 4); }

#define P	1ULL
#define RW	2ULL
#define US	4ULL
#define PS	0x80ULL
#define XD	(1ULL << 63)

static struct hx_walk_ctx ctx64(void)
{
	struct hx_walk_ctx c = {
		.cr0 = 0x80000011, .cr3 = 0x1000, .cr4 = 0x20, .efer = 0x500 | 0x800,
		.cpl = 0, .read_gpa = rd, .write_gpa = wr,
	};
	return c;
}

static int init(void)
{
	ram = calloc(1, RAM_SIZE);
	return ram ? 0 : -1;
}

static int cleanup(void)
{
	free(ram);
	return 0;
}

/*
 * 4-level: PML4 @0x1000, PDPT @0x2000, PD @0x3000, PT @0x4000.
 *   gva 0x0000_0000_0040_0000 (PD[2] -> PT, PT[5] -> 0x123000)
 *   gva 0x0000_0000_0020_0000 (PD[1] 2M page -> 0x200000)
 *   gva 0x0000_0000_4000_0000 (PDPT[1] 1G page -> 0x40000000)
 *   gva 0xffff_8000_0000_0000 (PML4[256] not present)
 */
static void build_4level(void)
{
	memset(ram, 0, RAM_SIZE);
	set64(0x1000, 0x2000 | P | RW | US);
	set64(0x2000, 0x3000 | P | RW | US);
	set64(0x2000 + 8, 0x40000000 | P | RW | PS);	/* 1G, supervisor */
	set64(0x3000 + 8, 0x200000 | P | PS | US);	/* 2M read-only user */
	set64(0x3000 + 16, 0x4000 | P | RW | US);
	set64(0x4000 + 5 * 8, 0x123000 | P | RW | US | XD);
}

static void test_4level(void)
{
	struct hx_walk_ctx c = ctx64();
	struct hx_walk_result r;
	u64 gpa;

	build_4level();
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x405abc, HX_ACC_READ, &r), 0);
	CU_ASSERT_EQUAL(r.gpa, 0x123abc);
	CU_ASSERT_EQUAL(r.page_size, 4096);
	CU_ASSERT_EQUAL(r.level, 1);
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x212345, HX_ACC_READ, &r), 0);
	CU_ASSERT_EQUAL(r.gpa, 0x212345);
	CU_ASSERT_EQUAL(r.page_size, 2u << 20);
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 0x40000000 + 0x1234567, HX_ACC_WRITE, &gpa), 0);
	CU_ASSERT_EQUAL(gpa, 0x41234567);
	/* not present at PML4 level: #PF with P=0 */
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0xffff800000000000ULL, HX_ACC_READ, &r), -ENOENT);
	CU_ASSERT_EQUAL(r.pf_error & HX_PF_P, 0);
	/* not present PTE, write access: W bit in error code */
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x406000, HX_ACC_WRITE, &r), -ENOENT);
	CU_ASSERT_EQUAL(r.pf_error, HX_PF_W);
	/* non-canonical */
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x0000800000000000ULL, HX_ACC_READ, &r), -EINVAL);
}

static void test_rights(void)
{
	struct hx_walk_ctx c = ctx64();
	struct hx_walk_result r;

	build_4level();
	/* 2M page is read-only: supervisor write OK without CR0.WP ... */
	c.cr0 &= ~(1ULL << 16);
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x200000, HX_ACC_WRITE, &r), 0);
	/* ... and a protection fault with CR0.WP */
	c.cr0 |= 1ULL << 16;
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x200000, HX_ACC_WRITE, &r), -ENOENT);
	CU_ASSERT_EQUAL(r.pf_error, HX_PF_P | HX_PF_W);
	/* user access to the supervisor 1G page */
	c.cpl = 3;
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x40000000, HX_ACC_READ, &r), -ENOENT);
	CU_ASSERT_EQUAL(r.pf_error, HX_PF_P | HX_PF_U);
	/* fetch from an XD page */
	c.cpl = 0;
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x405000, HX_ACC_FETCH, &r), -ENOENT);
	CU_ASSERT_EQUAL(r.pf_error, HX_PF_P | HX_PF_I);
	/* XD set while EFER.NXE=0 is a reserved-bit fault */
	c.efer &= ~0x800ULL;
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x405000, HX_ACC_READ, &r), -ENOENT);
	CU_ASSERT_EQUAL(r.pf_error & HX_PF_RSVD, HX_PF_RSVD);
	/* paging structure outside RAM */
	c = ctx64();
	c.cr3 = 0x10000000;
	CU_ASSERT_EQUAL(hx_gva_walk(&c, 0x1000, HX_ACC_READ, &r), -EFAULT);
}

static void test_5level(void)
{
	struct hx_walk_ctx c = ctx64();
	u64 gpa;

	build_4level();
	/* PML5 @0x5000 -> PML4 @0x1000; LA57 */
	set64(0x5000, 0x1000 | P | RW | US);
	c.cr3 = 0x5000;
	c.cr4 |= 1ULL << 12;
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 0x405010, HX_ACC_READ, &gpa), 0);
	CU_ASSERT_EQUAL(gpa, 0x123010);
	/* 57-bit canonical: bit 56 set requires all ones above */
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 1ULL << 56, HX_ACC_READ, &gpa), -EINVAL);
	/* 0x0000_8000_0000_0000 is canonical under LA57 but PML5[1] absent */
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 1ULL << 48, HX_ACC_READ, &gpa), -ENOENT);
}

static void test_pae_and_32bit(void)
{
	struct hx_walk_ctx c = ctx64();
	u64 gpa;

	memset(ram, 0, RAM_SIZE);
	/* PAE: PDPT @0x1000 (32-byte aligned), PD @0x2000, PT @0x3000 */
	c.efer = 0;
	c.cr3 = 0x1000;
	set64(0x1000 + 3 * 8, 0x2000 | P);		/* 3G..4G */
	set64(0x2000 + 511 * 8, 0x3000 | P | RW);	/* last 2M */
	set64(0x3000 + 511 * 8, 0x7000 | P | RW);
	set64(0x2000 + 0, 0x200000 | P | RW | PS);	/* 2M at 0xc0000000 */
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 0xfffff123, HX_ACC_READ, &gpa), 0);
	CU_ASSERT_EQUAL(gpa, 0x7123);
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 0xc0012345, HX_ACC_READ, &gpa), 0);
	CU_ASSERT_EQUAL(gpa, 0x212345);
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 0x1000, HX_ACC_READ, &gpa), -ENOENT);

	/* 32-bit: PD @0x1000, PT @0x2000; 4M PSE page at PD[1] */
	memset(ram, 0, RAM_SIZE);
	c.cr4 = 0x10;		/* PSE */
	set32(0x1000, 0x2000 | P | RW);
	set32(0x2000 + 3 * 4, 0x9000 | P | RW);
	set32(0x1000 + 4, 0x00c00000 | P | RW | PS);
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 0x3456, HX_ACC_READ, &gpa), 0);
	CU_ASSERT_EQUAL(gpa, 0x9456);
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 0x00412345, HX_ACC_READ, &gpa), 0);
	CU_ASSERT_EQUAL(gpa, 0x00c12345);
	/* without PSE the same PDE points to a page table */
	c.cr4 = 0;
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 0x00412345, HX_ACC_READ, &gpa), -EFAULT);

	/* no paging: identity */
	c.cr0 = 0x11;
	CU_ASSERT_EQUAL(hx_gva_to_gpa(&c, 0xb8000, HX_ACC_WRITE, &gpa), 0);
	CU_ASSERT_EQUAL(gpa, 0xb8000);
}

static void test_copy_split(void)
{
	struct hx_walk_ctx c = ctx64();
	char out[16] = { 0 };

	build_4level();
	/* gva 0x405ff8.. spans PT[5] (-> 0x123000) and PT[6] (-> 0x300000) */
	set64(0x4000 + 6 * 8, 0x300000 | P | RW | US);
	memcpy(ram + 0x123ff8, "ABCDEFGH", 8);
	memcpy(ram + 0x300000, "IJKLMNOP", 8);
	CU_ASSERT_EQUAL(hx_copy_from_guest(&c, out, 0x405ff8, 16), 0);
	CU_ASSERT_EQUAL(memcmp(out, "ABCDEFGHIJKLMNOP", 16), 0);
	CU_ASSERT_EQUAL(hx_copy_to_guest(&c, 0x405ffc, "wxyz1234", 8), 0);
	CU_ASSERT_EQUAL(memcmp(ram + 0x123ffc, "wxyz", 4), 0);
	CU_ASSERT_EQUAL(memcmp(ram + 0x300000, "1234", 4), 0);
	/* second page missing: fails as a page fault */
	CU_ASSERT_EQUAL(hx_copy_from_guest(&c, out, 0x406ff8, 16), -ENOENT);
	/* fetch from XD page refused */
	CU_ASSERT_EQUAL(hx_fetch_guest(&c, out, 0x405000, 4), -ENOENT);
}

static const CU_TestInfo pgwalk_tests[] = {
	{ "4-level 4K/2M/1G and faults", test_4level },
	{ "U/S, R/W+WP, XD, reserved", test_rights },
	{ "5-level", test_5level },
	{ "PAE and 32-bit PSE, no paging", test_pae_and_32bit },
	{ "copy across pages", test_copy_split },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(kmod_pgwalk, pgwalk_tests, .init = init, .cleanup = cleanup);

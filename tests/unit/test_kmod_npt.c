// SPDX-License-Identifier: GPL-2.0
/*
 * The nested page table builder (kmod/hx_npt.c) with 2 MiB leaves: made
 * only over an empty range, found by lookups of every page under them,
 * dropped whole by a zap of any part, split into identical 4 KiB leaves
 * when one page inside needs its own entry, an emptied table retired
 * until a flush, no leaf ever freed as a table, and the window rule
 * (inside the slot, 2 MiB congruent, not dirty-logged).
 */
#include <stdlib.h>
#include "unit.h"
#include "hx_npt.h"

static long live_pages;

void *hx_page_zalloc(void)
{
	void *p = aligned_alloc(4096, 4096);

	if (p) {
		memset(p, 0, 4096);
		live_pages++;
	}
	return p;
}

void hx_page_free(void *page)
{
	live_pages--;
	free(page);
}

/* AMD NPT encoding (x86 PTEs), as kmod/svm.c makes them. */
#define P	1ULL
#define RW	2ULL
#define US	4ULL
#define A	0x20ULL
#define D	0x40ULL
#define PS	0x80ULL
#define NX	(1ULL << 63)
#define ADDR	0x000ffffffffff000ULL
#define MIB2	(2ULL << 20)

static u64 table_pte(u64 hpa)
{
	return hpa | P | RW | US | A;
}

static u64 leaf_pte(u64 hpa, u32 prot)
{
	u64 e = hpa | P | US | A;

	if (prot & HX_PROT_W)
		e |= RW | D;
	if (!(prot & HX_PROT_X))
		e |= NX;
	return e;
}

static const struct hx_npt_fmt fmt = {
	.table_pte = table_pte, .leaf_pte = leaf_pte,
	.present_mask = P, .addr_mask = ADDR, .huge = true,
};

#define RWX	(HX_PROT_R | HX_PROT_W | HX_PROT_X)

static struct hx_npt t;

/* A tree with a spare table per level, as hx_mmu_topup() leaves it. */
static void start(const struct hx_npt_fmt *f)
{
	live_pages = 0;
	CU_ASSERT_EQUAL_FATAL(hx_npt_init(&t, f, 4), 0);
	while (hx_npt_cache_need(&t))
		CU_ASSERT_FATAL(hx_npt_cache_put(&t, hx_page_zalloc()));
}

static void refill(void)
{
	while (hx_npt_cache_need(&t))
		hx_npt_cache_put(&t, hx_page_zalloc());
}

static void finish(void)
{
	hx_npt_free(&t);
	CU_ASSERT_EQUAL(live_pages, 0);
}

/* The host address @gpa maps to; *@huge: through a 2 MiB leaf. */
static u64 addr_of(u64 gpa, bool *huge)
{
	bool h = false;
	u64 e = 0;

	if (!hx_npt_lookup(&t, gpa, &e, &h))
		return ~0ULL;
	if (huge)
		*huge = h;
	return (e & ADDR) + (h ? gpa & (MIB2 - 1) & ADDR : 0);
}

static void test_huge_map_lookup(void)
{
	bool huge;
	u64 e;

	start(&fmt);
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40000000, 0x12600000, RWX), 0);
	CU_ASSERT_EQUAL(t.nr_huge, 1);
	/* every page of the window, and nothing next to it */
	CU_ASSERT_EQUAL(addr_of(0x40000000, &huge), 0x12600000);
	CU_ASSERT(huge);
	CU_ASSERT_EQUAL(addr_of(0x401ff000, &huge), 0x127ff000);
	CU_ASSERT(hx_npt_present(&t, 0x40123000));
	CU_ASSERT(!hx_npt_present(&t, 0x40200000));
	CU_ASSERT(!hx_npt_present(&t, 0x3ffff000));
	CU_ASSERT(hx_npt_lookup(&t, 0x40000000, &e, NULL));
	CU_ASSERT_EQUAL(e & (PS | RW | P), PS | RW | P);
	CU_ASSERT_EQUAL(e & NX, 0);
	/* not aligned: refused */
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40201000, 0x12800000, RWX), -EINVAL);
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40200000, 0x12801000, RWX), -EINVAL);
	/* the tree: root, level 3, level 2 and no level-1 table */
	CU_ASSERT_EQUAL(t.nr_tables, 3);
	finish();
}

static void test_huge_not_allowed(void)
{
	struct hx_npt_fmt ept_4k = fmt;

	ept_4k.huge = false;
	start(&ept_4k);
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40000000, 0x12600000, RWX), -EINVAL);
	CU_ASSERT(!hx_npt_present(&t, 0x40000000));
	finish();
}

static void test_zap_part_drops_whole(void)
{
	start(&fmt);
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40000000, 0x12600000, RWX), 0);
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40200000, 0x12800000, RWX), 0);
	CU_ASSERT_EQUAL(t.nr_huge, 2);
	/* one page of the second window (an MMU notifier range) */
	CU_ASSERT_EQUAL(hx_npt_zap_range(&t, 0x40345000, 0x40346000), 1);
	CU_ASSERT(!hx_npt_present(&t, 0x40200000));
	CU_ASSERT(!hx_npt_present(&t, 0x403ff000));
	CU_ASSERT(hx_npt_present(&t, 0x401ff000));
	CU_ASSERT_EQUAL(t.nr_huge, 1);
	/* a range ending inside the first one */
	CU_ASSERT_EQUAL(hx_npt_zap_range(&t, 0x3ff00000, 0x40001000), 1);
	CU_ASSERT(!hx_npt_present(&t, 0x40100000));
	CU_ASSERT_EQUAL(t.nr_huge, 0);
	CU_ASSERT_EQUAL(hx_npt_zap_range(&t, 0, 1ULL << 40), 0);
	finish();
}

static void test_split_keeps_pages(void)
{
	bool huge;
	u64 e;

	start(&fmt);
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40000000, 0x12600000, HX_PROT_R | HX_PROT_X), 0);
	/* one page inside gets its own leaf: the other 511 stay as they were */
	CU_ASSERT_EQUAL(hx_npt_map(&t, 0x40005000, 0x77777000, RWX), 0);
	CU_ASSERT_EQUAL(t.nr_huge, 0);
	CU_ASSERT_EQUAL(t.nr_huge_split, 1);
	CU_ASSERT_EQUAL(t.nr_tables, 4);
	CU_ASSERT_EQUAL(addr_of(0x40005000, &huge), 0x77777000);
	CU_ASSERT(!huge);
	CU_ASSERT_EQUAL(addr_of(0x40004000, &huge), 0x12604000);
	CU_ASSERT(!huge);
	CU_ASSERT_EQUAL(addr_of(0x401ff000, &huge), 0x127ff000);
	CU_ASSERT(hx_npt_lookup(&t, 0x40006000, &e, NULL));
	/* same rights as the 2 MiB leaf, and a 4 KiB leaf has no PS bit */
	CU_ASSERT_EQUAL(e & (PS | RW | NX | P), P);
	/* a zap now takes only its own page */
	CU_ASSERT_EQUAL(hx_npt_zap_range(&t, 0x40006000, 0x40007000), 1);
	CU_ASSERT(hx_npt_present(&t, 0x40007000));
	finish();
}

static void test_split_needs_cache(void)
{
	start(&fmt);
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40000000, 0x12600000, RWX), 0);
	while (t.nr_cache)
		hx_page_free(t.cache[--t.nr_cache]);
	CU_ASSERT_EQUAL(hx_npt_map(&t, 0x40005000, 0x77777000, RWX), -EAGAIN);
	CU_ASSERT_EQUAL(t.nr_huge, 1);	/* left as it was */
	refill();
	CU_ASSERT_EQUAL(hx_npt_map(&t, 0x40005000, 0x77777000, RWX), 0);
	finish();
}

static void test_over_4k_and_retired(void)
{
	u64 *ret[HX_NPT_RETIRED];

	start(&fmt);
	CU_ASSERT_EQUAL(hx_npt_map(&t, 0x40005000, 0x12605000, RWX), 0);
	CU_ASSERT_EQUAL(t.nr_tables, 4);
	/* 4 KiB leaves there: the caller maps 4 KiB */
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40000000, 0x12600000, RWX), -EEXIST);
	CU_ASSERT_EQUAL(addr_of(0x40005000, NULL), 0x12605000);
	/* zapped (the host made the range one huge page): the empty table goes */
	CU_ASSERT_EQUAL(hx_npt_zap_range(&t, 0x40000000, 0x40200000), 1);
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40000000, 0x12600000, RWX), 0);
	CU_ASSERT_EQUAL(t.nr_tables, 3);
	CU_ASSERT_EQUAL(t.nr_retired, 1);
	CU_ASSERT_EQUAL(addr_of(0x40005000, NULL), 0x12605000);
	/* freed by the caller after a flush; the tree no longer points to it */
	CU_ASSERT_EQUAL(hx_npt_take_retired(&t, ret, HX_NPT_RETIRED), 1);
	CU_ASSERT_EQUAL(t.nr_retired, 0);
	hx_npt_table_free(ret[0]);
	CU_ASSERT_EQUAL(live_pages, (long)(t.nr_tables + t.nr_cache));
	finish();
}

static void test_retired_full(void)
{
	u64 gpa;
	unsigned int i;

	start(&fmt);
	for (i = 0; i <= HX_NPT_RETIRED; i++) {
		gpa = 0x40000000 + i * MIB2;
		refill();
		CU_ASSERT_EQUAL(hx_npt_map(&t, gpa, 0x1000000 + i * MIB2, RWX), 0);
		hx_npt_zap_range(&t, gpa, gpa + MIB2);
		CU_ASSERT_EQUAL(hx_npt_map_huge(&t, gpa, 0x1000000 + i * MIB2, RWX),
				i < HX_NPT_RETIRED ? 0 : -EEXIST);
	}
	CU_ASSERT_EQUAL(t.nr_retired, HX_NPT_RETIRED);
	/* the VM goes: retired tables are freed with the rest */
	finish();
}

static void test_free_skips_leaves(void)
{
	start(&fmt);
	/* leaves pointing at memory the builder never allocated */
	CU_ASSERT_EQUAL(hx_npt_map_huge(&t, 0x40000000, 0xfee00000, RWX), 0);
	refill();
	CU_ASSERT_EQUAL(hx_npt_map(&t, 0x80000000, 0xdead000, RWX), 0);
	finish();	/* frees tables only: live_pages back to 0, no bad free */
}

static void test_window_rule(void)
{
	/* a 128 MiB slot at 0 whose host address is 2 MiB aligned */
	CU_ASSERT(hx_npt_huge_window(0, 128 << 20, 0x7f0000000000ULL, false, 0x1234000));
	CU_ASSERT(hx_npt_huge_window(0, 128 << 20, 0x7f0000000000ULL, false, 0x7fff000));
	/* dirty-logged: never */
	CU_ASSERT(!hx_npt_huge_window(0, 128 << 20, 0x7f0000000000ULL, true, 0x1234000));
	/* host address 4 KiB off the 2 MiB grid */
	CU_ASSERT(!hx_npt_huge_window(0, 128 << 20, 0x7f0000001000ULL, false, 0x1234000));
	/* congruent though both unaligned: windows wholly inside are fine */
	CU_ASSERT(hx_npt_huge_window(0x101000, 8 << 20, 0x7f0000101000ULL, false, 0x400000));
	CU_ASSERT(!hx_npt_huge_window(0x101000, 8 << 20, 0x7f0000101000ULL, false, 0x101000));
	/* last window cut by the slot's end */
	CU_ASSERT(!hx_npt_huge_window(0, 0x7f0000, 0x7f0000000000ULL, false, 0x7e0000));
	/* a 64 KiB slot never */
	CU_ASSERT(!hx_npt_huge_window(0xfeff0000, 0x10000, 0x7f0000000000ULL, false, 0xfeff0000));
}

/*
 * The rights of an entry made at a fault: writable only where the host
 * maps the page writable, never on a read-only slot, on a dirty-logged
 * slot only for a write.
 */
static void test_fault_prot(void)
{
	const u32 rx = HX_PROT_R | HX_PROT_X, rwx = rx | HX_PROT_W;

	/* plain slot: what the host maps */
	CU_ASSERT_EQUAL(hx_npt_fault_prot(false, false, false, true), rwx);
	CU_ASSERT_EQUAL(hx_npt_fault_prot(false, false, true, true), rwx);
	/* a read of a page the host shares read-only (KSM, COW) */
	CU_ASSERT_EQUAL(hx_npt_fault_prot(false, false, false, false), rx);
	CU_ASSERT_EQUAL(hx_npt_fault_prot(false, false, true, false), rx);
	/* dirty-logged: a read stays read-only, a write (logged) does not */
	CU_ASSERT_EQUAL(hx_npt_fault_prot(false, true, false, true), rx);
	CU_ASSERT_EQUAL(hx_npt_fault_prot(false, true, true, true), rwx);
	CU_ASSERT_EQUAL(hx_npt_fault_prot(false, true, true, false), rx);
	/* read-only slot: never writable */
	CU_ASSERT_EQUAL(hx_npt_fault_prot(true, false, true, true), rx);
	CU_ASSERT_EQUAL(hx_npt_fault_prot(true, true, true, true), rx);
	CU_ASSERT_EQUAL(hx_npt_fault_prot(true, false, false, true), rx);
}

static const CU_TestInfo npt_tests[] = {
	{ "2 MiB leaf: map and lookup", test_huge_map_lookup },
	{ "2 MiB leaves off (EPT without them)", test_huge_not_allowed },
	{ "zap of a part drops the whole leaf", test_zap_part_drops_whole },
	{ "split keeps pages and rights", test_split_keeps_pages },
	{ "split with an empty cache", test_split_needs_cache },
	{ "over 4 KiB leaves; retired table", test_over_4k_and_retired },
	{ "retired list full", test_retired_full },
	{ "free never frees a leaf", test_free_skips_leaves },
	{ "window rule", test_window_rule },
	{ "rights at a fault", test_fault_prot },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(kmod_npt, npt_tests);

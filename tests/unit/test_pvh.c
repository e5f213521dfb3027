// SPDX-License-Identifier: GPL-2.0
/* PVH boot information: start_info, memory map, cmdline, initrd. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "monitor/acpi.h"
#include "monitor/pvh.h"

static struct mon_mem mem;
static char err[256];

static void mk(uint64_t ram)
{
	mon_mem_free(&mem);
	CU_ASSERT_FATAL(mon_mem_layout(&mem, ram, err, sizeof(err)) == 0);
	CU_ASSERT_FATAL(pvh_mem_layout(&mem, err, sizeof(err)) == 0);
	CU_ASSERT_FATAL(mon_mem_alloc(&mem, err, sizeof(err)) == 0);
}

static const struct mon_image kimg = {
	.format = "elf64", .entry = 0x1000850, .pvh_entry = true,
	.lo = 0x1000000, .hi = 0x4a00000,
};

static void test_start_info(void)
{
	static uint8_t initrd[12345];
	struct pvh_boot b = {
		.cmdline = "console=hvc0 quiet", .initrd = initrd,
		.initrd_len = sizeof(initrd), .vcpus = 2,
	};
	struct pvh_info pi;
	struct hvm_start_info *si;
	struct hvm_modlist_entry *mod;
	struct hvm_memmap_table_entry *mm;
	uint64_t ram = 256ULL << 20;

	memset(initrd, 0x5a, sizeof(initrd));
	mk(ram);
	CU_ASSERT_EQUAL_FATAL(pvh_setup(&mem, &kimg, &b, &pi, err,
					sizeof(err)), 0);
	CU_ASSERT_EQUAL(pi.start_info_gpa, PVH_START_INFO_GPA);
	si = mon_mem_ram_ptr(&mem, pi.start_info_gpa, sizeof(*si));
	CU_ASSERT_EQUAL(si->magic, 0x336ec578);
	CU_ASSERT_EQUAL(si->version, 1);
	CU_ASSERT_EQUAL(si->flags, 0);
	CU_ASSERT_EQUAL(si->nr_modules, 1);
	CU_ASSERT_EQUAL(si->rsdp_paddr, 0xe0000);
	CU_ASSERT_STRING_EQUAL((char *)mon_mem_ram_ptr(&mem, si->cmdline_paddr,
				1), "console=hvc0 quiet");
	/* everything Linux reads through __va() is below 1 GiB */
	CU_ASSERT(si->modlist_paddr < (1 << 30) && si->memmap_paddr < (1 << 30));

	mod = mon_mem_ram_ptr(&mem, si->modlist_paddr, sizeof(*mod));
	CU_ASSERT_EQUAL(mod->size, sizeof(initrd));
	CU_ASSERT_EQUAL(mod->paddr & 4095, 0);
	CU_ASSERT(mod->paddr >= kimg.hi);
	CU_ASSERT(mod->paddr + mod->size <= ram);
	CU_ASSERT(ram - (mod->paddr + mod->size) < 4096);	/* at the top */
	CU_ASSERT_EQUAL(pi.initrd_gpa, mod->paddr);
	CU_ASSERT(!memcmp(mon_mem_ram_ptr(&mem, mod->paddr, mod->size), initrd,
			  sizeof(initrd)));

	/* RAM below 640K, the hole left out, RAM from 1M, special pages */
	CU_ASSERT_EQUAL_FATAL(si->memmap_entries, 3);
	mm = mon_mem_ram_ptr(&mem, si->memmap_paddr, 3 * sizeof(*mm));
	CU_ASSERT_EQUAL(mm[0].addr, 0);
	CU_ASSERT_EQUAL(mm[0].size, 0xa0000);
	CU_ASSERT_EQUAL(mm[0].type, 1);
	CU_ASSERT_EQUAL(mm[1].addr, 0x100000);
	CU_ASSERT_EQUAL(mm[1].size, ram - 0x100000);
	CU_ASSERT_EQUAL(mm[1].type, 1);
	CU_ASSERT_EQUAL(mm[2].addr, PVH_SPECIAL_GPA);
	CU_ASSERT_EQUAL(mm[2].type, 2);
	CU_ASSERT(PVH_STORE_PFN << 12 >= mm[2].addr &&
		  PVH_CONSOLE_PFN << 12 < mm[2].addr + mm[2].size);
	/* the LAPIC is not in the map, and there is free space for grants */
	CU_ASSERT(0xfee00000ULL >= mm[2].addr + mm[2].size ||
		  0xfee00000ULL < mm[2].addr);
	CU_ASSERT(mm[2].addr - (mm[1].addr + mm[1].size) >= (128 << 20));
	CU_ASSERT_PTR_NOT_NULL(pi.store_page);
	CU_ASSERT_PTR_NOT_NULL(pi.console_page);
	CU_ASSERT(pi.console_page - pi.store_page == 3 * 4096);
}

static void test_no_initrd_highmem(void)
{
	struct pvh_boot b = { .cmdline = NULL, .vcpus = 1 };
	struct hvm_start_info *si;
	struct hvm_memmap_table_entry *mm;
	struct pvh_info pi;

	mk(4ULL << 30);		/* 3 GiB low + 1 GiB above 4 GiB */
	CU_ASSERT_EQUAL_FATAL(pvh_setup(&mem, &kimg, &b, &pi, err,
					sizeof(err)), 0);
	si = mon_mem_ram_ptr(&mem, PVH_START_INFO_GPA, sizeof(*si));
	CU_ASSERT_EQUAL(si->nr_modules, 0);
	CU_ASSERT_EQUAL(si->modlist_paddr, 0);
	CU_ASSERT_EQUAL(*(char *)mon_mem_ram_ptr(&mem, si->cmdline_paddr, 1),
			'\0');
	CU_ASSERT_EQUAL_FATAL(si->memmap_entries, 4);
	mm = mon_mem_ram_ptr(&mem, si->memmap_paddr, 4 * sizeof(*mm));
	CU_ASSERT_EQUAL(mm[1].addr + mm[1].size, MON_LOWMEM_END);
	CU_ASSERT_EQUAL(mm[3].addr, 1ULL << 32);
	CU_ASSERT_EQUAL(mm[3].size, 1ULL << 30);
	CU_ASSERT_EQUAL(mm[3].type, 1);
	mon_mem_free(&mem);
	memset(&mem, 0, sizeof(mem));
}

static void test_errors(void)
{
	static uint8_t big[1 << 20];
	char *cl = malloc(PVH_CMDLINE_MAX + 1);
	struct pvh_boot b = { .vcpus = 1 };
	struct mon_image low = kimg;
	struct pvh_info pi;

	mk(80ULL << 20);
	memset(cl, 'a', PVH_CMDLINE_MAX);
	cl[PVH_CMDLINE_MAX] = '\0';
	b.cmdline = cl;
	CU_ASSERT_EQUAL(pvh_setup(&mem, &kimg, &b, &pi, err, sizeof(err)),
			-E2BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "command line"));
	cl[PVH_CMDLINE_MAX - 1] = '\0';		/* 2047 chars: fits */
	CU_ASSERT_EQUAL(pvh_setup(&mem, &kimg, &b, &pi, err, sizeof(err)), 0);
	free(cl);
	b.cmdline = "x";

	/* 80 MiB RAM, kernel to 74 MiB: 6 MiB left, a 1 MiB initrd fits... */
	b.initrd = big;
	b.initrd_len = sizeof(big);
	CU_ASSERT_EQUAL(pvh_setup(&mem, &kimg, &b, &pi, err, sizeof(err)), 0);
	/* ...a 7 MiB one does not */
	b.initrd_len = 7 << 20;
	CU_ASSERT_EQUAL(pvh_setup(&mem, &kimg, &b, &pi, err, sizeof(err)),
			-ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "initrd"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--memory"));
	b.initrd = NULL;

	low.lo = 0x8000;
	CU_ASSERT_EQUAL(pvh_setup(&mem, &low, &b, &pi, err, sizeof(err)),
			-ENOEXEC);
	b.vcpus = 300;
	CU_ASSERT_EQUAL(pvh_setup(&mem, &kimg, &b, &pi, err, sizeof(err)),
			-EINVAL);

	/* too little RAM for a PVH guest at all */
	mon_mem_free(&mem);
	CU_ASSERT_FATAL(mon_mem_layout(&mem, 1 << 20, err, sizeof(err)) == 0);
	CU_ASSERT_EQUAL(pvh_mem_layout(&mem, err, sizeof(err)), -EINVAL);
	mon_mem_free(&mem);
	memset(&mem, 0, sizeof(mem));
}

static const CU_TestInfo pvh_tests[] = {
	{ "start_info, modlist, memmap", test_start_info },
	{ "no initrd, RAM above 4 GiB", test_no_initrd_highmem },
	{ "errors", test_errors },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(pvh, pvh_tests);

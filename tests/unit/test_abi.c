// SPDX-License-Identifier: GPL-2.0
/* The ABI header compiles in user space and keeps its documented layout. */
#include <stddef.h>
#include "unit.h"
#include "hxen/hxen.h"

static void test_run_layout(void)
{
	CU_ASSERT_EQUAL(offsetof(struct hxen_run, io), 64);
	CU_ASSERT(offsetof(struct hxen_run, io.data) + HXEN_IO_DATA_MAX <=
		  HXEN_RUN_PAGE_SIZE);
	CU_ASSERT_EQUAL(offsetof(struct hxen_run, mmio.data), 64 + 16);
}

static void test_ioctl_numbers_distinct(void)
{
	unsigned long n[] = {
		HXEN_GET_VERSION, HXEN_GET_CAPS, HXEN_CREATE_VM,
		HXEN_SET_MEMORY_SLOT, HXEN_CREATE_VCPU, HXEN_GET_DIRTY_LOG,
		HXEN_XEN_CONFIG, HXEN_XEN_GET_PARAM, HXEN_XEN_SET_PARAM,
		HXEN_EVTCHN_BIND, HXEN_EVTCHN_UNBIND, HXEN_RUN,
		HXEN_GET_REGS, HXEN_SET_REGS, HXEN_GET_SREGS, HXEN_SET_SREGS,
		HXEN_GET_MSRS, HXEN_SET_MSRS, HXEN_GET_FPU, HXEN_SET_FPU,
		HXEN_INTERRUPT, HXEN_KICK,
	};
	size_t cnt = sizeof(n) / sizeof(n[0]);

	for (size_t i = 0; i < cnt; i++)
		for (size_t j = i + 1; j < cnt; j++)
			CU_ASSERT_NOT_EQUAL(n[i], n[j]);
}

static const CU_TestInfo abi_tests[] = {
	{ "run page layout", test_run_layout },
	{ "ioctl numbers distinct", test_ioctl_numbers_distinct },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(abi, abi_tests);

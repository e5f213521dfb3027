/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CUnit glue: each tests/unit/test_*.c file registers its suites with
 * UNIT_SUITE(); main.c runs them all.  Host-independent kernel code is
 * compiled with -DHX_USER so that kmod/hx_os.h maps to libc.
 */
#ifndef HXEN_UNIT_H
#define HXEN_UNIT_H

#include <CUnit/CUnit.h>

struct unit_suite {
	const char *name;
	const CU_TestInfo *tests;	/* terminated by CU_TEST_INFO_NULL */
	/* init and cleanup follow tests: UNIT_SUITE's optional arguments */
	CU_InitializeFunc init;
	CU_CleanupFunc cleanup;
	struct unit_suite *next;
};

void unit_register(struct unit_suite *s);

/* UNIT_SUITE(name, tests_array [, init, cleanup]) */
#define UNIT_SUITE(id, tests_, ...)					\
	static struct unit_suite unit_suite_##id = {			\
		.name = #id, .tests = tests_, ##__VA_ARGS__ };		\
	static void __attribute__((constructor)) unit_reg_##id(void)	\
	{								\
		unit_register(&unit_suite_##id);			\
	}

#endif /* HXEN_UNIT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-unit: runs every CUnit suite registered with UNIT_SUITE().
 * Usage: hxen-unit [suite-name ...]   (no argument: all suites)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>

#include "unit.h"

static struct unit_suite *suites;

void unit_register(struct unit_suite *s)
{
	struct unit_suite **p = &suites;

	/* keep registration order stable: sorted by name */
	while (*p && strcmp((*p)->name, s->name) < 0)
		p = &(*p)->next;
	s->next = *p;
	*p = s;
}

static int wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int failed;
	int n = 0;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: %s [SUITE ...]\nSuites:\n", argv[0]);
		for (struct unit_suite *s = suites; s; s = s->next)
			printf("  %s\n", s->name);
		return 0;
	}
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "hxen-unit: CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	for (struct unit_suite *s = suites; s; s = s->next) {
		CU_pSuite cs;

		if (!wanted(s->name, argc, argv))
			continue;
		cs = CU_add_suite(s->name, s->init, s->cleanup);
		if (!cs)
			goto cu_err;
		for (const CU_TestInfo *t = s->tests; t->pName; t++)
			if (!CU_add_test(cs, t->pName, t->pTestFunc))
				goto cu_err;
		n++;
	}
	if (!n) {
		fprintf(stderr, "hxen-unit: no suite matched\n");
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;

cu_err:
	fprintf(stderr, "hxen-unit: CUnit: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	return 2;
}

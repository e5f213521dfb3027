// SPDX-License-Identifier: GPL-2.0
/* xencons ring helpers of the hvc0 backend. */
#include <string.h>

#include "unit.h"
#include "devices/be_console.h"

static struct xencons_ring r;

static void guest_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r.out[(r.out_prod + i) % XENCONS_OUT_SIZE] = s[i];
	r.out_prod += n;
}

static void test_output(void)
{
	char buf[XENCONS_OUT_SIZE];
	long n;

	memset(&r, 0, sizeof(r));
	r.out_cons = r.out_prod = 0xfffffffcu;	/* wraps the index and ring */
	guest_write("hello, world", 12);
	n = cons_ring_take_output(&r, buf, 5);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT(!memcmp(buf, "hello", 5));
	n = cons_ring_take_output(&r, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT(!memcmp(buf, ", world", 7));
	CU_ASSERT_EQUAL(r.out_cons, r.out_prod);
	CU_ASSERT_EQUAL(cons_ring_take_output(&r, buf, sizeof(buf)), 0);
	/* a full ring drains completely */
	memset(buf, 'x', sizeof(buf));
	guest_write(buf, XENCONS_OUT_SIZE);
	CU_ASSERT_EQUAL(cons_ring_take_output(&r, buf, sizeof(buf)),
			XENCONS_OUT_SIZE);
	/* a guest claiming more than the ring is resynchronised */
	r.out_prod = r.out_cons + XENCONS_OUT_SIZE + 1;
	CU_ASSERT_EQUAL(cons_ring_take_output(&r, buf, sizeof(buf)), -1);
	CU_ASSERT_EQUAL(r.out_cons, r.out_prod);
}

static void test_input(void)
{
	char big[XENCONS_IN_SIZE + 100];

	memset(&r, 0, sizeof(r));
	r.in_cons = r.in_prod = 1020;
	CU_ASSERT_EQUAL(cons_ring_input_space(&r), XENCONS_IN_SIZE);
	CU_ASSERT_EQUAL(cons_ring_put_input(&r, "ls\n", 3), 3);
	CU_ASSERT_EQUAL(r.in_prod, 1023);
	CU_ASSERT(r.in[1020] == 'l' && r.in[1021] == 's' && r.in[1022] == '\n');
	memset(big, 'y', sizeof(big));
	/* only what fits is taken; the rest stays with the caller */
	CU_ASSERT_EQUAL(cons_ring_put_input(&r, big, sizeof(big)),
			XENCONS_IN_SIZE - 3);
	CU_ASSERT_EQUAL(cons_ring_input_space(&r), 0);
	CU_ASSERT_EQUAL(cons_ring_put_input(&r, "z", 1), 0);
	CU_ASSERT_EQUAL(r.in[1023], 'y');
	CU_ASSERT_EQUAL(r.in[0], 'y');		/* wrapped */
	r.in_cons += 10;
	CU_ASSERT_EQUAL(cons_ring_input_space(&r), 10);
	/* a guest in_cons beyond in_prod is nonsense: no space */
	r.in_cons = r.in_prod + 5;
	CU_ASSERT_EQUAL(cons_ring_input_space(&r), -1);
	CU_ASSERT_EQUAL(cons_ring_put_input(&r, "z", 1), 0);
}

static const CU_TestInfo cons_tests[] = {
	{ "output ring", test_output },
	{ "input ring", test_input },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(pvh_console, cons_tests);

// SPDX-License-Identifier: GPL-2.0
/* The SDL window's letterbox, pointer mapping and dirty rectangles
 * (devices/fe_sdl_geom.c). */
#include "unit.h"
#include "devices/fe_sdl_geom.h"

#define BOX_EQ(b, X, Y, W, H)						\
	do {								\
		CU_ASSERT_EQUAL((b).x, X); CU_ASSERT_EQUAL((b).y, Y);	\
		CU_ASSERT_EQUAL((b).w, W); CU_ASSERT_EQUAL((b).h, H);	\
	} while (0)

static void test_letterbox(void)
{
	struct fe_box b;

	fe_letterbox(800, 600, 800, 600, &b);		/* 1:1 */
	BOX_EQ(b, 0, 0, 800, 600);
	fe_letterbox(1600, 1200, 800, 600, &b);		/* 2x */
	BOX_EQ(b, 0, 0, 1600, 1200);
	fe_letterbox(1000, 600, 800, 600, &b);		/* bars left, right */
	BOX_EQ(b, 100, 0, 800, 600);
	fe_letterbox(800, 800, 800, 600, &b);		/* bars above, below */
	BOX_EQ(b, 0, 100, 800, 600);
	fe_letterbox(1920, 1080, 1024, 768, &b);	/* 4:3 on 16:9 */
	BOX_EQ(b, 240, 0, 1440, 1080);
	fe_letterbox(400, 300, 1280, 1024, &b);		/* 5:4 shrunk */
	BOX_EQ(b, 12, 0, 375, 300);
	fe_letterbox(3, 1000, 1000, 1, &b);		/* never empty */
	CU_ASSERT(b.w >= 1 && b.h >= 1);
	fe_letterbox(0, 600, 800, 600, &b);
	BOX_EQ(b, 0, 0, 0, 0);
	fe_letterbox(800, 600, 0, 600, &b);
	BOX_EQ(b, 0, 0, 0, 0);
}

static void test_to_surface(void)
{
	struct fe_box b;
	int x, y;

	fe_letterbox(1000, 600, 800, 600, &b);		/* 100 px bars */
	fe_to_surface(&b, 800, 600, 100, 0, &x, &y);
	CU_ASSERT(x == 0 && y == 0);
	fe_to_surface(&b, 800, 600, 899, 599, &x, &y);
	CU_ASSERT(x == 799 && y == 599);
	fe_to_surface(&b, 800, 600, 500, 300, &x, &y);
	CU_ASSERT(x == 400 && y == 300);
	/* on the bars: clamped to the edge */
	fe_to_surface(&b, 800, 600, 20, -5, &x, &y);
	CU_ASSERT(x == 0 && y == 0);
	fe_to_surface(&b, 800, 600, 990, 700, &x, &y);
	CU_ASSERT(x == 799 && y == 599);
	/* scaled 2x: two window pixels per surface pixel */
	fe_letterbox(1600, 1200, 800, 600, &b);
	fe_to_surface(&b, 800, 600, 3, 1199, &x, &y);
	CU_ASSERT(x == 1 && y == 599);
	/* an empty box maps to the origin, no division by zero */
	b = (struct fe_box){ 0 };
	fe_to_surface(&b, 800, 600, 10, 10, &x, &y);
	CU_ASSERT(x == 0 && y == 0);
}

static void test_dirty(void)
{
	struct fe_dirty d;
	struct display_rect r;

	fe_dirty_clear(&d);
	r = (struct display_rect){ 10, 10, 20, 20 };
	fe_dirty_add(&d, &r, 100, 100);
	CU_ASSERT_EQUAL(d.n, 1);
	r = (struct display_rect){ 15, 15, 5, 5 };	/* inside: nothing new */
	fe_dirty_add(&d, &r, 100, 100);
	CU_ASSERT_EQUAL(d.n, 1);
	r = (struct display_rect){ 0, 0, 50, 50 };	/* covers: replaces */
	fe_dirty_add(&d, &r, 100, 100);
	CU_ASSERT_EQUAL(d.n, 1);
	CU_ASSERT_EQUAL(d.r[0].w, 50);
	/* clamped to the surface, and nothing for a rectangle outside */
	r = (struct display_rect){ 90, 95, 0xffffffffu, 40 };
	fe_dirty_add(&d, &r, 100, 100);
	CU_ASSERT_EQUAL(d.n, 2);
	CU_ASSERT(d.r[1].x == 90 && d.r[1].w == 10 && d.r[1].h == 5);
	r = (struct display_rect){ 100, 0, 5, 5 };
	fe_dirty_add(&d, &r, 100, 100);
	r = (struct display_rect){ 0, 0, 0, 5 };
	fe_dirty_add(&d, &r, 100, 100);
	CU_ASSERT_EQUAL(d.n, 2);
	/* overflow: one union, inside the surface */
	fe_dirty_clear(&d);
	for (unsigned int i = 0; i < FE_DIRTY_MAX + 1; i++) {
		r = (struct display_rect){ i * 3, i * 2, 2, 1 };
		fe_dirty_add(&d, &r, 200, 200);
	}
	CU_ASSERT_EQUAL(d.n, 1);
	CU_ASSERT(d.r[0].x == 0 && d.r[0].y == 0);
	CU_ASSERT_EQUAL(d.r[0].w, FE_DIRTY_MAX * 3 + 2);
	CU_ASSERT_EQUAL(d.r[0].h, FE_DIRTY_MAX * 2 + 1);
	fe_dirty_all(&d, 640, 480);
	CU_ASSERT(d.n == 1 && d.r[0].w == 640 && d.r[0].h == 480);
	fe_dirty_all(&d, 0, 480);
	CU_ASSERT_EQUAL(d.n, 0);
}

static const CU_TestInfo fe_sdl_geom_tests[] = {
	{ "letterbox", test_letterbox },
	{ "window to surface", test_to_surface },
	{ "dirty rectangles", test_dirty },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(fe_sdl_geom, fe_sdl_geom_tests)

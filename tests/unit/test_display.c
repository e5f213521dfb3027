// SPDX-License-Identifier: GPL-2.0
/*
 * The display core: dirty rectangles (clamping, coalescing, the cap),
 * --vfb parsing, modes against videoram, surface references, the input
 * path (buttons, absolute scaling, relative fallback) and PNG output.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "devices/display_core.h"

static void test_dirty_clamp(void)
{
	struct display_dirty dd = { 0 };

	/* outside, empty, negative sizes: nothing */
	CU_ASSERT_FALSE(display_dirty_add(&dd, 800, 0, 10, 10, 800, 600));
	CU_ASSERT_FALSE(display_dirty_add(&dd, 0, 0, 0, 10, 800, 600));
	CU_ASSERT_FALSE(display_dirty_add(&dd, 0, 0, -5, 10, 800, 600));
	CU_ASSERT_FALSE(display_dirty_add(&dd, -20, 0, 10, 10, 800, 600));
	CU_ASSERT_EQUAL(dd.n, 0);
	/* guest int32 extremes clamp to the screen */
	CU_ASSERT_TRUE(display_dirty_add(&dd, -2147483647LL, -5,
					 4294967295LL, 2147483647LL, 800,
					 600));
	CU_ASSERT_EQUAL(dd.n, 1);
	CU_ASSERT_EQUAL(dd.r[0].x, 0);
	CU_ASSERT_EQUAL(dd.r[0].y, 0);
	CU_ASSERT_EQUAL(dd.r[0].w, 800);
	CU_ASSERT_EQUAL(dd.r[0].h, 600);
	display_dirty_clear(&dd);
	CU_ASSERT_TRUE(display_dirty_add(&dd, 790, 590, 100, 100, 800, 600));
	CU_ASSERT_EQUAL(dd.r[0].w, 10);
	CU_ASSERT_EQUAL(dd.r[0].h, 10);
}

static void test_dirty_merge(void)
{
	struct display_dirty dd = { 0 };

	/* two glyphs side by side: one rectangle */
	display_dirty_add(&dd, 0, 0, 8, 16, 800, 600);
	display_dirty_add(&dd, 8, 0, 8, 16, 800, 600);
	CU_ASSERT_EQUAL(dd.n, 1);
	CU_ASSERT_EQUAL(dd.r[0].w, 16);
	/* contained: no change */
	display_dirty_add(&dd, 2, 2, 4, 4, 800, 600);
	CU_ASSERT_EQUAL(dd.n, 1);
	CU_ASSERT_EQUAL(display_dirty_area(&dd), 16 * 16);
	/* far away: kept apart (merging would waste most of the screen) */
	display_dirty_add(&dd, 700, 500, 8, 16, 800, 600);
	CU_ASSERT_EQUAL(dd.n, 2);
	CU_ASSERT_EQUAL(display_dirty_area(&dd), 2 * 16 * 16 - 8 * 16);
	/* a rectangle covering both absorbs them */
	display_dirty_add(&dd, 0, 0, 800, 600, 800, 600);
	CU_ASSERT_EQUAL(dd.n, 1);
	CU_ASSERT_EQUAL(display_dirty_area(&dd), 800 * 600);
}

static void test_dirty_cap(void)
{
	struct display_dirty dd = { 0 };
	uint64_t covered;

	/* a scattered pattern: never more than the cap, every pixel kept */
	for (int i = 0; i < 100; i++)
		display_dirty_add(&dd, (i * 97) % 780, (i * 53) % 580, 4, 4,
				  800, 600);
	CU_ASSERT(dd.n <= DISPLAY_MAX_RECTS);
	CU_ASSERT(dd.n > 1);
	covered = 0;
	for (int i = 0; i < 100; i++) {
		uint32_t x = (i * 97) % 780, y = (i * 53) % 580;
		bool in = false;

		for (unsigned int j = 0; j < dd.n; j++)
			in |= x >= dd.r[j].x && y >= dd.r[j].y &&
			      x + 4 <= dd.r[j].x + dd.r[j].w &&
			      y + 4 <= dd.r[j].y + dd.r[j].h;
		covered += in;
	}
	CU_ASSERT_EQUAL(covered, 100);
	for (unsigned int j = 0; j < dd.n; j++) {
		CU_ASSERT(dd.r[j].x + dd.r[j].w <= 800);
		CU_ASSERT(dd.r[j].y + dd.r[j].h <= 600);
	}
}

static void test_spec(void)
{
	char err[256] = "";
	const struct display_config *c;

	display_reset();
	CU_ASSERT_PTR_NULL(display_get());
	CU_ASSERT_EQUAL(display_add_spec("vnc=1, vnclisten=127.0.0.1:3,"
					 " vncpasswd=s3cret", err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(display_add_spec("sdl=1", err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(display_get());
	c = display_config(display_get());
	CU_ASSERT_EQUAL(c->width, DISPLAY_DEF_WIDTH);
	CU_ASSERT_EQUAL(c->height, DISPLAY_DEF_HEIGHT);
	{
		struct display_fe fe = { .disp = display_get() };

		CU_ASSERT_STRING_EQUAL(display_fe_opt(&fe, "vnclisten"),
				       "127.0.0.1:3");
		CU_ASSERT_STRING_EQUAL(display_fe_opt(&fe, "vncpasswd"),
				       "s3cret");
		CU_ASSERT_STRING_EQUAL(display_fe_opt(&fe, "sdl"), "1");
		CU_ASSERT_PTR_NULL(display_fe_opt(&fe, "keymap"));
	}
	CU_ASSERT(display_add_spec("vnc=1,colour=blue", err,
				   sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "colour"));
	CU_ASSERT(display_add_spec("novalue", err, sizeof(err)) < 0);
	CU_ASSERT(display_add_spec("width=x", err, sizeof(err)) < 0);
	/* 4096x4096x4 = 64 MiB does not fit videoram=8 */
	CU_ASSERT(display_add_spec("width=4096,height=4096,videoram=8", err,
				   sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "videoram"));
	display_reset();
	CU_ASSERT_EQUAL(display_add_spec("width=1024,height=768", err,
					 sizeof(err)), 0);
	c = display_config(display_get());
	CU_ASSERT_EQUAL(c->width, 1024);
	CU_ASSERT_EQUAL(c->height, 768);
	display_reset();
}

/* a fake front end that records what it is told */
static struct {
	int resizes, updates, starts, stops;
	uint32_t w, h;
	unsigned int rects;
	struct display_surface *held;
} fake;

static int fake_start(struct display_fe *fe, char *err, size_t errlen)
{
	fake.starts++;
	return 0;
}

static void fake_stop(struct display_fe *fe)
{
	fake.stops++;
	display_surface_put(fake.held);
	fake.held = NULL;
}

static void fake_resize(struct display_fe *fe, struct display_surface *s)
{
	fake.resizes++;
	fake.w = s->width;
	fake.h = s->height;
	display_surface_put(fake.held);
	fake.held = display_surface_get(fe->disp);
}

static void fake_update(struct display_fe *fe, const struct display_rect *r,
			unsigned int n)
{
	fake.updates++;
	fake.rects += n;
}

static const struct display_fe_ops fake_ops = {
	.name = "vnc", .start = fake_start, .stop = fake_stop,
	.resize = fake_resize, .update = fake_update,
};
DISPLAY_FRONTEND(fake_ops)

static void test_modes(void)
{
	char err[256] = "";
	struct display *d;
	struct display_surface *s, *s2;
	struct display_dirty dd = { 0 };
	int alive = display_surfaces_alive();

	memset(&fake, 0, sizeof(fake));
	CU_ASSERT_EQUAL(display_add_spec("vnc=1", err, sizeof(err)), 0);
	d = display_get();
	CU_ASSERT_EQUAL(display_start(err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fake.starts, 1);
	CU_ASSERT_EQUAL(fake.resizes, 1);
	CU_ASSERT_EQUAL(fake.w, 800);
	/* larger than offered: refused, nothing changes */
	CU_ASSERT_PTR_NULL(display_set_mode(d, 801, 600, 32));
	CU_ASSERT_PTR_NULL(display_set_mode(d, 0, 600, 32));
	CU_ASSERT_EQUAL(fake.resizes, 1);
	s = display_set_mode(d, 640, 480, 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(fake.resizes, 2);
	CU_ASSERT_EQUAL(fake.w, 640);
	CU_ASSERT_EQUAL(s->stride, 640 * 4);
	CU_ASSERT_EQUAL(s->guest_depth, 32);
	s2 = display_surface_get(d);
	CU_ASSERT_PTR_EQUAL(s, s2);
	display_surface_put(s2);
	display_dirty_add(&dd, 0, 0, 8, 8, 640, 480);
	display_flush(d, &dd);
	CU_ASSERT_EQUAL(fake.updates, 1);
	CU_ASSERT_EQUAL(fake.rects, 1);
	display_dirty_clear(&dd);
	display_flush(d, &dd);		/* nothing dirty: nothing sent */
	CU_ASSERT_EQUAL(fake.updates, 1);
	display_surface_put(s);
	/* the fake holds the current one; stopping drops every surface */
	display_reset();
	CU_ASSERT_EQUAL(fake.stops, 1);
	CU_ASSERT_EQUAL(display_surfaces_alive(), alive);
}

static struct {
	unsigned int keys[16], downs[16], nkeys;
	int ax, ay, az, rx, ry, rz, nabs, nrel;
} in;

static void in_key(void *o, unsigned int code, bool down)
{
	if (in.nkeys < 16) {
		in.keys[in.nkeys] = code;
		in.downs[in.nkeys++] = down;
	}
}

static void in_abs(void *o, int x, int y, int z)
{
	in.ax = x;
	in.ay = y;
	in.az = z;
	in.nabs++;
}

static void in_rel(void *o, int dx, int dy, int z)
{
	in.rx = dx;
	in.ry = dy;
	in.rz = z;
	in.nrel++;
}

static const struct display_input_ops in_ops = {
	.key = in_key, .abs = in_abs, .rel = in_rel,
};

static void test_input(void)
{
	char err[256];
	struct display *d;

	memset(&in, 0, sizeof(in));
	CU_ASSERT_EQUAL(display_add_spec("width=800,height=600", err,
					 sizeof(err)), 0);
	d = display_get();
	display_key(d, 30, true);	/* no driver yet: dropped */
	CU_ASSERT_EQUAL(in.nkeys, 0);
	display_set_input(d, &in_ops, NULL, true, 800, 600);
	CU_ASSERT_TRUE(display_pointer_is_abs(d));
	display_key(d, 30, true);
	display_key(d, 0, true);	/* out of range */
	display_key(d, 0x300, true);
	CU_ASSERT_EQUAL(in.nkeys, 1);
	CU_ASSERT_EQUAL(in.keys[0], 30);
	/* corner to corner of the 800x600 surface: 0..800, 0..600 */
	display_pointer_abs(d, 799, 599, 0, 0);
	CU_ASSERT_EQUAL(in.ax, 800);
	CU_ASSERT_EQUAL(in.ay, 600);
	display_pointer_abs(d, -50, 5000, DISPLAY_BTN_LEFT, 1);
	CU_ASSERT_EQUAL(in.ax, 0);
	CU_ASSERT_EQUAL(in.ay, 600);
	CU_ASSERT_EQUAL(in.az, -1);	/* kbdfront: REL_WHEEL = -rel_z */
	CU_ASSERT_EQUAL(in.nkeys, 2);
	CU_ASSERT_EQUAL(in.keys[1], 0x110);	/* BTN_LEFT */
	CU_ASSERT_EQUAL(in.downs[1], 1);
	/* same buttons: no key event; left up, right down: two */
	display_pointer_abs(d, 10, 10, DISPLAY_BTN_LEFT, 0);
	CU_ASSERT_EQUAL(in.nkeys, 2);
	display_pointer_abs(d, 10, 10, DISPLAY_BTN_RIGHT, 0);
	CU_ASSERT_EQUAL(in.nkeys, 4);
	CU_ASSERT_EQUAL(in.keys[2], 0x110);
	CU_ASSERT_EQUAL(in.downs[2], 0);
	CU_ASSERT_EQUAL(in.keys[3], 0x111);	/* BTN_RIGHT */
	/* relative-only guest: absolute positions become steps */
	display_set_input(d, &in_ops, NULL, false, 800, 600);
	CU_ASSERT_FALSE(display_pointer_is_abs(d));
	display_pointer_abs(d, 100, 50, 0, 0);
	display_pointer_abs(d, 110, 45, 0, 0);
	CU_ASSERT_EQUAL(in.rx, 10);
	CU_ASSERT_EQUAL(in.ry, -5);
	display_pointer_rel(d, 3, 4, DISPLAY_BTN_MIDDLE, -2);
	CU_ASSERT_EQUAL(in.rx, 3);
	CU_ASSERT_EQUAL(in.rz, 2);
	CU_ASSERT_EQUAL(in.keys[in.nkeys - 1], 0x112);	/* BTN_MIDDLE */
	display_set_input(d, NULL, NULL, false, 0, 0);
	display_key(d, 30, false);
	CU_ASSERT_EQUAL(in.keys[in.nkeys - 1], 0x112);
	display_reset();
}

static void test_png(void)
{
	uint32_t px[4 * 3];
	char path[] = "/tmp/hxen-unit-png-XXXXXX";
	char err[256];
	png_image img;
	uint8_t *rgb;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	for (int i = 0; i < 12; i++)
		px[i] = 0xff000000u | (uint32_t)i * 0x102030u;
	CU_ASSERT_EQUAL(display_png_write(path, (uint8_t *)px, 3, 3, 16, err,
					  sizeof(err)), 0);
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	CU_ASSERT_FATAL(png_image_begin_read_from_file(&img, path));
	CU_ASSERT_EQUAL(img.width, 3);
	CU_ASSERT_EQUAL(img.height, 3);
	img.format = PNG_FORMAT_RGB;
	rgb = malloc(PNG_IMAGE_SIZE(img));
	CU_ASSERT_FATAL(png_image_finish_read(&img, NULL, rgb, 0, NULL));
	/* row stride 16 bytes = 4 pixels: row y starts at px[4 * y] */
	for (int y = 0; y < 3; y++)
		for (int x = 0; x < 3; x++) {
			uint32_t p = px[4 * y + x];
			uint8_t *q = rgb + 3 * (3 * y + x);

			CU_ASSERT_EQUAL(q[0], (p >> 16) & 0xff);
			CU_ASSERT_EQUAL(q[1], (p >> 8) & 0xff);
			CU_ASSERT_EQUAL(q[2], p & 0xff);
		}
	free(rgb);
	unlink(path);
	CU_ASSERT(display_png_write("/nonexistent-dir/x.png", (uint8_t *)px,
				    3, 3, 16, err, sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent-dir/x.png"));
}

static const CU_TestInfo display_tests[] = {
	{ "dirty rectangles clamp to the screen", test_dirty_clamp },
	{ "dirty rectangles coalesce", test_dirty_merge },
	{ "dirty rectangles stay under the cap", test_dirty_cap },
	{ "--vfb specs", test_spec },
	{ "modes, surfaces, front-end callbacks", test_modes },
	{ "input: keys, buttons, pointer", test_input },
	{ "PNG", test_png },
	CU_TEST_INFO_NULL,
};
UNIT_SUITE(display, display_tests);

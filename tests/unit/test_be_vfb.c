// SPDX-License-Identifier: GPL-2.0
/*
 * The vfb and vkbd backends (devices/be_vfb.c, be_vkbd.c) against a fake
 * guest that lays out its pages as xen-fbfront and xen-kbdfront do:
 * the framebuffer scattered through a page directory, updates clamped,
 * modes checked against videoram and the framebuffer, runaway rings and
 * frames outside guest RAM refused; input events in the kbdif ring, with
 * a backlog while the guest does not consume.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "devices/be_core.h"
#include "devices/be_xenbus.h"
#include "devices/display_core.h"
#include "monitor/mem.h"
#include "monitor/xs.h"

#define RAM_GPA		0x100000ULL
#define RAM_PAGES	640
#define GFN(i)		(RAM_GPA / 4096 + (i))
#define SHARED		0		/* xenfb_page */
#define PDIR		1		/* pd[0] */
#define KBD		2		/* xenkbd_page */
#define FB0		3		/* 512 framebuffer pages, reversed */
#define FB_PAGES	512

static uint8_t ram[RAM_PAGES * 4096] __attribute__((aligned(4096)));
static struct grant_entry_v1 table[2 * GNT_ENTRIES_PER_FRAME];
static struct mon_mem mem;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct xs *the_xs;
static int notify_fd[2] = { -1, -1 }, nbound;

static struct xs *f_xs_lock(void *ctx)
{
	pthread_mutex_lock(&lock);
	return the_xs;
}

static void f_xs_unlock(void *ctx)
{
	pthread_mutex_unlock(&lock);
}

static int f_bind(void *ctx, uint32_t port, int nfd, int kfd)
{
	if (port == 5)
		notify_fd[0] = nfd;
	else
		notify_fd[1] = nfd;
	nbound++;
	return 0;
}

static void f_unbind(void *ctx, uint32_t port)
{
	nbound--;
}

static void fe_write(const char *dev, const char *key, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/local/domain/1/device/%s/0/%s", dev,
		 key);
	pthread_mutex_lock(&lock);
	CU_ASSERT_EQUAL(xs_write(the_xs, path, val), 0);
	pthread_mutex_unlock(&lock);
}

static char *be_read(const char *dev, const char *key)
{
	static char buf[64];
	char path[128], *s;

	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/1/0/%s", dev,
		 key);
	pthread_mutex_lock(&lock);
	s = xs_read(the_xs, path);
	pthread_mutex_unlock(&lock);
	snprintf(buf, sizeof(buf), "%s", s ? s : "(none)");
	free(s);
	return buf;
}

static uint8_t *page(unsigned int i)
{
	return ram + (size_t)i * 4096;
}

static uint32_t *u32(unsigned int pg, size_t off)
{
	return (uint32_t *)(page(pg) + off);
}

/* framebuffer byte offset -> where it lives (pages in reverse order) */
static uint8_t *fb_byte(size_t off)
{
	return page(FB0 + FB_PAGES - 1 - off / 4096) + off % 4096;
}

static void fb_px(uint32_t x, uint32_t y, uint32_t v)
{
	memcpy(fb_byte((size_t)y * 3200 + 4 * x), &v, 4);
}

static void notify(int i)
{
	uint64_t one = 1;

	CU_ASSERT_EQUAL(write(notify_fd[i], &one, 8), 8);
}

/* wait until *p == v (the worker runs on its own thread) */
static bool wait_u32(volatile uint32_t *p, uint32_t v)
{
	for (int i = 0; i < 2000; i++) {
		if (__atomic_load_n(p, __ATOMIC_ACQUIRE) == v)
			return true;
		usleep(1000);
	}
	return false;
}

static void fb_event(uint32_t type, int32_t a, int32_t b, int32_t c,
		     int32_t d, int32_t e)
{
	uint32_t prod = *u32(SHARED, 12);
	uint8_t *ev = page(SHARED) + 2048 + (prod % 51) * 40;
	int32_t v[5] = { a, b, c, d, e };

	memset(ev, 0, 40);
	ev[0] = type;
	memcpy(ev + 4, v, sizeof(v));
	__atomic_store_n(u32(SHARED, 12), prod + 1, __ATOMIC_RELEASE);
}

static void fb_layout(uint32_t mem_length, uint64_t pd0)
{
	memset(page(SHARED), 0, 4096);
	*u32(SHARED, 16) = 800;
	*u32(SHARED, 20) = 600;
	*u32(SHARED, 24) = 3200;
	*u32(SHARED, 28) = mem_length;
	page(SHARED)[32] = 32;
	memcpy(page(SHARED) + 40, &pd0, 8);
	for (unsigned int i = 0; i < FB_PAGES; i++) {
		uint64_t g = GFN(FB0 + FB_PAGES - 1 - i);

		memcpy(page(PDIR) + 8 * i, &g, 8);
	}
}

static void fe_state(const char *dev, int s)
{
	char v[8];

	snprintf(v, sizeof(v), "%d", s);
	fe_write(dev, "state", v);
}

static uint32_t surf_px(uint32_t x, uint32_t y)
{
	struct display_surface *s = display_surface_get(display_get());
	uint32_t v = ((uint32_t *)(s->pixels + (size_t)y * s->stride))[x];

	display_surface_put(s);
	return v;
}

static uint32_t surf_w(void)
{
	struct display_surface *s = display_surface_get(display_get());
	uint32_t w = s->width;

	display_surface_put(s);
	return w;
}

static void setup(struct be_env *env)
{
	char err[256];
	char v[32];

	memset(ram, 0, sizeof(ram));
	memset(table, 0, sizeof(table));
	memset(&mem, 0, sizeof(mem));
	mem.r[0] = (struct mon_mem_region){
		.gpa = RAM_GPA, .size = sizeof(ram), .type = MON_MEM_RAM,
		.host = ram, .name = "ram",
	};
	mem.n = 1;
	*env = (struct be_env){
		.domid = 1, .xs_lock = f_xs_lock, .xs_unlock = f_xs_unlock,
		.bind_port = f_bind, .unbind_port = f_unbind, .nr_vcpus = 1,
	};
	CU_ASSERT_FATAL(be_gnttab_init(&env->gnttab, table, 2, &mem) == 0);
	the_xs = xs_new(1);
	CU_ASSERT_FATAL(display_add_spec("width=800,height=600,videoram=2",
					 err, sizeof(err)) == 0);
	CU_ASSERT_FATAL(be_core_start(env, err, sizeof(err)) == 0);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)GFN(SHARED));
	fe_write("vfb", "page-ref", v);
	fe_write("vfb", "event-channel", "5");
	fe_write("vfb", "protocol", "x86_64-abi");
}

static void teardown(struct be_env *env)
{
	be_core_stop();
	be_gnttab_fini(&env->gnttab);
	xs_free(the_xs);
	the_xs = NULL;
	display_reset();
	CU_ASSERT_EQUAL(nbound, 0);
}

static void test_vfb(void)
{
	struct be_env env;

	setup(&env);
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "feature-resize"), "1");
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "request-update"), "1");
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "width"), "800");
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "videoram"), "2");
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "state"), "2");

	/* 2 MiB: the configured videoram, no more */
	fb_layout(2 << 20, GFN(PDIR));
	fe_state("vfb", XB_INITIALISED);
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "state"), "4");
	CU_ASSERT_EQUAL(surf_w(), 800);
	usleep(50000);		/* the worker's first look at the ring */

	/* an update far outside the screen is clamped to it */
	fb_px(0, 10, 0x123456);
	fb_px(799, 14, 0xabcdef);
	fb_px(5, 20, 0x777777);		/* not in the rectangle */
	fb_event(2, -10, 10, 100000, 5, 0);
	notify(0);
	CU_ASSERT_TRUE(wait_u32(u32(SHARED, 8), 1));
	usleep(20000);
	CU_ASSERT_EQUAL(surf_px(0, 10), 0x123456);
	CU_ASSERT_EQUAL(surf_px(799, 14), 0xabcdef);
	CU_ASSERT_EQUAL(surf_px(5, 20), 0);

	/* resize within the framebuffer; larger or not fitting: refused */
	fb_event(3, 640, 480, 3200, 32, 0);
	notify(0);
	CU_ASSERT_TRUE(wait_u32(u32(SHARED, 8), 2));
	usleep(20000);
	CU_ASSERT_EQUAL(surf_w(), 640);
	CU_ASSERT_EQUAL(surf_px(0, 10), 0x123456);	/* whole screen read */
	fb_event(3, 801, 600, 3204, 32, 0);		/* wider than offered */
	fb_event(3, 640, 480, 5000, 32, 0);		/* past mem_length */
	fb_event(3, 640, 480, 1000, 32, 0);		/* stride < a row */
	fb_event(3, 640, 480, 3200, 8, 0);		/* palette depth */
	fb_event(3, 640, 480, 3200, 32, -4);		/* negative offset */
	notify(0);
	CU_ASSERT_TRUE(wait_u32(u32(SHARED, 8), 7));
	usleep(20000);
	CU_ASSERT_EQUAL(surf_w(), 640);

	/* out_prod a ring and more ahead: the device faults, Closing */
	__atomic_store_n(u32(SHARED, 12), 7 + 52, __ATOMIC_RELEASE);
	notify(0);
	for (int i = 0; i < 1000 && strcmp(be_read("vfb", "state"), "5"); i++)
		usleep(1000);
	be_core_sync();
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "state"), "5");

	/* a new driver instance: framebuffer larger than videoram refused */
	fe_state("vfb", XB_CLOSED);
	fe_state("vfb", XB_INITIALISING);
	fb_layout((2 << 20) + 4096, GFN(PDIR));
	fe_state("vfb", XB_INITIALISED);
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "state"), "5");
	/* a page directory outside guest RAM refused */
	fe_state("vfb", XB_CLOSED);
	fe_state("vfb", XB_INITIALISING);
	fb_layout(2 << 20, 0xdead0000ULL);
	fe_state("vfb", XB_INITIALISED);
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "state"), "5");
	/* a framebuffer frame outside guest RAM refused */
	fe_state("vfb", XB_CLOSED);
	fe_state("vfb", XB_INITIALISING);
	fb_layout(2 << 20, GFN(PDIR));
	{
		uint64_t bad = GFN(RAM_PAGES + 7);

		memcpy(page(PDIR) + 8 * 100, &bad, 8);
	}
	fe_state("vfb", XB_INITIALISED);
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "state"), "5");
	/* and a good one connects again */
	fe_state("vfb", XB_CLOSED);
	fe_state("vfb", XB_INITIALISING);
	fb_layout(2 << 20, GFN(PDIR));
	fe_state("vfb", XB_INITIALISED);
	CU_ASSERT_STRING_EQUAL(be_read("vfb", "state"), "4");
	teardown(&env);
}

static void test_vkbd(void)
{
	struct be_env env;
	struct display *d;
	uint8_t *ring;
	uint32_t v;

	setup(&env);
	d = display_get();
	CU_ASSERT_STRING_EQUAL(be_read("vkbd", "feature-abs-pointer"), "1");
	CU_ASSERT_STRING_EQUAL(be_read("vkbd", "height"), "600");
	table[8] = (struct grant_entry_v1){
		.flags = GTF_PERMIT_ACCESS, .domid = 0, .frame = GFN(KBD),
	};
	fe_write("vkbd", "page-gref", "8");
	fe_write("vkbd", "page-ref", "1");	/* ignored: the grant wins */
	fe_write("vkbd", "event-channel", "6");
	fe_write("vkbd", "request-abs-pointer", "1");
	fe_state("vkbd", XB_INITIALISED);
	CU_ASSERT_STRING_EQUAL(be_read("vkbd", "state"), "4");
	CU_ASSERT_TRUE(display_pointer_is_abs(d));
	CU_ASSERT(table[8].flags & GTF_READING);	/* pinned while used */

	ring = page(KBD) + 1024;
	display_key(d, 30, true);
	CU_ASSERT_EQUAL(*u32(KBD, 4), 1);		/* in_prod */
	CU_ASSERT_EQUAL(ring[0], 3);			/* KEY */
	CU_ASSERT_EQUAL(ring[1], 1);			/* pressed */
	memcpy(&v, ring + 4, 4);
	CU_ASSERT_EQUAL(v, 30);
	display_pointer_abs(d, 799, 599, DISPLAY_BTN_RIGHT, 1);
	CU_ASSERT_EQUAL(*u32(KBD, 4), 3);		/* POS, BTN_RIGHT */
	CU_ASSERT_EQUAL(ring[40], 4);
	memcpy(&v, ring + 44, 4);
	CU_ASSERT_EQUAL(v, 800);
	memcpy(&v, ring + 52, 4);
	CU_ASSERT_EQUAL((int32_t)v, -1);		/* rel_z = -wheel */
	CU_ASSERT_EQUAL(ring[80], 3);
	memcpy(&v, ring + 84, 4);
	CU_ASSERT_EQUAL(v, 0x111);

	/* the guest does not consume: 51 in the ring, the rest waits */
	for (int i = 0; i < 60; i++)
		display_key(d, 31, i & 1);
	CU_ASSERT_EQUAL(*u32(KBD, 4), 51);
	/* it consumes and notifies: the backlog goes out */
	__atomic_store_n(u32(KBD, 0), 51, __ATOMIC_RELEASE);
	notify(1);
	CU_ASSERT_TRUE(wait_u32(u32(KBD, 4), 63));

	/* the driver goes: input is dropped, the grant released */
	fe_state("vkbd", XB_CLOSING);
	fe_state("vkbd", XB_CLOSED);
	CU_ASSERT_FALSE(display_pointer_is_abs(d));
	display_key(d, 30, true);
	CU_ASSERT_EQUAL(*u32(KBD, 4), 63);
	CU_ASSERT_FALSE(table[8].flags & GTF_READING);
	teardown(&env);
}

static const CU_TestInfo vfb_tests[] = {
	{ "vfb: page directory, updates, modes, bad frames", test_vfb },
	{ "vkbd: events, backlog, disconnect", test_vkbd },
	CU_TEST_INFO_NULL,
};
UNIT_SUITE(be_vfb, vfb_tests);

// SPDX-License-Identifier: GPL-2.0
/*
 * The PV backend framework: grant checks (devices/be_grant.c), ring
 * arithmetic (be_ring.c), the XenbusState machine (be_xenbus.c) and the
 * registry with its fault path and snapshot hooks (be_core.c), against a
 * real xenstore tree and a fake backend.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "devices/be_core.h"
#include "devices/be_ring.h"
#include "devices/be_xenbus.h"
#include "monitor/mem.h"
#include "monitor/xs.h"

#define RAM_GPA		0x100000ULL
#define RAM_PAGES	16

static uint8_t ram[RAM_PAGES * 4096] __attribute__((aligned(4096)));
static struct grant_entry_v1 table[2 * GNT_ENTRIES_PER_FRAME];

static void mem_init(struct mon_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->r[0] = (struct mon_mem_region){
		.gpa = RAM_GPA, .size = sizeof(ram), .type = MON_MEM_RAM,
		.host = ram, .name = "ram",
	};
	m->r[1] = (struct mon_mem_region){
		.gpa = 0xfeff0000, .size = 0x10000, .type = MON_MEM_RESERVED,
		.host = ram, .name = "special",
	};
	m->n = 2;
}

static void grant(uint32_t ref, uint16_t flags, uint16_t domid, uint32_t gfn)
{
	table[ref].domid = domid;
	table[ref].frame = gfn;
	table[ref].flags = flags;
}

static void test_grant_checks(void)
{
	struct be_gnttab gt;
	struct mon_mem m;
	void *p;

	mem_init(&m);
	memset(table, 0, sizeof(table));
	CU_ASSERT_FATAL(be_gnttab_init(&gt, table, 2, &m) == 0);
	CU_ASSERT_EQUAL(gt.nr_entries, 1024);

	grant(8, GTF_PERMIT_ACCESS, 0, RAM_GPA / 4096 + 3);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 8, true, &p), 0);
	CU_ASSERT_PTR_EQUAL(p, ram + 3 * 4096);
	CU_ASSERT_EQUAL(table[8].flags,
			GTF_PERMIT_ACCESS | GTF_READING | GTF_WRITING);
	/* a second reader of the same ref keeps the bits up */
	CU_ASSERT_EQUAL(be_grant_get(&gt, 8, false, &p), 0);
	be_grant_put(&gt, 8, true);
	CU_ASSERT_EQUAL(table[8].flags, GTF_PERMIT_ACCESS | GTF_READING);
	be_grant_put(&gt, 8, false);
	CU_ASSERT_EQUAL(table[8].flags, GTF_PERMIT_ACCESS);
	/* an unbalanced put changes nothing */
	be_grant_put(&gt, 8, false);
	CU_ASSERT_EQUAL(table[8].flags, GTF_PERMIT_ACCESS);

	/* bad ref: past the table, and far past it */
	CU_ASSERT_EQUAL(be_grant_get(&gt, 1024, false, &p), -EINVAL);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 0xffffffff, false, &p), -EINVAL);
	/* no permit_access: never granted, or revoked */
	grant(9, 0, 0, RAM_GPA / 4096);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 9, false, &p), -EINVAL);
	/* transitive and sub-page (v2 only) entries */
	grant(9, 3, 0, RAM_GPA / 4096);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 9, false, &p), -EINVAL);
	grant(9, GTF_PERMIT_ACCESS | GTF_SUB_PAGE, 0, RAM_GPA / 4096);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 9, false, &p), -EINVAL);
	/* granted to another domain */
	grant(10, GTF_PERMIT_ACCESS, 5, RAM_GPA / 4096);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 10, false, &p), -EINVAL);
	CU_ASSERT_EQUAL(table[10].flags, GTF_PERMIT_ACCESS);
	/* read-only: reading is fine, writing is refused */
	grant(11, GTF_PERMIT_ACCESS | GTF_READONLY, 0, RAM_GPA / 4096);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 11, true, &p), -EPERM);
	CU_ASSERT_EQUAL(table[11].flags, GTF_PERMIT_ACCESS | GTF_READONLY);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 11, false, &p), 0);
	be_grant_put(&gt, 11, false);
	CU_ASSERT_EQUAL(table[11].flags, GTF_PERMIT_ACCESS | GTF_READONLY);
	/* frames outside RAM: below, past the end, reserved, 32-bit top */
	grant(12, GTF_PERMIT_ACCESS, 0, RAM_GPA / 4096 - 1);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 12, false, &p), -EFAULT);
	CU_ASSERT_EQUAL(table[12].flags, GTF_PERMIT_ACCESS);
	grant(12, GTF_PERMIT_ACCESS, 0, RAM_GPA / 4096 + RAM_PAGES);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 12, true, &p), -EFAULT);
	CU_ASSERT_EQUAL(table[12].flags, GTF_PERMIT_ACCESS);
	grant(12, GTF_PERMIT_ACCESS, 0, 0xfeffc);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 12, false, &p), -EFAULT);
	grant(12, GTF_PERMIT_ACCESS, 0, 0xffffffff);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 12, false, &p), -EFAULT);
	/* the last page of RAM is fine */
	grant(13, GTF_PERMIT_ACCESS, 0, RAM_GPA / 4096 + RAM_PAGES - 1);
	CU_ASSERT_EQUAL(be_grant_get(&gt, 13, false, &p), 0);
	be_grant_put(&gt, 13, false);
	be_gnttab_fini(&gt);
}

static void test_grant_copy(void)
{
	struct be_gnttab gt;
	struct mon_mem m;
	char buf[16];

	mem_init(&m);
	memset(table, 0, sizeof(table));
	CU_ASSERT_FATAL(be_gnttab_init(&gt, table, 1, &m) == 0);
	grant(20, GTF_PERMIT_ACCESS, 0, RAM_GPA / 4096 + 1);
	CU_ASSERT_EQUAL(be_grant_copy(&gt, 20, 100, "hello", 5, true), 0);
	CU_ASSERT_EQUAL(memcmp(ram + 4096 + 100, "hello", 5), 0);
	CU_ASSERT_EQUAL(be_grant_copy(&gt, 20, 100, buf, 5, false), 0);
	CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
	CU_ASSERT_EQUAL(table[20].flags, GTF_PERMIT_ACCESS);
	/* out of the page */
	CU_ASSERT_EQUAL(be_grant_copy(&gt, 20, 4090, buf, 16, false), -EINVAL);
	CU_ASSERT_EQUAL(be_grant_copy(&gt, 20, 5000, buf, 0, false), -EINVAL);
	grant(21, GTF_PERMIT_ACCESS | GTF_READONLY, 0, RAM_GPA / 4096);
	CU_ASSERT_EQUAL(be_grant_copy(&gt, 21, 0, buf, 4, true), -EPERM);
	be_gnttab_fini(&gt);
}

/* ---- ring ---- */

static void test_ring(void)
{
	static uint8_t page[4096];
	struct be_sring *s = (void *)page;
	struct be_ring r;
	uint8_t req[112];

	memset(page, 0, sizeof(page));
	s->req_event = s->rsp_event = 1;
	CU_ASSERT_FATAL(be_ring_init(&r, page, 4096, 112) == 0);
	CU_ASSERT_EQUAL(r.size, 32);		/* blkif: 32 slots */
	CU_ASSERT_EQUAL(be_ring_init(&r, page, 64, 112), -EINVAL);
	CU_ASSERT_FATAL(be_ring_init(&r, page, 4 * 4096, 112) == 0);
	CU_ASSERT_EQUAL(r.size, 128);
	CU_ASSERT_FATAL(be_ring_init(&r, page, 4096, 112) == 0);

	CU_ASSERT_EQUAL(be_ring_pending(&r), 0);
	s->req_prod = 3;
	CU_ASSERT_EQUAL(be_ring_pending(&r), 3);
	for (int i = 0; i < 3; i++)
		be_ring_take(&r, req);
	CU_ASSERT_EQUAL(be_ring_final_check(&r), 0);
	CU_ASSERT_EQUAL(s->req_event, 4);
	/* three responses: the guest asked for an event at 1 */
	for (int i = 0; i < 3; i++)
		be_ring_rsp_slot(&r);
	CU_ASSERT_TRUE(be_ring_push(&r));
	CU_ASSERT_EQUAL(s->rsp_prod, 3);
	CU_ASSERT_FALSE(be_ring_push(&r));	/* nothing new */
	/* the guest did not move rsp_event: no event for the next one */
	be_ring_rsp_slot(&r);
	s->req_prod = 4;
	be_ring_take(&r, req);
	CU_ASSERT_FALSE(be_ring_push(&r));
	s->rsp_event = 5;
	be_ring_rsp_slot(&r);
	s->req_prod = 5;
	be_ring_take(&r, req);
	CU_ASSERT_TRUE(be_ring_push(&r));

	/* runaway indices: more than a ring's worth outstanding */
	s->req_prod = r.rsp_prod_pvt + 33;
	CU_ASSERT_EQUAL(be_ring_pending(&r), -1);
	CU_ASSERT_EQUAL(be_ring_final_check(&r), -1);
	s->req_prod = r.rsp_prod_pvt - 1;	/* behind us */
	CU_ASSERT_EQUAL(be_ring_pending(&r), -1);
	s->req_prod = r.rsp_prod_pvt + 32;	/* exactly full is fine */
	CU_ASSERT_EQUAL(be_ring_pending(&r), 32);
	/* wrap-around of the free-running indices */
	memset(page, 0, 64);
	s->rsp_prod = 0xfffffffe;
	CU_ASSERT_FATAL(be_ring_init(&r, page, 4096, 112) == 0);
	s->req_prod = 2;
	CU_ASSERT_EQUAL(be_ring_pending(&r), 4);
}

/* ---- xenbus state machine, registry, faults ---- */

static pthread_mutex_t xs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xs *the_xs;
static int nconnect, ndisconnect, nfree, nquiesce, nresume, connect_rc;

static struct xs *f_xs_lock(void *ctx)
{
	pthread_mutex_lock(&xs_lock);
	if (!the_xs)	/* as pvh_xs_lock(): NULL comes unlocked */
		pthread_mutex_unlock(&xs_lock);
	return the_xs;
}

static void f_xs_unlock(void *ctx)
{
	pthread_mutex_unlock(&xs_lock);
}

static int f_features(struct be_dev *d, struct xs *xs)
{
	return be_xs_printf(xs, d->bpath, "feature-x", "1");
}

static int f_connect(struct be_dev *d, struct xs *xs)
{
	nconnect++;
	return connect_rc;
}

static void f_disconnect(struct be_dev *d)
{
	ndisconnect++;
}

static void f_free(struct be_dev *d)
{
	nfree++;
}

static int f_quiesce(struct be_dev *d)
{
	nquiesce++;
	return 0;
}

static int f_resume(struct be_dev *d)
{
	nresume++;
	return 0;
}

static int f_save(struct be_dev *d, void *buf, size_t len, size_t *used)
{
	*used = 4;
	return len >= 4 ? 0 : -ENOSPC;
}

static const struct be_ops fake_ops = {
	.type = "vfake", .features = f_features, .connect = f_connect,
	.disconnect = f_disconnect, .free = f_free, .quiesce = f_quiesce,
	.resume = f_resume, .save = f_save,
};

static bool probe_on;

static int fake_probe(struct be_env *env, char *err, size_t errlen)
{
	if (!probe_on)
		return 0;
	return be_dev_add(env, &fake_ops, 51712, NULL) ? 0 : -ENOMEM;
}

static struct be_backend fake_backend = {
	.name = "vfake", .probe = fake_probe,
};
BE_BACKEND(fake_backend)

static char *rd(const char *path)
{
	static char buf[64];
	char *s = xs_read(the_xs, path);

	snprintf(buf, sizeof(buf), "%s", s ? s : "(none)");
	free(s);
	return buf;
}

#define FE "/local/domain/1/device/vfake/51712"
#define BE "/local/domain/0/backend/vfake/1/51712"

/* The guest writes its state (as domain 1 would, through the tree). */
static void fe_state(int s)
{
	char v[8];

	snprintf(v, sizeof(v), "%d", s);
	pthread_mutex_lock(&xs_lock);
	CU_ASSERT_EQUAL(xs_write(the_xs, FE "/state", v), 0);
	pthread_mutex_unlock(&xs_lock);
}

static void test_xenbus_lifecycle(void)
{
	struct be_env env = {
		.domid = 1, .xs_lock = f_xs_lock, .xs_unlock = f_xs_unlock,
	};
	char err[256] = "";
	struct be_dev *d;
	size_t used;
	char buf[16];

	the_xs = xs_new(1);
	CU_ASSERT_FATAL(the_xs != NULL);
	nconnect = ndisconnect = nfree = nquiesce = nresume = connect_rc = 0;
	probe_on = true;
	CU_ASSERT_FATAL(be_core_start(&env, err, sizeof(err)) == 0);
	d = be_core_devices();
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_STRING_EQUAL(d->name, "vfake/51712");
	CU_ASSERT_STRING_EQUAL(rd(FE "/backend"), BE);
	CU_ASSERT_STRING_EQUAL(rd(FE "/backend-id"), "0");
	CU_ASSERT_STRING_EQUAL(rd(FE "/state"), "1");
	CU_ASSERT_STRING_EQUAL(rd(BE "/frontend"), FE);
	CU_ASSERT_STRING_EQUAL(rd(BE "/frontend-id"), "1");
	CU_ASSERT_STRING_EQUAL(rd(BE "/feature-x"), "1");
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "2");

	/* frontend ready: connect, Connected; its Connected changes nothing */
	fe_state(XB_INITIALISED);
	CU_ASSERT_EQUAL(nconnect, 1);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "4");
	fe_state(XB_CONNECTED);
	CU_ASSERT_EQUAL(nconnect, 1);
	/* driver unbound: Closing, Closed; then bound again */
	fe_state(XB_CLOSING);
	CU_ASSERT_EQUAL(ndisconnect, 1);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "5");
	fe_state(XB_CLOSED);
	CU_ASSERT_EQUAL(ndisconnect, 1);
	/* Closed, then InitWait at once: ready for a rebound driver */
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "2");
	fe_state(XB_INITIALISING);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "2");
	/* a frontend skipping Initialised (as netfront does) connects too */
	fe_state(XB_CONNECTED);
	CU_ASSERT_EQUAL(nconnect, 2);
	CU_ASSERT_EQUAL(d->connects, 2);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "4");
	/* kexec: a new driver starts over without closing */
	fe_state(XB_INITIALISING);
	CU_ASSERT_EQUAL(ndisconnect, 2);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "2");
	/* bad frontend keys: connect fails, Closing, no disconnect */
	connect_rc = -EINVAL;
	fe_state(XB_INITIALISED);
	CU_ASSERT_EQUAL(nconnect, 3);
	CU_ASSERT_FALSE(d->connected);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "5");
	fe_state(XB_CLOSED);
	CU_ASSERT_EQUAL(ndisconnect, 2);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "6");
	connect_rc = 0;
	fe_state(XB_INITIALISING);
	fe_state(XB_INITIALISED);
	CU_ASSERT_EQUAL(nconnect, 4);
	/* garbage in the state node: taken as gone */
	pthread_mutex_lock(&xs_lock);
	xs_write(the_xs, FE "/state", "4x");
	pthread_mutex_unlock(&xs_lock);
	CU_ASSERT_EQUAL(ndisconnect, 3);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "6");
	fe_state(XB_INITIALISING);
	fe_state(XB_INITIALISED);
	CU_ASSERT_EQUAL(nconnect, 5);

	/* a worker's fault: one disconnect, Closing */
	be_dev_fault(d, "test fault");
	be_dev_fault(d, "second fault, not logged");
	be_core_sync();
	CU_ASSERT_EQUAL(ndisconnect, 4);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "5");
	fe_state(XB_CLOSED);
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "6");	/* stays, faulted */
	fe_state(XB_INITIALISING);
	fe_state(XB_INITIALISED);
	CU_ASSERT_EQUAL(nconnect, 6);
	CU_ASSERT_EQUAL(d->fault, 0);

	/* snapshot hooks reach the device */
	CU_ASSERT_EQUAL(be_core_quiesce(), 0);
	CU_ASSERT_EQUAL(be_core_save(buf, sizeof(buf), &used), 0);
	CU_ASSERT_EQUAL(used, 4);
	CU_ASSERT_EQUAL(be_core_save(buf, 2, &used), -ENOSPC);
	CU_ASSERT_EQUAL(be_core_load(buf, 4), 0);
	CU_ASSERT_EQUAL(be_core_resume(), 0);
	CU_ASSERT_EQUAL(nquiesce, 1);
	CU_ASSERT_EQUAL(nresume, 1);

	/* the VM ends: disconnect, free, nodes gone */
	be_core_stop();
	CU_ASSERT_EQUAL(ndisconnect, 5);
	CU_ASSERT_EQUAL(nfree, 1);
	CU_ASSERT_PTR_NULL(be_core_devices());
	CU_ASSERT_STRING_EQUAL(rd(FE "/state"), "(none)");
	CU_ASSERT_STRING_EQUAL(rd(BE "/state"), "(none)");
	probe_on = false;
	xs_free(the_xs);
	the_xs = NULL;
}

/* Without xenstore, devices cannot be published: nothing is left. */
static void test_xenbus_no_xenstore(void)
{
	struct be_env env = {
		.domid = 1, .xs_lock = f_xs_lock, .xs_unlock = f_xs_unlock,
	};
	char err[256] = "";

	the_xs = NULL;
	nfree = 0;
	probe_on = true;
	CU_ASSERT_EQUAL(be_core_start(&env, err, sizeof(err)), -ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Xen personality"));
	CU_ASSERT_PTR_NULL(be_core_devices());
	CU_ASSERT_EQUAL(nfree, 1);
	probe_on = false;
}

static CU_TestInfo be_core_tests[] = {
	{ "grant checks", test_grant_checks },
	{ "grant copy", test_grant_copy },
	{ "ring indices and events", test_ring },
	{ "xenbus lifecycle", test_xenbus_lifecycle },
	{ "no xenstore", test_xenbus_no_xenstore },
	CU_TEST_INFO_NULL,
};
UNIT_SUITE(be_core, be_core_tests)

// SPDX-License-Identifier: GPL-2.0
/* xenstore server: framing, tree, permissions, watches, transactions, ring. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../../monitor/xs.h"
#include "../../monitor/xs_ring.h"

struct msg {
	struct xs_hdr h;
	char p[XS_PAYLOAD_MAX + 1];
};

static struct xs *xs;
static struct xs_conn *gc;	/* the guest, domain 1 */

static int setup(void)
{
	struct xs_domain_info di = {
		.domid = 1, .name = "t", .mem_kib = 262144, .vcpus = 2,
		.store_port = 1, .store_pfn = 0xfeffc, .console_port = 2,
		.console_pfn = 0xfefff,
	};

	xs = xs_new(1);
	if (!xs || xs_populate_domain(xs, &di))
		return -1;
	gc = xs_conn_new(xs, 1);
	return gc ? 0 : -1;
}

static int teardown(void)
{
	xs_free(xs);
	return 0;
}

static void send_raw(uint32_t type, uint32_t req, uint32_t tx,
		     const void *p, size_t len)
{
	struct xs_hdr h = { type, req, tx, (uint32_t)len };

	xs_conn_feed(gc, &h, sizeof(h));
	xs_conn_feed(gc, p, len);
}

/* Pop the next queued message; false if none. */
static bool pop(struct msg *m)
{
	const unsigned char *b;
	size_t n = xs_conn_out_peek(gc, (const void **)&b);

	if (n < sizeof(m->h))
		return false;
	memcpy(&m->h, b, sizeof(m->h));
	CU_ASSERT_FATAL(n >= sizeof(m->h) + m->h.len);
	memcpy(m->p, b + sizeof(m->h), m->h.len);
	m->p[m->h.len] = '\0';
	xs_conn_out_consume(gc, sizeof(m->h) + m->h.len);
	return true;
}

static void drain(void)
{
	struct msg m;

	while (pop(&m))
		;
}

/* Send a request made of NUL-separated strings and return the reply. */
static struct msg req(uint32_t type, uint32_t tx, const char *p, size_t len)
{
	static uint32_t id = 100;
	struct msg m;

	send_raw(type, ++id, tx, p, len);
	CU_ASSERT_FATAL(pop(&m));
	CU_ASSERT_EQUAL(m.h.req_id, id);
	return m;
}

#define REQ(type, tx, lit) req(type, tx, lit, sizeof(lit) - 1)

static void expect_ok(struct msg m, uint32_t type)
{
	CU_ASSERT_EQUAL(m.h.type, type);
	CU_ASSERT_STRING_EQUAL(m.p, "OK");
}

static void expect_err(struct msg m, const char *e)
{
	CU_ASSERT_EQUAL(m.h.type, XS_ERROR);
	CU_ASSERT_STRING_EQUAL(m.p, e);
	CU_ASSERT_EQUAL(m.h.len, strlen(e) + 1);
}

static void test_initial_tree(void)
{
	struct msg m = REQ(XS_READ, 0, "domid\0");

	CU_ASSERT_EQUAL(m.h.type, XS_READ);
	CU_ASSERT_EQUAL(m.h.len, 1);	/* no NUL in READ replies */
	CU_ASSERT_STRING_EQUAL(m.p, "1");
	m = REQ(XS_READ, 0, "/local/domain/1/memory/target\0");
	CU_ASSERT_STRING_EQUAL(m.p, "262144");
	m = REQ(XS_READ, 0, "control/platform-feature-xs_reset_watches\0");
	CU_ASSERT_STRING_EQUAL(m.p, "1");
	m = REQ(XS_READ, 0, "store/ring-ref\0");
	CU_ASSERT_STRING_EQUAL(m.p, "1044476");
	m = REQ(XS_READ, 0, "cpu/1/availability\0");
	CU_ASSERT_STRING_EQUAL(m.p, "online");
	/* dom0's name is private to dom0 */
	expect_err(REQ(XS_READ, 0, "/local/domain/0/name\0"), "EACCES");
	expect_err(REQ(XS_READ, 0, "nosuch\0"), "ENOENT");
}

static void test_write_read_dir(void)
{
	struct msg m;
	const char w[] = "device/vif/0/state\0" "4";

	expect_ok(req(XS_WRITE, 0, w, sizeof(w) - 1), XS_WRITE);
	m = REQ(XS_READ, 0, "device/vif/0/state\0");
	CU_ASSERT_STRING_EQUAL(m.p, "4");
	/* parents were created with empty values */
	m = REQ(XS_READ, 0, "device/vif\0");
	CU_ASSERT_EQUAL(m.h.len, 0);
	expect_ok(REQ(XS_WRITE, 0, "device/vif/0/mac\0" "aa:bb"), XS_WRITE);
	m = REQ(XS_DIRECTORY, 0, "device/vif/0\0");
	CU_ASSERT_EQUAL(m.h.type, XS_DIRECTORY);
	CU_ASSERT_EQUAL(m.h.len, sizeof("mac\0state"));
	CU_ASSERT(!memcmp(m.p, "mac\0state", m.h.len) ||
		  !memcmp(m.p, "state\0mac", m.h.len));
	expect_ok(REQ(XS_MKDIR, 0, "device/vbd\0"), XS_MKDIR);
	expect_ok(REQ(XS_MKDIR, 0, "device/vbd\0"), XS_MKDIR);	/* exists: OK */
	expect_ok(REQ(XS_RM, 0, "device/vif\0"), XS_RM);
	expect_err(REQ(XS_READ, 0, "device/vif/0/mac\0"), "ENOENT");
	/* rm of a missing child of an existing node is fine, else ENOENT */
	expect_ok(REQ(XS_RM, 0, "device/vif\0"), XS_RM);
	expect_err(REQ(XS_RM, 0, "device/nope/x\0"), "ENOENT");
	expect_err(REQ(XS_RM, 0, "/\0"), "EINVAL");
	/* the guest may not write dom0's or the backend tree */
	expect_err(REQ(XS_WRITE, 0, "/local/domain/0/backend/x\0" "1"),
		   "EACCES");
	expect_err(REQ(XS_WRITE, 0, "/tool/x\0" "1"), "EACCES");
	/* but may read its backend nodes */
	m = REQ(XS_READ, 0, "/local/domain/0/backend/console/1/0/state\0");
	CU_ASSERT_STRING_EQUAL(m.p, "4");
}

static void test_bad_requests(void)
{
	struct msg m;

	expect_err(REQ(XS_READ, 0, "a//b\0"), "EINVAL");
	expect_err(REQ(XS_READ, 0, "bad path\0"), "EINVAL");
	expect_err(REQ(XS_READ, 0, "noterm"), "EINVAL");
	expect_err(REQ(XS_WRITE, 0, "nonul"), "EINVAL");
	expect_err(REQ(XS_READ, 77, "domid\0"), "ENOENT");	/* no such txn */
	expect_err(REQ(20, 0, "\0"), "ENOSYS");
	expect_err(REQ(200, 0, "\0"), "ENOSYS");
	expect_err(REQ(XS_INTRODUCE, 0, "2\0" "5\0" "3\0"), "EACCES");
	m = REQ(XS_GET_DOMAIN_PATH, 0, "7\0");
	CU_ASSERT_STRING_EQUAL(m.p, "/local/domain/7");
	m = REQ(XS_IS_DOMAIN_INTRODUCED, 0, "1\0");
	CU_ASSERT_STRING_EQUAL(m.p, "T");
	m = REQ(XS_IS_DOMAIN_INTRODUCED, 0, "9\0");
	CU_ASSERT_STRING_EQUAL(m.p, "F");
	expect_err(REQ(XS_GET_DOMAIN_PATH, 0, "x\0"), "EINVAL");

	/* an oversized frame gets E2BIG and its payload is skipped */
	{
		static char big[5000];
		struct xs_hdr h = { XS_READ, 9, 0, sizeof(big) };

		xs_conn_feed(gc, &h, sizeof(h));
		xs_conn_feed(gc, big, sizeof(big));
		CU_ASSERT(pop(&m));
		expect_err(m, "E2BIG");
		CU_ASSERT_EQUAL(xs_conn_errors(gc), 1);
		m = REQ(XS_READ, 0, "domid\0");
		CU_ASSERT_STRING_EQUAL(m.p, "1");
	}
}

static void test_byte_at_a_time(void)
{
	const char p[] = "name\0";
	struct xs_hdr h = { XS_READ, 42, 0, sizeof(p) - 1 };
	unsigned char buf[sizeof(h) + sizeof(p) - 1];
	struct msg m;
	size_t i;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, sizeof(p) - 1);
	for (i = 0; i < sizeof(buf); i++) {
		CU_ASSERT_EQUAL(xs_conn_out_pending(gc), 0);
		xs_conn_feed(gc, buf + i, 1);
	}
	CU_ASSERT_FATAL(pop(&m));
	CU_ASSERT_EQUAL(m.h.req_id, 42);
	CU_ASSERT_STRING_EQUAL(m.p, "t");
}

static void test_perms(void)
{
	struct msg m;

	expect_ok(REQ(XS_WRITE, 0, "data/p\0" "v"), XS_WRITE);
	m = REQ(XS_GET_PERMS, 0, "data/p\0");
	CU_ASSERT_EQUAL(m.h.type, XS_GET_PERMS);
	CU_ASSERT_EQUAL(m.h.len, 3);
	CU_ASSERT_STRING_EQUAL(m.p, "n1");
	expect_ok(REQ(XS_SET_PERMS, 0, "data/p\0" "n1\0" "r0\0"), XS_SET_PERMS);
	m = REQ(XS_GET_PERMS, 0, "data/p\0");
	CU_ASSERT_EQUAL(m.h.len, 6);
	CU_ASSERT(!memcmp(m.p, "n1\0r0", 6));
	expect_err(REQ(XS_SET_PERMS, 0, "data/p\0" "x1\0"), "EINVAL");
	expect_err(REQ(XS_SET_PERMS, 0, "/local/domain/0/backend\0" "b1\0"),
		   "EACCES");
	/* handing the node to dom0 without access locks the guest out */
	expect_ok(REQ(XS_SET_PERMS, 0, "data/p\0" "n0\0"), XS_SET_PERMS);
	expect_err(REQ(XS_READ, 0, "data/p\0"), "EACCES");
	expect_err(REQ(XS_WRITE, 0, "data/p\0" "z"), "EACCES");
}

static void test_watches(void)
{
	struct msg m;

	drain();
	expect_ok(REQ(XS_WATCH, 0, "control/shutdown\0" "tok1\0"), XS_WATCH);
	/* fires once at registration, after the reply, relative path */
	CU_ASSERT_FATAL(pop(&m));
	CU_ASSERT_EQUAL(m.h.type, XS_WATCH_EVENT);
	CU_ASSERT_EQUAL(m.h.req_id, 0);
	CU_ASSERT(!memcmp(m.p, "control/shutdown\0tok1", 22));
	CU_ASSERT_EQUAL(m.h.len, 22);
	CU_ASSERT(!pop(&m));
	expect_err(REQ(XS_WATCH, 0, "control/shutdown\0" "tok1\0"), "EEXIST");

	/* toolstack write fires it */
	CU_ASSERT_EQUAL(xs_write(xs, "/local/domain/1/control/shutdown",
				 "poweroff"), 0);
	CU_ASSERT_FATAL(pop(&m));
	CU_ASSERT_EQUAL(m.h.type, XS_WATCH_EVENT);
	CU_ASSERT_STRING_EQUAL(m.p, "control/shutdown");
	/* absolute watch on a parent sees children, with absolute paths */
	expect_ok(REQ(XS_WATCH, 0, "/local/domain/1/device\0" "dev\0"),
		  XS_WATCH);
	CU_ASSERT(pop(&m));
	CU_ASSERT_STRING_EQUAL(m.p, "/local/domain/1/device");
	expect_ok(REQ(XS_WRITE, 0, "device/vkbd/0/state\0" "1"), XS_WRITE);
	CU_ASSERT_FATAL(pop(&m));
	CU_ASSERT_STRING_EQUAL(m.p, "/local/domain/1/device/vkbd/0/state");
	CU_ASSERT_STRING_EQUAL(m.p + strlen(m.p) + 1, "dev");
	/* removing a parent fires watches set below it, with their path */
	expect_ok(REQ(XS_RM, 0, "control\0"), XS_RM);
	CU_ASSERT_FATAL(pop(&m));
	CU_ASSERT_STRING_EQUAL(m.p, "control/shutdown");
	CU_ASSERT(!pop(&m));
	expect_ok(REQ(XS_UNWATCH, 0, "control/shutdown\0" "tok1\0"),
		  XS_UNWATCH);
	expect_err(REQ(XS_UNWATCH, 0, "control/shutdown\0" "tok1\0"), "ENOENT");
	expect_ok(REQ(XS_WRITE, 0, "control/shutdown\0" ""), XS_WRITE);
	CU_ASSERT(!pop(&m));
	/* special paths fire at registration only */
	expect_ok(REQ(XS_WATCH, 0, "@releaseDomain\0" "r\0"), XS_WATCH);
	CU_ASSERT(pop(&m));
	CU_ASSERT_STRING_EQUAL(m.p, "@releaseDomain");
	expect_ok(REQ(XS_RESET_WATCHES, 0, "\0"), XS_RESET_WATCHES);
	expect_ok(REQ(XS_WRITE, 0, "device/vkbd/0/state\0" "2"), XS_WRITE);
	CU_ASSERT(!pop(&m));
}

static int cb_count;
static char cb_path[256];

static void cb(struct xs *x, const char *path, void *opaque)
{
	cb_count++;
	snprintf(cb_path, sizeof(cb_path), "%s", path);
	CU_ASSERT_PTR_EQUAL(opaque, &cb_count);
}

static void test_internal_watch(void)
{
	char *v;

	cb_count = 0;
	CU_ASSERT_EQUAL(xs_watch(xs, "/local/domain/1/device/vbd", cb,
				 &cb_count), 0);
	CU_ASSERT_EQUAL(cb_count, 1);
	expect_ok(REQ(XS_WRITE, 0, "device/vbd/51712/state\0" "3"), XS_WRITE);
	CU_ASSERT_EQUAL(cb_count, 2);
	CU_ASSERT_STRING_EQUAL(cb_path, "/local/domain/1/device/vbd/51712/state");
	v = xs_read(xs, cb_path);
	CU_ASSERT_STRING_EQUAL(v, "3");
	free(v);
	CU_ASSERT_PTR_NULL(xs_read(xs, "/local/domain/1/nope"));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(xs_unwatch(xs, "/local/domain/1/device/vbd", cb,
				   &cb_count), 0);
	CU_ASSERT_EQUAL(xs_write(xs, "/local/domain/1/device/vbd/x", "1"), 0);
	CU_ASSERT_EQUAL(cb_count, 2);
	CU_ASSERT_EQUAL(xs_write(xs, "bad//path", "1"), -EINVAL);
}

static uint32_t txn_start(void)
{
	struct msg m = REQ(XS_TRANSACTION_START, 0, "\0");

	CU_ASSERT_EQUAL(m.h.type, XS_TRANSACTION_START);
	return strtoul(m.p, NULL, 10);
}

static void test_transactions(void)
{
	struct msg m;
	uint32_t t1, t2;

	drain();
	expect_ok(REQ(XS_WATCH, 0, "device\0" "d\0"), XS_WATCH);
	drain();
	t1 = txn_start();
	CU_ASSERT(t1 != 0);
	expect_ok(REQ(XS_WRITE, t1, "device/vbd/1/ring-ref\0" "8"), XS_WRITE);
	/* invisible outside, visible inside, no watch before commit */
	expect_err(REQ(XS_READ, 0, "device/vbd/1/ring-ref\0"), "ENOENT");
	m = REQ(XS_READ, t1, "device/vbd/1/ring-ref\0");
	CU_ASSERT_STRING_EQUAL(m.p, "8");
	CU_ASSERT_EQUAL(m.h.tx_id, t1);
	CU_ASSERT(!pop(&m));
	expect_ok(REQ(XS_TRANSACTION_END, t1, "T\0"), XS_TRANSACTION_END);
	CU_ASSERT(pop(&m));
	CU_ASSERT_EQUAL(m.h.type, XS_WATCH_EVENT);
	CU_ASSERT_STRING_EQUAL(m.p, "device/vbd/1/ring-ref");
	m = REQ(XS_READ, 0, "device/vbd/1/ring-ref\0");
	CU_ASSERT_STRING_EQUAL(m.p, "8");
	expect_err(REQ(XS_TRANSACTION_END, t1, "T\0"), "ENOENT");

	/* conflict: a node read in the txn changed outside it */
	t1 = txn_start();
	m = REQ(XS_READ, t1, "device/vbd/1/ring-ref\0");
	CU_ASSERT_EQUAL(xs_write(xs, "/local/domain/1/device/vbd/1/ring-ref",
				 "9"), 0);
	drain();
	expect_ok(REQ(XS_WRITE, t1, "device/vbd/1/state\0" "3"), XS_WRITE);
	expect_err(REQ(XS_TRANSACTION_END, t1, "T\0"), "EAGAIN");
	expect_err(REQ(XS_READ, 0, "device/vbd/1/state\0"), "ENOENT");

	/* unrelated concurrent changes do not conflict */
	t1 = txn_start();
	t2 = txn_start();
	CU_ASSERT(t1 != t2);
	expect_ok(REQ(XS_WRITE, t1, "device/vbd/1/a\0" "1"), XS_WRITE);
	expect_ok(REQ(XS_WRITE, t2, "device/vbd/1/b\0" "2"), XS_WRITE);
	expect_ok(REQ(XS_TRANSACTION_END, t2, "T\0"), XS_TRANSACTION_END);
	CU_ASSERT(pop(&m));
	CU_ASSERT_STRING_EQUAL(m.p, "device/vbd/1/b");
	/* ...but both changed device/vbd/1's child list: t1 must retry */
	expect_err(REQ(XS_TRANSACTION_END, t1, "T\0"), "EAGAIN");

	/* created-in-txn parent read back later in the same txn */
	t1 = txn_start();
	expect_ok(REQ(XS_WRITE, t1, "device/new/0/x\0" "1"), XS_WRITE);
	m = REQ(XS_DIRECTORY, t1, "device/new\0");
	CU_ASSERT_STRING_EQUAL(m.p, "0");
	expect_ok(REQ(XS_RM, t1, "device/vbd\0"), XS_RM);
	expect_err(REQ(XS_READ, t1, "device/vbd/1/a\0"), "ENOENT");
	expect_ok(REQ(XS_TRANSACTION_END, t1, "T\0"), XS_TRANSACTION_END);
	/* replayed in order: the write, then the removal */
	CU_ASSERT(pop(&m));
	CU_ASSERT_STRING_EQUAL(m.p, "device/new/0/x");
	CU_ASSERT(pop(&m));
	CU_ASSERT_STRING_EQUAL(m.p, "device/vbd");
	expect_err(REQ(XS_READ, 0, "device/vbd/1/b\0"), "ENOENT");
	m = REQ(XS_READ, 0, "device/new/0/x\0");
	CU_ASSERT_STRING_EQUAL(m.p, "1");
	drain();

	/* abort discards; bad argument; nesting refused */
	t1 = txn_start();
	expect_ok(REQ(XS_WRITE, t1, "device/ab\0" "1"), XS_WRITE);
	expect_err(REQ(XS_TRANSACTION_END, t1, "X\0"), "EINVAL");
	expect_err(REQ(XS_TRANSACTION_START, t1, "\0"), "EBUSY");
	expect_ok(REQ(XS_TRANSACTION_END, t1, "F\0"), XS_TRANSACTION_END);
	expect_err(REQ(XS_READ, 0, "device/ab\0"), "ENOENT");
	CU_ASSERT(!pop(&m));
	expect_ok(REQ(XS_RESET_WATCHES, 0, "\0"), XS_RESET_WATCHES);
}

static void test_txn_limit(void)
{
	unsigned int i;

	for (i = 0; i < XS_MAX_TXNS; i++)
		CU_ASSERT(txn_start() != 0);
	expect_err(REQ(XS_TRANSACTION_START, 0, "\0"), "ENOSPC");
	expect_ok(REQ(XS_RESET_WATCHES, 0, "\0"), XS_RESET_WATCHES);
	CU_ASSERT(txn_start() != 0);
	expect_ok(REQ(XS_RESET_WATCHES, 0, "\0"), XS_RESET_WATCHES);
}

static void put_req(struct xs_ring_page *r, const void *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		r->req[(r->req_prod + i) & 1023] = ((const char *)p)[i];
	r->req_prod += n;
}

static void test_ring(void)
{
	static struct xs_ring_page ring;
	struct xs_hdr h = { XS_READ, 5, 0, 5 }, rh;
	unsigned int i, got = 0;
	int rc;

	drain();
	/* start near the wrap point so messages straddle it */
	ring.req_cons = ring.req_prod = 0xfffffff0u;
	ring.rsp_cons = ring.rsp_prod = 1020;
	for (i = 0; i < 100; i++) {
		h.req_id = i;
		put_req(&ring, &h, sizeof(h));
		put_req(&ring, "name", 5);
		rc = xs_ring_pump(&ring, gc);
		CU_ASSERT_EQUAL(rc, XS_RING_NOTIFY);
		CU_ASSERT_EQUAL(ring.req_cons, ring.req_prod);
		/* consume the response like the guest */
		while (ring.rsp_prod - ring.rsp_cons >= sizeof(rh) + 1) {
			unsigned int k;
			char b[sizeof(rh) + 1];

			for (k = 0; k < sizeof(b); k++)
				b[k] = ring.rsp[(ring.rsp_cons + k) & 1023];
			memcpy(&rh, b, sizeof(rh));
			CU_ASSERT_EQUAL(rh.req_id, i);
			CU_ASSERT_EQUAL(b[16], 't');
			ring.rsp_cons += sizeof(b);
			got++;
		}
	}
	CU_ASSERT_EQUAL(got, 100);
	/* responses wait while the guest does not consume */
	for (i = 0; i < 100; i++) {
		put_req(&ring, &h, sizeof(h));
		put_req(&ring, "name", 5);
		xs_ring_pump(&ring, gc);
	}
	CU_ASSERT_EQUAL(ring.rsp_prod - ring.rsp_cons, 1024);
	CU_ASSERT_EQUAL(xs_conn_out_pending(gc), 100 * 17 - 1024);
	ring.rsp_cons = ring.rsp_prod;
	CU_ASSERT_EQUAL(xs_ring_pump(&ring, gc), XS_RING_NOTIFY);
	/* nothing to do: no notification */
	ring.rsp_cons = ring.rsp_prod;
	CU_ASSERT_EQUAL(xs_ring_pump(&ring, gc), 0);
	/* a guest claiming more than a ring of requests is refused */
	ring.req_prod = ring.req_cons + 2000;
	CU_ASSERT_EQUAL(xs_ring_pump(&ring, gc), XS_RING_BROKEN);
	ring.req_prod = ring.req_cons;
	drain();
}

/* A guest cannot grow the tree, or the reply queue, without bound. */
static void test_quotas(void)
{
	char w[64];
	unsigned int i, j, ok = 0;
	struct msg m;
	int n;

	drain();
	for (i = 0; i < 100 && ok < XS_MAX_NODES; i++)
		for (j = 0; j < 100; j++) {
			n = snprintf(w, sizeof(w), "data/q%u/n%u", i, j) + 1;
			m = req(XS_WRITE, 0, w, n);
			if (m.h.type == XS_ERROR) {
				CU_ASSERT_STRING_EQUAL(m.p, "ENOSPC");
				goto full;
			}
			ok++;
		}
full:
	CU_ASSERT(ok > 7000 && ok < XS_MAX_NODES);
	expect_ok(REQ(XS_RM, 0, "data\0"), XS_RM);
	/* room again once the subtree is gone */
	expect_ok(REQ(XS_WRITE, 0, "data/q0/n0\0" "1"), XS_WRITE);
	expect_ok(REQ(XS_RM, 0, "data\0"), XS_RM);
}

static void test_backpressure(void)
{
	static struct xs_ring_page ring;
	struct xs_hdr h = { XS_READ, 1, 0, 5 };
	unsigned int i;
	size_t before;

	drain();
	memset(&ring, 0, sizeof(ring));
	/* the guest sends but never reads: replies pile up to the limit */
	for (i = 0; i < 40000; i++) {
		if (ring.req_prod - ring.req_cons > 1024 - 21)
			break;		/* its request ring is full */
		put_req(&ring, &h, sizeof(h));
		put_req(&ring, "name", 5);
		xs_ring_pump(&ring, gc);
	}
	CU_ASSERT(i < 40000);
	before = xs_conn_out_pending(gc);
	CU_ASSERT(before > XS_OUT_MAX);
	CU_ASSERT(before < XS_OUT_MAX + 2048);
	/* once it reads, service resumes */
	while (xs_conn_out_pending(gc) > XS_OUT_MAX / 2) {
		ring.rsp_cons = ring.rsp_prod;
		xs_ring_pump(&ring, gc);
	}
	CU_ASSERT_EQUAL(ring.req_cons, ring.req_prod);
	drain();
}

static const CU_TestInfo xs_tests[] = {
	{ "initial tree", test_initial_tree },
	{ "write/read/directory/rm", test_write_read_dir },
	{ "malformed requests", test_bad_requests },
	{ "byte-at-a-time framing", test_byte_at_a_time },
	{ "permissions", test_perms },
	{ "watches", test_watches },
	{ "internal watches", test_internal_watch },
	{ "transactions", test_transactions },
	{ "transaction limit", test_txn_limit },
	{ "ring pump", test_ring },
	{ "node quota", test_quotas },
	{ "reply backpressure", test_backpressure },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(xenstore, xs_tests, .init = setup, .cleanup = teardown);

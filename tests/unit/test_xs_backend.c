// SPDX-License-Identifier: GPL-2.0
/*
 * The xenstore ring thread (devices/be_xenstore.c) and the hvc0 thread
 * (devices/be_console.c) with eventfds standing in for the module's
 * event channels: requests in, replies and kicks out, watch events caused
 * by other threads, console output to a file and input from the stream.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "unit.h"
#include "devices/be_console.h"
#include "devices/be_xenstore.h"
#include "monitor/ctl.h"

static bool wait_fd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(fd, &v, sizeof(v)) == sizeof(v);
}

static void signal_fd(int fd)
{
	uint64_t one = 1;

	CU_ASSERT_EQUAL(write(fd, &one, sizeof(one)), sizeof(one));
}

static void ring_put(struct xs_ring_page *r, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r->req[(r->req_prod + i) & 1023] = ((const char *)p)[i];
	__atomic_store_n(&r->req_prod, r->req_prod + n, __ATOMIC_RELEASE);
}

/* Read one message from the response ring, waiting for kicks. */
static bool ring_get(struct be_xenstore *b, struct xs_hdr *h, char *p)
{
	struct xs_ring_page *r = b->ring;
	char buf[sizeof(*h) + XS_PAYLOAD_MAX];
	uint32_t avail;
	size_t i;

	for (int tries = 0; tries < 50; tries++) {
		avail = __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE) -
			r->rsp_cons;
		if (avail >= sizeof(*h)) {
			for (i = 0; i < avail; i++)
				buf[i] = r->rsp[(r->rsp_cons + i) & 1023];
			memcpy(h, buf, sizeof(*h));
			if (avail >= sizeof(*h) + h->len) {
				memcpy(p, buf + sizeof(*h), h->len);
				p[h->len] = '\0';
				r->rsp_cons += sizeof(*h) + h->len;
				return true;
			}
		}
		wait_fd(b->kick_fd, 100);
	}
	return false;
}

static void test_xenstore_thread(void)
{
	static struct xs_ring_page ring;
	struct xs_domain_info di = { .domid = 1, .mem_kib = 1024, .vcpus = 1 };
	struct be_xenstore b = { 0 };
	struct xs_hdr h = { XS_READ, 7, 0, 6 };
	const char w[] = "control/shutdown\0tok\0";
	char p[XS_PAYLOAD_MAX + 1];
	int i;

	b.xs = xs_new(1);
	CU_ASSERT_FATAL(b.xs && xs_populate_domain(b.xs, &di) == 0);
	b.ring = &ring;
	b.domid = 1;
	b.notify_fd = eventfd(0, EFD_NONBLOCK);
	b.kick_fd = eventfd(0, EFD_NONBLOCK);
	CU_ASSERT_FATAL(be_xenstore_start(&b) == 0);

	/* one request, one notification, one reply with a kick */
	ring_put(&ring, &h, sizeof(h));
	ring_put(&ring, "domid", 6);
	signal_fd(b.notify_fd);
	CU_ASSERT_TRUE(wait_fd(b.kick_fd, 2000));
	CU_ASSERT_FATAL(ring_get(&b, &h, p));
	CU_ASSERT_EQUAL(h.type, XS_READ);
	CU_ASSERT_EQUAL(h.req_id, 7);
	CU_ASSERT_STRING_EQUAL(p, "1");

	/* many requests in one go: all drained from one notification */
	for (i = 0; i < 20; i++) {
		h = (struct xs_hdr){ XS_READ, 100 + i, 0, 5 };
		ring_put(&ring, &h, sizeof(h));
		ring_put(&ring, "name", 5);
	}
	signal_fd(b.notify_fd);
	for (i = 0; i < 20; i++) {
		CU_ASSERT_FATAL(ring_get(&b, &h, p));
		CU_ASSERT_EQUAL(h.req_id, 100 + i);
	}
	CU_ASSERT_EQUAL(ring.req_cons, ring.req_prod);

	/* a watch, then a toolstack write from another thread fires it */
	h = (struct xs_hdr){ XS_WATCH, 200, 0, sizeof(w) - 1 };
	ring_put(&ring, &h, sizeof(h));
	ring_put(&ring, w, sizeof(w) - 1);
	signal_fd(b.notify_fd);
	CU_ASSERT_FATAL(ring_get(&b, &h, p));
	CU_ASSERT_STRING_EQUAL(p, "OK");
	CU_ASSERT_FATAL(ring_get(&b, &h, p));
	CU_ASSERT_EQUAL(h.type, XS_WATCH_EVENT);
	be_xenstore_lock(&b);
	CU_ASSERT_EQUAL(xs_write(b.xs, "/local/domain/1/control/shutdown",
				 "poweroff"), 0);
	be_xenstore_unlock(&b);
	CU_ASSERT_FATAL(ring_get(&b, &h, p));
	CU_ASSERT_EQUAL(h.type, XS_WATCH_EVENT);
	CU_ASSERT_STRING_EQUAL(p, "control/shutdown");

	be_xenstore_stop(&b);
	xs_free(b.xs);
	close(b.notify_fd);
	close(b.kick_fd);
}

static void test_console_thread(void)
{
	static struct xencons_ring ring;
	char path[] = "/tmp/hxen-unit-hvc0.XXXXXX", buf[64];
	struct be_console c = { 0 };
	const char *msg = "Linux version 6.1\n";
	int fd = mkstemp(path), i;
	ssize_t n = 0;

	CU_ASSERT_FATAL(fd >= 0);
	c.ring = &ring;
	c.notify_fd = eventfd(0, EFD_NONBLOCK);
	c.kick_fd = eventfd(0, EFD_NONBLOCK);
	c.mode = BE_CONSOLE_FILE;
	c.path = path;
	CU_ASSERT_FATAL(be_console_start(&c) == 0);

	/* guest output reaches the file; no event back for output */
	for (i = 0; msg[i]; i++)
		ring.out[(ring.out_prod + i) % XENCONS_OUT_SIZE] = msg[i];
	__atomic_store_n(&ring.out_prod, ring.out_prod + i, __ATOMIC_RELEASE);
	signal_fd(c.notify_fd);
	for (i = 0; i < 50 && n < (ssize_t)strlen(msg); i++) {
		usleep(20000);
		n = pread(fd, buf, sizeof(buf), 0);
	}
	CU_ASSERT_EQUAL(n, (ssize_t)strlen(msg));
	CU_ASSERT(!memcmp(buf, msg, strlen(msg)));
	CU_ASSERT_EQUAL(ring.out_cons, ring.out_prod);
	CU_ASSERT_FALSE(wait_fd(c.kick_fd, 100));

	/* keyboard bytes from `hxen console` land in the input ring, kicked */
	ctl_console_input("ls\r", 3);
	CU_ASSERT_TRUE(wait_fd(c.kick_fd, 2000));
	CU_ASSERT_EQUAL(ring.in_prod - ring.in_cons, 3);
	CU_ASSERT(!memcmp(ring.in, "ls\r", 3));

	be_console_stop(&c);
	close(c.notify_fd);
	close(c.kick_fd);
	close(fd);
	unlink(path);
}

/* --console pty: a new pty; its slave side is the user's terminal. */
static void test_console_pty(void)
{
	static struct xencons_ring ring;
	struct be_console c = { 0 };
	char buf[64];
	ssize_t n = 0;
	int s, i;

	c.ring = &ring;
	c.notify_fd = eventfd(0, EFD_NONBLOCK);
	c.kick_fd = eventfd(0, EFD_NONBLOCK);
	c.mode = BE_CONSOLE_PTY;
	CU_ASSERT_FATAL(be_console_start(&c) == 0);
	CU_ASSERT(!strncmp(c.pty_name, "/dev/pts/", 9));
	s = open(c.pty_name, O_RDWR | O_NOCTTY);
	CU_ASSERT_FATAL(s >= 0);

	/* typed on the pty: into the input ring, with a kick */
	CU_ASSERT_EQUAL(write(s, "x\n", 2), 2);
	CU_ASSERT_TRUE(wait_fd(c.kick_fd, 2000));
	CU_ASSERT(ring.in_prod - ring.in_cons >= 1);
	CU_ASSERT_EQUAL(ring.in[0], 'x');

	/* guest output: readable on the pty */
	memcpy(ring.out, "ok\n", 3);
	__atomic_store_n(&ring.out_prod, 3, __ATOMIC_RELEASE);
	signal_fd(c.notify_fd);
	for (i = 0; i < 50 && n <= 0; i++) {
		struct pollfd p = { .fd = s, .events = POLLIN };

		if (poll(&p, 1, 100) == 1)
			n = read(s, buf, sizeof(buf));
	}
	CU_ASSERT(n >= 2);
	CU_ASSERT(n >= 2 && !memcmp(buf, "ok", 2));

	be_console_stop(&c);
	close(s);
	close(c.notify_fd);
	close(c.kick_fd);
}

static const CU_TestInfo be_tests[] = {
	{ "xenstore ring thread", test_xenstore_thread },
	{ "console thread", test_console_thread },
	{ "console on a pty", test_console_pty },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(xs_backends, be_tests);

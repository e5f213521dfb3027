// SPDX-License-Identifier: GPL-2.0
/*
 * Raw images (devices/disk.c, disk_raw.c, disk_io*.c, disk_lock.c), run
 * twice: on io_uring and on the thread pool (HXEN_DISK_NO_URING=1).
 */
#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "disk_util.h"
#include "devices/disk_impl.h"

#define MiB (1024 * 1024)

static bool want_uring;

static bool kernel_has_uring(void)
{
	struct io_uring r;

	if (io_uring_queue_init(4, &r, 0) < 0)
		return false;
	io_uring_queue_exit(&r);
	return true;
}

static int init_uring(void)
{
	unsetenv("HXEN_DISK_NO_URING");
	want_uring = kernel_has_uring();
	return tdisk_setup();
}

static int init_pool(void)
{
	setenv("HXEN_DISK_NO_URING", "1", 1);
	want_uring = false;
	return tdisk_setup();
}

static int cleanup(void)
{
	unsetenv("HXEN_DISK_NO_URING");
	return tdisk_cleanup();
}

static struct disk *new_raw(const char *name, uint64_t size)
{
	return tdisk_create_open(name, "raw", size, NULL, NULL);
}

static void test_create_sparse(void)
{
	struct disk_info info;
	char err[256];
	struct disk *d = new_raw("sparse.img", 256 * MiB);

	CU_ASSERT_FATAL(d != NULL);
	disk_get_info(d, &info);
	CU_ASSERT_STRING_EQUAL(info.format, "raw");
	CU_ASSERT_EQUAL(info.size, 256 * MiB);
	CU_ASSERT(info.allocated < 64 * 1024);
	CU_ASSERT_EQUAL(info.cluster_size, 0);
	CU_ASSERT_STRING_EQUAL(info.backing, "");
	CU_ASSERT_EQUAL(disk_io_uses_uring(d->io), want_uring);
	disk_close(d);
	CU_ASSERT(tdisk_blocks(tdisk_path("sparse.img")) < 64 * 1024);
	/* never overwrites, and says so */
	CU_ASSERT_EQUAL(disk_create(tdisk_path("sparse.img"), "raw", MiB,
				    NULL, NULL, err, sizeof(err)), -EEXIST);
	CU_ASSERT(strstr(err, "sparse.img") && strstr(err, "remove"));
	CU_ASSERT_EQUAL(disk_create(tdisk_path("odd.img"), "raw", 1000,
				    NULL, NULL, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "512") != NULL);
}

static void test_rw_sync(void)
{
	struct disk *d = new_raw("rw.img", 16 * MiB);
	size_t len = 3 * MiB + 512;
	uint8_t *a = malloc(len), *b = malloc(len);

	CU_ASSERT_FATAL(d && a && b);
	tdisk_fill(a, len, 7, 4096 + 512);
	CU_ASSERT_EQUAL(disk_pwrite(d, a, len, 4096 + 512), 0);
	CU_ASSERT_EQUAL(disk_flush(d), 0);
	memset(b, 0, len);
	CU_ASSERT_EQUAL(disk_pread(d, b, len, 4096 + 512), 0);
	CU_ASSERT(tdisk_check(b, len, 7, 4096 + 512));
	/* untouched space reads zeros; the last sector is reachable */
	CU_ASSERT_EQUAL(disk_pread(d, b, 4096, 0), 0);
	CU_ASSERT(tdisk_is_zero(b, 4096));
	CU_ASSERT_EQUAL(disk_pwrite(d, a, 512, 16 * MiB - 512), 0);
	CU_ASSERT_EQUAL(disk_pread(d, b, 512, 16 * MiB - 512), 0);
	CU_ASSERT(memcmp(a, b, 512) == 0);
	/* bad requests fail without touching the image */
	CU_ASSERT_EQUAL(disk_pread(d, b, 512, 16 * MiB), -EIO);
	CU_ASSERT_EQUAL(disk_pread(d, b, 1024, 16 * MiB - 512), -EIO);
	CU_ASSERT_EQUAL(disk_pread(d, b, 512, 100), -EINVAL);
	CU_ASSERT_EQUAL(disk_pwrite(d, b, 100, 0), -EINVAL);
	disk_close(d);

	/* the data is in the file itself */
	d = tdisk_open(tdisk_path("rw.img"), "raw", true);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(disk_pwrite(d, a, 512, 0), -EROFS);
	CU_ASSERT_EQUAL(disk_pread(d, b, len, 4096 + 512), 0);
	CU_ASSERT(tdisk_check(b, len, 7, 4096 + 512));
	disk_close(d);
	free(a);
	free(b);
}

/* Many requests in flight at once, each with several iovecs. */
#define NREQ	300
#define REQLEN	8192

struct async_state {
	pthread_mutex_t lock;
	int done, errors;
	pthread_t thread[NREQ];
	bool other_thread;
};

static pthread_t submitter;

static void async_done(struct disk_req *req, int result)
{
	struct async_state *s = req->opaque;

	pthread_mutex_lock(&s->lock);
	s->done++;
	if (result)
		s->errors++;
	if (!pthread_equal(pthread_self(), submitter))
		s->other_thread = true;
	pthread_mutex_unlock(&s->lock);
}

/* @batch: disk_submitv() of 16 at a time, else disk_submit() each. */
static void run_batch(struct disk *d, enum disk_op op, uint8_t *buf,
		      struct async_state *s, bool batch)
{
	static struct iovec iov[NREQ][3];
	static struct disk_req req[NREQ];
	static struct disk_req *ptr[NREQ];

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	submitter = pthread_self();
	for (int i = 0; i < NREQ; i++) {
		uint8_t *p = buf + (size_t)i * REQLEN;

		/* uneven pieces: 512, 3584, 4096 */
		iov[i][0] = (struct iovec){ p, 512 };
		iov[i][1] = (struct iovec){ p + 512, 3584 };
		iov[i][2] = (struct iovec){ p + 4096, 4096 };
		req[i] = (struct disk_req){
			.op = op, .offset = (uint64_t)i * REQLEN,
			.iov = iov[i], .iovcnt = 3,
			.done = async_done, .opaque = s,
		};
		ptr[i] = &req[i];
		if (!batch)
			CU_ASSERT_EQUAL(disk_submit(d, &req[i]), 0);
	}
	for (int i = 0; batch && i < NREQ; i += 16)
		CU_ASSERT_EQUAL(disk_submitv(d, ptr + i, NREQ - i < 16 ?
					     NREQ - i : 16), 0);
	disk_drain(d);
	CU_ASSERT_EQUAL(s->done, NREQ);
	CU_ASSERT_EQUAL(s->errors, 0);
	/*
	 * The pool's done() runs on its threads; io_uring's may run inline,
	 * for what completed inside the submit call (a page-cache hit).
	 */
	if (!want_uring)
		CU_ASSERT(s->other_thread);
	pthread_mutex_destroy(&s->lock);
}

static void test_rw_async(void)
{
	size_t len = (size_t)NREQ * REQLEN;
	uint8_t *a = malloc(len), *b = calloc(1, len);
	struct disk *d = new_raw("async.img", len);
	struct async_state s;

	CU_ASSERT_FATAL(d && a && b);
	tdisk_fill(a, len, 3, 0);
	run_batch(d, DISK_WRITE, a, &s, true);
	run_batch(d, DISK_READ, b, &s, false);
	CU_ASSERT(tdisk_check(b, len, 3, 0));
	memset(b, 0, len);
	run_batch(d, DISK_READ, b, &s, true);
	CU_ASSERT(tdisk_check(b, len, 3, 0));
	disk_close(d);
	free(a);
	free(b);
}

static void test_discard(void)
{
	const char *p = tdisk_path("discard.img");
	size_t len = 4 * MiB;
	uint8_t *a = malloc(len);
	struct disk_info info;
	struct disk *d = new_raw("discard.img", 8 * MiB);
	uint64_t before;

	CU_ASSERT_FATAL(d && a);
	tdisk_fill(a, len, 9, 0);
	CU_ASSERT_EQUAL(disk_pwrite(d, a, len, 0), 0);
	CU_ASSERT_EQUAL(disk_flush(d), 0);
	before = tdisk_blocks(p);
	CU_ASSERT(before >= len);
	disk_get_info(d, &info);
	CU_ASSERT(info.discard);
	CU_ASSERT_EQUAL(info.allocated, before);
	/* the middle 2 MiB go; the size stays */
	CU_ASSERT_EQUAL(disk_discard(d, MiB, 2 * MiB), 0);
	/* slack: punching holes may add extent-tree blocks */
	CU_ASSERT(tdisk_blocks(p) <= before - 2 * MiB + 64 * 1024);
	disk_get_info(d, &info);
	CU_ASSERT_EQUAL(info.size, 8 * MiB);
	CU_ASSERT_EQUAL(disk_pread(d, a, len, 0), 0);
	CU_ASSERT(tdisk_check(a, MiB, 9, 0));
	CU_ASSERT(tdisk_is_zero(a + MiB, 2 * MiB));
	CU_ASSERT(tdisk_check(a + 3 * MiB, MiB, 9, 3 * MiB));
	CU_ASSERT_EQUAL(disk_discard(d, 512, 100), -EINVAL);
	CU_ASSERT_EQUAL(disk_discard(d, 0, 16 * MiB), -EIO);
	disk_close(d);
	free(a);
}

static struct disk *open_err(const char *path, bool ro, char *err,
			     size_t len)
{
	struct disk_opts o = { .readonly = ro };

	return disk_open(path, &o, err, len);
}

static void test_lock(void)
{
	const char *p = tdisk_path("lock.img");
	struct disk *w, *r1, *r2, *x;
	struct disk_opts nolock = { .no_lock = true };
	char err[512];

	w = new_raw("lock.img", MiB);
	CU_ASSERT_FATAL(w != NULL);
	/* a second writer, and a reader beside the writer: refused */
	x = open_err(p, false, err, sizeof(err));
	CU_ASSERT(x == NULL);
	CU_ASSERT(strstr(err, "lock.img") && strstr(err, "exclusive"));
	x = open_err(p, true, err, sizeof(err));
	CU_ASSERT(x == NULL);
	CU_ASSERT(strstr(err, "lock.img") && strstr(err, "exclusive"));
	/* no_lock skips it (tests only) */
	x = disk_open(p, &nolock, err, sizeof(err));
	CU_ASSERT(x != NULL);
	disk_close(x);
	disk_close(w);

	/* readers share; a writer beside them is refused */
	r1 = open_err(p, true, err, sizeof(err));
	r2 = open_err(p, true, err, sizeof(err));
	CU_ASSERT(r1 && r2);
	x = open_err(p, false, err, sizeof(err));
	CU_ASSERT(x == NULL);
	CU_ASSERT(strstr(err, "lock.img") && strstr(err, "shared"));
	disk_close(r1);
	disk_close(r2);
	/* all gone: a writer again */
	w = open_err(p, false, err, sizeof(err));
	CU_ASSERT(w != NULL);
	disk_close(w);
}

static void test_open_errors(void)
{
	char err[512];
	struct disk_opts raw = { .format = "raw" };
	struct disk_opts bad = { .format = "vmdk" };

	CU_ASSERT(open_err(tdisk_path("missing.img"), false, err,
			   sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "missing.img") && strstr(err, "hxen disk create"));
	CU_ASSERT(open_err("/tmp", false, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "/tmp") != NULL);
	CU_ASSERT(disk_open(tdisk_path("missing.img"), &raw, err,
			    sizeof(err)) == NULL);
	CU_ASSERT_FATAL(disk_create(tdisk_path("fmt.img"), "raw", MiB, NULL,
				    NULL, err, sizeof(err)) == 0);
	CU_ASSERT(disk_open(tdisk_path("fmt.img"), &bad, err,
			    sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "vmdk") != NULL);
}

/* A file of 1000 bytes is a disk of one sector (rounded down). */
static void test_odd_size(void)
{
	const char *p = tdisk_path("odd.raw");
	uint8_t buf[1024];
	struct disk_info info;
	struct disk *d;

	CU_ASSERT_FATAL(tdisk_sh("head -c 1000 /dev/urandom > '%s'", p) == 0);
	d = tdisk_open(p, NULL, false);
	CU_ASSERT_FATAL(d != NULL);
	disk_get_info(d, &info);
	CU_ASSERT_EQUAL(info.size, 512);
	CU_ASSERT_EQUAL(disk_pread(d, buf, 512, 0), 0);
	CU_ASSERT_EQUAL(disk_pread(d, buf, 1024, 0), -EIO);
	/* the file shrinks under us: a read past its end gives zeros */
	CU_ASSERT_FATAL(truncate(p, 0) == 0);
	memset(buf, 0xaa, sizeof(buf));
	CU_ASSERT_EQUAL(disk_pread(d, buf, 512, 0), 0);
	CU_ASSERT(tdisk_is_zero(buf, 512));
	disk_close(d);
}

/*
 * Errors reach done() as -errno and the disk lives on: a write past
 * RLIMIT_FSIZE (EFBIG, the same path as ENOSPC on a full disk).
 */
static void test_write_error(void)
{
	const char *p = tdisk_path("limit.img");
	struct rlimit old, lim;
	void (*oldsig)(int);
	uint8_t buf[4096];
	struct disk *d = new_raw("limit.img", 4 * MiB);
	int r;

	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_FATAL(truncate(p, MiB) == 0);	/* file shorter than disk */
	tdisk_fill(buf, sizeof(buf), 2, 0);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = MiB;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, sizeof(buf), 0), 0);
	r = disk_pwrite(d, buf, sizeof(buf), 2 * MiB);
	CU_ASSERT(r == -EFBIG || r == -ENOSPC);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, sizeof(buf), 2 * MiB), 0);
	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(disk_pread(d, buf, sizeof(buf), 2 * MiB), 0);
	CU_ASSERT(tdisk_check(buf, sizeof(buf), 2, 0));
	disk_close(d);
}

/* O_DIRECT where the file system has it (else a normal open). */
static void test_direct(void)
{
	struct disk_opts o = { .direct = true };
	char err[256];
	void *a = NULL, *b = NULL;
	struct disk *d = new_raw("direct.img", MiB);

	CU_ASSERT_FATAL(d != NULL);
	disk_close(d);
	CU_ASSERT_FATAL(posix_memalign(&a, 4096, 8192) == 0);
	CU_ASSERT_FATAL(posix_memalign(&b, 4096, 8192) == 0);
	d = disk_open(tdisk_path("direct.img"), &o, err, sizeof(err));
	CU_ASSERT_FATAL(d != NULL);
	tdisk_fill(a, 8192, 13, 4096);
	CU_ASSERT_EQUAL(disk_pwrite(d, a, 8192, 4096), 0);
	CU_ASSERT_EQUAL(disk_flush(d), 0);
	CU_ASSERT_EQUAL(disk_pread(d, b, 8192, 4096), 0);
	CU_ASSERT(tdisk_check(b, 8192, 13, 4096));
	disk_close(d);
	free(a);
	free(b);
}

static CU_TestInfo tests[] = {
	{ "O_DIRECT", test_direct },
	{ "errors go to done()", test_write_error },
	{ "create makes a sparse file", test_create_sparse },
	{ "write, flush, read back", test_rw_sync },
	{ "300 async requests, 3 iovecs each, batched", test_rw_async },
	{ "discard punches holes", test_discard },
	{ "OFD locks: one writer or many readers", test_lock },
	{ "open errors name the file", test_open_errors },
	{ "size rounded down, file shrinking", test_odd_size },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(disk_raw_uring, tests, init_uring, cleanup);
UNIT_SUITE(disk_raw_pool, tests, init_pool, cleanup);

// SPDX-License-Identifier: GPL-2.0
/*
 * qcow2 images (devices/disk_qcow2*.c): hxen's own images, overlays on
 * raw and qcow2 backing files, zero clusters, discard, refcounts, corrupt
 * images; and with qemu-img (qemu-utils) installed, the same images seen
 * by QEMU's tools both ways.  Data is checked against an in-memory model.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "disk_util.h"

#define KiB 1024ull
#define MiB (1024 * KiB)
#define CL (64 * KiB)

static bool qemu;

static int init(void)
{
	qemu = tdisk_have_qemu_img();
	if (!qemu)
		fprintf(stderr, "\n  [disk_qcow2] qemu-img absent (apt-get "
			"install qemu-utils): interop checks skipped\n");
	return tdisk_setup();
}

static uint64_t file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) ? 0 : st.st_size;
}

static struct disk *create_open(const char *name, uint64_t size,
				const char *backing, const char *bfmt)
{
	return tdisk_create_open(name, "qcow2", size, backing, bfmt);
}

static bool qemu_check(const char *p)
{
	return !qemu || tdisk_sh("qemu-img check -q '%s'", p) == 0;
}

/* The model as a raw file, for qemu-img compare. */
static bool qemu_equal(const char *img, const uint8_t *model, size_t len)
{
	const char *ref = tdisk_path("ref.raw");
	FILE *f;
	bool ok;

	if (!qemu)
		return true;
	f = fopen(ref, "w");
	if (!f || fwrite(model, 1, len, f) != len) {
		if (f)
			fclose(f);
		return false;
	}
	fclose(f);
	ok = tdisk_sh("qemu-img compare -q -F raw '%s' '%s'", img, ref) == 0;
	unlink(ref);
	return ok;
}

static bool disk_equals(struct disk *d, const uint8_t *model, size_t len)
{
	uint8_t *buf = malloc(len);
	bool ok = buf && disk_pread(d, buf, len, 0) == 0 &&
		  !memcmp(buf, model, len);

	free(buf);
	return ok;
}

/*
 * Random sector-aligned writes, each also applied to the model (@d NULL:
 * to the model only, to replay what a child process wrote).
 */
static void random_writes(struct disk *d, uint8_t *model, size_t len,
			  int n, unsigned int seed)
{
	uint8_t *buf = malloc(3 * CL);

	srand(seed);
	for (int i = 0; i < n && buf; i++) {
		uint64_t secs = len / 512;
		uint64_t off = (rand() % secs) * 512;
		uint64_t l = (1 + rand() % (3 * CL / 512)) * 512;

		if (l > len - off)
			l = len - off;
		tdisk_fill(buf, l, seed + i, off);
		if (d)
			CU_ASSERT_EQUAL_FATAL(disk_pwrite(d, buf, l, off), 0);
		memcpy(model + off, buf, l);
	}
	free(buf);
}

static void random_writes_model(uint8_t *model, size_t len, int n,
				unsigned int seed)
{
	random_writes(NULL, model, len, n, seed);
}

static void test_create_info(void)
{
	const char *p = tdisk_path("new.qcow2");
	struct disk_info info;
	uint8_t buf[4096];
	struct disk *d = create_open("new.qcow2", 64 * MiB, NULL, NULL);

	CU_ASSERT_FATAL(d != NULL);
	disk_get_info(d, &info);
	CU_ASSERT_STRING_EQUAL(info.format, "qcow2");
	CU_ASSERT_EQUAL(info.size, 64 * MiB);
	CU_ASSERT_EQUAL(info.cluster_size, CL);
	CU_ASSERT_STRING_EQUAL(info.backing, "");
	CU_ASSERT(info.discard);
	CU_ASSERT(disk_backing(d) == NULL);
	memset(buf, 1, sizeof(buf));
	CU_ASSERT_EQUAL(disk_pread(d, buf, sizeof(buf), 32 * MiB), 0);
	CU_ASSERT(tdisk_is_zero(buf, sizeof(buf)));
	/* header, refcount table and block, L1: four clusters */
	CU_ASSERT_EQUAL(file_size(p), 4 * CL);
	/* one write: one L2 table and one data cluster more */
	tdisk_fill(buf, sizeof(buf), 1, 0);
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, sizeof(buf), 0), 0);
	CU_ASSERT_EQUAL(file_size(p), 6 * CL);
	/* in place the second time */
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, sizeof(buf), 8192), 0);
	CU_ASSERT_EQUAL(file_size(p), 6 * CL);
	CU_ASSERT_EQUAL(disk_flush(d), 0);
	disk_close(d);
	CU_ASSERT(qemu_check(p));
	if (qemu)
		CU_ASSERT(tdisk_sh("qemu-img info '%s' | grep -q "
				   "'virtual size: 64 MiB'", p) == 0);
}

static void test_patterns(void)
{
	const char *p = tdisk_path("pat.qcow2");
	size_t len = 8 * MiB;
	uint8_t *model = calloc(1, len);
	struct disk *d = create_open("pat.qcow2", len, NULL, NULL);

	CU_ASSERT_FATAL(d && model);
	random_writes(d, model, len, 300, 11);
	/* a write across three clusters, unaligned to them */
	tdisk_fill(model + CL - 512, 2 * CL + 1024, 99, CL - 512);
	CU_ASSERT_EQUAL(disk_pwrite(d, model + CL - 512, 2 * CL + 1024,
				    CL - 512), 0);
	CU_ASSERT(disk_equals(d, model, len));
	CU_ASSERT_EQUAL(disk_flush(d), 0);
	disk_close(d);
	d = tdisk_open(p, "qcow2", true);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT(disk_equals(d, model, len));
	disk_close(d);
	CU_ASSERT(qemu_check(p));
	CU_ASSERT(qemu_equal(p, model, len));
	free(model);
}

static void test_overlay(const char *base_fmt)
{
	const char *bp = tdisk_path("base.img"), *op;
	size_t len = 4 * MiB;
	uint8_t *model = malloc(len), *buf = malloc(2 * CL);
	struct disk_info info;
	struct disk *b, *o;
	char err[512];

	CU_ASSERT_FATAL(model && buf);
	unlink(bp);
	CU_ASSERT_FATAL(disk_create(bp, base_fmt, len, NULL, NULL, err,
				    sizeof(err)) == 0);
	b = tdisk_open(bp, NULL, false);
	CU_ASSERT_FATAL(b != NULL);
	tdisk_fill(model, len, 5, 0);
	CU_ASSERT_EQUAL(disk_pwrite(b, model, len, 0), 0);
	disk_close(b);

	/* relative name, resolved against the overlay's directory */
	o = create_open("over.qcow2", 0, "base.img", base_fmt);
	op = tdisk_path("over.qcow2");
	CU_ASSERT_FATAL(o != NULL);
	disk_get_info(o, &info);
	CU_ASSERT_EQUAL(info.size, len);
	CU_ASSERT_STRING_EQUAL(info.backing, "base.img");
	CU_ASSERT_STRING_EQUAL(info.backing_format, base_fmt);
	CU_ASSERT(disk_backing(o) != NULL);
	CU_ASSERT(disk_equals(o, model, len));
	/* a partial cluster copies the rest up from the base */
	tdisk_fill(buf, 1024, 6, CL + 512);
	CU_ASSERT_EQUAL(disk_pwrite(o, buf, 1024, CL + 512), 0);
	memcpy(model + CL + 512, buf, 1024);
	random_writes(o, model, len, 60, 21);
	CU_ASSERT(disk_equals(o, model, len));
	/* the base is opened read-only and shared: a writer is refused */
	CU_ASSERT(disk_open(bp, NULL, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "base.img") != NULL);
	disk_close(o);

	/* the base did not change */
	b = tdisk_open(bp, NULL, true);
	CU_ASSERT_FATAL(b != NULL);
	tdisk_fill(buf, 2 * CL, 5, 0);
	CU_ASSERT_EQUAL(disk_pread(b, buf + CL, CL, 0), 0);
	CU_ASSERT(tdisk_check(buf + CL, CL, 5, 0));
	disk_close(b);
	CU_ASSERT(qemu_check(op));
	CU_ASSERT(qemu_equal(op, model, len));
	if (qemu)
		CU_ASSERT(tdisk_sh("qemu-img info '%s' | grep -q "
				   "'^backing file: base.img'", op) == 0);
	free(model);
	free(buf);
}

static void test_overlay_raw(void)
{
	test_overlay("raw");
}

static void test_overlay_qcow2(void)
{
	test_overlay("qcow2");
}

/* An overlay larger than its backing file reads zeros past its end. */
static void test_overlay_larger(void)
{
	const char *bp = tdisk_path("small.raw");
	uint8_t buf[8192];
	char err[512];
	struct disk *o;

	unlink(bp);
	CU_ASSERT_FATAL(tdisk_sh("head -c 4096 /dev/urandom > '%s'", bp) == 0);
	o = create_open("big.qcow2", MiB, "small.raw", "raw");
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(disk_pread(o, buf, sizeof(buf), 0), 0);
	CU_ASSERT(!tdisk_is_zero(buf, 4096));
	CU_ASSERT(tdisk_is_zero(buf + 4096, 4096));
	disk_close(o);
	(void)err;
}

static void test_discard(void)
{
	const char *p = tdisk_path("disc.qcow2");
	size_t len = 8 * MiB;
	uint8_t *model = malloc(len);
	struct disk *d = create_open("disc.qcow2", len, NULL, NULL);
	uint64_t before, size;

	CU_ASSERT_FATAL(d && model);
	tdisk_fill(model, len, 8, 0);
	CU_ASSERT_EQUAL(disk_pwrite(d, model, len, 0), 0);
	CU_ASSERT_EQUAL(disk_flush(d), 0);
	before = tdisk_blocks(p);
	size = file_size(p);
	/* 2 MiB of whole clusters, plus partial ones around (kept) */
	CU_ASSERT_EQUAL(disk_discard(d, MiB - 512, 2 * MiB + 1024), 0);
	memset(model + MiB, 0, 2 * MiB);
	CU_ASSERT(tdisk_blocks(p) <= before - 2 * MiB);
	CU_ASSERT(disk_equals(d, model, len));
	/* freed clusters are used again: the file does not grow */
	tdisk_fill(model + MiB, 2 * MiB, 9, MiB);
	CU_ASSERT_EQUAL(disk_pwrite(d, model + MiB, 2 * MiB, MiB), 0);
	CU_ASSERT_EQUAL(file_size(p), size);
	CU_ASSERT(disk_equals(d, model, len));
	CU_ASSERT_EQUAL(disk_discard(d, 0, 4 * MiB), 0);
	memset(model, 0, 4 * MiB);
	disk_close(d);
	CU_ASSERT(qemu_check(p));
	CU_ASSERT(qemu_equal(p, model, len));
	free(model);
}

/* With a backing file, discarded clusters become zero clusters. */
static void test_discard_backing(void)
{
	const char *bp = tdisk_path("dbase.raw"), *op;
	size_t len = 2 * MiB;
	uint8_t *model = malloc(len);
	char err[512];
	struct disk *d;

	CU_ASSERT_FATAL(model != NULL);
	unlink(bp);
	CU_ASSERT_FATAL(disk_create(bp, "raw", len, NULL, NULL, err,
				    sizeof(err)) == 0);
	d = tdisk_open(bp, "raw", false);
	CU_ASSERT_FATAL(d != NULL);
	tdisk_fill(model, len, 12, 0);
	CU_ASSERT_EQUAL(disk_pwrite(d, model, len, 0), 0);
	disk_close(d);
	d = create_open("dover.qcow2", 0, "dbase.raw", "raw");
	op = tdisk_path("dover.qcow2");
	CU_ASSERT_FATAL(d != NULL);
	/* one cluster written in the overlay, one only in the base */
	CU_ASSERT_EQUAL(disk_pwrite(d, model, CL, 0), 0);
	CU_ASSERT_EQUAL(disk_discard(d, 0, 2 * CL), 0);
	memset(model, 0, 2 * CL);
	CU_ASSERT(disk_equals(d, model, len));
	disk_close(d);
	CU_ASSERT(qemu_check(op));
	CU_ASSERT(qemu_equal(op, model, len));
	free(model);
}

/* Patches @len bytes at @off of a file. */
static void patch(const char *p, uint64_t off, const void *b, size_t len)
{
	int fd = open(p, O_WRONLY);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pwrite(fd, b, len, off) == (ssize_t)len);
	close(fd);
}

static void patch32(const char *p, uint64_t off, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	patch(p, off, b, 4);
}

static void patch64(const char *p, uint64_t off, uint64_t v)
{
	patch32(p, off, v >> 32);
	patch32(p, off + 4, v);
}

/* A fresh image with @field patched must be refused, naming @what. */
static void refused(int width, uint64_t off, uint64_t v, const char *what,
		    bool ro)
{
	const char *p = tdisk_path("bad.qcow2");
	struct disk_opts o = { .format = "qcow2", .readonly = ro };
	char err[512] = "";
	struct disk *d;

	unlink(p);
	CU_ASSERT_FATAL(disk_create(p, "qcow2", 16 * MiB, NULL, NULL, err,
				    sizeof(err)) == 0);
	if (width == 32)
		patch32(p, off, v);
	else
		patch64(p, off, v);
	d = disk_open(p, &o, err, sizeof(err));
	CU_ASSERT(d == NULL);
	if (d)
		disk_close(d);
	CU_ASSERT(strstr(err, "bad.qcow2") != NULL);
	if (!strstr(err, what)) {
		fprintf(stderr, "\n  expected '%s' in: %s\n", what, err);
		CU_FAIL("message");
	}
}

static void test_corrupt(void)
{
	refused(32, 0, 0x12345678, "not a qcow2", false);
	refused(32, 4, 4, "version", false);
	refused(32, 20, 30, "cluster size", false);
	refused(32, 20, 8, "cluster size", false);
	refused(64, 40, 1ull << 40, "L1 table is not inside", true);
	refused(64, 40, 3 * CL + 8, "L1 table is not inside", true);
	refused(32, 36, 0, "L1 table is too small", true);
	refused(64, 48, 0, "refcount table overlaps the header", true);
	refused(64, 48, 1ull << 40, "refcount table is not inside", true);
	refused(64, 48, 3 * CL, "overlaps the L1", true);
	refused(32, 32, 1, "encrypted", true);
	refused(64, 72, 1ull << 20, "unknown incompatible", true);
	refused(64, 72, 1ull << 2, "external data file", true);
	refused(64, 72, 1ull << 0, "dirty", false);
	refused(32, 96, 7, "refcount order", true);
	refused(32, 100, 50, "header length", true);
	refused(32, 60, 1, "snapshots", false);
	refused(32, 104, 0x01000000, "without the feature bit", true);
	refused(64, 8, 120, "backing file name", true);	/* size 0 */
}

/* 512-byte clusters: a backing name longer than the first cluster. */
static void test_backing_name_bounds(void)
{
	const char *p = tdisk_path("small.qcow2");
	struct disk_opts o = { .readonly = true };
	char err[512];

	if (!qemu)
		return;
	unlink(p);
	CU_ASSERT_FATAL(tdisk_sh("qemu-img create -q -f qcow2 -o "
				 "cluster_size=512 '%s' 1M", p) == 0);
	patch64(p, 8, 200);		/* backing_file_offset */
	patch32(p, 16, 1000);		/* backing_file_size */
	CU_ASSERT(disk_open(p, &o, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "backing file name") != NULL);
}

/* zstd-compressed images (incompatible bit 3, compression_type 1). */
static void test_zstd_refused(void)
{
	const char *p = tdisk_path("zstd.qcow2");
	char err[512];

	unlink(p);
	CU_ASSERT_FATAL(disk_create(p, "qcow2", MiB, NULL, NULL, err,
				    sizeof(err)) == 0);
	patch64(p, 72, 1ull << 3);
	patch32(p, 104, 0x01000000);
	CU_ASSERT(disk_open(p, NULL, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "zstd.qcow2") && strstr(err, "zlib"));
	/* the bit with compression_type 0 is plain zlib */
	patch32(p, 104, 0);
	CU_ASSERT(tdisk_open(p, NULL, false) != NULL ||
		  !"zlib with the bit set");
}

/*
 * A full host disk: the write fails with -errno in done(), the process
 * and the image live on (RLIMIT_FSIZE stands in for ENOSPC: the same
 * path, without a file system to fill).
 */
static void test_file_too_big(void)
{
	const char *p = tdisk_path("full.qcow2");
	struct rlimit old, lim;
	uint8_t *buf = malloc(CL);
	void (*oldsig)(int);
	struct disk *d = create_open("full.qcow2", 8 * MiB, NULL, NULL);
	int r;

	CU_ASSERT_FATAL(d && buf);
	tdisk_fill(buf, CL, 31, 0);
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, CL, 0), 0);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = file_size(p);
	oldsig = signal(SIGXFSZ, SIG_IGN);
	CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	/* in place still works; a new cluster does not */
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, 4096, 8192), 0);
	r = disk_pwrite(d, buf, CL, 4 * MiB);
	CU_ASSERT(r == -EFBIG || r == -ENOSPC);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	/* and the image is still usable, with the old data */
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, CL, 4 * MiB), 0);
	memset(buf, 0, CL);
	CU_ASSERT_EQUAL(disk_pread(d, buf, CL, 4 * MiB), 0);
	CU_ASSERT(tdisk_check(buf, CL, 31, 0));
	CU_ASSERT_EQUAL(disk_flush(d), 0);
	disk_close(d);
	/* the cluster that could not be written was given back */
	CU_ASSERT(qemu_check(p));
	free(buf);
}

/* Flags a writable open refuses, a read-only one accepts. */
static void test_dirty_readonly(void)
{
	const char *p = tdisk_path("dirty.qcow2");
	char err[512];
	struct disk *d;

	unlink(p);
	CU_ASSERT_FATAL(disk_create(p, "qcow2", MiB, NULL, NULL, err,
				    sizeof(err)) == 0);
	patch64(p, 72, 1);
	d = tdisk_open(p, NULL, true);
	CU_ASSERT(d != NULL);
	disk_close(d);
}

/* Tables pointing outside the file fail the request, not the process. */
static void test_bad_l2_entry(void)
{
	const char *p = tdisk_path("badl2.qcow2");
	uint8_t buf[512];
	struct disk *d = create_open("badl2.qcow2", MiB, NULL, NULL);

	CU_ASSERT_FATAL(d != NULL);
	memset(buf, 7, sizeof(buf));
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, 512, 0), 0);
	disk_close(d);
	/* the L2 table is cluster 4, the data cluster 5: point at 1 TiB */
	patch64(p, 4 * CL, (1ull << 40) | (1ull << 63));
	d = tdisk_open(p, NULL, false);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(disk_pread(d, buf, 512, 0), -EIO);
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, 512, 0), -EIO);
	disk_close(d);
	/* or at the header, the L1 or the refcount table: never written */
	patch64(p, 4 * CL, 3 * CL | (1ull << 63));
	d = tdisk_open(p, NULL, false);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, 512, 0), -EIO);
	disk_close(d);
	patch64(p, 4 * CL, 0 | (1ull << 63) | 1);	/* preallocated zero */
	patch64(p, 3 * CL, 1 * CL | (1ull << 63));	/* L2 = refcount table */
	d = tdisk_open(p, NULL, false);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, 512, 0), -EIO);
	disk_close(d);
	/* an L1 entry outside the file likewise */
	patch64(p, 3 * CL, (1ull << 40) | (1ull << 63));
	d = tdisk_open(p, NULL, true);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(disk_pread(d, buf, 512, 0), -EIO);
	disk_close(d);
}

static void test_backing_loop(void)
{
	char a[256], err[512];
	struct disk *d;

	snprintf(a, sizeof(a), "%s", tdisk_path("loopA.img"));
	unlink(a);
	CU_ASSERT_FATAL(disk_create(a, "qcow2", MiB, NULL, NULL, err,
				    sizeof(err)) == 0);
	unlink(tdisk_path("loopB.img"));
	CU_ASSERT_FATAL(disk_create(tdisk_path("loopB.img"), "qcow2", 0,
				    "loopA.img", "qcow2", err,
				    sizeof(err)) == 0);
	/* build the loop by hand: A becomes a qcow2 over B */
	unlink(tdisk_path("loopC.img"));
	CU_ASSERT_FATAL(disk_create(tdisk_path("loopC.img"), "qcow2", MiB,
				    "loopB.img", "qcow2", err,
				    sizeof(err)) == 0);
	CU_ASSERT_FATAL(rename(tdisk_path("loopC.img"), a) == 0);
	d = disk_open(tdisk_path("loopB.img"), NULL, err, sizeof(err));
	CU_ASSERT(d == NULL);
	CU_ASSERT(strstr(err, "loops") != NULL);
	CU_ASSERT(strstr(err, "loopB.img") != NULL);
	/* a missing backing file is named */
	unlink(a);
	d = disk_open(tdisk_path("loopB.img"), NULL, err, sizeof(err));
	CU_ASSERT(d == NULL);
	CU_ASSERT(strstr(err, "loopA.img") && strstr(err, "backing"));
}

/* Many requests at once: done() from the worker, in any order. */
static int ndone;
static void count_done(struct disk_req *req, int r)
{
	if (!r)
		__atomic_add_fetch(&ndone, 1, __ATOMIC_SEQ_CST);
}

static void test_async(void)
{
	enum { N = 64 };
	static struct disk_req req[N];
	static struct iovec iov[N];
	uint8_t *buf = malloc(N * 8192), *back = malloc(N * 8192);
	struct disk *d = create_open("async.qcow2", MiB, NULL, NULL);

	CU_ASSERT_FATAL(d && buf && back);
	tdisk_fill(buf, N * 8192, 4, 0);
	ndone = 0;
	for (int i = 0; i < N; i++) {
		iov[i] = (struct iovec){ buf + i * 8192, 8192 };
		req[i] = (struct disk_req){ .op = DISK_WRITE,
			.offset = i * 8192ull, .iov = &iov[i], .iovcnt = 1,
			.done = count_done };
		CU_ASSERT_EQUAL(disk_submit(d, &req[i]), 0);
	}
	disk_drain(d);
	CU_ASSERT_EQUAL(ndone, N);
	CU_ASSERT_EQUAL(disk_pread(d, back, N * 8192, 0), 0);
	CU_ASSERT(memcmp(buf, back, N * 8192) == 0);
	disk_close(d);
	free(buf);
	free(back);
}

/*
 * kill -9 after a flush: a child writes into an image, flushes, and is
 * killed without closing it; the flushed data is there and qemu-img
 * check is clean.
 */
static void test_kill_after_flush(void)
{
	const char *p = tdisk_path("kill.qcow2");
	size_t len = 4 * MiB;
	uint8_t *model = calloc(1, len);
	struct disk *d;
	pid_t pid;
	int st;

	CU_ASSERT_FATAL(model != NULL);
	d = create_open("kill.qcow2", len, NULL, NULL);
	CU_ASSERT_FATAL(d != NULL);
	disk_close(d);
	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (!pid) {
		d = tdisk_open(p, NULL, false);
		if (!d)
			_exit(1);
		random_writes(d, model, len, 200, 41);
		if (disk_flush(d))
			_exit(1);
		free(model);
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	CU_ASSERT_FATAL(waitpid(pid, &st, 0) == pid);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* the same writes, in the model */
	random_writes_model(model, len, 200, 41);
	d = tdisk_open(p, NULL, true);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT(disk_equals(d, model, len));
	disk_close(d);
	CU_ASSERT(qemu_check(p));
	free(model);
}

/*
 * Hostile images: random bytes of the metadata clusters of a written
 * image changed, 300 times.  Each open is refused with a message naming
 * the file, or reads succeed or fail with -EIO; nothing crashes (run it
 * under valgrind too, see docs/disk.md).
 */
static void test_random_corruption(void)
{
	char good[256], bad[256], err[512];
	size_t len = MiB;
	uint8_t *buf = malloc(len);
	struct disk *d;
	int refused = 0, eio = 0;

	CU_ASSERT_FATAL(buf != NULL);
	d = create_open("fz.qcow2", len, NULL, NULL);
	CU_ASSERT_FATAL(d != NULL);
	snprintf(good, sizeof(good), "%s", tdisk_path("fz.qcow2"));
	snprintf(bad, sizeof(bad), "%s", tdisk_path("fz-bad.qcow2"));
	tdisk_fill(buf, len, 3, 0);
	CU_ASSERT_EQUAL(disk_pwrite(d, buf, len, 0), 0);
	disk_close(d);
	srand(77);
	for (int i = 0; i < 300; i++) {
		struct disk_opts o = { .format = "qcow2", .readonly = i & 1 };

		CU_ASSERT_FATAL(tdisk_sh("cp '%s' '%s'", good, bad) == 0);
		for (int k = 0; k < 1 + rand() % 4; k++) {
			/* header fields, tables: clusters 0 to 4 */
			uint64_t off = i % 3 ? (uint64_t)(rand() % 112) :
				       rand() % (5 * CL);
			uint8_t v = rand();

			patch(bad, off, &v, 1);
		}
		d = disk_open(bad, &o, err, sizeof(err));
		if (!d) {
			refused++;
			CU_ASSERT(strstr(err, "fz-bad.qcow2") != NULL);
			continue;
		}
		for (uint64_t off = 0; off < len; off += 128 * KiB) {
			int r = disk_pread(d, buf, 128 * KiB, off);

			CU_ASSERT(r == 0 || r == -EIO);
			eio += r == -EIO;
			if (!o.readonly && !r)
				r = disk_pwrite(d, buf, 4096, off);
			CU_ASSERT(r == 0 || r == -EIO);
		}
		disk_close(d);
	}
	/* the changes did hit something */
	CU_ASSERT(refused > 10);
	CU_ASSERT(eio > 0);
	free(buf);
}

static CU_TestInfo tests[] = {
	{ "random corruption", test_random_corruption },
	{ "flush, then kill -9", test_kill_after_flush },
	{ "create, info, allocation", test_create_info },
	{ "random writes against a model", test_patterns },
	{ "overlay on a raw base", test_overlay_raw },
	{ "overlay on a qcow2 base", test_overlay_qcow2 },
	{ "overlay larger than its base", test_overlay_larger },
	{ "discard frees clusters", test_discard },
	{ "discard over a backing file", test_discard_backing },
	{ "corrupt headers refused", test_corrupt },
	{ "zstd refused", test_zstd_refused },
	{ "backing name inside cluster 0", test_backing_name_bounds },
	{ "write past a file size limit", test_file_too_big },
	{ "dirty image read-only", test_dirty_readonly },
	{ "bad L1/L2 entries: -EIO", test_bad_l2_entry },
	{ "backing loop refused", test_backing_loop },
	{ "async requests", test_async },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(disk_qcow2, tests, init, tdisk_cleanup);

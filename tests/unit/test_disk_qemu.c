// SPDX-License-Identifier: GPL-2.0
/*
 * qcow2 images made by QEMU's tools (qemu-utils), read and written by
 * hxen, then checked by QEMU's tools again: `qemu-img check` finds no
 * errors or leaks, `qemu-img compare` sees what hxen wrote.  Skipped,
 * with a line saying so, when qemu-img is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "disk_util.h"

#define KiB 1024ull
#define MiB (1024 * KiB)

static bool qemu;

static int init(void)
{
	qemu = tdisk_have_qemu_img();
	if (!qemu)
		fprintf(stderr, "\n  [disk_qemu] qemu-img absent (apt-get "
			"install qemu-utils): suite skipped\n");
	return tdisk_setup();
}

static bool save(const char *path, const uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fwrite(b, 1, len, f) == len;

	if (f)
		fclose(f);
	return ok;
}

static bool load(const char *path, uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok = f && fread(b, 1, len, f) == len;

	if (f)
		fclose(f);
	return ok;
}

/*
 * Compressible but not trivial: text-like runs that differ from one
 * cluster to the next, so a mixed-up cluster shows.
 */
static void fill_text(uint8_t *b, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		b[i] = 'a' + (i / 97 + i / 65536 * 7 + seed) % 26;
}

/* hxen reads the image, writes @n random ranges, and QEMU checks it. */
static void roundtrip(const char *img, uint8_t *model, size_t len, int n,
		      unsigned int seed)
{
	const char *ref = tdisk_path("ref.raw");
	uint8_t *buf = malloc(len);
	struct disk *d = tdisk_open(img, NULL, false);

	CU_ASSERT_FATAL(d && buf);
	CU_ASSERT_EQUAL(disk_pread(d, buf, len, 0), 0);
	CU_ASSERT(memcmp(buf, model, len) == 0);
	srand(seed);
	for (int i = 0; i < n; i++) {
		uint64_t off = (rand() % (len / 512)) * 512;
		uint64_t l = (1 + rand() % 300) * 512;

		if (l > len - off)
			l = len - off;
		tdisk_fill(model + off, l, seed + i, off);
		CU_ASSERT_EQUAL_FATAL(disk_pwrite(d, model + off, l, off), 0);
	}
	CU_ASSERT_EQUAL(disk_pread(d, buf, len, 0), 0);
	CU_ASSERT(memcmp(buf, model, len) == 0);
	CU_ASSERT_EQUAL(disk_flush(d), 0);
	disk_close(d);
	CU_ASSERT_FATAL(save(ref, model, len));
	CU_ASSERT_EQUAL(tdisk_sh("qemu-img check -q '%s'", img), 0);
	CU_ASSERT_EQUAL(tdisk_sh("qemu-img compare -q -F raw '%s' '%s'", img,
				 ref), 0);
	free(buf);
}

/* qemu-img create -f qcow2 @opts, hxen writes, QEMU checks. */
static void created_by_qemu(const char *opts, size_t len, int n)
{
	const char *img = tdisk_path("q.qcow2");
	uint8_t *model = calloc(1, len);

	if (!qemu)
		return;
	CU_ASSERT_FATAL(model != NULL);
	unlink(img);
	CU_ASSERT_FATAL(tdisk_sh("qemu-img create -q -f qcow2 %s '%s' %zu",
				 opts, img, len) == 0);
	roundtrip(img, model, len, n, len % 1000 + n);
	free(model);
}

static void test_default(void)
{
	created_by_qemu("", 16 * MiB, 300);
}

static void test_zlib(void)
{
	created_by_qemu("-o compression_type=zlib", 8 * MiB, 100);
}

static void test_v2(void)
{
	created_by_qemu("-o compat=0.10", 8 * MiB, 100);
}

/* 512-byte clusters: the refcount table (64 blocks, 8 MiB) must grow. */
static void test_small_clusters(void)
{
	uint8_t h[64];

	created_by_qemu("-o cluster_size=512", 12 * MiB, 3000);
	if (!qemu)
		return;
	/* the header's refcount_table_clusters (bytes 56-59) went up */
	CU_ASSERT_FATAL(load(tdisk_path("q.qcow2"), h, sizeof(h)));
	CU_ASSERT(h[56] || h[57] || h[58] || h[59] > 1);
}

static void test_refcount_bits(void)
{
	created_by_qemu("-o refcount_bits=1", 4 * MiB, 100);
	created_by_qemu("-o refcount_bits=64", 4 * MiB, 100);
	created_by_qemu("-o refcount_bits=8,cluster_size=4096", 4 * MiB, 200);
}

/* Compressed clusters (qemu-img convert -c): read, then overwritten. */
static void test_compressed(void)
{
	const char *raw = tdisk_path("text.raw"), *img = tdisk_path("c.qcow2");
	size_t len = 4 * MiB;
	uint8_t *model = malloc(len);

	if (!qemu)
		return;
	CU_ASSERT_FATAL(model != NULL);
	fill_text(model, len, 3);
	CU_ASSERT_FATAL(save(raw, model, len));
	unlink(img);
	CU_ASSERT_FATAL(tdisk_sh("qemu-img convert -c -O qcow2 -o "
				 "compression_type=zlib '%s' '%s'", raw,
				 img) == 0);
	/* really compressed: far smaller than the data */
	CU_ASSERT(tdisk_blocks(img) < len / 4);
	roundtrip(img, model, len, 80, 5);
	free(model);
}

/* A QEMU overlay on a raw base, with zero clusters written by qemu-io. */
static void test_qemu_overlay_zero(void)
{
	const char *base = tdisk_path("qbase.raw");
	const char *img = tdisk_path("qover.qcow2");
	size_t len = 2 * MiB;
	uint8_t *model = malloc(len);

	if (!qemu)
		return;
	CU_ASSERT_FATAL(model != NULL);
	tdisk_fill(model, len, 17, 0);
	CU_ASSERT_FATAL(save(base, model, len));
	unlink(img);
	CU_ASSERT_FATAL(tdisk_sh("qemu-img create -q -f qcow2 -b qbase.raw "
				 "-F raw '%s'", img) == 0);
	CU_ASSERT_FATAL(tdisk_sh("qemu-io -f qcow2 -c 'write -z 64k 128k' "
				 "-c 'write -P 0x5a 512k 4k' '%s' >/dev/null",
				 img) == 0);
	memset(model + 64 * KiB, 0, 128 * KiB);
	memset(model + 512 * KiB, 0x5a, 4 * KiB);
	roundtrip(img, model, len, 50, 9);
	/* the base is untouched */
	CU_ASSERT(load(base, model, len));
	CU_ASSERT(tdisk_check(model, len, 17, 0));
	free(model);
}

static CU_TestInfo tests[] = {
	{ "qemu-img create default", test_default },
	{ "compression_type=zlib", test_zlib },
	{ "version 2 (compat=0.10)", test_v2 },
	{ "512-byte clusters, refcount table growth", test_small_clusters },
	{ "refcount_bits 1, 8, 64", test_refcount_bits },
	{ "compressed clusters", test_compressed },
	{ "qemu overlay, zero clusters", test_qemu_overlay_zero },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(disk_qemu, tests, init, tdisk_cleanup);

// SPDX-License-Identifier: GPL-2.0
/* devices/disk_create.c: disk_create() dispatch, sizes, backing paths. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "disk_util.h"
#include "devices/disk_impl.h"
#include "tools/cfg.h"

static void test_parse_size(void)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "0", 0 }, { "512", 512 }, { "1K", 1024 },
		{ "64M", 64ull << 20 }, { "10g", 10ull << 30 },
		{ "2GiB", 2ull << 30 }, { "3GB", 3ull << 30 },
		{ "1T", 1ull << 40 },
	};
	static const char *const bad[] = {
		"", "M", "-1", "1Q", "1MX", "1.5G", " 1", "99999999999999999T",
		"184467440737095516160",
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 1;
		CU_ASSERT_EQUAL(disk_parse_size(ok[i].s, &v), 0);
		CU_ASSERT_EQUAL(v, ok[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT(disk_parse_size(bad[i], &v) < 0);
	CU_ASSERT(disk_parse_size(NULL, &v) < 0);
}

static void test_backing_path(void)
{
	static const struct { const char *o, *n, *want; } c[] = {
		{ "over.qcow2", "base.img", "base.img" },
		{ "/a/b/over.qcow2", "base.img", "/a/b/base.img" },
		{ "d/over.qcow2", "../base.img", "d/../base.img" },
		{ "/a/over.qcow2", "/abs/base.img", "/abs/base.img" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *p = disk_backing_path(c[i].o, c[i].n);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_STRING_EQUAL(p, c[i].want);
		free(p);
	}
}

static void test_create_errors(void)
{
	char err[512];

	CU_ASSERT_EQUAL(disk_create(tdisk_path("a.img"), "raw", 1 << 20,
				    "base.img", NULL, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT(strstr(err, "a.img") && strstr(err, "qcow2"));
	CU_ASSERT_EQUAL(disk_create(tdisk_path("a.img"), "vdi", 1 << 20,
				    NULL, NULL, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "vdi") != NULL);
	/* an overlay on nothing names the missing base */
	CU_ASSERT(disk_create(tdisk_path("o.qcow2"), NULL, 0, "nobase.img",
			      NULL, err, sizeof(err)) < 0);
	CU_ASSERT(strstr(err, "o.qcow2") && strstr(err, "nobase.img"));
	CU_ASSERT(disk_create(tdisk_path("z.qcow2"), "qcow2", 0, NULL, NULL,
			      err, sizeof(err)) < 0);
	CU_ASSERT(strstr(err, "size") != NULL);
	CU_ASSERT(disk_create("/nonexistent-dir/x.img", "raw", 1 << 20, NULL,
			      NULL, err, sizeof(err)) == -ENOENT);
	CU_ASSERT(strstr(err, "/nonexistent-dir/x.img") != NULL);
}

/* disk = [...] in a config: qcow2 accepted, never guessed (cfg_spec.c). */
static void test_cfg_format(void)
{
	char spec[512], err[512];
	struct json *o;

	CU_ASSERT_FATAL(disk_create(tdisk_path("cfg.qcow2"), "qcow2", 1 << 20,
				    NULL, NULL, err, sizeof(err)) == 0);
	snprintf(spec, sizeof(spec), "%s,qcow2,xvda,rw",
		 tdisk_path("cfg.qcow2"));
	o = cfg_parse_disk(spec, true, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_STRING_EQUAL(json_get_str(o, "format"), "qcow2");
	json_free(o);
	/* format=raw on a qcow2 file is the user's explicit choice */
	snprintf(spec, sizeof(spec), "format=raw, vdev=xvdb, target=%s",
		 tdisk_path("cfg.qcow2"));
	o = cfg_parse_disk(spec, true, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(o);
	json_free(o);
	/* no format: raw, so a qcow2 image is refused with the fix */
	snprintf(spec, sizeof(spec), "vdev=xvdb, target=%s",
		 tdisk_path("cfg.qcow2"));
	o = cfg_parse_disk(spec, true, err, sizeof(err));
	CU_ASSERT_PTR_NULL(o);
	json_free(o);
	CU_ASSERT(strstr(err, "cfg.qcow2") && strstr(err, "format=qcow2"));
}

static CU_TestInfo tests[] = {
	{ "config disk format", test_cfg_format },
	{ "sizes with K/M/G/T", test_parse_size },
	{ "backing file paths", test_backing_path },
	{ "create errors name the file", test_create_errors },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(disk_create, tests, tdisk_setup, tdisk_cleanup);

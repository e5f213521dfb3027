// SPDX-License-Identifier: GPL-2.0
/* hxen-monitor option parsing (monitor/options.c). */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "monitor/config.h"

static char err[256];

static int parse(struct mon_config *c, const char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	mon_config_defaults(c);
	err[0] = 0;
	return mon_options_parse(c, argc, (char **)argv, err, sizeof(err));
}

static void test_sizes(void)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "64", 64ULL << 20 }, { "4096K", 4ULL << 20 },
		{ "1G", 1ULL << 30 }, { "256m", 256ULL << 20 },
		{ "2GiB", 2ULL << 30 }, { "1T", 1ULL << 40 },
		{ "512MB", 512ULL << 20 },
	};
	static const char *const bad[] = {
		"", "M", "-1", "12Q", "1.5G", "1GG", " 1", "0x10",
	};
	uint64_t v;

	for (unsigned int i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CU_ASSERT_EQUAL(mon_parse_size(ok[i].s, &v), 0);
		CU_ASSERT_EQUAL(v, ok[i].v);
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT(mon_parse_size(bad[i], &v) < 0);
	CU_ASSERT_EQUAL(mon_parse_size("99999999999999G", &v), -ERANGE);
	CU_ASSERT_EQUAL(mon_parse_size("99999999999999999999", &v), -ERANGE);
}

static void test_parse_ok(void)
{
	const char *argv[] = { "m", "--memory", "128M", "-k", "/k.elf",
			       "--serial=file:/tmp/out", "--vcpus", "2",
			       "--name", "vm-1", "--flat", "-v", NULL };
	struct mon_config c;

	CU_ASSERT_EQUAL_FATAL(parse(&c, argv), 0);
	CU_ASSERT_EQUAL(c.memory, 128ULL << 20);
	CU_ASSERT_STRING_EQUAL(c.kernel, "/k.elf");
	CU_ASSERT_EQUAL(c.serial, MON_SERIAL_FILE);
	CU_ASSERT_STRING_EQUAL(c.serial_path, "/tmp/out");
	CU_ASSERT_EQUAL(c.vcpus, 2);
	CU_ASSERT_STRING_EQUAL(c.name, "vm-1");
	CU_ASSERT_TRUE(c.flat);
	CU_ASSERT_TRUE(c.verbose);
	CU_ASSERT_EQUAL(mon_config_check(&c, err, sizeof(err)), 0);
}

static void test_parse_errors(void)
{
	static const char *const cases[][4] = {
		{ "m", "--bogus", NULL },
		{ "m", "--memory", NULL },		/* missing value */
		{ "m", "--flat=1", NULL },		/* flag with value */
		{ "m", "--serial", "tty", NULL },
		{ "m", "--serial", "file:", NULL },
		{ "m", "--vcpus", "0", NULL },
		{ "m", "--vcpus", "3x", NULL },
		{ "m", "--vcpus", "1000", NULL },
		{ "m", "--name", "a b", NULL },
		{ "m", "--memory", "lots", NULL },
		{ "m", "stray", NULL },
	};
	struct mon_config c;

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT(parse(&c, (const char **)cases[i]) < 0);
		CU_ASSERT(err[0] != 0);
	}
}

static void test_config_check(void)
{
	const char *nokernel[] = { "m", NULL };
	const char *small[] = { "m", "-k", "x", "--memory", "1020K", NULL };
	const char *odd[] = { "m", "-k", "x", "--memory", "2049K", NULL };
	const char *huge[] = { "m", "-k", "x", "--memory", "2T", NULL };
	const char *min[] = { "m", "-k", "x", "--memory", "1M", NULL };
	struct mon_config c;

	CU_ASSERT_EQUAL(parse(&c, nokernel), 0);
	CU_ASSERT(mon_config_check(&c, err, sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--kernel"));
	CU_ASSERT_EQUAL(parse(&c, small), 0);
	CU_ASSERT(mon_config_check(&c, err, sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "impossible memory size"));
	CU_ASSERT_EQUAL(parse(&c, odd), 0);
	CU_ASSERT(mon_config_check(&c, err, sizeof(err)) < 0);
	CU_ASSERT_EQUAL(parse(&c, huge), 0);
	CU_ASSERT(mon_config_check(&c, err, sizeof(err)) < 0);
	CU_ASSERT_EQUAL(parse(&c, min), 0);
	CU_ASSERT_EQUAL(mon_config_check(&c, err, sizeof(err)), 0);
}

static int extra_seen;

static int set_extra(struct mon_config *cfg, const char *arg, char *e,
		     size_t elen)
{
	extra_seen = arg && !strcmp(arg, "val");
	return 0;
}

static const struct mon_option extra_table[] = {
	{ "unit-extra", 0, "X", "test option", set_extra },
};
static struct mon_option_set extra_set = { extra_table, 1, NULL };

static void test_registered_table(void)
{
	const char *argv[] = { "m", "--unit-extra", "val", NULL };
	struct mon_config c;

	mon_options_register(&extra_set);
	CU_ASSERT_EQUAL(parse(&c, argv), 0);
	CU_ASSERT_EQUAL(extra_seen, 1);
}

static const CU_TestInfo monopts_tests[] = {
	{ "sizes", test_sizes },
	{ "parse ok", test_parse_ok },
	{ "parse errors", test_parse_errors },
	{ "config check", test_config_check },
	{ "registered option table", test_registered_table },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(monopts, monopts_tests);

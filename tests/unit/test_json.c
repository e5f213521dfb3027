// SPDX-License-Identifier: GPL-2.0
/* tools/json.c: parser (with error positions), builders and writer. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tools/json.h"

static struct json *parse(const char *s, char *err)
{
	return json_parse(s, strlen(s), err, 128);
}

static void test_roundtrip(void)
{
	const char *in = "{\"a\":1,\"b\":[true,false,null,-7,2.5],"
			 "\"c\":{\"d\":\"x\\\"y\\\\z\\n\"},\"e\":[]}";
	char err[128];
	struct json *v = parse(in, err);
	char *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	out = json_to_string(v, false);
	CU_ASSERT_STRING_EQUAL(out, in);
	free(out);
	CU_ASSERT_EQUAL(json_get(v, "a")->type, JSON_INT);
	CU_ASSERT_EQUAL(json_get(v, "b")->kids.tail->type, JSON_REAL);
	CU_ASSERT_STRING_EQUAL(json_get_str(json_get(v, "c"), "d"),
			       "x\"y\\z\n");
	CU_ASSERT_EQUAL(json_len(json_get(v, "b")), 5);
	CU_ASSERT_EQUAL(json_len(json_get(v, "e")), 0);
	json_free(v);
}

static void test_unicode(void)
{
	char err[128];
	struct json *v = parse("[\"\\u00e9\\ud83d\\ude00\\u0041\"]", err);
	char *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(v->kids.head->s, "\xc3\xa9\xf0\x9f\x98\x80" "A");
	json_free(v);
	/* control characters are escaped on output */
	v = json_str("a\x01" "b\tc");
	out = json_to_string(v, false);
	CU_ASSERT_STRING_EQUAL(out, "\"a\\u0001b\\tc\"");
	free(out);
	json_free(v);
}

/* Each malformed input fails with the right line:column. */
static void test_errors(void)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{ "", "1:1: unexpected end of input" },
		{ "{\"a\" 1}", "1:6: expected ':'" },
		{ "[1,]", "1:4: bad number" },
		{ "[1 2]", "1:4: expected ',' or ']'" },
		{ "{\"a\":1,}", "1:8: expected a member name in quotes" },
		{ "\"abc", "1:5: unterminated string" },
		{ "\"a\\qb\"", "1:3: bad escape '\\q'" },
		{ "\"\\ud800x\"", "1:8: unpaired surrogate" },
		{ "\"\\u0000\"", "1:8: NUL in string" },
		{ "tru", "1:1: unexpected word" },
		{ "1 2", "1:3: trailing characters after the value" },
		{ "{\n  \"a\": [\n    1,\n    x\n  ]\n}", "4:5: bad number" },
		{ "99999999999999999999", "1:1: number out of range" },
		{ "\"a\nb\"", "1:3: control character in string" },
	};
	char err[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json *v = parse(cases[i].in, err);

		CU_ASSERT_PTR_NULL(v);
		json_free(v);
		if (strcmp(err, cases[i].msg))
			fprintf(stderr, "\n  json case %zu: got '%s', want '%s'",
				i, err, cases[i].msg);
		CU_ASSERT_STRING_EQUAL(err, cases[i].msg);
	}
}

static void test_limits(void)
{
	char deep[300], err[128];
	struct json *v;

	memset(deep, '[', 200);
	deep[200] = 0;
	v = parse(deep, err);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nesting deeper than 64"));
	/* a NUL inside the given length is refused */
	v = json_parse("[1]\0[2]", 7, err, sizeof(err));
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_STRING_EQUAL(err, "1:4: NUL byte in input");
	/* an error message that does not fit is truncated, not overflowed */
	v = json_parse("[1 2]", 5, err, 4);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(strlen(err), 3);
}

static void test_positions(void)
{
	char err[128];
	struct json *v = parse("{\n \"a\": 1,\n   \"b\": [\"x\"]\n}", err);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(json_get(v, "a")->line, 2);
	CU_ASSERT_EQUAL(json_get(v, "a")->col, 7);
	CU_ASSERT_EQUAL(json_get(v, "b")->kids.head->line, 3);
	CU_ASSERT_EQUAL(json_get(v, "b")->kids.head->col, 10);
	json_free(v);
}

static void test_builders(void)
{
	struct json *o = json_new(JSON_OBJ), *d;
	char *s;
	int64_t i = 0;

	json_set(o, "x", json_int(1));
	json_set(o, "y", json_str("s"));
	json_set(o, "z", json_bool(true));
	json_set(o, "x", json_int(2));	/* replaced in place */
	s = json_to_string(o, false);
	CU_ASSERT_STRING_EQUAL(s, "{\"x\":2,\"y\":\"s\",\"z\":true}");
	free(s);
	json_del(o, "z");
	json_del(o, "nope");
	json_set(o, "w", json_new(JSON_NULL));	/* tail still right */
	d = json_dup(o);
	json_free(o);
	s = json_to_string(d, true);
	CU_ASSERT_STRING_EQUAL(s, "{\n  \"x\": 2,\n  \"y\": \"s\",\n  \"w\": null\n}");
	free(s);
	CU_ASSERT_TRUE(json_get_int(d, "x", &i));
	CU_ASSERT_EQUAL(i, 2);
	CU_ASSERT_FALSE(json_get_int(d, "y", &i));
	CU_ASSERT_PTR_NULL(json_get_str(d, "x"));
	CU_ASSERT_TRUE(json_get_bool(d, "missing", true));
	CU_ASSERT_PTR_NULL(json_get(NULL, "x"));
	json_free(d);
}

static void test_duplicates(void)
{
	char err[128];
	struct json *v = parse("{\"a\":1,\"a\":2}", err);
	int64_t i = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(json_len(v), 1);
	json_get_int(v, "a", &i);
	CU_ASSERT_EQUAL(i, 2);
	json_free(v);
}

static const CU_TestInfo json_tests[] = {
	{ "round trip", test_roundtrip },
	{ "unicode escapes", test_unicode },
	{ "errors with positions", test_errors },
	{ "depth, NUL and buffer limits", test_limits },
	{ "value positions", test_positions },
	{ "builders and accessors", test_builders },
	{ "duplicate members: last wins", test_duplicates },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(json, json_tests);

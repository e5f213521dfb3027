// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal JSON (RFC 8259) parser and writer; see json.h for why it is
 * hand-written.  The parser is strict (no trailing commas, no comments),
 * bounds nesting, and rejects NUL in strings, so control-socket requests
 * from another process cannot make it recurse or allocate without limit
 * beyond the size of the input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "json.h"

#define JSON_MAX_DEPTH	64

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p) {
		fputs("hxen: out of memory\n", stderr);
		abort();
	}
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	return p;
}

/* ---------------------------------------------------------------- */
/* Builders                                                          */
/* ---------------------------------------------------------------- */

struct json *json_new(enum json_type t)
{
	struct json *v = xmalloc(sizeof(*v));

	v->type = t;
	return v;
}

struct json *json_str(const char *s)
{
	struct json *v = json_new(JSON_STR);

	v->s = xstrndup(s, strlen(s));
	return v;
}

struct json *json_int(int64_t i)
{
	struct json *v = json_new(JSON_INT);

	v->i = i;
	return v;
}

struct json *json_bool(bool b)
{
	struct json *v = json_new(JSON_BOOL);

	v->b = b;
	return v;
}

void json_free(struct json *v)
{
	while (v) {
		struct json *next = v->next;

		if (v->type == JSON_STR)
			free(v->s);
		else if (v->type == JSON_ARR || v->type == JSON_OBJ)
			json_free(v->kids.head);
		free(v->key);
		free(v);
		v = next;
	}
}

struct json *json_dup(const struct json *v)
{
	struct json *c = json_new(v->type);

	c->line = v->line;
	c->col = v->col;
	switch (v->type) {
	case JSON_STR:
		c->s = xstrndup(v->s, strlen(v->s));
		break;
	case JSON_ARR:
	case JSON_OBJ:
		json_for_each(k, v) {
			struct json *d = json_dup(k);

			if (k->key)
				d->key = xstrndup(k->key, strlen(k->key));
			json_push(c, d);
		}
		break;
	default:
		c->i = v->i;	/* 8 bytes: covers b, i and d alike */
		break;
	}
	return c;
}

struct json *json_push(struct json *arr, struct json *v)
{
	v->next = NULL;
	if (arr->kids.tail)
		arr->kids.tail->next = v;
	else
		arr->kids.head = v;
	arr->kids.tail = v;
	return v;
}

struct json *json_set(struct json *obj, const char *key, struct json *v)
{
	struct json **pp;

	free(v->key);
	v->key = xstrndup(key, strlen(key));
	for (pp = &obj->kids.head; *pp; pp = &(*pp)->next) {
		struct json *old = *pp;

		if (strcmp(old->key, key))
			continue;
		/* replace in place, keeping member order stable */
		v->next = old->next;
		*pp = v;
		if (obj->kids.tail == old)
			obj->kids.tail = v;
		old->next = NULL;
		json_free(old);
		return v;
	}
	return json_push(obj, v);
}

void json_del(struct json *obj, const char *key)
{
	struct json **pp, *prev = NULL;

	for (pp = &obj->kids.head; *pp; prev = *pp, pp = &(*pp)->next) {
		struct json *old = *pp;

		if (strcmp(old->key, key))
			continue;
		*pp = old->next;
		if (obj->kids.tail == old)
			obj->kids.tail = prev;
		old->next = NULL;
		json_free(old);
		return;
	}
}

/* ---------------------------------------------------------------- */
/* Accessors                                                         */
/* ---------------------------------------------------------------- */

struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJ)
		return NULL;
	json_for_each(k, obj)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

const char *json_get_str(const struct json *obj, const char *key)
{
	struct json *v = json_get(obj, key);

	return v && v->type == JSON_STR ? v->s : NULL;
}

bool json_get_int(const struct json *obj, const char *key, int64_t *out)
{
	struct json *v = json_get(obj, key);

	if (!v || v->type != JSON_INT)
		return false;
	*out = v->i;
	return true;
}

bool json_get_bool(const struct json *obj, const char *key, bool dflt)
{
	struct json *v = json_get(obj, key);

	return v && v->type == JSON_BOOL ? v->b : dflt;
}

size_t json_len(const struct json *v)
{
	size_t n = 0;

	if (v->type == JSON_ARR || v->type == JSON_OBJ)
		json_for_each(k, v)
			n++;
	return n;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = {
		[JSON_NULL] = "null", [JSON_BOOL] = "boolean",
		[JSON_INT] = "integer", [JSON_REAL] = "number",
		[JSON_STR] = "string", [JSON_ARR] = "list",
		[JSON_OBJ] = "object",
	};

	return t <= JSON_OBJ ? names[t] : "?";
}

/* ---------------------------------------------------------------- */
/* Parser                                                            */
/* ---------------------------------------------------------------- */

struct jp {
	const char *s, *end, *line_start;
	int line;
	char *err;
	size_t errlen;
	bool failed;
};

static int jp_col(const struct jp *p)
{
	return (int)(p->s - p->line_start) + 1;
}

static void jp_fail(struct jp *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = true;
	n = snprintf(p->err, p->errlen, "%d:%d: ", p->line, jp_col(p));
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
}

static void jp_ws(struct jp *p)
{
	while (p->s < p->end) {
		if (*p->s == '\n') {
			p->line++;
			p->line_start = p->s + 1;
		} else if (*p->s != ' ' && *p->s != '\t' && *p->s != '\r') {
			break;
		}
		p->s++;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void put_utf8(struct jbuf *b, unsigned int cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | cp >> 6;
		u[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | cp >> 12;
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		u[0] = 0xf0 | cp >> 18;
		u[1] = 0x80 | ((cp >> 12) & 0x3f);
		u[2] = 0x80 | ((cp >> 6) & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	jbuf_add(b, u, n);
}

static int jp_hex4(struct jp *p, unsigned int *cp)
{
	*cp = 0;
	if (p->end - p->s < 4) {
		jp_fail(p, "truncated \\u escape");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		int h = hexval(p->s[i]);

		if (h < 0) {
			jp_fail(p, "bad \\u escape");
			return -1;
		}
		*cp = *cp << 4 | h;
	}
	p->s += 4;
	return 0;
}

/* At the opening quote; returns a malloc'd string or NULL. */
static char *jp_string(struct jp *p)
{
	struct jbuf b = { 0 };

	p->s++;
	while (p->s < p->end && *p->s != '"') {
		unsigned char c = *p->s;
		unsigned int cp;

		if (c < 0x20) {
			jp_fail(p, "control character in string");
			goto fail;
		}
		if (c != '\\') {
			jbuf_add(&b, p->s++, 1);
			continue;
		}
		if (++p->s >= p->end)
			break;
		c = *p->s++;
		switch (c) {
		case '"': case '\\': case '/':
			jbuf_add(&b, (char *)&c, 1);
			break;
		case 'b': jbuf_add(&b, "\b", 1); break;
		case 'f': jbuf_add(&b, "\f", 1); break;
		case 'n': jbuf_add(&b, "\n", 1); break;
		case 'r': jbuf_add(&b, "\r", 1); break;
		case 't': jbuf_add(&b, "\t", 1); break;
		case 'u':
			if (jp_hex4(p, &cp))
				goto fail;
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned int lo;

				if (p->end - p->s < 2 || p->s[0] != '\\' ||
				    p->s[1] != 'u') {
					jp_fail(p, "unpaired surrogate");
					goto fail;
				}
				p->s += 2;
				if (jp_hex4(p, &lo))
					goto fail;
				if (lo < 0xdc00 || lo > 0xdfff) {
					jp_fail(p, "unpaired surrogate");
					goto fail;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			if (cp == 0) {
				jp_fail(p, "NUL in string");
				goto fail;
			}
			put_utf8(&b, cp);
			break;
		default:
			p->s -= 2;	/* point at the backslash */
			jp_fail(p, "bad escape '\\%c'", c);
			goto fail;
		}
	}
	if (p->s >= p->end) {
		jp_fail(p, "unterminated string");
		goto fail;
	}
	p->s++;
	if (!b.p)
		return xstrndup("", 0);
	return b.p;
fail:
	jbuf_free(&b);
	return NULL;
}

static struct json *jp_number(struct jp *p)
{
	const char *start = p->s;
	bool real = false;
	char tmp[64];
	char *end;
	struct json *v;

	if (p->s < p->end && *p->s == '-')
		p->s++;
	if (p->s >= p->end || *p->s < '0' || *p->s > '9') {
		jp_fail(p, "bad number");
		return NULL;
	}
	while (p->s < p->end && strchr("0123456789.eE+-", *p->s)) {
		if (strchr(".eE", *p->s))
			real = true;
		p->s++;
	}
	if ((size_t)(p->s - start) >= sizeof(tmp)) {
		p->s = start;
		jp_fail(p, "number too long");
		return NULL;
	}
	memcpy(tmp, start, p->s - start);
	tmp[p->s - start] = 0;
	errno = 0;
	v = json_new(real ? JSON_REAL : JSON_INT);
	if (real)
		v->d = strtod(tmp, &end);
	else
		v->i = strtoll(tmp, &end, 10);
	if (*end || errno) {
		p->s = start;
		jp_fail(p, errno ? "number out of range" : "bad number");
		json_free(v);
		return NULL;
	}
	return v;
}

static struct json *jp_value(struct jp *p, int depth);

static struct json *jp_container(struct jp *p, int depth, bool obj)
{
	struct json *v = json_new(obj ? JSON_OBJ : JSON_ARR);
	char close = obj ? '}' : ']';

	if (depth >= JSON_MAX_DEPTH) {
		jp_fail(p, "nesting deeper than %d", JSON_MAX_DEPTH);
		goto fail;
	}
	p->s++;
	jp_ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct json *k;

		jp_ws(p);
		if (obj) {
			if (p->s >= p->end || *p->s != '"') {
				jp_fail(p, "expected a member name in quotes");
				goto fail;
			}
			key = jp_string(p);
			if (!key)
				goto fail;
			jp_ws(p);
			if (p->s >= p->end || *p->s != ':') {
				free(key);
				jp_fail(p, "expected ':'");
				goto fail;
			}
			p->s++;
		}
		k = jp_value(p, depth + 1);
		if (!k) {
			free(key);
			goto fail;
		}
		if (obj) {
			json_set(v, key, k);	/* last duplicate wins */
			free(key);
		} else {
			json_push(v, k);
		}
		jp_ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			return v;
		}
		jp_fail(p, "expected ',' or '%c'", close);
		goto fail;
	}
fail:
	json_free(v);
	return NULL;
}

static bool jp_word(struct jp *p, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n))
		return false;
	p->s += n;
	return true;
}

static struct json *jp_value(struct jp *p, int depth)
{
	struct json *v = NULL;
	int line, col;

	jp_ws(p);
	line = p->line;
	col = jp_col(p);
	if (p->s >= p->end) {
		jp_fail(p, "unexpected end of input");
		return NULL;
	}
	switch (*p->s) {
	case '{':
	case '[':
		v = jp_container(p, depth, *p->s == '{');
		break;
	case '"': {
		char *s = jp_string(p);

		if (s) {
			v = json_new(JSON_STR);
			v->s = s;
		}
		break;
	}
	case 't': case 'f': case 'n':
		if (jp_word(p, "true"))
			v = json_bool(true);
		else if (jp_word(p, "false"))
			v = json_bool(false);
		else if (jp_word(p, "null"))
			v = json_new(JSON_NULL);
		else
			jp_fail(p, "unexpected word");
		break;
	default:
		v = jp_number(p);
		break;
	}
	if (v) {
		v->line = line;
		v->col = col;
	}
	return v;
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct jp p = {
		.s = text, .end = text + len, .line_start = text, .line = 1,
		.err = err, .errlen = errlen,
	};
	struct json *v;

	if (errlen)
		err[0] = 0;
	if (memchr(text, 0, len)) {
		p.s = memchr(text, 0, len);
		jp_fail(&p, "NUL byte in input");
		return NULL;
	}
	v = jp_value(&p, 0);
	if (!v)
		return NULL;
	jp_ws(&p);
	if (p.s != p.end) {
		jp_fail(&p, "trailing characters after the value");
		json_free(v);
		return NULL;
	}
	return v;
}

/* ---------------------------------------------------------------- */
/* Writer                                                            */
/* ---------------------------------------------------------------- */

void jbuf_add(struct jbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			fputs("hxen: out of memory\n", stderr);
			abort();
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void jbuf_printf(struct jbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		jbuf_add(b, tmp, n);
		return;
	}
	{
		char *big = xmalloc(n + 1);

		va_start(ap, fmt);
		vsnprintf(big, n + 1, fmt, ap);
		va_end(ap);
		jbuf_add(b, big, n);
		free(big);
	}
}

void jbuf_free(struct jbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static void write_str(struct jbuf *b, const char *s)
{
	jbuf_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', c };

			jbuf_add(b, e, 2);
		} else if (c == '\n') {
			jbuf_add(b, "\\n", 2);
		} else if (c == '\t') {
			jbuf_add(b, "\\t", 2);
		} else if (c < 0x20 || c == 0x7f) {
			jbuf_printf(b, "\\u%04x", c);
		} else {
			jbuf_add(b, (const char *)&c, 1);
		}
	}
	jbuf_add(b, "\"", 1);
}

static void indent(struct jbuf *b, bool pretty, int depth)
{
	if (!pretty)
		return;
	jbuf_add(b, "\n", 1);
	for (int i = 0; i < depth; i++)
		jbuf_add(b, "  ", 2);
}

static void write_val(struct jbuf *b, const struct json *v, bool pretty,
		      int depth)
{
	bool obj = v->type == JSON_OBJ;

	switch (v->type) {
	case JSON_NULL:
		jbuf_add(b, "null", 4);
		return;
	case JSON_BOOL:
		jbuf_printf(b, "%s", v->b ? "true" : "false");
		return;
	case JSON_INT:
		jbuf_printf(b, "%lld", (long long)v->i);
		return;
	case JSON_REAL:
		jbuf_printf(b, "%.17g", v->d);
		return;
	case JSON_STR:
		write_str(b, v->s);
		return;
	case JSON_ARR:
	case JSON_OBJ:
		break;
	}
	jbuf_add(b, obj ? "{" : "[", 1);
	json_for_each(k, v) {
		indent(b, pretty, depth + 1);
		if (obj) {
			write_str(b, k->key);
			jbuf_add(b, pretty ? ": " : ":", pretty ? 2 : 1);
		}
		write_val(b, k, pretty, depth + 1);
		if (k->next)
			jbuf_add(b, ",", 1);
	}
	if (v->kids.head)
		indent(b, pretty, depth);
	jbuf_add(b, obj ? "}" : "]", 1);
}

void json_write(struct jbuf *b, const struct json *v, bool pretty)
{
	write_val(b, v, pretty, 0);
}

char *json_to_string(const struct json *v, bool pretty)
{
	struct jbuf b = { 0 };

	json_write(&b, v, pretty);
	return b.p;
}

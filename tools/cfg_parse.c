// SPDX-License-Identifier: GPL-2.0
/*
 * xl.cfg syntax reader (the subset hxen documents in hxen.cfg(5)):
 *
 *   file  := { [ KEY "=" value ] [ "#" comment ] ( NEWLINE | ";" ) }
 *   value := STRING | NUMBER [ K|M|G|T ] | "[" [ value { "," value } [","] ] "]"
 *   STRING: "..." or '...' with \\ \" \' \n \t escapes, on one line
 *   NUMBER: decimal or 0x hex, optionally negative
 *
 * Lists may span lines and hold comments.  A number with a size suffix
 * (an hxen extension; xl has none) is kept as the string "512M" so the
 * key's own unit rules apply in cfg_validate().
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"

#define CFG_MAX_FILE	(1 << 20)	/* a VM config is a few hundred bytes */
#define CFG_MAX_DEPTH	8

struct cur {
	const char *s, *end, *line_start;
	int line;
	const char *file;
	char *err;
	size_t errlen;
	bool failed;
};

static int col(const struct cur *c, const char *at)
{
	return (int)(at - c->line_start) + 1;
}

static void fail_at(struct cur *c, const char *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->failed)
		return;
	c->failed = true;
	n = snprintf(c->err, c->errlen, "%s:%d:%d: ",
		     c->file ? c->file : "<config>", c->line, col(c, at));
	if (n < 0 || (size_t)n >= c->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
}

/* Skip blanks and comments; inside lists also newlines. */
static void skip(struct cur *c, bool newlines)
{
	while (c->s < c->end) {
		if (*c->s == '#') {
			while (c->s < c->end && *c->s != '\n')
				c->s++;
		} else if (*c->s == '\n' && newlines) {
			c->s++;
			c->line++;
			c->line_start = c->s;
		} else if (*c->s == ' ' || *c->s == '\t' || *c->s == '\r') {
			c->s++;
		} else {
			break;
		}
	}
}

static struct json *mkval(struct cur *c, struct json *v, const char *at)
{
	v->line = c->line;
	v->col = col(c, at);
	return v;
}

static struct json *read_string(struct cur *c)
{
	const char *start = c->s;
	char q = *c->s++;
	struct jbuf b = { 0 };

	jbuf_add(&b, "", 0);
	while (c->s < c->end && *c->s != q && *c->s != '\n') {
		char ch = *c->s++;

		if (ch == '\\' && c->s < c->end && *c->s != '\n') {
			const char *esc = c->s - 1;

			ch = *c->s++;
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case '\\': case '"': case '\'': break;
			default:
				fail_at(c, esc, "unknown escape '\\%c' in string "
					"(use \\\\ for a backslash)", ch);
				jbuf_free(&b);
				return NULL;
			}
		}
		if (!ch) {
			fail_at(c, c->s - 1, "NUL byte in string");
			jbuf_free(&b);
			return NULL;
		}
		jbuf_add(&b, &ch, 1);
	}
	if (c->s >= c->end || *c->s != q) {
		fail_at(c, start, "unterminated string (missing closing %c)", q);
		jbuf_free(&b);
		return NULL;
	}
	c->s++;
	{
		struct json *v = json_new(JSON_STR);

		v->s = b.p;
		return mkval(c, v, start);
	}
}

static struct json *read_number(struct cur *c)
{
	const char *start = c->s;
	char *end;
	long long n;
	int base = 10;
	const char *digits = c->s;

	if (*digits == '-')
		digits++;
	if (digits[0] == '0' && digits + 1 < c->end &&
	    (digits[1] == 'x' || digits[1] == 'X'))
		base = 16;
	errno = 0;
	n = strtoll(c->s, &end, base);
	if (end > c->end)
		end = (char *)c->end;
	if (end == c->s || errno) {
		fail_at(c, start, errno ? "number out of range" : "bad number");
		return NULL;
	}
	c->s = end;
	/* size suffix: kept as text for the key's unit rules */
	if (base == 10 && c->s < c->end && strchr("kKmMgGtT", *c->s)) {
		char tmp[40];
		int len = (int)(c->s + 1 - start);

		c->s++;
		if (c->s < c->end && (*c->s == 'b' || *c->s == 'B') &&
		    start[0] != '-') {
			c->s++;
			len++;
		}
		if (len >= (int)sizeof(tmp)) {
			fail_at(c, start, "number too long");
			return NULL;
		}
		memcpy(tmp, start, len);
		tmp[len] = 0;
		if (c->s < c->end && (isalnum((unsigned char)*c->s) || *c->s == '_'))
			goto bad_tail;
		return mkval(c, json_str(tmp), start);
	}
	if (c->s < c->end && (isalnum((unsigned char)*c->s) || *c->s == '_' ||
			      *c->s == '.'))
		goto bad_tail;
	return mkval(c, json_int(n), start);
bad_tail:
	fail_at(c, start, "bad number (strings need quotes; sizes take one "
		"suffix K, M, G or T)");
	return NULL;
}

static struct json *read_value(struct cur *c, int depth);

static struct json *read_list(struct cur *c, int depth)
{
	const char *start = c->s, *line_start = c->line_start;
	struct json *l = mkval(c, json_new(JSON_ARR), start);
	int line = c->line;

	if (depth >= CFG_MAX_DEPTH) {
		fail_at(c, start, "lists nested deeper than %d", CFG_MAX_DEPTH);
		goto fail;
	}
	c->s++;
	for (;;) {
		struct json *v;

		skip(c, true);
		if (c->s < c->end && *c->s == ']') {
			c->s++;
			return l;
		}
		v = read_value(c, depth + 1);
		if (!v)
			goto fail;
		json_push(l, v);
		skip(c, true);
		if (c->s < c->end && *c->s == ',') {
			c->s++;
			continue;
		}
		if (c->s < c->end && *c->s == ']')
			continue;
		if (c->s >= c->end) {
			/* report where the list opened */
			c->line = line;
			c->line_start = line_start;
			fail_at(c, start, "unterminated list (missing ']')");
		} else
			fail_at(c, c->s, "expected ',' or ']' in list");
		goto fail;
	}
fail:
	json_free(l);
	return NULL;
}

static struct json *read_value(struct cur *c, int depth)
{
	if (c->s >= c->end || *c->s == '\n' || *c->s == ';') {
		fail_at(c, c->s, "expected a value (a \"string\", a number or "
			"a [list])");
		return NULL;
	}
	switch (*c->s) {
	case '"':
	case '\'':
		return read_string(c);
	case '[':
		return read_list(c, depth);
	default:
		if (isdigit((unsigned char)*c->s) ||
		    (*c->s == '-' && c->s + 1 < c->end &&
		     isdigit((unsigned char)c->s[1])))
			return read_number(c);
		fail_at(c, c->s, "expected a value (a \"string\", a number or "
			"a [list]); strings need quotes");
		return NULL;
	}
}

static bool key_char(char ch, bool first)
{
	return isalpha((unsigned char)ch) || ch == '_' ||
	       (!first && isdigit((unsigned char)ch));
}

static int read_stmt(struct cur *c, struct json *tree)
{
	const char *kstart = c->s;
	const struct cfg_key *k;
	struct json *v, *old;
	char key[64];
	size_t klen;

	while (c->s < c->end && key_char(*c->s, c->s == kstart))
		c->s++;
	klen = c->s - kstart;
	if (!klen) {
		fail_at(c, kstart, "expected a key name");
		return -1;
	}
	if (klen >= sizeof(key)) {
		fail_at(c, kstart, "key name too long");
		return -1;
	}
	memcpy(key, kstart, klen);
	key[klen] = 0;
	k = cfg_key_find(key);
	if (!k) {
		const char *sug = cfg_key_suggest(key);

		if (sug)
			fail_at(c, kstart, "unknown key '%s' (did you mean '%s'?)",
				key, sug);
		else
			fail_at(c, kstart, "unknown key '%s' (see hxen.cfg(5) "
				"for the keys hxen knows)", key);
		return -1;
	}
	skip(c, false);
	if (c->s >= c->end || *c->s != '=') {
		fail_at(c, c->s, "expected '=' after key '%s'", key);
		return -1;
	}
	c->s++;
	skip(c, false);
	v = read_value(c, 0);
	if (!v)
		return -1;
	old = json_get(tree, key);
	if (old) {
		int l = old->line, cl = old->col;

		json_free(v);
		/* report at the key of the second assignment */
		fail_at(c, kstart, "key '%s' set twice (first at line %d, "
			"column %d)", key, l, cl);
		return -1;
	}
	json_set(tree, key, v);
	return 0;
}

struct json *cfg_parse(const struct cfg_src *src, const char *text,
		       size_t len, char *err, size_t errlen)
{
	struct cur c = {
		.s = text, .end = text + len, .line_start = text, .line = 1,
		.file = src ? src->file : NULL, .err = err, .errlen = errlen,
	};
	struct json *tree = json_new(JSON_OBJ);

	if (errlen)
		err[0] = 0;
	for (;;) {
		skip(&c, false);
		if (c.s >= c.end)
			return tree;
		if (*c.s == '\n' || *c.s == ';') {
			if (*c.s == '\n') {
				c.line++;
				c.line_start = c.s + 1;
			}
			c.s++;
			continue;
		}
		if (!key_char(*c.s, true)) {
			fail_at(&c, c.s, "expected a key name, found '%c'",
				isprint((unsigned char)*c.s) ? *c.s : '?');
			break;
		}
		if (read_stmt(&c, tree))
			break;
		skip(&c, false);
		if (c.s < c.end && *c.s != '\n' && *c.s != ';') {
			fail_at(&c, c.s, "expected end of line after the value "
				"(one key = value per line, or ';')");
			break;
		}
	}
	json_free(tree);
	return NULL;
}

struct json *cfg_parse_file(const char *path, char *err, size_t errlen)
{
	struct cfg_src src = { .file = path };
	struct json *tree = NULL;
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open config file: %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > CFG_MAX_FILE) {
		snprintf(err, errlen, "%s: not a regular file of at most %d "
			 "bytes", path, CFG_MAX_FILE);
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return NULL;
	}
	n = read(fd, buf, st.st_size);
	close(fd);
	if (n != st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
	} else {
		buf[n] = 0;
		tree = cfg_parse(&src, buf, n, err, errlen);
	}
	free(buf);
	return tree;
}

int cfg_override(struct json *tree, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	char key[64];
	size_t klen;
	struct json *v;
	struct cur c;

	if (!eq || eq == kv) {
		snprintf(err, errlen, "override '%s': expected key=value", kv);
		return -1;
	}
	klen = eq - kv;
	while (klen && (kv[klen - 1] == ' '))
		klen--;
	if (klen >= sizeof(key)) {
		snprintf(err, errlen, "override '%s': key name too long", kv);
		return -1;
	}
	memcpy(key, kv, klen);
	key[klen] = 0;
	for (size_t i = 0; i < klen; i++) {
		if (!key_char(key[i], i == 0)) {
			snprintf(err, errlen, "override '%s': bad key name", kv);
			return -1;
		}
	}
	if (!cfg_key_find(key)) {
		const char *sug = cfg_key_suggest(key);

		snprintf(err, errlen, "override '%s': unknown key '%s'%s%s%s",
			 kv, key, sug ? " (did you mean '" : "",
			 sug ? sug : "", sug ? "'?)" : "");
		return -1;
	}
	/* try config syntax first, then take the rest as a bare string */
	memset(&c, 0, sizeof(c));
	c.s = eq + 1;
	c.end = c.s + strlen(c.s);
	c.line_start = c.s;
	c.line = 1;
	c.err = err;
	c.errlen = errlen;
	skip(&c, false);
	v = read_value(&c, 0);
	if (v) {
		skip(&c, false);
		if (c.s != c.end) {
			json_free(v);
			v = NULL;
		}
	}
	if (!v)
		v = json_str(eq + 1);
	if (errlen)
		err[0] = 0;
	/* line 0 marks "from the command line" for later messages */
	v->line = 0;
	v->col = 0;
	if (v->type == JSON_ARR)
		json_for_each(e, v)
			e->line = e->col = 0;
	json_set(tree, key, v);
	return 0;
}

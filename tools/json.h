/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON tree: parser, builders and writer.  Shared by the hxen
 * command line (config trees, --json output, control-socket client) and
 * by the monitor's control socket server (monitor/ctl.c).
 *
 * Why hand-written rather than libjansson/json-c: the control protocol
 * and the config tree need one value type that also carries the source
 * position (file:line:column) of every config value, so that validation
 * errors found after parsing can still point at the file.  That is ~500
 * lines here; wrapping a library's opaque values with positions would not
 * be shorter.  Numbers are integers (int64) or doubles; strings are UTF-8
 * byte strings without embedded NUL.
 */
#ifndef HXEN_TOOLS_JSON_H
#define HXEN_TOOLS_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_INT,
	JSON_REAL,
	JSON_STR,
	JSON_ARR,
	JSON_OBJ,
};

struct json {
	enum json_type type;
	char *key;		/* member name when inside an object */
	struct json *next;	/* next element / member */
	int line, col;		/* source position, 0 if none */
	union {
		bool b;
		int64_t i;
		double d;
		char *s;
		struct {
			struct json *head, *tail;
		} kids;		/* ARR, OBJ */
	};
};

/* Growable output buffer (always NUL-terminated when len > 0). */
struct jbuf {
	char *p;
	size_t len, cap;
};

/* Parsing: returns NULL and a message "line:col: what" in err on failure. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *v);

/* Builders; all abort on out-of-memory (this is CLI/monitor control code). */
struct json *json_new(enum json_type t);
struct json *json_str(const char *s);
struct json *json_int(int64_t i);
struct json *json_bool(bool b);
struct json *json_dup(const struct json *v);
/* Append to an array, or set member @key of an object (replacing any). */
struct json *json_push(struct json *arr, struct json *v);
struct json *json_set(struct json *obj, const char *key, struct json *v);
void json_del(struct json *obj, const char *key);

/* Accessors: NULL / defaults when missing or of another type. */
struct json *json_get(const struct json *obj, const char *key);
const char *json_get_str(const struct json *obj, const char *key);
bool json_get_int(const struct json *obj, const char *key, int64_t *out);
bool json_get_bool(const struct json *obj, const char *key, bool dflt);
size_t json_len(const struct json *v);	/* elements or members */

/* Writing: compact (one line) or indented by two spaces. */
void json_write(struct jbuf *b, const struct json *v, bool pretty);
char *json_to_string(const struct json *v, bool pretty);	/* malloc'd */
void jbuf_add(struct jbuf *b, const char *s, size_t n);
void jbuf_printf(struct jbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void jbuf_free(struct jbuf *b);

const char *json_type_name(enum json_type t);

#define json_for_each(pos, parent) \
	for (struct json *pos = (parent)->kids.head; pos; pos = pos->next)

#endif /* HXEN_TOOLS_JSON_H */

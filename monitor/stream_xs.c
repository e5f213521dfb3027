// SPDX-License-Identifier: GPL-2.0
/*
 * Layout check of the XENSTORE record (monitor/stream_xs.h).  Layout, all
 * little endian, strings without NUL:
 *
 *   u32 version (1), u64 tree generation, tree
 *   tree  := u32 nnodes, nnodes × node (pre-order, the root "/" first)
 *   node  := u32 path_len, u32 value_len, u32 nperms, u64 gen,
 *            path, value, nperms × (u16 domid, u8 mode, u8 0)
 *   u32 nwatches × (u32 path_len, u32 token_len, u32 relative, path, token)
 *   u32 next_txid, u32 ntxns × txn
 *   txn   := u32 id, u64 snapshot generation, tree,
 *            u32 nacc × (u32 path_len, u32 exists, u64 gen, path),
 *            u32 nops × (u32 kind, u32 path_len, u32 value_len, u32 nperms,
 *                        path, value, perms)
 *   u32 in_len, in bytes (a request not complete yet)
 *   u32 out_len, out bytes (replies and events not yet in the ring)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/stream_xs.h"

void hxs_put(struct hxs_buf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		void *q;

		while (cap < b->len + n)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void hxs_put32(struct hxs_buf *b, uint32_t v)
{
	hxs_put(b, &v, 4);
}

void hxs_put64(struct hxs_buf *b, uint64_t v)
{
	hxs_put(b, &v, 8);
}

static bool path_ok(const uint8_t *p, uint32_t len, bool watch)
{
	if (!p || !len || len >= HXS_XS_MAX_PATH || memchr(p, 0, len))
		return false;
	return p[0] == '/' || (watch && p[0] == '@') || !watch;
}

static const char *check_perms(struct hxs_cur *c, uint32_t n)
{
	const uint8_t *p;

	if (n > HXS_XS_MAX_PERMS)
		return "too many permissions";
	p = hxs_get(c, 4ULL * n);
	for (uint32_t i = 0; p && i < n; i++)
		if (!strchr("nrwb", p[4 * i + 2]) || p[4 * i + 3])
			return "bad permission mode";
	return NULL;
}

static const char *check_tree(struct hxs_cur *c)
{
	uint32_t n = hxs_get32(c);
	const char *e;

	if (!n || n > HXS_XS_MAX_NODES)
		return "bad node count";
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		uint32_t pl = hxs_get32(c), vl = hxs_get32(c), np = hxs_get32(c);
		const uint8_t *path;

		hxs_get64(c);
		path = hxs_get(c, pl);
		if (c->bad)
			break;
		if (!path_ok(path, pl, false) || path[0] != '/' ||
		    (i == 0) != (pl == 1))
			return "bad node path";
		if (vl > HXS_XS_MAX_VALUE)
			return "node value too long";
		hxs_get(c, vl);
		if ((e = check_perms(c, np)))
			return e;
	}
	return NULL;
}

static const char *check_all(struct hxs_cur *c)
{
	uint32_t n;
	const char *e;

	if (hxs_get32(c) != HXS_XS_VERSION)
		return "unknown xenstore layout version";
	hxs_get64(c);
	if ((e = check_tree(c)))
		return e;
	n = hxs_get32(c);
	if (n > HXS_XS_MAX_WATCHES)
		return "too many watches";
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		uint32_t pl = hxs_get32(c), tl = hxs_get32(c), rel = hxs_get32(c);
		const uint8_t *path = hxs_get(c, pl), *tok;

		if (tl > HXS_XS_MAX_VALUE)
			return "watch token too long";
		tok = hxs_get(c, tl);
		if (c->bad)
			break;
		if (!path_ok(path, pl, true) || rel > 1 || (tl && memchr(tok, 0, tl)))
			return "bad watch";
	}
	hxs_get32(c);	/* next transaction id */
	n = hxs_get32(c);
	if (n > HXS_XS_MAX_TXNS)
		return "too many transactions";
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		uint32_t na, no;

		if (!hxs_get32(c))
			return "transaction id 0";
		hxs_get64(c);
		if ((e = check_tree(c)))
			return e;
		na = hxs_get32(c);
		if (na > HXS_XS_MAX_NODES)
			return "too many transaction accesses";
		for (uint32_t k = 0; k < na && !c->bad; k++) {
			uint32_t pl = hxs_get32(c), ex = hxs_get32(c);

			hxs_get64(c);
			if (ex > 1 || !path_ok(hxs_get(c, pl), pl, false))
				return c->bad ? NULL : "bad transaction access";
		}
		no = hxs_get32(c);
		if (no > HXS_XS_MAX_OPS)
			return "too many transaction operations";
		for (uint32_t k = 0; k < no && !c->bad; k++) {
			uint32_t kind = hxs_get32(c), pl = hxs_get32(c);
			uint32_t vl = hxs_get32(c), np = hxs_get32(c);

			if (kind > 3 || vl > HXS_XS_MAX_VALUE ||
			    !path_ok(hxs_get(c, pl), pl, false))
				return c->bad ? NULL : "bad transaction operation";
			hxs_get(c, vl);
			if ((e = check_perms(c, np)))
				return e;
		}
	}
	n = hxs_get32(c);
	if (n > HXS_XS_MAX_IN)
		return "too many buffered request bytes";
	hxs_get(c, n);
	n = hxs_get32(c);
	if (n > HXS_XS_MAX_OUT)
		return "too many buffered reply bytes";
	hxs_get(c, n);
	return NULL;
}

int hxs_xs_check(const void *blob, size_t len, char *why, size_t whylen)
{
	struct hxs_cur c = { blob, len, false };
	const char *e = check_all(&c);

	if (!e && c.bad)
		e = "cut short";
	if (!e && c.left)
		e = "bytes left after the layout";
	if (e) {
		snprintf(why, whylen, "xenstore: %s", e);
		return -EINVAL;
	}
	return 0;
}

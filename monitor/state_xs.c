// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore in the state stream (layout: monitor/stream_xs.c): the tree
 * with every node's permissions and generation, the guest connection's
 * watches, its open transactions (snapshot tree, accessed paths with the
 * generations seen, logged operations), the next transaction id and the
 * bytes buffered either way.  So a guest in the middle of a transaction
 * commits (or gets EAGAIN) after a restore exactly as it would have, and
 * its watches fire without it registering them again.  Internal watches
 * (the backends') are not saved: the restored monitor's own backends
 * registered them already.  Called with the xenstore lock held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/state.h"
#include "monitor/stream_xs.h"
#include "monitor/xs_priv.h"

static void put_bytes(struct hxs_buf *b, const void *p, uint32_t n)
{
	hxs_put32(b, n);
	hxs_put(b, p, n);
}

static void put_perms(struct hxs_buf *b, const struct xs_perm *p,
		      unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint8_t e[4] = { p[i].domid & 0xff, p[i].domid >> 8,
				 (uint8_t)p[i].mode, 0 };

		hxs_put(b, e, 4);
	}
}

static void put_node(struct hxs_buf *b, const struct xs_node *n, char *path,
		     size_t plen)
{
	size_t len = plen;

	if (n->parent) {
		size_t nl = strlen(n->name);

		if (plen + 1 + nl >= XS_ABS_PATH_MAX) {
			b->oom = true;	/* cannot happen: paths are checked */
			return;
		}
		if (plen > 1)
			path[len++] = '/';
		memcpy(path + len, n->name, nl);
		len += nl;
	}
	path[len] = 0;
	hxs_put32(b, (uint32_t)len);
	hxs_put32(b, n->len);
	hxs_put32(b, n->nperms);
	hxs_put64(b, n->gen);
	hxs_put(b, path, len);
	hxs_put(b, n->value, n->len);
	put_perms(b, n->perms, n->nperms);
	for (const struct xs_node *c = n->child; c; c = c->next)
		put_node(b, c, path, len);
}

static void put_tree(struct hxs_buf *b, const struct xs_tree *t)
{
	char *path = malloc(XS_ABS_PATH_MAX + 1);

	if (!path) {
		b->oom = true;
		return;
	}
	path[0] = '/';
	hxs_put32(b, t->nnodes);
	put_node(b, t->root, path, 1);
	free(path);
}

static struct xs_conn *guest_conn(struct xs *xs)
{
	for (struct xs_conn *c = xs->conns; c; c = c->next)
		if (c->domid == xs->guest_domid)
			return c;
	return NULL;
}

int state_xs_save(struct xs *xs, struct hxs_buf *b)
{
	struct xs_conn *c = guest_conn(xs);
	unsigned int n = 0;

	hxs_put32(b, HXS_XS_VERSION);
	hxs_put64(b, xs->tree.gen);
	put_tree(b, &xs->tree);
	for (struct xs_watch *w = xs->watches; w; w = w->next)
		n += c && w->conn == c;
	hxs_put32(b, n);
	for (struct xs_watch *w = xs->watches; w; w = w->next) {
		if (!c || w->conn != c)
			continue;
		hxs_put32(b, strlen(w->path));
		hxs_put32(b, strlen(w->token));
		hxs_put32(b, w->relative);
		hxs_put(b, w->path, strlen(w->path));
		hxs_put(b, w->token, strlen(w->token));
	}
	hxs_put32(b, c ? c->next_txid : 0);
	hxs_put32(b, c ? c->ntxns : 0);
	for (struct xs_txn *t = c ? c->txns : NULL; t; t = t->next) {
		unsigned int nops = 0;

		hxs_put32(b, t->id);
		hxs_put64(b, t->snap.gen);
		put_tree(b, &t->snap);
		hxs_put32(b, t->nacc);
		for (unsigned int i = 0; i < t->nacc; i++) {
			hxs_put32(b, strlen(t->acc[i].path));
			hxs_put32(b, t->acc[i].exists);
			hxs_put64(b, t->acc[i].gen);
			hxs_put(b, t->acc[i].path, strlen(t->acc[i].path));
		}
		for (struct xs_op *op = t->ops; op; op = op->next)
			nops++;
		hxs_put32(b, nops);
		for (struct xs_op *op = t->ops; op; op = op->next) {
			hxs_put32(b, op->kind);
			hxs_put32(b, strlen(op->path));
			hxs_put32(b, op->len);
			hxs_put32(b, op->nperms);
			hxs_put(b, op->path, strlen(op->path));
			hxs_put(b, op->val, op->len);
			put_perms(b, op->perms, op->nperms);
		}
	}
	put_bytes(b, c ? c->in : NULL, c ? (uint32_t)c->in_len : 0);
	put_bytes(b, c && c->out ? c->out + c->out_off : NULL,
		  c ? (uint32_t)(c->out_len - c->out_off) : 0);
	return b->oom ? -ENOMEM : 0;
}

/* ---- restore: the blob passed hxs_xs_check() ---- */

static char *get_str(struct hxs_cur *c, uint32_t n)
{
	const char *p = hxs_get(c, n);

	return p ? strndup(p, n) : NULL;
}

static struct xs_perm *get_perms(struct hxs_cur *c, uint32_t n)
{
	const uint8_t *p = hxs_get(c, 4ULL * n);
	struct xs_perm *v = calloc(n ? n : 1, sizeof(*v));

	for (uint32_t i = 0; v && p && i < n; i++) {
		v[i].domid = p[4 * i] | p[4 * i + 1] << 8;
		v[i].mode = (char)p[4 * i + 2];
	}
	return v;
}

static int get_tree(struct hxs_cur *c, struct xs_tree *t, uint64_t gen)
{
	uint32_t n = hxs_get32(c);
	int r = xs_tree_init(t);

	for (uint32_t i = 0; !r && i < n; i++) {
		uint32_t pl = hxs_get32(c), vl = hxs_get32(c), np = hxs_get32(c);
		uint64_t ngen = hxs_get64(c);
		char *path = get_str(c, pl);
		const void *val = hxs_get(c, vl);
		struct xs_perm *perms = get_perms(c, np);
		struct xs_node *node;

		r = !path || !perms || c->bad ? -EINVAL : 0;
		if (!r && !xs_path_valid(path, false))
			r = -EINVAL;
		if (!r && i && !xs_tree_lookup(t, path))
			r = xs_tree_write(t, path, val, vl, 0);
		node = r ? NULL : xs_tree_lookup(t, path);
		if (!r && !node)
			r = -EINVAL;
		if (!r && !i && vl) {
			free(node->value);
			node->value = malloc(vl);
			if (node->value)
				memcpy(node->value, val, vl);
			node->len = node->value ? vl : 0;
		}
		if (!r && np)
			r = xs_tree_set_perms(t, path, perms, np);
		if (!r)
			node->gen = ngen;
		free(path);
		free(perms);
	}
	t->gen = gen;
	if (r)
		xs_tree_destroy(t);
	return r;
}

static int get_txn(struct hxs_cur *c, struct xs_conn *conn)
{
	uint32_t id = hxs_get32(c);
	uint64_t gen = hxs_get64(c);
	struct xs_txn *t = xs_txn_start(conn);
	uint32_t n;
	int r;

	if (!t)
		return -ENOMEM;
	t->id = id;
	xs_tree_destroy(&t->snap);
	r = get_tree(c, &t->snap, gen);
	if (r) {
		xs_tree_init(&t->snap);	/* freed with the connection */
		return r;
	}
	n = hxs_get32(c);
	t->acc = calloc(n ? n : 1, sizeof(*t->acc));
	if (!t->acc)
		return -ENOMEM;
	t->cap = n ? n : 1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pl = hxs_get32(c), ex = hxs_get32(c);

		t->acc[i].gen = hxs_get64(c);
		t->acc[i].exists = ex;
		t->acc[i].path = get_str(c, pl);
		if (!t->acc[i].path)
			return -EINVAL;
		t->nacc++;
	}
	n = hxs_get32(c);
	for (uint32_t i = 0; i < n && !r; i++) {
		uint32_t kind = hxs_get32(c), pl = hxs_get32(c);
		uint32_t vl = hxs_get32(c), np = hxs_get32(c);
		char *path = get_str(c, pl);
		const void *val = hxs_get(c, vl);
		struct xs_perm *perms = get_perms(c, np);

		r = path && perms && !c->bad ?
		    xs_txn_log(t, kind, path, val, vl, perms, np) : -EINVAL;
		free(path);
		free(perms);
	}
	return r;
}

int state_xs_load(struct xs *xs, const void *blob, size_t len)
{
	struct hxs_cur c = { blob, len, false };
	struct xs_conn *conn = guest_conn(xs);
	const void *in, *out;
	struct xs_tree t;
	uint32_t n, next;
	uint64_t gen;
	int r;

	if (!conn || hxs_get32(&c) != HXS_XS_VERSION)
		return -EINVAL;
	gen = hxs_get64(&c);
	r = get_tree(&c, &t, gen);
	if (r)
		return r;
	xs_tree_destroy(&xs->tree);
	xs->tree = t;
	xs_watch_del_conn(xs, conn);
	n = hxs_get32(&c);
	for (uint32_t i = 0; i < n && !r; i++) {
		uint32_t pl = hxs_get32(&c), tl = hxs_get32(&c);
		uint32_t rel = hxs_get32(&c);
		char *path = get_str(&c, pl), *tok = get_str(&c, tl);

		r = path && tok ? xs_watch_add(xs, conn, path, tok, rel, NULL,
					       NULL) : -EINVAL;
		free(path);
		free(tok);
	}
	xs_txn_free_all(conn);
	next = hxs_get32(&c);
	n = hxs_get32(&c);
	for (uint32_t i = 0; i < n && !r; i++)
		r = get_txn(&c, conn);
	conn->next_txid = next;		/* xs_txn_start() counted on */
	if (r)
		return r;
	n = hxs_get32(&c);
	in = hxs_get(&c, n);
	if (!in || n > sizeof(conn->in))
		return -EINVAL;
	memcpy(conn->in, in, n);
	conn->in_len = n;
	conn->skip = 0;
	n = hxs_get32(&c);
	out = hxs_get(&c, n);
	if (!out)
		return -EINVAL;
	free(conn->out);
	conn->out = n ? malloc(n) : NULL;
	if (n && !conn->out)
		return -ENOMEM;
	if (n)
		memcpy(conn->out, out, n);
	conn->out_off = 0;
	conn->out_len = conn->out_cap = n;
	return c.bad ? -EINVAL : 0;
}

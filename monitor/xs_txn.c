// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore transactions.  A transaction works on a private copy of the
 * tree and logs its mutations.  Every path it touches is noted once with
 * the state it had when the transaction started (existence + generation);
 * on commit, if any noted path changed in the live tree meanwhile the
 * commit fails with EAGAIN (Linux then retries the whole transaction),
 * otherwise the log is replayed on the live tree and the watches fire.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_priv.h"

static void op_free(struct xs_op *op)
{
	free(op->path);
	free(op->val);
	free(op->perms);
	free(op);
}

static void txn_free(struct xs_txn *t)
{
	struct xs_op *op, *next;
	unsigned int i;

	for (op = t->ops; op; op = next) {
		next = op->next;
		op_free(op);
	}
	for (i = 0; i < t->nacc; i++)
		free(t->acc[i].path);
	free(t->acc);
	xs_tree_destroy(&t->snap);
	free(t);
}

struct xs_txn *xs_txn_start(struct xs_conn *c)
{
	struct xs_txn *t;

	if (c->ntxns >= XS_MAX_TXNS) {
		errno = ENOSPC;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t || xs_tree_clone(&t->snap, &c->xs->tree)) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	/* ids are non-zero and not reused while open */
	do {
		t->id = ++c->next_txid;
	} while (!t->id || xs_txn_find(c, t->id));
	t->ops_tail = &t->ops;
	t->next = c->txns;
	c->txns = t;
	c->ntxns++;
	return t;
}

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id)
{
	struct xs_txn *t;

	for (t = c->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

static int note_one(struct xs_txn *t, const char *abs)
{
	const struct xs_node *n;
	struct xs_access *a;
	unsigned int i;

	for (i = 0; i < t->nacc; i++)
		if (!strcmp(t->acc[i].path, abs))
			return 0;
	if (t->nacc == t->cap) {
		unsigned int cap = t->cap ? 2 * t->cap : 16;

		a = realloc(t->acc, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		t->acc = a;
		t->cap = cap;
	}
	n = xs_tree_lookup(&t->snap, abs);
	a = &t->acc[t->nacc];
	a->path = strdup(abs);
	if (!a->path)
		return -ENOMEM;
	a->exists = n != NULL;
	a->gen = n ? n->gen : 0;
	t->nacc++;
	return 0;
}

static int note_subtree(struct xs_txn *t, const struct xs_node *n,
			char *buf, size_t len)
{
	const struct xs_node *c;
	size_t l;
	int rc;

	for (c = n->child; c; c = c->next) {
		l = len + 1 + strlen(c->name);
		if (l >= XS_ABS_PATH_MAX)
			return -E2BIG;
		buf[len] = '/';
		strcpy(buf + len + 1, c->name);
		rc = note_one(t, buf);
		if (!rc)
			rc = note_subtree(t, c, buf, l);
		buf[len] = '\0';
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Note @abs before the transaction reads or changes it.  A mutation also
 * notes every ancestor (they may be created, or their child list changes)
 * and, for a removal, every node below, so that later accesses inside the
 * transaction compare against the state at its start.
 */
int xs_txn_note(struct xs_txn *t, const char *abs, bool mutation,
		bool subtree)
{
	char buf[XS_ABS_PATH_MAX];
	const struct xs_node *n;
	char *s;
	int rc = note_one(t, abs);

	if (rc || !mutation)
		return rc;
	snprintf(buf, sizeof(buf), "%s", abs);
	while ((s = strrchr(buf, '/')) && s != buf) {
		*s = '\0';
		rc = note_one(t, buf);
		if (rc)
			return rc;
	}
	rc = note_one(t, "/");
	if (rc || !subtree)
		return rc;
	n = xs_tree_lookup(&t->snap, abs);
	if (!n)
		return 0;
	snprintf(buf, sizeof(buf), "%s", strcmp(abs, "/") ? abs : "");
	return note_subtree(t, n, buf, strlen(buf));
}

int xs_txn_log(struct xs_txn *t, enum xs_op_kind kind, const char *abs,
	       const void *val, unsigned int len,
	       const struct xs_perm *perms, unsigned int nperms)
{
	struct xs_op *op = calloc(1, sizeof(*op));

	if (!op)
		return -ENOMEM;
	op->kind = kind;
	op->path = strdup(abs);
	op->len = len;
	if (len)
		op->val = malloc(len);
	if (nperms)
		op->perms = malloc(nperms * sizeof(*perms));
	if (!op->path || (len && !op->val) || (nperms && !op->perms)) {
		op_free(op);
		return -ENOMEM;
	}
	if (len)
		memcpy(op->val, val, len);
	if (nperms)
		memcpy(op->perms, perms, nperms * sizeof(*perms));
	op->nperms = nperms;
	*t->ops_tail = op;
	t->ops_tail = &op->next;
	return 0;
}

static bool txn_conflicts(const struct xs_txn *t, const struct xs_tree *live)
{
	const struct xs_node *n;
	unsigned int i;

	for (i = 0; i < t->nacc; i++) {
		n = xs_tree_lookup(live, t->acc[i].path);
		if ((n != NULL) != t->acc[i].exists)
			return true;
		if (n && n->gen != t->acc[i].gen)
			return true;
	}
	return false;
}

static void txn_unlink(struct xs_conn *c, struct xs_txn *t)
{
	struct xs_txn **pp;

	for (pp = &c->txns; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			c->ntxns--;
			return;
		}
}

int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit)
{
	struct xs *xs = c->xs;
	struct xs_op *op;
	int rc = 0;

	txn_unlink(c, t);
	if (commit && txn_conflicts(t, &xs->tree))
		rc = -EAGAIN;
	else if (commit)
		for (op = t->ops; op; op = op->next) {
			/*
			 * Permission checks passed on the copy, and the noted
			 * paths are unchanged, so the replay cannot fail other
			 * than on memory.
			 */
			rc = xs_apply_op(xs, &xs->tree, op->kind, op->path,
					 op->val, op->len, op->perms,
					 op->nperms, c->domid);
			if (rc)
				break;
		}
	txn_free(t);
	return rc;
}

void xs_txn_free_all(struct xs_conn *c)
{
	struct xs_txn *t;

	while ((t = c->txns)) {
		c->txns = t->next;
		txn_free(t);
	}
	c->ntxns = 0;
}

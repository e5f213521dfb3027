// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore wire protocol [xen/include/public/io/xs_wire.h,
 * docs/misc/xenstore.txt]: framing of xsd_sockmsg messages, the request
 * handlers, error replies, and the internal (domain 0) API.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_priv.h"

static const struct {
	int err;
	const char *name;
} xs_errors[] = {
	{ EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EEXIST, "EEXIST" },
	{ EISDIR, "EISDIR" }, { ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
	{ ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { ENOTEMPTY, "ENOTEMPTY" },
	{ ENOSYS, "ENOSYS" }, { EROFS, "EROFS" }, { EBUSY, "EBUSY" },
	{ EAGAIN, "EAGAIN" }, { EISCONN, "EISCONN" }, { E2BIG, "E2BIG" },
	{ EPERM, "EPERM" },
};

const char *xs_errname(int err)
{
	unsigned int i;

	for (i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++)
		if (xs_errors[i].err == err)
			return xs_errors[i].name;
	return "EINVAL";	/* xenstored's fallback for unknown errors */
}

/* ---------------------------------------------------------------- */
/* server and connections                                           */
/* ---------------------------------------------------------------- */

struct xs *xs_new(uint16_t guest_domid)
{
	struct xs *xs = calloc(1, sizeof(*xs));

	if (!xs)
		return NULL;
	if (xs_tree_init(&xs->tree)) {
		free(xs);
		return NULL;
	}
	xs->guest_domid = guest_domid;
	xs->changes_tail = &xs->changes;
	return xs;
}

void xs_free(struct xs *xs)
{
	struct xs_change *ch;

	if (!xs)
		return;
	while (xs->conns)
		xs_conn_free(xs->conns);
	while (xs->watches)
		xs_watch_del(xs, NULL, xs->watches->path, NULL,
			     xs->watches->fn, xs->watches->opaque);
	while ((ch = xs->changes)) {
		xs->changes = ch->next;
		free(ch->path);
		free(ch);
	}
	xs_tree_destroy(&xs->tree);
	free(xs);
}

struct xs_conn *xs_conn_new(struct xs *xs, uint16_t domid)
{
	struct xs_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->xs = xs;
	c->domid = domid;
	snprintf(c->home, sizeof(c->home), "/local/domain/%u", domid);
	c->next = xs->conns;
	xs->conns = c;
	return c;
}

void xs_conn_free(struct xs_conn *c)
{
	struct xs_conn **pp;

	if (!c)
		return;
	for (pp = &c->xs->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	xs_watch_del_conn(c->xs, c);
	xs_txn_free_all(c);
	free(c->out);
	free(c);
}

void xs_conn_set_notify(struct xs_conn *c, void (*fn)(void *), void *opaque)
{
	c->notify = fn;
	c->notify_opaque = opaque;
}

unsigned int xs_conn_errors(const struct xs_conn *c)
{
	return c->errors;
}

size_t xs_conn_out_pending(const struct xs_conn *c)
{
	return c->out_len - c->out_off;
}

size_t xs_conn_out_peek(const struct xs_conn *c, const void **buf)
{
	*buf = c->out + c->out_off;
	return c->out_len - c->out_off;
}

void xs_conn_out_consume(struct xs_conn *c, size_t n)
{
	if (n > c->out_len - c->out_off)
		n = c->out_len - c->out_off;
	c->out_off += n;
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
}

/*
 * Queue one message.  Replies are always queued (the guest waits for
 * them); watch events are dropped once the guest stops reading, so a
 * stuck guest cannot make the monitor grow without bound.
 */
void xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id,
		   uint32_t tx_id, const void *p1, size_t l1,
		   const void *p2, size_t l2, bool droppable)
{
	struct xs_hdr h = { type, req_id, tx_id, (uint32_t)(l1 + l2) };
	size_t need = sizeof(h) + l1 + l2;
	unsigned char *o;

	if (droppable && c->out_len - c->out_off + need > XS_OUT_MAX) {
		if (!c->dropped_events)
			fprintf(stderr, "hxen-monitor: xenstore: domain %u is "
				"not reading its ring; dropping watch events\n",
				c->domid);
		c->dropped_events = true;
		return;
	}
	if (c->out_off && c->out_len + need > c->out_cap) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + need > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;

		while (cap < c->out_len + need)
			cap *= 2;
		o = realloc(c->out, cap);
		if (!o)
			return;
		c->out = o;
		c->out_cap = cap;
	}
	o = c->out + c->out_len;
	memcpy(o, &h, sizeof(h));
	if (l1)
		memcpy(o + sizeof(h), p1, l1);
	if (l2)
		memcpy(o + sizeof(h) + l1, p2, l2);
	c->out_len += need;
	if (c->notify)
		c->notify(c->notify_opaque);
}

/* ---------------------------------------------------------------- */
/* operations shared by requests, transactions and the internal API */
/* ---------------------------------------------------------------- */

static bool parent_exists(const struct xs_tree *t, const char *abs)
{
	char buf[XS_ABS_PATH_MAX];
	char *s;

	snprintf(buf, sizeof(buf), "%s", abs);
	s = strrchr(buf, '/');
	if (!s)
		return false;
	if (s == buf)
		s[1] = '\0';
	else
		*s = '\0';
	return xs_tree_lookup(t, buf) != NULL;
}

int xs_apply_op(struct xs *xs, struct xs_tree *t, enum xs_op_kind kind,
		const char *abs, const void *val, unsigned int len,
		const struct xs_perm *perms, unsigned int nperms,
		uint16_t domid)
{
	int rc = 0;

	switch (kind) {
	case XS_OP_WRITE:
		rc = xs_tree_write(t, abs, val, len, domid);
		break;
	case XS_OP_MKDIR:
		if (xs_tree_lookup(t, abs))
			return 0;	/* no change, no watch */
		rc = xs_tree_mkdir(t, abs, domid);
		break;
	case XS_OP_RM:
		if (!xs_tree_lookup(t, abs))
			/* xenstored: nothing to do if the parent exists */
			return parent_exists(t, abs) ? 0 : -ENOENT;
		rc = xs_tree_rm(t, abs);
		break;
	case XS_OP_PERMS:
		rc = xs_tree_set_perms(t, abs, perms, nperms);
		break;
	}
	if (!rc && t == &xs->tree)
		xs_change_queue(xs, abs, kind == XS_OP_RM);
	return rc;
}

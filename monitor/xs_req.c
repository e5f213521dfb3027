// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore requests from a guest connection: framing of the byte stream
 * from the ring, argument parsing, one handler per message type.
 * Payload formats: docs/misc/xenstore.txt and xen-abi.md F.2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_priv.h"

#define XS_MAX_ARGS	66	/* SET_PERMS: path + up to 64 entries */

struct xs_req {
	struct xs_conn *c;
	struct xs *xs;
	struct xs_hdr h;
	const char *payload;
	size_t len;
	const char *arg[XS_MAX_ARGS];
	unsigned int nargs;
	struct xs_txn *txn;		/* NULL outside a transaction */
	struct xs_tree *tree;		/* live tree or the txn's copy */
};

static void reply(struct xs_req *r, const void *p, size_t len)
{
	xs_conn_queue(r->c, r->h.type, r->h.req_id, r->h.tx_id, p, len,
		      NULL, 0, false);
}

static void reply_ok(struct xs_req *r)
{
	reply(r, "OK", 3);
}

static void reply_err(struct xs_conn *c, const struct xs_hdr *h, int err)
{
	const char *n = xs_errname(err);

	xs_conn_queue(c, XS_ERROR, h->req_id, h->tx_id, n, strlen(n) + 1,
		      NULL, 0, false);
}

/* Split a NUL-terminated argument list; false if malformed. */
static bool split_args(struct xs_req *r)
{
	const char *p = r->payload, *end = r->payload + r->len;

	r->nargs = 0;
	if (!r->len || end[-1] != '\0')
		return false;
	while (p < end) {
		if (r->nargs == XS_MAX_ARGS)
			return false;
		r->arg[r->nargs++] = p;
		p += strlen(p) + 1;
	}
	return true;
}

/* Make @p absolute (relative paths are under the domain's home). */
static int abs_path(struct xs_req *r, const char *p, char *abs, bool special)
{
	int n;

	if (p[0] == '/' || (special && p[0] == '@')) {
		if (strlen(p) >= XS_ABS_PATH_MAX)
			return -E2BIG;
		strcpy(abs, p);
	} else {
		if (!p[0] || strlen(p) >= XS_REL_PATH_MAX)
			return -EINVAL;
		n = snprintf(abs, XS_ABS_PATH_MAX, "%s/%s", r->c->home, p);
		if (n >= XS_ABS_PATH_MAX)
			return -E2BIG;
	}
	return xs_path_valid(abs, special) ? 0 : -EINVAL;
}

static int note(struct xs_req *r, const char *abs, bool mut, bool subtree)
{
	return r->txn ? xs_txn_note(r->txn, abs, mut, subtree) : 0;
}

/* Apply a mutation to the live tree or to the transaction (and log it). */
static int mutate(struct xs_req *r, enum xs_op_kind kind, const char *abs,
		  const void *val, unsigned int len,
		  const struct xs_perm *perms, unsigned int nperms)
{
	int rc = note(r, abs, true, kind == XS_OP_RM);

	if (!rc)
		rc = xs_apply_op(r->xs, r->tree, kind, abs, val, len, perms,
				 nperms, r->c->domid);
	if (!rc && r->txn)
		rc = xs_txn_log(r->txn, kind, abs, val, len, perms, nperms);
	return rc;
}

static int path_arg(struct xs_req *r, char *abs)
{
	if (!split_args(r) || r->nargs < 1)
		return -EINVAL;
	return abs_path(r, r->arg[0], abs, false);
}

/* The node named by the first argument, if the connection may read it. */
static int readable_node(struct xs_req *r, char *abs, struct xs_node **np)
{
	int rc = path_arg(r, abs);

	if (!rc)
		rc = note(r, abs, false, false);
	if (rc)
		return rc;
	*np = xs_tree_lookup(r->tree, abs);
	if (!*np)
		return -ENOENT;
	return xs_perm_ok(*np, r->c->domid, 'r') ? 0 : -EACCES;
}

static int do_read(struct xs_req *r)
{
	char abs[XS_ABS_PATH_MAX];
	struct xs_node *n;
	int rc = readable_node(r, abs, &n);

	if (rc)
		return rc;
	reply(r, n->value, n->len);
	return 0;
}

static int do_directory(struct xs_req *r)
{
	char abs[XS_ABS_PATH_MAX], buf[XS_PAYLOAD_MAX];
	struct xs_node *n, *ch;
	size_t len = 0, l;
	int rc = readable_node(r, abs, &n);

	if (rc)
		return rc;
	for (ch = n->child; ch; ch = ch->next) {
		l = strlen(ch->name) + 1;
		if (len + l > sizeof(buf))
			return -E2BIG;
		memcpy(buf + len, ch->name, l);
		len += l;
	}
	reply(r, buf, len);
	return 0;
}

/* Write access to @abs, or to its nearest existing ancestor. */
static int may_write(struct xs_req *r, const char *abs)
{
	const struct xs_node *n = xs_tree_nearest(r->tree, abs);

	return xs_perm_ok(n, r->c->domid, 'w') ? 0 : -EACCES;
}

static int do_write(struct xs_req *r)
{
	char abs[XS_ABS_PATH_MAX];
	const char *nul = memchr(r->payload, '\0', r->len);
	int rc;

	if (!nul)
		return -EINVAL;
	rc = abs_path(r, r->payload, abs, false);
	if (!rc)
		rc = note(r, abs, true, false);
	if (!rc)
		rc = may_write(r, abs);
	if (!rc)
		rc = mutate(r, XS_OP_WRITE, abs, nul + 1,
			    r->len - (nul + 1 - r->payload), NULL, 0);
	if (!rc)
		reply_ok(r);
	return rc;
}

static int do_mkdir(struct xs_req *r)
{
	char abs[XS_ABS_PATH_MAX];
	int rc = path_arg(r, abs);

	if (!rc)
		rc = note(r, abs, true, false);
	if (!rc)
		rc = may_write(r, abs);
	if (!rc)
		rc = mutate(r, XS_OP_MKDIR, abs, NULL, 0, NULL, 0);
	if (!rc)
		reply_ok(r);
	return rc;
}

static int do_rm(struct xs_req *r)
{
	char abs[XS_ABS_PATH_MAX];
	const struct xs_node *n;
	int rc = path_arg(r, abs);

	if (!rc)
		rc = note(r, abs, true, true);
	if (rc)
		return rc;
	if (!strcmp(abs, "/"))
		return -EINVAL;
	n = xs_tree_lookup(r->tree, abs);
	if (n && !xs_perm_ok(n, r->c->domid, 'w'))
		return -EACCES;
	rc = mutate(r, XS_OP_RM, abs, NULL, 0, NULL, 0);
	if (!rc)
		reply_ok(r);
	return rc;
}

static int do_get_perms(struct xs_req *r)
{
	char abs[XS_ABS_PATH_MAX], buf[XS_PAYLOAD_MAX];
	struct xs_node *n;
	size_t len = 0;
	unsigned int i;
	int rc = readable_node(r, abs, &n);

	if (rc)
		return rc;
	for (i = 0; i < n->nperms; i++) {
		if (len + 8 > sizeof(buf))
			return -E2BIG;
		len += sprintf(buf + len, "%c%u", n->perms[i].mode,
			       n->perms[i].domid) + 1;
	}
	reply(r, buf, len);
	return 0;
}

static int do_set_perms(struct xs_req *r)
{
	struct xs_perm perms[XS_MAX_ARGS];
	char abs[XS_ABS_PATH_MAX];
	const struct xs_node *n;
	unsigned int i;
	int rc = path_arg(r, abs);

	if (!rc && r->nargs < 2)
		rc = -EINVAL;
	if (!rc)
		rc = note(r, abs, true, false);
	if (rc)
		return rc;
	n = xs_tree_lookup(r->tree, abs);
	if (!n)
		return -ENOENT;
	/* only the owner (or domain 0) may change permissions */
	if (r->c->domid && n->perms[0].domid != r->c->domid)
		return -EACCES;
	for (i = 1; i < r->nargs; i++)
		if (xs_parse_perm(r->arg[i], &perms[i - 1]))
			return -EINVAL;
	rc = mutate(r, XS_OP_PERMS, abs, NULL, 0, perms, r->nargs - 1);
	if (!rc)
		reply_ok(r);
	return rc;
}

static int do_watch(struct xs_req *r)
{
	char abs[XS_ABS_PATH_MAX];
	const char *p;
	int rc;

	if (!split_args(r) || r->nargs < 2)
		return -EINVAL;
	p = r->arg[0];
	rc = abs_path(r, p, abs, true);
	if (rc)
		return rc;
	rc = xs_watch_add(r->xs, r->c, abs, r->arg[1],
			  p[0] != '/' && p[0] != '@', NULL, NULL);
	if (rc)
		return rc;
	reply_ok(r);
	xs_watch_fire_one(r->xs, r->xs->watches, abs);
	return 0;
}

static int do_unwatch(struct xs_req *r)
{
	char abs[XS_ABS_PATH_MAX];
	int rc;

	if (!split_args(r) || r->nargs < 2)
		return -EINVAL;
	rc = abs_path(r, r->arg[0], abs, true);
	if (!rc)
		rc = xs_watch_del(r->xs, r->c, abs, r->arg[1], NULL, NULL);
	if (!rc)
		reply_ok(r);
	return rc;
}

static int do_txn_start(struct xs_req *r)
{
	struct xs_txn *t;
	char buf[16];

	if (r->h.tx_id)
		return -EBUSY;	/* no nesting */
	t = xs_txn_start(r->c);
	if (!t)
		return -errno;
	reply(r, buf, snprintf(buf, sizeof(buf), "%u", t->id) + 1);
	return 0;
}

static int do_txn_end(struct xs_req *r)
{
	bool commit;
	int rc;

	if (!split_args(r) || r->nargs != 1 ||
	    (strcmp(r->arg[0], "T") && strcmp(r->arg[0], "F")))
		return -EINVAL;
	if (!r->txn)
		return -ENOENT;
	commit = r->arg[0][0] == 'T';
	rc = xs_txn_end(r->c, r->txn, commit);
	r->txn = NULL;
	if (!rc)
		reply_ok(r);
	return rc;
}

static int do_reset_watches(struct xs_req *r)
{
	xs_watch_del_conn(r->xs, r->c);
	xs_txn_free_all(r->c);
	reply_ok(r);
	return 0;
}

static int domid_arg(struct xs_req *r, unsigned long *d)
{
	char *end;

	if (!split_args(r) || r->nargs < 1 || !r->arg[0][0])
		return -EINVAL;
	errno = 0;
	*d = strtoul(r->arg[0], &end, 10);
	if (errno || *end || *d > 0xffff)
		return -EINVAL;
	return 0;
}

static int do_get_domain_path(struct xs_req *r)
{
	unsigned long d;
	char buf[32];
	int rc = domid_arg(r, &d);

	if (rc)
		return rc;
	reply(r, buf, snprintf(buf, sizeof(buf), "/local/domain/%lu", d) + 1);
	return 0;
}

static int do_is_introduced(struct xs_req *r)
{
	unsigned long d;
	int rc = domid_arg(r, &d);

	if (rc)
		return rc;
	reply(r, d == 0 || d == r->xs->guest_domid ? "T" : "F", 2);
	return 0;
}

/* Toolstack-only requests: a guest may not introduce or release domains. */
static int do_privileged(struct xs_req *r)
{
	return r->c->domid ? -EACCES : -ENOSYS;
}

typedef int (*xs_handler)(struct xs_req *r);

static const xs_handler handlers[XS_TYPE_MAX] = {
	[XS_CONTROL] = do_privileged,
	[XS_DIRECTORY] = do_directory,
	[XS_READ] = do_read,
	[XS_GET_PERMS] = do_get_perms,
	[XS_WATCH] = do_watch,
	[XS_UNWATCH] = do_unwatch,
	[XS_TRANSACTION_START] = do_txn_start,
	[XS_TRANSACTION_END] = do_txn_end,
	[XS_INTRODUCE] = do_privileged,
	[XS_RELEASE] = do_privileged,
	[XS_GET_DOMAIN_PATH] = do_get_domain_path,
	[XS_WRITE] = do_write,
	[XS_MKDIR] = do_mkdir,
	[XS_RM] = do_rm,
	[XS_SET_PERMS] = do_set_perms,
	[XS_IS_DOMAIN_INTRODUCED] = do_is_introduced,
	[XS_RESUME] = do_privileged,
	[XS_SET_TARGET] = do_privileged,
	[XS_RESET_WATCHES] = do_reset_watches,
};

/* Types that name no transaction (their tx_id is not looked up). */
static bool txn_agnostic(uint32_t type)
{
	return type == XS_WATCH || type == XS_UNWATCH ||
	       type == XS_TRANSACTION_START || type == XS_RESET_WATCHES ||
	       type == XS_GET_DOMAIN_PATH || type == XS_IS_DOMAIN_INTRODUCED;
}

static void process(struct xs_conn *c, const struct xs_hdr *h,
		    const char *payload)
{
	struct xs_req r = {
		.c = c, .xs = c->xs, .h = *h, .payload = payload,
		.len = h->len, .tree = &c->xs->tree,
	};
	xs_handler fn = h->type < XS_TYPE_MAX ? handlers[h->type] : NULL;
	int rc;

	if (!fn) {
		reply_err(c, h, ENOSYS);
		return;
	}
	if (h->tx_id && !txn_agnostic(h->type)) {
		r.txn = xs_txn_find(c, h->tx_id);
		if (!r.txn) {
			reply_err(c, h, ENOENT);
			return;
		}
		r.tree = &r.txn->snap;
	}
	rc = fn(&r);
	if (rc)
		reply_err(c, h, -rc);
	xs_change_flush(c->xs);
}

void xs_conn_feed(struct xs_conn *c, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	struct xs_hdr h;
	size_t n;

	while (len) {
		if (c->skip) {
			n = len < c->skip ? len : c->skip;
			c->skip -= n;
			p += n;
			len -= n;
			continue;
		}
		n = XS_HDR_SIZE > c->in_len ? XS_HDR_SIZE - c->in_len : 0;
		if (!n) {
			memcpy(&h, c->in, sizeof(h));
			n = XS_HDR_SIZE + h.len - c->in_len;
		}
		if (n > len)
			n = len;
		memcpy(c->in + c->in_len, p, n);
		c->in_len += n;
		p += n;
		len -= n;
		if (c->in_len < XS_HDR_SIZE)
			continue;
		memcpy(&h, c->in, sizeof(h));
		if (h.len > XS_PAYLOAD_MAX) {
			/* oversized frame: refuse it and drop its payload */
			c->errors++;
			reply_err(c, &h, E2BIG);
			c->skip = h.len;
			c->in_len = 0;
			continue;
		}
		if (c->in_len == XS_HDR_SIZE + h.len) {
			c->in_len = 0;
			process(c, &h, (const char *)c->in + XS_HDR_SIZE);
		}
	}
}

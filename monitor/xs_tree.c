// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore tree: nodes, path syntax, permissions and generation counters.
 * Paths handed to these functions are absolute and canonical ("/a/b");
 * xs_proto.c turns the guest's relative paths into absolute ones first.
 * Each change bumps the tree generation and stamps it on the nodes whose
 * value, permissions or child list changed: transactions compare these
 * stamps to find conflicts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

bool xs_path_valid(const char *path, bool allow_special)
{
	size_t len = strlen(path);
	const char *p;

	if (allow_special && path[0] == '@')
		return !strcmp(path, "@introduceDomain") ||
		       !strcmp(path, "@releaseDomain");
	if (path[0] != '/' || len >= XS_ABS_PATH_MAX)
		return false;
	if (len > 1 && path[len - 1] == '/')
		return false;
	for (p = path; *p; p++) {
		/* Allowed characters per docs/misc/xenstore.txt */
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '/' ||
		      *p == '_' || *p == '@'))
			return false;
		if (p[0] == '/' && p[1] == '/')
			return false;
	}
	return true;
}

static struct xs_node *node_new(const char *name, size_t nlen)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strndup(name, nlen);
	if (!n->name) {
		free(n);
		return NULL;
	}
	return n;
}

static unsigned int node_count(const struct xs_node *n)
{
	const struct xs_node *c;
	unsigned int k = 1;

	for (c = n->child; c; c = c->next)
		k += node_count(c);
	return k;
}

static void node_free(struct xs_node *n)
{
	struct xs_node *c, *next;

	if (!n)
		return;
	for (c = n->child; c; c = next) {
		next = c->next;
		node_free(c);
	}
	free(n->name);
	free(n->value);
	free(n->perms);
	free(n);
}

static int set_perms(struct xs_node *n, const struct xs_perm *p,
		     unsigned int cnt)
{
	struct xs_perm *np = malloc(cnt * sizeof(*np));

	if (!np)
		return -ENOMEM;
	memcpy(np, p, cnt * sizeof(*np));
	free(n->perms);
	n->perms = np;
	n->nperms = cnt;
	return 0;
}

int xs_tree_init(struct xs_tree *t)
{
	static const struct xs_perm root_perm = { 0, 'n' };

	t->gen = 1;
	t->nnodes = 1;
	t->root = node_new("", 0);
	if (!t->root || set_perms(t->root, &root_perm, 1)) {
		node_free(t->root);
		return -ENOMEM;
	}
	t->root->gen = t->gen;
	return 0;
}

void xs_tree_destroy(struct xs_tree *t)
{
	node_free(t->root);
	t->root = NULL;
}

static struct xs_node *node_clone(const struct xs_node *s,
				  struct xs_node *parent)
{
	struct xs_node *n = node_new(s->name, strlen(s->name));
	struct xs_node **tail;
	const struct xs_node *c;

	if (!n)
		return NULL;
	n->parent = parent;
	n->gen = s->gen;
	n->len = s->len;
	if (s->len) {
		n->value = malloc(s->len);
		if (!n->value)
			goto fail;
		memcpy(n->value, s->value, s->len);
	}
	if (set_perms(n, s->perms, s->nperms))
		goto fail;
	tail = &n->child;
	for (c = s->child; c; c = c->next) {
		*tail = node_clone(c, n);
		if (!*tail)
			goto fail;
		tail = &(*tail)->next;
	}
	return n;
fail:
	node_free(n);
	return NULL;
}

int xs_tree_clone(struct xs_tree *dst, const struct xs_tree *src)
{
	dst->gen = src->gen;
	dst->nnodes = src->nnodes;
	dst->root = node_clone(src->root, NULL);
	return dst->root ? 0 : -ENOMEM;
}

static struct xs_node *find_child(const struct xs_node *n, const char *name,
				  size_t len)
{
	struct xs_node *c;

	for (c = n->child; c; c = c->next)
		if (strlen(c->name) == len && !memcmp(c->name, name, len))
			return c;
	return NULL;
}

/* Walk as far as possible; *rest points at the first missing component. */
static struct xs_node *walk(const struct xs_tree *t, const char *path,
			    const char **rest)
{
	struct xs_node *n = t->root, *c;
	const char *p = path + 1, *e;

	while (*p) {
		e = strchrnul(p, '/');
		c = find_child(n, p, e - p);
		if (!c)
			break;
		n = c;
		p = *e ? e + 1 : e;
	}
	*rest = p;
	return n;
}

struct xs_node *xs_tree_lookup(const struct xs_tree *t, const char *path)
{
	const char *rest;
	struct xs_node *n = walk(t, path, &rest);

	return *rest ? NULL : n;
}

struct xs_node *xs_tree_nearest(const struct xs_tree *t, const char *path)
{
	const char *rest;

	return walk(t, path, &rest);
}

/*
 * Create the missing components of @path below the deepest existing node.
 * A new node inherits its parent's permissions; a node made by a guest is
 * owned by that guest (as xenstored does).
 */
static struct xs_node *create_path(struct xs_tree *t, const char *path,
				   uint16_t creator)
{
	const char *p, *e;
	struct xs_node *n = walk(t, path, &p), *c, **pp;

	while (*p) {
		if (t->nnodes >= XS_MAX_NODES) {
			errno = ENOSPC;
			return NULL;
		}
		e = strchrnul(p, '/');
		c = node_new(p, e - p);
		if (!c || set_perms(c, n->perms, n->nperms)) {
			node_free(c);
			errno = ENOMEM;
			return NULL;
		}
		if (creator != 0)
			c->perms[0].domid = creator;
		c->parent = n;
		/*
		 * Appended: a directory lists its children in the order they
		 * were made, as Xen's xenstored does.  Linux's xenbus probes
		 * device/vif/0 before device/vif/1 only in that order, which
		 * makes vif 0 the guest's eth0.
		 */
		for (pp = &n->child; *pp; pp = &(*pp)->next)
			;
		*pp = c;
		c->gen = n->gen = t->gen;
		t->nnodes++;
		n = c;
		p = *e ? e + 1 : e;
	}
	return n;
}

int xs_tree_write(struct xs_tree *t, const char *path, const void *val,
		  unsigned int len, uint16_t creator)
{
	struct xs_node *n;
	char *v = NULL;

	if (len > XS_PAYLOAD_MAX)
		return -E2BIG;
	if (len) {
		v = malloc(len);
		if (!v)
			return -ENOMEM;
		memcpy(v, val, len);
	}
	t->gen++;
	n = create_path(t, path, creator);
	if (!n) {
		free(v);
		return -errno;
	}
	free(n->value);
	n->value = v;
	n->len = len;
	n->gen = t->gen;
	return 0;
}

int xs_tree_mkdir(struct xs_tree *t, const char *path, uint16_t creator)
{
	if (xs_tree_lookup(t, path))
		return 0;
	t->gen++;
	return create_path(t, path, creator) ? 0 : -errno;
}

int xs_tree_rm(struct xs_tree *t, const char *path)
{
	struct xs_node *n = xs_tree_lookup(t, path), **pp;

	if (!n)
		return -ENOENT;
	if (!n->parent)
		return -EINVAL;		/* the root cannot go */
	for (pp = &n->parent->child; *pp != n; pp = &(*pp)->next)
		;
	*pp = n->next;
	n->parent->gen = ++t->gen;
	t->nnodes -= node_count(n);
	node_free(n);
	return 0;
}

int xs_tree_set_perms(struct xs_tree *t, const char *path,
		      const struct xs_perm *perms, unsigned int n)
{
	struct xs_node *node = xs_tree_lookup(t, path);
	int rc;

	if (!node)
		return -ENOENT;
	if (!n)
		return -EINVAL;
	rc = set_perms(node, perms, n);
	if (!rc)
		node->gen = ++t->gen;
	return rc;
}

/*
 * Domain 0 and the owner (first entry) have full access; otherwise an
 * entry naming @domid decides, else the first entry's mode applies to
 * everybody [docs/misc/xenstore.txt, "permissions"].
 */
bool xs_perm_ok(const struct xs_node *n, uint16_t domid, char want)
{
	unsigned int i;
	char mode;

	if (domid == 0 || !n->nperms || n->perms[0].domid == domid)
		return true;
	mode = n->perms[0].mode;
	for (i = 1; i < n->nperms; i++)
		if (n->perms[i].domid == domid) {
			mode = n->perms[i].mode;
			break;
		}
	return mode == 'b' || mode == want;
}

int xs_parse_perm(const char *s, struct xs_perm *p)
{
	char *end;
	unsigned long d;

	if (!strchr("nrwb", s[0]) || !s[0] || !s[1])
		return -EINVAL;
	errno = 0;
	d = strtoul(s + 1, &end, 10);
	if (errno || *end || d > 0xffff)
		return -EINVAL;
	p->mode = s[0];
	p->domid = d;
	return 0;
}

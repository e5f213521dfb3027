/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hxen xenstore server: the tree, the wire protocol of xs_wire.h, watches
 * and transactions.  Host independent (no ioctls, no threads): the ring
 * backend (devices/be_xenstore.c) feeds bytes in and takes replies out,
 * monitor-side backends use the xs_* "internal" calls below, which act as
 * the privileged domain 0.  The caller serialises all calls (one lock).
 */
#ifndef HXEN_XS_H
#define HXEN_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Message types [xen/include/public/io/xs_wire.h] */
enum xs_type {
	XS_CONTROL = 0,
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	XS_RESET_WATCHES = 21,
	XS_TYPE_MAX = 27,
};

#define XS_HDR_SIZE		16
#define XS_PAYLOAD_MAX		4096	/* XENSTORE_PAYLOAD_MAX */
#define XS_ABS_PATH_MAX		3072	/* XENSTORE_ABS_PATH_MAX */
#define XS_REL_PATH_MAX		2048	/* XENSTORE_REL_PATH_MAX */
#define XS_MAX_TXNS		16	/* open transactions per connection */
#define XS_MAX_WATCHES		256	/* watches per connection */
#define XS_OUT_MAX		(256 * 1024)	/* queued reply bytes per conn */
#define XS_MAX_NODES		8192 	/* whole tree: bounds guest memory use */

struct xs_hdr {
	uint32_t type;
	uint32_t req_id;
	uint32_t tx_id;
	uint32_t len;
};

/* One permission entry: 'n'one, 'r'ead, 'w'rite, 'b'oth; [0] is the owner */
struct xs_perm {
	uint16_t domid;
	char mode;
};

struct xs_node {
	char *name;
	struct xs_node *parent;
	struct xs_node *child;		/* first child */
	struct xs_node *next;		/* next sibling */
	char *value;
	unsigned int len;
	struct xs_perm *perms;
	unsigned int nperms;
	uint64_t gen;			/* tree generation of the last change */
};

struct xs_tree {
	struct xs_node *root;
	uint64_t gen;
	unsigned int nnodes;
};

struct xs;
struct xs_conn;

/* Internal watch callback: @path is absolute; runs with the caller's lock. */
typedef void (*xs_watch_fn)(struct xs *xs, const char *path, void *opaque);

/* ---- tree (xs_tree.c) ---- */
int xs_tree_init(struct xs_tree *t);
void xs_tree_destroy(struct xs_tree *t);
int xs_tree_clone(struct xs_tree *dst, const struct xs_tree *src);
struct xs_node *xs_tree_lookup(const struct xs_tree *t, const char *path);
int xs_tree_write(struct xs_tree *t, const char *path, const void *val,
		  unsigned int len, uint16_t creator);
int xs_tree_mkdir(struct xs_tree *t, const char *path, uint16_t creator);
int xs_tree_rm(struct xs_tree *t, const char *path);
int xs_tree_set_perms(struct xs_tree *t, const char *path,
		      const struct xs_perm *perms, unsigned int n);
bool xs_perm_ok(const struct xs_node *n, uint16_t domid, char want);
int xs_parse_perm(const char *s, struct xs_perm *p);
bool xs_path_valid(const char *path, bool allow_special);
/* nearest existing ancestor of @path (or the node itself) */
struct xs_node *xs_tree_nearest(const struct xs_tree *t, const char *path);

/* ---- server (xs_proto.c) ---- */
struct xs *xs_new(uint16_t guest_domid);
void xs_free(struct xs *xs);
/* Connection for domain @domid (the guest's ring). */
struct xs_conn *xs_conn_new(struct xs *xs, uint16_t domid);
void xs_conn_free(struct xs_conn *c);
/* Feed raw request bytes; complete messages are processed at once. */
void xs_conn_feed(struct xs_conn *c, const void *buf, size_t len);
/* Queued output (replies and watch events). */
size_t xs_conn_out_pending(const struct xs_conn *c);
size_t xs_conn_out_peek(const struct xs_conn *c, const void **buf);
void xs_conn_out_consume(struct xs_conn *c, size_t n);
/* Called whenever output is queued for @c (ring backend wakes itself). */
void xs_conn_set_notify(struct xs_conn *c, void (*fn)(void *), void *opaque);
/* Number of protocol errors seen (malformed frames). */
unsigned int xs_conn_errors(const struct xs_conn *c);

/* Internal (domain 0) access used by the monitor and its backends. */
int xs_write(struct xs *xs, const char *path, const char *value);
int xs_writef(struct xs *xs, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Returns a malloc'ed NUL-terminated copy or NULL (errno set). */
char *xs_read(struct xs *xs, const char *path);
int xs_mkdir(struct xs *xs, const char *path);
int xs_rm(struct xs *xs, const char *path);
int xs_set_perms(struct xs *xs, const char *path, const char *perms_csv);
int xs_watch(struct xs *xs, const char *path, xs_watch_fn fn, void *opaque);
int xs_unwatch(struct xs *xs, const char *path, xs_watch_fn fn, void *opaque);

/* Populate the initial tree of xen-abi.md F.3. */
struct xs_domain_info {
	uint16_t domid;
	const char *name;
	uint64_t mem_kib;
	unsigned int vcpus;
	uint32_t store_port;
	uint64_t store_pfn;
	uint32_t console_port;
	uint64_t console_pfn;
	uint64_t target_kib;		/* memory/target; 0: mem_kib */
};
int xs_populate_domain(struct xs *xs, const struct xs_domain_info *di);

/* Error name for a positive errno value ("EINVAL", ...). */
const char *xs_errname(int err);

#endif /* HXEN_XS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* xenstore server internals shared by xs_proto.c, xs_watch.c, xs_txn.c. */
#ifndef HXEN_XS_PRIV_H
#define HXEN_XS_PRIV_H

#include "xs.h"

struct xs_access {		/* first-seen state of a path in a txn */
	char *path;
	bool exists;
	uint64_t gen;
};

enum xs_op_kind { XS_OP_WRITE, XS_OP_MKDIR, XS_OP_RM, XS_OP_PERMS };

struct xs_op {			/* logged mutation, replayed on commit */
	struct xs_op *next;
	enum xs_op_kind kind;
	char *path;
	char *val;
	unsigned int len;
	struct xs_perm *perms;
	unsigned int nperms;
};

struct xs_txn {
	struct xs_txn *next;
	uint32_t id;
	struct xs_tree snap;
	struct xs_access *acc;
	unsigned int nacc, cap;
	struct xs_op *ops, **ops_tail;
};

struct xs_watch {
	struct xs_watch *next;
	struct xs_conn *conn;		/* NULL for an internal watch */
	char *path;			/* absolute, or "@..." */
	char *token;
	bool relative;
	xs_watch_fn fn;
	void *opaque;
};

struct xs_change {		/* a change whose watches fire after the reply */
	struct xs_change *next;
	char *path;
	bool recursive;
};

struct xs_conn {
	struct xs *xs;
	struct xs_conn *next;
	uint16_t domid;
	char home[32];			/* "/local/domain/<domid>" */
	unsigned char in[XS_HDR_SIZE + XS_PAYLOAD_MAX];
	size_t in_len;
	size_t skip;			/* bytes of an oversized frame to drop */
	struct xs_hdr skip_hdr;
	unsigned char *out;
	size_t out_off, out_len, out_cap;
	struct xs_txn *txns;
	unsigned int ntxns;
	uint32_t next_txid;
	unsigned int nwatches;
	unsigned int errors;
	bool dropped_events;
	void (*notify)(void *);
	void *notify_opaque;
};

struct xs {
	struct xs_tree tree;
	uint16_t guest_domid;
	struct xs_conn *conns;
	struct xs_watch *watches;
	struct xs_change *changes, **changes_tail;
	bool firing;
};

/* xs_watch.c */
int xs_watch_add(struct xs *xs, struct xs_conn *c, const char *abs,
		 const char *token, bool relative, xs_watch_fn fn, void *op);
int xs_watch_del(struct xs *xs, struct xs_conn *c, const char *abs,
		 const char *token, xs_watch_fn fn, void *op);
void xs_watch_del_conn(struct xs *xs, struct xs_conn *c);
void xs_watch_fire_one(struct xs *xs, struct xs_watch *w, const char *abs);
void xs_change_queue(struct xs *xs, const char *abs, bool recursive);
void xs_change_flush(struct xs *xs);

/* xs_txn.c */
struct xs_txn *xs_txn_start(struct xs_conn *c);
struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id);
int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit);
void xs_txn_free_all(struct xs_conn *c);
int xs_txn_note(struct xs_txn *t, const char *abs, bool mutation,
		bool subtree);
int xs_txn_log(struct xs_txn *t, enum xs_op_kind kind, const char *abs,
	       const void *val, unsigned int len,
	       const struct xs_perm *perms, unsigned int nperms);

/* xs_proto.c */
void xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id,
		   uint32_t tx_id, const void *p1, size_t l1,
		   const void *p2, size_t l2, bool droppable);
int xs_apply_op(struct xs *xs, struct xs_tree *t, enum xs_op_kind kind,
		const char *abs, const void *val, unsigned int len,
		const struct xs_perm *perms, unsigned int nperms,
		uint16_t domid);

#endif /* HXEN_XS_PRIV_H */

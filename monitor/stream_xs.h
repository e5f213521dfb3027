/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XENSTORE record of the state stream: the tree, the guest
 * connection's watches, open transactions and buffered bytes.  The
 * layout (docs/migration-stream.md) is written and applied by
 * monitor/state_xs.c; hxs_xs_check() (stream_xs.c) checks a blob without
 * any xenstore code, so hxen restore and the stream reader can refuse a
 * bad one before a VM exists.  The cursor helpers are shared by both.
 */
#ifndef MON_STREAM_XS_H
#define MON_STREAM_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HXS_XS_VERSION		1
#define HXS_XS_MAX_NODES	8192	/* XS_MAX_NODES */
#define HXS_XS_MAX_PATH		3072	/* XS_ABS_PATH_MAX */
#define HXS_XS_MAX_VALUE	4096	/* XS_PAYLOAD_MAX */
#define HXS_XS_MAX_PERMS	64
#define HXS_XS_MAX_WATCHES	256
#define HXS_XS_MAX_TXNS		16
#define HXS_XS_MAX_IN		(16 + 4096)
#define HXS_XS_MAX_OUT		(256 * 1024)
#define HXS_XS_MAX_OPS		4096

/* A bounds-checked reader: every get fails once anything is short. */
struct hxs_cur {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static inline const void *hxs_get(struct hxs_cur *c, size_t n)
{
	const void *r = c->p;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return r;
}

static inline uint32_t hxs_get32(struct hxs_cur *c)
{
	const uint8_t *b = hxs_get(c, 4);
	uint32_t v = 0;

	if (b)
		__builtin_memcpy(&v, b, 4);
	return v;
}

static inline uint64_t hxs_get64(struct hxs_cur *c)
{
	const uint8_t *b = hxs_get(c, 8);
	uint64_t v = 0;

	if (b)
		__builtin_memcpy(&v, b, 8);
	return v;
}

/* A growing buffer for the writer. */
struct hxs_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

void hxs_put(struct hxs_buf *b, const void *p, size_t n);
void hxs_put32(struct hxs_buf *b, uint32_t v);
void hxs_put64(struct hxs_buf *b, uint64_t v);

/* 0, or -EINVAL with the reason in @why. */
int hxs_xs_check(const void *blob, size_t len, char *why, size_t whylen);

#endif /* MON_STREAM_XS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore ring pumps.  Rules [docs/misc/xenstore-ring.txt; xen-abi.md F.1]:
 * indexes are free running, masked by the ring size; the guest signals only
 * when a ring was empty (requests) or full (responses), so each pass drains
 * every request byte and the caller always signals after producing output.
 * The ring is guest memory: every index is read once and checked.
 */
#include <string.h>

#include "xs_ring.h"

static inline uint32_t load_idx(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void store_idx(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static int pull_requests(struct xs_ring_page *ring, struct xs_conn *c)
{
	char buf[XS_RING_SIZE];
	uint32_t cons, prod, avail, off, n;
	int ret = 0;

	for (;;) {
		/* a guest that does not read its replies gets no more served */
		if (xs_conn_out_pending(c) > XS_OUT_MAX)
			return ret;
		cons = load_idx(&ring->req_cons);
		prod = load_idx(&ring->req_prod);
		avail = prod - cons;
		if (!avail)
			return ret;
		if (avail > XS_RING_SIZE)
			return XS_RING_BROKEN;
		/* copy out before parsing: the guest may rewrite the ring */
		off = cons & (XS_RING_SIZE - 1);
		n = XS_RING_SIZE - off;
		if (n > avail)
			n = avail;
		memcpy(buf, ring->req + off, n);
		memcpy(buf + n, ring->req, avail - n);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		store_idx(&ring->req_cons, cons + avail);
		/* freeing space in a full ring is worth an event */
		ret |= XS_RING_NOTIFY;
		xs_conn_feed(c, buf, avail);
	}
}

static int push_responses(struct xs_ring_page *ring, struct xs_conn *c)
{
	uint32_t cons, prod, space, off, n, total = 0;
	const unsigned char *out;
	size_t len;

	for (;;) {
		len = xs_conn_out_peek(c, (const void **)&out);
		if (!len)
			break;
		cons = load_idx(&ring->rsp_cons);
		prod = ring->rsp_prod;	/* ours: the guest only reads it */
		if (prod - cons > XS_RING_SIZE)
			return XS_RING_BROKEN;
		space = XS_RING_SIZE - (prod - cons);
		if (!space)
			break;
		if (len > space)
			len = space;
		off = prod & (XS_RING_SIZE - 1);
		n = XS_RING_SIZE - off;
		if (n > len)
			n = len;
		memcpy(ring->rsp + off, out, n);
		memcpy(ring->rsp, out + n, len - n);
		store_idx(&ring->rsp_prod, prod + len);
		xs_conn_out_consume(c, len);
		total += len;
	}
	return total ? XS_RING_NOTIFY : 0;
}

int xs_ring_pump(struct xs_ring_page *ring, struct xs_conn *c)
{
	int ret = pull_requests(ring, c);

	if (ret & XS_RING_BROKEN)
		return ret;
	return ret | push_responses(ring, c);
}

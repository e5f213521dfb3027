// SPDX-License-Identifier: GPL-2.0
/*
 * io/ring.h arithmetic for backends.  Barriers as in ring.h: responses
 * are written before rsp_prod (release), and the event index is set
 * before req_prod/rsp_event are read again (full fence), else an event
 * can be lost between our last look and the guest's next request.
 */
#include <errno.h>
#include <string.h>

#include "devices/be_ring.h"

int be_ring_init(struct be_ring *r, void *shared, size_t bytes,
		 size_t ent_size)
{
	size_t n;

	memset(r, 0, sizeof(*r));
	if (!shared || bytes <= sizeof(struct be_sring) || !ent_size)
		return -EINVAL;
	n = (bytes - sizeof(struct be_sring)) / ent_size;
	if (!n || n > (1u << 20))
		return -EINVAL;
	r->size = 1;
	while (r->size * 2 <= n)
		r->size *= 2;
	r->s = shared;
	r->ent_size = ent_size;
	/* the frontend initialised the indices; start where it says */
	r->req_cons = r->rsp_prod_pvt = r->rsp_pushed =
		__atomic_load_n(&r->s->rsp_prod, __ATOMIC_ACQUIRE);
	return 0;
}

int be_ring_pending(const struct be_ring *r)
{
	uint32_t prod = __atomic_load_n(&r->s->req_prod, __ATOMIC_ACQUIRE);
	/* responses are produced on completion threads */
	uint32_t rsp = __atomic_load_n(&r->rsp_prod_pvt, __ATOMIC_ACQUIRE);

	/* more outstanding than slots: garbage or a hostile guest */
	if (prod - rsp > r->size ||
	    prod - r->req_cons > r->size)
		return -1;
	return prod - r->req_cons;
}

void be_ring_take(struct be_ring *r, void *req)
{
	uint32_t i = r->req_cons & (r->size - 1);

	memcpy(req, r->s->ring + (size_t)i * r->ent_size, r->ent_size);
	r->req_cons++;
}

int be_ring_final_check(struct be_ring *r)
{
	int n = be_ring_pending(r);

	if (n)
		return n;
	__atomic_store_n(&r->s->req_event, r->req_cons + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return be_ring_pending(r);
}

void *be_ring_rsp_slot(struct be_ring *r)
{
	uint32_t i = __atomic_fetch_add(&r->rsp_prod_pvt, 1, __ATOMIC_RELEASE) &
		     (r->size - 1);

	return r->s->ring + (size_t)i * r->ent_size;
}

bool be_ring_push(struct be_ring *r)
{
	/* our own last value, not the shared one the guest could rewrite */
	uint32_t old = r->rsp_pushed, new = r->rsp_prod_pvt;

	if (old == new)
		return false;
	r->rsp_pushed = new;

	__atomic_store_n(&r->s->rsp_prod, new, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (uint32_t)(new - __atomic_load_n(&r->s->rsp_event,
						 __ATOMIC_RELAXED)) <
	       (uint32_t)(new - old);
}

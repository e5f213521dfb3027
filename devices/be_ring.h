/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend's side of an io/ring.h shared ring [xen/include/public/io/
 * ring.h, xen-abi.md G.1]: a 64-byte header (req_prod, req_event,
 * rsp_prod, rsp_event, padding) then a power-of-two array of entries, each
 * the size of the request/response union.  Indices are free-running u32.
 *
 * The guest writes req_prod and rsp_event and may change them at any
 * time: every read of them is one load, checked before use.  Requests
 * must be copied out of the ring before they are validated.
 */
#ifndef HXEN_BE_RING_H
#define HXEN_BE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct be_sring {
	uint32_t req_prod, req_event;
	uint32_t rsp_prod, rsp_event;
	uint8_t pad[48];
	uint8_t ring[];
};

_Static_assert(sizeof(struct be_sring) == 64, "sring header");

struct be_ring {
	struct be_sring *s;
	uint32_t size;		/* entries */
	uint32_t ent_size;	/* bytes per entry: the union's size */
	uint32_t req_cons;	/* next request to take */
	uint32_t rsp_prod_pvt;	/* next response slot */
	uint32_t rsp_pushed;	/* rsp_prod as we last published it */
};

/*
 * @bytes of shared memory at @shared (a whole number of pages), entries of
 * @ent_size bytes: size = the largest power of two that fits, as
 * __RING_SIZE computes.  0 or -EINVAL.
 */
int be_ring_init(struct be_ring *r, void *shared, size_t bytes,
		 size_t ent_size);

/*
 * Requests the guest has produced and we have not taken: 0..size, or -1
 * when req_prod is more than a ring's worth ahead of our responses
 * (RING_REQUEST_PROD_OVERFLOW): the ring cannot be trusted.
 */
int be_ring_pending(const struct be_ring *r);

/* Copy request @r->req_cons out of the ring and advance req_cons. */
void be_ring_take(struct be_ring *r, void *req);

/*
 * RING_FINAL_CHECK_FOR_REQUESTS: with nothing pending, ask the guest for
 * an event on its next request (req_event = req_cons + 1), then look
 * again, so a request produced in between is not missed.  Returns the
 * pending count as be_ring_pending().
 */
int be_ring_final_check(struct be_ring *r);

/*
 * The slot for the next response, which is taken: write it, and publish
 * it (with any others) by be_ring_push().
 */
void *be_ring_rsp_slot(struct be_ring *r);
/*
 * Publish the responses written so far (RING_PUSH_RESPONSES_AND_CHECK_
 * NOTIFY): true when the guest asked to be notified (rsp_event passed).
 */
bool be_ring_push(struct be_ring *r);

#endif /* HXEN_BE_RING_H */

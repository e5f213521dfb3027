// SPDX-License-Identifier: GPL-2.0
/*
 * xencons ring arithmetic.  Indexes are free-running u32, masked by the
 * array sizes; the guest owns out_prod and in_cons, we own out_cons and
 * in_prod.  Guest-written indexes are read once and checked: a guest that
 * claims more than a ring's worth cannot make us read outside it.
 */
#include <string.h>

#include "devices/be_console.h"

static inline uint32_t ld_acq(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void st_rel(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

long cons_ring_take_output(struct xencons_ring *r, void *buf, size_t len)
{
	uint32_t cons = r->out_cons, prod = ld_acq(&r->out_prod);
	uint32_t avail = prod - cons, off, n;

	if (avail > XENCONS_OUT_SIZE) {
		st_rel(&r->out_cons, prod);
		return -1;
	}
	if (avail > len)
		avail = len;
	off = cons & (XENCONS_OUT_SIZE - 1);
	n = XENCONS_OUT_SIZE - off < avail ? XENCONS_OUT_SIZE - off : avail;
	memcpy(buf, r->out + off, n);
	memcpy((char *)buf + n, r->out, avail - n);
	/* the copy is done before the guest may reuse the space */
	st_rel(&r->out_cons, cons + avail);
	return avail;
}

long cons_ring_input_space(const struct xencons_ring *r)
{
	uint32_t used = r->in_prod - ld_acq(&r->in_cons);

	return used > XENCONS_IN_SIZE ? -1 : (long)(XENCONS_IN_SIZE - used);
}

size_t cons_ring_put_input(struct xencons_ring *r, const void *buf,
			   size_t len)
{
	long space = cons_ring_input_space(r);
	uint32_t prod = r->in_prod;
	size_t i;

	if (space <= 0)
		return 0;
	if (len > (size_t)space)
		len = space;
	for (i = 0; i < len; i++)
		r->in[(prod + i) & (XENCONS_IN_SIZE - 1)] =
			((const char *)buf)[i];
	/* data before the index [console.h: wmb() before in_prod] */
	st_rel(&r->in_prod, prod + len);
	return len;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * One netif queue: a TX ring (guest → host) and an RX ring (host →
 * guest) on one event channel, as Linux's netfront makes them when the
 * backend offers no split channels [xen-abi.md G.3, netif.h].
 *
 * TX: on every wake-up the worker takes every complete packet the guest
 * produced, at most NET_TX_BATCH slots (then it wakes itself, so a flood
 * cannot hold the transport's lock for ever), checks each slot, gathers
 * the packet from the granted pages and hands it to the transport; one
 * response per slot (NETIF_RSP_NULL for extra-info slots), published
 * once per wake-up, the guest notified only when rsp_event asks.
 *
 * RX: the transport's thread hands frames in; each goes straight into
 * the guest's posted buffers (one rx request per page, the response in
 * the request's slot), or, while the guest has too few posted, into a
 * bounded backlog that the worker drains when the guest posts more
 * (feature-rx-notify: the guest notifies when req_event asks).  The
 * transport closes each burst with rx_flush(): one publish, one kick.
 *
 * A bad packet (size 0 or too small, slots over NETIF_MAX_SLOTS, a slot
 * crossing its page, fragments larger than the packet, a bad grant, an
 * unknown or repeated extra-info type) is dropped and counted: its slots
 * get NETIF_RSP_ERROR.  Runaway indices, or a packet that never ends in
 * a full ring, make the ring untrustworthy: the vif faults (one line).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_net.h"
#include "monitor/log.h"

#define PAGE	4096u

/* Copy slot @k past req_cons out of the ring, without taking it. */
static void peek(const struct be_ring *r, uint32_t k, void *out)
{
	uint32_t i = (r->req_cons + k) & (r->size - 1);

	memcpy(out, r->s->ring + (size_t)i * r->ent_size, r->ent_size);
}

static void tx_respond(struct net_queue *q, uint16_t id, int16_t status)
{
	struct netif_tx_response *rsp = be_ring_rsp_slot(&q->tx);

	memset(rsp, 0, sizeof(union netif_tx_entry));
	rsp->id = id;
	rsp->status = status;
}

/* One packet's slots, as parsed. */
struct tx_pkt {
	unsigned int nslots;		/* ring slots, extras included */
	unsigned int ndata;
	struct netif_tx_request data[NETIF_MAX_SLOTS];
	bool is_data[NETIF_MAX_SLOTS + NETIF_MAX_EXTRAS];
	uint16_t ids[NETIF_MAX_SLOTS + NETIF_MAX_EXTRAS];
	struct netif_extra_info gso;
	bool has_gso;
	const char *bad;		/* why it is dropped, NULL if fine */
};

enum { PKT_OK, PKT_SHORT, PKT_RUNAWAY };

/*
 * Parse the packet at req_cons from the @n slots available.  PKT_SHORT:
 * it does not end within them.  A malformed packet is PKT_OK with
 * ->bad set; its slots are still counted (to the end of its chain, or
 * the first NETIF_MAX_SLOTS + NETIF_MAX_EXTRAS slots if it is longer).
 */
static int tx_parse(struct net_queue *q, uint32_t n, struct tx_pkt *p)
{
	unsigned int k = 0, extras_seen = 0;
	bool more = true, extra_next = false;

	memset(p, 0, sizeof(*p));
	while (more || extra_next) {
		union netif_tx_entry e;

		if (k == n)
			return PKT_SHORT;
		if (k == NETIF_MAX_SLOTS + NETIF_MAX_EXTRAS) {
			/*
			 * Longer than any packet can be: drop what we have
			 * and resynchronise on the next slot.  The rest of
			 * the chain is parsed as packets of its own and
			 * dropped in the same way or as runts.
			 */
			p->bad = "more slots than a packet may have";
			break;
		}
		peek(&q->tx, k, &e);
		if (extra_next) {
			unsigned int t = e.extra.type;

			p->ids[k] = 0;
			p->is_data[k++] = false;
			if (t == NETIF_EXTRA_TYPE_NONE ||
			    t >= NETIF_EXTRA_TYPE_MAX)
				p->bad = "unknown extra-info type";
			else if (extras_seen & (1u << t))
				p->bad = "extra-info type repeated";
			else if (t != NETIF_EXTRA_TYPE_GSO)
				p->bad = "extra-info type not offered";
			extras_seen |= 1u << t;
			if (t == NETIF_EXTRA_TYPE_GSO) {
				p->gso = e.extra;
				p->has_gso = true;
			}
			extra_next = e.extra.flags & NETIF_EXTRA_FLAG_MORE;
			continue;
		}
		p->ids[k] = e.req.id;
		p->is_data[k++] = true;
		if (p->ndata == NETIF_MAX_SLOTS) {
			p->bad = "more slots than a packet may have";
		} else {
			p->data[p->ndata] = e.req;
		}
		p->ndata++;
		more = e.req.flags & NETTXF_MORE_DATA;
		/* extra info follows only the first slot in Linux's use */
		extra_next = e.req.flags & NETTXF_EXTRA_INFO;
		if (extra_next && p->ndata > 1)
			p->bad = "extra info after a later slot";
	}
	p->nslots = k;
	return PKT_OK;
}

/* Check the data slots; fill @iov with the granted pages (pinned). */
static const char *tx_map(struct net_queue *q, struct tx_pkt *p,
			  struct iovec *iov, unsigned int *held)
{
	const struct netif_tx_request *d = p->data;
	uint32_t rest = 0, first;

	*held = 0;
	if (p->ndata > NETIF_MAX_SLOTS)
		return "more slots than a packet may have";
	if (d[0].size < NET_MIN_FRAME)
		return d[0].size ? "packet shorter than an Ethernet header" :
				   "packet of size 0";
	for (unsigned int i = 1; i < p->ndata; i++) {
		if (!d[i].size)
			return "fragment of size 0";
		if (d[i].offset + (uint32_t)d[i].size > PAGE)
			return "fragment crosses its page";
		rest += d[i].size;
	}
	if (rest >= d[0].size)
		return "fragments larger than the packet";
	first = d[0].size - rest;
	if (d[0].offset + first > PAGE)
		return "first slot crosses its page";
	if (p->has_gso) {
		uint8_t t = p->gso.u.gso.type;

		if ((t != NETIF_GSO_TYPE_TCPV4 && t != NETIF_GSO_TYPE_TCPV6) ||
		    !p->gso.u.gso.size)
			return "bad GSO extra info";
	}
	for (unsigned int i = 0; i < p->ndata; i++) {
		void *page;

		if (be_grant_get(q->nd->gt, d[i].gref, false, &page))
			return "bad grant reference";
		(*held)++;
		iov[i].iov_base = (char *)page + d[i].offset;
		iov[i].iov_len = i ? d[i].size : first;
	}
	return NULL;
}

static void tx_unmap(struct net_queue *q, struct tx_pkt *p, unsigned int held)
{
	for (unsigned int i = 0; i < held; i++)
		be_grant_put(q->nd->gt, p->data[i].gref, false);
}

/* Hand a mapped packet to the transport: 0, or -errno. */
static int tx_send(struct net_queue *q, struct tx_pkt *p, struct iovec *iov)
{
	struct net_xport *x = q->nd->xport;
	const struct netif_tx_request *d = p->data;
	struct net_offload off = { 0 };
	struct iovec one;
	size_t len = 0;

	if (d[0].flags & NETTXF_CSUM_BLANK)
		off.csum_partial = true;
	else if (d[0].flags & NETTXF_DATA_VALIDATED)
		off.csum_valid = true;
	if (p->has_gso) {
		off.gso_type = p->gso.u.gso.type == NETIF_GSO_TYPE_TCPV4 ?
			       NET_GSO_TCPV4 : NET_GSO_TCPV6;
		off.gso_size = p->gso.u.gso.size;
	}
	if (!x)
		return -ENOTCONN;
	if (x->ops->can_offload) {
		/* straight from the guest's pages: the headers are looked at */
		uint8_t hdr[128];
		size_t n = 0;

		for (unsigned int i = 0; i < p->ndata && n < sizeof(hdr); i++) {
			size_t c = iov[i].iov_len;

			if (c > sizeof(hdr) - n)
				c = sizeof(hdr) - n;
			memcpy(hdr + n, iov[i].iov_base, c);
			n += c;
		}
		if (!off.csum_partial || !net_l4_offsets(hdr, n, &off))
			return x->ops->send(x, iov, p->ndata, &off);
		if (off.gso_type)
			return -EINVAL;
	}
	/* one copy: the transport wants finished, contiguous frames */
	for (unsigned int i = 0; i < p->ndata; i++) {
		memcpy(q->txbuf + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	if (off.csum_partial) {
		if (net_csum_complete(q->txbuf, len))
			return -EINVAL;
		off.csum_partial = false;
		off.csum_valid = true;
	}
	one.iov_base = q->txbuf;
	one.iov_len = len;
	return x->ops->send(x, &one, 1, &off);
}

static void tx_packet(struct net_queue *q, struct tx_pkt *p)
{
	struct iovec iov[NETIF_MAX_SLOTS];
	unsigned int held = 0;
	int16_t status = NETIF_RSP_OKAY;
	const char *bad = p->bad;

	if (!bad)
		bad = tx_map(q, p, iov, &held);
	if (!bad) {
		int r = tx_send(q, p, iov);

		if (r) {
			q->st.tx_dropped++;
			status = NETIF_RSP_DROPPED;
		} else {
			q->st.tx_frames++;
			q->st.tx_bytes += p->data[0].size;
		}
	} else {
		q->st.tx_errors++;
		status = NETIF_RSP_ERROR;
		if (q->st.tx_errors <= 5)
			mon_info("%s: dropped a TX packet: %s%s", q->name, bad,
				 q->st.tx_errors == 5 ? " (no more reported)" :
				 "");
	}
	tx_unmap(q, p, held);
	for (unsigned int k = 0; k < p->nslots; k++) {
		if (p->is_data[k]) {
			tx_respond(q, p->ids[k], status);
		} else {
			tx_respond(q, 0, NETIF_RSP_NULL);
		}
	}
}

static void fault(struct net_queue *q, const char *why)
{
	q->dead = true;
	be_dev_fault(q->nd->dev, why);
}

/* Take the guest's packets; true if the batch budget ran out. */
static bool tx_process(struct net_queue *q)
{
	unsigned int budget = NET_TX_BATCH;
	struct tx_pkt p;

	for (;;) {
		int n = be_ring_pending(&q->tx);

		if (n < 0) {
			fault(q, "TX ring indices out of range");
			return false;
		}
		if (!n) {
			n = be_ring_final_check(&q->tx);
			if (n <= 0) {
				if (n < 0)
					fault(q, "TX ring indices out of range");
				return false;
			}
		}
		if (!budget)
			return true;
		switch (tx_parse(q, n, &p)) {
		case PKT_SHORT:
			if ((uint32_t)n >= q->tx.size) {
				fault(q, "TX packet longer than the ring");
				return false;
			}
			/* ask for an event when the rest comes, look again */
			__atomic_store_n(&q->tx.s->req_event,
					 q->tx.req_cons + n + 1,
					 __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (be_ring_pending(&q->tx) != n)
				continue;
			return false;
		default:
			break;
		}
		q->tx.req_cons += p.nslots;
		tx_packet(q, &p);
		budget = p.nslots >= budget ? 0 : budget - p.nslots;
	}
}

/* ---- RX ---- */

static size_t iov_len(const struct iovec *iov, int n)
{
	size_t len = 0;

	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

static unsigned int rx_slots(size_t len, const struct net_offload *off)
{
	return (len + PAGE - 1) / PAGE + (off->gso_type ? 1 : 0);
}

/* Copy @len bytes from the iovec cursor into @dst. */
static void iov_pull(const struct iovec *iov, int n, int *ii, size_t *io,
		     uint8_t *dst, size_t len)
{
	while (len && *ii < n) {
		size_t c = iov[*ii].iov_len - *io;

		if (c > len)
			c = len;
		memcpy(dst, (const uint8_t *)iov[*ii].iov_base + *io, c);
		dst += c;
		len -= c;
		*io += c;
		if (*io == iov[*ii].iov_len) {
			(*ii)++;
			*io = 0;
		}
	}
}

/*
 * Put one frame into the guest's buffers: false (nothing taken) when too
 * few are posted.  rx_lock held.
 */
static bool rx_put(struct net_queue *q, const struct iovec *iov, int n,
		   size_t len, const struct net_offload *off)
{
	struct net_dev *nd = q->nd;
	unsigned int need = rx_slots(len, off);
	int pending = be_ring_pending(&q->rx);
	size_t done = 0;
	int ii = 0;
	size_t io = 0;
	bool first = true, failed = false;

	if (pending < 0) {
		fault(q, "RX ring indices out of range");
		return true;
	}
	if ((unsigned int)pending < need)
		return false;
	while (first || done < len) {
		struct netif_rx_request req;
		struct netif_rx_response *rsp;
		size_t c = len - done > PAGE ? PAGE : len - done;
		uint16_t flags = 0;
		void *page;

		be_ring_take(&q->rx, &req);
		if (!be_grant_get(nd->gt, req.gref, true, &page)) {
			iov_pull(iov, n, &ii, &io, page, c);
			be_grant_put(nd->gt, req.gref, true);
		} else {
			failed = true;
		}
		if (first) {
			if (off->csum_partial)
				flags |= NETRXF_CSUM_BLANK |
					 NETRXF_DATA_VALIDATED;
			else if (off->csum_valid)
				flags |= NETRXF_DATA_VALIDATED;
			if (off->gso_type)
				flags |= NETRXF_EXTRA_INFO;
		}
		if (done + c < len)
			flags |= NETRXF_MORE_DATA;
		rsp = be_ring_rsp_slot(&q->rx);
		memset(rsp, 0, sizeof(*rsp));
		rsp->id = req.id;
		rsp->offset = 0;
		rsp->flags = flags;
		rsp->status = failed ? NETIF_RSP_ERROR : (int16_t)c;
		done += c;
		if (first && off->gso_type) {
			/* the extra-info slot follows the first one */
			struct netif_extra_info *x;

			be_ring_take(&q->rx, &req);
			x = be_ring_rsp_slot(&q->rx);
			memset(x, 0, sizeof(*x));
			x->type = NETIF_EXTRA_TYPE_GSO;
			x->u.gso.size = off->gso_size;
			x->u.gso.type = off->gso_type == NET_GSO_TCPV4 ?
					NETIF_GSO_TYPE_TCPV4 :
					NETIF_GSO_TYPE_TCPV6;
		}
		first = false;
	}
	if (failed) {
		q->st.rx_dropped++;
	} else {
		q->st.rx_frames++;
		q->st.rx_bytes += len;
	}
	q->rx_notify = true;
	return true;
}

/* Ask the guest to tell us when it posts beyond what it has now. */
static bool rx_wait_buffers(struct net_queue *q, unsigned int need)
{
	int pending = be_ring_pending(&q->rx);

	if (pending < 0)
		return false;
	__atomic_store_n(&q->rx.s->req_event, q->rx.req_cons + pending + 1,
			 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pending = be_ring_pending(&q->rx);
	return pending >= 0 && (unsigned int)pending >= need;
}

static bool bl_push(struct net_queue *q, const struct iovec *iov, int n,
		    size_t len, const struct net_offload *off)
{
	struct net_rx_frame *f;
	int ii = 0;
	size_t io = 0;

	if (q->bl_count == NET_RX_BACKLOG)
		return false;
	f = &q->backlog[(q->bl_head + q->bl_count) % NET_RX_BACKLOG];
	f->data = malloc(len);
	if (!f->data)
		return false;
	iov_pull(iov, n, &ii, &io, f->data, len);
	f->len = len;
	f->off = *off;
	q->bl_count++;
	return true;
}

/* Move backlogged frames into the guest's buffers; rx_lock held. */
static void bl_drain(struct net_queue *q)
{
	while (q->bl_count && !q->dead) {
		struct net_rx_frame *f = &q->backlog[q->bl_head];
		struct iovec v = { f->data, f->len };

		if (!rx_put(q, &v, 1, f->len, &f->off)) {
			if (rx_wait_buffers(q, rx_slots(f->len, &f->off)))
				continue;
			return;
		}
		free(f->data);
		f->data = NULL;
		q->bl_head = (q->bl_head + 1) % NET_RX_BACKLOG;
		q->bl_count--;
	}
}

static void bl_clear(struct net_queue *q)
{
	while (q->bl_count) {
		free(q->backlog[q->bl_head].data);
		q->backlog[q->bl_head].data = NULL;
		q->bl_head = (q->bl_head + 1) % NET_RX_BACKLOG;
		q->bl_count--;
	}
}

void net_queue_rx(struct net_queue *q, const struct iovec *iov, int iovcnt,
		  const struct net_offload *off)
{
	size_t len = iov_len(iov, iovcnt);

	pthread_mutex_lock(&q->rx_lock);
	if (!q->rx_open || q->dead || !len || len > NET_MAX_FRAME ||
	    rx_slots(len, off) > NETIF_MAX_SLOTS) {
		q->st.rx_dropped++;
		goto out;
	}
	bl_drain(q);
	if (q->bl_count || !rx_put(q, iov, iovcnt, len, off)) {
		if (!bl_push(q, iov, iovcnt, len, off))
			q->st.rx_dropped++;
		else if (q->bl_count == 1)
			rx_wait_buffers(q, rx_slots(len, off));
		bl_drain(q);
	}
out:
	pthread_mutex_unlock(&q->rx_lock);
}

bool net_queue_rx_flush(struct net_queue *q)
{
	bool kick = false;

	pthread_mutex_lock(&q->rx_lock);
	if (q->rx_notify && q->rx_open) {
		kick = be_ring_push(&q->rx);
		q->rx_notify = false;
	}
	pthread_mutex_unlock(&q->rx_lock);
	return kick;
}

void net_queue_process(struct net_queue *q)
{
	bool more, kick;

	if (q->dead)
		return;
	more = tx_process(q);
	kick = be_ring_push(&q->tx);
	pthread_mutex_lock(&q->rx_lock);
	bl_drain(q);
	pthread_mutex_unlock(&q->rx_lock);
	kick |= net_queue_rx_flush(q);
	if (kick && q->w.kick_fd >= 0)
		be_worker_kick(&q->w);
	if (more && be_worker_running(&q->w))
		be_worker_wake(&q->w);
}

static void queue_work(struct be_worker *w, bool notified, short revents)
{
	net_queue_process(w->opaque);
}

int net_queue_init(struct net_queue *q)
{
	q->txbuf = malloc(NET_MAX_FRAME);
	if (!q->txbuf)
		return -ENOMEM;
	pthread_mutex_init(&q->rx_lock, NULL);
	q->bl_head = q->bl_count = 0;
	q->dead = false;
	q->rx_open = false;
	q->rx_notify = false;
	q->w.kick_fd = -1;
	return 0;
}

void net_queue_fini(struct net_queue *q)
{
	if (!q->txbuf)
		return;
	pthread_mutex_lock(&q->rx_lock);
	q->rx_open = false;
	bl_clear(q);
	pthread_mutex_unlock(&q->rx_lock);
	pthread_mutex_destroy(&q->rx_lock);
	free(q->txbuf);
	q->txbuf = NULL;
}

int net_queue_start(struct net_queue *q)
{
	int r;

	q->w = (struct be_worker){
		.name = q->name, .notify_fd = q->ch.notify_fd,
		.kick_fd = q->ch.kick_fd,
		.work = queue_work, .opaque = q,
	};
	pthread_mutex_lock(&q->rx_lock);
	q->rx_open = true;
	pthread_mutex_unlock(&q->rx_lock);
	r = be_worker_start(&q->w);
	/* requests (and RX buffers) may be there before the port was bound */
	if (!r)
		be_worker_wake(&q->w);
	return r;
}

void net_queue_stop(struct net_queue *q)
{
	pthread_mutex_lock(&q->rx_lock);
	q->rx_open = false;
	pthread_mutex_unlock(&q->rx_lock);
	be_worker_stop(&q->w);
}

void net_dev_stats(struct net_dev *nd, struct net_stats *out)
{
	*out = nd->old;
	for (unsigned int i = 0; i < nd->nr_queues; i++) {
		struct net_queue *q = &nd->queues[i];

		pthread_mutex_lock(&q->rx_lock);
		out->tx_frames += q->st.tx_frames;
		out->tx_bytes += q->st.tx_bytes;
		out->tx_dropped += q->st.tx_dropped;
		out->tx_errors += q->st.tx_errors;
		out->rx_frames += q->st.rx_frames;
		out->rx_bytes += q->st.rx_bytes;
		out->rx_dropped += q->st.rx_dropped;
		pthread_mutex_unlock(&q->rx_lock);
	}
}

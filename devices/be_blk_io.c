// SPDX-License-Identifier: GPL-2.0
/*
 * One blkif ring.  On every wake-up the worker takes every request the
 * guest has produced, copies it out of the ring, checks it, and hands it
 * to the disk layer with iovecs that point straight into the granted
 * pages (no bounce buffer), all of a batch in one disk_submitv() (one
 * io_uring_submit for raw images); then RING_FINAL_CHECK_FOR_REQUESTS.  Each
 * completion, on a disk-layer thread, drops the grants and writes the
 * response; if rsp_event asks for a notification, it is sent once at the
 * end of that thread's batch of completions (disk_defer).  Nothing on
 * the worker waits for I/O.
 *
 * A bad request (bad grant, too many segments, sectors outside the page
 * or the disk, a write to a read-only disk, garbage in an indirect page)
 * gets BLKIF_RSP_ERROR, an unknown operation BLKIF_RSP_EOPNOTSUPP, as
 * Linux's blkback answers them.  Runaway ring indices make the ring
 * untrustworthy: the device faults (be_dev_fault) and goes to Closing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_blk.h"
#include "monitor/log.h"

static struct blk_io *io_get(struct blk_queue *q)
{
	struct blk_io *io;

	pthread_mutex_lock(&q->lock);
	io = q->free_ios;
	if (io) {
		q->free_ios = io->next_free;
		q->inflight++;
	}
	pthread_mutex_unlock(&q->lock);
	return io;
}

static void put_grants(struct blk_queue *q, struct blk_io *io,
		       unsigned int n)
{
	/* a READ wrote into the guest's pages: those grants were writable */
	for (unsigned int i = 0; i < n; i++)
		be_grant_put(q->bd->gt, io->grefs[i], !io->write);
}

/*
 * The guest's notification, at the end of a batch of responses
 * (disk_defer).  The pending kick counts as in flight, so that
 * blk_queue_stop() cannot free the queue under it; the flag is cleared
 * before the kick, so a response pushed meanwhile schedules its own.
 */
static void kick_deferred(void *arg)
{
	struct blk_queue *q = arg;

	pthread_mutex_lock(&q->lock);
	q->kick_pending = false;
	pthread_mutex_unlock(&q->lock);
	be_worker_kick(&q->w);
	pthread_mutex_lock(&q->lock);
	if (!--q->inflight)
		pthread_cond_broadcast(&q->idle);
	pthread_mutex_unlock(&q->lock);
}

/*
 * Write the response of @io and recycle it; any thread.  The kick, if
 * rsp_event asks for one, waits for the end of the batch.
 */
static void respond(struct blk_queue *q, struct blk_io *io, int16_t status)
{
	struct blkif_response *rsp;
	bool notify;

	pthread_mutex_lock(&q->lock);
	rsp = be_ring_rsp_slot(&q->ring);
	/* the guest reads whole entries: no stale request bytes in it */
	memset(rsp, 0, sizeof(*rsp));
	rsp->id = io->id;
	rsp->operation = io->op;
	rsp->status = status;
	notify = be_ring_push(&q->ring) && !q->kick_pending;
	if (status != BLKIF_RSP_OKAY)
		q->nerr++;
	io->next_free = q->free_ios;
	q->free_ios = io;
	if (notify)
		q->kick_pending = true;		/* keeps io's count */
	else if (!--q->inflight)
		pthread_cond_broadcast(&q->idle);
	pthread_mutex_unlock(&q->lock);
	if (notify)
		disk_defer(kick_deferred, q);
}

static void io_done(struct disk_req *req, int result)
{
	struct blk_io *io = req->opaque;
	struct blk_queue *q = io->q;

	if (!result && io->flush_after) {
		/* FLUSH with data: the write is done, now make it stable */
		io->flush_after = false;
		put_grants(q, io, io->nseg);
		io->nseg = 0;
		io->dreq.op = DISK_FLUSH;
		io->dreq.iov = NULL;
		io->dreq.iovcnt = 0;
		disk_submit(q->bd->disk, &io->dreq);
		return;
	}
	put_grants(q, io, io->nseg);
	if (result)
		mon_dbg("%s: %s at sector %llu: %s", q->name,
			io->dreq.op == DISK_READ ? "read" :
			io->dreq.op == DISK_WRITE ? "write" :
			io->dreq.op == DISK_FLUSH ? "flush" : "discard",
			(unsigned long long)(io->dreq.offset / DISK_SECTOR),
			strerror(-result));
	respond(q, io, result ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);
}

/*
 * Map the segments into iovecs.  A segment that starts where the last one
 * ended in the monitor's view of guest RAM (guest-physically contiguous
 * pages, whole sectors) extends its iovec: fewer, longer iovecs for the
 * disk layer and the host kernel's copy.  Returns the byte count, or -1
 * after dropping the grants already taken.
 */
static long map_segments(struct blk_queue *q, struct blk_io *io,
			 const struct blkif_segment *seg, unsigned int n)
{
	struct iovec *v = NULL;
	long bytes = 0;

	io->nseg = 0;
	io->niov = 0;
	for (unsigned int i = 0; i < n; i++) {
		unsigned int first = seg[i].first_sect, last = seg[i].last_sect;
		size_t len = (last - first + 1) * DISK_SECTOR;
		char *base;
		void *page;

		/* inside the page, in order [blkif.h: 0 <= first <= last <= 7] */
		if (first > last || last >= 4096 / DISK_SECTOR)
			goto bad;
		if (be_grant_get(q->bd->gt, seg[i].gref, !io->write, &page))
			goto bad;
		io->grefs[i] = seg[i].gref;
		io->nseg = i + 1;
		base = (char *)page + first * DISK_SECTOR;
		if (v && (char *)v->iov_base + v->iov_len == base) {
			v->iov_len += len;
		} else {
			v = &io->iov[io->niov++];
			v->iov_base = base;
			v->iov_len = len;
		}
		bytes += len;
	}
	return bytes;
bad:
	put_grants(q, io, io->nseg);
	io->nseg = 0;
	return -1;
}

/* The segment list of an indirect request, copied out of its pages. */
static int read_indirect(struct blk_queue *q,
			 const struct blkif_request_indirect *r,
			 struct blkif_segment *seg, unsigned int nseg)
{
	unsigned int pages = (nseg + BLKIF_SEGS_PER_INDIRECT_PAGE - 1) /
			     BLKIF_SEGS_PER_INDIRECT_PAGE;

	for (unsigned int p = 0; p < pages; p++) {
		unsigned int n = nseg - p * BLKIF_SEGS_PER_INDIRECT_PAGE;

		if (n > BLKIF_SEGS_PER_INDIRECT_PAGE)
			n = BLKIF_SEGS_PER_INDIRECT_PAGE;
		/* a copy: the guest may rewrite the page while we check it */
		if (be_grant_copy(q->bd->gt, r->indirect_grefs[p], 0,
				  seg + p * BLKIF_SEGS_PER_INDIRECT_PAGE,
				  n * sizeof(*seg), false))
			return -1;
	}
	return 0;
}

/* Started requests go to the disk layer together, in blk_queue_process(). */
static void queue_req(struct blk_queue *q, struct blk_io *io)
{
	q->batch[q->nbatch++] = &io->dreq;
}

static void submit_batch(struct blk_queue *q)
{
	if (q->nbatch)
		disk_submitv(q->bd->disk, q->batch, (int)q->nbatch);
	q->nbatch = 0;
	q->batch_bytes = 0;
}

static bool range_ok(const struct blk_dev *bd, uint64_t sector,
		     uint64_t count)
{
	return sector <= bd->sectors && count <= bd->sectors - sector;
}

/* READ, WRITE, FLUSH with data, INDIRECT; 0 submitted, else a status. */
static int16_t start_rw(struct blk_queue *q, struct blk_io *io,
			const union blkif_ring_entry *e)
{
	static __thread struct blkif_segment iseg[BLK_MAX_INDIRECT_SEGS];
	const struct blkif_segment *seg = e->req.seg;
	struct blk_dev *bd = q->bd;
	uint64_t sector = e->req.sector_number;
	unsigned int nseg = e->req.nr_segments;
	uint8_t op = e->req.operation;
	long bytes;

	if (op == BLKIF_OP_INDIRECT) {
		op = e->indirect.indirect_op;
		nseg = e->indirect.nr_segments;
		sector = e->indirect.sector_number;
		io->op = op;
		if ((op != BLKIF_OP_READ && op != BLKIF_OP_WRITE) || !nseg ||
		    nseg > BLK_MAX_INDIRECT_SEGS)
			return BLKIF_RSP_ERROR;
		if (read_indirect(q, &e->indirect, iseg, nseg))
			return BLKIF_RSP_ERROR;
		seg = iseg;
	} else if (nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST ||
		   (!nseg && op != BLKIF_OP_FLUSH_DISKCACHE)) {
		return BLKIF_RSP_ERROR;
	}
	io->write = op != BLKIF_OP_READ;
	if (io->write && bd->info.readonly)
		return BLKIF_RSP_ERROR;
	if (op == BLKIF_OP_FLUSH_DISKCACHE && !nseg) {
		io->dreq.op = DISK_FLUSH;
		io->nseg = 0;
		queue_req(q, io);
		return 0;
	}
	bytes = map_segments(q, io, seg, nseg);
	if (bytes < 0)
		return BLKIF_RSP_ERROR;
	if (!range_ok(bd, sector, bytes / DISK_SECTOR)) {
		put_grants(q, io, io->nseg);
		io->nseg = 0;
		return BLKIF_RSP_ERROR;
	}
	io->flush_after = op == BLKIF_OP_FLUSH_DISKCACHE;
	io->dreq.op = io->write ? DISK_WRITE : DISK_READ;
	io->dreq.offset = sector * DISK_SECTOR;
	io->dreq.iov = io->iov;
	io->dreq.iovcnt = io->niov;
	q->batch_bytes += bytes;
	queue_req(q, io);
	return 0;
}

static int16_t start_discard(struct blk_queue *q, struct blk_io *io,
			     const struct blkif_request_discard *r)
{
	struct blk_dev *bd = q->bd;

	/* secure erase is not offered (discard-secure 0) */
	if (!bd->info.discard || (r->flag & BLKIF_DISCARD_SECURE))
		return BLKIF_RSP_EOPNOTSUPP;
	if (bd->info.readonly || !range_ok(bd, r->sector_number, r->nr_sectors))
		return BLKIF_RSP_ERROR;
	io->nseg = 0;
	io->dreq.op = DISK_DISCARD;
	io->dreq.offset = r->sector_number * DISK_SECTOR;
	io->dreq.len = r->nr_sectors * DISK_SECTOR;
	queue_req(q, io);
	return 0;
}

static void start_request(struct blk_queue *q, struct blk_io *io,
			  const union blkif_ring_entry *e)
{
	int16_t status;

	memset(&io->dreq, 0, sizeof(io->dreq));
	io->dreq.done = io_done;
	io->dreq.opaque = io;
	io->id = e->req.id;
	io->op = e->req.operation;
	io->nseg = 0;
	io->flush_after = false;
	q->nreq++;
	switch (e->req.operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
	case BLKIF_OP_INDIRECT:
	case BLKIF_OP_FLUSH_DISKCACHE:
		status = start_rw(q, io, e);
		break;
	case BLKIF_OP_DISCARD:
		status = start_discard(q, io, &e->discard);
		break;
	default:	/* WRITE_BARRIER (not offered) and anything else */
		status = BLKIF_RSP_EOPNOTSUPP;
		break;
	}
	if (status)
		respond(q, io, status);
}

void blk_queue_process(struct blk_queue *q)
{
	int n;

	if (q->dead)
		return;
	/* requests refused here answer inline: one kick for all of them */
	disk_batch_begin();
	while ((n = be_ring_final_check(&q->ring)) > 0) {
		while (n--) {
			union blkif_ring_entry e;
			struct blk_io *io = io_get(q);

			/* cannot happen: in flight <= ring size, checked */
			if (!io) {
				submit_batch(q);
				disk_batch_end();
				return;
			}
			be_ring_take(&q->ring, &e);
			start_request(q, io, &e);
			/*
			 * Reads from the page cache complete inside the submit,
			 * and the guest hears of a batch at its end: for large
			 * requests, a batch per BLK_BATCH_BYTES keeps the guest
			 * busy with the first answers while the rest are copied.
			 */
			if (q->batch_bytes >= BLK_BATCH_BYTES) {
				submit_batch(q);
				disk_batch_end();
				disk_batch_begin();
			}
		}
		submit_batch(q);
	}
	disk_batch_end();
	if (n < 0) {
		q->dead = true;
		be_dev_fault(q->bd->dev, "ring indices out of range (the "
			     "guest's req_prod ran past the ring)");
	}
}

static void queue_work(struct be_worker *w, bool notified, short revents)
{
	blk_queue_process(w->opaque);
}

int blk_queue_alloc(struct blk_queue *q)
{
	q->ios = calloc(q->ring.size, sizeof(*q->ios));
	q->batch = calloc(q->ring.size, sizeof(*q->batch));
	if (!q->ios || !q->batch) {
		free(q->ios);
		free(q->batch);
		q->ios = NULL;
		q->batch = NULL;
		return -ENOMEM;
	}
	q->nbatch = 0;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->idle, NULL);
	q->free_ios = NULL;
	for (unsigned int i = 0; i < q->ring.size; i++) {
		q->ios[i].q = q;
		q->ios[i].next_free = q->free_ios;
		q->free_ios = &q->ios[i];
	}
	q->inflight = 0;
	q->kick_pending = false;
	q->dead = false;
	return 0;
}

void blk_queue_free(struct blk_queue *q)
{
	if (!q->ios)
		return;
	free(q->ios);
	free(q->batch);
	q->ios = NULL;
	q->batch = NULL;
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->idle);
}

int blk_queue_start(struct blk_queue *q)
{
	q->w = (struct be_worker){
		.name = q->name, .notify_fd = q->efd[0], .kick_fd = q->efd[1],
		.work = queue_work, .opaque = q,
	};
	int r = be_worker_start(&q->w);

	/*
	 * A frontend reconnecting from Closed (rearm_state) may have queued
	 * requests, and notified, before its port was bound to us: look
	 * at the ring once now.
	 */
	if (!r)
		be_worker_wake(&q->w);
	return r;
}

void blk_queue_stop(struct blk_queue *q)
{
	be_worker_stop(&q->w);
	/* completions still write responses: wait for them */
	pthread_mutex_lock(&q->lock);
	while (q->inflight)
		pthread_cond_wait(&q->idle, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring back end of the disk I/O engine: one ring per image file.
 * Submitters take a mutex to fill and submit SQEs.  At most
 * DISK_URING_DEPTH requests are in the kernel at once (so the completion
 * queue cannot overflow); more wait on a list that is submitted as slots
 * free up, so a submitter never blocks on I/O.
 *
 * Completions are reaped where they are first seen, as one batch
 * (disk_batch_begin/end) per look:
 *   - by the submitter, right after io_uring_submit: a buffered read that
 *     hits the page cache (tmpfs, a warm image) completes inside the
 *     submit call, and answering it there saves waking another thread
 *     for every batch (in an emulated or loaded host, a thread wake-up
 *     costs about as much as the I/O);
 *   - by the completion thread, for what is still in flight (writes and
 *     flushes that io_uring hands to its workers, cold reads).  It sleeps
 *     on a condition variable while nothing is in flight, not in
 *     io_uring_enter, so the completions the submitter reaps itself do
 *     not wake it.
 * The CQ is only consumed under the mutex; the completion thread's
 * io_uring_wait_cqe() is just a wait (it may return early, or for a CQE
 * a submitter has taken meanwhile: it then looks again).
 */
#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <stdlib.h>

#include "devices/disk_impl.h"
#include "monitor/thread.h"

#define DISK_URING_DEPTH	128
/* completions reaped per look (the rest at the next look) */
#define DISK_URING_REAP		64

struct uring_wait {
	struct disk_req *req;
	struct uring_wait *next;
};

struct disk_io_uring {
	struct disk_io *io;
	int fd;
	struct io_uring ring;
	pthread_mutex_t lock;		/* SQ and CQ, inflight, waiting, stop */
	pthread_cond_t busy;		/* inflight became non-zero, or stop */
	unsigned int inflight;		/* SQEs given, CQEs not reaped */
	bool stop;
	struct uring_wait *wait_head, **wait_tail;
	pthread_t thread;
};

static uint64_t expected_len(const struct disk_req *req)
{
	if (req->op == DISK_READ || req->op == DISK_WRITE)
		return disk_iov_len(req->iov, req->iovcnt);
	return 0;
}

/* Called with u->lock held; false if the SQ has no room. */
static bool prep(struct disk_io_uring *u, struct disk_req *req)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe) {
		io_uring_submit(&u->ring);
		sqe = io_uring_get_sqe(&u->ring);
		if (!sqe)
			return false;
	}
	switch (req ? req->op : DISK_DISCARD) {
	case DISK_READ:
		io_uring_prep_readv(sqe, u->fd, req->iov, req->iovcnt,
				    req->offset);
		break;
	case DISK_WRITE:
		io_uring_prep_writev(sqe, u->fd, req->iov, req->iovcnt,
				     req->offset);
		break;
	case DISK_FLUSH:
		io_uring_prep_fsync(sqe, u->fd, IORING_FSYNC_DATASYNC);
		break;
	default:
		/* the stop marker (req NULL); discards go to the pool */
		io_uring_prep_nop(sqe);
		break;
	}
	io_uring_sqe_set_data(sqe, req);
	u->inflight++;
	return true;
}

static void add_waiting(struct disk_io_uring *u, struct disk_req *req)
{
	struct uring_wait *w = malloc(sizeof(*w));

	if (!w) {
		/* only from a submitter: report outside the lock */
		pthread_mutex_unlock(&u->lock);
		disk_io_done(u->io, req, -ENOMEM);
		pthread_mutex_lock(&u->lock);
		return;
	}
	w->req = req;
	w->next = NULL;
	*u->wait_tail = w;
	u->wait_tail = &w->next;
}

/* Called with u->lock held: moves waiting requests into free slots. */
static void submit_waiting(struct disk_io_uring *u)
{
	while (u->wait_head && u->inflight < DISK_URING_DEPTH) {
		struct uring_wait *w = u->wait_head;

		if (!prep(u, w->req))
			break;
		u->wait_head = w->next;
		if (!u->wait_head)
			u->wait_tail = &u->wait_head;
		free(w);
	}
	io_uring_submit(&u->ring);
}

/*
 * Called with u->lock held: take up to @max CQEs there are, refill the SQ
 * from the waiting list, and wake the completion thread if something is
 * still in flight.  Returns the requests to complete (after unlocking).
 */
static unsigned int reap(struct disk_io_uring *u, struct disk_req **req,
			 int *res, unsigned int max)
{
	struct io_uring_cqe *cqe;
	unsigned int n = 0;

	while (n < max && !io_uring_peek_cqe(&u->ring, &cqe)) {
		struct disk_req *r = io_uring_cqe_get_data(cqe);

		res[n] = cqe->res;
		io_uring_cqe_seen(&u->ring, cqe);
		u->inflight--;
		if (r)		/* NULL: the stop marker */
			req[n++] = r;
	}
	if (n && u->wait_head)
		submit_waiting(u);
	if (u->inflight)
		pthread_cond_signal(&u->busy);
	return n;
}

/* Outside u->lock: complete what reap() took, as one batch. */
static void complete(struct disk_io_uring *u, struct disk_req **req,
		     int *res, unsigned int n)
{
	disk_batch_begin();
	for (unsigned int i = 0; i < n; i++) {
		/*
		 * A short transfer (EOF of a file that shrank, a signal):
		 * finish it synchronously, which handles both cases.
		 */
		if (res[i] >= 0 && (uint64_t)res[i] != expected_len(req[i]))
			res[i] = disk_io_run_sync(u->io, req[i]);
		else if (res[i] > 0)
			res[i] = 0;
		disk_io_done(u->io, req[i], res[i]);
	}
	disk_batch_end();
}

/* Called with u->lock held, which it drops: submit, then reap. */
static void submit_and_reap(struct disk_io_uring *u)
{
	struct disk_req *req[DISK_URING_REAP];
	int res[DISK_URING_REAP];
	unsigned int n;

	io_uring_submit(&u->ring);
	n = reap(u, req, res, DISK_URING_REAP);
	pthread_mutex_unlock(&u->lock);
	complete(u, req, res, n);
}

/* With @more, the SQE waits for disk_io_uring_kick() (or a completion). */
void disk_io_uring_queue(struct disk_io_uring *u, struct disk_req *req,
			 bool more)
{
	pthread_mutex_lock(&u->lock);
	if (u->wait_head || u->inflight >= DISK_URING_DEPTH || !prep(u, req)) {
		add_waiting(u, req);
	} else if (!more) {
		submit_and_reap(u);
		return;
	}
	pthread_mutex_unlock(&u->lock);
}

void disk_io_uring_kick(struct disk_io_uring *u)
{
	pthread_mutex_lock(&u->lock);
	submit_and_reap(u);
}

/* What the submitters did not reap themselves. */
static void *uring_thread(void *arg)
{
	struct disk_io_uring *u = arg;
	struct disk_req *req[DISK_URING_REAP];
	int res[DISK_URING_REAP];

	mon_thread_no_thp();
	pthread_mutex_lock(&u->lock);
	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned int n;
		int e;

		while (!u->inflight && !u->stop)
			pthread_cond_wait(&u->busy, &u->lock);
		if (!u->inflight)
			break;		/* stopped, and every request done */
		pthread_mutex_unlock(&u->lock);
		e = io_uring_wait_cqe(&u->ring, &cqe);
		pthread_mutex_lock(&u->lock);
		if (e < 0 && e != -EINTR && e != -EAGAIN)
			break;
		n = reap(u, req, res, DISK_URING_REAP);
		pthread_mutex_unlock(&u->lock);
		complete(u, req, res, n);
		pthread_mutex_lock(&u->lock);
	}
	pthread_mutex_unlock(&u->lock);
	return NULL;
}

struct disk_io_uring *disk_io_uring_create(struct disk_io *io, int fd)
{
	struct disk_io_uring *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->io = io;
	u->fd = fd;
	u->wait_tail = &u->wait_head;
	/* the CQ is twice the SQ: DISK_URING_DEPTH in flight always fit */
	if (io_uring_queue_init(DISK_URING_DEPTH, &u->ring, 0) < 0) {
		free(u);
		return NULL;
	}
	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->busy, NULL);
	if (pthread_create(&u->thread, NULL, uring_thread, u)) {
		io_uring_queue_exit(&u->ring);
		pthread_cond_destroy(&u->busy);
		pthread_mutex_destroy(&u->lock);
		free(u);
		return NULL;
	}
	return u;
}

/*
 * Every request has completed: stop the thread.  A NOP marker wakes it if
 * it is waiting in io_uring_enter for a completion a submitter took.
 */
void disk_io_uring_destroy(struct disk_io_uring *u)
{
	pthread_mutex_lock(&u->lock);
	u->stop = true;
	while (!prep(u, NULL))
		io_uring_submit(&u->ring);
	io_uring_submit(&u->ring);
	pthread_cond_signal(&u->busy);
	pthread_mutex_unlock(&u->lock);
	pthread_join(u->thread, NULL);
	io_uring_queue_exit(&u->ring);
	pthread_cond_destroy(&u->busy);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring back end of the disk I/O engine: one ring per image file.
 * Submitters take a mutex to fill and submit SQEs; one completion thread
 * reaps CQEs and calls done().  At most DISK_URING_DEPTH requests are in
 * the kernel at once (so the completion queue cannot overflow); more wait
 * on a list that the completion thread submits as slots free up, so a
 * submitter never blocks on I/O.
 */
#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <stdlib.h>

#include "devices/disk_impl.h"

#define DISK_URING_DEPTH	128

struct uring_wait {
	struct disk_req *req;
	struct uring_wait *next;
};

struct disk_io_uring {
	struct disk_io *io;
	int fd;
	struct io_uring ring;
	pthread_mutex_t lock;		/* SQ side, inflight, waiting */
	unsigned int inflight;
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

void disk_io_uring_queue(struct disk_io_uring *u, struct disk_req *req)
{
	pthread_mutex_lock(&u->lock);
	if (u->wait_head || u->inflight >= DISK_URING_DEPTH || !prep(u, req))
		add_waiting(u, req);
	else
		io_uring_submit(&u->ring);
	pthread_mutex_unlock(&u->lock);
}

static void *uring_thread(void *arg)
{
	struct disk_io_uring *u = arg;

	for (;;) {
		struct io_uring_cqe *cqe;
		struct disk_req *req;
		int res, e;

		e = io_uring_wait_cqe(&u->ring, &cqe);
		if (e == -EINTR || e == -EAGAIN)
			continue;
		if (e < 0)
			return NULL;
		req = io_uring_cqe_get_data(cqe);
		res = cqe->res;
		io_uring_cqe_seen(&u->ring, cqe);
		pthread_mutex_lock(&u->lock);
		u->inflight--;
		if (req)
			submit_waiting(u);
		pthread_mutex_unlock(&u->lock);
		if (!req)
			return NULL;
		/*
		 * A short transfer (EOF of a file that shrank, a signal):
		 * finish it synchronously, which handles both cases.
		 */
		if (res >= 0 && (uint64_t)res != expected_len(req))
			res = disk_io_run_sync(u->io, req);
		else if (res > 0)
			res = 0;
		disk_io_done(u->io, req, res);
	}
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
	if (pthread_create(&u->thread, NULL, uring_thread, u)) {
		io_uring_queue_exit(&u->ring);
		pthread_mutex_destroy(&u->lock);
		free(u);
		return NULL;
	}
	return u;
}

/* Every request has completed: stop the thread with a NOP marker. */
void disk_io_uring_destroy(struct disk_io_uring *u)
{
	pthread_mutex_lock(&u->lock);
	while (!prep(u, NULL))
		io_uring_submit(&u->ring);
	io_uring_submit(&u->ring);
	pthread_mutex_unlock(&u->lock);
	pthread_join(u->thread, NULL);
	io_uring_queue_exit(&u->ring);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

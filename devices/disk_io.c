// SPDX-License-Identifier: GPL-2.0
/*
 * The asynchronous I/O engine of one image file: io_uring when the kernel
 * has it (one ring, one completion thread), else a small thread pool
 * running preadv/pwritev/fdatasync.  HXEN_DISK_NO_URING=1 forces the pool
 * (the unit tests run both).  Discards always go to the pool: BLKDISCARD
 * is an ioctl, which io_uring cannot queue.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/disk_impl.h"

#define DISK_POOL_THREADS	4

struct disk_io {
	int fd;
	bool blkdev;
	disk_io_done_fn done;
	void *opaque;
	struct disk_io_uring *uring;
	struct disk_io_pool *pool;
};

static bool uring_disabled(void)
{
	const char *e = getenv("HXEN_DISK_NO_URING");

	return e && *e && strcmp(e, "0");
}

static int pool_run(void *opaque, struct disk_req *req)
{
	return disk_io_run_sync(opaque, req);
}

static void pool_done(void *opaque, struct disk_req *req, int res)
{
	disk_io_done(opaque, req, res);
}

struct disk_io *disk_io_create(int fd, bool blkdev, disk_io_done_fn done,
			       void *opaque, char *err, size_t errlen)
{
	struct disk_io *io = calloc(1, sizeof(*io));

	if (!io) {
		disk_errf(err, errlen, "out of memory");
		return NULL;
	}
	io->fd = fd;
	io->blkdev = blkdev;
	io->done = done;
	io->opaque = opaque;
	if (!uring_disabled())
		io->uring = disk_io_uring_create(io, fd);
	/* without a ring, the pool does everything; with one, discards */
	io->pool = disk_io_pool_create(pool_run, pool_done, io,
				       io->uring ? 1 : DISK_POOL_THREADS);
	if (!io->pool) {
		disk_errf(err, errlen, "cannot start I/O threads: %s",
			  strerror(errno));
		if (io->uring)
			disk_io_uring_destroy(io->uring);
		free(io);
		return NULL;
	}
	return io;
}

bool disk_io_uses_uring(const struct disk_io *io)
{
	return io->uring != NULL;
}

void disk_io_submit(struct disk_io *io, struct disk_req *req)
{
	if (io->uring && req->op != DISK_DISCARD)
		disk_io_uring_queue(io->uring, req);
	else
		disk_io_pool_queue(io->pool, req);
}

int disk_io_run_sync(struct disk_io *io, struct disk_req *req)
{
	switch (req->op) {
	case DISK_READ:
		return disk_file_preadv(io->fd, req->iov, req->iovcnt,
					req->offset);
	case DISK_WRITE:
		return disk_file_pwritev(io->fd, req->iov, req->iovcnt,
					 req->offset);
	case DISK_FLUSH:
		return fdatasync(io->fd) < 0 ? -errno : 0;
	case DISK_DISCARD:
		return disk_file_discard(io->fd, io->blkdev, req->offset,
					 req->len);
	}
	return -EINVAL;
}

void disk_io_done(struct disk_io *io, struct disk_req *req, int res)
{
	io->done(io->opaque, req, res);
}

void disk_io_destroy(struct disk_io *io)
{
	if (!io)
		return;
	if (io->uring)
		disk_io_uring_destroy(io->uring);
	disk_io_pool_destroy(io->pool);
	free(io);
}

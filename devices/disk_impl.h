/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the disk layer (devices/disk*.c): the front end (disk.c) checks
 * requests and counts them in flight; a format (disk_raw.c, disk_qcow2*.c)
 * maps them onto the image file; the I/O engine (disk_io*.c) runs file
 * requests asynchronously, on io_uring or on a thread pool.
 */
#ifndef HXEN_DEVICES_DISK_IMPL_H
#define HXEN_DEVICES_DISK_IMPL_H

#include <pthread.h>
#include <stdarg.h>
#include <sys/types.h>

#include "devices/disk.h"

/* Longest backing chain (an overlay counts as depth 0). */
#define DISK_MAX_DEPTH	16

struct disk_format {
	const char *name;
	/* Opens the format on d->fd; d->size must be set on success. */
	int (*open)(struct disk *d, char *err, size_t errlen);
	void (*close)(struct disk *d);
	/* Queues @req; the format calls disk_complete() exactly once. */
	void (*submit)(struct disk *d, struct disk_req *req);
	/* Synchronous read, used by an overlay for its backing file. */
	int (*read)(struct disk *d, void *buf, size_t len, uint64_t offset);
	void (*info)(const struct disk *d, struct disk_info *info);
};

extern const struct disk_format disk_raw_format;
extern const struct disk_format disk_qcow2_format;

struct disk_io;

struct disk {
	const struct disk_format *fmt;
	char *path;
	int fd;
	bool readonly;
	bool blkdev;
	bool direct;
	bool no_lock;
	bool can_discard;
	int depth;			/* 0: opened by the user */
	const struct disk *parent;	/* the overlay this one backs */
	struct disk *backing;		/* qcow2: the backing file */
	dev_t dev;			/* for loop detection */
	ino_t ino;
	uint64_t size;			/* virtual size, bytes */
	void *priv;			/* the format's */
	struct disk_io *io;		/* raw: the file's I/O engine */

	pthread_mutex_t lock;
	pthread_cond_t idle;
	unsigned long inflight;
	unsigned int logged;		/* disk_log() lines so far */
};

/* disk.c */
void disk_complete(struct disk *d, struct disk_req *req, int result);
struct disk *disk_open_backing(const char *path, const struct disk_opts *opts,
			       const struct disk *parent, char *err,
			       size_t errlen);
void disk_log(struct disk *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void disk_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint64_t disk_iov_len(const struct iovec *iov, int iovcnt);

/* disk_raw.c, disk_qcow2_create.c */
int disk_raw_create(const char *path, uint64_t size, char *err,
		    size_t errlen);
int disk_qcow2_create(const char *path, uint64_t size, const char *backing,
		      const char *backing_format, char *err, size_t errlen);
/* Creates @path (O_EXCL: an existing image is never overwritten). */
int disk_create_file(const char *path, char *err, size_t errlen);

/*
 * @name, a backing file named in @overlay: relative names are relative
 * to the overlay's directory (qcow2 spec).  malloc'd; NULL: no memory.
 */
char *disk_backing_path(const char *overlay, const char *name);

/* disk_lock.c: OFD lock of the whole image (QEMU-like sharing rules). */
int disk_lock(int fd, const char *path, bool write, char *err, size_t errlen);

/* disk_file.c: synchronous file helpers (complete or -errno). */
int disk_file_preadv(int fd, const struct iovec *iov, int iovcnt,
		     uint64_t offset);
int disk_file_pwritev(int fd, const struct iovec *iov, int iovcnt,
		      uint64_t offset);
int disk_file_pread(int fd, void *buf, size_t len, uint64_t offset);
int disk_file_pwrite(int fd, const void *buf, size_t len, uint64_t offset);
int disk_file_discard(int fd, bool blkdev, uint64_t offset, uint64_t len);
uint64_t disk_file_allocated(int fd);

/* disk_io.c: the asynchronous engine for one file descriptor. */
typedef void (*disk_io_done_fn)(void *opaque, struct disk_req *req, int res);
struct disk_io *disk_io_create(int fd, bool blkdev, disk_io_done_fn done,
			       void *opaque, char *err, size_t errlen);
void disk_io_submit(struct disk_io *io, struct disk_req *req);
void disk_io_destroy(struct disk_io *io);	/* after requests completed */
bool disk_io_uses_uring(const struct disk_io *io);

/*
 * disk_io_uring.c, disk_io_pool.c: the two back ends of disk_io.c; the
 * pool also runs the qcow2 worker.
 */
struct disk_io_pool;
typedef int (*disk_pool_run_fn)(void *opaque, struct disk_req *req);
struct disk_io_pool *disk_io_pool_create(disk_pool_run_fn run,
					 disk_io_done_fn done, void *opaque,
					 unsigned int n);
void disk_io_pool_queue(struct disk_io_pool *p, struct disk_req *req);
void disk_io_pool_destroy(struct disk_io_pool *p);
struct disk_io_uring;
struct disk_io_uring *disk_io_uring_create(struct disk_io *io, int fd);
void disk_io_uring_queue(struct disk_io_uring *u, struct disk_req *req);
void disk_io_uring_destroy(struct disk_io_uring *u);
/* Runs @req synchronously (pool threads, uring short transfers). */
int disk_io_run_sync(struct disk_io *io, struct disk_req *req);
void disk_io_done(struct disk_io *io, struct disk_req *req, int res);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Disk images for the block backend (devices/be_blk*.c) and for
 * `hxen disk create|info`: raw files and block devices, and qcow2 v3
 * (with backing chains).  Implemented in devices/disk*.c.
 *
 * Requests are asynchronous: disk_submit() queues one and returns; its
 * done() callback runs later, on a thread of the disk layer (or inline,
 * before disk_submit() returns, when the request fails validation, the
 * format works synchronously, or io_uring completed it inside the submit
 * call: a read from the page cache).  The caller must not touch the request or
 * its iovecs until done() ran.  Offsets and lengths are bytes and must be
 * multiples of 512.  A FLUSH completes after every write that completed
 * before it was submitted is on stable storage.
 */
#ifndef HXEN_DEVICES_DISK_H
#define HXEN_DEVICES_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define DISK_SECTOR	512

enum disk_op {
	DISK_READ,
	DISK_WRITE,
	DISK_FLUSH,
	DISK_DISCARD,		/* offset, len; may be a no-op (returns 0) */
};

struct disk;

struct disk_req {
	enum disk_op op;
	uint64_t offset;		/* bytes */
	uint64_t len;			/* DISCARD only */
	const struct iovec *iov;	/* READ/WRITE */
	int iovcnt;
	void (*done)(struct disk_req *req, int result);	/* 0 or -errno */
	void *opaque;			/* the caller's */
};

struct disk_opts {
	const char *format;	/* "raw", "qcow2", or NULL: probe the file */
	bool readonly;
	bool no_lock;		/* skip the image lock (tests only) */
	bool direct;		/* O_DIRECT where the file system allows it */
};

struct disk_info {
	const char *format;	/* "raw" or "qcow2" */
	uint64_t size;		/* virtual size, bytes */
	uint64_t allocated;	/* bytes the file uses on the host */
	bool readonly;
	bool discard;		/* DISK_DISCARD does something */
	unsigned int cluster_size;	/* qcow2; 0 for raw */
	char backing[4096];	/* qcow2 backing file ("" if none) */
	char backing_format[16];
};

/*
 * Opens @path.  Writable images are locked (an OFD lock on the file, so a
 * second writer, or a writer beside readers, is refused with a message
 * naming the image).  On failure returns NULL with a message in @err that
 * names the file and what to do.
 */
struct disk *disk_open(const char *path, const struct disk_opts *opts,
		       char *err, size_t errlen);
void disk_close(struct disk *d);	/* waits for requests in flight */
void disk_get_info(const struct disk *d, struct disk_info *info);
/* The next image of a backing chain (opened read-only), or NULL. */
const struct disk *disk_backing(const struct disk *d);
/*
 * Returns 0 when done() has run (a request failing validation: -EINVAL
 * misaligned or bad op, -EIO past the end, -EROFS writing a read-only
 * disk) or will run; -EINVAL, without calling anything, only when @req
 * or its done() is NULL.
 */
int disk_submit(struct disk *d, struct disk_req *req);
/*
 * disk_submit() of @n requests as one batch (io_uring: one system call);
 * -EINVAL if any had no done() (the others are submitted).
 */
int disk_submitv(struct disk *d, struct disk_req *const *reqs, int n);
/* Waits until every request submitted so far has completed. */
void disk_drain(struct disk *d);

/*
 * Batches of completions (devices/disk_batch.c): a done() callback may
 * disk_defer() work, such as notifying the guest, to the end of the
 * batch it runs in; each call runs once (none is merged).  The disk
 * layer's threads make a batch of each wake-up; other threads may
 * bracket their own with disk_batch_begin()/disk_batch_end() (nested
 * pairs count).  Outside a batch, disk_defer() runs fn at once.
 */
typedef void (*disk_batch_fn)(void *arg);
void disk_batch_begin(void);
void disk_batch_end(void);
void disk_defer(disk_batch_fn fn, void *arg);

/* Synchronous helpers (tools, tests): 0 or -errno. */
int disk_pread(struct disk *d, void *buf, size_t len, uint64_t offset);
int disk_pwrite(struct disk *d, const void *buf, size_t len, uint64_t offset);
int disk_flush(struct disk *d);
/*
 * DISK_DISCARD of [offset, offset + len), waited for.  qcow2 frees whole
 * clusters only (info.cluster_size is the granularity to advertise);
 * the rest of a partly covered cluster keeps its data.
 */
int disk_discard(struct disk *d, uint64_t offset, uint64_t len);

/*
 * Creates a new image: @format "raw" or "qcow2" (NULL: qcow2 with a
 * backing file, else raw); @backing may be NULL.  With a backing file, a
 * @size of 0 takes the backing file's size.  An existing @path is never
 * overwritten.
 */
int disk_create(const char *path, const char *format, uint64_t size,
		const char *backing, const char *backing_format,
		char *err, size_t errlen);

/* The path it was opened with (a backing file's: resolved). */
const char *disk_path(const struct disk *d);

/* "10G", "512M", "1048576": bytes, with K/M/G/T (powers of 1024). */
int disk_parse_size(const char *s, uint64_t *bytes);

#endif

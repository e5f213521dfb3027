// SPDX-License-Identifier: GPL-2.0
/*
 * Disk images, the front end (devices/disk.h): opening and probing the
 * image, locking it, checking requests before a format sees them,
 * counting requests in flight for drain and close, the synchronous
 * helpers.  Formats: disk_raw.c, disk_qcow2*.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/disk_impl.h"

static const struct disk_format *const formats[] = {
	&disk_raw_format,
	&disk_qcow2_format,
};

void disk_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Problems found while running (a corrupt table): one line on stderr,
 * the first DISK_LOG_MAX of them per image, so a guest hammering a bad
 * sector cannot flood the log.
 */
#define DISK_LOG_MAX	10

void disk_log(struct disk *d, const char *fmt, ...)
{
	unsigned int n = __atomic_fetch_add(&d->logged, 1, __ATOMIC_RELAXED);
	char msg[512];
	va_list ap;

	if (n >= DISK_LOG_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "hxen: disk %s: %s%s\n", d->path, msg,
		n == DISK_LOG_MAX - 1 ? " (further messages about this "
		"image suppressed)" : "");
}

const struct disk *disk_backing(const struct disk *d)
{
	return d->backing;
}

const char *disk_path(const struct disk *d)
{
	return d->path;
}

uint64_t disk_iov_len(const struct iovec *iov, int iovcnt)
{
	uint64_t n = 0;

	for (int i = 0; i < iovcnt; i++)
		n += iov[i].iov_len;
	return n;
}

static const struct disk_format *format_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

/* The qcow2 magic (spec: "Header", bytes 0-3: 'Q', 'F', 'I', 0xfb). */
static const char *probe(int fd)
{
	unsigned char magic[4];

	if (disk_file_pread(fd, magic, sizeof(magic), 0) == 0 &&
	    !memcmp(magic, "QFI\xfb", 4))
		return "qcow2";
	return "raw";
}

static int open_file(const char *path, const struct disk_opts *opts,
		     struct disk *d, char *err, size_t errlen)
{
	int flags = (d->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct stat st;

	d->fd = -1;
	if (opts->direct) {
		d->fd = open(path, flags | O_DIRECT);
		d->direct = d->fd >= 0;
	}
	if (d->fd < 0)
		d->fd = open(path, flags);
	if (d->fd < 0) {
		int e = errno;

		disk_errf(err, errlen, "%s: cannot open the image: %s%s", path,
			  strerror(e),
			  e == ENOENT ? " (create it with 'hxen disk create', "
			  "or fix the path)" :
			  e == EACCES || e == EROFS ? " (check its permissions, "
			  "or open it read-only: access=ro)" : "");
		return -e;
	}
	if (fstat(d->fd, &st) < 0) {
		int e = errno;

		disk_errf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	if (S_ISBLK(st.st_mode)) {
		d->blkdev = true;
		if (ioctl(d->fd, BLKGETSIZE64, &d->size) < 0) {
			int e = errno;

			disk_errf(err, errlen, "%s: cannot read the size of "
				  "the block device: %s", path, strerror(e));
			return -e;
		}
	} else if (S_ISREG(st.st_mode)) {
		d->size = st.st_size;
	} else {
		disk_errf(err, errlen, "%s: not a regular file or block device;"
			  " give a disk image file", path);
		return -EINVAL;
	}
	d->size &= ~(uint64_t)(DISK_SECTOR - 1);
	return 0;
}

/* A backing file that is one of its own overlays would recurse forever. */
static int check_chain(const struct disk *d, char *err, size_t errlen)
{
	for (const struct disk *p = d->parent; p; p = p->parent) {
		if (p->dev == d->dev && p->ino == d->ino) {
			disk_errf(err, errlen, "%s: the backing chain loops: "
				  "%s is a backing file of itself; fix the "
				  "chain with 'qemu-img rebase'", p->path,
				  d->path);
			return -ELOOP;
		}
	}
	if (d->depth > DISK_MAX_DEPTH) {
		disk_errf(err, errlen, "%s: the backing chain is deeper than "
			  "%d images; flatten it with 'qemu-img convert'",
			  d->path, DISK_MAX_DEPTH);
		return -ELOOP;
	}
	return 0;
}

struct disk *disk_open_backing(const char *path, const struct disk_opts *opts,
			       const struct disk *parent, char *err,
			       size_t errlen)
{
	const char *fname;
	struct disk *d;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d || !(d->path = strdup(path))) {
		free(d);
		disk_errf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	d->readonly = opts->readonly;
	d->no_lock = opts->no_lock;
	d->parent = parent;
	d->depth = parent ? parent->depth + 1 : 0;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->idle, NULL);
	r = open_file(path, opts, d, err, errlen);
	if (!r)
		r = check_chain(d, err, errlen);
	if (!r && !opts->no_lock)
		r = disk_lock(d->fd, path, !d->readonly, err, errlen);
	if (r)
		goto fail;
	fname = opts->format ? opts->format : probe(d->fd);
	d->fmt = format_by_name(fname);
	if (!d->fmt) {
		disk_errf(err, errlen, "%s: unknown image format '%s' (hxen "
			  "knows raw and qcow2)", path, fname);
		goto fail;
	}
	if (d->fmt->open(d, err, errlen))
		goto fail;
	return d;
fail:
	if (d->fd >= 0)
		close(d->fd);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->idle);
	free(d->path);
	free(d);
	return NULL;
}

struct disk *disk_open(const char *path, const struct disk_opts *opts,
		       char *err, size_t errlen)
{
	static const struct disk_opts defaults;

	if (err && errlen)
		err[0] = '\0';
	return disk_open_backing(path, opts ? opts : &defaults, NULL, err,
				 errlen);
}

void disk_drain(struct disk *d)
{
	pthread_mutex_lock(&d->lock);
	while (d->inflight)
		pthread_cond_wait(&d->idle, &d->lock);
	pthread_mutex_unlock(&d->lock);
}

void disk_close(struct disk *d)
{
	if (!d)
		return;
	disk_drain(d);
	d->fmt->close(d);
	close(d->fd);	/* drops the lock */
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->idle);
	free(d->path);
	free(d);
}

void disk_get_info(const struct disk *d, struct disk_info *info)
{
	memset(info, 0, sizeof(*info));
	info->format = d->fmt->name;
	info->size = d->size;
	info->readonly = d->readonly;
	info->discard = d->can_discard && !d->readonly;
	d->fmt->info(d, info);
}

/* Called by formats, once per request, on any thread. */
void disk_complete(struct disk *d, struct disk_req *req, int result)
{
	/* req may be gone after done(): nothing of it is used after */
	req->done(req, result);
	pthread_mutex_lock(&d->lock);
	if (!--d->inflight)
		pthread_cond_broadcast(&d->idle);
	pthread_mutex_unlock(&d->lock);
}

static int check(const struct disk *d, const struct disk_req *req)
{
	uint64_t len;

	switch (req->op) {
	case DISK_READ:
	case DISK_WRITE:
		if (req->iovcnt < 0 || (req->iovcnt && !req->iov))
			return -EINVAL;
		len = disk_iov_len(req->iov, req->iovcnt);
		break;
	case DISK_DISCARD:
		len = req->len;
		break;
	case DISK_FLUSH:
		return 0;
	default:
		return -EINVAL;
	}
	if ((req->offset | len) & (DISK_SECTOR - 1))
		return -EINVAL;
	if (req->offset > d->size || len > d->size - req->offset)
		return -EIO;
	if (req->op != DISK_READ && d->readonly)
		return -EROFS;
	return 0;
}

/*
 * Returns 0 when done() has run or will run; -EINVAL, without calling
 * anything, only for a request without a done() callback.
 */
int disk_submit(struct disk *d, struct disk_req *req)
{
	int r;

	if (!req || !req->done)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	d->inflight++;
	pthread_mutex_unlock(&d->lock);
	r = check(d, req);
	if (!r && req->op == DISK_DISCARD && (!d->can_discard || !req->len))
		r = 1;	/* a no-op, as disk.h allows */
	if (!r && (req->op == DISK_READ || req->op == DISK_WRITE) &&
	    !disk_iov_len(req->iov, req->iovcnt))
		r = 1;
	if (r) {
		disk_complete(d, req, r < 0 ? r : 0);
		return 0;
	}
	d->fmt->submit(d, req);
	return 0;
}

/* The synchronous helpers: one request, waited for. */
struct sync_wait {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int result;
};

static void sync_done(struct disk_req *req, int result)
{
	struct sync_wait *w = req->opaque;

	pthread_mutex_lock(&w->lock);
	w->result = result;
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static int sync_req(struct disk *d, enum disk_op op, void *buf, size_t len,
		    uint64_t offset)
{
	struct sync_wait w = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct iovec iov = { buf, len };
	struct disk_req req = {
		.op = op, .offset = offset, .iov = &iov, .iovcnt = 1,
		.done = sync_done, .opaque = &w,
	};

	if (op == DISK_DISCARD) {
		req.len = len;
		req.iov = NULL;
		req.iovcnt = 0;
	}
	disk_submit(d, &req);
	pthread_mutex_lock(&w.lock);
	while (!w.done)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	return w.result;
}

int disk_pread(struct disk *d, void *buf, size_t len, uint64_t offset)
{
	return sync_req(d, DISK_READ, buf, len, offset);
}

int disk_pwrite(struct disk *d, const void *buf, size_t len, uint64_t offset)
{
	return sync_req(d, DISK_WRITE, (void *)buf, len, offset);
}

int disk_flush(struct disk *d)
{
	return sync_req(d, DISK_FLUSH, NULL, 0, 0);
}

int disk_discard(struct disk *d, uint64_t offset, uint64_t len)
{
	return sync_req(d, DISK_DISCARD, NULL, len, offset);
}

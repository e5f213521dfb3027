// SPDX-License-Identifier: GPL-2.0
/*
 * The raw format: the image is the disk, byte for byte.  Requests go
 * straight to the file's I/O engine (disk_io.c).  The virtual size is the
 * file's (rounded down to 512 bytes); creating one makes a sparse file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/disk_impl.h"

static void raw_done(void *opaque, struct disk_req *req, int res)
{
	struct disk *d = opaque;

	/* no hole punching here (tmpfs of old, some NFS): a no-op */
	if (req->op == DISK_DISCARD && res == -EOPNOTSUPP) {
		d->can_discard = false;
		res = 0;
	}
	disk_complete(d, req, res);
}

static int raw_open(struct disk *d, char *err, size_t errlen)
{
	/* a backing file is only read through raw_read(): no threads */
	if (d->parent)
		return 0;
	d->io = disk_io_create(d->fd, d->blkdev, raw_done, d, err, errlen);
	if (!d->io)
		return -ENOMEM;
	d->can_discard = true;
	return 0;
}

static void raw_close(struct disk *d)
{
	disk_io_destroy(d->io);
}

static void raw_submit(struct disk *d, struct disk_req *req)
{
	disk_io_submit(d->io, req);
}

/* For an overlay: past the end of a smaller backing file reads zeros. */
static int raw_read(struct disk *d, void *buf, size_t len, uint64_t offset)
{
	size_t n = 0;

	if (offset < d->size)
		n = len < d->size - offset ? len : d->size - offset;
	memset((char *)buf + n, 0, len - n);
	return n ? disk_file_pread(d->fd, buf, n, offset) : 0;
}

static void raw_info(const struct disk *d, struct disk_info *info)
{
	info->allocated = d->blkdev ? d->size : disk_file_allocated(d->fd);
}

const struct disk_format disk_raw_format = {
	.name = "raw",
	.open = raw_open,
	.close = raw_close,
	.submit = raw_submit,
	.read = raw_read,
	.info = raw_info,
};

int disk_create_file(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0) {
		int e = errno;

		disk_errf(err, errlen, "%s: cannot create the image: %s%s",
			  path, strerror(e), e == EEXIST ?
			  " (remove it first, or choose another name)" : "");
		return -e;
	}
	return fd;
}

int disk_raw_create(const char *path, uint64_t size, char *err,
		    size_t errlen)
{
	int fd;

	if (!size || size % DISK_SECTOR || size > (uint64_t)INT64_MAX) {
		disk_errf(err, errlen, "%s: the size must be a non-zero "
			  "multiple of 512 bytes", path);
		return -EINVAL;
	}
	fd = disk_create_file(path, err, errlen);
	if (fd < 0)
		return fd;
	/* sparse: ftruncate allocates nothing */
	if (ftruncate(fd, size) < 0 || fsync(fd) < 0) {
		int e = errno;

		disk_errf(err, errlen, "%s: cannot set the size: %s", path,
			  strerror(e));
		close(fd);
		unlink(path);
		return -e;
	}
	close(fd);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronous file helpers of the disk layer: whole transfers (retrying
 * short ones), reads past the end of the file as zeros, hole punching.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/disk_impl.h"

#define DISK_IOV_MAX	1024

/* Advances a copy of @iov by @done bytes; returns the new count. */
static int iov_advance(struct iovec *iov, int iovcnt, size_t done)
{
	int i = 0;

	while (i < iovcnt && done >= iov[i].iov_len) {
		done -= iov[i].iov_len;
		i++;
	}
	if (i < iovcnt) {
		iov[i].iov_base = (char *)iov[i].iov_base + done;
		iov[i].iov_len -= done;
	}
	memmove(iov, iov + i, (iovcnt - i) * sizeof(*iov));
	return iovcnt - i;
}

static void iov_zero(struct iovec *iov, int iovcnt)
{
	for (int i = 0; i < iovcnt; i++)
		memset(iov[i].iov_base, 0, iov[i].iov_len);
}

static int file_rw(int fd, const struct iovec *src, int iovcnt,
		   uint64_t offset, bool write)
{
	struct iovec iov[DISK_IOV_MAX];

	if (iovcnt < 0 || iovcnt > DISK_IOV_MAX)
		return -EINVAL;
	memcpy(iov, src, iovcnt * sizeof(*iov));
	while (iovcnt > 0) {
		ssize_t n = write ? pwritev(fd, iov, iovcnt, offset) :
				    preadv(fd, iov, iovcnt, offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			if (write)
				return -EIO;
			/* past the end of a file that shrank: zeros */
			iov_zero(iov, iovcnt);
			return 0;
		}
		offset += n;
		iovcnt = iov_advance(iov, iovcnt, n);
	}
	return 0;
}

int disk_file_preadv(int fd, const struct iovec *iov, int iovcnt,
		     uint64_t offset)
{
	return file_rw(fd, iov, iovcnt, offset, false);
}

int disk_file_pwritev(int fd, const struct iovec *iov, int iovcnt,
		      uint64_t offset)
{
	return file_rw(fd, iov, iovcnt, offset, true);
}

int disk_file_pread(int fd, void *buf, size_t len, uint64_t offset)
{
	struct iovec iov = { buf, len };

	return file_rw(fd, &iov, 1, offset, false);
}

int disk_file_pwrite(int fd, const void *buf, size_t len, uint64_t offset)
{
	struct iovec iov = { (void *)buf, len };

	return file_rw(fd, &iov, 1, offset, true);
}

/*
 * Deallocates a range: a hole in a file (the size stays), BLKDISCARD on
 * a block device.  -EOPNOTSUPP when the file system cannot.
 */
int disk_file_discard(int fd, bool blkdev, uint64_t offset, uint64_t len)
{
	if (blkdev) {
		uint64_t range[2] = { offset, len };

		if (ioctl(fd, BLKDISCARD, range) < 0)
			return errno == ENOTTY ? -EOPNOTSUPP : -errno;
		return 0;
	}
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      offset, len) < 0)
		return -errno;
	return 0;
}

uint64_t disk_file_allocated(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	return (uint64_t)st.st_blocks * 512;
}

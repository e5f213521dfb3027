// SPDX-License-Identifier: GPL-2.0
/*
 * New qcow2 v3 images: 64 KiB clusters, 16-bit refcounts, zlib.
 *
 *   cluster 0   header, extensions (backing format), backing file name
 *   cluster 1   refcount table (one cluster: 16 TiB of host file)
 *   cluster 2   refcount block 0 (refcounts of clusters 0 to 32767)
 *   cluster 3-  L1 table
 *
 * Without a size, an overlay takes its backing file's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/disk_qcow2.h"

#define NEW_CLUSTER_BITS	16
#define NEW_HEADER_LENGTH	112	/* with compression_type, padded */

/* Opens the backing file as the overlay will: for its size and format. */
static int probe_backing(const char *path, const char *backing,
			 const char *fmt, uint64_t *size, char *fmtname,
			 char *err, size_t errlen)
{
	struct disk_opts o = { .format = fmt, .readonly = true };
	char *full = disk_backing_path(path, backing), inner[512];
	struct disk_info info;
	struct disk *b;

	if (!full)
		return -ENOMEM;
	b = disk_open(full, &o, inner, sizeof(inner));
	free(full);
	if (!b) {
		disk_errf(err, errlen, "%s: the backing file cannot be used: "
			  "%s", path, inner);
		return -EINVAL;
	}
	disk_get_info(b, &info);
	*size = info.size;
	snprintf(fmtname, 16, "%s", info.format);
	disk_close(b);
	return 0;
}

static size_t put_ext(uint8_t *h, size_t pos, uint32_t type, const void *p,
		      uint32_t len)
{
	qcow2_put32(h + pos, type);
	qcow2_put32(h + pos + 4, len);
	memcpy(h + pos + 8, p, len);
	return pos + 8 + ((len + 7) & ~7u);
}

int disk_qcow2_create(const char *path, uint64_t size, const char *backing,
		      const char *backing_format, char *err, size_t errlen)
{
	const uint64_t cs = 1ull << NEW_CLUSTER_BITS;
	uint64_t per_l1 = cs << (NEW_CLUSTER_BITS - 3), l1_size, l1_clusters;
	char fmt[16] = "";
	uint8_t *buf;
	size_t pos, blen = backing ? strlen(backing) : 0;
	int fd, r;

	if (backing && (!blen || blen > QCOW2_MAX_BACKING_NAME)) {
		disk_errf(err, errlen, "%s: the backing file name must be 1 to"
			  " %d bytes", path, QCOW2_MAX_BACKING_NAME);
		return -EINVAL;
	}
	if (backing) {
		uint64_t bsize;

		r = probe_backing(path, backing, backing_format, &bsize, fmt,
				  err, errlen);
		if (r)
			return r;
		if (!size)
			size = bsize;
	}
	if (!size || size % DISK_SECTOR || size > (1ull << 62)) {
		disk_errf(err, errlen, "%s: the size must be a non-zero "
			  "multiple of 512 bytes", path);
		return -EINVAL;
	}
	l1_size = size / per_l1 + (size % per_l1 != 0);
	if (l1_size * 8 > QCOW2_MAX_L1_BYTES) {
		disk_errf(err, errlen, "%s: the size is too large for qcow2 "
			  "with 64 KiB clusters", path);
		return -EINVAL;
	}
	l1_clusters = (l1_size * 8 + cs - 1) / cs;
	buf = calloc(3 + l1_clusters, cs);
	if (!buf) {
		disk_errf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	/* the header (spec "Header"), version 3 */
	qcow2_put32(buf, QCOW2_MAGIC);
	qcow2_put32(buf + QH_VERSION, 3);
	qcow2_put32(buf + QH_CLUSTER_BITS, NEW_CLUSTER_BITS);
	qcow2_put64(buf + QH_SIZE, size);
	qcow2_put32(buf + QH_L1_SIZE, l1_size);
	qcow2_put64(buf + QH_L1_OFFSET, 3 * cs);
	qcow2_put64(buf + QH_RT_OFFSET, cs);
	qcow2_put32(buf + QH_RT_CLUSTERS, 1);
	qcow2_put32(buf + QH_REFCOUNT_ORDER, 4);
	qcow2_put32(buf + QH_HEADER_LENGTH, NEW_HEADER_LENGTH);
	pos = NEW_HEADER_LENGTH;
	if (backing) {
		pos = put_ext(buf, pos, QEXT_BACKING_FORMAT, fmt, strlen(fmt));
		pos = put_ext(buf, pos, QEXT_END, "", 0);
		memcpy(buf + pos, backing, blen);
		qcow2_put64(buf + QH_BACKING_OFFSET, pos);
		qcow2_put32(buf + QH_BACKING_SIZE, blen);
	}
	/* the refcount table and block: clusters 0 to 2 + l1_clusters */
	qcow2_put64(buf + cs, 2 * cs);
	for (uint64_t c = 0; c < 3 + l1_clusters; c++)
		buf[2 * cs + c * 2 + 1] = 1;	/* 16 bits, big-endian */
	fd = disk_create_file(path, err, errlen);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	r = disk_file_pwrite(fd, buf, (3 + l1_clusters) * cs, 0);
	if (!r && fsync(fd) < 0)
		r = -errno;
	free(buf);
	close(fd);
	if (r) {
		disk_errf(err, errlen, "%s: cannot write the image: %s", path,
			  strerror(-r));
		unlink(path);
	}
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * qcow2 images: the header and its extensions, checked field by field
 * before anything is used (spec "Header", "Header extensions"), the
 * backing file, open and close.  A damaged image is refused here, with
 * what is wrong; nothing is repaired.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/disk_qcow2.h"

#define CORRUPT	"; the image is damaged (see 'qemu-img check')"

static int refuse(struct disk *d, char *err, size_t errlen, int e,
		  const char *why)
{
	disk_errf(err, errlen, "%s: %s", d->path, why);
	return e;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* Header extensions, from the end of the header to the end of cluster 0. */
static int parse_extensions(struct qcow2 *q, const uint8_t *h, size_t start,
			    char *err, size_t errlen)
{
	size_t pos = start;

	while (pos + 8 <= q->cluster_size) {
		uint32_t type = qcow2_be32(h + pos);
		uint32_t len = qcow2_be32(h + pos + 4);

		pos += 8;
		if (type == QEXT_END)
			return 0;
		if (len > q->cluster_size - pos)
			return refuse(q->d, err, errlen, -EINVAL, "a header "
				      "extension runs past the first cluster"
				      CORRUPT);
		if (type == QEXT_BACKING_FORMAT) {
			if (len >= sizeof(q->backing_format) || !len)
				return refuse(q->d, err, errlen, -EINVAL,
					      "the backing format name is "
					      "invalid" CORRUPT);
			memcpy(q->backing_format, h + pos, len);
			q->backing_format[len] = '\0';
		}
		pos += (len + 7) & ~7u;
	}
	return 0;
}

static int check_features(struct qcow2 *q, const uint8_t *h, char *err,
			  size_t errlen)
{
	struct disk *d = q->d;
	uint64_t known = QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT |
			 QCOW2_INCOMPAT_COMPRESSION;
	char why[160];

	if (qcow2_be32(h + QH_CRYPT))
		return refuse(d, err, errlen, -ENOTSUP, "the image is "
			      "encrypted, which hxen does not support "
			      "(decrypt it with 'qemu-img convert')");
	if (q->incompat & QCOW2_INCOMPAT_DATA_FILE)
		return refuse(d, err, errlen, -ENOTSUP, "the image uses an "
			      "external data file, which hxen does not "
			      "support (convert it with 'qemu-img convert')");
	if (q->incompat & QCOW2_INCOMPAT_EXTL2)
		return refuse(d, err, errlen, -ENOTSUP, "the image has "
			      "extended L2 entries (subclusters), which hxen "
			      "does not support (convert it with 'qemu-img "
			      "convert')");
	if (q->incompat & ~known) {
		snprintf(why, sizeof(why), "the image has unknown incompatible"
			 " features (0x%llx); hxen cannot use it safely",
			 (unsigned long long)(q->incompat & ~known));
		return refuse(d, err, errlen, -ENOTSUP, why);
	}
	/* spec: compression_type is 0 (zlib) unless bit 3 says otherwise */
	if (q->version >= 3 &&
	    qcow2_be32(h + QH_HEADER_LENGTH) > QH_COMPRESSION &&
	    h[QH_COMPRESSION] != 0) {
		if (!(q->incompat & QCOW2_INCOMPAT_COMPRESSION))
			return refuse(d, err, errlen, -EINVAL, "the header "
				      "names a compression type without the "
				      "feature bit" CORRUPT);
		return refuse(d, err, errlen, -ENOTSUP, "the image uses a "
			      "compression type other than zlib (zstd?), "
			      "which hxen does not support");
	}
	if (d->readonly)
		return 0;
	if (q->incompat & QCOW2_INCOMPAT_DIRTY)
		return refuse(d, err, errlen, -EINVAL, "the image is marked "
			      "dirty (lazy refcounts, not closed cleanly); "
			      "repair it with 'qemu-img check -r all' or "
			      "open it read-only");
	if (q->incompat & QCOW2_INCOMPAT_CORRUPT)
		return refuse(d, err, errlen, -EINVAL, "the image is marked "
			      "corrupt; repair it with 'qemu-img check -r "
			      "all' or open it read-only");
	if (q->nb_snapshots)
		return refuse(d, err, errlen, -ENOTSUP, "the image has "
			      "internal snapshots, which hxen only reads; open"
			      " it read-only or delete them ('qemu-img "
			      "snapshot -d')");
	return 0;
}

static int parse_header(struct qcow2 *q, const uint8_t *h, uint64_t fsize,
			char *err, size_t errlen)
{
	struct disk *d = q->d;
	uint64_t size, hlen, per_l1, need, boff;
	uint32_t bsize;
	int r;

	q->version = qcow2_be32(h + QH_VERSION);
	if (q->version == 3) {
		hlen = qcow2_be32(h + QH_HEADER_LENGTH);
		q->incompat = qcow2_be64(h + QH_INCOMPAT);
		q->compat = qcow2_be64(h + QH_COMPAT);
		q->autoclear = qcow2_be64(h + QH_AUTOCLEAR);
		q->refcount_order = qcow2_be32(h + QH_REFCOUNT_ORDER);
		if (hlen < QH_V3_LENGTH || hlen % 8 || hlen > q->cluster_size)
			return refuse(d, err, errlen, -EINVAL, "the header "
				      "length is invalid" CORRUPT);
	} else {
		hlen = QH_V2_LENGTH;
		q->refcount_order = 4;
	}
	if (q->refcount_order > 6)
		return refuse(d, err, errlen, -EINVAL, "the refcount order is "
			      "over 6 (64-bit refcounts)" CORRUPT);
	q->nb_snapshots = qcow2_be32(h + QH_NB_SNAPSHOTS);
	r = check_features(q, h, err, errlen);
	if (r)
		return r;

	size = qcow2_be64(h + QH_SIZE);
	if (size > (1ull << 62))
		return refuse(d, err, errlen, -EINVAL, "the virtual size is "
			      "too large" CORRUPT);
	q->l2_bits = q->cluster_bits - 3;
	per_l1 = q->cluster_size << q->l2_bits;
	need = size / per_l1 + (size % per_l1 != 0);
	q->l1_size = qcow2_be32(h + QH_L1_SIZE);
	q->l1_offset = qcow2_be64(h + QH_L1_OFFSET);
	if (q->l1_size < need)
		return refuse(d, err, errlen, -EINVAL, "the L1 table is too "
			      "small for the virtual size" CORRUPT);
	if ((uint64_t)q->l1_size * 8 > QCOW2_MAX_L1_BYTES)
		return refuse(d, err, errlen, -EINVAL, "the L1 table is larger"
			      " than 32 MiB" CORRUPT);
	if (q->l1_size && (!qcow2_aligned(q, q->l1_offset) ||
			   q->l1_offset < q->cluster_size ||
			   q->l1_offset > fsize ||
			   (uint64_t)q->l1_size * 8 > fsize - q->l1_offset))
		return refuse(d, err, errlen, -EINVAL, "the L1 table is not "
			      "inside the file (or overlaps the header)"
			      CORRUPT);

	q->rt_offset = qcow2_be64(h + QH_RT_OFFSET);
	q->rt_clusters = qcow2_be32(h + QH_RT_CLUSTERS);
	q->rt_size = (uint64_t)q->rt_clusters * q->cluster_size / 8;
	if (!q->rt_clusters || (uint64_t)q->rt_clusters * q->cluster_size >
	    QCOW2_MAX_RT_BYTES)
		return refuse(d, err, errlen, -EINVAL, "the refcount table "
			      "size is invalid" CORRUPT);
	if (!qcow2_aligned(q, q->rt_offset) || q->rt_offset < q->cluster_size)
		return refuse(d, err, errlen, -EINVAL, "the refcount table "
			      "overlaps the header or is not aligned"
			      CORRUPT);
	if (q->rt_offset >= q->file_clusters << q->cluster_bits ||
	    q->rt_clusters > q->file_clusters -
	    (q->rt_offset >> q->cluster_bits))
		return refuse(d, err, errlen, -EINVAL, "the refcount table is "
			      "not inside the file" CORRUPT);
	if (overlaps(q->rt_offset, q->rt_size * 8, q->l1_offset,
		     (uint64_t)q->l1_size * 8))
		return refuse(d, err, errlen, -EINVAL, "the refcount table "
			      "overlaps the L1 table" CORRUPT);

	boff = qcow2_be64(h + QH_BACKING_OFFSET);
	bsize = qcow2_be32(h + QH_BACKING_SIZE);
	if (boff) {
		if (!bsize || bsize > QCOW2_MAX_BACKING_NAME ||
		    bsize > q->cluster_size || boff < hlen ||
		    boff > q->cluster_size - bsize)
			return refuse(d, err, errlen, -EINVAL, "the backing "
				      "file name is not inside the first "
				      "cluster" CORRUPT);
		memcpy(q->backing_name, h + boff, bsize);
		q->backing_name[bsize] = '\0';
		if (strlen(q->backing_name) != bsize)
			return refuse(d, err, errlen, -EINVAL, "the backing "
				      "file name contains a NUL" CORRUPT);
	}
	d->size = size & ~(uint64_t)(DISK_SECTOR - 1);
	return parse_extensions(q, h, hlen, err, errlen);
}

static int load_be64_table(struct qcow2 *q, uint64_t **tab, uint64_t n,
			   uint64_t off)
{
	int r;

	*tab = calloc(n ? n : 1, 8);
	if (!*tab)
		return -ENOMEM;
	r = disk_file_pread(q->fd, *tab, n * 8, off);
	for (uint64_t i = 0; !r && i < n; i++)
		(*tab)[i] = qcow2_be64((uint8_t *)&(*tab)[i]);
	return r;
}

/* Relative names are relative to the overlay's directory (spec). */
static int open_backing(struct qcow2 *q, char *err, size_t errlen)
{
	struct disk *d = q->d;
	struct disk_opts o = {
		.format = q->backing_format[0] ? q->backing_format : NULL,
		.readonly = true,
		.no_lock = d->no_lock,
	};
	char *path, inner[512];

	if (!q->backing_name[0])
		return 0;
	path = disk_backing_path(d->path, q->backing_name);
	if (!path)
		return -ENOMEM;
	d->backing = disk_open_backing(path, &o, d, inner, sizeof(inner));
	free(path);
	if (!d->backing) {
		disk_errf(err, errlen, "%s: its backing file cannot be used: "
			  "%s", d->path, inner);
		return -EINVAL;
	}
	return 0;
}

static void qcow2_free(struct qcow2 *q)
{
	if (q->worker)
		disk_io_pool_destroy(q->worker);
	if (q->d->backing)
		disk_close(q->d->backing);
	q->d->backing = NULL;
	for (int i = 0; i < QCOW2_CACHE_L2; i++)
		free(q->l2_cache[i].data);
	for (int i = 0; i < QCOW2_CACHE_RB; i++)
		free(q->rb_cache[i].data);
	free(q->l1);
	free(q->rt);
	free(q->cbuf);
	free(q->rbuf);
	free(q->zbuf);
	free(q->wbuf);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

static int worker_run(void *opaque, struct disk_req *req)
{
	struct disk *d = opaque;

	return qcow2_rw(d->priv, req);
}

static void worker_done(void *opaque, struct disk_req *req, int res)
{
	disk_complete(opaque, req, res);
}

static int qcow2_open(struct disk *d, char *err, size_t errlen)
{
	uint8_t head[QH_V3_LENGTH], *h = NULL;
	struct qcow2 *q;
	struct stat st;
	unsigned int cb;
	int r, fl;

	if (d->blkdev || fstat(d->fd, &st) < 0)
		return refuse(d, err, errlen, -EINVAL, "qcow2 images must be "
			      "regular files");
	/* metadata writes are small and unaligned: no O_DIRECT here */
	fl = fcntl(d->fd, F_GETFL);
	if (fl >= 0 && (fl & O_DIRECT))
		fcntl(d->fd, F_SETFL, fl & ~O_DIRECT);
	d->direct = false;
	r = disk_file_pread(d->fd, head, sizeof(head), 0);
	if (r)
		return refuse(d, err, errlen, r, "cannot read the header");
	if (qcow2_be32(head) != QCOW2_MAGIC || (uint64_t)st.st_size < 72)
		return refuse(d, err, errlen, -EINVAL, "not a qcow2 image "
			      "(bad magic or too short); give format=raw if "
			      "it is raw");
	if (qcow2_be32(head + QH_VERSION) != 2 &&
	    qcow2_be32(head + QH_VERSION) != 3)
		return refuse(d, err, errlen, -ENOTSUP, "qcow2 version is not "
			      "2 or 3 (hxen reads and writes versions 2 and "
			      "3)");
	cb = qcow2_be32(head + QH_CLUSTER_BITS);
	if (cb < QCOW2_MIN_CLUSTER_BITS || cb > QCOW2_MAX_CLUSTER_BITS)
		return refuse(d, err, errlen, -EINVAL, "the cluster size is "
			      "out of range (512 bytes to 2 MiB)" CORRUPT);

	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	pthread_mutex_init(&q->lock, NULL);
	q->d = d;
	q->fd = d->fd;
	q->cluster_bits = cb;
	q->cluster_size = 1ull << cb;
	q->file_clusters = ((uint64_t)st.st_size + q->cluster_size - 1) >> cb;
	h = malloc(q->cluster_size);
	q->cbuf = malloc(2 * q->cluster_size + 512);
	q->rbuf = malloc(q->cluster_size);
	q->zbuf = malloc(q->cluster_size);
	q->wbuf = malloc(q->cluster_size);
	r = -ENOMEM;
	if (!h || !q->cbuf || !q->rbuf || !q->zbuf || !q->wbuf)
		goto fail;
	r = disk_file_pread(d->fd, h, q->cluster_size, 0);
	if (!r)
		r = parse_header(q, h, st.st_size, err, errlen);
	if (r)
		goto fail;
	q->rb_entries = q->cluster_size * 8 >> q->refcount_order;
	r = load_be64_table(q, &q->l1, q->l1_size, q->l1_offset);
	if (!r)
		r = load_be64_table(q, &q->rt, q->rt_size, q->rt_offset);
	if (r) {
		refuse(d, err, errlen, r, "cannot read the L1 and refcount "
		       "tables");
		goto fail;
	}
	/* autoclear bits we do not maintain are cleared (spec) */
	if (!d->readonly && q->version >= 3 && q->autoclear) {
		uint8_t zero[8] = { 0 };

		r = disk_file_pwrite(d->fd, zero, 8, QH_AUTOCLEAR);
		if (r) {
			refuse(d, err, errlen, r, "cannot update the header");
			goto fail;
		}
	}
	d->priv = q;
	r = open_backing(q, err, errlen);
	if (r)
		goto fail;
	/* a backing file is only read through qcow2_read(): no thread */
	if (!d->parent)
		q->worker = disk_io_pool_create(worker_run, worker_done, d, 1);
	if (!d->parent && !q->worker) {
		r = refuse(d, err, errlen, -ENOMEM, "cannot start the worker");
		goto fail;
	}
	d->can_discard = true;
	free(h);
	return 0;
fail:
	free(h);
	d->priv = NULL;
	qcow2_free(q);
	return r ? r : -EINVAL;
}

static void qcow2_close(struct disk *d)
{
	qcow2_free(d->priv);
	d->priv = NULL;
}

static void qcow2_submit(struct disk *d, struct disk_req *req)
{
	struct qcow2 *q = d->priv;

	disk_io_pool_queue(q->worker, req);
}

static int qcow2_read(struct disk *d, void *buf, size_t len, uint64_t off)
{
	return qcow2_read_buf(d->priv, buf, len, off);
}

static void qcow2_info(const struct disk *d, struct disk_info *info)
{
	const struct qcow2 *q = d->priv;

	info->allocated = disk_file_allocated(d->fd);
	info->cluster_size = q->cluster_size;
	snprintf(info->backing, sizeof(info->backing), "%s", q->backing_name);
	snprintf(info->backing_format, sizeof(info->backing_format), "%s",
		 q->backing_format[0] ? q->backing_format :
		 d->backing ? d->backing->fmt->name : "");
}

const struct disk_format disk_qcow2_format = {
	.name = "qcow2",
	.open = qcow2_open,
	.close = qcow2_close,
	.submit = qcow2_submit,
	.read = qcow2_read,
	.info = qcow2_info,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * qcow2 cluster mapping (spec "Cluster mapping"): a guest offset picks an
 * L1 entry (an L2 table) and an L2 entry (a cluster descriptor).  Reads
 * follow the descriptor: data in the file, zeros, the backing file, or a
 * compressed cluster; writes go in place to a cluster this image owns
 * alone (COPIED) and otherwise to a newly allocated one; discards drop
 * clusters.  One request at a time, under q->lock, on the worker thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "devices/disk_qcow2.h"

/* A position in a request's iovecs. */
struct iovc {
	const struct iovec *iov;
	int cnt, i;
	size_t off;
};

static void iovc_step(struct iovc *c, size_t n)
{
	c->off += n;
	while (c->i < c->cnt && c->off >= c->iov[c->i].iov_len) {
		c->off -= c->iov[c->i].iov_len;
		c->i++;
	}
}

/* Copies @len bytes between the cursor and @buf (@to_iov: into iovecs). */
static void iovc_copy(struct iovc *c, void *buf, size_t len, bool to_iov)
{
	uint8_t *b = buf;

	while (len && c->i < c->cnt) {
		uint8_t *p = (uint8_t *)c->iov[c->i].iov_base + c->off;
		size_t n = c->iov[c->i].iov_len - c->off;

		if (n > len)
			n = len;
		if (!b)
			memset(p, 0, n);
		else if (to_iov)
			memcpy(p, b, n);
		else
			memcpy(b, p, n);
		if (b)
			b += n;
		len -= n;
		iovc_step(c, n);
	}
}

/* Up to @max iovecs for the next @len bytes; *got: the bytes they hold. */
static int iovc_slice(const struct iovc *c, size_t len, struct iovec *out,
		      int max, size_t *got)
{
	struct iovc t = *c;
	int n = 0;

	*got = 0;
	while (len && t.i < t.cnt && n < max) {
		size_t k = t.iov[t.i].iov_len - t.off;

		if (k > len)
			k = len;
		out[n].iov_base = (uint8_t *)t.iov[t.i].iov_base + t.off;
		out[n++].iov_len = k;
		len -= k;
		*got += k;
		iovc_step(&t, k);
	}
	return n;
}

static int iovc_file(struct iovc *c, int fd, uint64_t off, size_t len,
		     bool write)
{
	struct iovec v[64];

	while (len) {
		size_t got;
		int n = iovc_slice(c, len, v, 64, &got), r;

		if (!n)
			return -EINVAL;	/* iovecs shorter than the request */
		r = write ? disk_file_pwritev(fd, v, n, off) :
			    disk_file_preadv(fd, v, n, off);
		if (r)
			return r;
		iovc_step(c, got);
		off += got;
		len -= got;
	}
	return 0;
}

/* Cached tables (L2 tables, refcount blocks), read whole, never dirty. */
int qcow2_load_table(struct qcow2 *q, struct qcow2_table *cache, int n,
		     uint64_t offset, uint8_t **data)
{
	struct qcow2_table *victim = &cache[0];
	int r;

	for (int i = 0; i < n; i++) {
		if (cache[i].offset == offset && cache[i].data) {
			cache[i].used = ++q->stamp;
			*data = cache[i].data;
			return 0;
		}
		if (cache[i].used < victim->used)
			victim = &cache[i];
	}
	if (!victim->data) {
		victim->data = malloc(q->cluster_size);
		if (!victim->data)
			return -ENOMEM;
	}
	victim->offset = 0;
	r = disk_file_pread(q->fd, victim->data, q->cluster_size, offset);
	if (r)
		return r;
	victim->offset = offset;
	victim->used = ++q->stamp;
	*data = victim->data;
	return 0;
}

/* A cluster was freed: whatever table was cached there is gone. */
void qcow2_drop_table(struct qcow2 *q, uint64_t offset)
{
	for (int i = 0; i < QCOW2_CACHE_L2; i++)
		if (q->l2_cache[i].offset == offset)
			q->l2_cache[i].offset = 0;
	for (int i = 0; i < QCOW2_CACHE_RB; i++)
		if (q->rb_cache[i].offset == offset)
			q->rb_cache[i].offset = 0;
}

static bool in_file(const struct qcow2 *q, uint64_t off, uint64_t len)
{
	uint64_t end = q->file_clusters << q->cluster_bits;

	return off < end && len <= end - off;
}

/*
 * A cluster that the header, the L1 table or the refcount table live in:
 * a descriptor pointing there is corrupt, and writing through it would
 * destroy the image (QEMU calls this an overlap check).
 */
static bool is_meta(const struct qcow2 *q, uint64_t off)
{
	uint64_t c = off >> q->cluster_bits;
	uint64_t l1c = q->l1_offset >> q->cluster_bits;
	uint64_t l1n = ((uint64_t)q->l1_size * 8 + q->cluster_size - 1) >>
		       q->cluster_bits;
	uint64_t rtc = q->rt_offset >> q->cluster_bits;

	return c == 0 || (c >= l1c && c < l1c + l1n) ||
	       (c >= rtc && c < rtc + q->rt_clusters);
}

static int write_l1_entry(struct qcow2 *q, uint64_t idx)
{
	uint8_t be[8];

	qcow2_put64(be, q->l1[idx]);
	return disk_file_pwrite(q->fd, be, 8, q->l1_offset + idx * 8);
}

/*
 * The L2 table of L1 entry @idx: *l2 NULL when there is none and @alloc
 * is false; with @alloc, a new zeroed table is made when there is none.
 */
static int get_l2(struct qcow2 *q, uint64_t idx, bool alloc, uint8_t **l2,
		  uint64_t *l2_off)
{
	uint64_t e = q->l1[idx], off = e & QCOW2_OFFSET_MASK, rc;
	int r;

	*l2 = NULL;
	if ((e & QCOW2_L1_RESERVED) ||
	    (off && (!in_file(q, off, q->cluster_size) || is_meta(q, off)))) {
		disk_log(q->d, "L1 entry %llu (0x%llx) is not an L2 table "
			 "inside the file: the image is corrupt",
			 (unsigned long long)idx, (unsigned long long)e);
		return -EIO;
	}
	if (!off && !alloc)
		return 0;
	if (!off) {
		uint8_t *zero = calloc(1, q->cluster_size);

		if (!zero)
			return -ENOMEM;
		r = qcow2_alloc_cluster(q, &off);
		if (r) {
			free(zero);
			return r;
		}
		r = disk_file_pwrite(q->fd, zero, q->cluster_size, off);
		free(zero);
		/* the table is on disk before the L1 entry points at it */
		if (!r) {
			q->l1[idx] = off | QCOW2_OFLAG_COPIED;
			r = write_l1_entry(q, idx);
			if (r)
				q->l1[idx] = e;
		}
		if (r) {
			qcow2_free_range(q, off, q->cluster_size);
			return r;
		}
	} else if (alloc && !(e & QCOW2_OFLAG_COPIED)) {
		/* shared with a snapshot: writable opens refuse those */
		r = qcow2_get_refcount(q, off >> q->cluster_bits, &rc);
		if (r || rc != 1) {
			disk_log(q->d, "L2 table at 0x%llx is shared; hxen "
				 "does not write to shared tables",
				 (unsigned long long)off);
			return -EIO;
		}
		q->l1[idx] |= QCOW2_OFLAG_COPIED;
		r = write_l1_entry(q, idx);
		if (r)
			return r;
	}
	*l2_off = off;
	return qcow2_load_table(q, q->l2_cache, QCOW2_CACHE_L2, off, l2);
}

static int set_l2_entry(struct qcow2 *q, uint64_t l2_off, uint64_t i,
			uint64_t entry)
{
	uint8_t be[8], *l2;
	int r = qcow2_load_table(q, q->l2_cache, QCOW2_CACHE_L2, l2_off, &l2);

	if (r)
		return r;
	qcow2_put64(l2 + i * 8, entry);
	qcow2_put64(be, entry);
	return disk_file_pwrite(q->fd, be, 8, l2_off + i * 8);
}

enum ctype { C_UNALLOC, C_ZERO, C_NORMAL, C_COMPRESSED };

struct cdesc {
	enum ctype type;
	uint64_t host;		/* C_NORMAL (or preallocated C_ZERO) */
	uint64_t cstart, clen;	/* C_COMPRESSED: its sectors */
	bool copied;
};

static int classify(struct qcow2 *q, uint64_t e, struct cdesc *c)
{
	memset(c, 0, sizeof(*c));
	c->copied = e & QCOW2_OFLAG_COPIED;
	if (e & QCOW2_OFLAG_COMPRESSED) {
		unsigned int x = 62 - (q->cluster_bits - 8);
		uint64_t host = e & ((1ull << x) - 1);
		uint64_t nsec = ((e >> x) & ((1ull << (q->cluster_bits - 8)) -
					     1)) + 1;

		c->type = C_COMPRESSED;
		c->host = host;
		c->cstart = host & ~511ull;
		c->clen = nsec * 512;
		/* the last sector may run past a file that ends early */
		if (c->copied || !in_file(q, c->cstart, 512))
			goto bad;
		return 0;
	}
	c->host = e & QCOW2_OFFSET_MASK;
	if (e & QCOW2_L2_RESERVED)
		goto bad;
	if (q->version >= 3 && (e & QCOW2_OFLAG_ZERO))
		c->type = C_ZERO;
	else
		c->type = c->host ? C_NORMAL : C_UNALLOC;
	if (c->host && (!in_file(q, c->host, q->cluster_size) ||
			is_meta(q, c->host)))
		goto bad;
	return 0;
bad:
	disk_log(q->d, "L2 entry 0x%llx is not a valid cluster descriptor: "
		 "the image is corrupt", (unsigned long long)e);
	return -EIO;
}

/* Decompresses into q->zbuf (raw deflate; spec "Compressed Clusters"). */
static int inflate_cluster(struct qcow2 *q, uint64_t e,
			   const struct cdesc *c)
{
	size_t len = c->cstart + c->clen - c->host;
	z_stream zs;
	int r, zr;

	if (q->zbuf_entry == e)
		return 0;
	q->zbuf_entry = 0;
	r = disk_file_pread(q->fd, q->cbuf, len, c->host);
	if (r)
		return r;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, -15) != Z_OK)
		return -ENOMEM;
	zs.next_in = q->cbuf;
	zs.avail_in = len;
	zs.next_out = q->zbuf;
	zs.avail_out = q->cluster_size;
	zr = inflate(&zs, Z_FINISH);
	inflateEnd(&zs);
	/* the data may end mid-sector: a full cluster out is what counts */
	if (zs.avail_out || (zr != Z_STREAM_END && zr != Z_BUF_ERROR &&
			     zr != Z_OK)) {
		disk_log(q->d, "compressed cluster at 0x%llx does not "
			 "decompress: the image is corrupt",
			 (unsigned long long)c->host);
		return -EIO;
	}
	q->zbuf_entry = e;
	return 0;
}

static int read_backing(struct qcow2 *q, void *buf, size_t len, uint64_t off)
{
	struct disk *b = q->d->backing;

	if (!b) {
		memset(buf, 0, len);
		return 0;
	}
	return b->fmt->read(b, buf, len, off);
}

/*
 * Reads @len bytes at @in_off of the guest cluster at @gofs, described by
 * @c, into the cursor.
 */
static int read_part(struct qcow2 *q, uint64_t e, const struct cdesc *c,
		     uint64_t gofs, size_t in_off, size_t len,
		     struct iovc *dst)
{
	int r;

	switch (c->type) {
	case C_NORMAL:
		return iovc_file(dst, q->fd, c->host + in_off, len, false);
	case C_ZERO:
		iovc_copy(dst, NULL, len, true);
		return 0;
	case C_COMPRESSED:
		r = inflate_cluster(q, e, c);
		if (!r)
			iovc_copy(dst, q->zbuf + in_off, len, true);
		return r;
	case C_UNALLOC:
		if (!q->d->backing) {
			iovc_copy(dst, NULL, len, true);
			return 0;
		}
		r = read_backing(q, q->rbuf, len, gofs + in_off);
		if (!r)
			iovc_copy(dst, q->rbuf, len, true);
		return r;
	}
	return -EIO;
}

/* L1 index, L2 index of a guest offset. */
static void split(const struct qcow2 *q, uint64_t gofs, uint64_t *l1i,
		  uint64_t *l2i)
{
	uint64_t cl = gofs >> q->cluster_bits;

	*l1i = cl >> q->l2_bits;
	*l2i = cl & ((1ull << q->l2_bits) - 1);
}

static int lookup(struct qcow2 *q, uint64_t gofs, bool alloc, uint64_t *e,
		  uint64_t *l2_off, uint64_t *l2i, struct cdesc *c)
{
	uint64_t l1i;
	uint8_t *l2;
	int r;

	split(q, gofs, &l1i, l2i);
	if (l1i >= q->l1_size)
		return -EIO;	/* open checked the L1 size: not reached */
	r = get_l2(q, l1i, alloc, &l2, l2_off);
	if (r)
		return r;
	*e = l2 ? qcow2_be64(l2 + *l2i * 8) : 0;
	return classify(q, *e, c);
}

/* The references an old descriptor held, now replaced. */
static int release(struct qcow2 *q, uint64_t e, const struct cdesc *c)
{
	if (q->zbuf_entry == e)
		q->zbuf_entry = 0;
	if (c->type == C_COMPRESSED)
		return qcow2_free_range(q, c->cstart, c->clen);
	if (c->host)
		return qcow2_free_range(q, c->host, q->cluster_size);
	return 0;
}

static int read_cluster(struct qcow2 *q, uint64_t gofs, size_t in_off,
			size_t len, struct iovc *dst)
{
	uint64_t e, l2_off, l2i;
	struct cdesc c;
	int r = lookup(q, gofs, false, &e, &l2_off, &l2i, &c);

	return r ? r : read_part(q, e, &c, gofs, in_off, len, dst);
}

static int write_cluster(struct qcow2 *q, uint64_t gofs, size_t in_off,
			 size_t len, struct iovc *src)
{
	uint64_t e, l2_off, l2i, host;
	struct iovec whole = { q->wbuf, q->cluster_size };
	struct iovc w = { &whole, 1, 0, 0 };
	struct cdesc c;
	int r = lookup(q, gofs, true, &e, &l2_off, &l2i, &c);

	if (r)
		return r;
	if (c.type == C_NORMAL && c.copied)
		return iovc_file(src, q->fd, c.host + in_off, len, true);
	/* a new cluster: the old contents around the write, then ours */
	if (len < q->cluster_size) {
		r = read_part(q, e, &c, gofs, 0, q->cluster_size, &w);
		if (r)
			return r;
	}
	iovc_copy(src, q->wbuf + in_off, len, false);
	r = qcow2_alloc_cluster(q, &host);
	if (r)
		return r;
	r = disk_file_pwrite(q->fd, q->wbuf, q->cluster_size, host);
	if (!r)
		r = set_l2_entry(q, l2_off, l2i, host | QCOW2_OFLAG_COPIED);
	if (r) {
		/* nothing points at it yet (ENOSPC...): give it back */
		qcow2_free_range(q, host, q->cluster_size);
		return r;
	}
	return release(q, e, &c);
}

/*
 * Whole clusters only; a partial one keeps its data (disk.h allows it).
 * With a backing file the cluster becomes a zero cluster, so the backing
 * data does not show through (v2 has no zero clusters: left alone).
 */
static int discard_cluster(struct qcow2 *q, uint64_t gofs)
{
	bool backing = q->d->backing;
	uint64_t e, l2_off, l2i, ne;
	struct cdesc c;
	int r;

	if (backing && q->version < 3)
		return 0;
	r = lookup(q, gofs, backing, &e, &l2_off, &l2i, &c);
	if (r)
		return r;
	ne = backing ? QCOW2_OFLAG_ZERO : 0;
	if (e == ne || (!backing && c.type == C_UNALLOC))
		return 0;
	r = set_l2_entry(q, l2_off, l2i, ne);
	return r ? r : release(q, e, &c);
}

static int rw(struct qcow2 *q, uint64_t off, uint64_t len, struct iovc *c,
	      enum disk_op op)
{
	while (len) {
		uint64_t in = off & (q->cluster_size - 1);
		uint64_t n = q->cluster_size - in;
		int r;

		if (n > len)
			n = len;
		if (op == DISK_READ)
			r = read_cluster(q, off - in, in, n, c);
		else if (op == DISK_WRITE)
			r = write_cluster(q, off - in, in, n, c);
		else
			r = n == q->cluster_size ? discard_cluster(q, off) : 0;
		if (r)
			return r;
		off += n;
		len -= n;
	}
	return 0;
}

/* The worker: one request, start to end. */
int qcow2_rw(struct qcow2 *q, struct disk_req *req)
{
	struct iovc c = { req->iov, req->iovcnt, 0, 0 };
	uint64_t len;
	int r;

	if (req->op == DISK_FLUSH)
		return fdatasync(q->fd) < 0 ? -errno : 0;
	len = req->op == DISK_DISCARD ? req->len :
	      disk_iov_len(req->iov, req->iovcnt);
	iovc_step(&c, 0);
	pthread_mutex_lock(&q->lock);
	r = rw(q, req->offset, len, &c, req->op);
	pthread_mutex_unlock(&q->lock);
	return r;
}

/* For an overlay: reads past the virtual size give zeros. */
int qcow2_read_buf(struct qcow2 *q, void *buf, size_t len, uint64_t off)
{
	struct iovec v = { buf, len };
	struct iovc c = { &v, 1, 0, 0 };
	uint64_t size = q->d->size;
	size_t n = off < size ? (len < size - off ? len : size - off) : 0;
	int r;

	memset((uint8_t *)buf + n, 0, len - n);
	pthread_mutex_lock(&q->lock);
	r = rw(q, off, n, &c, DISK_READ);
	pthread_mutex_unlock(&q->lock);
	return r;
}

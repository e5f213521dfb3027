// SPDX-License-Identifier: GPL-2.0
/*
 * qcow2 refcounts and cluster allocation (spec "Host cluster
 * management").  Every host cluster in use has a refcount: a refcount
 * table (in memory, written through) points at refcount blocks (cached),
 * each holding rb_entries refcounts of refcount_bits each.  A new cluster
 * is the lowest one with refcount 0, or the next one at the end of the
 * file; a refcount block that does not exist yet is put in the very
 * cluster it is created for, so it describes itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/disk_qcow2.h"

/*
 * Entries narrower than a byte are packed from the least significant bit
 * (QEMU's layout); wider ones are big-endian like everything else.
 */
uint64_t qcow2_rb_get(const struct qcow2 *q, const uint8_t *rb, uint64_t i)
{
	unsigned int bits = 1u << q->refcount_order;
	uint64_t v = 0;

	if (bits < 8) {
		unsigned int per = 8 / bits;

		return (rb[i / per] >> (i % per * bits)) & ((1u << bits) - 1);
	}
	for (unsigned int b = 0; b < bits / 8; b++)
		v = v << 8 | rb[i * (bits / 8) + b];
	return v;
}

void qcow2_rb_set(const struct qcow2 *q, uint8_t *rb, uint64_t i, uint64_t v)
{
	unsigned int bits = 1u << q->refcount_order;

	if (bits < 8) {
		unsigned int per = 8 / bits, sh = i % per * bits;
		uint8_t mask = ((1u << bits) - 1) << sh;

		rb[i / per] = (rb[i / per] & ~mask) | ((v << sh) & mask);
		return;
	}
	for (int b = bits / 8 - 1; b >= 0; b--, v >>= 8)
		rb[i * (bits / 8) + b] = v;
}

/* The bytes of block @rb that hold entry @i: [*start, *start + *len). */
static void rb_span(const struct qcow2 *q, uint64_t i, uint64_t *start,
		    size_t *len)
{
	unsigned int bits = 1u << q->refcount_order;

	if (bits < 8) {
		*start = i / (8 / bits);
		*len = 1;
	} else {
		*start = i * (bits / 8);
		*len = bits / 8;
	}
}

/* Refcount block @idx of the table: 0 (none) or its validated offset. */
static int rb_offset(struct qcow2 *q, uint64_t idx, uint64_t *off)
{
	uint64_t e;

	*off = 0;
	if (idx >= q->rt_size)
		return 0;
	e = q->rt[idx];
	/* spec: bits 0-8 reserved; the block is cluster aligned */
	if (!qcow2_aligned(q, e) || e >= q->file_clusters << q->cluster_bits) {
		disk_log(q->d, "refcount table entry %llu (0x%llx) is not a "
			 "cluster inside the file: the image is corrupt",
			 (unsigned long long)idx, (unsigned long long)e);
		return -EIO;
	}
	*off = e;
	return 0;
}

int qcow2_get_refcount(struct qcow2 *q, uint64_t cluster, uint64_t *rc)
{
	uint64_t off;
	uint8_t *rb;
	int r = rb_offset(q, cluster / q->rb_entries, &off);

	*rc = 0;
	if (r || !off)
		return r;
	r = qcow2_load_table(q, q->rb_cache, QCOW2_CACHE_RB, off, &rb);
	if (!r)
		*rc = qcow2_rb_get(q, rb, cluster % q->rb_entries);
	return r;
}

/* The block must exist; written through. */
static int set_refcount(struct qcow2 *q, uint64_t cluster, uint64_t rc)
{
	uint64_t off, i = cluster % q->rb_entries, start;
	uint8_t *rb;
	size_t len;
	int r = rb_offset(q, cluster / q->rb_entries, &off);

	if (!r && !off)
		r = -EIO;
	if (!r)
		r = qcow2_load_table(q, q->rb_cache, QCOW2_CACHE_RB, off, &rb);
	if (r)
		return r;
	qcow2_rb_set(q, rb, i, rc);
	rb_span(q, i, &start, &len);
	return disk_file_pwrite(q->fd, rb + start, len, off + start);
}

static int write_rt_entry(struct qcow2 *q, uint64_t idx)
{
	uint8_t be[8];

	qcow2_put64(be, q->rt[idx]);
	return disk_file_pwrite(q->fd, be, 8, q->rt_offset + idx * 8);
}

/*
 * A new refcount block for table entry @idx, placed in cluster @c (which
 * it covers): written before the table points at it.
 */
static int new_block_at(struct qcow2 *q, uint64_t idx, uint64_t c)
{
	uint8_t *blk = calloc(1, q->cluster_size);
	int r;

	if (!blk)
		return -ENOMEM;
	qcow2_rb_set(q, blk, c % q->rb_entries, 1);
	r = disk_file_pwrite(q->fd, blk, q->cluster_size,
			     c << q->cluster_bits);
	free(blk);
	if (r)
		return r;
	if (c >= q->file_clusters)
		q->file_clusters = c + 1;
	q->rt[idx] = c << q->cluster_bits;
	return write_rt_entry(q, idx);
}

/*
 * The refcount table is full: a larger one goes at the end of the file,
 * followed by the new blocks that describe it (and themselves).  It is
 * written and synced before the header points at it; then the old table
 * is freed.
 */
static int grow_table(struct qcow2 *q, uint64_t need_idx)
{
	uint64_t per_cluster = q->cluster_size / 8, t = q->file_clusters;
	uint64_t nrt, k = 0, end, nsize, *nrt_tab, old_off = q->rt_offset;
	uint64_t old_clusters = q->rt_clusters;
	uint8_t *blk = NULL, hdr[12];
	int r = -ENOMEM;

	nsize = q->rt_size * 2 > need_idx + 1 ? q->rt_size * 2 : need_idx + 1;
	nrt = (nsize + per_cluster - 1) / per_cluster;
	for (;;) {
		uint64_t missing = 0;

		end = t + nrt + k;
		for (uint64_t i = t / q->rb_entries;
		     i <= (end - 1) / q->rb_entries; i++)
			if (i >= q->rt_size || !q->rt[i])
				missing++;
		if ((end - 1) / q->rb_entries >= nrt * per_cluster) {
			nrt++;
			continue;
		}
		if (missing == k)
			break;
		k = missing;
	}
	if (nrt * q->cluster_size > QCOW2_MAX_RT_BYTES) {
		disk_log(q->d, "the refcount table cannot grow past %u MiB",
			 QCOW2_MAX_RT_BYTES >> 20);
		return -ENOSPC;
	}
	nrt_tab = calloc(nrt * per_cluster, 8);
	blk = malloc(q->cluster_size);
	if (!nrt_tab || !blk)
		goto out;
	memcpy(nrt_tab, q->rt, q->rt_size * 8);
	/* the new blocks, then the refcounts of [t, end) */
	k = t + nrt;
	for (uint64_t i = t / q->rb_entries; i <= (end - 1) / q->rb_entries;
	     i++) {
		if (i < q->rt_size && q->rt[i])
			continue;
		memset(blk, 0, q->cluster_size);
		for (uint64_t c = t; c < end; c++)
			if (c / q->rb_entries == i)
				qcow2_rb_set(q, blk, c % q->rb_entries, 1);
		r = disk_file_pwrite(q->fd, blk, q->cluster_size,
				     k << q->cluster_bits);
		if (r)
			goto out;
		nrt_tab[i] = k++ << q->cluster_bits;
	}
	for (uint64_t c = t; c < end; c++) {
		uint64_t i = c / q->rb_entries;

		if (i < q->rt_size && q->rt[i]) {
			r = set_refcount(q, c, 1);
			if (r)
				goto out;
		}
	}
	for (uint64_t i = 0; i < nrt * per_cluster; i++)
		qcow2_put64((uint8_t *)&nrt_tab[i], nrt_tab[i]);
	r = disk_file_pwrite(q->fd, nrt_tab, nrt * q->cluster_size,
			     t << q->cluster_bits);
	for (uint64_t i = 0; i < nrt * per_cluster; i++)
		nrt_tab[i] = qcow2_be64((uint8_t *)&nrt_tab[i]);
	if (!r && fdatasync(q->fd) < 0)
		r = -errno;
	if (r)
		goto out;
	qcow2_put64(hdr, t << q->cluster_bits);
	qcow2_put32(hdr + 8, nrt);
	r = disk_file_pwrite(q->fd, hdr, sizeof(hdr), QH_RT_OFFSET);
	if (r)
		goto out;
	free(q->rt);
	q->rt = nrt_tab;
	nrt_tab = NULL;
	q->rt_offset = t << q->cluster_bits;
	q->rt_clusters = nrt;
	q->rt_size = nrt * per_cluster;
	q->file_clusters = end;
	r = qcow2_free_range(q, old_off, old_clusters << q->cluster_bits);
out:
	free(nrt_tab);
	free(blk);
	return r;
}

/* A cluster for new data or metadata, its refcount already 1. */
int qcow2_alloc_cluster(struct qcow2 *q, uint64_t *offset)
{
	for (uint64_t c = q->free_hint;; c++) {
		uint64_t idx = c / q->rb_entries, rc, off;
		int r;

		if (idx >= q->rt_size) {
			r = grow_table(q, idx);
			if (r)
				return r;
			c = q->free_hint - 1;	/* the table moved: rescan */
			continue;
		}
		r = rb_offset(q, idx, &off);
		if (r)
			return r;
		if (!off) {
			/* no block: every cluster it covers is free */
			r = new_block_at(q, idx, c);
			if (r)
				return r;
			continue;
		}
		r = qcow2_get_refcount(q, c, &rc);
		if (r)
			return r;
		if (rc)
			continue;
		r = set_refcount(q, c, 1);
		if (r)
			return r;
		q->free_hint = c + 1;
		if (c >= q->file_clusters)
			q->file_clusters = c + 1;
		*offset = c << q->cluster_bits;
		return 0;
	}
}

/*
 * Drops one reference to each cluster of [offset, offset + len); a
 * cluster nobody uses any more is punched out of the file, so discards
 * shrink the image's allocation.
 */
int qcow2_free_range(struct qcow2 *q, uint64_t offset, uint64_t len)
{
	uint64_t first = offset >> q->cluster_bits;
	uint64_t last = (offset + len - 1) >> q->cluster_bits;

	for (uint64_t c = first; len && c <= last; c++) {
		uint64_t rc;
		int r = qcow2_get_refcount(q, c, &rc);

		if (!r && !rc) {
			disk_log(q->d, "cluster %llu is freed but has no "
				 "references: the image is corrupt",
				 (unsigned long long)c);
			r = -EIO;
		}
		if (!r)
			r = set_refcount(q, c, rc - 1);
		if (r)
			return r;
		if (rc > 1)
			continue;
		if (c < q->free_hint)
			q->free_hint = c;
		qcow2_drop_table(q, c << q->cluster_bits);
		disk_file_discard(q->fd, false, c << q->cluster_bits,
				  q->cluster_size);
	}
	return 0;
}

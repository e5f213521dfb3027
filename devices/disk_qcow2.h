/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcow2 inside the disk layer.  Facts from QEMU's docs/interop/qcow2.txt
 * ("the spec" below); the code is hxen's own.
 *
 *   disk_qcow2.c         header, validation, backing file, open/close
 *   disk_qcow2_map.c     L1/L2 lookup, reads (compressed too), writes,
 *                        discard, the worker that runs requests
 *   disk_qcow2_alloc.c   refcounts and cluster allocation
 *   disk_qcow2_create.c  new images
 *
 * Metadata is written through: every L1/L2/refcount change goes to the
 * file (page cache) at once, in an order that leaves at worst a leaked
 * cluster if the process dies between two writes: refcount up, data, L2
 * entry, old cluster's refcount down.  FLUSH is then one fdatasync.
 */
#ifndef HXEN_DEVICES_DISK_QCOW2_H
#define HXEN_DEVICES_DISK_QCOW2_H

#include "devices/disk_impl.h"

#define QCOW2_MAGIC		0x514649fbu	/* "QFI\xfb" */
#define QCOW2_MIN_CLUSTER_BITS	9
#define QCOW2_MAX_CLUSTER_BITS	21		/* QEMU's limit: 2 MiB */
#define QCOW2_MAX_L1_BYTES	(32u << 20)
#define QCOW2_MAX_RT_BYTES	(8u << 20)
#define QCOW2_MAX_BACKING_NAME	1023

/* Header bytes (spec "Header"). */
#define QH_VERSION		4
#define QH_BACKING_OFFSET	8
#define QH_BACKING_SIZE		16
#define QH_CLUSTER_BITS		20
#define QH_SIZE			24
#define QH_CRYPT		32
#define QH_L1_SIZE		36
#define QH_L1_OFFSET		40
#define QH_RT_OFFSET		48
#define QH_RT_CLUSTERS		56
#define QH_NB_SNAPSHOTS		60
#define QH_SNAPSHOTS_OFFSET	64
#define QH_INCOMPAT		72	/* version 3 from here */
#define QH_COMPAT		80
#define QH_AUTOCLEAR		88
#define QH_REFCOUNT_ORDER	96
#define QH_HEADER_LENGTH	100
#define QH_COMPRESSION		104
#define QH_V2_LENGTH		72
#define QH_V3_LENGTH		104

#define QCOW2_INCOMPAT_DIRTY		(1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT		(1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE	(1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION	(1ull << 3)
#define QCOW2_INCOMPAT_EXTL2		(1ull << 4)

/* Header extension types (spec "Header extensions"). */
#define QEXT_END		0x00000000u
#define QEXT_BACKING_FORMAT	0xe2792acau
#define QEXT_FEATURE_TABLE	0x6803f857u
#define QEXT_DATA_FILE		0x44415441u

/* L1 and L2 entries (spec "Cluster mapping"). */
#define QCOW2_OFLAG_COPIED	(1ull << 63)
#define QCOW2_OFLAG_COMPRESSED	(1ull << 62)
#define QCOW2_OFLAG_ZERO	(1ull << 0)
#define QCOW2_OFFSET_MASK	0x00fffffffffffe00ull	/* bits 9-55 */
#define QCOW2_L1_RESERVED	0x7f000000000001ffull
#define QCOW2_L2_RESERVED	0x3f000000000001feull

#define QCOW2_CACHE_L2		16
#define QCOW2_CACHE_RB		8

struct qcow2_table {		/* one cached L2 table or refcount block */
	uint64_t offset;	/* 0: slot empty */
	uint64_t used;		/* LRU stamp */
	uint8_t *data;
};

struct qcow2 {
	struct disk *d;
	int fd;
	unsigned int version;
	unsigned int cluster_bits;
	uint64_t cluster_size;
	unsigned int l2_bits;		/* entries per L2 table: 1 << l2_bits */
	unsigned int refcount_order;	/* refcount_bits = 1 << order */
	uint64_t rb_entries;		/* refcounts per refcount block */
	uint64_t incompat, compat, autoclear;
	uint32_t nb_snapshots;

	uint32_t l1_size;
	uint64_t l1_offset;
	uint64_t *l1;			/* host byte order */
	uint64_t rt_offset;
	uint32_t rt_clusters;
	uint64_t rt_size;		/* entries */
	uint64_t *rt;			/* host byte order */

	uint64_t file_clusters;		/* host file length, in clusters */
	uint64_t free_hint;		/* no free cluster below this index */

	char backing_name[QCOW2_MAX_BACKING_NAME + 1];
	char backing_format[16];

	struct qcow2_table l2_cache[QCOW2_CACHE_L2];
	struct qcow2_table rb_cache[QCOW2_CACHE_RB];
	uint64_t stamp;

	uint8_t *cbuf;			/* compressed data: 2 clusters */
	uint8_t *rbuf;			/* backing data of one cluster */
	uint8_t *zbuf;			/* a decompressed cluster */
	uint64_t zbuf_entry;		/* its L2 entry (0: none) */
	uint8_t *wbuf;			/* a cluster being assembled */

	pthread_mutex_t lock;		/* the metadata; held per request */
	struct disk_io_pool *worker;
};

static inline uint64_t qcow2_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline uint32_t qcow2_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static inline void qcow2_put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = v;
}

static inline void qcow2_put32(uint8_t *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = v;
}

static inline bool qcow2_aligned(const struct qcow2 *q, uint64_t off)
{
	return !(off & (q->cluster_size - 1));
}

/* disk_qcow2_map.c */
int qcow2_rw(struct qcow2 *q, struct disk_req *req);
int qcow2_read_buf(struct qcow2 *q, void *buf, size_t len, uint64_t off);
int qcow2_load_table(struct qcow2 *q, struct qcow2_table *cache, int n,
		     uint64_t offset, uint8_t **data);
void qcow2_drop_table(struct qcow2 *q, uint64_t offset);

/* disk_qcow2_alloc.c */
int qcow2_get_refcount(struct qcow2 *q, uint64_t cluster, uint64_t *rc);
int qcow2_alloc_cluster(struct qcow2 *q, uint64_t *offset);
int qcow2_free_range(struct qcow2 *q, uint64_t offset, uint64_t len);
uint64_t qcow2_rb_get(const struct qcow2 *q, const uint8_t *rb, uint64_t i);
void qcow2_rb_set(const struct qcow2 *q, uint8_t *rb, uint64_t i,
		  uint64_t v);

#endif

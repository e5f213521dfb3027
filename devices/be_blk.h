/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen virtual block device backend (vbd), for Linux's unmodified
 * xen-blkfront: the blkif protocol [xen/include/public/io/blkif.h,
 * xen-abi.md G.2] over images of the disk layer (devices/disk.h).
 *
 *   be_blk_spec.c  --disk SPEC and vdev numbering (host independent)
 *   be_blk.c       the xenbus side: features, rings, queues, connect
 *   be_blk_io.c    one ring: requests in, checked, to the disk layer,
 *                  responses out
 */
#ifndef HXEN_BE_BLK_H
#define HXEN_BE_BLK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "devices/be_core.h"
#include "devices/be_ring.h"
#include "devices/disk.h"

/* ---- blkif [xen/include/public/io/blkif.h] ---- */

#define BLKIF_OP_READ			0
#define BLKIF_OP_WRITE			1
#define BLKIF_OP_WRITE_BARRIER		2
#define BLKIF_OP_FLUSH_DISKCACHE	3
#define BLKIF_OP_DISCARD		5
#define BLKIF_OP_INDIRECT		6

#define BLKIF_RSP_EOPNOTSUPP		(-2)
#define BLKIF_RSP_ERROR			(-1)
#define BLKIF_RSP_OKAY			0

#define BLKIF_MAX_SEGMENTS_PER_REQUEST	11
#define BLKIF_MAX_INDIRECT_PAGES	8
#define BLKIF_SEGS_PER_INDIRECT_PAGE	(4096 / 8)
#define BLKIF_DISCARD_SECURE		1

#define VDISK_CDROM			1
#define VDISK_REMOVABLE			2
#define VDISK_READONLY			4

/* what we offer */
#define BLK_MAX_INDIRECT_SEGS		256
#define BLK_BATCH_BYTES			(1u << 20)	/* then submit, answer */
#define BLK_MAX_RING_ORDER		4	/* 16 pages, 512 slots */
#define BLK_MAX_QUEUES			16

struct blkif_segment {
	uint32_t gref;
	uint8_t first_sect, last_sect;	/* 512-byte units in the page */
	uint16_t pad;
};

struct blkif_request {
	uint8_t operation;
	uint8_t nr_segments;
	uint16_t handle;
	uint32_t pad;
	uint64_t id;
	uint64_t sector_number;
	struct blkif_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

struct blkif_request_discard {
	uint8_t operation;
	uint8_t flag;			/* BLKIF_DISCARD_SECURE */
	uint16_t handle;
	uint32_t pad;
	uint64_t id;
	uint64_t sector_number;
	uint64_t nr_sectors;
};

struct blkif_request_indirect {
	uint8_t operation;		/* BLKIF_OP_INDIRECT */
	uint8_t indirect_op;		/* READ or WRITE */
	uint16_t nr_segments;
	uint32_t pad;
	uint64_t id;
	uint64_t sector_number;
	uint16_t handle;
	uint16_t pad2;
	uint32_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES];
} __attribute__((packed, aligned(8)));

struct blkif_response {
	uint64_t id;
	uint8_t operation;
	uint8_t pad;
	int16_t status;
	uint32_t pad2;
};

union blkif_ring_entry {
	struct blkif_request req;
	struct blkif_request_discard discard;
	struct blkif_request_indirect indirect;
	struct blkif_response rsp;
};

_Static_assert(sizeof(struct blkif_request) == 112, "blkif_request");
_Static_assert(sizeof(struct blkif_request_discard) == 32, "discard");
_Static_assert(sizeof(struct blkif_request_indirect) == 64, "indirect");
_Static_assert(__builtin_offsetof(struct blkif_request_indirect,
				  indirect_grefs) == 28, "indirect_grefs");
_Static_assert(sizeof(struct blkif_response) == 16, "blkif_response");
_Static_assert(sizeof(union blkif_ring_entry) == 112, "ring entry");

/* ---- --disk (be_blk_spec.c) ---- */

struct blk_spec {
	char spec[512];		/* as given, for messages */
	const char *target;	/* image path (in spec_copy) */
	const char *format;	/* "raw" (default) or "qcow2" */
	char vdev[16];
	uint32_t devid;		/* xenstore id (Xen vbd numbering) */
	bool readonly, cdrom;
	char copy[512];		/* the parsed, NUL-split copy */
};

/*
 * Parse "k=v,...,target=PATH" (keys format, vdev, access, devtype; the
 * target comes last and may hold commas).  0, or -EINVAL with a message
 * naming the spec in @err.
 */
int blk_spec_parse(const char *s, struct blk_spec *out, char *err,
		   size_t errlen);
/*
 * Xen's vbd number of @vdev [docs/misc/vbd-interface.txt]: xvd[a-p]N
 * = 202<<8 | disk<<4 | N, larger disks (1<<28) | disk<<8 | N; hd[a-d],
 * sd[a-p] their Linux majors.  -EINVAL for anything else.
 */
int blk_vdev_to_devid(const char *vdev, uint32_t *devid);

/* --disk @arg: parse and add it (duplicate vdevs refused); 0 or -EINVAL */
int blk_spec_add(const char *arg, char *err, size_t errlen);
/* the --disk options given, in order */
unsigned int blk_specs_count(void);
const struct blk_spec *blk_spec_get(unsigned int i);
void blk_specs_reset(void);

/* ---- one ring (be_blk_io.c) ---- */

struct blk_dev;
struct blk_queue;

struct blk_io {
	struct disk_req dreq;
	struct blk_queue *q;
	uint64_t id;
	uint8_t op;			/* the response's operation */
	bool write;			/* data flows guest → disk */
	bool flush_after;		/* FLUSH with data: write, then flush */
	uint16_t nseg;			/* grants held */
	uint16_t niov;			/* iovecs: segments that touch merge */
	uint32_t grefs[BLK_MAX_INDIRECT_SEGS];
	struct iovec iov[BLK_MAX_INDIRECT_SEGS];
	struct blk_io *next_free;
};

struct blk_queue {
	struct blk_dev *bd;
	unsigned int index;
	struct be_ring ring;
	void *ring_mem;			/* guest memory */
	unsigned int nr_ring_pages;
	uint32_t ring_refs[1u << BLK_MAX_RING_ORDER];
	unsigned int nr_refs_held;
	uint32_t port;
	bool port_bound;
	int efd[2];			/* notify, kick */
	struct be_worker w;
	char name[40];

	pthread_mutex_t lock;		/* responses, free list, inflight */
	pthread_cond_t idle;
	struct blk_io *ios, *free_ios;
	unsigned int inflight;		/* requests, and a pending kick */
	bool kick_pending;		/* a deferred kick is scheduled */
	/* worker only: requests started, not yet given to the disk layer */
	struct disk_req **batch;	/* ring.size entries */
	unsigned int nbatch;
	uint64_t batch_bytes;		/* their data */
	bool dead;			/* faulted: take no more requests */
	bool quiesced;			/* worker stopped for a snapshot */
	uint64_t nreq, nerr;
};

struct blk_dev {
	struct be_dev *dev;
	const struct blk_spec *spec;
	struct disk *disk;
	struct disk_info info;
	uint64_t sectors;		/* 512-byte */
	struct be_gnttab *gt;
	unsigned int nr_queues;
	struct blk_queue *queues;
};

/* Start serving @q (its ring is mapped, its port bound). */
int blk_queue_start(struct blk_queue *q);
/* Stop the worker and wait for every request in flight. */
void blk_queue_stop(struct blk_queue *q);
/*
 * The request handling of one wake-up, without the thread: take every
 * request, submit each, then the final check (exported for unit tests).
 */
void blk_queue_process(struct blk_queue *q);
int blk_queue_alloc(struct blk_queue *q);
void blk_queue_free(struct blk_queue *q);

/* Snapshot hooks (be_blk_state.c). */
int blk_quiesce(struct be_dev *d);
int blk_save(struct be_dev *d, void *buf, size_t len, size_t *used);
int blk_load(struct be_dev *d, const void *buf, size_t len);
int blk_resume(struct be_dev *d);

#endif /* HXEN_BE_BLK_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot hooks of the vbd backend.  Quiesce stops every queue's worker
 * (no request is taken any more) and waits until each request in flight
 * has completed and its response is in the ring, then drains the disk
 * layer: the image holds every write the guest was told about, and no
 * other.  The saved blob is each ring's position; after a restore the
 * rings are mapped again at the frontend's (restored) grant references
 * and be_ring_init() takes the position from the shared ring, which the
 * blob must agree with.
 */
#include <errno.h>
#include <string.h>

#include "devices/be_blk.h"
#include "monitor/log.h"

#define BLK_STATE_VERSION	1

int blk_quiesce(struct be_dev *d)
{
	struct blk_dev *bd = d->priv;

	for (unsigned int i = 0; i < bd->nr_queues; i++) {
		struct blk_queue *q = &bd->queues[i];

		q->quiesced = be_worker_running(&q->w);
		if (q->quiesced)
			blk_queue_stop(q);
	}
	if (bd->disk)
		disk_drain(bd->disk);
	return 0;
}

int blk_resume(struct be_dev *d)
{
	struct blk_dev *bd = d->priv;
	int ret = 0;

	for (unsigned int i = 0; i < bd->nr_queues; i++) {
		struct blk_queue *q = &bd->queues[i];

		if (q->quiesced && blk_queue_start(q) && !ret) {
			mon_warn("%s: cannot restart after the snapshot", q->name);
			ret = -EIO;
		}
		q->quiesced = false;
	}
	return ret;
}

/* u32 version, u32 nr_queues, then per queue u32 req_cons, u32 rsp_prod */
int blk_save(struct be_dev *d, void *buf, size_t len, size_t *used)
{
	struct blk_dev *bd = d->priv;
	uint32_t *p = buf;

	*used = 8 + 8 * bd->nr_queues;
	if (len < *used)
		return -ENOSPC;
	p[0] = BLK_STATE_VERSION;
	p[1] = bd->nr_queues;
	for (unsigned int i = 0; i < bd->nr_queues; i++) {
		const struct be_ring *r = &bd->queues[i].ring;

		if (r->req_cons != r->rsp_prod_pvt) {
			mon_warn("%s: %u requests still open at the snapshot",
				 bd->queues[i].name, r->req_cons - r->rsp_prod_pvt);
			return -EBUSY;
		}
		p[2 + 2 * i] = r->req_cons;
		p[3 + 2 * i] = r->rsp_prod_pvt;
	}
	return 0;
}

int blk_load(struct be_dev *d, const void *buf, size_t len)
{
	struct blk_dev *bd = d->priv;
	uint32_t p[2 + 2 * BLK_MAX_QUEUES];

	if (len < 8 || len > sizeof(p))
		goto bad;
	memcpy(p, buf, len);
	if (p[0] != BLK_STATE_VERSION || len != 8 + 8ULL * p[1] ||
	    p[1] != bd->nr_queues)
		goto bad;
	for (unsigned int i = 0; i < bd->nr_queues; i++) {
		const struct be_ring *r = &bd->queues[i].ring;

		if (r->req_cons != p[2 + 2 * i] || r->rsp_prod_pvt != p[3 + 2 * i]) {
			mon_warn("%s: ring at %u/%u, the saved state says %u/%u",
				 bd->queues[i].name, r->req_cons, r->rsp_prod_pvt,
				 p[2 + 2 * i], p[3 + 2 * i]);
			return -EINVAL;
		}
	}
	return 0;
bad:
	mon_warn("%s: bad saved state (%zu bytes)", d->name, len);
	return -EINVAL;
}

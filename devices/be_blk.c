// SPDX-License-Identifier: GPL-2.0
/*
 * vbd backend, xenbus side: one device per --disk, its features, and the
 * connection of the frontend's rings as Linux 6.1's xen-blkfront makes
 * them [drivers/block/xen-blkfront.c talk_to_blkback, xen-abi.md F.4]:
 * one ring per queue (multi-queue-num-queues, keys under queue-N/ when
 * there are several), each of 2^ring-page-order pages (ring-ref, or
 * ring-ref0..N-1 when the order is not 0), an event channel per queue.
 *
 * feature-persistent is not offered: without it every request's pages
 * are granted afresh, which is what lets us do I/O straight into them.
 * feature-barrier is not offered either (Linux would switch to
 * WRITE_BARRIER+FUA); flushes come as FLUSH_DISKCACHE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/be_blk.h"
#include "devices/be_xenbus.h"
#include "monitor/log.h"
#include "monitor/xs.h"

static int blk_features(struct be_dev *d, struct xs *xs)
{
	struct blk_dev *bd = d->priv;
	const struct blk_spec *s = bd->spec;
	unsigned int queues = d->env->nr_vcpus;
	bool rw = !bd->info.readonly;
	int r = 0;

	if (queues > BLK_MAX_QUEUES)
		queues = BLK_MAX_QUEUES;
	if (!queues)
		queues = 1;
	/* the frontend's keys that the toolstack writes */
	r |= be_xs_printf(xs, d->fpath, "virtual-device", "%u", d->devid);
	/* without device-type blkfront refuses the device on PVH */
	r |= be_xs_printf(xs, d->fpath, "device-type", "%s",
			  s->cdrom ? "cdrom" : "disk");
	r |= be_xs_printf(xs, d->bpath, "dev", "%s", s->vdev);
	r |= be_xs_printf(xs, d->bpath, "params", "%s", s->target);
	r |= be_xs_printf(xs, d->bpath, "mode", "%s", rw ? "w" : "r");
	r |= be_xs_printf(xs, d->bpath, "device-type", "%s",
			  s->cdrom ? "cdrom" : "disk");
	r |= be_xs_printf(xs, d->bpath, "sectors", "%llu",
			  (unsigned long long)bd->sectors);
	r |= be_xs_printf(xs, d->bpath, "sector-size", "%u", DISK_SECTOR);
	r |= be_xs_printf(xs, d->bpath, "physical-sector-size", "%u",
			  DISK_SECTOR);
	r |= be_xs_printf(xs, d->bpath, "info", "%u",
			  (rw ? 0 : VDISK_READONLY) |
			  (s->cdrom ? VDISK_CDROM | VDISK_REMOVABLE : 0));
	r |= be_xs_printf(xs, d->bpath, "feature-flush-cache", "%d", rw);
	if (rw && bd->info.discard) {
		r |= be_xs_printf(xs, d->bpath, "feature-discard", "1");
		r |= be_xs_printf(xs, d->bpath, "discard-granularity", "%u",
				  bd->info.cluster_size ?
				  bd->info.cluster_size : 4096);
		r |= be_xs_printf(xs, d->bpath, "discard-alignment", "0");
		r |= be_xs_printf(xs, d->bpath, "discard-secure", "0");
	}
	r |= be_xs_printf(xs, d->bpath, "feature-max-indirect-segments", "%u",
			  BLK_MAX_INDIRECT_SEGS);
	r |= be_xs_printf(xs, d->bpath, "multi-queue-max-queues", "%u",
			  queues);
	r |= be_xs_printf(xs, d->bpath, "max-ring-page-order", "%u",
			  BLK_MAX_RING_ORDER);
	return r ? -EIO : 0;
}

static void queue_unmap(struct blk_dev *bd, struct blk_queue *q)
{
	for (unsigned int i = 0; i < q->nr_refs_held; i++)
		be_grant_put(bd->gt, q->ring_refs[i], true);
	q->nr_refs_held = 0;
	q->ring_mem = NULL;
}

/*
 * The ring's pages, each granted writable.  blkfront allocates the ring
 * as one physically contiguous block (xenbus_setup_ring), so the pages
 * are consecutive in guest RAM and thus in our mapping; anything else is
 * refused rather than copied.
 */
static int queue_map(struct blk_dev *bd, struct blk_queue *q, struct xs *xs,
		     const char *dir, unsigned int order)
{
	const char *who = bd->dev->name;

	q->nr_ring_pages = 1u << order;
	for (unsigned int i = 0; i < q->nr_ring_pages; i++) {
		char key[24];
		uint64_t ref;
		void *page;

		if (order)
			snprintf(key, sizeof(key), "ring-ref%u", i);
		else
			snprintf(key, sizeof(key), "ring-ref");
		if (be_xs_read_uint(xs, dir, key, UINT32_MAX, &ref)) {
			mon_warn("%s: frontend %s/%s missing or bad", who, dir,
				 key);
			goto fail;
		}
		if (be_grant_get(bd->gt, ref, true, &page)) {
			mon_warn("%s: ring grant %llu is not usable", who,
				 (unsigned long long)ref);
			goto fail;
		}
		q->ring_refs[q->nr_refs_held++] = ref;
		if (!i)
			q->ring_mem = page;
		else if (page != (char *)q->ring_mem + i * 4096) {
			mon_warn("%s: ring pages are not contiguous in guest "
				 "memory", who);
			goto fail;
		}
	}
	if (be_ring_init(&q->ring, q->ring_mem, q->nr_ring_pages * 4096,
			 sizeof(union blkif_ring_entry)))
		goto fail;
	return 0;
fail:
	queue_unmap(bd, q);
	return -EINVAL;
}

/*
 * Where a ring stood when it went away with work left, or with responses
 * the guest asked to hear about and has not consumed (rsp_event at or
 * below rsp_prod: a lost notification, ours or the event channel's).
 */
static void queue_report(struct blk_queue *q)
{
	const struct be_sring *s = q->ring.s;
	uint32_t prod = __atomic_load_n(&s->req_prod, __ATOMIC_ACQUIRE);
	uint32_t rsp_event = __atomic_load_n(&s->rsp_event, __ATOMIC_ACQUIRE);

	if (prod == q->ring.req_cons && q->ring.rsp_prod_pvt == prod &&
	    (int32_t)(q->ring.rsp_prod_pvt - rsp_event) < 0)
		return;
	mon_info("%s: ring left with req_prod %u, req_cons %u, rsp_prod %u, "
		 "req_event %u, rsp_event %u; %llu events, %llu kicks", q->name,
		 prod, q->ring.req_cons, q->ring.rsp_prod_pvt, s->req_event,
		 s->rsp_event, (unsigned long long)q->w.events,
		 (unsigned long long)q->w.kicks);
}

static void queue_close(struct blk_dev *bd, struct blk_queue *q)
{
	if (be_worker_running(&q->w)) {
		blk_queue_stop(q);
		queue_report(q);
		/* with -v: requests per notification, both ways (profiling) */
		mon_dbg("%s: %llu requests (%llu failed), %llu events in, "
			"%llu kicks out", q->name,
			(unsigned long long)q->nreq,
			(unsigned long long)q->nerr,
			(unsigned long long)q->w.events,
			(unsigned long long)q->w.kicks);
	}
	if (q->port_bound)
		bd->dev->env->unbind_port(bd->dev->env->ctx, q->port);
	q->port_bound = false;
	for (int i = 0; i < 2; i++) {
		if (q->efd[i] >= 0)
			close(q->efd[i]);
		q->efd[i] = -1;
	}
	blk_queue_free(q);
	queue_unmap(bd, q);
}

static int queue_open(struct blk_dev *bd, struct blk_queue *q, struct xs *xs,
		      const char *dir, unsigned int order)
{
	struct be_env *env = bd->dev->env;
	uint64_t port;

	q->efd[0] = q->efd[1] = -1;
	if (be_xs_read_uint(xs, dir, "event-channel", UINT32_MAX, &port) ||
	    !port) {
		mon_warn("%s: frontend %s/event-channel missing or bad",
			 bd->dev->name, dir);
		return -EINVAL;
	}
	if (queue_map(bd, q, xs, dir, order))
		return -EINVAL;
	if (blk_queue_alloc(q))
		goto fail;
	q->efd[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->efd[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd[0] < 0 || q->efd[1] < 0)
		goto fail;
	q->port = port;
	if (env->bind_port(env->ctx, q->port, q->efd[0], q->efd[1]))
		goto fail;
	q->port_bound = true;
	if (blk_queue_start(q))
		goto fail;
	return 0;
fail:
	queue_close(bd, q);
	return -EINVAL;
}

static void blk_disconnect(struct be_dev *d)
{
	struct blk_dev *bd = d->priv;

	for (unsigned int i = 0; i < bd->nr_queues; i++)
		queue_close(bd, &bd->queues[i]);
	if (bd->nr_queues) {
		uint64_t reqs = 0, errs = 0;

		for (unsigned int i = 0; i < bd->nr_queues; i++) {
			reqs += bd->queues[i].nreq;
			errs += bd->queues[i].nerr;
		}
		mon_dbg("%s: disconnected after %llu requests (%llu failed)",
			d->name, (unsigned long long)reqs,
			(unsigned long long)errs);
	}
	free(bd->queues);
	bd->queues = NULL;
	bd->nr_queues = 0;
}

static int blk_connect(struct be_dev *d, struct xs *xs)
{
	struct blk_dev *bd = d->priv;
	uint64_t nq = 1, order = 0;
	char *proto;
	int r;

	proto = be_xs_read_str(xs, d->fpath, "protocol");
	if (proto && strcmp(proto, "x86_64-abi")) {
		mon_warn("%s: frontend protocol '%s' is not supported", d->name,
			 proto);
		free(proto);
		return -EINVAL;
	}
	free(proto);
	r = be_xs_read_uint(xs, d->fpath, "multi-queue-num-queues",
			    BLK_MAX_QUEUES, &nq);
	if ((r && r != -ENOENT) || !nq || nq > d->env->nr_vcpus + 0u ||
	    nq > BLK_MAX_QUEUES) {
		mon_warn("%s: bad multi-queue-num-queues", d->name);
		return -EINVAL;
	}
	r = be_xs_read_uint(xs, d->fpath, "ring-page-order",
			    BLK_MAX_RING_ORDER, &order);
	if (r && r != -ENOENT) {
		mon_warn("%s: bad ring-page-order (at most %u)", d->name,
			 BLK_MAX_RING_ORDER);
		return -EINVAL;
	}
	bd->queues = calloc(nq, sizeof(*bd->queues));
	if (!bd->queues)
		return -ENOMEM;
	for (unsigned int i = 0; i < nq; i++) {
		struct blk_queue *q = &bd->queues[i];
		char dir[128];

		q->bd = bd;
		q->index = i;
		q->efd[0] = q->efd[1] = -1;
		snprintf(q->name, sizeof(q->name), "vbd%u.%u", d->devid, i);
		if (nq == 1)
			snprintf(dir, sizeof(dir), "%s", d->fpath);
		else
			snprintf(dir, sizeof(dir), "%s/queue-%u", d->fpath, i);
		if (queue_open(bd, q, xs, dir, order)) {
			bd->nr_queues = i;
			blk_disconnect(d);
			return -EINVAL;
		}
	}
	bd->nr_queues = nq;
	mon_dbg("%s: connected: %llu queue(s) of %u slots, %s", d->name,
		(unsigned long long)nq, bd->queues[0].ring.size,
		bd->spec->target);
	return 0;
}

static void blk_free(struct be_dev *d)
{
	struct blk_dev *bd = d->priv;

	if (bd->disk)
		disk_close(bd->disk);
	free(bd);
}

static const struct be_ops blk_ops = {
	.type = "vbd",
	.rearm_state = XB_CONNECTED,
	.features = blk_features,
	.connect = blk_connect,
	.disconnect = blk_disconnect,
	.free = blk_free,
	.quiesce = blk_quiesce,
	.save = blk_save,
	.load = blk_load,
	.resume = blk_resume,
};

static int blk_probe(struct be_env *env, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < blk_specs_count(); i++) {
		const struct blk_spec *s = blk_spec_get(i);
		struct disk_opts o = {
			.format = s->format, .readonly = s->readonly,
		};
		struct blk_dev *bd = calloc(1, sizeof(*bd));
		char derr[256] = "";

		if (!bd)
			return -ENOMEM;
		bd->spec = s;
		bd->gt = &env->gnttab;
		if (!*s->target) {
			/*
			 * An empty cdrom drive: no medium, 0 sectors.  The
			 * frontend sees the device; every read is past its
			 * end (BLKIF_RSP_ERROR), like a drive with its tray
			 * empty.  No disk is opened.
			 */
			bd->info = (struct disk_info){
				.format = "none", .readonly = true,
			};
		} else {
			bd->disk = disk_open(s->target, &o, derr, sizeof(derr));
		}
		if (*s->target && !bd->disk) {
			free(bd);
			snprintf(err, errlen, "--disk '%s': %s", s->spec, derr);
			return -EINVAL;
		}
		if (bd->disk)
			disk_get_info(bd->disk, &bd->info);
		bd->info.readonly |= s->readonly;
		bd->sectors = bd->info.size / DISK_SECTOR;
		bd->dev = be_dev_add(env, &blk_ops, s->devid, bd);
		if (!bd->dev) {
			if (bd->disk)
				disk_close(bd->disk);
			free(bd);
			return -ENOMEM;
		}
		mon_dbg("%s: %s (%s, %llu sectors%s)", bd->dev->name,
			*s->target ? s->target : "(empty cdrom drive)",
			bd->info.format, (unsigned long long)bd->sectors,
			bd->info.readonly ? ", read-only" : "");
	}
	return 0;
}

static struct be_backend blk_backend = {
	.name = "vbd", .probe = blk_probe,
};
BE_BACKEND(blk_backend)

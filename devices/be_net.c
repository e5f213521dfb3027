// SPDX-License-Identifier: GPL-2.0
/*
 * vif backend, xenbus side: one device per --vif, its features, and the
 * connection of the queues as Linux 6.1's xen-netfront makes them
 * [drivers/net/xen-netfront.c talk_to_netback, xen-abi.md F.4]: with one
 * queue, tx-ring-ref, rx-ring-ref and event-channel in the device's
 * directory; with several, multi-queue-num-queues and the same keys
 * under queue-N/.  Each ring is one page.  Split event channels are not
 * offered (one channel per queue serves both rings).
 *
 * The host side (the transport) is opened at the first probe and kept
 * for the life of the monitor: a guest reboot rebuilds the devices, not
 * the user-mode network's state or the port forwards' listening sockets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_net.h"
#include "devices/be_xenbus.h"
#include "monitor/log.h"
#include "monitor/xs.h"

/*
 * The vifs, for network-list on the control thread.  The lock also
 * covers each device's queue array, which connect and disconnect
 * replace (lock order: net_lock, then a queue's rx_lock).
 */
static pthread_mutex_t net_lock = PTHREAD_MUTEX_INITIALIZER;
static struct net_dev *net_devs[8];

void net_devs_walk(void (*fn)(struct net_dev *nd, void *opaque), void *opaque)
{
	pthread_mutex_lock(&net_lock);
	for (unsigned int i = 0; i < 8; i++)
		if (net_devs[i])
			fn(net_devs[i], opaque);
	pthread_mutex_unlock(&net_lock);
}

static unsigned int max_queues(struct be_dev *d)
{
	unsigned int n = d->env->nr_vcpus;

	if (n > NET_MAX_QUEUES)
		n = NET_MAX_QUEUES;
	return n ? n : 1;
}

static int net_features(struct be_dev *d, struct xs *xs)
{
	struct net_dev *nd = d->priv;
	const uint8_t *m = nd->spec->mac;
	char mac[18];
	int r = 0;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		 m[2], m[3], m[4], m[5]);
	/* the frontend's keys the toolstack writes: netfront needs mac */
	r |= be_xs_printf(xs, d->fpath, "mac", "%s", mac);
	r |= be_xs_printf(xs, d->fpath, "handle", "%u", d->devid);
	r |= be_xs_printf(xs, d->bpath, "mac", "%s", mac);
	r |= be_xs_printf(xs, d->bpath, "handle", "%u", d->devid);
	r |= be_xs_printf(xs, d->bpath, "type", "%s",
			  nd->spec->kind == NET_USER ? "user" : "tap");
	if (nd->spec->bridge[0])
		r |= be_xs_printf(xs, d->bpath, "bridge", "%s",
				  nd->spec->bridge);
	r |= be_xs_printf(xs, d->bpath, "feature-rx-copy", "1");
	r |= be_xs_printf(xs, d->bpath, "feature-rx-flip", "0");
	r |= be_xs_printf(xs, d->bpath, "feature-sg", "1");
	r |= be_xs_printf(xs, d->bpath, "feature-gso-tcpv4", "1");
	r |= be_xs_printf(xs, d->bpath, "feature-gso-tcpv6", "1");
	r |= be_xs_printf(xs, d->bpath, "feature-ipv6-csum-offload", "1");
	r |= be_xs_printf(xs, d->bpath, "feature-rx-notify", "1");
	r |= be_xs_printf(xs, d->bpath, "multi-queue-max-queues", "%u",
			  max_queues(d));
	/* libxl waits for this from its hotplug scripts; we are the script */
	r |= be_xs_printf(xs, d->bpath, "hotplug-status", "connected");
	return r ? -EIO : 0;
}

static bool fe_flag(struct xs *xs, struct be_dev *d, const char *key)
{
	uint64_t v = 0;

	return !be_xs_read_uint(xs, d->fpath, key, 1, &v) && v;
}

static int map_ring(struct net_dev *nd, struct xs *xs, const char *dir,
		    const char *key, struct be_ring *ring, size_t ent,
		    uint32_t *ref, bool *held)
{
	uint64_t v;
	void *page;

	if (be_xs_read_uint(xs, dir, key, UINT32_MAX, &v)) {
		mon_warn("%s: frontend %s/%s missing or bad", nd->dev->name,
			 dir, key);
		return -EINVAL;
	}
	if (be_grant_get(nd->gt, v, true, &page)) {
		mon_warn("%s: ring grant %llu (%s) is not usable",
			 nd->dev->name, (unsigned long long)v, key);
		return -EINVAL;
	}
	*ref = v;
	*held = true;
	return be_ring_init(ring, page, 4096, ent);
}

static void queue_close(struct net_dev *nd, struct net_queue *q)
{
	struct be_env *env = nd->dev->env;

	if (be_worker_running(&q->w)) {
		net_queue_stop(q);
		mon_dbg("%s: tx ring req_prod %u rsp_prod %u, rx ring req_prod "
			"%u rsp_prod %u; %llu events, %llu kicks", q->name,
			q->tx.s->req_prod, q->tx.s->rsp_prod, q->rx.s->req_prod,
			q->rx.s->rsp_prod, (unsigned long long)q->w.events,
			(unsigned long long)q->w.kicks);
	}
	be_evtchn_close(env, &q->ch);
	net_queue_fini(q);
	if (q->tx_held)
		be_grant_put(nd->gt, q->tx_ref, true);
	if (q->rx_held)
		be_grant_put(nd->gt, q->rx_ref, true);
	q->tx_held = q->rx_held = false;
}

static int queue_open(struct net_dev *nd, struct net_queue *q, struct xs *xs,
		      const char *dir)
{
	struct be_env *env = nd->dev->env;
	uint64_t port;

	if (be_xs_read_uint(xs, dir, "event-channel", UINT32_MAX, &port) ||
	    !port) {
		mon_warn("%s: frontend %s/event-channel missing or bad (split "
			 "event channels are not offered)", nd->dev->name, dir);
		return -EINVAL;
	}
	if (net_queue_init(q))
		return -ENOMEM;
	if (map_ring(nd, xs, dir, "tx-ring-ref", &q->tx,
		     sizeof(union netif_tx_entry), &q->tx_ref, &q->tx_held) ||
	    map_ring(nd, xs, dir, "rx-ring-ref", &q->rx,
		     sizeof(union netif_rx_entry), &q->rx_ref, &q->rx_held))
		goto fail;
	if (be_evtchn_open(env, &q->ch, port) || net_queue_start(q))
		goto fail;
	return 0;
fail:
	queue_close(nd, q);
	return -EINVAL;
}

/* ---- frames from the host: all to queue 0 ---- */

static void sink_rx(void *opaque, const struct iovec *iov, int iovcnt,
		    const struct net_offload *off)
{
	struct net_dev *nd = opaque;

	net_queue_rx(&nd->queues[0], iov, iovcnt, off);
}

static void sink_flush(void *opaque)
{
	struct net_dev *nd = opaque;
	struct net_queue *q = &nd->queues[0];

	if (net_queue_rx_flush(q))
		be_worker_kick(&q->w);
}

static void disconnect_locked(struct be_dev *d)
{
	struct net_dev *nd = d->priv;
	struct net_stats st;

	/* no rx() into the queues from here on */
	if (nd->xport)
		nd->xport->ops->attach(nd->xport, NULL);
	if (!nd->nr_queues)
		return;
	for (unsigned int i = 0; i < nd->nr_queues; i++)
		queue_close(nd, &nd->queues[i]);
	net_dev_stats(nd, &st);
	nd->old = st;
	free(nd->queues);
	nd->queues = NULL;
	nd->nr_queues = 0;
	mon_dbg("%s: disconnected: tx %llu frames (%llu dropped, %llu bad), "
		"rx %llu frames (%llu dropped)", d->name,
		(unsigned long long)st.tx_frames,
		(unsigned long long)st.tx_dropped,
		(unsigned long long)st.tx_errors,
		(unsigned long long)st.rx_frames,
		(unsigned long long)st.rx_dropped);
}

static void net_disconnect(struct be_dev *d)
{
	pthread_mutex_lock(&net_lock);
	disconnect_locked(d);
	pthread_mutex_unlock(&net_lock);
}

static int connect_locked(struct be_dev *d, struct xs *xs)
{
	struct net_dev *nd = d->priv;
	uint64_t nq = 1;
	int r;

	if (!fe_flag(xs, d, "request-rx-copy")) {
		mon_warn("%s: the frontend did not ask for request-rx-copy "
			 "(page flipping is not supported)", d->name);
		return -EINVAL;
	}
	r = be_xs_read_uint(xs, d->fpath, "multi-queue-num-queues",
			    NET_MAX_QUEUES, &nq);
	if ((r && r != -ENOENT) || !nq || nq > max_queues(d)) {
		mon_warn("%s: bad multi-queue-num-queues (at most %u)", d->name,
			 max_queues(d));
		return -EINVAL;
	}
	nd->fe_sg = fe_flag(xs, d, "feature-sg");
	nd->fe_gso4 = fe_flag(xs, d, "feature-gso-tcpv4");
	nd->fe_gso6 = fe_flag(xs, d, "feature-gso-tcpv6");
	nd->fe_csum6 = fe_flag(xs, d, "feature-ipv6-csum-offload");
	nd->fe_rx_notify = fe_flag(xs, d, "feature-rx-notify");
	nd->queues = calloc(nq, sizeof(*nd->queues));
	if (!nd->queues)
		return -ENOMEM;
	for (unsigned int i = 0; i < nq; i++) {
		struct net_queue *q = &nd->queues[i];
		char dir[128];

		q->nd = nd;
		q->index = i;
		q->ch.notify_fd = q->ch.kick_fd = -1;
		snprintf(q->name, sizeof(q->name), "vif%u.%u", d->devid, i);
		if (nq == 1)
			snprintf(dir, sizeof(dir), "%s", d->fpath);
		else
			snprintf(dir, sizeof(dir), "%s/queue-%u", d->fpath, i);
		if (queue_open(nd, q, xs, dir)) {
			nd->nr_queues = i;
			disconnect_locked(d);
			return -EINVAL;
		}
		nd->nr_queues = i + 1;
	}
	if (nd->xport) {
		struct net_xport_sink s = {
			.rx = sink_rx, .rx_flush = sink_flush, .opaque = nd,
		};

		nd->xport->ops->attach(nd->xport, &s);
	}
	mon_dbg("%s: connected: %llu queue(s)%s%s", d->name,
		(unsigned long long)nq, nd->fe_sg ? ", sg" : "",
		nd->fe_gso4 ? ", gso" : "");
	return 0;
}

static int net_connect(struct be_dev *d, struct xs *xs)
{
	int r;

	pthread_mutex_lock(&net_lock);
	r = connect_locked(d, xs);
	pthread_mutex_unlock(&net_lock);
	return r;
}

static void net_free(struct be_dev *d)
{
	struct net_dev *nd = d->priv;

	pthread_mutex_lock(&net_lock);
	if (nd->spec->index < 8 && net_devs[nd->spec->index] == nd)
		net_devs[nd->spec->index] = NULL;
	pthread_mutex_unlock(&net_lock);

	if (nd->xport)
		nd->xport->ops->attach(nd->xport, NULL);
	free(nd);
}

static const struct be_ops net_ops = {
	.type = "vif",
	/*
	 * Once the frontend closed, stay Closed until it says Initialising
	 * again, as Xen's netback does: Linux's xennet_remove() waits for
	 * our Closed after its own, and loops for as long as it reads
	 * anything else (an InitWait written right after Closed would hang
	 * the unbind); the next instance's xennet_create_dev() writes
	 * Initialising and waits for us to leave Closed [xen-netfront.c;
	 * io/xenbus.h].
	 */
	.rearm_state = XB_CLOSED,
	.features = net_features,
	.connect = net_connect,
	.disconnect = net_disconnect,
	.free = net_free,
};

static int net_probe(struct be_env *env, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < net_specs_count(); i++) {
		struct net_spec *s = net_spec_get(i);
		struct net_dev *nd;

		if (!s->mac_set)
			net_mac_derive(net_vm_name(), s->index, s->mac);
		if (!s->xport) {
			s->xport = s->kind == NET_USER ?
				   net_slirp_open(s, err, errlen) :
				   net_tap_open(s, err, errlen);
			if (!s->xport)
				return -EINVAL;
		}
		nd = calloc(1, sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		nd->spec = s;
		nd->gt = &env->gnttab;
		nd->xport = s->xport;
		nd->dev = be_dev_add(env, &net_ops, s->index, nd);
		if (!nd->dev) {
			free(nd);
			return -ENOMEM;
		}
		pthread_mutex_lock(&net_lock);
		if (s->index < 8)
			net_devs[s->index] = nd;
		pthread_mutex_unlock(&net_lock);
	}
	return 0;
}

/*
 * The transports live in the specs, across guest reboots (the TAP keeps
 * its bridge port, slirp its forwards); they go when the monitor ends,
 * so that a vif script= runs "offline" as xl's hotplug scripts do.
 */
static void net_release(void)
{
	for (unsigned int i = 0; i < net_specs_count(); i++) {
		struct net_spec *s = net_spec_get(i);

		if (s->xport) {
			s->xport->ops->destroy(s->xport);
			s->xport = NULL;
		}
	}
}

static struct be_backend net_backend = {
	.name = "vif", .probe = net_probe, .release = net_release,
};
BE_BACKEND(net_backend)

// SPDX-License-Identifier: GPL-2.0
/*
 * User-mode networking: libslirp (4.7) as the vif's host side.  The
 * guest gets DHCP, DNS (forwarded to the host's resolver), the host at
 * the gateway address, outbound TCP/UDP through ordinary sockets of the
 * monitor, and port forwards from the host (hostfwd); no privileges.
 * restrict=on makes slirp drop everything the guest sends beyond the
 * virtual network (no outbound connections); forwards still work.
 *
 * libslirp is not thread-safe: one lock covers every call into it.  Its
 * own thread polls slirp's sockets and runs its timers; the vif's ring
 * workers call slirp_input() under the lock (frames for the guest that
 * slirp produces right then, ARP and ICMP replies, go out through the
 * same sink), then wake the thread so that new sockets get polled.
 * Frames slirp sends to the guest are handed to the sink one by one and
 * flushed once per poll round.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "devices/be_net.h"
#include "devices/net_slirp.h"
#include "monitor/log.h"
#include "monitor/thread.h"

struct slirp_timer {
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms;		/* -1: not armed */
	struct slirp_timer *next;
};

struct ns {
	struct net_xport x;
	Slirp *slirp;
	pthread_mutex_t lock;		/* slirp, timers, sink */
	struct net_xport_sink sink;
	bool have_sink, sink_dirty;
	struct slirp_timer *timers;
	pthread_t thread;
	int wake_fd;
	bool running, woken;
	struct pollfd *pfd;
	unsigned int npfd, cap;
	char desc[256];
	struct in_addr guest;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- slirp's callbacks, all called with the lock held ---- */

static ssize_t cb_send(const void *buf, size_t len, void *opaque)
{
	struct ns *n = opaque;
	struct iovec v = { (void *)buf, len };
	/* slirp's frames carry finished checksums */
	struct net_offload off = { .csum_valid = true };

	if (!n->have_sink) {
		n->x.rx_dropped++;
		return len;
	}
	n->x.rx_frames++;
	n->x.rx_bytes += len;
	n->sink.rx(n->sink.opaque, &v, 1, &off);
	n->sink_dirty = true;
	return len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	mon_dbg("slirp: guest error: %s", msg);
}

static int64_t cb_clock(void *opaque)
{
	return now_ns();
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque,
				 void *opaque)
{
	struct ns *n = opaque;
	struct slirp_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->id = id;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = n->timers;
	n->timers = t;
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct ns *n = opaque;

	for (struct slirp_timer **pp = &n->timers; *pp; pp = &(*pp)->next)
		if (*pp == timer) {
			*pp = ((struct slirp_timer *)timer)->next;
			free(timer);
			return;
		}
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	((struct slirp_timer *)timer)->expire_ms = expire_ms;
}

static void ns_wake(struct ns *n)
{
	if (!__atomic_exchange_n(&n->woken, true, __ATOMIC_ACQ_REL))
		be_eventfd_signal(n->wake_fd, "slirp");
}

static void cb_register_poll_fd(int fd, void *opaque)
{
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
}

static void cb_notify(void *opaque)
{
	ns_wake(opaque);
}

static const SlirpCb callbacks = {
	.send_packet = cb_send,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

/* ---- the poll thread ---- */

static int add_poll(int fd, int events, void *opaque)
{
	struct ns *n = opaque;
	short ev = 0;

	if (n->npfd == n->cap) {
		unsigned int cap = n->cap ? n->cap * 2 : 32;
		struct pollfd *p = realloc(n->pfd, cap * sizeof(*p));

		if (!p)
			return -1;
		n->pfd = p;
		n->cap = cap;
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	n->pfd[n->npfd] = (struct pollfd){ .fd = fd, .events = ev };
	return n->npfd++;
}

static int get_revents(int idx, void *opaque)
{
	struct ns *n = opaque;
	short r;
	int ev = 0;

	if (idx < 1 || (unsigned int)idx >= n->npfd)
		return 0;
	r = n->pfd[idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

/* Fire due timers; the time until the next one (ms, capped at @cap). */
static uint32_t run_timers(struct ns *n, uint32_t cap)
{
	int64_t now = now_ns() / 1000000;
	bool again = true;

	while (again) {
		again = false;
		for (struct slirp_timer *t = n->timers; t; t = t->next) {
			if (t->expire_ms < 0 || t->expire_ms > now)
				continue;
			t->expire_ms = -1;
			slirp_handle_timer(n->slirp, t->id, t->cb_opaque);
			again = true;	/* the list may have changed */
			break;
		}
	}
	for (struct slirp_timer *t = n->timers; t; t = t->next)
		if (t->expire_ms >= 0 && (uint64_t)(t->expire_ms - now) < cap)
			cap = t->expire_ms - now;
	return cap;
}

static void flush_sink(struct ns *n)
{
	if (n->sink_dirty && n->have_sink)
		n->sink.rx_flush(n->sink.opaque);
	n->sink_dirty = false;
}

static void *ns_thread(void *arg)
{
	struct ns *n = arg;

	mon_thread_no_thp();
	pthread_setname_np(pthread_self(), "slirp");
	for (;;) {
		uint32_t timeout = 1000;
		int r;

		pthread_mutex_lock(&n->lock);
		if (!n->running) {
			pthread_mutex_unlock(&n->lock);
			break;
		}
		n->npfd = 0;
		add_poll(n->wake_fd, SLIRP_POLL_IN, n);
		slirp_pollfds_fill(n->slirp, &timeout, add_poll, n);
		timeout = run_timers(n, timeout);
		flush_sink(n);
		pthread_mutex_unlock(&n->lock);

		r = poll(n->pfd, n->npfd, timeout);
		/*
		 * Drain, then re-arm: the other way round, a wake between
		 * the two would be drained while woken stays set, and every
		 * later ns_wake() would be skipped (slirp then moved only on
		 * its poll timeout).  A wake before the re-arm is seen by the
		 * slirp_pollfds_fill() that follows.
		 */
		if (n->pfd[0].revents) {
			be_eventfd_drain(n->wake_fd);
			__atomic_store_n(&n->woken, false, __ATOMIC_SEQ_CST);
		}
		pthread_mutex_lock(&n->lock);
		slirp_pollfds_poll(n->slirp, r < 0, get_revents, n);
		run_timers(n, 0);
		flush_sink(n);
		pthread_mutex_unlock(&n->lock);
	}
	return NULL;
}

/* ---- the transport ---- */

static int ns_send(struct net_xport *x, const struct iovec *iov, int iovcnt,
		   const struct net_offload *off)
{
	struct ns *n = (struct ns *)x;

	/* net_queue hands us one finished frame (can_offload is false) */
	if (iovcnt != 1)
		return -EINVAL;
	pthread_mutex_lock(&n->lock);
	slirp_input(n->slirp, iov[0].iov_base, iov[0].iov_len);
	flush_sink(n);
	pthread_mutex_unlock(&n->lock);
	/* a new connection's socket must join the poll set */
	ns_wake(n);
	return 0;
}

static void ns_attach(struct net_xport *x, const struct net_xport_sink *s)
{
	struct ns *n = (struct ns *)x;

	pthread_mutex_lock(&n->lock);
	n->have_sink = s != NULL;
	if (s)
		n->sink = *s;
	n->sink_dirty = false;
	pthread_mutex_unlock(&n->lock);
}

static void ns_describe(struct net_xport *x, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ((struct ns *)x)->desc);
}

static void ns_destroy(struct net_xport *x)
{
	struct ns *n = (struct ns *)x;

	pthread_mutex_lock(&n->lock);
	n->running = false;
	pthread_mutex_unlock(&n->lock);
	be_eventfd_signal(n->wake_fd, "slirp");
	pthread_join(n->thread, NULL);
	slirp_cleanup(n->slirp);
	while (n->timers) {
		struct slirp_timer *t = n->timers;

		n->timers = t->next;
		free(t);
	}
	close(n->wake_fd);
	free(n->pfd);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

static const struct net_xport_ops ns_ops = {
	.name = "user",
	.send = ns_send,
	.can_offload = false,
	.attach = ns_attach,
	.describe = ns_describe,
	.destroy = ns_destroy,
};

int net_slirp_config(const struct net_spec *s, struct net_slirp_cfg *c,
		     char *err, size_t errlen)
{
	const char *net = s->net[0] ? s->net : "10.0.2.0/24";
	char addr[64];
	const char *slash = strchr(net, '/');
	unsigned long prefix;
	uint32_t base, mask;
	char *end;

	memset(c, 0, sizeof(*c));
	if (!slash || (size_t)(slash - net) >= sizeof(addr))
		goto bad;
	memcpy(addr, net, slash - net);
	addr[slash - net] = '\0';
	prefix = strtoul(slash + 1, &end, 10);
	if (*end || end == slash + 1 || prefix < 8 || prefix > 28 ||
	    inet_pton(AF_INET, addr, &c->network) != 1)
		goto bad;
	mask = prefix ? ~0u << (32 - prefix) : 0;
	base = ntohl(c->network.s_addr) & mask;
	c->network.s_addr = htonl(base);
	c->netmask.s_addr = htonl(mask);
	/* QEMU's layout: .2 the host (gateway), .3 DNS, .15 the first lease */
	c->host.s_addr = htonl(base | 2);
	c->dns.s_addr = htonl(base | 3);
	c->dhcp_start.s_addr = htonl(base | 15);
	for (unsigned int i = 0; i < s->nr_fwds; i++) {
		const struct net_fwd *f = &s->fwds[i];

		c->fwd_host[i].s_addr = htonl(INADDR_ANY);
		c->fwd_guest[i] = c->dhcp_start;
		if (f->host_addr[0] &&
		    inet_pton(AF_INET, f->host_addr, &c->fwd_host[i]) != 1) {
			snprintf(err, errlen, "--vif '%s': hostfwd host address "
				 "'%s' is not an IPv4 address", s->spec,
				 f->host_addr);
			return -EINVAL;
		}
		if (f->guest_addr[0] &&
		    (inet_pton(AF_INET, f->guest_addr, &c->fwd_guest[i]) != 1 ||
		     (ntohl(c->fwd_guest[i].s_addr) & mask) != base)) {
			snprintf(err, errlen, "--vif '%s': hostfwd guest address "
				 "'%s' is not an IPv4 address in %s", s->spec,
				 f->guest_addr, net);
			return -EINVAL;
		}
	}
	return 0;
bad:
	snprintf(err, errlen, "--vif '%s': net '%s': expected an IPv4 "
		 "ADDR/PREFIX with a prefix of 8 to 28, e.g. 10.0.2.0/24",
		 s->spec, net);
	return -EINVAL;
}

struct net_xport *net_slirp_open(const struct net_spec *s, char *err,
				 size_t errlen)
{
	struct net_slirp_cfg c;
	SlirpConfig cfg = { 0 };
	struct ns *n;
	char ip[INET_ADDRSTRLEN];
	size_t dl;

	if (net_slirp_config(s, &c, err, errlen))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		goto nomem;
	n->x.ops = &ns_ops;
	pthread_mutex_init(&n->lock, NULL);
	n->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->wake_fd < 0) {
		free(n);
		goto nomem;
	}
	cfg.version = 4;
	cfg.restricted = s->restrict_;
	cfg.in_enabled = true;
	cfg.vnetwork = c.network;
	cfg.vnetmask = c.netmask;
	cfg.vhost = c.host;
	cfg.vnameserver = c.dns;
	cfg.vdhcp_start = c.dhcp_start;
	cfg.vhostname = net_vm_name();
	cfg.if_mtu = 1500;
	cfg.if_mru = 1500;
	n->slirp = slirp_new(&cfg, &callbacks, n);
	if (!n->slirp) {
		close(n->wake_fd);
		free(n);
		snprintf(err, errlen, "--vif '%s': libslirp refused the "
			 "configuration", s->spec);
		return NULL;
	}
	inet_ntop(AF_INET, &c.dhcp_start, ip, sizeof(ip));
	dl = snprintf(n->desc, sizeof(n->desc), "user%s, guest %s",
		      s->restrict_ ? " (restricted)" : "", ip);
	for (unsigned int i = 0; i < s->nr_fwds; i++) {
		const struct net_fwd *f = &s->fwds[i];

		if (slirp_add_hostfwd(n->slirp, f->udp, c.fwd_host[i],
				      f->host_port, c.fwd_guest[i],
				      f->guest_port) < 0) {
			int e = errno;

			snprintf(err, errlen, "--vif '%s': hostfwd %s port %u "
				 "on the host: %s (is the port already in use?)",
				 s->spec, f->udp ? "udp" : "tcp", f->host_port,
				 e ? strerror(e) : "cannot listen");
			slirp_cleanup(n->slirp);
			close(n->wake_fd);
			free(n);
			return NULL;
		}
		if (dl < sizeof(n->desc))
			dl += snprintf(n->desc + dl, sizeof(n->desc) - dl,
				       ", %s:%s:%u-:%u", f->udp ? "udp" : "tcp",
				       f->host_addr, f->host_port,
				       f->guest_port);
	}
	n->running = true;
	if (pthread_create(&n->thread, NULL, ns_thread, n)) {
		slirp_cleanup(n->slirp);
		close(n->wake_fd);
		free(n);
		goto nomem;
	}
	mon_dbg("vif%u: %s", s->index, n->desc);
	return &n->x;
nomem:
	snprintf(err, errlen, "--vif '%s': out of memory", s->spec);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * TAP networking: the vif's frames go to a TAP device of the host
 * (/dev/net/tun, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR), so checksum offload
 * and GSO pass through in a virtio-net header [linux/virtio_net.h,
 * Documentation/networking/tuntap.rst] in both directions.
 *
 *   vifname=NAME  the TAP's name; one that exists already (made with
 *                 `ip tuntap add NAME mode tap user ME`) is used as it is
 *                 and left as it was: no privileges needed
 *   bridge=BR     the TAP joins bridge BR (CAP_NET_ADMIN)
 *   script=PATH   run as "PATH online" once the TAP is up and "PATH
 *                 offline" at the end, with vif, bridge, mac and ip in the
 *                 environment, as xl runs its vif scripts
 *
 * Guest frames are written with one writev() straight from the granted
 * pages (net_queue does not copy them for a transport that takes
 * offloads).  Host frames are read by the transport's thread, at most
 * TAP_RX_BURST per round, and flushed to the guest once per round.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>

#include "devices/be_net.h"
#include "monitor/log.h"
#include "monitor/thread.h"

#define TAP_RX_BURST	64

struct tap {
	struct net_xport x;
	int fd, wake_fd;
	char name[IFNAMSIZ];
	bool premade;
	const struct net_spec *spec;
	pthread_mutex_t lock;		/* sink */
	struct net_xport_sink sink;
	bool have_sink;
	pthread_t thread;
	bool running;
	uint8_t *buf;
	char desc[160];
};

static int run_script(const struct tap *t, const char *what)
{
	const struct net_spec *s = t->spec;
	char mac[18];
	pid_t pid;
	int st;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", s->mac[0],
		 s->mac[1], s->mac[2], s->mac[3], s->mac[4], s->mac[5]);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		setenv("vif", t->name, 1);
		setenv("bridge", s->bridge, 1);
		setenv("mac", mac, 1);
		setenv("ip", s->ip, 1);
		execl(s->script, s->script, what, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

static int ifreq_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r;

	if (s < 0)
		return -errno;
	r = ioctl(s, req, ifr) < 0 ? -errno : 0;
	close(s);
	return r;
}

/* ---- frames ---- */

static void hdr_to_off(const struct virtio_net_hdr *h, struct net_offload *o)
{
	memset(o, 0, sizeof(*o));
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		o->csum_partial = true;
		o->csum_start = h->csum_start;
		o->csum_offset = h->csum_offset;
	} else if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		o->csum_valid = true;
	}
	switch (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
		o->gso_type = NET_GSO_TCPV4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		o->gso_type = NET_GSO_TCPV6;
		break;
	}
	if (o->gso_type) {
		o->gso_size = h->gso_size;
		o->hdr_len = h->hdr_len;
	}
}

static void *tap_thread(void *arg)
{
	struct tap *t = arg;

	mon_thread_no_thp();
	pthread_setname_np(pthread_self(), "tap");
	while (__atomic_load_n(&t->running, __ATOMIC_ACQUIRE)) {
		struct pollfd p[2] = {
			{ .fd = t->fd, .events = POLLIN },
			{ .fd = t->wake_fd, .events = POLLIN },
		};
		bool got = false;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			be_eventfd_drain(t->wake_fd);
		pthread_mutex_lock(&t->lock);
		for (int i = 0; i < TAP_RX_BURST && (p[0].revents & POLLIN);
		     i++) {
			struct virtio_net_hdr h;
			struct iovec v[2] = {
				{ &h, sizeof(h) }, { t->buf, NET_MAX_FRAME },
			};
			struct net_offload o;
			ssize_t n = readv(t->fd, v, 2);

			if (n <= (ssize_t)sizeof(h))
				break;
			n -= sizeof(h);
			if (!t->have_sink) {
				t->x.rx_dropped++;
				continue;
			}
			hdr_to_off(&h, &o);
			t->x.rx_frames++;
			t->x.rx_bytes += n;
			v[1].iov_len = n;
			t->sink.rx(t->sink.opaque, &v[1], 1, &o);
			got = true;
		}
		if (got && t->have_sink)
			t->sink.rx_flush(t->sink.opaque);
		pthread_mutex_unlock(&t->lock);
	}
	return NULL;
}

static int tap_send(struct net_xport *x, const struct iovec *iov, int iovcnt,
		    const struct net_offload *off)
{
	struct tap *t = (struct tap *)x;
	struct virtio_net_hdr h = { 0 };
	struct iovec v[NETIF_MAX_SLOTS + 1];

	if (iovcnt > NETIF_MAX_SLOTS)
		return -EINVAL;
	if (off->csum_partial) {
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.csum_start = off->csum_start;
		h.csum_offset = off->csum_offset;
	} else if (off->csum_valid) {
		h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	}
	if (off->gso_type) {
		h.gso_type = off->gso_type == NET_GSO_TCPV4 ?
			     VIRTIO_NET_HDR_GSO_TCPV4 :
			     VIRTIO_NET_HDR_GSO_TCPV6;
		h.gso_size = off->gso_size;
		h.hdr_len = off->hdr_len;
	}
	v[0].iov_base = &h;
	v[0].iov_len = sizeof(h);
	memcpy(v + 1, iov, iovcnt * sizeof(*iov));
	/* a full TAP queue drops, as a NIC would: never block the ring */
	return writev(t->fd, v, iovcnt + 1) < 0 ? -errno : 0;
}

static void tap_attach(struct net_xport *x, const struct net_xport_sink *s)
{
	struct tap *t = (struct tap *)x;

	pthread_mutex_lock(&t->lock);
	t->have_sink = s != NULL;
	if (s)
		t->sink = *s;
	pthread_mutex_unlock(&t->lock);
}

static void tap_describe(struct net_xport *x, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ((struct tap *)x)->desc);
}

static void tap_destroy(struct net_xport *x)
{
	struct tap *t = (struct tap *)x;

	__atomic_store_n(&t->running, false, __ATOMIC_RELEASE);
	be_eventfd_signal(t->wake_fd, "tap");
	pthread_join(t->thread, NULL);
	if (t->spec->script[0] && run_script(t, "offline"))
		mon_warn("vif%u: %s offline failed", t->spec->index,
			 t->spec->script);
	/* a TAP we made goes away with its last fd; a pre-made one stays */
	close(t->fd);
	close(t->wake_fd);
	pthread_mutex_destroy(&t->lock);
	free(t->buf);
	free(t);
}

static const struct net_xport_ops tap_ops = {
	.name = "tap",
	.send = tap_send,
	.can_offload = true,
	.attach = tap_attach,
	.describe = tap_describe,
	.destroy = tap_destroy,
};

static bool if_exists(const char *name)
{
	char p[64 + IFNAMSIZ];
	struct stat st;

	snprintf(p, sizeof(p), "/sys/class/net/%s", name);
	return name[0] && !stat(p, &st);
}

#define tap_err(...) (snprintf(err, errlen, __VA_ARGS__), NULL)

static struct tap *tap_create(const struct net_spec *s, char *err,
			      size_t errlen)
{
	struct ifreq ifr = { 0 };
	unsigned int off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	int hdr = sizeof(struct virtio_net_hdr);
	struct tap *t;
	int r;

	if (s->bridge[0] && !if_exists(s->bridge))
		return tap_err("--vif '%s': bridge '%s' does not exist (create "
			       "it: ip link add %s type bridge)", s->spec,
			       s->bridge, s->bridge);
	t = calloc(1, sizeof(*t));
	if (!t)
		return tap_err("--vif '%s': out of memory", s->spec);
	t->spec = s;
	t->premade = if_exists(s->vifname);
	t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (t->fd < 0) {
		r = errno;
		free(t);
		if (r == ENOENT)
			return tap_err("--vif '%s': no /dev/net/tun on this "
				       "host (modprobe tun)", s->spec);
		return tap_err("--vif '%s': cannot open /dev/net/tun: %s%s",
			       s->spec, strerror(r),
			       r == EACCES ? " (no permission: use type=user, "
			       "or get access to /dev/net/tun)" : "");
	}
	snprintf(ifr.ifr_name, IFNAMSIZ, "%.15s", s->vifname);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		bool premade = t->premade;

		r = errno;
		close(t->fd);
		free(t);
		/* a TAP that exists but is not ours, or one we may not make */
		if (r == EPERM)
			return tap_err("--vif '%s': not allowed to %s TAP "
				       "'%s' (needs CAP_NET_ADMIN, or a TAP "
				       "made for you: ip tuntap add NAME mode "
				       "tap user YOU vnet_hdr, then vifname="
				       "NAME)", s->spec, premade ?
				       "open" : "create", s->vifname);
		if (r == EBUSY)
			return tap_err("--vif '%s': TAP '%s' is in use by "
				       "another program", s->spec, s->vifname);
		return tap_err("--vif '%s': TUNSETIFF: %s (is '%s' a TAP "
			       "with vnet_hdr?)", s->spec, strerror(r),
			       s->vifname);
	}
	snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
	if (ioctl(t->fd, TUNSETVNETHDRSZ, &hdr) < 0 ||
	    ioctl(t->fd, TUNSETOFFLOAD, off) < 0) {
		r = errno;
		close(t->fd);
		free(t);
		return tap_err("--vif '%s': TAP '%s' refuses the virtio-net "
			       "header or offloads: %s", s->spec, ifr.ifr_name,
			       strerror(r));
	}
	return t;
}

/* Up, and into the bridge: the parts that need CAP_NET_ADMIN. */
static int tap_plug(struct tap *t, char *err, size_t errlen)
{
	const struct net_spec *s = t->spec;
	struct ifreq ifr = { 0 };
	int r;

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", t->name);
	r = ifreq_ioctl(SIOCGIFFLAGS, &ifr);
	if (!r && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		r = ifreq_ioctl(SIOCSIFFLAGS, &ifr);
	}
	if (r && !t->premade) {
		snprintf(err, errlen, "--vif '%s': cannot bring TAP '%s' up: "
			 "%s", s->spec, t->name, strerror(-r));
		return r;
	}
	if (s->bridge[0]) {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, IFNAMSIZ, "%.15s", s->bridge);
		ifr.ifr_ifindex = if_nametoindex(t->name);
		r = ifreq_ioctl(SIOCBRADDIF, &ifr);
		if (r && r != -EBUSY) {
			snprintf(err, errlen, "--vif '%s': cannot add TAP '%s' "
				 "to bridge '%s': %s%s", s->spec, t->name,
				 s->bridge, strerror(-r), r == -EPERM ?
				 " (needs CAP_NET_ADMIN)" : "");
			return r;
		}
	}
	if (s->script[0] && run_script(t, "online")) {
		snprintf(err, errlen, "--vif '%s': %s online failed for TAP "
			 "'%s'", s->spec, s->script, t->name);
		return -EIO;
	}
	return 0;
}

struct net_xport *net_tap_open(const struct net_spec *s, char *err,
			       size_t errlen)
{
	struct tap *t = tap_create(s, err, errlen);

	if (!t)
		return NULL;
	t->x.ops = &tap_ops;
	pthread_mutex_init(&t->lock, NULL);
	t->buf = malloc(NET_MAX_FRAME);
	t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!t->buf || t->wake_fd < 0 || tap_plug(t, err, errlen)) {
		if (!t->buf || t->wake_fd < 0)
			snprintf(err, errlen, "--vif '%s': out of memory",
				 s->spec);
		goto fail;
	}
	snprintf(t->desc, sizeof(t->desc), "tap %s%s%s%s", t->name,
		 t->premade ? " (pre-made)" : "", s->bridge[0] ? " on " : "",
		 s->bridge);
	t->running = true;
	if (pthread_create(&t->thread, NULL, tap_thread, t)) {
		snprintf(err, errlen, "--vif '%s': cannot start a thread",
			 s->spec);
		goto fail;
	}
	mon_dbg("vif%u: %s", s->index, t->desc);
	return &t->x;
fail:
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	close(t->fd);
	free(t->buf);
	pthread_mutex_destroy(&t->lock);
	free(t);
	return NULL;
}

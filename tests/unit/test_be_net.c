// SPDX-License-Identifier: GPL-2.0
/*
 * The vif backend: --vif specs, MACs, forwards and the user-mode
 * network's addresses (be_net_spec.c, net_slirp.c), checksums
 * (net_csum.c), and one queue (be_net_ring.c) with a fake guest (RAM,
 * grant table, TX and RX rings in test memory) and a fake transport that
 * records what it is sent.  Good packets arrive whole with their offload
 * metadata; every kind of bad packet is dropped, counted, answered with
 * NETIF_RSP_ERROR and leaves no grant in use; runaway indices kill the
 * queue; host frames land in the posted buffers or wait in the backlog.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "devices/be_net.h"
#include "devices/net_slirp.h"
#include "monitor/mem.h"

/* ---- specs ---- */

static void test_spec(void)
{
	struct net_spec s;
	char err[256];

	CU_ASSERT_EQUAL(net_spec_parse("type=user,hostfwd=tcp:127.0.0.1:2222-:"
				       "22,hostfwd=udp::5353-10.0.2.15:53,"
				       "restrict=on", &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.kind, NET_USER);
	CU_ASSERT_TRUE(s.restrict_);
	CU_ASSERT_EQUAL(s.nr_fwds, 2);
	CU_ASSERT_FALSE(s.fwds[0].udp);
	CU_ASSERT_STRING_EQUAL(s.fwds[0].host_addr, "127.0.0.1");
	CU_ASSERT_EQUAL(s.fwds[0].host_port, 2222);
	CU_ASSERT_STRING_EQUAL(s.fwds[0].guest_addr, "");
	CU_ASSERT_EQUAL(s.fwds[0].guest_port, 22);
	CU_ASSERT_TRUE(s.fwds[1].udp);
	CU_ASSERT_STRING_EQUAL(s.fwds[1].guest_addr, "10.0.2.15");
	CU_ASSERT_EQUAL(net_spec_parse("hostfwd=tcp::1-:2;udp::3-:4", &s, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.nr_fwds, 2);
	CU_ASSERT_EQUAL(s.fwds[1].host_port, 3);
	CU_ASSERT_TRUE(s.fwds[1].udp);

	/* xl's bridged vif */
	CU_ASSERT_EQUAL(net_spec_parse("mac=00:16:3e:01:02:03, bridge=xenbr0,"
				       "model=e1000", &s, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(s.kind, NET_TAP);
	CU_ASSERT_TRUE(s.mac_set);
	CU_ASSERT_EQUAL(s.mac[5], 3);
	CU_ASSERT_STRING_EQUAL(s.bridge, "xenbr0");
	CU_ASSERT_EQUAL(net_spec_parse("", &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.kind, NET_USER);

	CU_ASSERT_EQUAL(net_spec_parse("mac=01:16:3e:01:02:03", &s, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mac"));
	CU_ASSERT_EQUAL(net_spec_parse("mac=00:16:3e:01:02", &s, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(net_spec_parse("colour=red", &s, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'colour=red'"));
	CU_ASSERT_EQUAL(net_spec_parse("type=user,bridge=br0", &s, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(net_spec_parse("bridge=br0,hostfwd=tcp::1-:2", &s, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(net_spec_parse("type=ne2k", &s, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_EQUAL(net_spec_parse("restrict=maybe", &s, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(net_spec_parse("vifname=abcdefghijklmnop", &s, err,
				       sizeof(err)), -EINVAL);
}

static void test_fwd(void)
{
	struct net_fwd f;

	CU_ASSERT_EQUAL(net_fwd_parse("tcp::8080-:80", &f), 0);
	CU_ASSERT_EQUAL(f.host_port, 8080);
	CU_ASSERT_EQUAL(f.guest_port, 80);
	CU_ASSERT_EQUAL(net_fwd_parse("2222-22", &f), 0);	/* tcp default */
	CU_ASSERT_FALSE(f.udp);
	CU_ASSERT_EQUAL(net_fwd_parse("tcp::0-:22", &f), -EINVAL);
	CU_ASSERT_EQUAL(net_fwd_parse("tcp::65536-:22", &f), -EINVAL);
	CU_ASSERT_EQUAL(net_fwd_parse("tcp::22", &f), -EINVAL);
	CU_ASSERT_EQUAL(net_fwd_parse("tcp::1-:2-:3", &f), -EINVAL);
	CU_ASSERT_EQUAL(net_fwd_parse("tcp:a:b:1-:2", &f), -EINVAL);
	CU_ASSERT_EQUAL(net_fwd_parse("tcp::x-:2", &f), -EINVAL);
}

static void test_mac(void)
{
	uint8_t a[6], b[6], c[6];

	net_mac_derive("web", 0, a);
	net_mac_derive("web", 0, b);
	net_mac_derive("web", 1, c);
	CU_ASSERT_EQUAL(memcmp(a, b, 6), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a, c, 6), 0);
	CU_ASSERT_EQUAL(a[0], 0x00);
	CU_ASSERT_EQUAL(a[1], 0x16);
	CU_ASSERT_EQUAL(a[2], 0x3e);
	CU_ASSERT_EQUAL(a[3] & 0x80, 0);
	net_mac_derive("db", 0, c);
	CU_ASSERT_NOT_EQUAL(memcmp(a, c, 6), 0);
}

static void test_slirp_cfg(void)
{
	struct net_slirp_cfg c;
	struct net_spec s;
	char err[256];

	CU_ASSERT_EQUAL(net_spec_parse("type=user,hostfwd=tcp:127.0.0.1:2222-"
				       ":22", &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(net_slirp_config(&s, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ntohl(c.network.s_addr), 0x0a000200);
	CU_ASSERT_EQUAL(ntohl(c.netmask.s_addr), 0xffffff00);
	CU_ASSERT_EQUAL(ntohl(c.host.s_addr), 0x0a000202);
	CU_ASSERT_EQUAL(ntohl(c.dns.s_addr), 0x0a000203);
	CU_ASSERT_EQUAL(ntohl(c.dhcp_start.s_addr), 0x0a00020f);
	CU_ASSERT_EQUAL(ntohl(c.fwd_host[0].s_addr), 0x7f000001);
	CU_ASSERT_EQUAL(ntohl(c.fwd_guest[0].s_addr), 0x0a00020f);

	CU_ASSERT_EQUAL(net_spec_parse("net=192.168.77.9/16", &s, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(net_slirp_config(&s, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ntohl(c.network.s_addr), 0xc0a80000);
	CU_ASSERT_EQUAL(ntohl(c.host.s_addr), 0xc0a80002);

	CU_ASSERT_EQUAL(net_spec_parse("net=10.0.0.0/30", &s, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(net_slirp_config(&s, &c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(net_spec_parse("net=10.0.x.0/24", &s, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(net_slirp_config(&s, &c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(net_spec_parse("hostfwd=tcp::1-192.168.0.1:2", &s, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(net_slirp_config(&s, &c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "192.168.0.1"));
	CU_ASSERT_EQUAL(net_spec_parse("hostfwd=tcp:localhost:1-:2", &s, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(net_slirp_config(&s, &c, err, sizeof(err)), -EINVAL);
}

/* ---- the slirp glue: a DHCP discover in, an offer out ---- */

static pthread_mutex_t sl_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sl_cond = PTHREAD_COND_INITIALIZER;
static uint8_t sl_frame[2048];
static size_t sl_len;
static unsigned int sl_flushes;
/* every frame's first bytes, for the TCP test */
static uint8_t sl_frames[32][128];
static size_t sl_lens[32];
static unsigned int sl_nr;

static void sl_rx(void *o, const struct iovec *iov, int n,
		  const struct net_offload *off)
{
	size_t c = iov[0].iov_len;

	pthread_mutex_lock(&sl_lock);
	if (!sl_len && c <= sizeof(sl_frame)) {
		memcpy(sl_frame, iov[0].iov_base, c);
		sl_len = c;
	}
	if (sl_nr < 32) {
		sl_lens[sl_nr] = c;
		memcpy(sl_frames[sl_nr++], iov[0].iov_base,
		       c < 128 ? c : 128);
	}
	pthread_mutex_unlock(&sl_lock);
}

static void sl_reset(void)
{
	pthread_mutex_lock(&sl_lock);
	sl_len = 0;
	sl_nr = 0;
	sl_flushes = 0;
	pthread_mutex_unlock(&sl_lock);
}

static void sl_flush(void *o)
{
	pthread_mutex_lock(&sl_lock);
	sl_flushes++;
	pthread_cond_broadcast(&sl_cond);
	pthread_mutex_unlock(&sl_lock);
}

static size_t dhcp_discover(uint8_t *f, const uint8_t mac[6])
{
	static const uint8_t opts[] = { 99, 130, 83, 99, 53, 1, 1, 255 };
	size_t ip = 14, udp = ip + 20, bp = udp + 8, len = bp + 236 + 8;
	uint16_t c;

	memset(f, 0, len);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[ip] = 0x45;
	f[ip + 2] = (len - ip) >> 8;
	f[ip + 3] = (len - ip) & 0xff;
	f[ip + 8] = 64;
	f[ip + 9] = 17;
	memset(f + ip + 16, 0xff, 4);
	c = ~net_csum_fold(f + ip, 20, 0);
	f[ip + 10] = c >> 8;
	f[ip + 11] = c & 0xff;
	f[udp + 1] = 68;
	f[udp + 3] = 67;
	f[udp + 4] = (len - udp) >> 8;
	f[udp + 5] = (len - udp) & 0xff;
	f[bp] = 1;		/* BOOTREQUEST */
	f[bp + 1] = 1;
	f[bp + 2] = 6;
	f[bp + 4] = 0x12;	/* xid */
	memcpy(f + bp + 28, mac, 6);
	memcpy(f + bp + 236, opts, sizeof(opts));
	return len;
}

static void test_slirp(void)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 1, 2, 3 };
	struct net_xport_sink sink = { .rx = sl_rx, .rx_flush = sl_flush };
	struct net_offload off = { 0 };
	struct net_xport *x;
	struct net_spec s;
	uint8_t f[600];
	struct iovec v = { f, 0 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	char err[256], spec[96];
	struct timespec until;
	int fd;

	CU_ASSERT_EQUAL(net_spec_parse("type=user", &s, err, sizeof(err)), 0);
	x = net_slirp_open(&s, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	x->ops->attach(x, &sink);
	v.iov_len = dhcp_discover(f, mac);
	CU_ASSERT_EQUAL(x->ops->send(x, &v, 1, &off), 0);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&sl_lock);
	while (!sl_len && !pthread_cond_timedwait(&sl_cond, &sl_lock, &until))
		;
	pthread_mutex_unlock(&sl_lock);
	/* an offer from 10.0.2.2:67 to port 68, for our MAC, of 10.0.2.15 */
	CU_ASSERT_TRUE_FATAL(sl_len > 14 + 20 + 8 + 236);
	CU_ASSERT_TRUE(sl_flushes > 0);
	/* to our MAC, or broadcast (slirp's choice for a client with no IP) */
	CU_ASSERT_TRUE(!memcmp(sl_frame, mac, 6) ||
		       !memcmp(sl_frame, "\xff\xff\xff\xff\xff\xff", 6));
	CU_ASSERT_EQUAL(memcmp(sl_frame + 6, "\x52\x55\x0a\x00\x02\x02", 6), 0);
	CU_ASSERT_EQUAL(sl_frame[14 + 9], 17);
	CU_ASSERT_EQUAL(memcmp(sl_frame + 14 + 12, "\x0a\x00\x02\x02", 4), 0);
	CU_ASSERT_EQUAL(sl_frame[34 + 3], 68);
	CU_ASSERT_EQUAL(sl_frame[42], 2);	/* BOOTREPLY */
	CU_ASSERT_EQUAL(memcmp(sl_frame + 42 + 16, "\x0a\x00\x02\x0f", 4), 0);
	CU_ASSERT_EQUAL(memcmp(sl_frame + 42 + 28, mac, 6), 0);	/* chaddr */
	x->ops->attach(x, NULL);
	x->ops->destroy(x);

	/* a forward on a port that is taken: refused, naming spec and port */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(fd >= 0 && !bind(fd, (void *)&a, sizeof(a)) &&
			!listen(fd, 1) &&
			!getsockname(fd, (void *)&a, &alen));
	snprintf(spec, sizeof(spec), "type=user,hostfwd=tcp:127.0.0.1:%u-:22",
		 ntohs(a.sin_port));
	CU_ASSERT_EQUAL(net_spec_parse(spec, &s, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(net_slirp_open(&s, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, spec));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "in use"));
	close(fd);
}

/*
 * TCP through the slirp glue, which needs its poll thread (the DHCP test
 * above is answered inside slirp_input): a SYN from the guest to the
 * gateway's port P reaches a listener on the host's 127.0.0.1:P and the
 * guest gets the SYN-ACK; a host connection to a forward's port arrives
 * at the guest as a SYN to its port.
 */
static int sl_find(uint8_t proto, uint16_t port, bool dst, uint8_t *flags,
		   int secs)
{
	struct timespec until;
	int r = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += secs;
	pthread_mutex_lock(&sl_lock);
	for (;;) {
		for (unsigned int i = 0; i < sl_nr; i++) {
			const uint8_t *f = sl_frames[i];
			const uint8_t *l4 = f + 14 + (f[14] & 15) * 4;

			if (sl_lens[i] < 54 || f[12] != 8 || f[13] != 0 ||
			    f[14 + 9] != proto ||
			    ((l4[dst ? 2 : 0] << 8) | l4[dst ? 3 : 1]) != port)
				continue;
			*flags = l4[13];
			r = 0;
			goto out;
		}
		if (pthread_cond_timedwait(&sl_cond, &sl_lock, &until))
			break;
	}
out:
	pthread_mutex_unlock(&sl_lock);
	return r;
}

/* an ARP request from the guest (10.0.2.15) for the gateway */
static size_t arp_request(uint8_t *f, const uint8_t mac[6])
{
	static const uint8_t hdr[] = { 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1 };

	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	memcpy(f + 12, hdr, sizeof(hdr));
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, "\x0a\x00\x02\x0f", 4);
	memcpy(f + 38, "\x0a\x00\x02\x02", 4);
	return 60;
}

/* a TCP SYN 10.0.2.15:40000 -> 10.0.2.2:@port, checksums finished */
static size_t tcp_syn(uint8_t *f, const uint8_t mac[6], uint16_t port)
{
	size_t ip = 14, tcp = ip + 20, len = tcp + 20;
	uint16_t c;

	memset(f, 0, len);
	memcpy(f, "\x52\x55\x0a\x00\x02\x02", 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[ip] = 0x45;
	f[ip + 3] = len - ip;
	f[ip + 8] = 64;
	f[ip + 9] = 6;
	memcpy(f + ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
	c = ~net_csum_fold(f + ip, 20, 0);
	f[ip + 10] = c >> 8;
	f[ip + 11] = c & 0xff;
	f[tcp] = 40000 >> 8;
	f[tcp + 1] = 40000 & 0xff;
	f[tcp + 2] = port >> 8;
	f[tcp + 3] = port & 0xff;
	f[tcp + 7] = 1;			/* seq */
	f[tcp + 12] = 5 << 4;
	f[tcp + 13] = 0x02;		/* SYN */
	f[tcp + 14] = 0xff;		/* window */
	f[tcp + 15] = 0xff;
	c = ~net_csum_fold(f + tcp, 20, net_csum_fold(f + ip + 12, 8, 0) +
			   6 + 20);
	f[tcp + 16] = c >> 8;
	f[tcp + 17] = c & 0xff;
	return len;
}

static int listener(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) || listen(fd, 4) ||
	    getsockname(fd, (void *)&a, &alen)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_slirp_tcp(void)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 4, 5, 6 };
	struct net_xport_sink sink = { .rx = sl_rx, .rx_flush = sl_flush };
	struct net_offload off = { .csum_valid = true };
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct net_xport *x;
	struct net_spec s;
	uint8_t f[128], flags = 0;
	struct iovec v = { f, 0 };
	struct pollfd p;
	char err[256], spec[96];
	uint16_t port, fport;
	int lfd, cfd;

	sl_reset();
	lfd = listener(&port);
	CU_ASSERT_FATAL(lfd >= 0);
	/* a free port for the forward: take one, let it go */
	cfd = listener(&fport);
	CU_ASSERT_FATAL(cfd >= 0);
	close(cfd);
	snprintf(spec, sizeof(spec), "type=user,hostfwd=tcp:127.0.0.1:%u-:80",
		 fport);
	CU_ASSERT_EQUAL_FATAL(net_spec_parse(spec, &s, err, sizeof(err)), 0);
	x = net_slirp_open(&s, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	x->ops->attach(x, &sink);
	v.iov_len = arp_request(f, mac);
	CU_ASSERT_EQUAL(x->ops->send(x, &v, 1, &off), 0);
	v.iov_len = tcp_syn(f, mac, port);
	CU_ASSERT_EQUAL(x->ops->send(x, &v, 1, &off), 0);

	/* slirp connects out from the poll thread, then answers the guest */
	p = (struct pollfd){ .fd = lfd, .events = POLLIN };
	CU_ASSERT_EQUAL(poll(&p, 1, 5000), 1);
	cfd = accept(lfd, NULL, NULL);
	CU_ASSERT(cfd >= 0);
	CU_ASSERT_EQUAL(sl_find(6, 40000, true, &flags, 5), 0);
	CU_ASSERT_EQUAL(flags & 0x12, 0x12);	/* SYN-ACK */
	if (cfd >= 0)
		close(cfd);
	close(lfd);

	/* the host connects to the forward: a SYN for the guest's port 80 */
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CU_ASSERT_FATAL(cfd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(fport);
	connect(cfd, (void *)&a, sizeof(a));
	CU_ASSERT_EQUAL(sl_find(6, 80, true, &flags, 5), 0);
	CU_ASSERT_EQUAL(flags & 0x12, 0x02);	/* SYN */
	close(cfd);
	x->ops->attach(x, NULL);
	x->ops->destroy(x);
}

/* ---- checksums ---- */

/* a UDP/IPv4 frame with payload "hxen", checksum field garbage */
static size_t udp4_frame(uint8_t *f)
{
	static const uint8_t hdr[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
		0x45, 0, 0, 32, 0, 0, 0x40, 0, 64, 17, 0, 0,
		10, 0, 2, 15, 10, 0, 2, 2,
		0x30, 0x39, 0x00, 0x35, 0, 12, 0xde, 0xad,
		'h', 'x', 'e', 'n',
	};

	memcpy(f, hdr, sizeof(hdr));
	return sizeof(hdr);
}

static void test_csum(void)
{
	uint8_t f[128];
	size_t n = udp4_frame(f);
	uint32_t sum;

	CU_ASSERT_EQUAL(net_csum_complete(f, n), 0);
	/* the sum over pseudo-header and segment is then 0xffff */
	sum = net_csum_fold(f + 26, 8, 17 + 12);
	CU_ASSERT_EQUAL(net_csum_fold(f + 34, 12, sum), 0xffff);
	/* a value worked out by hand */
	CU_ASSERT_EQUAL(f[40] << 8 | f[41], 0xe970);

	{
		struct net_offload o = { 0 };

		n = udp4_frame(f);
		CU_ASSERT_EQUAL(net_l4_offsets(f, n, &o), 0);
		CU_ASSERT_EQUAL(o.csum_start, 34);
		CU_ASSERT_EQUAL(o.csum_offset, 6);
		CU_ASSERT_EQUAL(o.hdr_len, 42);
		CU_ASSERT_EQUAL(net_l4_offsets(f, 30, &o), -EINVAL);
	}
	n = udp4_frame(f);
	f[23] = 1;			/* ICMP: nothing to complete */
	CU_ASSERT_EQUAL(net_csum_complete(f, n), -EINVAL);
	n = udp4_frame(f);
	f[17] = 200;			/* tot_len past the frame */
	CU_ASSERT_EQUAL(net_csum_complete(f, n), -EINVAL);
	n = udp4_frame(f);
	CU_ASSERT_EQUAL(net_csum_complete(f, 20), -EINVAL);
	f[12] = 0x88;			/* not IP */
	CU_ASSERT_EQUAL(net_csum_complete(f, n), -EINVAL);
}

/* ---- one queue ---- */

#define RAM_GPA		0x100000ULL
#define RAM_PAGES	48
#define GFN(page)	((uint32_t)(RAM_GPA / 4096 + (page)))
#define TXP		0	/* TX ring page */
#define RXP		1	/* RX ring page */

static uint8_t ram[RAM_PAGES * 4096] __attribute__((aligned(4096)));
static struct grant_entry_v1 table[GNT_ENTRIES_PER_FRAME];
static struct mon_mem mem;
static struct be_gnttab gt;
static struct be_dev fake_dev = { .name = "vif/0" };
static struct net_spec spec;
static struct net_dev nd;
static struct net_queue q;

/* the fake transport */
static uint8_t sent[NET_MAX_FRAME];
static size_t sent_len;
static unsigned int nsent;
static struct net_offload sent_off;
static bool fx_offload;

static int fx_send(struct net_xport *x, const struct iovec *iov, int n,
		   const struct net_offload *off)
{
	sent_len = 0;
	for (int i = 0; i < n; i++) {
		memcpy(sent + sent_len, iov[i].iov_base, iov[i].iov_len);
		sent_len += iov[i].iov_len;
	}
	sent_off = *off;
	nsent++;
	return 0;
}

static void fx_attach(struct net_xport *x, const struct net_xport_sink *s)
{
}

static struct net_xport_ops fx_ops = {
	.name = "fake", .send = fx_send, .attach = fx_attach,
};
static struct net_xport fx = { .ops = &fx_ops };

static struct be_sring *txs(void)
{
	return (void *)(ram + TXP * 4096);
}

static struct be_sring *rxs(void)
{
	return (void *)(ram + RXP * 4096);
}

static union netif_tx_entry *txe(uint32_t i)
{
	return (union netif_tx_entry *)txs()->ring + (i & 255);
}

static union netif_rx_entry *rxe(uint32_t i)
{
	return (union netif_rx_entry *)rxs()->ring + (i & 255);
}

static void grant(uint32_t ref, uint32_t page, bool ro)
{
	table[ref].domid = 0;
	table[ref].frame = GFN(page);
	table[ref].flags = GTF_PERMIT_ACCESS | (ro ? GTF_READONLY : 0);
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	memset(table, 0, sizeof(table));
	mem = (struct mon_mem){ .n = 1 };
	mem.r[0] = (struct mon_mem_region){
		.gpa = RAM_GPA, .size = sizeof(ram), .type = MON_MEM_RAM,
		.host = ram,
	};
	CU_ASSERT_FATAL(be_gnttab_init(&gt, table, 1, &mem) == 0);
	memset(&nd, 0, sizeof(nd));
	memset(&q, 0, sizeof(q));
	nd.dev = &fake_dev;
	nd.spec = &spec;
	nd.gt = &gt;
	nd.xport = &fx;
	nd.queues = &q;
	nd.nr_queues = 1;
	q.nd = &nd;
	snprintf(q.name, sizeof(q.name), "vif0.0");
	CU_ASSERT_FATAL(net_queue_init(&q) == 0);
	CU_ASSERT_FATAL(be_ring_init(&q.tx, txs(), 4096,
				     sizeof(union netif_tx_entry)) == 0);
	CU_ASSERT_FATAL(be_ring_init(&q.rx, rxs(), 4096,
				     sizeof(union netif_rx_entry)) == 0);
	CU_ASSERT_EQUAL(q.tx.size, 256);
	CU_ASSERT_EQUAL(q.rx.size, 256);
	q.rx_open = true;
	txs()->rsp_event = rxs()->rsp_event = 1;	/* as the frontend */
	nsent = 0;
	fx_offload = false;
	fx_ops.can_offload = false;
	fake_dev.fault = 0;
}

static void teardown(void)
{
	net_queue_fini(&q);
	for (unsigned int i = 0; i < GNT_ENTRIES_PER_FRAME; i++)
		CU_ASSERT_EQUAL(table[i].flags & (GTF_READING | GTF_WRITING),
				0);
	be_gnttab_fini(&gt);
	fake_dev.fault = 0;
}

/* a TX slot at req_prod (not yet published) */
static uint32_t tx_prod;

static void tx_slot(uint32_t gref, uint16_t off, uint16_t flags, uint16_t id,
		    uint16_t size)
{
	union netif_tx_entry *e = txe(tx_prod++);

	memset(e, 0, sizeof(*e));
	e->req = (struct netif_tx_request){ .gref = gref, .offset = off,
					     .flags = flags, .id = id,
					     .size = size };
}

static void tx_extra(uint8_t type, uint8_t flags, uint16_t gso_size,
		     uint8_t gso_type)
{
	union netif_tx_entry *e = txe(tx_prod++);

	memset(e, 0, sizeof(*e));
	e->extra.type = type;
	e->extra.flags = flags;
	e->extra.u.gso.size = gso_size;
	e->extra.u.gso.type = gso_type;
}

static void tx_publish(void)
{
	txs()->req_prod = tx_prod;
	net_queue_process(&q);
}

static void fill(uint32_t page, uint32_t off, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		ram[page * 4096 + off + i] = (uint8_t)(seed + i * 7);
}

static void test_tx(void)
{
	uint32_t rsp0;

	setup();
	tx_prod = txs()->req_prod;
	/* one slot, 60 bytes at offset 100 */
	grant(10, 4, true);
	fill(4, 100, 60, 1);
	tx_slot(10, 100, NETTXF_DATA_VALIDATED, 7, 60);
	tx_publish();
	CU_ASSERT_EQUAL(nsent, 1);
	CU_ASSERT_EQUAL(sent_len, 60);
	CU_ASSERT_EQUAL(memcmp(sent, ram + 4 * 4096 + 100, 60), 0);
	CU_ASSERT_TRUE(sent_off.csum_valid);
	CU_ASSERT_EQUAL(txs()->rsp_prod, 1);
	CU_ASSERT_EQUAL(txe(0)->rsp.id, 7);
	CU_ASSERT_EQUAL(txe(0)->rsp.status, NETIF_RSP_OKAY);
	/* the worker asked for an event on the next request */
	CU_ASSERT_EQUAL(txs()->req_event, 2);

	/* three slots with a GSO extra: 4000 + 4096 + 904 = 9000 */
	grant(11, 5, true);
	grant(12, 6, true);
	grant(13, 7, true);
	fill(5, 96, 4000, 2);
	fill(6, 0, 4096, 3);
	fill(7, 0, 904, 4);
	rsp0 = txs()->rsp_prod;
	tx_slot(11, 96, NETTXF_MORE_DATA | NETTXF_EXTRA_INFO |
		NETTXF_DATA_VALIDATED, 20, 9000);
	tx_extra(NETIF_EXTRA_TYPE_GSO, 0, 1448, NETIF_GSO_TYPE_TCPV4);
	tx_slot(12, 0, NETTXF_MORE_DATA, 21, 4096);
	tx_slot(13, 0, 0, 22, 904);
	tx_publish();
	CU_ASSERT_EQUAL(nsent, 2);
	CU_ASSERT_EQUAL(sent_len, 9000);
	CU_ASSERT_EQUAL(memcmp(sent, ram + 5 * 4096 + 96, 4000), 0);
	CU_ASSERT_EQUAL(memcmp(sent + 4000, ram + 6 * 4096, 4096), 0);
	CU_ASSERT_EQUAL(memcmp(sent + 8096, ram + 7 * 4096, 904), 0);
	CU_ASSERT_EQUAL(sent_off.gso_type, NET_GSO_TCPV4);
	CU_ASSERT_EQUAL(sent_off.gso_size, 1448);
	/* one response per slot, NULL for the extra */
	CU_ASSERT_EQUAL(txs()->rsp_prod, rsp0 + 4);
	CU_ASSERT_EQUAL(txe(rsp0)->rsp.id, 20);
	CU_ASSERT_EQUAL(txe(rsp0 + 1)->rsp.status, NETIF_RSP_NULL);
	CU_ASSERT_EQUAL(txe(rsp0 + 2)->rsp.id, 21);
	CU_ASSERT_EQUAL(txe(rsp0 + 3)->rsp.id, 22);
	CU_ASSERT_EQUAL(txe(rsp0 + 3)->rsp.status, NETIF_RSP_OKAY);

	/* a packet whose last slot is not published yet waits for it */
	tx_slot(10, 0, NETTXF_MORE_DATA, 30, 100);
	txs()->req_prod = tx_prod;
	net_queue_process(&q);
	CU_ASSERT_EQUAL(nsent, 2);
	CU_ASSERT_EQUAL(txs()->req_event, tx_prod + 1);
	tx_slot(11, 0, 0, 31, 40);
	tx_publish();
	CU_ASSERT_EQUAL(nsent, 3);
	CU_ASSERT_EQUAL(sent_len, 100);
	CU_ASSERT_EQUAL(q.st.tx_frames, 3);
	CU_ASSERT_EQUAL(q.st.tx_errors, 0);
	teardown();
}

/* TX: a csum_blank UDP frame gets its checksum before a plain transport */
static void test_tx_csum(void)
{
	uint8_t f[128];
	size_t n = udp4_frame(f);

	setup();
	tx_prod = txs()->req_prod;
	grant(10, 4, true);
	memcpy(ram + 4 * 4096, f, n);
	tx_slot(10, 0, NETTXF_CSUM_BLANK | NETTXF_DATA_VALIDATED, 1, n);
	tx_publish();
	CU_ASSERT_EQUAL(nsent, 1);
	CU_ASSERT_EQUAL(sent[40] << 8 | sent[41], 0xe970);
	CU_ASSERT_FALSE(sent_off.csum_partial);
	/* the guest's page is not written */
	CU_ASSERT_EQUAL(ram[4 * 4096 + 40], 0xde);
	teardown();
}

/* one bad packet: dropped, counted, its slots answered with ERROR */
static void expect_dropped(const char *what, unsigned int slots)
{
	uint32_t r0 = txs()->rsp_prod;
	uint64_t e0 = q.st.tx_errors;
	unsigned int s0 = nsent;

	tx_publish();
	CU_ASSERT_EQUAL(nsent, s0);
	CU_ASSERT_EQUAL(q.st.tx_errors, e0 + 1);
	CU_ASSERT_EQUAL(txs()->rsp_prod, r0 + slots);
	CU_ASSERT_EQUAL(txe(r0)->rsp.status, NETIF_RSP_ERROR);
	CU_ASSERT_FALSE(q.dead);
	if (q.st.tx_errors != e0 + 1 || txs()->rsp_prod != r0 + slots)
		fprintf(stderr, "\n  case: %s\n", what);
}

static void test_tx_bad(void)
{
	setup();
	tx_prod = txs()->req_prod;
	grant(10, 4, true);
	grant(11, 5, true);

	tx_slot(10, 0, 0, 1, 0);
	expect_dropped("size 0", 1);
	tx_slot(10, 0, 0, 1, 10);
	expect_dropped("runt", 1);
	tx_slot(10, 4000, 0, 1, 200);
	expect_dropped("crosses the page", 1);
	tx_slot(10, 0, NETTXF_MORE_DATA, 1, 100);
	tx_slot(11, 4000, 0, 2, 99);
	expect_dropped("fragment crosses the page", 2);
	tx_slot(10, 0, NETTXF_MORE_DATA, 1, 100);
	tx_slot(11, 0, 0, 2, 200);
	expect_dropped("fragments larger than the packet", 2);
	tx_slot(10, 0, NETTXF_MORE_DATA, 1, 100);
	tx_slot(11, 0, 0, 2, 0);
	expect_dropped("fragment of size 0", 2);
	tx_slot(999, 0, 0, 1, 60);
	expect_dropped("grant out of the table", 1);
	tx_slot(12, 0, 0, 1, 60);
	expect_dropped("grant not given", 1);
	tx_slot(10, 0, NETTXF_EXTRA_INFO, 1, 60);
	tx_extra(9, 0, 0, 0);
	expect_dropped("unknown extra type", 2);
	tx_slot(10, 0, NETTXF_EXTRA_INFO, 1, 60);
	tx_extra(NETIF_EXTRA_TYPE_NONE, 0, 0, 0);
	expect_dropped("extra type none", 2);
	tx_slot(10, 0, NETTXF_EXTRA_INFO, 1, 60);
	tx_extra(2, 0, 0, 0);	/* multicast: not offered */
	expect_dropped("extra type not offered", 2);
	tx_slot(10, 0, NETTXF_EXTRA_INFO, 1, 60);
	tx_extra(NETIF_EXTRA_TYPE_GSO, NETIF_EXTRA_FLAG_MORE, 1448, 1);
	tx_extra(NETIF_EXTRA_TYPE_GSO, 0, 1448, 1);
	expect_dropped("extra type repeated", 3);
	tx_slot(10, 0, NETTXF_EXTRA_INFO, 1, 60);
	tx_extra(NETIF_EXTRA_TYPE_GSO, 0, 1448, 7);
	expect_dropped("bad GSO type", 2);
	tx_slot(10, 0, NETTXF_EXTRA_INFO, 1, 60);
	tx_extra(NETIF_EXTRA_TYPE_GSO, 0, 0, 1);
	expect_dropped("GSO size 0", 2);
	/* 19 data slots */
	tx_slot(10, 0, NETTXF_MORE_DATA, 1, 19 * 100);
	for (int i = 1; i < 19; i++)
		tx_slot(11, 0, i < 18 ? NETTXF_MORE_DATA : 0, 1 + i, 100);
	expect_dropped("19 slots", 19);
	/* a good packet still goes through after all that */
	tx_slot(10, 0, 0, 50, 60);
	tx_publish();
	CU_ASSERT_EQUAL(nsent, 1);
	CU_ASSERT_EQUAL(txe(txs()->rsp_prod - 1)->rsp.status, NETIF_RSP_OKAY);

	/* a chain longer than anything allowed: dropped in pieces */
	for (int i = 0; i < 40; i++)
		tx_slot(11, 0, NETTXF_MORE_DATA, i, 100);
	tx_slot(11, 0, 0, 40, 100);
	txs()->req_prod = tx_prod;
	net_queue_process(&q);
	CU_ASSERT_EQUAL(txs()->rsp_prod, tx_prod);
	CU_ASSERT_EQUAL(nsent, 1);
	CU_ASSERT_FALSE(q.dead);
	teardown();
}

static void test_runaway(void)
{
	setup();
	tx_prod = txs()->req_prod;
	txs()->req_prod += 1000;
	net_queue_process(&q);
	CU_ASSERT_TRUE(q.dead);
	CU_ASSERT_EQUAL(fake_dev.fault, 1);
	CU_ASSERT_EQUAL(txs()->rsp_prod, 0);
	teardown();

	/* a ring full of one packet that never ends: dropped in pieces */
	setup();
	grant(10, 4, true);
	tx_prod = 0;
	tx_slot(10, 0, NETTXF_EXTRA_INFO, 1, 100);
	for (int i = 1; i < 256; i++) {
		memset(txe(i), 0, sizeof(*txe(i)));
		txe(i)->extra.type = NETIF_EXTRA_TYPE_GSO;
		txe(i)->extra.flags = NETIF_EXTRA_FLAG_MORE;
	}
	txs()->req_prod = 256;
	net_queue_process(&q);
	/* NET_TX_BATCH slots per wake-up: the rest on the next one */
	CU_ASSERT_EQUAL(txs()->rsp_prod, 256);
	CU_ASSERT_EQUAL(nsent, 0);
	CU_ASSERT_FALSE(q.dead);
	teardown();

	/* RX: the guest's req_prod runs away */
	setup();
	rxs()->req_prod = 5000;
	{
		uint8_t f[64] = { 0 };
		struct iovec v = { f, sizeof(f) };
		struct net_offload o = { 0 };

		net_queue_rx(&q, &v, 1, &o);
	}
	CU_ASSERT_TRUE(q.dead);
	CU_ASSERT_EQUAL(fake_dev.fault, 1);
	teardown();
}

/* post @n RX buffers: ids 100+i, grants 20+i, pages 10+i */
static void rx_post(unsigned int n)
{
	uint32_t p = rxs()->req_prod;

	for (unsigned int i = 0; i < n; i++) {
		union netif_rx_entry *e = rxe(p + i);

		grant(20 + (p + i) % 32, 10 + (p + i) % 32, false);
		e->req = (struct netif_rx_request){
			.id = 100 + (p + i) % 256, .gref = 20 + (p + i) % 32 };
	}
	rxs()->req_prod = p + n;
}

static void test_rx(void)
{
	static uint8_t f[9000];
	struct iovec v[2] = { { f, 100 }, { f + 100, 8900 } };
	struct net_offload o = { .csum_valid = true };
	uint32_t r;

	setup();
	for (unsigned int i = 0; i < sizeof(f); i++)
		f[i] = i * 13;
	rx_post(1);
	/* one small frame: one slot, the request's id, in its slot */
	net_queue_rx(&q, v, 1, &o);
	CU_ASSERT_TRUE(net_queue_rx_flush(&q));	/* rsp_event 1 */
	CU_ASSERT_EQUAL(rxs()->rsp_prod, 1);
	CU_ASSERT_EQUAL(rxe(0)->rsp.id, 100);
	CU_ASSERT_EQUAL(rxe(0)->rsp.status, 100);
	CU_ASSERT_EQUAL(rxe(0)->rsp.flags, NETRXF_DATA_VALIDATED);
	CU_ASSERT_EQUAL(memcmp(ram + 10 * 4096, f, 100), 0);

	/* a GSO frame of 9000 bytes: data, extra, data, data */
	o.gso_type = NET_GSO_TCPV4;
	o.gso_size = 1448;
	rx_post(4);
	net_queue_rx(&q, v, 2, &o);
	net_queue_rx_flush(&q);
	r = 1;
	CU_ASSERT_EQUAL(rxs()->rsp_prod, 5);
	CU_ASSERT_EQUAL(rxe(r)->rsp.status, 4096);
	CU_ASSERT_EQUAL(rxe(r)->rsp.flags, NETRXF_DATA_VALIDATED |
			NETRXF_EXTRA_INFO | NETRXF_MORE_DATA);
	CU_ASSERT_EQUAL(rxe(r + 1)->extra.type, NETIF_EXTRA_TYPE_GSO);
	CU_ASSERT_EQUAL(rxe(r + 1)->extra.u.gso.size, 1448);
	CU_ASSERT_EQUAL(rxe(r + 1)->extra.u.gso.type, NETIF_GSO_TYPE_TCPV4);
	CU_ASSERT_EQUAL(rxe(r + 2)->rsp.status, 4096);
	CU_ASSERT_EQUAL(rxe(r + 2)->rsp.flags, NETRXF_MORE_DATA);
	CU_ASSERT_EQUAL(rxe(r + 3)->rsp.status, 9000 - 8192);
	CU_ASSERT_EQUAL(rxe(r + 3)->rsp.flags, 0);
	CU_ASSERT_EQUAL(memcmp(ram + 11 * 4096, f, 4096), 0);
	CU_ASSERT_EQUAL(memcmp(ram + 13 * 4096, f + 4096, 4096), 0);
	CU_ASSERT_EQUAL(memcmp(ram + 14 * 4096, f + 8192, 808), 0);

	/* no buffers: the frames wait, the guest is asked to notify */
	o = (struct net_offload){ .csum_valid = true };
	v[0].iov_len = 60;
	net_queue_rx(&q, v, 1, &o);
	f[0] ^= 0xff;
	net_queue_rx(&q, v, 1, &o);
	f[0] ^= 0xff;
	CU_ASSERT_EQUAL(q.bl_count, 2);
	CU_ASSERT_EQUAL(rxs()->req_event, rxs()->req_prod + 1);
	rx_post(1);
	net_queue_process(&q);
	CU_ASSERT_EQUAL(q.bl_count, 1);
	CU_ASSERT_EQUAL(rxs()->rsp_prod, 6);
	rx_post(1);
	net_queue_process(&q);
	CU_ASSERT_EQUAL(q.bl_count, 0);
	CU_ASSERT_EQUAL(rxs()->rsp_prod, 7);
	/* in order */
	CU_ASSERT_EQUAL(ram[15 * 4096], f[0]);
	CU_ASSERT_EQUAL(ram[16 * 4096], (uint8_t)(f[0] ^ 0xff));

	/* a read-only grant for an RX buffer: that frame is dropped */
	rx_post(1);
	grant(20 + 7, 10 + 7, true);
	net_queue_rx(&q, v, 1, &o);
	CU_ASSERT_EQUAL(rxe(7)->rsp.status, NETIF_RSP_ERROR);
	CU_ASSERT_EQUAL(q.st.rx_dropped, 1);
	CU_ASSERT_EQUAL(q.st.rx_frames, 4);

	/* the backlog is bounded */
	for (int i = 0; i < NET_RX_BACKLOG + 10; i++)
		net_queue_rx(&q, v, 1, &o);
	CU_ASSERT_EQUAL(q.bl_count, NET_RX_BACKLOG);
	CU_ASSERT_EQUAL(q.st.rx_dropped, 11);
	teardown();
}

static CU_TestInfo be_net_tests[] = {
	{ "--vif specs", test_spec },
	{ "hostfwd", test_fwd },
	{ "stable MACs", test_mac },
	{ "user-mode network addresses", test_slirp_cfg },
	{ "user-mode network: DHCP offer, busy forward port", test_slirp },
	{ "user-mode network: TCP out and through a forward", test_slirp_tcp },
	{ "checksum completion", test_csum },
	{ "TX: slots, fragments, GSO extra, partial packets", test_tx },
	{ "TX: csum_blank completed", test_tx_csum },
	{ "TX: bad packets dropped and counted", test_tx_bad },
	{ "runaway indices", test_runaway },
	{ "RX: buffers, GSO, backlog, bad grants", test_rx },
	CU_TEST_INFO_NULL,
};
UNIT_SUITE(be_net, be_net_tests)

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side of a virtual NIC: where the frames of a vif go and come from
 * (docs/net.md).  A transport is one file: net_slirp.c (libslirp, user
 * mode, no privileges), net_tap.c (/dev/net/tun with a virtio-net header).
 *
 * Frames are whole Ethernet frames.  Offload metadata travels beside
 * them in struct net_offload, in the virtio-net header's terms: a
 * transport that can pass it on (TAP) does; one that cannot (slirp) gets
 * frames whose checksums were completed by the backend, GSO frames as
 * one large frame (slirp's TCP/IP takes them whole).
 *
 * Threads: send() is called from the vif's ring workers, possibly
 * several at once (multi-queue), and may not block.  Received frames are
 * handed to rx() from the transport's own thread, in bursts closed by
 * rx_flush(), so the guest hears about a burst once.
 */
#ifndef HXEN_NET_XPORT_H
#define HXEN_NET_XPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define NET_GSO_NONE	0
#define NET_GSO_TCPV4	1
#define NET_GSO_TCPV6	2

struct net_offload {
	bool csum_partial;	/* L4 checksum still to be completed */
	bool csum_valid;	/* checksums known good (skip checking) */
	uint16_t csum_start;	/* csum_partial: L4 header offset */
	uint16_t csum_offset;	/* csum_partial: field offset from start */
	uint8_t gso_type;	/* NET_GSO_* */
	uint16_t gso_size;	/* MSS of a GSO frame */
	uint16_t hdr_len;	/* GSO: L2..L4 header bytes, 0 unknown */
};

struct net_xport;

/* Called by the transport with a received frame (its thread). */
struct net_xport_sink {
	void (*rx)(void *opaque, const struct iovec *iov, int iovcnt,
		   const struct net_offload *off);
	/* end of a burst of rx() calls: publish and notify */
	void (*rx_flush)(void *opaque);
	void *opaque;
};

struct net_xport_ops {
	const char *name;		/* "user", "tap" */
	/* 0, or -errno (the frame is dropped and counted by the caller) */
	int (*send)(struct net_xport *x, const struct iovec *iov, int iovcnt,
		    const struct net_offload *off);
	/* the offloads send() takes as metadata (else completed first) */
	bool can_offload;
	/* connect a sink (NULL: frames are dropped); any thread */
	void (*attach)(struct net_xport *x, const struct net_xport_sink *s);
	/* a line for network-list: "user 10.0.2.15/24 fwd tcp:..." */
	void (*describe)(struct net_xport *x, char *buf, size_t len);
	void (*destroy)(struct net_xport *x);
};

struct net_xport {
	const struct net_xport_ops *ops;
	uint64_t rx_frames, rx_bytes, rx_dropped;	/* host → guest */
};

struct net_spec;

/*
 * Open the host side of @spec (net_slirp.c, net_tap.c): a clear error in
 * @err naming the spec when the host refuses (bridge missing, no
 * permission on /dev/net/tun, forward port busy).
 */
struct net_xport *net_slirp_open(const struct net_spec *spec, char *err,
				 size_t errlen);
struct net_xport *net_tap_open(const struct net_spec *spec, char *err,
			       size_t errlen);

#endif /* HXEN_NET_XPORT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen virtual network interface backend (vif), for Linux's
 * unmodified xen-netfront: the netif protocol [xen/include/public/io/
 * netif.h, xen-abi.md G.3] over a host transport (devices/net_xport.h).
 *
 *   be_net_spec.c  --vif SPEC, the MAC (host independent)
 *   be_net.c       the xenbus side: features, queues, connect, probe
 *   be_net_ring.c  one queue: guest TX to the transport, host frames
 *                  into the guest's RX buffers
 *   net_csum.c     completing the checksum of a csum_blank frame
 */
#ifndef HXEN_BE_NET_H
#define HXEN_BE_NET_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "devices/be_core.h"
#include "devices/be_ring.h"
#include "devices/net_xport.h"

/* ---- netif [xen/include/public/io/netif.h] ---- */

#define NETTXF_CSUM_BLANK	(1u << 0)
#define NETTXF_DATA_VALIDATED	(1u << 1)
#define NETTXF_MORE_DATA	(1u << 2)
#define NETTXF_EXTRA_INFO	(1u << 3)

#define NETRXF_DATA_VALIDATED	(1u << 0)
#define NETRXF_CSUM_BLANK	(1u << 1)
#define NETRXF_MORE_DATA	(1u << 2)
#define NETRXF_EXTRA_INFO	(1u << 3)

#define NETIF_RSP_DROPPED	(-2)
#define NETIF_RSP_ERROR		(-1)
#define NETIF_RSP_OKAY		0
#define NETIF_RSP_NULL		1	/* the response of an extra-info slot */

#define NETIF_EXTRA_TYPE_NONE	0
#define NETIF_EXTRA_TYPE_GSO	1
#define NETIF_EXTRA_TYPE_MAX	5	/* mcast add/del, hash: not offered */
#define NETIF_EXTRA_FLAG_MORE	(1u << 0)

#define NETIF_GSO_TYPE_TCPV4	1
#define NETIF_GSO_TYPE_TCPV6	2

/*
 * A packet may use at most this many data slots [netif.h
 * XEN_NETIF_NR_SLOTS_MIN: what a backend must accept; Linux's netfront
 * linearizes anything longer].
 */
#define NETIF_MAX_SLOTS		18
#define NETIF_MAX_EXTRAS	4	/* one per extra type, < TYPE_MAX */
#define NET_MAX_FRAME		65535	/* the u16 size of the first slot */
#define NET_MIN_FRAME		14	/* an Ethernet header */

/* what we offer */
#define NET_MAX_QUEUES		8
/* TX slots one wake-up takes before it lets the others run */
#define NET_TX_BATCH		256
/* frames held for the guest while it has no RX buffers posted */
#define NET_RX_BACKLOG		512

struct netif_tx_request {
	uint32_t gref;
	uint16_t offset;
	uint16_t flags;
	uint16_t id;
	uint16_t size;
};

struct netif_extra_info {
	uint8_t type;
	uint8_t flags;
	union {
		struct {
			uint16_t size;
			uint8_t type;
			uint8_t pad;
			uint16_t features;
		} gso;
		uint16_t pad[3];
	} u;
};

struct netif_tx_response {
	uint16_t id;
	int16_t status;
};

struct netif_rx_request {
	uint16_t id;
	uint16_t pad;
	uint32_t gref;
};

struct netif_rx_response {
	uint16_t id;
	uint16_t offset;
	uint16_t flags;
	int16_t status;
};

union netif_tx_entry {
	struct netif_tx_request req;
	struct netif_extra_info extra;
	struct netif_tx_response rsp;
};

union netif_rx_entry {
	struct netif_rx_request req;
	struct netif_extra_info extra;
	struct netif_rx_response rsp;
};

_Static_assert(sizeof(struct netif_tx_request) == 12, "tx request");
_Static_assert(sizeof(struct netif_extra_info) == 8, "extra info");
_Static_assert(sizeof(union netif_tx_entry) == 12, "tx entry");
_Static_assert(sizeof(union netif_rx_entry) == 8, "rx entry");

/* ---- --vif (be_net_spec.c) ---- */

enum net_kind { NET_USER, NET_TAP };

#define NET_MAX_FWDS	8

struct net_fwd {
	bool udp;
	char host_addr[64];	/* "" : any */
	uint16_t host_port;
	char guest_addr[64];	/* "" : the DHCP address */
	uint16_t guest_port;
};

struct net_spec {
	char spec[512];		/* as given, for messages */
	unsigned int index;	/* vif N: the xenstore device id */
	enum net_kind kind;
	uint8_t mac[6];
	bool mac_set;
	char bridge[64], vifname[64], script[256], ip[64];
	/* user mode */
	char net[64];		/* "10.0.2.0/24" */
	bool restrict_;
	unsigned int nr_fwds;
	struct net_fwd fwds[NET_MAX_FWDS];
	/* the host side, kept across guest reboots */
	struct net_xport *xport;
};

/* Parse "k=v,..." (keys: docs/net.md).  0 or -EINVAL, message in @err. */
int net_spec_parse(const char *s, struct net_spec *out, char *err,
		   size_t errlen);
/* "tcp:127.0.0.1:2222-:22" into @f; 0 or -EINVAL */
int net_fwd_parse(const char *s, struct net_fwd *f);
/* 00:16:3e and 3 bytes of a hash of the VM name and the vif index */
void net_mac_derive(const char *vm, unsigned int index, uint8_t mac[6]);
int net_spec_add(const char *arg, char *err, size_t errlen);
unsigned int net_specs_count(void);
struct net_spec *net_spec_get(unsigned int i);
void net_specs_reset(void);
const char *net_vm_name(void);

/* ---- checksums (net_csum.c) ---- */

/*
 * Fill in the L4 checksum of a frame the guest marked csum_blank: IPv4
 * or IPv6 (no extension headers), TCP or UDP.  Computed from scratch,
 * whatever the field held.  0, or -EINVAL for anything else.
 */
int net_csum_complete(uint8_t *frame, size_t len);
/*
 * For a transport that completes checksums itself: csum_start,
 * csum_offset and hdr_len of the frame whose first @len bytes are @hdr.
 * The checksum field keeps the guest's pseudo-header sum, as the
 * virtio-net header expects.  0 or -EINVAL.
 */
int net_l4_offsets(const uint8_t *hdr, size_t len, struct net_offload *o);
/* One's-complement sum of @len bytes, folded to 16 bits, not inverted. */
uint16_t net_csum_fold(const void *p, size_t len, uint32_t sum);

/* ---- one queue (be_net_ring.c) ---- */

struct net_dev;

struct net_stats {
	uint64_t tx_frames, tx_bytes, tx_dropped, tx_errors;
	uint64_t rx_frames, rx_bytes, rx_dropped;
};

struct net_rx_frame {
	uint16_t len;
	struct net_offload off;
	uint8_t *data;
};

struct net_queue {
	struct net_dev *nd;
	unsigned int index;
	char name[40];
	struct be_ring tx, rx;
	void *tx_mem, *rx_mem;
	uint32_t tx_ref, rx_ref;
	bool tx_held, rx_held;
	struct be_evtchn ch;
	struct be_worker w;
	bool dead;			/* faulted: no more ring work */

	/* worker only */
	uint8_t *txbuf;			/* one frame, NET_MAX_FRAME */
	struct net_stats st;		/* tx side, and rx_* under rx_lock */

	pthread_mutex_t rx_lock;	/* rx ring, backlog, rx counters */
	bool rx_open;			/* rx() may write the ring */
	bool rx_notify;			/* responses published, not kicked */
	struct net_rx_frame backlog[NET_RX_BACKLOG];
	unsigned int bl_head, bl_count;
};

struct net_dev {
	struct be_dev *dev;
	struct net_spec *spec;
	struct be_gnttab *gt;
	struct net_xport *xport;
	/* what the frontend asked for (its feature keys) */
	bool fe_sg, fe_gso4, fe_gso6, fe_csum6, fe_rx_notify;
	unsigned int nr_queues;
	struct net_queue *queues;
	/* totals of the queues of earlier connections */
	struct net_stats old;
};

int net_queue_init(struct net_queue *q);
void net_queue_fini(struct net_queue *q);
int net_queue_start(struct net_queue *q);
void net_queue_stop(struct net_queue *q);
/* One wake-up's work, without the thread (unit tests). */
void net_queue_process(struct net_queue *q);
/* A frame from the host for the guest (any thread; rx_flush after). */
void net_queue_rx(struct net_queue *q, const struct iovec *iov, int iovcnt,
		  const struct net_offload *off);
/* Publish RX responses; true if the guest is to be notified. */
bool net_queue_rx_flush(struct net_queue *q);
/* Call @fn for every vif, with the vif list locked (be_net.c) */
void net_devs_walk(void (*fn)(struct net_dev *nd, void *opaque), void *opaque);
/* Sum of the queues' counters and the earlier connections' */
void net_dev_stats(struct net_dev *nd, struct net_stats *out);

#endif /* HXEN_BE_NET_H */

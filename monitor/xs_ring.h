/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenstore_domain_interface [xen/include/public/io/xs_wire.h] and the
 * byte pumps between it and a server connection.
 */
#ifndef HXEN_XS_RING_H
#define HXEN_XS_RING_H

#include <stdint.h>

#include "xs.h"

#define XS_RING_SIZE	1024

struct xs_ring_page {
	char req[XS_RING_SIZE];		/* guest -> server */
	char rsp[XS_RING_SIZE];		/* server -> guest */
	uint32_t req_cons, req_prod;
	uint32_t rsp_cons, rsp_prod;
	uint32_t server_features;
	uint32_t connection;		/* 0 = XENSTORE_CONNECTED */
	uint32_t error;
	uint32_t evtchn_port;
};

_Static_assert(sizeof(struct xs_ring_page) == 2080, "xenstore_domain_interface");

/*
 * Move all available request bytes into @c (which processes them) and as
 * many queued reply bytes as fit into the response ring.  Returns a mask:
 * XS_RING_NOTIFY if the guest must be signalled, XS_RING_BROKEN if the
 * guest's indexes are inconsistent (the ring is then left alone).
 */
#define XS_RING_NOTIFY	1
#define XS_RING_BROKEN	2
int xs_ring_pump(struct xs_ring_page *ring, struct xs_conn *c);

#endif /* HXEN_XS_RING_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The addresses of a user-mode network (net_slirp.c), apart from
 * libslirp so that the spec's translation is unit-tested on its own.
 */
#ifndef HXEN_NET_SLIRP_H
#define HXEN_NET_SLIRP_H

#include <netinet/in.h>

#include "devices/be_net.h"

struct net_slirp_cfg {
	struct in_addr network, netmask;
	struct in_addr host;		/* .2: the gateway, the host itself */
	struct in_addr dns;		/* .3 */
	struct in_addr dhcp_start;	/* .15 */
	struct in_addr fwd_host[NET_MAX_FWDS], fwd_guest[NET_MAX_FWDS];
};

/* @s's net= and hostfwd addresses; 0 or -EINVAL with @err naming @s */
int net_slirp_config(const struct net_spec *s, struct net_slirp_cfg *c,
		     char *err, size_t errlen);

#endif /* HXEN_NET_SLIRP_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small pieces the vfb and vkbd backends share: the frontend's event
 * channel bound to a pair of eventfds, and a guest page named by its GFN
 * (xen-fbfront and xen-kbdfront's page-ref, which is no grant).
 */
#ifndef HXEN_BE_PORT_H
#define HXEN_BE_PORT_H

#include "devices/be_core.h"

struct xs;

struct be_port {
	int efd[2];		/* [0] guest notified us, [1] notify the guest */
	uint32_t port;
	bool bound;
};

/*
 * Read @dir/event-channel and bind it (docs/pv-backend.md "Event
 * channels").  0, or -EINVAL after one log line naming the device.
 */
int be_port_open(struct be_dev *d, struct xs *xs, const char *dir,
		 struct be_port *p);
void be_port_close(struct be_dev *d, struct be_port *p);

/*
 * Host address of guest frame @gfn (a whole page inside guest RAM), or
 * NULL.  Guest RAM stays mapped for the VM's life, so the pointer is
 * always safe to touch; what the guest keeps there is still its own.
 */
void *be_gfn_page(struct be_env *env, uint64_t gfn);

/* The frontend's "protocol" key: absent or x86_64-abi; else -EINVAL. */
int be_check_protocol(struct be_dev *d, struct xs *xs);

#endif /* HXEN_BE_PORT_H */

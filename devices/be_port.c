// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/be_port.h"
#include "devices/be_xenbus.h"
#include "monitor/log.h"
#include "monitor/mem.h"

int be_port_open(struct be_dev *d, struct xs *xs, const char *dir,
		 struct be_port *p)
{
	struct be_env *env = d->env;
	uint64_t port;

	p->efd[0] = p->efd[1] = -1;
	p->bound = false;
	if (be_xs_read_uint(xs, dir, "event-channel", UINT32_MAX, &port) ||
	    !port) {
		mon_warn("%s: frontend %s/event-channel missing or bad",
			 d->name, dir);
		return -EINVAL;
	}
	p->port = port;
	p->efd[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->efd[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->efd[0] < 0 || p->efd[1] < 0 ||
	    env->bind_port(env->ctx, p->port, p->efd[0], p->efd[1])) {
		mon_warn("%s: cannot bind event channel %u", d->name, p->port);
		be_port_close(d, p);
		return -EINVAL;
	}
	p->bound = true;
	return 0;
}

void be_port_close(struct be_dev *d, struct be_port *p)
{
	if (p->bound)
		d->env->unbind_port(d->env->ctx, p->port);
	p->bound = false;
	for (int i = 0; i < 2; i++) {
		if (p->efd[i] >= 0)
			close(p->efd[i]);
		p->efd[i] = -1;
	}
}

void *be_gfn_page(struct be_env *env, uint64_t gfn)
{
	if (!env->gnttab.mem || gfn > (UINT64_MAX >> 12))
		return NULL;
	/* the backends write such pages whenever they like */
	mon_mem_note_held(env->gnttab.mem, gfn << 12);
	return mon_mem_ram_ptr(env->gnttab.mem, gfn << 12, 4096);
}

int be_check_protocol(struct be_dev *d, struct xs *xs)
{
	char *proto = be_xs_read_str(xs, d->fpath, "protocol");
	int r = 0;

	if (proto && strcmp(proto, "x86_64-abi")) {
		mon_warn("%s: frontend protocol '%s' is not supported", d->name,
			 proto);
		r = -EINVAL;
	}
	free(proto);
	return r;
}

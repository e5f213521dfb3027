// SPDX-License-Identifier: GPL-2.0
/*
 * A backend's end of one guest event channel (docs/pv-backend.md "Event
 * channels"): the two eventfds the module signals and listens to, bound
 * to the port the frontend allocated.
 */
#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/be_core.h"

int be_evtchn_open(struct be_env *env, struct be_evtchn *ch, uint32_t port)
{
	ch->port = port;
	ch->bound = false;
	ch->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ch->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ch->notify_fd < 0 || ch->kick_fd < 0 ||
	    env->bind_port(env->ctx, port, ch->notify_fd, ch->kick_fd)) {
		be_evtchn_close(env, ch);
		return -EINVAL;
	}
	ch->bound = true;
	return 0;
}

void be_evtchn_close(struct be_env *env, struct be_evtchn *ch)
{
	if (ch->bound)
		env->unbind_port(env->ctx, ch->port);
	ch->bound = false;
	if (ch->notify_fd >= 0)
		close(ch->notify_fd);
	if (ch->kick_fd >= 0)
		close(ch->kick_fd);
	ch->notify_fd = ch->kick_fd = -1;
}

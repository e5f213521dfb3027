// SPDX-License-Identifier: GPL-2.0
/*
 * The backend ring thread: sleeps in poll() on the guest's notification
 * eventfd, its own wake eventfd (stop, or work queued by another thread)
 * and an optional extra fd of the backend's (console input), and calls
 * the backend's work() after every wake-up.  The backend decides what to
 * do with an event; the loop only makes sure none is lost: counts are
 * drained before work() runs, so an event arriving during work() wakes
 * the next poll().
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/be_core.h"
#include "monitor/log.h"
#include "monitor/thread.h"

void be_eventfd_drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) == sizeof(v))
		;
}

void be_eventfd_signal(int fd, const char *who)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		mon_warn("%s: eventfd write: %s", who, strerror(errno));
}

static void *worker_thread(void *arg)
{
	struct be_worker *w = arg;
	char tname[16];

	mon_thread_no_thp();
	snprintf(tname, sizeof(tname), "%s", w->name);
	pthread_setname_np(pthread_self(), tname);
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = w->notify_fd, .events = POLLIN },
			{ .fd = w->wake_fd, .events = POLLIN },
			{ .fd = w->extra_fd ? w->extra_fd(w) : -1,
			  .events = POLLIN },
		};
		bool notified = false;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			mon_err("%s: poll: %s", w->name, strerror(errno));
			break;
		}
		if (p[1].revents)
			be_eventfd_drain(w->wake_fd);
		if (!__atomic_load_n(&w->running, __ATOMIC_ACQUIRE))
			break;
		if (p[0].revents) {
			be_eventfd_drain(w->notify_fd);
			w->events++;
			notified = true;
		}
		w->work(w, notified, p[2].fd >= 0 ? p[2].revents : 0);
	}
	if (w->last)
		w->last(w);
	return NULL;
}

int be_worker_start(struct be_worker *w)
{
	int r;

	w->events = w->kicks = 0;
	w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->wake_fd < 0) {
		r = -errno;
		mon_err("%s: eventfd: %s", w->name, strerror(errno));
		return r;
	}
	w->running = true;
	r = -pthread_create(&w->thread, NULL, worker_thread, w);
	if (r < 0) {
		w->running = false;
		close(w->wake_fd);
		w->wake_fd = -1;
		mon_err("%s: cannot start its thread: %s", w->name,
			strerror(-r));
	}
	return r;
}

bool be_worker_running(struct be_worker *w)
{
	return __atomic_load_n(&w->running, __ATOMIC_ACQUIRE);
}

void be_worker_stop(struct be_worker *w)
{
	if (!be_worker_running(w))
		return;
	__atomic_store_n(&w->running, false, __ATOMIC_RELEASE);
	be_eventfd_signal(w->wake_fd, w->name);
	pthread_join(w->thread, NULL);
	close(w->wake_fd);
	w->wake_fd = -1;
}

void be_worker_wake(struct be_worker *w)
{
	be_eventfd_signal(w->wake_fd, w->name);
}

void be_worker_kick(struct be_worker *w)
{
	__atomic_fetch_add(&w->kicks, 1, __ATOMIC_RELAXED);
	be_eventfd_signal(w->kick_fd, w->name);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Backend registry and lifecycle (be_core.h).  One VM per monitor, so
 * the device list is global; it changes only in be_core_start/stop, on
 * the main thread, while no guest runs.  Faults raised by ring workers
 * are handled by the core's own thread, which may take the xenstore lock
 * (a worker may not: see be_core.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/be_core.h"
#include "devices/be_xenbus.h"
#include "monitor/log.h"
#include "monitor/thread.h"

static struct be_backend *backends;
static struct be_dev *devices, **devices_tail = &devices;
static struct be_env *core_env;

static struct {
	pthread_t thread;
	bool running;
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long raised, handled;
} fault = {
	.fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

void be_backend_register(struct be_backend *b)
{
	b->next = backends;
	backends = b;
}

struct be_dev *be_core_devices(void)
{
	return devices;
}

struct be_dev *be_dev_add(struct be_env *env, const struct be_ops *ops,
			  uint32_t devid, void *priv)
{
	struct be_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ops = ops;
	d->env = env;
	d->devid = devid;
	d->priv = priv;
	snprintf(d->name, sizeof(d->name), "%s/%u", ops->type, devid);
	snprintf(d->bpath, sizeof(d->bpath), "/local/domain/0/backend/%s/%u/%u",
		 ops->type, env->domid, devid);
	snprintf(d->fpath, sizeof(d->fpath), "/local/domain/%u/device/%s/%u",
		 env->domid, ops->type, devid);
	*devices_tail = d;
	devices_tail = &d->next;
	return d;
}

void be_dev_fault(struct be_dev *d, const char *why)
{
	int zero = 0;

	/* one log line per fault: the first reason wins */
	if (!__atomic_compare_exchange_n(&d->fault, &zero, 1, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	mon_warn("%s: %s; disconnecting the device", d->name, why);
	pthread_mutex_lock(&fault.lock);
	fault.raised++;
	pthread_mutex_unlock(&fault.lock);
	if (fault.fd >= 0)
		be_eventfd_signal(fault.fd, "backend faults");
}

static void handle_faults(void)
{
	struct xs *xs = core_env->xs_lock(core_env->ctx);
	unsigned long n = 0;

	for (struct be_dev *d = devices; d; d = d->next) {
		if (__atomic_load_n(&d->fault, __ATOMIC_ACQUIRE) != 1)
			continue;
		if (xs)
			be_xenbus_fault(d, xs);
		/* 2: handled; a reconnect clears it (be_xenbus connect) */
		__atomic_store_n(&d->fault, 2, __ATOMIC_RELEASE);
		n++;
	}
	if (xs)
		core_env->xs_unlock(core_env->ctx);
	pthread_mutex_lock(&fault.lock);
	fault.handled += n;
	pthread_cond_broadcast(&fault.cond);
	pthread_mutex_unlock(&fault.lock);
}

static void *fault_thread(void *arg)
{
	mon_thread_no_thp();
	pthread_setname_np(pthread_self(), "be-faults");
	while (__atomic_load_n(&fault.running, __ATOMIC_ACQUIRE)) {
		struct pollfd p = { .fd = fault.fd, .events = POLLIN };

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		be_eventfd_drain(fault.fd);
		handle_faults();
	}
	return NULL;
}

void be_core_sync(void)
{
	pthread_mutex_lock(&fault.lock);
	while (fault.running && fault.handled < fault.raised)
		pthread_cond_wait(&fault.cond, &fault.lock);
	pthread_mutex_unlock(&fault.lock);
}

static int fault_start(void)
{
	int r;

	fault.raised = fault.handled = 0;
	fault.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fault.fd < 0)
		return -errno;
	fault.running = true;
	r = -pthread_create(&fault.thread, NULL, fault_thread, NULL);
	if (r < 0) {
		fault.running = false;
		close(fault.fd);
		fault.fd = -1;
	}
	return r;
}

static void fault_stop(void)
{
	if (!fault.running)
		return;
	__atomic_store_n(&fault.running, false, __ATOMIC_RELEASE);
	be_eventfd_signal(fault.fd, "backend faults");
	pthread_join(fault.thread, NULL);
	pthread_mutex_lock(&fault.lock);
	pthread_cond_broadcast(&fault.cond);
	pthread_mutex_unlock(&fault.lock);
	close(fault.fd);
	fault.fd = -1;
}

int be_core_start(struct be_env *env, char *err, size_t errlen)
{
	struct xs *xs;
	int r = 0;

	core_env = env;
	for (struct be_backend *b = backends; b && !r; b = b->next)
		r = b->probe(env, err, errlen);
	if (r < 0)
		goto fail;
	if (!devices)
		return 0;
	r = fault_start();
	if (r < 0) {
		snprintf(err, errlen, "backends: cannot start a thread: %s",
			 strerror(-r));
		goto fail;
	}
	xs = env->xs_lock(env->ctx);
	if (!xs) {
		r = -ENODEV;
		snprintf(err, errlen, "PV devices need the Xen personality "
			 "(a PVH kernel or --xen)");
		goto fail;
	}
	for (struct be_dev *d = devices; d && !r; d = d->next) {
		r = be_xenbus_publish(d, xs);
		if (r < 0)
			snprintf(err, errlen, "%s: cannot publish it in "
				 "xenstore: %s", d->name, strerror(-r));
	}
	env->xs_unlock(env->ctx);
	if (r < 0)
		goto fail;
	return 0;
fail:
	be_core_stop();
	return r;
}

void be_core_stop(void)
{
	struct xs *xs = NULL;

	fault_stop();
	if (devices && core_env)
		xs = core_env->xs_lock(core_env->ctx);
	while (devices) {
		struct be_dev *d = devices;

		devices = d->next;
		if (xs)
			be_xenbus_unpublish(d, xs);
		else if (d->connected)
			d->ops->disconnect(d);
		if (d->ops->free)
			d->ops->free(d);
		free(d);
	}
	if (xs)
		core_env->xs_unlock(core_env->ctx);
	devices_tail = &devices;
	core_env = NULL;
}

void be_core_release(void)
{
	for (struct be_backend *b = backends; b; b = b->next)
		if (b->release)
			b->release();
}

/*
 * Snapshot hooks, called by the save/restore code (monitor/state_dev.c)
 * in this order: quiesce (stop taking requests, wait for those in
 * flight), save/load (the device's record), resume.
 */
int be_core_quiesce(void)
{
	for (struct be_dev *d = devices; d; d = d->next) {
		int r = d->ops->quiesce ? d->ops->quiesce(d) : 0;

		if (r < 0)
			return r;
	}
	return 0;
}

int be_core_resume(void)
{
	int ret = 0;

	for (struct be_dev *d = devices; d; d = d->next) {
		int r = d->ops->resume ? d->ops->resume(d) : 0;

		if (r < 0 && !ret)
			ret = r;
	}
	return ret;
}

int be_core_save(void *buf, size_t len, size_t *used)
{
	size_t off = 0;

	for (struct be_dev *d = devices; d; d = d->next) {
		size_t n = 0;
		int r = d->ops->save ?
			d->ops->save(d, (char *)buf + off, len - off, &n) : 0;

		if (r < 0)
			return r;
		if (n > len - off)
			return -EOVERFLOW;
		off += n;
	}
	*used = off;
	return 0;
}

int be_core_load(const void *buf, size_t len)
{
	for (struct be_dev *d = devices; d; d = d->next) {
		int r = d->ops->load ? d->ops->load(d, buf, len) : 0;

		if (r < 0)
			return r;
	}
	return 0;
}

int be_core_save_dev(struct be_dev *d, void *buf, size_t len, size_t *used)
{
	*used = 0;
	return d->ops->save ? d->ops->save(d, buf, len, used) : 0;
}

/*
 * Restore @d after the VM's xenstore was restored: take the saved xenbus
 * states over and, if the device was connected, connect it again without
 * a handshake (the frontend still sees Connected; the backend maps the
 * same rings and binds the same ports, which the restored event-channel
 * table left unbound for it).  Then the backend's load hook.
 */
int be_core_load_dev(struct be_dev *d, enum xenbus_state state,
		     enum xenbus_state fstate, bool connected,
		     const void *blob, size_t len)
{
	struct xs *xs = d->env->xs_lock(d->env->ctx);
	int r = 0;

	if (d->connected) {
		d->ops->disconnect(d);
		d->connected = false;
	}
	d->state = state;
	d->fstate = fstate;
	if (connected) {
		r = d->ops->connect(d, xs);
		if (!r) {
			d->connected = true;
			d->connects++;
		}
	}
	if (!r && d->ops->load)
		r = d->ops->load(d, blob, len);
	d->env->xs_unlock(d->env->ctx);
	return r;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PV backend framework (docs/pv-backend.md).  A backend is one small
 * file that knows its protocol; what every backend needs lives here:
 *
 *   be_core   the device registry, the per-VM environment, one worker
 *             thread per ring (be_worker), the fault path, and the
 *             quiesce/save/load/resume hooks of every device
 *   be_xenbus the xenstore directories and the XenbusState handshake
 *             (be_xenbus.h)
 *   be_grant  validated access to granted pages (be_grant.h)
 *   be_ring   io/ring.h request/response arithmetic (be_ring.h)
 *
 * Threads: xenbus callbacks run on whichever thread changed xenstore,
 * with the xenstore lock held; a worker never takes that lock (a
 * disconnect joins the worker while holding it).  A worker that must
 * change the device's state calls be_dev_fault(); the core's own thread
 * does the xenstore part.
 */
#ifndef HXEN_BE_CORE_H
#define HXEN_BE_CORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/be_grant.h"

struct xs;
struct be_dev;

/* ---- worker thread: one per ring ---- */

struct be_worker {
	/* set before be_worker_start() */
	const char *name;	/* thread name, log prefix */
	int notify_fd;		/* eventfd: the guest notified us */
	int kick_fd;		/* eventfd: write 1 to notify the guest */
	/*
	 * Called after each wake-up (guest event, be_worker_wake(), or
	 * @extra_fd readable); @notified: the guest sent an event.
	 */
	void (*work)(struct be_worker *w, bool notified, short extra_revents);
	/* optional: an fd to poll for POLLIN now, or -1 */
	int (*extra_fd)(struct be_worker *w);
	/* optional: runs on the thread once it was told to stop */
	void (*last)(struct be_worker *w);
	void *opaque;

	/* private */
	int wake_fd;
	pthread_t thread;
	bool running;
	uint64_t events, kicks;
};

int be_worker_start(struct be_worker *w);
/* Stop and join the thread (not from the worker itself). */
void be_worker_stop(struct be_worker *w);
/* Run work() again soon (any thread). */
void be_worker_wake(struct be_worker *w);
/* Notify the guest (any thread). */
void be_worker_kick(struct be_worker *w);
bool be_worker_running(struct be_worker *w);
/* Read every pending count of an eventfd (non-blocking fds). */
void be_eventfd_drain(int fd);
void be_eventfd_signal(int fd, const char *who);

/* ---- the VM the backends serve ---- */

struct be_env {
	uint16_t domid;			/* the guest's */
	struct be_gnttab gnttab;	/* the guest's v1 grant table */
	unsigned int nr_vcpus;
	/* the VM's xenstore, locked (NULL: none); the lock is recursive */
	struct xs *(*xs_lock)(void *ctx);
	void (*xs_unlock)(void *ctx);
	/*
	 * Connect guest port @port, made by the guest with
	 * EVTCHNOP_alloc_unbound(remote_dom 0), to two eventfds; undo it.
	 * 0 or -errno.
	 */
	int (*bind_port)(void *ctx, uint32_t port, int notify_fd, int kick_fd);
	void (*unbind_port)(void *ctx, uint32_t port);
	void *ctx;
};

/*
 * One event channel of a device (be_evtchn.c): eventfds bound to the
 * guest's @port.  Open: 0 or -EINVAL (nothing left open); close is
 * idempotent once initialised (fds -1).
 */
struct be_evtchn {
	uint32_t port;
	bool bound;
	int notify_fd, kick_fd;
};

int be_evtchn_open(struct be_env *env, struct be_evtchn *ch, uint32_t port);
void be_evtchn_close(struct be_env *env, struct be_evtchn *ch);

/* ---- devices ---- */

/* XenbusState [xen/include/public/io/xenbus.h] */
enum xenbus_state {
	XB_UNKNOWN = 0,
	XB_INITIALISING = 1,
	XB_INITWAIT = 2,
	XB_INITIALISED = 3,
	XB_CONNECTED = 4,
	XB_CLOSING = 5,
	XB_CLOSED = 6,
	XB_RECONFIGURING = 7,
	XB_RECONFIGURED = 8,
};

/*
 * What a backend implements.  All but connect/disconnect are optional.
 * Calls come from be_core and be_xenbus with the xenstore lock held
 * (except quiesce..resume, which hold no lock).
 */
struct be_ops {
	const char *type;	/* xenstore device type: "vbd", "console" */
	/*
	 * The state to offer once the frontend closed, for the driver's
	 * next instance: 0 means InitWait.  A rebound Linux blkfront sits
	 * in Closed and reconnects only on seeing Connected (blkback_changed
	 * runs talk_to_blkback then), so vbd asks for XB_CONNECTED; connect()
	 * then runs when the frontend reaches Initialised.
	 */
	int rearm_state;
	/* write the backend's feature keys before InitWait: 0 or -errno */
	int (*features)(struct be_dev *d, struct xs *xs);
	/*
	 * The frontend is ready (Initialised, or Connected for protocols
	 * that skip it): read its keys, map rings, bind ports, start the
	 * workers.  0 → backend Connected; < 0 → the frontend's keys are
	 * bad (logged by the backend), backend Closing.
	 */
	int (*connect)(struct be_dev *d, struct xs *xs);
	/* stop the workers, drain I/O, release rings and ports */
	void (*disconnect)(struct be_dev *d);
	/* the device goes away for good (after disconnect) */
	void (*free)(struct be_dev *d);
	/* snapshot hooks: stop taking requests / state out / in / go on */
	int (*quiesce)(struct be_dev *d);
	int (*save)(struct be_dev *d, void *buf, size_t len, size_t *used);
	int (*load)(struct be_dev *d, const void *buf, size_t len);
	int (*resume)(struct be_dev *d);
};

struct be_dev {
	const struct be_ops *ops;
	struct be_env *env;
	uint32_t devid;			/* xenstore id: 51712 for xvda */
	void *priv;			/* the backend's */
	char name[32];			/* "vbd/51712": log prefix */
	char bpath[96];			/* /local/domain/0/backend/T/D/ID */
	char fpath[96];			/* /local/domain/D/device/T/ID */
	enum xenbus_state state;	/* backend state (ours) */
	enum xenbus_state fstate;	/* last frontend state seen */
	bool connected;			/* connect() succeeded, no disconnect */
	bool watching;
	int fault;			/* set by be_dev_fault() */
	unsigned int connects;		/* times connected (reconnects) */
	struct be_dev *next;
};

/* A backend type: probe() adds the VM's devices of that type. */
struct be_backend {
	const char *name;
	int (*probe)(struct be_env *env, char *err, size_t errlen);
	/*
	 * Optional: release what outlives a guest reboot (a vif's TAP or
	 * slirp stack and its forwards), once, when the monitor ends.
	 */
	void (*release)(void);
	struct be_backend *next;
};

void be_backend_register(struct be_backend *b);
#define BE_BACKEND(b)							\
	static void __attribute__((constructor)) be_reg_##b(void)	\
	{								\
		be_backend_register(&b);				\
	}

/* Add a device (from probe()); it is published by be_core_start(). */
struct be_dev *be_dev_add(struct be_env *env, const struct be_ops *ops,
			  uint32_t devid, void *priv);
/*
 * From a worker: the guest broke the protocol beyond one request
 * (runaway ring indices).  Logs @why once; the core thread then
 * disconnects the device and moves it to Closing.  Other devices go on.
 */
void be_dev_fault(struct be_dev *d, const char *why);

/*
 * Run every backend's probe(), publish the devices in xenstore and start
 * the fault thread.  On failure nothing is left behind.
 */
int be_core_start(struct be_env *env, char *err, size_t errlen);
/* Disconnect and free every device; remove their xenstore nodes. */
void be_core_stop(void);
/* The monitor ends: every backend's release hook (after be_core_stop). */
void be_core_release(void);
/* Snapshot hooks over every device, in registration order. */
int be_core_quiesce(void);
int be_core_resume(void);
int be_core_save(void *buf, size_t len, size_t *used);
int be_core_load(const void *buf, size_t len);
/* One device (monitor/state_dev.c: one record per device). */
int be_core_save_dev(struct be_dev *d, void *buf, size_t len, size_t *used);
int be_core_load_dev(struct be_dev *d, enum xenbus_state state,
		     enum xenbus_state fstate, bool connected,
		     const void *blob, size_t len);
/* For tests and the stats line: the device list. */
struct be_dev *be_core_devices(void);
/* Wait until the fault thread handled every fault raised so far. */
void be_core_sync(void);

#endif /* HXEN_BE_CORE_H */

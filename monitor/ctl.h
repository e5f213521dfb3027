/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hxen-monitor control: the per-VM control socket (docs/protocol.md), the
 * VM console stream, --timeout, SIGTERM and the exit statuses they add.
 *
 * The rest of the monitor plugs in at these points:
 *
 *  1. main() calls mon_ctl_start() (monitor/ctl_vm.c, which fills the
 *     struct ctl_vm_ops from the VM and calls ctl_start()) once the VM is
 *     built, before the vCPUs run; ctl_stop() runs at exit (atexit()).
 *     Its signal loop hands SIGTERM/SIGINT/SIGHUP to ctl_signal(), and
 *     vCPU threads call mon_vcpu_park() at the top of their run loop.
 *  2. Console devices (the 8250 UART now, the xencons backend later) call
 *     ctl_console_output() with every byte the guest writes, and register
 *     a receiver for keyboard bytes with ctl_console_set_input().  The
 *     stream goes to attached `hxen console` clients, the --console-log
 *     file and a small history replayed on attach.
 *  3. The control thread calls back into the monitor through ctl_vm_ops
 *     (pause, resume, guest shutdown request, destroy) from its own thread.
 */
#ifndef MON_CTL_H
#define MON_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Exit statuses the control layer adds to the monitor's own (0 power-off,
 * 1 internal error/triple fault, 2 bad input, 3 hung, 4 crash, 5 reboot;
 * see docs/cli.md for the full table).
 */
#define CTL_EXIT_TIMEOUT	6	/* --timeout expired: destroyed */
#define CTL_EXIT_DESTROYED	7	/* `hxen destroy` */
#define CTL_EXIT_UNCLEAN	8	/* shutdown/SIGTERM not honoured within
					 * the grace period: destroyed */

#define CTL_PROTOCOL_VERSION	1

struct ctl_save_result {
	uint64_t bytes, pages, zero_pages, ms;
};

struct ctl_migrate_result {
	uint64_t rounds, bytes, pages, downtime_ms, total_ms;
};

struct ctl_vm_ops {
	/*
	 * Park every vCPU thread (kick them out of HXEN_RUN with HXEN_KICK
	 * and hold them) / let them run again.  0 or -errno.  NULL: the
	 * request fails with "not supported".
	 */
	int (*pause)(void *opaque);
	int (*resume)(void *opaque);
	/*
	 * Ask the guest to power off (@reboot false) or reboot, e.g. by
	 * writing control/shutdown in xenstore.  -EOPNOTSUPP when the guest
	 * has no such path: the request is then enforced only by the grace
	 * timer (destroy with CTL_EXIT_UNCLEAN).
	 */
	int (*shutdown)(void *opaque, bool reboot);
	/*
	 * Stop the VM now and make the monitor exit with @status.  May
	 * return before the VM is gone; NULL: ctl calls exit(@status).
	 */
	void (*destroy)(void *opaque, int status);
	/*
	 * `hxen mem-set`: the guest's balloon target in KiB (at most
	 * ctl_vm_info.memory).  0 or -errno (-EOPNOTSUPP: no PV path).
	 */
	int (*mem_set)(void *opaque, uint64_t kib);
	/*
	 * hxen save: write the (paused) VM's state into @file; fills @res.
	 * 0, or -errno with the reason in @err.  NULL: not supported.
	 */
	int (*save)(void *opaque, const char *file, bool checkpoint,
		    struct ctl_save_result *res, char *err, size_t errlen);
	/*
	 * hxen migrate --tcp HOST:PORT: live pre-copy to a receiver; on
	 * success the VM runs there and must stop here.  On failure it runs
	 * on here.  NULL: not supported.
	 */
	int (*migrate)(void *opaque, const char *host, const char *port,
		       struct ctl_migrate_result *res, char *err, size_t errlen);
};

/* What `status` reports; filled by ctl_start() from the config. */
struct ctl_vm_info {
	const char *name;
	uint64_t memory;		/* bytes */
	unsigned int vcpus;
};

/*
 * Start the control thread: lock the VM name, bind the socket (when
 * --ctl-socket was given), open --console-log, arm --timeout and install
 * the SIGTERM/SIGINT handler.  Returns 0 or -errno with a message in @err
 * (e.g. a VM of the same name is running: -EEXIST).
 */
int ctl_start(const struct ctl_vm_info *info, const struct ctl_vm_ops *ops,
	      void *opaque, char *err, size_t errlen);
void ctl_stop(void);

/*
 * SIGTERM/SIGINT/SIGHUP taken by the monitor's main thread: ask the guest
 * to shut down and arm the grace timer; a second signal destroys the VM.
 * Async-signal-safe.  false if ctl_start() has not run (caller decides).
 */
bool ctl_signal(int sig);

/*
 * The guest rebooted and the monitor is booting it again: a pending
 * shutdown/reboot request was obeyed (disarm the grace timer), the VM is
 * running.  Async-signal-safe, like ctl_signal().
 */
void ctl_vm_restarted(void);
/*
 * The VM stopped on its own (power-off, reboot, crash): while it is torn
 * down, neither --timeout nor the shutdown grace timer destroys it, so
 * its own exit status stands.  Async-signal-safe.
 */
void ctl_vm_stopped(void);

/*
 * The guest's PV shutdown path (xenstore control/shutdown), registered by
 * the Xen layer once the guest's xenstore exists; ctl_vm.c uses it for
 * shutdown/reboot requests.  Until then requests return -EOPNOTSUPP and
 * only the grace timer acts.
 */
void ctl_set_guest_shutdown(int (*fn)(void *opaque, bool reboot),
			    void *opaque);

/*
 * Replies for the requests other files add (CTL_COMMAND below): members
 * are added with json_set.
 */
struct json;
struct json *ctl_reply_ok(void);
struct json *ctl_reply_err(const char *fmt, const char *arg);
/* Called on the control thread after pause, resume, shutdown requests. */
void ctl_set_state_listener(void (*fn)(const char *state));

/* ---- console stream (monitor/ctl_console.c) ---- */

/* Guest -> user bytes, from any thread; never blocks on slow clients. */
void ctl_console_output(const void *buf, size_t len);

/*
 * User -> guest bytes are delivered to @fn on the control thread, so @fn
 * must not block (queue the bytes).  @kind names the console ("serial",
 * "hvc0") in status and attach replies.  One receiver per kind; the
 * active console is hvc0 when the PV console backend has registered, else
 * the UART.  A NULL @fn names the console without taking input (the UART
 * on a terminal).  ctl_console_clear_input() unregisters a kind; a NULL
 * @kind to ctl_console_set_input() unregisters all.
 */
typedef void (*ctl_console_input_fn)(void *opaque, const void *buf,
				     size_t len);
void ctl_console_set_input(const char *kind, ctl_console_input_fn fn,
			   void *opaque);
void ctl_console_clear_input(const char *kind);

/* monitor/ctl_vm.c: the monitor side */
struct mon_vm;
int mon_ctl_start(struct mon_vm *vm, char *err, size_t errlen);
void mon_vcpu_park(struct mon_vm *vm);

/* Options for the control layer; see monitor/ctl_opts.c. */
struct ctl_options {
	const char *socket;	/* --ctl-socket PATH */
	const char *console_log;	/* --console-log PATH */
	const char *log;	/* --log PATH: monitor messages */
	unsigned int timeout;	/* --timeout SECONDS, 0: none */
	unsigned int grace;	/* --shutdown-grace SECONDS */
};
extern struct ctl_options ctl_opts;

/*
 * More commands, registered from the files that answer them (CTL_COMMAND,
 * e.g. devices/be_net_ctl.c: network-list; devices/display_mon.c:
 * screenshot, display).  @fn runs on the control thread, must not block
 * for long, and returns the whole reply: {"ok": true, ...} or an error.
 */
struct ctl_command {
	const char *name;
	struct json *(*fn)(const struct json *req);
	struct ctl_command *next;
};
void ctl_register_command(struct ctl_command *c);
#define CTL_COMMAND(c)							\
	static void __attribute__((constructor)) ctl_reg_##c(void)	\
	{								\
		ctl_register_command(&c);				\
	}

/* Internal to ctl*.c */
int ctl_console_open_log(const char *path, char *err, size_t errlen);
int ctl_console_attach(int fd);		/* replays history, then streams */
void ctl_console_detach(int fd);
bool ctl_console_queued(int fd);	/* output waits: poll for POLLOUT */
void ctl_console_flush(int fd);		/* fd writable: send what waits */
void ctl_wake_poll(void);		/* the control thread polls anew */
void ctl_console_input(const void *buf, size_t len);
const char *ctl_console_kind(void);
void ctl_console_close(void);

/* The VM starts paused (hxen restore -p): `status` says so. */
void ctl_note_paused(void);

#endif /* MON_CTL_H */

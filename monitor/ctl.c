// SPDX-License-Identifier: GPL-2.0
/*
 * The per-VM control socket: a Unix stream socket, mode 0600, speaking
 * line-delimited JSON (docs/protocol.md).  One thread polls the listening
 * socket, the clients, a self-pipe written by the SIGTERM handler, and
 * the --timeout and shutdown-grace deadlines.
 *
 * The VM name is held by an flock() on "<socket>.lock" for the life of
 * the monitor: a second monitor with the same name fails to take it, and
 * a socket left by a monitor that died (SIGKILL, crash) is recognised as
 * stale because nobody holds its lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "monitor/ctl.h"
#include "tools/json.h"
#include "monitor/thread.h"

#define CTL_MAX_CLIENTS	16
#define CTL_MAX_LINE	4096
/* a wake-pipe byte that is no signal number: rebuild the poll set */
#define CTL_WAKE_POLL	0x7f

struct ctl_client {
	int fd;
	bool console;		/* attached: bytes in are console input */
	size_t len;
	char buf[CTL_MAX_LINE];
};

struct ctl_options ctl_opts = { .grace = 10 };

enum ctl_state { ST_RUNNING, ST_PAUSED, ST_SHUTTING_DOWN };

static struct {
	struct ctl_vm_info info;
	const struct ctl_vm_ops *ops;
	void *opaque;
	int listen_fd, lock_fd, wake[2];
	char *sock_path, *lock_path;
	struct ctl_client *clients[CTL_MAX_CLIENTS];
	enum ctl_state state;
	double started, deadline, grace_deadline;	/* monotonic s; 0: none */
	bool dying;
	bool vm_stopped;	/* set by the main thread: __atomic only */
	pthread_t thread;
} ctl = { .listen_fd = -1, .lock_fd = -1, .wake = { -1, -1 } };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void send_json(int fd, struct json *v)
{
	struct jbuf b = { 0 };

	json_write(&b, v, false);
	jbuf_add(&b, "\n", 1);
	send(fd, b.p, b.len, MSG_NOSIGNAL);
	jbuf_free(&b);
	json_free(v);
}

static struct json *reply_ok(void)
{
	struct json *r = json_new(JSON_OBJ);

	json_set(r, "ok", json_bool(true));
	return r;
}

static struct json *reply_err(const char *fmt, const char *arg)
{
	struct json *r = json_new(JSON_OBJ);
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	json_set(r, "ok", json_bool(false));
	json_set(r, "error", json_str(msg));
	return r;
}

/* ---- requests and state listeners other files register (ctl.h) ---- */

static void (*state_listener)(const char *state);

void ctl_set_state_listener(void (*fn)(const char *state))
{
	state_listener = fn;
}

struct json *ctl_reply_ok(void)
{
	return reply_ok();
}

struct json *ctl_reply_err(const char *fmt, const char *arg)
{
	return reply_err(fmt, arg);
}

/* Pull the plug: the socket goes first so nobody talks to a dying VM. */
static void ctl_destroy(int status)
{
	if (ctl.dying)
		return;
	ctl.dying = true;
	ctl.deadline = ctl.grace_deadline = 0;
	ctl_stop();
	if (ctl.ops && ctl.ops->destroy)
		ctl.ops->destroy(ctl.opaque, status);
	else
		exit(status);
}

static const char *const state_names[] = {
	[ST_RUNNING] = "running",
	[ST_PAUSED] = "paused",
	[ST_SHUTTING_DOWN] = "shutting-down",
};

/* This process's resident memory (guest RAM the module mapped included). */
static int64_t self_rss_kib(void)
{
	unsigned long long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%llu %llu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return (int64_t)(rss * (unsigned long long)sysconf(_SC_PAGESIZE) / 1024);
}

static struct json *cmd_status(struct ctl_client *c, const struct json *req)
{
	struct json *r = reply_ok();

	json_set(r, "name", json_str(ctl.info.name));
	json_set(r, "id", json_int(getpid()));
	json_set(r, "memory", json_int(ctl.info.memory >> 20));
	json_set(r, "rss_kib", json_int(self_rss_kib()));
	json_set(r, "vcpus", json_int(ctl.info.vcpus));
	json_set(r, "state", json_str(state_names[ctl.state]));
	json_set(r, "uptime", json_int((int64_t)(now() - ctl.started)));
	json_set(r, "console", json_str(ctl_console_kind()));
	if (ctl.deadline)
		json_set(r, "timeout_left",
			 json_int((int64_t)(ctl.deadline - now() + 0.999)));
	return r;
}

static struct json *pause_resume(bool pause)
{
	int (*fn)(void *) = ctl.ops ? (pause ? ctl.ops->pause :
				       ctl.ops->resume) : NULL;
	int r;

	if (!fn)
		return reply_err("%s is not supported by this hxen-monitor",
				 pause ? "pause" : "resume");
	if (ctl.state == ST_SHUTTING_DOWN)
		return reply_err("%s: the VM is shutting down",
				 pause ? "pause" : "resume");
	if ((ctl.state == ST_PAUSED) == pause)
		return reply_err("the VM is already %s",
				 pause ? "paused" : "running");
	r = fn(ctl.opaque);
	if (r)
		return reply_err(pause ? "pause failed: %s" :
				 "resume failed: %s", strerror(-r));
	ctl.state = pause ? ST_PAUSED : ST_RUNNING;
	if (state_listener)
		state_listener(state_names[ctl.state]);
	return reply_ok();
}

static struct json *cmd_pause(struct ctl_client *c, const struct json *req)
{
	return pause_resume(true);
}

static struct json *cmd_resume(struct ctl_client *c, const struct json *req)
{
	return pause_resume(false);
}

/* Ask the guest; the grace timer enforces it either way. */
static struct json *request_shutdown(bool reboot)
{
	struct json *r;
	int e = -EOPNOTSUPP;

	/* a paused guest cannot obey */
	if (ctl.state == ST_PAUSED && ctl.ops && ctl.ops->resume &&
	    !ctl.ops->resume(ctl.opaque))
		ctl.state = ST_RUNNING;
	if (ctl.ops && ctl.ops->shutdown)
		e = ctl.ops->shutdown(ctl.opaque, reboot);
	if (e && e != -EOPNOTSUPP)
		return reply_err("shutdown request failed: %s", strerror(-e));
	if (ctl.state != ST_SHUTTING_DOWN)
		ctl.grace_deadline = now() + ctl_opts.grace;
	ctl.state = ST_SHUTTING_DOWN;
	if (state_listener)
		state_listener(state_names[ctl.state]);
	r = reply_ok();
	json_set(r, "guest_notified", json_bool(!e));
	json_set(r, "grace", json_int(ctl_opts.grace));
	return r;
}

static struct json *cmd_shutdown(struct ctl_client *c, const struct json *req)
{
	return request_shutdown(json_get_bool(req, "reboot", false));
}

static struct json *cmd_reboot(struct ctl_client *c, const struct json *req)
{
	return request_shutdown(true);
}

static struct json *cmd_destroy(struct ctl_client *c, const struct json *req)
{
	send_json(c->fd, reply_ok());
	ctl_destroy(CTL_EXIT_DESTROYED);
	return NULL;
}

static struct json *cmd_console(struct ctl_client *c, const struct json *req)
{
	struct json *r = reply_ok();

	json_set(r, "console", json_str(ctl_console_kind()));
	send_json(c->fd, r);
	/* from here on the connection is the raw console */
	if (ctl_console_attach(c->fd)) {
		shutdown(c->fd, SHUT_RDWR);
		return NULL;
	}
	c->console = true;
	return NULL;
}

/* `hxen mem-set`: {"target_kib": N}, N at most the VM's memory. */
static struct json *cmd_mem_set(struct ctl_client *c, const struct json *req)
{
	uint64_t max = ctl.info.memory >> 10;
	char msg[160];
	int64_t kib;
	int r;

	if (!json_get_int(req, "target_kib", &kib) || kib < 16384)
		return reply_err("%s", "mem-set needs target_kib, at least 16 MiB");
	if ((uint64_t)kib > max) {
		snprintf(msg, sizeof(msg), "%lld MiB is more than this VM's maximum "
			 "of %llu MiB (its memory setting)", (long long)kib >> 10,
			 (unsigned long long)max >> 10);
		return reply_err("%s", msg);
	}
	if (!ctl.ops || !ctl.ops->mem_set)
		return reply_err("%s", "mem-set is not supported by this hxen-monitor");
	r = ctl.ops->mem_set(ctl.opaque, (uint64_t)kib);
	if (r == -EOPNOTSUPP)
		return reply_err("%s", "the guest has no xenstore to tell (not a Xen "
				 "PV guest?)");
	if (r)
		return reply_err("mem-set failed: %s", strerror(-r));
	return reply_ok();
}

/* hxen restore -p: the VM starts paused (ctl_vm.c parked the vCPUs). */
void ctl_note_paused(void)
{
	ctl.state = ST_PAUSED;
}

/*
 * hxen save [-c]: the vCPUs are parked for the copy (unless already
 * paused); without "checkpoint" the VM then ends, as with xl save.
 */
static struct json *cmd_save(struct ctl_client *c, const struct json *req)
{
	const char *file = json_get_str(req, "file");
	bool checkpoint = json_get_bool(req, "checkpoint", false);
	bool was_paused = ctl.state == ST_PAUSED;
	struct ctl_save_result st = { 0 };
	char err[400];
	struct json *r;

	if (!file || file[0] != '/')
		return reply_err("%s", "save needs an absolute \"file\"");
	if (!ctl.ops || !ctl.ops->save || !ctl.ops->pause)
		return reply_err("%s", "save is not supported by this hxen-monitor");
	if (ctl.state == ST_SHUTTING_DOWN)
		return reply_err("%s", "save: the VM is shutting down");
	if (!was_paused && ctl.ops->pause(ctl.opaque))
		return reply_err("%s", "save: the vCPUs did not stop");
	if (ctl.ops->save(ctl.opaque, file, checkpoint, &st, err, sizeof(err))) {
		if (!was_paused)
			ctl.ops->resume(ctl.opaque);
		return reply_err("save failed: %s", err);
	}
	r = reply_ok();
	json_set(r, "bytes", json_int((int64_t)st.bytes));
	json_set(r, "pages", json_int((int64_t)st.pages));
	json_set(r, "zero_pages", json_int((int64_t)st.zero_pages));
	json_set(r, "ms", json_int((int64_t)st.ms));
	if (!checkpoint) {
		send_json(c->fd, r);
		ctl_destroy(0);
		return NULL;
	}
	if (!was_paused)
		ctl.ops->resume(ctl.opaque);
	return r;
}

/* hxen migrate --tcp: the VM stops here only once it runs there. */
static struct json *cmd_migrate(struct ctl_client *c, const struct json *req)
{
	const char *host = json_get_str(req, "host");
	const char *port = json_get_str(req, "port");
	struct ctl_migrate_result m = { 0 };
	char err[400];
	struct json *r;

	if (!host || !port)
		return reply_err("%s", "migrate needs \"host\" and \"port\"");
	if (!ctl.ops || !ctl.ops->migrate)
		return reply_err("%s", "migrate is not supported by this hxen-monitor");
	if (ctl.state != ST_RUNNING)
		return reply_err("%s", "migrate: the VM must be running");
	if (ctl.ops->migrate(ctl.opaque, host, port, &m, err, sizeof(err)))
		return reply_err("migration failed, the VM runs on here: %s", err);
	r = reply_ok();
	json_set(r, "rounds", json_int((int64_t)m.rounds));
	json_set(r, "bytes", json_int((int64_t)m.bytes));
	json_set(r, "pages", json_int((int64_t)m.pages));
	json_set(r, "downtime_ms", json_int((int64_t)m.downtime_ms));
	json_set(r, "total_ms", json_int((int64_t)m.total_ms));
	send_json(c->fd, r);
	ctl_destroy(0);
	return NULL;
}

static const struct {
	const char *name;
	struct json *(*fn)(struct ctl_client *c, const struct json *req);
} commands[] = {
	{ "status", cmd_status },
	{ "pause", cmd_pause },
	{ "resume", cmd_resume },
	{ "shutdown", cmd_shutdown },
	{ "reboot", cmd_reboot },
	{ "destroy", cmd_destroy },
	{ "console", cmd_console },
	{ "mem-set", cmd_mem_set },
	{ "save", cmd_save },
	{ "migrate", cmd_migrate },
};

static struct ctl_command *ext_commands;

void ctl_register_command(struct ctl_command *c)
{
	c->next = ext_commands;
	ext_commands = c;
}

static struct json *ext_command(const char *cmd, const struct json *req)
{
	for (struct ctl_command *e = ext_commands; e; e = e->next)
		if (!strcmp(e->name, cmd))
			return e->fn(req);
	return reply_err("unknown command '%s'", cmd);
}

static void handle_line(struct ctl_client *c, char *line, size_t len)
{
	char err[128];
	struct json *req = json_parse(line, len, err, sizeof(err)), *r = NULL;
	const char *cmd = json_get_str(req, "cmd");
	int64_t ver = CTL_PROTOCOL_VERSION;

	if (!req) {
		r = reply_err("bad JSON request: %s", err);
	} else if (json_get_int(req, "protocol", &ver) &&
		   ver != CTL_PROTOCOL_VERSION) {
		snprintf(err, sizeof(err), "%d", CTL_PROTOCOL_VERSION);
		r = reply_err("unsupported protocol version (this monitor "
			      "speaks %s)", err);
	} else if (!cmd) {
		r = reply_err("%s", "request has no \"cmd\" string");
	} else {
		size_t i;

		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(cmd, commands[i].name))
				break;
		if (i == sizeof(commands) / sizeof(commands[0]))
			r = ext_command(cmd, req);
		else
			r = commands[i].fn(c, req);
	}
	if (r)
		send_json(c->fd, r);
	json_free(req);
}

static void drop_client(int i)
{
	struct ctl_client *c = ctl.clients[i];

	if (c->console)
		ctl_console_detach(c->fd);
	close(c->fd);
	free(c);
	ctl.clients[i] = NULL;
}

static void client_readable(int i)
{
	struct ctl_client *c = ctl.clients[i];
	char tmp[1024];
	ssize_t n;

	if (c->console) {
		n = recv(c->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
		if (n > 0)
			ctl_console_input(tmp, n);
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			drop_client(i);
		return;
	}
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len,
		 MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		drop_client(i);
		return;
	}
	if (n < 0)
		return;
	c->len += n;
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		size_t used;

		if (!nl)
			break;
		used = nl - c->buf + 1;
		handle_line(c, c->buf, used - 1);
		if (c->console) {	/* bytes after the request are input */
			if (c->len > used)
				ctl_console_input(c->buf + used, c->len - used);
			c->len = 0;
			return;
		}
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
	if (c->len == sizeof(c->buf)) {
		send_json(c->fd, reply_err("%s", "request line too long"));
		drop_client(i);
	}
}

static void accept_client(void)
{
	int fd = accept4(ctl.listen_fd, NULL, NULL, SOCK_CLOEXEC);
	struct json *hello;

	if (fd < 0)
		return;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (ctl.clients[i])
			continue;
		ctl.clients[i] = calloc(1, sizeof(struct ctl_client));
		if (!ctl.clients[i])
			break;
		ctl.clients[i]->fd = fd;
		hello = json_new(JSON_OBJ);
		json_set(hello, "hxen", json_str("hxen-monitor"));
		json_set(hello, "protocol", json_int(CTL_PROTOCOL_VERSION));
		json_set(hello, "name", json_str(ctl.info.name));
		send_json(fd, hello);
		return;
	}
	send_json(fd, reply_err("%s", "too many control connections"));
	close(fd);
}

static void on_signal(void)
{
	char sig;

	while (read(ctl.wake[0], &sig, 1) == 1) {
		if (sig == CTL_WAKE_POLL)
			continue;	/* the loop head rebuilds the poll set */
		if (sig == 0) {
			ctl.state = ST_RUNNING;
			ctl.grace_deadline = 0;
			continue;
		}
		/* a second signal while shutting down: stop waiting */
		if (ctl.state == ST_SHUTTING_DOWN)
			ctl_destroy(CTL_EXIT_UNCLEAN);
		else
			json_free(request_shutdown(false));
	}
}

static void *ctl_thread(void *arg)
{
	struct pollfd pfd[CTL_MAX_CLIENTS + 2];
	int idx[CTL_MAX_CLIENTS + 2];

	mon_thread_no_thp();
	for (;;) {
		int n = 0, ms = -1;
		double t = now(), next = 0;

		idx[n] = -1;
		pfd[n++] = (struct pollfd){ .fd = ctl.wake[0], .events = POLLIN };
		if (ctl.listen_fd >= 0) {
			idx[n] = -1;
			pfd[n++] = (struct pollfd){ .fd = ctl.listen_fd,
						    .events = POLLIN };
		}
		for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
			if (!ctl.clients[i])
				continue;
			idx[n] = i;
			pfd[n++] = (struct pollfd){
				.fd = ctl.clients[i]->fd,
				.events = POLLIN |
					  (ctl.clients[i]->console &&
					   ctl_console_queued(ctl.clients[i]->fd) ?
					   POLLOUT : 0),
			};
		}
		if (ctl.deadline)
			next = ctl.deadline;
		if (ctl.grace_deadline && (!next || ctl.grace_deadline < next))
			next = ctl.grace_deadline;
		if (next)
			ms = next <= t ? 0 : (int)((next - t) * 1000) + 1;
		if (poll(pfd, n, ms) < 0 && errno != EINTR)
			continue;
		t = now();
		/*
		 * A VM that already stopped on its own (it powered off as
		 * asked, say) is only being torn down, which can take a while
		 * for a big guest: its status stands, no deadline applies.
		 */
		if (__atomic_load_n(&ctl.vm_stopped, __ATOMIC_ACQUIRE))
			;
		else if (ctl.deadline && t >= ctl.deadline)
			ctl_destroy(CTL_EXIT_TIMEOUT);
		else if (ctl.grace_deadline && t >= ctl.grace_deadline)
			ctl_destroy(CTL_EXIT_UNCLEAN);
		for (int k = 0; k < n; k++) {
			if (!pfd[k].revents)
				continue;
			if (idx[k] >= 0) {
				struct ctl_client *c = ctl.clients[idx[k]];

				if (c && c->console && (pfd[k].revents & POLLOUT))
					ctl_console_flush(c->fd);
				if (c && (pfd[k].revents & ~POLLOUT))
					client_readable(idx[k]);
			} else if (pfd[k].fd == ctl.wake[0]) {
				on_signal();
			} else if (pfd[k].fd == ctl.listen_fd) {
				accept_client();
			}
		}
	}
	return NULL;
}

/* From any thread: a console client's queue waits for POLLOUT. */
void ctl_wake_poll(void)
{
	ctl_signal(CTL_WAKE_POLL);
}

/* Byte 0 on the wake pipe: the VM restarted (see ctl_vm_restarted). */
void ctl_vm_restarted(void)
{
	__atomic_store_n(&ctl.vm_stopped, false, __ATOMIC_RELEASE);
	ctl_signal(0);
}

void ctl_vm_stopped(void)
{
	__atomic_store_n(&ctl.vm_stopped, true, __ATOMIC_RELEASE);
}

bool ctl_signal(int sig)
{
	char c = (char)sig;

	if (ctl.wake[1] < 0)
		return false;
	if (write(ctl.wake[1], &c, 1) < 0) {
		/* pipe full: a shutdown is already queued */
	}
	return true;
}

/*
 * Take the name lock; retry if the file we locked was unlinked by an
 * exiting monitor in between (the lock must be on the current file).
 */
static int take_lock(char *err, size_t errlen)
{
	for (int tries = 0; tries < 5; tries++) {
		struct stat a, b;
		int fd = open(ctl.lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0) {
			snprintf(err, errlen, "cannot create '%s': %s",
				 ctl.lock_path, strerror(errno));
			return -errno;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			close(fd);
			snprintf(err, errlen, "a VM named '%s' is already "
				 "running (its control socket is %s); pick "
				 "another name", ctl.info.name, ctl.sock_path);
			return -EEXIST;
		}
		if (!fstat(fd, &a) && !stat(ctl.lock_path, &b) &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			ctl.lock_fd = fd;
			return 0;
		}
		close(fd);
	}
	snprintf(err, errlen, "cannot lock '%s': it keeps changing",
		 ctl.lock_path);
	return -EAGAIN;
}

static int bind_socket(char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, r;

	if (strlen(ctl.sock_path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s",
			 ctl.sock_path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, ctl.sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* we hold the name lock: whatever socket is there is stale */
	unlink(ctl.sock_path);
	old = umask(0077);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r || chmod(ctl.sock_path, 0600) || listen(fd, 8))
		goto fail;
	ctl.listen_fd = fd;
	return 0;
fail:
	r = -errno;
	snprintf(err, errlen, "control socket %s: %s", ctl.sock_path,
		 strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

int ctl_start(const struct ctl_vm_info *info, const struct ctl_vm_ops *ops,
	      void *opaque, char *err, size_t errlen)
{
	int r;

	ctl.info = *info;
	ctl.ops = ops;
	ctl.opaque = opaque;
	ctl.started = now();
	if (!ctl_opts.grace)
		ctl_opts.grace = 10;
	if (pipe2(ctl.wake, O_CLOEXEC | O_NONBLOCK)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -errno;
	}
	if (ctl_opts.socket) {
		ctl.sock_path = strdup(ctl_opts.socket);
		if (!ctl.sock_path ||
		    asprintf(&ctl.lock_path, "%s.lock", ctl_opts.socket) < 0) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		r = take_lock(err, errlen);
		if (r)
			return r;
		r = bind_socket(err, errlen);
		if (r)
			return r;
	}
	if (ctl_opts.console_log) {
		r = ctl_console_open_log(ctl_opts.console_log, err, errlen);
		if (r)
			return r;
	}
	if (ctl_opts.timeout)
		ctl.deadline = ctl.started + ctl_opts.timeout;
	r = pthread_create(&ctl.thread, NULL, ctl_thread, NULL);
	if (r) {
		snprintf(err, errlen, "control thread: %s", strerror(r));
		return -r;
	}
	atexit(ctl_stop);
	return 0;
}

/*
 * Called on every way out (atexit, destroy): remove the socket and the
 * lock file while still holding the lock, flush the console log.  The
 * thread is not joined: the process is ending.
 */
void ctl_stop(void)
{
	static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&once);
	if (ctl.listen_fd >= 0) {
		unlink(ctl.sock_path);
		close(ctl.listen_fd);
		ctl.listen_fd = -1;
	}
	if (ctl.lock_fd >= 0) {
		unlink(ctl.lock_path);
		close(ctl.lock_fd);
		ctl.lock_fd = -1;
	}
	ctl_console_close();
	pthread_mutex_unlock(&once);
}

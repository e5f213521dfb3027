// SPDX-License-Identifier: GPL-2.0
/*
 * Client side of the per-VM control sockets (docs/protocol.md): where
 * they live, connecting with a clear diagnosis of every failure (no such
 * VM, another user's socket, a dead monitor's stale socket, a monitor
 * that does not answer), and request/reply with timeouts so that no
 * command hangs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"

#define CLI_REPLY_TIMEOUT_MS	5000

const char *cli_runtime_dir(void)
{
	static char dir[4096];
	const char *e = getenv("HXEN_RUNTIME_DIR");

	if (dir[0])
		return dir;
	if (e && *e)
		snprintf(dir, sizeof(dir), "%s", e);
	else if (geteuid() == 0)
		snprintf(dir, sizeof(dir), "/run/hxen");
	else if ((e = getenv("XDG_RUNTIME_DIR")) && *e)
		snprintf(dir, sizeof(dir), "%s/hxen", e);
	else
		snprintf(dir, sizeof(dir), "/tmp/hxen-%u", (unsigned)geteuid());
	return dir;
}

/* The directory must be ours and private, or sockets could be spoofed. */
static int check_dir(const char *dir, struct stat *st)
{
	if (st->st_uid != geteuid()) {
		cli_err("%s belongs to uid %u, not to you (uid %u): set "
			"HXEN_RUNTIME_DIR or XDG_RUNTIME_DIR to a directory of "
			"your own", dir, (unsigned)st->st_uid,
			(unsigned)geteuid());
		return -1;
	}
	if (st->st_mode & 0022) {
		cli_err("%s is writable by other users: refusing to use it "
			"(chmod 700 it)", dir);
		return -1;
	}
	return 0;
}

int cli_runtime_dir_prepare(void)
{
	const char *dir = cli_runtime_dir();
	struct stat st;

	char parent[4096], *slash;

	/* /run/hxen as root in a minimal system may lack /run itself */
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = 0;
		mkdir(parent, 0755);
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		cli_err("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		cli_err("%s is not a directory", dir);
		return -1;
	}
	return check_dir(dir, &st);
}

char *cli_vm_path(const char *name, const char *suffix)
{
	char *p;

	if (asprintf(&p, "%s/%s%s", cli_runtime_dir(), name, suffix) < 0) {
		cli_err("out of memory");
		exit(CLI_ERR);
	}
	return p;
}

/* Nobody holds NAME.sock.lock: the monitor is gone. */
static bool lock_is_free(const char *sock)
{
	char lock[4200];
	int fd;
	bool free_ = false;

	snprintf(lock, sizeof(lock), "%s.lock", sock);
	fd = open(lock, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT;
	if (!flock(fd, LOCK_EX | LOCK_NB)) {
		free_ = true;
		unlink(lock);	/* still holding it: nobody races us */
	}
	close(fd);
	return free_;
}

bool cli_name_locked(const char *name)
{
	char *lock = cli_vm_path(name, ".sock.lock");
	int fd = open(lock, O_RDWR | O_CLOEXEC);
	bool held = false;

	free(lock);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB))
		held = errno == EWOULDBLOCK;
	else
		flock(fd, LOCK_UN);	/* only looked: the file stays */
	close(fd);
	return held;
}

static int read_line(struct cli_conn *c, int timeout_ms, struct json **out)
{
	char err[160];

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		ssize_t n;

		if (nl) {
			size_t used = nl - c->buf + 1;

			*out = json_parse(c->buf, used - 1, err, sizeof(err));
			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			if (!*out) {
				cli_err("VM '%s': bad reply from the monitor: %s",
					c->name, err);
				return -1;
			}
			return 0;
		}
		if (c->len == sizeof(c->buf)) {
			cli_err("VM '%s': reply too long", c->name);
			return -1;
		}
		n = poll(&p, 1, timeout_ms);
		if (n == 0) {
			cli_err("VM '%s': the monitor did not answer within %d s "
				"(hung? its log is %s/%s.log)", c->name,
				timeout_ms / 1000, cli_runtime_dir(), c->name);
			return -1;
		}
		if (n < 0 && errno == EINTR)
			continue;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n <= 0) {
			cli_err("VM '%s': the monitor closed the connection "
				"(the VM stopped?)", c->name);
			return -1;
		}
		c->len += n;
	}
}

int cli_connect(struct cli_conn *c, const char *name, unsigned int quiet)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *path = cli_vm_path(name, ".sock");
	struct json *hello = NULL;
	struct stat st;
	int r = -1;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (strchr(name, '/') || strlen(path) >= sizeof(sa.sun_path)) {
		cli_err("bad VM name '%s'", name);
		goto out;
	}
	if (lstat(path, &st)) {
		if (!(quiet & CLI_QUIET_MISSING))
			cli_err("no VM named '%s' (see `hxen list`)", name);
		goto out;
	}
	if (!S_ISSOCK(st.st_mode)) {
		cli_err("%s is not a socket: remove it", path);
		goto out;
	}
	/* even root: a foreign socket in our directory is not trusted */
	if (st.st_uid != geteuid()) {
		cli_err("the control socket %s belongs to uid %u, not to you: "
			"that VM is another user's", path, (unsigned)st.st_uid);
		goto out;
	}
	strcpy(sa.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		if ((e == ECONNREFUSED || e == ENOENT) && lock_is_free(path)) {
			unlink(path);
			if (!(quiet & CLI_QUIET_ERRORS))
				cli_err("VM '%s' is gone: its monitor died "
					"without cleaning up (removed the stale "
					"socket %s; its log: %s/%s.log)", name,
					path, cli_runtime_dir(), name);
		} else if (quiet & CLI_QUIET_ERRORS) {
			/* polling a monitor that is still starting */
		} else if (e == EACCES) {
			cli_err("cannot connect to %s: permission denied "
				"(another user's VM?)", path);
		} else {
			cli_err("cannot connect to VM '%s' (%s): %s", name, path,
				strerror(e));
		}
		goto out;
	}
	if (read_line(c, CLI_REPLY_TIMEOUT_MS, &hello))
		goto out;
	{
		int64_t v = 0;

		if (!json_get_int(hello, "protocol", &v) || v != 1) {
			cli_err("VM '%s': monitor speaks control protocol %lld, "
				"this hxen speaks 1 (mixed installations?)",
				name, (long long)v);
			goto out;
		}
	}
	r = 0;
out:
	json_free(hello);
	free(path);
	if (r && c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	return r;
}

struct json *cli_request(struct cli_conn *c, const char *cmd,
			 struct json *extra)
{
	return cli_request_wait(c, cmd, extra, CLI_REPLY_TIMEOUT_MS);
}

struct json *cli_request_wait(struct cli_conn *c, const char *cmd,
			      struct json *extra, int timeout_ms)
{
	struct json *req = extra ? extra : json_new(JSON_OBJ), *rep = NULL;
	struct jbuf b = { 0 };

	json_set(req, "cmd", json_str(cmd));
	json_write(&b, req, false);
	jbuf_add(&b, "\n", 1);
	json_free(req);
	if (send(c->fd, b.p, b.len, MSG_NOSIGNAL) != (ssize_t)b.len) {
		cli_err("VM '%s': cannot send the request: %s", c->name,
			strerror(errno));
		jbuf_free(&b);
		return NULL;
	}
	jbuf_free(&b);
	if (read_line(c, timeout_ms, &rep))
		return NULL;
	if (!json_get_bool(rep, "ok", false)) {
		const char *e = json_get_str(rep, "error");

		cli_err("VM '%s': %s failed: %s", c->name, cmd,
			e ? e : "(no reason given)");
		json_free(rep);
		return NULL;
	}
	return rep;
}

int cli_wait_gone(struct cli_conn *c, int secs)
{
	for (;;) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		char tmp[256];
		int n = poll(&p, 1, secs * 1000);

		if (n == 0)
			return -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (recv(c->fd, tmp, sizeof(tmp), 0) <= 0)
			return 0;
	}
}

void cli_close(struct cli_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int cli_simple(const char *name, const char *cmd, struct json *extra,
	       struct json **reply)
{
	struct cli_conn c;
	struct json *r;

	if (cli_connect(&c, name, 0)) {
		json_free(extra);
		return CLI_ERR;
	}
	r = cli_request(&c, cmd, extra);
	cli_close(&c);
	if (!r)
		return CLI_ERR;
	if (reply)
		*reply = r;
	else
		json_free(r);
	return CLI_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **cli_list_names(int *n)
{
	DIR *d = opendir(cli_runtime_dir());
	char **names = NULL;
	struct dirent *e;
	int cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len <= 5 || strcmp(e->d_name + len - 5, ".sock"))
			continue;
		if (*n == cap) {
			char **p;

			cap = cap ? cap * 2 : 16;
			p = realloc(names, cap * sizeof(*names));
			if (!p)
				break;
			names = p;
		}
		names[*n] = strndup(e->d_name, len - 5);
		if (names[*n])
			(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_str);
	return names;
}

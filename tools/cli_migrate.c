// SPDX-License-Identifier: GPL-2.0
/*
 * hxen migrate [-s SSHCMD] [--name NEW] NAME HOST   (over ssh, as xl)
 * hxen migrate --tcp HOST:PORT NAME      (the sender: asks the monitor)
 * hxen migrate-receive [--listen PORT] [--name NEW]
 *
 * Over ssh, `SSHCMD HOST hxen migrate-receive` carries the stream on its
 * standard input and output (the receiver without --listen reads the
 * stream from stdin and answers on stdout, as `xl migrate-receive` does).
 * The CLI listens on a socket in its private runtime directory (the
 * monitor connects to a path as it would to HOST:PORT), tells the monitor
 * to migrate there, and a child gives the monitor's connection to ssh as
 * its stdin and stdout.  No other user can connect to it (a loopback TCP
 * port would let any local process feed the remote receiver).
 *
 * The receiver takes one stream (docs/migration-stream.md) from one
 * connection.  It reads the head (header, CONFIG, CPUID), checks the CPU,
 * and starts a monitor with the saved command line and --incoming: the
 * monitor reads the rest itself (monitor/state_incoming.c), RAM straight
 * into its VM while the source still runs, and tells this process when
 * the vCPUs run; this answers "go" once that monitor exists and "ok" once
 * it runs, and the sender's monitor stops its VM on "ok".  Until then the
 * monitor dies with this process (PR_SET_PDEATHSIG): a connection that
 * breaks, anything refused, or this receiver killed leaves nothing behind
 * on the receiving side, and the sender's VM runs on.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "monitor/stream.h"

#define SSH_CONNECT_SECS	60	/* the monitor connects at once */

/* What a VM name may be on the remote command line (no quoting needed). */
static bool plain_name(const char *n)
{
	if (!*n || strlen(n) > 64)
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
		      (*n >= '0' && *n <= '9') || *n == '-' || *n == '_' || *n == '.'))
			return false;
	return true;
}

/*
 * The ssh leg: a socket at @path for the monitor to connect to, and a
 * child that takes that one connection and runs `SSHCMD HOST hxen
 * migrate-receive [--name NEW]` on it (stdin and stdout).  SSHCMD goes
 * through sh, as xl's -s does ("ssh -p 2222" works); HOST is passed as a
 * separate argument, never parsed by the local shell.  Returns the child,
 * or -1.
 */
static pid_t ssh_leg(const char *sshcmd, const char *host, const char *newname,
		     const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char cmd[512];
	int lfd;
	pid_t pid;

	if (cli_runtime_dir_prepare())
		return -1;
	if (strlen(path) >= sizeof(a.sun_path)) {
		cli_err("migrate: socket path %s is too long", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (void *)&a, sizeof(a)) || listen(lfd, 1)) {
		cli_err("migrate: a socket for the ssh leg at %s: %s", path, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	if ((size_t)snprintf(cmd, sizeof(cmd), "%s \"$1\" hxen migrate-receive%s%s",
			     sshcmd, newname ? " --name " : "",
			     newname ? newname : "") >= sizeof(cmd)) {
		cli_err("migrate: the ssh command is too long");
		close(lfd);
		unlink(path);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cli_err("migrate: fork: %s", strerror(errno));
		close(lfd);
		unlink(path);
		return -1;
	}
	if (!pid) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int c;

		if (poll(&p, 1, SSH_CONNECT_SECS * 1000) != 1)
			_exit(1);
		c = accept(lfd, NULL, NULL);	/* inherited by ssh */
		if (c < 0 || dup2(c, 0) < 0 || dup2(c, 1) < 0)
			_exit(1);
		if (c > 1)
			close(c);
		execl("/bin/sh", "sh", "-c", cmd, "sh", host, (char *)NULL);
		_exit(127);
	}
	close(lfd);
	return pid;
}

/* The ssh child is done once the stream is; stop it if it lingers. */
static int ssh_reap(pid_t pid, int secs)
{
	int st = 0;

	for (int i = 0; i < secs * 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		usleep(100 * 1000);
	}
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	return 128;
}

int cli_migrate(int argc, char **argv)
{
	const char *name = NULL, *tcp = NULL, *ssh_host = NULL, *newname = NULL;
	const char *sshcmd = "ssh";
	struct json *req, *r;
	struct cli_conn c;
	int64_t rounds = 0, bytes = 0, pages = 0, down = 0, total = 0;
	char host[256], port[16], *colon, *sock = NULL;
	pid_t ssh = -1;
	int rc = CLI_ERR;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tcp") && i + 1 < argc)
			tcp = argv[++i];
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			sshcmd = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			newname = argv[++i];
		else if (argv[i][0] == '-')
			return cli_usage_error("migrate", "unknown option '%s'", argv[i]);
		else if (!name)
			name = argv[i];
		else if (!ssh_host)
			ssh_host = argv[i];
		else
			return cli_usage_error("migrate", "too many arguments ('%s')", argv[i]);
	}
	if (!name || !!tcp == !!ssh_host)
		return cli_usage_error("migrate", "NAME and either HOST (over ssh) or "
				       "--tcp HOST:PORT are needed");
	if (tcp && newname)
		return cli_usage_error("migrate", "--name is for ssh; over --tcp the "
				       "receiver names the VM (migrate-receive --name)");
	if (newname && !plain_name(newname))
		return cli_usage_error("migrate", "--name '%s': letters, digits, '-', "
				       "'_' and '.' only", newname);
	if (ssh_host && ssh_host[0] == '-')
		return cli_usage_error("migrate", "bad host '%s'", ssh_host);
	if (tcp) {
		colon = strrchr(tcp, ':');
		if (!colon || colon == tcp || !colon[1] ||
		    (size_t)(colon - tcp) >= sizeof(host) ||
		    strlen(colon + 1) >= sizeof(port))
			return cli_usage_error("migrate", "--tcp wants HOST:PORT, not '%s'", tcp);
		memcpy(host, tcp, colon - tcp);
		host[colon - tcp] = 0;
		strcpy(port, colon + 1);
	}
	if (cli_connect(&c, name, 0))
		return CLI_ERR;
	if (ssh_host) {
		if (asprintf(&sock, "%s/migrate-ssh-%d.sock", cli_runtime_dir(),
			     (int)getpid()) < 0) {
			cli_close(&c);
			return CLI_ERR;
		}
		ssh = ssh_leg(sshcmd, ssh_host, newname, sock);
		if (ssh < 0)
			goto out;
		snprintf(host, sizeof(host), "%s", sock);
		strcpy(port, "0");
	}
	req = json_new(JSON_OBJ);
	json_set(req, "host", json_str(host));
	json_set(req, "port", json_str(port));
	r = cli_request_wait(&c, "migrate", req, 600 * 1000);
	if (sock)
		unlink(sock);	/* connected to by now, or never */
	if (!r) {
		/* the monitor said why; ssh's own complaint went to stderr */
		if (ssh > 0)
			ssh_reap(ssh, 10);
		goto out;
	}
	json_get_int(r, "rounds", &rounds);
	json_get_int(r, "bytes", &bytes);
	json_get_int(r, "pages", &pages);
	json_get_int(r, "downtime_ms", &down);
	json_get_int(r, "total_ms", &total);
	json_free(r);
	printf("VM '%s' migrated to %s: %lld rounds, %.1f MiB (%lld pages), "
	       "downtime %lld ms, %lld ms in all\n", name, tcp ? tcp : ssh_host,
	       (long long)rounds, bytes / 1048576.0, (long long)pages,
	       (long long)down, (long long)total);
	if (ssh > 0)
		ssh_reap(ssh, 60);
	cli_wait_gone(&c, 30);
	rc = CLI_OK;
out:
	cli_close(&c);
	free(sock);
	return rc;
}

/* ---- receiving ---- */

#define RECV_HEAD_MAX	(1U << 20)	/* CONFIG (<= 256 arguments) and CPUID */

struct recv {
	int fd, out;		/* the stream in, the verdict out */
	uint8_t *head;		/* header, CONFIG and CPUID as they arrived */
	size_t len;
	uint64_t bytes;
	bool answered;		/* the sender was told why already */
};

static int read_full(struct recv *s, void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		ssize_t k = read(s->fd, b, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= k;
		s->bytes += k;
	}
	return 0;
}

/* @n more bytes of the head from the stream. */
static int head_read(struct recv *s, size_t n)
{
	void *p;

	if (s->len + n > RECV_HEAD_MAX)
		return -1;
	p = realloc(s->head, s->len + n);
	if (!p)
		return -1;
	s->head = p;
	if (read_full(s, s->head + s->len, n))
		return -1;
	s->len += n;
	return 0;
}

static void answer(int fd, const char *msg);

/*
 * The CPUID record comes right after CONFIG: the guest's features, which
 * this host must all have.  The sender waits for "go" before it sends
 * RAM, so a refusal leaves its VM as it was.
 */
static int cpu_check(struct recv *s, const struct hxen_cpuid_features *cf,
		     char *why, size_t whylen)
{
	char names[900], msg[1300];
	int miss;

	if (!cf) {
		snprintf(why, whylen, "the stream has no CPUID record");
		return -1;
	}
	miss = cli_cpuid_check(cf, names, sizeof(names));
	if (!miss)
		return 0;
	if (miss > 0)
		snprintf(why, whylen, "destination lacks %s (the guest was shown "
			 "them): migration refused", names);
	else
		snprintf(why, whylen, "%s", names);
	snprintf(msg, sizeof(msg), "error: %s\n", why);
	answer(s->out, msg);
	s->answered = true;
	return -1;
}

/*
 * The head of the stream: header, CONFIG (the VM's command line) and
 * CPUID, checked (hxs_parse_opts HEAD) into @f.  The monitor gets these
 * bytes and reads the rest of the stream itself.
 */
static int receive_head(struct recv *s, struct hxs_file *f, char *why,
			size_t whylen)
{
	const struct hxs_parse_opts head = { .mode = HXS_PARSE_HEAD };
	const struct hxs_header *h;

	if (head_read(s, sizeof(*h)) ||
	    memcmp((h = (const void *)s->head)->magic, HXS_MAGIC, 8) ||
	    h->version != HXS_VERSION) {
		snprintf(why, whylen, "no hxen stream (or another version) arrived");
		return -1;
	}
	for (uint32_t want = HXS_CONFIG;; want = HXS_CPUID) {
		struct hxs_rec_hdr rh;
		size_t at = s->len;

		if (head_read(s, sizeof(rh))) {
			snprintf(why, whylen, "the connection broke after %llu bytes",
				 (unsigned long long)s->bytes);
			return -1;
		}
		memcpy(&rh, s->head + at, sizeof(rh));
		if (rh.type != want || rh.length > RECV_HEAD_MAX ||
		    head_read(s, (rh.length + 7) & ~7ULL)) {
			snprintf(why, whylen, "the stream does not start with its "
				 "CONFIG and CPUID records");
			return -1;
		}
		if (want == HXS_CPUID)
			break;
	}
	if (hxs_parse_opts(s->head, s->len, f, &head, why, whylen))
		return -1;
	return cpu_check(s, f->cpuid, why, whylen);
}

/*
 * A monitor that takes the rest of the stream into its VM (--incoming
 * IN,HEAD,STATUS: monitor/state_incoming.c).  Returns its pid, or -1;
 * *@status: the pipe it says "ok" on once the VM runs.
 */
static pid_t start_incoming(struct recv *s, const struct hxs_file *f,
			    const char *name, int *status, char **log)
{
	const char *vm_name;
	char spec[64], **v, *sock = NULL;
	int hfd = memfd_create("hxen-migrate-head", MFD_CLOEXEC), sp[2] = { -1, -1 };
	pid_t pid = -1;

	*log = NULL;
	if (hfd < 0 || write(hfd, s->head, s->len) != (ssize_t)s->len ||
	    lseek(hfd, 0, SEEK_SET) || pipe2(sp, O_CLOEXEC)) {
		cli_err("migrate-receive: %s", strerror(errno));
		goto out;
	}
	snprintf(spec, sizeof(spec), "%d,%d,%d", s->fd, hfd, sp[1]);
	v = cli_restore_argv(f, name, "--incoming", spec, &vm_name, &sock, false);
	if (!v) {
		cli_err("migrate-receive: out of memory");
		goto out;
	}
	/* the three go to the monitor (and only to it) */
	fcntl(s->fd, F_SETFD, 0);
	fcntl(hfd, F_SETFD, 0);
	fcntl(sp[1], F_SETFD, 0);
	pid = cli_spawn_monitor(v, vm_name, log);
	fcntl(s->fd, F_SETFD, FD_CLOEXEC);
	free(v);
	free(sock);
out:
	if (hfd >= 0)
		close(hfd);
	if (sp[1] >= 0)
		close(sp[1]);
	if (pid < 0 && sp[0] >= 0) {
		close(sp[0]);
		sp[0] = -1;
	}
	*status = sp[0];
	return pid;
}

/*
 * The monitor says "end" when the stream's END arrived and "ok" once the
 * VM runs.  The sender gives up MIGRATE_ACK_SECS (120 s) after END and
 * resumes its copy, so a monitor that has not said "ok" RECV_RUN_SECS
 * after "end" is killed: it refuses to start that late on its own
 * (IN_RUN_SECS, monitor/state_incoming.c), this covers one that hangs.
 * Before END the monitor bounds its own wait for the stream.
 */
#define RECV_RUN_SECS	75

/* Until the monitor says "ok" (0) or exits (-1, with its status). */
static int wait_running(pid_t pid, int status, int *code)
{
	char buf[16];
	size_t got = 0;
	bool ended = false;

	for (;;) {
		struct pollfd p = { .fd = status, .events = POLLIN };
		char *nl;
		ssize_t n;
		int e;

		while ((nl = memchr(buf, '\n', got))) {
			size_t l = nl - buf + 1;

			if (l == 3 && !memcmp(buf, "ok\n", 3))
				return 0;
			if (l == 4 && !memcmp(buf, "end\n", 4))
				ended = true;
			memmove(buf, nl + 1, got - l);
			got -= l;
		}
		if (got == sizeof(buf))
			break;	/* not the monitor's words */
		e = poll(&p, 1, ended ? RECV_RUN_SECS * 1000 : -1);
		if (e < 0 && errno == EINTR)
			continue;
		if (e == 0) {
			cli_err("migrate-receive: the VM was not running %d s after "
				"the stream ended; stopping its monitor (the source "
				"runs on)", RECV_RUN_SECS);
			kill(pid, SIGKILL);
			break;
		}
		n = read(status, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	*code = 128;
	if (waitpid(pid, code, 0) == pid)
		*code = WIFEXITED(*code) ? WEXITSTATUS(*code) : 128 + WTERMSIG(*code);
	return -1;
}

static void answer(int fd, const char *msg)
{
	if (write(fd, msg, strlen(msg)) < 0)
		return;	/* the sender is gone: nothing to tell */
}

/*
 * After a refusal: read what the sender still sends until it hangs up
 * (it does once it read the reason), so that closing here with unread
 * bytes does not reset the connection and lose the reason on its side.
 */
static void drain(int fd)
{
	char buf[4096];

	for (int i = 0; i < 1000; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 10 * 1000) <= 0 || read(fd, buf, sizeof(buf)) <= 0)
			return;
	}
}

/* One connection on TCP @port (all addresses), or -1. */
static int listen_accept(const char *port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	int lfd, fd, one = 1;
	long p = strtol(port, NULL, 10);

	if (p <= 0 || p > 65535) {
		cli_usage_error("migrate-receive", "bad port '%s'", port);
		return -2;
	}
	a.sin6_port = htons((uint16_t)p);
	a.sin6_addr = in6addr_any;
	lfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (void *)&a, sizeof(a)) || listen(lfd, 1)) {
		cli_err("migrate-receive: port %ld: %s", p, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	printf("waiting for a VM on port %ld\n", p);
	fflush(stdout);
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		cli_err("migrate-receive: accept: %s", strerror(errno));
	close(lfd);
	return fd;
}

/*
 * The stream on stdin, the verdict on stdout (under ssh): both move to
 * private descriptors so that nothing else printed, and no monitor this
 * starts, can write into or hold the channel; stdout becomes stderr.
 */
static int stdio_channel(int *in, int *out)
{
	int nul;

	if (isatty(0))
		return cli_usage_error("migrate-receive", "--listen PORT is needed "
				       "(or the stream on stdin, as `hxen migrate NAME "
				       "HOST` gives it over ssh)");
	*in = fcntl(0, F_DUPFD_CLOEXEC, 3);
	*out = fcntl(1, F_DUPFD_CLOEXEC, 3);
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (*in < 0 || *out < 0 || nul < 0 || dup2(nul, 0) < 0 || dup2(2, 1) < 0) {
		cli_err("migrate-receive: standard input/output: %s", strerror(errno));
		return CLI_ERR;
	}
	close(nul);
	return CLI_OK;
}

int cli_migrate_receive(int argc, char **argv)
{
	const char *name = NULL, *port = NULL;
	struct hxs_file f = { 0 };
	struct recv s = { .fd = -1, .out = -1 };
	char why[1200], *log = NULL;
	int in = -1, out = -1, rc, status = -1, code;
	pid_t pid;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--listen") && i + 1 < argc)
			port = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else
			return cli_usage_error("migrate-receive", "unknown argument '%s'",
					       argv[i]);
	}
	if (!port && (rc = stdio_channel(&in, &out)) != CLI_OK)
		return rc;
	rc = CLI_ERR;
	if (cli_runtime_dir_prepare())
		return CLI_ERR;
	/* a name taken here is refused before the sender sends anything */
	if (name && !cli_name_free(name)) {
		if (!port)
			answer(out, "error: the VM's name is taken on the receiver\n");
		return CLI_ERR;
	}
	if (port) {
		in = listen_accept(port);
		if (in < 0)
			return in == -2 ? CLI_USAGE : CLI_ERR;
		out = in;
	}
	s.fd = in;
	s.out = out;
	if (receive_head(&s, &f, why, sizeof(why))) {
		cli_err("migrate-receive: %s; nothing was started", why);
		if (!s.answered)
			answer(s.out, "error: the stream was cut or damaged\n");
		else
			drain(s.fd);
		goto out;
	}
	pid = start_incoming(&s, &f, name, &status, &log);
	if (pid < 0) {
		answer(s.out, "error: the receiver could not start a monitor for "
		       "the VM\n");
		drain(s.fd);
		goto out;
	}
	answer(s.out, "go\n");	/* RAM may come: it lands in that VM */
	if (s.fd != s.out) {
		close(s.fd);	/* the monitor reads the stream */
		s.fd = -1;
	}
	if (wait_running(pid, status, &code)) {
		cli_err("migrate-receive: the VM did not start; hxen-monitor exited "
			"with status %d.  Its log (%s):", code, log);
		cli_print_log_tail(log);
		answer(s.out, "error: the VM did not start on the receiver\n");
		goto out;
	}
	answer(s.out, "ok\n");
	printf("VM started from the migration (monitor pid %d, log %s)\n",
	       (int)pid, log);
	rc = CLI_OK;
out:
	if (status >= 0)
		close(status);
	free(log);
	hxs_file_free(&f);
	free(s.head);
	if (s.fd >= 0)
		close(s.fd);
	if (s.out != s.fd && s.out >= 0)
		close(s.out);
	return rc;
}

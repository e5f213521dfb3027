// SPDX-License-Identifier: GPL-2.0
/*
 * hxen create / hxen run: load the config, apply overrides, validate,
 * then start hxen-monitor with options translated from the effective
 * config (the table in docs/cli.md "Config keys and monitor options").
 *
 * create detaches the monitor (new session, stdin /dev/null, stdout and
 * stderr to RUNDIR/NAME.log) and returns once its control socket answers
 * -- or reports the monitor's own error and exit status if it dies first.
 * run execs the monitor: the process is the VM, its exit status the VM's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "cli.h"

#define CREATE_WAIT_SECS	30	/* slow emulated hosts: be generous */

struct argv_buf {
	char **v;
	int n, cap;
};

static void add(struct argv_buf *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->v = realloc(a->v, a->cap * sizeof(char *));
		if (!a->v) {
			cli_err("out of memory");
			exit(CLI_ERR);
		}
	}
	a->v[a->n++] = strdup(s);
	a->v[a->n] = NULL;
}

static void addf(struct argv_buf *a, const char *opt, const char *fmt,
		 long long v)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), fmt, v);
	add(a, opt);
	add(a, tmp);
}

/* The monitor binary: $HXEN_MONITOR, next to this hxen, else $PATH. */
static const char *monitor_path(void)
{
	static char path[PATH_MAX];
	const char *e = getenv("HXEN_MONITOR");
	ssize_t n;

	if (e && *e)
		return e;
	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n > 0) {
		char *slash;

		path[n] = 0;
		slash = strrchr(path, '/');
		if (slash) {
			strcpy(slash + 1, "hxen-monitor");
			if (!access(path, X_OK))
				return path;
		}
	}
	return "hxen-monitor";
}

/* Spec object -> "k=v,k=v" with target last (xl: it may hold commas). */
static void spec_string(struct jbuf *b, const struct json *o)
{
	const char *target = NULL;

	json_for_each(kv, o) {
		if (!strcmp(kv->key, "target")) {
			target = kv->s;
			continue;
		}
		if (kv->type == JSON_INT)
			jbuf_printf(b, "%s%s=%lld", b->len ? "," : "",
				    kv->key, (long long)kv->i);
		else
			jbuf_printf(b, "%s%s=%s", b->len ? "," : "",
				    kv->key, kv->s);
	}
	if (target)
		jbuf_printf(b, "%starget=%s", b->len ? "," : "", target);
}

static void add_specs(struct argv_buf *a, const struct json *tree,
		      const char *key, const char *opt)
{
	struct json *l = json_get(tree, key);

	if (!l)
		return;
	json_for_each(o, l) {
		struct jbuf b = { 0 };

		spec_string(&b, o);
		add(a, opt);
		add(a, b.p ? b.p : "");
		jbuf_free(&b);
	}
}

/*
 * The monitor checks the host side of a disk, vif or vfb only when it
 * opens it, and names the option ("--vif 'bridge=br0': ...").  Point at
 * the config item it came from, so the error has its file:line:col.
 */
static void point_at_spec(const struct json *tree, const char *file,
			  const char *log)
{
	static const char *const keys[] = { "disk", "vif", "vfb" };
	char buf[16384], *want;
	FILE *f = fopen(log, "r");
	size_t n;

	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		struct json *l = json_get(tree, keys[k]);

		if (!l)
			continue;
		json_for_each(o, l) {
			struct jbuf sp = { 0 }, b = { 0 };

			spec_string(&sp, o);
			jbuf_printf(&b, "--%s '%s'", keys[k], sp.p ? sp.p : "");
			want = b.p;
			if (want && strstr(buf, want) && o->line)
				fprintf(stderr, "%s:%d:%d: the %s item above "
					"(%s) is what failed\n", file, o->line,
					o->col, keys[k], want);
			jbuf_free(&sp);
			jbuf_free(&b);
		}
	}
}

/*
 * Effective config -> hxen-monitor argv.  @on_tty: the consoles (the
 * UART for serial="pty", and the PV console hvc0) use this process's
 * stdin/stdout (run with a terminal); otherwise they go only to the
 * console stream (control socket, --console-log).
 */
static void build_argv(struct argv_buf *a, const struct json *t, bool on_tty)
{
	const char *s;
	int64_t n;

	add(a, monitor_path());
	add(a, "--name");
	add(a, json_get_str(t, "name"));
	json_get_int(t, "memory", &n);
	{
		int64_t mx = 0, ksm = 0;

		/* Guest RAM is maxmem; memory is the balloon's boot target. */
		if (json_get_int(t, "maxmem", &mx) && mx > n) {
			addf(a, "--memory", "%lldM", mx);
			addf(a, "--target", "%lldM", n);
		} else {
			addf(a, "--memory", "%lldM", n);
		}
		if (json_get_int(t, "ksm", &ksm) && ksm)
			add(a, "--ksm");
	}
	{
		const struct json *cp = json_get(t, "cpuid");

		if (cp && cp->type == JSON_STR) {
			add(a, "--cpuid");
			add(a, cp->s);
		} else if (cp) {
			json_for_each(e, cp) {
				add(a, "--cpuid-leaf");
				add(a, e->s);
			}
		}
	}
	json_get_int(t, "vcpus", &n);
	addf(a, "--vcpus", "%lld", n);
	add(a, "--kernel");
	add(a, json_get_str(t, "kernel"));
	if ((s = json_get_str(t, "ramdisk"))) {
		add(a, "--ramdisk");
		add(a, s);
	}
	if ((s = json_get_str(t, "cmdline"))) {
		add(a, "--cmdline");
		add(a, s);
	}
	add_specs(a, t, "disk", "--disk");
	add_specs(a, t, "vif", "--vif");
	add_specs(a, t, "vfb", "--vfb");
	s = json_get_str(t, "serial");
	add(a, "--serial");
	add(a, strcmp(s, "pty") ? s : on_tty ? "stdio" : "console");
	add(a, "--console");
	add(a, on_tty ? "stdio" : "none");
	add(a, "--on-reboot");
	add(a, json_get_str(t, "on_reboot"));
	if (json_get_int(t, "timeout", &n) && n)
		addf(a, "--timeout", "%lld", n);
	if (json_get_int(t, "shutdown_grace", &n))
		addf(a, "--shutdown-grace", "%lld", n);
	if ((s = json_get_str(t, "console_log"))) {
		add(a, "--console-log");
		add(a, s);
	}
	/* on_poweroff/on_crash: only "destroy" is accepted, which is what
	 * the monitor does; nothing to pass. */
}

/* Load CFG, apply KEY=VALUE overrides, validate; NULL after a message. */
static struct json *load_config(const char *cmd, const char *file,
				char **kv, int nkv)
{
	struct cfg_src src = { .file = file };
	char err[CFG_ERR_MAX];
	struct json *t = cfg_parse_file(file, err, sizeof(err));

	if (!t) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	for (int i = 0; i < nkv; i++) {
		if (cfg_override(t, kv[i], err, sizeof(err))) {
			fprintf(stderr, "hxen %s: %s\n", cmd, err);
			json_free(t);
			return NULL;
		}
	}
	if (cfg_validate(&src, t, CFG_CHECK_FILES, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		json_free(t);
		return NULL;
	}
	return t;
}

/* Refuse early (before starting anything) if the name is taken. */
int cli_name_free(const char *name)
{
	struct cli_conn c;

	/* a monitor busy with a long request (migrate) holds it too */
	if (!cli_name_locked(name)) {
		if (cli_connect(&c, name, CLI_QUIET_MISSING))
			return 1;	/* absent, stale (now cleaned) or unusable */
		cli_close(&c);
	}
	cli_err("a VM named '%s' is already running (see `hxen list`); "
		"choose another name, e.g. `name=%s-2`", name, name);
	return 0;
}

void cli_print_log_tail(const char *log)
{
	char buf[4096];
	FILE *f = fopen(log, "r");
	size_t n;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	if (ftell(f) > (long)sizeof(buf) - 1)
		fseek(f, -(long)sizeof(buf) + 1, SEEK_END);
	else
		fseek(f, 0, SEEK_SET);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	fputs(buf, stderr);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Child: detach and become the monitor.  Never returns. */
static void exec_detached(struct argv_buf *a, const char *log)
{
	int fd;

	setsid();
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOCTTY, 0600);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	execvp(a->v[0], a->v);
	fprintf(stderr, "hxen: cannot run %s: %s (set HXEN_MONITOR?)\n",
		a->v[0], strerror(errno));
	_exit(CLI_ERR);
}

/* A fresh VM log and a detached monitor; its pid, or -1 (message). */
static pid_t spawn_detached(struct argv_buf *a, const char *log,
			    bool die_with_parent)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	pid_t parent = getpid(), pid;

	if (fd < 0) {
		cli_err("cannot create the VM log %s: %s", log, strerror(errno));
		return -1;
	}
	close(fd);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cli_err("fork: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		/* an incoming migration dies with its receiver until it runs */
		if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
					getppid() != parent))
			_exit(CLI_ERR);
		exec_detached(a, log);
	}
	return pid;
}

static int start_detached(struct argv_buf *a, const char *name, bool quiet)
{
	char *log = cli_vm_path(name, ".log");
	int status, rc = CLI_ERR;
	pid_t pid = spawn_detached(a, log, false);

	if (pid < 0)
		goto out;
	for (int ms = 0; ms < CREATE_WAIT_SECS * 1000; ms += 50) {
		struct cli_conn c;
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid && WIFEXITED(status) && !WEXITSTATUS(status)) {
			/* a guest that powers off at once: not a failure */
			if (!quiet)
				printf("VM '%s' ran and powered off already (log "
				       "%s)\n", name, log);
			rc = CLI_OK;
			goto out;
		}
		if (w == pid) {
			cli_err("VM '%s' did not start; hxen-monitor exited with "
				"status %d.  Its log (%s):", name,
				WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
				WTERMSIG(status), log);
			cli_print_log_tail(log);
			goto out;
		}
		if (!cli_connect(&c, name, CLI_QUIET_ALL)) {
			cli_close(&c);
			if (!quiet)
				printf("VM '%s' started (monitor pid %d, log %s)\n",
				       name, (int)pid, log);
			rc = CLI_OK;
			goto out;
		}
		sleep_ms(50);
	}
	cli_err("VM '%s': the monitor (pid %d) did not open its control socket "
		"within %d s; killing it.  Its log (%s):", name, (int)pid,
		CREATE_WAIT_SECS, log);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cli_print_log_tail(log);
out:
	free(log);
	return rc;
}

static void free_argv(struct argv_buf *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

pid_t cli_spawn_monitor(char *const *argv, const char *name, char **log)
{
	struct argv_buf a = { 0 };
	pid_t pid = -1;

	*log = NULL;
	if (!cli_name_free(name) || cli_runtime_dir_prepare())
		return -1;
	*log = cli_vm_path(name, ".log");
	add(&a, monitor_path());
	for (int i = 1; argv[i]; i++)
		add(&a, argv[i]);
	if (*log)
		pid = spawn_detached(&a, *log, true);
	free_argv(&a);
	return pid;
}

int cli_create(int argc, char **argv)
{
	bool dry = false, console = false, quiet = false;
	const char *file = NULL;
	struct argv_buf a = { 0 };
	char **kv = NULL;
	int nkv = 0, rc;
	struct json *t;

	kv = calloc(argc, sizeof(char *));
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "-n") || !strcmp(s, "--dry-run"))
			dry = true;
		else if (!strcmp(s, "-c") || !strcmp(s, "--console"))
			console = true;
		else if (!strcmp(s, "-q") || !strcmp(s, "--quiet"))
			quiet = true;
		else if (!strcmp(s, "-f") && i + 1 < argc && !file)
			file = argv[++i];
		else if (s[0] == '-')
			return cli_usage_error("create", "unknown option '%s'", s);
		else if (strchr(s, '='))
			kv[nkv++] = argv[i];
		else if (!file)
			file = s;
		else
			return cli_usage_error("create", "two config files: '%s' "
					       "and '%s'", file, s);
	}
	if (!file)
		return cli_usage_error("create", "no config file given");
	t = load_config("create", file, kv, nkv);
	free(kv);
	if (!t)
		return CLI_USAGE;
	if (dry) {
		char *s = json_to_string(t, true);

		puts(s);
		free(s);
		json_free(t);
		return CLI_OK;
	}
	if (cli_runtime_dir_prepare() || !cli_name_free(json_get_str(t, "name"))) {
		json_free(t);
		return CLI_ERR;
	}
	build_argv(&a, t, false);
	{
		char *sock = cli_vm_path(json_get_str(t, "name"), ".sock");

		add(&a, "--ctl-socket");
		add(&a, sock);
		free(sock);
	}
	rc = start_detached(&a, json_get_str(t, "name"), quiet || console);
	free_argv(&a);
	if (rc != CLI_OK) {
		char *log = cli_vm_path(json_get_str(t, "name"), ".log");

		point_at_spec(t, file, log);
		free(log);
	}
	if (rc == CLI_OK && console)
		rc = cli_console_attach(json_get_str(t, "name"));
	json_free(t);
	return rc;
}

int cli_run(int argc, char **argv)
{
	bool headless = false;
	struct argv_buf a = { 0 };
	const char *file = NULL;
	char **kv = calloc(argc + 2, sizeof(char *));
	char *extra[2] = { NULL, NULL };
	int nkv = 0;
	struct json *t;
	char *sock;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if ((!strcmp(s, "--timeout") || !strcmp(s, "--console-log")) &&
		    i + 1 < argc) {
			char **slot = &extra[s[2] == 't' ? 0 : 1];

			free(*slot);
			if (asprintf(slot, "%s=%s", s[2] == 't' ? "timeout" :
				     "console_log", argv[++i]) < 0)
				return CLI_ERR;
		} else if (!strcmp(s, "--headless")) {
			headless = true;
		} else if (s[0] == '-') {
			return cli_usage_error("run", "unknown option '%s'%s", s,
					       !strcmp(s, "--timeout") ||
					       !strcmp(s, "--console-log") ?
					       " (needs a value)" : "");
		} else if (strchr(s, '=')) {
			kv[nkv++] = argv[i];
		} else if (!file) {
			file = s;
		} else {
			return cli_usage_error("run", "two config files: '%s' "
					       "and '%s'", file, s);
		}
	}
	if (!file)
		return cli_usage_error("run", "no config file given");
	/* options win over KEY=VALUE, which win over the file */
	for (int i = 0; i < 2; i++)
		if (extra[i])
			kv[nkv++] = extra[i];
	t = load_config("run", file, kv, nkv);
	if (!t)
		return CLI_USAGE;
	if (cli_runtime_dir_prepare())
		return CLI_ERR;
	if (!cli_name_free(json_get_str(t, "name")))
		return CLI_USAGE;	/* as the monitor would: status 2 */
	if (!headless && json_get_str(t, "console_log") && !isatty(1))
		headless = true;
	build_argv(&a, t, !headless);
	sock = cli_vm_path(json_get_str(t, "name"), ".sock");
	add(&a, "--ctl-socket");
	add(&a, sock);
	fflush(NULL);
	execvp(a.v[0], a.v);
	cli_err("cannot run %s: %s (set HXEN_MONITOR to the hxen-monitor "
		"binary)", a.v[0], strerror(errno));
	return CLI_ERR;
}

/*
 * hxen restore (cli_state.c): start a detached monitor with @argv (a
 * saved command line; argv[0] is replaced by this installation's
 * monitor) and wait until it answers on its control socket.
 */
int cli_start_monitor(char *const *argv, const char *name, bool quiet)
{
	struct argv_buf a = { 0 };
	int rc;

	if (!cli_name_free(name) || cli_runtime_dir_prepare())
		return CLI_ERR;
	add(&a, monitor_path());
	for (int i = 1; argv[i]; i++)
		add(&a, argv[i]);
	rc = start_detached(&a, name, quiet);
	free_argv(&a);
	return rc;
}

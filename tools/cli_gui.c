// SPDX-License-Identifier: GPL-2.0
/*
 * hxen screenshot NAME FILE.png and hxen vnc NAME (xl's vncviewer): the
 * graphical console seen from the command line (docs/gui.md).  Both ask
 * the monitor over its control socket: "screenshot" writes the PNG
 * itself (the path is made absolute here), "display" tells where the VNC
 * server listens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"

static const char *name_arg(const char *cmd, int argc, char **argv,
			    int want)
{
	if (cli_want_help(cli_find(cmd), argc, argv))
		return NULL;
	if (argc != want + 1) {
		cli_usage_error(cmd, "expected %s", want == 2 ?
				"NAME FILE.png" : "NAME");
		return NULL;
	}
	return argv[1];
}

int cli_screenshot(int argc, char **argv)
{
	const char *name = name_arg("screenshot", argc, argv, 2);
	struct json *extra, *rep = NULL;
	char *path, cwd[4096];
	int64_t w = 0, h = 0;
	int rc;

	if (!name)
		return cli_want_help(cli_find("screenshot"), argc, argv) ?
		       CLI_OK : CLI_USAGE;
	if (argv[2][0] == '/') {
		path = strdup(argv[2]);
	} else {
		if (!getcwd(cwd, sizeof(cwd))) {
			cli_err("screenshot: current directory: %s",
				strerror(errno));
			return CLI_ERR;
		}
		if (asprintf(&path, "%s/%s", cwd, argv[2]) < 0)
			path = NULL;
	}
	if (!path)
		return CLI_ERR;
	extra = json_new(JSON_OBJ);
	json_set(extra, "path", json_str(path));
	rc = cli_simple(name, "screenshot", extra, &rep);
	if (rc == CLI_OK) {
		json_get_int(rep, "width", &w);
		json_get_int(rep, "height", &h);
		printf("%s: %lldx%lld\n", path, (long long)w, (long long)h);
	}
	json_free(rep);
	free(path);
	return rc;
}

/* The first of the viewers Debian ships that is on PATH, or NULL. */
static const char *find_viewer(char *buf, size_t len)
{
	static const char *const viewers[] = {
		"vncviewer", "gvncviewer", "xtightvncviewer", NULL,
	};
	const char *path = getenv("PATH");

	if (!path || (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")))
		return NULL;
	for (const char *const *v = viewers; *v; v++) {
		for (const char *p = path; *p;) {
			const char *e = strchr(p, ':');
			size_t n = e ? (size_t)(e - p) : strlen(p);

			snprintf(buf, len, "%.*s/%s", (int)n, p, *v);
			if (n && !access(buf, X_OK))
				return *v;
			p += n + (e != NULL);
		}
	}
	return NULL;
}

int cli_vnc(int argc, char **argv)
{
	const char *name = name_arg("vnc", argc, argv, 1);
	struct json *rep = NULL;
	const char *host, *viewer, *ob, *cb;
	char exe[4096], addr[300], gaddr[300];
	int64_t port;
	int rc;

	if (!name)
		return cli_want_help(cli_find("vnc"), argc, argv) ?
		       CLI_OK : CLI_USAGE;
	rc = cli_simple(name, "display", NULL, &rep);
	if (rc != CLI_OK)
		return rc;
	host = json_get_str(rep, "vnc_host");
	if (!host || !json_get_int(rep, "vnc_port", &port)) {
		cli_err("vnc: VM '%s' has no VNC server (configure vfb = "
			"['vnc=1'])", name);
		json_free(rep);
		return CLI_ERR;
	}
	/* an IPv6 address in brackets, as viewers take it: [::1]::5901 */
	ob = strchr(host, ':') ? "[" : "";
	cb = *ob ? "]" : "";
	snprintf(addr, sizeof(addr), "%s%s%s::%lld", ob, host, cb,
		 (long long)port);
	/* gvncviewer wants HOST:DISPLAY, the others take HOST::PORT too */
	if (port >= 5900 && port < 5900 + 100)
		snprintf(gaddr, sizeof(gaddr), "%s%s%s:%lld", ob, host, cb,
			 (long long)port - 5900);
	else
		snprintf(gaddr, sizeof(gaddr), "%s", addr);
	json_free(rep);
	viewer = find_viewer(exe, sizeof(exe));
	if (!viewer) {
		printf("%s\n", addr);
		return CLI_OK;
	}
	fflush(stdout);
	execl(exe, viewer, strcmp(viewer, "gvncviewer") ? addr : gaddr,
	      (char *)NULL);
	cli_err("vnc: cannot run %s: %s", exe, strerror(errno));
	printf("%s\n", addr);
	return CLI_ERR;
}

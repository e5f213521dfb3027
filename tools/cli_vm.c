// SPDX-License-Identifier: GPL-2.0
/*
 * hxen list, pause, unpause, shutdown, reboot, destroy: one control
 * request each (docs/protocol.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DESTROY_WAIT_SECS	15

/* NAME is the only positional argument; returns it or NULL (usage). */
static const char *one_name(int argc, char **argv, const char *flag,
			    bool *flag_set)
{
	const char *name = NULL;

	for (int i = 1; i < argc; i++) {
		if (flag && (!strcmp(argv[i], flag) ||
			     (!strcmp(flag, "-w") && !strcmp(argv[i], "--wait")))) {
			*flag_set = true;
		} else if (argv[i][0] == '-' || name) {
			cli_usage_error(argv[0], "unexpected argument '%s'",
					argv[i]);
			return NULL;
		} else {
			name = argv[i];
		}
	}
	if (!name)
		cli_usage_error(argv[0], "which VM? (a NAME from `hxen list`)");
	return name;
}

static void print_row(const struct json *st)
{
	int64_t id = 0, mem = 0, vcpus = 0, up = 0, rss = 0;

	json_get_int(st, "id", &id);
	json_get_int(st, "memory", &mem);
	json_get_int(st, "vcpus", &vcpus);
	json_get_int(st, "uptime", &up);
	json_get_int(st, "rss_kib", &rss);
	printf("%-24s %7lld %6lld %5lld  %-13s %8lld %7lld\n",
	       json_get_str(st, "name") ? json_get_str(st, "name") : "?",
	       (long long)id, (long long)mem, (long long)vcpus,
	       json_get_str(st, "state") ? json_get_str(st, "state") : "?",
	       (long long)up, (long long)(rss >> 10));
}

int cli_list(int argc, char **argv)
{
	bool json = false, named = false;
	struct json *all = json_new(JSON_ARR);
	char **names;
	int n = 0, rc = CLI_OK;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json = true;
		else if (argv[i][0] == '-')
			return cli_usage_error("list", "unknown option '%s'",
					       argv[i]);
		else
			named = true;
	}
	if (named) {
		names = calloc(argc, sizeof(char *));
		for (int i = 1; i < argc; i++)
			if (argv[i][0] != '-')
				names[n++] = strdup(argv[i]);
	} else {
		names = cli_list_names(&n);
	}
	for (int i = 0; i < n; i++) {
		struct cli_conn c;
		struct json *st;

		/* a VM that vanished while listing is not an error */
		if (cli_connect(&c, names[i], named ? 0 : CLI_QUIET_MISSING)) {
			if (named)
				rc = CLI_ERR;
		} else {
			st = cli_request(&c, "status", NULL);
			cli_close(&c);
			if (st) {
				json_del(st, "ok");
				json_push(all, st);
			} else {
				rc = CLI_ERR;
			}
		}
		free(names[i]);
	}
	free(names);
	if (json) {
		char *s = json_to_string(all, true);

		puts(s);
		free(s);
	} else {
		printf("%-24s %7s %6s %5s  %-13s %8s %7s\n", "Name", "ID", "Mem",
		       "VCPUs", "State", "Time(s)", "RSS");
		json_for_each(st, all)
			print_row(st);
	}
	json_free(all);
	return rc;
}

int cli_pause(int argc, char **argv)
{
	const char *name = one_name(argc, argv, NULL, NULL);

	return name ? cli_simple(name, "pause", NULL, NULL) : CLI_USAGE;
}

int cli_unpause(int argc, char **argv)
{
	const char *name = one_name(argc, argv, NULL, NULL);

	return name ? cli_simple(name, "resume", NULL, NULL) : CLI_USAGE;
}

static int ask_guest(int argc, char **argv, bool reboot)
{
	bool wait = false;
	const char *name = one_name(argc, argv, reboot ? NULL : "-w", &wait);
	struct cli_conn c;
	struct json *r;
	int64_t grace = 0;
	bool told;

	if (!name)
		return CLI_USAGE;
	if (cli_connect(&c, name, 0))
		return CLI_ERR;
	r = cli_request(&c, reboot ? "reboot" : "shutdown", NULL);
	if (!r) {
		cli_close(&c);
		return CLI_ERR;
	}
	json_get_int(r, "grace", &grace);
	told = json_get_bool(r, "guest_notified", false);
	json_free(r);
	if (!told)
		fprintf(stderr, "hxen: VM '%s': the guest has no PV shutdown "
			"path; it will be destroyed in %lld s unless it stops "
			"by itself\n", name, (long long)grace);
	if (wait && cli_wait_gone(&c, (int)grace + DESTROY_WAIT_SECS)) {
		cli_err("VM '%s' still runs %lld s after the shutdown request",
			name, (long long)grace + DESTROY_WAIT_SECS);
		cli_close(&c);
		return CLI_ERR;
	}
	cli_close(&c);
	return CLI_OK;
}

int cli_shutdown(int argc, char **argv)
{
	return ask_guest(argc, argv, false);
}

int cli_reboot(int argc, char **argv)
{
	return ask_guest(argc, argv, true);
}

int cli_destroy(int argc, char **argv)
{
	const char *name = one_name(argc, argv, NULL, NULL);
	struct cli_conn c;
	struct json *r;

	if (!name)
		return CLI_USAGE;
	if (cli_connect(&c, name, 0))
		return CLI_ERR;
	r = cli_request(&c, "destroy", NULL);
	if (!r) {
		cli_close(&c);
		return CLI_ERR;
	}
	json_free(r);
	if (cli_wait_gone(&c, DESTROY_WAIT_SECS)) {
		cli_err("VM '%s': monitor still alive %d s after destroy",
			name, DESTROY_WAIT_SECS);
		cli_close(&c);
		return CLI_ERR;
	}
	cli_close(&c);
	return CLI_OK;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * hxen save [-c] NAME FILE and hxen restore FILE [--name NEW], with xl's
 * names and behaviour: save stops the VM after writing its state (-c:
 * a checkpoint, the VM goes on), restore starts it again where it was.
 * restore checks all of the file but the RAM data (monitor/stream.c)
 * before it starts anything, so a damaged or foreign file is mostly
 * refused here with the record and the reason; the monitor checks all of
 * it, RAM data included, in the one pass that loads it, before it creates
 * the VM.  The stream carries the monitor's command line (CONFIG record).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hxen/libhxen.h"
#include "monitor/cpuid_level.h"
#include "monitor/stream.h"

#define SAVE_WAIT_SECS	30

/* FILE as an absolute path (the monitor has another working directory). */
static char *absolute(const char *file)
{
	char cwd[PATH_MAX], *p;

	if (file[0] == '/')
		return strdup(file);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (asprintf(&p, "%s/%s", cwd, file) < 0)
		return NULL;
	return p;
}

int cli_save(int argc, char **argv)
{
	const char *name = NULL, *file = NULL;
	bool checkpoint = false;
	struct json *req, *r;
	struct cli_conn c;
	int64_t bytes = 0, pages = 0, zero = 0, ms = 0;
	char *abs;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c"))
			checkpoint = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("save", "unknown option '%s'", argv[i]);
		else if (!name)
			name = argv[i];
		else if (!file)
			file = argv[i];
		else
			return cli_usage_error("save", "too many arguments");
	}
	if (!name || !file)
		return cli_usage_error("save", "NAME and FILE are needed");
	abs = absolute(file);
	if (!abs) {
		cli_err("save: %s: %s", file, strerror(errno));
		return CLI_ERR;
	}
	if (cli_connect(&c, name, 0)) {
		free(abs);
		return CLI_ERR;
	}
	req = json_new(JSON_OBJ);
	json_set(req, "file", json_str(abs));
	json_set(req, "checkpoint", json_bool(checkpoint));
	r = cli_request_wait(&c, "save", req, 600 * 1000);
	if (!r) {
		cli_close(&c);
		free(abs);
		return CLI_ERR;
	}
	json_get_int(r, "bytes", &bytes);
	json_get_int(r, "pages", &pages);
	json_get_int(r, "zero_pages", &zero);
	json_get_int(r, "ms", &ms);
	json_free(r);
	printf("VM '%s' saved to %s: %.1f MiB, %lld of %lld pages zero, "
	       "stopped for %lld ms%s\n", name, abs, bytes / 1048576.0,
	       (long long)zero, (long long)pages, (long long)ms,
	       checkpoint ? " (checkpoint: it goes on)" : "");
	free(abs);
	if (!checkpoint && cli_wait_gone(&c, SAVE_WAIT_SECS)) {
		cli_err("VM '%s': monitor still alive %d s after the save",
			name, SAVE_WAIT_SECS);
		cli_close(&c);
		return CLI_ERR;
	}
	cli_close(&c);
	return CLI_OK;
}

char **cli_restore_argv(const struct hxs_file *f, const char *name,
			const char *opt, const char *val, const char **vm_name,
			char **sock, bool paused)
{
	unsigned int n = f->cfg->argc;
	char **v = calloc(n + 8, sizeof(char *));
	unsigned int k = 0;

	if (!v)
		return NULL;
	*vm_name = NULL;
	for (unsigned int i = 0; i < n; i++) {
		const char *a = f->argv[i];

		v[k++] = (char *)a;
		if (i + 1 >= n)
			continue;
		/* detached now, whatever it was: consoles to the stream */
		if (!strcmp(a, "--name")) {
			*vm_name = name ? name : f->argv[i + 1];
			v[k++] = (char *)*vm_name;
			i++;
		} else if (!strcmp(a, "--ctl-socket")) {
			/* set below, once the name is known */
			k--;
			i++;
		} else if (!strcmp(a, "--console")) {
			v[k++] = "none";
			i++;
		} else if (!strcmp(a, "--serial") &&
			   !strcmp(f->argv[i + 1], "stdio")) {
			v[k++] = "console";
			i++;
		}
	}
	if (!*vm_name) {
		*vm_name = name ? name : "hxen";
		v[k++] = "--name";
		v[k++] = (char *)*vm_name;
	}
	*sock = cli_vm_path(*vm_name, ".sock");
	if (!*sock) {
		free(v);
		return NULL;
	}
	v[k++] = "--ctl-socket";
	v[k++] = *sock;
	if (paused)
		v[k++] = "--paused";
	v[k++] = (char *)opt;
	v[k++] = (char *)val;
	v[k] = NULL;
	return v;
}

int cli_cpuid_check(const struct hxen_cpuid_features *want, char *names,
		    size_t len)
{
	struct hxen_cpuid_features have;
	struct hxen hx;
	int r;

	if (hxen_open(&hx, NULL) < 0)
		return 0;	/* the monitor reports the missing module */
	r = hxen_get_supported_cpuid(&hx, &have);
	hxen_close(&hx);
	if (r < 0)
		return 0;
	if (cpuid_level_test_hide(&have, names, len))
		return -1;
	return cpuid_level_missing(want, &have, names, len);
}

/*
 * Check FILE and start the VM it holds.  A light look here (all but the
 * RAM data, which is most of the file): the monitor checks everything,
 * RAM data included, in the one pass that loads it, before it creates
 * the VM.
 */
int cli_restore_file(const char *file, const char *name, bool paused)
{
	const struct hxs_parse_opts light = { .mode = HXS_PARSE_LIGHT };
	const char *vm_name;
	char err[400];
	struct hxs_file f;
	char **v, *abs, *sock = NULL;
	void *buf;
	size_t len;
	int rc;

	if (hxs_map_file(file, false, &buf, &len, err, sizeof(err))) {
		cli_err("restore: %s", err);
		return CLI_ERR;
	}
	if (hxs_parse_opts(buf, len, &f, &light, err, sizeof(err))) {
		if (hxs_map_shrank(buf))
			snprintf(err, sizeof(err), "it was cut short while "
				 "being read");
		cli_err("restore: %s is refused: %s", file, err);
		hxs_unmap_file(buf, len);
		return CLI_ERR;
	}
	if (f.cpuid) {
		char names[1024];
		int miss = cli_cpuid_check(f.cpuid, names, sizeof(names));

		if (miss) {
			if (miss > 0)
				cli_err("restore: %s: destination lacks %s (the "
					"guest was shown them when it was saved): "
					"restore refused", file, names);
			else
				cli_err("restore: %s", names);
			hxs_file_free(&f);
			hxs_unmap_file(buf, len);
			return CLI_ERR;
		}
	}
	abs = absolute(file);
	v = abs ? cli_restore_argv(&f, name, "--restore", abs, &vm_name, &sock,
				   paused) : NULL;
	if (!v) {
		cli_err("restore: out of memory");
		rc = CLI_ERR;
	} else if (!cli_name_free(vm_name)) {
		rc = CLI_ERR;	/* before a monitor starts and finds it taken */
	} else {
		rc = cli_start_monitor(v, vm_name, false);
	}
	free(v);
	free(sock);
	free(abs);
	hxs_file_free(&f);
	hxs_unmap_file(buf, len);
	return rc;
}

int cli_restore(int argc, char **argv)
{
	const char *file = NULL, *name = NULL;
	bool paused = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strncmp(argv[i], "--name=", 7))
			name = argv[i] + 7;
		else if (!strcmp(argv[i], "-p"))
			paused = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("restore", "unknown option '%s'",
					       argv[i]);
		else if (!file)
			file = argv[i];
		else
			return cli_usage_error("restore", "too many arguments");
	}
	if (!file)
		return cli_usage_error("restore", "FILE is needed");
	if (name && !*name)
		return cli_usage_error("restore", "--name needs a name");
	return cli_restore_file(file, name, paused);
}

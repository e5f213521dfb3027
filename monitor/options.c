// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-monitor command line: a table of options (below) plus the tables
 * other files register with MON_OPTIONS().  Accepts "--opt VALUE",
 * "--opt=VALUE" and "-o VALUE".  No global state besides the registered
 * tables, so the parser is unit-tested (tests/unit/test_monopts.c).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "devices/disk.h"
#include "hxen/libhxen.h"
#include "monitor/config.h"
#include "monitor/log.h"

#define opt_err(err, errlen, ...) mon_seterr(-EINVAL, err, errlen, __VA_ARGS__)

/* The disk layer's size syntax, except that a bare number is MiB. */
int mon_parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	int r = disk_parse_size(s, &v);

	if (r)
		return r;
	if (isdigit((unsigned char)s[strlen(s) - 1])) {
		if (v > (UINT64_MAX >> 20))
			return -ERANGE;
		v <<= 20;
	}
	*out = v;
	return 0;
}

static int set_memory(struct mon_config *cfg, const char *arg, char *err,
		      size_t errlen)
{
	int r = mon_parse_size(arg, &cfg->memory);

	if (r == -ERANGE)
		return opt_err(err, errlen, "impossible memory size '%s': too "
			       "large", arg);
	if (r < 0)
		return opt_err(err, errlen, "bad memory size '%s': use a number "
			       "with an optional K, M or G suffix (e.g. 256M)",
			       arg);
	return 0;
}

static int set_kernel(struct mon_config *cfg, const char *arg, char *err,
		      size_t errlen)
{
	if (!*arg)
		return opt_err(err, errlen, "--kernel needs a file name");
	cfg->kernel = arg;
	return 0;
}

static int set_flat(struct mon_config *cfg, const char *arg, char *err,
		    size_t errlen)
{
	cfg->flat = true;
	return 0;
}

static int set_serial(struct mon_config *cfg, const char *arg, char *err,
		      size_t errlen)
{
	if (!strcmp(arg, "stdio")) {
		cfg->serial = MON_SERIAL_STDIO;
	} else if (!strcmp(arg, "console")) {
		cfg->serial = MON_SERIAL_CONSOLE;
	} else if (!strcmp(arg, "none")) {
		cfg->serial = MON_SERIAL_NONE;
	} else if (!strncmp(arg, "file:", 5) && arg[5]) {
		cfg->serial = MON_SERIAL_FILE;
		cfg->serial_path = arg + 5;
	} else {
		return opt_err(err, errlen, "bad --serial '%s': use stdio, "
			       "console, file:PATH or none", arg);
	}
	return 0;
}

static int set_vcpus(struct mon_config *cfg, const char *arg, char *err,
		     size_t errlen)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !isdigit((unsigned char)*arg) ||
	    v < 1 || v > MON_MAX_VCPUS)
		return opt_err(err, errlen, "bad --vcpus '%s': use 1..%d", arg,
			       MON_MAX_VCPUS);
	cfg->vcpus = v;
	return 0;
}

static int set_name(struct mon_config *cfg, const char *arg, char *err,
		    size_t errlen)
{
	size_t n = strlen(arg);

	if (!n || n > 64)
		return opt_err(err, errlen, "bad --name: 1..64 characters");
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)arg[i]) && !strchr("-_.", arg[i]))
			return opt_err(err, errlen, "bad --name '%s': use "
				       "letters, digits, '-', '_' and '.'",
				       arg);
	cfg->name = arg;
	return 0;
}

static int set_verbose(struct mon_config *cfg, const char *arg, char *err,
		       size_t errlen)
{
	cfg->verbose = true;
	return 0;
}

static int set_device(struct mon_config *cfg, const char *arg, char *err,
		      size_t errlen)
{
	cfg->device = arg;
	return 0;
}

static int show_help(struct mon_config *cfg, const char *arg, char *err,
		     size_t errlen)
{
	mon_options_usage(stdout, cfg->prog);
	return MON_OPT_DONE;
}

static int show_version(struct mon_config *cfg, const char *arg, char *err,
			size_t errlen)
{
	printf("hxen-monitor %s\n", hxen_lib_version());
	return MON_OPT_DONE;
}

/*
 * The monitor's own options.  Add yours here (one line each) or, from
 * your own file, with MON_OPTIONS(id, table).
 */
static const struct mon_option base_options[] = {
	{ "memory", 'm', "SIZE", "guest RAM, K/M/G suffix (default 64M; "
	  "bare number = MiB)", set_memory },
	{ "kernel", 'k', "FILE", "guest image: ELF32/ELF64 (PVH note or "
	  "e_entry)", set_kernel },
	{ "flat", 0, NULL, "FILE is a flat binary loaded and entered at "
	  "0x100000", set_flat },
	{ "serial", 0, "stdio|console|file:PATH|none", "COM1 (16550A at 0x3f8) "
	  "backend (default stdio)", set_serial },
	{ "vcpus", 'c', "N", "number of vCPUs (default 1)", set_vcpus },
	{ "name", 'n', "NAME", "VM name for messages (default hxen)",
	  set_name },
	{ "verbose", 'v', NULL, "log exits to unclaimed ports/MMIO and more",
	  set_verbose },
	{ "device", 0, "PATH", "hxen device node (default " HXEN_DEVICE ")",
	  set_device },
	{ "help", 'h', NULL, "show this help and exit", show_help },
	{ "version", 'V', NULL, "show the version and exit", show_version },
};

static struct mon_option_set base_set = {
	.opts = base_options,
	.n = sizeof(base_options) / sizeof(base_options[0]),
};
static struct mon_option_set *extra_sets;

void mon_options_register(struct mon_option_set *set)
{
	struct mon_option_set **p = &extra_sets;

	while (*p)
		p = &(*p)->next;
	set->next = NULL;
	*p = set;
}

#define for_each_option(o, set)						\
	for (struct mon_option_set *set = &base_set; set;		\
	     set = set == &base_set ? extra_sets : set->next)		\
		for (const struct mon_option *o = set->opts;		\
		     o < set->opts + set->n; o++)

static const struct mon_option *find_long(const char *name, size_t len)
{
	for_each_option(o, set)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static const struct mon_option *find_short(char c)
{
	for_each_option(o, set)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

void mon_options_usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [OPTION...] --kernel FILE\n"
		"Run one hxen virtual machine.\n\n", prog ? prog : "hxen-monitor");
	for_each_option(o, set) {
		char lhs[64];
		int n = 0;

		if (o->short_name)
			n = snprintf(lhs, sizeof(lhs), "-%c, ", o->short_name);
		snprintf(lhs + n, sizeof(lhs) - n, "--%s%s%s", o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-32s %s\n", lhs, o->help);
	}
	fprintf(f, "\nExit status: 0 power-off (or the test device's value), "
		"1 internal error or\ntriple fault, 2 bad input or setup, "
		"3 hung guest (HLT with interrupts off),\n4 guest crash, "
		"5 guest asked for a reboot, 6 --timeout, 7 destroyed,\n"
		"8 shutdown/SIGTERM not honoured.  See docs/monitor.md.\n");
}

void mon_config_defaults(struct mon_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->prog = "hxen-monitor";
	cfg->name = "hxen";
	cfg->memory = MON_DEFAULT_MEMORY;
	cfg->vcpus = 1;
	cfg->serial = MON_SERIAL_STDIO;
	cfg->device = HXEN_DEVICE;
}

int mon_options_parse(struct mon_config *cfg, int argc, char **argv,
		      char *err, size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct mon_option *o;
		int r;

		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			o = find_long(a + 2, len);
			if (eq)
				val = eq + 1;
		} else if (a[0] == '-' && a[1] && !a[2]) {
			o = find_short(a[1]);
		} else {
			return opt_err(err, errlen, "unexpected argument '%s' "
				       "(try --help)", a);
		}
		if (!o)
			return opt_err(err, errlen, "unknown option '%s' (try "
				       "--help)", a);
		if (o->arg && !val) {
			if (i + 1 >= argc)
				return opt_err(err, errlen, "option --%s needs "
					       "an argument: %s", o->name,
					       o->arg);
			val = argv[++i];
		} else if (!o->arg && val) {
			return opt_err(err, errlen, "option --%s takes no "
				       "argument", o->name);
		}
		r = o->set(cfg, val, err, errlen);
		if (r)
			return r;
	}
	return 0;
}

int mon_config_check(const struct mon_config *cfg, char *err, size_t errlen)
{
	if (!cfg->kernel)
		return opt_err(err, errlen, "no guest image: use --kernel FILE "
			       "(try --help)");
	if (cfg->memory < MON_MIN_MEMORY || cfg->memory > MON_MAX_MEMORY ||
	    (cfg->memory & 0xfff))
		return opt_err(err, errlen, "impossible memory size %" PRIu64
			       " bytes: use a multiple of 4 KiB between 1M "
			       "and %lluG", cfg->memory, MON_MAX_MEMORY >> 30);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-monitor options of the control layer (registered with
 * MON_OPTIONS, so monitor/options.c lists them in --help).  `hxen create`
 * and `hxen run` pass these; see docs/cli.md for the mapping from config
 * keys to monitor options.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config.h"
#include "monitor/ctl.h"
#include "monitor/log.h"

static int parse_secs(const char *opt, const char *arg, unsigned int min,
		      unsigned int *out, char *err, size_t errlen)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min ||
	    v > 7 * 24 * 3600) {
		snprintf(err, errlen, "bad --%s '%s': use whole seconds, "
			 "%u..604800", opt, arg, min);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int set_socket(struct mon_config *cfg, const char *arg, char *err,
		      size_t errlen)
{
	ctl_opts.socket = arg;
	return 0;
}

static int set_timeout(struct mon_config *cfg, const char *arg, char *err,
		       size_t errlen)
{
	return parse_secs("timeout", arg, 0, &ctl_opts.timeout, err, errlen);
}

static int set_grace(struct mon_config *cfg, const char *arg, char *err,
		     size_t errlen)
{
	return parse_secs("shutdown-grace", arg, 1, &ctl_opts.grace, err,
			  errlen);
}

static int set_console_log(struct mon_config *cfg, const char *arg,
			   char *err, size_t errlen)
{
	ctl_opts.console_log = arg;
	return 0;
}

static int set_log(struct mon_config *cfg, const char *arg, char *err,
		   size_t errlen)
{
	FILE *f = fopen(arg, "ae");

	if (!f) {
		snprintf(err, errlen, "cannot open --log '%s': %s", arg,
			 strerror(errno));
		return -EINVAL;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	mon_log_set_file(f);
	ctl_opts.log = arg;
	return 0;
}

static const struct mon_option ctl_options_table[] = {
	{ "ctl-socket", 0, "PATH", "control socket (docs/protocol.md); the "
	  "VM name is locked by PATH.lock", set_socket },
	{ "timeout", 0, "SECONDS", "destroy the VM after SECONDS, exit "
	  "status 6 (0: never)", set_timeout },
	{ "shutdown-grace", 0, "SECONDS", "after a shutdown request or "
	  "SIGTERM, destroy the VM with status 8 if still running (default "
	  "10)", set_grace },
	{ "console-log", 0, "PATH", "write all console output to PATH too",
	  set_console_log },
	{ "log", 0, "PATH", "append monitor messages to PATH instead of "
	  "stderr", set_log },
};

MON_OPTIONS(ctl, ctl_options_table);

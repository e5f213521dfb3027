/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hxen-monitor configuration: one struct filled from the command line by
 * monitor/options.c.  Other parts of the monitor add their fields in the
 * marked sections and their options either to the table in options.c or,
 * better, with MON_OPTIONS() in their own file.
 */
#ifndef MON_CONFIG_H
#define MON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MON_DEFAULT_MEMORY	(64ULL << 20)
#define MON_MIN_MEMORY		(1ULL << 20)
/* Sanity cap before the module's caps.max_gpa is known (checked later). */
#define MON_MAX_MEMORY		(1ULL << 40)
#define MON_MAX_VCPUS		128

enum mon_serial_kind {
	MON_SERIAL_STDIO,	/* output to stdout, input from stdin */
	MON_SERIAL_FILE,	/* output to a file, no input */
	MON_SERIAL_NONE,	/* no COM1 at all */
	MON_SERIAL_CONSOLE,	/* the VM console stream only (monitor/ctl.h:
				 * control socket, --console-log) */
};

struct mon_config {
	const char *prog;		/* argv[0] for messages */
	const char *name;		/* --name, default "hxen" */
	uint64_t memory;		/* --memory, bytes */
	unsigned int vcpus;		/* --vcpus */
	const char *kernel;		/* --kernel */
	bool flat;			/* --flat: raw binary at 0x100000 */
	enum mon_serial_kind serial;	/* --serial */
	const char *serial_path;	/* --serial file:PATH */
	bool verbose;			/* --verbose */
	const char *device;		/* --device, default HXEN_DEVICE */

	/* --- control and logging (CLI helper): ctl socket, daemon, log --- */

	/* --- PVH boot (PVH helper): ramdisk, cmdline, console --- */
	const char *ramdisk;		/* --ramdisk FILE */
	const char *cmdline;		/* --cmdline STR */
	int console;			/* --console: enum be_console_mode */
	const char *console_path;	/* --console file:PATH */
	bool xen;			/* --xen (implied by a PVH kernel) */
	bool console_owns_stdin;	/* hvc0 reads stdin: the UART must not */
	enum {
		MON_ON_REBOOT_AUTO,	/* restart PVH kernels, else destroy */
		MON_ON_REBOOT_DESTROY,	/* exit with MON_EXIT_REBOOT */
		MON_ON_REBOOT_RESTART,	/* build the VM again */
	} on_reboot;			/* --on-reboot */
};

/*
 * One command-line option.  @set is called with the argument (NULL for
 * flags) and returns 0, MON_OPT_DONE (stop and exit 0: --help/--version),
 * or a negative errno after writing a message into @err.
 */
#define MON_OPT_DONE	1
struct mon_option {
	const char *name;		/* long name, without "--" */
	char short_name;		/* 0 if none */
	const char *arg;		/* metavariable; NULL: a flag */
	const char *help;
	int (*set)(struct mon_config *cfg, const char *arg, char *err,
		   size_t errlen);
};

/* Extra option tables registered from other files (see MON_OPTIONS). */
struct mon_option_set {
	const struct mon_option *opts;
	size_t n;
	struct mon_option_set *next;
};
void mon_options_register(struct mon_option_set *set);

#define MON_OPTIONS(id, table)						\
	static struct mon_option_set mon_optset_##id = {		\
		.opts = table, .n = sizeof(table) / sizeof(table[0]) };	\
	static void __attribute__((constructor)) mon_optreg_##id(void)	\
	{								\
		mon_options_register(&mon_optset_##id);			\
	}

void mon_config_defaults(struct mon_config *cfg);
/* 0: run; MON_OPT_DONE: exit 0; < 0: bad usage, message in @err. */
int mon_options_parse(struct mon_config *cfg, int argc, char **argv,
		      char *err, size_t errlen);
/* Checks across options, after parsing. */
int mon_config_check(const struct mon_config *cfg, char *err, size_t errlen);
void mon_options_usage(FILE *f, const char *prog);

/* "64M", "1G", "4096K", "65536" (no suffix = MiB, as QEMU's -m). */
int mon_parse_size(const char *s, uint64_t *out);

#endif /* MON_CONFIG_H */

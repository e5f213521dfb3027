/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hxen VM configuration files: a documented subset of xl.cfg(5) syntax
 * plus hxen's own keys (docs/man/hxen.cfg.5, docs/cli.md).
 *
 * The parsed config is one JSON tree (tools/json.h): an object whose
 * members are the keys.  Every value keeps its file position, so checks
 * done after parsing still report "file:line:column: message".  The
 * command line overrides members with "key=value" before validation, and
 * the validated ("effective") tree is what `hxen create -n` prints, what
 * is translated into hxen-monitor options, and what snapshot/migration
 * records carry.
 */
#ifndef HXEN_TOOLS_CFG_H
#define HXEN_TOOLS_CFG_H

#include <stddef.h>
#include "json.h"

#define CFG_ERR_MAX	512

/* Where values came from, for error messages. */
struct cfg_src {
	const char *file;	/* config file name as given, or NULL */
};

/*
 * Parse xl.cfg text into a new object tree.  Unknown keys, duplicate keys
 * and syntax errors fail with "file:line:col: ..." in @err.
 */
struct json *cfg_parse(const struct cfg_src *src, const char *text,
		       size_t len, char *err, size_t errlen);
struct json *cfg_parse_file(const char *path, char *err, size_t errlen);

/*
 * Apply one "key=value" override (value in config syntax; a value that is
 * not valid config syntax is taken as a bare string, so kernel=/x/y works).
 */
int cfg_override(struct json *tree, const char *kv, char *err, size_t errlen);

/* Validation flags */
#define CFG_CHECK_FILES	(1U << 0)	/* kernel/ramdisk/disks must exist */

/*
 * Check every value, fill in defaults, normalise (sizes to MiB, paths to
 * absolute, disk/vif/vfb specs to objects, cmdline from root/extra).
 * Idempotent: an effective tree validates to itself.
 */
int cfg_validate(const struct cfg_src *src, struct json *tree,
		 unsigned int flags, char *err, size_t errlen);

/* Key table, also used by `hxen help config` and the docs check. */
enum cfg_kind {
	CFG_STR,	/* free string */
	CFG_NAME,	/* VM name: [A-Za-z0-9_.-], 1..64, not starting with - . */
	CFG_PATH,	/* existing readable file (CFG_CHECK_FILES) */
	CFG_OUTPATH,	/* file to create: its directory must exist */
	CFG_INT,	/* integer in [min, max] */
	CFG_SIZE,	/* MiB; integer (MiB) or "N[KMGT]" */
	CFG_ENUM,	/* one of choices[] */
	CFG_DISKS,	/* list of xl disk specs */
	CFG_VIFS,	/* list of xl vif specs */
	CFG_VFBS,	/* list of xl vfb specs */
	CFG_CPUID,	/* xl cpuid=: "host,avx2=0" or a list of leaf strings */
};

struct cfg_key {
	const char *name;
	enum cfg_kind kind;
	long long min, max;		/* CFG_INT, CFG_SIZE */
	const char *const *choices;	/* CFG_ENUM: NULL-terminated */
	const char *const *supported;	/* CFG_ENUM: subset implemented */
	const char *dflt;		/* default, in config syntax, or NULL */
	bool required;
	const char *help;		/* one line */
};

extern const struct cfg_key cfg_keys[];
const struct cfg_key *cfg_key_find(const char *name);
/* Closest key name within a small edit distance, or NULL. */
const char *cfg_key_suggest(const char *name);

/* Parse a size "512", "512M", "2G", "64K" into MiB (default unit MiB). */
int cfg_parse_size_mib(const char *s, long long *mib);

/* Spec parsers for disk=[...], vif=[...], vfb=[...] items. */
struct json *cfg_parse_disk(const char *spec, bool check_files,
			    char *err, size_t errlen);
struct json *cfg_parse_vif(const char *spec, char *err, size_t errlen);
/* hxen's vif keys (type=user, hostfwd, restrict, net): 0 or -1 (tools/cfg_vif.c) */
int cfg_vif_check(const struct json *o, char *err, size_t errlen);
struct json *cfg_parse_vfb(const char *spec, char *err, size_t errlen);

#endif /* HXEN_TOOLS_CFG_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The config keys hxen knows, their defaults and their checks.  The same
 * table documents them in `hxen help config`; docs/cli.md and
 * hxen.cfg(5) list the same keys (tests/unit/test_cfg.c checks that the
 * man page names every key in this table).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "monitor/cpuid_level.h"

static const char *const types[] = { "pvh", "hvm", "pv", NULL };
static const char *const types_ok[] = { "pvh", NULL };
/* xl.cfg(5) actions; hxen implements "destroy" (see docs/cli.md). */
static const char *const actions[] = {
	"destroy", "restart", "rename-restart", "preserve",
	"coredump-destroy", "coredump-restart", "soft-reset", NULL
};
static const char *const actions_ok[] = { "destroy", NULL };
/* hxen-monitor --on-reboot restart|destroy */
static const char *const reboot_ok[] = { "destroy", "restart", NULL };

const struct cfg_key cfg_keys[] = {
	{ "name", CFG_NAME, .required = true,
	  .help = "VM name, unique per user: letters, digits, _ . -" },
	{ "type", CFG_ENUM, .choices = types, .supported = types_ok,
	  .dflt = "\"pvh\"", .help = "guest type; hxen runs PVH guests" },
	{ "memory", CFG_SIZE, 2, 1 << 20, .dflt = "128",
	  .help = "guest RAM in MiB, or with a suffix: \"512M\", 2G" },
	{ "vcpus", CFG_INT, 1, 128, .dflt = "1",
	  .help = "number of virtual CPUs" },
	{ "kernel", CFG_PATH, .required = true,
	  .help = "guest kernel: PVH ELF, or a bzImage with a PVH note" },
	{ "ramdisk", CFG_PATH, .help = "initial ramdisk loaded with the kernel" },
	{ "cmdline", CFG_STR, .help = "kernel command line (exclusive with "
	  "root/extra)" },
	{ "root", CFG_STR, .help = "adds root=VALUE to the command line" },
	{ "extra", CFG_STR, .help = "appended to the command line" },
	{ "disk", CFG_DISKS, .help = "list of xl disk specs "
	  "(\"/img,raw,xvda,rw\" or \"format=raw, vdev=xvda, target=/img\")" },
	{ "vif", CFG_VIFS, .help = "list of xl vif specs (\"mac=..., bridge=...\")" },
	{ "vfb", CFG_VFBS, .help = "list of xl vfb specs (\"vnc=1\" or \"sdl=1\")" },
	{ "serial", CFG_STR, .dflt = "\"pty\"",
	  .help = "8250 UART: \"pty\" (the VM console), \"none\", \"file:PATH\"" },
	{ "on_poweroff", CFG_ENUM, .choices = actions, .supported = actions_ok,
	  .dflt = "\"destroy\"", .help = "action when the guest powers off" },
	{ "on_reboot", CFG_ENUM, .choices = actions, .supported = reboot_ok,
	  .dflt = "\"restart\"", .help = "action when the guest reboots" },
	{ "on_crash", CFG_ENUM, .choices = actions, .supported = actions_ok,
	  .dflt = "\"destroy\"", .help = "action when the guest crashes" },
	{ "timeout", CFG_INT, 0, 7 * 24 * 3600, .dflt = "0",
	  .help = "hxen: destroy the VM after this many seconds (0: never)" },
	{ "console_log", CFG_OUTPATH,
	  .help = "hxen: also write all console output to this file" },
	{ "shutdown_grace", CFG_INT, 1, 3600, .dflt = "10",
	  .help = "hxen: seconds a guest gets to honour shutdown/SIGTERM "
	  "before it is destroyed" },
	{ "maxmem", CFG_SIZE, 2, 1 << 20,
	  .help = "most guest RAM in MiB (the balloon's ceiling; `hxen mem-set` "
	  "moves the target up to it); memory is then the boot target" },
	{ "cpuid", CFG_CPUID, .help = "CPUID the guest is shown (default \"host\"): "
	  "\"x86-64-v2,aes=1\", \"host,avx2=0\" or xl's [\"LEAF:REG=BITS\"]" },
	{ "ksm", CFG_INT, 0, 1, .dflt = "0",
	  .help = "1: let the host share identical guest pages (KSM)" },
	{ NULL }
};

const struct cfg_key *cfg_key_find(const char *name)
{
	for (const struct cfg_key *k = cfg_keys; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

/* Levenshtein distance, small strings only (key names < 64 chars). */
static int edit_distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b);
	int prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return INT_MAX;
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int sub = prev[j - 1] + (tolower(a[i - 1]) != b[j - 1]);
			int del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? sub : del;
			if (ins < cur[j])
				cur[j] = ins;
		}
		memcpy(prev, cur, sizeof(int) * (lb + 1));
	}
	return prev[lb];
}

const char *cfg_key_suggest(const char *name)
{
	const char *best = NULL;
	int bestd = INT_MAX;
	int limit = strlen(name) <= 4 ? 1 : 2;

	for (const struct cfg_key *k = cfg_keys; k->name; k++) {
		int d = edit_distance(name, k->name);

		if (d < bestd) {
			bestd = d;
			best = k->name;
		}
	}
	return bestd <= limit ? best : NULL;
}

int cfg_parse_size_mib(const char *s, long long *mib)
{
	char *end;
	long long n;
	int shift;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || errno || n < 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 0:
	case 'M': shift = 0; break;
	case 'K': shift = -10; break;
	case 'G': shift = 10; break;
	case 'T': shift = 20; break;
	default: return -1;
	}
	if (*end) {
		end++;
		if (toupper((unsigned char)*end) == 'B')
			end++;
		if (*end)
			return -1;
	}
	if (shift < 0) {
		if (n % 1024)
			return -1;
		n /= 1024;
	} else if (n > (LLONG_MAX >> shift)) {
		return -1;
	} else {
		n <<= shift;
	}
	*mib = n;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Validation                                                        */
/* ---------------------------------------------------------------- */

struct vctx {
	const struct cfg_src *src;
	unsigned int flags;
	char *err;
	size_t errlen;
};

static int verr(struct vctx *c, const struct json *v, const char *key,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	if (v && v->line)
		n = snprintf(c->err, c->errlen, "%s:%d:%d: %s: ",
			     c->src && c->src->file ? c->src->file : "<config>",
			     v->line, v->col, key);
	else if (v)
		n = snprintf(c->err, c->errlen, "command line: %s: ", key);
	else
		n = snprintf(c->err, c->errlen, "%s: %s: ",
			     c->src && c->src->file ? c->src->file : "<config>",
			     key);
	if (n < 0 || (size_t)n >= c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *an(enum json_type t)
{
	return t == JSON_INT || t == JSON_OBJ ? "an" : "a";
}

static int want_type(struct vctx *c, const struct json *v, const char *key,
		     enum json_type t)
{
	if (v->type == t)
		return 0;
	return verr(c, v, key, "expected %s %s, found %s %s%s", an(t),
		    json_type_name(t), an(v->type), json_type_name(v->type),
		    t == JSON_STR ? " (strings need quotes)" : "");
}

/* Replace @v's payload with an absolute path; errors if it must exist. */
static int fix_path(struct vctx *c, struct json *v, const char *key,
		    bool must_exist)
{
	char buf[PATH_MAX], *abs = NULL;

	if (!v->s[0])
		return verr(c, v, key, "empty path");
	if (must_exist && (c->flags & CFG_CHECK_FILES)) {
		if (access(v->s, R_OK))
			return verr(c, v, key, "'%s': %s", v->s, strerror(errno));
		abs = realpath(v->s, NULL);
		if (!abs)
			return verr(c, v, key, "'%s': %s", v->s, strerror(errno));
	} else if (v->s[0] != '/') {
		if (!getcwd(buf, sizeof(buf)))
			return verr(c, v, key, "cannot get the current directory");
		if (asprintf(&abs, "%s/%s", buf, v->s) < 0)
			abs = NULL;
	}
	if (abs) {
		free(v->s);
		v->s = abs;
	}
	if (!must_exist && (c->flags & CFG_CHECK_FILES)) {
		char *dir = strdup(v->s), *slash = strrchr(dir, '/');

		if (slash)
			*(slash == dir ? slash + 1 : slash) = 0;
		if (access(dir, W_OK)) {
			verr(c, v, key, "directory '%s' is not writable: %s", dir,
			     strerror(errno));
			free(dir);
			return -1;
		}
		free(dir);
	}
	return 0;
}

static int check_name(struct vctx *c, struct json *v, const char *key)
{
	size_t n = strlen(v->s);

	if (!n || n > 64)
		return verr(c, v, key, "must be 1 to 64 characters");
	if (v->s[0] == '-' || v->s[0] == '.')
		return verr(c, v, key, "must not start with '-' or '.'");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = v->s[i];

		if (!isalnum(ch) && ch != '_' && ch != '-' && ch != '.')
			return verr(c, v, key, "'%s': only letters, digits, "
				    "'_', '-' and '.' are allowed", v->s);
	}
	return 0;
}

static int in_list(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (!strcmp(s, *l))
			return 1;
	return 0;
}

static void list_str(char *out, size_t len, const char *const *l)
{
	out[0] = 0;
	for (; *l; l++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
			 out[0] ? ", " : "", *l);
}

static int check_enum(struct vctx *c, const struct cfg_key *k,
		      struct json *v)
{
	char buf[256];

	if (!in_list(v->s, k->choices)) {
		list_str(buf, sizeof(buf), k->choices);
		return verr(c, v, k->name, "'%s' is not one of: %s", v->s, buf);
	}
	if (!in_list(v->s, k->supported)) {
		list_str(buf, sizeof(buf), k->supported);
		return verr(c, v, k->name, "'%s' is not supported by hxen yet "
			    "(supported: %s)", v->s, buf);
	}
	return 0;
}

static int check_serial(struct vctx *c, struct json *v)
{
	if (!strcmp(v->s, "pty") || !strcmp(v->s, "none"))
		return 0;
	if (!strncmp(v->s, "file:", 5)) {
		struct json tmp = { .type = JSON_STR, .line = v->line,
				    .col = v->col };
		char *p;
		int r;

		tmp.s = strdup(v->s + 5);
		r = fix_path(c, &tmp, "serial", false);
		if (!r && asprintf(&p, "file:%s", tmp.s) >= 0) {
			free(v->s);
			v->s = p;
		}
		free(tmp.s);
		return r;
	}
	return verr(c, v, "serial", "'%s': expected \"pty\", \"none\" or "
		    "\"file:PATH\"", v->s);
}

typedef struct json *(*spec_fn)(const char *spec, bool check, char *err,
				size_t errlen);

static struct json *parse_vif(const char *s, bool check, char *e, size_t n)
{
	return cfg_parse_vif(s, e, n);
}

static struct json *parse_vfb(const char *s, bool check, char *e, size_t n)
{
	return cfg_parse_vfb(s, e, n);
}

/* disk/vif/vfb: a list of spec strings becomes a list of objects. */
static int check_specs(struct vctx *c, const struct cfg_key *k,
		       struct json *v)
{
	static const spec_fn fns[] = {
		[CFG_DISKS] = cfg_parse_disk,
		[CFG_VIFS] = parse_vif,
		[CFG_VFBS] = parse_vfb,
	};
	struct json *out = json_new(JSON_ARR);
	char msg[CFG_ERR_MAX];

	if (v->type == JSON_STR) {	/* a lone spec: be forgiving */
		struct json *l = json_new(JSON_ARR);

		json_push(l, json_dup(v));
		free(v->s);
		v->type = JSON_ARR;
		v->kids = l->kids;
		l->kids.head = l->kids.tail = NULL;
		json_free(l);
	}
	if (want_type(c, v, k->name, JSON_ARR))
		goto fail;
	json_for_each(e, v) {
		struct json *o;

		if (e->type == JSON_OBJ) {	/* already effective */
			json_push(out, json_dup(e));
			continue;
		}
		if (want_type(c, e, k->name, JSON_STR))
			goto fail;
		o = fns[k->kind](e->s, c->flags & CFG_CHECK_FILES, msg,
				 sizeof(msg));
		if (!o) {
			verr(c, e, k->name, "%s", msg);
			goto fail;
		}
		/* the monitor's errors about it point here (cli_create.c) */
		o->line = e->line;
		o->col = e->col;
		json_push(out, o);
	}
	/* swap contents, keep position and key */
	json_free(v->kids.head);
	v->kids = out->kids;
	out->kids.head = out->kids.tail = NULL;
	json_free(out);
	return 0;
fail:
	json_free(out);
	return -1;
}

static int check_int(struct vctx *c, const struct cfg_key *k, struct json *v)
{
	long long n;

	if (k->kind == CFG_SIZE && v->type == JSON_STR) {
		if (cfg_parse_size_mib(v->s, &n))
			return verr(c, v, k->name, "'%s' is not a size (MiB, or "
				    "a whole number of MiB with K/M/G/T)", v->s);
		free(v->s);
		v->type = JSON_INT;
		v->i = n;
	}
	if (want_type(c, v, k->name, JSON_INT))
		return -1;
	if (v->i < k->min || v->i > k->max)
		return verr(c, v, k->name, "%lld is out of range (%lld..%lld%s)",
			    (long long)v->i, k->min, k->max,
			    k->kind == CFG_SIZE ? " MiB" : "");
	return 0;
}

/* Host RAM in MiB from /proc/meminfo, 0 if unknown. */
static long long host_ram_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long long kb = 0;
	char line[128];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

/* cpuid = "BASE,FLAG=0|1..." or ["LEAF[,SUB]:REG=BITS", ...] (xl.cfg(5)) */
static int check_cpuid(struct vctx *c, struct json *v)
{
	struct hxen_cpuid_features m;
	char why[300];

	if (v->type == JSON_STR) {
		if (cpuid_level_parse(v->s, &m, why, sizeof(why)))
			return verr(c, v, "cpuid", "%s", why);
		return 0;
	}
	if (v->type != JSON_ARR)
		return verr(c, v, "cpuid", "expected a string (\"host,avx2=0\") "
			    "or a list of xl leaf strings ([\"1:ecx=...\"])");
	cpuid_level_host(&m);
	json_for_each(e, v) {
		if (want_type(c, e, "cpuid", JSON_STR))
			return -1;
		if (cpuid_level_parse_leaf(e->s, &m, why, sizeof(why)))
			return verr(c, e, "cpuid", "%s", why);
	}
	return 0;
}

static int check_value(struct vctx *c, const struct cfg_key *k,
		       struct json *v)
{
	switch (k->kind) {
	case CFG_CPUID:
		return check_cpuid(c, v);
	case CFG_INT:
	case CFG_SIZE:
		return check_int(c, k, v);
	case CFG_DISKS:
	case CFG_VIFS:
	case CFG_VFBS:
		return check_specs(c, k, v);
	default:
		break;
	}
	if (want_type(c, v, k->name, JSON_STR))
		return -1;
	switch (k->kind) {
	case CFG_NAME:
		return check_name(c, v, k->name);
	case CFG_PATH:
		return fix_path(c, v, k->name, true);
	case CFG_OUTPATH:
		return fix_path(c, v, k->name, false);
	case CFG_ENUM:
		return check_enum(c, k, v);
	default:
		if (!strcmp(k->name, "serial"))
			return check_serial(c, v);
		return 0;
	}
}

/* cmdline = root=R + extra, as xl builds it; root/extra then go. */
static int merge_cmdline(struct vctx *c, struct json *tree)
{
	struct json *cmd = json_get(tree, "cmdline");
	struct json *root = json_get(tree, "root");
	struct json *extra = json_get(tree, "extra");
	struct jbuf b = { 0 };

	if (!root && !extra)
		return 0;
	if (cmd)
		return verr(c, cmd, "cmdline", "cannot be combined with "
			    "root/extra: put everything in cmdline");
	if (root)
		jbuf_printf(&b, "root=%s", root->s);
	if (extra)
		jbuf_printf(&b, "%s%s", root ? " " : "", extra->s);
	json_set(tree, "cmdline", json_str(b.p ? b.p : ""));
	jbuf_free(&b);
	json_del(tree, "root");
	json_del(tree, "extra");
	return 0;
}

/* A default is written in config syntax: parse "key=default". */
static struct json *default_value(const struct cfg_key *k)
{
	char stmt[128], e[CFG_ERR_MAX];
	struct json *t, *v;

	snprintf(stmt, sizeof(stmt), "%s=%s", k->name, k->dflt);
	t = cfg_parse(NULL, stmt, strlen(stmt), e, sizeof(e));
	if (!t) {
		fprintf(stderr, "hxen: bad default in key table: %s\n", e);
		abort();
	}
	v = json_dup(json_get(t, k->name));
	v->line = v->col = 0;
	json_free(t);
	return v;
}

int cfg_validate(const struct cfg_src *src, struct json *tree,
		 unsigned int flags, char *err, size_t errlen)
{
	struct vctx c = { src, flags, err, errlen };
	struct json *sorted;
	long long ram;

	if (errlen)
		err[0] = 0;
	for (const struct cfg_key *k = cfg_keys; k->name; k++) {
		struct json *v = json_get(tree, k->name);

		if (!v && k->required)
			return verr(&c, NULL, k->name, "required key is missing "
				    "(add %s = ... to the config or %s=... to "
				    "the command line)", k->name, k->name);
		if (!v && k->dflt) {
			v = default_value(k);
			json_set(tree, k->name, v);
		}
		if (v && check_value(&c, k, v))
			return -1;
	}
	if (merge_cmdline(&c, tree))
		return -1;
	{
		struct json *mx = json_get(tree, "maxmem"), *m = json_get(tree, "memory");

		if (mx && m && mx->i < m->i)
			return verr(&c, mx, "maxmem", "%lld MiB is less than memory "
				    "(%lld MiB): maxmem is the ceiling, memory the "
				    "boot target", (long long)mx->i, (long long)m->i);
	}
	ram = host_ram_mib();
	if ((flags & CFG_CHECK_FILES) && ram) {
		struct json *m = json_get(tree, "memory");

		if (m->i > ram)
			return verr(&c, m, "memory", "%lld MiB is more than this "
				    "host's RAM (%lld MiB)", (long long)m->i,
				    ram);
	}
	/* keep a stable order: the key table's, for diffable output */
	sorted = json_new(JSON_OBJ);
	for (const struct cfg_key *k = cfg_keys; k->name; k++) {
		struct json *v = json_get(tree, k->name);

		if (v)
			json_set(sorted, k->name, json_dup(v));
	}
	json_free(tree->kids.head);
	tree->kids = sorted->kids;
	sorted->kids.head = sorted->kids.tail = NULL;
	json_free(sorted);
	return 0;
}

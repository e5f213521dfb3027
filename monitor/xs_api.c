// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's own xenstore access (it is domain 0: no permission
 * checks) and the initial tree of a PVH domU (xen-abi.md F.3, after what
 * libxl writes; docs/misc/xenstore-paths.pandoc).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_priv.h"

static int internal_op(struct xs *xs, enum xs_op_kind kind, const char *path,
		       const void *val, unsigned int len,
		       const struct xs_perm *perms, unsigned int nperms)
{
	int rc;

	if (!xs_path_valid(path, false))
		return -EINVAL;
	rc = xs_apply_op(xs, &xs->tree, kind, path, val, len, perms, nperms, 0);
	xs_change_flush(xs);
	return rc;
}

int xs_write(struct xs *xs, const char *path, const char *value)
{
	return internal_op(xs, XS_OP_WRITE, path, value, strlen(value), NULL, 0);
}

int xs_writef(struct xs *xs, const char *path, const char *fmt, ...)
{
	char buf[XS_PAYLOAD_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(buf))
		return -E2BIG;
	return xs_write(xs, path, buf);
}

char *xs_read(struct xs *xs, const char *path)
{
	const struct xs_node *n;
	char *s;

	if (!xs_path_valid(path, false)) {
		errno = EINVAL;
		return NULL;
	}
	n = xs_tree_lookup(&xs->tree, path);
	if (!n) {
		errno = ENOENT;
		return NULL;
	}
	s = malloc(n->len + 1);
	if (!s)
		return NULL;
	memcpy(s, n->value, n->len);
	s[n->len] = '\0';
	return s;
}

int xs_mkdir(struct xs *xs, const char *path)
{
	return internal_op(xs, XS_OP_MKDIR, path, NULL, 0, NULL, 0);
}

int xs_rm(struct xs *xs, const char *path)
{
	return internal_op(xs, XS_OP_RM, path, NULL, 0, NULL, 0);
}

/* @perms_csv: "n0,r1" — owner first, as in xenstore-chmod. */
int xs_set_perms(struct xs *xs, const char *path, const char *perms_csv)
{
	struct xs_perm p[16];
	char buf[128], *tok, *save;
	unsigned int n = 0;

	if (snprintf(buf, sizeof(buf), "%s", perms_csv) >= (int)sizeof(buf))
		return -E2BIG;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == 16 || xs_parse_perm(tok, &p[n]))
			return -EINVAL;
		n++;
	}
	return internal_op(xs, XS_OP_PERMS, path, NULL, 0, p, n);
}

int xs_watch(struct xs *xs, const char *path, xs_watch_fn fn, void *opaque)
{
	int rc;

	if (!fn || !xs_path_valid(path, true))
		return -EINVAL;
	rc = xs_watch_add(xs, NULL, path, NULL, false, fn, opaque);
	if (!rc)
		xs_watch_fire_one(xs, xs->watches, path);
	return rc;
}

int xs_unwatch(struct xs *xs, const char *path, xs_watch_fn fn, void *opaque)
{
	return xs_watch_del(xs, NULL, path, NULL, fn, opaque);
}

int xs_populate_domain(struct xs *xs, const struct xs_domain_info *di)
{
	char home[32], p[96], owner[32], guest_r[8];
	unsigned int i;
	int rc = 0;
	const struct {
		const char *key;
		const char *val;
	} fixed[] = {
		{ "data", "" }, { "drivers", "" }, { "feature", "" },
		{ "attr", "" }, { "error", "" }, { "device", "" },
		{ "control/shutdown", "" }, { "control/sysrq", "" },
		{ "control/platform-feature-multiprocessor-suspend", "1" },
		{ "control/platform-feature-xs_reset_watches", "1" },
		{ "console/type", "xenconsoled" },
		{ "console/output", "pty" },
		{ "console/tty", "" },
		{ "console/limit", "1048576" },
	};

	snprintf(home, sizeof(home), "/local/domain/%u", di->domid);
	snprintf(owner, sizeof(owner), "n%u", di->domid);
	snprintf(guest_r, sizeof(guest_r), "r%u", di->domid);

	/* dom0's own nodes and the backend root: readable by nobody else */
	rc |= xs_write(xs, "/local/domain/0/name", "Domain-0");
	rc |= xs_write(xs, "/local/domain/0/domid", "0");
	rc |= xs_mkdir(xs, "/local/domain/0/backend");
	rc |= xs_set_perms(xs, "/local", "n0,r0");
	rc |= xs_mkdir(xs, "/vm");
	rc |= xs_mkdir(xs, "/tool");

	/* the guest's home: owned by the guest, as libxl makes it */
	rc |= xs_mkdir(xs, home);
	rc |= xs_set_perms(xs, home, owner);
	rc |= xs_writef(xs, strcat(strcpy(p, home), "/domid"), "%u", di->domid);
	rc |= xs_write(xs, strcat(strcpy(p, home), "/name"),
		       di->name ? di->name : "vm");
	rc |= xs_writef(xs, strcat(strcpy(p, home), "/vm"), "/vm/%u", di->domid);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", home, fixed[i].key);
		rc |= xs_write(xs, p, fixed[i].val);
	}
	snprintf(p, sizeof(p), "%s/memory/static-max", home);
	rc |= xs_writef(xs, p, "%llu", (unsigned long long)di->mem_kib);
	snprintf(p, sizeof(p), "%s/memory/target", home);
	rc |= xs_writef(xs, p, "%llu", (unsigned long long)(di->target_kib ?
							  di->target_kib : di->mem_kib));
	for (i = 0; i < di->vcpus; i++) {
		snprintf(p, sizeof(p), "%s/cpu/%u/availability", home, i);
		rc |= xs_write(xs, p, "online");
	}
	snprintf(p, sizeof(p), "%s/store/port", home);
	rc |= xs_writef(xs, p, "%u", di->store_port);
	snprintf(p, sizeof(p), "%s/store/ring-ref", home);
	rc |= xs_writef(xs, p, "%llu", (unsigned long long)di->store_pfn);
	snprintf(p, sizeof(p), "%s/console/port", home);
	rc |= xs_writef(xs, p, "%u", di->console_port);
	snprintf(p, sizeof(p), "%s/console/ring-ref", home);
	rc |= xs_writef(xs, p, "%llu", (unsigned long long)di->console_pfn);

	/* guest-visible but read-only for it: the backend tree of its devices */
	snprintf(p, sizeof(p), "/local/domain/0/backend");
	snprintf(owner, sizeof(owner), "n0,%s", guest_r);
	rc |= xs_set_perms(xs, p, owner);
	snprintf(p, sizeof(p), "/local/domain/0/backend/console/%u/0/state",
		 di->domid);
	rc |= xs_write(xs, p, "4");	/* primary console: always connected */
	return rc ? -EIO : 0;
}

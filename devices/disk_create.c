// SPDX-License-Identifier: GPL-2.0
/*
 * Creating images (disk_create: raw in disk_raw.c, qcow2 in
 * disk_qcow2_create.c) and the size syntax of `hxen disk create`.
 */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/disk_impl.h"

int disk_create(const char *path, const char *format, uint64_t size,
		const char *backing, const char *backing_format,
		char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (!format)
		format = backing ? "qcow2" : "raw";
	if (!strcmp(format, "raw")) {
		if (backing) {
			disk_errf(err, errlen, "%s: a raw image cannot have a "
				  "backing file; use -f qcow2", path);
			return -EINVAL;
		}
		return disk_raw_create(path, size, err, errlen);
	}
	if (!strcmp(format, "qcow2"))
		return disk_qcow2_create(path, size, backing, backing_format,
					 err, errlen);
	disk_errf(err, errlen, "%s: unknown image format '%s' (use raw or "
		  "qcow2)", path, format);
	return -EINVAL;
}

char *disk_backing_path(const char *overlay, const char *name)
{
	char *dir, *path = NULL;
	const char *base;

	if (name[0] == '/')
		return strdup(name);
	dir = strdup(overlay);
	if (!dir)
		return NULL;
	base = dirname(dir);
	if (!strcmp(base, "."))
		path = strdup(name);
	else if (asprintf(&path, "%s/%s", base, name) < 0)
		path = NULL;
	free(dir);
	return path;
}

int disk_parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	unsigned int shift = 0;
	const char *u;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || !*u)
			return -EINVAL;
		shift = 10 * (u - units + 1);
		end++;
		/* "G", "GB" and "GiB" all mean 2^30 */
		if (!strcasecmp(end, "ib") || !strcasecmp(end, "b"))
			end += strlen(end);
		if (*end)
			return -EINVAL;
	}
	if (v > (~0ull >> shift))
		return -ERANGE;
	*bytes = (uint64_t)v << shift;
	return 0;
}

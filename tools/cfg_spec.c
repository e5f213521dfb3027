// SPDX-License-Identifier: GPL-2.0
/*
 * The comma-separated device specs inside disk=[...], vif=[...] and
 * vfb=[...], as xl-disk-configuration(5) and xl-network-configuration(5)
 * define them (the subset hxen uses).  Each spec becomes an object in the
 * effective config tree, so the monitor and snapshot records never parse
 * spec strings again.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

static const char *const disk_keys[] = {
	"target", "format", "vdev", "access", "devtype", NULL
};
static const char *const disk_formats[] = { "raw", "qcow2", NULL };
static const char *const vif_keys[] = {
	"mac", "bridge", "ip", "type", "model", "vifname", "script",
	"backend", "rate", "hostfwd", "restrict", "net", NULL
};
static const char *const vfb_keys[] = {
	"vnc", "vnclisten", "vncdisplay", "vncunused", "vncpasswd", "sdl",
	"display", "xauthority", "keymap",
	"width", "height", "videoram",	/* hxen: the largest mode (docs/gui.md) */
	NULL
};
static const char *const vfb_bools[] = { "vnc", "vncunused", "sdl", NULL };

static bool in(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (!strcmp(s, *l))
			return true;
	return false;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/*
 * Split "a, k=v, ..." calling @fn(key or NULL, value, pos) per item.
 * "target=" swallows the rest of the spec, commas included (xl's rule).
 */
typedef int (*item_fn)(struct json *o, const char *key, const char *val,
		       int pos, char *err, size_t errlen);

static int split(const char *spec, struct json *o, item_fn fn,
		 const char *const *keys, char *err, size_t errlen)
{
	char *copy = strdup(spec), *p = copy, *item;
	int pos = 0, r = 0;

	if (!copy)
		return -1;
	while (p && !r) {
		char *eq;

		if (!strncmp(trim(p), "target=", 7)) {
			item = trim(p);
			p = NULL;
		} else {
			item = strsep(&p, ",");
		}
		item = trim(item);
		if (!*item) {
			pos++;
			continue;
		}
		eq = strchr(item, '=');
		if (eq) {
			*eq = 0;
			if (!in(trim(item), keys)) {
				char list[256] = "";

				for (const char *const *k = keys; *k; k++)
					snprintf(list + strlen(list),
						 sizeof(list) - strlen(list),
						 "%s%s", list[0] ? ", " : "", *k);
				snprintf(err, errlen, "unknown setting '%s' in "
					 "'%s' (known: %s)", trim(item), spec, list);
				r = -1;
				break;
			}
			r = fn(o, trim(item), trim(eq + 1), -1, err, errlen);
		} else {
			r = fn(o, NULL, item, pos, err, errlen);
		}
		pos++;
	}
	free(copy);
	return r;
}

/* Store one key=value item; a key may appear once. */
static int kv_item(struct json *o, const char *key, const char *val,
		   int pos, char *err, size_t errlen)
{
	if (!key) {
		snprintf(err, errlen, "'%s': expected key=value", val);
		return -1;
	}
	if (json_get(o, key)) {
		snprintf(err, errlen, "'%s' given twice", key);
		return -1;
	}
	json_set(o, key, json_str(val));
	return 0;
}

/* ---- disk ---- */

static int disk_item(struct json *o, const char *key, const char *val,
		     int pos, char *err, size_t errlen)
{
	/* legacy positional form: target, format, vdev, access */
	static const char *const order[] = { "target", "format", "vdev",
					     "access" };

	if (!key) {
		if (!strcmp(val, "cdrom")) {
			key = "devtype";
		} else if (pos < 4) {
			key = order[pos];
		} else {
			snprintf(err, errlen, "too many positional settings "
				 "(target,format,vdev,access)");
			return -1;
		}
	}
	return kv_item(o, key, val, pos, err, errlen);
}

static bool vdev_ok(const char *v)
{
	size_t pre;

	if (!strncmp(v, "xvd", 3))
		pre = 3;
	else if (!strncmp(v, "hd", 2) || !strncmp(v, "sd", 2))
		pre = 2;
	else
		return false;
	if (!v[pre])
		return false;
	for (v += pre; *v; v++)
		if (!islower((unsigned char)*v) && !isdigit((unsigned char)*v))
			return false;
	return true;
}

/* The qcow2 magic, "QFI\xfb" (qcow2 spec, "Header"). */
static bool looks_qcow2(const char *path)
{
	unsigned char m[4];
	FILE *f = fopen(path, "rb");
	bool yes = f && fread(m, 1, 4, f) == 4 && !memcmp(m, "QFI\xfb", 4);

	if (f)
		fclose(f);
	return yes;
}

struct json *cfg_parse_disk(const char *spec, bool check_files, char *err,
			    size_t errlen)
{
	struct json *o = json_new(JSON_OBJ);
	const char *fmt, *acc, *vdev, *dt, *tgt;
	bool fmt_given;

	if (split(spec, o, disk_item, disk_keys, err, errlen))
		goto fail;
	fmt_given = json_get(o, "format");
	if (!fmt_given)
		json_set(o, "format", json_str("raw"));
	if (!json_get(o, "devtype"))
		json_set(o, "devtype", json_str("disk"));
	if (!json_get(o, "access"))
		json_set(o, "access", json_str(
			 strcmp(json_get_str(o, "devtype"), "cdrom") ? "rw" : "ro"));
	fmt = json_get_str(o, "format");
	acc = json_get_str(o, "access");
	vdev = json_get_str(o, "vdev");
	dt = json_get_str(o, "devtype");
	tgt = json_get_str(o, "target");
	if (!in(fmt, disk_formats)) {
		snprintf(err, errlen, "disk format '%s' is not supported by hxen "
			 "yet (supported: raw, qcow2)", fmt);
		goto fail;
	}
	if (!vdev || !vdev_ok(vdev)) {
		snprintf(err, errlen, "'%s': needs a vdev like xvda, hda or sda",
			 spec);
		goto fail;
	}
	if (strcmp(dt, "disk") && strcmp(dt, "cdrom")) {
		snprintf(err, errlen, "devtype '%s': expected disk or cdrom", dt);
		goto fail;
	}
	/* xl's spellings: r/ro read-only, w/rw read-write */
	if (!strcmp(acc, "r") || !strcmp(acc, "ro")) {
		json_set(o, "access", json_str("ro"));
	} else if (!strcmp(acc, "w") || !strcmp(acc, "rw")) {
		json_set(o, "access", json_str("rw"));
	} else {
		snprintf(err, errlen, "access '%s': expected ro or rw", acc);
		goto fail;
	}
	if (!tgt || !*tgt) {
		if (strcmp(dt, "cdrom")) {
			snprintf(err, errlen, "'%s': no target (image file)",
				 spec);
			goto fail;
		}
		return o;	/* empty CD-ROM drive */
	}
	if (check_files) {
		char *abs;
		int mode = strcmp(json_get_str(o, "access"), "rw") ? R_OK :
			   R_OK | W_OK;

		if (access(tgt, mode)) {
			snprintf(err, errlen, "disk image '%s': %s", tgt,
				 strerror(errno));
			goto fail;
		}
		/*
		 * xl's default format is raw, and hxen does not guess: a
		 * guest can write a qcow2 header into a raw disk.  A qcow2
		 * image without format= is a mistake worth naming.
		 */
		if (!fmt_given && looks_qcow2(tgt)) {
			snprintf(err, errlen, "disk image '%s' is a qcow2 "
				 "image: add format=qcow2 to its spec (without "
				 "it, the format is raw)", tgt);
			goto fail;
		}
		abs = realpath(tgt, NULL);
		if (abs) {
			json_set(o, "target", json_str(abs));
			free(abs);
		}
	}
	return o;
fail:
	json_free(o);
	return NULL;
}

/* ---- vif, vfb: key=value only ---- */

static bool mac_ok(const char *m)
{
	unsigned int b[6];
	char tail;

	if (strlen(m) != 17 || sscanf(m, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0],
				      &b[1], &b[2], &b[3], &b[4], &b[5],
				      &tail) != 6)
		return false;
	for (int i = 2; i < 17; i += 3)
		if (m[i] != ':')
			return false;
	return !(b[0] & 1);	/* unicast */
}

struct json *cfg_parse_vif(const char *spec, char *err, size_t errlen)
{
	struct json *o = json_new(JSON_OBJ);
	const char *mac;

	if (split(spec, o, kv_item, vif_keys, err, errlen))
		goto fail;
	mac = json_get_str(o, "mac");
	if (mac && !mac_ok(mac)) {
		snprintf(err, errlen, "mac '%s': expected a unicast address "
			 "like 00:16:3e:12:34:56", mac);
		goto fail;
	}
	if (cfg_vif_check(o, err, errlen))
		goto fail;
	return o;
fail:
	json_free(o);
	return NULL;
}

struct json *cfg_parse_vfb(const char *spec, char *err, size_t errlen)
{
	struct json *o = json_new(JSON_OBJ);

	if (split(spec, o, kv_item, vfb_keys, err, errlen))
		goto fail;
	for (const char *const *b = vfb_bools; *b; b++) {
		const char *v = json_get_str(o, *b);

		if (!v)
			continue;
		if (strcmp(v, "0") && strcmp(v, "1")) {
			snprintf(err, errlen, "%s=%s: expected 0 or 1", *b, v);
			goto fail;
		}
		json_set(o, *b, json_int(v[0] == '1'));
	}
	return o;
fail:
	json_free(o);
	return NULL;
}

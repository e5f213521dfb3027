// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-monitor --disk SPEC: what `hxen create` makes of an xl disk line
 * (tools/cfg_spec.c, tools/cli_create.c add_specs): "k=v,...,target=PATH"
 * with the keys format, vdev, access and devtype.  Several --disk options
 * give several disks.  The vdev becomes the xenstore device id by Xen's
 * vbd numbering [xen docs/misc/vbd-interface.txt].
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devices/be_blk.h"
#include "monitor/config.h"

#define MAX_DISKS	16

static struct blk_spec specs[MAX_DISKS];
static unsigned int nr_specs;

unsigned int blk_specs_count(void)
{
	return nr_specs;
}

const struct blk_spec *blk_spec_get(unsigned int i)
{
	return i < nr_specs ? &specs[i] : NULL;
}

void blk_specs_reset(void)
{
	nr_specs = 0;
}

/* "a".."z", "aa".. as Xen counts them: bijective base 26 */
static int letters_to_disk(const char **p, unsigned int *disk)
{
	unsigned int d = 0, n = 0;

	while (islower((unsigned char)**p)) {
		d = d * 26 + (**p - 'a' + 1);
		(*p)++;
		if (++n > 3)
			return -EINVAL;
	}
	if (!n)
		return -EINVAL;
	*disk = d - 1;
	return 0;
}

static int partition(const char *p, unsigned int *part)
{
	unsigned int v = 0;

	*part = 0;
	if (!*p)
		return 0;
	if (*p == '0')		/* no leading zeros, no partition 0 */
		return -EINVAL;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > 1000)
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	*part = v;
	return 0;
}

int blk_vdev_to_devid(const char *vdev, uint32_t *devid)
{
	static const unsigned int hd_major[4] = { 3, 3, 22, 22 };
	const char *p;
	unsigned int disk, part;

	if (!strncmp(vdev, "xvd", 3)) {
		p = vdev + 3;
		if (letters_to_disk(&p, &disk) || partition(p, &part))
			return -EINVAL;
		if (disk < 16 && part < 16)
			*devid = (202 << 8) | (disk << 4) | part;
		else if (disk < (1 << 20) && part < 256)
			*devid = (1u << 28) | (disk << 8) | part;
		else
			return -EINVAL;
		return 0;
	}
	if (!strncmp(vdev, "hd", 2)) {
		p = vdev + 2;
		if (letters_to_disk(&p, &disk) || partition(p, &part) ||
		    disk > 3 || part > 63)
			return -EINVAL;
		*devid = (hd_major[disk] << 8) | ((disk & 1) << 6) | part;
		return 0;
	}
	if (!strncmp(vdev, "sd", 2)) {
		p = vdev + 2;
		if (letters_to_disk(&p, &disk) || partition(p, &part) ||
		    disk > 15 || part > 15)
			return -EINVAL;
		*devid = (8 << 8) | (disk << 4) | part;
		return 0;
	}
	return -EINVAL;
}

#define spec_err(...) (snprintf(err, errlen, __VA_ARGS__), -EINVAL)

static int set_key(struct blk_spec *o, char *key, char *val, char *err,
		   size_t errlen)
{
	if (!strcmp(key, "format")) {
		if (strcmp(val, "raw") && strcmp(val, "qcow2"))
			return spec_err("--disk '%s': format '%s': expected "
					"raw or qcow2", o->spec, val);
		o->format = val;
	} else if (!strcmp(key, "vdev")) {
		if (blk_vdev_to_devid(val, &o->devid))
			return spec_err("--disk '%s': vdev '%s': expected "
					"xvdX, hdX or sdX", o->spec, val);
		snprintf(o->vdev, sizeof(o->vdev), "%s", val);
	} else if (!strcmp(key, "access")) {
		if (!strcmp(val, "ro") || !strcmp(val, "r"))
			o->readonly = true;
		else if (!strcmp(val, "rw") || !strcmp(val, "w"))
			o->readonly = false;
		else
			return spec_err("--disk '%s': access '%s': expected "
					"ro or rw", o->spec, val);
	} else if (!strcmp(key, "devtype")) {
		if (!strcmp(val, "cdrom"))
			o->cdrom = true;
		else if (strcmp(val, "disk"))
			return spec_err("--disk '%s': devtype '%s': expected "
					"disk or cdrom", o->spec, val);
	} else {
		return spec_err("--disk '%s': unknown key '%s' (format, vdev, "
				"access, devtype, target)", o->spec, key);
	}
	return 0;
}

int blk_spec_parse(const char *s, struct blk_spec *o, char *err,
		   size_t errlen)
{
	char *p, *next;
	bool access_set = false;

	memset(o, 0, sizeof(*o));
	if (strlen(s) >= sizeof(o->spec))
		return spec_err("--disk: spec of %zu bytes is too long",
				strlen(s));
	strcpy(o->spec, s);
	strcpy(o->copy, s);
	for (p = o->copy; p && *p; p = next) {
		char *eq = strchr(p, '=');

		if (!eq)
			return spec_err("--disk '%s': '%s' is not key=value",
					s, p);
		*eq = '\0';
		if (!strcmp(p, "target")) {
			/* last: the path may hold commas */
			o->target = eq + 1;
			break;
		}
		next = strchr(eq + 1, ',');
		if (next)
			*next++ = '\0';
		if (!strcmp(p, "access"))
			access_set = true;
		if (set_key(o, p, eq + 1, err, errlen))
			return -EINVAL;
	}
	/* never probed: a guest could write a qcow2 header into a raw disk */
	if (!o->format)
		o->format = "raw";
	if (!o->vdev[0])
		return spec_err("--disk '%s': no vdev (e.g. vdev=xvda)", s);
	if (o->cdrom && !access_set)
		o->readonly = true;
	if (o->cdrom && !o->readonly)
		return spec_err("--disk '%s': a cdrom is read-only", s);
	/* a cdrom drive may be empty (xl: no target, or an empty one) */
	if (!o->target || !*o->target) {
		if (!o->cdrom)
			return spec_err("--disk '%s': no target=PATH (the "
					"image; only a cdrom may have none)",
					s);
		o->target = "";
	}
	return 0;
}

int blk_spec_add(const char *arg, char *err, size_t errlen)
{
	struct blk_spec *o;

	if (nr_specs == MAX_DISKS)
		return spec_err("--disk '%s': at most %d disks", arg,
				MAX_DISKS);
	o = &specs[nr_specs];
	if (blk_spec_parse(arg, o, err, errlen))
		return -EINVAL;
	for (unsigned int i = 0; i < nr_specs; i++)
		if (specs[i].devid == o->devid)
			return spec_err("--disk '%s': vdev %s is already used "
					"by --disk '%s'", arg, o->vdev,
					specs[i].spec);
	nr_specs++;
	return 0;
}

static int set_disk(struct mon_config *cfg, const char *arg, char *err,
		    size_t errlen)
{
	return blk_spec_add(arg, err, errlen);
}

static const struct mon_option blk_options[] = {
	{ "disk", 0, "SPEC", "a Xen virtual disk: [format=raw|qcow2,]vdev=xvdX,"
	  "access=ro|rw,devtype=disk|cdrom,target=IMAGE (repeatable)",
	  set_disk },
};
MON_OPTIONS(blk, blk_options);

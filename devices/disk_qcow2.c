// SPDX-License-Identifier: GPL-2.0
/* qcow2: not yet (the raw layer comes first). */
#include <errno.h>

#include "devices/disk_impl.h"

static int qcow2_open(struct disk *d, char *err, size_t errlen)
{
	disk_errf(err, errlen, "%s: qcow2 images are not supported yet; "
		  "convert it with 'qemu-img convert -O raw'", d->path);
	return -ENOTSUP;
}

const struct disk_format disk_qcow2_format = {
	.name = "qcow2",
	.open = qcow2_open,
};

int disk_qcow2_create(const char *path, uint64_t size, const char *backing,
		      const char *backing_format, char *err, size_t errlen)
{
	disk_errf(err, errlen, "%s: creating qcow2 images is not supported "
		  "yet; use -f raw", path);
	return -ENOTSUP;
}

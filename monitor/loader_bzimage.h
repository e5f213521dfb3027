/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bzImage support for PVH boot: the protected-mode payload of a bzImage
 * is a compressed ELF vmlinux (xen-abi.md B.1); we take it out with the
 * distribution's libraries (liblzma, zlib, libzstd) and hand the ELF to
 * the ELF loader, which enters the kernel at its Xen PHYS32_ENTRY note.
 */
#ifndef MON_LOADER_BZIMAGE_H
#define MON_LOADER_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/loader.h"

/* Offsets in the real-mode setup header [Documentation/x86/boot.rst] */
#define BZ_SETUP_SECTS		0x1f1
#define BZ_HDRS_MAGIC		0x202	/* "HdrS" */
#define BZ_VERSION		0x206
#define BZ_PAYLOAD_OFFSET	0x248
#define BZ_PAYLOAD_LENGTH	0x24c
#define BZ_MIN_VERSION		0x0208	/* first with payload_offset */
#define BZ_MAX_KERNEL		(512U << 20)	/* sanity cap on vmlinux */

bool mon_bzimage_probe(const uint8_t *buf, size_t len);
/* Decompress the payload into a malloc'ed ELF (*out, *outlen). */
int mon_bzimage_extract(const uint8_t *buf, size_t len, uint8_t **out,
			size_t *outlen, char *err, size_t errlen);
int mon_load_bzimage(struct mon_mem *m, const uint8_t *buf, size_t len,
		     struct mon_image *img, char *err, size_t errlen);

#endif /* MON_LOADER_BZIMAGE_H */

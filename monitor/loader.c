// SPDX-License-Identifier: GPL-2.0
/*
 * Reads the guest image named by --kernel and dispatches it to a loader
 * (table below).  The flat loader lives here too: it is three lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/loader.h"
#include "monitor/loader_bzimage.h"
#include "monitor/log.h"

/*
 * Probed in order; the first whose probe accepts the image loads it.
 * Add new formats (bzImage, ...) above "elf".
 */
static const struct mon_loader loaders[] = {
	{ "bzimage", mon_bzimage_probe, mon_load_bzimage },
	{ "elf", mon_elf_probe, mon_load_elf },
};

int mon_load_flat(struct mon_mem *m, const uint8_t *buf, size_t len,
		  struct mon_image *img, char *err, size_t errlen)
{
	uint8_t *dst;

	if (!len)
		return mon_seterr(-ENOEXEC, err, errlen, "empty image");
	dst = mon_mem_ram_ptr(m, MON_FLAT_LOAD_ADDR, len);
	if (!dst)
		return mon_seterr(-ERANGE, err, errlen, "flat image of %zu bytes "
				  "does not fit in guest RAM at %#llx: give "
				  "--memory %lluK or more", len,
				  MON_FLAT_LOAD_ADDR,
				  (MON_FLAT_LOAD_ADDR + len + 4095) >> 10 & ~3ULL);
	memcpy(dst, buf, len);
	img->format = "flat";
	img->entry = MON_FLAT_LOAD_ADDR;
	img->pvh_entry = false;
	img->lo = MON_FLAT_LOAD_ADDR;
	img->hi = MON_FLAT_LOAD_ADDR + len;
	return 0;
}

static int load_buf(const struct mon_config *cfg, struct mon_mem *m,
		    const uint8_t *buf, size_t len, struct mon_image *img,
		    char *err, size_t errlen)
{
	if (cfg->flat)
		return mon_load_flat(m, buf, len, img, err, errlen);
	for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (loaders[i].probe(buf, len))
			return loaders[i].load(m, buf, len, img, err, errlen);
	return mon_seterr(-ENOEXEC, err, errlen, "unknown image format (neither "
			  "ELF nor bzImage);"
			  " for a raw binary entered at %#llx add --flat",
			  MON_FLAT_LOAD_ADDR);
}

int mon_load_image(const struct mon_config *cfg, struct mon_mem *m,
		   struct mon_image *img, char *err, size_t errlen)
{
	char why[200];
	struct stat st;
	void *buf;
	int fd, r;

	fd = open(cfg->kernel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mon_seterr(-errno, err, errlen, "cannot open guest image %s: "
				  "%s", cfg->kernel, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return mon_seterr(-EINVAL, err, errlen, "guest image %s is not a "
				  "regular file", cfg->kernel);
	}
	if (st.st_size == 0) {
		close(fd);
		return mon_seterr(-ENOEXEC, err, errlen, "guest image %s is empty",
				  cfg->kernel);
	}
	buf = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (buf == MAP_FAILED)
		return mon_seterr(-errno, err, errlen, "cannot read guest image %s:"
				  " %s", cfg->kernel, strerror(errno));
	r = load_buf(cfg, m, buf, st.st_size, img, why, sizeof(why));
	munmap(buf, st.st_size);
	if (r < 0)
		snprintf(err, errlen, "guest image %s: %s", cfg->kernel, why);
	return r;
}

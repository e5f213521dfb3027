/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest image loaders.  mon_load_image() reads --kernel and hands it to
 * the first loader of the table in loader.c whose probe accepts it (the
 * PVH helper adds a bzImage loader there); --flat forces the flat loader.
 * The ELF and flat loaders work on a buffer and a mon_mem, nothing else,
 * so tests/unit/test_loader.c feeds them crafted images.
 */
#ifndef MON_LOADER_H
#define MON_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/config.h"
#include "monitor/mem.h"

#define MON_FLAT_LOAD_ADDR	0x100000ULL
#define MON_ELF_MAX_PHDRS	512
/* XEN_ELFNOTE_PHYS32_ENTRY [xen/include/public/elfnote.h] */
#define MON_XEN_ELFNOTE_PHYS32_ENTRY	18

struct mon_image {
	const char *format;	/* "elf32", "elf64", "flat", ... */
	uint64_t entry;		/* GPA of the 32-bit entry point */
	bool pvh_entry;		/* entry from the Xen PHYS32_ENTRY note */
	uint64_t lo, hi;	/* extent of the loaded image [lo, hi) */
};

struct mon_loader {
	const char *name;
	bool (*probe)(const uint8_t *buf, size_t len);
	int (*load)(struct mon_mem *m, const uint8_t *buf, size_t len,
		    struct mon_image *img, char *err, size_t errlen);
};

bool mon_elf_probe(const uint8_t *buf, size_t len);
int mon_load_elf(struct mon_mem *m, const uint8_t *buf, size_t len,
		 struct mon_image *img, char *err, size_t errlen);
int mon_load_flat(struct mon_mem *m, const uint8_t *buf, size_t len,
		  struct mon_image *img, char *err, size_t errlen);

/* Read cfg->kernel and load it into @m (which must be allocated). */
int mon_load_image(const struct mon_config *cfg, struct mon_mem *m,
		   struct mon_image *img, char *err, size_t errlen);

#endif /* MON_LOADER_H */

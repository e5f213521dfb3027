/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the tests/unit/test_disk_*.c suites. */
#ifndef HXEN_TEST_DISK_UTIL_H
#define HXEN_TEST_DISK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/disk.h"

/* A fresh temporary directory per suite; paths inside it. */
int tdisk_setup(void);
int tdisk_cleanup(void);
/* (in one of 8 static buffers: copy it to keep it longer) */
const char *tdisk_path(const char *name);
/* Pattern byte of @seed at byte offset @off (never 0 for seed != 0). */
uint8_t tdisk_pat(unsigned int seed, uint64_t off);
void tdisk_fill(void *buf, size_t len, unsigned int seed, uint64_t off);
bool tdisk_check(const void *buf, size_t len, unsigned int seed,
		 uint64_t off);
bool tdisk_is_zero(const void *buf, size_t len);
struct disk *tdisk_open(const char *path, const char *fmt, bool ro);
/* disk_create() of tdisk_path(@name) (replacing it), then opens it. */
struct disk *tdisk_create_open(const char *name, const char *fmt,
			       uint64_t size, const char *backing,
			       const char *bfmt);
uint64_t tdisk_blocks(const char *path);	/* st_blocks * 512 */
/* Runs a shell command; its exit status (-1 if it could not run). */
int tdisk_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool tdisk_have_qemu_img(void);

#endif

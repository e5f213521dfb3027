// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the tests/unit/test_disk_*.c suites. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "disk_util.h"

static char dir[64];
static char pathbuf[8][256];
static unsigned int pathidx;

int tdisk_setup(void)
{
	strcpy(dir, "/tmp/hxen-disk-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

int tdisk_cleanup(void)
{
	if (dir[0])
		tdisk_sh("rm -rf '%s'", dir);
	dir[0] = '\0';
	return 0;
}

const char *tdisk_path(const char *name)
{
	char *p = pathbuf[pathidx++ % 8];

	snprintf(p, sizeof(pathbuf[0]), "%s/%s", dir, name);
	return p;
}

uint8_t tdisk_pat(unsigned int seed, uint64_t off)
{
	uint64_t x = (off / 8 + 1) * 0x9e3779b97f4a7c15ull + seed * 0x85ebca6bu;

	x ^= x >> 29;
	return (uint8_t)(x >> (8 * (off % 8))) | 1;
}

void tdisk_fill(void *buf, size_t len, unsigned int seed, uint64_t off)
{
	uint8_t *b = buf;

	for (size_t i = 0; i < len; i++)
		b[i] = tdisk_pat(seed, off + i);
}

bool tdisk_check(const void *buf, size_t len, unsigned int seed,
		 uint64_t off)
{
	const uint8_t *b = buf;

	for (size_t i = 0; i < len; i++)
		if (b[i] != tdisk_pat(seed, off + i))
			return false;
	return true;
}

bool tdisk_is_zero(const void *buf, size_t len)
{
	const uint8_t *b = buf;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

struct disk *tdisk_open(const char *path, const char *fmt, bool ro)
{
	struct disk_opts o = { .format = fmt, .readonly = ro };
	char err[512];
	struct disk *d = disk_open(path, &o, err, sizeof(err));

	if (!d)
		fprintf(stderr, "\n  disk_open: %s\n", err);
	return d;
}

struct disk *tdisk_create_open(const char *name, const char *fmt,
			       uint64_t size, const char *backing,
			       const char *bfmt)
{
	char err[512];
	const char *p = tdisk_path(name);

	unlink(p);
	if (disk_create(p, fmt, size, backing, bfmt, err, sizeof(err))) {
		fprintf(stderr, "\n  %s\n", err);
		return NULL;
	}
	return tdisk_open(p, NULL, false);
}

/*
 * The allocation of @path once the file system has settled it: ext4
 * counts delayed-allocation reservations in st_blocks until writeback
 * (and a hole punched meanwhile may leave them counted), so write the
 * file back first.  0 if it cannot be read.
 */
uint64_t tdisk_blocks(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return 0;
	r = fsync(fd) || fstat(fd, &st);
	close(fd);
	return r ? 0 : (uint64_t)st.st_blocks * 512;
}

int tdisk_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

bool tdisk_have_qemu_img(void)
{
	return tdisk_sh("qemu-img --version >/dev/null 2>&1") == 0;
}

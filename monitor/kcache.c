// SPDX-License-Identifier: GPL-2.0
/* Extracted-kernel cache (monitor/kcache.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <lzma.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "monitor/config.h"
#include "monitor/kcache.h"
#include "monitor/log.h"
#include "monitor/thread.h"

#define KCACHE_PREFIX	"vmlinux-"

static char cache_dir[PATH_MAX];
static bool cache_off;
static bool cache_ready;	/* cache_dir checked (and made) */

void kcache_set_dir(const char *dir)
{
	cache_off = dir && !strcmp(dir, "off");
	cache_ready = false;
	cache_dir[0] = '\0';
	if (dir && !cache_off)
		snprintf(cache_dir, sizeof(cache_dir), "%s", dir);
}

/* Ours and not writable by others: anything else could hand us a kernel. */
static bool private_stat(const struct stat *st)
{
	return st->st_uid == geteuid() && !(st->st_mode & 022);
}

/* mkdir -p, new directories 0700; the last one must be private */
static bool make_dirs(char *path)
{
	struct stat st;

	for (char *p = path + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			mon_dbg("kernel cache: cannot create %s: %s", path,
				strerror(errno));
			*p = c;
			return false;
		}
		*p = c;
		if (!c)
			break;
	}
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || !private_stat(&st)) {
		mon_warn("kernel cache %s is not a directory of yours that only "
			 "you can write: not using it (chmod go-w it, or give "
			 "--kernel-cache DIR or off)", path);
		return false;
	}
	return true;
}

const char *kcache_dir(void)
{
	const char *base;

	if (cache_off)
		return NULL;
	if (cache_ready)
		return cache_dir[0] ? cache_dir : NULL;
	cache_ready = true;
	if (!cache_dir[0]) {
		base = getenv("XDG_CACHE_HOME");
		if (base && *base == '/') {
			snprintf(cache_dir, sizeof(cache_dir), "%s/hxen/kernels",
				 base);
		} else {
			base = getenv("HOME");
			if (!base || *base != '/')
				return NULL;
			snprintf(cache_dir, sizeof(cache_dir),
				 "%s/.cache/hxen/kernels", base);
		}
	}
	if (!make_dirs(cache_dir))
		cache_dir[0] = '\0';
	return cache_dir[0] ? cache_dir : NULL;
}

void kcache_key(const uint8_t *payload, size_t plen, uint32_t elf_len,
		char key[KCACHE_KEY_LEN])
{
	/* CRC-64 is no cryptographic hash: the entries are the user's own
	 * (see private_stat), and what a collision could swap in is a
	 * guest kernel, which is untrusted anyway. */
	snprintf(key, KCACHE_KEY_LEN, KCACHE_PREFIX "%016" PRIx64 "-%zx-%x",
		 (uint64_t)lzma_crc64(payload, plen, 0), plen, elf_len);
}

static int entry_path(const char *key, char *path, size_t len)
{
	const char *dir = kcache_dir();

	if (!dir || strchr(key, '/'))
		return -1;
	if ((size_t)snprintf(path, len, "%s/%s", dir, key) >= len)
		return -1;
	return 0;
}

bool kcache_open(const char *key, size_t len, struct kcache_map *m)
{
	struct stat st;
	void *p;
	int fd;

	m->data = NULL;
	if (!len || entry_path(key, m->path, sizeof(m->path)) < 0)
		return false;
	fd = open(m->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !private_stat(&st) ||
	    (uint64_t)st.st_size != len) {
		mon_dbg("kernel cache: ignoring %s (size, type or owner)",
			m->path);
		close(fd);
		return false;
	}
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p != MAP_FAILED)
		futimens(fd, NULL);	/* recently used: trimmed last */
	close(fd);
	if (p == MAP_FAILED)
		return false;
	m->data = p;
	m->len = len;
	return true;
}

void kcache_close(struct kcache_map *m)
{
	if (m->data)
		munmap((void *)m->data, m->len);
	m->data = NULL;
}

void kcache_drop(const char *key)
{
	char path[PATH_MAX];

	if (entry_path(key, path, sizeof(path)) == 0 && unlink(path) == 0)
		mon_warn("kernel cache: dropped damaged entry %s", path);
}

static int entry_filter(const struct dirent *d)
{
	return !strncmp(d->d_name, KCACHE_PREFIX, strlen(KCACHE_PREFIX));
}

static int tmp_filter(const struct dirent *d)
{
	return !strncmp(d->d_name, ".tmp-", 5);
}

/* Temporaries of monitors killed while storing, after an hour. */
static void remove_stale_tmp(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, tmp_filter, NULL);
	time_t now = time(NULL);

	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (!lstat(path, &st) && now - st.st_mtime > 3600)
			unlink(path);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

/*
 * Does entry @a go before @b?  Least recently used first; timestamps
 * are coarse (a clock tick), so stores in a row tie: then by name, so
 * that the choice does not depend on the directory's order.
 */
static bool older(const struct timespec *a, const char *an,
		  const struct timespec *b, const char *bn)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec;
	if (a->tv_nsec != b->tv_nsec)
		return a->tv_nsec < b->tv_nsec;
	return strcmp(an, bn) < 0;
}

/*
 * Remove the least recently used entries beyond KCACHE_MAX_ENTRIES,
 * never @keep (the entry just stored: on a tie it could look oldest).
 */
static void trim(const char *dir, const char *keep)
{
	struct dirent **list;
	int n = scandir(dir, &list, entry_filter, NULL);

	while (n > KCACHE_MAX_ENTRIES) {
		char path[PATH_MAX];
		struct timespec oldest = { 0 };
		int victim = -1;

		for (int i = 0; i < n; i++) {
			struct stat st;

			snprintf(path, sizeof(path), "%s/%s", dir,
				 list[i]->d_name);
			if (!strcmp(list[i]->d_name, keep) ||
			    lstat(path, &st) < 0)
				continue;
			if (victim < 0 ||
			    older(&st.st_mtim, list[i]->d_name, &oldest,
				  list[victim]->d_name)) {
				victim = i;
				oldest = st.st_mtim;
			}
		}
		if (victim < 0)
			break;
		snprintf(path, sizeof(path), "%s/%s", dir, list[victim]->d_name);
		unlink(path);
		free(list[victim]);
		list[victim] = list[--n];
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	if (n >= 0)
		free(list);
	remove_stale_tmp(dir);
}

void kcache_store(const char *key, const uint8_t *elf, size_t len)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	const char *dir = kcache_dir();
	size_t done = 0;
	bool bad;
	int fd;

	if (!dir || entry_path(key, path, sizeof(path)) < 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		mon_dbg("kernel cache: cannot write in %s: %s", dir,
			strerror(errno));
		return;
	}
	fchmod(fd, 0644);
	while (done < len) {
		ssize_t n = write(fd, elf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	/* on disk before it has its name: an entry is whole or absent */
	bad = done != len || fsync(fd) < 0;
	bad |= close(fd) < 0;
	if (bad || rename(tmp, path) < 0) {
		mon_dbg("kernel cache: could not store %s: %s", path,
			done != len ? "short write (disk full?)" :
				      strerror(errno));
		unlink(tmp);
		return;
	}
	mon_dbg("kernel cache: stored %s (%zu KiB)", path, len >> 10);
	trim(dir, strrchr(path, '/') + 1);
}

/* kcache_store_async: one store at a time, off the boot path */
static struct {
	pthread_t thread;
	bool running;
	char key[KCACHE_KEY_LEN];
	uint8_t *elf;
	size_t len;
} pending;

static void *store_thread(void *arg)
{
	mon_thread_no_thp();
	/* after the vCPUs: the guest is booting meanwhile (Linux: per thread) */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
	kcache_store(pending.key, pending.elf, pending.len);
	free(pending.elf);
	return NULL;
}

void kcache_store_async(const char *key, uint8_t *elf, size_t len)
{
	kcache_wait();
	snprintf(pending.key, sizeof(pending.key), "%s", key);
	pending.elf = elf;
	pending.len = len;
	pending.running = !pthread_create(&pending.thread, NULL, store_thread,
					  NULL);
	if (!pending.running)
		store_thread(NULL);
}

void kcache_wait(void)
{
	if (pending.running)
		pthread_join(pending.thread, NULL);
	pending.running = false;
}

static int set_kernel_cache(struct mon_config *cfg, const char *arg,
			    char *err, size_t errlen)
{
	if (!*arg || (strcmp(arg, "off") && *arg != '/'))
		return mon_seterr(-EINVAL, err, errlen, "bad --kernel-cache "
				  "'%s': give an absolute directory or off",
				  arg);
	kcache_set_dir(arg);
	return 0;
}

static const struct mon_option kcache_options[] = {
	{ "kernel-cache", 0, "DIR|off", "keep bzImage kernels extracted in "
	  "DIR (default ~/.cache/hxen/kernels)", set_kernel_cache },
};
MON_OPTIONS(kcache, kcache_options);

// SPDX-License-Identifier: GPL-2.0
/*
 * Save files mapped for reading (hxs_map_file), guarded against the file
 * being cut short while it is mapped.
 *
 * A restore reads its file through a private read-only mapping, on several
 * threads and in several phases.  Touching a mapped page past the file's
 * end raises SIGBUS (mmap(2)), so a user who truncates or rewrites the file
 * during a restore would kill the monitor.  The handler here, for faults
 * inside a guarded mapping only, maps zeros over the rest of that mapping
 * and notes it: the reader carries on, reads zeros (which its CRCs refuse),
 * and the caller asks hxs_map_shrank() before it trusts anything it read.
 * Any other SIGBUS is what it was: the default action kills the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/stream.h"

#define GUARDS	8	/* files mapped at once: a restore, hxen's own look */

static struct guard {
	uintptr_t lo, hi;	/* 0: free */
	volatile sig_atomic_t hit;
} guards[GUARDS];
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;
static uintptr_t page_mask;	/* set before the handler: sysconf is not async-signal-safe */

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)uc;
	for (int i = 0; i < GUARDS; i++) {
		struct guard *g = &guards[i];
		uintptr_t lo = __atomic_load_n(&g->lo, __ATOMIC_ACQUIRE);
		uintptr_t hi = __atomic_load_n(&g->hi, __ATOMIC_ACQUIRE);
		uintptr_t from = a & ~page_mask;

		if (!lo || a < lo || a >= hi)
			continue;
		/* zeros from the faulting page on; the access then succeeds */
		if (mmap((void *)from, hi - from, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		    MAP_FAILED)
			break;
		g->hit = 1;
		return;
	}
	/* not ours: the fault comes again and the default action kills */
	signal(sig, SIG_DFL);
}

static void guard_install(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus,
				.sa_flags = SA_SIGINFO | SA_NODEFER };

	page_mask = (uintptr_t)sysconf(_SC_PAGESIZE) - 1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

static void guard_add(void *p, size_t len)
{
	pthread_once(&guard_once, guard_install);
	/* with all slots taken the mapping stays unguarded, as before */
	pthread_mutex_lock(&guard_lock);
	for (int i = 0; i < GUARDS; i++) {
		if (guards[i].lo)
			continue;
		guards[i].hit = 0;
		__atomic_store_n(&guards[i].hi, (uintptr_t)p + len, __ATOMIC_RELEASE);
		__atomic_store_n(&guards[i].lo, (uintptr_t)p, __ATOMIC_RELEASE);
		break;
	}
	pthread_mutex_unlock(&guard_lock);
}

static struct guard *guard_find(const void *p)
{
	for (int i = 0; i < GUARDS; i++)
		if (p && guards[i].lo == (uintptr_t)p)
			return &guards[i];
	return NULL;
}

bool hxs_map_shrank(const void *buf)
{
	struct guard *g;
	bool hit;

	pthread_mutex_lock(&guard_lock);
	g = guard_find(buf);
	hit = g && g->hit;
	pthread_mutex_unlock(&guard_lock);
	return hit;
}

/* @path opened for reading, a regular file of a sane size; fd or -errno. */
static int open_file(const char *path, struct stat *st, char *err,
		     size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0 || fstat(fd, st) < 0) {
		e = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-e));
		if (fd >= 0)
			close(fd);
		return e;
	}
	if (!S_ISREG(st->st_mode) || st->st_size > (off_t)(64ULL << 30)) {
		snprintf(err, errlen, "%s: not a regular file of a sane size",
			 path);
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int hxs_map_file(const char *path, bool populate, void **buf, size_t *len,
		 char *err, size_t errlen)
{
	struct stat st;
	int fd = open_file(path, &st, err, errlen);
	void *p;

	if (fd < 0)
		return fd;
	if (!st.st_size) {	/* the reader says what is wrong with it */
		close(fd);
		*buf = NULL;
		*len = 0;
		return 0;
	}
	/* a light look touches only the record headers; a load all of it */
	p = mmap(NULL, st.st_size, PROT_READ,
		 MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	guard_add(p, st.st_size);
	*buf = p;
	*len = st.st_size;
	return 0;
}

void hxs_unmap_file(void *buf, size_t len)
{
	struct guard *g;

	if (!buf)
		return;
	pthread_mutex_lock(&guard_lock);
	g = guard_find(buf);
	if (g) {
		__atomic_store_n(&g->lo, 0, __ATOMIC_RELEASE);
		g->hi = 0;
	}
	pthread_mutex_unlock(&guard_lock);
	munmap(buf, len);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extracted-kernel cache.  A bzImage's payload is a compressed ELF vmlinux
 * that PVH boot must take out before it can load a byte (xen-abi.md B.1);
 * for an 8 MiB xz payload that is most of the monitor's start-up time, and
 * test farms boot the same kernel thousands of times.  The cache keeps the
 * extracted ELF on disk, named after the payload's length and CRC-64, so
 * that later boots map it instead of decompressing.
 *
 * Directory: --kernel-cache DIR, else $XDG_CACHE_HOME/hxen/kernels, else
 * $HOME/.cache/hxen/kernels; --kernel-cache off turns it off.  The
 * directory and its files must belong to the user and not be writable by
 * others (a planted "kernel" is refused).  Entries are written to a
 * temporary file and renamed, so parallel monitors never see half a file;
 * an entry that is damaged is dropped and the kernel decompressed again.
 * At most KCACHE_MAX_ENTRIES are kept, the least recently used going first.
 */
#ifndef MON_KCACHE_H
#define MON_KCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KCACHE_MAX_ENTRIES	8
#define KCACHE_KEY_LEN		64

struct kcache_map {
	const uint8_t *data;
	size_t len;
	char path[4096];
};

/* The directory in use, or NULL when the cache is off or unusable. */
const char *kcache_dir(void);
/* Set the directory ("off" disables); NULL picks the default again. */
void kcache_set_dir(const char *dir);

/* Entry name of a compressed payload whose ELF is @elf_len bytes. */
void kcache_key(const uint8_t *payload, size_t plen, uint32_t elf_len,
		char key[KCACHE_KEY_LEN]);

/* Map the entry @key of @len bytes; false if absent, wrong or unsafe. */
bool kcache_open(const char *key, size_t len, struct kcache_map *m);
void kcache_close(struct kcache_map *m);
/* Forget a damaged entry (after kcache_close). */
void kcache_drop(const char *key);
/* Keep @elf under @key, then trim the cache; failures only log. */
void kcache_store(const char *key, const uint8_t *elf, size_t len);
/*
 * The same from a thread, so that the guest need not wait for the disk;
 * takes @elf (malloc'ed) and frees it.  kcache_wait() waits for it: the
 * monitor calls it before it exits.
 */
void kcache_store_async(const char *key, uint8_t *elf, size_t len);
void kcache_wait(void);

#endif /* MON_KCACHE_H */

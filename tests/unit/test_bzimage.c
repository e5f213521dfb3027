// SPDX-License-Identifier: GPL-2.0
/*
 * bzImage loader: images built here with liblzma (x86 BCJ + LZMA2, as
 * Debian's kernels), zlib and libzstd around a small PVH ELF; corrupt and
 * foreign payloads; and Debian's real vmlinuz when tests/e2e fetched it.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "unit.h"
#include "monitor/kcache.h"
#include "monitor/loader_bzimage.h"

#define KBASE	0x1000000ULL
#define ENTRY	0x1000850ULL

/* ELF64: PT_LOAD of 64 KiB (4 KiB in the file) at 16 MiB + a Xen note. */
static size_t make_elf(uint8_t *buf, bool with_note)
{
	Elf64_Ehdr *eh = (void *)buf;
	Elf64_Phdr *ph = (void *)(buf + sizeof(*eh));
	uint8_t *note = buf + 0x200;
	size_t i;

	memset(buf, 0, 0x2000);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0xffffffff81000000ULL;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_LOAD;
	ph[0].p_offset = 0x1000;
	ph[0].p_vaddr = 0xffffffff81000000ULL;
	ph[0].p_paddr = KBASE;
	ph[0].p_filesz = 0x1000;
	ph[0].p_memsz = 0x10000;
	ph[1].p_type = PT_NOTE;
	ph[1].p_offset = 0x200;
	ph[1].p_filesz = 12 + 4 + 8;
	/* namesz 4 ("Xen\0"), descsz 8, type 18 = PHYS32_ENTRY */
	note[0] = 4;
	note[4] = 8;
	note[8] = with_note ? 18 : 5;
	memcpy(note + 12, "Xen", 4);
	memcpy(note + 16, &(uint64_t){ ENTRY }, 8);
	for (i = 0; i < 0x1000; i++)
		buf[0x1000 + i] = (uint8_t)(i * 7);
	return 0x2000;
}

enum fmt { FMT_XZ, FMT_GZ, FMT_ZSTD };

static size_t pack(enum fmt f, const uint8_t *in, size_t len,
		       uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (f == FMT_XZ) {
		lzma_options_lzma opt;
		lzma_filter filters[] = {
			{ LZMA_FILTER_X86, NULL },
			{ LZMA_FILTER_LZMA2, &opt },
			{ LZMA_VLI_UNKNOWN, NULL },
		};

		lzma_lzma_preset(&opt, 6);
		CU_ASSERT_FATAL(lzma_stream_buffer_encode(filters,
				LZMA_CHECK_CRC32, NULL, in, len, out, &n,
				cap) == LZMA_OK);
	} else if (f == FMT_GZ) {
		z_stream s = { 0 };

		CU_ASSERT_FATAL(deflateInit2(&s, 9, Z_DEFLATED, 16 + MAX_WBITS,
					     8, Z_DEFAULT_STRATEGY) == Z_OK);
		s.next_in = (Bytef *)in;
		s.avail_in = len;
		s.next_out = out;
		s.avail_out = cap;
		CU_ASSERT_FATAL(deflate(&s, Z_FINISH) == Z_STREAM_END);
		n = s.total_out;
		deflateEnd(&s);
	} else {
		n = ZSTD_compress(out, cap, in, len, 19);
		CU_ASSERT_FATAL(!ZSTD_isError(n));
	}
	return n;
}

/* setup (2 sectors + boot sector) | payload | 4-byte size */
static size_t make_bz(uint8_t *img, enum fmt f, bool note, uint32_t *psize)
{
	static uint8_t elf[0x2000];
	size_t elen = make_elf(elf, note);
	size_t off = 3 * 512, n;
	uint32_t poff = 0x40;

	memset(img, 0, off + poff);
	img[BZ_SETUP_SECTS] = 2;
	memcpy(img + BZ_HDRS_MAGIC, "HdrS", 4);
	img[BZ_VERSION] = 0x0f;
	img[BZ_VERSION + 1] = 0x02;
	n = pack(f, elf, elen, img + off + poff, 0x10000);
	memcpy(img + off + poff + n, &(uint32_t){ (uint32_t)elen }, 4);
	n += 4;
	memcpy(img + BZ_PAYLOAD_OFFSET, &poff, 4);
	memcpy(img + BZ_PAYLOAD_LENGTH, &(uint32_t){ (uint32_t)n }, 4);
	if (psize)
		*psize = n;
	return off + poff + n;
}

static struct mon_mem mem;
static char cache[64];

static int setup(void)
{
	char err[128];

	/* a private kernel cache, never the user's */
	snprintf(cache, sizeof(cache), "/tmp/hxen-unit-kcache.XXXXXX");
	if (!mkdtemp(cache))
		return -1;
	kcache_set_dir(cache);
	if (mon_mem_layout(&mem, 64ULL << 20, err, sizeof(err)) ||
	    mon_mem_alloc(&mem, err, sizeof(err)))
		return -1;
	return 0;
}

static int cache_clear(void)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -f %s/vmlinux-* %s/.tmp-*", cache,
		 cache);
	return system(cmd);
}

static int teardown(void)
{
	kcache_wait();
	cache_clear();
	rmdir(cache);
	kcache_set_dir("off");
	mon_mem_free(&mem);
	return 0;
}

static void load_fmt(enum fmt f)
{
	static uint8_t img[0x20000];
	struct mon_image im = { 0 };
	size_t len = make_bz(img, f, true, NULL);
	uint8_t *k = mon_mem_ram_ptr(&mem, KBASE, 0x10000);
	char err[256] = "";
	int rc;

	memset(k, 0xaa, 0x10000);
	CU_ASSERT_TRUE(mon_bzimage_probe(img, len));
	rc = mon_load_bzimage(&mem, img, len, &im, err, sizeof(err));
	if (rc)
		fprintf(stderr, "load: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_TRUE(im.pvh_entry);
	CU_ASSERT_EQUAL(im.entry, ENTRY);
	CU_ASSERT_EQUAL(im.lo, KBASE);
	CU_ASSERT_EQUAL(im.hi, KBASE + 0x10000);
	CU_ASSERT_EQUAL(k[0], 0);
	CU_ASSERT_EQUAL(k[5], 35);
	CU_ASSERT_EQUAL(k[0x1000], 0);	/* bss zeroed */
	CU_ASSERT_EQUAL(k[0xffff], 0);
}

static void test_xz(void) { load_fmt(FMT_XZ); }
static void test_gzip(void) { load_fmt(FMT_GZ); }
static void test_zstd(void) { load_fmt(FMT_ZSTD); }

static int try_load(uint8_t *img, size_t len, char *err, size_t errlen)
{
	struct mon_image im = { 0 };

	return mon_load_bzimage(&mem, img, len, &im, err, errlen);
}

static void test_bad(void)
{
	static uint8_t img[0x20000];
	uint32_t plen;
	size_t len, off = 3 * 512 + 0x40;
	char err[256];

	/* no PVH note */
	len = make_bz(img, FMT_XZ, false, NULL);
	CU_ASSERT_EQUAL(try_load(img, len, err, sizeof(err)), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "PVH"));

	/* corrupt xz data in the middle of the stream */
	len = make_bz(img, FMT_XZ, true, &plen);
	img[off + plen / 2] ^= 0x55;
	CU_ASSERT_EQUAL(try_load(img, len, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "corrupt"));

	/* corrupt gzip, truncated zstd */
	len = make_bz(img, FMT_GZ, true, &plen);
	img[off + plen / 2] ^= 0x55;
	CU_ASSERT_EQUAL(try_load(img, len, err, sizeof(err)), -EINVAL);
	len = make_bz(img, FMT_ZSTD, true, &plen);
	memmove(img + off + plen / 2, img + off + plen - 4, 4);
	memcpy(img + BZ_PAYLOAD_LENGTH, &(uint32_t){ plen / 2 + 4 }, 4);
	CU_ASSERT_EQUAL(try_load(img, len, err, sizeof(err)), -EINVAL);

	/* recorded size wrong */
	len = make_bz(img, FMT_XZ, true, &plen);
	memcpy(img + off + plen - 4, &(uint32_t){ 0x1fff }, 4);
	CU_ASSERT_EQUAL(try_load(img, len, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "size"));

	/* payload outside the file */
	len = make_bz(img, FMT_XZ, true, &plen);
	memcpy(img + BZ_PAYLOAD_LENGTH, &(uint32_t){ 0x7fffffff }, 4);
	CU_ASSERT_EQUAL(try_load(img, len, err, sizeof(err)), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "outside"));

	/* unsupported compression is named */
	len = make_bz(img, FMT_XZ, true, &plen);
	memcpy(img + off, "BZh9", 4);
	CU_ASSERT_EQUAL(try_load(img, len, err, sizeof(err)), -ENOTSUP);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bzip2"));

	/* too old a boot protocol */
	len = make_bz(img, FMT_XZ, true, &plen);
	img[BZ_VERSION] = 0x04;
	CU_ASSERT_EQUAL(try_load(img, len, err, sizeof(err)), -ENOEXEC);

	/* not a bzImage at all */
	memset(img, 0, 0x1000);
	CU_ASSERT_FALSE(mon_bzimage_probe(img, 0x1000));
	CU_ASSERT_FALSE(mon_bzimage_probe(img, 0x100));
}

static int cache_entries(char *path, size_t len)
{
	char cmd[160];
	FILE *f;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ls -d %s/vmlinux-* 2>/dev/null", cache);
	f = popen(cmd, "r");
	CU_ASSERT_FATAL(f != NULL);
	while (fgets(path, len, f))
		n++;
	pclose(f);
	path[strcspn(path, "\n")] = '\0';
	return n;
}

static void put_file(const char *path, const uint8_t *data, size_t len,
		     mode_t mode)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, data, len), (ssize_t)len);
	close(fd);
	CU_ASSERT_EQUAL(chmod(path, mode), 0);
}

/* The extracted-kernel cache (monitor/kcache.c) behind the loader. */
static void test_cache(void)
{
	static uint8_t img[0x20000], elf[0x2000];
	uint8_t *k = mon_mem_ram_ptr(&mem, KBASE, 0x10000);
	struct mon_image im = { 0 };
	char path[512], err[256], key[KCACHE_KEY_LEN];
	size_t len, elen = make_elf(elf, true);

	CU_ASSERT_EQUAL(cache_clear(), 0);
	len = make_bz(img, FMT_XZ, true, NULL);
	CU_ASSERT_EQUAL_FATAL(mon_load_bzimage(&mem, img, len, &im, err,
					       sizeof(err)), 0);
	kcache_wait();
	CU_ASSERT_EQUAL_FATAL(cache_entries(path, sizeof(path)), 1);

	/* the next load maps the entry: change a byte there and see it */
	elf[0x1005] = 0x5a;
	put_file(path, elf, elen, 0644);
	memset(k, 0xaa, 0x10000);
	CU_ASSERT_EQUAL(mon_load_bzimage(&mem, img, len, &im, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(k[5], 0x5a);

	/* a damaged entry (zeros) is dropped; the kernel is decompressed */
	memset(elf, 0, elen);
	put_file(path, elf, elen, 0644);
	memset(k, 0xaa, 0x10000);
	CU_ASSERT_EQUAL(mon_load_bzimage(&mem, img, len, &im, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(k[5], 35);
	kcache_wait();
	CU_ASSERT_EQUAL(cache_entries(path, sizeof(path)), 1);	/* stored anew */

	/* an entry others can write is not trusted */
	make_elf(elf, true);
	elf[0x1005] = 0x5a;
	put_file(path, elf, elen, 0666);
	memset(k, 0xaa, 0x10000);
	CU_ASSERT_EQUAL(mon_load_bzimage(&mem, img, len, &im, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(k[5], 35);
	kcache_wait();

	/*
	 * at most KCACHE_MAX_ENTRIES are kept, and never the one just
	 * stored (stores in a row tie on their timestamps)
	 */
	for (unsigned int i = 0; i < KCACHE_MAX_ENTRIES + 3; i++) {
		struct kcache_map m = { 0 };

		kcache_key((uint8_t *)&i, sizeof(i), 0x2000, key);
		kcache_store(key, elf, elen);
		CU_ASSERT_TRUE(kcache_open(key, elen, &m));
		kcache_close(&m);
	}
	CU_ASSERT_EQUAL(cache_entries(path, sizeof(path)), KCACHE_MAX_ENTRIES);

	/* a directory others can write is not used; "off" is off */
	CU_ASSERT_EQUAL(chmod(cache, 0777), 0);
	kcache_set_dir(cache);
	CU_ASSERT_PTR_NULL(kcache_dir());
	CU_ASSERT_EQUAL(chmod(cache, 0700), 0);
	kcache_set_dir("off");
	CU_ASSERT_PTR_NULL(kcache_dir());
	kcache_set_dir(cache);
	CU_ASSERT_PTR_NOT_NULL(kcache_dir());
	CU_ASSERT_EQUAL(cache_clear(), 0);
}

/* Debian's own kernel, when the e2e harness has fetched it. */
static void test_debian_vmlinuz(void)
{
	const char *path = getenv("HXEN_VMLINUZ");
	struct stat st;
	uint8_t *buf, *elf;
	size_t elen;
	char err[256];
	int fd;

	if (!path)
		path = "build/e2e/kernel/vmlinuz";
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("\n  [bzimage] %s absent (run tests/e2e/fetch-kernel.sh):"
		       " Debian kernel not checked, synthetic images only\n",
		       path);
		return;
	}
	CU_ASSERT_FATAL(fstat(fd, &st) == 0);
	buf = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	CU_ASSERT_FATAL(buf != MAP_FAILED);
	CU_ASSERT_TRUE(mon_bzimage_probe(buf, st.st_size));
	CU_ASSERT_EQUAL_FATAL(mon_bzimage_extract(buf, st.st_size, &elf, &elen,
						  err, sizeof(err)), 0);
	CU_ASSERT(elen > (16 << 20));
	CU_ASSERT(!memcmp(elf, ELFMAG, SELFMAG));
	CU_ASSERT_EQUAL(elf[EI_CLASS], ELFCLASS64);
	free(elf);
	{
		struct mon_mem big;
		struct mon_image im = { 0 };

		CU_ASSERT_FATAL(mon_mem_layout(&big, 256ULL << 20, err,
					       sizeof(err)) == 0);
		CU_ASSERT_FATAL(mon_mem_alloc(&big, err, sizeof(err)) == 0);
		CU_ASSERT_EQUAL(mon_load_bzimage(&big, buf, st.st_size, &im,
						 err, sizeof(err)), 0);
		CU_ASSERT_TRUE(im.pvh_entry);
		CU_ASSERT_EQUAL(im.lo, 0x1000000);
		CU_ASSERT(im.entry > im.lo && im.entry < im.lo + 0x10000);
		CU_ASSERT(im.hi > 0x2000000 && im.hi < 0x8000000);
		mon_mem_free(&big);
	}
	munmap(buf, st.st_size);
}

static const CU_TestInfo bz_tests[] = {
	{ "xz payload (BCJ x86 + LZMA2)", test_xz },
	{ "gzip payload", test_gzip },
	{ "zstd payload", test_zstd },
	{ "bad images", test_bad },
	{ "extracted-kernel cache", test_cache },
	{ "Debian vmlinuz", test_debian_vmlinuz },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(bzimage, bz_tests, .init = setup, .cleanup = teardown);

// SPDX-License-Identifier: GPL-2.0
/*
 * bzImage -> ELF vmlinux.  The payload starts at (setup_sects + 1) * 512 +
 * payload_offset and is payload_length bytes; its last 4 bytes are the
 * little-endian size of the decompressed image, appended by the kernel's
 * build (scripts/Makefile.lib, size_append).  Formats are recognised by
 * their magic; decoding is left to liblzma, zlib and libzstd.
 */
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "monitor/kcache.h"
#include "monitor/loader_bzimage.h"
#include "monitor/log.h"
#include "monitor/pvh.h"

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

bool mon_bzimage_probe(const uint8_t *buf, size_t len)
{
	return len > BZ_PAYLOAD_LENGTH + 4 &&
	       !memcmp(buf + BZ_HDRS_MAGIC, "HdrS", 4);
}

/* Decoders: fill out[0..cap), return bytes produced or -errno. */
static long unxz(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		 const char **why)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;
	long ret;

	/* The stream header names the filter chain (x86 BCJ + LZMA2). */
	if (lzma_stream_decoder(&s, 1ULL << 30, 0) != LZMA_OK) {
		*why = "liblzma could not start a decoder";
		return -ENOMEM;
	}
	s.next_in = in;
	s.avail_in = len;
	s.next_out = out;
	s.avail_out = cap;
	r = lzma_code(&s, LZMA_FINISH);
	ret = r == LZMA_STREAM_END ? (long)(cap - s.avail_out) : -EINVAL;
	if (r == LZMA_OK || r == LZMA_BUF_ERROR)
		*why = s.avail_out ? "truncated XZ stream" :
				     "XZ stream larger than its recorded size";
	else if (r != LZMA_STREAM_END)
		*why = r == LZMA_DATA_ERROR ? "corrupt XZ data" :
		       r == LZMA_FORMAT_ERROR ? "bad XZ header" :
		       r == LZMA_OPTIONS_ERROR ? "unsupported XZ options" :
		       r == LZMA_MEMLIMIT_ERROR ? "XZ dictionary too large" :
		       "XZ decoding failed";
	lzma_end(&s);
	return ret;
}

static long gunzip(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		   const char **why)
{
	z_stream s = { 0 };
	long ret;
	int r;

	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
		*why = "zlib could not start a decoder";
		return -ENOMEM;
	}
	s.next_in = (Bytef *)in;
	s.avail_in = len;
	s.next_out = out;
	s.avail_out = cap;
	r = inflate(&s, Z_FINISH);
	ret = r == Z_STREAM_END ? (long)s.total_out : -EINVAL;
	if (r == Z_BUF_ERROR || r == Z_OK)
		*why = s.avail_out ? "truncated gzip stream" :
				     "gzip stream larger than its recorded size";
	else if (r != Z_STREAM_END)
		*why = "corrupt gzip data";
	inflateEnd(&s);
	return ret;
}

static long unzstd(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		   const char **why)
{
	size_t r = ZSTD_decompress(out, cap, in, len);

	if (ZSTD_isError(r)) {
		*why = ZSTD_getErrorName(r);
		return -EINVAL;
	}
	return (long)r;
}

static const struct {
	const char *name;
	const uint8_t magic[6];
	size_t mlen;
	long (*decode)(const uint8_t *, size_t, uint8_t *, size_t,
		       const char **);
} formats[] = {
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, unxz },
	{ "gzip", { 0x1f, 0x8b }, 2, gunzip },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, unzstd },
	/* recognised so that the message can name them */
	{ "lzma", { 0x5d, 0, 0 }, 3, NULL },
	{ "bzip2", { 'B', 'Z', 'h' }, 3, NULL },
	{ "lzo", { 0x89, 'L', 'Z', 'O' }, 4, NULL },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4, NULL },
};

/* The compressed payload of a bzImage, found from its setup header. */
struct bz_payload {
	const uint8_t *data;
	size_t len;		/* without the appended size */
	uint32_t size;		/* of the ELF inside */
	size_t format;		/* index in formats[] */
};

static int bz_parse(const uint8_t *buf, size_t len, struct bz_payload *pl,
		    char *err, size_t errlen)
{
	unsigned int version, sects;
	uint64_t off, plen;
	const uint8_t *p;
	uint32_t size;
	size_t i;

	if (!mon_bzimage_probe(buf, len))
		return pvh_err(-ENOEXEC, err, errlen, "not a bzImage (no HdrS "
			       "setup header)");
	version = buf[BZ_VERSION] | buf[BZ_VERSION + 1] << 8;
	if (version < BZ_MIN_VERSION)
		return pvh_err(-ENOEXEC, err, errlen, "bzImage boot protocol "
			       "%u.%02u is too old for PVH boot (needs 2.08: "
			       "Linux 2.6.26 or later)", version >> 8,
			       version & 0xff);
	sects = buf[BZ_SETUP_SECTS] ? buf[BZ_SETUP_SECTS] : 4;
	off = (uint64_t)(sects + 1) * 512 + get_le32(buf + BZ_PAYLOAD_OFFSET);
	plen = get_le32(buf + BZ_PAYLOAD_LENGTH);
	if (plen < 8 || off > len || plen > len - off)
		return pvh_err(-ENOEXEC, err, errlen, "corrupt bzImage: payload "
			       "[%#llx, +%#llx) lies outside the %zu-byte file",
			       (unsigned long long)off,
			       (unsigned long long)plen, len);
	p = buf + off;
	/* the decompressed size, appended after the compressed stream */
	size = get_le32(p + plen - 4);
	if (!size || size > BZ_MAX_KERNEL)
		return pvh_err(-ENOEXEC, err, errlen, "corrupt bzImage: "
			       "recorded kernel size %u is not in 1..%u MiB",
			       size, BZ_MAX_KERNEL >> 20);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!memcmp(p, formats[i].magic, formats[i].mlen))
			break;
	if (i == sizeof(formats) / sizeof(formats[0]))
		return pvh_err(-ENOEXEC, err, errlen, "bzImage payload is in an "
			       "unknown compression format (magic %02x %02x)",
			       p[0], p[1]);
	if (!formats[i].decode)
		return pvh_err(-ENOTSUP, err, errlen, "bzImage payload is %s-"
			       "compressed; hxen reads xz, gzip and zstd "
			       "kernels", formats[i].name);
	pl->data = p;
	pl->len = plen - 4;
	pl->size = size;
	pl->format = i;
	return 0;
}

static int bz_decode(const struct bz_payload *pl, uint8_t **out,
		     size_t *outlen, char *err, size_t errlen)
{
	const char *why = "unknown error";
	uint8_t *dst;
	long n;

	/* one spare byte tells "larger than recorded" from "exact" */
	dst = malloc((size_t)pl->size + 1);
	if (!dst)
		return pvh_err(-ENOMEM, err, errlen, "out of memory for a %u MiB "
			       "kernel", pl->size >> 20);
	n = formats[pl->format].decode(pl->data, pl->len, dst,
				       (size_t)pl->size + 1, &why);
	if (n >= 0 && (uint64_t)n != pl->size) {
		why = "decompressed size differs from the recorded size";
		n = -EINVAL;
	}
	if (n < 0) {
		free(dst);
		return pvh_err(-EINVAL, err, errlen, "corrupt bzImage payload "
			       "(%s): %s", formats[pl->format].name, why);
	}
	*out = dst;
	*outlen = (size_t)n;
	return 0;
}

int mon_bzimage_extract(const uint8_t *buf, size_t len, uint8_t **out,
			size_t *outlen, char *err, size_t errlen)
{
	struct bz_payload pl;
	int r = bz_parse(buf, len, &pl, err, errlen);

	return r < 0 ? r : bz_decode(&pl, out, outlen, err, errlen);
}

/* Load the vmlinux ELF taken out of a bzImage (or from the cache). */
static int load_vmlinux(struct mon_mem *m, const uint8_t *elf, size_t elen,
			struct mon_image *img, char *err, size_t errlen)
{
	char why[200];
	int r;

	if (!mon_elf_probe(elf, elen))
		return pvh_err(-ENOEXEC, err, errlen, "bzImage payload is not an"
			       " ELF vmlinux (kernel older than 2.6.26?)");
	r = mon_load_elf(m, elf, elen, img, why, sizeof(why));
	if (r < 0)
		return pvh_err(r, err, errlen, "bzImage's vmlinux: %s", why);
	if (!img->pvh_entry)
		return pvh_err(-ENOEXEC, err, errlen, "kernel has no Xen PVH "
			       "entry note (XEN_ELFNOTE_PHYS32_ENTRY): build it "
			       "with CONFIG_PVH=y");
	img->format = "bzImage";
	return 0;
}

/* A cached copy of the ELF (monitor/kcache.h): true if it loaded. */
static bool load_cached(struct mon_mem *m, const char *key, size_t size,
			struct mon_image *img)
{
	struct kcache_map cm;
	char err[256];
	int r;

	if (!kcache_open(key, size, &cm))
		return false;
	r = load_vmlinux(m, cm.data, cm.len, img, err, sizeof(err));
	if (r == 0)
		mon_dbg("kernel cache: loaded %s", cm.path);
	kcache_close(&cm);
	if (r < 0)
		kcache_drop(key);	/* decompress again below */
	return r == 0;
}

int mon_load_bzimage(struct mon_mem *m, const uint8_t *buf, size_t len,
		     struct mon_image *img, char *err, size_t errlen)
{
	char key[KCACHE_KEY_LEN];
	struct bz_payload pl;
	bool cache;
	uint8_t *elf;
	size_t elen;
	int r;

	r = bz_parse(buf, len, &pl, err, errlen);
	if (r < 0)
		return r;
	cache = kcache_dir() != NULL;
	if (cache) {
		kcache_key(pl.data, pl.len, pl.size, key);
		if (load_cached(m, key, pl.size, img))
			return 0;
	}
	r = bz_decode(&pl, &elf, &elen, err, errlen);
	if (r < 0)
		return r;
	mon_dbg("bzImage: %s payload of %zu KiB extracted to %zu KiB",
		formats[pl.format].name, pl.len >> 10, elen >> 10);
	r = load_vmlinux(m, elf, elen, img, err, errlen);
	if (r == 0 && cache)
		kcache_store_async(key, elf, elen);	/* frees elf */
	else
		free(elf);
	return r;
}

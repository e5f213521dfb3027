/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hxen state stream (docs/migration-stream.md): one format for save
 * files and live migration.  A 32-byte header, then tagged records, each
 * with its own version, length and CRC-32 (zlib's), the last one END.
 * All integers are little endian.  The reader checks the whole stream
 * (header, every record's header CRC, body CRC, version and size, RAM
 * page tables, zstd frames) before anything uses it, and names the record
 * and the reason when it refuses.
 *
 * Shared by hxen-monitor (save, restore), hxen (restore checks the file
 * before starting a monitor) and the unit tests.
 */
#ifndef MON_STREAM_H
#define MON_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hxen/hxen.h"

#define HXS_MAGIC		"HXENSTRM"
#define HXS_VERSION		1
#define HXS_PAGE		4096
#define HXS_RAM_CHUNK		512	/* pages per RAM record (2 MiB) */
#define HXS_MAX_RECORD		(64ULL << 20)
#define HXS_MAX_ARGS		256

struct hxs_header {
	char magic[8];		/* HXS_MAGIC, no NUL */
	uint32_t version;	/* HXS_VERSION */
	uint32_t size;		/* sizeof(struct hxs_header) */
	uint32_t flags;		/* 0 */
	uint32_t reserved[2];
	uint32_t crc;		/* crc32 of the 28 bytes before */
};

struct hxs_rec_hdr {
	uint32_t type;		/* enum hxs_type */
	uint32_t version;	/* the record type's version */
	uint64_t length;	/* body bytes; the body is zero-padded to 8 */
	uint32_t body_crc;	/* crc32 of the body (without padding) */
	uint32_t hdr_crc;	/* crc32 of the 20 bytes before */
};

enum hxs_type {
	HXS_END = 0,		/* empty, last */
	HXS_CONFIG = 1,		/* struct hxs_config + argc strings */
	HXS_RAM_REGION = 2,	/* struct hxs_ram_region: the RAM layout */
	HXS_RAM = 3,		/* struct hxs_ram + page table + page data */
	HXS_TSC = 4,		/* struct hxen_tsc */
	HXS_VCPU = 5,		/* struct hxs_vcpu + MSRs + FPU image */
	HXS_XEN = 6,		/* struct hxen_xen_state */
	HXS_XEN_VCPU = 7,	/* struct hxs_xen_vcpu */
	HXS_GNTTAB = 8,		/* struct hxs_gnttab + zstd frame */
	HXS_XENSTORE = 9,	/* monitor/state_xs.c */
	HXS_DEVICE = 10,	/* struct hxs_device + the device's own blob */
	HXS_CPUID = 11,		/* struct hxen_cpuid_features the guest is shown */
	HXS_NR_TYPES
};

/* The monitor's command line, so `hxen restore` can start the same VM. */
struct hxs_config {
	uint32_t argc;		/* NUL-terminated strings follow */
	uint32_t vcpus;
	uint64_t memory;	/* bytes */
	uint32_t backend;	/* HXEN_BACKEND_* of the saving host */
	uint32_t reserved;
};

struct hxs_ram_region {
	uint64_t gpa;
	uint64_t size;
};

/* Page kinds: each page is compressed on its own (lazy restore). */
#define HXS_PAGE_ZERO		0	/* length 0 */
#define HXS_PAGE_RAW		1	/* length 4096 */
#define HXS_PAGE_ZSTD		2	/* one zstd frame of a 4096-byte page */

struct hxs_page {
	uint32_t kind;
	uint32_t length;	/* bytes of data; offsets are their running sum */
};

struct hxs_ram {
	uint64_t gpa;		/* first page, 4 KiB aligned */
	uint32_t npages;	/* 1..HXS_RAM_CHUNK */
	uint32_t reserved;
	/* struct hxs_page table[npages], then the pages' data */
};

struct hxs_vcpu {
	uint32_t id;
	uint32_t nmsrs;		/* <= HXEN_MAX_MSRS */
	struct hxen_regs regs;
	struct hxen_sregs sregs;
	struct hxen_vcpu_state state;
	uint64_t xcr0;
	uint32_t fpu_size;	/* bytes of FPU image after the MSRs */
	uint32_t reserved;
	/* struct hxen_msr_entry msrs[nmsrs], then the FXSAVE/XSAVE image */
};

struct hxs_xen_vcpu {
	uint32_t id;
	uint32_t reserved;
	struct hxen_xen_vcpu_state st;
};

struct hxs_gnttab {
	uint32_t frames;	/* the table is frames * 4096 bytes */
	uint32_t reserved;
	/* one zstd frame of the whole table */
};

struct hxs_device {
	char type[16];		/* "vbd", "console" (NUL-padded) */
	uint32_t devid;
	uint32_t state;		/* backend XenbusState */
	uint32_t fstate;	/* frontend XenbusState */
	uint32_t connected;	/* 0 / 1 */
	uint32_t reserved[2];
	/* the device's blob (its save hook) */
};

/* ---- reading: every check first ---- */

struct hxs_rec {
	uint32_t type;
	uint32_t version;
	uint64_t length;
	uint64_t offset;	/* of the record header in the stream */
	const uint8_t *body;
};

struct hxs_file {
	const uint8_t *base;
	size_t size;
	struct hxs_rec *recs;
	unsigned int n;
	const struct hxs_config *cfg;
	const char **argv;	/* cfg's strings, NULL-terminated */
	const struct hxen_cpuid_features *cpuid;	/* NULL: an older file */
};

/*
 * Check the stream in @buf (all of it) and index its records.  0, or
 * -EINVAL with "record N (TYPE at offset X): reason" in @err.  The
 * buffer must outlive @f.
 */
int hxs_parse(const void *buf, size_t len, struct hxs_file *f, char *err,
	      size_t errlen);

/*
 * How much of a stream hxs_parse_opts() checks, and where RAM goes:
 *   HXS_PARSE_FULL  everything (as hxs_parse)
 *   HXS_PARSE_LIGHT everything but the data of RAM records (their body
 *                   CRC and zstd frames; headers and page tables are
 *                   checked): a quick first look, never enough on its own
 *   HXS_PARSE_HEAD  only the header and the CONFIG, CPUID and RAM_REGION
 *                   records at the start of @buf (a stream still arriving)
 * With @page_dst (FULL only), each RAM page is decompressed or copied into
 * page_dst(@opaque, gpa) as it is checked, instead of a scratch page: one
 * pass over the data both checks and loads it.  page_dst may return NULL
 * (scratch).  Memory it returns must hold zeros already: zero pages are
 * not written.
 */
enum hxs_parse_mode { HXS_PARSE_FULL, HXS_PARSE_LIGHT, HXS_PARSE_HEAD };

struct hxs_parse_opts {
	enum hxs_parse_mode mode;
	uint8_t *(*page_dst)(void *opaque, uint64_t gpa);
	void *opaque;
};

int hxs_parse_opts(const void *buf, size_t len, struct hxs_file *f,
		   const struct hxs_parse_opts *o, char *err, size_t errlen);
void hxs_file_free(struct hxs_file *f);
/*
 * The rest of the check of a stream hxs_parse_opts(HXS_PARSE_LIGHT)
 * accepted, so that the two make a full one: each RAM record's body CRC
 * and zstd frames, each page decompressed or copied into page_dst(@opaque,
 * gpa) (memory that holds zeros already; NULL: only checked), on several
 * threads (monitor/stream_ram.c).  0, or -EINVAL with the first bad record
 * and the reason in @err.
 */
int hxs_load_ram(const struct hxs_file *f,
		 uint8_t *(*page_dst)(void *opaque, uint64_t gpa), void *opaque,
		 char *err, size_t errlen);
const char *hxs_type_name(uint32_t type);
/* Decompress/copy page @i of RAM record @r (checked by hxs_parse). */
int hxs_ram_page(const struct hxs_rec *r, uint32_t i, void *out);

/*
 * stream_map.c: map a whole file read-only (hxs_unmap_file), @populate:
 * all of it at once.  0 or -errno, message.  A file cut short while it is
 * mapped reads as zeros from there on instead of raising SIGBUS, and
 * hxs_map_shrank(buf) says so: ask it before trusting what was read.
 */
int hxs_map_file(const char *path, bool populate, void **buf, size_t *len,
		 char *err, size_t errlen);
bool hxs_map_shrank(const void *buf);
void hxs_unmap_file(void *buf, size_t len);

/* ---- writing ---- */

struct hxs_ram_pool;

/*
 * How RAM pages are written: each zero page is left out either way; the
 * others raw, or each one zstd-compressed where that is shorter.  In the
 * emulated hosts zstd compresses code-like pages at 26 MB/s (level -1) to
 * 80 MB/s (level -20, 11% smaller) per thread and tmpfs writes 190 MB/s:
 * raw is the fast choice for a file; a network link is slower than zstd.
 */
#define HXS_ZSTD_RAW		0
#define HXS_ZSTD_DEFAULT	(-1)	/* hxs_writer_open()'s choice */

struct hxs_writer {
	int fd;
	uint64_t bytes;		/* written so far */
	uint64_t ram_pages, zero_pages;
	uint64_t ram_sent;	/* pages in the RAM records written */
	int err;		/* first -errno, sticky */
	int zlevel;		/* RAM pages: zstd level, 0 raw (HXS_ZSTD_*) */
	/*
	 * Raw pages are written straight from guest RAM (no copy): only for
	 * RAM that nothing writes while the writer runs (a save: vCPUs
	 * parked, backends quiesced), or the record's CRC would not match.
	 */
	bool inplace;
	/* pages the module may still write (state_xen_pages): copied */
	uint64_t *volatile_gpa;
	unsigned int nvolatile;
	void *zctx;		/* ZSTD_CCtx */
	struct hxs_ram_pool *pool;	/* RAM records' threads (stream_ram.c) */
};

int hxs_writer_open(struct hxs_writer *w, int fd);
void hxs_writer_close(struct hxs_writer *w);
/* A record from @n pieces (the body is their concatenation). */
int hxs_write_rec(struct hxs_writer *w, uint32_t type, uint32_t version,
		  const void *const *parts, const size_t *lens, unsigned int n);
int hxs_write_simple(struct hxs_writer *w, uint32_t type, const void *p,
		     size_t len);
/* Raw bytes (a record built elsewhere); the same from @n pieces. */
int hxs_write_bytes(struct hxs_writer *w, const void *p, size_t len);
struct iovec;
int hxs_write_iov(struct hxs_writer *w, struct iovec *iov, int n);
/*
 * RAM records (monitor/stream_ram.c: built on several threads, written in
 * order).  A run is 1..HXS_RAM_CHUNK pages, one record; @elide: none if
 * they are all zero; @crc (may be NULL): each page's CRC-32, taken just
 * before the page is read for the record (live migration).
 */
struct hxs_ram_run {
	uint64_t gpa;
	const uint8_t *host;
	uint32_t npages;
	bool elide;
	uint32_t *crc;
};
int hxs_write_ram_runs(struct hxs_writer *w, const struct hxs_ram_run *runs,
		       size_t n);
void hxs_ram_pool_free(struct hxs_ram_pool *p);
/* RAM records for @npages pages at @gpa from @host: zero pages elided. */
int hxs_write_ram(struct hxs_writer *w, uint64_t gpa, const uint8_t *host,
		  uint64_t npages);
/* One RAM record of exactly these 1..512 pages, zero ones included. */
int hxs_write_ram_run(struct hxs_writer *w, uint64_t gpa, const uint8_t *host,
		      uint32_t npages);
/* One record holding @len bytes zstd-compressed after @hdr. */
int hxs_write_compressed(struct hxs_writer *w, uint32_t type,
			 const void *hdr, size_t hlen, const void *data,
			 size_t len);
/* Decompress the zstd frame of such a record into exactly @len bytes. */
int hxs_decompress(const void *src, size_t slen, void *dst, size_t len);

#endif /* MON_STREAM_H */

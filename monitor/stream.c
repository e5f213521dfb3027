// SPDX-License-Identifier: GPL-2.0
/*
 * The hxen state stream: writer and checking reader (monitor/stream.h,
 * docs/migration-stream.md).  The reader trusts nothing: every length is
 * checked against what is left before it is used, every CRC and record
 * version is checked, every zstd frame is decompressed once to prove it
 * yields exactly one page, and record-level rules (one CONFIG first, RAM
 * inside the declared regions and each page once, one VCPU and XEN_VCPU
 * record per vCPU, END last with nothing after it) hold before the caller
 * sees anything.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "monitor/stream.h"
#include "monitor/stream_xs.h"

_Static_assert(sizeof(struct hxs_header) == 32, "hxs_header");
_Static_assert(sizeof(struct hxs_rec_hdr) == 24, "hxs_rec_hdr");
_Static_assert(sizeof(struct hxs_config) == 24, "hxs_config");
_Static_assert(sizeof(struct hxs_ram) == 16, "hxs_ram");
_Static_assert(sizeof(struct hxs_device) == 40, "hxs_device");

static const char *const type_names[HXS_NR_TYPES] = {
	[HXS_END] = "END", [HXS_CONFIG] = "CONFIG",
	[HXS_RAM_REGION] = "RAM_REGION", [HXS_RAM] = "RAM", [HXS_TSC] = "TSC",
	[HXS_VCPU] = "VCPU", [HXS_XEN] = "XEN", [HXS_XEN_VCPU] = "XEN_VCPU",
	[HXS_GNTTAB] = "GNTTAB", [HXS_XENSTORE] = "XENSTORE",
	[HXS_DEVICE] = "DEVICE", [HXS_CPUID] = "CPUID",
};

const char *hxs_type_name(uint32_t type)
{
	return type < HXS_NR_TYPES ? type_names[type] : "unknown";
}

static uint32_t crc(const void *p, size_t len)
{
	return (uint32_t)crc32(0L, p, len);
}

/* ---- writer ---- */

static int write_all(struct hxs_writer *w, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len && !w->err) {
		ssize_t n = write(w->fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? -errno : -EIO;
			break;
		}
		b += n;
		len -= n;
		w->bytes += n;
	}
	return w->err;
}

int hxs_write_bytes(struct hxs_writer *w, const void *p, size_t len)
{
	return write_all(w, p, len);
}

int hxs_write_iov(struct hxs_writer *w, struct iovec *iov, int n)
{
	while (n && !w->err) {
		ssize_t k = writev(w->fd, iov, n > IOV_MAX ? IOV_MAX : n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			w->err = k < 0 ? -errno : -EIO;
			break;
		}
		w->bytes += k;
		while (n && (size_t)k >= iov->iov_len) {
			k -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + k;
			iov->iov_len -= k;
		}
	}
	return w->err;
}

int hxs_writer_open(struct hxs_writer *w, int fd)
{
	struct hxs_header h = { .version = HXS_VERSION, .size = sizeof(h) };

	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->zlevel = HXS_ZSTD_DEFAULT;
	w->zctx = ZSTD_createCCtx();
	if (!w->zctx) {
		hxs_writer_close(w);
		return -ENOMEM;
	}
	memcpy(h.magic, HXS_MAGIC, 8);
	h.crc = crc(&h, offsetof(struct hxs_header, crc));
	return write_all(w, &h, sizeof(h));
}

void hxs_writer_close(struct hxs_writer *w)
{
	ZSTD_freeCCtx(w->zctx);
	hxs_ram_pool_free(w->pool);
	w->zctx = NULL;
	w->pool = NULL;
}

int hxs_write_rec(struct hxs_writer *w, uint32_t type, uint32_t version,
		  const void *const *parts, const size_t *lens, unsigned int n)
{
	static const uint8_t zeros[8];
	struct hxs_rec_hdr h = { .type = type, .version = version };
	uLong c = crc32(0L, Z_NULL, 0);

	for (unsigned int i = 0; i < n; i++) {
		h.length += lens[i];
		c = crc32(c, parts[i], lens[i]);
	}
	h.body_crc = (uint32_t)c;
	h.hdr_crc = crc(&h, offsetof(struct hxs_rec_hdr, hdr_crc));
	write_all(w, &h, sizeof(h));
	for (unsigned int i = 0; i < n; i++)
		write_all(w, parts[i], lens[i]);
	return write_all(w, zeros, (8 - h.length % 8) % 8);
}

int hxs_write_simple(struct hxs_writer *w, uint32_t type, const void *p,
		     size_t len)
{
	return hxs_write_rec(w, type, 1, &p, &len, 1);
}

int hxs_write_compressed(struct hxs_writer *w, uint32_t type,
			 const void *hdr, size_t hlen, const void *data,
			 size_t len)
{
	size_t cap = ZSTD_compressBound(len), z;
	void *out = malloc(cap);
	const void *parts[2] = { hdr, out };
	size_t lens[2] = { hlen, 0 };
	int r;

	if (!out)
		return w->err = -ENOMEM;
	z = ZSTD_compressCCtx(w->zctx, out, cap, data, len, 3);
	if (ZSTD_isError(z)) {
		free(out);
		return w->err = -EIO;
	}
	lens[1] = z;
	r = hxs_write_rec(w, type, 1, parts, lens, 2);
	free(out);
	return r;
}

int hxs_decompress(const void *src, size_t slen, void *dst, size_t len)
{
	unsigned long long sz = ZSTD_getFrameContentSize(src, slen);
	size_t n;

	if (sz != len || ZSTD_findFrameCompressedSize(src, slen) != slen)
		return -EINVAL;
	n = ZSTD_decompress(dst, len, src, slen);
	return ZSTD_isError(n) || n != len ? -EINVAL : 0;
}

/* ---- reader ---- */

struct check {
	struct hxs_file *f;
	const struct hxs_parse_opts *o;
	char *err;
	size_t errlen;
	const struct hxs_rec *rec;	/* being checked, for messages */
	unsigned int index;
	/* RAM coverage: one bitmap per region */
	unsigned int nregions;
	struct { uint64_t gpa, size; uint8_t *seen; } regions[32];
	uint64_t vcpus_seen[2], xvcpus_seen[2];	/* MON_MAX_VCPUS = 128 */
	unsigned int counts[HXS_NR_TYPES];
	uint8_t page[HXS_PAGE];
};

static int bad(struct check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct check *c, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c->rec)
		snprintf(c->err, c->errlen, "record %u (%s at offset %#" PRIx64
			 "): %s", c->index, hxs_type_name(c->rec->type),
			 c->rec->offset, why);
	else
		snprintf(c->err, c->errlen, "%s", why);
	return -EINVAL;
}

static bool zeroed(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static int check_config(struct check *c, const struct hxs_rec *r)
{
	const struct hxs_config *cfg = (const void *)r->body;
	const char *s, *end = (const char *)r->body + r->length;

	if (c->index != 0)
		return bad(c, "CONFIG must be the first record");
	if (r->length < sizeof(*cfg) + 2)
		return bad(c, "too short (%" PRIu64 " bytes)", r->length);
	if (!cfg->argc || cfg->argc > HXS_MAX_ARGS || cfg->reserved)
		return bad(c, "bad argument count %u", cfg->argc);
	if (!cfg->vcpus || cfg->vcpus > 128)
		return bad(c, "bad vCPU count %u", cfg->vcpus);
	if (cfg->memory < (1 << 20) || cfg->memory % HXS_PAGE ||
	    cfg->memory > (1ULL << 40))
		return bad(c, "bad memory size %" PRIu64, cfg->memory);
	c->f->argv = calloc(cfg->argc + 1, sizeof(char *));
	if (!c->f->argv)
		return bad(c, "out of memory");
	s = (const char *)(cfg + 1);
	for (uint32_t i = 0; i < cfg->argc; i++) {
		const char *nul = memchr(s, 0, end - s);

		if (!nul)
			return bad(c, "argument %u is not terminated", i);
		c->f->argv[i] = s;
		s = nul + 1;
	}
	if (s != end)
		return bad(c, "%zu bytes after the last argument",
			   (size_t)(end - s));
	c->f->cfg = cfg;
	return 0;
}

static int check_region(struct check *c, const struct hxs_rec *r)
{
	const struct hxs_ram_region *g = (const void *)r->body;

	if (r->length != sizeof(*g))
		return bad(c, "length %" PRIu64 ", expected %zu", r->length,
			   sizeof(*g));
	if (!g->size || (g->gpa | g->size) % HXS_PAGE ||
	    g->gpa + g->size < g->gpa || g->gpa + g->size > (1ULL << 52))
		return bad(c, "bad region [%#" PRIx64 ", +%#" PRIx64 ")",
			   g->gpa, g->size);
	if (c->nregions == 32)
		return bad(c, "more than 32 RAM regions");
	for (unsigned int i = 0; i < c->nregions; i++)
		if (g->gpa < c->regions[i].gpa + c->regions[i].size &&
		    c->regions[i].gpa < g->gpa + g->size)
			return bad(c, "region overlaps region %u", i);
	c->regions[c->nregions].gpa = g->gpa;
	c->regions[c->nregions].size = g->size;
	c->regions[c->nregions].seen = calloc(g->size / HXS_PAGE / 8 + 1, 1);
	if (!c->regions[c->nregions].seen)
		return bad(c, "out of memory");
	c->nregions++;
	return 0;
}

static int check_ram(struct check *c, const struct hxs_rec *r)
{
	const struct hxs_ram *h = (const void *)r->body;
	const struct hxs_page *tab = (const void *)(h + 1);
	const uint8_t *data;
	uint64_t left, end;
	unsigned int g;
	uint8_t *dst;

	if (r->length < sizeof(*h))
		return bad(c, "too short");
	if (!h->npages || h->npages > HXS_RAM_CHUNK || h->reserved ||
	    h->gpa % HXS_PAGE)
		return bad(c, "bad header (gpa %#" PRIx64 ", %u pages)", h->gpa,
			   h->npages);
	if (r->length < sizeof(*h) + (uint64_t)h->npages * sizeof(*tab))
		return bad(c, "page table cut short");
	end = h->gpa + (uint64_t)h->npages * HXS_PAGE;
	for (g = 0; g < c->nregions; g++)
		if (h->gpa >= c->regions[g].gpa &&
		    end <= c->regions[g].gpa + c->regions[g].size)
			break;
	if (g == c->nregions)
		return bad(c, "pages [%#" PRIx64 ", %#" PRIx64 ") are outside "
			   "every RAM region before it", h->gpa, end);
	data = (const uint8_t *)(tab + h->npages);
	left = r->length - sizeof(*h) - h->npages * sizeof(*tab);
	for (uint32_t i = 0; i < h->npages; i++) {
		uint64_t pfn = (h->gpa - c->regions[g].gpa) / HXS_PAGE + i;
		uint8_t *seen = &c->regions[g].seen[pfn / 8];

		if (*seen & (1 << pfn % 8))
			return bad(c, "page %#" PRIx64 " saved twice",
				   h->gpa + (uint64_t)i * HXS_PAGE);
		*seen |= 1 << pfn % 8;
		if (tab[i].length > left)
			return bad(c, "page %u: %u bytes, only %" PRIu64 " left",
				   i, tab[i].length, left);
		dst = c->o->page_dst && c->o->mode == HXS_PARSE_FULL ?
		      c->o->page_dst(c->o->opaque, h->gpa + (uint64_t)i * HXS_PAGE) :
		      NULL;
		switch (tab[i].kind) {
		case HXS_PAGE_ZERO:
			if (tab[i].length)
				return bad(c, "page %u: zero page with data", i);
			break;
		case HXS_PAGE_RAW:
			if (tab[i].length != HXS_PAGE)
				return bad(c, "page %u: raw page of %u bytes", i,
					   tab[i].length);
			if (dst)
				memcpy(dst, data, HXS_PAGE);
			break;
		case HXS_PAGE_ZSTD:
			if (!tab[i].length || tab[i].length >= HXS_PAGE)
				return bad(c, "page %u: not one zstd frame of a "
					   "4096-byte page", i);
			if (c->o->mode == HXS_PARSE_LIGHT)
				break;	/* the data is checked by a full parse */
			if (hxs_decompress(data, tab[i].length, dst ? dst : c->page,
					   HXS_PAGE))
				return bad(c, "page %u: not one zstd frame of a "
					   "4096-byte page", i);
			break;
		default:
			return bad(c, "page %u: unknown kind %u", i, tab[i].kind);
		}
		data += tab[i].length;
		left -= tab[i].length;
	}
	if (left)
		return bad(c, "%" PRIu64 " bytes after the last page", left);
	return 0;
}

static int check_id(struct check *c, uint32_t id, uint64_t *seen)
{
	if (!c->f->cfg || id >= c->f->cfg->vcpus)
		return bad(c, "vCPU %u of %u", id, c->f->cfg ? c->f->cfg->vcpus : 0);
	if (seen[id / 64] & (1ULL << id % 64))
		return bad(c, "vCPU %u twice", id);
	seen[id / 64] |= 1ULL << id % 64;
	return 0;
}

static int check_vcpu(struct check *c, const struct hxs_rec *r)
{
	const struct hxs_vcpu *v = (const void *)r->body;

	if (r->length < sizeof(*v))
		return bad(c, "too short");
	if (v->nmsrs > HXEN_MAX_MSRS || v->reserved || v->fpu_size < 512 ||
	    v->fpu_size > sizeof(((struct hxen_fpu *)0)->region))
		return bad(c, "bad header (%u MSRs, FPU image of %u bytes)",
			   v->nmsrs, v->fpu_size);
	if (r->length != sizeof(*v) + v->nmsrs * sizeof(struct hxen_msr_entry) +
			 v->fpu_size)
		return bad(c, "length %" PRIu64 " does not match its MSRs and "
			   "FPU image", r->length);
	if (v->state.version != HXEN_STATE_VERSION)
		return bad(c, "vCPU state version %u, this hxen reads %u",
			   v->state.version, HXEN_STATE_VERSION);
	return check_id(c, v->id, c->vcpus_seen);
}

static int check_gnttab(struct check *c, const struct hxs_rec *r)
{
	const struct hxs_gnttab *g = (const void *)r->body;
	size_t len;
	void *buf;
	int e;

	if (r->length <= sizeof(*g) || !g->frames || g->frames > 64 ||
	    g->reserved)
		return bad(c, "bad header");
	len = (size_t)g->frames * HXS_PAGE;
	buf = malloc(len);
	if (!buf)
		return bad(c, "out of memory");
	e = hxs_decompress(g + 1, r->length - sizeof(*g), buf, len);
	free(buf);
	return e ? bad(c, "not one zstd frame of %u pages", g->frames) : 0;
}

static int check_device(struct check *c, const struct hxs_rec *r)
{
	const struct hxs_device *d = (const void *)r->body;

	if (r->length < sizeof(*d))
		return bad(c, "too short");
	if (!memchr(d->type, 0, sizeof(d->type)) || !d->type[0])
		return bad(c, "device type is not a string");
	if (d->state > 8 || d->fstate > 8 || d->connected > 1 ||
	    !zeroed(d->reserved, sizeof(d->reserved)))
		return bad(c, "bad device header of %s/%u", d->type, d->devid);
	return 0;
}

static int check_body(struct check *c, const struct hxs_rec *r)
{
	char why[160] = "";

	if (r->version != 1)
		return bad(c, "version %u, this hxen reads version 1 (a newer "
			   "hxen wrote it?)", r->version);
	switch (r->type) {
	case HXS_CONFIG:
		return check_config(c, r);
	case HXS_RAM_REGION:
		return check_region(c, r);
	case HXS_RAM:
		return check_ram(c, r);
	case HXS_TSC:
		if (r->length != sizeof(struct hxen_tsc))
			return bad(c, "length %" PRIu64, r->length);
		return 0;
	case HXS_VCPU:
		return check_vcpu(c, r);
	case HXS_XEN:
		if (r->length != sizeof(struct hxen_xen_state))
			return bad(c, "length %" PRIu64 ", expected %zu",
				   r->length, sizeof(struct hxen_xen_state));
		if (((const struct hxen_xen_state *)r->body)->version !=
		    HXEN_STATE_VERSION)
			return bad(c, "Xen state version %u",
				   ((const struct hxen_xen_state *)r->body)->version);
		return 0;
	case HXS_XEN_VCPU:
		if (r->length != sizeof(struct hxs_xen_vcpu))
			return bad(c, "length %" PRIu64, r->length);
		return check_id(c, ((const struct hxs_xen_vcpu *)r->body)->id,
				c->xvcpus_seen);
	case HXS_GNTTAB:
		return check_gnttab(c, r);
	case HXS_XENSTORE:
		if (hxs_xs_check(r->body, r->length, why, sizeof(why)))
			return bad(c, "%s", why);
		return 0;
	case HXS_DEVICE:
		return check_device(c, r);
	case HXS_CPUID: {
		const struct hxen_cpuid_features *cf = (const void *)r->body;

		if (r->length != sizeof(*cf))
			return bad(c, "length %" PRIu64 ", expected %zu",
				   r->length, sizeof(*cf));
		if (cf->version != HXEN_STATE_VERSION || cf->flags ||
		    cf->reserved[0] || cf->reserved[1] || cf->reserved[2])
			return bad(c, "CPUID features version %u or reserved "
				   "fields set", cf->version);
		c->f->cpuid = cf;
		return 0;
	}
	case HXS_END:
		return r->length ? bad(c, "END with a body") : 0;
	default:
		return bad(c, "unknown record type %u", r->type);
	}
}

static int check_all(struct check *c)
{
	const struct hxs_header *h = (const void *)c->f->base;
	struct hxs_file *f = c->f;
	uint64_t off = sizeof(*h);
	unsigned int cap = 0;

	if (f->size < sizeof(*h))
		return bad(c, "not an hxen save file: %zu bytes, shorter than "
			   "the header", f->size);
	if (memcmp(h->magic, HXS_MAGIC, 8))
		return bad(c, "not an hxen save file (no %s magic)", HXS_MAGIC);
	if (h->crc != crc(h, offsetof(struct hxs_header, crc)))
		return bad(c, "header: CRC mismatch (the file is damaged)");
	if (h->version != HXS_VERSION)
		return bad(c, "header: stream version %u, this hxen reads %u "
			   "(written by a %s hxen)", h->version, HXS_VERSION,
			   h->version > HXS_VERSION ? "newer" : "older");
	if (h->size != sizeof(*h) || h->flags || h->reserved[0] ||
	    h->reserved[1])
		return bad(c, "header: unknown size or flags");
	for (;;) {
		struct hxs_rec_hdr rh;
		struct hxs_rec *r;
		uint64_t padded;

		c->rec = NULL;
		if (c->o->mode == HXS_PARSE_HEAD && f->size - off < sizeof(rh))
			break;
		if (f->size - off < sizeof(rh))
			return bad(c, "cut short after record %u (offset %#"
				   PRIx64 "): no END record", f->n, off);
		memcpy(&rh, f->base + off, sizeof(rh));
		/* a head: CONFIG, CPUID, the RAM layout; whatever follows */
		if (c->o->mode == HXS_PARSE_HEAD && rh.type != HXS_CONFIG &&
		    rh.type != HXS_CPUID && rh.type != HXS_RAM_REGION)
			break;
		c->rec = NULL;		/* the message names this one itself */
		if (rh.hdr_crc != crc(&rh, offsetof(struct hxs_rec_hdr, hdr_crc)))
			return bad(c, "record %u at offset %#" PRIx64 ": header "
				   "CRC mismatch", f->n, off);
		if (f->n == cap) {
			void *p = realloc(f->recs, (cap = cap ? 2 * cap : 64) *
					  sizeof(*f->recs));

			if (!p)
				return bad(c, "out of memory");
			f->recs = p;
		}
		r = &f->recs[f->n];
		*r = (struct hxs_rec){ .type = rh.type, .version = rh.version,
				       .length = rh.length, .offset = off,
				       .body = f->base + off + sizeof(rh) };
		c->rec = r;
		c->index = f->n++;
		padded = (rh.length + 7) & ~7ULL;
		if (rh.length > HXS_MAX_RECORD ||
		    padded > f->size - off - sizeof(rh))
			return bad(c, "length %" PRIu64 " runs past the end of "
				   "the file (%zu bytes)", rh.length, f->size);
		/* a light look leaves the bulk (RAM data) to the full one */
		if ((c->o->mode != HXS_PARSE_LIGHT || rh.type != HXS_RAM) &&
		    rh.body_crc != crc(r->body, rh.length))
			return bad(c, "body CRC mismatch (the file is damaged)");
		if (!zeroed(r->body + rh.length, padded - rh.length))
			return bad(c, "padding is not zero");
		if (check_body(c, r))
			return -EINVAL;
		if (r->type < HXS_NR_TYPES)
			c->counts[r->type]++;
		off += sizeof(rh) + padded;
		if (r->type == HXS_END)
			break;
	}
	c->rec = NULL;
	if (c->o->mode == HXS_PARSE_HEAD)
		return f->cfg ? 0 : bad(c, "no CONFIG record at the start");
	if (off != f->size)
		return bad(c, "%zu bytes after the END record", f->size - off);
	if (!c->counts[HXS_CONFIG] || !c->counts[HXS_RAM_REGION] ||
	    c->counts[HXS_TSC] != 1)
		return bad(c, "incomplete: CONFIG, RAM_REGION or TSC missing");
	if (c->counts[HXS_VCPU] != f->cfg->vcpus)
		return bad(c, "%u VCPU records for %u vCPUs",
			   c->counts[HXS_VCPU], f->cfg->vcpus);
	if (c->counts[HXS_XEN] > 1 || (c->counts[HXS_XEN] &&
	    c->counts[HXS_XEN_VCPU] != f->cfg->vcpus) ||
	    (!c->counts[HXS_XEN] && c->counts[HXS_XEN_VCPU]))
		return bad(c, "XEN and XEN_VCPU records do not match the vCPUs");
	if (c->counts[HXS_GNTTAB] > 1 || c->counts[HXS_XENSTORE] > 1 ||
	    c->counts[HXS_CPUID] > 1)
		return bad(c, "more than one GNTTAB, XENSTORE or CPUID record");
	return 0;
}

int hxs_parse(const void *buf, size_t len, struct hxs_file *f, char *err,
	      size_t errlen)
{
	static const struct hxs_parse_opts full = { .mode = HXS_PARSE_FULL };

	return hxs_parse_opts(buf, len, f, &full, err, errlen);
}

int hxs_parse_opts(const void *buf, size_t len, struct hxs_file *f,
		   const struct hxs_parse_opts *o, char *err, size_t errlen)
{
	struct check *c = calloc(1, sizeof(*c));
	int r;

	memset(f, 0, sizeof(*f));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	f->base = buf;
	f->size = len;
	c->f = f;
	c->o = o;
	c->err = err;
	c->errlen = errlen;
	r = check_all(c);
	for (unsigned int i = 0; i < c->nregions; i++)
		free(c->regions[i].seen);
	free(c);
	if (r)
		hxs_file_free(f);
	return r;
}

void hxs_file_free(struct hxs_file *f)
{
	free(f->recs);
	free(f->argv);
	f->recs = NULL;
	f->argv = NULL;
	f->n = 0;
	f->cfg = NULL;
}

int hxs_ram_page(const struct hxs_rec *r, uint32_t i, void *out)
{
	const struct hxs_ram *h = (const void *)r->body;
	const struct hxs_page *tab = (const void *)(h + 1);
	const uint8_t *data = (const uint8_t *)(tab + h->npages);

	for (uint32_t k = 0; k < i; k++)
		data += tab[k].length;
	switch (tab[i].kind) {
	case HXS_PAGE_ZERO:
		memset(out, 0, HXS_PAGE);
		return 0;
	case HXS_PAGE_RAW:
		memcpy(out, data, HXS_PAGE);
		return 0;
	default:
		return hxs_decompress(data, tab[i].length, out, HXS_PAGE);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * RAM records of the state stream, built on several threads.  Every page
 * is its own zstd frame (a reader can fetch one page without the others),
 * so libzstd's own workers (ZSTD_c_nbWorkers, which split one large frame)
 * have nothing to split: instead each 2 MiB chunk is one job, and a job
 * builds its whole record (zero-page test, compression, body CRC, record
 * header) on a worker with a ZSTD_CCtx of its own.  The caller's thread
 * takes jobs too, then writes the records in order, so the stream is the
 * same byte for byte whatever the number of threads.
 *
 * The level is the writer's (stream.h: raw for save files, a fast zstd
 * level for migration); zero pages need no zstd at all.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "monitor/stream.h"
#include "monitor/thread.h"

#define RAM_THREADS	4	/* at most, the caller's own included */
#define RAM_BATCH	8	/* chunks in flight */
#define RAM_REC_MAX	(sizeof(struct hxs_rec_hdr) + sizeof(struct hxs_ram) + \
			 HXS_RAM_CHUNK * (sizeof(struct hxs_page) + HXS_PAGE) + 8)

struct ram_job {
	struct hxs_ram_run run;
	uint8_t *out;		/* RAM_REC_MAX bytes */
	size_t out_len;		/* 0: nothing to write */
	uint32_t zero;		/* zero pages in it */
	bool done;
	/* in place: the record's header and table, then runs of guest RAM */
	struct iovec iov[HXS_RAM_CHUNK + 1];
	int niov;
};

struct ram_worker {
	struct hxs_ram_pool *p;
	ZSTD_CCtx *z;
};

struct hxs_ram_pool {
	pthread_t th[RAM_THREADS];
	ZSTD_CCtx *z[RAM_THREADS];	/* [0] is the caller's, [i + 1] th[i]'s */
	struct ram_worker arg[RAM_THREADS];
	unsigned int nth;		/* workers started */
	pthread_mutex_t lock;
	pthread_cond_t go, done;
	/* job n is in slot n % RAM_BATCH; taken in order */
	struct ram_job jobs[RAM_BATCH];
	uint64_t posted, next;
	int level;		/* the writer's zlevel, for this call */
	bool inplace;		/* and its inplace */
	const uint64_t *volatile_gpa;	/* and its pages to copy */
	unsigned int nvolatile;
	bool stop;
};

/* Eight words per test: under an emulator each branch costs. */
static bool page_is_zero(const uint8_t *p)
{
	const uint64_t *q = (const uint64_t *)p;

	for (unsigned int i = 0; i < HXS_PAGE / 8; i += 8)
		if (q[i] | q[i + 1] | q[i + 2] | q[i + 3] | q[i + 4] | q[i + 5] |
		    q[i + 6] | q[i + 7])
			return false;
	return true;
}

/*
 * Raw pages straight from guest RAM: the header and page table in the
 * job's buffer, the CRC over them and the pages in place, and an iovec
 * (a 4096-byte page keeps the body a multiple of 8: no padding).
 */
static void run_inplace(struct ram_job *j)
{
	struct hxs_rec_hdr *rh = (void *)j->out;
	struct hxs_ram *r = (void *)(rh + 1);
	struct hxs_page *tab = (void *)(r + 1);
	size_t head = sizeof(*r) + j->run.npages * sizeof(*tab);
	uLong c;

	j->zero = 0;
	j->out_len = 0;
	j->niov = 1;
	*r = (struct hxs_ram){ .gpa = j->run.gpa, .npages = j->run.npages };
	for (uint32_t i = 0; i < j->run.npages; i++) {
		bool zero = page_is_zero(j->run.host + (size_t)i * HXS_PAGE);

		tab[i] = zero ? (struct hxs_page){ HXS_PAGE_ZERO, 0 } :
				(struct hxs_page){ HXS_PAGE_RAW, HXS_PAGE };
		j->zero += zero;
	}
	if (j->run.elide && j->zero == j->run.npages)
		return;
	c = crc32(0L, (const void *)r, head);
	for (uint32_t i = 0; i < j->run.npages; i++) {
		const uint8_t *pg = j->run.host + (size_t)i * HXS_PAGE;
		struct iovec *last = &j->iov[j->niov - 1];

		if (tab[i].kind != HXS_PAGE_RAW)
			continue;
		c = crc32(c, pg, HXS_PAGE);
		if (j->niov > 1 && (uint8_t *)last->iov_base + last->iov_len == pg)
			last->iov_len += HXS_PAGE;
		else
			j->iov[j->niov++] = (struct iovec){ (void *)pg, HXS_PAGE };
	}
	*rh = (struct hxs_rec_hdr){ .type = HXS_RAM, .version = 1,
				    .length = head + (uint64_t)(j->run.npages - j->zero) *
					      HXS_PAGE };
	rh->body_crc = (uint32_t)c;
	rh->hdr_crc = (uint32_t)crc32(0L, (const void *)rh,
				      offsetof(struct hxs_rec_hdr, hdr_crc));
	j->iov[0] = (struct iovec){ j->out, sizeof(*rh) + head };
	j->out_len = sizeof(*rh) + rh->length;
}

/* One chunk into one whole record (header, body, padding). */
static void run_job(struct ram_job *j, ZSTD_CCtx *z, int level)
{
	static const uint8_t zeros[8];
	struct hxs_rec_hdr *rh = (void *)j->out;
	struct hxs_ram *r = (void *)(rh + 1);
	struct hxs_page *tab = (void *)(r + 1);
	uint8_t *data = (uint8_t *)(tab + j->run.npages);
	size_t used = 0, len;

	j->zero = 0;
	j->out_len = 0;
	j->niov = 0;
	*r = (struct hxs_ram){ .gpa = j->run.gpa, .npages = j->run.npages };
	for (uint32_t i = 0; i < j->run.npages; i++) {
		const uint8_t *pg = j->run.host + (size_t)i * HXS_PAGE;
		size_t c;

		if (j->run.crc)
			j->run.crc[i] = (uint32_t)crc32(0L, pg, HXS_PAGE);
		if (page_is_zero(pg)) {
			tab[i] = (struct hxs_page){ HXS_PAGE_ZERO, 0 };
			j->zero++;
			continue;
		}
		c = level == HXS_ZSTD_RAW ? 0 :
		    ZSTD_compressCCtx(z, data + used, HXS_PAGE - 1, pg, HXS_PAGE,
				      level);
		if (c && !ZSTD_isError(c) && c < HXS_PAGE) {
			tab[i] = (struct hxs_page){ HXS_PAGE_ZSTD, (uint32_t)c };
		} else {
			memcpy(data + used, pg, HXS_PAGE);
			c = HXS_PAGE;
			tab[i] = (struct hxs_page){ HXS_PAGE_RAW, HXS_PAGE };
		}
		used += c;
	}
	if (j->run.elide && j->zero == j->run.npages)
		return;
	len = (size_t)(data - (uint8_t *)r) + used;
	*rh = (struct hxs_rec_hdr){ .type = HXS_RAM, .version = 1, .length = len };
	rh->body_crc = (uint32_t)crc32(0L, (const void *)r, len);
	rh->hdr_crc = (uint32_t)crc32(0L, (const void *)rh,
				      offsetof(struct hxs_rec_hdr, hdr_crc));
	memcpy((uint8_t *)r + len, zeros, (8 - len % 8) % 8);
	j->out_len = sizeof(*rh) + len + (8 - len % 8) % 8;
}

/* A page of @run that the module may write while it is read: copy it. */
static bool run_volatile(const struct hxs_ram_pool *p, const struct hxs_ram_run *run)
{
	uint64_t end = run->gpa + (uint64_t)run->npages * HXS_PAGE;

	for (unsigned int i = 0; i < p->nvolatile; i++)
		if (p->volatile_gpa[i] >= run->gpa && p->volatile_gpa[i] < end)
			return true;
	return false;
}

/* Take the next job and run it; the lock is held around the counters. */
static void take_one(struct hxs_ram_pool *p, ZSTD_CCtx *z)
{
	struct ram_job *j = &p->jobs[p->next++ % RAM_BATCH];

	pthread_mutex_unlock(&p->lock);
	if (p->inplace && p->level == HXS_ZSTD_RAW && !j->run.crc &&
	    !run_volatile(p, &j->run))
		run_inplace(j);
	else
		run_job(j, z, p->level);
	pthread_mutex_lock(&p->lock);
	j->done = true;
	pthread_cond_broadcast(&p->done);
}

static void *worker(void *arg)
{
	struct ram_worker *me = arg;
	struct hxs_ram_pool *p = me->p;
	ZSTD_CCtx *z = me->z;

	mon_thread_no_thp();
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->next >= p->posted)
			pthread_cond_wait(&p->go, &p->lock);
		if (p->stop)
			break;
		take_one(p, z);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void hxs_ram_pool_free(struct hxs_ram_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	for (unsigned int i = 0; i < RAM_THREADS; i++)
		ZSTD_freeCCtx(p->z[i]);
	for (unsigned int i = 0; i < RAM_BATCH; i++)
		free(p->jobs[i].out);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->done);
	free(p);
}

static struct hxs_ram_pool *pool_new(void)
{
	struct hxs_ram_pool *p = calloc(1, sizeof(*p));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int want = cpus < 1 ? 1 : cpus > RAM_THREADS ? RAM_THREADS : cpus;

	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
	for (unsigned int i = 0; i < RAM_BATCH; i++)
		if (!(p->jobs[i].out = malloc(RAM_REC_MAX)))
			goto fail;
	for (unsigned int i = 0; i < want; i++)
		if (!(p->z[i] = ZSTD_createCCtx()))
			goto fail;
	/* fewer workers than asked for is only slower */
	for (unsigned int i = 0; i + 1 < want; i++) {
		p->arg[i] = (struct ram_worker){ p, p->z[i + 1] };
		if (pthread_create(&p->th[i], NULL, worker, &p->arg[i]))
			break;
		p->nth++;
	}
	return p;
fail:
	hxs_ram_pool_free(p);
	return NULL;
}

int hxs_write_ram_runs(struct hxs_writer *w, const struct hxs_ram_run *runs,
		       size_t n)
{
	struct hxs_ram_pool *p;
	size_t written = 0;

	if (!w->pool && !(w->pool = pool_new()))
		return w->err = -ENOMEM;
	p = w->pool;
	pthread_mutex_lock(&p->lock);
	p->posted = p->next = 0;
	p->level = w->zlevel;
	p->inplace = w->inplace;
	p->volatile_gpa = w->volatile_gpa;
	p->nvolatile = w->nvolatile;
	while (written < n && !w->err) {
		struct ram_job *j;

		/* keep the workers fed: up to RAM_BATCH chunks ahead */
		while (p->posted < n && p->posted - written < RAM_BATCH) {
			j = &p->jobs[p->posted % RAM_BATCH];
			j->run = runs[p->posted++];
			j->done = false;
			pthread_cond_broadcast(&p->go);
		}
		/* the oldest one, done here if no worker took it yet */
		j = &p->jobs[written % RAM_BATCH];
		while (!j->done) {
			if (p->next < p->posted)
				take_one(p, p->z[0]);
			else
				pthread_cond_wait(&p->done, &p->lock);
		}
		pthread_mutex_unlock(&p->lock);
		w->ram_pages += j->run.npages;
		w->zero_pages += j->zero;
		if (j->out_len) {
			w->ram_sent += j->run.npages;
			if (j->niov)
				hxs_write_iov(w, j->iov, j->niov);
			else
				hxs_write_bytes(w, j->out, j->out_len);
		}
		written++;
		pthread_mutex_lock(&p->lock);
	}
	/* after an error: the workers finish what they took */
	while (p->next < p->posted)
		take_one(p, p->z[0]);
	for (uint64_t i = written; i < p->posted; i++)
		while (!p->jobs[i % RAM_BATCH].done)
			pthread_cond_wait(&p->done, &p->lock);
	p->posted = p->next = 0;
	pthread_mutex_unlock(&p->lock);
	return w->err;
}

int hxs_write_ram_run(struct hxs_writer *w, uint64_t gpa, const uint8_t *host,
		      uint32_t npages)
{
	struct hxs_ram_run r = { gpa, host, npages, false, NULL };

	if (!npages || npages > HXS_RAM_CHUNK)
		return w->err = -EINVAL;
	return hxs_write_ram_runs(w, &r, 1);
}

int hxs_write_ram(struct hxs_writer *w, uint64_t gpa, const uint8_t *host,
		  uint64_t npages)
{
	size_t n = (npages + HXS_RAM_CHUNK - 1) / HXS_RAM_CHUNK;
	struct hxs_ram_run *runs = calloc(n ? n : 1, sizeof(*runs));
	int r;

	if (!runs)
		return w->err = -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint64_t left = npages - i * HXS_RAM_CHUNK;

		/* an all-zero chunk needs no record at all */
		runs[i] = (struct hxs_ram_run){
			.gpa = gpa + i * HXS_RAM_CHUNK * HXS_PAGE,
			.host = host + i * HXS_RAM_CHUNK * HXS_PAGE,
			.npages = left > HXS_RAM_CHUNK ? HXS_RAM_CHUNK : left,
			.elide = true,
		};
	}
	r = hxs_write_ram_runs(w, runs, n);
	free(runs);
	return r;
}

/* ---- reading: the RAM data of a stream, on several threads ---- */

struct ram_load {
	const struct hxs_file *f;
	uint8_t *(*page_dst)(void *opaque, uint64_t gpa);
	void *opaque;
	unsigned int next;	/* record index, taken under @lock */
	unsigned int bad;	/* lowest failed record index, or f->n */
	const char *why;
	uint32_t bad_page;
	pthread_mutex_t lock;
};

/* One RAM record: body CRC, every page into its place.  NULL or why not. */
static const char *load_rec(struct ram_load *l, const struct hxs_rec *r,
			    uint8_t *scratch, uint32_t *page)
{
	const struct hxs_ram *h = (const void *)r->body;
	const struct hxs_page *tab = (const void *)(h + 1);
	const uint8_t *data = (const uint8_t *)(tab + h->npages);
	struct hxs_rec_hdr rh;

	*page = UINT32_MAX;	/* the record, not one of its pages */
	memcpy(&rh, l->f->base + r->offset, sizeof(rh));
	if (rh.body_crc != (uint32_t)crc32(0L, r->body, r->length))
		return "body CRC mismatch (the file is damaged)";
	/* the page table was checked (HXS_PARSE_LIGHT): lengths fit */
	for (uint32_t i = 0; i < h->npages; i++) {
		uint8_t *dst = l->page_dst ?
			       l->page_dst(l->opaque, h->gpa + (uint64_t)i * HXS_PAGE) :
			       NULL;

		if (tab[i].kind == HXS_PAGE_RAW && dst) {
			memcpy(dst, data, HXS_PAGE);
		} else if (tab[i].kind == HXS_PAGE_ZSTD &&
			   hxs_decompress(data, tab[i].length, dst ? dst : scratch,
					  HXS_PAGE)) {
			*page = i;
			return "not one zstd frame of a 4096-byte page";
		}
		data += tab[i].length;
	}
	return NULL;
}

static void *load_worker(void *arg)
{
	struct ram_load *l = arg;
	uint8_t *scratch = malloc(HXS_PAGE);

	mon_thread_no_thp();
	pthread_mutex_lock(&l->lock);
	while (scratch && l->next < l->f->n && l->next < l->bad) {
		unsigned int i = l->next++;
		const struct hxs_rec *r = &l->f->recs[i];
		const char *why = NULL;
		uint32_t page = 0;

		if (r->type != HXS_RAM)
			continue;
		pthread_mutex_unlock(&l->lock);
		why = load_rec(l, r, scratch, &page);
		pthread_mutex_lock(&l->lock);
		if (why && i < l->bad) {
			l->bad = i;
			l->why = why;
			l->bad_page = page;
		}
	}
	if (!scratch && l->bad == l->f->n) {
		l->bad = 0;
		l->why = NULL;	/* out of memory */
	}
	pthread_mutex_unlock(&l->lock);
	free(scratch);
	return NULL;
}

int hxs_load_ram(const struct hxs_file *f,
		 uint8_t *(*page_dst)(void *opaque, uint64_t gpa), void *opaque,
		 char *err, size_t errlen)
{
	struct ram_load l = {
		.f = f, .page_dst = page_dst, .opaque = opaque, .bad = f->n,
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int nth = cpus < 1 ? 1 : cpus > RAM_THREADS ? RAM_THREADS : cpus;
	pthread_t th[RAM_THREADS];
	unsigned int started = 0;

	pthread_mutex_init(&l.lock, NULL);
	while (started + 1 < nth &&
	       !pthread_create(&th[started], NULL, load_worker, &l))
		started++;
	load_worker(&l);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&l.lock);
	if (l.bad == f->n)
		return 0;
	if (!l.why)
		snprintf(err, errlen, "out of memory");
	else if (l.bad_page == UINT32_MAX)
		snprintf(err, errlen, "record %u (RAM at offset %#llx): %s", l.bad,
			 (unsigned long long)f->recs[l.bad].offset, l.why);
	else
		snprintf(err, errlen, "record %u (RAM at offset %#llx): page %u: %s",
			 l.bad, (unsigned long long)f->recs[l.bad].offset,
			 l.bad_page, l.why);
	return -EINVAL;
}

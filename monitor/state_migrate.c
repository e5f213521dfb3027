// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration, sending side: pre-copy over TCP to `hxen
 * migrate-receive`, in the state stream format.
 *
 *   1. the RAM slots are registered again with HXEN_MEM_DIRTY_LOG (the
 *      vCPUs parked for that moment only);
 *   2. round 1 sends all RAM (zero runs left out: the receiver starts
 *      from zeroed memory), while the guest runs;
 *   3. each further round sends the pages HXEN_GET_DIRTY_LOG reports
 *      (or, with HXEN_MIGRATE_DIRTY_LOG=0 or when the module refuses a
 *      logged slot, the pages whose CRC changed since they were sent:
 *      a scan of all RAM per round), until the dirty count stops
 *      shrinking, falls below a threshold or MIGRATE_MAX_ROUNDS is
 *      reached;
 *   4. stop-and-copy: the vCPUs park, the backends quiesce, and the last
 *      dirty pages go with the machine state (TSC, vCPUs, Xen, xenstore,
 *      devices), then END.  Guest RAM the monitor itself writes (disk
 *      reads and network receives into granted pages, rings the backends
 *      keep mapped, the xenstore and console pages) is in no nested-paging
 *      log: the backends note it (mon_mem_note_write/held, monitor/mem.h),
 *      each round adds what they wrote, and the last one every page they
 *      hold for writing and the special pages.  HXEN_MIGRATE_VERIFY=1
 *      also keeps each page's CRC as sent and checks all RAM against it at
 *      the stop (in the downtime) for pages no log had;
 *   1b. after CONFIG, CPUID and the RAM layout the receiver answers "go"
 *      or why not (a CPU lacking features the guest was shown): this waits
 *      for it before any RAM goes, so a refusal costs nothing;
 *   5. the receiver answers "ok" once the copy runs there; only then does
 *      this VM stop.  Any failure before that (connection refused or cut,
 *      the receiver refusing) resumes this VM as it was.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <zlib.h>

#include "devices/be_core.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/pvh.h"
#include "monitor/state.h"

#define MIGRATE_MAX_ROUNDS	10
#define MIGRATE_MIN_DIRTY	64	/* pages: few enough to stop now */
#define MIGRATE_ACK_SECS	120
#define MIGRATE_GO_SECS		120	/* a receiver checks its name first */
#define MIGRATE_RUNS		256	/* RAM records handed to the writer at once */

struct region {
	const struct mon_mem_region *g;
	unsigned int slot;
	uint64_t npages;
	uint64_t *dirty;	/* bitmap from HXEN_GET_DIRTY_LOG */
	uint32_t *crc;		/* of each page as last sent */
};

struct mig {
	struct mon_vm *vm;
	struct hxs_writer w;
	struct region r[MON_MEM_MAX_REGIONS];
	unsigned int n;
	bool use_log;		/* HXEN_GET_DIRTY_LOG, else CRC scans */
	bool crcs;		/* a CRC per page as sent: scans, or verify */
	bool verify;		/* HXEN_MIGRATE_VERIFY=1: CRCs check the logs */
	bool logging;
	uint64_t pages;
	struct hxs_ram_run runs[MIGRATE_RUNS];
	size_t nruns;
};

/* A local socket path (the CLI's ssh leg, in its private runtime dir). */
static int connect_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un u = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(u.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long", path);
		return -EINVAL;
	}
	strcpy(u.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !connect(fd, (struct sockaddr *)&u, sizeof(u)))
		return fd;
	snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -ECONNREFUSED;
}

/* HOST:PORT over TCP, or HOST a path starting with '/' (PORT unused). */
static int connect_to(const char *host, const char *port, char *err,
		      size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *a;
	int fd = -1, e;

	if (host[0] == '/')
		return connect_unix(host, err, errlen);
	e = getaddrinfo(host, port, &hints, &res);

	if (e) {
		snprintf(err, errlen, "%s:%s: %s", host, port, gai_strerror(e));
		return -EINVAL;
	}
	for (a = res; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd >= 0 && !connect(fd, a->ai_addr, a->ai_addrlen))
			break;
		e = errno;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "cannot connect to %s:%s: %s (is `hxen "
			 "migrate-receive --listen %s` running there?)", host,
			 port, strerror(e), port);
	return fd;
}

/* Register one RAM slot again, with or without dirty logging. */
static int slot_log(struct mig *m, unsigned int i, bool on)
{
	const struct mon_mem_region *g = m->r[i].g;
	uint32_t fl = (g->slot_flags & ~HXEN_MEM_DIRTY_LOG) |
		      (on ? HXEN_MEM_DIRTY_LOG : 0);

	if (hxen_vm_remove_slot(&m->vm->hvm, m->r[i].slot) < 0)
		return -EIO;
	if (hxen_vm_add_slot(&m->vm->hvm, m->r[i].slot, fl, g->gpa, g->size,
			     g->host) < 0) {
		/* the guest must not lose its RAM: back as it was */
		if (hxen_vm_add_slot(&m->vm->hvm, m->r[i].slot, g->slot_flags,
				     g->gpa, g->size, g->host) < 0) {
			mon_err("migrate: guest RAM slot %u at %#llx could not be "
				"registered again: the VM cannot go on",
				m->r[i].slot, (unsigned long long)g->gpa);
			return -EIO;
		}
		return -EAGAIN;
	}
	return 0;
}

/*
 * Every RAM slot with or without dirty logging (vCPUs parked).  Turning
 * it on stops at the first slot the module refuses (-EAGAIN), turns the
 * others back off: the migration then scans CRCs instead.  -EIO: a slot
 * is lost.
 */
static int set_logging(struct mig *m, bool on)
{
	for (unsigned int i = 0; i < m->n; i++) {
		int e = slot_log(m, i, on);

		if (!e)
			continue;
		while (on && i--)
			if (slot_log(m, i, false))
				e = -EIO;
		return e;
	}
	m->logging = on;
	return 0;
}

static int setup(struct mig *m)
{
	unsigned int slot = 0;

	for (unsigned int i = 0; i < m->vm->mem.n; i++) {
		const struct mon_mem_region *g = &m->vm->mem.r[i];
		struct region *r;

		if (!g->host)
			continue;
		r = &m->r[m->n++];
		r->g = g;
		r->slot = slot++;	/* the order vm.c registered them in */
		r->npages = g->size / HXS_PAGE;
		r->dirty = calloc((r->npages + 63) / 64, 8);
		r->crc = calloc(r->npages, 4);
		if (!r->dirty || !r->crc)
			return -ENOMEM;
	}
	return 0;
}

static void cleanup(struct mig *m)
{
	for (unsigned int i = 0; i < m->n; i++) {
		free(m->r[i].dirty);
		free(m->r[i].crc);
	}
}

static uint32_t page_crc(const uint8_t *p)
{
	return (uint32_t)crc32(0L, p, HXS_PAGE);
}

/*
 * The runs collected so far go out (built on the writer's threads); each
 * page's CRC is taken just before its content is read for the record.
 */
static int flush_runs(struct mig *m)
{
	uint64_t before = m->w.ram_sent;
	int r = hxs_write_ram_runs(&m->w, m->runs, m->nruns);

	m->pages += m->w.ram_sent - before;
	m->nruns = 0;
	return r;
}

static int add_run(struct mig *m, struct region *r, uint64_t first,
		   uint32_t n, bool elide)
{
	m->runs[m->nruns++] = (struct hxs_ram_run){
		.gpa = r->g->gpa + first * HXS_PAGE,
		.host = r->g->host + first * HXS_PAGE,
		.npages = n, .elide = elide, .crc = m->crcs ? r->crc + first : NULL,
	};
	return m->nruns == MIGRATE_RUNS ? flush_runs(m) : 0;
}

/* Send the pages marked in each region's bitmap, in runs. */
static int send_marked(struct mig *m)
{
	for (unsigned int k = 0; k < m->n; k++) {
		struct region *r = &m->r[k];
		uint64_t p = 0;

		while (p < r->npages) {
			uint32_t n = 0;

			if (!(r->dirty[p / 64] & (1ULL << p % 64))) {
				p++;
				continue;
			}
			while (p + n < r->npages && n < HXS_RAM_CHUNK &&
			       (r->dirty[(p + n) / 64] & (1ULL << (p + n) % 64)))
				n++;
			if (add_run(m, r, p, n, false))
				return m->w.err;
			p += n;
		}
	}
	return flush_runs(m);
}

/*
 * Fetch (and clear) the module's dirty log, add the pages the monitor
 * wrote itself (mon_mem_note_write: disk reads and network receives into
 * granted pages), and at the stop-and-copy (@last) the pages the backends
 * hold for writing and the special pages (xenstore and console rings);
 * the number of dirty pages.
 */
/* Pages the module writes with the vCPUs parked (state_xen_pages()). */
static int note_xen_pages(struct mig *m)
{
	uint64_t *gpa = NULL;
	int n = state_xen_pages(m->vm, &gpa);

	for (int i = 0; i < n; i++)
		mon_mem_note_held(&m->vm->mem, gpa[i]);
	free(gpa);
	return n < 0 ? n : 0;
}

static int64_t fetch_dirty(struct mig *m, bool last)
{
	struct mon_mem *mem = &m->vm->mem;
	int64_t total = 0;

	if (last) {
		pvh_note_held_grants();
		if (note_xen_pages(m) < 0)
			return -EIO;
	}
	for (unsigned int k = 0; k < m->n; k++) {
		struct region *r = &m->r[k];
		unsigned int i = r->g - mem->r;
		uint64_t words = (r->npages + 63) / 64;

		if (hxen_vm_get_dirty_log(&m->vm->hvm, r->slot, r->dirty) < 0)
			return -EIO;
		for (uint64_t w = 0; w < words; w++) {
			if (mem->written[i])
				r->dirty[w] |= __atomic_exchange_n(&mem->written[i][w], 0,
								   __ATOMIC_ACQ_REL);
			if (last && mem->held[i])
				r->dirty[w] |= __atomic_load_n(&mem->held[i][w],
							       __ATOMIC_ACQUIRE);
			if (last && r->g->type != MON_MEM_RAM)
				r->dirty[w] = ~0ULL;
		}
		if (r->npages % 64)	/* no bits past the region */
			r->dirty[words - 1] &= (1ULL << r->npages % 64) - 1;
		for (uint64_t w = 0; w < words; w++)
			total += __builtin_popcountll(r->dirty[w]);
	}
	return total;
}

/* Round 1: everything that is not zero, 2 MiB at a time. */
static int send_all(struct mig *m)
{
	for (unsigned int k = 0; k < m->n; k++) {
		struct region *r = &m->r[k];

		for (uint64_t p = 0; p < r->npages; p += HXS_RAM_CHUNK) {
			uint32_t n = r->npages - p < HXS_RAM_CHUNK ?
				     r->npages - p : HXS_RAM_CHUNK;

			/* a zero chunk: the receiver's RAM starts zeroed */
			if (add_run(m, r, p, n, true))
				return m->w.err;
		}
	}
	return flush_runs(m);
}

/*
 * Without the module's log: the pages whose content is not what was sent
 * (a CRC per page), the dirty count.
 */
static int64_t scan_changed(struct mig *m)
{
	int64_t total = 0;

	for (unsigned int k = 0; k < m->n; k++) {
		struct region *r = &m->r[k];

		memset(r->dirty, 0, (r->npages + 63) / 64 * 8);
		for (uint64_t p = 0; p < r->npages; p++)
			if (page_crc(r->g->host + p * HXS_PAGE) != r->crc[p]) {
				r->dirty[p / 64] |= 1ULL << p % 64;
				total++;
			}
	}
	return total;
}

/* Final pass: add every page whose content is not what was sent; how many. */
static int64_t mark_changed(struct mig *m)
{
	int64_t added = 0;

	for (unsigned int k = 0; k < m->n; k++) {
		struct region *r = &m->r[k];

		for (uint64_t p = 0; p < r->npages; p++)
			if (!(r->dirty[p / 64] & (1ULL << p % 64)) &&
			    page_crc(r->g->host + p * HXS_PAGE) != r->crc[p]) {
				r->dirty[p / 64] |= 1ULL << p % 64;
				added++;
			}
	}
	return added;
}

/*
 * The receiver's first answer, "go\n" or "error: ...\n", read a byte at a
 * time so that the final verdict stays in the socket for wait_ack().
 */
static int wait_go(int fd, char *err, size_t errlen)
{
	char buf[1300];
	size_t got = 0;

	while (got < sizeof(buf) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, MIGRATE_GO_SECS * 1000) <= 0)
			break;
		n = read(fd, buf + got, 1);
		if (n <= 0)
			break;
		if (buf[got++] == '\n')
			break;
	}
	buf[got] = 0;
	if (!strcmp(buf, "go\n"))
		return 0;
	buf[strcspn(buf, "\n")] = 0;
	if (!strncmp(buf, "error: ", 7))
		snprintf(err, errlen, "the receiver refused: %s", buf + 7);
	else
		snprintf(err, errlen, "the receiver %s", got ? buf :
			 "went away before it checked the CPU (only the VM's "
			 "config was sent)");
	return -ECONNABORTED;
}

/* The receiver's verdict: "ok\n" or "error: ...\n". */
static int wait_ack(int fd, char *err, size_t errlen)
{
	char buf[300];
	size_t got = 0;

	shutdown(fd, SHUT_WR);
	while (got < sizeof(buf) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, MIGRATE_ACK_SECS * 1000) <= 0)
			break;
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += n;
		if (memchr(buf, '\n', got))
			break;
	}
	buf[got] = 0;
	if (!strncmp(buf, "ok\n", 3))
		return 0;
	buf[strcspn(buf, "\n")] = 0;
	snprintf(err, errlen, "the receiver %s", got ? buf :
		 "went away before the VM ran there");
	return -ECONNABORTED;
}

int mon_state_migrate(const char *host, const char *port,
		      struct state_migrate_stats *ms, char *err, size_t errlen)
{
	/* The module's dirty log unless HXEN_MIGRATE_DIRTY_LOG=0 (CRC scans). */
	const char *ul = getenv("HXEN_MIGRATE_DIRTY_LOG");
	const char *uv = getenv("HXEN_MIGRATE_VERIFY");
	struct mig m = { .vm = state_vm(), .use_log = !ul || *ul != '0',
			 .verify = uv && *uv == '1' };
	int64_t dirty, prev = -1;
	struct xs *xs = NULL;
	double t0 = state_now_ms(), td = 0;
	bool paused = false, quiesced = false;
	int fd, r;

	memset(ms, 0, sizeof(*ms));
	err[0] = 0;
	if (!m.vm) {
		snprintf(err, errlen, "no VM");
		return -ENODEV;
	}
	fd = connect_to(host, port, err, errlen);
	if (fd < 0)
		return fd;
	r = setup(&m);
	if (!r && hxs_writer_open(&m.w, fd))
		r = -EIO;
	/* the vCPUs are parked only while the slots change */
	if (!r && m.use_log && !(r = mon_vm_pause(m.vm))) {
		r = set_logging(&m, true);
		if (r == -EAGAIN) {
			mon_warn("migrate: the module refused dirty logging on "
				 "guest RAM; finding changed pages by checksum");
			m.use_log = false;
			r = 0;
		}
		mon_vm_resume(m.vm);
	}
	m.crcs = !m.use_log || m.verify;
	if (!r && m.use_log)
		mon_mem_wlog(&m.vm->mem, true);	/* before any page is sent */
	if (!r)
		mon_info("migrate: changed pages found by %s", m.use_log ?
			 "the module's dirty log" : "page checksums");
	if (!r) {
		r = state_write_head(&m.w, m.vm);
		if (!r) {
			r = wait_go(fd, err, errlen);	/* the CPU check, before any RAM */
		} else if (m.w.err == -EPIPE || m.w.err == -ECONNRESET) {
			/* a receiver that refused at once may have said why */
			char why[300];

			if (wait_go(fd, why, sizeof(why)) &&
			    !strncmp(why, "the receiver refused", 20)) {
				snprintf(err, errlen, "%s", why);
				m.w.err = 0;	/* the reason, not the broken pipe */
			}
		}
	}
	if (!r)
		r = send_all(&m);
	ms->rounds = 1;
	while (!r && ms->rounds < MIGRATE_MAX_ROUNDS) {
		dirty = m.use_log ? fetch_dirty(&m, false) : scan_changed(&m);
		if (dirty < 0) {
			r = -EIO;
			break;
		}
		mon_info("migrate: round %u: %lld dirty pages", ms->rounds + 1,
			(long long)dirty);
		ms->rounds++;
		r = send_marked(&m);
		if (dirty < MIGRATE_MIN_DIRTY || (prev >= 0 && dirty >= prev))
			break;
		prev = dirty;
	}
	/* stop and copy */
	if (!r) {
		td = state_now_ms();
		r = mon_vm_pause(m.vm);
		paused = !r;
	}
	if (!r) {
		r = be_core_quiesce();
		quiesced = true;
	}
	if (!r) {
		xs = pvh_xs_lock();
		dirty = m.use_log ? fetch_dirty(&m, true) : scan_changed(&m);
		r = dirty < 0 ? -EIO : 0;
	}
	if (!r) {
		/* verify: the logs missed nothing (a CRC check of all RAM) */
		double tq = state_now_ms();
		int64_t more = m.use_log && m.verify ? mark_changed(&m) : 0;

		if (m.use_log && m.verify)
			mon_info("migrate: verify: %lld pages changed that no log "
				 "had (CRCs of all RAM in %.0f ms)", (long long)more,
				 state_now_ms() - tq);
		mon_info("migrate: stop-and-copy: %lld dirty pages (vCPUs parked "
			 "and backends quiesced in %.0f ms)", (long long)dirty,
			 tq - td);
		r = state_write_machine(&m.w, m.vm, xs);
	}
	if (!r)
		r = send_marked(&m);
	if (!r)
		r = hxs_write_simple(&m.w, HXS_END, NULL, 0);
	if (xs)
		pvh_xs_unlock();
	if (!r) {
		mon_info("migrate: END sent %.0f ms after the stop",
			 state_now_ms() - td);
		r = wait_ack(fd, err, errlen);
	} else if (!err[0] || m.w.err) {
		snprintf(err, errlen, "sending the state: %s", m.w.err ?
			 strerror(-m.w.err) : strerror(-r));
	}
	mon_mem_wlog(&m.vm->mem, false);
	ms->bytes = m.w.bytes;
	ms->pages = m.pages;
	hxs_writer_close(&m.w);
	close(fd);
	if (r) {
		/* this VM goes on as if nothing happened */
		if (m.logging && (paused || !mon_vm_pause(m.vm))) {
			set_logging(&m, false);
			paused = true;
		}
		if (quiesced)
			be_core_resume();
		if (paused)
			mon_vm_resume(m.vm);
		cleanup(&m);
		mon_warn("migration to %s:%s failed, the VM runs on here: %s",
			 host, port, err);
		return r;
	}
	ms->downtime_ms = state_now_ms() - td;
	ms->total_ms = state_now_ms() - t0;
	cleanup(&m);
	mon_info("migrated to %s:%s: %u rounds, %llu bytes, %llu pages, "
		 "downtime %.0f ms", host, port, ms->rounds,
		 (unsigned long long)ms->bytes, (unsigned long long)ms->pages,
		 ms->downtime_ms);
	return 0;
}

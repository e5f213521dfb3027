// SPDX-License-Identifier: GPL-2.0
/*
 * --incoming IN,HEAD,STATUS: this monitor is the receiving end of a live
 * migration (`hxen migrate-receive` starts it with the CONFIG record's
 * command line once the sender's CPU check passed).  The stream streams
 * into this VM while the source still runs, so the downtime is only the
 * last dirty pages, the machine records and starting the vCPUs:
 *
 *   HEAD    a file holding what the CLI read already: the stream header,
 *           CONFIG and CPUID, as they arrived
 *   IN      the rest of the stream (the connection, or ssh's stdin)
 *   STATUS  a pipe back to the CLI: "end\n" when END arrived, "ok\n" once
 *           the vCPUs run; closed without "ok" (the monitor exits) when
 *           anything failed
 *
 * LAYOUT phase: the head and the RAM_REGION records are read and checked
 * (state_restore.c compares them with this VM's layout).  VM phase, before
 * any vCPU runs: every RAM record is checked as it arrives (header and
 * body CRC, version, page table, each zstd frame) and lands at once in
 * guest RAM (a page sent in several rounds: the last copy wins); the
 * other records are kept, and at END they, with the head, form a stream
 * that hxs_parse() checks whole before any of it is applied.  Guest RAM
 * starts zeroed (state_restore.c drops what the boot loader wrote): the
 * sender leaves out runs of zero pages.  A stream that stops, breaks or is
 * refused makes the VM setup fail: the monitor exits, nothing ran.
 *
 * The sender waits MIGRATE_ACK_SECS (state_migrate.c) for "ok" after END
 * and resumes its own copy when it does not come.  So a copy that is not
 * running IN_RUN_SECS after END must never run: main.c asks
 * state_incoming_late() once the VM is set up, before its vCPUs start (a
 * few ms: the control socket), and the CLI kills
 * a monitor that has not said "ok" by then (cli_migrate.c).  Either way
 * only one of the two copies runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <zlib.h>

#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/state.h"

#define IN_IDLE_SECS	120	/* the sender pauses between rounds only briefly */
#define IN_RUN_SECS	60	/* END to running; below the sender's 120 */
#define IN_MAX_RECORDS	4096
#define IN_MAX_BYTES	(256ULL << 20)	/* records other than RAM */

static struct {
	int in, head, status;
	uint8_t *buf;		/* header + every record but RAM */
	size_t len, cap;
	unsigned int nrec;
	struct hxs_rec_hdr pend;	/* read in LAYOUT, used in VM phase */
	uint8_t *pend_body;
	bool have_pend;
	uint64_t bytes, ram_recs;
	double t_end;		/* END arrived */
} in = { .in = -1, .head = -1, .status = -1 };

static int parse_fd(const char **s, int *fd)
{
	char *end;
	long v = strtol(*s, &end, 10);

	if (end == *s || v < 3 || v > 65535 || fcntl((int)v, F_GETFD) < 0)
		return -1;
	*fd = (int)v;
	*s = *end == ',' ? end + 1 : end;
	return 0;
}

static int set_incoming(struct mon_config *cfg, const char *arg, char *err,
			size_t errlen)
{
	const char *s = arg;

	if (parse_fd(&s, &in.in) || parse_fd(&s, &in.head) ||
	    parse_fd(&s, &in.status) || *s) {
		snprintf(err, errlen, "--incoming %s: three open descriptors "
			 "IN,HEAD,STATUS are needed (hxen migrate-receive gives "
			 "them)", arg);
		return -EINVAL;
	}
	/* not for anything this monitor starts */
	fcntl(in.in, F_SETFD, FD_CLOEXEC);
	fcntl(in.head, F_SETFD, FD_CLOEXEC);
	fcntl(in.status, F_SETFD, FD_CLOEXEC);
	return 0;
}

static const struct mon_option incoming_options[] = {
	{ "incoming", 0, "IN,HEAD,STATUS",
	  "receive a live migration (started by hxen migrate-receive)",
	  set_incoming },
};
MON_OPTIONS(incoming, incoming_options);

bool state_incoming_on(void)
{
	return in.in >= 0;
}

/* @n bytes from the head file, then from the stream.  0 or -1, @why. */
static int get(void *p, size_t n, char *why, size_t whylen)
{
	uint8_t *b = p;

	while (n) {
		int fd = in.head >= 0 ? in.head : in.in;
		ssize_t k;

		if (fd == in.in) {
			struct pollfd pf = { .fd = fd, .events = POLLIN };
			int e = poll(&pf, 1, IN_IDLE_SECS * 1000);

			if (e < 0 && errno == EINTR)
				continue;
			if (e <= 0) {
				snprintf(why, whylen, "nothing arrived for %d s "
					 "after %llu bytes", IN_IDLE_SECS,
					 (unsigned long long)in.bytes);
				return -1;
			}
		}
		k = read(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k == 0 && fd == in.head) {
			close(in.head);
			in.head = -1;
			continue;
		}
		if (k <= 0) {
			snprintf(why, whylen, "the stream was cut after %llu bytes",
				 (unsigned long long)in.bytes);
			return -1;
		}
		b += k;
		n -= k;
		in.bytes += k;
	}
	return 0;
}

/* The next record: header and body CRC checked, padding zero. */
static int next_rec(struct hxs_rec_hdr *h, uint8_t **body, char *why,
		    size_t whylen)
{
	uint64_t padded;
	uint8_t *b;

	if (in.have_pend) {
		*h = in.pend;
		*body = in.pend_body;
		in.have_pend = false;
		return 0;
	}
	if (get(h, sizeof(*h), why, whylen))
		return -1;
	if (h->hdr_crc != (uint32_t)crc32(0L, (const void *)h,
					  offsetof(struct hxs_rec_hdr, hdr_crc)) ||
	    h->length > HXS_MAX_RECORD || h->version != 1) {
		snprintf(why, whylen, "a damaged record header at byte %llu",
			 (unsigned long long)in.bytes - sizeof(*h));
		return -1;
	}
	padded = (h->length + 7) & ~7ULL;
	b = malloc(padded ? padded : 1);
	if (!b) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (get(b, padded, why, whylen)) {
		free(b);
		return -1;
	}
	if (h->body_crc != (uint32_t)crc32(0L, b, h->length)) {
		snprintf(why, whylen, "a %s record arrived damaged",
			 hxs_type_name(h->type));
		free(b);
		return -1;
	}
	for (uint64_t i = h->length; i < padded; i++)
		if (b[i]) {
			snprintf(why, whylen, "a %s record with padding that is "
				 "not zero", hxs_type_name(h->type));
			free(b);
			return -1;
		}
	*body = b;
	return 0;
}

/* Append raw bytes to the kept stream. */
static int keep(const void *p, size_t n)
{
	if (in.len + n > in.cap) {
		size_t cap = in.cap ? in.cap : 65536;
		void *q;

		while (cap < in.len + n)
			cap *= 2;
		if (cap > IN_MAX_BYTES)
			return -1;
		q = realloc(in.buf, cap);
		if (!q)
			return -1;
		in.buf = q;
		in.cap = cap;
	}
	memcpy(in.buf + in.len, p, n);
	in.len += n;
	return 0;
}

static int keep_rec(const struct hxs_rec_hdr *h, const uint8_t *body,
		    char *why, size_t whylen)
{
	if (in.nrec++ == IN_MAX_RECORDS || keep(h, sizeof(*h)) ||
	    keep(body, (h->length + 7) & ~7ULL)) {
		snprintf(why, whylen, "too many or too large records");
		return -1;
	}
	return 0;
}

int state_incoming_head(void **buf, size_t *len, char *why, size_t whylen)
{
	struct hxs_header hh;

	if (get(&hh, sizeof(hh), why, whylen) || keep(&hh, sizeof(hh)))
		return -1;
	for (;;) {
		struct hxs_rec_hdr h;
		uint8_t *body;

		if (next_rec(&h, &body, why, whylen))
			return -1;
		if (h.type != HXS_CONFIG && h.type != HXS_CPUID &&
		    h.type != HXS_RAM_REGION) {
			in.pend = h;
			in.pend_body = body;
			in.have_pend = true;
			break;
		}
		if (keep_rec(&h, body, why, whylen)) {
			free(body);
			return -1;
		}
		free(body);
	}
	/* a copy: the kept stream grows (and moves) in the VM phase */
	*buf = malloc(in.len);
	if (!*buf) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	memcpy(*buf, in.buf, in.len);
	*len = in.len;
	return 0;
}

/* The region of @vm that holds [gpa, gpa + len), or NULL. */
static uint8_t *ram_at(struct mon_vm *vm, uint64_t gpa, uint64_t len)
{
	for (unsigned int i = 0; i < vm->mem.n; i++) {
		const struct mon_mem_region *g = &vm->mem.r[i];

		if (g->host && gpa >= g->gpa && gpa - g->gpa <= g->size &&
		    len <= g->size - (gpa - g->gpa))
			return g->host + (gpa - g->gpa);
	}
	return NULL;
}

/* A RAM record (CRCs checked) into guest RAM: every page checked first. */
static int ram_in(struct mon_vm *vm, const uint8_t *body, uint64_t len,
		  char *why, size_t whylen)
{
	const struct hxs_ram *h = (const void *)body;
	const struct hxs_page *tab = (const void *)(h + 1);
	const uint8_t *data;
	uint64_t left, sum = 0;
	uint8_t *dst;

	if (len < sizeof(*h) || !h->npages || h->npages > HXS_RAM_CHUNK ||
	    h->reserved || h->gpa % HXS_PAGE ||
	    len < sizeof(*h) + (uint64_t)h->npages * sizeof(*tab))
		goto bad;
	dst = ram_at(vm, h->gpa, (uint64_t)h->npages * HXS_PAGE);
	if (!dst)
		goto bad;
	data = (const uint8_t *)(tab + h->npages);
	left = len - sizeof(*h) - h->npages * sizeof(*tab);
	for (uint32_t i = 0; i < h->npages; i++) {
		bool ok = (tab[i].kind == HXS_PAGE_ZERO && !tab[i].length) ||
			  (tab[i].kind == HXS_PAGE_RAW && tab[i].length == HXS_PAGE) ||
			  (tab[i].kind == HXS_PAGE_ZSTD && tab[i].length &&
			   tab[i].length < HXS_PAGE);

		if (!ok)
			goto bad;
		sum += tab[i].length;
	}
	if (sum != left)
		goto bad;
	for (uint32_t i = 0; i < h->npages; i++, dst += HXS_PAGE) {
		if (tab[i].kind == HXS_PAGE_ZERO)
			memset(dst, 0, HXS_PAGE);
		else if (tab[i].kind == HXS_PAGE_RAW)
			memcpy(dst, data, HXS_PAGE);
		else if (hxs_decompress(data, tab[i].length, dst, HXS_PAGE))
			goto bad;
		data += tab[i].length;
	}
	in.ram_recs++;
	return 0;
bad:
	snprintf(why, whylen, "a malformed RAM record (%llu bytes) at byte %llu",
		 (unsigned long long)len, (unsigned long long)in.bytes);
	return -1;
}

int state_incoming_rest(struct mon_vm *vm, void **buf, size_t *len,
			char *why, size_t whylen)
{
	static const struct hxs_rec_hdr end_tmpl = { .type = HXS_END, .version = 1 };

	for (;;) {
		struct hxs_rec_hdr h;
		uint8_t *body;
		int e;

		if (next_rec(&h, &body, why, whylen))
			return -1;
		if (h.type == HXS_END) {
			struct hxs_rec_hdr end = end_tmpl;

			free(body);
			end.body_crc = (uint32_t)crc32(0L, Z_NULL, 0);
			end.hdr_crc = (uint32_t)crc32(0L, (const void *)&end,
						      offsetof(struct hxs_rec_hdr, hdr_crc));
			if (keep(&end, sizeof(end))) {
				snprintf(why, whylen, "out of memory");
				return -1;
			}
			break;
		}
		e = h.type == HXS_RAM ? ram_in(vm, body, h.length, why, whylen) :
		    keep_rec(&h, body, why, whylen);
		free(body);
		if (e)
			return -1;
	}
	in.t_end = state_now_ms();
	if (write(in.status, "end\n", 4) != 4)
		mon_warn("incoming: the receiving hxen is gone");
	mon_info("incoming: END after %llu bytes (%llu RAM records)",
		 (unsigned long long)in.bytes, (unsigned long long)in.ram_recs);
	*buf = in.buf;	/* the caller's now */
	*len = in.len;
	in.buf = NULL;
	in.len = in.cap = 0;
	return 0;
}

void state_incoming_free(void)
{
	free(in.buf);
	free(in.have_pend ? in.pend_body : NULL);
	in.buf = NULL;
	in.have_pend = false;
	in.len = in.cap = 0;
}

bool state_incoming_late(void)
{
	double ms;

	if (in.status < 0)
		return false;
	ms = state_now_ms() - in.t_end;
	/* tests/e2e 93: a copy that took too long, without waiting a minute */
	if (getenv("HXEN_TEST_INCOMING_LATE"))
		ms += IN_RUN_SECS * 1000.0;
	if (ms <= IN_RUN_SECS * 1000.0)
		return false;
	mon_err("incoming: the VM was ready %.0f ms after END, later than the "
		"%d s the sender waits: it does not run here (the source runs on)",
		ms, IN_RUN_SECS);
	return true;
}

void mon_state_incoming_running(void)
{
	if (in.status < 0)
		return;
	/* from here on the VM outlives the receiving CLI */
	prctl(PR_SET_PDEATHSIG, 0);
	mon_info("incoming: the VM runs, %.0f ms after END",
		 state_now_ms() - in.t_end);
	if (write(in.status, "ok\n", 3) != 3)
		mon_warn("incoming: the receiving hxen is gone; the VM runs on");
	close(in.status);
	close(in.in);
	if (in.head >= 0)
		close(in.head);
	in.status = in.in = in.head = -1;
}

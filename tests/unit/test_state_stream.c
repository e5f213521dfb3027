// SPDX-License-Identifier: GPL-2.0
/*
 * The state stream (monitor/stream.c): what the writer makes, the reader
 * takes; every single-bit flip, every truncation and the semantic damage
 * hxen-state-mutate makes are refused with the record named; the
 * xenstore layout checker refuses cut or inconsistent blobs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "monitor/stream.h"
#include "monitor/stream_xs.h"

#define NPAGES	1100	/* three RAM records, the last one short */

/* the CPUID record make_stream() writes */
static struct hxen_cpuid_features stream_cpuid = {
	.version = HXEN_STATE_VERSION, .word = { 0x2001, 0x078bfbff }, .xcr0 = 3,
};

static bool stream_raw;	/* raw pages written in place, as a save does */

static uint8_t *make_stream(size_t *len)
{
	static uint8_t ram[NPAGES * HXS_PAGE];
	char path[] = "/tmp/hxen-unit-stream-XXXXXX";
	struct hxs_config cfg = { .argc = 3, .vcpus = 1, .memory = 1 << 22 };
	struct hxs_ram_region reg = { 0, NPAGES * HXS_PAGE };
	struct hxen_tsc tsc = { .guest_tsc = 12345 };
	struct hxs_vcpu v = { .id = 0, .nmsrs = 1, .fpu_size = 512 };
	struct hxen_msr_entry msr = { .index = 0x277, .data = 0x7040600070406ULL };
	static uint8_t fpu[512];
	const void *parts[3];
	size_t lens[3];
	struct hxs_writer w;
	uint8_t *buf;
	FILE *f;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	unlink(path);
	for (unsigned int i = 0; i < NPAGES; i++)
		if (i % 3)	/* zero, text-like, random-like pages */
			for (unsigned int k = 0; k < HXS_PAGE; k++)
				ram[i * HXS_PAGE + k] = i % 3 == 1 ? 'a' + k % 7 :
							(uint8_t)(k * 2654435761u >> 13);
	v.state.version = HXEN_STATE_VERSION;
	CU_ASSERT_EQUAL_FATAL(hxs_writer_open(&w, fd), 0);
	if (stream_raw) {
		w.zlevel = HXS_ZSTD_RAW;
		w.inplace = true;
	}
	parts[0] = &cfg;
	lens[0] = sizeof(cfg);
	parts[1] = "hxen-monitor\0--name\0x";
	lens[1] = 22;
	CU_ASSERT_EQUAL(hxs_write_rec(&w, HXS_CONFIG, 1, parts, lens, 2), 0);
	CU_ASSERT_EQUAL(hxs_write_simple(&w, HXS_CPUID, &stream_cpuid,
					 sizeof(stream_cpuid)), 0);
	CU_ASSERT_EQUAL(hxs_write_simple(&w, HXS_RAM_REGION, &reg, sizeof(reg)), 0);
	CU_ASSERT_EQUAL(hxs_write_simple(&w, HXS_TSC, &tsc, sizeof(tsc)), 0);
	parts[0] = &v;
	lens[0] = sizeof(v);
	parts[1] = &msr;
	lens[1] = sizeof(msr);
	parts[2] = fpu;
	lens[2] = sizeof(fpu);
	CU_ASSERT_EQUAL(hxs_write_rec(&w, HXS_VCPU, 1, parts, lens, 3), 0);
	CU_ASSERT_EQUAL(hxs_write_ram(&w, 0, ram, NPAGES), 0);
	CU_ASSERT_EQUAL(hxs_write_simple(&w, HXS_END, NULL, 0), 0);
	CU_ASSERT_EQUAL(w.ram_pages, NPAGES);
	CU_ASSERT_EQUAL(w.zero_pages, (NPAGES + 2) / 3);
	*len = w.bytes;
	hxs_writer_close(&w);
	buf = malloc(*len);
	f = fdopen(fd, "rb");
	CU_ASSERT_FATAL(f && buf);
	rewind(f);
	CU_ASSERT_EQUAL_FATAL(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

static void test_roundtrip(void)
{
	size_t len;
	uint8_t *buf = make_stream(&len), page[HXS_PAGE];
	struct hxs_file f;
	char err[300];
	unsigned int ram = 0;

	CU_ASSERT_EQUAL_FATAL(hxs_parse(buf, len, &f, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(f.argv[1], "--name");
	CU_ASSERT_PTR_NULL(f.argv[3]);
	for (unsigned int i = 0; i < f.n; i++) {
		const struct hxs_ram *h = (const void *)f.recs[i].body;

		if (f.recs[i].type != HXS_RAM)
			continue;
		ram++;
		uint64_t idx = h->gpa / HXS_PAGE + 2;
		uint8_t want = idx % 3 == 1 ? 'b' : idx % 3 == 2 ?
			       (uint8_t)(2654435761u >> 13) : 0;

		CU_ASSERT_EQUAL(hxs_ram_page(&f.recs[i], 2, page), 0);
		CU_ASSERT_EQUAL(page[1], want);
	}
	CU_ASSERT_EQUAL(ram, 3);
	CU_ASSERT(len < NPAGES * HXS_PAGE / 2);	/* zero pages elided, zstd */
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.cpuid);
	CU_ASSERT_EQUAL(memcmp(f.cpuid, &stream_cpuid, sizeof(stream_cpuid)), 0);
	hxs_file_free(&f);
	free(buf);
}

static uint8_t *into_buf(void *opaque, uint64_t gpa)
{
	return (uint8_t *)opaque + gpa;
}

/*
 * A light look and hxs_load_ram() make a full check: RAM damage passes
 * the first and not the second; the pages load where they belong.  The
 * head of a stream is its CONFIG, CPUID and RAM_REGION records.
 */
static void test_light_and_load(void)
{
	const struct hxs_parse_opts light = { .mode = HXS_PARSE_LIGHT };
	const struct hxs_parse_opts head = { .mode = HXS_PARSE_HEAD };
	size_t len;
	uint8_t *buf = make_stream(&len), *ram = calloc(NPAGES, HXS_PAGE);
	struct hxs_file f;
	char err[300];
	unsigned int bad = 0;

	CU_ASSERT_FATAL(ram != NULL);
	CU_ASSERT_EQUAL_FATAL(hxs_parse_opts(buf, len, &f, &light, err,
					     sizeof(err)), 0);
	CU_ASSERT_EQUAL(hxs_load_ram(&f, into_buf, ram, err, sizeof(err)), 0);
	for (unsigned int i = 0; i < NPAGES; i++)
		for (unsigned int k = 0; k < HXS_PAGE; k += 997) {
			uint8_t want = i % 3 == 0 ? 0 : i % 3 == 1 ? 'a' + k % 7 :
				       (uint8_t)(k * 2654435761u >> 13);

			bad += ram[(size_t)i * HXS_PAGE + k] != want;
		}
	CU_ASSERT_EQUAL(bad, 0);
	/* the last byte of the last RAM record's data */
	for (unsigned int i = f.n; i--; )
		if (f.recs[i].type == HXS_RAM) {
			buf[f.recs[i].body - buf + f.recs[i].length - 1] ^= 0x40;
			break;
		}
	hxs_file_free(&f);
	CU_ASSERT_EQUAL_FATAL(hxs_parse_opts(buf, len, &f, &light, err,
					     sizeof(err)), 0);
	CU_ASSERT_EQUAL(hxs_load_ram(&f, NULL, NULL, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "(RAM at offset"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "body CRC mismatch"));
	hxs_file_free(&f);
	CU_ASSERT_EQUAL(hxs_parse(buf, len, &f, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(hxs_parse_opts(buf, 600, &f, &head, err,
					     sizeof(err)), 0);
	CU_ASSERT_EQUAL(f.n, 3);
	CU_ASSERT_PTR_NOT_NULL(f.cpuid);
	CU_ASSERT_STRING_EQUAL(f.argv[0], "hxen-monitor");
	hxs_file_free(&f);
	free(buf);
	/* raw pages from guest RAM in place: the same pages, a full check */
	stream_raw = true;
	buf = make_stream(&len);
	stream_raw = false;
	CU_ASSERT(len > NPAGES * HXS_PAGE / 2);
	memset(ram, 0, (size_t)NPAGES * HXS_PAGE);
	CU_ASSERT_EQUAL_FATAL(hxs_parse(buf, len, &f, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(hxs_load_ram(&f, into_buf, ram, err, sizeof(err)), 0);
	bad = 0;
	for (unsigned int i = 0; i < NPAGES; i++)
		bad += ram[(size_t)i * HXS_PAGE + 5] !=
		       (i % 3 == 0 ? 0 : i % 3 == 1 ? 'a' + 5 % 7 :
			(uint8_t)(5 * 2654435761u >> 13));
	CU_ASSERT_EQUAL(bad, 0);
	hxs_file_free(&f);
	free(ram);
	free(buf);
}

/*
 * A save file cut short while a restore has it mapped (stream_map.c):
 * no SIGBUS, the load fails, and hxs_map_shrank() says why.
 */
static void test_cut_while_mapped(void)
{
	const struct hxs_parse_opts light = { .mode = HXS_PARSE_LIGHT };
	char path[] = "/tmp/hxen-unit-map-XXXXXX", err[300];
	uint8_t *buf, *ram = calloc(NPAGES, HXS_PAGE);
	struct hxs_file f;
	size_t len, mlen;
	void *m;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0 && ram != NULL);
	stream_raw = true;
	buf = make_stream(&len);
	stream_raw = false;
	CU_ASSERT_EQUAL_FATAL(write(fd, buf, len), (ssize_t)len);
	CU_ASSERT_EQUAL_FATAL(hxs_map_file(path, false, &m, &mlen, err,
					   sizeof(err)), 0);
	CU_ASSERT_EQUAL(mlen, len);
	CU_ASSERT_EQUAL_FATAL(hxs_parse_opts(m, mlen, &f, &light, err,
					     sizeof(err)), 0);
	CU_ASSERT_FALSE(hxs_map_shrank(m));
	/* cut inside the RAM, after the light look */
	CU_ASSERT_EQUAL(ftruncate(fd, len / 2), 0);
	CU_ASSERT_NOT_EQUAL(hxs_load_ram(&f, into_buf, ram, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(hxs_map_shrank(m));
	hxs_file_free(&f);
	hxs_unmap_file(m, mlen);
	/* a file mapped afterwards starts unmarked */
	CU_ASSERT_EQUAL_FATAL(hxs_map_file(path, false, &m, &mlen, err,
					   sizeof(err)), 0);
	CU_ASSERT_FALSE(hxs_map_shrank(m));
	hxs_unmap_file(m, mlen);
	close(fd);
	unlink(path);
	free(ram);
	free(buf);
}

/* A CPUID record the module could not have written is refused. */
static void test_bad_cpuid(void)
{
	size_t len;
	uint8_t *buf;
	struct hxs_file f;
	char err[300];

	stream_cpuid.reserved[1] = 1;
	buf = make_stream(&len);
	stream_cpuid.reserved[1] = 0;
	CU_ASSERT_EQUAL(hxs_parse(buf, len, &f, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "(CPUID at offset"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "reserved"));
	free(buf);
	stream_cpuid.version = 2;
	buf = make_stream(&len);
	stream_cpuid.version = HXEN_STATE_VERSION;
	CU_ASSERT_EQUAL(hxs_parse(buf, len, &f, err, sizeof(err)), -EINVAL);
	free(buf);
}

/* Every bit of every header, and a sample of body bits, must matter. */
static void test_flips_and_cuts(void)
{
	size_t len;
	uint8_t *buf = make_stream(&len);
	struct hxs_file f;
	char err[300];
	unsigned int refused = 0, tried = 0;

	for (size_t at = 0; at < len; at += at < 512 ? 1 : len / 200) {
		for (int bit = 0; bit < (at < 512 ? 8 : 1); bit++) {
			buf[at] ^= 1 << bit;
			tried++;
			if (hxs_parse(buf, len, &f, err, sizeof(err)))
				refused++;
			else
				hxs_file_free(&f);
			buf[at] ^= 1 << bit;
		}
	}
	CU_ASSERT_EQUAL(refused, tried);
	for (size_t cut = 0; cut < len; cut += cut < 256 ? 1 : len / 100) {
		CU_ASSERT_NOT_EQUAL(hxs_parse(buf, cut, &f, err, sizeof(err)), 0);
	}
	CU_ASSERT_NOT_EQUAL(hxs_parse(buf, 0, &f, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not an hxen save file"));
	/* the message names the record */
	buf[sizeof(struct hxs_header) + sizeof(struct hxs_rec_hdr) + 3] ^= 1;
	CU_ASSERT_NOT_EQUAL(hxs_parse(buf, len, &f, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "record 0 (CONFIG at offset 0x20)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "CRC"));
	free(buf);
}

static void test_xs_blob(void)
{
	struct hxs_buf b = { 0 };
	char why[100];
	const char *path = "/local";

	hxs_put32(&b, HXS_XS_VERSION);
	hxs_put64(&b, 5);
	hxs_put32(&b, 2);			/* nodes */
	hxs_put32(&b, 1); hxs_put32(&b, 0); hxs_put32(&b, 1); hxs_put64(&b, 1);
	hxs_put(&b, "/", 1);
	hxs_put(&b, "\0\0n\0", 4);
	hxs_put32(&b, 6); hxs_put32(&b, 2); hxs_put32(&b, 1); hxs_put64(&b, 3);
	hxs_put(&b, path, 6);
	hxs_put(&b, "hi", 2);
	hxs_put(&b, "\1\0r\0", 4);
	hxs_put32(&b, 1);			/* one watch */
	hxs_put32(&b, 6); hxs_put32(&b, 3); hxs_put32(&b, 0);
	hxs_put(&b, path, 6);
	hxs_put(&b, "tok", 3);
	hxs_put32(&b, 7);			/* next txid */
	hxs_put32(&b, 0);			/* no transactions */
	hxs_put32(&b, 0);
	hxs_put32(&b, 0);
	CU_ASSERT_FALSE_FATAL(b.oom);
	CU_ASSERT_EQUAL(hxs_xs_check(b.p, b.len, why, sizeof(why)), 0);
	for (size_t cut = 0; cut < b.len; cut++)
		CU_ASSERT_NOT_EQUAL(hxs_xs_check(b.p, cut, why, sizeof(why)), 0);
	b.p[4 + 8 + 4 + 20 + 1 + 2] = 'x';	/* root permission mode */
	CU_ASSERT_NOT_EQUAL(hxs_xs_check(b.p, b.len, why, sizeof(why)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "permission"));
	free(b.p);
}

static const CU_TestInfo state_stream_tests[] = {
	{ "CPUID record checked", test_bad_cpuid },
	{ "writer and reader agree", test_roundtrip },
	{ "light look, then RAM loaded and checked", test_light_and_load },
	{ "bit flips and truncations are refused", test_flips_and_cuts },
	{ "a file cut short while mapped: refused, no SIGBUS",
	  test_cut_while_mapped },
	{ "xenstore layout check", test_xs_blob },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(state_stream, state_stream_tests);

// SPDX-License-Identifier: GPL-2.0
/*
 * The vbd backend: --disk specs and vdev numbers (devices/be_blk_spec.c),
 * and one ring (be_blk_io.c) against a raw image of the disk layer, with
 * a fake guest: RAM, grant table and ring in test memory.  Good requests
 * move data in place; every kind of bad request gets its error response
 * and leaves no grant marked in use; runaway indices kill the ring.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <poll.h>

#include "unit.h"
#include "devices/be_blk.h"
#include "devices/be_xenbus.h"
#include "monitor/mem.h"
#include "monitor/xs.h"

/* ---- specs ---- */

static uint32_t devid(const char *v)
{
	uint32_t id = 0;

	return blk_vdev_to_devid(v, &id) ? 0xffffffff : id;
}

static void test_vdev(void)
{
	CU_ASSERT_EQUAL(devid("xvda"), 51712);
	CU_ASSERT_EQUAL(devid("xvdb"), 51728);
	CU_ASSERT_EQUAL(devid("xvda1"), 51713);
	CU_ASSERT_EQUAL(devid("xvdp"), (202 << 8) | (15 << 4));
	CU_ASSERT_EQUAL(devid("xvdq"), (1u << 28) | (16 << 8));
	CU_ASSERT_EQUAL(devid("xvdaa"), (1u << 28) | (26 << 8));
	CU_ASSERT_EQUAL(devid("xvdq3"), (1u << 28) | (16 << 8) | 3);
	CU_ASSERT_EQUAL(devid("hda"), 768);
	CU_ASSERT_EQUAL(devid("hdb"), 832);
	CU_ASSERT_EQUAL(devid("hdc"), 5632);
	CU_ASSERT_EQUAL(devid("sda"), 2048);
	CU_ASSERT_EQUAL(devid("sdb2"), 2048 + 16 + 2);
	CU_ASSERT_EQUAL(devid("xvd"), 0xffffffff);
	CU_ASSERT_EQUAL(devid("xvdA"), 0xffffffff);
	CU_ASSERT_EQUAL(devid("xvda0"), 0xffffffff);
	CU_ASSERT_EQUAL(devid("xvda16"), (1u << 28) | 16);
	CU_ASSERT_EQUAL(devid("hde"), 0xffffffff);
	CU_ASSERT_EQUAL(devid("vda"), 0xffffffff);
	CU_ASSERT_EQUAL(devid("xvda1x"), 0xffffffff);
}

static void test_spec(void)
{
	struct blk_spec s;
	char err[256];

	CU_ASSERT_EQUAL(blk_spec_parse("format=raw,vdev=xvda,access=rw,"
				       "devtype=disk,target=/a,b.img", &s,
				       err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(s.target, "/a,b.img");
	CU_ASSERT_STRING_EQUAL(s.format, "raw");
	CU_ASSERT_EQUAL(s.devid, 51712);
	CU_ASSERT_FALSE(s.readonly);
	CU_ASSERT_EQUAL(blk_spec_parse("vdev=xvdb,access=ro,target=x", &s,
				       err, sizeof(err)), 0);
	CU_ASSERT_TRUE(s.readonly);
	CU_ASSERT_STRING_EQUAL(s.format, "raw");	/* never guessed */
	CU_ASSERT_EQUAL(blk_spec_parse("vdev=hdc,devtype=cdrom,target=x", &s,
				       err, sizeof(err)), 0);
	CU_ASSERT_TRUE(s.readonly && s.cdrom);
	/* an empty cdrom drive: no target, or an empty one */
	CU_ASSERT_EQUAL(blk_spec_parse("vdev=hdc,devtype=cdrom", &s, err,
				       sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(s.target, "");
	CU_ASSERT_TRUE(s.readonly && s.cdrom);
	CU_ASSERT_EQUAL(blk_spec_parse("vdev=hdc,devtype=cdrom,access=ro,"
				       "target=", &s, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(s.target, "");
	CU_ASSERT_EQUAL(blk_spec_parse("vdev=xvda,target=", &s, err,
				       sizeof(err)), -EINVAL);

	CU_ASSERT_EQUAL(blk_spec_parse("vdev=xvda", &s, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'vdev=xvda'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "target"));
	CU_ASSERT_EQUAL(blk_spec_parse("target=x", &s, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vdev"));
	CU_ASSERT_EQUAL(blk_spec_parse("vdev=vda,target=x", &s, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(blk_spec_parse("format=vmdk,vdev=xvda,target=x", &s,
				       err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vmdk"));
	CU_ASSERT_EQUAL(blk_spec_parse("access=rx,vdev=xvda,target=x", &s,
				       err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(blk_spec_parse("colour=red,vdev=xvda,target=x", &s,
				       err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(blk_spec_parse("vdev,target=x", &s, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(blk_spec_parse("vdev=xvda,devtype=cdrom,access=rw,"
				       "target=x", &s, err, sizeof(err)),
			-EINVAL);
}

/* ---- one ring against a raw image ---- */

#define RAM_GPA		0x100000ULL
#define RAM_PAGES	64
#define DISK_BYTES	(1 << 20)
#define GFN(page)	((uint32_t)(RAM_GPA / 4096 + (page)))

static uint8_t ram[RAM_PAGES * 4096] __attribute__((aligned(4096)));
static struct grant_entry_v1 table[GNT_ENTRIES_PER_FRAME];
static struct mon_mem mem;
static struct be_gnttab gt;
static struct be_dev fake_dev = { .name = "vbd/51712" };
static struct blk_dev bd;
static struct blk_queue q;
static char img[64];

static void grant(uint32_t ref, uint32_t page, bool ro)
{
	table[ref].domid = 0;
	table[ref].frame = GFN(page);
	table[ref].flags = GTF_PERMIT_ACCESS | (ro ? GTF_READONLY : 0);
}

static void setup(bool readonly)
{
	struct disk_opts o = { .format = "raw", .readonly = readonly,
			       .no_lock = true };
	char err[256];
	struct be_sring *s = (void *)ram;

	memset(ram, 0, sizeof(ram));
	memset(table, 0, sizeof(table));
	mem = (struct mon_mem){ .n = 1 };
	mem.r[0] = (struct mon_mem_region){
		.gpa = RAM_GPA, .size = sizeof(ram), .type = MON_MEM_RAM,
		.host = ram,
	};
	CU_ASSERT_FATAL(be_gnttab_init(&gt, table, 1, &mem) == 0);
	snprintf(img, sizeof(img), "/tmp/hxen-unit-blk.%d", getpid());
	if (!readonly) {
		unlink(img);
		CU_ASSERT_FATAL(disk_create(img, "raw", DISK_BYTES, NULL, NULL,
					    err, sizeof(err)) == 0);
	}
	memset(&bd, 0, sizeof(bd));
	bd.dev = &fake_dev;
	bd.gt = &gt;
	bd.disk = disk_open(img, &o, err, sizeof(err));
	CU_ASSERT_FATAL(bd.disk != NULL);
	disk_get_info(bd.disk, &bd.info);
	bd.sectors = bd.info.size / DISK_SECTOR;
	memset(&q, 0, sizeof(q));
	q.bd = &bd;
	snprintf(q.name, sizeof(q.name), "vbd-test");
	s->req_event = s->rsp_event = 1;
	CU_ASSERT_FATAL(be_ring_init(&q.ring, ram, 4096,
				     sizeof(union blkif_ring_entry)) == 0);
	CU_ASSERT_FATAL(blk_queue_alloc(&q) == 0);
	q.w.kick_fd = eventfd(0, EFD_NONBLOCK);
	q.w.name = q.name;
}

static void teardown(bool keep)
{
	close(q.w.kick_fd);
	blk_queue_free(&q);
	disk_close(bd.disk);
	be_gnttab_fini(&gt);
	if (!keep)
		unlink(img);
}

static union blkif_ring_entry *next_req(void)
{
	struct be_sring *s = (void *)ram;
	union blkif_ring_entry *e = (void *)(s->ring +
		(s->req_prod & 31) * sizeof(*e));

	memset(e, 0, sizeof(*e));
	return e;
}

static void produce(void)
{
	struct be_sring *s = (void *)ram;

	__atomic_store_n(&s->req_prod, s->req_prod + 1, __ATOMIC_RELEASE);
}

/* Run the ring and wait for every response; returns the last status. */
static int16_t run(void)
{
	struct be_sring *s = (void *)ram;
	const union blkif_ring_entry *e;

	blk_queue_process(&q);
	pthread_mutex_lock(&q.lock);
	while (q.inflight)
		pthread_cond_wait(&q.idle, &q.lock);
	pthread_mutex_unlock(&q.lock);
	e = (void *)(s->ring + ((s->rsp_prod - 1) & 31) * sizeof(*e));
	return e->rsp.status;
}

static void rw_req(uint8_t op, uint64_t id, uint64_t sector,
		   unsigned int nseg, uint32_t ref0)
{
	union blkif_ring_entry *e = next_req();

	e->req.operation = op;
	e->req.nr_segments = nseg;
	e->req.id = id;
	e->req.sector_number = sector;
	for (unsigned int i = 0; i < nseg && i < 11; i++) {
		e->req.seg[i].gref = ref0 + i;
		e->req.seg[i].first_sect = 0;
		e->req.seg[i].last_sect = 7;
	}
	produce();
}

/* A READ of sectors from 8 into the two segments @a and @b. */
static void read2(uint64_t id, struct blkif_segment a, struct blkif_segment b)
{
	union blkif_ring_entry *r = next_req();

	r->req.operation = BLKIF_OP_READ;
	r->req.nr_segments = 2;
	r->req.id = id;
	r->req.sector_number = 8;
	r->req.seg[0] = a;
	r->req.seg[1] = b;
	produce();
}

static void indirect_req(uint8_t op, uint16_t nseg, uint32_t page_ref)
{
	union blkif_ring_entry *r = next_req();

	r->indirect.operation = BLKIF_OP_INDIRECT;
	r->indirect.indirect_op = op;
	r->indirect.nr_segments = nseg;
	r->indirect.indirect_grefs[0] = page_ref;
	produce();
}

static bool grants_idle(void)
{
	for (unsigned int i = 0; i < GNT_ENTRIES_PER_FRAME; i++)
		if (table[i].flags & (GTF_READING | GTF_WRITING))
			return false;
	return true;
}

static void test_rw(void)
{
	struct be_sring *s = (void *)ram;
	const union blkif_ring_entry *e;

	setup(false);
	for (int i = 0; i < 3; i++) {
		grant(10 + i, 1 + i, true);		/* write source */
		memset(ram + (1 + i) * 4096, 'a' + i, 4096);
		grant(20 + i, 10 + i, false);		/* read target */
	}
	rw_req(BLKIF_OP_WRITE, 77, 8, 3, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_OKAY);
	e = (void *)s->ring;
	CU_ASSERT_EQUAL(e->rsp.id, 77);
	CU_ASSERT_EQUAL(e->rsp.operation, BLKIF_OP_WRITE);
	CU_ASSERT_TRUE(grants_idle());
	/* partial segments: sectors 2..3 of one page, then a whole page */
	read2(78, (struct blkif_segment){ .gref = 20, .first_sect = 2, .last_sect = 3 },
	      (struct blkif_segment){ .gref = 21, .first_sect = 0, .last_sect = 7 });
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(ram[10 * 4096 + 1024], 'a');
	CU_ASSERT_EQUAL(ram[10 * 4096 + 2047], 'a');
	CU_ASSERT_EQUAL(ram[10 * 4096 + 0], 0);		/* untouched */
	CU_ASSERT_EQUAL(ram[10 * 4096 + 2048], 0);
	CU_ASSERT_EQUAL(ram[11 * 4096 + 0], 'a');	/* sectors 10..17 */
	CU_ASSERT_EQUAL(ram[11 * 4096 + 5 * 512], 'a');
	CU_ASSERT_EQUAL(ram[11 * 4096 + 6 * 512], 'b');
	CU_ASSERT_TRUE(grants_idle());
	/*
	 * pages out of order (13, then 12) must not share an iovec; pages in
	 * order (the write of 1..3, the indirect read below) do, and their
	 * data checks cover that
	 */
	grant(23, 13, false);
	read2(82, (struct blkif_segment){ .gref = 23, .first_sect = 0, .last_sect = 7 },
	      (struct blkif_segment){ .gref = 22, .first_sect = 0, .last_sect = 7 });
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(ram[13 * 4096], 'a');
	CU_ASSERT_EQUAL(ram[13 * 4096 + 4095], 'a');
	CU_ASSERT_EQUAL(ram[12 * 4096], 'b');
	CU_ASSERT_EQUAL(ram[12 * 4096 + 4095], 'b');
	CU_ASSERT_TRUE(grants_idle());
	/* flush and discard */
	rw_req(BLKIF_OP_FLUSH_DISKCACHE, 79, 0, 0, 0);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_OKAY);
	{
		union blkif_ring_entry *r = next_req();

		r->discard.operation = BLKIF_OP_DISCARD;
		r->discard.id = 80;
		r->discard.sector_number = 1024;	/* not the data */
		r->discard.nr_sectors = 64;
		produce();
	}
	CU_ASSERT_EQUAL(run(), bd.info.discard ? BLKIF_RSP_OKAY :
			BLKIF_RSP_EOPNOTSUPP);
	/* indirect: 12 segments in one indirect page */
	{
		union blkif_ring_entry *r = next_req();
		struct blkif_segment *seg = (void *)(ram + 30 * 4096);

		grant(40, 30, true);
		for (int i = 0; i < 12; i++) {
			grant(41 + i, 31 + i, false);
			seg[i] = (struct blkif_segment){ 41 + i, 0, 7, 0 };
		}
		r->indirect.operation = BLKIF_OP_INDIRECT;
		r->indirect.indirect_op = BLKIF_OP_READ;
		r->indirect.nr_segments = 12;
		r->indirect.id = 81;
		r->indirect.sector_number = 8;
		r->indirect.indirect_grefs[0] = 40;
		produce();
	}
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_OKAY);
	e = (void *)(s->ring + ((s->rsp_prod - 1) & 31) * sizeof(*e));
	CU_ASSERT_EQUAL(e->rsp.operation, BLKIF_OP_READ);
	CU_ASSERT_EQUAL(ram[32 * 4096], 'b');
	CU_ASSERT_EQUAL(ram[33 * 4096], 'c');
	CU_ASSERT_TRUE(grants_idle());
	CU_ASSERT_EQUAL(s->req_event, q.ring.req_cons + 1);
	teardown(false);
}

static void test_bad_requests(void)
{
	union blkif_ring_entry *r;

	setup(false);
	grant(10, 1, false);
	grant(11, 2, false);
	/* bad ref, ref past the table, ungranted ref */
	rw_req(BLKIF_OP_READ, 1, 0, 1, 9);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	rw_req(BLKIF_OP_READ, 1, 0, 1, 100000);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	/* the second segment's grant is bad: the first is released */
	rw_req(BLKIF_OP_READ, 2, 0, 2, 11);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	CU_ASSERT_TRUE(grants_idle());
	/* too many segments; none for a read */
	rw_req(BLKIF_OP_READ, 3, 0, 12, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	rw_req(BLKIF_OP_READ, 3, 0, 0, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	/* sectors outside the page, last < first */
	r = next_req();
	r->req.operation = BLKIF_OP_READ;
	r->req.nr_segments = 1;
	r->req.seg[0] = (struct blkif_segment){ 10, 0, 8, 0 };
	produce();
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	r = next_req();
	r->req.operation = BLKIF_OP_READ;
	r->req.nr_segments = 1;
	r->req.seg[0] = (struct blkif_segment){ 10, 5, 4, 0 };
	produce();
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	/* past the end of the disk; the sector count wrapping around */
	rw_req(BLKIF_OP_READ, 4, DISK_BYTES / 512 - 7, 1, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	rw_req(BLKIF_OP_READ, 4, DISK_BYTES / 512 - 8, 1, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_OKAY);
	rw_req(BLKIF_OP_READ, 4, UINT64_MAX - 3, 1, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	r = next_req();
	r->discard.operation = BLKIF_OP_DISCARD;
	r->discard.sector_number = 8;
	r->discard.nr_sectors = UINT64_MAX;
	produce();
	CU_ASSERT_NOT_EQUAL(run(), BLKIF_RSP_OKAY);
	/* a read into a read-only grant */
	grant(12, 3, true);
	rw_req(BLKIF_OP_READ, 5, 0, 1, 12);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	/* unknown operations, and the barrier we do not offer */
	rw_req(99, 6, 0, 1, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_EOPNOTSUPP);
	rw_req(BLKIF_OP_WRITE_BARRIER, 6, 0, 1, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_EOPNOTSUPP);
	/* indirect: too many segments, a bad op, a bad indirect page, a
	 * page of garbage descriptors */
	indirect_req(BLKIF_OP_READ, BLK_MAX_INDIRECT_SEGS + 1, 13);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	indirect_req(BLKIF_OP_DISCARD, 1, 13);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	indirect_req(BLKIF_OP_READ, 4, 500);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	grant(13, 4, true);
	memset(ram + 4 * 4096, 0xee, 4096);
	indirect_req(BLKIF_OP_READ, 4, 13);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	CU_ASSERT_TRUE(grants_idle());
	CU_ASSERT_FALSE(q.dead);
	teardown(true);

	/* the same image read-only: writes refused, reads fine */
	setup(true);
	grant(10, 1, true);
	rw_req(BLKIF_OP_WRITE, 7, 0, 1, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	grant(11, 2, false);
	rw_req(BLKIF_OP_READ, 7, 0, 1, 11);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_OKAY);
	rw_req(BLKIF_OP_FLUSH_DISKCACHE, 8, 0, 0, 0);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	teardown(false);
}

static void test_runaway(void)
{
	struct be_sring *s = (void *)ram;
	uint32_t before;

	setup(false);
	grant(10, 1, false);
	rw_req(BLKIF_OP_READ, 1, 0, 1, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_OKAY);
	before = s->rsp_prod;
	s->req_prod += 1000;
	blk_queue_process(&q);
	CU_ASSERT_TRUE(q.dead);
	CU_ASSERT_EQUAL(fake_dev.fault, 1);
	CU_ASSERT_EQUAL(s->rsp_prod, before);	/* nothing taken */
	/* a dead ring stays dead even with sane indices */
	s->req_prod = q.ring.req_cons + 1;
	blk_queue_process(&q);
	CU_ASSERT_EQUAL(s->rsp_prod, before);
	fake_dev.fault = 0;
	teardown(false);
}

/*
 * An empty cdrom drive (be_blk.c blk_probe): no disk, 0 sectors,
 * read-only.  Every request is answered without touching a disk.
 */
static void test_empty_cdrom(void)
{
	struct disk *saved;
	union blkif_ring_entry *r;

	setup(false);
	saved = bd.disk;
	bd.disk = NULL;
	bd.sectors = 0;
	bd.info = (struct disk_info){ .format = "none", .readonly = true };
	grant(10, 1, false);
	/* a read, a write, a flush without data: all refused */
	for (uint8_t op = BLKIF_OP_READ; op <= BLKIF_OP_FLUSH_DISKCACHE; op++) {
		if (op == BLKIF_OP_WRITE_BARRIER)
			continue;
		rw_req(op, op, 0, op == BLKIF_OP_FLUSH_DISKCACHE ? 0 : 1, 10);
		CU_ASSERT_EQUAL(run(), BLKIF_RSP_ERROR);
	}
	r = next_req();
	r->discard.operation = BLKIF_OP_DISCARD;
	r->discard.nr_sectors = 8;
	produce();
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_EOPNOTSUPP);
	CU_ASSERT_TRUE(grants_idle());
	bd.disk = saved;
	teardown(false);
}

/* xorshift64: the same hostile requests on every run */
static uint64_t fuzz_state;

static uint32_t fuzz(uint32_t n)
{
	fuzz_state ^= fuzz_state << 13;
	fuzz_state ^= fuzz_state >> 7;
	fuzz_state ^= fuzz_state << 17;
	return (uint32_t)(fuzz_state >> 11) % n;
}

/* One random, mostly invalid request: ops, counts, refs, sectors. */
static void fuzz_req(uint64_t id)
{
	static const uint8_t ops[] = {
		BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_WRITE_BARRIER,
		BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_DISCARD, BLKIF_OP_INDIRECT,
		4, 7, 0xff,
	};
	static const uint64_t sectors[] = {
		0, 8, DISK_BYTES / 512 - 8, DISK_BYTES / 512,
		DISK_BYTES / 512 + 1, UINT64_MAX, UINT64_MAX - 7,
		1ULL << 63,
	};
	union blkif_ring_entry *e = next_req();
	uint8_t *raw = (void *)e;

	if (fuzz(8) == 0) {		/* pure garbage */
		for (unsigned int i = 0; i < sizeof(*e); i++)
			raw[i] = fuzz(256);
	} else {
		e->req.operation = ops[fuzz(sizeof(ops))];
		e->req.nr_segments = fuzz(4) ? fuzz(13) : fuzz(256);
		e->req.sector_number = sectors[fuzz(8)] + fuzz(3);
		for (unsigned int i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
			/* refs 10..17 granted, others not, 9999 past the table */
			e->req.seg[i].gref = fuzz(4) ? 10 + fuzz(8) :
					     fuzz(2) ? fuzz(30) : 99999;
			e->req.seg[i].first_sect = fuzz(4) ? 0 : fuzz(10);
			e->req.seg[i].last_sect = fuzz(4) ? 7 : fuzz(10);
		}
		if (e->req.operation == BLKIF_OP_INDIRECT) {
			e->indirect.indirect_op = ops[fuzz(sizeof(ops))];
			e->indirect.nr_segments = fuzz(2) ? fuzz(40) :
						  fuzz(65536);
			e->indirect.sector_number = sectors[fuzz(8)];
			for (unsigned int i = 0; i < BLKIF_MAX_INDIRECT_PAGES; i++)
				e->indirect.indirect_grefs[i] =
					fuzz(2) ? 20 + fuzz(2) : fuzz(99999);
		} else if (e->req.operation == BLKIF_OP_DISCARD) {
			e->discard.nr_sectors = fuzz(2) ? fuzz(64) :
				(uint64_t)fuzz(1 << 30) << 20;
		}
	}
	e->req.id = id;		/* the same offset in every request kind */
	produce();
}

/*
 * Thousands of hostile requests in bursts of up to a ring's worth:
 * every one gets exactly one response with its id and a blkif status,
 * no grant stays in use, the ring stays alive, the process stays up.
 */
static void test_fuzz(void)
{
	struct be_sring *s = (void *)ram;
	uint64_t id = 0;

	setup(false);
	fuzz_state = 0x9e3779b97f4a7c15ULL;
	for (unsigned int p = 1; p <= 8; p++)
		grant(9 + p, p, false);
	/* indirect pages: one of plausible segments, one of garbage */
	grant(20, 9, true);
	grant(21, 10, true);
	for (unsigned int i = 0; i < 4096 / sizeof(struct blkif_segment); i++) {
		struct blkif_segment *seg = (void *)(ram + 9 * 4096);

		seg[i] = (struct blkif_segment){
			.gref = 10 + fuzz(9), .first_sect = fuzz(9),
			.last_sect = 7,
		};
	}
	for (unsigned int i = 0; i < 4096; i++)
		ram[10 * 4096 + i] = fuzz(256);

	for (unsigned int round = 0; round < 200 && !q.dead; round++) {
		unsigned int n = 1 + fuzz(32);
		uint32_t first = s->rsp_prod;
		bool seen[32] = { false };
		unsigned int bad = 0;
		uint64_t base = id;

		for (unsigned int i = 0; i < n; i++)
			fuzz_req(id++);
		run();
		CU_ASSERT_EQUAL(s->rsp_prod - first, n);
		for (uint32_t r = first; r != s->rsp_prod; r++) {
			const union blkif_ring_entry *e = (void *)(s->ring +
				(r & 31) * sizeof(*e));
			int16_t st = e->rsp.status;

			if (e->rsp.id < base || e->rsp.id >= base + n ||
			    seen[e->rsp.id - base] ||
			    (st != BLKIF_RSP_OKAY && st != BLKIF_RSP_ERROR &&
			     st != BLKIF_RSP_EOPNOTSUPP))
				bad++;
			else
				seen[e->rsp.id - base] = true;
		}
		CU_ASSERT_EQUAL(bad, 0);
		CU_ASSERT_TRUE(grants_idle());
	}
	CU_ASSERT_FALSE(q.dead);
	CU_ASSERT_EQUAL(fake_dev.fault, 0);
	/* and the ring still serves a good request */
	rw_req(BLKIF_OP_READ, 1, 0, 1, 10);
	CU_ASSERT_EQUAL(run(), BLKIF_RSP_OKAY);
	teardown(false);
}


/* ---- the whole device: xenstore keys, connect, I/O, disconnect ---- */

static struct xs *vxs;
static pthread_mutex_t vxs_lock = PTHREAD_MUTEX_INITIALIZER;
static int bound[4][3], nbound, nunbound;

static struct xs *v_lock(void *ctx)
{
	pthread_mutex_lock(&vxs_lock);
	return vxs;
}

static void v_unlock(void *ctx)
{
	pthread_mutex_unlock(&vxs_lock);
}

static int v_bind(void *ctx, uint32_t port, int notify_fd, int kick_fd)
{
	if (nbound == 4 || port == 66)
		return -EINVAL;
	bound[nbound][0] = port;
	bound[nbound][1] = notify_fd;
	bound[nbound][2] = kick_fd;
	nbound++;
	return 0;
}

static void v_unbind(void *ctx, uint32_t port)
{
	nunbound++;
}

#define VFE "/local/domain/1/device/vbd/51728"
#define VBE "/local/domain/0/backend/vbd/1/51728"

static char *vrd(const char *path)
{
	static char buf[64];
	char *v = xs_read(vxs, path);

	snprintf(buf, sizeof(buf), "%s", v ? v : "(none)");
	free(v);
	return buf;
}

static void vwr(const char *path, const char *val)
{
	pthread_mutex_lock(&vxs_lock);
	CU_ASSERT_EQUAL(xs_write(vxs, path, val), 0);
	pthread_mutex_unlock(&vxs_lock);
}

/* The frontend starts over (Closed, Initialising) with @key = @val. */
static const char *fe_retry(const char *key, const char *val)
{
	char path[128];

	vwr(VFE "/state", "6");
	vwr(VFE "/state", "1");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/state"), "2");
	snprintf(path, sizeof(path), VFE "/%s", key);
	vwr(path, val);
	vwr(VFE "/state", "3");
	return vrd(VBE "/state");
}

static bool wait_kick(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	return poll(&p, 1, 5000) == 1 && read(fd, &v, sizeof(v)) == sizeof(v);
}

static void test_device(void)
{
	struct be_env env = {
		.domid = 1, .nr_vcpus = 2, .xs_lock = v_lock,
		.xs_unlock = v_unlock, .bind_port = v_bind,
		.unbind_port = v_unbind,
	};
	struct be_sring *s = (void *)ram;
	const union blkif_ring_entry *e = (void *)s->ring;
	char err[256] = "", spec[128];
	uint64_t one = 1;

	setup(false);			/* RAM, grants, the image */
	disk_close(bd.disk);
	bd.disk = NULL;
	teardown(true);
	memset(ram, 0, sizeof(ram));
	CU_ASSERT_FATAL(be_gnttab_init(&env.gnttab, table, 1, &mem) == 0);
	vxs = xs_new(1);
	nbound = nunbound = 0;
	blk_specs_reset();
	snprintf(spec, sizeof(spec), "format=raw,vdev=xvdb,target=%s", img);
	CU_ASSERT_FATAL(blk_spec_add(spec, err, sizeof(err)) == 0);
	CU_ASSERT_EQUAL(blk_spec_add(spec, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "already used"));
	CU_ASSERT_FATAL(be_core_start(&env, err, sizeof(err)) == 0);

	/* the keys Linux's blkfront reads [xen-abi.md F.4] */
	CU_ASSERT_STRING_EQUAL(vrd(VFE "/virtual-device"), "51728");
	CU_ASSERT_STRING_EQUAL(vrd(VFE "/device-type"), "disk");
	CU_ASSERT_STRING_EQUAL(vrd(VFE "/backend-id"), "0");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/state"), "2");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/sectors"), "2048");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/sector-size"), "512");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/physical-sector-size"), "512");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/info"), "0");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/mode"), "w");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/feature-flush-cache"), "1");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/feature-max-indirect-segments"),
			       "256");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/multi-queue-max-queues"), "2");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/max-ring-page-order"), "4");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/feature-persistent"), "(none)");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/feature-barrier"), "(none)");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/feature-discard"), "1");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/discard-secure"), "0");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/discard-granularity"), "4096");

	/* one queue, one page: ring-ref, event-channel, then Initialised */
	s->req_event = s->rsp_event = 1;
	grant(8, 0, false);
	grant(10, 1, true);
	memset(ram + 4096, 'x', 4096);
	vwr(VFE "/ring-ref", "8");
	vwr(VFE "/event-channel", "5");
	vwr(VFE "/protocol", "x86_64-abi");
	vwr(VFE "/state", "3");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/state"), "4");
	CU_ASSERT_EQUAL_FATAL(nbound, 1);
	CU_ASSERT_EQUAL(bound[0][0], 5);
	CU_ASSERT_EQUAL(table[8].flags & GTF_WRITING, GTF_WRITING);
	vwr(VFE "/state", "4");
	/* a write, through the worker: notify, wait for the kick */
	rw_req(BLKIF_OP_WRITE, 9, 0, 1, 10);
	CU_ASSERT(write(bound[0][1], &one, sizeof(one)) == sizeof(one));
	CU_ASSERT_TRUE(wait_kick(bound[0][2]));
	CU_ASSERT_EQUAL(s->rsp_prod, 1);
	CU_ASSERT_EQUAL(e->rsp.id, 9);
	CU_ASSERT_EQUAL(e->rsp.status, BLKIF_RSP_OKAY);
	/* driver unbound: Closing disconnects and drops the ring grant */
	vwr(VFE "/state", "5");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/state"), "5");
	CU_ASSERT_EQUAL(nunbound, 1);
	CU_ASSERT_EQUAL(table[8].flags, GTF_PERMIT_ACCESS);
	vwr(VFE "/state", "6");
	/* re-armed for a rebound blkfront: Connected, no connection */
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/state"), "4");
	CU_ASSERT_EQUAL(nbound, 1);
	vwr(VFE "/state", "3");			/* its talk_to_blkback */
	CU_ASSERT_EQUAL(nbound, 2);
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/state"), "4");
	s->rsp_event = 2;			/* as the guest's final check */
	rw_req(BLKIF_OP_WRITE, 10, 0, 1, 10);
	CU_ASSERT(write(bound[1][1], &one, sizeof(one)) == sizeof(one));
	CU_ASSERT_TRUE(wait_kick(bound[1][2]));
	CU_ASSERT_EQUAL(e[1].rsp.id, 10);
	vwr(VFE "/state", "5");
	vwr(VFE "/state", "6");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/state"), "4");

	/* reconnect with bad keys: Closing each time */
	CU_ASSERT_STRING_EQUAL(fe_retry("ring-ref", "9"), "5");	/* no grant */
	CU_ASSERT_STRING_EQUAL(fe_retry("ring-ref", "8x"), "5");
	vwr(VFE "/ring-ref", "8");
	CU_ASSERT_STRING_EQUAL(fe_retry("event-channel", "66"), "5");
	CU_ASSERT_EQUAL(table[8].flags, GTF_PERMIT_ACCESS);
	vwr(VFE "/event-channel", "5");
	CU_ASSERT_STRING_EQUAL(fe_retry("protocol", "x86_32-abi"), "5");
	vwr(VFE "/protocol", "x86_64-abi");
	CU_ASSERT_STRING_EQUAL(fe_retry("multi-queue-num-queues", "3"), "5");
	CU_ASSERT_STRING_EQUAL(fe_retry("ring-page-order", "5"), "5");
	vwr(VFE "/ring-page-order", "0");
	CU_ASSERT_STRING_EQUAL(fe_retry("multi-queue-num-queues", "1"), "4");

	/* two queues, two-page rings (contiguous pages 2-3 and 4-5) */
	vwr(VFE "/state", "6");
	vwr(VFE "/state", "1");
	nbound = 0;
	memset(ram + 2 * 4096, 0, 4 * 4096);
	grant(20, 2, false);
	grant(21, 3, false);
	grant(22, 4, false);
	grant(23, 5, false);
	vwr(VFE "/multi-queue-num-queues", "2");
	vwr(VFE "/ring-page-order", "1");
	vwr(VFE "/queue-0/ring-ref0", "20");
	vwr(VFE "/queue-0/ring-ref1", "21");
	vwr(VFE "/queue-0/event-channel", "6");
	vwr(VFE "/queue-1/ring-ref0", "22");
	vwr(VFE "/queue-1/ring-ref1", "23");
	vwr(VFE "/queue-1/event-channel", "7");
	vwr(VFE "/state", "3");
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/state"), "4");
	CU_ASSERT_EQUAL(nbound, 2);
	/* pages not contiguous: refused */
	CU_ASSERT_STRING_EQUAL(fe_retry("queue-1/ring-ref1", "20"), "5");

	be_core_stop();
	CU_ASSERT_STRING_EQUAL(vrd(VBE "/state"), "(none)");
	for (unsigned int i = 0; i < GNT_ENTRIES_PER_FRAME; i++)
		CU_ASSERT_EQUAL(table[i].flags & (GTF_READING | GTF_WRITING), 0);
	blk_specs_reset();
	be_gnttab_fini(&env.gnttab);
	xs_free(vxs);
	vxs = NULL;
	unlink(img);
}

static CU_TestInfo be_blk_tests[] = {
	{ "vdev numbers", test_vdev },
	{ "--disk specs", test_spec },
	{ "read, write, flush, discard, indirect", test_rw },
	{ "bad requests", test_bad_requests },
	{ "runaway ring indices", test_runaway },
	{ "hostile requests, fuzzed", test_fuzz },
	{ "empty cdrom drive", test_empty_cdrom },
	{ "device: keys, connect, I/O, queues, bad keys", test_device },
	CU_TEST_INFO_NULL,
};
UNIT_SUITE(be_blk, be_blk_tests)

// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-state-mutate IN OUT N: write variant N of the state stream IN
 * (a real save file) to OUT, damaged in one of the ways a disk, a network
 * or an attacker damages files (92-state-fuzz feeds each to hxen restore,
 * which must refuse it):
 *
 *   N % 12 == 0   a bit flipped in the stream header
 *             1   a bit flipped in a record header
 *             2   a bit flipped in a non-RAM record body
 *             3   a bit flipped in a RAM record body
 *             4   cut at a random offset
 *             5   cut at a record boundary (END lost)
 *             6   a record's version raised, CRCs made right again
 *             7   the stream version raised, header CRC right (a newer hxen)
 *             8   CONFIG: 0 vCPUs, CRC right
 *             9   a RAM record repeated, CRC right (a page saved twice)
 *            10   a RAM page table entry longer than its record, CRC right
 *            11   a VCPU record's event state impossible (an NMI in flight),
 *                 CRC right: only the module can tell
 *
 * N also seeds which record and which bit.  Standalone (libc + zlib's
 * crc32), trusts IN's framing: it is only used on files hxen wrote.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "hxen/hxen.h"
#include "monitor/stream.h"

static uint8_t *buf;
static size_t len;
static uint64_t offs[100000];
static unsigned int nrec;

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

static struct hxs_rec_hdr *rec(unsigned int i)
{
	return (struct hxs_rec_hdr *)(buf + offs[i]);
}

static void fix(unsigned int i)
{
	struct hxs_rec_hdr *h = rec(i);

	h->body_crc = (uint32_t)crc32(0L, (uint8_t *)(h + 1), h->length);
	h->hdr_crc = (uint32_t)crc32(0L, (uint8_t *)h, offsetof(struct hxs_rec_hdr, hdr_crc));
}

/* A record of @type (or any but RAM/END when type is ~0), picked by @s. */
static int pick(uint64_t *s, uint32_t type)
{
	unsigned int cand[100000], n = 0;

	for (unsigned int i = 0; i < nrec; i++) {
		uint32_t t = rec(i)->type;

		if (type == ~0U ? t != HXS_RAM && t != HXS_END && rec(i)->length
				: t == type)
			cand[n++] = i;
	}
	return n ? (int)cand[rnd(s) % n] : -1;
}

static void flip(uint64_t at, uint64_t *s)
{
	buf[at] ^= 1 << (rnd(s) % 8);
}

int main(int argc, char **argv)
{
	FILE *in, *out;
	unsigned long n;
	uint64_t s, off = sizeof(struct hxs_header);
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: %s IN OUT N\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[3], NULL, 0);
	s = n * 0x9e3779b97f4a7c15ULL + 1;
	in = fopen(argv[1], "rb");
	if (!in || fseek(in, 0, SEEK_END) || (len = ftell(in)) < 64) {
		perror(argv[1]);
		return 1;
	}
	rewind(in);
	buf = malloc(len + HXS_RAM_CHUNK * 8 + 64);
	if (!buf || fread(buf, 1, len, in) != len)
		return 1;
	fclose(in);
	while (off + sizeof(struct hxs_rec_hdr) <= len && nrec < 100000) {
		struct hxs_rec_hdr *h = (void *)(buf + off);

		offs[nrec++] = off;
		if (h->type == HXS_END)
			break;
		off += sizeof(*h) + ((h->length + 7) & ~7ULL);
	}
	switch (n % 12) {
	case 0:
		flip(rnd(&s) % sizeof(struct hxs_header), &s);
		break;
	case 1:
		flip(offs[rnd(&s) % nrec] + rnd(&s) % sizeof(struct hxs_rec_hdr), &s);
		break;
	case 2:
	case 3:
		r = pick(&s, n % 12 == 2 ? ~0U : HXS_RAM);
		if (r < 0)
			return 1;
		flip(offs[r] + sizeof(struct hxs_rec_hdr) + rnd(&s) % rec(r)->length, &s);
		break;
	case 4:
		len = sizeof(struct hxs_header) + rnd(&s) % (len - sizeof(struct hxs_header));
		break;
	case 5:
		len = offs[1 + rnd(&s) % (nrec - 1)];
		break;
	case 6:
		r = rnd(&s) % nrec;
		rec(r)->version++;
		fix(r);
		break;
	case 7: {
		struct hxs_header *h = (void *)buf;

		h->version++;
		h->crc = (uint32_t)crc32(0L, buf, offsetof(struct hxs_header, crc));
		break;
	}
	case 8:
		((struct hxs_config *)(rec(0) + 1))->vcpus = 0;
		fix(0);
		break;
	case 9: {
		/* the first RAM record once more, right after itself */
		uint64_t sz;

		r = pick(&s, HXS_RAM);
		if (r < 0)
			return 1;
		sz = offs[r + 1] - offs[r];
		buf = realloc(buf, len + sz);
		memmove(buf + offs[r + 1] + sz, buf + offs[r + 1], len - offs[r + 1]);
		memcpy(buf + offs[r + 1], buf + offs[r], sz);
		len += sz;
		break;
	}
	case 10: {
		struct hxs_ram *h;
		struct hxs_page *tab;

		r = pick(&s, HXS_RAM);
		if (r < 0)
			return 1;
		h = (void *)(rec(r) + 1);
		tab = (void *)(h + 1);
		tab[rnd(&s) % h->npages].length += 1 + rnd(&s) % 100000;
		fix(r);
		break;
	}
	default: {
		struct hxs_vcpu *v;

		r = pick(&s, HXS_VCPU);
		if (r < 0)
			return 1;
		v = (void *)(rec(r) + 1);
		v->state.event_valid = 1;
		v->state.event_type = HXEN_EVENT_NMI;
		v->state.event_vector = 2;
		fix(r);
		break;
	}
	}
	out = fopen(argv[2], "wb");
	if (!out || fwrite(buf, 1, len, out) != len || fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Completing the L4 checksum of a frame the guest sent with csum_blank
 * (NETTXF_csum_blank: Linux's CHECKSUM_PARTIAL, the field holds only the
 * pseudo-header sum) for a transport that needs finished frames (slirp
 * checks every checksum).  The sum is computed from scratch over the
 * pseudo-header [RFC 768, RFC 793; RFC 8200 8.1 for IPv6] and the
 * segment, so a GSO frame handed on whole gets the checksum of its full
 * length, and whatever the guest left in the field does not matter.
 */
#include <errno.h>
#include <string.h>

#include "devices/be_net.h"

uint16_t net_csum_fold(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)b[0] << 8 | b[1];
		b += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)b[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

/*
 * Where the L4 header of an IPv4/IPv6 TCP or UDP frame is, and its
 * length and pseudo-header sum.  0, or -EINVAL for anything else.
 */
static int l4_find(const uint8_t *f, size_t len, size_t *l4, size_t *l4len,
		   uint8_t *proto, uint32_t *psum)
{
	size_t l3 = 14;
	uint16_t type;

	if (len < 14)
		return -EINVAL;
	type = get16(f + 12);
	if (type == 0x8100) {		/* one 802.1Q tag */
		if (len < 18)
			return -EINVAL;
		type = get16(f + 16);
		l3 = 18;
	}
	if (type == 0x0800) {
		size_t ihl;

		if (len < l3 + 20 || (f[l3] >> 4) != 4)
			return -EINVAL;
		ihl = (f[l3] & 15) * 4u;
		if (ihl < 20 || get16(f + l3 + 2) < ihl)
			return -EINVAL;
		/* fragments have no L4 header to finish */
		if (get16(f + l3 + 6) & 0x3fff)
			return -EINVAL;
		*proto = f[l3 + 9];
		*l4 = l3 + ihl;
		*l4len = get16(f + l3 + 2) - ihl;
		*psum = net_csum_fold(f + l3 + 12, 8, 0);
	} else if (type == 0x86dd) {
		if (len < l3 + 40 || (f[l3] >> 4) != 6)
			return -EINVAL;
		*proto = f[l3 + 6];
		*l4 = l3 + 40;
		*l4len = get16(f + l3 + 4);
		*psum = net_csum_fold(f + l3 + 8, 32, 0);
	} else {
		return -EINVAL;
	}
	if (*proto != 6 && *proto != 17)
		return -EINVAL;
	return 0;
}

int net_csum_complete(uint8_t *f, size_t len)
{
	size_t l4, l4len;
	uint32_t sum;
	uint8_t proto;
	uint8_t *field;
	uint16_t c;

	if (l4_find(f, len, &l4, &l4len, &proto, &sum) || l4 + l4len > len)
		return -EINVAL;
	if (proto == 6 && l4len >= 20)
		field = f + l4 + 16;
	else if (proto == 17 && l4len >= 8)
		field = f + l4 + 6;
	else
		return -EINVAL;
	sum += proto + (uint32_t)l4len;
	field[0] = field[1] = 0;
	c = ~net_csum_fold(f + l4, l4len, sum);
	if (proto == 17 && !c)
		c = 0xffff;	/* 0 means "no checksum" for UDP */
	field[0] = c >> 8;
	field[1] = c & 0xff;
	return 0;
}

int net_l4_offsets(const uint8_t *hdr, size_t len, struct net_offload *o)
{
	size_t l4, l4len;
	uint32_t sum;
	uint8_t proto;

	if (l4_find(hdr, len, &l4, &l4len, &proto, &sum))
		return -EINVAL;
	o->csum_start = l4;
	o->csum_offset = proto == 6 ? 16 : 6;
	if (proto == 6) {
		if (len < l4 + 20)
			return -EINVAL;
		o->hdr_len = l4 + (hdr[l4 + 12] >> 4) * 4u;
	} else {
		o->hdr_len = l4 + 8;
	}
	return 0;
}

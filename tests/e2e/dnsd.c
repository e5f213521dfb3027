// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-dnsd ADDR PORT NAME IPV4: the smallest DNS server 77-net-multi
 * needs (the emulated host's busybox has no dnsd).  It answers a
 * standard query for NAME, type A, with IPV4 and anything else with
 * NXDOMAIN; one question per message [RFC 1035 4.1].
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* the question's name in dotted form; its end offset, or 0 if bad */
static size_t qname(const unsigned char *m, size_t len, char *out, size_t n)
{
	size_t off = 12, o = 0;

	while (off < len && m[off]) {
		size_t l = m[off++];

		if (l > 63 || off + l > len || o + l + 2 > n)
			return 0;
		if (o)
			out[o++] = '.';
		memcpy(out + o, m + off, l);
		o += l;
		off += l;
	}
	out[o] = 0;
	return off < len ? off + 1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct in_addr ip;
	unsigned char m[512];
	int fd;

	if (argc != 5 || !inet_pton(AF_INET, argv[1], &a.sin_addr) ||
	    !inet_pton(AF_INET, argv[4], &ip)) {
		fprintf(stderr, "usage: hxen-dnsd ADDR PORT NAME IPV4\n");
		return 2;
	}
	a.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("hxen-dnsd: bind");
		return 1;
	}
	for (;;) {
		struct sockaddr_in peer;
		socklen_t pl = sizeof(peer);
		ssize_t len = recvfrom(fd, m, sizeof(m), 0,
				       (struct sockaddr *)&peer, &pl);
		char name[256];
		size_t end;
		int hit;

		if (len < 12 || (m[2] & 0x80) || m[4] || m[5] != 1)
			continue;	/* not one standard question */
		end = qname(m, len, name, sizeof(name));
		if (!end || end + 4 > (size_t)len)
			continue;
		hit = !strcasecmp(name, argv[3]) && m[end] == 0 &&
		      m[end + 1] == 1;
		end += 4;
		m[2] = 0x84 | (m[2] & 0x01);	/* response, authoritative, RD kept */
		m[3] = hit ? 0 : 3;		/* NOERROR or NXDOMAIN */
		memset(m + 6, 0, 6);
		if (hit && end + 16 <= sizeof(m)) {
			static const unsigned char rr[12] = {
				0xc0, 12,	/* the name: pointer to the question */
				0, 1, 0, 1,	/* type A, class IN */
				0, 0, 0, 60,	/* TTL */
				0, 4,
			};

			m[7] = 1;
			memcpy(m + end, rr, sizeof(rr));
			memcpy(m + end + 12, &ip, 4);
			end += 16;
		}
		sendto(fd, m, end, 0, (struct sockaddr *)&peer, pl);
	}
}

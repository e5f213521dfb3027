// SPDX-License-Identifier: GPL-2.0
/*
 * The VNC server's address (vnc_addr.h).  The sockets are ours, not
 * libvncserver's: its own listener binds IPv4 by an in_addr_t only, and
 * with an IPv6-only setup its listener thread would test an invalid
 * socket with FD_ISSET (a fortified abort); given one or two ready
 * sockets it accepts on them as on its own (devices/fe_vnc.c).
 */
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/vnc_addr.h"

static int parse_display(const char *d, int *display, char *err,
			 size_t errlen)
{
	char *end;
	long n;

	if (!d || !*d)
		return 0;
	n = strtol(d, &end, 10);
	if (*end || end == d || n < 0 || n > VNC_MAX_DISPLAY) {
		snprintf(err, errlen, "VNC display '%s': expected a number "
			 "from 0 to %d (port 5900 + DISPLAY)", d,
			 VNC_MAX_DISPLAY);
		return -EINVAL;
	}
	*display = n;
	return 0;
}

/* letters, digits and what addresses and names use ('%': IPv6 scopes) */
static bool host_ok(const char *h, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_' || c == ':' || c == '%'))
			return false;
	}
	return true;
}

int vnc_parse_listen(const char *listen, const char *vncdisplay, char *host,
		     size_t hostlen, int *display, char *err, size_t errlen)
{
	const char *h = VNC_DEFAULT_HOST, *d = vncdisplay, *colon;
	size_t hl = strlen(h);

	*display = 0;
	if (listen && *listen == '[') {
		const char *rb = strchr(listen, ']');

		if (!rb || (rb[1] && rb[1] != ':')) {
			snprintf(err, errlen, "vnclisten=%s: expected "
				 "[IPV6] or [IPV6]:DISPLAY", listen);
			return -EINVAL;
		}
		h = listen + 1;
		hl = rb - h;
		if (rb[1] && rb[2])
			d = rb + 2;
	} else if (listen && *listen) {
		colon = strchr(listen, ':');
		if (colon && strchr(colon + 1, ':')) {
			/* two colons: a bare IPv6 address, no display */
			h = listen;
			hl = strlen(listen);
		} else if (colon) {
			if (colon != listen) {
				h = listen;
				hl = colon - listen;
			}
			if (colon[1])	/* "ADDR:": vncdisplay= */
				d = colon + 1;
		} else {
			h = listen;
			hl = strlen(listen);
		}
	}
	if (!host_ok(h, hl) || hl >= hostlen) {
		snprintf(err, errlen, "vnclisten=%s: expected an address "
			 "(127.0.0.1, ::1; 0.0.0.0 or :: for every interface) "
			 "or a host name, optionally with :DISPLAY ([IPV6]:"
			 "DISPLAY for IPv6)", listen ? listen : "");
		return -EINVAL;
	}
	memcpy(host, h, hl);
	host[hl] = 0;
	return parse_display(d, display, err, errlen);
}

const char *vnc_host_str(const char *host, char *buf, size_t len)
{
	if (!strchr(host, ':'))
		return host;
	snprintf(buf, len, "[%s]", host);
	return buf;
}

static int listen_one(const struct addrinfo *ai, bool v6only)
{
	int one = 1, fd, e;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* a name with both families: each socket takes its own */
	if (ai->ai_family == AF_INET6 && v6only)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 32)) {
		e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

int vnc_listen(const char *host, int port, int fds[2], char *err,
	       size_t errlen)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	};
	struct addrinfo *res, *ai;
	bool has4 = false, got4 = false, got6 = false;
	char service[8], hb[80];
	int n = 0, r, first = 0;

	snprintf(service, sizeof(service), "%d", port);
	r = getaddrinfo(host, service, &hints, &res);
	if (r) {
		snprintf(err, errlen, "vnclisten: '%s' is neither an address "
			 "nor a host name that resolves: %s", host,
			 gai_strerror(r));
		return -ENOENT;
	}
	for (ai = res; ai; ai = ai->ai_next)
		has4 |= ai->ai_family == AF_INET;
	for (ai = res; ai && n < 2; ai = ai->ai_next) {
		bool *got = ai->ai_family == AF_INET ? &got4 :
			    ai->ai_family == AF_INET6 ? &got6 : NULL;

		if (!got || *got)
			continue;
		r = listen_one(ai, has4);
		if (r < 0) {
			/* e.g. IPv6 off in this kernel: the other may do */
			if (!first)
				first = r;
			continue;
		}
		*got = true;
		fds[n++] = r;
	}
	freeaddrinfo(res);
	if (n)
		return n;
	r = first ? first : -EADDRNOTAVAIL;
	snprintf(err, errlen, "vnc=1: cannot listen on %s port %d: %s%s",
		 vnc_host_str(host, hb, sizeof(hb)), port, strerror(-r),
		 r == -EADDRNOTAVAIL ? " (not an address of this host: "
		 "vnclisten=127.0.0.1 is the default, :: or 0.0.0.0 every "
		 "interface)" : "");
	return r;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the VNC server listens (devices/vnc_addr.c): xl's vnclisten= and
 * vncdisplay= keys, and the listening sockets for IPv4, IPv6 and host
 * names.  Without libvncserver, so the unit tests check it.
 */
#ifndef HXEN_VNC_ADDR_H
#define HXEN_VNC_ADDR_H

#include <stddef.h>

#define VNC_BASE_PORT		5900
#define VNC_MAX_DISPLAY		(65535 - VNC_BASE_PORT)
#define VNC_DEFAULT_HOST	"127.0.0.1"

/*
 * @listen: "ADDR", "ADDR:DISPLAY", ":DISPLAY", "[IPV6]", "[IPV6]:DISPLAY"
 * or a bare IPv6 address ("::1": no display, it would be ambiguous);
 * ADDR is an IPv4 address or a host name.  NULL or empty: 127.0.0.1.
 * @vncdisplay gives the display when @listen has none (NULL: 0).
 * @host gets the address without brackets.  0, or -EINVAL with a message
 * for the user in @err.
 */
int vnc_parse_listen(const char *listen, const char *vncdisplay, char *host,
		     size_t hostlen, int *display, char *err, size_t errlen);

/*
 * Listening TCP sockets on @host (an address or a name: its first IPv4
 * and its first IPv6 address), port @port: @fds[0], and @fds[1] when
 * there are two.  Returns how many (1 or 2), or -errno (-EADDRINUSE: the
 * port is taken; -EADDRNOTAVAIL: not an address of this host; -ENOENT:
 * the name does not resolve) with a message in @err.
 */
int vnc_listen(const char *host, int port, int fds[2], char *err,
	       size_t errlen);

/* @host for messages: IPv6 addresses in brackets ("[::1]") */
const char *vnc_host_str(const char *host, char *buf, size_t len);

#endif /* HXEN_VNC_ADDR_H */

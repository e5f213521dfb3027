// SPDX-License-Identifier: GPL-2.0
/* vnclisten= parsing and the VNC listening sockets (devices/vnc_addr.c). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "devices/vnc_addr.h"

static char host[64], err[256];
static int disp;

static int parse(const char *l, const char *d)
{
	strcpy(host, "unchanged");
	disp = -1;
	err[0] = 0;
	return vnc_parse_listen(l, d, host, sizeof(host), &disp, err,
				sizeof(err));
}

#define PARSES(l, d, h, n) do {						\
	CU_ASSERT_EQUAL(parse(l, d), 0);				\
	CU_ASSERT_STRING_EQUAL(host, h);				\
	CU_ASSERT_EQUAL(disp, n);					\
} while (0)

static void test_parse(void)
{
	/* the default: 127.0.0.1, display 0 or vncdisplay= */
	PARSES(NULL, NULL, "127.0.0.1", 0);
	PARSES("", NULL, "127.0.0.1", 0);
	PARSES(NULL, "3", "127.0.0.1", 3);
	PARSES(":2", NULL, "127.0.0.1", 2);
	/* IPv4 */
	PARSES("127.0.0.1:1", NULL, "127.0.0.1", 1);
	PARSES("0.0.0.0", "4", "0.0.0.0", 4);
	PARSES("10.1.2.3:7", "4", "10.1.2.3", 7);	/* vnclisten's wins */
	/* IPv6: brackets with a display, bare without */
	PARSES("[::1]:2", NULL, "::1", 2);
	PARSES("[::1]", "5", "::1", 5);
	PARSES("::1", NULL, "::1", 0);
	PARSES("::", "1", "::", 1);
	PARSES("[fe80::1%eth0]:3", NULL, "fe80::1%eth0", 3);
	PARSES("2001:db8::7", NULL, "2001:db8::7", 0);
	/* host names */
	PARSES("localhost", NULL, "localhost", 0);
	PARSES("vm-host.example.org:9", NULL, "vm-host.example.org", 9);
	PARSES("h:" "59635", NULL, "h", VNC_MAX_DISPLAY);

	/* refused, with a message naming the value */
	CU_ASSERT_EQUAL(parse("[::1", NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "[::1"));
	CU_ASSERT_EQUAL(parse("[::1]2", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("[]:1", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("a host:1", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("host;rm:1", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("host:x", NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'x'"));
	CU_ASSERT_EQUAL(parse("host:", "y"), -EINVAL);
	CU_ASSERT_EQUAL(parse("host:-1", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("host:59636", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("[::1]:99999", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse(NULL, "1x"), -EINVAL);
	/* longer than the buffer */
	CU_ASSERT_EQUAL(parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			      "aaaaaaaaaaaaaaaa:1", NULL), -EINVAL);
}

static void test_host_str(void)
{
	char b[64];

	CU_ASSERT_STRING_EQUAL(vnc_host_str("127.0.0.1", b, sizeof(b)),
			       "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(vnc_host_str("::1", b, sizeof(b)), "[::1]");
	CU_ASSERT_STRING_EQUAL(vnc_host_str("myhost", b, sizeof(b)), "myhost");
}

/* family and port of a listening socket */
static int sock_family(int fd, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET)
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ss.ss_family;
}

static void test_listen(void)
{
	int fds[2], fds2[2], port, port2, n;

	/* IPv4 loopback, any free port */
	n = vnc_listen("127.0.0.1", 0, fds, err, sizeof(err));
	CU_ASSERT_EQUAL(n, 1);
	if (n != 1)
		return;
	CU_ASSERT_EQUAL(sock_family(fds[0], &port), AF_INET);
	CU_ASSERT(port > 0);
	/* the same port again: in use, said so */
	CU_ASSERT_EQUAL(vnc_listen("127.0.0.1", port, fds2, err, sizeof(err)),
			-EADDRINUSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "127.0.0.1"));
	close(fds[0]);

	/* IPv6 loopback, where this machine has IPv6 */
	n = vnc_listen("::1", 0, fds, err, sizeof(err));
	if (n == -EADDRNOTAVAIL || n == -EAFNOSUPPORT) {
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "[::1]"));
	} else {
		CU_ASSERT_EQUAL(n, 1);
		if (n == 1) {
			CU_ASSERT_EQUAL(sock_family(fds[0], &port2), AF_INET6);
			close(fds[0]);
		}
	}

	/* an address this host does not have (TEST-NET-1, RFC 5737) */
	n = vnc_listen("192.0.2.1", 0, fds, err, sizeof(err));
	CU_ASSERT_EQUAL(n, -EADDRNOTAVAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not an address of this host"));
}

static const CU_TestInfo vnc_addr_tests[] = {
	{ "vnclisten parsing", test_parse },
	{ "addresses in messages", test_host_str },
	{ "listening sockets", test_listen },
	CU_TEST_INFO_NULL,
};
UNIT_SUITE(vnc_addr, vnc_addr_tests);

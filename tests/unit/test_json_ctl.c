// SPDX-License-Identifier: GPL-2.0
/*
 * The control-socket protocol (docs/protocol.md), end to end in one
 * process: monitor/ctl.c serves a socket in a temporary directory with
 * fake VM operations, the test talks line-delimited JSON to it.  The last
 * test lets the shutdown grace period expire, which "destroys" the VM
 * (the fake destroy records the status) and removes the socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "monitor/ctl.h"
#include "tools/json.h"

static char dir[64], sock[128];
static int n_pause, n_resume, n_shutdown, destroyed = -1;
static char input[256];
static size_t input_len;

static int f_pause(void *o) { n_pause++; return 0; }
static int f_resume(void *o) { n_resume++; return 0; }
static int f_shutdown(void *o, bool reboot) { n_shutdown++; return -EOPNOTSUPP; }
static void f_destroy(void *o, int status) { destroyed = status; }

static void f_input(void *o, const void *buf, size_t len)
{
	if (input_len + len <= sizeof(input)) {
		memcpy(input + input_len, buf, len);
		input_len += len;
	}
}

static char pv_input[64];
static size_t pv_len;

static void f_pv_input(void *o, const void *buf, size_t len)
{
	if (pv_len + len <= sizeof(pv_input)) {
		memcpy(pv_input + pv_len, buf, len);
		pv_len += len;
	}
}

static const struct ctl_vm_ops fake_ops = {
	.pause = f_pause, .resume = f_resume, .shutdown = f_shutdown,
	.destroy = f_destroy,
};

static int ctl_init(void)
{
	struct ctl_vm_info info = { .name = "unit-vm", .memory = 32 << 20,
				    .vcpus = 2 };
	char err[256];

	strcpy(dir, "/tmp/hxen-unit-ctl-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/unit-vm.sock", dir);
	ctl_opts.socket = sock;
	ctl_opts.grace = 1;
	if (ctl_start(&info, &fake_ops, NULL, err, sizeof(err))) {
		fprintf(stderr, "ctl_start: %s\n", err);
		return -1;
	}
	ctl_console_set_input("serial", f_input, NULL);
	return 0;
}

static int ctl_cleanup(void)
{
	char p[160];

	ctl_stop();
	unlink(sock);
	snprintf(p, sizeof(p), "%s.lock", sock);
	unlink(p);
	rmdir(dir);
	return 0;
}

/* Read until @n newline-terminated lines or 2 s; returns bytes read. */
static size_t recv_until(int fd, char *buf, size_t cap, const char *want)
{
	size_t len = 0;

	buf[0] = 0;
	while (len + 1 < cap && !strstr(buf, want)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 2000) <= 0)
			break;
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n <= 0)
			break;
		len += n;
		buf[len] = 0;
	}
	return len;
}

static int dial(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[512];

	strcpy(sa.sun_path, sock);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	recv_until(fd, buf, sizeof(buf), "\n");	/* greeting */
	return fd;
}

/* One request line -> parsed reply object (caller frees). */
static struct json *ask(int fd, const char *line)
{
	char buf[2048], err[128];
	char *nl;

	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0)
		return NULL;
	recv_until(fd, buf, sizeof(buf), "\n");
	nl = strchr(buf, '\n');
	if (!nl)
		return NULL;
	return json_parse(buf, nl - buf, err, sizeof(err));
}

static void test_greeting_and_mode(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[512], err[128];
	struct json *hello;
	struct stat st;
	int64_t v = 0;

	CU_ASSERT_EQUAL(stat(sock, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	strcpy(sa.sun_path, sock);
	CU_ASSERT_EQUAL_FATAL(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	recv_until(fd, buf, sizeof(buf), "\n");
	*strchr(buf, '\n') = 0;
	hello = json_parse(buf, strlen(buf), err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(hello);
	CU_ASSERT_TRUE(json_get_int(hello, "protocol", &v));
	CU_ASSERT_EQUAL(v, CTL_PROTOCOL_VERSION);
	CU_ASSERT_STRING_EQUAL(json_get_str(hello, "name"), "unit-vm");
	json_free(hello);
	close(fd);
}

static void test_name_lock(void)
{
	char lock[160];
	int fd;

	snprintf(lock, sizeof(lock), "%s.lock", sock);
	fd = open(lock, O_RDWR);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	/* the running "monitor" holds it: a second one would be refused */
	CU_ASSERT_NOT_EQUAL(flock(fd, LOCK_EX | LOCK_NB), 0);
	CU_ASSERT_EQUAL(errno, EWOULDBLOCK);
	close(fd);
}

static void test_status(void)
{
	int fd = dial();
	struct json *r = ask(fd, "{\"cmd\":\"status\",\"protocol\":1}\n");
	int64_t v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(json_get_bool(r, "ok", false));
	CU_ASSERT_STRING_EQUAL(json_get_str(r, "name"), "unit-vm");
	CU_ASSERT_TRUE(json_get_int(r, "memory", &v) && v == 32);
	CU_ASSERT_TRUE(json_get_int(r, "vcpus", &v) && v == 2);
	CU_ASSERT_TRUE(json_get_int(r, "id", &v) && v == getpid());
	CU_ASSERT_STRING_EQUAL(json_get_str(r, "state"), "running");
	CU_ASSERT_STRING_EQUAL(json_get_str(r, "console"), "serial");
	json_free(r);
	close(fd);
}

static void expect_error(int fd, const char *req, const char *msg)
{
	struct json *r = ask(fd, req);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_FALSE(json_get_bool(r, "ok", true));
	if (!json_get_str(r, "error") || strcmp(json_get_str(r, "error"), msg))
		fprintf(stderr, "\n  %s -> %s", req, json_get_str(r, "error"));
	CU_ASSERT_STRING_EQUAL(json_get_str(r, "error"), msg);
	json_free(r);
}

static void test_pause_resume(void)
{
	int fd = dial();
	struct json *r;

	r = ask(fd, "{\"cmd\":\"pause\"}\n");
	CU_ASSERT_TRUE(json_get_bool(r, "ok", false));
	json_free(r);
	CU_ASSERT_EQUAL(n_pause, 1);
	r = ask(fd, "{\"cmd\":\"status\"}\n");
	CU_ASSERT_STRING_EQUAL(json_get_str(r, "state"), "paused");
	json_free(r);
	expect_error(fd, "{\"cmd\":\"pause\"}\n", "the VM is already paused");
	r = ask(fd, "{\"cmd\":\"resume\"}\n");
	CU_ASSERT_TRUE(json_get_bool(r, "ok", false));
	json_free(r);
	CU_ASSERT_EQUAL(n_resume, 1);
	expect_error(fd, "{\"cmd\":\"resume\"}\n", "the VM is already running");
	close(fd);
}

static void test_bad_requests(void)
{
	int fd = dial();
	char big[5000];
	struct json *r;

	expect_error(fd, "{\"cmd\":\"frobnicate\"}\n",
		     "unknown command 'frobnicate'");
	expect_error(fd, "{\"cmd\":7}\n", "request has no \"cmd\" string");
	expect_error(fd, "[1,\n", "bad JSON request: 1:4: unexpected end of "
		     "input");
	expect_error(fd, "{\"cmd\":\"status\",\"protocol\":2}\n",
		     "unsupported protocol version (this monitor speaks 1)");
	/* the connection survives errors */
	r = ask(fd, "{\"cmd\":\"status\"}\n");
	CU_ASSERT_TRUE(json_get_bool(r, "ok", false));
	json_free(r);
	/* an endless line is refused and the connection closed */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = 0;
	expect_error(fd, big, "request line too long");
	close(fd);
	/* and the server is still there */
	fd = dial();
	CU_ASSERT_TRUE(fd >= 0);
	r = ask(fd, "{\"cmd\":\"status\"}\n");
	CU_ASSERT_TRUE(json_get_bool(r, "ok", false));
	json_free(r);
	close(fd);
}

static void test_console(void)
{
	int fd = dial();
	char buf[1024];
	struct timespec ts = { 0, 50 * 1000000L };

	ctl_console_output("boot banner\n", 12);	/* before attach: history */
	CU_ASSERT_EQUAL(send(fd, "{\"cmd\":\"console\"}\nab", 20, 0), 20);
	recv_until(fd, buf, sizeof(buf), "banner\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"console\":\"serial\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "}\nboot banner\n"));
	ctl_console_output("live\n", 5);
	recv_until(fd, buf, sizeof(buf), "live\n");
	CU_ASSERT_STRING_EQUAL(buf, "live\n");
	CU_ASSERT_EQUAL(send(fd, "cd", 2, 0), 2);
	for (int i = 0; i < 40 && input_len < 4; i++)
		nanosleep(&ts, NULL);
	CU_ASSERT_EQUAL(input_len, 4);
	CU_ASSERT_NSTRING_EQUAL(input, "abcd", 4);

	/* hvc0 takes the input from the UART, whatever the order */
	ctl_console_set_input("hvc0", f_pv_input, NULL);
	ctl_console_set_input("serial", f_input, NULL);
	CU_ASSERT_STRING_EQUAL(ctl_console_kind(), "hvc0");
	CU_ASSERT_EQUAL(send(fd, "ef", 2, 0), 2);
	for (int i = 0; i < 40 && pv_len < 2; i++)
		nanosleep(&ts, NULL);
	CU_ASSERT_EQUAL(pv_len, 2);
	CU_ASSERT_EQUAL(input_len, 4);
	ctl_console_clear_input("hvc0");
	CU_ASSERT_STRING_EQUAL(ctl_console_kind(), "serial");
	CU_ASSERT_EQUAL(send(fd, "g", 1, 0), 1);
	for (int i = 0; i < 40 && input_len < 5; i++)
		nanosleep(&ts, NULL);
	CU_ASSERT_EQUAL(input_len, 5);
	CU_ASSERT_EQUAL(pv_len, 2);
	close(fd);
}

/*
 * A client that does not read for a while loses nothing: 3000 small
 * writes are far more skbs than a unix socket's send buffer takes, so
 * all but the first few hundred wait in the client's queue.
 */
static void test_console_slow_client(void)
{
	enum { LINES = 3000 };
	static char buf[LINES * 16 + 4096];
	struct timespec ts = { 0, 200 * 1000000L };
	int fd = dial();
	size_t len, want = 0;
	char line[32], *p;
	bool ok = true;

	CU_ASSERT_EQUAL(send(fd, "{\"cmd\":\"console\"}\n", 18, 0), 18);
	recv_until(fd, buf, sizeof(buf), "}\n");
	/* the history replayed at attach is read and thrown away */
	nanosleep(&ts, NULL);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	for (int i = 0; i < LINES; i++) {
		int n = snprintf(line, sizeof(line), "L%05d\n", i);

		ctl_console_output(line, n);
		want += n;
	}
	len = recv_until(fd, buf, sizeof(buf), "L02999\n");
	CU_ASSERT_EQUAL(len, want);
	p = buf;
	for (int i = 0; i < LINES && ok; i++) {
		snprintf(line, sizeof(line), "L%05d\n", i);
		ok = !strncmp(p, line, 7);
		p += 7;
	}
	CU_ASSERT_TRUE(ok);
	close(fd);
}

/* A reboot the guest obeys (the monitor restarts it) disarms the grace. */
static void test_reboot_obeyed(void)
{
	int fd = dial();
	struct json *r = ask(fd, "{\"cmd\":\"reboot\"}\n");
	struct timespec ts = { 1, 300 * 1000000L }, tick = { 0, 50000000L };

	CU_ASSERT_TRUE(json_get_bool(r, "ok", false));
	json_free(r);
	r = ask(fd, "{\"cmd\":\"status\"}\n");
	CU_ASSERT_STRING_EQUAL(json_get_str(r, "state"), "shutting-down");
	json_free(r);
	ctl_vm_restarted();
	nanosleep(&tick, NULL);
	r = ask(fd, "{\"cmd\":\"status\"}\n");
	CU_ASSERT_STRING_EQUAL(json_get_str(r, "state"), "running");
	json_free(r);
	nanosleep(&ts, NULL);		/* longer than the 1 s grace */
	CU_ASSERT_EQUAL(destroyed, -1);
	close(fd);
}

/* Last: shutdown without a PV path, the grace expires, VM destroyed. */
static void test_shutdown_grace(void)
{
	int fd = dial();
	struct json *r = ask(fd, "{\"cmd\":\"shutdown\"}\n");
	struct timespec ts = { 0, 100 * 1000000L };
	int64_t g = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(json_get_bool(r, "ok", false));
	CU_ASSERT_FALSE(json_get_bool(r, "guest_notified", true));
	CU_ASSERT_TRUE(json_get_int(r, "grace", &g) && g == 1);
	json_free(r);
	CU_ASSERT_EQUAL(n_shutdown, 2);	/* the reboot, then this */
	r = ask(fd, "{\"cmd\":\"status\"}\n");
	CU_ASSERT_STRING_EQUAL(json_get_str(r, "state"), "shutting-down");
	json_free(r);
	CU_ASSERT_EQUAL(destroyed, -1);
	for (int i = 0; i < 30 && destroyed < 0; i++)
		nanosleep(&ts, NULL);
	CU_ASSERT_EQUAL(destroyed, CTL_EXIT_UNCLEAN);
	CU_ASSERT_NOT_EQUAL(access(sock, F_OK), 0);	/* socket removed */
	close(fd);
}

static const CU_TestInfo ctl_tests[] = {
	{ "greeting, socket mode 0600", test_greeting_and_mode },
	{ "name lock held", test_name_lock },
	{ "status", test_status },
	{ "pause and resume", test_pause_resume },
	{ "bad requests", test_bad_requests },
	{ "console attach: history, output, input", test_console },
	{ "console: a client that reads late loses nothing",
	  test_console_slow_client },
	{ "obeyed reboot disarms the grace timer", test_reboot_obeyed },
	{ "shutdown without PV path: destroyed after grace",
	  test_shutdown_grace },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(ctl_protocol, ctl_tests, .init = ctl_init, .cleanup = ctl_cleanup);

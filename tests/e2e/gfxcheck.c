// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-gfxcheck: the host side of the gui scenarios (tests/e2e/scenarios/
 * 8x-gui-*.sh), checking pixels against tests/e2e/gfx_pattern.h.
 *
 *   hxen-gfxcheck png FILE W H [STRIPE_Y STRIPE_H]
 *       FILE (hxen screenshot) is exactly the W x H pattern (with the
 *       white stripe): exit 0, else the first wrong pixel and exit 1
 *
 *   hxen-gfxcheck vnc HOST PORT [PASSWORD] < commands
 *       a libvncclient viewer (raw encoding, so bytes on the wire are the
 *       pixels sent), driven by one command a line on stdin, each answered
 *       by a line "ok CMD ..." or "fail CMD: why" on stdout:
 *         pattern W H SECS   frame is W x H and exactly the pattern
 *         stripe Y H SECS    ... with rows Y..Y+H-1 white
 *         size W H SECS      the frame size became W x H (DesktopSize)
 *         settle SECS        wait until 1 s passes with nothing received
 *         bytes              bytes received so far (TCP_INFO, the kernel's
 *                            count of this socket: every byte on the wire)
 *         key KEYSYM         press and release, keysym in hex (KeyEvent)
 *         extkey XT KEYSYM   the same as a QEMU extended key event; fails
 *                            if the server did not offer it
 *         line TEXT          type TEXT (printable ASCII) and Return, as a
 *                            user on a US keyboard: Shift around capitals
 *                            and shifted symbols, keys 20 ms apart
 *         pointer X Y MASK   a PointerEvent (MASK: buttons 1-5 in bits 0-4;
 *                            4 and 5 are the wheel)
 *         chord KEYSYM...    press the keys in order, release them in
 *                            reverse (ffe3 ffe9 ffff: Ctrl+Alt+Del)
 *         quit
 *
 *   hxen-gfxcheck text FILE COLS ROWS CURX CURY < screen
 *       FILE (a screenshot of a text console) shows the console's text
 *       on stdin (tests/e2e/gfx_text.h)
 *
 *   hxen-gfxcheck garbage HOST PORT [PASSWORD]
 *       after the handshake, malformed messages: a QEMU client message
 *       (255) with an unknown subtype, then (a second connection) 4 KiB
 *       of random bytes; prints "ok garbage N" when the server closed
 *       both connections within 10 s each (exit 0), else "fail garbage"
 *
 *   hxen-gfxcheck stall HOST PORT [PASSWORD]
 *       a client that asks for full frames and never reads them: the
 *       server must not block the VM or other clients; prints "ok stall"
 *       once its socket is stuck (the kernel's buffers are full), then
 *       stays until killed
 */
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <png.h>
#include <poll.h>
#include <signal.h>
#include <rfb/rfbclient.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gfx_pattern.h"
#include "gfx_text.h"

static uint32_t expect_px(uint32_t x, uint32_t y, int sy, int sh)
{
	if (sh > 0 && (int)y >= sy && (int)y < sy + sh)
		return GFX_STRIPE;
	return gfx_pattern(x, y);
}

/* FILE as RGB bytes (free() them), its size in @w, @h; NULL: said why */
static uint8_t *load_png(const char *cmd, const char *file, uint32_t *w,
			 uint32_t *h)
{
	png_image img = { .version = PNG_IMAGE_VERSION };
	uint8_t *rgb;

	if (!png_image_begin_read_from_file(&img, file)) {
		printf("fail %s: %s: %s\n", cmd, file, img.message);
		return NULL;
	}
	img.format = PNG_FORMAT_RGB;
	rgb = malloc(PNG_IMAGE_SIZE(img));
	if (!rgb || !png_image_finish_read(&img, NULL, rgb, 0, NULL)) {
		printf("fail %s: cannot decode %s\n", cmd, file);
		free(rgb);
		return NULL;
	}
	*w = img.width;
	*h = img.height;
	return rgb;
}

static int check_png(const char *file, uint32_t w, uint32_t h, int sy, int sh)
{
	uint32_t iw, ih;
	uint8_t *rgb = load_png("png", file, &iw, &ih);

	if (!rgb)
		return 1;
	if (iw != w || ih != h) {
		printf("fail png: %ux%u, expected %ux%u\n", iw, ih, w, h);
		return 1;
	}
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			const uint8_t *p = rgb + 3 * ((size_t)y * w + x);
			uint32_t got = p[0] << 16 | p[1] << 8 | p[2];
			uint32_t want = expect_px(x, y, sy, sh);

			if (got != want) {
				printf("fail png: pixel (%u,%u) is %06x, "
				       "expected %06x\n", x, y, got, want);
				return 1;
			}
		}
	printf("ok png %ux%u\n", w, h);
	return 0;
}

/* ---- a text console in a screenshot (gfx_text.h) ---- */

struct rgb_img {
	const uint8_t *rgb;
	uint32_t w, h;
};

static int64_t rgb_px(void *ctx, long x, long y)
{
	const struct rgb_img *im = ctx;
	const uint8_t *p;

	if (x < 0 || y < 0 || x >= im->w || y >= im->h)
		return -1;
	p = im->rgb + 3 * ((size_t)y * im->w + x);
	return p[0] << 16 | p[1] << 8 | p[2];
}

static int check_text(const char *file, uint32_t cols, uint32_t rows,
		      uint32_t curx, uint32_t cury)
{
	struct rgb_img im;

	im.rgb = load_png("text", file, &im.w, &im.h);
	if (!im.rgb)
		return 1;
	return gfx_text_check(rgb_px, &im, im.w, im.h, cols, rows, curx, cury,
			      stdin);
}

/* ---- the VNC viewer ---- */

static char *password;

static char *get_password(rfbClient *c)
{
	return strdup(password ? password : "");
}

static void quiet(const char *fmt, ...)
{
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long long rx_bytes(rfbClient *c)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(c->sock, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return 0;
	return ti.tcpi_bytes_received;
}

/* handle what the server sent for up to @secs; false if it went away */
static bool pump(rfbClient *c, double secs)
{
	double end = now() + secs;

	do {
		int r = WaitForMessage(c, 100000);

		if (r < 0)
			return false;
		if (r > 0 && !HandleRFBServerMessage(c))
			return false;
	} while (now() < end);
	return true;
}

/* the frame equals the pattern (with a stripe); first mismatch in @why */
static bool frame_ok(rfbClient *c, uint32_t w, uint32_t h, int sy, int sh,
		     char *why, size_t len)
{
	if ((uint32_t)c->width != w || (uint32_t)c->height != h) {
		snprintf(why, len, "frame is %dx%d, expected %ux%u", c->width,
			 c->height, w, h);
		return false;
	}
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			/* rfbGetClient(8, 3, 4): red in the low byte */
			const uint8_t *p = c->frameBuffer +
					   4 * ((size_t)y * w + x);
			uint32_t got = p[0] << 16 | p[1] << 8 | p[2];
			uint32_t want = expect_px(x, y, sy, sh);

			if (got != want) {
				snprintf(why, len, "pixel (%u,%u) is %06x, "
					 "expected %06x", x, y, got, want);
				return false;
			}
		}
	return true;
}

static void wait_frame(rfbClient *c, const char *cmd, uint32_t w, uint32_t h,
		       int sy, int sh, double secs)
{
	double end = now() + secs;
	char why[128] = "no frame";

	for (;;) {
		if (frame_ok(c, w, h, sy, sh, why, sizeof(why))) {
			printf("ok %s\n", cmd);
			return;
		}
		if (now() >= end || !pump(c, 0.2))
			break;
	}
	printf("fail %s: %s\n", cmd, why);
}

/* a key press and release, with Shift around it when @shift */
static bool tap(rfbClient *c, uint32_t sym, bool shift)
{
	const uint32_t shift_l = 0xffe1;
	bool ok = true;

	if (shift)
		ok &= SendKeyEvent(c, shift_l, TRUE);
	ok &= SendKeyEvent(c, sym, TRUE) && SendKeyEvent(c, sym, FALSE);
	if (shift)
		ok &= SendKeyEvent(c, shift_l, FALSE);
	usleep(20000);
	return ok;
}

/* @s as typed on a US keyboard, then Return */
static bool type_line(rfbClient *c, const char *s)
{
	const char *shifted = "~!@#$%^&*()_+{}|:\"<>?";
	bool ok = true;

	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch < 0x20 || ch > 0x7e)
			return false;
		ok &= tap(c, ch, (ch >= 'A' && ch <= 'Z') ||
			  strchr(shifted, ch));
	}
	return ok && tap(c, 0xff0d, false);
}

/* hex keysyms: all pressed in order, released in reverse */
static bool chord(rfbClient *c, const char *s)
{
	uint32_t syms[8];
	unsigned int n = 0;
	bool ok = true;
	char *end;

	while (n < 8) {
		unsigned long v = strtoul(s, &end, 16);

		if (end == s)
			break;
		syms[n++] = v;
		s = end;
	}
	if (!n)
		return false;
	for (unsigned int i = 0; i < n; i++)
		ok &= SendKeyEvent(c, syms[i], TRUE);
	usleep(50000);
	while (n--)
		ok &= SendKeyEvent(c, syms[n], FALSE);
	return ok;
}

static void cmd_line(rfbClient *c, char *line)
{
	char cmd[16] = "";
	unsigned int a = 0, b = 0, s = 0, d = 0;
	double end;

	sscanf(line, "%15s %x %x", cmd, &a, &b);
	if (!strcmp(cmd, "pattern") &&
	    sscanf(line, "%*s %u %u %u", &a, &b, &s) == 3) {
		wait_frame(c, cmd, a, b, 0, 0, s);
	} else if (!strcmp(cmd, "stripe") &&
		   sscanf(line, "%*s %u %u %u", &a, &b, &s) == 3) {
		wait_frame(c, cmd, c->width, c->height, a, b, s);
	} else if (!strcmp(cmd, "size") &&
		   sscanf(line, "%*s %u %u %u", &a, &b, &s) == 3) {
		end = now() + s;
		while (((uint32_t)c->width != a || (uint32_t)c->height != b) &&
		       now() < end && pump(c, 0.2))
			;
		if ((uint32_t)c->width == a && (uint32_t)c->height == b)
			printf("ok size %ux%u\n", a, b);
		else
			printf("fail size: %dx%d\n", c->width, c->height);
	} else if (!strcmp(cmd, "settle") &&
		   sscanf(line, "%*s %u", &s) == 1) {
		unsigned long long last = rx_bytes(c);
		double quiet = now();

		end = now() + s;
		while (now() < end && now() - quiet < 1.0 && pump(c, 0.1)) {
			if (rx_bytes(c) != last) {
				last = rx_bytes(c);
				quiet = now();
			}
		}
		printf(now() - quiet >= 1.0 ? "ok settle\n" :
		       "fail settle: still receiving\n");
	} else if (!strcmp(cmd, "bytes")) {
		pump(c, 0.05);
		printf("ok bytes %llu\n", rx_bytes(c));
	} else if (!strcmp(cmd, "key")) {
		d = SendKeyEvent(c, a, TRUE) && SendKeyEvent(c, a, FALSE);
		printf(d ? "ok key %x\n" : "fail key: %x\n", a);
	} else if (!strcmp(cmd, "line")) {
		d = type_line(c, line + 4 + (line[4] == ' '));
		printf(d ? "ok line\n" : "fail line: not sent\n");
	} else if (!strcmp(cmd, "pointer") &&
		   sscanf(line, "%*s %u %u %u", &a, &b, &s) == 3) {
		d = SendPointerEvent(c, a, b, s);
		printf(d ? "ok pointer\n" : "fail pointer: not sent\n");
	} else if (!strcmp(cmd, "chord")) {
		d = chord(c, line + 5);
		printf(d ? "ok chord\n" : "fail chord: malformed or not sent\n");
	} else if (!strcmp(cmd, "extkey")) {
		d = SendExtendedKeyEvent(c, b, a, TRUE) &&
		    SendExtendedKeyEvent(c, b, a, FALSE);
		printf(d ? "ok extkey %x\n" : "fail extkey: %x (not offered?)\n",
		       a);
	} else {
		printf("fail %s: unknown or malformed\n", cmd);
	}
	fflush(stdout);
}

static rfbClient *connect_to(const char *host, int port)
{
	rfbClient *c;

	rfbClientLog = quiet;	/* errors stay on stderr */
	c = rfbGetClient(8, 3, 4);
	c->serverHost = strdup(host);
	c->serverPort = port;
	c->GetPassword = get_password;
	c->appData.encodingsString = "raw";
	c->appData.shareDesktop = TRUE;
	c->canHandleNewFBSize = TRUE;
	if (!rfbInitClient(c, NULL, NULL)) {
		printf("fail connect: cannot connect to %s:%d\n", host, port);
		fflush(stdout);
		return NULL;
	}
	return c;
}

static int viewer(const char *host, int port)
{
	rfbClient *c = connect_to(host, port);
	char line[256];
	size_t len = 0;

	if (!c)
		return 1;
	printf("ok connect %dx%d \"%s\"\n", c->width, c->height,
	       c->desktopName ? c->desktopName : "");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = c->sock, .events = POLLIN },
		};

		if (poll(p, 2, 200) < 0 && errno != EINTR)
			break;
		if (p[1].revents && !pump(c, 0)) {
			printf("fail server: connection closed\n");
			fflush(stdout);
			return 1;
		}
		if (p[0].revents) {
			ssize_t n = read(0, line + len, sizeof(line) - 1 - len);
			char *nl;

			if (n <= 0)
				break;
			len += n;
			line[len] = 0;
			while ((nl = strchr(line, '\n'))) {
				*nl = 0;
				if (!strcmp(line, "quit"))
					return 0;
				cmd_line(c, line);
				memmove(line, nl + 1, len - (nl + 1 - line) + 1);
				len = strlen(line);
			}
			if (len == sizeof(line) - 1)
				len = 0;
		}
	}
	rfbClientCleanup(c);
	return 0;
}

/* the server closes the connection within @secs (reads until EOF) */
static bool closed_by_server(int sock, int secs)
{
	double end = now() + secs;
	char buf[4096];

	while (now() < end) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(sock, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return true;
	}
	return false;
}

static int garbage(const char *host, int port)
{
	/* QEMU message, subtype 7 (none such), then what a key event has */
	static const uint8_t qemu_bad[12] = { 255, 7 };
	uint8_t junk[4096];
	int closed = 0;

	for (int i = 0; i < 2; i++) {
		rfbClient *c = connect_to(host, port);
		const uint8_t *m = i ? junk : qemu_bad;
		size_t len = i ? sizeof(junk) : sizeof(qemu_bad);

		if (!c)
			return 1;
		for (size_t j = 0; j < sizeof(junk); j++)
			junk[j] = rand();
		if (write(c->sock, m, len) < 0 && errno != EPIPE &&
		    errno != ECONNRESET)
			break;
		closed += closed_by_server(c->sock, 10);
	}
	printf(closed == 2 ? "ok garbage %d\n" : "fail garbage: %d of 2 "
	       "malformed connections closed by the server\n", closed);
	return closed == 2 ? 0 : 1;
}

static int stall(const char *host, int port)
{
	rfbClient *c = connect_to(host, port);
	int small = 4096, n = 0;

	if (!c)
		return 1;
	/* a tiny receive buffer fills at once */
	setsockopt(c->sock, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	for (;;) {
		struct pollfd p = { .fd = c->sock, .events = POLLOUT };

		SendFramebufferUpdateRequest(c, 0, 0, c->width, c->height,
					     FALSE);
		if (++n == 200) {
			printf("ok stall\n");
			fflush(stdout);
		}
		if (poll(&p, 1, 20) == 0 && n > 200)
			pause();	/* even our requests no longer go out */
	}
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 7) && !strcmp(argv[1], "png"))
		return check_png(argv[2], atoi(argv[3]), atoi(argv[4]),
				 argc == 7 ? atoi(argv[5]) : 0,
				 argc == 7 ? atoi(argv[6]) : 0);
	if (argc == 7 && !strcmp(argv[1], "text"))
		return check_text(argv[2], atoi(argv[3]), atoi(argv[4]),
				  atoi(argv[5]), atoi(argv[6]));
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "vnc")) {
		password = argc == 5 ? argv[4] : NULL;
		return viewer(argv[2], atoi(argv[3]));
	}
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "garbage")) {
		password = argc == 5 ? argv[4] : NULL;
		signal(SIGPIPE, SIG_IGN);
		return garbage(argv[2], atoi(argv[3]));
	}
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "stall")) {
		password = argc == 5 ? argv[4] : NULL;
		return stall(argv[2], atoi(argv[3]));
	}
	fprintf(stderr, "usage: hxen-gfxcheck png FILE W H [Y H] | "
		"text FILE COLS ROWS CURX CURY < screen | "
		"vnc|garbage|stall HOST PORT [PASSWORD] < commands\n");
	return 2;
}

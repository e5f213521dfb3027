// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-fbtool: the guest side of the gui scenarios (static, runs in the
 * bundled busybox guest; the scenario appends it to the guest's initramfs).
 *
 *   hxen-fbtool info                 xres yres line_length bpp
 *   hxen-fbtool pattern              draw tests/e2e/gfx_pattern.h (write())
 *   hxen-fbtool stripe Y H           rows Y..Y+H-1 white, through mmap (fbfront
 *                                    reports the touched rows only)
 *   hxen-fbtool mode W H             FBIOPUT_VSCREENINFO: a new mode
 *   hxen-fbtool keys DEV N SECS      print "@@KEY code value" for N EV_KEY
 *                                    events read from evdev DEV
 *   hxen-fbtool events DEV N SECS    print "@@EV KEY|ABS|REL code value" for
 *                                    N such events (the pointer device)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <linux/input.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "gfx_pattern.h"

static int fb_open(struct fb_var_screeninfo *v, struct fb_fix_screeninfo *f)
{
	int fd = open("/dev/fb0", O_RDWR);

	if (fd < 0 || ioctl(fd, FBIOGET_VSCREENINFO, v) ||
	    ioctl(fd, FBIOGET_FSCREENINFO, f)) {
		perror("/dev/fb0");
		exit(1);
	}
	if (v->bits_per_pixel != 32) {
		fprintf(stderr, "fbtool: %u bpp, expected 32\n",
			v->bits_per_pixel);
		exit(1);
	}
	return fd;
}

static int pattern(void)
{
	struct fb_var_screeninfo v;
	struct fb_fix_screeninfo f;
	int fd = fb_open(&v, &f);
	uint32_t *row = calloc(1, f.line_length);

	for (uint32_t y = 0; y < v.yres; y++) {
		for (uint32_t x = 0; x < v.xres; x++)
			row[x] = gfx_pattern(x, y);
		if (pwrite(fd, row, f.line_length,
			   (off_t)y * f.line_length) != (ssize_t)f.line_length) {
			perror("write /dev/fb0");
			return 1;
		}
	}
	close(fd);
	return 0;
}

static int stripe(unsigned int y0, unsigned int h)
{
	struct fb_var_screeninfo v;
	struct fb_fix_screeninfo f;
	int fd = fb_open(&v, &f);
	uint8_t *p = mmap(NULL, f.smem_len, PROT_READ | PROT_WRITE,
			  MAP_SHARED, fd, 0);

	if (p == MAP_FAILED || y0 + h > v.yres) {
		fprintf(stderr, "fbtool: cannot map rows %u..%u\n", y0,
			y0 + h);
		return 1;
	}
	for (unsigned int y = y0; y < y0 + h; y++) {
		uint32_t *row = (uint32_t *)(p + (size_t)y * f.line_length);

		for (uint32_t x = 0; x < v.xres; x++)
			row[x] = GFX_STRIPE;
	}
	munmap(p, f.smem_len);
	close(fd);
	return 0;
}

static int mode(unsigned int w, unsigned int h)
{
	struct fb_var_screeninfo v;
	struct fb_fix_screeninfo f;
	int fd = fb_open(&v, &f);

	v.xres = v.xres_virtual = w;
	v.yres = v.yres_virtual = h;
	v.activate = FB_ACTIVATE_NOW;
	if (ioctl(fd, FBIOPUT_VSCREENINFO, &v)) {
		perror("FBIOPUT_VSCREENINFO");
		return 1;
	}
	close(fd);
	return 0;
}

/*
 * The next @n events of @dev within @secs: "@@KEY CODE VALUE" for keys
 * only, or with @all "@@EV KEY|ABS|REL CODE VALUE" for keys, absolute
 * and relative axes (the pointer)
 */
static int events(const char *dev, int n, int secs, bool all)
{
	int fd = open(dev, O_RDONLY);
	time_t end = time(NULL) + secs;
	struct input_event ev;

	if (fd < 0) {
		perror(dev);
		return 1;
	}
	printf("@@KEYS-READY\n");
	fflush(stdout);
	while (n > 0 && time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 500) <= 0)
			continue;
		if (read(fd, &ev, sizeof(ev)) != sizeof(ev))
			break;
		if (ev.type == EV_KEY && !all)
			printf("@@KEY %u %d\n", ev.code, ev.value);
		else if (all && (ev.type == EV_KEY || ev.type == EV_ABS ||
				 ev.type == EV_REL))
			printf("@@EV %s %u %d\n", ev.type == EV_KEY ? "KEY" :
			       ev.type == EV_ABS ? "ABS" : "REL", ev.code,
			       ev.value);
		else
			continue;
		fflush(stdout);
		n--;
	}
	printf("@@KEYS-END %d\n", n);
	return n ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct fb_var_screeninfo v;
	struct fb_fix_screeninfo f;

	if (argc == 2 && !strcmp(argv[1], "info")) {
		close(fb_open(&v, &f));
		printf("@@FB %u %u %u %u\n", v.xres, v.yres, f.line_length,
		       v.bits_per_pixel);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "pattern"))
		return pattern();
	if (argc == 4 && !strcmp(argv[1], "stripe"))
		return stripe(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "mode"))
		return mode(atoi(argv[2]), atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "keys"))
		return events(argv[2], atoi(argv[3]), atoi(argv[4]), false);
	if (argc == 5 && !strcmp(argv[1], "events"))
		return events(argv[2], atoi(argv[3]), atoi(argv[4]), true);
	fprintf(stderr, "usage: hxen-fbtool info|pattern|stripe Y H|mode W H|"
		"keys|events DEV N SECS\n");
	return 2;
}

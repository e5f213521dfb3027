// SPDX-License-Identifier: GPL-2.0
/*
 * xwd-probe: the colour of pixels in an X window dump (xwd -root), so
 * the SDL checks need no image library in the emulated host.
 *
 *   xwd-probe FILE X Y [X Y]...     prints RRGGBB per point, one a line
 *   xwd-probe FILE --pattern X Y W H
 *       the W x H rectangle at (X, Y) is tests/e2e/gfx_pattern.h, the
 *       gui scenarios' test image (exit 0), else how many pixels differ
 *   xwd-probe FILE --text X Y W H COLS ROWS CURX CURY < screen
 *       the W x H rectangle at (X, Y) shows the text console's text on
 *       stdin (tests/e2e/gfx_text.h)
 *
 * Reads the XWD v7 format X11's xwd writes: a header of 25 big-endian
 * 32-bit fields, the window name, the colour map (12 bytes an entry),
 * then the image; only TrueColor ZPixmap images of 24 or 32 bits per
 * pixel are supported.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/e2e/gfx_pattern.h"
#include "tests/e2e/gfx_text.h"

enum { H_SIZE, H_VERSION, H_FORMAT, H_DEPTH, H_WIDTH, H_HEIGHT, H_XOFF,
       H_BYTE_ORDER, H_BITMAP_UNIT, H_BIT_ORDER, H_PAD, H_BPP, H_BPL,
       H_CLASS, H_RMASK, H_GMASK, H_BMASK, H_BITS_RGB, H_CMAP_ENTRIES,
       H_NCOLORS, H_FIELDS = 25 };

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static unsigned int channel(uint32_t px, uint32_t mask)
{
	unsigned int shift = 0;

	if (!mask)
		return 0;
	while (!(mask & 1)) {
		mask >>= 1;
		shift++;
	}
	return ((px >> shift) & mask) * 255 / mask;
}

struct xwd {
	FILE *f;
	uint32_t h[H_FIELDS];
	size_t off;		/* of the image */
};

/* 0x00RRGGBB of pixel (x, y), or -1 outside the image */
static int64_t pixel(struct xwd *w, long x, long y)
{
	const uint32_t *h = w->h;
	unsigned int bytes = h[H_BPP] / 8;
	uint8_t p[4] = { 0 };
	uint32_t px;

	if (x < 0 || y < 0 || x >= h[H_WIDTH] || y >= h[H_HEIGHT] ||
	    fseek(w->f, w->off + (size_t)y * h[H_BPL] + bytes * x, SEEK_SET) ||
	    fread(p, 1, bytes, w->f) != bytes)
		return -1;
	if (h[H_BYTE_ORDER])	/* MSBFirst */
		px = bytes == 4 ? be32(p) :
		     (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
	else
		px = (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
	return channel(px, h[H_RMASK]) << 16 | channel(px, h[H_GMASK]) << 8 |
	       channel(px, h[H_BMASK]);
}

static int check_pattern(struct xwd *w, char **a)
{
	long x0 = strtol(a[0], NULL, 0), y0 = strtol(a[1], NULL, 0);
	long pw = strtol(a[2], NULL, 0), ph = strtol(a[3], NULL, 0);
	long bad = 0, first_x = -1, first_y = -1;

	for (long y = 0; y < ph; y++)
		for (long x = 0; x < pw; x++) {
			int64_t got = pixel(w, x0 + x, y0 + y);

			if (got == gfx_pattern(x, y))
				continue;
			if (!bad++) {
				first_x = x;
				first_y = y;
			}
		}
	if (bad) {
		printf("pattern: %ld of %ld pixels differ, the first at (%ld,%ld): "
		       "%06llx, expected %06x\n", bad, pw * ph, first_x, first_y,
		       (long long)pixel(w, x0 + first_x, y0 + first_y),
		       gfx_pattern(first_x, first_y));
		return 1;
	}
	printf("pattern: %ldx%ld at (%ld,%ld) exact\n", pw, ph, x0, y0);
	return 0;
}

/* the window's rectangle of the dump, for gfx_text_check() */
struct xwd_rect {
	struct xwd *w;
	long x0, y0, rw, rh;
};

static int64_t rect_px(void *ctx, long x, long y)
{
	struct xwd_rect *r = ctx;

	if (x < 0 || y < 0 || x >= r->rw || y >= r->rh)
		return -1;
	return pixel(r->w, r->x0 + x, r->y0 + y);
}

static int check_text(struct xwd *w, char **a)
{
	struct xwd_rect r = {
		w, strtol(a[0], NULL, 0), strtol(a[1], NULL, 0),
		strtol(a[2], NULL, 0), strtol(a[3], NULL, 0),
	};

	return gfx_text_check(rect_px, &r, r.rw, r.rh, atoi(a[4]), atoi(a[5]),
			      atoi(a[6]), atoi(a[7]), stdin);
}

int main(int argc, char **argv)
{
	uint32_t h[H_FIELDS];
	uint8_t raw[4 * H_FIELDS];
	struct xwd w;
	FILE *f;

	if (argc < 4 || (argc % 2 && strcmp(argv[2], "--pattern") &&
			 strcmp(argv[2], "--text"))) {
		fprintf(stderr, "usage: xwd-probe FILE X Y [X Y]...\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fread(raw, 1, sizeof(raw), f) != sizeof(raw)) {
		fprintf(stderr, "xwd-probe: %s: cannot read an XWD header\n", argv[1]);
		return 1;
	}
	for (int i = 0; i < H_FIELDS; i++)
		h[i] = be32(raw + 4 * i);
	if (h[H_VERSION] != 7 || h[H_FORMAT] != 2 ||
	    (h[H_BPP] != 32 && h[H_BPP] != 24) ||
	    h[H_BPL] < h[H_BPP] / 8 * h[H_WIDTH]) {
		fprintf(stderr, "xwd-probe: %s: not a 24/32-bit ZPixmap XWD v7 file "
			"(version %u, format %u, %u bpp)\n", argv[1],
			h[H_VERSION], h[H_FORMAT], h[H_BPP]);
		return 1;
	}
	w.f = f;
	memcpy(w.h, h, sizeof(h));
	w.off = h[H_SIZE] + 12 * (size_t)h[H_NCOLORS];
	if (!strcmp(argv[2], "--pattern")) {
		if (argc != 7) {
			fprintf(stderr, "usage: xwd-probe FILE --pattern X Y W H\n");
			return 2;
		}
		return check_pattern(&w, argv + 3);
	}
	if (!strcmp(argv[2], "--text")) {
		if (argc != 11) {
			fprintf(stderr, "usage: xwd-probe FILE --text X Y W H "
				"COLS ROWS CURX CURY < screen\n");
			return 2;
		}
		return check_text(&w, argv + 3);
	}
	for (int i = 2; i < argc; i += 2) {
		long x = strtol(argv[i], NULL, 0), y = strtol(argv[i + 1], NULL, 0);
		int64_t px = pixel(&w, x, y);

		if (px < 0) {
			fprintf(stderr, "xwd-probe: (%ld,%ld) outside the %ux%u image\n",
				x, y, h[H_WIDTH], h[H_HEIGHT]);
			return 1;
		}
		printf("%06llx\n", (long long)px);
	}
	fclose(f);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text check of the gui scenarios (82-gui-sdl, 83-gui-login): a
 * picture of the guest's text console (a screenshot: gfxcheck.c; the SDL
 * window in an X dump: tests/sdl/xwd_probe.c) shows the console's text.
 * The text comes on @in as ROWS lines "|TEXT|" of COLS characters (the
 * guest's /dev/vcsN); a cell of the COLS x ROWS grid over the picture must
 * have lit (non-black) pixels exactly where TEXT has a character other
 * than a space.  The cursor's cell (CURX, CURY) is not compared.
 */
#ifndef HXEN_E2E_GFX_TEXT_H
#define HXEN_E2E_GFX_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* 0x00RRGGBB of pixel (x, y) of the picture, < 0 outside it */
typedef int64_t (*gfx_px_fn)(void *ctx, long x, long y);

static inline bool gfx_cell_lit(gfx_px_fn px, void *ctx, uint32_t x0,
				uint32_t y0, uint32_t cw, uint32_t ch)
{
	for (uint32_t y = y0; y < y0 + ch; y++)
		for (uint32_t x = x0; x < x0 + cw; x++)
			if (px(ctx, x, y) > 0)
				return true;
	return false;
}

/* prints "ok text ..." (returns 0) or "fail text: ..." (1) */
static inline int gfx_text_check(gfx_px_fn px, void *ctx, uint32_t w,
				 uint32_t h, uint32_t cols, uint32_t rows,
				 uint32_t curx, uint32_t cury, FILE *in)
{
	uint32_t cw, ch, chars = 0, bad = 0;
	char line[1024];

	if (!cols || !rows || cols >= sizeof(line) - 3 || w / cols == 0 ||
	    h / rows == 0) {
		printf("fail text: a %ux%u grid on %ux%u\n", cols, rows, w, h);
		return 1;
	}
	cw = w / cols;
	ch = h / rows;
	for (uint32_t r = 0; r < rows; r++) {
		const char *t = line + 1;

		if (!fgets(line, sizeof(line), in) || line[0] != '|' ||
		    strlen(line) < cols + 2 || line[cols + 1] != '|') {
			printf("fail text: row %u of the console text is not "
			       "\"|%u characters|\"\n", r, cols);
			return 1;
		}
		for (uint32_t c = 0; c < cols; c++) {
			bool want = t[c] != ' ', got;

			if (c == curx && r == cury)
				continue;
			got = gfx_cell_lit(px, ctx, c * cw, r * ch, cw, ch);
			chars += want;
			if (want != got && bad++ < 5)
				printf("# cell (%u,%u) '%c' is %s\n", c, r,
				       t[c], got ? "lit" : "black");
		}
	}
	if (bad) {
		printf("fail text: %u of %ux%u cells differ from the console "
		       "text\n", bad, cols, rows);
		return 1;
	}
	printf("ok text %ux%u cells of %ux%u pixels, %u characters\n", cols,
	       rows, cw, ch, chars);
	return 0;
}

#endif /* HXEN_E2E_GFX_TEXT_H */

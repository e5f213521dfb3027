// SPDX-License-Identifier: GPL-2.0
/*
 * PNG files of the display surface with libpng: 8-bit RGB, no alpha
 * (XRGB8888's X byte is padding), written to a temporary name and renamed,
 * so a reader never sees half a file.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/display_core.h"

struct png_state {
	FILE *f;
	uint8_t *row;
};

static int write_rows(png_structp png, png_infop info, struct png_state *st,
		      const uint8_t *pixels, uint32_t w, uint32_t h,
		      uint32_t stride)
{
	if (setjmp(png_jmpbuf(png)))
		return -EIO;
	png_init_io(png, st->f);
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	/* screens of text compress well and fast at level 1 */
	png_set_compression_level(png, 1);
	png_write_info(png, info);
	for (uint32_t y = 0; y < h; y++) {
		const uint32_t *src = (const uint32_t *)(pixels +
							 (size_t)y * stride);

		for (uint32_t x = 0; x < w; x++) {
			uint32_t p = src[x];

			st->row[3 * x] = p >> 16;
			st->row[3 * x + 1] = p >> 8;
			st->row[3 * x + 2] = p;
		}
		png_write_row(png, st->row);
	}
	png_write_end(png, info);
	return 0;
}

int display_png_write(const char *path, const uint8_t *pixels, uint32_t w,
		      uint32_t h, uint32_t stride, char *err, size_t errlen)
{
	struct png_state st = { 0 };
	png_structp png;
	png_infop info = NULL;
	char *tmp;
	int r;

	if (asprintf(&tmp, "%s.tmp%d", path, (int)getpid()) < 0)
		return -ENOMEM;
	st.row = malloc((size_t)w * 3);
	st.f = st.row ? fopen(tmp, "wb") : NULL;
	if (!st.f) {
		r = st.row ? -errno : -ENOMEM;
		snprintf(err, errlen, "cannot write '%s': %s", path,
			 strerror(-r));
		free(st.row);
		free(tmp);
		return r;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (png)
		info = png_create_info_struct(png);
	r = info ? write_rows(png, info, &st, pixels, w, h, stride) : -ENOMEM;
	png_destroy_write_struct(&png, &info);
	if (fclose(st.f) && !r)
		r = -errno;
	if (!r && rename(tmp, path))
		r = -errno;
	if (r) {
		unlink(tmp);
		snprintf(err, errlen, "cannot write '%s': %s", path,
			 strerror(-r));
	}
	free(st.row);
	free(tmp);
	return r;
}

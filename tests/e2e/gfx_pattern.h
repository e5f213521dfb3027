/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test pattern of the gui scenarios (tests/e2e/scenarios/8x-gui-*):
 * the guest draws it (fbtool.c), the host checks screenshots and VNC
 * frames against it (gfxcheck.c).  0x00RRGGBB, a different colour in
 * every channel of nearly every pixel, so a shifted, swapped or scaled
 * image never matches.
 */
#ifndef HXEN_E2E_GFX_PATTERN_H
#define HXEN_E2E_GFX_PATTERN_H

#include <stdint.h>

static inline uint32_t gfx_pattern(uint32_t x, uint32_t y)
{
	uint32_t r = (x * 7 + y * 13) & 0xff;
	uint32_t g = (x ^ y) & 0xff;
	uint32_t b = ((x + 3 * y) >> 2) & 0xff;

	return r << 16 | g << 8 | b;
}

/* the stripe scenario 81 draws over the pattern */
#define GFX_STRIPE	0x00ffffffu

#endif /* HXEN_E2E_GFX_PATTERN_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * SDL scancode -> Linux key code table (devices/keymap_sdl.c).
 *
 * The expected values are written as USB HID usage numbers (HID Usage
 * Tables 1.12, keyboard page 0x07; SDL scancodes are those numbers) and
 * Linux's KEY_* names, so a slip in the table's SDL names shows up here.
 */
#include <stdio.h>
#include <string.h>
#include <linux/input-event-codes.h>

#include "unit.h"
#include "devices/keymap_sdl.h"

static const struct { int usage; unsigned int key; } sample[] = {
	{ 0x04, KEY_A }, { 0x05, KEY_B }, { 0x10, KEY_M }, { 0x14, KEY_Q },
	{ 0x1a, KEY_W }, { 0x1c, KEY_Y }, { 0x1d, KEY_Z },
	{ 0x1e, KEY_1 }, { 0x26, KEY_9 }, { 0x27, KEY_0 },
	{ 0x28, KEY_ENTER }, { 0x29, KEY_ESC }, { 0x2a, KEY_BACKSPACE },
	{ 0x2b, KEY_TAB }, { 0x2c, KEY_SPACE }, { 0x2d, KEY_MINUS },
	{ 0x2e, KEY_EQUAL }, { 0x2f, KEY_LEFTBRACE }, { 0x30, KEY_RIGHTBRACE },
	{ 0x31, KEY_BACKSLASH }, { 0x32, KEY_BACKSLASH },
	{ 0x33, KEY_SEMICOLON }, { 0x34, KEY_APOSTROPHE }, { 0x35, KEY_GRAVE },
	{ 0x36, KEY_COMMA }, { 0x37, KEY_DOT }, { 0x38, KEY_SLASH },
	{ 0x39, KEY_CAPSLOCK },
	{ 0x3a, KEY_F1 }, { 0x3b, KEY_F2 }, { 0x43, KEY_F10 },
	{ 0x44, KEY_F11 }, { 0x45, KEY_F12 },
	{ 0x46, KEY_SYSRQ }, { 0x47, KEY_SCROLLLOCK }, { 0x48, KEY_PAUSE },
	{ 0x49, KEY_INSERT }, { 0x4a, KEY_HOME }, { 0x4b, KEY_PAGEUP },
	{ 0x4c, KEY_DELETE }, { 0x4d, KEY_END }, { 0x4e, KEY_PAGEDOWN },
	{ 0x4f, KEY_RIGHT }, { 0x50, KEY_LEFT }, { 0x51, KEY_DOWN },
	{ 0x52, KEY_UP },
	{ 0x53, KEY_NUMLOCK }, { 0x54, KEY_KPSLASH }, { 0x55, KEY_KPASTERISK },
	{ 0x56, KEY_KPMINUS }, { 0x57, KEY_KPPLUS }, { 0x58, KEY_KPENTER },
	{ 0x59, KEY_KP1 }, { 0x5d, KEY_KP5 }, { 0x61, KEY_KP9 },
	{ 0x62, KEY_KP0 }, { 0x63, KEY_KPDOT },
	{ 0x64, KEY_102ND }, { 0x65, KEY_COMPOSE }, { 0x66, KEY_POWER },
	{ 0x67, KEY_KPEQUAL }, { 0x68, KEY_F13 }, { 0x73, KEY_F24 },
	{ 0x7f, KEY_MUTE }, { 0x80, KEY_VOLUMEUP }, { 0x81, KEY_VOLUMEDOWN },
	{ 0x85, KEY_KPCOMMA },
	{ 0x87, KEY_RO }, { 0x88, KEY_KATAKANAHIRAGANA }, { 0x89, KEY_YEN },
	{ 0x8a, KEY_HENKAN }, { 0x8b, KEY_MUHENKAN }, { 0x8c, KEY_KPJPCOMMA },
	{ 0x90, KEY_HANGEUL }, { 0x91, KEY_HANJA }, { 0x92, KEY_KATAKANA },
	{ 0x93, KEY_HIRAGANA }, { 0x94, KEY_ZENKAKUHANKAKU },
	{ 0xe0, KEY_LEFTCTRL }, { 0xe1, KEY_LEFTSHIFT }, { 0xe2, KEY_LEFTALT },
	{ 0xe3, KEY_LEFTMETA }, { 0xe4, KEY_RIGHTCTRL },
	{ 0xe5, KEY_RIGHTSHIFT }, { 0xe6, KEY_RIGHTALT },
	{ 0xe7, KEY_RIGHTMETA },
};

static void test_sample(void)
{
	for (size_t i = 0; i < sizeof(sample) / sizeof(sample[0]); i++) {
		unsigned int got = keymap_sdl_to_linux(sample[i].usage);

		if (got != sample[i].key)
			printf("\n  usage 0x%02x: key %u, expected %u",
			       sample[i].usage, got, sample[i].key);
		CU_ASSERT_EQUAL(got, sample[i].key);
	}
}

/*
 * Every key of a full-size PC keyboard (ISO 105 keys, the ANSI
 * backslash, the JIS and Korean extras) has a key code: HID usages
 * 0x04-0x65 and the modifiers, without gaps.
 */
static void test_pc_layout_complete(void)
{
	for (int u = 0x04; u <= 0x65; u++) {
		if (!keymap_sdl_to_linux(u))
			printf("\n  usage 0x%02x has no key code", u);
		CU_ASSERT_NOT_EQUAL(keymap_sdl_to_linux(u), 0);
	}
	for (int u = 0xe0; u <= 0xe7; u++)
		CU_ASSERT_NOT_EQUAL(keymap_sdl_to_linux(u), 0);
	for (int u = 0x87; u <= 0x8c; u++)
		CU_ASSERT_NOT_EQUAL(keymap_sdl_to_linux(u), 0);
	for (int u = 0x90; u <= 0x94; u++)
		CU_ASSERT_NOT_EQUAL(keymap_sdl_to_linux(u), 0);
}

static void test_out_of_range(void)
{
	CU_ASSERT_EQUAL(keymap_sdl_size(), 512);
	CU_ASSERT_EQUAL(keymap_sdl_to_linux(-1), KEY_RESERVED);
	CU_ASSERT_EQUAL(keymap_sdl_to_linux(0), KEY_RESERVED);
	CU_ASSERT_EQUAL(keymap_sdl_to_linux(512), KEY_RESERVED);
	CU_ASSERT_EQUAL(keymap_sdl_to_linux(1 << 30), KEY_RESERVED);
	/* 1-3: HID's error codes (rollover, POST fail), not keys */
	for (int u = 1; u <= 3; u++)
		CU_ASSERT_EQUAL(keymap_sdl_to_linux(u), KEY_RESERVED);
	/* every code fits the vkbd key field and Linux's key range */
	for (unsigned int s = 0; s < keymap_sdl_size(); s++)
		CU_ASSERT(keymap_sdl_to_linux(s) < KEY_MAX);
}

/*
 * Two scancodes give the same key code only where they are one key:
 * ANSI '\|' and ISO '#~' (usages 0x31, 0x32: one position on the PC),
 * Print Screen and SysRq, AltGr as RALT and as MODE, and SDL's media
 * duplicates of HID's Mute and Stop (usages 0x7f, 0x78).
 */
static const int allowed[][2] = {
	{ 0x31, 0x32 }, { 0x46, 0x9a }, { 0xe6, 257 },
	{ 0x7f, 262 }, { 0x78, 272 },
};

static int is_allowed(int a, int b)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if ((allowed[i][0] == a && allowed[i][1] == b) ||
		    (allowed[i][0] == b && allowed[i][1] == a))
			return 1;
	return 0;
}

static void test_no_collisions(void)
{
	static int first[KEY_MAX];
	int pairs = 0;

	memset(first, -1, sizeof(first));
	for (unsigned int s = 0; s < keymap_sdl_size(); s++) {
		unsigned int k = keymap_sdl_to_linux(s);

		if (!k)
			continue;
		if (first[k] < 0) {
			first[k] = s;
			continue;
		}
		if (!is_allowed(first[k], s))
			printf("\n  scancodes %d and %u both give key %u",
			       first[k], s, k);
		CU_ASSERT(is_allowed(first[k], s));
		pairs++;
	}
	/* each allowed pair seen once: the list above is not stale */
	CU_ASSERT_EQUAL(pairs, sizeof(allowed) / sizeof(allowed[0]));
}

static const CU_TestInfo keymap_sdl_tests[] = {
	{ "sample against HID usages", test_sample },
	{ "PC layout complete", test_pc_layout_complete },
	{ "out of range", test_out_of_range },
	{ "no unexpected collisions", test_no_collisions },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(keymap_sdl, keymap_sdl_tests)

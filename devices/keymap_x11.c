// SPDX-License-Identifier: GPL-2.0
/*
 * X11 keysyms and XT scancodes to Linux key codes (keymap_x11.h).
 * Numbers: X11 keysymdef.h, linux/input-event-codes.h; the US layout's
 * key positions.
 */
#include <stddef.h>

#include "devices/keymap_x11.h"

/* Linux codes of the printable ASCII keysyms 0x20..0x7e (US layout). */
static const uint8_t ascii[0x7f - 0x20] = {
	[' ' - 0x20] = 57,
	['!' - 0x20] = 2, ['"' - 0x20] = 40, ['#' - 0x20] = 4,
	['$' - 0x20] = 5, ['%' - 0x20] = 6, ['&' - 0x20] = 8,
	['\'' - 0x20] = 40, ['(' - 0x20] = 10, [')' - 0x20] = 11,
	['*' - 0x20] = 9, ['+' - 0x20] = 13, [',' - 0x20] = 51,
	['-' - 0x20] = 12, ['.' - 0x20] = 52, ['/' - 0x20] = 53,
	['0' - 0x20] = 11, ['1' - 0x20] = 2, ['2' - 0x20] = 3,
	['3' - 0x20] = 4, ['4' - 0x20] = 5, ['5' - 0x20] = 6,
	['6' - 0x20] = 7, ['7' - 0x20] = 8, ['8' - 0x20] = 9,
	['9' - 0x20] = 10, [':' - 0x20] = 39, [';' - 0x20] = 39,
	['<' - 0x20] = 51, ['=' - 0x20] = 13, ['>' - 0x20] = 52,
	['?' - 0x20] = 53, ['@' - 0x20] = 3,
	['A' - 0x20] = 30, ['B' - 0x20] = 48, ['C' - 0x20] = 46,
	['D' - 0x20] = 32, ['E' - 0x20] = 18, ['F' - 0x20] = 33,
	['G' - 0x20] = 34, ['H' - 0x20] = 35, ['I' - 0x20] = 23,
	['J' - 0x20] = 36, ['K' - 0x20] = 37, ['L' - 0x20] = 38,
	['M' - 0x20] = 50, ['N' - 0x20] = 49, ['O' - 0x20] = 24,
	['P' - 0x20] = 25, ['Q' - 0x20] = 16, ['R' - 0x20] = 19,
	['S' - 0x20] = 31, ['T' - 0x20] = 20, ['U' - 0x20] = 22,
	['V' - 0x20] = 47, ['W' - 0x20] = 17, ['X' - 0x20] = 45,
	['Y' - 0x20] = 21, ['Z' - 0x20] = 44,
	['[' - 0x20] = 26, ['\\' - 0x20] = 43, [']' - 0x20] = 27,
	['^' - 0x20] = 7, ['_' - 0x20] = 12, ['`' - 0x20] = 41,
	['{' - 0x20] = 26, ['|' - 0x20] = 43, ['}' - 0x20] = 27,
	['~' - 0x20] = 41,
};

/* The 0xffXX function keysyms (and a few 0xfeXX) */
static const struct {
	uint16_t sym;
	uint16_t code;
} special[] = {
	{ 0xff08, 14 },		/* BackSpace */
	{ 0xff09, 15 },		/* Tab */
	{ 0xfe20, 15 },		/* ISO_Left_Tab (Shift-Tab) */
	{ 0xff0d, 28 },		/* Return */
	{ 0xff13, 119 },	/* Pause */
	{ 0xff6b, 119 },	/* Break */
	{ 0xff14, 70 },		/* Scroll_Lock */
	{ 0xff15, 99 },		/* Sys_Req */
	{ 0xff61, 99 },		/* Print */
	{ 0xff1b, 1 },		/* Escape */
	{ 0xffff, 111 },	/* Delete */
	{ 0xff50, 102 },	/* Home */
	{ 0xff51, 105 },	/* Left */
	{ 0xff52, 103 },	/* Up */
	{ 0xff53, 106 },	/* Right */
	{ 0xff54, 108 },	/* Down */
	{ 0xff55, 104 },	/* Prior (Page Up) */
	{ 0xff56, 109 },	/* Next (Page Down) */
	{ 0xff57, 107 },	/* End */
	{ 0xff63, 110 },	/* Insert */
	{ 0xff67, 127 },	/* Menu: KEY_COMPOSE */
	{ 0xff7f, 69 },		/* Num_Lock */
	{ 0xff8d, 96 },		/* KP_Enter */
	{ 0xff95, 71 },		/* KP_Home */
	{ 0xff96, 75 },		/* KP_Left */
	{ 0xff97, 72 },		/* KP_Up */
	{ 0xff98, 77 },		/* KP_Right */
	{ 0xff99, 80 },		/* KP_Down */
	{ 0xff9a, 73 },		/* KP_Prior */
	{ 0xff9b, 81 },		/* KP_Next */
	{ 0xff9c, 79 },		/* KP_End */
	{ 0xff9d, 76 },		/* KP_Begin */
	{ 0xff9e, 82 },		/* KP_Insert */
	{ 0xff9f, 83 },		/* KP_Delete */
	{ 0xffaa, 55 },		/* KP_Multiply */
	{ 0xffab, 78 },		/* KP_Add */
	{ 0xffac, 121 },	/* KP_Separator: KEY_KPCOMMA */
	{ 0xffad, 74 },		/* KP_Subtract */
	{ 0xffae, 83 },		/* KP_Decimal */
	{ 0xffaf, 98 },		/* KP_Divide */
	{ 0xffb0, 82 }, { 0xffb1, 79 }, { 0xffb2, 80 }, { 0xffb3, 81 },
	{ 0xffb4, 75 }, { 0xffb5, 76 }, { 0xffb6, 77 }, { 0xffb7, 71 },
	{ 0xffb8, 72 }, { 0xffb9, 73 },	/* KP_0..KP_9 */
	{ 0xffbd, 117 },	/* KP_Equal */
	{ 0xffe1, 42 },		/* Shift_L */
	{ 0xffe2, 54 },		/* Shift_R */
	{ 0xffe3, 29 },		/* Control_L */
	{ 0xffe4, 97 },		/* Control_R */
	{ 0xffe5, 58 },		/* Caps_Lock */
	{ 0xffe7, 125 },	/* Meta_L */
	{ 0xffe8, 126 },	/* Meta_R */
	{ 0xffe9, 56 },		/* Alt_L */
	{ 0xffea, 100 },	/* Alt_R */
	{ 0xffeb, 125 },	/* Super_L */
	{ 0xffec, 126 },	/* Super_R */
	{ 0xfe03, 100 },	/* ISO_Level3_Shift (AltGr) */
	/* Japanese and Korean keys */
	{ 0xff22, 94 },		/* Muhenkan */
	{ 0xff23, 92 },		/* Henkan_Mode */
	{ 0xff27, 93 },		/* Hiragana_Katakana */
	{ 0xff31, 122 },	/* Hangul: KEY_HANGEUL */
	{ 0xff34, 123 },	/* Hangul_Hanja: KEY_HANJA */
};

/* XF86 keysyms (0x1008ffXX) of the usual multimedia and power keys */
static const struct {
	uint8_t sym;
	uint16_t code;
} xf86[] = {
	{ 0x11, 114 },		/* XF86AudioLowerVolume */
	{ 0x12, 113 },		/* XF86AudioMute */
	{ 0x13, 115 },		/* XF86AudioRaiseVolume */
	{ 0x14, 164 },		/* XF86AudioPlay: KEY_PLAYPAUSE */
	{ 0x15, 166 },		/* XF86AudioStop: KEY_STOPCD */
	{ 0x16, 165 },		/* XF86AudioPrev: KEY_PREVIOUSSONG */
	{ 0x17, 163 },		/* XF86AudioNext: KEY_NEXTSONG */
	{ 0x2a, 116 },		/* XF86PowerOff */
	{ 0x2f, 142 },		/* XF86Sleep */
};

unsigned int keymap_x11_to_linux(uint32_t keysym)
{
	/* F1..F10 are 59..68, F11 and F12 sit at 87 and 88 */
	static const uint8_t fkeys[12] = {
		59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88,
	};

	if (keysym >= 'a' && keysym <= 'z')	/* the key of its capital */
		keysym -= 'a' - 'A';
	if (keysym >= 0x20 && keysym < 0x7f)
		return ascii[keysym - 0x20];
	if (keysym >= 0xffbe && keysym <= 0xffc9)	/* F1..F12 */
		return fkeys[keysym - 0xffbe];
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (special[i].sym == keysym)
			return special[i].code;
	for (size_t i = 0; i < sizeof(xf86) / sizeof(xf86[0]); i++)
		if (0x1008ff00u + xf86[i].sym == keysym)
			return xf86[i].code;
	return 0;
}

unsigned int keymap_xt_to_linux(uint32_t xt)
{
	/* set 1 make codes that are not Linux's code of the same number */
	static const struct {
		uint8_t xt, code;
	} high[] = {
		{ 0x54, 99 },	/* Alt+Print: KEY_SYSRQ */
		{ 0x59, 117 },	/* KP = */
		{ 0x70, 93 },	/* Katakana/Hiragana */
		{ 0x73, 89 },	/* Ro */
		{ 0x79, 92 },	/* Henkan */
		{ 0x7b, 94 },	/* Muhenkan */
		{ 0x7d, 124 },	/* Yen */
		{ 0x7e, 121 },	/* KP , */
	};
	/* 0xe0-prefixed scancodes (bit 7 set here) that have a key */
	static const struct {
		uint8_t xt, code;
	} ext[] = {
		{ 0x10, 165 },	/* previous track */
		{ 0x19, 163 },	/* next track */
		{ 0x20, 113 },	/* mute */
		{ 0x22, 164 },	/* play/pause */
		{ 0x24, 166 },	/* stop */
		{ 0x2e, 114 },	/* volume down */
		{ 0x30, 115 },	/* volume up */
		{ 0x1c, 96 },	/* KP Enter */
		{ 0x1d, 97 },	/* right Ctrl */
		{ 0x35, 98 },	/* KP / */
		{ 0x37, 99 },	/* Print Screen */
		{ 0x38, 100 },	/* right Alt */
		{ 0x46, 119 },	/* Ctrl-Break */
		{ 0x47, 102 }, { 0x48, 103 }, { 0x49, 104 },	/* Home Up PgUp */
		{ 0x4b, 105 }, { 0x4d, 106 },			/* Left Right */
		{ 0x4f, 107 }, { 0x50, 108 }, { 0x51, 109 },	/* End Down PgDn */
		{ 0x52, 110 }, { 0x53, 111 },			/* Ins Del */
		{ 0x5b, 125 }, { 0x5c, 126 }, { 0x5d, 127 },	/* Meta Menu */
		{ 0x5e, 116 }, { 0x5f, 142 }, { 0x63, 143 },	/* Power Sleep Wake */
	};

	if (xt == 0 || xt > 0xff)
		return 0;
	if (xt < 0x80) {
		for (size_t i = 0; i < sizeof(high) / sizeof(high[0]); i++)
			if (high[i].xt == xt)
				return high[i].code;
		/* set 1 make codes 1..0x58 are Linux's KEY_ESC..KEY_F12
		 * (0x54, Alt+Print, is not Linux's 84: above) */
		return xt <= 0x58 ? xt : 0;
	}
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (ext[i].xt == (xt & 0x7f))
			return ext[i].code;
	return 0;
}
